-- transition_booking, cancellation_terms, service.expire_holds, service.settle_invoice: the
-- booking state machine, who may make each move, the audit trail, what a cancellation keeps,
-- holds that lapse, and payments that confirm (once).
begin;
set local time zone 'UTC';
select plan(68);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('client');
select tests.create_supabase_user('other_client');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('lab', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('collector');
select tests.grant_role('admin', 'admin');
select tests.grant_role('collector', 'staff', 'collector');
insert into public.provider_profiles (user_id, kind)
values (tests.get_supabase_uid('provider'), 'consultant'), (tests.get_supabase_uid('lab'), 'lab');

insert into public.categories (id, slug, name) values
  ('ca000000-0000-4000-8000-000000000001', 'consulting', 'Consulting'),
  ('ca000000-0000-4000-8000-000000000002', 'pet-lab', 'Pet lab');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location,
                              scheduled_on, free_cancellation_hours, late_cancellation_fee_share)
values
  ('0f000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), 'ca000000-0000-4000-8000-000000000001',
   'service', 'Advice', 10000, 'EUR', 60, 'active', 'online', 'provider', 24, 0.5),
  ('0f000000-0000-4000-8000-000000000002', tests.get_supabase_uid('provider'), 'ca000000-0000-4000-8000-000000000001',
   'service', 'Strict advice', 8000, 'EUR', 60, 'active', 'online', 'provider', 96, 0.25),
  ('0f000000-0000-4000-8000-000000000011', tests.get_supabase_uid('lab'), 'ca000000-0000-4000-8000-000000000002',
   'lab_test', 'Complete blood count', 4500, 'GBP', 30, 'active', 'client_site', 'collector', 24, 0.5);
insert into public.service_areas (provider_id, name, country_code, postal_codes)
values (tests.get_supabase_uid('lab'), 'East London', 'GB', '{EC2A1AA}');
insert into public.addresses (id, user_id, line1, city, postal_code, country_code)
values ('aa000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'), '2 Home Row', 'London', 'EC2A 1AA', 'GB');
insert into public.schedules (user_id, timezone, min_notice_minutes)
select tests.get_supabase_uid(u), 'UTC', 0 from unnest(array['provider', 'collector']) u;
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select s.user_id, d, '08:00', '20:00' from public.schedules s cross join generate_series(1, 7) d;
insert into public.offers (id, name, percent_off) values ('0e000000-0000-4000-8000-000000000001', 'Ten percent off', 10);
insert into public.coupons (id, offer_id, code, max_redemptions, max_per_user)
values ('c0000000-0000-4000-8000-000000000001', '0e000000-0000-4000-8000-000000000001', 'SAVE10', null, 5),
       ('c0000000-0000-4000-8000-000000000002', '0e000000-0000-4000-8000-000000000001', 'LAST1', 1, 1);
-- The client holds more unpaid bookings at once than the default cap (5) allows; 050 tests the cap.
update private.settings set value = '50' where key = 'bookings.max_live_holds_per_client';

-- Moves a booking to start `minutes_ago` minutes ago (as the test's own role).
create function pg_temp.start_ago(name text, minutes_ago integer) returns void language sql as $$
  update public.bookings b
  set starts_at = now() - make_interval(mins => minutes_ago),
      ends_at = now() - make_interval(mins => minutes_ago) + (b.ends_at - b.starts_at),
      blocked_during = tstzrange(now() - make_interval(mins => minutes_ago), now() - make_interval(mins => minutes_ago) + (b.ends_at - b.starts_at))
  where b.id = tests.booking(name)
$$;

select tests.authenticate_as('client');
select tests.book('advice', tests.slot(2, '10:00'));
select tests.book('unpaid', tests.slot(3, '10:00'), coupon => 'SAVE10');
select tests.book('early', tests.slot(3, '14:00'));
select tests.book('late', tests.slot(2, '14:00'), '0f000000-0000-4000-8000-000000000002');
select tests.book('dropped', tests.slot(2, '16:00'), '0f000000-0000-4000-8000-000000000002');
select tests.book('lapsing', tests.slot(4, '10:00'));
select tests.book('paying', tests.slot(4, '14:00'), coupon => 'SAVE10');
select tests.book('late_payer', tests.slot(5, '10:00'));
select tests.book('too_late', tests.slot(5, '14:00'));
select tests.book('started', tests.slot(6, '10:00'));
select tests.book('last_use', tests.slot(6, '14:00'), coupon => 'LAST1');
select tests.book('saver', tests.slot(7, '10:00'), coupon => 'SAVE10');
select set_config('t.lab', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000011"}]', tests.slot(2, '10:00'),
                                                 address_id => 'aa000000-0000-4000-8000-000000000001')::text, true);

-- Who may confirm ---------------------------------------------------------------------------------------
select throws_ok($$select public.transition_booking(tests.booking('advice'), 'confirmed')$$,
  '42501', 'status: as client you cannot move a held booking to confirmed',
  'a client cannot confirm their own held booking (payment does)');
select tests.authenticate_as('provider');
select throws_ok($$select public.transition_booking(tests.booking('advice'), 'confirmed')$$,
  '42501', 'status: as provider you cannot move a held booking to confirmed',
  'a provider cannot confirm a held, unpaid booking');
select tests.authenticate_as('stranger');
select throws_ok($$select public.transition_booking(tests.booking('advice'), 'cancelled')$$,
  'PT404', format('booking_id: booking %s not found', tests.booking('advice')),
  'someone else''s booking is not found for a stranger');
select throws_ok($$select public.transition_booking('00000000-0000-4000-8000-000000000000', 'cancelled')$$,
  'PT404', 'booking_id: booking 00000000-0000-4000-8000-000000000000 not found',
  'an unknown booking is not found');
select tests.authenticate_as_anon();
select throws_ok($$select public.transition_booking(tests.booking('advice'), 'cancelled')$$,
  '42501', null, 'visitors cannot move bookings');
select tests.authenticate_as('admin');
select results_eq($$select status::text, hold_expires_at from public.transition_booking(tests.booking('advice'), 'confirmed', 'paid at the desk')$$,
  $$values ('confirmed', null::timestamptz)$$,
  'an admin confirms a held booking (a payment taken by hand)');
select results_eq(
  $$select from_status::text, to_status::text, actor, changed_by, reason, changed_at = now()
    from public.booking_status_changes where booking_id = tests.booking('advice') order by id desc limit 1$$,
  $$values ('held', 'confirmed', 'admin', tests.get_supabase_uid('admin'), 'paid at the desk', true)$$,
  'the move is audited: from, to, in which capacity, by whom, why and when');

-- In progress, no-show, completed --------------------------------------------------------------------------
select tests.authenticate_as('provider');
select throws_ok($$select public.transition_booking(tests.booking('advice'), 'in_progress')$$,
  'P0001', format('status: the booking starts at %s; it cannot be in progress yet', tests.slot(2, '10:00')),
  'a booking two days ahead cannot be marked in progress');
select throws_ok($$select public.transition_booking(tests.booking('advice'), 'no_show')$$,
  'P0001', format('status: the booking starts at %s; nobody can be a no-show before then', tests.slot(2, '10:00')),
  'nobody is a no-show before the start');
select tests.clear_authentication();
select pg_temp.start_ago('advice', 30);
select tests.authenticate_as('client');
select throws_ok($$select public.transition_booking(tests.booking('advice'), 'in_progress')$$,
  '42501', 'status: as client you cannot move a confirmed booking to in_progress',
  'a client cannot mark a booking in progress');
select tests.authenticate_as('provider');
select results_eq($$select status::text from public.transition_booking(tests.booking('advice'), 'in_progress')$$,
  $$values ('in_progress')$$, 'the provider marks a started booking in progress');
select tests.authenticate_as('client');
select throws_ok($$select public.transition_booking(tests.booking('advice'), 'completed')$$,
  '42501', 'status: as client you cannot move a in_progress booking to completed',
  'a client cannot mark a booking completed');
select tests.authenticate_as('provider');
select results_eq($$select status::text from public.transition_booking(tests.booking('advice'), 'completed', 'all done')$$,
  $$values ('completed')$$, 'the provider completes the booking');
select results_eq(
  $$select from_status::text, to_status::text, actor, changed_by, reason
    from public.booking_status_changes where booking_id = tests.booking('advice') order by id$$,
  $$values (null::text, 'held', 'client', tests.get_supabase_uid('client'), 'booked'),
           ('held', 'confirmed', 'admin', tests.get_supabase_uid('admin'), 'paid at the desk'),
           ('confirmed', 'in_progress', 'provider', tests.get_supabase_uid('provider'), null),
           ('in_progress', 'completed', 'provider', tests.get_supabase_uid('provider'), 'all done')$$,
  'the history holds every move of the booking in order');
select throws_ok($$select public.transition_booking(tests.booking('advice'), 'in_progress')$$,
  'P0001', 'status: a completed booking cannot become in_progress',
  'a completed booking cannot go back in progress');
select tests.authenticate_as('admin');
select throws_ok($$select public.transition_booking(tests.booking('advice'), 'cancelled')$$,
  'P0001', 'status: a completed booking cannot become cancelled',
  'not even an admin cancels a completed booking');

-- The collector of a lab booking -----------------------------------------------------------------------
select tests.authenticate_as_service_role();
select lives_ok($$select service.settle_invoice(tests.invoice('lab'))$$, 'the lab booking is paid');
select tests.clear_authentication();
select pg_temp.start_ago('lab', 15);
select tests.authenticate_as('lab');
select throws_ok($$select public.transition_booking(tests.booking('lab'), 'held')$$,
  'P0001', 'status: a confirmed booking cannot become held', 'a booking never goes back to held');
select tests.authenticate_as('collector');
select results_eq($$select status::text from public.transition_booking(tests.booking('lab'), 'no_show', 'nobody home')$$,
  $$values ('no_show')$$, 'the collector records a no-show after the start');
select results_eq(
  $$select actor, changed_by from public.booking_status_changes where booking_id = tests.booking('lab') order by id desc limit 1$$,
  $$values ('collector', tests.get_supabase_uid('collector'))$$, 'the no-show is recorded as the collector''s');

-- Cancellations ---------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select results_eq($$select status::text, cancellation_fee, cancelled_at = now() from public.transition_booking(tests.booking('unpaid'), 'cancelled', 'changed my mind')$$,
  $$values ('cancelled', 0::bigint, true)$$, 'a client cancels an unpaid booking for nothing');
select results_eq($$select status::text, released_at is not null from public.coupon_redemptions where booking_id = tests.booking('unpaid')$$,
  $$values ('released', true)$$, 'the cancelled unpaid booking gives its coupon use back');
select results_eq($$select status::text, voided_at is not null from public.invoices where id = tests.invoice('unpaid')$$,
  $$values ('void', true)$$, 'the cancelled unpaid booking''s invoice is void');
select throws_ok($$select public.transition_booking(tests.booking('unpaid'), 'cancelled')$$,
  'P0001', 'status: a cancelled booking cannot become cancelled', 'a cancelled booking cannot be cancelled again');

select tests.authenticate_as_service_role();
select service.settle_invoice(tests.invoice(b)) from unnest(array['early', 'late', 'dropped']) b;
select tests.authenticate_as('client');
select results_eq(
  $$select (t ->> 'free_until')::timestamptz, (t ->> 'fee_share')::numeric, (t ->> 'paid')::bigint, (t ->> 'cancellable')::boolean,
           (t ->> 'fee')::bigint, (t ->> 'refundable')::bigint, t ->> 'currency'
    from public.cancellation_terms(tests.booking('early')) t$$,
  $$values (tests.slot(2, '14:00'), 0.5, 10000::bigint, true, 0::bigint, 10000::bigint, 'EUR')$$,
  'cancellation_terms: a paid booking more than 24 hours ahead is cancellable by the client for free, all refundable');
select results_eq($$select status::text, cancellation_fee from public.transition_booking(tests.booking('early'), 'cancelled')$$,
  $$values ('cancelled', 0::bigint)$$, 'a client cancelling a paid booking inside the free window keeps no fee');
select results_eq($$select status::text, amount_paid from public.invoices where id = tests.invoice('early')$$,
  $$values ('paid', 10000::bigint)$$, 'a paid invoice stays paid on cancellation (the refund settles it)');
select results_eq(
  $$select (t ->> 'free_until')::timestamptz, (t ->> 'fee')::bigint, (t ->> 'refundable')::bigint
    from public.cancellation_terms(tests.booking('late')) t$$,
  $$values (tests.slot(2, '14:00') - interval '96 hours', 2000::bigint, 6000::bigint)$$,
  'cancellation_terms: past the free window a client''s cancellation keeps the fee share of what was paid');
select tests.authenticate_as('provider');
select results_eq($$select (t ->> 'fee')::bigint, (t ->> 'refundable')::bigint from public.cancellation_terms(tests.booking('late')) t$$,
  $$values (0::bigint, 8000::bigint)$$, 'cancellation_terms: the provider cancelling would keep nothing');
select tests.authenticate_as('stranger');
select throws_ok($$select public.cancellation_terms(tests.booking('late'))$$,
  'PT404', format('booking_id: booking %s not found', tests.booking('late')),
  'a stranger cannot read the cancellation terms of someone else''s booking');
select tests.authenticate_as('client');
select results_eq($$select cancellation_fee from public.transition_booking(tests.booking('late'), 'cancelled')$$,
  $$values (2000::bigint)$$, 'a client cancelling late keeps fee = share × paid (25% of 8000)');
select results_eq($$select (t ->> 'fee')::bigint, (t ->> 'refundable')::bigint from public.cancellation_terms(tests.booking('late')) t$$,
  $$values (2000::bigint, 6000::bigint)$$, 'after the cancellation the terms show the fee actually kept');
select tests.authenticate_as('provider');
select results_eq($$select status::text, cancellation_fee from public.transition_booking(tests.booking('dropped'), 'cancelled', 'ill')$$,
  $$values ('cancelled', 0::bigint)$$, 'a provider cancelling a paid booking late keeps no fee');
select results_eq(
  $$select actor, changed_by, reason from public.booking_status_changes where booking_id = tests.booking('dropped') order by id desc limit 1$$,
  $$values ('provider', tests.get_supabase_uid('provider'), 'ill')$$, 'the provider''s cancellation is audited as theirs');

-- After the start the client can no longer cancel; the provider still can ----------------------------------------
select tests.authenticate_as_service_role();
select service.settle_invoice(tests.invoice('started'));
select tests.clear_authentication();
select pg_temp.start_ago('started', 10);
select tests.authenticate_as('client');
select results_eq($$select (t ->> 'cancellable')::boolean from public.cancellation_terms(tests.booking('started')) t$$,
  $$values (false)$$, 'cancellation_terms: a confirmed booking that has started is no longer cancellable by the client');
select throws_ok($$select public.transition_booking(tests.booking('started'), 'cancelled')$$,
  'P0001', format('status: the booking started at %s; it can no longer be cancelled', now() - interval '10 minutes'),
  'a client cannot cancel a confirmed booking after its start');
select tests.authenticate_as('provider');
select results_eq($$select (t ->> 'cancellable')::boolean from public.cancellation_terms(tests.booking('started')) t$$,
  $$values (true)$$, 'cancellation_terms: the provider may still cancel a started booking');
select results_eq($$select status::text, cancellation_fee from public.transition_booking(tests.booking('started'), 'cancelled', 'ran late')$$,
  $$values ('cancelled', 0::bigint)$$, 'the provider cancels the started booking, keeping no fee');
select results_eq($$select (t ->> 'cancellable')::boolean from public.cancellation_terms(tests.booking('started')) t$$,
  $$values (false)$$, 'cancellation_terms: a cancelled booking is not cancellable');

-- Holds that expire ---------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select throws_ok($$select service.expire_holds()$$, '42501', null, 'users cannot run the hold expiry');
select throws_ok($$select service.settle_invoice(tests.invoice('lapsing'))$$, '42501', null, 'users cannot mark invoices paid');
select tests.authenticate_as_service_role();
select is(service.expire_holds(), 0, 'no hold has lapsed yet: nothing expires');
select tests.clear_authentication();
update public.bookings set hold_expires_at = now() - interval '1 minute' where id = tests.booking('lapsing');
select tests.authenticate_as_service_role();
select is(service.expire_holds(), 1, 'expire_holds expires the one lapsed hold');
select results_eq($$select status::text, hold_expires_at from public.bookings where id = tests.booking('lapsing')$$,
  $$values ('expired', null::timestamptz)$$, 'the lapsed booking is expired');
select results_eq($$select status::text from public.invoices where id = tests.invoice('lapsing')$$,
  $$values ('void')$$, 'its unpaid invoice is void');
select results_eq(
  $$select from_status::text, to_status::text, actor, changed_by, reason
    from public.booking_status_changes where booking_id = tests.booking('lapsing') order by id desc limit 1$$,
  $$values ('held', 'expired', 'system', null::uuid, 'hold expired unpaid')$$, 'the expiry is audited as the system''s');
select isnt_empty(
  $$select 1 from public.free_slots('0f000000-0000-4000-8000-000000000001', (now() at time zone 'UTC')::date + 4,
                                     (now() at time zone 'UTC')::date + 4) where starts_at = tests.slot(4, '10:00')$$,
  'the expired booking''s time is a free slot again');

-- Payments that settle ----------------------------------------------------------------------------------------------
select results_eq($$select status::text, amount_paid, total, paid_at = now() from service.settle_invoice(tests.invoice('paying'))$$,
  $$values ('paid', 9000::bigint, 9000::bigint, true)$$, 'settle_invoice marks the invoice paid in full');
select results_eq($$select status::text, hold_expires_at from public.bookings where id = tests.booking('paying')$$,
  $$values ('confirmed', null::timestamptz)$$, 'the paid booking is confirmed');
select results_eq($$select status::text, redeemed_at is not null from public.coupon_redemptions where booking_id = tests.booking('paying')$$,
  $$values ('redeemed', true)$$, 'the coupon use is redeemed');
select results_eq(
  $$select actor, changed_by, reason from public.booking_status_changes where booking_id = tests.booking('paying') and to_status = 'confirmed'$$,
  $$values ('system', null::uuid, 'paid')$$, 'the confirmation is audited as the system''s');
select results_eq($$select status::text, amount_paid, paid_at = now() from service.settle_invoice(tests.invoice('paying'))$$,
  $$values ('paid', 9000::bigint, true)$$, 'settling the same invoice again changes nothing');
select results_eq(
  $$select (select count(*) from public.coupon_redemptions where coupon_id = 'c0000000-0000-4000-8000-000000000001' and status = 'redeemed'),
           (select count(*) from public.booking_status_changes where booking_id = tests.booking('paying') and to_status = 'confirmed')$$,
  $$values (1::bigint, 1::bigint)$$, 'a repeated settlement counts the coupon use once and confirms once');
select throws_ok($$select service.settle_invoice('00000000-0000-4000-8000-000000000000')$$,
  'P0002', 'invoice_id: invoice 00000000-0000-4000-8000-000000000000 not found', 'an unknown invoice cannot be settled');

select results_eq($$select status::text from service.settle_invoice(tests.invoice('lapsing'))$$, $$values ('paid')$$,
  'a payment arriving after the hold expired still settles while the slot is free');
select results_eq($$select status::text from public.bookings where id = tests.booking('lapsing')$$, $$values ('confirmed')$$,
  'the expired booking is confirmed by the late payment');

select tests.clear_authentication();
update public.bookings set hold_expires_at = now() - interval '1 minute' where id in (tests.booking('late_payer'), tests.booking('too_late'));
select tests.authenticate_as_service_role();
select results_eq($$select status::text from service.settle_invoice(tests.invoice('late_payer'))$$, $$values ('paid')$$,
  'a payment after the hold lapsed, before any expiry ran, settles while the slot is free');
select results_eq(
  $$select from_status::text, to_status::text, actor from public.booking_status_changes
    where booking_id = tests.booking('late_payer') order by id$$,
  $$values (null::text, 'held', 'client'), ('held', 'expired', 'system'), ('expired', 'confirmed', 'system')$$,
  'the lapsed hold is expired first, then confirmed by the payment');

select tests.authenticate_as('other_client');
select tests.book('rebooked', tests.slot(5, '14:00'));
select tests.authenticate_as_service_role();
select throws_ok($$select service.settle_invoice(tests.invoice('too_late'))$$,
  '23P01', format('slot taken: invoice %s was paid after its hold expired and the slot was booked again', tests.invoice('too_late')),
  'a payment after the slot was booked again cannot confirm: slot taken');
select results_eq(
  $$select b.status::text, i.status::text, i.amount_paid from public.bookings b join public.invoices i on i.booking_id = b.id
    where b.id = tests.booking('too_late')$$,
  $$values ('expired', 'void', 0::bigint)$$, 'the refused payment leaves the booking expired and its invoice void');
select results_eq($$select status::text from public.transition_booking(tests.booking('rebooked'), 'confirmed', 'paid')$$,
  $$values ('confirmed')$$, 'the service role confirms a held booking through transition_booking as the system');

-- Late payments re-count their coupon use ---------------------------------------------------------------------------
select tests.clear_authentication();
update public.bookings set hold_expires_at = now() - interval '1 minute' where id in (tests.booking('last_use'), tests.booking('saver'));
select tests.authenticate_as_service_role();
select is(service.expire_holds(), 2, 'the two lapsed holds with coupons expire');
select results_eq($$select status::text from public.coupon_redemptions where booking_id in (tests.booking('last_use'), tests.booking('saver'))$$,
  $$values ('released'), ('released')$$, 'the expired holds gave their coupon uses back');
select results_eq($$select status::text from service.settle_invoice(tests.invoice('saver'))$$, $$values ('paid')$$,
  'a late payment settles when its coupon still has a use to give');
select results_eq($$select status::text from public.coupon_redemptions where booking_id = tests.booking('saver')$$,
  $$values ('redeemed')$$, 'the late payment counts its coupon use again');
select tests.authenticate_as('other_client');
select tests.book('last_taker', tests.slot(7, '14:00'), coupon => 'LAST1');
select tests.authenticate_as_service_role();
select throws_ok($$select service.settle_invoice(tests.invoice('last_use'))$$,
  'P0001', format('coupon: LAST1 was used up while invoice %s was unpaid; refund the payment', tests.invoice('last_use')),
  'a late payment is refused when another booking took the coupon''s last use meanwhile');
select results_eq(
  $$select b.status::text, i.status::text, i.amount_paid, r.status::text
    from public.bookings b join public.invoices i on i.booking_id = b.id join public.coupon_redemptions r on r.booking_id = b.id
    where b.id in (tests.booking('last_use'), tests.booking('last_taker')) order by b.starts_at$$,
  $$values ('expired', 'void', 0::bigint, 'released'), ('held', 'open', 0::bigint, 'reserved')$$,
  'the refused payment changes nothing: the booking stays expired, its invoice void, the last use the other booking''s');

-- schedule ------------------------------------------------------------------------------------------------
select tests.clear_authentication();
select ok(
  -- cron.job exists only where pg_cron does, so it is read through query_to_xml.
  case when to_regclass('cron.job') is null then true
       else (xpath('/row/n/text()', query_to_xml(
              $$select count(*) as n from cron.job where jobname = 'expire-booking-holds' and command = 'select service.expire_holds()'$$,
              false, true, '')))[1]::text = '1' end,
  'where pg_cron is enabled, holds are expired every minute');

select * from finish();
rollback;
