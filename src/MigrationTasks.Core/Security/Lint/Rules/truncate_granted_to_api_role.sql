-- anon or authenticated holds TRUNCATE on an exposed table (Supabase's legacy default grants give it): TRUNCATE
-- ignores row level security, so any SQL these roles get to run (a SECURITY INVOKER function, a trigger) can empty it.
select format('%I.%I', n.nspname, c.relname),
       format('Table %I.%I grants TRUNCATE, which ignores row level security, to %s.', n.nspname, c.relname,
              concat_ws(' and ', case when has_table_privilege('anon', c.oid, 'TRUNCATE') then 'anon' end,
                                 case when has_table_privilege('authenticated', c.oid, 'TRUNCATE') then 'authenticated' end)),
       format('revoke truncate on %I.%I from anon, authenticated;', n.nspname, c.relname)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and not c.relispartition
  and n.nspname = any(@exposed)
  and (has_table_privilege('anon', c.oid, 'TRUNCATE') or has_table_privilege('authenticated', c.oid, 'TRUNCATE'))
  and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by 1
