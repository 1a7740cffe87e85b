-- billing / refunds and disputes.
--
-- A refund is queued as a row ('requested') in the transaction that decides it: an admin's
-- request, a paid booking's cancellation, a payment that cannot be kept. The refunds Lambda
-- submits queued rows to Stripe with the row id as idempotency key, and webhooks move them
-- on. Refunds made in Stripe's dashboard arrive as 'external' rows. Nothing here is counted
-- by adding: a payment's refunded amount is recomputed from its succeeded refund rows, so a
-- replayed or reordered event cannot count twice.

create type public.refund_status as enum ('requested', 'pending', 'requires_action', 'succeeded', 'failed', 'canceled');
create type public.refund_kind as enum ('admin', 'cancellation', 'duplicate', 'unfulfillable', 'external');

create table public.refunds (
  id uuid primary key default gen_random_uuid(),
  payment_id uuid not null references public.payments (id) on delete restrict,
  invoice_id uuid not null references public.invoices (id) on delete restrict,
  booking_id uuid references public.bookings (id) on delete restrict,
  client_id uuid not null references public.profiles (id) on delete restrict,
  provider_id uuid references public.provider_profiles (user_id) on delete restrict,
  kind public.refund_kind not null,
  status public.refund_status not null default 'requested',
  amount bigint not null constraint refunds_amount_positive check (amount > 0),
  currency char(3) not null,
  reason text,
  requested_by uuid references public.profiles (id) on delete set null,
  -- Destination charges: take the provider's share back and give the platform's fee back.
  reverse_transfer boolean not null default false,
  refund_application_fee boolean not null default false,
  stripe_refund_id text unique,
  failure_reason text,
  attempts integer not null default 0,
  last_error text,
  claimed_until timestamptz,
  last_event_at timestamptz,
  succeeded_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index refunds_payment_id_idx on public.refunds (payment_id);
create index refunds_invoice_id_idx on public.refunds (invoice_id);
create index refunds_booking_id_idx on public.refunds (booking_id);
create index refunds_client_created_idx on public.refunds (client_id, created_at desc);
create index refunds_provider_created_idx on public.refunds (provider_id, created_at desc);
create index refunds_requested_by_idx on public.refunds (requested_by);
create index refunds_queued_idx on public.refunds (created_at) where status = 'requested' and stripe_refund_id is null;

comment on table public.refunds is
  'Money given back for a payment. Read: the client, the provider, admins. Written by refund functions only.';
comment on column public.refunds.kind is
  'Why: admin (an admin''s decision), cancellation (the cancellation policy), duplicate (a second payment of a paid invoice), unfulfillable (paid after the slot was lost), external (made in Stripe''s dashboard).';

create trigger set_updated_at
  before update on public.refunds
  for each row execute function private.tg_set_updated_at();

create table public.disputes (
  id uuid primary key default gen_random_uuid(),
  payment_id uuid not null references public.payments (id) on delete restrict,
  invoice_id uuid not null references public.invoices (id) on delete restrict,
  client_id uuid not null references public.profiles (id) on delete restrict,
  provider_id uuid references public.provider_profiles (user_id) on delete restrict,
  stripe_dispute_id text not null unique,
  amount bigint not null,
  currency char(3) not null,
  status text not null constraint disputes_status_known check (status in (
    'warning_needs_response', 'warning_under_review', 'warning_closed',
    'needs_response', 'under_review', 'won', 'lost', 'prevented'
  )),
  reason text,
  evidence_due_by timestamptz,
  last_event_at timestamptz not null,
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index disputes_payment_id_idx on public.disputes (payment_id);
create index disputes_invoice_id_idx on public.disputes (invoice_id);
create index disputes_client_id_idx on public.disputes (client_id);
create index disputes_provider_id_idx on public.disputes (provider_id);

comment on table public.disputes is
  'Chargebacks opened by a card holder''s bank, as Stripe reports them. Read: the client, the provider, admins.';

create trigger set_updated_at
  before update on public.disputes
  for each row execute function private.tg_set_updated_at();

alter table public.refunds enable row level security;
alter table public.disputes enable row level security;
revoke all on table public.refunds, public.disputes from anon, authenticated;
grant select on table public.refunds, public.disputes to authenticated;

create policy "clients and providers can read their refunds and admins all"
  on public.refunds for select to authenticated
  using (client_id = (select auth.uid()) or provider_id = (select auth.uid()) or (select private.is_admin()));

create policy "clients and providers can read their disputes and admins all"
  on public.disputes for select to authenticated
  using (client_id = (select auth.uid()) or provider_id = (select auth.uid()) or (select private.is_admin()));

-- Refund and dispute states move forward only ------------------------------------------------

-- A refund never goes back to requested or pending once settled; a succeeded refund can
-- still fail (Stripe sends refund.failed); among equals the newer event wins.
create function private.refund_may_become(refund public.refunds, to_status public.refund_status, at timestamptz)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select case
    when refund.status = to_status then false
    when refund.status in ('failed', 'canceled') then false
    when refund.status = 'succeeded' then to_status = 'failed'
    when to_status in ('succeeded', 'failed', 'canceled') then true
    when to_status = 'requested' then false
    else refund.last_event_at is null or at >= refund.last_event_at
  end
$$;

create function private.dispute_may_become(dispute public.disputes, to_status text, at timestamptz)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select dispute.status not in ('won', 'lost', 'warning_closed', 'prevented')
     and (to_status in ('won', 'lost', 'warning_closed', 'prevented') or at >= dispute.last_event_at)
$$;

grant execute on function private.refund_may_become(public.refunds, public.refund_status, timestamptz) to service_role;
grant execute on function private.dispute_may_become(public.disputes, text, timestamptz) to service_role;

-- What is left to refund of a payment: its amount less what was refunded or is on its way.
create function private.refundable_amount(payment public.payments)
returns bigint
language sql
stable
set search_path = ''
as $$
  select greatest(payment.amount - (
    select coalesce(sum(r.amount), 0) from public.refunds r
    where r.payment_id = payment.id and r.status not in ('failed', 'canceled')
  ), 0)
$$;

grant execute on function private.refundable_amount(public.payments) to authenticated, service_role;

-- Queues a refund of one payment (the caller holds the payment's lock).
create function private.queue_refund(payment public.payments, amount bigint, kind public.refund_kind, reason text)
returns public.refunds
language sql
set search_path = ''
as $$
  insert into public.refunds (
    payment_id, invoice_id, booking_id, client_id, provider_id, kind, amount, currency, reason, requested_by,
    reverse_transfer, refund_application_fee
  )
  values (
    payment.id, payment.invoice_id, payment.booking_id, payment.client_id, payment.provider_id, kind, amount,
    payment.currency, reason, case when kind in ('admin', 'cancellation') then auth.uid() end,
    payment.destination_account is not null, payment.application_fee > 0
  )
  returning *
$$;

grant execute on function private.queue_refund(public.payments, bigint, public.refund_kind, text) to service_role;

-- Recomputes what a payment and its invoice have refunded, from the succeeded refund rows
-- (refunds made in Stripe's dashboard arrive as rows too). Not from the charge's own total:
-- Stripe counts pending refunds in it and lowers it again, without a new charge.refunded,
-- when one fails. Only payments that settled the invoice count towards the invoice.
create function private.refresh_refunded(payment_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments;
  refunded bigint;
begin
  update public.payments p
  set amount_refunded = least(p.amount,
        (select coalesce(sum(r.amount), 0) from public.refunds r where r.payment_id = p.id and r.status = 'succeeded'))
  where p.id = refresh_refunded.payment_id
  returning * into payment;
  if not payment.applied then
    return;
  end if;

  select coalesce(sum(p.amount_refunded), 0) into refunded
  from public.payments p where p.invoice_id = payment.invoice_id and p.applied;
  update public.invoices i
  set amount_refunded = least(refunded, i.amount_paid),
      status = case
        when i.status not in ('paid', 'partially_refunded', 'refunded') then i.status
        when refunded = 0 then 'paid'
        when refunded >= i.amount_paid then 'refunded'
        else 'partially_refunded'
      end::public.invoice_status
  where i.id = payment.invoice_id;
end
$$;

grant execute on function private.refresh_refunded(uuid) to service_role;
