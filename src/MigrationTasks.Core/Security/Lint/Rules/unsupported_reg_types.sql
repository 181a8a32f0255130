-- A column of a reg* type that stores an OID pg_upgrade cannot carry over (regclass, regtype and regrole it can):
-- the major-version upgrade refuses the database.
select format('%I.%I.%I', n.nspname, c.relname, a.attname),
       format('Column %I of %I.%I has type %s, which pg_upgrade cannot carry over: the database cannot be upgraded in place.', a.attname, n.nspname, c.relname, t.typname),
       format('alter table %I.%I alter column %I type text using %I::text;', n.nspname, c.relname, a.attname, a.attname)
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
join pg_namespace tn on tn.oid = t.typnamespace
where tn.nspname = 'pg_catalog'
  and t.typname in ('regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator', 'regproc', 'regprocedure')
  and a.attnum > 0 and not a.attisdropped
  and c.relkind in ('r', 'p', 'm')
  and n.nspname <> all(@internal)
order by 1
