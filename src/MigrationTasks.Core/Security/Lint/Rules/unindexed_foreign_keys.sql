-- A foreign key with no valid, non-partial index whose leading columns are exactly its columns (in any order):
-- deleting or updating a referenced row then scans the whole referencing table.
select format('constraint %I on %I.%I', con.conname, n.nspname, c.relname),
       format('Table %I.%I has foreign key %I (%s) without an index that starts with its columns; deleting or updating a referenced row scans the table.',
              n.nspname, c.relname, con.conname, cols.list),
       format('create index concurrently on %I.%I (%s);', n.nspname, c.relname, cols.list)
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
cross join lateral (
  select string_agg(quote_ident(a.attname), ', ' order by array_position(con.conkey, a.attnum)) as list
  from pg_attribute a where a.attrelid = con.conrelid and a.attnum = any(con.conkey)) cols
where con.contype = 'f'
  and n.nspname <> all(@internal)
  and not c.relispartition
  and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  and not exists (
    select from pg_index i
    cross join lateral (select array_agg(u.k) as lead from unnest(i.indkey) with ordinality u(k, ord) where u.ord <= cardinality(con.conkey)) l
    where i.indrelid = con.conrelid and i.indisvalid and i.indpred is null
      and l.lead @> con.conkey and l.lead <@ con.conkey)
order by 1
