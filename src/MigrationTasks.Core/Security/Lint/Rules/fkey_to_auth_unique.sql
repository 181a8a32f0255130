-- A foreign key of the project's to a unique constraint in the auth schema (not the primary key): Supabase Auth
-- may drop or change those constraints (it dropped the unique e-mail for SSO), breaking the key or the upgrade.
select format('constraint %I on %I.%I', con.conname, n.nspname, c.relname),
       format('Foreign key %I on %I.%I references %I.%I through the unique index %I, not its primary key.', con.conname, n.nspname, c.relname,
              rn.nspname, rc.relname, ic.relname),
       format('alter table %I.%I drop constraint %I; -- reference %I.%I (id) instead', n.nspname, c.relname, con.conname, rn.nspname, rc.relname)
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_class rc on rc.oid = con.confrelid
join pg_namespace rn on rn.oid = rc.relnamespace
join pg_index i on i.indexrelid = con.conindid
join pg_class ic on ic.oid = i.indexrelid
where con.contype = 'f' and rn.nspname = 'auth' and n.nspname <> 'auth'
  and i.indisunique and not i.indisprimary
order by 1
