-- Per-user notification settings: which kinds are muted, and whether e-mail and push are on.

create table public.notification_preferences (
  profile_id uuid primary key references public.profiles (id) on delete cascade,
  email_enabled boolean not null default true,
  push_enabled boolean not null default true,
  muted_kinds public.notification_kind[] not null default '{}',
  updated_at timestamptz not null default now()
);

create trigger notification_preferences_set_updated_at
  before update on public.notification_preferences
  for each row execute function public.set_updated_at();

alter table public.notification_preferences enable row level security;

create policy "Users see their preferences"
  on public.notification_preferences for select
  to authenticated
  using (profile_id = (select auth.uid()));

create policy "Users create their preferences"
  on public.notification_preferences for insert
  to authenticated
  with check (profile_id = (select auth.uid()));

create policy "Users change their preferences"
  on public.notification_preferences for update
  to authenticated
  using (profile_id = (select auth.uid()))
  with check (profile_id = (select auth.uid()));

create policy "Users reset their preferences"
  on public.notification_preferences for delete
  to authenticated
  using (profile_id = (select auth.uid()));

revoke all on table public.notification_preferences from anon, authenticated;
grant select, insert, update, delete on table public.notification_preferences to authenticated;
grant all on table public.notification_preferences to service_role;
