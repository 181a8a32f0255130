-- With anonymous sign-ins on ([auth] enable_anonymous_sign_ins), anonymous users get the authenticated role:
-- a policy for authenticated (or public) that does not look at the is_anonymous claim lets them in too.
select format('%I.%I', n.nspname, c.relname),
       format('Anonymous sign-ins are enabled, and anonymous users are authenticated: %s on %I.%I do%s not check the is_anonymous claim.',
              string_agg(format('policy %I', pol.polname), ', ' order by pol.polname), n.nspname, c.relname,
              case when count(*) = 1 then 'es' else '' end),
       'Add "and (select (auth.jwt() ->> ''is_anonymous'')::boolean) is false" to policies meant for permanent users (or as a RESTRICTIVE policy).'
from pg_policy pol
join pg_class c on c.oid = pol.polrelid
join pg_namespace n on n.oid = c.relnamespace
where @anonymous_sign_ins
  and n.nspname = any(@exposed)
  and c.relrowsecurity and pol.polpermissive
  and (pol.polroles = array[0::oid] or exists (select from pg_roles r where r.oid = any(pol.polroles) and r.rolname = 'authenticated'))
  and coalesce(pg_get_expr(pol.polqual, pol.polrelid), '') || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '') !~* 'is_anonymous'
group by n.nspname, c.relname
order by 1
