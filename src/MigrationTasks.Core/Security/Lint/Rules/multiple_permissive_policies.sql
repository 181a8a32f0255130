-- Several permissive policies for the same role and command on one table: every one runs for every row.
-- Roles that RLS applies to (not superusers, not BYPASSRLS, not PostgreSQL's or Supabase's internal roles).
with expanded as (
  select n.nspname, c.relname, r.rolname, cmd.name as command, pol.polname
  from pg_policy pol
  join pg_class c on c.oid = pol.polrelid
  join pg_namespace n on n.oid = c.relnamespace
  join pg_roles r on pol.polroles @> array[r.oid] or pol.polroles = array[0::oid]
  cross join lateral unnest(case pol.polcmd when 'r' then array['SELECT'] when 'a' then array['INSERT'] when 'w' then array['UPDATE']
                                           when 'd' then array['DELETE'] else array['SELECT', 'INSERT', 'UPDATE', 'DELETE'] end) cmd(name)
  where pol.polpermissive and c.relkind in ('r', 'p')
    and n.nspname <> all(@internal)
    and not r.rolbypassrls and not r.rolsuper
    and r.rolname !~ '^pg_' and r.rolname !~ '^supabase.*admin$' and r.rolname <> 'authenticator'
),
grouped as (
  select nspname, relname, command, rolname, array_agg(polname order by polname) as policies
  from expanded group by nspname, relname, command, rolname having count(*) > 1
)
select format('%I.%I (%s)', nspname, relname, command),
       format('Table %I.%I has %s permissive %s policies for %s: %s.', nspname, relname, cardinality(min(policies)), command,
              string_agg(rolname, ', ' order by rolname), array_to_string(min(policies), ', ')),
       format('Merge them into one %s policy per role (their conditions joined with OR), or make the extra ones AS RESTRICTIVE if they were meant to narrow access.', command)
from grouped
group by nspname, relname, command
order by 1
