-- A SECURITY DEFINER function in an exposed schema that authenticated may execute: every signed-in user can call
-- it through /rest/v1/rpc, and it runs with its owner's rights (bypassing RLS), so it must check the caller itself.
select format('%I.%I(%s)', n.nspname, p.proname, oidvectortypes(p.proargtypes)),
       format('SECURITY DEFINER function %I.%I(%s) is executable by authenticated: every signed-in user can call /rest/v1/rpc/%s, and it runs as %I, bypassing RLS.',
              n.nspname, p.proname, oidvectortypes(p.proargtypes), p.proname, pg_get_userbyid(p.proowner)),
       format('revoke execute on function %I.%I(%s) from public, authenticated; -- or keep it and make sure it checks auth.uid() itself (then accept this finding)',
              n.nspname, p.proname, oidvectortypes(p.proargtypes))
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
where p.prosecdef and p.prokind = 'f'
  and n.nspname = any(@exposed)
  and p.prorettype not in ('trigger'::regtype, 'event_trigger'::regtype)
  and has_function_privilege('authenticated', p.oid, 'EXECUTE')
  and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
order by 1
