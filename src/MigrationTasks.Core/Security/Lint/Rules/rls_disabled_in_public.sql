-- A table in an exposed schema without RLS that anon or authenticated may read or write: the Data API serves
-- every row to anyone holding the public anon key (or any signed-in user).
select format('%I.%I', n.nspname, c.relname),
       format('Table %I.%I is exposed by the Data API without row level security: %s.', n.nspname, c.relname,
              concat_ws('; ',
                case when privs.anon <> '' then 'anon may ' || privs.anon end,
                case when privs.authenticated <> '' then 'authenticated may ' || privs.authenticated end)),
       format('alter table %I.%I enable row level security; -- then add policies for what each role may do, or revoke the grants', n.nspname, c.relname)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
cross join lateral (
  select concat_ws(', ', case when has_table_privilege('anon', c.oid, 'SELECT') then 'select' end,
                          case when has_table_privilege('anon', c.oid, 'INSERT') then 'insert' end,
                          case when has_table_privilege('anon', c.oid, 'UPDATE') then 'update' end,
                          case when has_table_privilege('anon', c.oid, 'DELETE') then 'delete' end) as anon,
         concat_ws(', ', case when has_table_privilege('authenticated', c.oid, 'SELECT') then 'select' end,
                          case when has_table_privilege('authenticated', c.oid, 'INSERT') then 'insert' end,
                          case when has_table_privilege('authenticated', c.oid, 'UPDATE') then 'update' end,
                          case when has_table_privilege('authenticated', c.oid, 'DELETE') then 'delete' end) as authenticated) privs
where c.relkind in ('r', 'p') and not c.relrowsecurity and not c.relispartition
  and n.nspname = any(@exposed)
  and (privs.anon <> '' or privs.authenticated <> '')
  and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by 1
