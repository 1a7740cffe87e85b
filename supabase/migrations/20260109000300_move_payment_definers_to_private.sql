-- payments: the privileged bodies of the RPCs move to `private`, behind invoker wrappers.
--
-- The rule (README, "Definer functions"): nothing in an exposed schema is SECURITY DEFINER
-- where anon or authenticated may execute it (Supabase advisors 0028 / 0029). A function that
-- must act with its owner's rights keeps its body in `private`, which PostgREST never
-- exposes; the API keeps the same name, arguments, defaults, result and comment as a one-line
-- SECURITY INVOKER function in `public` that calls it. `alter function ... set schema` moves
-- each body unchanged (they name every object with its schema), with its owner and settings;
-- its grants are then restated explicitly, as are the wrapper's. Behaviour, errors and who may
-- call what do not change: the wrapper runs as the caller, the body as before.

-- request_refund ------------------------------------------------------------------------------
alter function public.request_refund(uuid, bigint, text) set schema private;
revoke all on function private.request_refund(uuid, bigint, text) from public, anon, authenticated, service_role;
grant execute on function private.request_refund(uuid, bigint, text) to authenticated, service_role;

create function public.request_refund(
  invoice_id uuid,
  amount bigint default null,
  reason text default null
)
returns setof public.refunds
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.request_refund(
    invoice_id => request_refund.invoice_id,
    amount => request_refund.amount,
    reason => request_refund.reason
  )
$$;

revoke all on function public.request_refund(uuid, bigint, text) from public, anon, authenticated, service_role;
grant execute on function public.request_refund(uuid, bigint, text) to authenticated, service_role;
comment on function public.request_refund(uuid, bigint, text) is
  'RPC for admins (through the refunds Lambda): queues refunds of an invoice''s payments, amount in minor units (null: all that is left). Errors: 42501 not an admin, P0002 unknown invoice, P0001 amount not above 0 or above what is left.';

-- complete_manual_refund ----------------------------------------------------------------------
alter function public.complete_manual_refund(uuid) set schema private;
revoke all on function private.complete_manual_refund(uuid) from public, anon, authenticated, service_role;
grant execute on function private.complete_manual_refund(uuid) to authenticated, service_role;

create function public.complete_manual_refund(
  refund_id uuid
)
returns public.refunds
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.complete_manual_refund(
    refund_id => complete_manual_refund.refund_id
  )
$$;

revoke all on function public.complete_manual_refund(uuid) from public, anon, authenticated, service_role;
grant execute on function public.complete_manual_refund(uuid) to authenticated, service_role;
comment on function public.complete_manual_refund(uuid) is
  'RPC for admins: records that a queued refund of a bank transfer, QR or cash payment was paid back.';

-- declare_manual_payment ----------------------------------------------------------------------
alter function public.declare_manual_payment(uuid, public.payment_method, text) set schema private;
revoke all on function private.declare_manual_payment(uuid, public.payment_method, text) from public, anon, authenticated, service_role;
grant execute on function private.declare_manual_payment(uuid, public.payment_method, text) to authenticated, service_role;

create function public.declare_manual_payment(
  invoice_id uuid,
  method public.payment_method,
  reference text
)
returns public.payments
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.declare_manual_payment(
    invoice_id => declare_manual_payment.invoice_id,
    method => declare_manual_payment.method,
    reference => declare_manual_payment.reference
  )
$$;

revoke all on function public.declare_manual_payment(uuid, public.payment_method, text) from public, anon, authenticated, service_role;
grant execute on function public.declare_manual_payment(uuid, public.payment_method, text) to authenticated, service_role;
comment on function public.declare_manual_payment(uuid, public.payment_method, text) is
  'RPC for clients: declares a bank transfer, QR or cash payment of the whole open invoice for an admin to review; keeps the booking held meanwhile. Errors: P0001 stripe method or no reference, P0002 unknown invoice, 42501 not the client, PT409 invoice not open or a payment in progress.';

-- review_manual_payment -----------------------------------------------------------------------
alter function public.review_manual_payment(uuid, boolean, text) set schema private;
revoke all on function private.review_manual_payment(uuid, boolean, text) from public, anon, authenticated, service_role;
grant execute on function private.review_manual_payment(uuid, boolean, text) to authenticated, service_role;

create function public.review_manual_payment(
  payment_id uuid,
  approve boolean,
  note text default null
)
returns public.payments
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.review_manual_payment(
    payment_id => review_manual_payment.payment_id,
    approve => review_manual_payment.approve,
    note => review_manual_payment.note
  )
$$;

revoke all on function public.review_manual_payment(uuid, boolean, text) from public, anon, authenticated, service_role;
grant execute on function public.review_manual_payment(uuid, boolean, text) to authenticated, service_role;
comment on function public.review_manual_payment(uuid, boolean, text) is
  'RPC for admins: approves a declared manual payment (the invoice is paid and the booking confirmed as by Stripe; a late or duplicate one is queued for refund) or rejects it. Errors: 42501 not an admin, P0002 unknown payment, PT409 not awaiting review.';

-- begin_payout_onboarding ---------------------------------------------------------------------
alter function public.begin_payout_onboarding() set schema private;
revoke all on function private.begin_payout_onboarding() from public, anon, authenticated, service_role;
grant execute on function private.begin_payout_onboarding() to authenticated, service_role;

create function public.begin_payout_onboarding(
  
)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.begin_payout_onboarding()
$$;

revoke all on function public.begin_payout_onboarding() from public, anon, authenticated, service_role;
grant execute on function public.begin_payout_onboarding() to authenticated, service_role;
comment on function public.begin_payout_onboarding() is
  'RPC for the connect Lambda, as the provider: the provider''s Stripe account (null before the first onboarding), email and country. Errors: 42501 not a provider.';
