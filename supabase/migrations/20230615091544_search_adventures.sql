-- Catalogue search (rpc/search_adventures) and the adventure cards the app lists.

-- SECURITY DEFINER so the search does not pay for the adventures RLS policies on every row; it filters
-- published adventures itself and returns nothing else. Limit capped at 50.
create or replace function public.search_adventures(
  p_query text default null,
  p_tags text[] default null,
  p_max_price numeric default null,
  p_near_latitude numeric default null,
  p_near_longitude numeric default null,
  p_radius_km numeric default null,
  p_limit integer default 20
)
returns setof public.adventures
language sql
stable
security definer
set search_path = ''
as $$
  select a.*
  from public.adventures a
  where a.status = 'published'
    and (p_query is null or a.search @@ websearch_to_tsquery('english'::regconfig, p_query))
    and (p_tags is null or a.tags && p_tags)
    and (p_max_price is null or a.price <= p_max_price)
    and (
      p_near_latitude is null or p_near_longitude is null or p_radius_km is null
      or (
        a.latitude is not null
        and 12742 * asin(sqrt(
              power(sin(radians((a.latitude - p_near_latitude)::float8) / 2), 2)
              + cos(radians(p_near_latitude::float8)) * cos(radians(a.latitude::float8))
                * power(sin(radians((a.longitude - p_near_longitude)::float8) / 2), 2)
            )) <= p_radius_km::float8
      )
    )
  order by
    case when p_query is null then 0
         else ts_rank(a.search, websearch_to_tsquery('english'::regconfig, p_query)) end desc,
    a.published_at desc,
    a.id
  limit least(greatest(coalesce(p_limit, 20), 1), 50)
$$;

grant execute on function public.search_adventures(text, text[], numeric, numeric, numeric, numeric, integer)
  to anon, authenticated, service_role;

-- The cards the catalogue shows. security_invoker: the caller's RLS applies (a plain view would run as its
-- owner and show drafts to anyone).
create view public.adventure_cards
with (security_invoker = true)
as
select
  a.id,
  a.slug,
  a.title,
  a.summary,
  a.price,
  a.currency,
  a.tags,
  a.difficulty,
  a.duration_days,
  a.country,
  a.latitude,
  a.longitude,
  a.published_at,
  v.id as vendor_id,
  v.name as vendor_name,
  v.verified as vendor_verified,
  coalesce(r.review_count, 0) as review_count,
  r.average_rating
from public.adventures a
join public.vendors v on v.id = a.vendor_id
left join lateral (
  select count(*) as review_count, round(avg(x.rating), 2) as average_rating
  from public.reviews x
  where x.adventure_id = a.id
) r on true
where a.status = 'published';

revoke all on table public.adventure_cards from anon, authenticated;
grant select on table public.adventure_cards to anon, authenticated;
grant all on table public.adventure_cards to service_role;
