-- Functions, procedures and aggregates, identified by name and identity arguments (overloads are distinct).
-- Members of extensions are listed too (flagged), because their privileges can differ from the extension's.
select p.oid, n.nspname, p.proname, p.prokind,
       pg_get_function_identity_arguments(p.oid) as identity_arguments,
       oidvectortypes(p.proargtypes) as argument_types,
       pg_get_function_arguments(p.oid) as arguments,
       pg_get_function_result(p.oid) as result,
       case when p.prokind in ('f', 'p', 'w') and x.extname is null then pg_get_functiondef(p.oid) end as definition,
       l.lanname, p.prosecdef, p.proconfig, p.provolatile,
       case when x.extname is null then p.prosrc end as source,
       pg_get_userbyid(p.proowner) as owner,
       array(select (case a.grantee when 0 then '' else pg_get_userbyid(a.grantee) end) || ':' || a.privilege_type || ':' || a.is_grantable::text
             from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a) as acl,
       x.extname as extension,
       case when p.prokind = 'a' then (
           select jsonb_build_object(
               'kind', g.aggkind, 'direct_args', g.aggnumdirectargs,
               'sfunc', g.aggtransfn::regproc::text, 'stype', format_type(g.aggtranstype, null), 'sspace', g.aggtransspace,
               'finalfunc', case when g.aggfinalfn <> 0 then g.aggfinalfn::regproc::text end, 'finalfunc_extra', g.aggfinalextra, 'finalfunc_modify', g.aggfinalmodify,
               'combinefunc', case when g.aggcombinefn <> 0 then g.aggcombinefn::regproc::text end,
               'serialfunc', case when g.aggserialfn <> 0 then g.aggserialfn::regproc::text end,
               'deserialfunc', case when g.aggdeserialfn <> 0 then g.aggdeserialfn::regproc::text end,
               'initcond', g.agginitval,
               'msfunc', case when g.aggmtransfn <> 0 then g.aggmtransfn::regproc::text end,
               'minvfunc', case when g.aggminvtransfn <> 0 then g.aggminvtransfn::regproc::text end,
               'mstype', case when g.aggmtranstype <> 0 then format_type(g.aggmtranstype, null) end, 'msspace', g.aggmtransspace,
               'mfinalfunc', case when g.aggmfinalfn <> 0 then g.aggmfinalfn::regproc::text end, 'mfinalfunc_extra', g.aggmfinalextra, 'mfinalfunc_modify', g.aggmfinalmodify,
               'minitcond', g.aggminitval,
               'sortop', case when g.aggsortop <> 0 then (select quote_ident(opn.nspname) || '.' || o.oprname from pg_operator o join pg_namespace opn on opn.oid = o.oprnamespace where o.oid = g.aggsortop) end,
               'parallel', p.proparallel)
           from pg_aggregate g where g.aggfnoid = p.oid) end as aggregate
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_language l on l.oid = p.prolang
left join lateral (select e.extname from pg_depend d join pg_extension e on e.oid = d.refobjid
                   where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e' limit 1) x on true
where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  and n.nspname !~ '^pg_(toast_)?temp_'
  -- the constructors PostgreSQL makes for a range type belong to the type
  and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'i')
order by n.nspname, p.proname, identity_arguments
