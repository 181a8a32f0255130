-- Reviews: one per completed booking, written by the traveller who made it.

create table public.reviews (
  id bigint generated always as identity primary key,
  adventure_id uuid not null references public.adventures (id) on delete cascade,
  author_id uuid not null references public.profiles (id) on delete cascade,
  booking_id uuid references public.bookings (id) on delete set null,
  rating smallint not null,
  title text,
  body text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint reviews_booking_id_key unique (booking_id),
  constraint reviews_rating_range check (rating between 1 and 5),
  constraint reviews_title_length check (char_length(title) <= 200),
  constraint reviews_body_length check (char_length(body) <= 5000)
);

create index reviews_adventure_id_idx on public.reviews (adventure_id, created_at desc);
create index reviews_author_id_idx on public.reviews (author_id);

create trigger reviews_set_updated_at
  before update on public.reviews
  for each row execute function public.set_updated_at();

alter table public.reviews enable row level security;

create policy "Reviews are visible to everyone"
  on public.reviews for select
  to anon, authenticated
  using (true);

create policy "Travellers review their completed bookings"
  on public.reviews for insert
  to authenticated
  with check (
    author_id = (select auth.uid())
    and exists (
      select 1
      from public.bookings b
      where b.id = booking_id
        and b.traveller_id = (select auth.uid())
        and b.adventure_id = reviews.adventure_id
        and b.status = 'completed'
    )
  );

create policy "Authors update their reviews"
  on public.reviews for update
  to authenticated
  using (author_id = (select auth.uid()))
  with check (author_id = (select auth.uid()));

create policy "Authors and admins delete reviews"
  on public.reviews for delete
  to authenticated
  using (author_id = (select auth.uid()) or (select public.is_admin()));

revoke all on table public.reviews from anon, authenticated;
grant select on table public.reviews to anon;
grant select, insert, update, delete on table public.reviews to authenticated;
grant all on table public.reviews to service_role;
