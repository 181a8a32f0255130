-- A table with autovacuum switched off: dead tuples pile up, and so does the risk of transaction ID wraparound.
select format('%I.%I', n.nspname, c.relname),
       format('Table %I.%I has autovacuum disabled (%s).', n.nspname, c.relname, array_to_string(c.reloptions, ', ')),
       format('alter table %I.%I reset (autovacuum_enabled);', n.nspname, c.relname)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'm', 'p')
  and n.nspname <> all(@internal)
  and exists (select from unnest(c.reloptions) o where lower(o) in ('autovacuum_enabled=false', 'autovacuum_enabled=off', 'autovacuum_enabled=0', 'autovacuum_enabled=no'))
order by 1
