-- An extension installed in public: its functions and types land in the exposed schema (and on every search_path).
select format('extension %I', e.extname),
       format('Extension %I is installed in the public schema.', e.extname),
       format('alter extension %I set schema extensions; -- or drop and create it with schema extensions', e.extname)
from pg_extension e
join pg_namespace n on n.oid = e.extnamespace
where n.nspname = 'public' and e.extname <> 'plpgsql'
order by 1
