-- Vendor dashboard figures (rpc/vendor_stats), for the vendor's owner and for admins.

create or replace function public.vendor_stats(p_vendor_id uuid)
returns table (
  adventures_published bigint,
  bookings_total bigint,
  bookings_confirmed bigint,
  bookings_cancelled bigint,
  revenue numeric,
  average_rating numeric,
  review_count bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.vendors v
    where v.id = p_vendor_id
      and (v.owner_id = (select auth.uid()) or (select public.is_admin()))
  ) then
    raise exception 'Only the vendor''s owner or an admin can read its statistics.' using errcode = '42501';
  end if;

  return query
  select
    (select count(*) from public.adventures a where a.vendor_id = p_vendor_id and a.status = 'published'),
    count(b.id),
    count(b.id) filter (where b.status in ('confirmed', 'completed')),
    count(b.id) filter (where b.status in ('cancelled', 'refunded')),
    coalesce(sum(b.total_amount) filter (where b.status in ('confirmed', 'completed')), 0),
    (select round(avg(r.rating), 2) from public.reviews r join public.adventures a on a.id = r.adventure_id where a.vendor_id = p_vendor_id),
    (select count(*) from public.reviews r join public.adventures a on a.id = r.adventure_id where a.vendor_id = p_vendor_id)
  from public.bookings b
  join public.adventures a on a.id = b.adventure_id
  where a.vendor_id = p_vendor_id;
end;
$$;

revoke execute on function public.vendor_stats(uuid) from public, anon;
grant execute on function public.vendor_stats(uuid) to authenticated, service_role;
