-- Table and domain constraints, except those a partition inherits from its parent (they follow the parent).
select co.oid, co.conname, co.contype, co.conrelid, co.contypid, pg_get_constraintdef(co.oid) as definition,
       co.condeferrable, co.condeferred, co.convalidated, co.conislocal, co.coninhcount, co.connoinherit, co.conindid, co.confrelid,
       (select i.relname from pg_class i where i.oid = co.conindid) as index_name
from pg_constraint co
left join pg_class c on c.oid = co.conrelid
left join pg_type t on t.oid = co.contypid
join pg_namespace n on n.oid = coalesce(c.relnamespace, t.typnamespace)
where co.conparentid = 0 and co.contype <> 't'
  and (c.relkind in ('r', 'p') or t.typtype = 'd')
  and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
  and not exists (select from pg_depend e where e.classid = 'pg_class'::regclass and e.objid = c.oid and e.deptype = 'e')
  and not exists (select from pg_depend e where e.classid = 'pg_type'::regclass and e.objid = t.oid and e.deptype = 'e')
order by co.conrelid, co.contypid, co.conname
