-- lab (issue 15): the sample's rules and their refusals: who moves it at each step (a collector
-- releasing, the reporting analyst releasing their own report), the booking following its
-- samples, batches (one open batch per sample, of its own test, moved in one statement), results
-- (an analyte the test does not declare, flags per species, a critical value alerting the lab),
-- versioned reports (a correction keeps the earlier version), the staff queues, a cancelled
-- booking's samples.
begin;
set local time zone 'UTC';
select plan(38);
select tests.start_with_empty_marketplace();
select tests.create_supabase_user('client');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
select tests.create_supabase_user('collector');
select tests.grant_role('collector', 'staff', 'collector');
select tests.create_supabase_user('other_collector');
select tests.grant_role('other_collector', 'staff', 'collector');
select tests.create_supabase_user('tech');
select tests.grant_role('tech', 'staff', 'lab_tech');
select tests.create_supabase_user('analyst');
select tests.grant_role('analyst', 'staff', 'analyst');
select tests.create_supabase_user('analyst2');
select tests.grant_role('analyst2', 'staff', 'analyst');
insert into public.schedules (user_id, timezone, min_notice_minutes) values (tests.get_supabase_uid('collector'), 'UTC', 0);

insert into public.categories (id, slug, name, offering_kinds, is_platform_only) values
  ('cd000000-0000-4000-8000-000000000001', 'blood-tests', 'Blood tests', '{lab_test}', true);
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location,
                              scheduled_on)
values ('1a000000-0000-4000-8000-000000000001', null, 'cd000000-0000-4000-8000-000000000001', 'lab_test', 'Blood count',
        4500, 'GBP', 30, 'active', 'client_site', 'collector'),
       ('1a000000-0000-4000-8000-000000000002', null, 'cd000000-0000-4000-8000-000000000001', 'lab_test', 'Kidney panel',
        6000, 'GBP', 30, 'active', 'client_site', 'collector');
insert into public.lab_analytes (id, offering_id, code, name, unit) values
  ('1b000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000001', 'wbc', 'White blood cells', '10^9/L'),
  ('1b000000-0000-4000-8000-000000000002', '1a000000-0000-4000-8000-000000000001', 'hct', 'Haematocrit', '%'),
  ('1b000000-0000-4000-8000-000000000011', '1a000000-0000-4000-8000-000000000002', 'urea', 'Urea', 'mmol/L');
insert into public.lab_reference_ranges (analyte_id, species, low, high, critical_low, critical_high) values
  ('1b000000-0000-4000-8000-000000000001', 'dog', 6, 17, 2, 50),
  ('1b000000-0000-4000-8000-000000000001', 'cat', 5.5, 19.5, 2, 50),
  ('1b000000-0000-4000-8000-000000000002', null, 37, 55, 15, 70),
  ('1b000000-0000-4000-8000-000000000011', null, 2.5, 9.6, null, 40);
insert into public.pets (id, owner_id, name, species) values
  ('1c000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'), 'Biscuit', 'dog');

-- Two bookings of Biscuit: one with both tests (confirmed), one held and unpaid.
insert into public.bookings (id, offering_id, client_id, collector_id, scheduled_on, pet_id, starts_at, ends_at, blocked_during,
                             status, hold_expires_at, currency, total_amount, free_cancellation_hours, late_cancellation_fee_share)
values
  ('1d000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'),
   tests.get_supabase_uid('collector'), 'collector', '1c000000-0000-4000-8000-000000000001',
   now() + interval '10 minutes', now() + interval '40 minutes', tstzrange(now(), now() + interval '1 hour'),
   'confirmed', null, 'GBP', 10500, 24, 0.5),
  ('1d000000-0000-4000-8000-000000000002', '1a000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'),
   tests.get_supabase_uid('collector'), 'collector', '1c000000-0000-4000-8000-000000000001',
   now() + interval '3 hours', now() + interval '200 minutes', tstzrange(now() + interval '3 hours', now() + interval '4 hours'),
   'held', now() + interval '15 minutes', 'GBP', 4500, 24, 0.5);
insert into public.booking_items (id, booking_id, line_number, offering_id, description, quantity, unit_price, amount) values
  ('1e000000-0000-4000-8000-000000000001', '1d000000-0000-4000-8000-000000000001', 1, '1a000000-0000-4000-8000-000000000001',
   'Blood count', 1, 4500, 4500),
  ('1e000000-0000-4000-8000-000000000002', '1d000000-0000-4000-8000-000000000001', 2, '1a000000-0000-4000-8000-000000000002',
   'Kidney panel', 1, 6000, 6000),
  ('1e000000-0000-4000-8000-000000000003', '1d000000-0000-4000-8000-000000000002', 1, '1a000000-0000-4000-8000-000000000001',
   'Blood count', 1, 4500, 4500);

create function pg_temp.blood() returns uuid language sql immutable as $$ select '1e000000-0000-4000-8000-000000000001'::uuid $$;
create function pg_temp.kidney() returns uuid language sql immutable as $$ select '1e000000-0000-4000-8000-000000000002'::uuid $$;
create function pg_temp.unpaid() returns uuid language sql immutable as $$ select '1e000000-0000-4000-8000-000000000003'::uuid $$;
grant execute on all functions in schema pg_temp to anon, authenticated, service_role;

select is((select count(*)::int from public.lab_samples), 3, 'every booked test is a sample, booked');

-- Collection ------------------------------------------------------------------------------------------------
select tests.authenticate_as('other_collector');
select throws_ok($$select public.transition_lab_sample(pg_temp.blood(), 'collected', tube_count => 1)$$, 'PT404', null,
  'a collector collects only the samples of the bookings assigned to them: another''s does not exist for them');
select tests.authenticate_as('collector');
select results_eq($$select booking_item_id, status::text from public.collector_route((now() at time zone 'UTC')::date) order by scheduled_at, test_title$$,
  $$values (pg_temp.blood(), 'booked'), (pg_temp.kidney(), 'booked'), (pg_temp.unpaid(), 'booked')$$,
  'the collector''s route of the day lists their collections by time');
select throws_ok($$select public.transition_lab_sample(pg_temp.unpaid(), 'collected', tube_count => 1)$$, 'PT409', null,
  'nothing is collected for a booking not paid');
select throws_ok($$select public.transition_lab_sample(pg_temp.blood(), 'collected')$$, '22023', null, 'a collection says how many tubes');
select lives_ok($$select public.transition_lab_sample(pg_temp.blood(), 'collected', 'Calm dog', tube_count => 2)$$, 'the collector collects');
select lives_ok($$select public.transition_lab_sample(pg_temp.kidney(), 'collected', tube_count => 1)$$, 'and the second test');
select throws_ok($$select public.transition_lab_sample(pg_temp.blood(), 'released')$$, 'PT409', null,
  'a collected sample cannot be released');
select results_eq($$select status::text from public.bookings where id = '1d000000-0000-4000-8000-000000000001'$$, $$values ('in_progress')$$,
  'the booking is in progress from the first collection');
select tests.clear_authentication();
select is((select count(*)::int from private.notification_outbox where event_type = 'sample.collected'), 2, 'the owner is told of each collection');

-- Reception and batches -------------------------------------------------------------------------------------------
select tests.authenticate_as('tech');
select results_eq($$select booking_item_id from public.lab_queue() order by booking_item_id$$, $$values (pg_temp.blood()), (pg_temp.kidney())$$,
  'the lab tech''s queue: the samples to receive');
select throws_ok($$select public.transition_lab_sample(pg_temp.blood(), 'received')$$, '22023', null, 'a reception says the sample''s condition');
select lives_ok($$select public.transition_lab_sample(pg_temp.blood(), 'received', sample_condition => 'Good')$$, 'the lab tech receives it');
select lives_ok($$select public.transition_lab_sample(pg_temp.kidney(), 'received', sample_condition => 'Good')$$, 'and the other');
select throws_ok($$select public.create_lab_batch('CBC-1', '1a000000-0000-4000-8000-000000000001', array[pg_temp.blood(), pg_temp.kidney()])$$,
  '22023', null, 'a batch takes samples of its own test only');
select lives_ok($$select public.create_lab_batch('CBC-1', '1a000000-0000-4000-8000-000000000001', array[pg_temp.blood()], 'Analyser 1')$$,
  'the lab tech batches the blood count');
select throws_ok($$select public.create_lab_batch('CBC-2', '1a000000-0000-4000-8000-000000000001', array[pg_temp.blood()])$$, 'PT409', null,
  'a sample is in at most one open batch');
select results_eq($$select booking_item_id from public.lab_queue()$$, $$values (pg_temp.kidney())$$,
  'the queue keeps the received samples not yet batched');
select lives_ok($$select public.move_lab_batch((select id from public.lab_batches where code = 'CBC-1'), 'running')$$, 'the batch runs');
select tests.clear_authentication();
select results_eq($$select s.status::text, c.note from public.lab_batch_items bi join public.lab_samples s on s.booking_item_id = bi.booking_item_id
                    join public.lab_sample_status_changes c on c.booking_item_id = s.booking_item_id and c.to_status = 'in_analysis'$$,
  $$values ('in_analysis', 'batch CBC-1')$$, 'its samples went in analysis together, each with its audit row');
select tests.authenticate_as('tech');
select lives_ok($$select public.transition_lab_sample(pg_temp.kidney(), 'in_analysis')$$, 'the lab tech starts the kidney panel on its own');

-- Results ------------------------------------------------------------------------------------------------------
select tests.authenticate_as('analyst');
select throws_ok($$select public.enter_lab_results(pg_temp.blood(), '[{"analyte": "urea", "value": 5}]')$$, '22023', null,
  'results of an analyte the test does not declare are refused');
select results_eq($$select a.code, r.flag::text from public.enter_lab_results(pg_temp.blood(), '[{"analyte": "wbc", "value": 55}, {"analyte": "hct", "value": 36}]') r join public.lab_analytes a on a.id = r.analyte_id order by a.code$$,
  $$values ('hct', 'low'), ('wbc', 'critical')$$, 'each value is flagged against the dog''s range and critical limits');
select tests.clear_authentication();
select results_eq($$select data ->> 'analyte', data ->> 'value', cardinality(recipient_ids) from private.notification_outbox where event_type = 'report.critical'$$,
  $$values ('White blood cells', '55 10^9/L', 4)$$, 'a critical value alerts the lab''s staff and admins at once');
select tests.authenticate_as('analyst');
select lives_ok($$select public.transition_lab_sample(pg_temp.blood(), 'reported', 'Very high white count: infection?')$$, 'the analyst reports');
select throws_ok($$select public.transition_lab_sample(pg_temp.blood(), 'released')$$, '42501', null, 'but does not release their own report');
select tests.authenticate_as('collector');
select throws_ok($$select public.transition_lab_sample(pg_temp.blood(), 'released')$$, '42501', null, 'nor does a collector');
select tests.authenticate_as('analyst2');
select results_eq($$select booking_item_id from public.analyst_queue() where status = 'reported'$$, $$values (pg_temp.blood())$$,
  'the second analyst sees it to release');
select lives_ok($$select public.transition_lab_sample(pg_temp.blood(), 'released')$$, 'and releases it');
select tests.clear_authentication();
select results_eq($$select status::text from public.bookings where id = '1d000000-0000-4000-8000-000000000001'$$, $$values ('in_progress')$$,
  'the booking waits for its other sample');
select tests.authenticate_as('analyst2');

-- A correction keeps the earlier version ---------------------------------------------------------------------------
select lives_ok($$select public.transition_lab_sample(pg_temp.blood(), 'in_analysis', 'Re-run: haemolysed sample suspected')$$,
  'a released report is sent back for a correction');
select lives_ok($$select public.enter_lab_results(pg_temp.blood(), '[{"analyte": "wbc", "value": 16}]')$$, 'the value is entered again');
select lives_ok($$select public.transition_lab_sample(pg_temp.blood(), 'reported', 'Corrected after a re-run.')$$, 'reported again');
select tests.authenticate_as('analyst');
select lives_ok($$select public.transition_lab_sample(pg_temp.blood(), 'released')$$, 'and released by the other analyst');
select tests.clear_authentication();
select results_eq($$select version, status::text, is_current from public.lab_reports where booking_item_id = pg_temp.blood() order by version$$,
  $$values (1, 'superseded', false), (2, 'released', true)$$, 'version 2 is current; version 1 stays, superseded');

-- Rejection closes a sample; the booking completes; a lapsed booking cancels its samples ------------------------------
select tests.authenticate_as('analyst');
select lives_ok($$select public.transition_lab_sample(pg_temp.kidney(), 'rejected', 'Clotted', recollection_needed => true)$$,
  'an unusable sample is rejected with the reason');
select tests.clear_authentication();
select results_eq($$select status::text from public.bookings where id = '1d000000-0000-4000-8000-000000000001'$$, $$values ('completed')$$,
  'the booking is completed when every sample is released or rejected');
select tests.authenticate_as_service_role();
update public.bookings set hold_expires_at = now() - interval '1 minute' where id = '1d000000-0000-4000-8000-000000000002';
select service.expire_holds();
select results_eq($$select status::text from public.lab_samples where booking_item_id = pg_temp.unpaid()$$, $$values ('cancelled')$$,
  'the sample of a lapsed booking is cancelled with it');

select * from finish();
rollback;
