-- A view or materialized view in an exposed schema that reads auth.users and that anon or authenticated can
-- select: a materialized view never applies RLS, a definer view reads as its owner, and an invoker view is only
-- as safe as RLS on auth.users.
select distinct format('%I.%I', n.nspname, c.relname),
       format('%s %I.%I reads auth.users and is selectable by %s through the Data API%s.',
              case c.relkind when 'm' then 'Materialized view' else 'View' end, n.nspname, c.relname,
              concat_ws(' and ', case when has_table_privilege('anon', c.oid, 'SELECT') then 'anon' end,
                                 case when has_table_privilege('authenticated', c.oid, 'SELECT') then 'authenticated' end),
              case when c.relkind = 'm' then ' (materialized views ignore RLS)'
                   when coalesce(c.reloptions::text, '') !~* 'security_invoker=(1|true|yes|on)' then ' as its owner (not security_invoker), bypassing RLS on auth.users'
                   else ' and auth.users has RLS disabled' end),
       format('revoke select on %I.%I from anon, authenticated; -- or expose only the columns needed, through a security_invoker view of a table of your own', n.nspname, c.relname)
from pg_class users
join pg_namespace un on un.oid = users.relnamespace and un.nspname = 'auth' and users.relname = 'users'
join pg_depend d on d.refobjid = users.oid and d.deptype = 'n' and d.classid = 'pg_rewrite'::regclass
join pg_rewrite r on r.oid = d.objid
join pg_class c on c.oid = r.ev_class
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('v', 'm')
  and n.nspname = any(@exposed)
  and (has_table_privilege('anon', c.oid, 'SELECT') or has_table_privilege('authenticated', c.oid, 'SELECT'))
  and (c.relkind = 'm'
       or coalesce(c.reloptions::text, '') !~* 'security_invoker=(1|true|yes|on)'
       or not users.relrowsecurity)
order by 1
