-- A public storage bucket (its files are served by URL anyway) with a SELECT policy on storage.objects that
-- lets anon or authenticated list every file in it, which public URLs alone do not allow.
select format('bucket %I', b.id),
       format('Public bucket %I can be listed by %s: policy %I on storage.objects allows SELECT on all its objects.', b.id, roles.list, pol.polname),
       format('drop policy %I on storage.objects; -- public buckets serve files by URL without a SELECT policy; list only what a user owns', pol.polname)
from storage.buckets b
join pg_policy pol on pol.polrelid = 'storage.objects'::regclass
cross join lateral (select string_agg(case when r = 0 then 'public' else r::regrole::text end, ', ') as list from unnest(pol.polroles) r) roles
where b.public
  and pol.polpermissive and pol.polcmd in ('r', '*')
  and (pol.polroles = array[0::oid] or exists (select from pg_roles r where r.oid = any(pol.polroles) and r.rolname in ('anon', 'authenticated')))
  and (pol.polqual is null
       or regexp_replace(lower(pg_get_expr(pol.polqual, pol.polrelid)), '\s', '', 'g') in ('true', '(true)')
       or regexp_replace(pg_get_expr(pol.polqual, pol.polrelid), '\s', '', 'g') = format('(bucket_id=%L::text)', b.id))
order by 1
