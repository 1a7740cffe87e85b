-- lab (issue 15): who reads and writes what, per persona: the access matrix of lab_samples,
-- lab_sample_status_changes, lab_batches, lab_batch_items, lab_analytes, lab_reference_ranges,
-- lab_results and lab_reports, and the bucket `reports`. owner = the pet's owner (for batches: the
-- lab tech who made it); stranger = a signed-in client with nothing to do with the sample.
begin;
set local time zone 'UTC';
select plan(131);
select tests.start_with_empty_marketplace();
select set_config('storage.allow_delete_query', 'true', true);
select tests.create_supabase_user('client');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
select tests.create_supabase_user('collector');
select tests.grant_role('collector', 'staff', 'collector');
select tests.create_supabase_user('tech');
select tests.grant_role('tech', 'staff', 'lab_tech');
select tests.create_supabase_user('analyst');
select tests.grant_role('analyst', 'staff', 'analyst');
select tests.create_supabase_user('analyst2');
select tests.grant_role('analyst2', 'staff', 'analyst');

-- A platform lab test with two analytes, and the client's dog booked for it (made as the
-- booking function leaves it, confirmed: paid), with the collector assigned.
insert into public.categories (id, slug, name, offering_kinds, is_platform_only) values
  ('cd000000-0000-4000-8000-000000000001', 'blood-tests', 'Blood tests', '{lab_test}', true);
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location,
                              scheduled_on)
values ('1a000000-0000-4000-8000-000000000001', null, 'cd000000-0000-4000-8000-000000000001', 'lab_test', 'Blood count',
        4500, 'GBP', 30, 'active', 'client_site', 'collector');
insert into public.lab_analytes (id, offering_id, code, name, unit) values
  ('1b000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000001', 'wbc', 'White blood cells', '10^9/L'),
  ('1b000000-0000-4000-8000-000000000002', '1a000000-0000-4000-8000-000000000001', 'hct', 'Haematocrit', '%');
insert into public.lab_reference_ranges (analyte_id, species, low, high, critical_low, critical_high) values
  ('1b000000-0000-4000-8000-000000000001', 'dog', 6, 17, 2, 50),
  ('1b000000-0000-4000-8000-000000000002', null, 37, 55, 15, 70);
insert into public.pets (id, owner_id, name, species) values
  ('1c000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'), 'Biscuit', 'dog');
insert into public.bookings (id, offering_id, client_id, collector_id, scheduled_on, pet_id, starts_at, ends_at, blocked_during,
                             status, currency, total_amount, free_cancellation_hours, late_cancellation_fee_share)
values ('1d000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'),
        tests.get_supabase_uid('collector'), 'collector', '1c000000-0000-4000-8000-000000000001',
        now() + interval '10 minutes', now() + interval '40 minutes', tstzrange(now(), now() + interval '1 hour'),
        'confirmed', 'GBP', 4500, 24, 0.5);
insert into public.booking_items (id, booking_id, line_number, offering_id, description, quantity, unit_price, amount) values
  ('1e000000-0000-4000-8000-000000000001', '1d000000-0000-4000-8000-000000000001', 1, '1a000000-0000-4000-8000-000000000001',
   'Blood count', 1, 4500, 4500);

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
create function pg_temp.item() returns uuid language sql immutable as $$ select '1e000000-0000-4000-8000-000000000001'::uuid $$;
grant execute on all functions in schema pg_temp to anon, authenticated;

-- The sample travels: collected, received, batched and run, results, reported, released.
select tests.authenticate_as('collector');
select public.transition_lab_sample(pg_temp.item(), 'collected', 'One tube', tube_count => 1);
select tests.authenticate_as('tech');
select public.transition_lab_sample(pg_temp.item(), 'received', sample_condition => 'Good');
select public.create_lab_batch('CBC-001', '1a000000-0000-4000-8000-000000000001', array[pg_temp.item()], 'Analyser 1');
select public.move_lab_batch((select id from public.lab_batches), 'running');
select tests.authenticate_as('analyst');
select public.enter_lab_results(pg_temp.item(), '[{"analyte": "wbc", "value": 8.1}, {"analyte": "hct", "value": 44}]');
select public.transition_lab_sample(pg_temp.item(), 'reported', 'Normal count.');
select tests.authenticate_as('analyst2');
select public.transition_lab_sample(pg_temp.item(), 'released');
select tests.authenticate_as_service_role();
insert into storage.objects (bucket_id, name, metadata)
select 'reports', r.path, '{"size": 3000, "mimetype": "application/pdf"}' from service.reports_to_render() r;
select service.record_report_pdf(r.id, r.booking_id || '/' || r.booking_item_id || '.v1.pdf', 3000) from public.lab_reports r;
select tests.clear_authentication();

-- anon ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.lab_samples'), 'denied', '[lab_samples/anon/select] visitors read no sample');
select is(pg_temp.outcome($$insert into public.lab_samples (booking_item_id, booking_id, offering_id, owner_id, scheduled_at) select booking_item_id, booking_id, offering_id, owner_id, now() from public.lab_samples returning 1$$),
  'denied', '[lab_samples/anon/insert] nor write one');
select is(pg_temp.outcome($$update public.lab_samples set status = 'released' returning 1$$), 'denied', '[lab_samples/anon/update] nor move one');
select is(pg_temp.outcome('delete from public.lab_samples returning 1'), 'denied', '[lab_samples/anon/delete] nor delete one');
select is(pg_temp.outcome('select 1 from public.lab_sample_status_changes'), 'denied', '[lab_sample_status_changes/anon/select] visitors read no history');
select is(pg_temp.outcome($$insert into public.lab_sample_status_changes (booking_item_id, to_status, actor) values ('1e000000-0000-4000-8000-000000000001', 'released', 'admin') returning 1$$),
  'denied', '[lab_sample_status_changes/anon/insert] nor write it');
select is(pg_temp.outcome($$update public.lab_sample_status_changes set note = 'x' returning 1$$), 'denied', '[lab_sample_status_changes/anon/update] nor change it');
select is(pg_temp.outcome('delete from public.lab_sample_status_changes returning 1'), 'denied', '[lab_sample_status_changes/anon/delete] nor delete it');
select is(pg_temp.outcome('select 1 from public.lab_batches'), 'denied', '[lab_batches/anon/select] visitors read no batch');
select is(pg_temp.outcome($$insert into public.lab_batches (code, offering_id) values ('X-1', '1a000000-0000-4000-8000-000000000001') returning 1$$),
  'denied', '[lab_batches/anon/insert] nor make one');
select is(pg_temp.outcome($$update public.lab_batches set status = 'done' returning 1$$), 'denied', '[lab_batches/anon/update] nor move one');
select is(pg_temp.outcome('delete from public.lab_batches returning 1'), 'denied', '[lab_batches/anon/delete] nor delete one');
select is(pg_temp.outcome('select 1 from public.lab_batch_items'), 'denied', '[lab_batch_items/anon/select] visitors read no batch''s samples');
select is(pg_temp.outcome($$insert into public.lab_batch_items (batch_id, booking_item_id) select id, '1e000000-0000-4000-8000-000000000001' from public.lab_batches returning 1$$),
  'denied', '[lab_batch_items/anon/insert] nor add one');
select is(pg_temp.outcome('update public.lab_batch_items set is_active = true returning 1'), 'denied', '[lab_batch_items/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.lab_batch_items returning 1'), 'denied', '[lab_batch_items/anon/delete] nor remove one');
select is(pg_temp.outcome('select 1 from public.lab_analytes'), '2', '[lab_analytes/anon/select] visitors read what an active test measures');
select is(pg_temp.outcome($$insert into public.lab_analytes (offering_id, code, name, unit) values ('1a000000-0000-4000-8000-000000000001', 'plt', 'Platelets', 'x') returning 1$$),
  'denied', '[lab_analytes/anon/insert] but write none');
select is(pg_temp.outcome($$update public.lab_analytes set unit = 'x' returning 1$$), 'denied', '[lab_analytes/anon/update] change none');
select is(pg_temp.outcome('delete from public.lab_analytes returning 1'), 'denied', '[lab_analytes/anon/delete] remove none');
select is(pg_temp.outcome('select 1 from public.lab_reference_ranges'), '2', '[lab_reference_ranges/anon/select] and read the reference ranges');
select is(pg_temp.outcome($$insert into public.lab_reference_ranges (analyte_id, low, high) values ('1b000000-0000-4000-8000-000000000001', 0, 1) returning 1$$),
  'denied', '[lab_reference_ranges/anon/insert] write none');
select is(pg_temp.outcome('update public.lab_reference_ranges set low = 0 returning 1'), 'denied', '[lab_reference_ranges/anon/update] change none');
select is(pg_temp.outcome('delete from public.lab_reference_ranges returning 1'), 'denied', '[lab_reference_ranges/anon/delete] remove none');
select is(pg_temp.outcome('select 1 from public.lab_results'), 'denied', '[lab_results/anon/select] visitors read no result');
select is(pg_temp.outcome($$insert into public.lab_results (booking_item_id, analyte_id, value, flag) values ('1e000000-0000-4000-8000-000000000001', '1b000000-0000-4000-8000-000000000001', 1, 'normal') returning 1$$),
  'denied', '[lab_results/anon/insert] nor write one');
select is(pg_temp.outcome('update public.lab_results set value = 1 returning 1'), 'denied', '[lab_results/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.lab_results returning 1'), 'denied', '[lab_results/anon/delete] nor delete one');
select is(pg_temp.outcome('select 1 from public.lab_reports'), 'denied', '[lab_reports/anon/select] visitors read no report');
select is(pg_temp.outcome($$insert into public.lab_reports (booking_item_id, booking_id, owner_id, version, results) select booking_item_id, booking_id, owner_id, 9, '[]' from public.lab_samples returning 1$$),
  'denied', '[lab_reports/anon/insert] nor write one');
select is(pg_temp.outcome('update public.lab_reports set comments = $t$x$t$ returning 1'), 'denied', '[lab_reports/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.lab_reports returning 1'), 'denied', '[lab_reports/anon/delete] nor delete one');
select is(pg_temp.outcome($$select 1 from storage.objects where bucket_id = 'reports'$$), '0', 'visitors read no report PDF');

-- stranger ---------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is(pg_temp.outcome('select 1 from public.lab_samples'), '0', '[lab_samples/stranger/select] a stranger reads no sample');
select is(pg_temp.outcome($$insert into public.lab_samples (booking_item_id, booking_id, offering_id, owner_id, scheduled_at) values (gen_random_uuid(), '1d000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000001', auth.uid(), now()) returning 1$$),
  'denied', '[lab_samples/stranger/insert] nor writes one');
select is(pg_temp.outcome($$update public.lab_samples set status = 'released' returning 1$$), 'denied', '[lab_samples/stranger/update] nor moves one');
select is(pg_temp.outcome('delete from public.lab_samples returning 1'), 'denied', '[lab_samples/stranger/delete] nor deletes one');
select throws_ok($$select public.transition_lab_sample('1e000000-0000-4000-8000-000000000001', 'in_analysis')$$, 'PT404', null,
  'nor moves it through the transition function: to a stranger it does not exist');
select is(pg_temp.outcome('select 1 from public.lab_sample_status_changes'), '0', '[lab_sample_status_changes/stranger/select] reads no history');
select is(pg_temp.outcome($$insert into public.lab_sample_status_changes (booking_item_id, to_status, actor) values ('1e000000-0000-4000-8000-000000000001', 'released', 'admin') returning 1$$),
  'denied', '[lab_sample_status_changes/stranger/insert] writes none');
select is(pg_temp.outcome($$update public.lab_sample_status_changes set note = 'x' returning 1$$), 'denied', '[lab_sample_status_changes/stranger/update] changes none');
select is(pg_temp.outcome('delete from public.lab_sample_status_changes returning 1'), 'denied', '[lab_sample_status_changes/stranger/delete] deletes none');
select is(pg_temp.outcome('select 1 from public.lab_batches'), '0', '[lab_batches/stranger/select] reads no batch');
select throws_ok($$select public.create_lab_batch('X-2', '1a000000-0000-4000-8000-000000000001', array['1e000000-0000-4000-8000-000000000001'::uuid])$$,
  '42501', null, '[lab_batches/stranger/insert] makes no batch');
select is(pg_temp.outcome($$update public.lab_batches set status = 'done' returning 1$$), 'denied', '[lab_batches/stranger/update] moves none');
select is(pg_temp.outcome('delete from public.lab_batches returning 1'), 'denied', '[lab_batches/stranger/delete] deletes none');
select is(pg_temp.outcome('select 1 from public.lab_batch_items'), '0', '[lab_batch_items/stranger/select] reads no batch''s samples');
select is(pg_temp.outcome($$insert into public.lab_batch_items (batch_id, booking_item_id) values (gen_random_uuid(), '1e000000-0000-4000-8000-000000000001') returning 1$$),
  'denied', '[lab_batch_items/stranger/insert] adds none');
select is(pg_temp.outcome('update public.lab_batch_items set is_active = true returning 1'), 'denied', '[lab_batch_items/stranger/update] changes none');
select is(pg_temp.outcome('delete from public.lab_batch_items returning 1'), 'denied', '[lab_batch_items/stranger/delete] removes none');
select is(pg_temp.outcome('select 1 from public.lab_analytes'), '2', '[lab_analytes/stranger/select] reads the analytes');
select is(pg_temp.outcome($$insert into public.lab_analytes (offering_id, code, name, unit) values ('1a000000-0000-4000-8000-000000000001', 'plt', 'Platelets', 'x') returning 1$$),
  'denied', '[lab_analytes/stranger/insert] writes none');
select is(pg_temp.outcome($$update public.lab_analytes set unit = 'x' returning 1$$), 'denied', '[lab_analytes/stranger/update] changes none');
select is(pg_temp.outcome('delete from public.lab_analytes returning 1'), 'denied', '[lab_analytes/stranger/delete] removes none');
select is(pg_temp.outcome('select 1 from public.lab_reference_ranges'), '2', '[lab_reference_ranges/stranger/select] reads the ranges');
select is(pg_temp.outcome($$insert into public.lab_reference_ranges (analyte_id, low, high) values ('1b000000-0000-4000-8000-000000000001', 0, 1) returning 1$$),
  'denied', '[lab_reference_ranges/stranger/insert] writes none');
select is(pg_temp.outcome('update public.lab_reference_ranges set low = 0 returning 1'), 'denied', '[lab_reference_ranges/stranger/update] changes none');
select is(pg_temp.outcome('delete from public.lab_reference_ranges returning 1'), 'denied', '[lab_reference_ranges/stranger/delete] removes none');
select is(pg_temp.outcome('select 1 from public.lab_results'), '0', '[lab_results/stranger/select] reads no result of another''s pet');
select throws_ok($$select public.enter_lab_results('1e000000-0000-4000-8000-000000000001', '[{"analyte": "wbc", "value": 1}]')$$,
  '42501', null, '[lab_results/stranger/insert] enters none');
select is(pg_temp.outcome('update public.lab_results set value = 1 returning 1'), 'denied', '[lab_results/stranger/update] changes none');
select is(pg_temp.outcome('delete from public.lab_results returning 1'), 'denied', '[lab_results/stranger/delete] deletes none');
select is(pg_temp.outcome('select 1 from public.lab_reports'), '0', '[lab_reports/stranger/select] reads no report of another''s pet');
select is(pg_temp.outcome($$insert into public.lab_reports (booking_item_id, booking_id, owner_id, version, results) values ('1e000000-0000-4000-8000-000000000001', '1d000000-0000-4000-8000-000000000001', auth.uid(), 9, '[]') returning 1$$),
  'denied', '[lab_reports/stranger/insert] writes none');
select is(pg_temp.outcome('update public.lab_reports set comments = $t$x$t$ returning 1'), 'denied', '[lab_reports/stranger/update] changes none');
select is(pg_temp.outcome('delete from public.lab_reports returning 1'), 'denied', '[lab_reports/stranger/delete] deletes none');
select is(pg_temp.outcome($$select 1 from storage.objects where bucket_id = 'reports'$$), '0', 'nor its PDF');
select throws_ok($$select * from public.lab_queue()$$, '42501', null, 'the lab''s queues are not a client''s');
select throws_ok($$select * from public.analyst_queue()$$, '42501', null, 'nor the analysts''');
select throws_ok($$select * from public.collector_route()$$, '42501', null, 'nor the collectors''');

-- owner: the pet's owner ---------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select results_eq('select status::text, tube_count from public.lab_samples', $$values ('released', 1::smallint)$$,
  '[lab_samples/owner/select] the owner follows the sample');
select is(pg_temp.outcome($$insert into public.lab_samples (booking_item_id, booking_id, offering_id, owner_id, scheduled_at) values (gen_random_uuid(), '1d000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000001', auth.uid(), now()) returning 1$$),
  'denied', '[lab_samples/owner/insert] but writes none');
select is(pg_temp.outcome($$update public.lab_samples set status = 'booked' returning 1$$), 'denied', '[lab_samples/owner/update] nor moves it');
select throws_ok($$select public.transition_lab_sample('1e000000-0000-4000-8000-000000000001', 'in_analysis')$$, '42501', null,
  'not even through the transition function');
select is(pg_temp.outcome('delete from public.lab_samples returning 1'), 'denied', '[lab_samples/owner/delete] nor deletes it');
select is(pg_temp.outcome('select 1 from public.lab_sample_status_changes'), '5', '[lab_sample_status_changes/owner/select] the owner reads every step');
select is(pg_temp.outcome($$insert into public.lab_sample_status_changes (booking_item_id, to_status, actor) values ('1e000000-0000-4000-8000-000000000001', 'released', 'admin') returning 1$$),
  'denied', '[lab_sample_status_changes/owner/insert] but writes none');
select is(pg_temp.outcome($$update public.lab_sample_status_changes set note = 'x' returning 1$$), 'denied', '[lab_sample_status_changes/owner/update] changes none');
select is(pg_temp.outcome('delete from public.lab_sample_status_changes returning 1'), 'denied', '[lab_sample_status_changes/owner/delete] deletes none');
select results_eq('select value, flag::text from public.lab_results order by value',
  $$values (8.1::numeric, 'normal'), (44, 'normal')$$, '[lab_results/owner/select] the owner reads the released results, flagged');
select is(pg_temp.outcome($$insert into public.lab_results (booking_item_id, analyte_id, value, flag) values ('1e000000-0000-4000-8000-000000000001', '1b000000-0000-4000-8000-000000000001', 1, 'normal') returning 1$$),
  'denied', '[lab_results/owner/insert] writes none');
select is(pg_temp.outcome('update public.lab_results set value = 1 returning 1'), 'denied', '[lab_results/owner/update] changes none');
select is(pg_temp.outcome('delete from public.lab_results returning 1'), 'denied', '[lab_results/owner/delete] deletes none');
select results_eq('select version, status::text, is_current, comments, pdf_path is not null from public.lab_reports',
  $$values (1, 'released', true, 'Normal count.', true)$$, '[lab_reports/owner/select] the owner reads the released report');
select is(pg_temp.outcome($$insert into public.lab_reports (booking_item_id, booking_id, owner_id, version, results) values ('1e000000-0000-4000-8000-000000000001', '1d000000-0000-4000-8000-000000000001', auth.uid(), 9, '[]') returning 1$$),
  'denied', '[lab_reports/owner/insert] writes none');
select is(pg_temp.outcome('update public.lab_reports set comments = $t$x$t$ returning 1'), 'denied', '[lab_reports/owner/update] changes none');
select is(pg_temp.outcome('delete from public.lab_reports returning 1'), 'denied', '[lab_reports/owner/delete] deletes none');
select is(pg_temp.outcome($$select 1 from storage.objects where bucket_id = 'reports'$$), '1', 'and its PDF');
select is(pg_temp.outcome($$insert into storage.objects (bucket_id, name, metadata) values ('reports', '1d000000-0000-4000-8000-000000000001/forged.pdf', '{"size": 10, "mimetype": "application/pdf"}') returning 1$$),
  'denied', 'but puts no PDF there');

-- owner of a batch: the lab tech -------------------------------------------------------------------------------
select tests.authenticate_as('tech');
select is(pg_temp.outcome('select 1 from public.lab_batches'), '1', '[lab_batches/owner/select] the lab tech reads the batches');
select is(pg_temp.outcome('select 1 from public.lab_batch_items'), '1', '[lab_batch_items/owner/select] and their samples');
select is(pg_temp.outcome($$insert into public.lab_batches (code, offering_id) values ('X-3', '1a000000-0000-4000-8000-000000000001') returning 1$$),
  'denied', '[lab_batches/owner/insert] batches are made through create_lab_batch only');
select is(pg_temp.outcome($$update public.lab_batches set status = 'open' returning 1$$), 'denied', '[lab_batches/owner/update] and moved through move_lab_batch only');
select is(pg_temp.outcome('delete from public.lab_batches returning 1'), 'denied', '[lab_batches/owner/delete] never deleted');
select is(pg_temp.outcome($$insert into public.lab_batch_items (batch_id, booking_item_id) select id, '1e000000-0000-4000-8000-000000000001' from public.lab_batches returning 1$$),
  'denied', '[lab_batch_items/owner/insert] samples join through add_to_lab_batch only');
select is(pg_temp.outcome('update public.lab_batch_items set is_active = false returning 1'), 'denied', '[lab_batch_items/owner/update] change none by hand');
select is(pg_temp.outcome('delete from public.lab_batch_items returning 1'), 'denied', '[lab_batch_items/owner/delete] remove none');
select is(pg_temp.outcome('select 1 from public.lab_samples'), '0', 'the lab tech reads samples through the queue, not the table');
select is(pg_temp.outcome($$select 1 from storage.objects where bucket_id = 'reports'$$), '1', 'the lab''s staff read report PDFs');

-- admin ----------------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from public.lab_samples'), '1', '[lab_samples/admin/select] admins read every sample');
select is(pg_temp.outcome($$insert into public.lab_samples (booking_item_id, booking_id, offering_id, owner_id, scheduled_at) values (gen_random_uuid(), '1d000000-0000-4000-8000-000000000001', '1a000000-0000-4000-8000-000000000001', auth.uid(), now()) returning 1$$),
  'denied', '[lab_samples/admin/insert] samples come with bookings only');
select is(pg_temp.outcome($$update public.lab_samples set status = 'booked' returning 1$$), 'denied', '[lab_samples/admin/update] admins move them through the transition function');
select is(pg_temp.outcome('delete from public.lab_samples returning 1'), 'denied', '[lab_samples/admin/delete] none is deleted');
select is(pg_temp.outcome('select 1 from public.lab_sample_status_changes'), '5', '[lab_sample_status_changes/admin/select] admins read every history');
select is(pg_temp.outcome($$insert into public.lab_sample_status_changes (booking_item_id, to_status, actor) values ('1e000000-0000-4000-8000-000000000001', 'released', 'admin') returning 1$$),
  'denied', '[lab_sample_status_changes/admin/insert] written by the database only');
select is(pg_temp.outcome($$update public.lab_sample_status_changes set note = 'x' returning 1$$), 'denied', '[lab_sample_status_changes/admin/update] never rewritten');
select is(pg_temp.outcome('delete from public.lab_sample_status_changes returning 1'), 'denied', '[lab_sample_status_changes/admin/delete] nor deleted');
select is(pg_temp.outcome('select 1 from public.lab_batches'), '1', '[lab_batches/admin/select] admins read batches');
select is(pg_temp.outcome($$insert into public.lab_batches (code, offering_id) values ('X-4', '1a000000-0000-4000-8000-000000000001') returning 1$$),
  'denied', '[lab_batches/admin/insert] through create_lab_batch only');
select is(pg_temp.outcome($$update public.lab_batches set status = 'open' returning 1$$), 'denied', '[lab_batches/admin/update] through move_lab_batch only');
select is(pg_temp.outcome('delete from public.lab_batches returning 1'), 'denied', '[lab_batches/admin/delete] never deleted');
select is(pg_temp.outcome('select 1 from public.lab_batch_items'), '1', '[lab_batch_items/admin/select] admins read batches'' samples');
select is(pg_temp.outcome($$insert into public.lab_batch_items (batch_id, booking_item_id) select id, '1e000000-0000-4000-8000-000000000001' from public.lab_batches returning 1$$),
  'denied', '[lab_batch_items/admin/insert] through add_to_lab_batch only');
select is(pg_temp.outcome('update public.lab_batch_items set is_active = false returning 1'), 'denied', '[lab_batch_items/admin/update] change none by hand');
select is(pg_temp.outcome('delete from public.lab_batch_items returning 1'), 'denied', '[lab_batch_items/admin/delete] remove none');
select is(pg_temp.outcome('select 1 from public.lab_analytes'), '2', '[lab_analytes/admin/select] admins read the analytes');
select is(pg_temp.outcome($$insert into public.lab_analytes (offering_id, code, name, unit) values ('1a000000-0000-4000-8000-000000000001', 'plt', 'Platelets', '10^9/L') returning 1$$),
  '1', '[lab_analytes/admin/insert] and declare one');
select is(pg_temp.outcome($$update public.lab_analytes set decimals = 0 where code = 'plt' returning 1$$), '1', '[lab_analytes/admin/update] change it');
select is(pg_temp.outcome($$delete from public.lab_analytes where code = 'plt' returning 1$$), '1', '[lab_analytes/admin/delete] remove it');
select is(pg_temp.outcome('select 1 from public.lab_reference_ranges'), '2', '[lab_reference_ranges/admin/select] admins read the ranges');
select is(pg_temp.outcome($$insert into public.lab_reference_ranges (analyte_id, species, low, high) values ('1b000000-0000-4000-8000-000000000001', 'cat', 5.5, 19.5) returning 1$$),
  '1', '[lab_reference_ranges/admin/insert] add one for cats');
select is(pg_temp.outcome($$update public.lab_reference_ranges set high = 19 where species = 'cat' returning 1$$), '1', '[lab_reference_ranges/admin/update] change it');
select is(pg_temp.outcome($$delete from public.lab_reference_ranges where species = 'cat' returning 1$$), '1', '[lab_reference_ranges/admin/delete] remove it');
select is(pg_temp.outcome('select 1 from public.lab_results'), '2', '[lab_results/admin/select] admins read every result');
select is(pg_temp.outcome($$insert into public.lab_results (booking_item_id, analyte_id, value, flag) values ('1e000000-0000-4000-8000-000000000001', '1b000000-0000-4000-8000-000000000001', 1, 'normal') returning 1$$),
  'denied', '[lab_results/admin/insert] results are entered through enter_lab_results');
select is(pg_temp.outcome('update public.lab_results set value = 1 returning 1'), 'denied', '[lab_results/admin/update] never edited by hand');
select is(pg_temp.outcome('delete from public.lab_results returning 1'), 'denied', '[lab_results/admin/delete] nor deleted');
select is(pg_temp.outcome('select 1 from public.lab_reports'), '1', '[lab_reports/admin/select] admins read every report');
select is(pg_temp.outcome($$insert into public.lab_reports (booking_item_id, booking_id, owner_id, version, results) values ('1e000000-0000-4000-8000-000000000001', '1d000000-0000-4000-8000-000000000001', auth.uid(), 9, '[]') returning 1$$),
  'denied', '[lab_reports/admin/insert] reports are the database''s');
select is(pg_temp.outcome('update public.lab_reports set comments = $t$x$t$ returning 1'), 'denied', '[lab_reports/admin/update] a correction is a new version, never an edit');
select is(pg_temp.outcome('delete from public.lab_reports returning 1'), 'denied', '[lab_reports/admin/delete] none is deleted');

select * from finish();
rollback;
