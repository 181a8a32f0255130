-- Triggers written by users (not the internal ones behind foreign keys, not a partition's clone of its parent's).
select g.oid, g.tgrelid, g.tgname, pg_get_triggerdef(g.oid) as definition, g.tgenabled, g.tgfoid
from pg_trigger g
join pg_class c on c.oid = g.tgrelid
join pg_namespace n on n.oid = c.relnamespace
where not g.tgisinternal and g.tgparentid = 0
  and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
  and not exists (select from pg_depend e where e.classid = 'pg_class'::regclass and e.objid = c.oid and e.deptype = 'e')
order by g.tgrelid, g.tgname
