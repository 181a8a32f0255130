-- =====================================================================================================
-- The rest of the v1 schema, added after its data (as a restore does): keys, the foreign keys v1 had
-- (nullable ones), indexes, sequences caught up with the data, views, functions and a trigger.
-- When the project moved to Supabase (2022) the legacy tables were taken off the Data API: the API roles
-- lost their grants on them. RLS was never enabled on them.
-- =====================================================================================================

ALTER TABLE ONLY public.v1_users ADD CONSTRAINT v1_users_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.v1_vendors ADD CONSTRAINT v1_vendors_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.v1_adventures ADD CONSTRAINT v1_adventures_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.v1_bookings ADD CONSTRAINT v1_bookings_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.v1_payments ADD CONSTRAINT v1_payments_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.v1_reviews ADD CONSTRAINT v1_reviews_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.v1_friendships ADD CONSTRAINT v1_friendships_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.v1_notifications ADD CONSTRAINT v1_notifications_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.v1_bookings ADD CONSTRAINT v1_bookings_reference_key UNIQUE (reference);

-- The only foreign keys v1 declared, all nullable. Everything else (bookings to adventures, payments to
-- bookings, reviews, friendships, notifications) has none, which is how the orphans got in.
ALTER TABLE ONLY public.v1_vendors ADD CONSTRAINT v1_vendors_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.v1_users (id);
ALTER TABLE ONLY public.v1_adventures ADD CONSTRAINT v1_adventures_vendor_id_fkey FOREIGN KEY (vendor_id) REFERENCES public.v1_vendors (id);
ALTER TABLE ONLY public.v1_bookings ADD CONSTRAINT v1_bookings_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.v1_users (id);

CREATE INDEX v1_users_email_idx ON public.v1_users USING btree (email);
CREATE INDEX v1_adventures_vendor_id_idx ON public.v1_adventures USING btree (vendor_id);
CREATE INDEX v1_bookings_user_id_idx ON public.v1_bookings USING btree (user_id);
CREATE INDEX v1_bookings_adventure_id_idx ON public.v1_bookings USING btree (adventure_id);
CREATE INDEX v1_payments_booking_id_idx ON public.v1_payments USING btree (booking_id);
CREATE INDEX v1_reviews_adventure_id_idx ON public.v1_reviews USING btree (adventure_id);

SELECT setval('public.v1_users_id_seq', (SELECT max(id) FROM public.v1_users)),
       setval('public.v1_vendors_id_seq', (SELECT max(id) FROM public.v1_vendors)),
       setval('public.v1_adventures_id_seq', (SELECT max(id) FROM public.v1_adventures)),
       setval('public.v1_bookings_id_seq', (SELECT max(id) FROM public.v1_bookings)),
       setval('public.v1_payments_id_seq', (SELECT max(id) FROM public.v1_payments)),
       setval('public.v1_reviews_id_seq', (SELECT max(id) FROM public.v1_reviews)),
       setval('public.v1_friendships_id_seq', (SELECT max(id) FROM public.v1_friendships)),
       setval('public.v1_notifications_id_seq', (SELECT max(id) FROM public.v1_notifications)),
       setval('public.v1_booking_ref_seq', 100000 + (SELECT max(id) FROM public.v1_bookings))
\gset

-- What the v1 admin pages read.
CREATE VIEW public.v1_booking_summary AS
 SELECT b.id,
    b.reference,
    b.user_id,
    u.email,
    a.title,
    b.start_date,
    b.total_price,
    b.status
   FROM ((public.v1_bookings b
     LEFT JOIN public.v1_users u ON ((u.id = b.user_id)))
     LEFT JOIN public.v1_adventures a ON ((a.id = b.adventure_id)));

CREATE VIEW public.v1_active_adventures AS
 SELECT v1_adventures.id,
    v1_adventures.vendor_id,
    v1_adventures.title,
    v1_adventures.price,
    v1_adventures.location
   FROM public.v1_adventures
  WHERE ((lower((v1_adventures.status)::text) = 'active'::text) AND (v1_adventures.is_deleted = 0));

-- v1's helpers: no pinned search_path, unqualified names (the sins of their time).
CREATE FUNCTION public.v1_parse_price(price text) RETURNS numeric
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
  IF price IS NULL OR price !~ '[0-9]' THEN
    RETURN NULL;
  END IF;
  RETURN replace(regexp_replace(price, '[^0-9.,]', '', 'g'), ',', '')::numeric;
END;
$$;

CREATE FUNCTION public.v1_booking_total(p_booking_id integer) RETURNS double precision
    LANGUAGE sql STABLE
    AS $$
  SELECT total_price FROM v1_bookings WHERE id = p_booking_id
$$;

CREATE FUNCTION public.v1_touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.updated_at := to_char(now(), 'YYYY-MM-DD HH24:MI:SS');
  RETURN NEW;
END;
$$;

CREATE TRIGGER v1_adventures_touch BEFORE UPDATE ON public.v1_adventures FOR EACH ROW EXECUTE FUNCTION public.v1_touch_updated_at();

COMMENT ON TABLE public.v1_users IS 'v1 (2021): users of the first backend. Superseded by auth.users + public.profiles.';
COMMENT ON TABLE public.v1_bookings IS 'v1 (2021): bookings. Superseded by public.bookings.';

-- Off the Data API since 2022.
REVOKE ALL ON TABLE public.v1_users, public.v1_vendors, public.v1_adventures, public.v1_bookings, public.v1_payments,
                    public.v1_reviews, public.v1_friendships, public.v1_notifications,
                    public.v1_booking_summary, public.v1_active_adventures FROM anon, authenticated;
REVOKE ALL ON SEQUENCE public.v1_users_id_seq, public.v1_vendors_id_seq, public.v1_adventures_id_seq, public.v1_bookings_id_seq,
                       public.v1_payments_id_seq, public.v1_reviews_id_seq, public.v1_friendships_id_seq,
                       public.v1_notifications_id_seq, public.v1_booking_ref_seq FROM anon, authenticated;
