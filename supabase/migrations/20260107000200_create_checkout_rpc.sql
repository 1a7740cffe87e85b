-- payments / Stripe Checkout: what the checkout Lambda asks before and after it creates a
-- Checkout Session, and what the webhook Lambda applies when Stripe reports on it.
--
--   begin_checkout (as the client) ─> Stripe: create session ─> attach_checkout_session
--   webhook: checkout.session.* / payment_intent.payment_failed ─> apply_checkout_event ...
--   sweeper: lapsed_checkouts ─> Stripe: expire session ─> record_checkout_expired
--
-- The amount, fee and destination come from the invoice, never from the request.

insert into private.settings (key, value, description) values
  ('payments.checkout_min_minutes', '31', 'Shortest Checkout Session Stripe accepts (30 minutes), plus a margin.');

-- Opens (or reuses) the Stripe payment of an invoice. The caller has read the invoice
-- through RLS and is its client.
-- Security definer: payments have no INSERT privilege for any API role.
create function private.open_checkout_payment(invoice_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  invoice public.invoices := private.lock_invoice(open_checkout_payment.invoice_id);
  booking public.bookings;
  payment public.payments;
  destination text;
  hold_ends timestamptz;
begin
  select * into booking from public.bookings b where b.id = invoice.booking_id;
  if booking.status = 'held' and booking.hold_expires_at <= now() then
    booking := private.expire_hold(booking);
    select * into invoice from public.invoices i where i.id = invoice.id;
  end if;
  if invoice.status <> 'open' then
    raise exception 'invoice_id: invoice % is % and cannot be paid', invoice.number, invoice.status using errcode = 'PT409';
  end if;
  if exists (select 1 from public.payments p where p.invoice_id = invoice.id and p.method <> 'stripe' and p.status = 'pending') then
    raise exception 'invoice_id: a manual payment of invoice % awaits approval', invoice.number using errcode = 'PT409';
  end if;
  if exists (select 1 from public.payments p where p.invoice_id = invoice.id and p.status = 'processing') then
    raise exception 'invoice_id: a payment of invoice % is being processed', invoice.number using errcode = 'PT409';
  end if;

  -- Sessions whose time is up cannot be paid any more.
  update public.payments p set status = 'cancelled'
  where p.invoice_id = invoice.id and p.method = 'stripe' and p.status = 'pending'
    and p.stripe_checkout_session_id is not null and p.checkout_expires_at <= now() + interval '1 minute';

  -- A session still open (or one whose creation was interrupted) is reused, so a
  -- double click or a retry never opens a second one.
  select * into payment from public.payments p
  where p.invoice_id = invoice.id and p.method = 'stripe' and p.checkout_expire_requested_at is null
    and (p.status = 'pending' or (p.status = 'failed' and p.checkout_expires_at > now() + interval '1 minute'))
  order by p.created_at desc
  limit 1;

  if payment.id is null then
    if invoice.provider_id is not null then
      select a.stripe_account_id into destination from public.provider_payout_accounts a
      where a.provider_id = invoice.provider_id and a.charges_enabled;
      if destination is null then
        raise exception 'invoice_id: the provider of invoice % cannot take payments yet', invoice.number using errcode = 'PT409';
      end if;
    end if;
    insert into public.payments (
      invoice_id, booking_id, client_id, provider_id, method, amount, currency, application_fee, destination_account
    )
    values (
      invoice.id, invoice.booking_id, invoice.client_id, invoice.provider_id, 'stripe', invoice.total - invoice.amount_paid,
      invoice.currency, case when destination is not null then invoice.commission else 0 end, destination
    )
    returning * into payment;
  end if;

  -- Stripe keeps a session open for 30 minutes at least; a shorter hold is cut short by
  -- the sweeper, which expires the session when the hold lapses.
  hold_ends := coalesce(booking.hold_expires_at, now() + interval '24 hours');
  return jsonb_build_object(
    'payment_id', payment.id,
    'invoice_id', invoice.id,
    'invoice_number', invoice.number,
    'booking_id', invoice.booking_id,
    'amount', payment.amount,
    'currency', lower(payment.currency),
    'application_fee', case when payment.destination_account is not null then payment.application_fee end,
    'destination', payment.destination_account,
    'description', coalesce(
      (select string_agg(l.description, ', ' order by l.line_number) from public.invoice_lines l
       where l.invoice_id = invoice.id and l.kind = 'item'),
      'Invoice ' || invoice.number),
    'customer_email', (select u.email from auth.users u where u.id = invoice.client_id),
    'hold_expires_at', booking.hold_expires_at,
    'expires_at', coalesce(payment.checkout_expires_at, least(
      greatest(hold_ends, now() + make_interval(mins => (private.setting('payments.checkout_min_minutes'))::integer)),
      now() + interval '23 hours 59 minutes')),
    'session_id', payment.stripe_checkout_session_id,
    'session_url', payment.checkout_url
  );
end
$$;

grant execute on function private.open_checkout_payment(uuid) to authenticated;

-- The invoice is read as the caller, so RLS decides whether it exists for them.
create function public.begin_checkout(invoice_id uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  invoice public.invoices;
begin
  select * into invoice from public.invoices i where i.id = begin_checkout.invoice_id;
  if invoice.id is null then
    raise exception 'invoice_id: invoice % not found', begin_checkout.invoice_id using errcode = 'P0002';
  end if;
  if invoice.client_id is distinct from auth.uid() then
    raise exception 'invoice_id: only the client of invoice % can pay it', invoice.number using errcode = '42501';
  end if;
  return private.open_checkout_payment(invoice.id);
end
$$;

revoke execute on function public.begin_checkout(uuid) from public, anon;
grant execute on function public.begin_checkout(uuid) to authenticated;

comment on function public.begin_checkout(uuid) is
  'RPC for the checkout Lambda, as the client: the payment to open a Stripe Checkout Session for (amount, currency, application_fee, destination, expires_at), or the open session to reuse (session_id, session_url). Errors: P0002 unknown invoice, 42501 not the client, PT409 invoice not open / manual payment pending / provider cannot take payments.';

create function service.attach_checkout_session(payment_id uuid, session_id text, session_url text, expires_at timestamptz)
returns public.payments
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments;
begin
  update public.payments p
  set stripe_checkout_session_id = session_id, checkout_url = session_url, checkout_expires_at = expires_at
  where p.id = attach_checkout_session.payment_id and p.method = 'stripe'
    and (p.stripe_checkout_session_id is null or p.stripe_checkout_session_id = session_id)
  returning * into payment;
  if payment.id is null then
    raise exception 'payment_id: payment % has no room for session %', attach_checkout_session.payment_id, session_id
      using errcode = 'PT409';
  end if;
  return payment;
end
$$;

comment on function service.attach_checkout_session(uuid, text, text, timestamptz) is
  'Service RPC: records the Checkout Session created for a payment (idempotent for the same session).';

-- Money arrived for a payment: settle its invoice, or refund it in full when the invoice
-- is already paid, the slot was lost after the hold lapsed, or the amount is not the one
-- asked for. Returns the outcome.
create function private.record_payment_success(payment_id uuid, at timestamptz, amount bigint, currency text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments := (select p from public.payments p where p.id = record_payment_success.payment_id);
  invoice public.invoices := private.lock_invoice(payment.invoice_id);
begin
  select * into payment from public.payments p where p.id = record_payment_success.payment_id for update;
  if payment.status = 'succeeded' then
    return 'already_succeeded';
  end if;
  update public.payments p
  set status = 'succeeded', succeeded_at = now(), failure_message = null, last_event_at = greatest(p.last_event_at, at),
      last_event_rank = 3
  where p.id = payment.id
  returning * into payment;

  if amount is distinct from payment.amount or lower(currency) is distinct from lower(payment.currency) then
    -- Not what was asked: record what was taken and give all of it back.
    update public.payments p
    set amount = coalesce(nullif(record_payment_success.amount, 0), p.amount),
        failure_message = format('paid %s %s for %s %s', record_payment_success.amount, record_payment_success.currency, p.amount, p.currency)
    where p.id = payment.id
    returning * into payment;
    perform private.queue_refund(payment, payment.amount, 'unfulfillable', payment.failure_message);
    return 'refund_queued';
  end if;
  if invoice.status in ('paid', 'partially_refunded', 'refunded') then
    perform private.queue_refund(payment, payment.amount, 'duplicate', format('invoice %s was already paid', invoice.number));
    return 'refund_queued';
  end if;
  begin
    perform service.settle_invoice(invoice.id);
  exception when exclusion_violation or raise_exception then
    perform private.queue_refund(payment, payment.amount, 'unfulfillable', sqlerrm);
    return 'refund_queued';
  end;
  update public.payments p set applied = true where p.id = payment.id;
  return 'paid';
end
$$;

grant execute on function private.record_payment_success(uuid, timestamptz, bigint, text) to service_role;

-- Moves a payment to a status that is not success, if the event is newer than what it has
-- (see private.payment_may_become for `rank`).
create function private.record_payment_status(
  payment public.payments, to_status public.payment_status, at timestamptz, rank smallint, message text
)
returns text
language plpgsql
set search_path = ''
as $$
begin
  perform 1 from public.payments p where p.id = payment.id for update;
  select * into payment from public.payments p where p.id = payment.id;
  if not private.payment_may_become(payment, to_status, at, rank) then
    return 'stale';
  end if;
  update public.payments p
  set status = to_status, last_event_at = at, last_event_rank = rank, failure_message = coalesce(message, p.failure_message)
  where p.id = payment.id;
  return to_status::text;
end
$$;

grant execute on function private.record_payment_status(public.payments, public.payment_status, timestamptz, smallint, text)
  to service_role;

-- The payment a Stripe object points at: by our id in its metadata, else by Stripe's id.
create function private.find_stripe_payment(payment_id uuid, session_id text, payment_intent_id text)
returns public.payments
language sql
stable
set search_path = ''
as $$
  select p from public.payments p
  where p.id = payment_id or p.stripe_checkout_session_id = session_id or p.stripe_payment_intent_id = payment_intent_id
  order by (p.id = payment_id) is true desc
  limit 1
$$;

grant execute on function private.find_stripe_payment(uuid, text, text) to service_role;

-- checkout.session.completed, .async_payment_succeeded, .async_payment_failed, .expired.
create function service.apply_checkout_event(
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
    when event_type = 'checkout.session.async_payment_succeeded'
      or (event_type = 'checkout.session.completed' and apply_checkout_event.payment_status in ('paid', 'no_payment_required'))
      then private.record_payment_success(payment.id, event_created, amount_total, currency)
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

comment on function service.apply_checkout_event(text, text, timestamptz, text, uuid, text, text, bigint, text) is
  'Service RPC for the webhook: applies a checkout.session.* event once (duplicate event ids change nothing). Returns the outcome: paid, refund_queued, processing, failed, cancelled, stale, duplicate, unknown_payment.';

-- payment_intent.payment_failed: a declined attempt. The client may still retry in the same
-- session, so this never undoes a success and never outranks a newer event.
create function service.apply_payment_intent_failed(
  event_id text,
  event_type text,
  event_created timestamptz,
  payment_intent_id text,
  payment_id uuid,
  failure_message text
)
returns text
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments;
begin
  if not private.claim_stripe_event(event_id, event_type, event_created) then
    return 'duplicate';
  end if;
  payment := private.find_stripe_payment(apply_payment_intent_failed.payment_id, null, payment_intent_id);
  if payment.id is null then
    return private.finish_stripe_event(event_id, 'unknown_payment');
  end if;
  update public.payments p
  set stripe_payment_intent_id = coalesce(p.stripe_payment_intent_id, apply_payment_intent_failed.payment_intent_id)
  where p.id = payment.id
  returning * into payment;
  return private.finish_stripe_event(event_id, private.record_payment_status(payment, 'failed', event_created, 1::smallint, failure_message));
end
$$;

comment on function service.apply_payment_intent_failed(text, text, timestamptz, text, uuid, text) is
  'Service RPC for the webhook: records a failed payment attempt unless the payment succeeded or a newer event moved it.';

-- Sessions to expire at Stripe because the booking hold they pay for has lapsed.
create function service.lapsed_checkouts(max_rows integer default 100)
returns table (payment_id uuid, session_id text)
language sql
stable
set search_path = ''
as $$
  select p.id, p.stripe_checkout_session_id
  from public.payments p
  join public.bookings b on b.id = p.booking_id
  where p.method = 'stripe' and p.status in ('pending', 'failed') and p.stripe_checkout_session_id is not null
    and p.checkout_expires_at > now()
    and (p.checkout_expire_requested_at is null or p.checkout_expire_requested_at < now() - interval '5 minutes')
    and (b.status <> 'held' or b.hold_expires_at <= now())
  order by p.checkout_expires_at
  limit max_rows
$$;

comment on function service.lapsed_checkouts(integer) is
  'Service RPC for the sweeper: open Checkout Sessions whose booking is no longer held; expire them at Stripe.';

-- Stripe answered the expiry: 'expired', or the session's status when it was too late.
create function service.record_checkout_expired(payment_id uuid, session_status text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments;
begin
  update public.payments p set checkout_expire_requested_at = now()
  where p.id = record_checkout_expired.payment_id
  returning * into payment;
  if payment.id is null then
    raise exception 'payment_id: payment % not found', record_checkout_expired.payment_id using errcode = 'P0002';
  end if;
  if session_status = 'expired' then
    return private.record_payment_status(payment, 'cancelled', now(), 3::smallint, 'the booking hold lapsed');
  end if;
  return 'left_' || session_status;
end
$$;

comment on function service.record_checkout_expired(uuid, text) is
  'Service RPC for the sweeper: records Stripe''s answer to expiring a session (expired, or complete when payment won the race; the webhook settles that).';
