-- Candidates for a policy that calls auth.uid(), auth.jwt(), auth.role(), auth.email(), current_setting() or an
-- argument-less STABLE function of the project for every row instead of once per statement. The engine keeps the
-- policies where such a call is outside every uncorrelated ( SELECT ... ) (an InitPlan): the fourth column is the
-- expression (read with search_path = '', so functions are schema-qualified), the fifth the calls to look for.
with policies as (
  select pol.polname, n.nspname, c.relname,
         concat_ws(' WITH CHECK ', pg_get_expr(pol.polqual, pol.polrelid), pg_get_expr(pol.polwithcheck, pol.polrelid)) as expr
  from pg_policy pol
  join pg_class c on c.oid = pol.polrelid
  join pg_namespace n on n.oid = c.relnamespace
  where c.relrowsecurity and n.nspname <> all(@internal)
),
candidates as (
  select p.*,
         array['auth.uid()', 'auth.jwt()', 'auth.role()', 'auth.email()', 'current_setting(']
         || array(select distinct format('%s.%s()', m[1], m[2])
                  from regexp_matches(p.expr, '([a-z_][a-z0-9_$]*)\.([a-z_][a-z0-9_$]*)\(\)', 'g') m
                  join pg_namespace fn on fn.nspname = m[1]
                  join pg_proc f on f.pronamespace = fn.oid and f.proname = m[2]
                  where f.pronargs = 0 and f.provolatile in ('s', 'i') and fn.nspname <> all(@internal)) as calls
  from policies p
)
select format('policy %I on %I.%I', polname, nspname, relname),
       format('Policy %I on %I.%I calls {calls} for every row; wrapped in a sub-select it runs once per statement.', polname, nspname, relname),
       'In the policy, write (select {call}) instead of {call}.',
       expr,
       array_to_string(calls, ' ')
from candidates
where expr ~* 'auth\.(uid|jwt|role|email)\(\)|current_setting\(' or cardinality(calls) > 5
order by 1
