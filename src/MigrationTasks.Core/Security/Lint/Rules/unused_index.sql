-- An index no query has used since the statistics were reset (production only: a clone's statistics are new).
select format('%I.%I', s.schemaname, s.indexrelname),
       format('Index %I on %I.%I has not been used since the statistics were last reset (%s).', s.indexrelname, s.schemaname, s.relname,
              coalesce((select stats_reset::text from pg_stat_database where datname = current_database()), 'never reset')),
       format('drop index concurrently %I.%I; -- after checking it is not needed for a constraint or a rare report', s.schemaname, s.indexrelname)
from pg_stat_user_indexes s
join pg_index i on i.indexrelid = s.indexrelid
where s.idx_scan = 0
  and not i.indisunique and not i.indisprimary
  and s.schemaname <> all(@internal)
  and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = s.relid and d.deptype = 'e')
order by 1
