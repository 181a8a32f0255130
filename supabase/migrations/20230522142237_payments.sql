-- Payments, written by the payment webhooks (service_role). Whoever can see a booking can see its payments.

create table public.payments (
  id uuid primary key default gen_random_uuid(),
  booking_id uuid not null references public.bookings (id) on delete restrict,
  amount numeric(12, 2) not null,
  currency char(3) not null default 'EUR',
  status public.payment_status not null default 'pending',
  provider public.payment_provider not null,
  provider_reference text,
  paid_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint payments_amount_positive check (amount > 0),
  constraint payments_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint payments_paid_at_when_succeeded check (status <> 'succeeded' or paid_at is not null)
);

create index payments_booking_id_idx on public.payments (booking_id);
-- A provider's reference is unique once the provider has assigned one.
create unique index payments_provider_reference_key on public.payments (provider, provider_reference)
  where provider_reference is not null;

create trigger payments_set_updated_at
  before update on public.payments
  for each row execute function public.set_updated_at();

alter table public.payments enable row level security;

-- The subquery runs under the bookings policies, so it yields exactly the bookings the caller may see.
create policy "Payments are visible with their booking"
  on public.payments for select
  to authenticated
  using (booking_id in (select b.id from public.bookings b));

revoke all on table public.payments from anon, authenticated;
grant select on table public.payments to authenticated;
grant all on table public.payments to service_role;
