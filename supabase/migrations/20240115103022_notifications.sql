-- In-app notifications, written by triggers and by service_role; each user reads and clears their own.

create type public.notification_kind as enum (
  'booking_confirmed', 'booking_cancelled', 'new_review', 'new_follower', 'trip_invite', 'payment_failed'
);

create table public.notifications (
  id bigint generated always as identity primary key,
  recipient_id uuid not null references public.profiles (id) on delete cascade,
  kind public.notification_kind not null,
  payload jsonb not null default '{}'::jsonb,
  read_at timestamptz,
  created_at timestamptz not null default now(),
  constraint notifications_payload_object check (jsonb_typeof(payload) = 'object')
);

create index notifications_recipient_idx on public.notifications (recipient_id, created_at desc);
-- The bell icon counts unread notifications.
create index notifications_unread_idx on public.notifications (recipient_id) where read_at is null;

alter table public.notifications enable row level security;

create policy "Users see their notifications"
  on public.notifications for select
  to authenticated
  using (recipient_id = (select auth.uid()));

create policy "Users mark their notifications read"
  on public.notifications for update
  to authenticated
  using (recipient_id = (select auth.uid()))
  with check (recipient_id = (select auth.uid()));

create policy "Users delete their notifications"
  on public.notifications for delete
  to authenticated
  using (recipient_id = (select auth.uid()));

revoke all on table public.notifications from anon, authenticated;
grant select, delete on table public.notifications to authenticated;
grant update (read_at) on table public.notifications to authenticated;
grant all on table public.notifications to service_role;

-- Notification triggers run as the owner: the user whose action fires them cannot insert notifications.
create or replace function public.notify_booking_status()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status is distinct from old.status and new.status in ('confirmed', 'cancelled') then
    insert into public.notifications (recipient_id, kind, payload)
    values (
      new.traveller_id,
      case new.status when 'confirmed' then 'booking_confirmed'::public.notification_kind
                      else 'booking_cancelled'::public.notification_kind end,
      jsonb_build_object('booking_id', new.id, 'adventure_id', new.adventure_id)
    );
  end if;
  return new;
end;
$$;

create or replace function public.notify_new_follower()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.notifications (recipient_id, kind, payload)
  values (new.followee_id, 'new_follower', jsonb_build_object('follower_id', new.follower_id));
  return new;
end;
$$;

revoke execute on function public.notify_booking_status(), public.notify_new_follower() from public, anon, authenticated;

create trigger bookings_notify_status
  after update of status on public.bookings
  for each row execute function public.notify_booking_status();

create trigger follows_notify_followee
  after insert on public.follows
  for each row execute function public.notify_new_follower();
