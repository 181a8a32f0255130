-- Candidates for a read policy with a top-level "auth.uid() IS NULL OR ..." (true for every request without a
-- user): permissive SELECT or ALL policies for anon, authenticated or public that test an auth value for NULL.
-- The engine keeps those where the NULL test is one of the top-level OR terms (the fourth column).
select format('policy %I on %I.%I', pol.polname, n.nspname, c.relname),
       format('Policy %I on %I.%I (%s) admits every row when there is no signed-in user: one of its OR terms is an auth value IS NULL.',
              pol.polname, n.nspname, c.relname, case pol.polcmd when 'r' then 'SELECT' else 'ALL' end),
       'Remove the IS NULL term (requests without a user get no row), or write IS NOT NULL AND ... if a user is required.',
       pg_get_expr(pol.polqual, pol.polrelid)
from pg_policy pol
join pg_class c on c.oid = pol.polrelid
join pg_namespace n on n.oid = c.relnamespace
where c.relrowsecurity and pol.polpermissive and pol.polcmd in ('r', '*')
  and n.nspname <> all(@internal)
  and (pol.polroles = array[0::oid] or exists (select from pg_roles r where r.oid = any(pol.polroles) and r.rolname in ('anon', 'authenticated')))
  and pg_get_expr(pol.polqual, pol.polrelid) ~* '(auth\.(uid|jwt|role|email)\(\)|current_setting\([^)]*true\)).*is\s+(not\s+)?null'
order by 1
