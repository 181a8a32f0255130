-- Bookings. Travellers create them only through public.create_booking(), which checks the adventure and
-- takes the price from it; clients never write prices.

create table public.bookings (
  id uuid primary key default gen_random_uuid(),
  adventure_id uuid not null references public.adventures (id) on delete restrict,
  traveller_id uuid not null references public.profiles (id) on delete restrict,
  status public.booking_status not null default 'pending',
  travel_dates daterange not null,
  guests integer not null default 1,
  unit_price numeric(10, 2) not null,
  total_amount numeric(12, 2) not null,
  currency char(3) not null default 'EUR',
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint bookings_travel_dates_bounded check (
    not isempty(travel_dates) and not lower_inf(travel_dates) and not upper_inf(travel_dates)
  ),
  constraint bookings_guests_range check (guests between 1 and 100),
  constraint bookings_amounts_non_negative check (unit_price >= 0 and total_amount >= 0),
  constraint bookings_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint bookings_notes_length check (char_length(notes) <= 2000)
);

create index bookings_traveller_id_idx on public.bookings (traveller_id);
create index bookings_adventure_id_idx on public.bookings (adventure_id);
-- Upcoming trips (the vendor dashboard and reminders) look only at open bookings, by start date.
create index bookings_open_start_idx on public.bookings (lower(travel_dates))
  where status in ('pending', 'confirmed');

create trigger bookings_set_updated_at
  before update on public.bookings
  for each row execute function public.set_updated_at();

alter table public.bookings enable row level security;

create policy "Travellers, their vendors and admins see bookings"
  on public.bookings for select
  to authenticated
  using (
    traveller_id = (select auth.uid())
    or adventure_id in (
      select a.id
      from public.adventures a
      join public.vendors v on v.id = a.vendor_id
      where v.owner_id = (select auth.uid())
    )
    or (select public.is_admin())
  );

-- Travellers may edit the notes of a booking that is still pending or cancel it; the vendor confirms,
-- completes or cancels; admins do anything. Only status and notes are updatable (column grants below).
create policy "Travellers and vendors update bookings"
  on public.bookings for update
  to authenticated
  using (
    traveller_id = (select auth.uid())
    or adventure_id in (
      select a.id
      from public.adventures a
      join public.vendors v on v.id = a.vendor_id
      where v.owner_id = (select auth.uid())
    )
    or (select public.is_admin())
  )
  with check (
    (traveller_id = (select auth.uid()) and status in ('pending', 'cancelled'))
    or adventure_id in (
      select a.id
      from public.adventures a
      join public.vendors v on v.id = a.vendor_id
      where v.owner_id = (select auth.uid())
    )
    or (select public.is_admin())
  );

create policy "Admins delete bookings"
  on public.bookings for delete
  to authenticated
  using ((select public.is_admin()));

revoke all on table public.bookings from anon, authenticated;
grant select, delete on table public.bookings to authenticated;
grant update (status, notes) on table public.bookings to authenticated;
grant all on table public.bookings to service_role;

-- Books a published adventure for the signed-in traveller. SECURITY DEFINER because travellers cannot
-- insert into bookings themselves; every check the insert would need is made here instead.
create or replace function public.create_booking(
  p_adventure_id uuid,
  p_travel_dates daterange,
  p_guests integer default 1
)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_traveller uuid := auth.uid();
  v_adventure public.adventures;
  v_booking public.bookings;
begin
  if v_traveller is null then
    raise exception 'Sign in to book an adventure.' using errcode = '42501';
  end if;

  select a.* into v_adventure
  from public.adventures a
  where a.id = p_adventure_id and a.status = 'published';
  if not found then
    raise exception 'Adventure % does not exist or is not open for booking.', p_adventure_id using errcode = 'P0002';
  end if;

  if p_guests is null or p_guests < 1 or p_guests > v_adventure.max_group_size then
    raise exception 'Guests must be between 1 and % for this adventure.', v_adventure.max_group_size using errcode = '22023';
  end if;

  if p_travel_dates is null or isempty(p_travel_dates) or lower_inf(p_travel_dates) or upper_inf(p_travel_dates) then
    raise exception 'Travel dates must be a bounded, non-empty range.' using errcode = '22023';
  end if;

  if lower(p_travel_dates) <= current_date then
    raise exception 'Travel must start after today.' using errcode = '22023';
  end if;

  insert into public.bookings (adventure_id, traveller_id, status, travel_dates, guests, unit_price, total_amount, currency)
  values (v_adventure.id, v_traveller, 'pending', p_travel_dates, p_guests, v_adventure.price,
          v_adventure.price * p_guests, v_adventure.currency)
  returning * into v_booking;

  return v_booking;
end;
$$;

revoke execute on function public.create_booking(uuid, daterange, integer) from public, anon;
grant execute on function public.create_booking(uuid, daterange, integer) to authenticated, service_role;
