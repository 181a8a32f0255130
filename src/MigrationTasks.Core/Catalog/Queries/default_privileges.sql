-- ALTER DEFAULT PRIVILEGES entries: the role they apply to, the schema (NULL = every schema), the object type.
select d.oid, pg_get_userbyid(d.defaclrole) as role, n.nspname, d.defaclobjtype,
       array(select (case a.grantee when 0 then '' else pg_get_userbyid(a.grantee) end) || ':' || a.privilege_type || ':' || a.is_grantable::text
             from aclexplode(d.defaclacl) a) as acl
from pg_default_acl d
left join pg_namespace n on n.oid = d.defaclnamespace
order by role, n.nspname nulls first, d.defaclobjtype
