-- Row-level security policies: command, permissive or restrictive, roles (PUBLIC as ''), USING and WITH CHECK.
select p.oid, p.polrelid, p.polname, p.polcmd, p.polpermissive,
       array(select case r when 0 then '' else pg_get_userbyid(r) end from unnest(p.polroles) r order by 1) as roles,
       pg_get_expr(p.polqual, p.polrelid) as using_expression,
       pg_get_expr(p.polwithcheck, p.polrelid) as check_expression
from pg_policy p
join pg_class c on c.oid = p.polrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
  and not exists (select from pg_depend e where e.classid = 'pg_class'::regclass and e.objid = c.oid and e.deptype = 'e')
order by p.polrelid, p.polname
