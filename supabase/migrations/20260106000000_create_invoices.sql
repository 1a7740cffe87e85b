-- billing / invoices: what a client owes for a booking, with numbered lines.
--
-- Numbers are gapless per calendar year (INV-2026-000001, ...): the next number is taken
-- under a row lock on the year's counter in the same transaction as the invoice, so a
-- rolled-back booking gives its number back. Payments (the next module) move the status
-- and the paid / refunded amounts through service functions; nobody writes an invoice
-- directly.

create type public.invoice_status as enum ('open', 'paid', 'void', 'refunded', 'partially_refunded');
create type public.invoice_line_kind as enum ('item', 'addon', 'package_discount', 'discount', 'travel_fee', 'tax');

create table private.invoice_counters (
  year integer primary key,
  last_number integer not null
);

create table public.invoices (
  id uuid primary key default gen_random_uuid(),
  booking_id uuid unique references public.bookings (id) on delete restrict,
  client_id uuid not null references public.profiles (id) on delete restrict,
  provider_id uuid references public.provider_profiles (user_id) on delete restrict,
  number text not null unique,
  number_year integer not null,
  number_sequence integer not null,
  currency char(3) not null,
  subtotal bigint not null,
  discount_total bigint not null default 0 constraint invoices_discount_positive check (discount_total >= 0),
  travel_fee bigint not null default 0 constraint invoices_travel_fee_positive check (travel_fee >= 0),
  tax_total bigint not null default 0 constraint invoices_tax_positive check (tax_total >= 0),
  total bigint not null constraint invoices_total_positive check (total >= 0),
  commission bigint not null default 0 constraint invoices_commission_positive check (commission >= 0),
  amount_paid bigint not null default 0 constraint invoices_amount_paid_positive check (amount_paid >= 0),
  amount_refunded bigint not null default 0 constraint invoices_amount_refunded_positive check (amount_refunded >= 0),
  status public.invoice_status not null default 'open',
  offer_id uuid references public.offers (id) on delete set null,
  coupon_id uuid references public.coupons (id) on delete set null,
  issued_at timestamptz not null default now(),
  due_at timestamptz,
  paid_at timestamptz,
  voided_at timestamptz,
  updated_at timestamptz not null default now(),
  unique (number_year, number_sequence),
  constraint invoices_total_adds_up check (total = subtotal - discount_total + travel_fee + tax_total),
  constraint invoices_refund_within_paid check (amount_refunded <= amount_paid)
);

create index invoices_client_issued_idx on public.invoices (client_id, issued_at desc);
create index invoices_provider_issued_idx on public.invoices (provider_id, issued_at desc);
create index invoices_issued_at_idx on public.invoices (issued_at);
create index invoices_offer_id_idx on public.invoices (offer_id);
create index invoices_coupon_id_idx on public.invoices (coupon_id);

comment on table public.invoices is
  'What a client owes for a booking. Read: the client, the provider, admins. Written by booking and payment functions only.';
comment on column public.invoices.number is 'INV-<year>-<sequence>, gapless within a year.';
comment on column public.invoices.commission is 'The platform''s share (Stripe application fee for provider offerings), minor units.';
comment on column public.invoices.due_at is 'Pay by then or the booking hold expires.';

create trigger set_updated_at
  before update on public.invoices
  for each row execute function private.tg_set_updated_at();

create table public.invoice_lines (
  id uuid primary key default gen_random_uuid(),
  invoice_id uuid not null references public.invoices (id) on delete cascade,
  line_number smallint not null,
  kind public.invoice_line_kind not null,
  description text not null,
  quantity integer not null,
  unit_amount bigint not null,
  amount bigint not null,
  offering_id uuid references public.offerings (id) on delete set null,
  addon_id uuid references public.offering_addons (id) on delete set null,
  unique (invoice_id, line_number)
);

create index invoice_lines_offering_id_idx on public.invoice_lines (offering_id);
create index invoice_lines_addon_id_idx on public.invoice_lines (addon_id);

comment on table public.invoice_lines is
  'Numbered lines of an invoice; discounts are negative. Read: as the invoice.';

-- The next gapless number of a year (locks that year's counter until commit).
create function private.next_invoice_number(year integer)
returns integer
language sql
set search_path = ''
as $$
  insert into private.invoice_counters as c (year, last_number) values (next_invoice_number.year, 1)
  on conflict (year) do update set last_number = c.last_number + 1
  returning last_number
$$;

-- Writes the invoice and its lines from a price computed by private.price_booking.
create function private.create_invoice(booking public.bookings, quote jsonb)
returns public.invoices
language plpgsql
set search_path = ''
as $$
declare
  invoice public.invoices;
  year integer := extract(year from now() at time zone 'UTC');
  sequence integer := private.next_invoice_number(year);
begin
  insert into public.invoices (
    booking_id, client_id, provider_id, number, number_year, number_sequence, currency,
    subtotal, discount_total, travel_fee, tax_total, total, commission, offer_id, coupon_id, due_at,
    status, paid_at
  )
  values (
    booking.id, booking.client_id, booking.provider_id, format('INV-%s-%s', year, lpad(sequence::text, 6, '0')), year, sequence,
    quote ->> 'currency', (quote ->> 'subtotal')::bigint,
    (quote ->> 'package_discount')::bigint + (quote ->> 'discount')::bigint,
    (quote ->> 'travel_fee')::bigint, (quote ->> 'tax')::bigint, (quote ->> 'total')::bigint, (quote ->> 'commission')::bigint,
    (quote ->> 'offer_id')::uuid, (quote ->> 'coupon_id')::uuid, booking.hold_expires_at,
    case when (quote ->> 'total')::bigint = 0 then 'paid'::public.invoice_status else 'open' end,
    case when (quote ->> 'total')::bigint = 0 then now() end
  )
  returning * into invoice;

  insert into public.invoice_lines (invoice_id, line_number, kind, description, quantity, unit_amount, amount, offering_id, addon_id)
  select invoice.id, (l ->> 'line_number')::smallint, (l ->> 'kind')::public.invoice_line_kind, l ->> 'description',
         (l ->> 'quantity')::integer, (l ->> 'unit_amount')::bigint, (l ->> 'amount')::bigint,
         (l ->> 'offering_id')::uuid, (l ->> 'addon_id')::uuid
  from jsonb_array_elements(quote -> 'lines') l;

  return invoice;
end
$$;

-- Security definer: invoice lines follow their invoice, which the caller may not read.
create function private.can_read_invoice(invoice_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.invoices i
    where i.id = invoice_id and (auth.uid() in (i.client_id, i.provider_id) or private.is_admin())
  )
$$;

grant execute on function private.can_read_invoice(uuid) to authenticated, service_role;

-- Access --------------------------------------------------------------------------------------

alter table public.invoices enable row level security;
alter table public.invoice_lines enable row level security;

revoke all on table public.invoices, public.invoice_lines from anon, authenticated;
grant select on table public.invoices, public.invoice_lines to authenticated;

create policy "clients and providers can read their invoices and admins all"
  on public.invoices for select to authenticated
  using (client_id = (select auth.uid()) or provider_id = (select auth.uid()) or (select private.is_admin()));

create policy "readers of an invoice can read its lines"
  on public.invoice_lines for select to authenticated using ((select private.can_read_invoice(invoice_id)));

-- Billing records by day and month (pet lab): totals of issued invoices. Security invoker,
-- so RLS on invoices applies: admins see the whole platform, a provider their own.
create view public.billing_records
with (security_invoker = true)
as
select
  g.period, g.period_start, i.currency,
  count(*) as invoices,
  count(*) filter (where i.status in ('paid', 'partially_refunded', 'refunded')) as paid_invoices,
  sum(i.subtotal) as subtotal,
  sum(i.discount_total) as discounts,
  sum(i.travel_fee) as travel_fees,
  sum(i.tax_total) as taxes,
  sum(i.total) as invoiced,
  sum(i.amount_paid) as paid,
  sum(i.amount_refunded) as refunded,
  coalesce(sum(i.commission) filter (where i.status in ('paid', 'partially_refunded', 'refunded')), 0) as commission
from public.invoices i
cross join lateral (values
  ('day', date_trunc('day', i.issued_at at time zone 'UTC')::date),
  ('month', date_trunc('month', i.issued_at at time zone 'UTC')::date)
) as g (period, period_start)
where i.status <> 'void'
group by g.period, g.period_start, i.currency;

revoke all on public.billing_records from anon, authenticated;
grant select on public.billing_records to authenticated;

comment on view public.billing_records is
  'Invoice totals per UTC day and month (period = day | month) and currency, void invoices left out. Read: admins (everything), providers (their own invoices).';
