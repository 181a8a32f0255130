-- Profiles: one per auth.users row, created by a trigger when someone signs up.

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  username text,
  full_name text,
  avatar_url text,
  bio text,
  home_country char(2),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint profiles_username_format check (username ~* '^[a-z0-9_.]{3,30}$'),
  constraint profiles_bio_length check (char_length(bio) <= 2000),
  constraint profiles_home_country_format check (home_country ~ '^[A-Z]{2}$')
);

comment on table public.profiles is 'Public profile of every user; the id is the auth.users id.';

-- Usernames are unique whatever their case.
create unique index profiles_username_lower_key on public.profiles (lower(username));

create trigger profiles_set_updated_at
  before update on public.profiles
  for each row execute function public.set_updated_at();

-- Sign-up: GoTrue inserts into auth.users; this creates the matching profile.
create or replace function public.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, username, full_name, avatar_url, created_at, updated_at)
  values (
    new.id,
    new.raw_user_meta_data ->> 'username',
    new.raw_user_meta_data ->> 'full_name',
    new.raw_user_meta_data ->> 'avatar_url',
    coalesce(new.created_at, now()),
    coalesce(new.created_at, now())
  );
  return new;
end;
$$;

revoke execute on function public.handle_new_user() from public, anon, authenticated;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_new_user();

-- Users who signed up before this migration (everyone imported from v1 in 2022) get their profile now.
insert into public.profiles (id, full_name, avatar_url, created_at, updated_at)
select u.id, u.raw_user_meta_data ->> 'full_name', u.raw_user_meta_data ->> 'avatar_url',
       coalesce(u.created_at, now()), coalesce(u.created_at, now())
from auth.users u
on conflict (id) do nothing;

alter table public.profiles enable row level security;

create policy "Profiles are visible to everyone"
  on public.profiles for select
  to anon, authenticated
  using (true);

create policy "Users update their own profile"
  on public.profiles for update
  to authenticated
  using ((select auth.uid()) = id or (select public.is_admin()))
  with check ((select auth.uid()) = id or (select public.is_admin()));

create policy "Admins delete profiles"
  on public.profiles for delete
  to authenticated
  using ((select public.is_admin()));

-- Explicit grants: the same on projects with and without Supabase's default grants. Profiles are
-- inserted only by the sign-up trigger, and TRUNCATE (which ignores RLS) stays with service_role.
revoke all on table public.profiles from anon, authenticated;
grant select on table public.profiles to anon;
grant select, update, delete on table public.profiles to authenticated;
grant all on table public.profiles to service_role;
