-- Vendors (the companies that run adventures) and their adventures.

create table public.vendors (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references public.profiles (id) on delete restrict,
  name text not null,
  slug text not null,
  description text,
  contact_email text,
  country char(2),
  verified boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint vendors_slug_key unique (slug),
  constraint vendors_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  constraint vendors_name_length check (char_length(name) between 2 and 120),
  constraint vendors_contact_email_format check (contact_email ~* '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  constraint vendors_country_format check (country ~ '^[A-Z]{2}$')
);

create index vendors_owner_id_idx on public.vendors (owner_id);

create trigger vendors_set_updated_at
  before update on public.vendors
  for each row execute function public.set_updated_at();

create table public.adventures (
  id uuid primary key default gen_random_uuid(),
  vendor_id uuid not null references public.vendors (id) on delete cascade,
  title text not null,
  slug text not null,
  summary text,
  description text,
  status public.adventure_status not null default 'draft',
  price numeric(10, 2) not null,
  currency char(3) not null default 'EUR',
  tags text[] not null default '{}',
  difficulty smallint not null default 2,
  duration_days integer not null,
  max_group_size integer not null default 12,
  country char(2),
  latitude numeric(9, 6),
  longitude numeric(9, 6),
  search tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')
  ) stored,
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint adventures_slug_key unique (slug),
  constraint adventures_price_non_negative check (price >= 0),
  constraint adventures_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint adventures_difficulty_range check (difficulty between 1 and 5),
  constraint adventures_duration_positive check (duration_days between 1 and 365),
  constraint adventures_group_size_range check (max_group_size between 1 and 100),
  constraint adventures_latitude_range check (latitude between -90 and 90),
  constraint adventures_longitude_range check (longitude between -180 and 180),
  constraint adventures_location_pair check ((latitude is null) = (longitude is null)),
  constraint adventures_published_at check (status <> 'published' or published_at is not null)
);

comment on column public.adventures.search is 'Full-text search vector over title (A), summary (B) and description (C).';

create index adventures_vendor_id_idx on public.adventures (vendor_id);
create index adventures_search_idx on public.adventures using gin (search);
create index adventures_tags_idx on public.adventures using gin (tags);
create index adventures_title_trgm_idx on public.adventures using gin (title extensions.gin_trgm_ops);
-- The catalogue lists published adventures, newest first.
create index adventures_published_idx on public.adventures (published_at desc) where status = 'published';
create index adventures_location_idx on public.adventures (latitude, longitude) where latitude is not null;

create trigger adventures_set_updated_at
  before update on public.adventures
  for each row execute function public.set_updated_at();

alter table public.vendors enable row level security;
alter table public.adventures enable row level security;

create policy "Vendors are visible to everyone"
  on public.vendors for select
  to anon, authenticated
  using (true);

create policy "Users register their own vendor"
  on public.vendors for insert
  to authenticated
  with check ((select auth.uid()) = owner_id);

create policy "Owners update their vendor"
  on public.vendors for update
  to authenticated
  using ((select auth.uid()) = owner_id or (select public.is_admin()))
  with check ((select auth.uid()) = owner_id or (select public.is_admin()));

create policy "Admins delete vendors"
  on public.vendors for delete
  to authenticated
  using ((select public.is_admin()));

create policy "Published adventures are visible to everyone"
  on public.adventures for select
  to anon
  using (status = 'published');

create policy "Published adventures and the vendor's own are visible"
  on public.adventures for select
  to authenticated
  using (
    status = 'published'
    or vendor_id in (select v.id from public.vendors v where v.owner_id = (select auth.uid()))
    or (select public.is_admin())
  );

create policy "Vendors add adventures"
  on public.adventures for insert
  to authenticated
  with check (vendor_id in (select v.id from public.vendors v where v.owner_id = (select auth.uid())));

create policy "Vendors update their adventures"
  on public.adventures for update
  to authenticated
  using (
    vendor_id in (select v.id from public.vendors v where v.owner_id = (select auth.uid()))
    or (select public.is_admin())
  )
  with check (
    vendor_id in (select v.id from public.vendors v where v.owner_id = (select auth.uid()))
    or (select public.is_admin())
  );

-- Published adventures are archived, not deleted: bookings and reviews point at them.
create policy "Vendors delete their drafts"
  on public.adventures for delete
  to authenticated
  using (
    (status = 'draft' and vendor_id in (select v.id from public.vendors v where v.owner_id = (select auth.uid())))
    or (select public.is_admin())
  );

revoke all on table public.vendors, public.adventures from anon, authenticated;
grant select on table public.vendors, public.adventures to anon;
grant select, insert, update, delete on table public.vendors, public.adventures to authenticated;
grant all on table public.vendors, public.adventures to service_role;
