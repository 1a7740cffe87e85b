-- payments: the RPCs answer "not found" and "slot taken" with the statuses frontends expect.
--
-- Each wrapper of 20260109* becomes plpgsql: it forwards its arguments to the body in
-- `private` as before and re-raises P0002 as PT404 and 23P01 as PT409 (PostgREST: 404, 409)
-- through private.raise_for_postgrest (20260110000100). Signature, result, grants and the
-- API comment stay; comments that name the codes are restated with the new ones.

-- request_refund --------------------------------------------------------------------------------
create or replace function public.request_refund(
  invoice_id uuid,
  amount bigint default null,
  reason text default null
)
returns setof public.refunds
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return query select * from private.request_refund(
    invoice_id => request_refund.invoice_id,
    amount => request_refund.amount,
    reason => request_refund.reason
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- complete_manual_refund ------------------------------------------------------------------------
create or replace function public.complete_manual_refund(
  refund_id uuid
)
returns public.refunds
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.complete_manual_refund(
    refund_id => complete_manual_refund.refund_id
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- declare_manual_payment ------------------------------------------------------------------------
create or replace function public.declare_manual_payment(
  invoice_id uuid,
  method public.payment_method,
  reference text
)
returns public.payments
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.declare_manual_payment(
    invoice_id => declare_manual_payment.invoice_id,
    method => declare_manual_payment.method,
    reference => declare_manual_payment.reference
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- review_manual_payment -------------------------------------------------------------------------
create or replace function public.review_manual_payment(
  payment_id uuid,
  approve boolean,
  note text default null
)
returns public.payments
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.review_manual_payment(
    payment_id => review_manual_payment.payment_id,
    approve => review_manual_payment.approve,
    note => review_manual_payment.note
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- begin_payout_onboarding -----------------------------------------------------------------------
create or replace function public.begin_payout_onboarding()
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.begin_payout_onboarding();
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

comment on function public.request_refund(uuid, bigint, text) is
  'RPC for admins (through the refunds Lambda): queues refunds of an invoice''s payments, amount in minor units (null: all that is left). Errors: 42501 not an admin, PT404 unknown invoice, P0001 amount not above 0 or above what is left.';
comment on function public.declare_manual_payment(uuid, public.payment_method, text) is
  'RPC for clients: declares a bank transfer, QR or cash payment of the whole open invoice for an admin to review; keeps the booking held meanwhile. Errors: P0001 stripe method or no reference, PT404 unknown invoice, 42501 not the client, PT409 invoice not open or a payment in progress.';
comment on function public.review_manual_payment(uuid, boolean, text) is
  'RPC for admins: approves a declared manual payment (the invoice is paid and the booking confirmed as by Stripe; a late or duplicate one is queued for refund) or rejects it. Errors: 42501 not an admin, PT404 unknown payment, PT409 not awaiting review.';
