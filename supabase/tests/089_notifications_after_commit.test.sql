-- notifications after commit (issue 24): a change of a booking, payment or refund records one row
-- in its own transaction (rolled back with it) and builds nothing; the dispatcher's run turns the
-- changes into outbox events in their order, each as its maker (the outbox's actor); a change
-- whose notifications cannot be built is kept with its error and the others go on; nobody but
-- the service role reaches the changes.
begin;
set local time zone 'UTC';
select plan(14);
select tests.start_with_empty_marketplace();
select tests.open_marketplace();

create function pg_temp.events(booking uuid) returns table (event_type text, status text) language sql stable as $$
  select o.event_type, o.status from private.notification_outbox o where o.booking_id = booking order by o.id
$$;

-- A booking and its payment: recorded, nothing built ----------------------------------------------
select tests.authenticate_as('client');
select tests.book('main', tests.slot(3, '10:00'));
-- Still in the client's request (looked at as the test's own role): the change is recorded, the
-- outbox has nothing of it.
reset role;
select results_eq(
  $$select c.source, c.op, c.new_row ->> 'status', c.actor_id from private.notification_changes c
    where c.new_row ->> 'id' = tests.booking('main')::text$$,
  $$values ('bookings', 'INSERT', 'held', tests.get_supabase_uid('client'))$$,
  'a new booking records one change, its maker the client');
select is_empty($$select 1 from private.notification_outbox o where o.booking_id = tests.booking('main')$$,
  'and builds no outbox event in its transaction');
set local role authenticated;
select throws_ok($$select * from private.notification_changes$$, '42501', null, 'a user cannot read the changes');
select throws_ok($$select private.apply_notification_changes()$$, '42501', null, 'nor apply them');
reset role;
select tests.authenticate_as('client');

savepoint before_payment;
select tests.pay_by_card('main');  -- ends with tests.clear_authentication(): the dispatcher's run
rollback to savepoint before_payment;
reset role;
select is_empty($$select 1 from private.notification_changes c where c.source = 'payments'$$,
  'a payment rolled back leaves no change behind');

-- Applied: in order, as their makers -------------------------------------------------------------
select tests.clear_authentication();
select results_eq($$select * from pg_temp.events(tests.booking('main'))$$,
  $$values ('booking.held', 'pending')$$, 'the dispatcher''s run builds the booking''s event');
select is((select o.actor_id from private.notification_outbox o where o.dedup_key = 'booking.held:' || tests.booking('main')),
  tests.get_supabase_uid('client'), 'with the change''s maker as its actor, as if built in her request');
select is_empty($$select 1 from private.notification_changes$$, 'an applied change is gone');

-- Paid (confirmed, with reminders) then cancelled before any dispatcher run: one run applies the
-- three changes in that order, so the reminders are scheduled, then withdrawn.
-- (Every tests.authenticate_as* ends the request before it: the payment and the cancellation are
-- made in one, the service role's.)
select tests.authenticate_as('client');
select set_config('t.checkout', public.begin_checkout(tests.invoice('main'))::text, true);
select tests.authenticate_as_service_role();
select service.attach_checkout_session((current_setting('t.checkout')::jsonb ->> 'payment_id')::uuid, 'cs_main',
                                       'https://checkout.stripe.com/c/pay/cs_main', now() + interval '31 minutes');
select service.apply_checkout_event('evt_main_paid', 'checkout.session.completed', now() - interval '1 hour', 'cs_main',
                                    (current_setting('t.checkout')::jsonb ->> 'payment_id')::uuid, 'paid', 'pi_main',
                                    (current_setting('t.checkout')::jsonb ->> 'amount')::bigint,
                                    lower(current_setting('t.checkout')::jsonb ->> 'currency'));
reset role;
update public.bookings set status = 'cancelled', cancelled_at = now() where id = tests.booking('main');
select results_eq(
  $$select c.source, c.new_row ->> 'status' from private.notification_changes c order by c.id$$,
  $$values ('payments', 'succeeded'), ('bookings', 'confirmed'), ('bookings', 'cancelled')$$,
  'the payment, the confirmation and the cancellation wait, in their order');
select tests.clear_authentication();
select results_eq($$select * from pg_temp.events(tests.booking('main'))$$,
  $$values ('booking.held', 'pending'), ('payment.succeeded', 'pending'), ('booking.confirmed', 'pending'),
           ('booking.reminder_24h', 'cancelled'), ('booking.reminder_1h', 'cancelled'), ('booking.cancelled', 'pending')$$,
  'one run applies them in that order: the reminders scheduled, then withdrawn');

-- A change that cannot be built is kept with its error ---------------------------------------------
insert into private.notification_changes (source, op, new_row)
values ('refunds', 'UPDATE', jsonb_build_object('id', gen_random_uuid(), 'status', 'succeeded', 'client_id', 'nobody'));
select tests.authenticate_as('client');
select tests.book('later', tests.slot(4, '10:00'));
select tests.authenticate_as_service_role();  -- no change of the service role's own
select lives_ok($$select tests.clear_authentication()$$, 'a run with a change it cannot build goes on');
select results_eq(
  $$select c.source, c.failed_at is not null, c.error like '%SQLSTATE%' from private.notification_changes c$$,
  $$values ('refunds', true, true)$$, 'that change is kept, failed, with its error');
select results_eq($$select * from pg_temp.events(tests.booking('later'))$$,
  $$values ('booking.held', 'pending')$$, 'and the one after it is built');
select is(service.expand_notifications(0), 0, 'the dispatcher''s expansion applies the changes first (and answers as before)');

select * from finish();
rollback;
