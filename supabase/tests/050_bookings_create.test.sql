-- create_booking: a held booking with its items, invoice and history, priced by the
-- database; lab tests booked on free collectors; free bookings confirmed at once; bad
-- input refused with a message naming the problem and nothing left behind; one booking per
-- slot (and its buffer); a lapsed hold gives its slot away.
begin;
set local time zone 'UTC';
select plan(49);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('client');
select tests.create_supabase_user('other_client');
select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('lab', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('collector_a');
select tests.create_supabase_user('collector_b');
select tests.grant_role('collector_a', 'staff', 'collector');
select tests.grant_role('collector_b', 'staff', 'collector');
insert into public.provider_profiles (user_id, kind)
values (tests.get_supabase_uid('provider'), 'consultant'), (tests.get_supabase_uid('lab'), 'lab');

insert into public.categories (id, slug, name) values
  ('ca000000-0000-4000-8000-000000000001', 'consulting', 'Consulting'),
  ('ca000000-0000-4000-8000-000000000002', 'pet-lab', 'Pet lab');

insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location, scheduled_on)
values
  ('0f000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), 'ca000000-0000-4000-8000-000000000001',
   'service', 'Advice', 10000, 'EUR', 60, 'active', 'online', 'provider'),
  ('0f000000-0000-4000-8000-000000000002', tests.get_supabase_uid('provider'), 'ca000000-0000-4000-8000-000000000001',
   'session', 'Free intro', 0, 'EUR', 30, 'active', 'online', 'provider'),
  ('0f000000-0000-4000-8000-000000000011', tests.get_supabase_uid('lab'), 'ca000000-0000-4000-8000-000000000002',
   'lab_test', 'Complete blood count', 4500, 'GBP', 30, 'active', 'client_site', 'collector'),
  ('0f000000-0000-4000-8000-000000000012', tests.get_supabase_uid('lab'), 'ca000000-0000-4000-8000-000000000002',
   'lab_test', 'Kidney panel', 6000, 'GBP', 30, 'active', 'client_site', 'collector'),
  ('0f000000-0000-4000-8000-000000000013', tests.get_supabase_uid('lab'), 'ca000000-0000-4000-8000-000000000002',
   'lab_test', 'Thyroid panel', 5500, 'GBP', 20, 'active', 'client_site', 'collector');
insert into public.offering_addons (id, offering_id, name, price, price_type, min_quantity, max_quantity)
values ('ad000000-0000-4000-8000-000000000001', '0f000000-0000-4000-8000-000000000001', 'Written summary', 2000, 'per_unit', 0, 2);

insert into public.addresses (id, user_id, label, line1, city, postal_code, country_code, latitude, longitude) values
  ('aa000000-0000-4000-8000-000000000001', tests.get_supabase_uid('lab'), 'Lab', '1 Lab Street', 'London', 'WC2N 5DU', 'GB', 51.5074, -0.1278),
  ('aa000000-0000-4000-8000-000000000002', tests.get_supabase_uid('client'), 'Home', '2 Home Row', 'London', 'EC2A 1AA', 'GB', 51.5155, -0.0922),
  ('aa000000-0000-4000-8000-000000000003', tests.get_supabase_uid('client'), 'Cottage', '3 Far Lane', 'Oxford', 'OX1 1AA', 'GB', 51.7520, -1.2577),
  ('aa000000-0000-4000-8000-000000000004', tests.get_supabase_uid('other_client'), 'Flat', '4 Near Street', 'London', 'SW1A 1AA', 'GB', 51.5007, -0.1246);
insert into public.service_areas (provider_id, name, address_id, radius_km)
values (tests.get_supabase_uid('lab'), 'Home collections around the lab', 'aa000000-0000-4000-8000-000000000001', 15);
insert into public.pets (id, owner_id, name, species) values
  ('be000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'), 'Rex', 'dog'),
  ('be000000-0000-4000-8000-000000000002', tests.get_supabase_uid('other_client'), 'Tom', 'cat');

-- Every day 08:00-20:00 UTC on a 30-minute grid, no notice; the provider keeps 30 minutes
-- free after each booking.
insert into public.schedules (user_id, timezone, min_notice_minutes, buffer_after_minutes)
select tests.get_supabase_uid(u), 'UTC', 0, case u when 'provider' then 30 else 0 end
from unnest(array['provider', 'collector_a', 'collector_b']) u;
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select s.user_id, d, '08:00', '20:00' from public.schedules s cross join generate_series(1, 7) d;

insert into public.offers (id, name, percent_off) values ('0e000000-0000-4000-8000-000000000001', 'Ten percent off', 10);
insert into public.coupons (offer_id, code, max_redemptions, max_per_user, valid_from, valid_until) values
  ('0e000000-0000-4000-8000-000000000001', 'OLD10', null, 1, now() - interval '30 days', now() - interval '1 day'),
  ('0e000000-0000-4000-8000-000000000001', 'ONCE', 1, 1, null, null);

-- A start time `days` days from today (UTC) at a wall-clock time.
-- What create_booking answered for a booking remembered under a name, and its booking id.
create function pg_temp.result(name text) returns jsonb language sql stable as $$
  select current_setting('t.' || name, true)::jsonb
$$;
create function pg_temp.booking(name text) returns uuid language sql stable as $$
  select (pg_temp.result(name) ->> 'booking_id')::uuid
$$;
-- Everything a booking writes, counted (read as the test's own role).
create function pg_temp.written() returns text language sql stable as $$
  select format('%s bookings, %s items, %s history rows, %s invoices, %s lines, %s redemptions, counters %s',
    (select count(*) from public.bookings), (select count(*) from public.booking_items),
    (select count(*) from public.booking_status_changes), (select count(*) from public.invoices),
    (select count(*) from public.invoice_lines), (select count(*) from public.coupon_redemptions),
    (select string_agg(year || ':' || last_number, ',') from private.invoice_counters))
$$;
grant execute on function pg_temp.result(text), pg_temp.booking(text) to anon, authenticated, service_role;

-- A provider's service --------------------------------------------------------------------------------
select tests.authenticate_as('client');
select lives_ok(
  $$select set_config('t.advice', public.create_booking(
      '[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(2, '10:00'),
      addons => '[{"addon_id": "ad000000-0000-4000-8000-000000000001", "quantity": 1}]')::text, true)$$,
  'a client books a provider''s service with an add-on at a free slot');
select results_eq(
  $$select r ->> 'status', r ->> 'invoice_number', (r ->> 'total')::bigint, r ->> 'currency' from pg_temp.result('advice') r$$,
  $$values ('held', format('INV-%s-000001', extract(year from now() at time zone 'UTC')), 12000::bigint, 'EUR')$$,
  'create_booking answers a held booking, the year''s first invoice number and the total the database priced');
select results_eq(
  $$select status::text, hold_expires_at - now(), starts_at, ends_at, scheduled_on::text, client_id, provider_id, collector_id,
           total_amount, currency::text, free_cancellation_hours, late_cancellation_fee_share
    from public.bookings where id = pg_temp.booking('advice')$$,
  $$values ('held', make_interval(mins => (private.setting('bookings.hold_minutes'))::integer),
            tests.slot(2, '10:00'), tests.slot(2, '11:00'), 'provider', tests.get_supabase_uid('client'),
            tests.get_supabase_uid('provider'), null::uuid, 12000::bigint, 'EUR', 24, 0.5000::numeric(5, 4))$$,
  'the booking is held for bookings.hold_minutes on the provider''s calendar, with the offering''s cancellation policy');
select results_eq(
  $$select line_number::integer, description, quantity, unit_price, amount, addon_id
    from public.booking_items where booking_id = pg_temp.booking('advice') order by line_number$$,
  $$values (1, 'Advice', 1, 10000::bigint, 10000::bigint, null::uuid),
           (2, 'Written summary', 1, 2000::bigint, 2000::bigint, 'ad000000-0000-4000-8000-000000000001'::uuid)$$,
  'the booking holds the service and its add-on at the catalog''s prices');
select results_eq(
  $$select i.status::text, i.subtotal, i.discount_total, i.total, i.commission, i.due_at = b.hold_expires_at, i.client_id, i.provider_id
    from public.invoices i join public.bookings b on b.id = i.booking_id
    where i.id = (pg_temp.result('advice') ->> 'invoice_id')::uuid$$,
  $$values ('open', 12000::bigint, 0::bigint, 12000::bigint, 1800::bigint, true,
            tests.get_supabase_uid('client'), tests.get_supabase_uid('provider'))$$,
  'an open invoice comes with the booking, due when the hold expires, with the default 15% commission');
select results_eq(
  $$select line_number::integer, kind::text, quantity, unit_amount, amount from public.invoice_lines
    where invoice_id = (pg_temp.result('advice') ->> 'invoice_id')::uuid order by line_number$$,
  $$values (1, 'item', 1, 10000::bigint, 10000::bigint), (2, 'addon', 1, 2000::bigint, 2000::bigint)$$,
  'the invoice has one numbered line per item');
select results_eq(
  $$select from_status::text, to_status::text, actor, changed_by, reason
    from public.booking_status_changes where booking_id = pg_temp.booking('advice')$$,
  $$values (null::text, 'held', 'client', tests.get_supabase_uid('client'), 'booked')$$,
  'the booking''s history starts with the client holding it');
select is_empty(
  $$select 1 from public.free_slots('0f000000-0000-4000-8000-000000000001', (now() at time zone 'UTC')::date + 2,
                                     (now() at time zone 'UTC')::date + 2)
    where starts_at = tests.slot(2, '10:00')$$,
  'the booked time is no longer a free slot');

-- A pet-lab booking: several tests, one free collector ------------------------------------------------
select lives_ok(
  $$select set_config('t.lab1', public.create_booking(
      '[{"offering_id": "0f000000-0000-4000-8000-000000000011"}, {"offering_id": "0f000000-0000-4000-8000-000000000012"},
        {"offering_id": "0f000000-0000-4000-8000-000000000013", "quantity": 2}]',
      tests.slot(2, '09:00'), address_id => 'aa000000-0000-4000-8000-000000000002',
      pet_id => 'be000000-0000-4000-8000-000000000001', notes => 'Rex is shy')::text, true)$$,
  'a pet owner books three lab tests for their dog, collected at home');
select results_eq(
  $$select status::text, scheduled_on::text, provider_id, collector_id in (tests.get_supabase_uid('collector_a'), tests.get_supabase_uid('collector_b')),
           pet_id, address_id, distance_km, ends_at - starts_at, total_amount, currency::text, notes
    from public.bookings where id = pg_temp.booking('lab1')$$,
  $$values ('held', 'collector', tests.get_supabase_uid('lab'), true, 'be000000-0000-4000-8000-000000000001'::uuid,
            'aa000000-0000-4000-8000-000000000002'::uuid, 3.00::numeric(8, 2), interval '30 minutes', 21500::bigint, 'GBP', 'Rex is shy')$$,
  'the lab booking takes a collector''s time, names the pet, the address and its distance (2.62 km, kept as 3 whole km), and lasts as its longest test');
select results_eq(
  $$select description, quantity, unit_price, amount from public.booking_items where booking_id = pg_temp.booking('lab1') order by line_number$$,
  $$values ('Complete blood count', 1, 4500::bigint, 4500::bigint), ('Kidney panel', 1, 6000::bigint, 6000::bigint),
           ('Thyroid panel', 2, 5500::bigint, 11000::bigint)$$,
  'each lab test is an item with its quantity and unit price');
select tests.authenticate_as('other_client');
select lives_ok(
  $$select set_config('t.lab2', public.create_booking(
      '[{"offering_id": "0f000000-0000-4000-8000-000000000011"}]', tests.slot(2, '09:00'),
      address_id => 'aa000000-0000-4000-8000-000000000004', pet_id => 'be000000-0000-4000-8000-000000000002')::text, true)$$,
  'another client books a lab test at the same time');
select tests.clear_authentication();
select set_eq(
  $$select collector_id from public.bookings where scheduled_on = 'collector' and starts_at = tests.slot(2, '09:00')$$,
  $$values (tests.get_supabase_uid('collector_a')), (tests.get_supabase_uid('collector_b'))$$,
  'the second booking at the same time gets the other collector');
select tests.authenticate_as('client');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000012"}]', tests.slot(2, '09:00'),
                                 address_id => 'aa000000-0000-4000-8000-000000000002')$$,
  'PT409', format('slot taken: %s is no longer free; pick another time from free_slots', tests.slot(2, '09:00')),
  'a third lab booking at that time finds every collector taken: slot taken');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000012"}]', tests.slot(2, '09:30'),
                                 address_id => 'aa000000-0000-4000-8000-000000000002', collector_id => tests.get_supabase_uid('client'))$$,
  'PT404', format('collector_id: %s is not a collector with a schedule', tests.get_supabase_uid('client')),
  'a lab booking cannot name someone who is not a collector');

-- Two collectors, the first of whom (private.collector_ids() order) needs a week's notice -----------------
select tests.clear_authentication();
select set_config('t.first_collector', (select c::text from private.collector_ids() c limit 1), true);
select set_config('t.second_collector', (select c::text from private.collector_ids() c offset 1 limit 1), true);
update public.schedules set min_notice_minutes = 10080 where user_id = current_setting('t.first_collector')::uuid;
select tests.authenticate_as('client');
select lives_ok(
  $$select set_config('t.lab3', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000012"}]',
      tests.slot(3, '10:00'), address_id => 'aa000000-0000-4000-8000-000000000002')::text, true)$$,
  'a lab booking inside the first collector''s notice does not fail');
select is((pg_temp.result('lab3') ->> 'collector_id')::uuid, current_setting('t.second_collector')::uuid,
  'it goes to the second collector, whose notice the start allows');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000012"}]', tests.slot(3, '11:00'),
                                 address_id => 'aa000000-0000-4000-8000-000000000002',
                                 collector_id => current_setting('t.first_collector')::uuid)$$,
  '22023', 'starts_at: bookings need 10080 minutes notice',
  'a lab booking naming the collector who needs more notice is refused with the notice');
select tests.clear_authentication();
update public.schedules set min_notice_minutes = 0 where user_id = current_setting('t.first_collector')::uuid;
select tests.authenticate_as('client');

-- A free booking ---------------------------------------------------------------------------------------
select lives_ok(
  $$select set_config('t.free', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000002"}]',
                                                      tests.slot(2, '14:00'))::text, true)$$,
  'a client books a free introduction');
select results_eq(
  $$select b.status::text, b.hold_expires_at, i.status::text, i.total, i.paid_at is not null
    from public.bookings b join public.invoices i on i.booking_id = b.id where b.id = pg_temp.booking('free')$$,
  $$values ('confirmed', null::timestamptz, 'paid', 0::bigint, true)$$,
  'a booking with nothing to pay is confirmed at once, its invoice paid');
select results_eq(
  $$select from_status::text, to_status::text, actor, changed_by, reason
    from public.booking_status_changes where booking_id = pg_temp.booking('free') order by id$$,
  $$values (null::text, 'held', 'client', tests.get_supabase_uid('client'), 'booked'),
           ('held', 'confirmed', 'system', null::uuid, 'nothing to pay')$$,
  'the free booking''s history shows the system confirming it');

-- A coupon with one use, taken by another client -------------------------------------------------------
select tests.authenticate_as('other_client');
select lives_ok(
  $$select set_config('t.once', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]',
                                                      tests.slot(3, '12:00'), coupon_code => 'ONCE')::text, true)$$,
  'another client books with a single-use coupon');
select results_eq(
  $$select r.status::text, r.discount_amount, (pg_temp.result('once') ->> 'total')::bigint from public.coupon_redemptions r$$,
  $$values ('reserved', 1000::bigint, 9000::bigint)$$,
  'the coupon use is reserved for the booking and its discount priced in');

-- Bad input: refused, naming the problem, nothing written ----------------------------------------------
select tests.clear_authentication();
select set_config('t.written', pg_temp.written(), true);
select tests.authenticate_as('client');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000011"}]', tests.slot(3, '09:00'),
                                 address_id => 'aa000000-0000-4000-8000-000000000002', pet_id => 'be000000-0000-4000-8000-000000000002')$$,
  'PT404', 'pet_id: pet be000000-0000-4000-8000-000000000002 not found',
  'a client cannot book for someone else''s pet');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', now() - interval '1 hour')$$,
  '22023', format('starts_at: %s is in the past', now() - interval '1 hour'),
  'a start in the past is refused');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(4, '10:10'))$$,
  '22023', format('starts_at: %s is not a slot of this offering (outside opening hours or off the grid); see free_slots', tests.slot(4, '10:10')),
  'a start off the 30-minute grid is refused');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(4, '21:00'))$$,
  '22023', format('starts_at: %s is not a slot of this offering (outside opening hours or off the grid); see free_slots', tests.slot(4, '21:00')),
  'a start outside opening hours is refused');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(61, '10:00'))$$,
  '22023', 'starts_at: bookings open at most 60 days ahead',
  'a start beyond the booking horizon is refused');
select tests.clear_authentication();
update public.schedules set min_notice_minutes = 5760 where user_id = tests.get_supabase_uid('provider');
select tests.authenticate_as('client');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(3, '15:00'))$$,
  '22023', 'starts_at: bookings need 5760 minutes notice',
  'a start inside the provider''s minimum notice is refused');
select tests.clear_authentication();
update public.schedules set min_notice_minutes = 0 where user_id = tests.get_supabase_uid('provider');
select tests.authenticate_as('client');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "00000000-0000-4000-8000-000000000000"}]', tests.slot(3, '15:00'))$$,
  'PT404', 'items[0].offering_id: offering 00000000-0000-4000-8000-000000000000 not found',
  'an unknown offering is refused');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(3, '15:00'),
                                 addons => '[{"addon_id": "ad000000-0000-4000-8000-000000000001", "quantity": 3}]')$$,
  '22023', 'addons: quantity 3 of add-on "Written summary" is outside 0..2',
  'an add-on quantity above its maximum is refused');
select is(
  public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(3, '15:00'), coupon_code => 'OLD10'),
  '{"code": "22023", "details": null, "hint": null, "message": "coupon_code: OLD10 is not a valid coupon for this booking"}'::jsonb,
  'an expired coupon is refused as any code that does not apply: the body of a 22023, sent with status 400 (20260112000300)');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(3, '15:00'), coupon_code => 'ONCE')$$,
  '22023', 'coupon_code: ONCE has been used up',
  'a coupon whose uses are all taken is refused');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000011"}]', tests.slot(3, '09:00'),
                                 address_id => 'aa000000-0000-4000-8000-000000000003')$$,
  '22023', 'address_id: the address is outside the service area',
  'an address outside the service area (82.60 km away) is refused without saying how far it is');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(2, '10:00'))$$,
  'PT409', format('slot taken: %s is no longer free; pick another time from free_slots', tests.slot(2, '10:00')),
  'the same slot cannot be booked twice: slot taken');
select tests.authenticate_as_anon();
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(3, '15:00'))$$,
  '42501', null,
  'visitors cannot book');
select tests.clear_authentication();
select is(pg_temp.written(), current_setting('t.written'),
  'the refused bookings left no booking, item, history row, invoice, line, redemption or invoice number behind');

-- Buffers ------------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select results_eq(
  $$select blocked_during from public.bookings where id = pg_temp.booking('advice')$$,
  $$values (tstzrange(tests.slot(2, '10:00'), tests.slot(2, '11:30')))$$,
  'a booking blocks its time and the provider''s 30-minute buffer after it');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(2, '11:00'))$$,
  'PT409', format('slot taken: %s is no longer free; pick another time from free_slots', tests.slot(2, '11:00')),
  'a booking cannot start inside the buffer after another');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(2, '09:00'))$$,
  'PT409', format('slot taken: %s is no longer free; pick another time from free_slots', tests.slot(2, '09:00')),
  'a booking whose own buffer would run into the next booking is refused');
select lives_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(2, '11:30'))$$,
  'the first slot after the buffer can be booked');

-- A lapsed hold in the way ----------------------------------------------------------------------------------
select lives_ok(
  $$select set_config('t.lapsing', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]',
                                                         tests.slot(4, '10:00'))::text, true)$$,
  'a client holds a slot');
select tests.clear_authentication();
update public.bookings set hold_expires_at = now() - interval '1 minute' where id = pg_temp.booking('lapsing');
select tests.authenticate_as('other_client');
select lives_ok(
  $$select set_config('t.taker', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]',
                                                       tests.slot(4, '10:00'))::text, true)$$,
  'once that hold has lapsed unpaid, another client books the same slot');
select tests.clear_authentication();
select results_eq(
  $$select b.status::text, b.hold_expires_at, i.status::text, i.voided_at is not null
    from public.bookings b join public.invoices i on i.booking_id = b.id where b.id = pg_temp.booking('lapsing')$$,
  $$values ('expired', null::timestamptz, 'void', true)$$,
  'the lapsed hold is expired on the way and its invoice voided');
select results_eq(
  $$select from_status::text, to_status::text, actor, changed_by, reason
    from public.booking_status_changes where booking_id = pg_temp.booking('lapsing') order by id desc limit 1$$,
  $$values ('held', 'expired', 'system', null::uuid, 'hold expired unpaid')$$,
  'the expiry is recorded as the system''s, not as the other client''s');
select results_eq(
  $$select status::text, client_id from public.bookings where id = pg_temp.booking('taker')$$,
  $$values ('held', tests.get_supabase_uid('other_client'))$$,
  'the slot now belongs to the new booking');

-- Unpaid holds per client are capped (bookings.max_live_holds_per_client, 5) --------------------------------
-- The client holds advice, lab1, lab3 and the 11:30 booking; the lapsed hold no longer counts.
select tests.authenticate_as('client');
select lives_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(5, '10:00'))$$,
  'a client with four live holds takes a fifth');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(5, '14:00'))$$,
  '22023', 'you already have 5 bookings awaiting payment; pay or cancel one first',
  'the sixth live hold of one client is refused until they pay or cancel one');
select tests.authenticate_as_service_role();
select service.settle_invoice((pg_temp.result('advice') ->> 'invoice_id')::uuid);
select tests.authenticate_as('client');
select lives_ok(
  $$select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]', tests.slot(5, '14:00'))$$,
  'once one hold is paid, the client can hold another slot');

select * from finish();
rollback;
