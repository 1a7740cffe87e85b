-- payments / PayPal (issue 18, seed 000): the payment method and the columns PayPal Checkout
-- (Orders API v2) needs beside Stripe's, and the gateways' configuration.
--
-- Its own migration: a new enum value may not be used in the transaction that adds it, and
-- 20260128000500 writes functions that name it.

alter type public.payment_method add value 'paypal' after 'stripe';

-- The order the buyer approves on PayPal, and the capture that moved the money. The approval
-- link goes in checkout_url, as Stripe's session page does.
alter table public.payments
  add column paypal_order_id text constraint payments_paypal_order_id_key unique,
  add column paypal_capture_id text constraint payments_paypal_capture_id_key unique;

alter table public.refunds
  add column paypal_refund_id text constraint refunds_paypal_refund_id_key unique;

create index refunds_paypal_queued_idx on public.refunds (created_at)
  where status = 'requested' and stripe_refund_id is null and paypal_refund_id is null;

comment on column public.payments.paypal_order_id is 'PayPal: the Orders v2 order the buyer approves (its link is checkout_url).';
comment on column public.payments.paypal_capture_id is 'PayPal: the capture that took the money; refunds are made against it.';
comment on column public.refunds.paypal_refund_id is 'PayPal: the refund of the payment''s capture.';

-- The PayPal webhook events already applied, as private.stripe_events for Stripe's.
create table private.paypal_events (
  id text primary key,
  type text not null,
  created timestamptz not null,
  received_at timestamptz not null default now(),
  outcome text
);

revoke all on table private.paypal_events from public, anon, authenticated;
grant select, insert, update on table private.paypal_events to service_role;

-- Which gateways a frontend offers ------------------------------------------------------------------

create table public.payment_gateways (
  gateway public.payment_method primary key,
  is_active boolean not null default false,
  test_mode boolean not null default true,
  currencies char(3)[] not null default '{}'
    constraint payment_gateways_currencies_format check (array_to_string(currencies, ',') ~ '^([A-Z]{3}(,|$))*$'),
  updated_at timestamptz not null default now()
);

comment on table public.payment_gateways is
  'The payment gateways a frontend may offer (its buttons): active, test mode, currencies. Read: everyone. Write: admins. Keys and secrets live in the Lambdas'' settings, never here.';

create trigger set_updated_at
  before update on public.payment_gateways
  for each row execute function private.tg_set_updated_at();

alter table public.payment_gateways enable row level security;

revoke all on table public.payment_gateways from anon, authenticated;
grant all on table public.payment_gateways to service_role;
grant select on table public.payment_gateways to anon, authenticated;
grant update (is_active, test_mode, currencies) on table public.payment_gateways to authenticated;

create policy "anyone reads the payment gateways"
  on public.payment_gateways for select to anon, authenticated using (true);
create policy "admins configure the payment gateways"
  on public.payment_gateways for update to marketbase_admin
  using ((select private.is_admin())) with check ((select private.is_admin()));
