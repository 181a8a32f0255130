-- Most of a table's tuples are dead (updates and deletes not yet vacuumed away): it is larger and slower than
-- its data needs (production only: a clone is freshly loaded).
select format('%I.%I', s.schemaname, s.relname),
       format('Table %I.%I has %s dead tuples against %s live (%s%%); last vacuum %s.', s.schemaname, s.relname, s.n_dead_tup, s.n_live_tup,
              round(100.0 * s.n_dead_tup / (s.n_dead_tup + s.n_live_tup)),
              coalesce(greatest(s.last_vacuum, s.last_autovacuum)::text, 'never')),
       format('vacuum (analyze) %I.%I; -- and check autovacuum keeps up with it', s.schemaname, s.relname)
from pg_stat_user_tables s
where s.n_dead_tup >= 1000
  and s.n_dead_tup >= s.n_live_tup
  and s.schemaname <> all(@internal)
order by 1
