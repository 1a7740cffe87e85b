-- Issue 24: the database time of a Stripe event, a new checkout above all.
--
-- Two kinds of waste, measured with pg_stat_statements (track = all) and track_functions on
-- bench/payments' data, per checkout.session.completed:
--
-- 1. A payment row written three times. The event set the session's fields, then the status,
--    then `applied`: three new row versions, none of them HOT (each changes an indexed column or
--    a partial index's predicate), so about 45 index insertions on payments' 15 indexes. The
--    invoice was also locked twice. Now record_payment_success locks once and writes the payment
--    once, status, `applied` and the session's fields together, before settling the invoice (so
--    the changes are told in the order they were: the payment, then the booking).
-- 2. SQL-language helpers re-planned on every call. A `language sql` function with a `set`
--    clause (all of ours: `set search_path = ''`) is never inlined, and the SQL function
--    executor keeps its plan only for the calling query's life: each event planned
--    claim_stripe_event, find_stripe_payment, platform_fee (twice) and the rest afresh, and every
--    begin_checkout its invoice_description. PL/pgSQL keeps a plan per session. The bodies below
--    are the same rules, rewritten; nothing else about the functions changes (signature,
--    volatility, security, grants).

-- Settings ---------------------------------------------------------------------------------------

create or replace function private.setting(setting_key text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (select s.value from private.settings s where s.key = setting_key);
end
$$;

-- Stripe's event ledger ------------------------------------------------------------------------------

create or replace function private.claim_stripe_event(event_id text, event_type text, event_created timestamptz)
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  insert into private.stripe_events as e (id, type, created, processed_at)
  values (claim_stripe_event.event_id, claim_stripe_event.event_type, claim_stripe_event.event_created, now())
  on conflict (id) do update
    set processed_at = now(), attempts = e.attempts + 1, last_attempt_at = now()
    where e.processed_at is null;
  return found;
end
$$;

create or replace function private.finish_stripe_event(event_id text, outcome text)
returns text
language plpgsql
set search_path = ''
as $$
begin
  update private.stripe_events e set outcome = finish_stripe_event.outcome where e.id = finish_stripe_event.event_id;
  return finish_stripe_event.outcome;
end
$$;

-- By our id first (one primary-key probe), then by Stripe's ids.
create or replace function private.find_stripe_payment(payment_id uuid, session_id text, payment_intent_id text)
returns public.payments
language plpgsql
stable
set search_path = ''
as $$
declare
  payment public.payments;
begin
  if find_stripe_payment.payment_id is not null then
    select * into payment from public.payments p where p.id = find_stripe_payment.payment_id;
    if found then
      return payment;
    end if;
  end if;
  select * into payment from public.payments p
  where p.stripe_checkout_session_id = find_stripe_payment.session_id
     or p.stripe_payment_intent_id = find_stripe_payment.payment_intent_id
  limit 1;
  return payment;
end
$$;

-- Status rules -----------------------------------------------------------------------------------

create or replace function private.payment_may_become(payment public.payments, to_status public.payment_status, at timestamptz, rank smallint)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
begin
  return case
    when payment.status = 'succeeded' then false
    when to_status = 'succeeded' then true
    else payment.last_event_at is null
      or (at, rank) >= (payment.last_event_at, coalesce(payment.last_event_rank, 0))
  end;
end
$$;

create or replace function private.refund_may_become(refund public.refunds, to_status public.refund_status, at timestamptz)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
begin
  return case
    when refund.status = to_status then false
    when refund.status in ('failed', 'canceled') then false
    when refund.status = 'succeeded' then to_status = 'failed'
    when to_status in ('succeeded', 'failed', 'canceled') then true
    when to_status = 'requested' then false
    else refund.last_event_at is null or at >= refund.last_event_at
  end;
end
$$;

-- Money shares ----------------------------------------------------------------------------------------

create or replace function private.platform_fee(payment public.payments)
returns bigint
language plpgsql
stable
set search_path = ''
as $$
begin
  if payment.destination_account is not null or payment.application_fee > 0 then
    return payment.application_fee;
  end if;
  return coalesce((select round(i.commission::numeric * payment.amount / nullif(i.total, 0))::bigint
                   from public.invoices i where i.id = payment.invoice_id), 0);
end
$$;

create or replace function private.provider_share(payment public.payments, amount bigint)
returns bigint
language plpgsql
stable
set search_path = ''
as $$
begin
  if payment.amount = 0 then
    return 0;
  end if;
  return round(provider_share.amount::numeric * (payment.amount - private.platform_fee(payment)) / payment.amount)::bigint;
end
$$;

create or replace function private.held_by(payment public.payments)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  return case when payment.destination_account is not null then 'stripe' else 'platform' end;
end
$$;

create or replace function private.queue_refund(payment public.payments, amount bigint, kind public.refund_kind, reason text)
returns public.refunds
language plpgsql
set search_path = ''
as $$
declare
  refund public.refunds;
begin
  insert into public.refunds (
    payment_id, invoice_id, booking_id, client_id, provider_id, kind, amount, currency, reason, requested_by,
    reverse_transfer, refund_application_fee
  )
  values (
    payment.id, payment.invoice_id, payment.booking_id, payment.client_id, payment.provider_id, queue_refund.kind,
    queue_refund.amount, payment.currency, queue_refund.reason,
    case when queue_refund.kind in ('admin', 'cancellation') then auth.uid() end,
    payment.destination_account is not null, payment.application_fee > 0
  )
  returning * into refund;
  return refund;
end
$$;

-- What a payment page says it pays for (begin_checkout, every time a client opens a checkout).
create or replace function private.invoice_description(invoice public.invoices)
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
  return coalesce(
    (select string_agg(l.description, ', ' order by l.line_number) from public.invoice_lines l
     where l.invoice_id = invoice.id and l.kind = 'item'),
    'Invoice ' || invoice.number);
end
$$;

-- The provider's ledger: each share computed once --------------------------------------------------

create or replace function private.tg_ledger_earning()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  earned bigint := private.provider_share(new, new.amount);
begin
  if earned <> 0 then
    insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, payment_id, description)
    select new.provider_id, 'earning', earned, new.currency, private.held_by(new), new.id,
           format('payment of invoice %s (%s)', i.number, new.method)
    from public.invoices i
    where i.id = new.invoice_id
    on conflict do nothing;
  end if;
  return null;
end
$$;

create or replace function private.tg_ledger_refund()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  payment public.payments := (select p from public.payments p where p.id = new.payment_id);
  given_back bigint;
begin
  -- Only a payment that earned the provider something gives it back (not a duplicate one).
  if not (payment.applied and payment.provider_id is not null) then
    return null;
  end if;
  given_back := private.provider_share(payment, new.amount);
  if given_back <> 0 then
    insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, payment_id, refund_id, description)
    values (payment.provider_id, 'refund', -given_back, new.currency, private.held_by(payment), payment.id, new.id,
            format('refund (%s)', new.kind))
    on conflict do nothing;
  end if;
  return null;
end
$$;

create or replace function private.tg_ledger_dispute()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  payment public.payments := (select p from public.payments p where p.id = new.payment_id);
  lost bigint;
begin
  if not (payment.applied and payment.provider_id is not null) then
    return null;
  end if;
  lost := private.provider_share(payment, new.amount);
  if lost <> 0 then
    insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, payment_id, dispute_id, description)
    values (payment.provider_id, 'dispute', -lost, new.currency, private.held_by(payment), payment.id, new.id,
            format('dispute lost (%s)', coalesce(new.reason, 'no reason given')))
    on conflict do nothing;
  end if;
  return null;
end
$$;

-- Money arrived: one lock, one write of the payment ------------------------------------------------

-- The one write of a payment whose money arrived: succeeded, `applied` when it settled its
-- invoice (else it is about to be refunded), with the Checkout Session's fields when given.
create function private.write_payment_success(
  payment_id uuid,
  at timestamptz,
  applied boolean,
  amount bigint,
  failure_message text,
  session_id text,
  payment_intent_id text
)
returns public.payments
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments;
begin
  update public.payments p
  set status = 'succeeded',
      succeeded_at = now(),
      applied = write_payment_success.applied,
      amount = write_payment_success.amount,
      failure_message = write_payment_success.failure_message,
      last_event_at = greatest(p.last_event_at, write_payment_success.at),
      last_event_rank = 3,
      stripe_checkout_session_id = coalesce(p.stripe_checkout_session_id, write_payment_success.session_id),
      stripe_payment_intent_id = coalesce(p.stripe_payment_intent_id, write_payment_success.payment_intent_id),
      checkout_expires_at = case when write_payment_success.session_id is not null
                                 then least(coalesce(p.checkout_expires_at, write_payment_success.at), write_payment_success.at)
                                 else p.checkout_expires_at end
  where p.id = write_payment_success.payment_id
  returning * into payment;
  return payment;
end
$$;

revoke all on function private.write_payment_success(uuid, timestamptz, boolean, bigint, text, text, text) from public;
grant execute on function private.write_payment_success(uuid, timestamptz, boolean, bigint, text, text, text) to service_role;

-- The session's fields (Checkout's webhook knows them) are written with the status, so the
-- success of a Checkout Session is one new version of the payment row. Other callers (PayPal,
-- manual payments, saved cards) pass only the first four arguments.
drop function private.record_payment_success(uuid, timestamptz, bigint, text);

create function private.record_payment_success(
  payment_id uuid,
  at timestamptz,
  amount bigint,
  currency text,
  session_id text default null,
  payment_intent_id text default null
)
returns text
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments;
  -- Coupon, booking and invoice first, then the payment: the one lock order of every path.
  invoice public.invoices := private.lock_invoice(
    (select p.invoice_id from public.payments p where p.id = record_payment_success.payment_id));
  mismatch boolean;
  refund_kind public.refund_kind;
  refund_reason text;
begin
  select * into payment from public.payments p where p.id = record_payment_success.payment_id for update;
  if payment.status = 'succeeded' then
    if session_id is not null or payment_intent_id is not null then
      update public.payments p
      set stripe_checkout_session_id = coalesce(p.stripe_checkout_session_id, record_payment_success.session_id),
          stripe_payment_intent_id = coalesce(p.stripe_payment_intent_id, record_payment_success.payment_intent_id),
          checkout_expires_at = least(coalesce(p.checkout_expires_at, at), at)
      where p.id = payment.id;
    end if;
    return 'already_succeeded';
  end if;

  mismatch := amount is distinct from payment.amount or lower(currency) is distinct from lower(payment.currency);
  if mismatch then
    -- Not what was asked: record what was taken and give all of it back.
    refund_kind := 'unfulfillable';
    refund_reason := format('paid %s %s for %s %s', amount, currency, payment.amount, payment.currency);
  elsif invoice.status in ('paid', 'partially_refunded', 'refunded') then
    refund_kind := 'duplicate';
    refund_reason := format('invoice %s was already paid', invoice.number);
  else
    -- The payment first, then the invoice and booking (their changes are told in that order),
    -- in one subtransaction: a settlement that fails takes the applied payment back with it.
    begin
      perform private.write_payment_success(payment.id, at, true, payment.amount, null, session_id, payment_intent_id);
      perform service.settle_invoice(invoice.id);
      return 'paid';
    exception when exclusion_violation or raise_exception then
      refund_kind := 'unfulfillable';
      refund_reason := sqlerrm;
    end;
  end if;

  -- The money stays with the platform until the refund goes back: succeeded, not applied.
  payment := private.write_payment_success(
    payment.id, at, false,
    case when mismatch then coalesce(nullif(amount, 0), payment.amount) else payment.amount end,
    case when mismatch then refund_reason end,
    session_id, payment_intent_id);
  perform private.queue_refund(payment, payment.amount, refund_kind, refund_reason);
  return 'refund_queued';
end
$$;

revoke all on function private.record_payment_success(uuid, timestamptz, bigint, text, text, text) from public;
grant execute on function private.record_payment_success(uuid, timestamptz, bigint, text, text, text) to service_role;

-- checkout.session.*: a paid session goes straight to record_payment_success, which locks the
-- invoice and writes the payment once; the other outcomes keep their two steps.
create or replace function service.apply_checkout_event(
  event_id text,
  event_type text,
  event_created timestamptz,
  session_id text,
  payment_id uuid,
  payment_status text,
  payment_intent_id text,
  amount_total bigint,
  currency text
)
returns text
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments;
  outcome text;
begin
  if not private.claim_stripe_event(event_id, event_type, event_created) then
    return 'duplicate';
  end if;
  payment := private.find_stripe_payment(apply_checkout_event.payment_id, session_id, payment_intent_id);
  if payment.id is null then
    return private.finish_stripe_event(event_id, 'unknown_payment');
  end if;
  if event_type = 'checkout.session.async_payment_succeeded'
     or (event_type = 'checkout.session.completed' and apply_checkout_event.payment_status in ('paid', 'no_payment_required')) then
    return private.finish_stripe_event(event_id, private.record_payment_success(
      payment.id, event_created, amount_total, currency, session_id, apply_checkout_event.payment_intent_id));
  end if;

  -- Coupon, booking and invoice first, as every other path takes them, and only then the
  -- payment: one lock order everywhere, so concurrent events cannot deadlock.
  perform private.lock_invoice(payment.invoice_id);
  -- Every checkout.session.* event means the session is no longer open for payment.
  update public.payments p
  set stripe_checkout_session_id = coalesce(p.stripe_checkout_session_id, session_id),
      stripe_payment_intent_id = coalesce(p.stripe_payment_intent_id, apply_checkout_event.payment_intent_id),
      checkout_expires_at = least(coalesce(p.checkout_expires_at, event_created), event_created)
  where p.id = payment.id
  returning * into payment;

  outcome := case
    when event_type = 'checkout.session.completed'
      then private.record_payment_status(payment, 'processing', event_created, 2::smallint, null)
    when event_type = 'checkout.session.async_payment_failed'
      then private.record_payment_status(payment, 'failed', event_created, 3::smallint, 'the delayed payment failed')
    when event_type = 'checkout.session.expired'
      then private.record_payment_status(payment, 'cancelled', event_created, 3::smallint, null)
    else 'ignored'
  end;
  return private.finish_stripe_event(event_id, outcome);
end
$$;
