-- =====================================================================================================
-- May 2022: the move to Supabase Auth. Every v1 user with a usable account (not a duplicate, not
-- soft-deleted, a valid e-mail) was imported into auth.users with their bcrypt hash, the trimmed,
-- lower-cased address and their v1 id in app_metadata; v1_users.auth_user_id points back. Users left
-- out have no auth account (the data migration has to decide what they become).
-- =====================================================================================================

INSERT INTO auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, last_sign_in_at,
                        raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at,
                        is_sso_user, is_anonymous)
SELECT
  '00000000-0000-0000-0000-000000000000',
  u.auth_user_id,
  'authenticated',
  'authenticated',
  lower(btrim(u.email)),
  u.password_hash,
  '2022-05-14 03:00:00+00'::timestamptz,
  CASE WHEN pg_temp.pick(u.id, 120, 100) < 70
       THEN '2022-05-14 03:00:00+00'::timestamptz + make_interval(days => pg_temp.pick(u.id, 121, 740)::integer) END,
  jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'), 'v1_user_id', u.id)
    || CASE WHEN u.role = 'admin' THEN '{"role": "admin"}'::jsonb ELSE '{}'::jsonb END,
  jsonb_build_object('full_name', u.full_name),
  false,
  pg_temp.user_created(u.id) AT TIME ZONE 'UTC',
  '2022-05-14 03:00:00+00'::timestamptz,
  false,
  false
FROM public.v1_users u
WHERE u.auth_user_id IS NOT NULL;
