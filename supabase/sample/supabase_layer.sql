-- =====================================================================================================
-- Supabase compatibility layer for PLAIN PostgreSQL (15 or newer).
--
--   ONLY FOR NON-SUPABASE SERVERS. Never run this on a Supabase project: Supabase already has all of
--   it (and more); the script refuses to run where it finds Supabase's own `supabase_admin` role.
--
-- What it gives an empty database, so that `supabase/migrations` apply and RLS behaves as on Supabase:
--   roles       anon, authenticated (NOLOGIN, no BYPASSRLS), service_role (NOLOGIN, BYPASSRLS),
--               authenticator (LOGIN, NOINHERIT, member of the three; PostgREST logs in as it),
--               supabase_auth_admin (owns the auth schema's objects, as on Supabase)
--   schemas     extensions (uuid-ossp, pgcrypto), auth (USAGE for the API roles)
--   auth        auth.users (GoTrue's columns), auth.uid(), auth.role(), auth.email(), auth.jwt() with
--               Supabase's exact current_setting() logic (request.jwt.claim.* first, then request.jwt.claims)
--   privileges  USAGE on public for the API roles, and Supabase's "legacy" default privileges: every new
--               table, sequence and function in public is granted to anon, authenticated and service_role
--               (RLS is the barrier). Migrations that grant explicitly behave the same on both kinds of project.
--
-- Known differences from Supabase (by design): `postgres` stays a superuser here; supabase_admin,
-- storage, realtime, graphql, pg_net, pgsodium and vault are absent; no role has a password.
--
-- Idempotent: running it again changes nothing. Roles are cluster-wide; everything else is per database.
-- Usage: psql -X -v ON_ERROR_STOP=1 -d <database> -f supabase/sample/supabase_layer.sql
-- Pure SQL (no psql meta-commands), so a driver can run it too.
-- =====================================================================================================

-- Re-runs would print a notice per existing object; only warnings and errors are worth showing.
SET client_min_messages = warning;

DO $guard$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'supabase_admin') THEN
    RAISE EXCEPTION 'MT0901: this server has the role supabase_admin, so it looks like a Supabase server; the compatibility layer is only for plain PostgreSQL'
      USING HINT = 'Do not run supabase_layer.sql on Supabase: the roles, auth schema and functions already exist there.';
  END IF;
  IF current_setting('server_version_num')::int < 150000 THEN
    RAISE EXCEPTION 'MT0902: the compatibility layer needs PostgreSQL 15 or newer (this server is %)', current_setting('server_version')
      USING HINT = 'Use a PostgreSQL 15+ server, as Supabase does.';
  END IF;
END
$guard$;

-- ---------------------------------------------------------------------------------------------------
-- Roles, their memberships and settings: cluster-wide, so several databases built at once on one server
-- would race on the same catalog rows. The statements still needed are listed first; when there are any,
-- role changes are serialized across the cluster (a lock on the shared catalog pg_authid, which readers and
-- logins do not wait for), the list is made again and applied. When nothing is missing, nothing is locked.
-- ---------------------------------------------------------------------------------------------------
DO $roles$
DECLARE
  -- Every statement still needed, in order. Role attributes as on Supabase; PostgREST connects as authenticator
  -- and switches to an API role per request; Supabase's `postgres` is a member of the API roles, and so is the
  -- role running this script when it is not a superuser (so it can SET ROLE into them); per-role settings apply
  -- when PostgREST impersonates the role.
  pending constant text := $q$
    WITH roles(name, can_login, inherit, bypass_rls) AS (VALUES
      ('anon', false, true, false), ('authenticated', false, true, false), ('service_role', false, true, true),
      ('authenticator', true, false, false), ('supabase_auth_admin', true, false, false)),
    memberships(grantee, granted) AS (
      SELECT g.name, a.name
      FROM (SELECT 'authenticator'::name AS name
            UNION SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = 'postgres'
            UNION SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = current_user AND NOT rolsuper) g
      CROSS JOIN (VALUES ('anon'::name), ('authenticated'), ('service_role')) a(name)),
    settings(name, setting, value) AS (VALUES
      ('anon', 'statement_timeout', '3s'), ('authenticated', 'statement_timeout', '8s'),
      ('authenticator', 'statement_timeout', '8s'), ('authenticator', 'lock_timeout', '8s'),
      ('authenticator', 'pgrst.db_schemas', 'public, graphql_public'), ('supabase_auth_admin', 'search_path', 'auth')),
    todo(step, statement) AS (
      SELECT 1, format('CREATE ROLE %I', r.name)
      FROM roles r WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles p WHERE p.rolname = r.name)
      UNION ALL
      SELECT 2, format('ALTER ROLE %I %s %s %s NOSUPERUSER NOCREATEDB NOCREATEROLE', r.name,
                       CASE WHEN r.can_login THEN 'LOGIN' ELSE 'NOLOGIN' END,
                       CASE WHEN r.inherit THEN 'INHERIT' ELSE 'NOINHERIT' END,
                       CASE WHEN r.bypass_rls THEN 'BYPASSRLS' ELSE 'NOBYPASSRLS' END)
      FROM roles r
      WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles p
                        WHERE p.rolname = r.name AND p.rolcanlogin = r.can_login AND p.rolinherit = r.inherit
                          AND p.rolbypassrls = r.bypass_rls AND NOT p.rolsuper AND NOT p.rolcreatedb AND NOT p.rolcreaterole)
      UNION ALL
      SELECT 3, format('GRANT %I TO %I', m.granted, m.grantee)
      FROM memberships m
      WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members a
                        JOIN pg_catalog.pg_roles g ON g.oid = a.member JOIN pg_catalog.pg_roles r ON r.oid = a.roleid
                        WHERE g.rolname = m.grantee AND r.rolname = m.granted)
      UNION ALL
      SELECT 4, format('ALTER ROLE %I SET %s = %L', s.name, s.setting, s.value)
      FROM settings s
      WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_db_role_setting d JOIN pg_catalog.pg_roles p ON p.oid = d.setrole
                        WHERE d.setdatabase = 0 AND p.rolname = s.name AND s.setting || '=' || s.value = ANY (d.setconfig)))
    SELECT coalesce(array_agg(statement ORDER BY step, statement), '{}') FROM todo
  $q$;
  statements text[];
  statement text;
BEGIN
  EXECUTE pending INTO statements;
  IF cardinality(statements) = 0 THEN
    RETURN;
  END IF;

  BEGIN
    LOCK TABLE pg_catalog.pg_authid IN SHARE ROW EXCLUSIVE MODE;
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- not a superuser: go on unserialized
  END;

  EXECUTE pending INTO statements;
  FOREACH statement IN ARRAY statements LOOP
    EXECUTE statement;
  END LOOP;
END
$roles$;

-- ---------------------------------------------------------------------------------------------------
-- Schemas and extensions.
-- ---------------------------------------------------------------------------------------------------
CREATE SCHEMA IF NOT EXISTS extensions;
GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;

GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;

CREATE SCHEMA IF NOT EXISTS auth AUTHORIZATION supabase_auth_admin;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
-- Foreign keys into auth.users are checked as the table's owner, which needs USAGE on the schema.
GRANT ALL ON SCHEMA auth TO supabase_auth_admin;

-- ---------------------------------------------------------------------------------------------------
-- auth.users: the columns GoTrue has today (the ones policies, triggers and tests use, and the rest).
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS auth.users (
  instance_id uuid,
  id uuid NOT NULL,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text DEFAULT NULL,
  phone_confirmed_at timestamptz,
  phone_change text DEFAULT '',
  phone_change_token varchar(255) DEFAULT '',
  phone_change_sent_at timestamptz,
  confirmed_at timestamptz GENERATED ALWAYS AS (LEAST(email_confirmed_at, phone_confirmed_at)) STORED,
  email_change_token_current varchar(255) DEFAULT '',
  email_change_confirm_status smallint DEFAULT 0,
  banned_until timestamptz,
  reauthentication_token varchar(255) DEFAULT '',
  reauthentication_sent_at timestamptz,
  is_sso_user boolean NOT NULL DEFAULT false,
  deleted_at timestamptz,
  is_anonymous boolean NOT NULL DEFAULT false,
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT users_phone_key UNIQUE (phone),
  CONSTRAINT users_email_change_confirm_status_check CHECK (email_change_confirm_status >= 0 AND email_change_confirm_status <= 2)
);
CREATE INDEX IF NOT EXISTS users_instance_id_idx ON auth.users (instance_id);
CREATE INDEX IF NOT EXISTS users_instance_id_email_idx ON auth.users (instance_id, lower(email::text));
CREATE UNIQUE INDEX IF NOT EXISTS users_email_partial_key ON auth.users (email) WHERE is_sso_user = false;
CREATE INDEX IF NOT EXISTS users_is_anonymous_idx ON auth.users (is_anonymous);
COMMENT ON TABLE auth.users IS 'Auth: Stores user login data within a secure schema.';
ALTER TABLE auth.users OWNER TO supabase_auth_admin;
ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;

-- The project's `postgres` reads auth.users, references it from foreign keys and hangs sign-up triggers on
-- it (the pattern Supabase documents for profiles); the API roles get nothing.
DO $auth_grants$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'postgres') THEN
    GRANT SELECT, REFERENCES, TRIGGER ON auth.users TO postgres;
    GRANT SELECT ON auth.users TO postgres WITH GRANT OPTION;
  END IF;
END
$auth_grants$;
GRANT ALL ON auth.users TO service_role;

-- ---------------------------------------------------------------------------------------------------
-- auth.uid(), auth.role(), auth.email(), auth.jwt(): as supabase/auth defines them. The per-claim
-- settings (request.jwt.claim.sub, ...) come first (PostgREST before v9), then the claims object
-- request.jwt.claims (PostgREST 9+); empty strings count as missing, because a transaction-local
-- setting reads '' (not NULL) once its transaction has ended.
-- ---------------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION auth.uid()
RETURNS uuid
LANGUAGE sql STABLE
AS $$
  select
    coalesce(
      nullif(current_setting('request.jwt.claim.sub', true), ''),
      (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
    )::uuid
$$;

CREATE OR REPLACE FUNCTION auth.role()
RETURNS text
LANGUAGE sql STABLE
AS $$
  select
    coalesce(
      nullif(current_setting('request.jwt.claim.role', true), ''),
      (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
    )::text
$$;

CREATE OR REPLACE FUNCTION auth.email()
RETURNS text
LANGUAGE sql STABLE
AS $$
  select
    coalesce(
      nullif(current_setting('request.jwt.claim.email', true), ''),
      (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
    )::text
$$;

CREATE OR REPLACE FUNCTION auth.jwt()
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
  select
    coalesce(
      nullif(current_setting('request.jwt.claim', true), ''),
      nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

COMMENT ON FUNCTION auth.uid() IS 'Deprecated. Use auth.jwt() -> ''sub'' instead.';
COMMENT ON FUNCTION auth.role() IS 'Deprecated. Use auth.jwt() -> ''role'' instead.';
COMMENT ON FUNCTION auth.email() IS 'Deprecated. Use auth.jwt() -> ''email'' instead.';

ALTER FUNCTION auth.uid() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.role() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.email() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.jwt() OWNER TO supabase_auth_admin;
GRANT EXECUTE ON FUNCTION auth.uid(), auth.role(), auth.email(), auth.jwt() TO anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------
-- Default privileges in public, as a Supabase project created before 2026 has them: objects created by
-- the project's `postgres` (and by whoever runs the migrations here) are granted to the API roles.
-- ---------------------------------------------------------------------------------------------------
DO $defaults$
DECLARE
  creator name;
BEGIN
  FOR creator IN
    SELECT DISTINCT r.rolname FROM pg_catalog.pg_roles r WHERE r.rolname IN ('postgres', current_user)
  LOOP
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role', creator);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role', creator);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role', creator);
  END LOOP;
END
$defaults$;

RESET client_min_messages;
