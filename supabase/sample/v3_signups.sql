-- =====================================================================================================
-- March 2023 to May 2024: people who signed up through Supabase Auth after the v3 profiles shipped.
-- They have no v1 rows; the sign-up trigger (on_auth_user_created) creates their profiles, with the
-- username they chose.
-- =====================================================================================================

INSERT INTO auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, last_sign_in_at,
                        raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at,
                        is_sso_user, is_anonymous)
SELECT
  '00000000-0000-0000-0000-000000000000',
  pg_temp.uuid_of('signup', s),
  'authenticated',
  'authenticated',
  lower(pg_temp.first_name(s + 7)) || '.' || lower(pg_temp.last_name(s + 7)) || '.s' || s || '@' || pg_temp.mail_domain(s + 7),
  '$2a$10$' || substr(md5(concat('signup-pw/', s)), 1, 22) || substr(md5(concat('signup-salt/', s)), 1, 31),
  pg_temp.at(s::float8 / pg_temp.n_signups(), '2023-03-10', '2024-05-31', s, 130) AT TIME ZONE 'UTC',
  pg_temp.at(s::float8 / pg_temp.n_signups(), '2023-03-10', '2024-05-31', s, 130) AT TIME ZONE 'UTC'
    + make_interval(days => pg_temp.pick(s, 131, 60)::integer),
  '{"provider": "email", "providers": ["email"]}'::jsonb,
  jsonb_build_object('full_name', pg_temp.first_name(s + 7) || ' ' || pg_temp.last_name(s + 7),
                     'username', lower(pg_temp.first_name(s + 7)) || '.' || lower(pg_temp.last_name(s + 7)) || '.' || s),
  false,
  pg_temp.at(s::float8 / pg_temp.n_signups(), '2023-03-10', '2024-05-31', s, 130) AT TIME ZONE 'UTC',
  pg_temp.at(s::float8 / pg_temp.n_signups(), '2023-03-10', '2024-05-31', s, 130) AT TIME ZONE 'UTC',
  false,
  false
FROM generate_series(1, pg_temp.n_signups()) AS s;
