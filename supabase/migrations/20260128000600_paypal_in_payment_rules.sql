-- payments / PayPal among the other methods (issue 18): the rules written when card payments
-- were Stripe's alone. A PayPal payment is not a manual one: nobody declares or approves it by
-- hand, and its outcome is notified as a card payment's is.

-- Declared by a client: a transfer, a QR payment or cash, never PayPal (its checkout pays it).
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
  if declare_manual_payment.method = 'paypal' then
    raise exception 'method: PayPal payments go through the PayPal checkout' using errcode = 'P0001';
  end if;
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

-- Reviewed by an admin: only manual payments; PayPal says itself whether one was paid.
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
  if exists (select 1 from public.payments p where p.id = review_manual_payment.payment_id and p.method = 'paypal') then
    raise exception 'payment_id: payment % is a PayPal payment, not one awaiting review', review_manual_payment.payment_id
      using errcode = 'PT409';
  end if;
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

-- Card and PayPal payments tell their outcome; a manual payment tells its review instead.
-- Security definer: see tg_bookings_notify.
create or replace function private.tg_payments_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.method in ('stripe', 'paypal') and new.status = 'succeeded' then
    perform private.enqueue_notification('payment.succeeded', 'payment.succeeded:' || new.id, array[new.client_id],
                                         private.payment_notification_data(new, new.amount), now(), new.booking_id);
  elsif new.method in ('stripe', 'paypal') and new.status = 'failed' then
    perform private.enqueue_notification(
      'payment.failed',
      format('payment.failed:%s:%s', new.id, extract(epoch from coalesce(new.last_event_at, now()))::bigint),
      array[new.client_id],
      private.payment_notification_data(new, new.amount)
        || jsonb_build_object('reason', coalesce(nullif(new.failure_message, ''), 'the payment was declined')),
      now(), new.booking_id);
  end if;
  return null;
end
$$;
