-- One instance of each lint, on an empty Supabase-like database (the compatibility layer only). The Data API
-- exposes public and pgmq_public here; everything that is not about exposure lives in lintprivate, so that the
-- anonymous-sign-ins lint (exposed policies for authenticated) sees exactly one table.

-- Objects created here get no API grants unless a statement below gives them (the layer's legacy default grants off).
alter default privileges in schema public revoke all on tables from anon, authenticated, service_role;
alter default privileges in schema public revoke all on functions from anon, authenticated, service_role;
alter default privileges in schema public revoke all on sequences from anon, authenticated, service_role;
create schema lintprivate;

-- unindexed_foreign_keys
create table lintprivate.parents (id int primary key);
create table lintprivate.children (id int primary key, parent_id int references lintprivate.parents (id));

-- auth_users_exposed: an invoker view of auth.users, with RLS off on auth.users
alter table auth.users disable row level security;
create view public.user_emails with (security_invoker = true) as select id, email from auth.users;
grant select on public.user_emails to authenticated;

-- auth_rls_initplan
create table lintprivate.owned (id int primary key, owner uuid);
alter table lintprivate.owned enable row level security;
create policy "Owners read" on lintprivate.owned for select to authenticated using (owner = auth.uid());

-- no_primary_key
create table lintprivate.loose (x int);

-- unused_index (the only non-unique index)
create table lintprivate.indexed (id int primary key, v int);
create index indexed_v_idx on lintprivate.indexed (v);

-- multiple_permissive_policies
create table lintprivate.multi (id int primary key);
alter table lintprivate.multi enable row level security;
create policy "Low ids" on lintprivate.multi for select to authenticated using (id < 100);
create policy "High ids" on lintprivate.multi for select to authenticated using (id > 1000);

-- policy_exists_rls_disabled
create table lintprivate.forgotten (id int primary key);
create policy "Nobody" on lintprivate.forgotten for select to anon using (false);

-- rls_enabled_no_policy
create table lintprivate.locked (id int primary key);
alter table lintprivate.locked enable row level security;

-- duplicate_index
create table lintprivate.dupes (id int primary key, code text);
create unique index dupes_code_a on lintprivate.dupes (code);
create unique index dupes_code_b on lintprivate.dupes (code);

-- security_definer_view
create view public.definer_view as select 1 as one;
grant select on public.definer_view to anon;

-- function_search_path_mutable
create function lintprivate.mutable() returns int language sql as 'select 1';

-- auth_allow_anonymous_sign_ins
create table public.members (id int primary key);
alter table public.members enable row level security;
create policy "Members read" on public.members for select to authenticated using (id > 0);
grant select on public.members to authenticated;

-- rls_disabled_in_public and sensitive_columns_exposed (a table exposed without RLS always trips the first)
create table public.customers (id int primary key, password text);
grant select on public.customers to anon;

-- extension_in_public
create extension citext with schema public;

-- rls_references_user_metadata
create table lintprivate.meta (id int primary key);
alter table lintprivate.meta enable row level security;
create policy "Self-declared admins" on lintprivate.meta for select to authenticated
  using ((select auth.jwt() -> 'user_metadata' ->> 'role') = 'admin');

-- materialized_view_in_api
create materialized view public.stats as select 1 as n;
grant select on public.stats to anon;

-- foreign_table_in_api
create extension postgres_fdw with schema extensions;
create server lint_remote foreign data wrapper postgres_fdw;
create foreign table public.remote (id int) server lint_remote;
grant select on public.remote to anon;

-- unsupported_reg_types
create table lintprivate.regs (id int primary key, handler regproc);

-- insecure_queue_exposed_in_api (pgmq_public is exposed)
create schema pgmq;
create table pgmq.q_jobs (msg_id bigint primary key);

-- table_bloat and autovacuum_disabled
create table lintprivate.bloated (id int primary key) with (autovacuum_enabled = false);
insert into lintprivate.bloated select generate_series(1, 3000);
delete from lintprivate.bloated where id > 1000;

-- fkey_to_auth_unique (the unique index keeps the foreign key indexed)
create table lintprivate.phones (id int primary key, phone text references auth.users (phone));
create unique index phones_phone_key on lintprivate.phones (phone);

-- extension_versions_outdated
create extension hstore with schema extensions version '1.4';

-- rls_policy_always_true
create table lintprivate.open (id int primary key);
alter table lintprivate.open enable row level security;
create policy "Anyone edits" on lintprivate.open for update to authenticated using (true) with check (true);

-- public_bucket_allows_listing
create schema storage;
create table storage.buckets (id text primary key, public boolean not null default false);
create table storage.objects (id uuid primary key, bucket_id text references storage.buckets (id), name text);
alter table storage.objects enable row level security;
create policy "Anyone lists avatars" on storage.objects for select to anon using (bucket_id = 'avatars');
insert into storage.buckets values ('avatars', true), ('private', false);

-- anon_security_definer_function_executable / authenticated_security_definer_function_executable
create function public.for_visitors() returns int language sql security definer set search_path = '' as 'select 1';
revoke execute on function public.for_visitors() from public;
grant execute on function public.for_visitors() to anon;
create function public.for_users() returns int language sql security definer set search_path = '' as 'select 2';
revoke execute on function public.for_users() from public;
grant execute on function public.for_users() to authenticated;

-- rls_policy_null_auth_disjunct
create table lintprivate.notes (id int primary key, owner uuid);
alter table lintprivate.notes enable row level security;
create policy "Own or anonymous" on lintprivate.notes for select to authenticated
  using ((select auth.uid()) is null or owner = (select auth.uid()));

-- truncate_granted_to_api_role (RLS on, a policy that checks is_anonymous, TRUNCATE for authenticated)
create table public.ledger (id int primary key);
alter table public.ledger enable row level security;
create policy "Permanent users read" on public.ledger for select to authenticated using ((select (auth.jwt() ->> 'is_anonymous')::boolean) is false);
grant select, truncate on public.ledger to authenticated;

-- invalid_index and unused_replication_slot come from statements that cannot run in a transaction (the test runs them).
create table lintprivate.codes (id int primary key, code int);
insert into lintprivate.codes values (1, 7), (2, 7);
