-- payments / saved payment methods (issue 18, seed 004's payment_methods): cards and wallets a
-- user saved at Stripe, kept in step by Stripe's webhook, and paying an invoice with one.
--
--   begin_saving_payment_method (as the user) ─> Stripe: customer (once) ─> save_stripe_customer
--     ─> Stripe: SetupIntent ─> the frontend confirms it with Stripe.js (the card never reaches us)
--   webhook: payment_method.attached / .updated / .detached, customer.updated ─> payment_methods
--   begin_saved_method_payment (as the client) ─> Stripe: off-session PaymentIntent
--     ─> record_payment_intent; 3-D Secure needed ─> the payment fails and Checkout takes over
--
-- Only what identifies a method for its owner is stored (type, brand, last four, expiry, wallet,
-- bank): never a card number. Each user has one Stripe customer (private.stripe_customers),
-- created under an idempotency key derived from their id.

create table private.stripe_customers (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  stripe_customer_id text not null unique constraint stripe_customers_id_format check (stripe_customer_id ~ '^cus_'),
  created_at timestamptz not null default now()
);

revoke all on table private.stripe_customers from public, anon, authenticated;
grant select, insert on table private.stripe_customers to service_role;

create table public.payment_methods (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  stripe_payment_method_id text not null unique
    constraint payment_methods_stripe_id_format check (stripe_payment_method_id ~ '^pm_'),
  type text not null,
  brand text,
  last4 text constraint payment_methods_last4_format check (last4 ~ '^[0-9]{4}$'),
  exp_month smallint constraint payment_methods_exp_month_range check (exp_month between 1 and 12),
  exp_year smallint,
  wallet text,
  bank_name text,
  is_default boolean not null default false,
  is_active boolean not null default true,
  last_event_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index payment_methods_user_created_idx on public.payment_methods (user_id, created_at desc);
create index payment_methods_created_idx on public.payment_methods (created_at desc);

comment on table public.payment_methods is
  'A user''s saved cards and wallets at Stripe (type, brand, last four, expiry, wallet, bank; never a number), kept by Stripe''s webhook. Read: the user alone. Removed through the checkout Lambda, which detaches it at Stripe.';

create trigger set_updated_at
  before update on public.payment_methods
  for each row execute function private.tg_set_updated_at();

alter table public.payment_methods enable row level security;

revoke all on table public.payment_methods from anon, authenticated;
grant all on table public.payment_methods to service_role;
grant select on table public.payment_methods to authenticated;

create policy "users read their own payment methods"
  on public.payment_methods for select to authenticated using (user_id = (select auth.uid()));

-- An off-session payment names the saved method it charges: a retry after a lost answer reuses it
-- (the same PaymentIntent idempotency key), and Checkout never takes it over.
alter table public.payments
  add column saved_payment_method_id uuid references public.payment_methods (id) on delete set null;

create index payments_saved_payment_method_idx on public.payments (saved_payment_method_id);

comment on column public.payments.saved_payment_method_id is
  'The saved method an off-session payment charges (null for Checkout, PayPal and manual payments).';

-- Saving a method ---------------------------------------------------------------------------------------

-- Security definer: reads the caller's Stripe customer and e-mail, which no API role reads.
create function private.begin_saving_payment_method()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  me constant uuid := auth.uid();
begin
  if me is null then
    raise exception 'sign in to save a payment method' using errcode = '42501';
  end if;
  return jsonb_build_object(
    'user_id', me,
    'email', (select u.email from auth.users u where u.id = me),
    'customer_id', (select c.stripe_customer_id from private.stripe_customers c where c.user_id = me));
end
$$;

grant execute on function private.begin_saving_payment_method() to authenticated;

create function public.begin_saving_payment_method()
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$ select private.begin_saving_payment_method() $$;

grant execute on function public.begin_saving_payment_method() to authenticated;

comment on function public.begin_saving_payment_method() is
  'RPC for the checkout Lambda, as the user: their id, e-mail and Stripe customer (null: create one) before a SetupIntent.';

create function service.save_stripe_customer(user_id uuid, customer_id text)
returns text
language sql
set search_path = ''
as $$
  insert into private.stripe_customers (user_id, stripe_customer_id) values (user_id, customer_id)
  on conflict on constraint stripe_customers_pkey do nothing;
  select c.stripe_customer_id from private.stripe_customers c where c.user_id = save_stripe_customer.user_id;
$$;

comment on function service.save_stripe_customer(uuid, text) is
  'Service RPC: records a user''s Stripe customer once; answers the one recorded.';

-- payment_method.attached / .updated / .detached. Newer events win (last_event_at).
create function service.apply_payment_method_event(
  event_id text,
  event_type text,
  event_created timestamptz,
  payment_method_id text,
  customer_id text,
  method_type text,
  brand text,
  last4 text,
  exp_month smallint,
  exp_year smallint,
  wallet text,
  bank_name text
)
returns text
language plpgsql
set search_path = ''
as $$
declare
  owner uuid;
begin
  if not private.claim_stripe_event(event_id, event_type, event_created) then
    return 'duplicate';
  end if;
  if event_type = 'payment_method.detached' then
    update public.payment_methods m set is_active = false, is_default = false, last_event_at = event_created
    where m.stripe_payment_method_id = payment_method_id;
    return private.finish_stripe_event(event_id, case when found then 'detached' else 'unknown_payment_method' end);
  end if;
  select c.user_id into owner from private.stripe_customers c where c.stripe_customer_id = customer_id;
  if owner is null then
    return private.finish_stripe_event(event_id, 'unknown_customer');
  end if;
  insert into public.payment_methods as m (user_id, stripe_payment_method_id, type, brand, last4, exp_month, exp_year, wallet,
                                           bank_name, last_event_at)
  values (owner, payment_method_id, method_type, brand, last4, exp_month, exp_year, wallet, bank_name, event_created)
  on conflict (stripe_payment_method_id) do update
  set type = excluded.type, brand = excluded.brand, last4 = excluded.last4, exp_month = excluded.exp_month,
      exp_year = excluded.exp_year, wallet = excluded.wallet, bank_name = excluded.bank_name,
      is_active = case when event_type = 'payment_method.attached' then true else m.is_active end,
      last_event_at = excluded.last_event_at
  where m.last_event_at is null or m.last_event_at <= excluded.last_event_at;
  return private.finish_stripe_event(event_id, case when found then 'saved' else 'stale' end);
end
$$;

comment on function service.apply_payment_method_event(text, text, timestamptz, text, text, text, text, text, smallint, smallint, text, text) is
  'Service RPC for the Stripe webhook: payment_method.attached / .updated save a user''s method (by their customer), .detached deactivates it; once per event, newer events win.';

-- customer.updated: the default method for off-session payments.
create function service.apply_customer_event(event_id text, event_type text, event_created timestamptz, customer_id text,
                                             default_payment_method text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  owner uuid := (select c.user_id from private.stripe_customers c where c.stripe_customer_id = customer_id);
begin
  if not private.claim_stripe_event(event_id, event_type, event_created) then
    return 'duplicate';
  end if;
  if owner is null then
    return private.finish_stripe_event(event_id, 'unknown_customer');
  end if;
  update public.payment_methods m
  set is_default = m.is_active and m.stripe_payment_method_id is not distinct from default_payment_method
  where m.user_id = owner and m.is_default is distinct from (m.is_active and m.stripe_payment_method_id is not distinct from default_payment_method);
  return private.finish_stripe_event(event_id, 'default_set');
end
$$;

comment on function service.apply_customer_event(text, text, timestamptz, text, text) is
  'Service RPC for the Stripe webhook: customer.updated marks the customer''s default payment method.';

-- Removing one: the Lambda detaches it at Stripe, then says so here (the webhook confirms).
-- Security definer: reads the caller's method and Stripe customer for them.
create function private.begin_removing_payment_method(payment_method_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  method public.payment_methods;
begin
  select * into method from public.payment_methods m
  where m.id = begin_removing_payment_method.payment_method_id and m.user_id = auth.uid() and m.is_active;
  if method.id is null then
    raise exception 'payment_method_id: payment method % not found', begin_removing_payment_method.payment_method_id
      using errcode = 'PT404';
  end if;
  return jsonb_build_object(
    'payment_method_id', method.id,
    'stripe_payment_method_id', method.stripe_payment_method_id,
    'customer_id', (select c.stripe_customer_id from private.stripe_customers c where c.user_id = method.user_id));
end
$$;

grant execute on function private.begin_removing_payment_method(uuid) to authenticated;

create function public.begin_removing_payment_method(payment_method_id uuid)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$ select private.begin_removing_payment_method(payment_method_id) $$;

grant execute on function public.begin_removing_payment_method(uuid) to authenticated;

comment on function public.begin_removing_payment_method(uuid) is
  'RPC for the checkout Lambda, as the user: the Stripe ids of one of their active methods, to detach or make default. PT404 otherwise.';

create function service.record_payment_method_detached(stripe_payment_method_id text)
returns text
language sql
set search_path = ''
as $$
  update public.payment_methods m set is_active = false, is_default = false
  where m.stripe_payment_method_id = record_payment_method_detached.stripe_payment_method_id;
  select 'detached';
$$;

-- Paying with one ------------------------------------------------------------------------------------------

-- Opens the payment of an invoice by a saved method of the caller: a Stripe payment like
-- Checkout's (destination charge, the platform's fee), without a session.
-- Security definer: payments have no INSERT privilege for any API role.
create function private.open_saved_method_payment(invoice_id uuid, payment_method_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  invoice public.invoices := private.payable_invoice(open_saved_method_payment.invoice_id);
  method public.payment_methods;
  payment public.payments;
begin
  select * into method from public.payment_methods m
  where m.id = open_saved_method_payment.payment_method_id and m.user_id = invoice.client_id and m.is_active;
  if method.id is null then
    raise exception 'payment_method_id: payment method % not found', open_saved_method_payment.payment_method_id
      using errcode = 'PT404';
  end if;
  -- A try with this card whose answer was lost is tried again as itself; anything else in flight
  -- refuses a new one.
  select * into payment from public.payments p
  where p.invoice_id = invoice.id and p.status in ('pending', 'processing');
  if payment.id is not null and not (payment.status = 'pending' and payment.saved_payment_method_id = method.id) then
    raise exception 'invoice_id: a payment of invoice % is open already; finish or abandon it first', invoice.number
      using errcode = 'PT409';
  end if;
  if payment.id is null then
    payment := private.new_stripe_payment(invoice, method.id);
  end if;

  return jsonb_build_object(
    'payment_id', payment.id,
    'invoice_id', invoice.id,
    'invoice_number', invoice.number,
    'booking_id', invoice.booking_id,
    'amount', payment.amount,
    'currency', lower(payment.currency),
    'application_fee', case when payment.destination_account is not null then payment.application_fee end,
    'destination', payment.destination_account,
    'description', private.invoice_description(invoice),
    'customer_id', (select c.stripe_customer_id from private.stripe_customers c where c.user_id = invoice.client_id),
    'stripe_payment_method_id', method.stripe_payment_method_id
  );
end
$$;

grant execute on function private.open_saved_method_payment(uuid, uuid) to authenticated;

-- The invoice is read as the caller (private.callers_invoice), so RLS decides whether it exists for them.
create function public.begin_saved_method_payment(invoice_id uuid, payment_method_id uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.open_saved_method_payment(private.callers_invoice(begin_saved_method_payment.invoice_id),
                                           begin_saved_method_payment.payment_method_id);
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

revoke execute on function public.begin_saved_method_payment(uuid, uuid) from public, anon;
grant execute on function public.begin_saved_method_payment(uuid, uuid) to authenticated;

comment on function public.begin_saved_method_payment(uuid, uuid) is
  'RPC for the checkout Lambda, as the client: a payment of the invoice by one of their saved methods (amount, fee, destination, customer, method). Errors: PT404 unknown invoice or method, 42501 not the client, PT409 invoice not open, another payment open, provider cannot take payments.';

-- The PaymentIntent's answer (or its payment_intent.succeeded event, below): succeeded settles
-- the invoice as a Checkout payment would; anything else fails the payment, and the frontend
-- goes to Checkout (3-D Secure, a decline).
create function service.record_payment_intent(payment_id uuid, payment_intent_id text, intent_status text, amount bigint,
                                              currency text, message text default null)
returns text
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments := private.find_stripe_payment(record_payment_intent.payment_id, null, payment_intent_id);
begin
  if payment.id is null then
    raise exception 'payment_id: payment % not found', record_payment_intent.payment_id using errcode = 'P0002';
  end if;
  perform private.lock_invoice(payment.invoice_id);
  update public.payments p set stripe_payment_intent_id = coalesce(p.stripe_payment_intent_id, payment_intent_id)
  where p.id = payment.id
  returning * into payment;
  if intent_status = 'succeeded' then
    return private.record_payment_success(payment.id, now(), amount, currency);
  end if;
  if intent_status = 'processing' then
    -- A bank debit saved through the SetupIntent: its payment_intent.succeeded settles it later.
    return private.record_payment_status(payment, 'processing', now(), 2::smallint, null);
  end if;
  return private.record_payment_status(payment, 'failed', now(), 3::smallint,
                                       coalesce(message, 'the saved payment method was not charged: ' || intent_status));
end
$$;

comment on function service.record_payment_intent(uuid, text, text, bigint, text, text) is
  'Service RPC for the checkout Lambda: the answer of an off-session PaymentIntent (succeeded settles, anything else fails the payment).';

create function service.apply_payment_intent_succeeded(event_id text, event_type text, event_created timestamptz,
                                                       payment_id uuid, payment_intent_id text, amount bigint, currency text)
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
  payment := private.find_stripe_payment(apply_payment_intent_succeeded.payment_id, null, payment_intent_id);
  if payment.id is null then
    return private.finish_stripe_event(event_id, 'unknown_payment');
  end if;
  perform private.lock_invoice(payment.invoice_id);
  update public.payments p set stripe_payment_intent_id = coalesce(p.stripe_payment_intent_id, payment_intent_id)
  where p.id = payment.id;
  return private.finish_stripe_event(event_id, private.record_payment_success(payment.id, event_created, amount, currency));
end
$$;

comment on function service.apply_payment_intent_succeeded(text, text, timestamptz, uuid, text, bigint, text) is
  'Service RPC for the Stripe webhook: payment_intent.succeeded settles its payment (an off-session one, or a Checkout one again: already_succeeded).';
