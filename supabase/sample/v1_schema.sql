-- =====================================================================================================
-- trvl-social v1 (2021): the tables of the first backend (Node + plain PostgreSQL), restored into the
-- Supabase project in 2022 and still holding the data the v3 schema is meant to take over.
-- Part of the sample production; run by production.sql. Tables only: their keys, indexes, views,
-- functions and triggers come after the data is loaded (v1_objects.sql), as a restore would do it.
--
-- The sins, on purpose (supabase/README.md lists them; the data migration relies on each):
--   text dates in several formats, money in text and float, integer ids where v3 uses uuid,
--   denormalised copies (emails, titles, names), nullable foreign keys, columns without a foreign key
--   (and so orphans), duplicate e-mails differing in case, soft deletes in three different styles.
-- =====================================================================================================

CREATE TYPE public.v1_user_role AS ENUM ('traveller', 'vendor', 'admin');

-- Booking references ('TRV-100042') came from their own sequence, not from the row id.
CREATE SEQUENCE public.v1_booking_ref_seq START WITH 100000;

CREATE TABLE public.v1_users (
    id serial NOT NULL,
    email character varying(255) NOT NULL,          -- not unique; case and surrounding blanks as typed
    password_hash character varying(255),
    username character varying(50),
    full_name character varying(200),
    role public.v1_user_role DEFAULT 'traveller'::public.v1_user_role NOT NULL,
    country character varying(100),                 -- free text: 'Norway', 'NO', 'norway '
    bio text,
    avatar_url text,
    created_at character varying(32),               -- text date, several formats
    last_login character varying(32),
    is_deleted boolean DEFAULT false NOT NULL,      -- soft delete, style 1
    deleted_at character varying(32),
    auth_user_id uuid                               -- set by the 2022 import into Supabase Auth; no foreign key
);

CREATE TABLE public.v1_vendors (
    id serial NOT NULL,
    user_id integer,                                -- nullable foreign key to v1_users
    company_name character varying(200) NOT NULL,
    contact_email character varying(255),
    owner_email character varying(255),             -- denormalised copy of v1_users.email
    phone character varying(50),
    website character varying(255),
    country character varying(100),
    verified smallint DEFAULT 0,                    -- 0/1 for a boolean
    created_at character varying(32)
);

CREATE TABLE public.v1_adventures (
    id serial NOT NULL,
    vendor_id integer,                              -- nullable foreign key to v1_vendors
    vendor_name character varying(200),             -- denormalised copy of v1_vendors.company_name
    title character varying(255) NOT NULL,
    description text,
    price character varying(32),                    -- money as text: '1299.00', '1,299.00', '€1299', '1299 EUR', 'TBD'
    currency character varying(8),
    tags character varying(500),                    -- comma-separated, mixed case and spacing
    difficulty character varying(20),               -- 'easy', 'Moderate', 'HARD', '3'
    duration character varying(20),                 -- '7 days', '1 week', '3', 'weekend'
    max_people integer,
    location character varying(200),                -- 'Bergen, Norway'
    lat double precision,
    lng double precision,
    status character varying(20),                   -- 'active', 'ACTIVE', 'draft', 'inactive'
    is_deleted smallint DEFAULT 0 NOT NULL,         -- soft delete, style 2
    created_at character varying(32),
    updated_at character varying(32)
);

CREATE TABLE public.v1_bookings (
    id serial NOT NULL,
    reference character varying(20) DEFAULT ('TRV-'::text || nextval('public.v1_booking_ref_seq'::regclass)),
    user_id integer,                                -- nullable foreign key (guest checkouts)
    adventure_id integer,                           -- no foreign key: adventures were hard-deleted
    user_email character varying(255),              -- denormalised, as typed at checkout
    adventure_title character varying(255),         -- denormalised, sometimes stale
    vendor_name character varying(200),             -- denormalised
    start_date character varying(32),               -- text date
    end_date character varying(32),
    num_people integer,
    total_price double precision,                   -- money in a float
    currency character varying(8),
    status character varying(20),                   -- free text: 'confirmed', 'Confirmed', 'canceled', 'paid', ...
    group_code character varying(20),               -- bookings made together share a code
    notes text,
    created_at character varying(32),
    cancelled smallint DEFAULT 0                    -- disagrees with status now and then
);

CREATE TABLE public.v1_payments (
    id serial NOT NULL,
    booking_id integer,                             -- no foreign key: orphans
    amount real,                                    -- money in a 4-byte float
    currency character varying(8),
    method character varying(20),                   -- 'card', 'Stripe', 'paypal', 'bank'
    transaction_ref character varying(100),
    status character varying(20),                   -- 'ok', 'success', 'failed', 'refunded', 'pending'
    paid_at character varying(32)
);

CREATE TABLE public.v1_reviews (
    id serial NOT NULL,
    adventure_id integer,                           -- no foreign key: orphans
    user_id integer,                                -- no foreign key
    booking_id integer,                             -- nullable, no foreign key
    author_name character varying(200),             -- denormalised
    rating integer,                                 -- 1-5, but 0 and an old 10-point scale occur
    comment text,
    created_at character varying(32),
    deleted boolean DEFAULT false                   -- soft delete, style 3
);

CREATE TABLE public.v1_friendships (
    id serial NOT NULL,
    user_id integer NOT NULL,                       -- no foreign key
    friend_id integer NOT NULL,                     -- no foreign key; pairs stored in both directions
    status character varying(20),                   -- 'accepted', 'pending', 'blocked'
    created_at character varying(32)
);

CREATE TABLE public.v1_notifications (
    id serial NOT NULL,
    user_id integer,                                -- no foreign key
    type character varying(50),                     -- free text kinds
    message text,
    data text,                                      -- JSON as text, not always valid
    is_read smallint DEFAULT 0,
    created_at character varying(32)
);
