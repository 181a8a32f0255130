-- A permissive policy for anon, authenticated or public on a write command whose condition is always true:
-- USING (true) on UPDATE, DELETE or ALL; WITH CHECK (true) (or none, on INSERT) on a write. SELECT USING (true)
-- is the usual way to publish rows and is not reported.
with policies as (
  select pol.polname, n.nspname, c.relname, pol.polcmd,
         case pol.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end as command,
         pol.polqual is null as no_using, pol.polwithcheck is null as no_check,
         regexp_replace(lower(coalesce(pg_get_expr(pol.polqual, pol.polrelid), '')), '\s', '', 'g') in ('true', '(true)', '1=1', '(1=1)') as using_true,
         regexp_replace(lower(coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '')), '\s', '', 'g') in ('true', '(true)', '1=1', '(1=1)') as check_true,
         (select string_agg(case when r = 0 then 'public' else r::regrole::text end, ', ') from unnest(pol.polroles) r) as roles
  from pg_policy pol
  join pg_class c on c.oid = pol.polrelid
  join pg_namespace n on n.oid = c.relnamespace
  where c.relrowsecurity and pol.polpermissive
    and n.nspname <> all(@internal)
    and (pol.polroles = array[0::oid] or exists (select from pg_roles r where r.oid = any(pol.polroles) and r.rolname in ('anon', 'authenticated')))
),
flagged as (
  select p.*,
         p.command in ('UPDATE', 'DELETE', 'ALL') and (p.using_true or p.no_using) as bad_using,
         p.command <> 'SELECT' and p.command <> 'DELETE'
           and (p.check_true or (p.no_check and p.command = 'INSERT') or (p.no_check and p.command in ('UPDATE', 'ALL') and (p.using_true or p.no_using))) as bad_check
  from policies p
)
select format('policy %I on %I.%I', polname, nspname, relname),
       format('Policy %I on %I.%I (%s, for %s) lets any row through: %s.', polname, nspname, relname, command, roles,
              concat_ws(' and ', case when bad_using then 'its USING is always true' end, case when bad_check then 'its WITH CHECK is always true' end)),
       format('Give the policy a real condition (for example owner_id = (select auth.uid())) in %s.',
              concat_ws(' and ', case when bad_using then 'USING' end, case when bad_check then 'WITH CHECK' end))
from flagged
where bad_using or bad_check
order by 1
