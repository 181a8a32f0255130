-- An INVALID index (left by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY): never used by queries,
-- and written on every insert and update once it is ready. One that failed in its first build is not even ready,
-- so readiness is not a condition; a build still running is told apart by pg_stat_progress_create_index.
select format('%I.%I', n.nspname, ic.relname),
       format('Index %I on %I.%I is INVALID: queries do not use it%s.', ic.relname, n.nspname, t.relname, case when i.indisready then ', but every write maintains it' else '' end),
       format('drop index concurrently %I.%I; -- then create it again (concurrently)', n.nspname, ic.relname)
from pg_index i
join pg_class ic on ic.oid = i.indexrelid
join pg_class t on t.oid = i.indrelid
join pg_namespace n on n.oid = t.relnamespace
where not i.indisvalid
  and not exists (select from pg_stat_progress_create_index pci where pci.index_relid = ic.oid)
  and n.nspname <> all(@internal)
order by 1
