-- payments / manual payments (bank transfer, QR, cash): the client declares that they paid,
-- an admin checks the bank and approves or rejects. Approval takes the same path to "paid"
-- as a Stripe payment (private.record_payment_success), so a late or duplicate approval is
-- refunded the same way.
--
-- The first declaration of an invoice keeps the booking's slot held while it waits for
-- review, for at most payments.manual_review_hours; a rejection shortens it to an ordinary
-- hold from then.

insert into private.settings (key, value, description) values
  ('payments.manual_review_hours', '48', 'How long a declared manual payment keeps its booking held while an admin reviews it.');

-- Security definer: payments and bookings have no write privileges for any API role.
create function public.declare_manual_payment(invoice_id uuid, method public.payment_method, reference text)
returns public.payments
language plpgsql
security definer
set search_path = ''
as $$
declare
  invoice public.invoices;
  booking public.bookings;
  payment public.payments;
  first_declaration boolean;
begin
  if method = 'stripe' then
    raise exception 'method: card payments go through Stripe Checkout' using errcode = 'P0001';
  end if;
  if coalesce(trim(reference), '') = '' then
    raise exception 'reference: say which transfer or transaction paid the invoice' using errcode = 'P0001';
  end if;
  select * into invoice from public.invoices i where i.id = declare_manual_payment.invoice_id;
  if invoice.id is null or not private.can_read_invoice(invoice.id) then
    raise exception 'invoice_id: invoice % not found', declare_manual_payment.invoice_id using errcode = 'P0002';
  end if;
  if invoice.client_id <> auth.uid() then
    raise exception 'invoice_id: only the client of invoice % can pay it', invoice.number using errcode = '42501';
  end if;

  invoice := private.lock_invoice(invoice.id);
  select * into booking from public.bookings b where b.id = invoice.booking_id;
  if booking.status = 'held' and booking.hold_expires_at <= now() then
    booking := private.expire_hold(booking);
    select * into invoice from public.invoices i where i.id = invoice.id;
  end if;
  if invoice.status <> 'open' then
    raise exception 'invoice_id: invoice % is % and cannot be paid', invoice.number, invoice.status using errcode = 'PT409';
  end if;
  if exists (select 1 from public.payments p where p.invoice_id = invoice.id and p.status in ('pending', 'processing')) then
    raise exception 'invoice_id: a payment of invoice % is already in progress', invoice.number using errcode = 'PT409';
  end if;

  -- Only the first declaration of an invoice extends its hold: rejected ones cannot be
  -- repeated to keep a slot forever.
  first_declaration := not exists (select 1 from public.payments p where p.invoice_id = invoice.id and p.method <> 'stripe');
  insert into public.payments (invoice_id, booking_id, client_id, provider_id, method, amount, currency, reference)
  values (invoice.id, invoice.booking_id, invoice.client_id, invoice.provider_id, method,
          invoice.total - invoice.amount_paid, invoice.currency, trim(reference))
  returning * into payment;

  if booking.status = 'held' and first_declaration then
    update public.bookings b
    set hold_expires_at = greatest(b.hold_expires_at,
          now() + make_interval(hours => (private.setting('payments.manual_review_hours'))::integer))
    where b.id = booking.id;
    update public.invoices i set due_at = (select b.hold_expires_at from public.bookings b where b.id = booking.id)
    where i.id = invoice.id;
  end if;
  return payment;
end
$$;

revoke execute on function public.declare_manual_payment(uuid, public.payment_method, text) from public, anon;
grant execute on function public.declare_manual_payment(uuid, public.payment_method, text) to authenticated;

comment on function public.declare_manual_payment(uuid, public.payment_method, text) is
  'RPC for clients: declares a bank transfer, QR or cash payment of the whole open invoice for an admin to review; keeps the booking held meanwhile. Errors: P0001 stripe method or no reference, P0002 unknown invoice, 42501 not the client, PT409 invoice not open or a payment in progress.';

-- Security definer: see declare_manual_payment; admins only.
create function public.review_manual_payment(payment_id uuid, approve boolean, note text default null)
returns public.payments
language plpgsql
security definer
set search_path = ''
as $$
declare
  payment public.payments;
  outcome text;
begin
  if not private.is_admin() then
    raise exception 'only admins can review payments' using errcode = '42501';
  end if;
  select * into payment from public.payments p where p.id = review_manual_payment.payment_id;
  if payment.id is null then
    raise exception 'payment_id: payment % not found', review_manual_payment.payment_id using errcode = 'P0002';
  end if;
  if payment.method = 'stripe' or payment.status <> 'pending' then
    raise exception 'payment_id: payment % is a % payment that is %, not one awaiting review', payment.id, payment.method, payment.status
      using errcode = 'PT409';
  end if;

  if approve then
    outcome := private.record_payment_success(payment.id, now(), payment.amount, payment.currency);
  else
    perform private.lock_invoice(payment.invoice_id);
    update public.payments p set status = 'failed', failure_message = coalesce(note, 'rejected by an admin')
    where p.id = payment.id;
    -- The booking gets back an ordinary hold from now, not the review's.
    update public.bookings b
    set hold_expires_at = least(b.hold_expires_at, now() + make_interval(mins => (private.setting('bookings.hold_minutes'))::integer))
    where b.id = payment.booking_id and b.status = 'held';
    update public.invoices i set due_at = (select b.hold_expires_at from public.bookings b where b.id = payment.booking_id)
    where i.id = payment.invoice_id and i.status = 'open';
    outcome := 'rejected';
  end if;
  update public.payments p
  set reviewed_by = auth.uid(), reviewed_at = now(), review_note = coalesce(note, outcome)
  where p.id = payment.id
  returning * into payment;
  return payment;
end
$$;

revoke execute on function public.review_manual_payment(uuid, boolean, text) from public, anon;
grant execute on function public.review_manual_payment(uuid, boolean, text) to authenticated;

comment on function public.review_manual_payment(uuid, boolean, text) is
  'RPC for admins: approves a declared manual payment (the invoice is paid and the booking confirmed as by Stripe; a late or duplicate one is queued for refund) or rejects it. Errors: 42501 not an admin, P0002 unknown payment, PT409 not awaiting review.';
