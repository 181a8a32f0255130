-- A policy that reads user_metadata (the JWT claim, or auth.users.raw_user_meta_data): users edit it themselves
-- (supabase.auth.updateUser), so it must never decide access.
select format('policy %I on %I.%I', pol.polname, n.nspname, c.relname),
       format('Policy %I on %I.%I decides access from user_metadata, which every user can change about themselves.', pol.polname, n.nspname, c.relname),
       'Use app_metadata (raw_app_meta_data, written only by the server) or a table of your own instead.'
from pg_policy pol
join pg_class c on c.oid = pol.polrelid
join pg_namespace n on n.oid = c.relnamespace
cross join lateral (select coalesce(pg_get_expr(pol.polqual, pol.polrelid), '') || ' ' || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '') as expr) e
where n.nspname <> all(@internal)
  and (e.expr ~* 'auth\.jwt\(\).*user_metadata'
       or e.expr ~* 'current_setting\(.*request\.jwt\.claim.*user_metadata'
       or e.expr ~* 'raw_user_meta_data')
order by 1
