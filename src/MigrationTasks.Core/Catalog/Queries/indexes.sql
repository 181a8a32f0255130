-- Indexes that are not the implementation of a constraint and not a partition's copy of its parent's index.
select x.indexrelid, x.indrelid, n.nspname, i.relname, pg_get_indexdef(x.indexrelid) as definition, x.indisunique, x.indisvalid,
       (select s.nspname from pg_class tc join pg_namespace s on s.oid = tc.relnamespace where tc.oid = x.indrelid) as table_schema,
       (select tc.relname from pg_class tc where tc.oid = x.indrelid) as table_name
from pg_index x
join pg_class i on i.oid = x.indexrelid
join pg_namespace n on n.oid = i.relnamespace
where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
  and not exists (select from pg_constraint co where co.conindid = x.indexrelid and co.contype in ('p', 'u', 'x') and co.conrelid = x.indrelid)
  and not exists (select from pg_inherits h where h.inhrelid = x.indexrelid)
  and not exists (select from pg_depend e where e.classid = 'pg_class'::regclass and e.objid = x.indrelid and e.deptype = 'e')
order by n.nspname, i.relname
