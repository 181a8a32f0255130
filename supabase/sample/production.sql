-- =====================================================================================================
-- The trvl-social sample production: builds, in an EMPTY database on plain PostgreSQL 15+, a faithful
-- stand-in for today's production (v1 tables and data next to the v3 schema, a few v3 migrations still
-- pending, hand-made drift, the Supabase CLI's migration history).
--
--   psql -X -d <empty database> -v scale=1 -v seed=42 -f supabase/sample/production.sql
--
--   scale  whole number 1..1000 (default 1): about 100,000 rows per unit (scale 100 = 10M rows)
--   seed   whole number (default 42): the same scale and seed always give the same database
--
-- One transaction (then a VACUUM): on any error nothing is left behind. Not for Supabase servers (it applies the
-- compatibility layer, which refuses to run there). The engine runs this same file (SampleProduction).
-- =====================================================================================================

\set ON_ERROR_STOP on
\set QUIET on
\if :{?scale}
\else
  \set scale 1
\endif
\if :{?seed}
\else
  \set seed 42
\endif

-- The variables are checked before they are used anywhere else (they are pasted into SQL text).
SELECT set_config('trvl_sample.scale', :'scale', false) AS trvl_sample_scale,
       set_config('trvl_sample.seed', :'seed', false) AS trvl_sample_seed \gset
DO $check$
BEGIN
  IF current_setting('trvl_sample.scale') !~ '^[1-9][0-9]{0,3}$' OR current_setting('trvl_sample.scale')::int > 1000 THEN
    RAISE EXCEPTION 'MT0903: the sample scale must be a whole number from 1 to 1000, not "%"', current_setting('trvl_sample.scale')
      USING HINT = 'Pass -v scale=1 (about 100,000 rows) up to -v scale=1000.';
  END IF;
  IF current_setting('trvl_sample.seed') !~ '^-?[0-9]{1,9}$' THEN
    RAISE EXCEPTION 'MT0903: the sample seed must be a whole number of at most 9 digits, not "%"', current_setting('trvl_sample.seed')
      USING HINT = 'Pass -v seed=42, or leave it out.';
  END IF;
END
$check$;

BEGIN;
SET LOCAL synchronous_commit = off;
SET LOCAL maintenance_work_mem = '256MB';

-- Only an empty database (the compatibility layer alone is fine): never overwrite real data.
DO $empty$
DECLARE
  found text;
BEGIN
  SELECT format('%s %s.%s', CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'S' THEN 'sequence' ELSE 'relation' END, n.nspname, c.relname)
  INTO found
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'extensions')
    AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'
    AND NOT (n.nspname = 'auth' AND c.relname IN ('users', 'users_instance_id_idx', 'users_instance_id_email_idx',
                                                    'users_email_partial_key', 'users_is_anonymous_idx', 'users_pkey', 'users_phone_key'))
  ORDER BY n.nspname, c.relname
  LIMIT 1;
  IF found IS NULL THEN
    SELECT format('type public.%s', t.typname) INTO found
    FROM pg_catalog.pg_type t
    WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'c', 'r', 'm') AND t.typrelid = 0
    LIMIT 1;
  END IF;
  IF found IS NULL THEN
    SELECT format('function public.%s', p.proname) INTO found
    FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'public'::regnamespace LIMIT 1;
  END IF;
  IF found IS NULL THEN
    SELECT format('schema %s', n.nspname) INTO found
    FROM pg_catalog.pg_namespace n
    WHERE n.nspname NOT IN ('public', 'auth', 'extensions', 'information_schema')
      AND n.nspname NOT LIKE 'pg\_%'
    LIMIT 1;
  END IF;
  IF found IS NULL AND to_regclass('auth.users') IS NOT NULL THEN
    EXECUTE 'SELECT CASE WHEN EXISTS (SELECT FROM auth.users) THEN ''rows in auth.users'' END' INTO found;
  END IF;
  IF found IS NOT NULL THEN
    RAISE EXCEPTION 'MT0904: the sample production must be built in an empty database, and % already has %', current_database(), found
      USING HINT = 'Create a new database (createdb) and run the script there; nothing was changed.';
  END IF;
END
$empty$;

\echo 'trvl-social sample production: scale' :scale 'seed' :seed

-- 2021: a plain PostgreSQL database; 2022: moved to Supabase (the layer stands in for it).
\ir supabase_layer.sql
\ir generator.sql
\ir v1_schema.sql
\ir v1_data.sql
\ir auth_import.sql
\ir v1_objects.sql

-- 2023-2024: the v3 migrations production has applied, with their history rows (the newest are pending).
\ir migration_history.sql

-- 2023-2024: sign-ups through Supabase Auth, then the hand-made changes.
\ir v3_signups.sql
\ir drift.sql

ANALYZE;
COMMIT;

-- As a long-lived production is: visibility map set and hint bits written (index-only scans work).
VACUUM;
