-- =====================================================================================================
-- The sample production's data generator: helpers, as temporary functions (they vanish with the psql
-- session and never reach a dump). Set-based and deterministic: every value is a hash of the row's number,
-- a per-column salt and the seed (hashint8extended, which PostgreSQL keeps stable across versions and
-- platforms for hash partitioning), never random() or now(), so a given scale and seed always produce the
-- same database, whatever plan or parallelism PostgreSQL picks.
-- The bodies are SQL-standard (RETURN ...), so psql substitutes :scale and :seed into them and PostgreSQL
-- inlines them into the INSERT ... SELECT statements (no per-row function calls). They are declared STABLE:
-- text || number is a STABLE operator, and an IMMUTABLE function with a STABLE body is never inlined.
-- Needs the psql variables scale and seed (production.sql validates and sets them).
-- =====================================================================================================

-- Row counts per entity; scale 1 is about 100k rows across all tables, scale 100 about 10M.
CREATE FUNCTION pg_temp.n_users() RETURNS bigint LANGUAGE sql STABLE RETURN 8000 * :scale;          -- canonical v1 users
CREATE FUNCTION pg_temp.n_duplicates() RETURNS bigint LANGUAGE sql STABLE RETURN 160 * :scale;      -- case-variant duplicate accounts
CREATE FUNCTION pg_temp.n_vendors() RETURNS bigint LANGUAGE sql STABLE RETURN 200 * :scale;
CREATE FUNCTION pg_temp.adventure_ids() RETURNS bigint LANGUAGE sql STABLE RETURN 1010 * :scale;    -- ids; every 101st was hard-deleted
CREATE FUNCTION pg_temp.n_bookings() RETURNS bigint LANGUAGE sql STABLE RETURN 25000 * :scale;
CREATE FUNCTION pg_temp.n_payments() RETURNS bigint LANGUAGE sql STABLE RETURN 20000 * :scale;
CREATE FUNCTION pg_temp.n_friendships() RETURNS bigint LANGUAGE sql STABLE RETURN 10000 * :scale;
CREATE FUNCTION pg_temp.n_notifications() RETURNS bigint LANGUAGE sql STABLE RETURN 10000 * :scale;
CREATE FUNCTION pg_temp.n_signups() RETURNS bigint LANGUAGE sql STABLE RETURN 400 * :scale;         -- v3-era sign-ups (auth only)

-- A hash of (k, salt, seed) in [0, 2^31).
CREATE FUNCTION pg_temp.h(k bigint, salt integer) RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN hashint8extended(k, (:seed)::bigint * 1000 + salt) & 2147483647;

-- A whole number in [0, n).
CREATE FUNCTION pg_temp.pick(k bigint, salt integer, n bigint) RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN pg_temp.h(k, salt) % n;

-- A deterministic uuid (for auth.users ids).
CREATE FUNCTION pg_temp.uuid_of(kind text, k bigint) RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN md5(concat((:seed)::text, '/', kind, '/', k))::uuid;

-- A moment between lo and hi placed by fraction (0..1), plus up to a day of jitter.
CREATE FUNCTION pg_temp.at(fraction double precision, lo timestamp, hi timestamp, k bigint, salt integer) RETURNS timestamp
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN lo + (hi - lo) * least(greatest(fraction, 0), 1) + make_interval(secs => pg_temp.pick(k, salt, 86400));

-- A timestamp written the way the v1 backend wrote it over the years:
-- 70% 'YYYY-MM-DD HH24:MI:SS', 15% ISO 8601 'YYYY-MM-DDTHH24:MI:SSZ', 10% 'DD/MM/YYYY', 4% 'Mon DD, YYYY', 1% ''.
-- (t is used once, so any expression can be passed and the function still inlines.)
CREATE FUNCTION pg_temp.v1_text(t timestamp, k bigint, salt integer) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE WHEN pg_temp.pick(k, salt, 100) >= 99 THEN '' ELSE
    to_char(t, CASE
      WHEN pg_temp.pick(k, salt, 100) < 70 THEN 'YYYY-MM-DD HH24:MI:SS'
      WHEN pg_temp.pick(k, salt, 100) < 85 THEN 'YYYY-MM-DD"T"HH24:MI:SS"Z"'
      WHEN pg_temp.pick(k, salt, 100) < 95 THEN 'DD/MM/YYYY'
      ELSE 'Mon DD, YYYY'
    END) END;

CREATE FUNCTION pg_temp.first_name(k bigint) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (ARRAY['Anna','Ben','Chloe','David','Emma','Felix','Greta','Hugo','Ines','Jonas','Kaja','Liam','Maya','Noah','Olga','Pablo',
                'Quinn','Rosa','Sven','Tara','Umar','Vera','Wen','Xavier','Yara','Zoe','Aiko','Bruno','Carla','Dmitri','Elif','Farah',
                'Goran','Hana','Ivan','Julia','Kenji','Lena','Mateo','Nadia'])[1 + pg_temp.pick(k, 11, 40)];

CREATE FUNCTION pg_temp.last_name(k bigint) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (ARRAY['Smith','Berg','Dubois','Rossi','Novak','Kowalski','Garcia','Jensen','Muller','Silva','Tanaka','Okafor','Nguyen',
                'Larsen','Moreau','Horvat','Costa','Ivanova','Schmidt','Murphy','Haddad','Lindqvist','Fischer','Romano','Kim','Patel',
                'Santos','Weber','Nilsen','Yilmaz','Andersen','Popescu','Eriksen','Khan','Meyer','Dalton','Sato','Ortiz','Brun','Vidal'])[1 + pg_temp.pick(k, 12, 40)];

CREATE FUNCTION pg_temp.mail_domain(k bigint) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (ARRAY['gmail.com','yahoo.com','outlook.com','hotmail.com','icloud.com','proton.me','gmx.de','web.de','orange.fr','example.org'])[1 + pg_temp.pick(k, 13, 10)];

-- v1 user g's address in its clean form (unique per canonical user).
CREATE FUNCTION pg_temp.clean_email(g bigint) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
  RETURN lower(pg_temp.first_name(g)) || '.' || lower(pg_temp.last_name(g)) || g || '@' || pg_temp.mail_domain(g);

-- The address as v1 stored it. Canonical users (g <= n_users): 0.3% malformed ('…@gmail', '…@@gmail.com'),
-- 1% with surrounding blanks, 10% typed with capitals, the rest clean. Duplicates (g > n_users) repeat user
-- (g - n_users) * 50 with different case: all upper case or capitalised.
CREATE FUNCTION pg_temp.v1_email(g bigint) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE
    WHEN g > pg_temp.n_users() THEN
      CASE WHEN g % 2 = 0 THEN upper(pg_temp.clean_email((g - pg_temp.n_users()) * 50))
           ELSE initcap(split_part(pg_temp.clean_email((g - pg_temp.n_users()) * 50), '@', 1)) || '@' || split_part(pg_temp.clean_email((g - pg_temp.n_users()) * 50), '@', 2) END
    WHEN pg_temp.pick(g, 2, 1000) < 2 THEN lower(pg_temp.first_name(g)) || '.' || lower(pg_temp.last_name(g)) || g || '@' || split_part(pg_temp.mail_domain(g), '.', 1)
    WHEN pg_temp.pick(g, 2, 1000) < 3 THEN lower(pg_temp.first_name(g)) || '.' || lower(pg_temp.last_name(g)) || g || '@@' || pg_temp.mail_domain(g)
    WHEN pg_temp.pick(g, 2, 1000) < 13 THEN ' ' || pg_temp.clean_email(g) || ' '
    WHEN pg_temp.pick(g, 2, 1000) < 113 THEN pg_temp.first_name(g) || '.' || pg_temp.last_name(g) || g || '@' || pg_temp.mail_domain(g)
    ELSE pg_temp.clean_email(g)
  END;

CREATE FUNCTION pg_temp.user_is_malformed(g bigint) RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
  RETURN g <= pg_temp.n_users() AND pg_temp.pick(g, 2, 1000) < 3;

CREATE FUNCTION pg_temp.user_is_deleted(g bigint) RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
  RETURN pg_temp.pick(g, 3, 100) < 3;

-- Canonical, not soft-deleted, valid address: these were imported into Supabase Auth in 2022.
CREATE FUNCTION pg_temp.user_has_auth(g bigint) RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
  RETURN g <= pg_temp.n_users() AND NOT pg_temp.user_is_deleted(g) AND NOT pg_temp.user_is_malformed(g);

-- v1 sign-ups ran from January 2021 until the move to Supabase Auth in May 2022, in id order; a duplicate
-- account was opened 1 to 60 days after the account it duplicates.
CREATE FUNCTION pg_temp.user_created(g bigint) RETURNS timestamp LANGUAGE sql STABLE PARALLEL SAFE
  RETURN pg_temp.at(CASE WHEN g <= pg_temp.n_users() THEN g ELSE (g - pg_temp.n_users()) * 50 END::float8 / pg_temp.n_users(),
                    '2021-01-10', '2022-05-01', g, 4)
         + CASE WHEN g <= pg_temp.n_users() THEN interval '0' ELSE make_interval(days => (1 + pg_temp.pick(g, 5, 60))::integer) END;

CREATE FUNCTION pg_temp.user_full_name(g bigint) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE WHEN g > pg_temp.n_users()
              THEN pg_temp.first_name((g - pg_temp.n_users()) * 50) || ' ' || pg_temp.last_name((g - pg_temp.n_users()) * 50)
              ELSE pg_temp.first_name(g) || ' ' || pg_temp.last_name(g) END;

-- Country as users typed it: code, English name, local name, lower case with a trailing blank.
CREATE FUNCTION pg_temp.v1_country(k bigint, salt integer) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (ARRAY[
    ARRAY['NO','Norway','Norge','norway '], ARRAY['DE','Germany','Deutschland','germany '], ARRAY['FR','France','France','france '],
    ARRAY['ES','Spain','España','spain '], ARRAY['IT','Italy','Italia','italy '], ARRAY['US','United States','USA','usa '],
    ARRAY['GB','United Kingdom','UK','uk '], ARRAY['CA','Canada','Canada','canada '], ARRAY['JP','Japan','Nippon','japan '],
    ARRAY['NZ','New Zealand','Aotearoa','new zealand '], ARRAY['PE','Peru','Perú','peru '], ARRAY['IS','Iceland','Ísland','iceland ']
  ])[1 + pg_temp.pick(k, salt, 12)][1 + pg_temp.pick(k, salt + 1, 4)];

CREATE FUNCTION pg_temp.vendor_owner(v bigint) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE
  RETURN v * 40;   -- users 40, 80, ... own the vendors

CREATE FUNCTION pg_temp.vendor_name(v bigint) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (ARRAY['Fjord','Summit','Wild','Blue','Nomad','Canyon','Aurora','Coral','Granite','Cedar','Glacier','Lagoon','Ridge','Delta','Saffron','Monsoon'])[1 + pg_temp.pick(v, 30, 16)]
    || ' ' || (ARRAY['Adventures','Expeditions','Trails','Outfitters','Journeys','Tours','Explorers','Escapes'])[1 + pg_temp.pick(v, 31, 8)]
    || ' ' || v;

-- The vendor an adventure belongs to (2% have none: a nullable foreign key).
CREATE FUNCTION pg_temp.adventure_vendor(a bigint) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE WHEN pg_temp.pick(a, 20, 100) < 2 THEN NULL ELSE 1 + pg_temp.pick(a, 21, pg_temp.n_vendors()) END;

CREATE FUNCTION pg_temp.adventure_exists(a bigint) RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
  RETURN a % 101 <> 0;

CREATE FUNCTION pg_temp.adventure_title(a bigint) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (ARRAY['Kayaking','Hiking','Canyoning','Surfing','Rafting','Ski touring','Cycling','Diving','Climbing','Trekking','Sailing','Snowshoeing','Safari','Horse riding'])[1 + pg_temp.pick(a, 22, 14)]
    || ' ' || (ARRAY['in','across','around','through'])[1 + pg_temp.pick(a, 23, 4)] || ' '
    || (ARRAY['Lofoten','the Dolomites','Patagonia','the Alps','Iceland','Hokkaido','Banff','the Pyrenees','Sardinia','Tasmania','Cusco','the Highlands','Corsica','Fiordland'])[1 + pg_temp.pick(a, 24, 14)]
    || ' #' || a;

-- The price in euros: 49 to 3,048, in whole euros or ending in .50 or .99.
CREATE FUNCTION pg_temp.adventure_price(a bigint) RETURNS numeric LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (49 + pg_temp.pick(a, 25, 3000))::numeric + (ARRAY[0, 0.5, 0.99])[1 + pg_temp.pick(a, 26, 3)];

CREATE FUNCTION pg_temp.adventure_days(a bigint) RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (1 + pg_temp.pick(a, 27, 14))::integer;

-- v1 bookings ran from March 2021 to the end of May 2024, in id order.
CREATE FUNCTION pg_temp.booking_created(b bigint) RETURNS timestamp LANGUAGE sql STABLE PARALLEL SAFE
  RETURN pg_temp.at(b::float8 / pg_temp.n_bookings(), '2021-03-01', '2024-05-31', b, 40);

CREATE FUNCTION pg_temp.booking_adventure(b bigint) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE
  RETURN 1 + pg_temp.pick(b, 41, pg_temp.adventure_ids());

CREATE FUNCTION pg_temp.booking_user(b bigint) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE WHEN pg_temp.pick(b, 42, 100) < 2 THEN NULL
              ELSE 1 + pg_temp.pick(b, 43, pg_temp.n_users() + pg_temp.n_duplicates()) END;

CREATE FUNCTION pg_temp.booking_people(b bigint) RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (1 + pg_temp.pick(b, 44, 6))::integer;

CREATE FUNCTION pg_temp.booking_start(b bigint) RETURNS date LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (pg_temp.booking_created(b) + make_interval(days => (7 + pg_temp.pick(b, 45, 180))::integer))::date;

-- 'confirmed', 'completed', 'cancelled' and 'pending' in the spellings v1 accumulated.
CREATE FUNCTION pg_temp.booking_status(b bigint) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (ARRAY['completed','completed','completed','completed','completed','done','Completed','confirmed','confirmed','Confirmed',
                'CONFIRMED ','paid','cancelled','canceled','Cancelled','pending','pending','refunded','no-show','completed'])[1 + pg_temp.pick(b, 46, 20)];
