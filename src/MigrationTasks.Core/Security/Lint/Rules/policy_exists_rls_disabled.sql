-- Policies exist but RLS is off: none of them applies, every granted role reads and writes every row.
select format('%I.%I', n.nspname, c.relname),
       format('Table %I.%I has %s polic%s (%s) but row level security is disabled, so none applies.', n.nspname, c.relname,
              count(*), case when count(*) = 1 then 'y' else 'ies' end, string_agg(format('%I', pol.polname), ', ' order by pol.polname)),
       format('alter table %I.%I enable row level security;', n.nspname, c.relname)
from pg_policy pol
join pg_class c on c.oid = pol.polrelid
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and not c.relrowsecurity
  and n.nspname <> all(@internal)
  and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
group by n.nspname, c.relname
order by 1
