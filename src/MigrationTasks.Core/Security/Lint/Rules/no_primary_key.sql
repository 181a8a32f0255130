-- A table without a primary key: slow to update and delete by row, and logical replication cannot follow it.
select format('%I.%I', n.nspname, c.relname),
       format('Table %I.%I has no primary key.', n.nspname, c.relname),
       format('alter table %I.%I add primary key (<column>); -- or add an identity column: alter table %I.%I add column id bigint generated always as identity primary key;', n.nspname, c.relname, n.nspname, c.relname)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and not c.relispartition
  and n.nspname <> all(@internal)
  and not exists (select from pg_index i where i.indrelid = c.oid and i.indisprimary)
  and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by 1
