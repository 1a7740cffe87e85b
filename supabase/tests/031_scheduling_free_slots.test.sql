-- public.free_slots: the start times a client can book, from weekly rules, date exceptions,
-- live bookings with their buffers, notice and horizon; shown on the caller's wall clock and
-- right on both sides of a daylight-saving change; a home collection is free when any
-- collector is.
begin;
select plan(47);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('london', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('client');
select tests.create_supabase_user('collector_a');
select tests.create_supabase_user('collector_b');
select tests.create_supabase_user('lab_tech');
select tests.grant_role('collector_a', 'staff', 'collector');
select tests.grant_role('collector_b', 'staff', 'collector');
select tests.grant_role('lab_tech', 'staff', 'lab_tech');

insert into public.provider_profiles (user_id, kind) values
  (tests.get_supabase_uid('provider'), 'consultant'),
  (tests.get_supabase_uid('london'), 'coach');
insert into public.categories (id, slug, name) values ('c1000000-0000-4000-8000-000000000001', 'consulting', 'Consulting');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location, scheduled_on) values
  ('a1000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), 'c1000000-0000-4000-8000-000000000001',
   'service', 'Strategy call', 10000, 'EUR', 60, 'active', 'online', 'provider'),
  ('a1000000-0000-4000-8000-000000000002', tests.get_supabase_uid('provider'), 'c1000000-0000-4000-8000-000000000001',
   'service', 'Unpublished call', 10000, 'EUR', 60, 'draft', 'online', 'provider'),
  ('a1000000-0000-4000-8000-000000000003', tests.get_supabase_uid('london'), 'c1000000-0000-4000-8000-000000000001',
   'session', 'London session', 10000, 'GBP', 60, 'active', 'online', 'provider'),
  ('a1000000-0000-4000-8000-000000000004', null, 'c1000000-0000-4000-8000-000000000001',
   'lab_test', 'Home blood draw', 5000, 'EUR', 30, 'active', 'client_site', 'collector');

-- The provider works 09:00-13:00 UTC every day; nothing else in the way yet.
insert into public.schedules (user_id, timezone, slot_step_minutes, min_notice_minutes, horizon_days) values
  (tests.get_supabase_uid('provider'), 'UTC', 30, 0, 60),
  (tests.get_supabase_uid('london'), 'Europe/London', 30, 0, 400),
  (tests.get_supabase_uid('collector_a'), 'UTC', 30, 0, 60),
  (tests.get_supabase_uid('collector_b'), 'UTC', 30, 0, 60),
  (tests.get_supabase_uid('lab_tech'), 'UTC', 30, 0, 60);
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select tests.get_supabase_uid(who), day, start_time, end_time
from (values ('provider', time '09:00', time '13:00'), ('london', '09:00', '17:00'),
             ('collector_a', '09:00', '10:00'), ('collector_b', '09:30', '10:30'), ('lab_tech', '12:00', '13:00')) r (who, start_time, end_time)
cross join generate_series(1, 7) day;

-- The slots of one local day as 'HH24:MI' on the caller's clock, in order.
create function tests.slots_on(offering_id uuid, day date, timezone text default 'UTC')
returns text
language sql
as $$
  select coalesce(string_agg(to_char(s.local_starts_at, 'HH24:MI'), ' ' order by s.starts_at), '')
  from public.free_slots(offering_id, day, day, timezone) s
$$;

-- An instant from a local date and wall-clock time.
create function tests.at(day date, wall_clock time, timezone text default 'UTC')
returns timestamptz
language sql
as $$
  select (day + wall_clock) at time zone timezone
$$;

-- A booking written directly (as create_booking would leave it) by the test role.
create function tests.insert_booking(
  offering_id uuid, starts_at timestamptz, status public.booking_status default 'confirmed',
  hold_expires_at timestamptz default null, blocked_during tstzrange default null, collector_id uuid default null
)
returns uuid
language sql
as $$
  insert into public.bookings (offering_id, client_id, provider_id, collector_id, scheduled_on, starts_at, ends_at,
                               blocked_during, status, hold_expires_at, currency, total_amount,
                               free_cancellation_hours, late_cancellation_fee_share)
  select o.id, tests.get_supabase_uid('client'), o.provider_id, insert_booking.collector_id, o.scheduled_on,
         insert_booking.starts_at, insert_booking.starts_at + make_interval(mins => o.duration_minutes),
         coalesce(insert_booking.blocked_during, tstzrange(insert_booking.starts_at, insert_booking.starts_at + make_interval(mins => o.duration_minutes))),
         insert_booking.status, insert_booking.hold_expires_at, o.currency, o.price, 24, 0.5
  from public.offerings o where o.id = insert_booking.offering_id
  returning id
$$;

-- The next local date whose day lasts `hours` (23: clocks go forward, 25: back).
create function tests.next_clock_change(timezone text, hours interval)
returns date
language sql
as $$
  select d::date from generate_series(current_date + 1, current_date + 380, interval '1 day') d
  where ((d::date + time '12:00') at time zone timezone) - ((d::date - 1 + time '12:00') at time zone timezone) = hours
  order by d limit 1
$$;

grant execute on function tests.slots_on(uuid, date, text), tests.at(date, time, text),
  tests.next_clock_change(text, interval) to anon, authenticated;

-- Weekly rules --------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 7),
  '09:00 09:30 10:00 10:30 11:00 11:30 12:00',
  'a 09:00-13:00 day gives one-hour slots every 30 minutes, the last ending at 13:00');
select results_eq(
  $$select starts_at, ends_at from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date + 7, current_date + 7) limit 1$$,
  $$select tests.at(current_date + 7, '09:00'), tests.at(current_date + 7, '10:00')$$,
  'a slot is the offering''s duration long');
select is((select count(*) from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date + 7, current_date + 13)),
  49::bigint, 'a week of such days gives 7 × 7 slots (from_date and to_date both included)');

select tests.clear_authentication();
update public.schedules set slot_step_minutes = 60 where user_id = tests.get_supabase_uid('provider');
select tests.authenticate_as('client');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 7), '09:00 10:00 11:00 12:00',
  'a 60-minute slot step gives one start an hour');
select tests.clear_authentication();
update public.schedules set slot_step_minutes = 45 where user_id = tests.get_supabase_uid('provider');
select tests.authenticate_as('client');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 7), '09:00 09:45 10:30 11:15 12:00',
  'slots step from the start of the window, whatever the step');
select tests.clear_authentication();
update public.schedules set slot_step_minutes = 30 where user_id = tests.get_supabase_uid('provider');

-- Bookings and buffers ----------------------------------------------------------------------------
select tests.insert_booking('a1000000-0000-4000-8000-000000000001', tests.at(current_date + 8, '10:00'));
select tests.insert_booking('a1000000-0000-4000-8000-000000000003', tests.at(current_date + 7, '10:00'));
select tests.authenticate_as('client');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 8), '09:00 11:00 11:30 12:00',
  'a confirmed booking 10:00-11:00 takes the slots overlapping it, and only those');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 7),
  '09:00 09:30 10:00 10:30 11:00 11:30 12:00', 'another provider''s booking takes none of this provider''s slots');
select tests.clear_authentication();
delete from public.bookings where provider_id = tests.get_supabase_uid('london');
update public.schedules set buffer_before_minutes = 30 where user_id = tests.get_supabase_uid('provider');
select tests.authenticate_as('client');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 8), '09:00 11:30 12:00',
  'a 30-minute buffer before each booking keeps 11:00 (which would start right after it) free of bookings');
select tests.clear_authentication();
update public.schedules set buffer_after_minutes = 30 where user_id = tests.get_supabase_uid('provider');
select tests.authenticate_as('client');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 8), '11:30 12:00',
  'a 30-minute buffer after each booking also takes 09:00 (which would end right before it)');
select tests.clear_authentication();
update public.schedules set buffer_before_minutes = 0, buffer_after_minutes = 0 where user_id = tests.get_supabase_uid('provider');
select tests.insert_booking('a1000000-0000-4000-8000-000000000001', tests.at(current_date + 9, '10:00'),
  blocked_during => tstzrange(tests.at(current_date + 9, '09:30'), tests.at(current_date + 9, '11:30')));
select tests.insert_booking('a1000000-0000-4000-8000-000000000001', tests.at(current_date + 10, '10:00'), 'held', now() + interval '10 minutes');
select tests.insert_booking('a1000000-0000-4000-8000-000000000001', tests.at(current_date + 11, '10:00'), 'held', now() - interval '1 minute');
select tests.insert_booking('a1000000-0000-4000-8000-000000000001', tests.at(current_date + 12, '10:00'), 'cancelled');
select tests.insert_booking('a1000000-0000-4000-8000-000000000001', tests.at(current_date + 17, '10:00'), 'in_progress');
select tests.authenticate_as('client');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 9), '11:30 12:00',
  'the buffers a booking was made with (its blocked range 09:30-11:30) stay blocked');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 10), '09:00 11:00 11:30 12:00',
  'a hold awaiting payment takes its slot');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 11),
  '09:00 09:30 10:00 10:30 11:00 11:30 12:00', 'a hold past its expiry frees its slot, even before the expiry job runs');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 12),
  '09:00 09:30 10:00 10:30 11:00 11:30 12:00', 'a cancelled booking frees its slot');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 17), '09:00 11:00 11:30 12:00',
  'a booking in progress keeps its slot');

-- Date exceptions -----------------------------------------------------------------------------------
select tests.clear_authentication();
insert into public.availability_exceptions (user_id, on_date, is_available, start_time, end_time) values
  (tests.get_supabase_uid('provider'), current_date + 13, false, null, null),
  (tests.get_supabase_uid('provider'), current_date + 14, false, '10:00', '12:00'),
  (tests.get_supabase_uid('provider'), current_date + 15, true, '14:00', '16:00'),
  (tests.get_supabase_uid('provider'), current_date + 16, true, '13:00', '14:00');
select tests.authenticate_as('client');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 13), '', 'a closed day has no slots');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 14), '09:00 12:00',
  'closing 10:00-12:00 leaves the hour before and the hour after');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 15),
  '09:00 09:30 10:00 10:30 11:00 11:30 12:00 14:00 14:30 15:00', 'extra hours 14:00-16:00 add their slots to the day''s');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 16),
  '09:00 09:30 10:00 10:30 11:00 11:30 12:00 12:30 13:00', 'extra hours right after the weekly window extend it into one window');

-- Notice and horizon --------------------------------------------------------------------------------
select is(
  (select count(*) from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date - 3, current_date - 1)), 0::bigint,
  'past days have no slots');
select ok(
  (select bool_and(starts_at >= now()) from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date, current_date + 1)),
  'without notice, no slot starts in the past either');
select tests.clear_authentication();
update public.schedules set min_notice_minutes = 43200, horizon_days = 60 where user_id = tests.get_supabase_uid('provider');
select tests.authenticate_as('client');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 7), '',
  'with 30 days notice nothing is bookable next week');
select ok(
  (select min(starts_at) >= now() + interval '30 days'
   from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date + 29, current_date + 31)),
  'with 30 days notice the first slot is at least 30 days away');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 31),
  '09:00 09:30 10:00 10:30 11:00 11:30 12:00', 'with 30 days notice the day after that is fully open');
select tests.clear_authentication();
update public.schedules set min_notice_minutes = 0, horizon_days = 10 where user_id = tests.get_supabase_uid('provider');
select tests.authenticate_as('client');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 7),
  '09:00 09:30 10:00 10:30 11:00 11:30 12:00', 'within a 10-day horizon a day is open');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 11), '',
  'beyond a 10-day horizon a day has no slots');
select ok(
  (select max(starts_at) < now() + interval '10 days' from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date, current_date + 20)),
  'no slot starts at or beyond the horizon');
select tests.clear_authentication();
update public.schedules set horizon_days = 60 where user_id = tests.get_supabase_uid('provider');

-- The caller's timezone -------------------------------------------------------------------------------
select tests.authenticate_as('client');
select results_eq(
  $$select starts_at, local_starts_at, local_ends_at
    from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date + 7, current_date + 7, 'Asia/Tokyo') limit 1$$,
  $$select tests.at(current_date + 7, '09:00'), (current_date + 7) + time '18:00', (current_date + 7) + time '19:00'$$,
  'a caller in Tokyo sees 09:00 UTC as 18:00 on their clock');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 5, 'Pacific/Honolulu'),
  '00:00 00:30 01:00 01:30 02:00 23:00 23:30',
  'a day in Honolulu (UTC-10) spans the end of one provider day and the start of the next');
select ok(
  (select count(*) = 7 and bool_and(extract(minute from starts_at) in (0, 30))
   from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date + 7, current_date + 7, 'Pacific/Chatham')),
  'a caller''s day starting at a quarter hour inside the provider''s window (Chatham, UTC+12:45 / +13:45) keeps the provider''s half-hour grid');
select is(
  (select count(*) from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date + 7, current_date + 7, 'Asia/Tokyo')),
  (select count(*) from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date + 7, current_date + 7)),
  'the timezone only moves the day''s boundaries: a Tokyo day of this provider has the same slots');

-- Daylight saving: 09:00 in London stays 09:00 on the local clock ----------------------------------
select is(
  (select min(starts_at) from public.free_slots('a1000000-0000-4000-8000-000000000003',
     tests.next_clock_change('Europe/London', '23 hours') - 2, tests.next_clock_change('Europe/London', '23 hours') - 2)),
  tests.at(tests.next_clock_change('Europe/London', '23 hours') - 2, '09:00'),
  'before the clocks go forward in March, 09:00 in London is 09:00 UTC');
select is(
  (select min(starts_at) from public.free_slots('a1000000-0000-4000-8000-000000000003',
     tests.next_clock_change('Europe/London', '23 hours') + 1, tests.next_clock_change('Europe/London', '23 hours') + 1)),
  tests.at(tests.next_clock_change('Europe/London', '23 hours') + 1, '08:00'),
  'after the clocks go forward, 09:00 in London is 08:00 UTC');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000003', tests.next_clock_change('Europe/London', '23 hours'), 'Europe/London'),
  '09:00 09:30 10:00 10:30 11:00 11:30 12:00 12:30 13:00 13:30 14:00 14:30 15:00 15:30 16:00',
  'on the 23-hour day itself the London provider still has 09:00-17:00 on their clock');
select is(
  (select max(ends_at) from public.free_slots('a1000000-0000-4000-8000-000000000003',
     tests.next_clock_change('Europe/London', '25 hours') + 1, tests.next_clock_change('Europe/London', '25 hours') + 1)),
  tests.at(tests.next_clock_change('Europe/London', '25 hours') + 1, '17:00'),
  'after the clocks go back in October, 17:00 in London is 17:00 UTC again');
select is(
  (select min(starts_at) from public.free_slots('a1000000-0000-4000-8000-000000000003',
     tests.next_clock_change('Europe/London', '25 hours') - 1, tests.next_clock_change('Europe/London', '25 hours') - 1)),
  tests.at(tests.next_clock_change('Europe/London', '25 hours') - 1, '08:00'),
  'in summer, the day before the clocks go back, 09:00 in London is 08:00 UTC');

-- Home collections: free when any collector is ------------------------------------------------------
select is(tests.slots_on('a1000000-0000-4000-8000-000000000004', current_date + 7), '09:00 09:30 10:00',
  'a collection offers the union of the collectors'' slots (09:00-10:00 and 09:30-10:30), staff of other jobs not included');
select tests.clear_authentication();
select tests.insert_booking('a1000000-0000-4000-8000-000000000004', tests.at(current_date + 8, '09:00'),
  collector_id => tests.get_supabase_uid('collector_a'));
select tests.insert_booking('a1000000-0000-4000-8000-000000000004', tests.at(current_date + 9, '09:30'),
  collector_id => tests.get_supabase_uid('collector_a'));
select tests.insert_booking('a1000000-0000-4000-8000-000000000004', tests.at(current_date + 9, '09:30'),
  collector_id => tests.get_supabase_uid('collector_b'));
select tests.authenticate_as('client');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000004', current_date + 8), '09:30 10:00',
  'when the only collector free at 09:00 is booked then, 09:00 is gone and the other slots remain');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000004', current_date + 9), '09:00 10:00',
  'when both collectors are out at 09:30, that slot is gone and the others remain');

-- Refusals -------------------------------------------------------------------------------------------
select throws_ok(
  $$select * from public.free_slots('a1000000-0000-4000-8000-0000000000ff', current_date, current_date + 7)$$,
  'PT404', 'offering_id: offering a1000000-0000-4000-8000-0000000000ff not found', 'an unknown offering is refused');
select throws_ok(
  $$select * from public.free_slots('a1000000-0000-4000-8000-000000000002', current_date, current_date + 7)$$,
  'PT404', 'offering_id: offering a1000000-0000-4000-8000-000000000002 not found',
  'a draft offering looks unknown to a client');
select throws_ok(
  $$select * from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date, current_date + 7, 'Mars/Olympus_Mons')$$,
  '22023', 'timezone: Mars/Olympus_Mons is not an IANA time zone name', 'a timezone that is not IANA is refused');
select throws_ok(
  $$select * from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date + 7, current_date + 6)$$,
  '22023', 'to_date must be on or after from_date and at most 92 days later', 'a range that ends before it starts is refused');
select throws_ok(
  $$select * from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date, current_date + 93)$$,
  '22023', 'to_date must be on or after from_date and at most 92 days later', 'a range over 92 days is refused');
select lives_ok(
  $$select * from public.free_slots('a1000000-0000-4000-8000-000000000001', current_date, current_date + 92)$$,
  'a range of exactly 92 days is accepted');

select tests.authenticate_as('provider');
select is(tests.slots_on('a1000000-0000-4000-8000-000000000002', current_date + 7),
  '09:00 09:30 10:00 10:30 11:00 11:30 12:00', 'a provider sees the slots of their own draft offering');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select is(tests.slots_on('a1000000-0000-4000-8000-000000000001', current_date + 7),
  '09:00 09:30 10:00 10:30 11:00 11:30 12:00', 'visitors see the free slots of an active offering');
select throws_ok(
  $$select * from public.free_slots('a1000000-0000-4000-8000-000000000002', current_date, current_date + 7)$$,
  'PT404', null, 'visitors cannot see the slots of a draft offering');

select * from finish();
rollback;
