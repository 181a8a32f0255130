-- Cancellation with a reason and a timestamp, through rpc/cancel_booking (travellers may cancel a booking
-- until 7 days before it starts; vendors and admins at any time).

alter table public.bookings
  add column cancelled_at timestamptz,
  add column cancellation_reason text,
  add constraint bookings_cancellation_reason_length check (char_length(cancellation_reason) <= 500);

create or replace function public.cancel_booking(p_booking_id uuid, p_reason text default null)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_caller uuid := auth.uid();
  v_booking public.bookings;
  v_is_vendor boolean;
begin
  if v_caller is null then
    raise exception 'Sign in to cancel a booking.' using errcode = '42501';
  end if;

  select b.* into v_booking from public.bookings b where b.id = p_booking_id for update;
  if not found then
    raise exception 'Booking % does not exist.', p_booking_id using errcode = 'P0002';
  end if;

  select exists (
    select 1 from public.adventures a join public.vendors v on v.id = a.vendor_id
    where a.id = v_booking.adventure_id and v.owner_id = v_caller
  ) into v_is_vendor;

  if v_booking.traveller_id <> v_caller and not v_is_vendor and not public.is_admin() then
    raise exception 'Only the traveller, the vendor or an admin can cancel this booking.' using errcode = '42501';
  end if;

  if v_booking.status not in ('pending', 'confirmed') then
    raise exception 'A % booking cannot be cancelled.', v_booking.status using errcode = '22023';
  end if;

  if v_booking.traveller_id = v_caller and not v_is_vendor and not public.is_admin()
     and lower(v_booking.travel_dates) < current_date + 7 then
    raise exception 'Bookings starting within 7 days can only be cancelled by the vendor.' using errcode = '22023';
  end if;

  update public.bookings
  set status = 'cancelled', cancelled_at = now(), cancellation_reason = p_reason
  where id = p_booking_id
  returning * into v_booking;

  return v_booking;
end;
$$;

revoke execute on function public.cancel_booking(uuid, text) from public, anon;
grant execute on function public.cancel_booking(uuid, text) to authenticated, service_role;
