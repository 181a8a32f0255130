-- =====================================================================================================
-- The v1 data, generated set-based from generator.sql's helpers (one INSERT ... SELECT per table).
-- Rows per scale (N = :scale): users 8,160·N (8,000·N canonical + 160·N case-variant duplicates),
-- vendors 200·N, adventures 1,000·N, bookings 25,000·N, payments 20,000·N, reviews 8,000·N,
-- friendships 10,000·N, notifications 10,000·N. supabase/README.md lists every kind of dirt and its share.
-- Per-row keys (the user, adventure, dates of a row) are computed once in an OFFSET 0 subquery and passed on
-- as plain columns: PostgreSQL inlines a helper only when an argument it uses twice is cheap.
-- =====================================================================================================

INSERT INTO public.v1_users (id, email, password_hash, username, full_name, role, country, bio, avatar_url,
                             created_at, last_login, is_deleted, deleted_at, auth_user_id)
SELECT
  g,
  pg_temp.v1_email(g),
  '$2a$10$' || substr(md5(concat('pw/', g)), 1, 22) || substr(md5(concat('salt/', g)), 1, 31),
  CASE
    WHEN pg_temp.pick(g, 6, 100) < 5 THEN NULL
    WHEN g > pg_temp.n_users() THEN lower(pg_temp.first_name((g - pg_temp.n_users()) * 50)) || '_' || lower(pg_temp.last_name((g - pg_temp.n_users()) * 50)) || '_new'
    WHEN pg_temp.pick(g, 6, 100) < 6 THEN lower(pg_temp.first_name(g)) || ' ' || lower(pg_temp.last_name(g))
    WHEN pg_temp.pick(g, 6, 100) < 16 THEN pg_temp.first_name(g) || '_' || pg_temp.last_name(g) || (g % 997)
    ELSE lower(pg_temp.first_name(g)) || '_' || lower(pg_temp.last_name(g)) || (g % 997)
  END,
  pg_temp.user_full_name(g),
  CASE
    WHEN g <= 3 THEN 'admin'
    WHEN g % 40 = 0 AND g / 40 <= pg_temp.n_vendors() THEN 'vendor'
    ELSE 'traveller'
  END::public.v1_user_role,
  CASE WHEN pg_temp.pick(g, 7, 100) < 85 THEN pg_temp.v1_country(g, 7) END,
  CASE WHEN pg_temp.pick(g, 14, 100) < 40
       THEN 'Hi, I''m ' || pg_temp.first_name(g) || '. ' ||
            (ARRAY['Mountains over beaches, always.', 'Collecting sunrises.', 'Slow travel and good coffee.', 'Next stop: anywhere with waves.'])[1 + pg_temp.pick(g, 15, 4)]
  END,
  CASE WHEN pg_temp.pick(g, 16, 100) < 30 THEN 'https://cdn.trvl.example/avatars/' || g || '.jpg' END,
  pg_temp.v1_text(created, g, 8),
  CASE WHEN pg_temp.pick(g, 17, 100) < 80
       THEN pg_temp.v1_text(created + make_interval(days => pg_temp.pick(g, 18, 700)::integer), g, 9) END,
  pg_temp.user_is_deleted(g),
  CASE WHEN pg_temp.user_is_deleted(g) AND pg_temp.pick(g, 10, 10) <> 0
       THEN pg_temp.v1_text(created + make_interval(days => (30 + pg_temp.pick(g, 19, 300))::integer), g, 11) END,
  CASE WHEN pg_temp.user_has_auth(g) THEN pg_temp.uuid_of('user', g) END
FROM (SELECT g, pg_temp.user_created(g) AS created
      FROM generate_series(1, pg_temp.n_users() + pg_temp.n_duplicates()) AS g OFFSET 0) AS users;

INSERT INTO public.v1_vendors (id, user_id, company_name, contact_email, owner_email, phone, website, country, verified, created_at)
SELECT
  v,
  CASE WHEN pg_temp.pick(v, 32, 100) < 5 THEN NULL ELSE pg_temp.vendor_owner(v) END,
  pg_temp.vendor_name(v),
  'info@' || lower(split_part(pg_temp.vendor_name(v), ' ', 1)) || v || '.example',
  CASE
    WHEN pg_temp.pick(v, 32, 100) < 5 THEN NULL
    WHEN pg_temp.pick(v, 35, 100) < 3 THEN 'old.' || pg_temp.clean_email(pg_temp.vendor_owner(v))
    ELSE pg_temp.v1_email(pg_temp.vendor_owner(v))
  END,
  '+' || (10 + pg_temp.pick(v, 36, 89)) || ' ' || lpad(pg_temp.pick(v, 37, 100000000)::text, 8, '0'),
  CASE WHEN pg_temp.pick(v, 38, 100) < 60 THEN 'https://' || lower(split_part(pg_temp.vendor_name(v), ' ', 1)) || v || '.example' END,
  pg_temp.v1_country(v, 33),
  (pg_temp.pick(v, 39, 100) < 60)::integer,
  pg_temp.v1_text(pg_temp.at(v::float8 / pg_temp.n_vendors(), '2021-01-15', '2022-04-30', v, 34), v, 34)
FROM generate_series(1, pg_temp.n_vendors()) AS v;

INSERT INTO public.v1_adventures (id, vendor_id, vendor_name, title, description, price, currency, tags, difficulty, duration,
                                  max_people, location, lat, lng, status, is_deleted, created_at, updated_at)
SELECT
  a,
  vendor,
  CASE
    WHEN vendor IS NULL THEN NULL
    WHEN pg_temp.pick(a, 135, 100) < 3 THEN pg_temp.vendor_name(vendor) || ' Ltd'
    ELSE pg_temp.vendor_name(vendor)
  END,
  title,
  days || ' days of ' || lower(split_part(title, ' #', 1))
    || ' with local guides. Small groups, all gear included.',
  CASE
    WHEN pg_temp.pick(a, 136, 100) < 60 THEN to_char(price, 'FM9999990.00')
    WHEN pg_temp.pick(a, 136, 100) < 70 THEN to_char(price, 'FM9,999,990.00')
    WHEN pg_temp.pick(a, 136, 100) < 80 THEN '€' || trim_scale(price)::text
    WHEN pg_temp.pick(a, 136, 100) < 90 THEN to_char(price, 'FM9999990.00') || ' EUR'
    WHEN pg_temp.pick(a, 136, 100) < 98 THEN trim_scale(price)::text
    WHEN pg_temp.pick(a, 136, 100) < 99 THEN ''
    ELSE 'TBD'
  END,
  CASE WHEN pg_temp.pick(a, 137, 100) < 85 THEN 'EUR' WHEN pg_temp.pick(a, 137, 100) < 90 THEN 'eur' END,
  CASE WHEN pg_temp.pick(a, 138, 100) < 5 THEN NULL ELSE
    (ARRAY['water','mountains','snow','wildlife','culture','food','family','hiking','kayak','camping','photography','islands'])[1 + pg_temp.pick(a, 139, 12)]
    || ', ' || initcap((ARRAY['water','mountains','snow','wildlife','culture','food','family','hiking','kayak','camping','photography','islands'])[1 + pg_temp.pick(a, 140, 12)])
    || CASE WHEN pg_temp.pick(a, 141, 2) = 0 THEN ',' || (ARRAY['adventure','luxury','budget','guided','self-guided'])[1 + pg_temp.pick(a, 142, 5)] ELSE '' END
  END,
  (ARRAY['easy','Easy','moderate','Moderate','hard','HARD','1','2','3','4','5', NULL])[1 + pg_temp.pick(a, 143, 12)],
  CASE
    WHEN pg_temp.pick(a, 144, 100) < 50 THEN days || ' days'
    WHEN pg_temp.pick(a, 144, 100) < 65 THEN days::text
    WHEN pg_temp.pick(a, 144, 100) < 75 THEN days || ' Days'
    WHEN pg_temp.pick(a, 144, 100) < 90 THEN CASE WHEN days % 7 = 0 THEN (days / 7) || ' week(s)' ELSE days || 'd' END
    WHEN pg_temp.pick(a, 144, 100) < 95 THEN CASE WHEN days <= 3 THEN 'weekend' ELSE days || ' days' END
  END,
  CASE WHEN pg_temp.pick(a, 145, 100) < 95 THEN (4 + pg_temp.pick(a, 146, 20))::integer END,
  (ARRAY['Lofoten','Dolomites','Patagonia','Chamonix','Reykjavik','Hokkaido','Banff','Pyrenees','Sardinia','Tasmania','Cusco','Highlands','Corsica','Fiordland'])[1 + pg_temp.pick(a, 24, 14)]
    || ', ' || (ARRAY['Norway','Italy','Argentina','France','Iceland','Japan','Canada','Spain','Italy','Australia','Peru','United Kingdom','France','New Zealand'])[1 + pg_temp.pick(a, 24, 14)],
  CASE WHEN pg_temp.pick(a, 147, 100) < 3 THEN NULL WHEN pg_temp.pick(a, 147, 100) < 4 THEN 0
       ELSE (ARRAY[68.2, 46.4, -50.3, 45.9, 64.1, 43.1, 51.2, 42.7, 40.1, -42.0, -13.5, 57.1, 42.1, -45.4])[1 + pg_temp.pick(a, 24, 14)]
            + (pg_temp.pick(a, 148, 100000) - 50000) / 100000.0 END,
  CASE WHEN pg_temp.pick(a, 147, 100) < 3 THEN NULL WHEN pg_temp.pick(a, 147, 100) < 4 THEN 0
       ELSE (ARRAY[13.9, 11.8, -72.9, 6.9, -21.9, 142.8, -115.6, 0.8, 9.0, 146.3, -71.9, -4.2, 9.0, 167.7])[1 + pg_temp.pick(a, 24, 14)]
            + (pg_temp.pick(a, 149, 100000) - 50000) / 100000.0 END,
  (ARRAY['active','active','active','active','active','active','active','active','active','active','active','active','active','active',
         'ACTIVE','Active','draft','draft','inactive','inactive'])[1 + pg_temp.pick(a, 150, 20)],
  (pg_temp.pick(a, 151, 100) < 4)::integer,
  pg_temp.v1_text(created, a, 152),
  pg_temp.v1_text(created + make_interval(days => pg_temp.pick(a, 153, 60)::integer), a, 153)
FROM (SELECT a, pg_temp.adventure_vendor(a) AS vendor, pg_temp.adventure_price(a) AS price, pg_temp.adventure_days(a) AS days,
             pg_temp.adventure_title(a) AS title, pg_temp.at(a::float8 / pg_temp.adventure_ids(), '2021-02-01', '2024-04-30', a, 152) AS created
      FROM generate_series(1, pg_temp.adventure_ids()) AS a
      WHERE pg_temp.adventure_exists(a)
      OFFSET 0) AS adventures;

INSERT INTO public.v1_bookings (id, reference, user_id, adventure_id, user_email, adventure_title, vendor_name, start_date, end_date,
                                num_people, total_price, currency, status, group_code, notes, created_at, cancelled)
SELECT
  b,
  'TRV-' || (100000 + b),
  u,
  a,
  CASE
    WHEN u IS NULL THEN lower(pg_temp.first_name(b)) || '.guest' || b || '@' || pg_temp.mail_domain(b)
    WHEN pg_temp.pick(b, 47, 100) < 2 THEN 'work.' || pg_temp.clean_email(u)
    ELSE lower(btrim(pg_temp.v1_email(u)))
  END,
  CASE WHEN pg_temp.pick(b, 48, 100) < 3 THEN replace(title, ' #', ' (old) #')
       ELSE title END,
  pg_temp.vendor_name(vendor),
  CASE
    WHEN pg_temp.pick(b, 49, 1000) < 800 THEN to_char(start, 'YYYY-MM-DD')
    WHEN pg_temp.pick(b, 49, 1000) < 920 THEN to_char(start, 'DD/MM/YYYY')
    WHEN pg_temp.pick(b, 49, 1000) < 970 THEN to_char(start, 'YYYY/MM/DD')
    WHEN pg_temp.pick(b, 49, 1000) < 985 THEN to_char(start, 'Mon DD YYYY')
    WHEN pg_temp.pick(b, 49, 1000) < 990 THEN to_char(start, 'YYYY') || '-02-30'
    WHEN pg_temp.pick(b, 49, 1000) < 995 THEN ''
  END,
  to_char(start + CASE WHEN pg_temp.pick(b, 50, 100) = 0 THEN -2 ELSE days END,
          CASE WHEN pg_temp.pick(b, 49, 1000) BETWEEN 800 AND 919 THEN 'DD/MM/YYYY' ELSE 'YYYY-MM-DD' END),
  CASE WHEN pg_temp.pick(b, 54, 200) < 2 THEN NULL WHEN pg_temp.pick(b, 54, 200) < 3 THEN 0 ELSE people END,
  CASE WHEN pg_temp.pick(b, 55, 100) < 2
       THEN price::float8 * people * 0.9
       ELSE (price::float8 / 3.0) * 3.0 * people END,
  CASE WHEN pg_temp.pick(b, 56, 100) < 90 THEN 'EUR' WHEN pg_temp.pick(b, 56, 100) < 95 THEN 'eur' END,
  status,
  CASE WHEN pg_temp.pick(b / 4, 52, 10) = 0 THEN 'GRP-' || to_char(b / 4, 'FM000000') END,
  CASE WHEN pg_temp.pick(b, 57, 100) < 15
       THEN (ARRAY['Vegetarian', 'Need an airport pickup', 'Celebrating a birthday!', 'Arriving late', 'Allergic to nuts'])[1 + pg_temp.pick(b, 58, 5)] END,
  pg_temp.v1_text(created, b, 53),
  CASE
    WHEN lower(btrim(status)) IN ('cancelled', 'canceled') THEN (pg_temp.pick(b, 59, 100) >= 5)::integer
    ELSE (pg_temp.pick(b, 59, 100) < 1)::integer
  END
FROM (SELECT b, u, a, pg_temp.adventure_vendor(a) AS vendor, pg_temp.adventure_title(a) AS title, pg_temp.adventure_price(a) AS price,
             pg_temp.adventure_days(a) AS days, pg_temp.booking_start(b) AS start, pg_temp.booking_status(b) AS status,
             pg_temp.booking_people(b) AS people, pg_temp.booking_created(b) AS created
      FROM (SELECT b, pg_temp.booking_user(b) AS u, pg_temp.booking_adventure(b) AS a
            FROM generate_series(1, pg_temp.n_bookings()) AS b OFFSET 0) AS keys
      OFFSET 0) AS bookings;

INSERT INTO public.v1_payments (id, booking_id, amount, currency, method, transaction_ref, status, paid_at)
SELECT
  p,
  b,
  (price * pg_temp.booking_people(b)
    * CASE WHEN pg_temp.pick(p, 62, 100) < 10 THEN 0.3 ELSE 1 END)::real,
  CASE WHEN pg_temp.pick(p, 63, 100) < 90 THEN 'EUR' WHEN pg_temp.pick(p, 63, 100) < 95 THEN 'eur' END,
  (ARRAY['card','card','Card','Stripe','stripe','paypal','PayPal','bank'])[1 + pg_temp.pick(p, 64, 8)],
  CASE
    WHEN pg_temp.pick(p, 65, 1000) < 30 THEN NULL
    WHEN pg_temp.pick(p, 65, 1000) < 35 THEN 'ch_' || substr(md5(concat('txn/', p - 1)), 1, 24)
    WHEN pg_temp.pick(p, 64, 8) IN (5, 6) THEN 'PAY-' || upper(substr(md5(concat('txn/', p)), 1, 20))
    ELSE 'ch_' || substr(md5(concat('txn/', p)), 1, 24)
  END,
  (ARRAY['ok','ok','ok','success','success','succeeded','failed','refunded','pending','ok'])[1 + pg_temp.pick(p, 66, 10)],
  CASE WHEN pg_temp.pick(p, 67, 100) < 10 THEN NULL
       ELSE pg_temp.v1_text(pg_temp.booking_created(b) + make_interval(hours => pg_temp.pick(p, 68, 72)::integer), p, 69) END
FROM (
  -- 1 in 51 payments points past the last booking: orphans.
  SELECT p, b, pg_temp.adventure_price(a) AS price
  FROM (SELECT p, b, pg_temp.booking_adventure(b) AS a
        FROM (SELECT p, 1 + pg_temp.pick(p, 60, pg_temp.n_bookings() * 51 / 50) AS b
              FROM generate_series(1, pg_temp.n_payments()) AS p OFFSET 0) AS keys
        OFFSET 0) AS adventures
  OFFSET 0
) AS payments;

-- Reviews come from bookings: 8 of every 25.
INSERT INTO public.v1_reviews (id, adventure_id, user_id, booking_id, author_name, rating, comment, created_at, deleted)
SELECT
  (r / 25) * 8 + r % 25 + 1,
  CASE WHEN pg_temp.pick(r + 1, 90, 200) = 0 THEN pg_temp.adventure_ids() + 1 + pg_temp.pick(r + 1, 91, 1000)
       ELSE a END,
  u,
  CASE WHEN pg_temp.pick(r + 1, 92, 100) < 70 THEN r + 1 END,
  CASE WHEN u IS NULL THEN NULL
       WHEN pg_temp.pick(r + 1, 93, 100) < 3 THEN 'Anonymous'
       ELSE pg_temp.user_full_name(u) END,
  CASE
    WHEN pg_temp.pick(r + 1, 94, 100) < 2 THEN 0
    WHEN pg_temp.pick(r + 1, 94, 100) < 3 THEN 6 + pg_temp.pick(r + 1, 95, 5)
    ELSE (ARRAY[1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5])[1 + pg_temp.pick(r + 1, 96, 12)]
  END,
  CASE WHEN pg_temp.pick(r + 1, 97, 100) < 80
       THEN (ARRAY['Amazing guides and views.', 'Good value, a bit crowded.', 'Would book again!', 'The food was the highlight.',
                   'Too much time on the bus.', 'Life-changing.'])[1 + pg_temp.pick(r + 1, 98, 6)] END,
  pg_temp.v1_text(start + days + 3, r + 1, 99),
  pg_temp.pick(r + 1, 100, 100) < 3
FROM (SELECT r, u, a, pg_temp.adventure_days(a) AS days, pg_temp.booking_start(r + 1) AS start
      FROM (SELECT r, pg_temp.booking_user(r + 1) AS u, pg_temp.booking_adventure(r + 1) AS a
            FROM generate_series(0, pg_temp.n_bookings() - 1) AS r
            WHERE r % 25 < 8
            OFFSET 0) AS keys
      OFFSET 0) AS reviews;

INSERT INTO public.v1_friendships (id, user_id, friend_id, status, created_at)
SELECT
  f,
  CASE WHEN f % 20 = 0 THEN friend ELSE person END,
  CASE WHEN f % 20 = 0 THEN person ELSE friend END,
  (ARRAY['accepted','accepted','accepted','accepted','accepted','accepted','accepted','pending','pending','blocked'])[1 + pg_temp.pick(f, 73, 10)],
  pg_temp.v1_text(pg_temp.at(f::float8 / pg_temp.n_friendships(), '2021-02-01', '2024-05-31', f, 74), f, 74)
FROM (
  -- Every 20th row repeats the row before it in the other direction; 1 pair in 500 is someone befriending themselves.
  SELECT f,
         1 + pg_temp.pick(f - (f % 20 = 0)::integer, 70, pg_temp.n_users() + pg_temp.n_duplicates()) AS person,
         CASE WHEN pg_temp.pick(f - (f % 20 = 0)::integer, 72, 500) = 0
              THEN 1 + pg_temp.pick(f - (f % 20 = 0)::integer, 70, pg_temp.n_users() + pg_temp.n_duplicates())
              ELSE 1 + pg_temp.pick(f - (f % 20 = 0)::integer, 71, pg_temp.n_users() + pg_temp.n_duplicates()) END AS friend
  FROM generate_series(1, pg_temp.n_friendships()) AS f
  OFFSET 0
) AS pairs;

INSERT INTO public.v1_notifications (id, user_id, type, message, data, is_read, created_at)
SELECT
  n,
  1 + pg_temp.pick(n, 80, (pg_temp.n_users() + pg_temp.n_duplicates()) * 101 / 100),
  (ARRAY['booking_confirmed','BookingConfirmed','booking_cancelled','new_follower','friend_request','review_received','promo','payment_failed'])[1 + pg_temp.pick(n, 81, 8)],
  (ARRAY['Your booking is confirmed', 'Your booking was confirmed!', 'Your booking was cancelled', 'Someone followed you',
         'You have a new friend request', 'You received a review', 'Spring deals are here', 'Your payment failed'])[1 + pg_temp.pick(n, 81, 8)],
  CASE WHEN pg_temp.pick(n, 82, 100) < 5 THEN '{booking_id: ' || (1 + pg_temp.pick(n, 83, pg_temp.n_bookings())) || '}'
       ELSE '{"booking_id": ' || (1 + pg_temp.pick(n, 83, pg_temp.n_bookings())) || '}' END,
  (pg_temp.pick(n, 84, 100) < 60)::integer,
  pg_temp.v1_text(pg_temp.at(n::float8 / pg_temp.n_notifications(), '2021-03-01', '2024-05-31', n, 85), n, 85)
FROM generate_series(1, pg_temp.n_notifications()) AS n;
