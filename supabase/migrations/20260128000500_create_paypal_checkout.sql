-- payments / PayPal Checkout (issue 18): what the PayPal Lambda asks before and after it talks
-- to PayPal, and what its webhook applies, through the same payment rows and rules as Stripe.
--
--   begin_paypal_checkout (as the client) ─> PayPal: create order ─> attach_paypal_order
--   the buyer approves on PayPal ─> capture (the Lambda, asked by the frontend or by the
--   CHECKOUT.ORDER.APPROVED webhook) ─> record_paypal_capture
--   webhook: PAYMENT.CAPTURE.COMPLETED / PENDING / DENIED / REFUNDED / REVERSED ─> apply_paypal_event
--   refunds: paypal_refunds_to_submit ─> PayPal: refund the capture ─> record_paypal_refund_submitted
--
-- * The amount and currency come from the invoice, never from the request. PayPal pays the
--   platform the whole amount (no destination charge): the provider's share is owed to them.
-- * Each event id is recorded (private.paypal_events) in the transaction of its effects;
--   states only move forward (private.payment_may_become: succeeded is final, otherwise the
--   newer event wins), so duplicates and disorder are harmless.
-- * A capture's answer and its PAYMENT.CAPTURE.COMPLETED event take the same path
--   (private.record_payment_success), whichever comes first; the second finds it succeeded.

-- Opens (or reuses) the PayPal payment of an invoice. The caller has read the invoice through
-- RLS and is its client.
-- Security definer: payments have no INSERT privilege for any API role.
create function private.open_paypal_payment(invoice_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  gateway public.payment_gateways := (select g from public.payment_gateways g where g.gateway = 'paypal');
  invoice public.invoices;
  payment public.payments;
begin
  if not coalesce(gateway.is_active, false) then
    raise exception 'PayPal is not offered' using errcode = 'PT409', hint = 'An admin turns it on in payment_gateways.';
  end if;
  invoice := private.payable_invoice(open_paypal_payment.invoice_id);
  if not invoice.currency = any (gateway.currencies) then
    raise exception 'invoice_id: PayPal does not take % here', invoice.currency using errcode = 'PT409';
  end if;

  -- PayPal lets a buyer approve an order for three hours: an older one waiting for approval is
  -- dead, and the next try gets a new order.
  update public.payments p set status = 'cancelled', failure_message = 'the PayPal order was not approved in time'
  where p.invoice_id = invoice.id and p.method = 'paypal' and p.status = 'pending'
    and p.created_at < now() - interval '3 hours';
  select * into payment from public.payments p
  where p.invoice_id = invoice.id and p.status in ('pending', 'processing');
  if payment.id is not null and payment.method <> 'paypal' then
    raise exception 'invoice_id: a % payment of invoice % is open; finish or abandon it first', payment.method, invoice.number
      using errcode = 'PT409';
  end if;
  if payment.status = 'processing' then
    raise exception 'invoice_id: a payment of invoice % is being processed', invoice.number using errcode = 'PT409';
  end if;
  if payment.id is null then
    insert into public.payments (invoice_id, booking_id, client_id, provider_id, method, amount, currency, application_fee)
    values (invoice.id, invoice.booking_id, invoice.client_id, invoice.provider_id, 'paypal', invoice.total - invoice.amount_paid,
            invoice.currency, case when invoice.provider_id is not null then invoice.commission else 0 end)
    returning * into payment;
  end if;

  return jsonb_build_object(
    'payment_id', payment.id,
    'invoice_id', invoice.id,
    'invoice_number', invoice.number,
    'booking_id', invoice.booking_id,
    'amount', payment.amount,
    'currency', payment.currency,
    'description', private.invoice_description(invoice),
    'order_id', payment.paypal_order_id,
    'approve_url', payment.checkout_url
  );
end
$$;

grant execute on function private.open_paypal_payment(uuid) to authenticated;

-- The invoice the caller is about to pay, read as the caller (RLS decides whether it exists for
-- them): PT404 when they cannot see it, 42501 when they are not its client. The question every
-- way of paying asks first (PayPal here, a saved card in 20260128000800).
create function private.callers_invoice(invoice_id uuid)
returns uuid
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  invoice public.invoices;
begin
  select * into invoice from public.invoices i where i.id = callers_invoice.invoice_id;
  if invoice.id is null then
    raise exception 'invoice_id: invoice % not found', callers_invoice.invoice_id using errcode = 'PT404';
  end if;
  if invoice.client_id is distinct from auth.uid() then
    raise exception 'invoice_id: only the client of invoice % can pay it', invoice.number using errcode = '42501';
  end if;
  return invoice.id;
end
$$;

grant execute on function private.callers_invoice(uuid) to authenticated;

create function public.begin_paypal_checkout(invoice_id uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.open_paypal_payment(private.callers_invoice(begin_paypal_checkout.invoice_id));
-- An invoice gone while it is locked (private.lock_invoice's P0002) answers as PostgREST's 404.
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

revoke execute on function public.begin_paypal_checkout(uuid) from public, anon;
grant execute on function public.begin_paypal_checkout(uuid) to authenticated;

comment on function public.begin_paypal_checkout(uuid) is
  'RPC for the PayPal Lambda, as the client: the payment to create a PayPal order for (amount, currency, description), or the order to reuse (order_id, approve_url). Errors: PT404 unknown invoice, 42501 not the client, PT409 PayPal off or not in this currency, invoice not open, another payment open.';

create function service.attach_paypal_order(payment_id uuid, order_id text, approve_url text)
returns public.payments
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments;
begin
  update public.payments p
  set paypal_order_id = order_id, checkout_url = approve_url
  where p.id = attach_paypal_order.payment_id and p.method = 'paypal'
    and (p.paypal_order_id is null or p.paypal_order_id = order_id)
  returning * into payment;
  if payment.id is null then
    raise exception 'payment_id: payment % has no room for order %', attach_paypal_order.payment_id, order_id
      using errcode = 'PT409';
  end if;
  return payment;
end
$$;

comment on function service.attach_paypal_order(uuid, text, text) is
  'Service RPC: records the PayPal order created for a payment and its approval link (idempotent for the same order).';

-- The payment a PayPal object points at: by our id (custom_id), else by PayPal's ids.
create function private.find_paypal_payment(payment_id uuid, order_id text, capture_id text)
returns public.payments
language sql
stable
set search_path = ''
as $$
  select p from public.payments p
  where p.method = 'paypal'
    and (p.id = payment_id or p.paypal_order_id = order_id or p.paypal_capture_id = capture_id)
  order by (p.id = payment_id) is true desc
  limit 1
$$;

-- A capture's outcome, from the capture call's answer or a PAYMENT.CAPTURE.* event created at
-- `at`: COMPLETED settles (or refunds, as a Stripe payment would), PENDING waits, DECLINED or
-- FAILED fails the payment.
create function private.apply_paypal_capture(
  payment public.payments, capture_id text, capture_status text, at timestamptz, amount bigint, currency text
)
returns text
language plpgsql
set search_path = ''
as $$
begin
  perform private.lock_invoice(payment.invoice_id);
  update public.payments p set paypal_capture_id = coalesce(p.paypal_capture_id, apply_paypal_capture.capture_id)
  where p.id = payment.id
  returning * into payment;
  return case upper(capture_status)
    when 'COMPLETED' then private.record_payment_success(payment.id, at, amount, currency)
    when 'PENDING' then private.record_payment_status(payment, 'processing', at, 2::smallint, null)
    when 'DECLINED' then private.record_payment_status(payment, 'failed', at, 3::smallint, 'PayPal declined the payment')
    when 'FAILED' then private.record_payment_status(payment, 'failed', at, 3::smallint, 'the PayPal payment failed')
    else 'ignored'
  end;
end
$$;

create function service.record_paypal_capture(
  payment_id uuid, capture_id text, capture_status text, amount bigint, currency text
)
returns text
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments := private.find_paypal_payment(record_paypal_capture.payment_id, null, capture_id);
begin
  if payment.id is null then
    raise exception 'payment_id: PayPal payment % not found', record_paypal_capture.payment_id using errcode = 'P0002';
  end if;
  -- The answer is as new as the capture itself: events about the order from before it lose.
  return private.apply_paypal_capture(payment, capture_id, capture_status, now(), amount, currency);
end
$$;

comment on function service.record_paypal_capture(uuid, text, text, bigint, text) is
  'Service RPC for the PayPal Lambda: applies the answer of a capture (COMPLETED, PENDING, DECLINED, FAILED) as its webhook would.';

-- A refund PayPal reports (PAYMENT.CAPTURE.REFUNDED, or .REVERSED for a chargeback or a
-- reversal by PayPal): the queued refund it answers, or a new row for one made elsewhere.
create function private.apply_paypal_refund(
  payment public.payments, capture_id text, refund_id text, refund_status text, at timestamptz, amount bigint,
  reversed boolean
)
returns text
language plpgsql
set search_path = ''
as $$
declare
  refund public.refunds;
  status public.refund_status := case upper(refund_status)
    when 'COMPLETED' then 'succeeded' when 'PENDING' then 'pending' when 'FAILED' then 'failed'
    when 'CANCELLED' then 'canceled' else null end;
begin
  if status is null then
    return 'ignored';
  end if;
  perform private.lock_invoice(payment.invoice_id);
  if payment.status <> 'succeeded' then
    -- PayPal refunds only a completed capture: the capture's own event is late (or lost).
    perform private.apply_paypal_capture(payment, capture_id, 'COMPLETED', at, payment.amount, payment.currency);
    select * into payment from public.payments p where p.id = payment.id;
  end if;
  select * into refund from public.refunds r where r.paypal_refund_id = refund_id;
  if refund.id is null and not reversed then
    -- One we asked for, reported before the refunds Lambda recorded PayPal's answer (or when
    -- that answer was lost): the oldest of ours in flight for that amount.
    select * into refund from public.refunds r
    where r.payment_id = payment.id and r.paypal_refund_id is null and r.status = 'requested'
      and r.amount = apply_paypal_refund.amount
    order by r.created_at
    limit 1
    for update;
    if refund.id is not null then
      update public.refunds r set paypal_refund_id = refund_id where r.id = refund.id;
    end if;
  end if;
  if refund.id is null then
    refund := private.queue_refund(payment, amount, 'external',
                                   case when reversed then 'reversed by PayPal' else 'refunded at PayPal' end);
    update public.refunds r set paypal_refund_id = refund_id where r.id = refund.id;
  end if;
  return private.record_refund_status(refund.id, status, at, null);
end
$$;

-- PayPal webhook events, after the Lambda verified them with PayPal. `payment_id` is the
-- resource's custom_id; `resource_id` the order's, capture's or refund's id.
create function service.apply_paypal_event(
  event_id text,
  event_type text,
  event_created timestamptz,
  payment_id uuid,
  order_id text,
  capture_id text,
  resource_id text,
  resource_status text,
  amount bigint,
  currency text
)
returns text
language plpgsql
set search_path = ''
as $$
<<event>>
declare
  payment public.payments;
  outcome text;
  first_time integer;
begin
  insert into private.paypal_events (id, type, created) values (event_id, event_type, event_created)
  on conflict (id) do nothing;
  get diagnostics first_time = row_count;
  payment := private.find_paypal_payment(apply_paypal_event.payment_id, order_id, capture_id);
  if first_time = 0 then
    -- PayPal delivers an approval again when our answer failed: if the capture that should have
    -- followed did not happen, say so again, so that the Lambda captures.
    if event_type = 'CHECKOUT.ORDER.APPROVED' and payment.status = 'processing' and payment.paypal_capture_id is null then
      return 'processing';
    end if;
    return 'duplicate';
  end if;
  if payment.id is null then
    outcome := 'unknown_payment';
  else
    outcome := case event_type
      -- Approved by the buyer: the Lambda captures it next (from this event too, so that a
      -- buyer who never returns to the site still pays what they approved).
      when 'CHECKOUT.ORDER.APPROVED'
        then case when payment.status = 'cancelled' then 'cancelled'  -- abandoned: not captured
                  else private.record_payment_status(payment, 'processing', event_created, 1::smallint, null) end
      when 'PAYMENT.CAPTURE.COMPLETED'
        then private.apply_paypal_capture(payment, resource_id, 'COMPLETED', event_created, amount, currency)
      when 'PAYMENT.CAPTURE.PENDING'
        then private.apply_paypal_capture(payment, resource_id, 'PENDING', event_created, amount, currency)
      when 'PAYMENT.CAPTURE.DENIED'
        then private.apply_paypal_capture(payment, resource_id, 'DECLINED', event_created, amount, currency)
      when 'PAYMENT.CAPTURE.REFUNDED'
        then private.apply_paypal_refund(payment, capture_id, resource_id, resource_status, event_created, amount, false)
      when 'PAYMENT.CAPTURE.REVERSED'
        then private.apply_paypal_refund(payment, capture_id, resource_id, resource_status, event_created, amount, true)
      else 'ignored'
    end;
  end if;
  update private.paypal_events e set outcome = event.outcome where e.id = apply_paypal_event.event_id;
  return outcome;
end
$$;

comment on function service.apply_paypal_event(text, text, timestamptz, uuid, text, text, text, text, bigint, text) is
  'Service RPC for the PayPal webhook: applies a verified event once (its id recorded with its effects). Returns the outcome: duplicate, unknown_payment, processing, paid, refund_queued, failed, stale, ignored, a refund''s status.';

-- Refunds of PayPal payments ------------------------------------------------------------------------------

create function service.paypal_refunds_to_submit(invoice_id uuid default null, booking_id uuid default null, max_rows integer default 50)
returns table (refund_id uuid, capture_id text, amount bigint, currency text, request_id text)
language sql
set search_path = ''
as $$
  with claimed as (
    select r.id from public.refunds r
    join public.payments p on p.id = r.payment_id
    where r.status = 'requested' and r.paypal_refund_id is null and r.stripe_refund_id is null
      and p.method = 'paypal' and p.paypal_capture_id is not null
      and (r.claimed_until is null or r.claimed_until < now())
      and (paypal_refunds_to_submit.invoice_id is null or r.invoice_id = paypal_refunds_to_submit.invoice_id)
      and (paypal_refunds_to_submit.booking_id is null or r.booking_id = paypal_refunds_to_submit.booking_id)
    order by r.created_at
    limit max_rows
    for update of r skip locked
  )
  update public.refunds r
  set claimed_until = now() + interval '5 minutes', attempts = r.attempts + 1
  from claimed, public.payments p
  where r.id = claimed.id and p.id = r.payment_id
  returning r.id, p.paypal_capture_id, r.amount, r.currency::text, 'refund-' || r.id
$$;

comment on function service.paypal_refunds_to_submit(uuid, uuid, integer) is
  'Service RPC for the refunds Lambda: claims queued refunds of PayPal payments (of one invoice or booking, or any) for 5 minutes; submit each with its request_id as PayPal-Request-Id.';

create function service.record_paypal_refund_submitted(refund_id uuid, paypal_refund_id text, refund_status text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  status public.refund_status := case upper(refund_status)
    when 'COMPLETED' then 'succeeded' when 'PENDING' then 'pending' when 'FAILED' then 'failed'
    when 'CANCELLED' then 'canceled' end;
begin
  if status is null then
    raise exception 'refund_status: % is not a PayPal refund status', refund_status using errcode = '22023';
  end if;
  -- The invoice first, as every path that touches its money locks it.
  perform private.lock_invoice(r.invoice_id) from public.refunds r where r.id = record_paypal_refund_submitted.refund_id;
  if not found then
    raise exception 'refund_id: refund % not found', record_paypal_refund_submitted.refund_id using errcode = 'P0002';
  end if;
  -- Its webhook may have come first and named it already.
  update public.refunds r set paypal_refund_id = coalesce(r.paypal_refund_id, record_paypal_refund_submitted.paypal_refund_id)
  where r.id = record_paypal_refund_submitted.refund_id;
  -- PayPal's answer is older than any webhook about the refund: it never outranks one.
  return private.record_refund_status(refund_id, status, '-infinity', null);
end
$$;

comment on function service.record_paypal_refund_submitted(uuid, text, text) is
  'Service RPC for the refunds Lambda: records the refund PayPal made for a queued one and the status it answered (COMPLETED, PENDING, FAILED, CANCELLED).';

revoke all on function private.find_paypal_payment(uuid, text, text),
  private.apply_paypal_capture(public.payments, text, text, timestamptz, bigint, text),
  private.apply_paypal_refund(public.payments, text, text, text, timestamptz, bigint, boolean)
  from public, anon, authenticated;
grant execute on function private.find_paypal_payment(uuid, text, text),
  private.apply_paypal_capture(public.payments, text, text, timestamptz, bigint, text),
  private.apply_paypal_refund(public.payments, text, text, text, timestamptz, bigint, boolean)
  to service_role;

-- The capture route's question, as the client: which of their payments an order pays. Read
-- through RLS, so someone else's order is simply not found.
create function public.paypal_order_payment(order_id text)
returns table (payment_id uuid, invoice_id uuid, status public.payment_status, amount bigint, currency text)
language sql
stable
security invoker
set search_path = ''
as $$
  select p.id, p.invoice_id, p.status, p.amount, p.currency::text
  from public.payments p
  where p.paypal_order_id = paypal_order_payment.order_id and p.client_id = (select auth.uid())
$$;

revoke execute on function public.paypal_order_payment(text) from public, anon;
grant execute on function public.paypal_order_payment(text) to authenticated;

comment on function public.paypal_order_payment(text) is
  'RPC for the PayPal Lambda, as the client: the payment their PayPal order pays (none for someone else''s order).';
