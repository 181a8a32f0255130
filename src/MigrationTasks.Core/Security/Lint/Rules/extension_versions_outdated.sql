-- An extension older than the version the server would install now: its fixes (security ones included) are missing.
select format('extension %I', e.name),
       format('Extension %I is at version %s; this server offers %s.', e.name, e.installed_version, e.default_version),
       format('alter extension %I update;', e.name)
from pg_available_extensions e
where e.installed_version is not null and e.default_version is not null
  and e.installed_version <> e.default_version
order by 1
