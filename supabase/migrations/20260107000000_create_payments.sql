-- billing / payments: money received against an invoice, through Stripe Checkout or declared
-- by the client and approved by an admin (bank transfer, QR, cash), and the ledger of the
-- Stripe events already applied.
--
-- A payment row is written before any money moves (the Checkout Session's idempotency key is
-- derived from its id) and moved forward by webhooks: succeeded is final; otherwise the
-- newest Stripe event wins (last_event_at), so replays and disorder never move it back.
-- `applied` says whether the payment settled its invoice; a payment that arrives for an
-- invoice already paid, or too late for its slot, is refunded in full instead.

create type public.payment_method as enum ('stripe', 'bank_transfer', 'qr', 'cash');
create type public.payment_status as enum ('pending', 'processing', 'succeeded', 'failed', 'cancelled');

create table public.payments (
  id uuid primary key default gen_random_uuid(),
  invoice_id uuid not null references public.invoices (id) on delete restrict,
  booking_id uuid references public.bookings (id) on delete restrict,
  client_id uuid not null references public.profiles (id) on delete restrict,
  provider_id uuid references public.provider_profiles (user_id) on delete restrict,
  method public.payment_method not null,
  status public.payment_status not null default 'pending',
  amount bigint not null constraint payments_amount_positive check (amount > 0),
  currency char(3) not null,
  application_fee bigint not null default 0 constraint payments_application_fee_positive check (application_fee >= 0),
  destination_account text
    constraint payments_destination_format check (destination_account ~ '^acct_[A-Za-z0-9]+$'),
  applied boolean not null default false,
  -- What the charge said was refunded at its last charge.refunded (pending refunds included:
  -- for reconciliation), and what the succeeded refund rows add up to.
  charge_amount_refunded bigint not null default 0,
  charge_refunded_at timestamptz,
  amount_refunded bigint not null default 0,
  stripe_checkout_session_id text unique,
  checkout_url text,
  checkout_expires_at timestamptz,
  checkout_expire_requested_at timestamptz,
  stripe_payment_intent_id text unique,
  stripe_charge_id text,
  last_event_at timestamptz,
  last_event_rank smallint,
  failure_message text,
  reference text constraint payments_reference_length check (length(reference) <= 200),
  reviewed_by uuid references public.profiles (id) on delete set null,
  reviewed_at timestamptz,
  review_note text,
  succeeded_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint payments_refund_within_amount check (amount_refunded between 0 and amount),
  constraint payments_stripe_fields check (method = 'stripe' or stripe_checkout_session_id is null)
);

-- One payment in flight per invoice: a second checkout reuses it, a second declaration waits.
create unique index payments_one_in_flight_per_invoice on public.payments (invoice_id)
  where status in ('pending', 'processing');
create index payments_invoice_id_idx on public.payments (invoice_id);
create index payments_booking_id_idx on public.payments (booking_id);
create index payments_client_created_idx on public.payments (client_id, created_at desc);
create index payments_provider_created_idx on public.payments (provider_id, created_at desc);
create index payments_reviewed_by_idx on public.payments (reviewed_by);
create index payments_open_checkouts_idx on public.payments (checkout_expires_at)
  where method = 'stripe' and status in ('pending', 'failed') and stripe_checkout_session_id is not null;

comment on table public.payments is
  'Money received (or on its way) for an invoice. Read: the client, the provider, admins. Written by payment functions only.';
comment on column public.payments.applied is 'True when this payment settled its invoice; false for duplicates and late payments, which are refunded.';
comment on column public.payments.amount_refunded is 'Refunded so far, minor units: the sum of the payment''s succeeded refunds.';
comment on column public.payments.checkout_url is 'The Stripe Checkout page to send the client to while the session is open.';
comment on column public.payments.reference is 'For a manual payment: the bank transfer reference or QR transaction id the client declared.';

create trigger set_updated_at
  before update on public.payments
  for each row execute function private.tg_set_updated_at();

alter table public.payments enable row level security;
revoke all on table public.payments from anon, authenticated;
grant select on table public.payments to authenticated;

create policy "clients and providers can read their payments and admins all"
  on public.payments for select to authenticated
  using (client_id = (select auth.uid()) or provider_id = (select auth.uid()) or (select private.is_admin()));

-- The Stripe events already applied: a replay finds its id here and changes nothing. The
-- id is inserted in the same transaction as the event's effects.
create table private.stripe_events (
  id text primary key,
  type text not null,
  created timestamptz not null,
  received_at timestamptz not null default now(),
  outcome text
);

grant select, insert, update on table private.stripe_events to service_role;

-- True the first time an event id is seen. A concurrent delivery of the same event waits
-- on the first one's uncommitted row and then sees it.
create function private.claim_stripe_event(event_id text, event_type text, event_created timestamptz)
returns boolean
language sql
set search_path = ''
as $$
  with claimed as (
    insert into private.stripe_events (id, type, created) values (event_id, event_type, event_created)
    on conflict (id) do nothing
    returning 1
  )
  select exists (select 1 from claimed)
$$;

create function private.finish_stripe_event(event_id text, outcome text)
returns text
language sql
set search_path = ''
as $$
  update private.stripe_events e set outcome = finish_stripe_event.outcome where e.id = event_id;
  select outcome;
$$;

grant execute on function private.claim_stripe_event(text, text, timestamptz) to service_role;
grant execute on function private.finish_stripe_event(text, text) to service_role;

-- Whether a payment may take a status reported by an event created at `at`: succeeded is
-- final, success always lands, otherwise the newer event wins. Stripe's event times have
-- one-second resolution, so a tie goes to the event later in a session's life (`rank`: 1 a
-- declined attempt, 2 the session completed, 3 the delayed payment's result or the expiry),
-- not to whichever was delivered last.
create function private.payment_may_become(payment public.payments, to_status public.payment_status, at timestamptz, rank smallint)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select case
    when payment.status = 'succeeded' then false
    when to_status = 'succeeded' then true
    else payment.last_event_at is null
      or (at, rank) >= (payment.last_event_at, coalesce(payment.last_event_rank, 0))
  end
$$;

grant execute on function private.payment_may_become(public.payments, public.payment_status, timestamptz, smallint) to service_role;

-- Locks an invoice the way settling it does (coupon, booking, invoice, in that order, as
-- create_booking and transition_booking take them), so that payments, cancellations and
-- refunds of one invoice queue up instead of deadlocking.
create function private.lock_invoice(invoice_id uuid)
returns public.invoices
language plpgsql
set search_path = ''
as $$
declare
  invoice public.invoices;
begin
  perform 1 from public.coupons c
  where c.id = (select i.coupon_id from public.invoices i where i.id = lock_invoice.invoice_id)
  for update;
  perform 1 from public.bookings b
  where b.id = (select i.booking_id from public.invoices i where i.id = lock_invoice.invoice_id)
  for update;
  select * into invoice from public.invoices i where i.id = lock_invoice.invoice_id for update;
  if not found then
    raise exception 'invoice_id: invoice % not found', lock_invoice.invoice_id using errcode = 'P0002';
  end if;
  return invoice;
end
$$;

grant execute on function private.lock_invoice(uuid) to service_role;
