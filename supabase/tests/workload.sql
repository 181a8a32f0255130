-- The trvl-social app's common queries: what -t:AnalyzeIndexes explains, and what the `indexes` benchmark times.
--
-- Each query is a block that starts with `-- @query <name>` (lower-case letters, digits and _), then comment
-- lines (the first describes the query; `-- @role <anon|authenticated|service_role>` runs it as that API role
-- with RLS, as PostgREST does; `-- @user <parameter>` puts that parameter in the JWT's `sub` claim, so
-- auth.uid() returns it), then one statement. Without @role a query runs as the connecting user: the
-- catalogue search and the vendor statistics are SECURITY DEFINER functions in the app (search_adventures,
-- vendor_stats), whose bodies run as their owner without RLS; their bodies are written out here, for the
-- arguments the app passes, because EXPLAIN cannot see inside a function call.
--
-- Parameters: the `-- @parameters` block is one query whose single row names every parameter (a column per
-- parameter); queries use them as :'name', psql's quoted-variable syntax, so this file also runs as it is
-- with `psql -v ON_ERROR_STOP=1 -f supabase/tests/workload.sql` (the block ends with \gset). The ids are
-- picked from the data, deterministically: the busiest traveller, vendor, adventure and user, which is where
-- a missing index hurts most.
--
-- Every query runs read-only and is rolled back; keep them SELECTs.

-- @parameters
select
  (select b.traveller_id from public.bookings b group by b.traveller_id order by count(*) desc, b.traveller_id limit 1) as traveller_id,
  v.id as vendor_id,
  v.owner_id as vendor_owner_id,
  (select r.adventure_id from public.reviews r group by r.adventure_id order by count(*) desc, r.adventure_id limit 1) as adventure_id,
  (select f.follower_id from public.follows f group by f.follower_id order by count(*) desc, f.follower_id limit 1) as follower_id,
  (select n.recipient_id from public.notifications n group by n.recipient_id order by count(*) desc, n.recipient_id limit 1) as recipient_id,
  'glacier hiking' as search_text,
  'kayaking' as search_tag,
  '68.2' as near_latitude,
  '13.9' as near_longitude,
  '60' as radius_km,
  '2025-07-01' as trips_from,
  '2025-07-15' as trips_to
from (select 1) as one
left join lateral (
  select vv.id, vv.owner_id
  from public.bookings b
  join public.adventures a on a.id = b.adventure_id
  join public.vendors vv on vv.id = a.vendor_id
  group by vv.id, vv.owner_id
  order by count(*) desc, vv.id
  limit 1
) as v on true
\gset

-- @query search_text
-- Catalogue search by words (rpc/search_adventures with p_query): published adventures ranked by relevance.
select a.id, a.slug, a.title, a.price, a.currency, a.published_at,
       ts_rank(a.search, websearch_to_tsquery('english'::regconfig, :'search_text')) as rank
from public.adventures a
where a.status = 'published'
  and a.search @@ websearch_to_tsquery('english'::regconfig, :'search_text')
order by rank desc, a.published_at desc, a.id
limit 20;

-- @query search_tag
-- Catalogue search by tag (rpc/search_adventures with p_tags): newest published adventures with the tag.
select a.id, a.slug, a.title, a.price, a.currency, a.tags, a.published_at
from public.adventures a
where a.status = 'published'
  and a.tags && array[:'search_tag']::text[]
order by a.published_at desc, a.id
limit 20;

-- @query search_location
-- Catalogue search near a place (rpc/search_adventures with p_near_*): a bounding box around the point, then the exact distance.
select a.id, a.slug, a.title, a.price, a.latitude, a.longitude
from public.adventures a
where a.status = 'published'
  and a.latitude between :'near_latitude'::numeric - :'radius_km'::numeric / 111.0
                     and :'near_latitude'::numeric + :'radius_km'::numeric / 111.0
  and a.longitude between :'near_longitude'::numeric - :'radius_km'::numeric / (111.0 * cos(radians(:'near_latitude'::float8)))::numeric
                      and :'near_longitude'::numeric + :'radius_km'::numeric / (111.0 * cos(radians(:'near_latitude'::float8)))::numeric
  and 12742 * asin(sqrt(
        power(sin(radians((a.latitude - :'near_latitude'::numeric)::float8) / 2), 2)
        + cos(radians(:'near_latitude'::float8)) * cos(radians(a.latitude::float8))
          * power(sin(radians((a.longitude - :'near_longitude'::numeric)::float8) / 2), 2)
      )) <= :'radius_km'::float8
order by a.published_at desc, a.id
limit 20;

-- @query search_dates
-- Catalogue search by travel dates: published adventures with an open group trip departing in the window.
select a.id, a.slug, a.title, t.id as trip_id, t.title as trip_title, t.travel_dates
from public.group_trips t
join public.adventures a on a.id = t.adventure_id
where not t.is_private
  and lower(t.travel_dates) between :'trips_from'::date and :'trips_to'::date
  and a.status = 'published'
order by lower(t.travel_dates), t.id
limit 50;

-- @query adventure_page
-- One adventure's card (the adventure_cards view: vendor and review summary) for a visitor.
-- @role anon
select c.*
from public.adventure_cards c
where c.id = :'adventure_id';

-- @query adventure_reviews
-- An adventure's reviews, newest first, with their authors.
-- @role anon
select r.id, r.rating, r.title, r.body, r.created_at, p.username
from public.reviews r
join public.profiles p on p.id = r.author_id
where r.adventure_id = :'adventure_id'
order by r.created_at desc
limit 20;

-- @query traveller_bookings
-- "My trips": a traveller's bookings, latest departure first.
-- @role authenticated
-- @user traveller_id
select b.id, b.status, b.travel_dates, b.guests, b.total_amount, a.title, a.slug
from public.bookings b
join public.adventures a on a.id = b.adventure_id
where b.traveller_id = :'traveller_id'
order by lower(b.travel_dates) desc, b.id
limit 20;

-- @query vendor_bookings
-- A vendor's dashboard: the latest bookings of its adventures.
-- @role authenticated
-- @user vendor_owner_id
select b.id, b.status, b.travel_dates, b.guests, b.total_amount, b.created_at, a.title
from public.bookings b
join public.adventures a on a.id = b.adventure_id
where a.vendor_id = :'vendor_id'
order by b.created_at desc, b.id
limit 50;

-- @query vendor_stats
-- A vendor's figures (rpc/vendor_stats): the body of public.vendor_stats(), as its owner runs it.
select
  (select count(*) from public.adventures a where a.vendor_id = :'vendor_id' and a.status = 'published') as adventures_published,
  count(b.id) as bookings_total,
  count(b.id) filter (where b.status in ('confirmed', 'completed')) as bookings_confirmed,
  count(b.id) filter (where b.status in ('cancelled', 'refunded')) as bookings_cancelled,
  coalesce(sum(b.total_amount) filter (where b.status in ('confirmed', 'completed')), 0) as revenue,
  (select round(avg(r.rating), 2) from public.reviews r join public.adventures a on a.id = r.adventure_id where a.vendor_id = :'vendor_id') as average_rating,
  (select count(*) from public.reviews r join public.adventures a on a.id = r.adventure_id where a.vendor_id = :'vendor_id') as review_count
from public.bookings b
join public.adventures a on a.id = b.adventure_id
where a.vendor_id = :'vendor_id';

-- @query feed
-- The home feed: the latest reviews written by the people a user follows.
-- @role authenticated
-- @user follower_id
select r.id, r.rating, r.title, r.created_at, p.username, a.title as adventure_title, a.slug
from public.follows f
join public.reviews r on r.author_id = f.followee_id
join public.profiles p on p.id = r.author_id
join public.adventures a on a.id = r.adventure_id
where f.follower_id = :'follower_id'
order by r.created_at desc
limit 30;

-- @query notifications
-- The notification list: a user's latest notifications.
-- @role authenticated
-- @user recipient_id
select n.id, n.kind, n.payload, n.read_at, n.created_at
from public.notifications n
where n.recipient_id = :'recipient_id'
order by n.created_at desc
limit 20;

-- @query unread_notifications
-- The bell icon: how many notifications a user has not read.
-- @role authenticated
-- @user recipient_id
select count(*)
from public.notifications n
where n.recipient_id = :'recipient_id'
  and n.read_at is null;
