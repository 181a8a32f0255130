-- Follows: who follows whom, for the feed. Signed-in users see the graph; each manages their own edges.

create table public.follows (
  follower_id uuid not null references public.profiles (id) on delete cascade,
  followee_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (follower_id, followee_id),
  constraint follows_not_self check (follower_id <> followee_id)
);

create index follows_followee_id_idx on public.follows (followee_id);

alter table public.follows enable row level security;

create policy "Signed-in users see follows"
  on public.follows for select
  to authenticated
  using (true);

create policy "Users follow as themselves"
  on public.follows for insert
  to authenticated
  with check (follower_id = (select auth.uid()));

create policy "Users unfollow as themselves"
  on public.follows for delete
  to authenticated
  using (follower_id = (select auth.uid()));

revoke all on table public.follows from anon, authenticated;
grant select, insert, delete on table public.follows to authenticated;
grant all on table public.follows to service_role;
