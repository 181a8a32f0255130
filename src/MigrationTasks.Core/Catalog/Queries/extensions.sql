-- Installed extensions: schema, version, whether ALTER EXTENSION ... SET SCHEMA is possible.
select e.oid, e.extname, n.nspname, e.extversion, e.extrelocatable
from pg_extension e
join pg_namespace n on n.oid = e.extnamespace
order by e.extname
