-- payments / refunds and disputes: how refunds are decided (an admin, a cancellation), how
-- the refunds Lambda submits them, and what the webhook applies for charge.refunded,
-- refund.* and charge.dispute.*.
--
-- Lock order everywhere: (coupon,) booking, invoice, payment, refund.

-- Refunds an invoice's settled payments, newest first, up to `amount` (null: everything
-- left). Stripe payments are queued for the Lambda; money paid outside Stripe is given back
-- outside it too, and an admin confirms it with complete_manual_refund.
create function private.refund_invoice(invoice_id uuid, amount bigint, kind public.refund_kind, reason text)
returns setof public.refunds
language plpgsql
set search_path = ''
as $$
declare
  invoice public.invoices := private.lock_invoice(refund_invoice.invoice_id);
  payment public.payments;
  available bigint;
  left_to_refund bigint;
  share bigint;
  refund public.refunds;
begin
  select coalesce(sum(private.refundable_amount(p)), 0) into available
  from public.payments p where p.invoice_id = invoice.id and p.applied;
  left_to_refund := coalesce(amount, available);
  if left_to_refund <= 0 then
    raise exception 'amount: a refund must be more than 0 (invoice % has % left to refund)', invoice.number, available
      using errcode = 'P0001';
  end if;
  if left_to_refund > available then
    raise exception 'amount: % is more than the % % left to refund on invoice %', left_to_refund, available, invoice.currency, invoice.number
      using errcode = 'P0001';
  end if;

  for payment in
    select * from public.payments p where p.invoice_id = invoice.id and p.applied
    order by p.succeeded_at desc
    for update
  loop
    share := least(left_to_refund, private.refundable_amount(payment));
    continue when share <= 0;
    refund := private.queue_refund(payment, share, kind, reason);
    return next refund;
    left_to_refund := left_to_refund - share;
    exit when left_to_refund = 0;
  end loop;
end
$$;

grant execute on function private.refund_invoice(uuid, bigint, public.refund_kind, text) to service_role;

-- Security definer: refunds have no INSERT privilege for any API role; admins only.
create function public.request_refund(invoice_id uuid, amount bigint default null, reason text default null)
returns setof public.refunds
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not private.is_admin() then
    raise exception 'only admins can refund' using errcode = '42501';
  end if;
  if not exists (select 1 from public.invoices i where i.id = request_refund.invoice_id) then
    raise exception 'invoice_id: invoice % not found', request_refund.invoice_id using errcode = 'P0002';
  end if;
  return query select * from private.refund_invoice(request_refund.invoice_id, amount, 'admin', reason);
end
$$;

revoke execute on function public.request_refund(uuid, bigint, text) from public, anon;
grant execute on function public.request_refund(uuid, bigint, text) to authenticated;

comment on function public.request_refund(uuid, bigint, text) is
  'RPC for admins (through the refunds Lambda): queues refunds of an invoice''s payments, amount in minor units (null: all that is left). Errors: 42501 not an admin, P0002 unknown invoice, P0001 amount not above 0 or above what is left.';

-- Security definer: see request_refund.
create function public.complete_manual_refund(refund_id uuid)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
  refund public.refunds;
begin
  if not private.is_admin() then
    raise exception 'only admins can record refunds' using errcode = '42501';
  end if;
  update public.refunds r set status = 'succeeded', succeeded_at = now()
  where r.id = complete_manual_refund.refund_id and r.status = 'requested'
    and (select p.method from public.payments p where p.id = r.payment_id) <> 'stripe'
  returning * into refund;
  if refund.id is null then
    raise exception 'refund_id: refund % is not a queued refund of a manual payment', complete_manual_refund.refund_id
      using errcode = 'PT409';
  end if;
  perform private.refresh_refunded(refund.payment_id);
  return refund;
end
$$;

revoke execute on function public.complete_manual_refund(uuid) from public, anon;
grant execute on function public.complete_manual_refund(uuid) to authenticated;

comment on function public.complete_manual_refund(uuid) is
  'RPC for admins: records that a queued refund of a bank transfer, QR or cash payment was paid back.';

-- A cancelled booking that was paid gets back what its cancellation policy does not keep.
-- Security definer: runs inside transition_booking for whoever cancels.
create function private.tg_bookings_refund_on_cancel()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  invoice public.invoices;
  refundable bigint;
begin
  select * into invoice from public.invoices i where i.booking_id = new.id;
  if invoice.status not in ('paid', 'partially_refunded') then
    return null;
  end if;
  select coalesce(sum(private.refundable_amount(p)), 0) - coalesce(new.cancellation_fee, 0) into refundable
  from public.payments p where p.invoice_id = invoice.id and p.applied;
  if refundable > 0 then
    perform private.refund_invoice(invoice.id, refundable, 'cancellation', 'booking cancelled');
  end if;
  return null;
end
$$;

create trigger refund_on_cancel
  after update of status on public.bookings
  for each row when (new.status = 'cancelled' and old.status is distinct from 'cancelled')
  execute function private.tg_bookings_refund_on_cancel();

-- Submitting to Stripe --------------------------------------------------------------------

-- Claims queued Stripe refunds for five minutes (a crashed Lambda's claims lapse and are
-- taken again; the idempotency key makes the second submission the same refund).
create function service.refunds_to_submit(invoice_id uuid default null, booking_id uuid default null, max_rows integer default 50)
returns table (
  refund_id uuid, payment_intent_id text, amount bigint, currency text, reverse_transfer boolean,
  refund_application_fee boolean, idempotency_key text
)
language sql
set search_path = ''
as $$
  with claimed as (
    select r.id from public.refunds r
    join public.payments p on p.id = r.payment_id
    where r.status = 'requested' and r.stripe_refund_id is null and p.stripe_payment_intent_id is not null
      and (r.claimed_until is null or r.claimed_until < now())
      and (refunds_to_submit.invoice_id is null or r.invoice_id = refunds_to_submit.invoice_id)
      and (refunds_to_submit.booking_id is null or r.booking_id = refunds_to_submit.booking_id)
    order by r.created_at
    limit max_rows
    for update of r skip locked
  )
  update public.refunds r
  set claimed_until = now() + interval '5 minutes', attempts = r.attempts + 1
  from claimed, public.payments p
  where r.id = claimed.id and p.id = r.payment_id
  returning r.id, p.stripe_payment_intent_id, r.amount, lower(r.currency), r.reverse_transfer, r.refund_application_fee,
            'refund-' || r.id
$$;

comment on function service.refunds_to_submit(uuid, uuid, integer) is
  'Service RPC for the refunds Lambda: claims queued Stripe refunds (of one invoice or booking, or any) for 5 minutes; submit each with its idempotency_key.';

-- Applies a refund status reported at `at` (by Stripe's API answer or a webhook).
create function private.record_refund_status(refund_id uuid, to_status public.refund_status, at timestamptz, failure text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  refund public.refunds := (select r from public.refunds r where r.id = record_refund_status.refund_id);
  invoice public.invoices := private.lock_invoice(refund.invoice_id);
begin
  perform 1 from public.payments p where p.id = refund.payment_id for update;
  select * into refund from public.refunds r where r.id = record_refund_status.refund_id for update;
  if not private.refund_may_become(refund, to_status, at) then
    return 'stale';
  end if;
  update public.refunds r
  set status = to_status, claimed_until = null,
      last_event_at = case when at = '-infinity' then r.last_event_at else greatest(r.last_event_at, at) end,
      failure_reason = coalesce(failure, r.failure_reason),
      succeeded_at = case when to_status = 'succeeded' then now() else r.succeeded_at end
  where r.id = refund.id;
  perform private.refresh_refunded(refund.payment_id);
  return 'refund_' || to_status;
end
$$;

grant execute on function private.record_refund_status(uuid, public.refund_status, timestamptz, text) to service_role;

create function service.record_refund_submitted(refund_id uuid, stripe_refund_id text, status public.refund_status, failure_reason text default null)
returns text
language plpgsql
set search_path = ''
as $$
begin
  update public.refunds r set stripe_refund_id = coalesce(r.stripe_refund_id, record_refund_submitted.stripe_refund_id)
  where r.id = record_refund_submitted.refund_id;
  if not found then
    raise exception 'refund_id: refund % not found', record_refund_submitted.refund_id using errcode = 'P0002';
  end if;
  -- Stripe's answer is older than any webhook about the refund: it never outranks one.
  return private.record_refund_status(refund_id, status, '-infinity', failure_reason);
end
$$;

comment on function service.record_refund_submitted(uuid, text, public.refund_status, text) is
  'Service RPC for the refunds Lambda: records the refund Stripe created for a queued one and the status it answered.';

create function service.record_refund_submission_failed(refund_id uuid, error text, retryable boolean)
returns text
language plpgsql
set search_path = ''
as $$
declare
  refund public.refunds;
begin
  update public.refunds r
  set last_error = error,
      claimed_until = case when retryable then now() + make_interval(mins => least(power(2, r.attempts)::integer, 360)) end,
      status = case when retryable then r.status else 'failed' end,
      failure_reason = case when retryable then r.failure_reason else error end
  where r.id = record_refund_submission_failed.refund_id and r.status = 'requested'
  returning * into refund;
  if refund.id is null then
    return 'unchanged';
  end if;
  return case when retryable then 'retry_later' else 'refund_failed' end;
end
$$;

comment on function service.record_refund_submission_failed(uuid, text, boolean) is
  'Service RPC for the refunds Lambda: Stripe refused a refund (retryable: try again after an exponential pause; else failed).';

-- Webhooks -------------------------------------------------------------------------------

-- A refund or dispute event for a payment intent we have not linked yet: Stripe may deliver
-- it before checkout.session.completed. For a day it is refused with PT503 (nothing is
-- recorded, Stripe retries); after that it is taken as another system's payment.
create function private.payment_not_known_yet(event_id text, event_created timestamptz)
returns text
language plpgsql
set search_path = ''
as $$
begin
  if event_created > now() - interval '1 day' then
    raise exception 'payment: no payment for this event yet; retry later' using errcode = 'PT503';
  end if;
  return private.finish_stripe_event(event_id, 'unknown_payment');
end
$$;

grant execute on function private.payment_not_known_yet(text, timestamptz) to service_role;

-- charge.refunded: the charge's cumulative refunded amount, kept for reconciliation (the
-- refund rows, from refund.* events, are what counts; see private.refresh_refunded).
create function service.apply_charge_refunded(
  event_id text,
  event_type text,
  event_created timestamptz,
  payment_intent_id text,
  charge_id text,
  amount_refunded bigint,
  currency text
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
  payment := private.find_stripe_payment(null, null, payment_intent_id);
  if payment.id is null then
    return private.payment_not_known_yet(event_id, event_created);
  end if;
  perform private.lock_invoice(payment.invoice_id);
  update public.payments p
  set charge_amount_refunded = least(apply_charge_refunded.amount_refunded, p.amount),
      charge_refunded_at = event_created,
      stripe_charge_id = coalesce(p.stripe_charge_id, charge_id)
  where p.id = payment.id and (p.charge_refunded_at is null or p.charge_refunded_at <= event_created);
  return private.finish_stripe_event(event_id, case when found then 'charge_refunded' else 'stale' end);
end
$$;

comment on function service.apply_charge_refunded(text, text, timestamptz, text, text, bigint, text) is
  'Service RPC for the webhook: records the charge''s refunded total as Stripe reports it (for reconciliation; refund rows decide the invoice).';

-- refund.created / refund.updated / refund.failed: ours (metadata refund_id or known Stripe
-- id) or made in Stripe's dashboard (recorded as external).
create function service.apply_refund_event(
  event_id text,
  event_type text,
  event_created timestamptz,
  stripe_refund_id text,
  refund_id uuid,
  payment_intent_id text,
  amount bigint,
  currency text,
  status public.refund_status,
  failure_reason text
)
returns text
language plpgsql
set search_path = ''
as $$
declare
  refund public.refunds;
  payment public.payments;
begin
  if not private.claim_stripe_event(event_id, event_type, event_created) then
    return 'duplicate';
  end if;
  select * into refund from public.refunds r
  where r.stripe_refund_id = apply_refund_event.stripe_refund_id or r.id = apply_refund_event.refund_id
  order by (r.stripe_refund_id = apply_refund_event.stripe_refund_id) is true desc
  limit 1;
  if refund.id is null then
    payment := private.find_stripe_payment(null, null, payment_intent_id);
    if payment.id is null then
      return private.payment_not_known_yet(event_id, event_created);
    end if;
    perform private.lock_invoice(payment.invoice_id);
    select * into payment from public.payments p where p.id = payment.id for update;
    insert into public.refunds (
      payment_id, invoice_id, booking_id, client_id, provider_id, kind, status, amount, currency, reason, stripe_refund_id,
      reverse_transfer, refund_application_fee
    )
    values (
      payment.id, payment.invoice_id, payment.booking_id, payment.client_id, payment.provider_id, 'external', 'requested',
      apply_refund_event.amount, payment.currency, 'made in Stripe', apply_refund_event.stripe_refund_id,
      payment.destination_account is not null, payment.application_fee > 0
    )
    on conflict on constraint refunds_stripe_refund_id_key do nothing
    returning * into refund;
    if refund.id is null then
      select * into refund from public.refunds r where r.stripe_refund_id = apply_refund_event.stripe_refund_id;
    end if;
  elsif refund.stripe_refund_id is null then
    update public.refunds r set stripe_refund_id = apply_refund_event.stripe_refund_id where r.id = refund.id;
  end if;
  return private.finish_stripe_event(event_id,
    private.record_refund_status(refund.id, status, event_created, failure_reason));
end
$$;

comment on function service.apply_refund_event(text, text, timestamptz, text, uuid, text, bigint, text, public.refund_status, text) is
  'Service RPC for the webhook: moves a refund forward (never back), recording refunds made in Stripe''s dashboard as external.';

-- charge.dispute.created / updated / closed.
create function service.apply_dispute_event(
  event_id text,
  event_type text,
  event_created timestamptz,
  dispute_id text,
  payment_intent_id text,
  charge_id text,
  amount bigint,
  currency text,
  status text,
  reason text,
  evidence_due_by timestamptz
)
returns text
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments;
  dispute public.disputes;
begin
  if not private.claim_stripe_event(event_id, event_type, event_created) then
    return 'duplicate';
  end if;
  select p.* into payment from public.payments p
  where p.stripe_payment_intent_id = apply_dispute_event.payment_intent_id or p.stripe_charge_id = apply_dispute_event.charge_id
  limit 1;
  if payment.id is null then
    return private.payment_not_known_yet(event_id, event_created);
  end if;

  insert into public.disputes (
    payment_id, invoice_id, client_id, provider_id, stripe_dispute_id, amount, currency, status, reason, evidence_due_by,
    last_event_at, closed_at
  )
  values (
    payment.id, payment.invoice_id, payment.client_id, payment.provider_id, dispute_id, amount, upper(currency), status,
    reason, evidence_due_by, event_created,
    case when status in ('won', 'lost', 'warning_closed', 'prevented') then now() end
  )
  on conflict (stripe_dispute_id) do nothing
  returning * into dispute;
  if dispute.id is not null then
    return private.finish_stripe_event(event_id, 'dispute_' || status);
  end if;

  select * into dispute from public.disputes d where d.stripe_dispute_id = dispute_id for update;
  if not private.dispute_may_become(dispute, status, event_created) then
    return private.finish_stripe_event(event_id, 'stale');
  end if;
  update public.disputes d
  set status = apply_dispute_event.status, amount = apply_dispute_event.amount, reason = apply_dispute_event.reason,
      evidence_due_by = coalesce(apply_dispute_event.evidence_due_by, d.evidence_due_by),
      last_event_at = greatest(d.last_event_at, event_created),
      closed_at = case when apply_dispute_event.status in ('won', 'lost', 'warning_closed', 'prevented') then now() end
  where d.id = dispute.id;
  return private.finish_stripe_event(event_id, 'dispute_' || status);
end
$$;

comment on function service.apply_dispute_event(text, text, timestamptz, text, text, text, bigint, text, text, text, timestamptz) is
  'Service RPC for the webhook: records a dispute and moves it forward (closed disputes stay closed; otherwise the newer event wins).';
