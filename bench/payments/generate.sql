-- bench / payments: the money side of the marketplace bench/bookings/generate.sql builds, so
-- that the webhook benchmark looks payments, refunds and events up in tables of production
-- size rather than empty ones.
--
-- One invoice per booking (about 100,000 at the default scale of webhook_throughput.py); a
-- succeeded Stripe payment for every paid one, with an earlier failed or abandoned attempt for
-- about one in twelve; refunds (every cancelled booking in full, a few partial ones),
-- disputes, and the ledger of the Stripe events all that took (private.stripe_events).
--
-- And the rows the measured events act on, as the apps leave them: `bench.pending_payments`
-- upcoming bookings held again with an open invoice and a pending payment whose Checkout
-- Session is attached (what begin_checkout + attach_checkout_session write), and
-- `bench.pending_refunds` pending refunds of paid payments with Stripe's refund id (what the
-- refunds Lambda writes after Stripe answered "pending").
--
-- Run after bench/bookings/generate.sql, as a superuser, one transaction per "-- step:"
-- (webhook_throughput.py does it). Like that file it loads with session_replication_role =
-- replica (no triggers, no foreign key checks) and keeps references right itself; ids and
-- Stripe ids are md5-derived, so the same bookings give the same rows.

-- step: settings
set session_replication_role = replica;
set work_mem = '256MB';
set synchronous_commit = off;
select setseed(0.4);

create temporary table bench_money as
select
  coalesce(nullif(current_setting('bench.pending_payments', true), '')::integer, 5000) as pending_payments,
  coalesce(nullif(current_setting('bench.pending_refunds', true), '')::integer, 3000) as pending_refunds,
  coalesce(nullif(current_setting('bench.open_invoices', true), '')::integer, 0) as open_invoices;

-- Upcoming confirmed bookings taken back to "held, awaiting payment": the first
-- pending_payments for the measured checkout.session.completed events, the next open_invoices
-- left without a payment for the measured checkouts (begin_checkout).
create temporary table bench_pool as
select s.id, row_number() over () as n
from (
  select b.id
  from public.bookings b
  where b.status = 'confirmed' and b.starts_at > now() + interval '1 day'
  order by random()
  limit (select pending_payments + open_invoices from bench_money)
) s;

update public.bookings b
set status = 'held', hold_expires_at = now() + interval '1 day'
where b.id in (select id from bench_pool);

-- Every provider's Connect account takes charges, as the generated payments' destinations say.
insert into public.provider_payout_accounts (provider_id, stripe_account_id, charges_enabled, payouts_enabled,
                                             details_submitted)
select pp.user_id, 'acct_1' || substr(md5('account:' || pp.user_id), 1, 15), true, true, true
from public.provider_profiles pp
on conflict (provider_id) do nothing;

-- step: invoices
insert into public.invoices (
  id, booking_id, client_id, provider_id, number, number_year, number_sequence, currency, subtotal, total,
  commission, amount_paid, amount_refunded, status, issued_at, due_at, paid_at, voided_at, updated_at
)
select md5('invoice:' || b.id)::uuid, b.id, b.client_id, b.provider_id,
       'BENCH-' || lpad(b.n::text, 7, '0'), 1999, b.n, b.currency, b.total_amount, b.total_amount,
       round(b.total_amount * 0.1)::bigint,
       case when b.status in ('held', 'expired') then 0 else b.total_amount end,
       case when b.status = 'cancelled' then b.total_amount else 0 end,
       case b.status when 'held' then 'open' when 'expired' then 'void' when 'cancelled' then 'refunded'
                     else 'paid' end::public.invoice_status,
       b.created_at, b.created_at + interval '15 minutes',
       case when b.status not in ('held', 'expired') then b.created_at + interval '3 minutes' end,
       case when b.status = 'expired' then b.created_at + interval '15 minutes' end,
       b.created_at + interval '3 minutes'
from (select b.*, row_number() over (order by b.created_at, b.id) as n from public.bookings b) b;

-- step: payments
-- The payment that settled each paid invoice (destination charges: 10% application fee).
insert into public.payments (
  id, invoice_id, booking_id, client_id, provider_id, method, status, amount, currency, application_fee,
  destination_account, applied, amount_refunded, stripe_checkout_session_id, checkout_expires_at,
  stripe_payment_intent_id, stripe_charge_id, last_event_at, succeeded_at, created_at, updated_at
)
select md5('payment:' || i.id)::uuid, i.id, i.booking_id, i.client_id, i.provider_id, 'stripe', 'succeeded',
       i.total, i.currency, i.commission, 'acct_1' || substr(md5('account:' || i.provider_id), 1, 15), true,
       i.amount_refunded,
       'cs_test_b1' || md5('session:' || i.id) || substr(md5('session2:' || i.id), 1, 24),
       i.paid_at, 'pi_3' || substr(md5('intent:' || i.id), 1, 24), 'ch_3' || substr(md5('charge:' || i.id), 1, 24),
       i.paid_at, i.paid_at, i.issued_at + interval '1 minute', i.paid_at
from public.invoices i
where i.status in ('paid', 'refunded') and i.number_year = 1999;

-- About one paid invoice in twelve had an attempt before: declined, or a session left to expire.
insert into public.payments (
  id, invoice_id, booking_id, client_id, provider_id, method, status, amount, currency, application_fee,
  destination_account, stripe_checkout_session_id, checkout_expires_at, stripe_payment_intent_id, last_event_at,
  failure_message, created_at, updated_at
)
select md5('attempt:' || i.id)::uuid, i.id, i.booking_id, i.client_id, i.provider_id, 'stripe',
       case when r < 0.5 then 'failed' else 'cancelled' end::public.payment_status,
       i.total, i.currency, i.commission, 'acct_1' || substr(md5('account:' || i.provider_id), 1, 15),
       'cs_test_a1' || md5('attempt-session:' || i.id) || substr(md5('attempt-session2:' || i.id), 1, 24),
       i.issued_at + interval '10 seconds',
       case when r < 0.5 then 'pi_3' || substr(md5('attempt-intent:' || i.id), 1, 24) end,
       i.issued_at + interval '10 seconds', case when r < 0.5 then 'Your card was declined.' end,
       i.issued_at, i.issued_at + interval '10 seconds'
from (select i.*, random() as r from public.invoices i where i.status in ('paid', 'refunded')) i
where i.r < 1.0 / 12;

-- The measured pool: open invoices with a pending payment and its session attached.
insert into public.payments (
  id, invoice_id, booking_id, client_id, provider_id, method, status, amount, currency, application_fee,
  destination_account, stripe_checkout_session_id, checkout_url, checkout_expires_at, created_at, updated_at
)
select md5('payment:' || i.id)::uuid, i.id, i.booking_id, i.client_id, i.provider_id, 'stripe', 'pending',
       i.total, i.currency, i.commission, 'acct_1' || substr(md5('account:' || i.provider_id), 1, 15),
       'cs_test_b1' || md5('session:' || i.id) || substr(md5('session2:' || i.id), 1, 24),
       'https://checkout.stripe.com/c/pay/cs_test_b1' || md5('session:' || i.id),
       now() + interval '1 day', now(), now()
from public.invoices i
where i.booking_id in (select id from bench_pool where n <= (select pending_payments from bench_money));

-- step: refunds and disputes
-- Cancelled bookings were refunded in full; about one paid invoice in thirty in part.
insert into public.refunds (
  id, payment_id, invoice_id, booking_id, client_id, provider_id, kind, status, amount, currency, reason,
  reverse_transfer, refund_application_fee, stripe_refund_id, attempts, last_event_at, succeeded_at, created_at,
  updated_at
)
select md5('refund:' || p.id)::uuid, p.id, p.invoice_id, p.booking_id, p.client_id, p.provider_id,
       case when i.status = 'refunded' then 'cancellation' else 'admin' end::public.refund_kind, 'succeeded',
       case when i.status = 'refunded' then p.amount else greatest(p.amount / 4, 1) end, p.currency,
       case when i.status = 'refunded' then 'booking cancelled' else 'goodwill' end, true, true,
       're_3' || substr(md5('refund:' || p.id), 1, 24), 1, p.succeeded_at + interval '2 days',
       p.succeeded_at + interval '2 days', p.succeeded_at + interval '1 day', p.succeeded_at + interval '2 days'
from public.payments p
join public.invoices i on i.id = p.invoice_id
where p.status = 'succeeded' and (i.status = 'refunded' or (i.status = 'paid' and random() < 1.0 / 30));

update public.payments p
set amount_refunded = r.amount, charge_amount_refunded = r.amount, charge_refunded_at = r.created_at,
    stripe_charge_id = coalesce(p.stripe_charge_id, 'ch_3' || substr(md5('charge:' || p.invoice_id), 1, 24))
from public.refunds r
where r.payment_id = p.id;

update public.invoices i
set amount_refunded = r.amount, status = case when r.amount >= i.amount_paid then 'refunded' else 'partially_refunded' end::public.invoice_status
from public.refunds r
where r.invoice_id = i.id;

-- One paid payment in two hundred was disputed; most disputes are over, won or lost.
insert into public.disputes (
  payment_id, invoice_id, client_id, provider_id, stripe_dispute_id, amount, currency, status, reason,
  evidence_due_by, last_event_at, closed_at, created_at, updated_at
)
select p.id, p.invoice_id, p.client_id, p.provider_id, 'du_' || substr(md5('dispute:' || p.id), 1, 24), p.amount,
       p.currency, case when r < 0.003 then 'won' when r < 0.0045 then 'lost' else 'needs_response' end,
       'fraudulent', p.succeeded_at + interval '30 days', p.succeeded_at + interval '40 days',
       case when r < 0.0045 then p.succeeded_at + interval '40 days' end, p.succeeded_at + interval '9 days',
       p.succeeded_at + interval '40 days'
from (select p.*, random() as r from public.payments p
      where p.status = 'succeeded' and not exists (select 1 from public.refunds f where f.payment_id = p.id)) p
where p.r < 0.005;

-- The measured pool of refunds: submitted to Stripe, which answered "pending".
insert into public.refunds (
  id, payment_id, invoice_id, booking_id, client_id, provider_id, kind, status, amount, currency, reason,
  reverse_transfer, refund_application_fee, stripe_refund_id, attempts, created_at, updated_at
)
select md5('pending-refund:' || p.id)::uuid, p.id, p.invoice_id, p.booking_id, p.client_id, p.provider_id, 'admin',
       'pending', greatest(p.amount / 2, 1), p.currency, 'bench', true, true,
       're_3' || substr(md5('pending-refund:' || p.id), 1, 24), 1, now(), now()
from public.payments p
join public.invoices i on i.id = p.invoice_id and i.status = 'paid'
where p.status = 'succeeded'
  and not exists (select 1 from public.refunds f where f.payment_id = p.id)
  and not exists (select 1 from public.disputes d where d.payment_id = p.id)
order by random()
limit (select pending_refunds from bench_money);

-- step: ledger
-- The Stripe events all of the above took, each once, processed (a row without processed_at is
-- a delivery that failed, which the next delivery applies).
insert into private.stripe_events (id, type, created, received_at, processed_at, outcome)
select 'evt_1' || substr(md5(kind || ':' || ref), 1, 23), type, at, at + interval '1 second', at + interval '1 second',
       outcome
from (
  select 'completed' as kind, p.id::text as ref, 'checkout.session.completed' as type, p.succeeded_at as at,
         'paid' as outcome
  from public.payments p where p.status = 'succeeded'
  union all
  select 'failed', p.id::text, 'payment_intent.payment_failed', p.last_event_at, 'failed'
  from public.payments p where p.status = 'failed'
  union all
  select 'expired', p.id::text, 'checkout.session.expired', p.last_event_at, 'cancelled'
  from public.payments p where p.status = 'cancelled'
  union all
  select e.kind, r.id::text, e.type, r.created_at + e.after, e.outcome
  from public.refunds r
  cross join (values ('charge-refunded', 'charge.refunded', interval '0', 'charge_refunded'),
                     ('refund-created', 'refund.created', interval '1 second', 'refund_pending'),
                     ('refund-updated', 'refund.updated', interval '1 day', 'refund_succeeded')) e(kind, type, after, outcome)
  where r.status = 'succeeded'
  union all
  select e.kind, d.id::text, e.type, d.created_at + e.after, 'dispute_' || d.status
  from public.disputes d
  cross join (values ('dispute-created', 'charge.dispute.created', interval '0'),
                     ('dispute-closed', 'charge.dispute.closed', interval '31 days')) e(kind, type, after)
  where e.kind = 'dispute-created' or d.closed_at is not null
) events;
