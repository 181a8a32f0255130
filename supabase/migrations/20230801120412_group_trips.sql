-- Group trips: a traveller organises a trip (usually around an adventure) and others join it.

create table public.group_trips (
  id uuid primary key default gen_random_uuid(),
  organizer_id uuid not null references public.profiles (id) on delete cascade,
  adventure_id uuid references public.adventures (id) on delete set null,
  title text not null,
  description text,
  travel_dates daterange,
  max_members integer not null default 8,
  is_private boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint group_trips_title_length check (char_length(title) between 3 and 120),
  constraint group_trips_max_members_range check (max_members between 2 and 50)
);

create index group_trips_organizer_id_idx on public.group_trips (organizer_id);
create index group_trips_adventure_id_idx on public.group_trips (adventure_id);

create trigger group_trips_set_updated_at
  before update on public.group_trips
  for each row execute function public.set_updated_at();

create table public.group_trip_members (
  trip_id uuid not null references public.group_trips (id) on delete cascade,
  member_id uuid not null references public.profiles (id) on delete cascade,
  role public.trip_member_role not null default 'member',
  joined_at timestamptz not null default now(),
  primary key (trip_id, member_id)
);

create index group_trip_members_member_id_idx on public.group_trip_members (member_id);

-- Membership test for the policies. SECURITY DEFINER: a policy on group_trip_members that queried
-- group_trip_members itself would recurse (42P17).
create or replace function public.is_trip_member(p_trip_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.group_trip_members m
    where m.trip_id = p_trip_id
      and m.member_id = (select auth.uid())
  )
$$;

revoke execute on function public.is_trip_member(uuid) from public, anon;
grant execute on function public.is_trip_member(uuid) to authenticated, service_role;

-- The organizer is the first member of their trip.
create or replace function public.add_trip_organizer()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into public.group_trip_members (trip_id, member_id, role)
  values (new.id, new.organizer_id, 'organizer');
  return new;
end;
$$;

revoke execute on function public.add_trip_organizer() from public, anon, authenticated;

create trigger group_trips_add_organizer
  after insert on public.group_trips
  for each row execute function public.add_trip_organizer();

alter table public.group_trips enable row level security;
alter table public.group_trip_members enable row level security;

create policy "Open trips, and the member's own, are visible"
  on public.group_trips for select
  to authenticated
  using (
    not is_private
    or organizer_id = (select auth.uid())
    or public.is_trip_member(id)
    or (select public.is_admin())
  );

create policy "Travellers organise trips"
  on public.group_trips for insert
  to authenticated
  with check (organizer_id = (select auth.uid()));

create policy "Organizers update their trips"
  on public.group_trips for update
  to authenticated
  using (organizer_id = (select auth.uid()))
  with check (organizer_id = (select auth.uid()));

create policy "Organizers and admins delete trips"
  on public.group_trips for delete
  to authenticated
  using (organizer_id = (select auth.uid()) or (select public.is_admin()));

create policy "Members see who else is on their trips"
  on public.group_trip_members for select
  to authenticated
  using (
    member_id = (select auth.uid())
    or public.is_trip_member(trip_id)
    or (select public.is_admin())
  );

-- Anyone may join an open trip; the organizer adds people to a private one.
create policy "Travellers join open trips, organizers add members"
  on public.group_trip_members for insert
  to authenticated
  with check (
    (member_id = (select auth.uid()) and role = 'member'
      and exists (select 1 from public.group_trips t where t.id = trip_id and not t.is_private))
    or exists (select 1 from public.group_trips t where t.id = trip_id and t.organizer_id = (select auth.uid()))
  );

create policy "Organizers change member roles"
  on public.group_trip_members for update
  to authenticated
  using (exists (select 1 from public.group_trips t where t.id = trip_id and t.organizer_id = (select auth.uid())))
  with check (exists (select 1 from public.group_trips t where t.id = trip_id and t.organizer_id = (select auth.uid())));

create policy "Members leave, organizers remove"
  on public.group_trip_members for delete
  to authenticated
  using (
    member_id = (select auth.uid())
    or exists (select 1 from public.group_trips t where t.id = trip_id and t.organizer_id = (select auth.uid()))
  );

revoke all on table public.group_trips, public.group_trip_members from anon, authenticated;
grant select, insert, update, delete on table public.group_trips, public.group_trip_members to authenticated;
grant all on table public.group_trips, public.group_trip_members to service_role;
