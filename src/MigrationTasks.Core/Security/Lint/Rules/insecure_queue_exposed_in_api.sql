-- pgmq queues exposed through the pgmq_public schema while their tables have no RLS: anyone with the API key
-- can read, send and delete messages.
select format('%I.%I', n.nspname, c.relname),
       format('Queue table %I.%I has row level security disabled while pgmq_public exposes the queues through the Data API.', n.nspname, c.relname),
       format('alter table %I.%I enable row level security; -- and add policies for the roles that use the queue', n.nspname, c.relname)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where 'pgmq_public' = any(@exposed)
  and n.nspname = 'pgmq' and c.relkind = 'r' and c.relname like 'q\_%'
  and not c.relrowsecurity
order by 1
