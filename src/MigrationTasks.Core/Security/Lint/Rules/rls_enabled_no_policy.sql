-- RLS on and no policy: every role but the owner and BYPASSRLS roles gets nothing, silently.
select format('%I.%I', n.nspname, c.relname),
       format('Table %I.%I has row level security enabled but no policy: anon and authenticated see no row and cannot write one.', n.nspname, c.relname),
       format('Create a policy for each command the API roles may use on %I.%I, or revoke their grants if the table is server-only.', n.nspname, c.relname)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and c.relrowsecurity
  and n.nspname <> all(@internal)
  and not exists (select from pg_policy pol where pol.polrelid = c.oid)
  and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by 1
