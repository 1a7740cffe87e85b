-- Domain events: every change people hear about writes its outbox event in the same
-- transaction (booking held, confirmed, cancelled, rescheduled, completed; payment succeeded,
-- failed, refunded; dispute opened; manual payment approved or rejected), once, to the right
-- people, with readable data; reminders 24 h and 1 h before a confirmed booking, withdrawn when
-- it is cancelled, started or moved.
begin;
set local time zone 'UTC';
select plan(35);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('client');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('second_admin');
select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.grant_role('admin', 'admin');
select tests.grant_role('second_admin', 'admin');
insert into public.provider_profiles (user_id, kind) values (tests.get_supabase_uid('provider'), 'consultant');
insert into public.provider_payout_accounts (provider_id, stripe_account_id, charges_enabled, payouts_enabled, details_submitted)
values (tests.get_supabase_uid('provider'), 'acct_provider', true, true, true);
insert into public.categories (id, slug, name) values ('ca000000-0000-4000-8000-000000000001', 'consulting', 'Consulting');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
values ('0f000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), 'ca000000-0000-4000-8000-000000000001',
        'service', 'Advice', 12050, 'EUR', 60, 'active', 'online');
insert into public.schedules (user_id, timezone, min_notice_minutes) values (tests.get_supabase_uid('provider'), 'Europe/Lisbon', 0);
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select s.user_id, d, '00:00', '23:59' from public.schedules s cross join generate_series(1, 7) d;
update private.settings set value = '50' where key = 'bookings.max_live_holds_per_client';
update private.settings set value = '"https://app.example.com"' where key = 'notifications.app_url';

-- The client books (held); the checkout of booking <name> is cs_<name> / pi_<name>.
create function pg_temp.book(name text, starts_at timestamptz) returns void language plpgsql as $$
declare
  checkout jsonb;
begin
  perform tests.authenticate_as('client');
  perform tests.book(name, starts_at);
  checkout := public.begin_checkout(tests.invoice(name));
  perform set_config('t.pay_' || name, checkout ->> 'payment_id', true);
  perform tests.authenticate_as_service_role();
  perform service.attach_checkout_session((checkout ->> 'payment_id')::uuid, 'cs_' || name,
                                          'https://checkout.stripe.com/c/pay/cs_' || name, now() + interval '31 minutes');
  perform tests.clear_authentication();
end
$$;
create function pg_temp.pay(name text) returns text language plpgsql as $$
declare
  outcome text;
begin
  perform tests.authenticate_as_service_role();
  outcome := service.apply_checkout_event('evt_' || name || '_paid', 'checkout.session.completed', now() - interval '1 minute',
                                          'cs_' || name, current_setting('t.pay_' || name)::uuid, 'paid', 'pi_' || name, 12050, 'eur');
  perform tests.clear_authentication();
  return outcome;
end
$$;
-- The outbox events about booking <name>, as (event type, status) in order.
create function pg_temp.events(name text) returns table (event_type text, status text) language sql stable as $$
  select o.event_type, o.status from private.notification_outbox o where o.booking_id = tests.booking(name) order by o.id
$$;
create function pg_temp.event(key text) returns private.notification_outbox language sql stable as $$
  select o from private.notification_outbox o where o.dedup_key = key
$$;
grant execute on function pg_temp.book(text, timestamptz), pg_temp.pay(text),
  pg_temp.events(text), pg_temp.event(text)
  to anon, authenticated, service_role;

-- Held ------------------------------------------------------------------------------------------------
select pg_temp.book('main', tests.slot(3, '10:00', 'Europe/Lisbon'));
select results_eq(
  $$select o.event_type, o.recipient_ids, o.status, o.deliver_after = now(), o.data ->> 'offering_title', o.data ->> 'amount',
           o.data ->> 'currency', o.data ->> 'timezone', o.data ->> 'provider_name', o.data ->> 'client_name', o.data ->> 'action_url'
    from private.notification_outbox o where o.dedup_key = 'booking.held:' || tests.booking('main')$$,
  $$values ('booking.held', tests.uids('client'), 'pending', true, 'Advice', '120.50', 'EUR', 'Europe/Lisbon', 'provider', 'client',
            'https://app.example.com/bookings/' || tests.booking('main'))$$,
  'a new booking tells its client it is held: amounts in major units, the provider''s timezone, a link to it');
select ok((pg_temp.event('booking.held:' || tests.booking('main'))).data ->> 'starts_at'
            = to_char(tests.slot(3, '10:00', 'Europe/Lisbon') at time zone 'Europe/Lisbon', 'Dy DD Mon YYYY, HH24:MI')
          and (pg_temp.event('booking.held:' || tests.booking('main'))).data ->> 'starts_at' ~ '^[A-Z][a-z]{2} \d{2} [A-Z][a-z]{2} \d{4}, 10:00$',
  'times are written for people, in the booking''s timezone');

-- Paid: the payment and the confirmation, in the transaction that applies the webhook --------------------
savepoint before_payment;
select pg_temp.pay('main');
select results_eq($$select * from pg_temp.events('main')$$,
  $$values ('booking.held', 'pending'), ('payment.succeeded', 'pending'), ('booking.confirmed', 'pending'),
           ('booking.reminder_24h', 'pending'), ('booking.reminder_1h', 'pending')$$,
  'the payment is told, and confirms the booking, which schedules its reminders');
rollback to savepoint before_payment;
select results_eq($$select * from pg_temp.events('main')$$, $$values ('booking.held', 'pending')$$,
  'the events are part of the transaction: rolled back with the payment, they are gone');
select is(pg_temp.pay('main'), 'paid', 'the payment lands');
select results_eq(
  $$select o.event_type, o.recipient_ids, o.data ->> 'amount', o.data ->> 'invoice_number' is not null, o.data ->> 'offering_title'
    from private.notification_outbox o where o.dedup_key = 'payment.succeeded:' || current_setting('t.pay_main')$$,
  $$values ('payment.succeeded', tests.uids('client'), '120.50', true, 'Advice')$$,
  'payment.succeeded goes to the client, with the amount and the invoice number');
select results_eq(
  $$select o.event_type, o.recipient_ids from private.notification_outbox o
    where o.dedup_key = 'booking.confirmed:' || tests.booking('main')$$,
  $$values ('booking.confirmed', tests.uids('client', 'provider'))$$,
  'booking.confirmed goes to the client and the provider');
select results_eq(
  $$select o.event_type, o.deliver_after, o.recipient_ids, o.data ->> 'offering_title' from private.notification_outbox o
    where o.booking_id = tests.booking('main') and o.event_type like 'booking.reminder%' order by o.deliver_after$$,
  $$values ('booking.reminder_24h', tests.slot(3, '10:00', 'Europe/Lisbon') - interval '24 hours', tests.uids('client', 'provider'), 'Advice'),
           ('booking.reminder_1h', tests.slot(3, '10:00', 'Europe/Lisbon') - interval '1 hour', tests.uids('client', 'provider'), 'Advice')$$,
  'reminders wait until 24 hours and 1 hour before the start, for both sides');
select is(pg_temp.pay('main'), 'duplicate', 'a replayed webhook changes nothing');
select is((select count(*) from private.notification_outbox o where o.booking_id = tests.booking('main')), 5::bigint,
  'and enqueues nothing twice');
select tests.authenticate_as_service_role();
select is(service.expand_notifications(), 3, 'the dispatcher expands what is due (held, paid, confirmed), not the reminders');
select tests.clear_authentication();

-- Moved: the rescheduled event, the old reminders withdrawn, new ones --------------------------------------
-- (No RPC moves a booking yet; any change of starts_at is a move.)
-- The 24-hour reminder is expanded early, as if its time had come, and held by quiet hours.
update private.notification_outbox set deliver_after = now() - interval '1 second'
where booking_id = tests.booking('main') and event_type = 'booking.reminder_24h';
select tests.authenticate_as_service_role();
select service.expand_notifications();
select tests.clear_authentication();
update public.notification_deliveries set next_attempt_at = now() + interval '3 hours'
where outbox_id = (select id from private.notification_outbox where booking_id = tests.booking('main') and event_type = 'booking.reminder_24h');
select is((select count(*) from public.notification_deliveries d join private.notification_outbox o on o.id = d.outbox_id
           where o.booking_id = tests.booking('main') and o.event_type = 'booking.reminder_24h' and d.status = 'queued'), 2::bigint,
  'fixture: the 24-hour reminder''s emails wait in the queue');
update public.bookings set starts_at = starts_at + interval '1 day', ends_at = ends_at + interval '1 day',
                           blocked_during = tstzrange(lower(blocked_during) + interval '1 day', upper(blocked_during) + interval '1 day')
where id = tests.booking('main');
select tests.after_commit();
select results_eq(
  $$select o.recipient_ids, o.data ->> 'previous_starts_at', o.data ->> 'starts_at' from private.notification_outbox o
    where o.dedup_key = format('booking.rescheduled:%s:%s', tests.booking('main'), extract(epoch from tests.slot(4, '10:00', 'Europe/Lisbon'))::bigint)$$,
  $$values (tests.uids('client', 'provider'), to_char(tests.slot(3, '10:00', 'Europe/Lisbon') at time zone 'Europe/Lisbon', 'Dy DD Mon YYYY, HH24:MI'),
            to_char(tests.slot(4, '10:00', 'Europe/Lisbon') at time zone 'Europe/Lisbon', 'Dy DD Mon YYYY, HH24:MI'))$$,
  'a move tells both sides the old and the new time');
select results_eq(
  $$select o.event_type, o.status, o.deliver_after from private.notification_outbox o
    where o.booking_id = tests.booking('main') and o.event_type like 'booking.reminder%' order by o.id$$,
  $$values ('booking.reminder_24h', 'expanded', now() - interval '1 second'),
           ('booking.reminder_1h', 'cancelled', tests.slot(3, '10:00', 'Europe/Lisbon') - interval '1 hour'),
           ('booking.reminder_24h', 'pending', tests.slot(4, '10:00', 'Europe/Lisbon') - interval '24 hours'),
           ('booking.reminder_1h', 'pending', tests.slot(4, '10:00', 'Europe/Lisbon') - interval '1 hour')$$,
  'the reminders of the old time are withdrawn and new ones wait for the new time');
select is((select count(*) from public.notification_deliveries d join private.notification_outbox o on o.id = d.outbox_id
           where o.booking_id = tests.booking('main') and o.event_type = 'booking.reminder_24h' and d.status = 'cancelled'), 2::bigint,
  'and the old reminder''s deliveries still waiting are cancelled');
update public.bookings set starts_at = starts_at - interval '1 day', ends_at = ends_at - interval '1 day',
                           blocked_during = tstzrange(lower(blocked_during) - interval '1 day', upper(blocked_during) - interval '1 day')
where id = tests.booking('main');
select tests.after_commit();
select results_eq(
  $$select o.event_type, o.status from private.notification_outbox o
    where o.booking_id = tests.booking('main') and o.event_type = 'booking.reminder_1h' order by o.id$$,
  $$values ('booking.reminder_1h', 'pending'), ('booking.reminder_1h', 'cancelled')$$,
  'moved back, the booking''s first 1-hour reminder comes back and the second is withdrawn');
select is((select count(*) from private.notification_outbox o where o.booking_id = tests.booking('main')
           and o.event_type = 'booking.rescheduled'), 2::bigint, 'each move is its own event');

-- Soon: reminders already past are not scheduled
update public.bookings set starts_at = now() + interval '2 hours', ends_at = now() + interval '3 hours',
                           blocked_during = tstzrange(now() + interval '2 hours', now() + interval '3 hours')
where id = tests.booking('main');
select tests.after_commit();
select results_eq(
  $$select o.event_type, o.deliver_after from private.notification_outbox o
    where o.booking_id = tests.booking('main') and o.event_type like 'booking.reminder%' and o.status = 'pending'$$,
  $$values ('booking.reminder_1h', now() + interval '1 hour')$$,
  'a booking less than 24 hours away gets only the 1-hour reminder');

-- Cancelled: the event for both sides, the reminders withdrawn, the refund -----------------------------
savepoint before_cancel;
select tests.authenticate_as('client');
select public.transition_booking(tests.booking('main'), 'cancelled', 'change of plans');
select tests.clear_authentication();
select results_eq(
  $$select o.event_type, o.recipient_ids from private.notification_outbox o where o.dedup_key = 'booking.cancelled:' || tests.booking('main')$$,
  $$values ('booking.cancelled', tests.uids('client', 'provider'))$$,
  'a cancellation tells the client and the provider');
select is_empty(
  $$select 1 from private.notification_outbox o where o.booking_id = tests.booking('main') and o.event_type like 'booking.reminder%'
    and o.status = 'pending'$$,
  'a cancelled booking has no reminder left');
rollback to savepoint before_cancel;
select is_empty($$select 1 from private.notification_outbox o where o.dedup_key = 'booking.cancelled:' || tests.booking('main')$$,
  'a cancellation rolled back takes its event with it');
select tests.authenticate_as('provider');
select public.transition_booking(tests.booking('main'), 'cancelled', 'ill');
select tests.clear_authentication();
select is((select count(*) from private.notification_outbox o where o.dedup_key = 'booking.cancelled:' || tests.booking('main')),
  1::bigint, 'the cancellation that commits is told once');

-- Refunded
select tests.authenticate_as_service_role();
select service.apply_refund_event('evt_refund_main', 'refund.updated', now(), 're_main',
  (select r.id from public.refunds r where r.booking_id = tests.booking('main')), 'pi_main', 12050, 'eur', 'succeeded', null);
select tests.clear_authentication();
select results_eq(
  $$select o.event_type, o.recipient_ids, o.data ->> 'amount', o.data ->> 'currency', o.booking_id from private.notification_outbox o
    where o.event_type = 'payment.refunded'$$,
  $$values ('payment.refunded', tests.uids('client'), '120.50', 'EUR', tests.booking('main'))$$,
  'a refund that succeeds tells the client how much');
select tests.authenticate_as_service_role();
select service.apply_refund_event('evt_refund_main_again', 'refund.updated', now(), 're_main',
  (select r.id from public.refunds r where r.booking_id = tests.booking('main')), 'pi_main', 12050, 'eur', 'succeeded', null);
select tests.clear_authentication();
select is((select count(*) from private.notification_outbox o where o.event_type = 'payment.refunded'), 1::bigint,
  'a refund is told once');

-- Started and completed: reminders withdrawn when it starts, completion told to both sides ------------------
select pg_temp.book('session', tests.slot(5, '10:00', 'Europe/Lisbon'));
select pg_temp.pay('session');
update private.settings set value = '100000' where key = 'bookings.start_early_minutes';
select tests.authenticate_as('provider');
select public.transition_booking(tests.booking('session'), 'in_progress');
select tests.clear_authentication();
select is_empty(
  $$select 1 from private.notification_outbox o where o.booking_id = tests.booking('session') and o.event_type like 'booking.reminder%'
    and o.status = 'pending'$$,
  'a booking that has started needs no reminder');
select tests.authenticate_as('provider');
select public.transition_booking(tests.booking('session'), 'completed');
select tests.clear_authentication();
select results_eq($$select * from pg_temp.events('session')$$,
  $$values ('booking.held', 'pending'), ('payment.succeeded', 'pending'), ('booking.confirmed', 'pending'),
           ('booking.reminder_24h', 'cancelled'), ('booking.reminder_1h', 'cancelled'), ('booking.completed', 'pending')$$,
  'a booking''s life in events: held, paid, confirmed, reminders withdrawn when it started, completed');
select is((pg_temp.event('booking.completed:' || tests.booking('session'))).recipient_ids, tests.uids('client', 'provider'),
  'completion is told to both sides');

-- A declined card ------------------------------------------------------------------------------------------
select pg_temp.book('declined', tests.slot(6, '10:00', 'Europe/Lisbon'));
select tests.authenticate_as_service_role();
select service.apply_payment_intent_failed('evt_declined', 'payment_intent.payment_failed', now(), 'pi_declined',
  current_setting('t.pay_declined')::uuid, 'Your card was declined.');
select tests.clear_authentication();
select results_eq(
  $$select o.event_type, o.recipient_ids, o.data ->> 'reason', o.data ->> 'amount', o.booking_id from private.notification_outbox o
    where o.event_type = 'payment.failed'$$,
  $$values ('payment.failed', tests.uids('client'), 'Your card was declined.', '120.50', tests.booking('declined'))$$,
  'a declined card tells the client why');

-- A dispute -------------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select service.apply_dispute_event('evt_dispute', 'charge.dispute.created', now(), 'dp_session', 'pi_session', null, 12050, 'eur',
  'needs_response', 'product_not_received', '2026-03-01 12:00+00');
select service.apply_dispute_event('evt_dispute_update', 'charge.dispute.updated', now(), 'dp_session', 'pi_session', null, 12050, 'eur',
  'under_review', 'product_not_received', '2026-03-01 12:00+00');
select tests.clear_authentication();
select results_eq(
  $$select o.event_type, o.recipient_ids, o.data ->> 'amount', o.data ->> 'reason', o.data ->> 'respond_by', o.data ->> 'invoice_number' is not null
    from private.notification_outbox o where o.event_type = 'dispute.opened'$$,
  $$values ('dispute.opened', tests.uids('provider', 'admin', 'second_admin'), '120.50', 'product not received',
            'Sun 01 Mar 2026, 12:00 UTC', true)$$,
  'a dispute, once, tells the provider and every admin what is disputed and by when to respond');

-- Manual payments: approved and rejected -------------------------------------------------------------------
select tests.authenticate_as('client');
select set_config('t.transfer', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]',
                                                     tests.slot(7, '10:00', 'Europe/Lisbon'))::text, true);
select set_config('t.transfer_pay', (public.declare_manual_payment(tests.invoice('transfer'), 'bank_transfer', 'TRX-1')).id::text, true);
select set_config('t.rejected', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]',
                                                     tests.slot(7, '14:00', 'Europe/Lisbon'))::text, true);
select set_config('t.rejected_pay', (public.declare_manual_payment(tests.invoice('rejected'), 'qr', 'QR-9')).id::text, true);
select tests.authenticate_as('admin');
select public.review_manual_payment(current_setting('t.transfer_pay')::uuid, true);
select public.review_manual_payment(current_setting('t.rejected_pay')::uuid, false, 'no transfer with reference QR-9 arrived');
select tests.clear_authentication();
select results_eq(
  $$select o.event_type, o.recipient_ids, o.data ->> 'amount' from private.notification_outbox o
    where o.dedup_key = 'invoice.approved:' || current_setting('t.transfer_pay')$$,
  $$values ('invoice.approved', tests.uids('client'), '120.50')$$,
  'an approved manual payment tells the client their invoice is paid');
select set_eq($$select * from pg_temp.events('transfer')$$,
  $$values ('booking.held', 'pending'), ('booking.confirmed', 'pending'), ('booking.reminder_24h', 'pending'),
           ('booking.reminder_1h', 'pending'), ('invoice.approved', 'pending')$$,
  'and confirms the booking, with its reminders');
select is_empty($$select 1 from private.notification_outbox o where o.dedup_key = 'payment.succeeded:' || current_setting('t.transfer_pay')$$,
  'a manual payment is told as its review, not as a card payment too');
select results_eq(
  $$select o.event_type, o.recipient_ids, o.data ->> 'reason' from private.notification_outbox o
    where o.dedup_key = 'invoice.rejected:' || current_setting('t.rejected_pay')$$,
  $$values ('invoice.rejected', tests.uids('client'), 'no transfer with reference QR-9 arrived')$$,
  'a rejected manual payment tells the client why');
select is_empty($$select 1 from private.notification_outbox o where o.event_type = 'payment.failed'
                  and o.data ->> 'invoice_number' = (select number from public.invoices where id = tests.invoice('rejected'))$$,
  'nor is a rejection told twice as a failed card payment');

-- Everything enqueued here renders: no event lacks a variable its templates use --------------------------
select is_empty(
  $$select o.event_type, v from private.notification_outbox o
    join public.notification_templates t on t.event_type = o.event_type and t.locale = 'en'
    cross join lateral unnest(private.template_placeholders(concat_ws(' ', t.subject, t.title, t.body, t.action_url))) v
    where v <> 'recipient_name' and not o.data ? v
    group by 1, 2$$,
  'every variable the templates of an event use is in its data');

select * from finish();
rollback;
