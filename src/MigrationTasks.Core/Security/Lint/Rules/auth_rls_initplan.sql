-- A policy that calls auth.uid(), auth.jwt(), auth.role(), auth.email(), current_setting() or another
-- argument-less function of the project outside a (select ...): PostgreSQL evaluates it for every row instead
-- of once per statement (an InitPlan). Names are read with search_path = '', so functions are schema-qualified.
with policies as (
  select pol.polname, n.nspname, c.relname,
         coalesce(pg_get_expr(pol.polqual, pol.polrelid), '') || ' ' || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '') as expr
  from pg_policy pol
  join pg_class c on c.oid = pol.polrelid
  join pg_namespace n on n.oid = c.relnamespace
  where c.relrowsecurity and n.nspname <> all(@internal)
),
unwrapped as (
  -- Remove the calls that are already wrapped: ( SELECT auth.uid() AS uid), ( SELECT current_setting(...) AS ...).
  select p.*, regexp_replace(p.expr, 'select\s+(("[^"]+"|[a-z_][a-z0-9_$]*)\.("[^"]+"|[a-z_][a-z0-9_$]*)\(\)|current_setting\()', 'SELECT_WRAPPED', 'gi') as rest
  from policies p
),
calls as (
  select u.polname, u.nspname, u.relname, m[1] as fn_schema, m[2] as fn_name, m[3] as setting
  from unwrapped u
  cross join lateral regexp_matches(u.rest, '(?:([a-z_][a-z0-9_$]*)\.([a-z_][a-z0-9_$]*)\(\))|(current_setting)\(', 'gi') m
),
per_row as (
  select distinct c.polname, c.nspname, c.relname,
         case when c.setting is not null then 'current_setting()' else c.fn_schema || '.' || c.fn_name || '()' end as call
  from calls c
  where c.setting is not null
     or (c.fn_schema = 'auth' and c.fn_name in ('uid', 'jwt', 'role', 'email'))
     or exists (select from pg_proc p join pg_namespace pn on pn.oid = p.pronamespace
                where pn.nspname = c.fn_schema and p.proname = c.fn_name and p.pronargs = 0 and pn.nspname <> all(@internal))
)
select format('policy %I on %I.%I', polname, nspname, relname),
       format('Policy %I on %I.%I calls %s for every row; wrapped in a sub-select it runs once per statement.',
              polname, nspname, relname, string_agg(call, ', ' order by call)),
       format('In the policy, write (select %s) instead of %s.', min(call), min(call))
from per_row
group by polname, nspname, relname
order by 1
