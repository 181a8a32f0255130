-- Columns of the relations above (tables, views, materialized views), in physical order.
select a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) as type, a.atttypid,
       case when a.attcollation <> 0 and a.attcollation <> t.typcollation
            then (select quote_ident(cn.nspname) || '.' || quote_ident(co.collname) from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = a.attcollation) end as collation,
       a.attnotnull, a.attidentity, a.attgenerated,
       d.oid as default_oid, pg_get_expr(d.adbin, d.adrelid) as default_expression,
       a.attislocal, a.attinhcount,
       a.attstorage as storage, t.typstorage as type_storage,
       a.attcompression,
       case when a.attstattarget >= 0 then a.attstattarget end as statistics,
       a.attoptions,
       array(select (case x.grantee when 0 then '' else pg_get_userbyid(x.grantee) end) || ':' || x.privilege_type || ':' || x.is_grantable::text
             from aclexplode(a.attacl) x) as acl
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attnum > 0 and not a.attisdropped
  and c.relkind in ('r', 'p', 'v', 'm')
  and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
  and not exists (select from pg_depend e where e.classid = 'pg_class'::regclass and e.objid = c.oid and e.deptype = 'e')
order by a.attrelid, a.attnum
