-- User-defined collations. to_jsonb keeps the query valid across versions whose column names differ.
select c.oid, n.nspname, c.collname, pg_get_userbyid(c.collowner) as owner, to_jsonb(c) - 'oid' - 'collname' - 'collnamespace' - 'collowner' - 'collversion' as properties
from pg_collation c
join pg_namespace n on n.oid = c.collnamespace
where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
  and not exists (select from pg_depend d where d.classid = 'pg_collation'::regclass and d.objid = c.oid and d.deptype = 'e')
order by n.nspname, c.collname
