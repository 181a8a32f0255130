-- trvl-social v3: shared building blocks.
-- Extensions live in the `extensions` schema (never in public), enums for every closed set of states,
-- and the two helpers every later migration uses.

create extension if not exists pg_trgm with schema extensions;

create type public.adventure_status as enum ('draft', 'published', 'archived');
create type public.booking_status as enum ('pending', 'confirmed', 'completed', 'cancelled', 'refunded');
create type public.payment_status as enum ('pending', 'succeeded', 'failed', 'refunded');
create type public.payment_provider as enum ('stripe', 'paypal', 'bank_transfer');
create type public.trip_member_role as enum ('organizer', 'member');

-- Keeps updated_at honest on every table that has one (BEFORE UPDATE trigger).
create or replace function public.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end;
$$;

-- Admins are marked by the server-written app_metadata claim (never user_metadata, which users can edit).
create or replace function public.is_admin()
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce((auth.jwt() -> 'app_metadata' ->> 'role') = 'admin', false)
$$;

comment on function public.is_admin() is 'True when the caller''s JWT has app_metadata.role = admin.';

revoke execute on function public.set_updated_at() from public, anon, authenticated;
grant execute on function public.is_admin() to anon, authenticated, service_role;
