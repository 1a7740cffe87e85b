-- request_refund, the refunds a cancellation queues, refunds_to_submit and what the refunds
-- Lambda records, apply_refund_event / apply_charge_refunded / apply_dispute_event: refunds are
-- decided in SQL, submitted once, moved forward only, never counted twice; the invoice follows
-- (paid → partially_refunded → refunded); disputes move forward and closed ones stay closed.
begin;
set local time zone 'UTC';
select plan(89);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.open_marketplace();
select tests.create_supabase_user('stranger');
-- Advice: free cancellation until 24 hours before; strict advice: until 96 hours before, then 25% kept.
update public.offerings set free_cancellation_hours = 24, late_cancellation_fee_share = 0.5 where id = tests.advice();
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location,
                              free_cancellation_hours, late_cancellation_fee_share)
values ('0f000000-0000-4000-8000-000000000002', tests.get_supabase_uid('provider'), tests.consulting(),
        'service', 'Strict advice', 8000, 'EUR', 60, 'active', 'online', 96, 0.25);

create function pg_temp.payment(name text) returns uuid language sql stable as $$
  select p.id from public.payments p where p.invoice_id = tests.invoice(name) and p.applied
$$;
-- The client books; `card`: pays by Stripe Checkout (session cs_<name>, intent pi_<name>, charge ch_<name>).
create function pg_temp.book(name text, starts_at timestamptz, offering uuid default tests.advice(), card boolean default true)
returns void language plpgsql as $$
begin
  perform tests.authenticate_as('client');
  perform tests.book(name, starts_at, offering);
  if card then
    perform tests.pay_by_card(name);
  end if;
  perform tests.clear_authentication();
end
$$;
create function pg_temp.refund(name text, of_kind text default 'admin') returns uuid language sql stable as $$
  select r.id from public.refunds r where r.invoice_id = tests.invoice(name) and r.kind::text = of_kind order by r.amount, r.id limit 1
$$;
create function pg_temp.refund_event(id text, type text, refund text, refund_id uuid, ago interval, status public.refund_status,
                                     payment_intent text, amount bigint default 1000, failure text default null)
returns text language sql as $$
  select service.apply_refund_event(id, type, now() - ago, refund, refund_id, payment_intent, amount, 'eur', status, failure)
$$;
create function pg_temp.totals(name text) returns table (invoice text, invoice_refunded bigint, payment_refunded bigint)
language sql stable as $$
  select i.status::text, i.amount_refunded, p.amount_refunded
  from public.invoices i join public.payments p on p.invoice_id = i.id and p.applied where i.id = tests.invoice(name)
$$;
create function pg_temp.dispute(id text, type text, ago interval, status text, dispute text default 'dp_disputed',
                                payment_intent text default 'pi_disputed', amount bigint default 10000)
returns text language sql as $$
  select service.apply_dispute_event(id, type, now() - ago, dispute, payment_intent, null, amount, 'eur', status,
                                     'product_not_received', now() + interval '7 days')
$$;
grant execute on function pg_temp.payment(text), pg_temp.refund(text, text),
  pg_temp.refund_event(text, text, text, uuid, interval, public.refund_status, text, bigint, text),
  pg_temp.totals(text), pg_temp.dispute(text, text, interval, text, text, text, bigint)
  to anon, authenticated, service_role;

select pg_temp.book('goodwill', tests.slot(3, '10:00'));
select pg_temp.book('early', tests.slot(3, '12:00'));
select pg_temp.book('strict', tests.slot(2, '10:00'), '0f000000-0000-4000-8000-000000000002');
select pg_temp.book('dropped', tests.slot(2, '12:00'), '0f000000-0000-4000-8000-000000000002');
select pg_temp.book('partial', tests.slot(3, '14:00'));
select pg_temp.book('transfer', tests.slot(3, '16:00'), card => false);
select pg_temp.book('disputed', tests.slot(4, '10:00'));
select pg_temp.book('dash', tests.slot(4, '12:00'));
select pg_temp.book('unpaid', tests.slot(4, '14:00'), card => false);
select tests.authenticate_as('client');
select public.declare_manual_payment(tests.invoice('transfer'), 'bank_transfer', 'TRX-REFUND-1');
select tests.authenticate_as('admin');
select public.review_manual_payment(p.id, true) from public.payments p where p.invoice_id = tests.invoice('transfer');
select tests.clear_authentication();
select is((select count(*) from public.invoices where status = 'paid'), 8::bigint, 'fixture: eight bookings are paid');

-- request_refund: admins only ---------------------------------------------------------------------------------
select tests.authenticate_as('client');
select throws_ok($$select public.request_refund(tests.invoice('goodwill'), 1000)$$, '42501', 'only admins can refund',
  'a client cannot refund themselves');
select tests.authenticate_as('provider');
select throws_ok($$select public.request_refund(tests.invoice('goodwill'), 1000)$$, '42501', 'only admins can refund',
  'a provider cannot refund through request_refund');
select tests.authenticate_as_anon();
select throws_ok($$select public.request_refund(tests.invoice('goodwill'), 1000)$$, '42501', null, 'visitors cannot refund');
select tests.authenticate_as('admin');
select throws_ok($$select public.request_refund('00000000-0000-4000-8000-000000000000', 1000)$$,
  'PT404', 'invoice_id: invoice 00000000-0000-4000-8000-000000000000 not found', 'an unknown invoice cannot be refunded');
select throws_ok($$select public.request_refund(tests.invoice('unpaid'))$$,
  'P0001', format('amount: a refund must be more than 0 (invoice %s has 0 left to refund)', tests.invoice_number('unpaid')),
  'an unpaid invoice has nothing to refund');
select throws_ok($$select public.request_refund(tests.invoice('goodwill'), 0)$$,
  'P0001', format('amount: a refund must be more than 0 (invoice %s has 10000 left to refund)', tests.invoice_number('goodwill')),
  'a refund of nothing is refused');
select throws_ok($$select public.request_refund(tests.invoice('goodwill'), 10001)$$,
  'P0001', format('amount: 10001 is more than the 10000 EUR left to refund on invoice %s', tests.invoice_number('goodwill')),
  'a refund above what was paid is refused');
select is_empty($$select * from public.refunds where invoice_id = tests.invoice('goodwill')$$, 'the refused requests queued nothing');

select results_eq(
  $$select payment_id, invoice_id, booking_id, client_id, provider_id, kind::text, status::text, amount, currency::text, reason,
           requested_by, reverse_transfer, refund_application_fee
    from public.request_refund(tests.invoice('goodwill'), 3000, 'late start')$$,
  $$values (pg_temp.payment('goodwill'), tests.invoice('goodwill'), tests.booking('goodwill'), tests.get_supabase_uid('client'),
            tests.get_supabase_uid('provider'), 'admin', 'requested', 3000::bigint, 'EUR', 'late start', tests.get_supabase_uid('admin'),
            true, true)$$,
  'an admin queues a partial refund: requested, reversing the provider''s transfer and the platform''s fee');
select throws_ok($$select public.request_refund(tests.invoice('goodwill'), 7001)$$,
  'P0001', format('amount: 7001 is more than the 7000 EUR left to refund on invoice %s', tests.invoice_number('goodwill')),
  'a queued refund counts against what is left: 7000, not 10000');
select results_eq($$select kind::text, amount from public.request_refund(tests.invoice('goodwill'))$$,
  $$values ('admin', 7000::bigint)$$, 'without an amount an admin refunds everything that is left');
select throws_ok($$select public.request_refund(tests.invoice('goodwill'))$$,
  'P0001', format('amount: a refund must be more than 0 (invoice %s has 0 left to refund)', tests.invoice_number('goodwill')),
  'once everything is queued nothing is left to refund');
select results_eq($$select * from pg_temp.totals('goodwill')$$, $$values ('paid', 0::bigint, 0::bigint)$$,
  'queued refunds change no totals until Stripe confirms them');

-- Cancellations refund what the policy does not keep ----------------------------------------------------------------
select tests.authenticate_as('client');
select public.transition_booking(tests.booking('early'), 'cancelled', 'plans changed');
select results_eq(
  $$select kind::text, status::text, amount, reason, requested_by from public.refunds where invoice_id = tests.invoice('early')$$,
  $$values ('cancellation', 'requested', 10000::bigint, 'booking cancelled', tests.get_supabase_uid('client'))$$,
  'a client cancelling a paid booking inside the free window gets everything back');
select public.transition_booking(tests.booking('strict'), 'cancelled');
select results_eq(
  $$select b.cancellation_fee, r.kind::text, r.amount from public.bookings b join public.refunds r on r.booking_id = b.id
    where b.id = tests.booking('strict')$$,
  $$values (2000::bigint, 'cancellation', 6000::bigint)$$,
  'a client cancelling late gets back what is paid less the cancellation fee (8000 − 25% = 6000)');
select tests.authenticate_as('provider');
select public.transition_booking(tests.booking('dropped'), 'cancelled', 'ill');
select results_eq($$select kind::text, amount, requested_by from public.refunds where booking_id = tests.booking('dropped')$$,
  $$values ('cancellation', 8000::bigint, tests.get_supabase_uid('provider'))$$,
  'a provider cancelling late refunds everything: their cancellation keeps no fee');
select tests.authenticate_as('admin');
select public.request_refund(tests.invoice('partial'), 3000, 'discount');
select tests.authenticate_as('client');
select public.transition_booking(tests.booking('partial'), 'cancelled');
select results_eq($$select kind::text, amount from public.refunds where booking_id = tests.booking('partial') order by amount$$,
  $$values ('admin', 3000::bigint), ('cancellation', 7000::bigint)$$,
  'a cancellation after a partial refund gives back only what is left');
select results_eq($$select status::text from public.invoices where id = tests.invoice('early')$$, $$values ('paid')$$,
  'the cancelled booking''s invoice stays paid until the refund succeeds');

-- refunds_to_submit: claims -------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select throws_ok($$select * from service.refunds_to_submit()$$, '42501', 'permission denied for schema service',
  'a client cannot claim refunds');
select tests.authenticate_as_service_role();
select results_eq(
  $$select refund_id, payment_intent_id, amount, currency, reverse_transfer, refund_application_fee, idempotency_key
    from service.refunds_to_submit(booking_id => tests.booking('strict'))$$,
  $$values (pg_temp.refund('strict', 'cancellation'), 'pi_strict', 6000::bigint, 'eur', true, true,
            'refund-' || pg_temp.refund('strict', 'cancellation'))$$,
  'refunds_to_submit of one booking claims its queued refund with everything Stripe needs and the refund id as idempotency key');
select results_eq($$select amount from service.refunds_to_submit(invoice_id => tests.invoice('dropped'))$$, $$values (8000::bigint)$$,
  'refunds_to_submit of one invoice claims that invoice''s refund only');
select results_eq($$select attempts, claimed_until from public.refunds where id = pg_temp.refund('strict', 'cancellation')$$,
  $$values (1, now() + interval '5 minutes')$$, 'the claim lasts five minutes and counts an attempt');
select set_eq($$select amount from service.refunds_to_submit()$$,
  $$values (3000::bigint), (7000::bigint), (10000::bigint), (3000::bigint), (7000::bigint)$$,
  'refunds_to_submit claims every other queued Stripe refund (goodwill 3000 + 7000, early, partial 3000 + 7000)');
select is_empty($$select * from service.refunds_to_submit()$$,
  'claimed refunds are not handed out again within five minutes (a second sweeper run finds nothing)');
select is_empty($$select * from service.refunds_to_submit(booking_id => tests.booking('transfer'))$$,
  'the refund of a bank transfer is never submitted to Stripe');
select tests.clear_authentication();
update public.refunds set claimed_until = now() - interval '1 second' where id = pg_temp.refund('dropped', 'cancellation');
select tests.authenticate_as_service_role();
select results_eq($$select refund_id from service.refunds_to_submit()$$, $$values (pg_temp.refund('dropped', 'cancellation'))$$,
  'a claim that lapsed (a crashed Lambda) is taken again');
select results_eq($$select attempts from public.refunds where id = pg_temp.refund('dropped', 'cancellation')$$, $$values (2)$$,
  'the second claim counts a second attempt');

-- record_refund_submission_failed -------------------------------------------------------------------------------------------
select is(service.record_refund_submission_failed(pg_temp.refund('dropped', 'cancellation'), 'Stripe unavailable', true), 'retry_later',
  'a retryable refusal: retry later');
select results_eq($$select status::text, last_error, claimed_until from public.refunds where id = pg_temp.refund('dropped', 'cancellation')$$,
  $$values ('requested', 'Stripe unavailable', now() + interval '4 minutes')$$,
  'the refund stays queued, claimed for 2^attempts minutes (4 after two attempts)');
select is(service.record_refund_submission_failed(pg_temp.refund('dropped', 'cancellation'), 'charge_already_refunded: gone', false),
  'refund_failed', 'a final refusal fails the refund');
select results_eq($$select status::text, failure_reason, last_error from public.refunds where id = pg_temp.refund('dropped', 'cancellation')$$,
  $$values ('failed', 'charge_already_refunded: gone', 'charge_already_refunded: gone')$$, 'the failed refund says why');
select is(service.record_refund_submission_failed(pg_temp.refund('dropped', 'cancellation'), 'again', true), 'unchanged',
  'a refusal reported for a refund no longer queued changes nothing');
select tests.authenticate_as('admin');
select results_eq($$select amount from public.request_refund(tests.invoice('dropped'))$$, $$values (8000::bigint)$$,
  'a failed refund no longer counts against what is left: an admin can queue it again');

-- record_refund_submitted and refund events: forward only ------------------------------------------------------------------
select tests.authenticate_as_service_role();
select set_config('t.r3000', pg_temp.refund('goodwill')::text, true);
select set_config('t.r7000', (select r.id::text from public.refunds r where r.invoice_id = tests.invoice('goodwill') and r.amount = 7000), true);
select is(service.record_refund_submitted(current_setting('t.r3000')::uuid, 're_goodwill_3000', 'pending'), 'refund_pending',
  'record_refund_submitted: Stripe created the refund, pending');
select throws_ok($$select service.record_refund_submitted('00000000-0000-4000-8000-000000000000', 're_nothing', 'pending')$$,
  'P0002', 'refund_id: refund 00000000-0000-4000-8000-000000000000 not found', 'an unknown refund cannot be recorded as submitted');
select results_eq($$select status::text, stripe_refund_id, claimed_until from public.refunds where id = current_setting('t.r3000')::uuid$$,
  $$values ('pending', 're_goodwill_3000', null::timestamptz)$$, 'the refund knows its Stripe id and is no longer claimed');
select is(pg_temp.refund_event('evt_re3000_succeeded', 'refund.updated', 're_goodwill_3000', null, '10 minutes', 'succeeded', 'pi_goodwill', 3000),
  'refund_succeeded', 'refund.updated succeeded: the refund succeeded');
select results_eq($$select * from pg_temp.totals('goodwill')$$, $$values ('partially_refunded', 3000::bigint, 3000::bigint)$$,
  'the paid invoice is partially refunded, by 3000');
select is(pg_temp.refund_event('evt_re3000_pending', 'refund.updated', 're_goodwill_3000', null, '5 minutes', 'pending', 'pi_goodwill', 3000),
  'stale', 'a pending update after the success, even a newer one, is stale');
select is(pg_temp.refund_event('evt_re3000_succeeded', 'refund.updated', 're_goodwill_3000', null, '10 minutes', 'succeeded', 'pi_goodwill', 3000),
  'duplicate', 'a redelivered refund event is a duplicate');
select results_eq($$select status::text from public.refunds where id = current_setting('t.r3000')::uuid$$, $$values ('succeeded')$$,
  'the refund stays succeeded');

-- The webhook can arrive before the Lambda records Stripe's answer.
select is(pg_temp.refund_event('evt_re7000_succeeded', 'refund.created', 're_goodwill_7000', current_setting('t.r7000')::uuid, '9 minutes',
  'succeeded', 'pi_goodwill', 7000), 'refund_succeeded', 'a refund event naming our refund id (metadata) before its Stripe id is known');
select results_eq($$select stripe_refund_id, status::text from public.refunds where id = current_setting('t.r7000')::uuid$$,
  $$values ('re_goodwill_7000', 'succeeded')$$, 'the refund learns its Stripe id from the event');
select is(service.record_refund_submitted(current_setting('t.r7000')::uuid, 're_goodwill_7000', 'pending'), 'stale',
  'Stripe''s earlier answer (pending) recorded afterwards is stale');
select results_eq($$select * from pg_temp.totals('goodwill')$$, $$values ('refunded', 10000::bigint, 10000::bigint)$$,
  'both refunds succeeded: the invoice is refunded in full');
select results_eq($$select b.status::text from public.bookings b where b.id = tests.booking('goodwill')$$, $$values ('confirmed')$$,
  'a refund alone does not cancel the booking');

select is(pg_temp.refund_event('evt_re3000_failed', 'refund.failed', 're_goodwill_3000', null, '2 minutes', 'failed', 'pi_goodwill', 3000,
  'expired_or_canceled_card'), 'refund_failed', 'refund.failed after the success: the refund failed after all');
select results_eq($$select status::text, failure_reason from public.refunds where id = current_setting('t.r3000')::uuid$$,
  $$values ('failed', 'expired_or_canceled_card')$$, 'the failed refund says why');
select results_eq($$select * from pg_temp.totals('goodwill')$$, $$values ('partially_refunded', 7000::bigint, 7000::bigint)$$,
  'the failed 3000 no longer counts: the invoice goes back to partially refunded');
select is(pg_temp.refund_event('evt_re3000_late_success', 'refund.updated', 're_goodwill_3000', null, '1 minute', 'succeeded', 'pi_goodwill', 3000),
  'stale', 'a failed refund is final: a later success event is stale');

-- charge.refunded ------------------------------------------------------------------------------------------------------------
select is(service.apply_charge_refunded('evt_goodwill_charge', 'charge.refunded', now() - interval '8 minutes', 'pi_goodwill', 'ch_goodwill',
  7000, 'eur'), 'charge_refunded', 'charge.refunded: the charge''s refunded total is recorded');
select results_eq($$select charge_amount_refunded, amount_refunded, stripe_charge_id from public.payments where id = pg_temp.payment('goodwill')$$,
  $$values (7000::bigint, 7000::bigint, 'ch_goodwill')$$,
  'the charge''s total and our succeeded refund are the same money: 7000, not 14000');
select is(service.apply_charge_refunded('evt_goodwill_charge_old', 'charge.refunded', now() - interval '20 minutes', 'pi_goodwill', 'ch_goodwill',
  3000, 'eur'), 'stale', 'an older charge.refunded is stale');
select results_eq($$select charge_amount_refunded from public.payments where id = pg_temp.payment('goodwill')$$, $$values (7000::bigint)$$,
  'the charge''s refunded total is the newest one reported');
select throws_ok($$select service.apply_charge_refunded('evt_unknown_charge', 'charge.refunded', now(), 'pi_nobody', 'ch_nobody', 100, 'eur')$$,
  'PT503', 'payment: no payment for this event yet; retry later',
  'a charge.refunded for a payment not linked yet is refused for Stripe to retry (its checkout event may still come)');
select is_empty($$select * from private.stripe_events where id = 'evt_unknown_charge'$$,
  'the refused event is not recorded, so its retry is applied afresh');
select is(service.apply_charge_refunded('evt_old_unknown_charge', 'charge.refunded', now() - interval '2 days', 'pi_nobody', 'ch_nobody',
  100, 'eur'), 'unknown_payment', 'a day later the charge is taken as another system''s: unknown payment');

-- Refunds made in Stripe's dashboard -------------------------------------------------------------------------------------------
select lives_ok(
  $$select set_config('t.dash_outcome', pg_temp.refund_event('evt_dash_created', 'refund.created', 're_dash_1', null, '7 minutes',
      'succeeded', 'pi_dash', 4000), true)$$,
  'a refund made in Stripe''s dashboard is applied');
select is(current_setting('t.dash_outcome', true), 'refund_succeeded', 'its outcome: refund succeeded');
select results_eq(
  $$select kind::text, status::text, amount, currency::text, reason, requested_by, reverse_transfer, refund_application_fee
    from public.refunds where stripe_refund_id = 're_dash_1'$$,
  $$values ('external', 'succeeded', 4000::bigint, 'EUR', 'made in Stripe', null::uuid, true, true)$$,
  'it is recorded as an external refund of the payment');
select results_eq($$select * from pg_temp.totals('dash')$$, $$values ('partially_refunded', 4000::bigint, 4000::bigint)$$,
  'the external refund counts towards the invoice');
select lives_ok(
  $$select pg_temp.refund_event('evt_dash_pending', 'refund.created', 're_dash_2', null, '6 minutes', 'pending', 'pi_dash', 1000)$$,
  'a pending refund made in the dashboard is applied');
select results_eq($$select kind::text, status::text from public.refunds where stripe_refund_id = 're_dash_2'$$,
  $$values ('external', 'pending')$$, 'it is recorded as a pending external refund');
select is(service.apply_charge_refunded('evt_dash_charge', 'charge.refunded', now() - interval '5 minutes', 'pi_dash', 'ch_dash',
  5000, 'eur'), 'charge_refunded', 'charge.refunded counts the pending refund too');
select results_eq($$select * from pg_temp.totals('dash')$$, $$values ('partially_refunded', 4000::bigint, 4000::bigint)$$,
  'the pending refund does not count before it succeeds, whatever the charge says (it may still fail)');
select throws_ok($$select pg_temp.refund_event('evt_ghost', 'refund.created', 're_ghost', null, '1 minute', 'succeeded', 'pi_nobody')$$,
  'PT503', 'payment: no payment for this event yet; retry later', 'a refund of a payment not linked yet is refused for a retry');
select is(pg_temp.refund_event('evt_old_ghost', 'refund.created', 're_ghost', null, '2 days', 'succeeded', 'pi_nobody'), 'unknown_payment',
  'a day-old refund of a payment we never took is an unknown payment');

-- Manual payments are refunded by hand ----------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select set_config('t.manual_refund', (select r.id::text from public.request_refund(tests.invoice('transfer')) r), true);
select tests.authenticate_as('client');
select throws_ok($$select public.complete_manual_refund(current_setting('t.manual_refund')::uuid)$$, '42501',
  'only admins can record refunds', 'a client cannot record a manual refund');
select tests.authenticate_as('admin');
select throws_ok($$select public.complete_manual_refund(pg_temp.refund('early', 'cancellation'))$$, 'PT409',
  format('refund_id: refund %s is not a queued refund of a manual payment', pg_temp.refund('early', 'cancellation')),
  'a Stripe refund cannot be marked paid back by hand');
select results_eq($$select status::text, succeeded_at = now() from public.complete_manual_refund(current_setting('t.manual_refund')::uuid)$$,
  $$values ('succeeded', true)$$, 'an admin records that the bank transfer was paid back');
select results_eq($$select * from pg_temp.totals('transfer')$$, $$values ('refunded', 10000::bigint, 10000::bigint)$$,
  'the transfer''s invoice is refunded');
select throws_ok($$select public.complete_manual_refund(current_setting('t.manual_refund')::uuid)$$, 'PT409', null,
  'a manual refund is recorded once');

-- Disputes -------------------------------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(pg_temp.dispute('evt_dp_created', 'charge.dispute.created', '30 minutes', 'needs_response'), 'dispute_needs_response',
  'charge.dispute.created: the dispute is recorded');
select results_eq(
  $$select payment_id, invoice_id, client_id, provider_id, amount, currency::text, status, reason, evidence_due_by, last_event_at, closed_at
    from public.disputes where stripe_dispute_id = 'dp_disputed'$$,
  $$values (pg_temp.payment('disputed'), tests.invoice('disputed'), tests.get_supabase_uid('client'), tests.get_supabase_uid('provider'),
            10000::bigint, 'EUR', 'needs_response', 'product_not_received', now() + interval '7 days', now() - interval '30 minutes',
            null::timestamptz)$$,
  'the dispute belongs to the payment, invoice, client and provider, with its evidence deadline');
select is(pg_temp.dispute('evt_dp_created', 'charge.dispute.created', '30 minutes', 'needs_response'), 'duplicate',
  'a redelivered dispute event is a duplicate');
select is(pg_temp.dispute('evt_dp_review', 'charge.dispute.updated', '20 minutes', 'under_review'), 'dispute_under_review',
  'charge.dispute.updated: the dispute moves on');
select is(pg_temp.dispute('evt_dp_old', 'charge.dispute.updated', '25 minutes', 'needs_response'), 'stale',
  'an older update delivered later is stale');
select results_eq($$select status, last_event_at from public.disputes where stripe_dispute_id = 'dp_disputed'$$,
  $$values ('under_review', now() - interval '20 minutes')$$, 'the dispute keeps the newer state');
select is(pg_temp.dispute('evt_dp_closed', 'charge.dispute.closed', '10 minutes', 'won'), 'dispute_won',
  'charge.dispute.closed: the dispute is won');
select results_eq($$select status, closed_at = now() from public.disputes where stripe_dispute_id = 'dp_disputed'$$,
  $$values ('won', true)$$, 'the closed dispute records when');
select is(pg_temp.dispute('evt_dp_after', 'charge.dispute.updated', '1 minute', 'under_review'), 'stale',
  'a closed dispute stays closed, even against a newer update');
select results_eq($$select status from public.disputes where stripe_dispute_id = 'dp_disputed'$$, $$values ('won')$$,
  'the dispute is still won');
select is(pg_temp.dispute('evt_dp2_closed', 'charge.dispute.closed', '3 minutes', 'lost', 'dp_second', 'pi_dash', 6000), 'dispute_lost',
  'a dispute whose closing arrives first is recorded closed');
select is(pg_temp.dispute('evt_dp2_created', 'charge.dispute.created', '9 minutes', 'needs_response', 'dp_second', 'pi_dash', 6000),
  'stale', 'its creation delivered afterwards is stale: it stays lost');
select is(service.apply_dispute_event('evt_dp3', 'charge.dispute.created', now(), 'dp_by_charge', null, 'ch_goodwill', 500, 'eur',
  'warning_needs_response', 'fraudulent', null), 'dispute_warning_needs_response',
  'a dispute naming only the charge finds its payment by the charge id');
select throws_ok($$select pg_temp.dispute('evt_dp_ghost', 'charge.dispute.created', '1 minute', 'needs_response', 'dp_ghost', 'pi_nobody')$$,
  'PT503', 'payment: no payment for this event yet; retry later', 'a dispute of a payment not linked yet is refused for a retry');
select is(pg_temp.dispute('evt_dp_old_ghost', 'charge.dispute.created', '2 days', 'needs_response', 'dp_ghost', 'pi_nobody'),
  'unknown_payment', 'a day-old dispute of a payment we never took is an unknown payment');
select is((select count(*) from public.disputes), 3::bigint, 'three disputes are recorded, none twice');

select * from finish();
rollback;
