-- payments / Stripe Checkout: a payment asks Stripe for the same expiry on every try.
--
-- The checkout Lambda creates a session with the payment's id as idempotency key. Stripe
-- replays a key's saved result only for the very same parameters; the expiry used to be
-- computed from now(), so a retry a second later (after Stripe created the session and its
-- answer was lost) sent another expires_at and Stripe refused it as a different request.
-- The expiry is now computed from the payment's created_at: the same for every retry.
--
-- A retry long after a try that never reached Stripe would send an expiry Stripe finds too
-- close; Stripe then refuses it at validation and saves nothing under the key, so the
-- Lambda asks again with 'expires_at_now', the expiry computed from now().
--
-- A client who started with PayPal and comes to pay by card has switched: their PayPal payment,
-- if the buyer has not approved it, is cancelled (one that PayPal completes after all is then a
-- second payment of the invoice, refunded in full as any duplicate). One approved and being
-- captured still refuses the card. (PayPal comes in 20260128000400 and saved cards in
-- 20260128000800; PL/pgSQL reads the names they add when it runs.)

-- The steps every way of paying an invoice takes (Checkout here; PayPal and saved cards in
-- 20260128000500 and 0800) ------------------------------------------------------------------------

-- The invoice a payment is about to be opened for: locked as every money path locks it, its
-- booking's lapsed hold expired first, and open, or refused.
create function private.payable_invoice(invoice_id uuid)
returns public.invoices
language plpgsql
set search_path = ''
as $$
declare
  invoice public.invoices := private.lock_invoice(payable_invoice.invoice_id);
  booking public.bookings;
begin
  select * into booking from public.bookings b where b.id = invoice.booking_id;
  if booking.status = 'held' and booking.hold_expires_at <= now() then
    perform private.expire_hold(booking);
    select * into invoice from public.invoices i where i.id = invoice.id;
  end if;
  if invoice.status <> 'open' then
    raise exception 'invoice_id: invoice % is % and cannot be paid', invoice.number, invoice.status using errcode = 'PT409';
  end if;
  return invoice;
end
$$;

-- A new Stripe payment of what the invoice owes: a destination charge to the provider's account
-- with the commission as the platform's fee (none for the platform's own invoices). Refused while
-- the provider cannot take payments. `saved_payment_method_id`: an off-session one (0800).
create function private.new_stripe_payment(invoice public.invoices, saved_payment_method_id uuid)
returns public.payments
language plpgsql
set search_path = ''
as $$
declare
  destination text;
  payment public.payments;
begin
  if invoice.provider_id is not null then
    select a.stripe_account_id into destination from public.provider_payout_accounts a
    where a.provider_id = invoice.provider_id and a.charges_enabled;
    if destination is null then
      raise exception 'invoice_id: the provider of invoice % cannot take payments yet', invoice.number using errcode = 'PT409';
    end if;
  end if;
  insert into public.payments (
    invoice_id, booking_id, client_id, provider_id, method, amount, currency, application_fee, destination_account,
    saved_payment_method_id
  )
  values (
    invoice.id, invoice.booking_id, invoice.client_id, invoice.provider_id, 'stripe', invoice.total - invoice.amount_paid,
    invoice.currency, case when destination is not null then invoice.commission else 0 end, destination,
    new_stripe_payment.saved_payment_method_id
  )
  returning * into payment;
  return payment;
end
$$;

-- What a payment page says it pays for: the invoice's items, or its number.
create function private.invoice_description(invoice public.invoices)
returns text
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select string_agg(l.description, ', ' order by l.line_number) from public.invoice_lines l
     where l.invoice_id = invoice.id and l.kind = 'item'),
    'Invoice ' || invoice.number)
$$;

revoke all on function private.payable_invoice(uuid), private.new_stripe_payment(public.invoices, uuid),
  private.invoice_description(public.invoices) from public, anon, authenticated;

create or replace function private.open_checkout_payment(invoice_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  invoice public.invoices := private.payable_invoice(open_checkout_payment.invoice_id);
  booking public.bookings := (select b from public.bookings b where b.id = invoice.booking_id);
  payment public.payments;
  hold_ends timestamptz;
  shortest interval := make_interval(mins => (private.setting('payments.checkout_min_minutes'))::integer);
begin
  update public.payments p set status = 'cancelled', failure_message = 'the client chose to pay by card'
  where p.invoice_id = invoice.id and p.method = 'paypal' and p.status = 'pending';
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

  -- A saved card's off-session payment in flight is never taken over by Checkout (its own retry
  -- settles it: 20260128000800).
  if exists (select 1 from public.payments p where p.invoice_id = invoice.id and p.saved_payment_method_id is not null
             and p.status in ('pending', 'processing')) then
    raise exception 'invoice_id: a payment of invoice % with a saved card is in flight; try it again', invoice.number
      using errcode = 'PT409';
  end if;

  -- A session still open (or one whose creation was interrupted) is reused, so a
  -- double click or a retry never opens a second one.
  select * into payment from public.payments p
  where p.invoice_id = invoice.id and p.method = 'stripe' and p.checkout_expire_requested_at is null
    and p.saved_payment_method_id is null
    and (p.status = 'pending' or (p.status = 'failed' and p.checkout_expires_at > now() + interval '1 minute'))
  order by p.created_at desc
  limit 1;

  if payment.id is null then
    payment := private.new_stripe_payment(invoice, null);
  end if;

  -- Stripe keeps a session open for 30 minutes at least; a shorter hold is cut short by
  -- the sweeper, which expires the session when the hold lapses. Counted from the payment's
  -- creation, so every try of one payment asks Stripe for the same expiry.
  hold_ends := coalesce(booking.hold_expires_at, payment.created_at + interval '24 hours');
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
    'customer_email', (select u.email from auth.users u where u.id = invoice.client_id),
    'hold_expires_at', booking.hold_expires_at,
    'expires_at', coalesce(payment.checkout_expires_at, least(
      greatest(hold_ends, payment.created_at + shortest), payment.created_at + interval '23 hours 59 minutes')),
    'expires_at_now', least(
      greatest(coalesce(booking.hold_expires_at, now() + interval '24 hours'), now() + shortest),
      now() + interval '23 hours 59 minutes'),
    'session_id', payment.stripe_checkout_session_id,
    'session_url', payment.checkout_url
  );
end
$$;

grant execute on function private.open_checkout_payment(uuid) to authenticated;
