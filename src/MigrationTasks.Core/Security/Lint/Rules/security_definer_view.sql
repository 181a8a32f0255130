-- A view in an exposed schema that anon or authenticated can select and that is not security_invoker: it
-- reads as its owner, so the caller's RLS does not apply.
select format('%I.%I', n.nspname, c.relname),
       format('View %I.%I runs as its owner (no security_invoker), so it bypasses the caller''s row level security; %s can select it through the Data API.',
              n.nspname, c.relname,
              concat_ws(' and ', case when has_table_privilege('anon', c.oid, 'SELECT') then 'anon' end,
                                 case when has_table_privilege('authenticated', c.oid, 'SELECT') then 'authenticated' end)),
       format('alter view %I.%I set (security_invoker = true);', n.nspname, c.relname)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind = 'v'
  and n.nspname = any(@exposed)
  and (has_table_privilege('anon', c.oid, 'SELECT') or has_table_privilege('authenticated', c.oid, 'SELECT'))
  and coalesce(c.reloptions::text, '') !~* 'security_invoker=(1|true|yes|on)'
  and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by 1
