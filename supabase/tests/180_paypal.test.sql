-- PayPal (issue 18): payment_gateways' access matrix; begin_paypal_checkout (who, when, for
-- what amount), the order attached, captures and webhook events applied once, in any order,
-- through the payment rules Stripe's use; refunds queued, submitted and reported by PayPal,
-- including ones made at PayPal; PayPal is never declared or reviewed by hand.
begin;
set local time zone 'UTC';
select plan(51);
select tests.start_with_empty_marketplace();
select tests.open_marketplace();
select tests.create_supabase_user('stranger');

create function pg_temp.outcome(statement text) returns text language plpgsql as $$
declare
  n bigint;
begin
  execute format('with r as (%s) select count(*) from r', statement) into n;
  return n::text;
exception when insufficient_privilege then
  return 'denied';
end
$$;
-- The client's PayPal checkout of booking <name>, remembered as t.pp_<name>.
create function pg_temp.checkout(name text) returns jsonb language sql as $$
  select set_config('t.pp_' || name, public.begin_paypal_checkout(tests.invoice(name))::text, true)::jsonb
$$;
create function pg_temp.payment(name text) returns uuid language sql stable as $$
  select (current_setting('t.pp_' || name, true)::jsonb ->> 'payment_id')::uuid
$$;
-- A verified PayPal webhook event about booking <name>'s order (ORDER-<name>, capture CAP-<name>).
create function pg_temp.event(id text, type text, name text, ago interval, resource_id text default null,
                              status text default 'COMPLETED', amount bigint default 10000)
returns text language sql as $$
  select service.apply_paypal_event(id, type, now() - ago, pg_temp.payment(name), 'ORDER-' || name, 'CAP-' || name,
                                    coalesce(resource_id, 'CAP-' || name), status, amount, 'EUR')
$$;
create function pg_temp.status(name text) returns text language sql stable as $$
  select p.status || '/' || i.status from public.payments p join public.invoices i on i.id = p.invoice_id
  where p.id = pg_temp.payment(name)
$$;
grant execute on all functions in schema pg_temp to anon, authenticated, service_role;

-- Access: payment_gateways ------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.payment_gateways'), '5', '[payment_gateways/anon/select] visitors see which gateways are offered');
select is(pg_temp.outcome($$insert into public.payment_gateways (gateway) values ('cash') returning 1$$), 'denied',
  '[payment_gateways/anon/insert] but configure none');
select is(pg_temp.outcome('update public.payment_gateways set is_active = true returning 1'), 'denied', '[payment_gateways/anon/update] nor turn one on');
select is(pg_temp.outcome('delete from public.payment_gateways returning 1'), 'denied', '[payment_gateways/anon/delete] nor remove one');
select tests.authenticate_as('stranger');
select is(pg_temp.outcome('select 1 from public.payment_gateways'), '5', '[payment_gateways/stranger/select] users read them');
select is(pg_temp.outcome($$insert into public.payment_gateways (gateway) values ('cash') returning 1$$), 'denied',
  '[payment_gateways/stranger/insert] but add none');
select is(pg_temp.outcome('update public.payment_gateways set is_active = true returning 1'), '0', '[payment_gateways/stranger/update] nor change one');
select is(pg_temp.outcome('delete from public.payment_gateways returning 1'), 'denied', '[payment_gateways/stranger/delete] nor remove one');
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from public.payment_gateways'), '5', '[payment_gateways/admin/select] admins read them');
select is(pg_temp.outcome($$update public.payment_gateways set is_active = true, currencies = '{EUR,USD}' where gateway = 'paypal' returning 1$$),
  '1', '[payment_gateways/admin/update] and turn PayPal on for euros and dollars');
select is(pg_temp.outcome($$insert into public.payment_gateways (gateway) values ('cash') returning 1$$), 'denied',
  '[payment_gateways/admin/insert] the gateways are the ones marketbase supports');
select is(pg_temp.outcome('delete from public.payment_gateways returning 1'), 'denied', '[payment_gateways/admin/delete] none is removed');
select throws_ok($$update public.payment_gateways set currencies = '{eur}' where gateway = 'paypal'$$, '23514', null,
  'currencies are ISO codes');

-- Opening a PayPal payment --------------------------------------------------------------------------------
select tests.authenticate_as('client');
select tests.book('one', tests.slot(3, '10:00'));
select tests.book('two', tests.slot(3, '12:00'));
select tests.book('three', tests.slot(3, '14:00'));
select tests.book('four', tests.slot(4, '10:00'));
select tests.book('five', tests.slot(4, '12:00'));
select tests.book('six', tests.slot(4, '14:00'));
select tests.clear_authentication();
update public.payment_gateways set is_active = false where gateway = 'paypal';
select tests.authenticate_as('client');
select throws_ok($$select pg_temp.checkout('one')$$, 'PT409', 'PayPal is not offered', 'not while PayPal is off');
select tests.clear_authentication();
update public.payment_gateways set is_active = true, currencies = '{USD}' where gateway = 'paypal';
select tests.authenticate_as('client');
select throws_ok($$select pg_temp.checkout('one')$$, 'PT409', 'invoice_id: PayPal does not take EUR here', 'nor in a currency it does not take');
select tests.clear_authentication();
update public.payment_gateways set currencies = '{EUR,USD}' where gateway = 'paypal';
select tests.authenticate_as('stranger');
select throws_ok(format($$select public.begin_paypal_checkout(%L)$$, tests.invoice('one')), 'PT404', null,
  'a stranger finds no such invoice');
select tests.authenticate_as('client');
select is((pg_temp.checkout('one') ->> 'amount')::bigint, 10000::bigint, 'the amount is the invoice''s');
select is(pg_temp.checkout('one') ->> 'payment_id', current_setting('t.pp_one')::jsonb ->> 'payment_id',
  'asking again reuses the payment');
select public.begin_checkout(tests.invoice('four')) is not null;
select pg_temp.checkout('five') is not null;
select pg_temp.checkout('six') is not null;
select throws_ok(format($$select public.begin_paypal_checkout(%L)$$, tests.invoice('four')), 'PT409', null,
  'no PayPal while a card checkout is open');
select lives_ok(format($$select public.begin_checkout(%L)$$, tests.invoice('five')), 'a client who started with PayPal may pay by card');
select is((select status::text from public.payments where invoice_id = tests.invoice('five') and method = 'paypal'), 'cancelled',
  'which cancels the PayPal payment nobody approved');
select tests.clear_authentication();
update public.payments set created_at = now() - interval '4 hours' where invoice_id = tests.invoice('six');
select tests.authenticate_as('client');
select isnt(public.begin_paypal_checkout(tests.invoice('six')) ->> 'payment_id', current_setting('t.pp_six')::jsonb ->> 'payment_id',
  'a PayPal order left unapproved for three hours is replaced by a new one');
select throws_ok(format($$select public.declare_manual_payment(%L, 'paypal', 'PAYID-1')$$, tests.invoice('two')), 'P0001',
  'method: PayPal payments go through the PayPal checkout', 'nobody declares a PayPal payment by hand');
select tests.authenticate_as_service_role();
select lives_ok(format($$select service.attach_paypal_order(%L, 'ORDER-one', 'https://www.sandbox.paypal.com/checkoutnow?token=ORDER-one')$$,
  pg_temp.payment('one')), 'the Lambda attaches the order it created');
select throws_ok(format($$select service.attach_paypal_order(%L, 'ORDER-other', 'https://x')$$, pg_temp.payment('one')), 'PT409', null,
  'and no other order to the same payment');
select tests.authenticate_as('client');
select is(pg_temp.checkout('one') ->> 'order_id', 'ORDER-one', 'a second checkout gets the same order to approve');

-- Events and captures ------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(pg_temp.event('WH-1', 'CHECKOUT.ORDER.APPROVED', 'one', '2 minutes', 'ORDER-one', 'APPROVED'), 'processing',
  'approved by the buyer: processing');
select is(pg_temp.event('WH-1', 'CHECKOUT.ORDER.APPROVED', 'one', '2 minutes', 'ORDER-one', 'APPROVED'), 'processing',
  'the same event again, before any capture, asks for the capture again (our first answer failed)');
select is(service.record_paypal_capture(pg_temp.payment('one'), 'CAP-one', 'COMPLETED', 10000, 'EUR'), 'paid',
  'the capture''s answer settles the invoice');
select is(pg_temp.status('one'), 'succeeded/paid', 'payment succeeded, invoice paid');
select is(pg_temp.event('WH-1', 'CHECKOUT.ORDER.APPROVED', 'one', '2 minutes', 'ORDER-one', 'APPROVED'), 'duplicate',
  'once captured, the same approval again changes nothing');
select is(pg_temp.event('WH-2', 'PAYMENT.CAPTURE.COMPLETED', 'one', '1 minute'), 'already_succeeded',
  'the capture''s event after it finds it done');
select is(pg_temp.event('WH-3', 'PAYMENT.CAPTURE.DENIED', 'one', '3 minutes', status => 'DECLINED'), 'stale',
  'an older denial arriving late never undoes a success');
select tests.after_commit();
select is((select count(*)::integer from private.notification_outbox where event_type = 'payment.succeeded'), 1,
  'the client is told once that the payment succeeded');

-- Disorder: the capture's event before the approval's.
select tests.authenticate_as('client');
select pg_temp.checkout('two');
select tests.authenticate_as_service_role();
select is(pg_temp.event('WH-4', 'PAYMENT.CAPTURE.COMPLETED', 'two', '1 minute'), 'paid', 'a capture event alone settles');
select is(pg_temp.event('WH-5', 'CHECKOUT.ORDER.APPROVED', 'two', '2 minutes', 'ORDER-two', 'APPROVED'), 'stale',
  'the approval arriving after it is stale');
select is(pg_temp.status('two'), 'succeeded/paid', 'paid');

-- A denied capture fails the payment; the client may try again with a new order.
select tests.authenticate_as('client');
select pg_temp.checkout('three');
select set_config('t.first_three', pg_temp.payment('three')::text, true);
select tests.authenticate_as_service_role();
select is(pg_temp.event('WH-6', 'PAYMENT.CAPTURE.DENIED', 'three', '1 minute', status => 'DECLINED'), 'failed', 'denied: failed');
select tests.authenticate_as('client');
select isnt(pg_temp.checkout('three') ->> 'payment_id', current_setting('t.first_three'), 'a new payment for a new try');
select tests.clear_authentication();
select is((select count(*)::integer from private.notification_outbox where event_type = 'payment.failed'), 1, 'and the client was told');
select tests.authenticate_as('admin');
select throws_ok(format($$select public.review_manual_payment(%L, true)$$, pg_temp.payment('three')), 'PT409', null,
  'no admin approves a PayPal payment by hand');

-- Refunds --------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select lives_ok(format($$select public.request_refund(%L, 2500, 'goodwill')$$, tests.invoice('one')), 'an admin refunds 25.00 of booking one');
select tests.authenticate_as_service_role();
select results_eq($$select capture_id, amount, currency from service.paypal_refunds_to_submit()$$,
  $$values ('CAP-one'::text, 2500::bigint, 'EUR'::text)$$, 'the refunds Lambda gets it to submit against the capture');
select is((select count(*)::integer from service.refunds_to_submit()), 0, 'and Stripe''s queue does not');
select is(service.record_paypal_refund_submitted((select id from public.refunds), 'REF-1', 'COMPLETED'), 'refund_succeeded',
  'PayPal''s answer completes it');
select is(pg_temp.event('WH-7', 'PAYMENT.CAPTURE.REFUNDED', 'one', '0 minutes', 'REF-1', 'COMPLETED', 2500), 'stale',
  'its webhook then changes nothing');
select results_eq(format($$select amount_refunded, status::text from public.invoices where id = %L$$, tests.invoice('one')),
  $$values (2500::bigint, 'partially_refunded'::text)$$, 'the invoice is partially refunded');
select is(pg_temp.event('WH-8', 'PAYMENT.CAPTURE.REFUNDED', 'two', '0 minutes', 'REF-2', 'COMPLETED', 4000), 'refund_succeeded',
  'a refund made at PayPal arrives as a refund');
select is(pg_temp.event('WH-9', 'PAYMENT.CAPTURE.REVERSED', 'two', '0 minutes', 'REF-3', 'COMPLETED', 6000), 'refund_succeeded',
  'and a reversal (a chargeback) too');
select results_eq(format($$select kind::text, amount, reason from public.refunds where invoice_id = %L order by amount$$, tests.invoice('two')),
  $$values ('external'::text, 4000::bigint, 'refunded at PayPal'::text), ('external', 6000, 'reversed by PayPal')$$,
  'both recorded as external refunds');
select is((select status::text from public.invoices where id = tests.invoice('two')), 'refunded', 'booking two''s invoice is refunded');

select * from finish();
rollback;
