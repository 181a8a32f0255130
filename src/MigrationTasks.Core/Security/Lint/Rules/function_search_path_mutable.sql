-- A function or procedure without a pinned search_path: the caller's search_path decides what its unqualified
-- names mean (a SECURITY DEFINER one can be made to run the caller's objects with its owner's rights).
select format('%I.%I(%s)', n.nspname, p.proname, oidvectortypes(p.proargtypes)),
       format('%s %I.%I(%s)%s has no search_path setting, so the caller''s search_path resolves its unqualified names.',
              case p.prokind when 'p' then 'Procedure' else 'Function' end, n.nspname, p.proname, oidvectortypes(p.proargtypes),
              case when p.prosecdef then ' (SECURITY DEFINER)' else '' end),
       format('alter %s %I.%I(%s) set search_path = ''''; -- then schema-qualify every name in its body',
              case p.prokind when 'p' then 'procedure' else 'function' end, n.nspname, p.proname, oidvectortypes(p.proargtypes))
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_language l on l.oid = p.prolang
where p.prokind in ('f', 'p')
  and l.lanname <> 'internal' and l.lanname <> 'c'
  and n.nspname <> all(@internal)
  and not exists (select from unnest(coalesce(p.proconfig, '{}')) s where s like 'search_path=%')
  and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
order by 1
