-- Tables, partitioned tables, views and materialized views, one row each.
select c.oid, c.reltype, (select t.typarray from pg_type t where t.oid = c.reltype) as reltype_array,
       n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner) as owner,
       array(select (case a.grantee when 0 then '' else pg_get_userbyid(a.grantee) end) || ':' || a.privilege_type || ':' || a.is_grantable::text
             from aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a) as acl,
       c.relpersistence, c.reloptions, c.relrowsecurity, c.relforcerowsecurity, c.relreplident,
       (select i.relname from pg_index x join pg_class i on i.oid = x.indexrelid where x.indrelid = c.oid and x.indisreplident) as replica_index,
       case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_key,
       c.relispartition,
       case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as partition_bound,
       array(select h.inhparent from pg_inherits h where h.inhrelid = c.oid order by h.inhseqno) as parents,
       case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end as view_definition,
       c.relispopulated,
       (select r.oid from pg_rewrite r where r.ev_class = c.oid and r.rulename = '_RETURN') as rewrite_oid,
       case when c.reloftype <> 0 then format_type(c.reloftype, null) end as of_type
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm')
  and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
  and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by n.nspname, c.relname
