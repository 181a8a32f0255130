-- A foreign table in an exposed schema that anon or authenticated can select: RLS does not apply to foreign tables.
select format('%I.%I', n.nspname, c.relname),
       format('Foreign table %I.%I is selectable by anon or authenticated through the Data API, and RLS does not apply to foreign tables.', n.nspname, c.relname),
       format('revoke all on %I.%I from anon, authenticated; -- or move it out of the exposed schemas', n.nspname, c.relname)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind = 'f'
  and n.nspname = any(@exposed)
  and (has_table_privilege('anon', c.oid, 'SELECT') or has_table_privilege('authenticated', c.oid, 'SELECT'))
  and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by 1
