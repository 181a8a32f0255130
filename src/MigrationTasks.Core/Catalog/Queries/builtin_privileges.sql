-- PostgreSQL's built-in default privileges per object type for an owner (role 10 stands for the owner),
-- as the version at hand defines them (newer versions add privileges such as MAINTAIN).
select k.kind,
       array(select (case a.grantee when 0 then '' when 10 then '*' else pg_get_userbyid(a.grantee) end) || ':' || a.privilege_type || ':' || a.is_grantable::text
             from aclexplode(acldefault(k.kind, 10)) a) as acl
from unnest(array['r', 's', 'f', 'T', 'n']::"char"[]) as k(kind)
