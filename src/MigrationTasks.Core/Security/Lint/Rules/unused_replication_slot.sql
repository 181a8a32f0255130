-- An inactive replication slot of this database (or a physical one): the server keeps every WAL file the slot
-- has not consumed, until the disk fills.
select format('replication slot %I', s.slot_name),
       format('Replication slot %I (%s) is not in use and holds WAL back from %s.', s.slot_name, s.slot_type, coalesce(s.restart_lsn::text, 'its creation')),
       format('select pg_drop_replication_slot(%L); -- if nothing will use it again', s.slot_name)
from pg_replication_slots s
where not s.active
  and (s.database is null or s.database = current_database())
order by 1
