-- Schemas other than PostgreSQL's own, with owner, privileges (NULL = the built-in default) and comment.
select n.oid, n.nspname, pg_get_userbyid(n.nspowner) as owner,
       array(select (case a.grantee when 0 then '' else pg_get_userbyid(a.grantee) end) || ':' || a.privilege_type || ':' || a.is_grantable::text
             from aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a) as acl
from pg_namespace n
where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
  and not exists (select from pg_depend d where d.classid = 'pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e')
order by n.nspname
