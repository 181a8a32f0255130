-- Enums, domains, composite types and ranges (base types and shell types are extension territory).
-- Expressions are read with an empty search_path, so every name outside pg_catalog comes out qualified.
select t.oid, t.typarray, t.typrelid, n.nspname, t.typname, t.typtype, pg_get_userbyid(t.typowner) as owner,
       array(select (case a.grantee when 0 then '' else pg_get_userbyid(a.grantee) end) || ':' || a.privilege_type || ':' || a.is_grantable::text
             from aclexplode(coalesce(t.typacl, acldefault('T', t.typowner))) a) as acl,
       case when t.typtype = 'e' then array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder) end as labels,
       case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end as base_type,
       t.typnotnull,
       case when t.typtype = 'd' then pg_get_expr(t.typdefaultbin, 0) end as domain_default,
       case when t.typcollation <> 0 and t.typcollation <> coalesce((select b.typcollation from pg_type b where b.oid = t.typbasetype), 0)
            then (select quote_ident(cn.nspname) || '.' || quote_ident(co.collname) from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = t.typcollation) end as collation,
       case when t.typtype = 'c' then array(
           select a.attname::text from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped order by a.attnum) end as attribute_names,
       case when t.typtype = 'c' then array(
           select format_type(a.atttypid, a.atttypmod)
                  || case when a.attcollation <> 0 and a.attcollation <> (select b.typcollation from pg_type b where b.oid = a.atttypid)
                          then ' COLLATE ' || (select quote_ident(cn.nspname) || '.' || quote_ident(co.collname) from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = a.attcollation) else '' end
           from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped order by a.attnum) end as attribute_types,
       case when t.typtype = 'r' then (
           select jsonb_build_object(
               'subtype', format_type(r.rngsubtype, null),
               'subtype_opclass', case when r.rngsubopc <> coalesce((select o.oid from pg_opclass o where o.opcmethod = 403 and o.opcintype = r.rngsubtype and o.opcdefault), 0)
                                       then (select quote_ident(on2.nspname) || '.' || quote_ident(o.opcname) from pg_opclass o join pg_namespace on2 on on2.oid = o.opcnamespace where o.oid = r.rngsubopc) end,
               'collation', case when r.rngcollation <> 0 and r.rngcollation <> (select b.typcollation from pg_type b where b.oid = r.rngsubtype)
                                 then (select quote_ident(cn.nspname) || '.' || quote_ident(co.collname) from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = r.rngcollation) end,
               'canonical', case when r.rngcanonical <> 0 then r.rngcanonical::regproc::text end,
               'subtype_diff', case when r.rngsubdiff <> 0 then r.rngsubdiff::regproc::text end,
               'multirange_type_name', format_type(r.rngmultitypid, null),
               'multirange_oid', r.rngmultitypid)
           from pg_range r where r.rngtypid = t.oid) end as range
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
where t.typtype in ('e', 'd', 'c', 'r')
  and (t.typtype <> 'c' or exists (select from pg_class c where c.oid = t.typrelid and c.relkind = 'c'))
  and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
  and not exists (select from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
order by n.nspname, t.typname
