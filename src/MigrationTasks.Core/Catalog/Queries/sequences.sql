-- Sequences with all options, the column that owns them (OWNED BY, or an identity column).
select c.oid, n.nspname, c.relname, pg_get_userbyid(c.relowner) as owner,
       array(select (case a.grantee when 0 then '' else pg_get_userbyid(a.grantee) end) || ':' || a.privilege_type || ':' || a.is_grantable::text
             from aclexplode(coalesce(c.relacl, acldefault('s', c.relowner))) a) as acl,
       format_type(s.seqtypid, null) as data_type, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       c.relpersistence,
       case when has_sequence_privilege(c.oid, 'SELECT') then pg_sequence_last_value(c.oid) end as last_value,
       d.refobjid as owner_table, d.refobjsubid as owner_column, d.deptype as owner_dependency
from pg_sequence s
join pg_class c on c.oid = s.seqrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = c.oid and d.refclassid = 'pg_class'::regclass and d.refobjsubid > 0 and d.deptype in ('a', 'i')
where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
  and not exists (select from pg_depend e where e.classid = 'pg_class'::regclass and e.objid = c.oid and e.deptype = 'e')
order by n.nspname, c.relname
