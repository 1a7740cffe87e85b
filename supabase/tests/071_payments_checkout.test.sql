-- begin_checkout, attach_checkout_session, apply_checkout_event, apply_payment_intent_failed,
-- lapsed_checkouts, record_checkout_expired: what a Checkout Session is opened for (amount,
-- fee and destination from the invoice), who may open one, and what Stripe's events do to the
-- payment, the invoice and the booking — once, in any order, refunding what cannot be kept.
begin;
set local time zone 'UTC';
select plan(92);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.open_marketplace();
select tests.create_supabase_user('other_client');
select tests.create_supabase_user('stranger');
-- The provider can take charges; the newbie started onboarding but cannot yet.
select tests.create_provider('newbie');
insert into public.provider_payout_accounts (provider_id, stripe_account_id, charges_enabled, payouts_enabled, details_submitted)
values (tests.get_supabase_uid('newbie'), 'acct_newbie', false, false, false);
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
values ('0f000000-0000-4000-8000-000000000002', tests.get_supabase_uid('newbie'), tests.consulting(),
        'service', 'First lesson', 8000, 'EUR', 60, 'active', 'online');

-- The client's checkout of a booking, remembered as t.pay_<name>.
create function pg_temp.checkout(name text) returns jsonb language sql as $$
  select set_config('t.pay_' || name, public.begin_checkout(tests.invoice(name))::text, true)::jsonb
$$;
create function pg_temp.payment(name text) returns uuid language sql stable as $$
  select (current_setting('t.pay_' || name, true)::jsonb ->> 'payment_id')::uuid
$$;
-- What the checkout Lambda does after Stripe created the session cs_test_<name>.
create function pg_temp.attach(name text, expires_at timestamptz default now() + interval '31 minutes') returns void language sql as $$
  select from service.attach_checkout_session(pg_temp.payment(name), 'cs_test_' || name,
                                              'https://checkout.stripe.com/c/pay/cs_test_' || name, expires_at)
$$;
-- A checkout.session.* event about booking <name>'s session, created `ago` before now.
create function pg_temp.event(id text, type text, name text, ago interval, payment_status text default 'paid',
                              amount bigint default 10000, currency text default 'eur')
returns text language sql as $$
  select service.apply_checkout_event(id, type, now() - ago, 'cs_test_' || name, pg_temp.payment(name), payment_status,
                                      'pi_' || name, amount, currency)
$$;
create function pg_temp.state(name text) returns table (payment text, invoice text, booking text) language sql stable as $$
  select p.status::text, i.status::text, b.status::text
  from public.payments p join public.invoices i on i.id = p.invoice_id join public.bookings b on b.id = p.booking_id
  where p.id = pg_temp.payment(name)
$$;
grant execute on function pg_temp.checkout(text), pg_temp.payment(text), pg_temp.attach(text, timestamptz),
  pg_temp.event(text, text, text, interval, text, bigint, text), pg_temp.state(text)
  to anon, authenticated, service_role;

select tests.authenticate_as('client');
select tests.book('advice', tests.slot(2, '10:00'));
select tests.book('slow', tests.slot(2, '12:00'));
select tests.book('bounced', tests.slot(2, '14:00'));
select tests.book('walkaway', tests.slot(2, '16:00'));
select tests.book('declined', tests.slot(3, '10:00'));
select tests.book('short', tests.slot(3, '12:00'));
select tests.book('late', tests.slot(3, '14:00'));
select tests.book('lapsed', tests.slot(3, '16:00'));
select tests.book('sweep', tests.slot(4, '10:00'));
select tests.book('race', tests.slot(4, '12:00'));
select tests.book('timeout', tests.slot(4, '14:00'));
select tests.book('dropped', tests.slot(4, '16:00'));
select tests.book('unpaid', tests.slot(5, '10:00'));
select tests.book('transfer', tests.slot(5, '12:00'));
select tests.book('lesson', tests.slot(2, '10:00'), '0f000000-0000-4000-8000-000000000002');

-- Who may open a checkout ---------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select throws_ok($$select public.begin_checkout(tests.invoice('advice'))$$,
  'PT404', format('invoice_id: invoice %s not found', tests.invoice('advice')),
  'someone else''s invoice is not found for a stranger (RLS hides it)');
select throws_ok($$select public.begin_checkout('00000000-0000-4000-8000-000000000000')$$,
  'PT404', 'invoice_id: invoice 00000000-0000-4000-8000-000000000000 not found', 'an unknown invoice is not found');
select tests.authenticate_as('provider');
select throws_ok($$select public.begin_checkout(tests.invoice('advice'))$$,
  '42501', format('invoice_id: only the client of invoice %s can pay it', tests.invoice_number('advice')),
  'the provider of an invoice cannot open its checkout');
select tests.authenticate_as('admin');
select throws_ok($$select public.begin_checkout(tests.invoice('advice'))$$,
  '42501', format('invoice_id: only the client of invoice %s can pay it', tests.invoice_number('advice')),
  'an admin, who reads every invoice, cannot open a checkout for a client');
select tests.authenticate_as_anon();
select throws_ok($$select public.begin_checkout(tests.invoice('advice'))$$, '42501', null, 'visitors cannot open a checkout');
select tests.authenticate_as('client');
select throws_ok($$select service.attach_checkout_session(gen_random_uuid(), 'cs_x', 'https://x', now())$$,
  '42501', 'permission denied for schema service', 'a client cannot attach a session (service RPCs are the service role''s)');
select is_empty($$select * from public.payments$$, 'the refused attempts opened no payment');

-- begin_checkout: amount, fee, destination and expiry from the invoice ---------------------------------------
select tests.authenticate_as('client');
select results_eq(
  $$select (c ->> 'invoice_id')::uuid, c ->> 'invoice_number', (c ->> 'booking_id')::uuid, (c ->> 'amount')::bigint, c ->> 'currency',
           (c ->> 'application_fee')::bigint, c ->> 'destination', c ->> 'description', c ->> 'customer_email',
           c ->> 'session_id', c ->> 'session_url'
    from pg_temp.checkout('advice') c$$,
  $$values (tests.invoice('advice'), tests.invoice_number('advice'), tests.booking('advice'), 10000::bigint, 'eur', 1500::bigint,
            'acct_provider', 'Advice', 'client@test.local', null::text, null::text)$$,
  'begin_checkout: the whole invoice total, the commission as application fee to the provider''s account, the client''s email');
select results_eq(
  $$select (c ->> 'expires_at')::timestamptz, (c ->> 'hold_expires_at')::timestamptz
    from (select current_setting('t.pay_advice')::jsonb c) x$$,
  $$select now() + interval '31 minutes', b.hold_expires_at from public.bookings b where b.id = tests.booking('advice')$$,
  'a 15-minute hold gets a session of Stripe''s shortest life, 31 minutes (the sweeper expires it when the hold lapses)');
select results_eq(
  $$select method::text, status::text, amount, currency::text, application_fee, destination_account, client_id, provider_id, applied
    from public.payments where id = pg_temp.payment('advice')$$,
  $$values ('stripe', 'pending', 10000::bigint, 'EUR', 1500::bigint, 'acct_provider', tests.get_supabase_uid('client'),
            tests.get_supabase_uid('provider'), false)$$,
  'the payment is written pending before any money moves, with the fee and destination decided in SQL');
select is((pg_temp.checkout('advice') ->> 'payment_id')::uuid, pg_temp.payment('advice'),
  'a second click before the session exists reuses the same payment (the idempotency key stays the same)');

select tests.clear_authentication();
update public.bookings set hold_expires_at = now() + interval '2 hours' where id = tests.booking('slow');
select tests.authenticate_as('client');
select is((pg_temp.checkout('slow') ->> 'expires_at')::timestamptz, now() + interval '2 hours',
  'a longer hold gets a session that ends with it');

select tests.authenticate_as('client');
select throws_ok($$select public.begin_checkout(tests.invoice('lesson'))$$,
  'PT409', format('invoice_id: the provider of invoice %s cannot take payments yet', tests.invoice_number('lesson')),
  'a provider whose Stripe account cannot take charges yet cannot be paid');

-- attach_checkout_session ---------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq(
  $$select stripe_checkout_session_id, checkout_url, checkout_expires_at
    from service.attach_checkout_session(pg_temp.payment('advice'), 'cs_test_advice', 'https://checkout.stripe.com/c/pay/cs_test_advice',
                                         now() + interval '31 minutes')$$,
  $$values ('cs_test_advice', 'https://checkout.stripe.com/c/pay/cs_test_advice', now() + interval '31 minutes')$$,
  'attach_checkout_session records the session Stripe created');
select lives_ok($$select pg_temp.attach('advice')$$, 'attaching the same session again (a retried request) is harmless');
select throws_ok(
  $$select service.attach_checkout_session(pg_temp.payment('advice'), 'cs_test_other', 'https://x', now() + interval '31 minutes')$$,
  'PT409', format('payment_id: payment %s has no room for session cs_test_other', pg_temp.payment('advice')),
  'a payment never takes a second session');
select tests.authenticate_as('client');
select results_eq($$select (c ->> 'payment_id')::uuid, c ->> 'session_id', c ->> 'session_url' from pg_temp.checkout('advice') c$$,
  $$values (pg_temp.payment('advice'), 'cs_test_advice', 'https://checkout.stripe.com/c/pay/cs_test_advice')$$,
  'begin_checkout hands back the open session to reuse: a double click never opens a second one');
select is((select count(*) from public.payments where invoice_id = tests.invoice('advice')), 1::bigint,
  'the invoice still has one payment');

-- Paid ----------------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
create function pg_temp.payment_updates() returns bigint language sql stable as $$
  select n_tup_upd from pg_catalog.pg_stat_xact_user_tables where relid = 'public.payments'::regclass
$$;
grant execute on function pg_temp.payment_updates() to service_role;
select set_config('t.payment_updates', pg_temp.payment_updates()::text, true);
select is(pg_temp.event('evt_advice_paid', 'checkout.session.completed', 'advice', '5 minutes'), 'paid',
  'checkout.session.completed with payment_status paid: outcome paid');
select is(pg_temp.payment_updates() - current_setting('t.payment_updates')::bigint, 1::bigint,
  'the payment is written once: status, applied and the session''s fields in one new row version (issue 24)');
select results_eq(
  $$select status::text, applied, stripe_payment_intent_id, succeeded_at = now(), last_event_at from public.payments
    where id = pg_temp.payment('advice')$$,
  $$values ('succeeded', true, 'pi_advice', true, now() - interval '5 minutes')$$,
  'the payment succeeded, settled its invoice, and knows its payment intent');
select results_eq(
  $$select status::text, amount_paid, paid_at = now() from public.invoices where id = tests.invoice('advice')$$,
  $$values ('paid', 10000::bigint, true)$$, 'the invoice is paid in full');
select results_eq(
  $$select b.status::text, b.hold_expires_at, c.actor, c.reason from public.bookings b
    join public.booking_status_changes c on c.booking_id = b.id and c.to_status = 'confirmed' where b.id = tests.booking('advice')$$,
  $$values ('confirmed', null::timestamptz, 'system', 'paid')$$, 'the booking is confirmed by the system');
select results_eq($$select type, created, outcome from private.stripe_events where id = 'evt_advice_paid'$$,
  $$values ('checkout.session.completed', now() - interval '5 minutes', 'paid')$$,
  'the event is in the ledger with its outcome, in the same transaction as its effects');

select is(pg_temp.event('evt_advice_paid', 'checkout.session.completed', 'advice', '5 minutes'), 'duplicate',
  'a redelivered event is a duplicate');
select is(pg_temp.event('evt_advice_paid', 'checkout.session.expired', 'advice', '1 minute'), 'duplicate',
  'an event id already applied is a duplicate whatever it now says');
select results_eq(
  $$select (select count(*) from public.booking_status_changes where booking_id = tests.booking('advice')),
           (select count(*) from public.refunds), (select count(*) from private.stripe_events)$$,
  $$values (2::bigint, 0::bigint, 1::bigint)$$,
  'the duplicates changed nothing: no second confirmation, no refund, one ledger row');
select is(pg_temp.event('evt_advice_old_fail', 'checkout.session.async_payment_failed', 'advice', '10 minutes', 'unpaid'), 'stale',
  'an older failure delivered after the success is stale');
select is(pg_temp.event('evt_advice_new_expiry', 'checkout.session.expired', 'advice', '1 minute', 'unpaid'), 'stale',
  'even a newer expiry cannot undo a success');
select is(service.apply_payment_intent_failed('evt_advice_pi_failed', 'payment_intent.payment_failed', now(), 'pi_advice', null,
  'Your card was declined.'), 'stale', 'a declined attempt reported after the success is stale');
select is(pg_temp.event('evt_advice_async_ok', 'checkout.session.async_payment_succeeded', 'advice', '1 minute'), 'already_succeeded',
  'another success report for a succeeded payment (a new event id) changes nothing');
select results_eq($$select * from pg_temp.state('advice')$$, $$values ('succeeded', 'paid', 'confirmed')$$,
  'after stale events the payment, invoice and booking are still succeeded, paid, confirmed');
select is((select count(*) from public.booking_status_changes where booking_id = tests.booking('advice') and to_status = 'confirmed'),
  1::bigint, 'the booking was confirmed once');
select results_eq($$select failure_message, last_event_at from public.payments where id = pg_temp.payment('advice')$$,
  $$values (null::text, now() - interval '5 minutes')$$, 'stale events leave no failure message and no newer timestamp');
select tests.authenticate_as('client');
select throws_ok($$select public.begin_checkout(tests.invoice('advice'))$$,
  'PT409', format('invoice_id: invoice %s is paid and cannot be paid', tests.invoice_number('advice')),
  'a paid invoice cannot be checked out again');

-- Delayed payment methods -----------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select pg_temp.attach('slow', now() + interval '2 hours');
select is(pg_temp.event('evt_slow_completed', 'checkout.session.completed', 'slow', '20 minutes', 'unpaid'), 'processing',
  'checkout.session.completed with payment_status unpaid: the payment is processing');
select results_eq($$select * from pg_temp.state('slow')$$, $$values ('processing', 'open', 'held')$$,
  'a processing payment settles nothing yet');
select tests.authenticate_as('client');
select throws_ok($$select public.begin_checkout(tests.invoice('slow'))$$, 'PT409', null,
  'while a payment is processing, a second checkout is refused as a conflict');
select tests.authenticate_as_service_role();
select is(pg_temp.event('evt_slow_succeeded', 'checkout.session.async_payment_succeeded', 'slow', '10 minutes', 'paid'), 'paid',
  'checkout.session.async_payment_succeeded: paid');
select results_eq($$select * from pg_temp.state('slow')$$, $$values ('succeeded', 'paid', 'confirmed')$$,
  'the delayed payment settles the invoice and confirms the booking');

select tests.authenticate_as('client');
select pg_temp.checkout('bounced');
select tests.authenticate_as_service_role();
select pg_temp.attach('bounced');
select pg_temp.event('evt_bounced_completed', 'checkout.session.completed', 'bounced', '20 minutes', 'unpaid');
select is(pg_temp.event('evt_bounced_failed', 'checkout.session.async_payment_failed', 'bounced', '10 minutes', 'unpaid'), 'failed',
  'checkout.session.async_payment_failed: failed');
select results_eq($$select p.status::text, p.failure_message, p.last_event_at, i.status::text from public.payments p
                    join public.invoices i on i.id = p.invoice_id where p.id = pg_temp.payment('bounced')$$,
  $$values ('failed', 'the delayed payment failed', now() - interval '10 minutes', 'open')$$,
  'the failed payment says why; the invoice stays open to be paid again');
select is(pg_temp.event('evt_bounced_completed_late', 'checkout.session.completed', 'bounced', '15 minutes', 'unpaid'), 'stale',
  'the completion delivered after the newer failure is stale: the payment is not processing again');
select tests.authenticate_as('client');
select results_eq(
  $$select c ->> 'session_id', (c ->> 'payment_id')::uuid <> pg_temp.payment('bounced')
    from (select public.begin_checkout(tests.invoice('bounced')) c) x$$,
  $$values (null::text, true)$$,
  'after a delayed payment failed, the completed session is not handed back: the client gets a new payment to pay');

-- Expired sessions ----------------------------------------------------------------------------------------------
select pg_temp.checkout('walkaway');
select tests.authenticate_as_service_role();
select pg_temp.attach('walkaway');
select is(pg_temp.event('evt_walkaway_expired', 'checkout.session.expired', 'walkaway', '1 minute', 'unpaid'), 'cancelled',
  'checkout.session.expired: the payment is cancelled');
select tests.authenticate_as('client');
select results_eq(
  $$select c ->> 'session_id', (c ->> 'payment_id')::uuid <> pg_temp.payment('walkaway')
    from (select public.begin_checkout(tests.invoice('walkaway')) c) x$$,
  $$values (null::text, true)$$, 'after an expired session the client gets a new payment and session');

select pg_temp.checkout('timeout');
select tests.authenticate_as_service_role();
select pg_temp.attach('timeout', now() + interval '30 seconds');
select tests.authenticate_as('client');
select isnt((public.begin_checkout(tests.invoice('timeout')) ->> 'payment_id')::uuid, pg_temp.payment('timeout'),
  'a session with less than a minute left is not handed back: a new payment is opened');
select results_eq($$select status::text from public.payments where id = pg_temp.payment('timeout')$$, $$values ('cancelled')$$,
  'the session whose time is up is cancelled');

-- Declined cards -------------------------------------------------------------------------------------------------
select pg_temp.checkout('declined');
select tests.authenticate_as_service_role();
select pg_temp.attach('declined');
select is(service.apply_payment_intent_failed('evt_declined_1', 'payment_intent.payment_failed', now() - interval '4 minutes',
  'pi_declined', pg_temp.payment('declined'), 'Your card was declined.'), 'failed', 'payment_intent.payment_failed: failed');
select results_eq($$select status::text, failure_message, stripe_payment_intent_id from public.payments where id = pg_temp.payment('declined')$$,
  $$values ('failed', 'Your card was declined.', 'pi_declined')$$, 'the declined attempt is recorded with Stripe''s message');
select is(service.apply_payment_intent_failed('evt_declined_0', 'payment_intent.payment_failed', now() - interval '6 minutes',
  'pi_declined', null, 'An older decline.'), 'stale', 'an older decline delivered later is stale');
select is(service.apply_payment_intent_failed('evt_unknown_pi', 'payment_intent.payment_failed', now(), 'pi_nobody', null, 'x'),
  'unknown_payment', 'a payment intent we never opened is an unknown payment');
select is(service.apply_payment_intent_failed('evt_unknown_pi', 'payment_intent.payment_failed', now(), 'pi_nobody', null, 'x'),
  'duplicate', 'an unknown payment''s event is still recorded: its redelivery is a duplicate');
select tests.authenticate_as('client');
select results_eq($$select (c ->> 'payment_id')::uuid, c ->> 'session_id' from (select public.begin_checkout(tests.invoice('declined')) c) x$$,
  $$values (pg_temp.payment('declined'), 'cs_test_declined')$$,
  'after a declined card the open session is handed back: the client retries in it');

-- A second payment of a paid invoice is refunded -------------------------------------------------------------------
select lives_ok($$select public.declare_manual_payment(tests.invoice('declined'), 'bank_transfer', 'TRX-DECLINED')$$,
  'meanwhile the client declares a bank transfer');
select tests.authenticate_as('admin');
select public.review_manual_payment(p.id, true) from public.payments p where p.invoice_id = tests.invoice('declined') and p.method = 'bank_transfer';
select tests.authenticate_as_service_role();
select results_eq($$select payment_id, session_id from service.lapsed_checkouts() where payment_id = pg_temp.payment('declined')$$,
  $$values (pg_temp.payment('declined'), 'cs_test_declined')$$,
  'lapsed_checkouts lists the session still open for an invoice paid another way');
select is(pg_temp.event('evt_declined_paid', 'checkout.session.completed', 'declined', '1 minute'), 'refund_queued',
  'a card payment of the invoice the transfer already paid: refund queued');
select results_eq(
  $$select p.status::text, p.applied, r.kind::text, r.status::text, r.amount, r.reason from public.payments p
    join public.refunds r on r.payment_id = p.id where p.id = pg_temp.payment('declined')$$,
  $$values ('succeeded', false, 'duplicate', 'requested', 10000::bigint, format('invoice %s was already paid', tests.invoice_number('declined')))$$,
  'the second payment succeeded but settled nothing: it is refunded in full as a duplicate');
select results_eq($$select status::text, amount_paid from public.invoices where id = tests.invoice('declined')$$,
  $$values ('paid', 10000::bigint)$$, 'the invoice counts the first payment only');
select is(service.record_refund_submitted((select r.id from public.refunds r where r.payment_id = pg_temp.payment('declined')),
  're_declined_duplicate', 'succeeded'), 'refund_succeeded', 'Stripe refunds the duplicate at once');
select results_eq(
  $$select p.amount_refunded, i.status::text, i.amount_refunded from public.payments p join public.invoices i on i.id = p.invoice_id
    where p.id = pg_temp.payment('declined')$$,
  $$values (10000::bigint, 'paid', 0::bigint)$$,
  'the duplicate is refunded in full, and the invoice, paid by the transfer, stays paid with nothing refunded');

-- The amount Stripe took is not the one asked for ---------------------------------------------------------------
select tests.authenticate_as('client');
select pg_temp.checkout('short');
select tests.authenticate_as_service_role();
select pg_temp.attach('short');
select is(pg_temp.event('evt_short_paid', 'checkout.session.completed', 'short', '1 minute', 'paid', 9000), 'refund_queued',
  'a payment of another amount than the invoice''s: refund queued');
select results_eq($$select * from pg_temp.state('short')$$, $$values ('succeeded', 'open', 'held')$$,
  'the wrong amount settles nothing: the invoice stays open, the booking held');
select results_eq($$select kind::text, amount, reason from public.refunds where payment_id = pg_temp.payment('short')$$,
  $$values ('unfulfillable', 9000::bigint, 'paid 9000 eur for 10000 EUR')$$,
  'the refund gives back what Stripe actually took (9000), not what was asked');

-- Late payments ------------------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select pg_temp.checkout('late');
select pg_temp.checkout('lapsed');
select tests.authenticate_as_service_role();
select pg_temp.attach('late');
select pg_temp.attach('lapsed');
select tests.clear_authentication();
update public.bookings set hold_expires_at = now() - interval '1 minute' where id in (tests.booking('late'), tests.booking('lapsed'));
select tests.authenticate_as('other_client');
select tests.book('retaken', tests.slot(3, '14:00'));
select tests.authenticate_as_service_role();
select set_eq($$select payment_id from service.lapsed_checkouts()$$,
  $$values (pg_temp.payment('late')), (pg_temp.payment('lapsed'))$$,
  'lapsed_checkouts lists the sessions whose hold lapsed (expired or not yet), and nothing still held or already paid');
select is(pg_temp.event('evt_late_paid', 'checkout.session.completed', 'late', '1 minute'), 'refund_queued',
  'a payment after the hold lapsed and the slot was booked again: refund queued');
select results_eq($$select * from pg_temp.state('late')$$, $$values ('succeeded', 'void', 'expired')$$,
  'the late payment leaves the booking expired and its invoice void');
select results_eq(
  $$select kind::text, amount, reason from public.refunds where payment_id = pg_temp.payment('late')$$,
  $$values ('unfulfillable', 10000::bigint,
            format('slot taken: invoice %s was paid after its hold expired and the slot was booked again', tests.invoice('late')))$$,
  'it is refunded in full as unfulfillable, saying why');
select results_eq(
  $$select p.applied, (select count(*) from public.provider_ledger l where l.payment_id = p.id)
    from public.payments p where p.id = pg_temp.payment('late')$$,
  $$values (false, 0::bigint)$$,
  'the refused settlement takes back the payment''s applied flag and its ledger earning, both written just before it (issue 24)');
select results_eq($$select status::text from public.bookings where id = tests.booking('retaken')$$, $$values ('held')$$,
  'the other client''s booking of the slot is untouched');
select is(pg_temp.event('evt_lapsed_paid', 'checkout.session.completed', 'lapsed', '1 minute'), 'paid',
  'a payment after the hold lapsed, while the slot is still free: paid');
select results_eq($$select * from pg_temp.state('lapsed')$$, $$values ('succeeded', 'paid', 'confirmed')$$,
  'the lapsed booking is confirmed by the late payment');

-- The sweeper expires sessions of lapsed holds --------------------------------------------------------------------------
select tests.authenticate_as('client');
select pg_temp.checkout('sweep');
select pg_temp.checkout('race');
select tests.authenticate_as_service_role();
select pg_temp.attach('sweep');
select pg_temp.attach('race');
select is_empty($$select * from service.lapsed_checkouts() where payment_id in (pg_temp.payment('sweep'), pg_temp.payment('race'))$$,
  'sessions of bookings still held are not lapsed');
select tests.clear_authentication();
update public.bookings set hold_expires_at = now() - interval '1 minute' where id in (tests.booking('sweep'), tests.booking('race'));
select tests.authenticate_as_service_role();
select set_eq($$select payment_id, session_id from service.lapsed_checkouts() where payment_id in (pg_temp.payment('sweep'), pg_temp.payment('race'))$$,
  $$values (pg_temp.payment('sweep'), 'cs_test_sweep'), (pg_temp.payment('race'), 'cs_test_race')$$,
  'once their holds lapse, both sessions are listed for expiry');
select is(service.record_checkout_expired(pg_temp.payment('sweep'), 'expired'), 'cancelled',
  'record_checkout_expired: Stripe expired the session, the payment is cancelled');
select results_eq($$select status::text, failure_message, checkout_expire_requested_at = now() from public.payments where id = pg_temp.payment('sweep')$$,
  $$values ('cancelled', 'the booking hold lapsed', true)$$, 'the cancelled payment says why');
select is(service.record_checkout_expired(pg_temp.payment('race'), 'complete'), 'left_complete',
  'record_checkout_expired: a session Stripe says is complete is left for its webhook');
select results_eq($$select status::text from public.payments where id = pg_temp.payment('race')$$, $$values ('pending')$$,
  'the completed session''s payment is left pending');
select is_empty($$select * from service.lapsed_checkouts() where payment_id in (pg_temp.payment('sweep'), pg_temp.payment('race'))$$,
  'neither is listed again (the complete one not within 5 minutes)');
select throws_ok($$select service.record_checkout_expired('00000000-0000-4000-8000-000000000000', 'expired')$$,
  'P0002', 'payment_id: payment 00000000-0000-4000-8000-000000000000 not found', 'an unknown payment cannot be expired');
select is(pg_temp.event('evt_race_paid', 'checkout.session.completed', 'race', '0 minutes'), 'paid',
  'the payment that won the race against the expiry settles while the slot is free');
select results_eq($$select * from pg_temp.state('race')$$, $$values ('succeeded', 'paid', 'confirmed')$$,
  'the raced booking is confirmed');
select tests.authenticate_as('client');
select throws_ok($$select public.begin_checkout(tests.invoice('sweep'))$$,
  'PT409', format('invoice_id: invoice %s is void and cannot be paid', tests.invoice_number('sweep')),
  'the lapsed hold''s invoice is void and cannot be checked out');

-- Payments for bookings that are gone ---------------------------------------------------------------------------------------
select pg_temp.checkout('dropped');
select tests.authenticate_as_service_role();
select pg_temp.attach('dropped');
select tests.authenticate_as('client');
select public.transition_booking(tests.booking('dropped'), 'cancelled', 'changed my mind');
select tests.authenticate_as_service_role();
select results_eq($$select payment_id from service.lapsed_checkouts() where payment_id = pg_temp.payment('dropped')$$,
  $$values (pg_temp.payment('dropped'))$$, 'the session of a cancelled booking is listed for expiry at once');
select is(pg_temp.event('evt_dropped_paid', 'checkout.session.completed', 'dropped', '0 minutes'), 'refund_queued',
  'a payment for a booking cancelled meanwhile: refund queued');
select results_eq(
  $$select p.status::text, p.applied, i.status::text, b.status::text, r.kind::text, r.amount
    from public.payments p join public.invoices i on i.id = p.invoice_id join public.bookings b on b.id = p.booking_id
    join public.refunds r on r.payment_id = p.id where p.id = pg_temp.payment('dropped')$$,
  $$values ('succeeded', false, 'void', 'cancelled', 'unfulfillable', 10000::bigint)$$,
  'the cancelled booking stays cancelled, its invoice void, and the money goes back');

select tests.clear_authentication();
update public.bookings set hold_expires_at = now() - interval '1 minute' where id = tests.booking('unpaid');
select tests.authenticate_as('client');
select throws_ok($$select public.begin_checkout(tests.invoice('unpaid'))$$,
  'PT409', format('invoice_id: invoice %s is void and cannot be paid', tests.invoice_number('unpaid')),
  'a hold that lapsed before checkout cannot be paid: the invoice is void');

select lives_ok($$select public.declare_manual_payment(tests.invoice('transfer'), 'qr', 'QR-0001')$$, 'the client declares a QR payment');
select throws_ok($$select public.begin_checkout(tests.invoice('transfer'))$$,
  'PT409', format('invoice_id: a manual payment of invoice %s awaits approval', tests.invoice_number('transfer')),
  'while a declared payment awaits approval, no checkout is opened');

-- Unknown sessions ------------------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(service.apply_checkout_event('evt_stranger_session', 'checkout.session.completed', now(), 'cs_test_elsewhere', null,
  'paid', 'pi_elsewhere', 500, 'eur'), 'unknown_payment', 'a session we never opened is an unknown payment');
select is(service.apply_checkout_event('evt_other_type', 'checkout.session.something_new', now(), 'cs_test_advice', null,
  'paid', 'pi_advice', 10000, 'eur'), 'ignored', 'a checkout event type it does not know is ignored');
select is((select count(*) from public.payments where status = 'succeeded' and applied), 5::bigint,
  'five payments settled their invoices (four by card, one by transfer); the duplicate, short and late ones did not');

select * from finish();
rollback;
