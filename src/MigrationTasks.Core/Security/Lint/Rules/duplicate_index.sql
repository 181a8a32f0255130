-- Indexes identical but for their names: same table, columns or expressions, operator classes, collations,
-- ordering, predicate, uniqueness and access method. Each one is written on every insert and update.
with indexes as (
  select n.nspname, t.relname as table_name, ic.relname as index_name, i.indrelid,
         concat_ws('|', i.indkey::text, i.indclass::text, i.indcollation::text, i.indoption::text, ic.relam::text, i.indisunique::text,
                   coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')) as signature,
         exists (select from pg_constraint con where con.conindid = i.indexrelid) as backs_constraint
  from pg_index i
  join pg_class ic on ic.oid = i.indexrelid
  join pg_class t on t.oid = i.indrelid
  join pg_namespace n on n.oid = t.relnamespace
  where t.relkind in ('r', 'm', 'p') and n.nspname <> all(@internal)
    and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = t.oid and d.deptype = 'e')
)
select format('%I.%I (%s)', nspname, table_name, string_agg(format('%I', index_name), ', ' order by index_name)),
       format('Table %I.%I has identical indexes %s.', nspname, table_name, string_agg(format('%I', index_name), ', ' order by index_name)),
       string_agg(format('drop index concurrently %I.%I;', nspname, index_name), ' ' order by backs_constraint, index_name)
         filter (where not backs_constraint) || ' -- keep one'
from indexes
group by nspname, table_name, indrelid, signature
having count(*) > 1
order by 1
