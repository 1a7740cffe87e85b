-- jobs (issue 14): who reads and writes what, per persona: the access matrix of jobs, job_addons,
-- job_files, job_status_changes, job_matches, bids, job_assignments and job_disputes, and the
-- buckets job-files and dispute-evidence. owner = the row's owner (the client of a job, the
-- provider of a match or bid); stranger = a signed-in user with nothing to do with the job.
begin;
set local time zone 'UTC';
select plan(154);
select tests.start_with_empty_marketplace();
select set_config('storage.allow_delete_query', 'true', true);
select tests.open_marketplace();
select tests.create_supabase_user('stranger');

-- A plumbing category, a plumber whose area covers the client's home, one in Milwaukee.
select tests.create_provider('plumber', 'service_provider', stripe_ready => true, timezone => 'America/Chicago');
select tests.create_provider('faraway', 'service_provider', timezone => 'America/Chicago');
insert into public.categories (id, slug, name, offering_kinds, currency, min_price, max_price, commission_rate)
values ('cb000000-0000-4000-8000-000000000001', 'plumbing', 'Plumbing', '{home_service}', 'USD', 2000, 200000, 0.15);
insert into public.addresses (id, user_id, line1, city, postal_code, country_code, latitude, longitude, is_default) values
  ('ad000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'), '233 S Wacker Dr', 'Chicago', '60606', 'US',
   41.8789, -87.6359, true),
  ('ad000000-0000-4000-8000-000000000002', tests.get_supabase_uid('plumber'), '400 N State St', 'Chicago', '60654', 'US',
   41.8897, -87.6280, true),
  ('ad000000-0000-4000-8000-000000000003', tests.get_supabase_uid('faraway'), '700 N Water St', 'Milwaukee', '53202', 'US',
   43.0389, -87.9065, true);
insert into public.service_areas (provider_id, name, address_id, radius_km) values
  (tests.get_supabase_uid('plumber'), 'Downtown', 'ad000000-0000-4000-8000-000000000002', 20),
  (tests.get_supabase_uid('faraway'), 'Milwaukee', 'ad000000-0000-4000-8000-000000000003', 30);
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
values
  ('0f000000-0000-4000-8000-000000000002', tests.get_supabase_uid('plumber'), 'cb000000-0000-4000-8000-000000000001',
   'home_service', 'Leak repair', 12000, 'USD', 90, 'active', 'client_site'),
  ('0f000000-0000-4000-8000-000000000003', tests.get_supabase_uid('faraway'), 'cb000000-0000-4000-8000-000000000001',
   'home_service', 'Repairs', 10000, 'USD', 90, 'active', 'client_site');
insert into public.offering_addons (id, category_id, name, price, price_type, min_quantity, max_quantity)
values ('ae000000-0000-4000-8000-000000000001', 'cb000000-0000-4000-8000-000000000001', 'Valve', 2500, 'per_unit', 0, 4);

-- Jobs and bids are remembered by name (t.job_<name>, t.bid_<name>) for later statements.
create function pg_temp.post(name text, days integer) returns uuid language plpgsql as $$
declare
  id uuid;
begin
  insert into public.jobs (title, description, category_id, address_id, service_date, service_time, timezone)
  values ('Job ' || name, 'Water under the sink.', 'cb000000-0000-4000-8000-000000000001',
          'ad000000-0000-4000-8000-000000000001', current_date + days, '10:00', 'America/Chicago')
  returning jobs.id into id;
  perform set_config('t.job_' || name, id::text, true);
  return id;
end
$$;
create function pg_temp.job(name text) returns uuid language sql stable as $$ select current_setting('t.job_' || name)::uuid $$;
create function pg_temp.bid(job_name text, amount bigint default 15000) returns uuid language plpgsql as $$
declare
  id uuid;
begin
  insert into public.bids (job_id, amount, description, estimated_minutes)
  values (pg_temp.job(job_name), amount, 'I can fix it.', 90) returning bids.id into id;
  perform set_config('t.bid_' || job_name, id::text, true);
  return id;
end
$$;
create function pg_temp.bid_of(job_name text) returns uuid language sql stable as $$ select current_setting('t.bid_' || job_name)::uuid $$;
-- What a request gets: the number of rows it read or wrote, or "denied" (42501).
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
grant execute on all functions in schema pg_temp to anon, authenticated;

select tests.authenticate_as('client');
select pg_temp.post('draft', 3);
select pg_temp.post('open', 3);
select pg_temp.post('taken', 4);
insert into public.job_addons (job_id, addon_id, quantity) values (pg_temp.job('open'), 'ae000000-0000-4000-8000-000000000001', 2);
insert into storage.objects (bucket_id, name, owner_id, metadata)
values ('job-files', pg_temp.job('open') || '/sink.jpg', auth.uid()::text, '{"size": 1000, "mimetype": "image/jpeg"}');
insert into public.job_files (job_id, path, is_primary) values (pg_temp.job('open'), pg_temp.job('open') || '/sink.jpg', true);
select public.transition_job(pg_temp.job('open'), 'published');
select public.transition_job(pg_temp.job('taken'), 'published');
select tests.authenticate_as('plumber');
select pg_temp.bid('open');
select pg_temp.bid('taken', 18000);
select tests.authenticate_as('client');
select public.accept_bid(pg_temp.bid_of('taken'));
insert into public.job_disputes (job_id, kind, description) values (pg_temp.job('taken'), 'quality', 'It was never fixed properly.');
insert into storage.objects (bucket_id, name, owner_id, metadata)
select 'dispute-evidence', d.id || '/photo.jpg', auth.uid()::text, '{"size": 1000, "mimetype": "image/jpeg"}' from public.job_disputes d;
select tests.clear_authentication();

-- anon: nothing at all ----------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.jobs'), 'denied', '[jobs/anon/select] visitors read no job');
select is(pg_temp.outcome($$insert into public.jobs (title, description, category_id, service_date) values ('Anon job', 'x', 'cb000000-0000-4000-8000-000000000001', current_date + 3) returning 1$$),
  'denied', '[jobs/anon/insert] nor post one');
select is(pg_temp.outcome('update public.jobs set title = $t$x$t$ returning 1'), 'denied', '[jobs/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.jobs returning 1'), 'denied', '[jobs/anon/delete] nor delete one');
select is(pg_temp.outcome('select 1 from public.job_addons'), 'denied', '[job_addons/anon/select] visitors read no add-on');
select is(pg_temp.outcome(format($$insert into public.job_addons (job_id, addon_id) values (%L, 'ae000000-0000-4000-8000-000000000001') returning 1$$, pg_temp.job('draft'))),
  'denied', '[job_addons/anon/insert] nor add one');
select is(pg_temp.outcome('update public.job_addons set quantity = 3 returning 1'), 'denied', '[job_addons/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.job_addons returning 1'), 'denied', '[job_addons/anon/delete] nor remove one');
select is(pg_temp.outcome('select 1 from public.job_files'), 'denied', '[job_files/anon/select] visitors read no job file');
select is(pg_temp.outcome(format($$insert into public.job_files (job_id, path) values (%L, %L) returning 1$$, pg_temp.job('draft'), pg_temp.job('draft') || '/x.jpg')),
  'denied', '[job_files/anon/insert] nor add one');
select is(pg_temp.outcome('update public.job_files set caption = $t$x$t$ returning 1'), 'denied', '[job_files/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.job_files returning 1'), 'denied', '[job_files/anon/delete] nor remove one');
select is(pg_temp.outcome('select 1 from public.job_status_changes'), 'denied', '[job_status_changes/anon/select] visitors read no job history');
select is(pg_temp.outcome(format($$insert into public.job_status_changes (job_id, to_status, actor) values (%L, 'completed', 'client') returning 1$$, pg_temp.job('open'))),
  'denied', '[job_status_changes/anon/insert] nor write it');
select is(pg_temp.outcome('update public.job_status_changes set reason = $t$x$t$ returning 1'), 'denied', '[job_status_changes/anon/update] nor change it');
select is(pg_temp.outcome('delete from public.job_status_changes returning 1'), 'denied', '[job_status_changes/anon/delete] nor delete it');
select is(pg_temp.outcome('select 1 from public.job_matches'), 'denied', '[job_matches/anon/select] visitors read no feed');
select is(pg_temp.outcome(format($$insert into public.job_matches (provider_id, job_id, published_at) values (%L, %L, now()) returning 1$$, tests.get_supabase_uid('faraway'), pg_temp.job('open'))),
  'denied', '[job_matches/anon/insert] nor write one');
select is(pg_temp.outcome('update public.job_matches set distance_km = 0 returning 1'), 'denied', '[job_matches/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.job_matches returning 1'), 'denied', '[job_matches/anon/delete] nor delete one');
select is(pg_temp.outcome('select 1 from public.bids'), 'denied', '[bids/anon/select] visitors read no bid');
select is(pg_temp.outcome(format($$insert into public.bids (job_id, amount, description, estimated_minutes) values (%L, 5000, 'x', 60) returning 1$$, pg_temp.job('open'))),
  'denied', '[bids/anon/insert] nor bid');
select is(pg_temp.outcome('update public.bids set amount = 1 returning 1'), 'denied', '[bids/anon/update] nor change a bid');
select is(pg_temp.outcome('delete from public.bids returning 1'), 'denied', '[bids/anon/delete] nor delete one');
select is(pg_temp.outcome('select 1 from public.job_assignments'), 'denied', '[job_assignments/anon/select] visitors read no assignment');
select is(pg_temp.outcome(format($$insert into public.job_assignments (job_id, bid_id, provider_id, client_id, booking_id, starts_at) select job_id, bid_id, provider_id, client_id, booking_id, starts_at from public.job_assignments returning 1$$)),
  'denied', '[job_assignments/anon/insert] nor write one');
select is(pg_temp.outcome('update public.job_assignments set progress_notes = $t$x$t$ returning 1'), 'denied', '[job_assignments/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.job_assignments returning 1'), 'denied', '[job_assignments/anon/delete] nor delete one');
select is(pg_temp.outcome('select 1 from public.job_disputes'), 'denied', '[job_disputes/anon/select] visitors read no dispute');
select is(pg_temp.outcome(format($$insert into public.job_disputes (job_id, kind, description) values (%L, 'other', 'Anonymous complaint') returning 1$$, pg_temp.job('taken'))),
  'denied', '[job_disputes/anon/insert] nor open one');
select is(pg_temp.outcome('update public.job_disputes set status = $t$resolved$t$ returning 1'), 'denied', '[job_disputes/anon/update] nor decide one');
select is(pg_temp.outcome('delete from public.job_disputes returning 1'), 'denied', '[job_disputes/anon/delete] nor delete one');
select is(pg_temp.outcome($$select 1 from storage.objects where bucket_id in ('job-files', 'dispute-evidence')$$), '0',
  'visitors read no job file or evidence in Storage');

-- stranger: a signed-in client with nothing to do with these jobs ----------------------------------------
select tests.authenticate_as('stranger');
select is(pg_temp.outcome('select 1 from public.jobs'), '0', '[jobs/stranger/select] a stranger reads no job of others');
select is(pg_temp.outcome('update public.jobs set title = $t$Mine now$t$ returning 1'), '0', '[jobs/stranger/update] nor changes one');
select is(pg_temp.outcome('delete from public.jobs returning 1'), '0', '[jobs/stranger/delete] nor deletes a draft of others');
select is(pg_temp.outcome(format($$insert into public.jobs (client_id, title, description, category_id, service_date) values (%L, 'Forged', 'Posted in another name', 'cb000000-0000-4000-8000-000000000001', current_date + 3) returning 1$$, tests.get_supabase_uid('client'))),
  'denied', '[jobs/stranger/insert] nor posts in someone else''s name');
select is(pg_temp.outcome('select 1 from public.job_addons'), '0', '[job_addons/stranger/select] reads no add-on of others');
select is(pg_temp.outcome(format($$insert into public.job_addons (job_id, addon_id) values (%L, 'ae000000-0000-4000-8000-000000000001') returning 1$$, pg_temp.job('draft'))),
  'denied', '[job_addons/stranger/insert] adds none to another''s job');
select is(pg_temp.outcome('update public.job_addons set quantity = 4 returning 1'), '0', '[job_addons/stranger/update] changes none');
select is(pg_temp.outcome('delete from public.job_addons returning 1'), '0', '[job_addons/stranger/delete] removes none');
select is(pg_temp.outcome('select 1 from public.job_files'), '0', '[job_files/stranger/select] reads no file of others');
select is(pg_temp.outcome(format($$insert into public.job_files (job_id, path) values (%L, %L) returning 1$$, pg_temp.job('open'), pg_temp.job('open') || '/sink.jpg')),
  'denied', '[job_files/stranger/insert] adds none to another''s job');
select is(pg_temp.outcome('update public.job_files set caption = $t$x$t$ returning 1'), '0', '[job_files/stranger/update] changes none');
select is(pg_temp.outcome('delete from public.job_files returning 1'), '0', '[job_files/stranger/delete] removes none');
select is(pg_temp.outcome('select 1 from public.job_status_changes'), '0', '[job_status_changes/stranger/select] reads no history of others');
select is(pg_temp.outcome(format($$insert into public.job_status_changes (job_id, to_status, actor) values (%L, 'completed', 'client') returning 1$$, pg_temp.job('open'))),
  'denied', '[job_status_changes/stranger/insert] writes none');
select is(pg_temp.outcome('update public.job_status_changes set reason = $t$x$t$ returning 1'), 'denied', '[job_status_changes/stranger/update] changes none');
select is(pg_temp.outcome('delete from public.job_status_changes returning 1'), 'denied', '[job_status_changes/stranger/delete] deletes none');
select is(pg_temp.outcome('select 1 from public.job_matches'), '0', '[job_matches/stranger/select] has no feed of others');
select is(pg_temp.outcome(format($$insert into public.job_matches (provider_id, job_id, published_at) values (%L, %L, now()) returning 1$$, tests.get_supabase_uid('faraway'), pg_temp.job('open'))),
  'denied', '[job_matches/stranger/insert] puts no job in a feed');
select is(pg_temp.outcome('update public.job_matches set distance_km = 0 returning 1'), 'denied', '[job_matches/stranger/update] changes no match');
select is(pg_temp.outcome('delete from public.job_matches returning 1'), 'denied', '[job_matches/stranger/delete] removes no match');
select is(pg_temp.outcome('select 1 from public.bids'), '0', '[bids/stranger/select] reads no bid');
select is(pg_temp.outcome('update public.bids set amount = 2500 returning 1'), '0', '[bids/stranger/update] changes no bid');
select is(pg_temp.outcome('delete from public.bids returning 1'), 'denied', '[bids/stranger/delete] bids are never deleted through the API');
select is(pg_temp.outcome('select 1 from public.job_assignments'), '0', '[job_assignments/stranger/select] reads no assignment');
select is(pg_temp.outcome(format($$insert into public.job_assignments (job_id, bid_id, provider_id, client_id, booking_id, starts_at) values (%L, %L, %L, %L, gen_random_uuid(), now()) returning 1$$, pg_temp.job('open'), pg_temp.bid_of('open'), tests.get_supabase_uid('plumber'), tests.get_supabase_uid('client'))),
  'denied', '[job_assignments/stranger/insert] assigns nothing');
select is(pg_temp.outcome('update public.job_assignments set progress_notes = $t$x$t$ returning 1'), '0', '[job_assignments/stranger/update] writes no notes');
select is(pg_temp.outcome('delete from public.job_assignments returning 1'), 'denied', '[job_assignments/stranger/delete] deletes none');
select is(pg_temp.outcome('select 1 from public.job_disputes'), '0', '[job_disputes/stranger/select] reads no dispute');
select throws_ok(format($$insert into public.job_disputes (job_id, kind, description) values (%L, 'other', 'Not my job at all')$$, pg_temp.job('taken')),
  'PT404', null, '[job_disputes/stranger/insert] opens none about another''s job');
select is(pg_temp.outcome('update public.job_disputes set status = $t$rejected$t$ returning 1'), 'denied', '[job_disputes/stranger/update] decides none');
select is(pg_temp.outcome('delete from public.job_disputes returning 1'), 'denied', '[job_disputes/stranger/delete] deletes none');
select is(pg_temp.outcome($$select 1 from storage.objects where bucket_id in ('job-files', 'dispute-evidence')$$), '0',
  'a stranger reads no job file or evidence in Storage');
select is(pg_temp.outcome(format($$insert into storage.objects (bucket_id, name, owner_id, metadata) values ('job-files', %L, auth.uid()::text, '{"size": 10, "mimetype": "image/jpeg"}') returning 1$$, pg_temp.job('open') || '/mine.jpg')),
  'denied', 'nor uploads into another''s job folder');

-- the provider who is no party: Milwaukee is outside the area ---------------------------------------------
select tests.authenticate_as('faraway');
select is(pg_temp.outcome('select 1 from public.jobs'), '0', 'a provider whose area does not cover the address sees no job');
select throws_ok(format($$insert into public.bids (job_id, amount, description, estimated_minutes) values (%L, 9000, 'I can come', 60)$$, pg_temp.job('open')),
  'PT404', null, '[bids/stranger/insert] and cannot bid on it');

-- owner: the client -------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select is(pg_temp.outcome('select 1 from public.jobs'), '3', '[jobs/owner/select] the client reads their jobs, any status');
select is(pg_temp.outcome($$insert into public.jobs (title, description, category_id, address_id, service_date) values ('Another job', 'More water', 'cb000000-0000-4000-8000-000000000001', 'ad000000-0000-4000-8000-000000000001', current_date + 5) returning 1$$),
  '1', '[jobs/owner/insert] the client posts a draft');
select is(pg_temp.outcome(format($$update public.jobs set title = 'Job draft, clearer' where id = %L returning 1$$, pg_temp.job('draft'))),
  '1', '[jobs/owner/update] the client edits their draft');
select throws_ok(format($$update public.jobs set title = 'Changed after bids' where id = %L$$, pg_temp.job('open')),
  'PT409', null, 'but not a published job');
select is(pg_temp.outcome(format($$update public.jobs set status = 'completed' where id = %L returning 1$$, pg_temp.job('draft'))),
  'denied', 'nor its status, which only the transition function moves');
select is(pg_temp.outcome(format($$delete from public.jobs where id = %L returning 1$$, pg_temp.job('open'))),
  '0', 'a published job is not deleted');
select is(pg_temp.outcome($$delete from public.jobs where title = 'Another job' returning 1$$), '0', '[jobs/owner/delete] a draft is, softly (no row comes back)');
select is(pg_temp.outcome($$select 1 from public.jobs where title = 'Another job'$$), '0', 'and the client reads it no more');
select is(pg_temp.outcome('select 1 from public.job_addons'), '1', '[job_addons/owner/select] the client reads their jobs'' add-ons');
select is(pg_temp.outcome(format($$insert into public.job_addons (job_id, addon_id, quantity) values (%L, 'ae000000-0000-4000-8000-000000000001', 1) returning 1$$, pg_temp.job('draft'))),
  '1', 'the client picks an add-on for a draft');
select is(pg_temp.outcome(format($$update public.job_addons set quantity = 2 where job_id = %L returning 1$$, pg_temp.job('draft'))),
  '1', 'changes its quantity');
select throws_ok(format($$update public.job_addons set quantity = 3 where job_id = %L$$, pg_temp.job('open')),
  'PT409', null, 'but not once the job is published');
select is(pg_temp.outcome(format($$delete from public.job_addons where job_id = %L returning 1$$, pg_temp.job('draft'))), '1', 'and removes it from the draft');
select is(pg_temp.outcome('select 1 from public.job_files'), '1', 'the client reads their jobs'' files');
select is(pg_temp.outcome('select 1 from public.job_status_changes'), '3', '[job_status_changes/owner/select] and their jobs'' history');
select is(pg_temp.outcome('update public.job_status_changes set reason = $t$x$t$ returning 1'), 'denied', '[job_status_changes/owner/update] which nobody rewrites');
select is(pg_temp.outcome('delete from public.job_status_changes returning 1'), 'denied', '[job_status_changes/owner/delete] nor deletes');
select is(pg_temp.outcome(format($$insert into public.job_status_changes (job_id, to_status, actor) values (%L, 'completed', 'client') returning 1$$, pg_temp.job('open'))),
  'denied', '[job_status_changes/owner/insert] nor writes by hand');
select is(pg_temp.outcome('select 1 from public.bids'), '2', 'the client reads the bids on their jobs');
select is(pg_temp.outcome('update public.bids set amount = 2500 returning 1'), '0', 'but does not change them');
select is(pg_temp.outcome('select 1 from public.job_assignments'), '1', 'the client reads their job''s assignment');
select is(pg_temp.outcome('update public.job_assignments set progress_notes = $t$x$t$ returning 1'), '0', 'but writes no progress notes');
select is(pg_temp.outcome('select 1 from public.job_disputes'), '1', '[job_disputes/owner/select] the client reads the dispute they opened');
select throws_ok(format($$insert into public.job_disputes (job_id, kind, description) values (%L, 'other', 'A second complaint now')$$, pg_temp.job('taken')),
  'PT409', null, '[job_disputes/owner/insert] one dispute in progress per job');
select is(pg_temp.outcome('update public.job_disputes set status = $t$resolved$t$ returning 1'), 'denied', '[job_disputes/owner/update] the parties do not decide it');
select is(pg_temp.outcome('delete from public.job_disputes returning 1'), 'denied', '[job_disputes/owner/delete] nor delete it');
select is(pg_temp.outcome($$select 1 from storage.objects where bucket_id in ('job-files', 'dispute-evidence')$$), '2',
  'the client reads their job''s photo and their evidence');

-- owner: the provider --------------------------------------------------------------------------------------
select tests.authenticate_as('plumber');
select is(pg_temp.outcome('select 1 from public.job_matches'), '1', '[job_matches/owner/select] the plumber reads their feed: the published job');
select is(pg_temp.outcome(format($$insert into public.job_matches (provider_id, job_id, published_at) values (auth.uid(), %L, now()) returning 1$$, pg_temp.job('draft'))),
  'denied', '[job_matches/owner/insert] but puts no job in it');
select is(pg_temp.outcome('update public.job_matches set distance_km = 0 returning 1'), 'denied', '[job_matches/owner/update] nor changes a match');
select is(pg_temp.outcome('delete from public.job_matches returning 1'), 'denied', '[job_matches/owner/delete] nor removes one');
select is(pg_temp.outcome('select 1 from public.jobs'), '2', 'the plumber reads the job they were matched with and the one assigned to them, not the draft');
select is(pg_temp.outcome(format($$select 1 from public.job_addons where job_id = %L$$, pg_temp.job('open'))), '1', '[job_addons/owner/select] the published job''s add-ons');
select is(pg_temp.outcome(format($$select 1 from public.job_files where job_id = %L$$, pg_temp.job('open'))), '1', '[job_files/owner/select] and its photo');
select is(pg_temp.outcome(format($$insert into public.job_addons (job_id, addon_id) values (%L, 'ae000000-0000-4000-8000-000000000001') returning 1$$, pg_temp.job('draft'))),
  'denied', '[job_addons/owner/insert] a provider adds no add-on to a client''s job');
select is(pg_temp.outcome('update public.job_addons set quantity = 4 returning 1'), '0', '[job_addons/owner/update] nor changes one');
select is(pg_temp.outcome('delete from public.job_addons returning 1'), '0', '[job_addons/owner/delete] nor removes one');
select is(pg_temp.outcome(format($$insert into public.job_files (job_id, path) values (%L, %L) returning 1$$, pg_temp.job('open'), pg_temp.job('open') || '/sink.jpg')),
  'denied', '[job_files/owner/insert] nor adds a file');
select is(pg_temp.outcome('update public.job_files set caption = $t$x$t$ returning 1'), '0', '[job_files/owner/update] nor captions one');
select is(pg_temp.outcome('delete from public.job_files returning 1'), '0', '[job_files/owner/delete] nor removes one');
select is(pg_temp.outcome('select 1 from public.bids'), '2', '[bids/owner/select] the plumber reads their bids');
select is(pg_temp.outcome(format($$update public.bids set amount = 14000 where id = %L returning 1$$, pg_temp.bid_of('open'))),
  '1', '[bids/owner/update] and revises the pending one');
select is(pg_temp.outcome(format($$update public.bids set amount = 1 where id = %L returning 1$$, pg_temp.bid_of('taken'))),
  '0', 'not the accepted one');
select is(pg_temp.outcome(format($$update public.bids set status = 'accepted' where id = %L returning 1$$, pg_temp.bid_of('open'))),
  'denied', 'nor anyone''s status');
select throws_ok(format($$insert into public.bids (job_id, amount, description, estimated_minutes) values (%L, 9000, 'Second bid', 60)$$, pg_temp.job('open')),
  'PT409', null, '[bids/owner/insert] a second live bid on one job is refused');
select is(pg_temp.outcome('delete from public.bids returning 1'), 'denied', '[bids/owner/delete] and none is deleted');
select is(pg_temp.outcome('select 1 from public.job_assignments'), '1', '[job_assignments/owner/select] the plumber reads their assignment');
select is(pg_temp.outcome('update public.job_assignments set progress_notes = $t$Parts ordered$t$ returning 1'), '1',
  '[job_assignments/owner/update] and writes progress notes');
select is(pg_temp.outcome(format($$insert into public.job_assignments (job_id, bid_id, provider_id, client_id, booking_id, starts_at) values (%L, %L, auth.uid(), %L, gen_random_uuid(), now()) returning 1$$, pg_temp.job('open'), pg_temp.bid_of('open'), tests.get_supabase_uid('client'))),
  'denied', '[job_assignments/owner/insert] but assigns nothing by hand');
select is(pg_temp.outcome('delete from public.job_assignments returning 1'), 'denied', '[job_assignments/owner/delete] nor deletes it');
select is(pg_temp.outcome('select 1 from public.job_disputes'), '1', 'the plumber reads the dispute about their job');
select is(pg_temp.outcome($$select 1 from storage.objects where bucket_id = 'dispute-evidence'$$), '1', 'and its evidence');

-- admin ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from public.jobs'), '4', '[jobs/admin/select] admins read every job, the deleted draft too');
select is(pg_temp.outcome(format($$insert into public.jobs (client_id, title, description, category_id, address_id, service_date) values (%L, 'Posted for a client', 'By phone', 'cb000000-0000-4000-8000-000000000001', 'ad000000-0000-4000-8000-000000000001', current_date + 6) returning 1$$, tests.get_supabase_uid('client'))),
  '1', '[jobs/admin/insert] admins post a job for a client');
select is(pg_temp.outcome(format($$update public.jobs set is_featured = true where id = %L returning 1$$, pg_temp.job('open'))), '1',
  '[jobs/admin/update] admins feature a published job');
select is(pg_temp.outcome($$delete from public.jobs where title = 'Posted for a client' returning 1$$), '0', '[jobs/admin/delete] and delete drafts, softly');
select isnt((select deleted_at from public.jobs where title = 'Posted for a client'), null, 'which they still read, deleted');
select is(pg_temp.outcome('select 1 from public.job_addons'), '1', '[job_addons/admin/select] admins read every add-on');
select is(pg_temp.outcome(format($$insert into public.job_addons (job_id, addon_id) values (%L, 'ae000000-0000-4000-8000-000000000001') returning 1$$, pg_temp.job('draft'))),
  'denied', '[job_addons/admin/insert] the client chooses add-ons, not admins');
select is(pg_temp.outcome('update public.job_addons set quantity = 4 returning 1'), '0', '[job_addons/admin/update] admins change none');
select is(pg_temp.outcome('delete from public.job_addons returning 1'), '0', '[job_addons/admin/delete] nor remove any');
select is(pg_temp.outcome('select 1 from public.job_files'), '1', '[job_files/admin/select] admins read every file');
select is(pg_temp.outcome(format($$insert into public.job_files (job_id, path) values (%L, %L) returning 1$$, pg_temp.job('open'), pg_temp.job('open') || '/sink.jpg')),
  'denied', '[job_files/admin/insert] but add none');
select is(pg_temp.outcome('update public.job_files set caption = $t$x$t$ returning 1'), '0', '[job_files/admin/update] change none');
select is(pg_temp.outcome('delete from public.job_files returning 1'), '0', '[job_files/admin/delete] remove none');
select is(pg_temp.outcome('select 1 from public.job_status_changes'), '3', '[job_status_changes/admin/select] admins read every job''s history');
select is(pg_temp.outcome(format($$insert into public.job_status_changes (job_id, to_status, actor) values (%L, 'completed', 'admin') returning 1$$, pg_temp.job('open'))),
  'denied', '[job_status_changes/admin/insert] the history is written by the database only');
select is(pg_temp.outcome('update public.job_status_changes set reason = $t$x$t$ returning 1'), 'denied', '[job_status_changes/admin/update] and never rewritten');
select is(pg_temp.outcome('delete from public.job_status_changes returning 1'), 'denied', '[job_status_changes/admin/delete] nor deleted');
select is(pg_temp.outcome('select 1 from public.job_matches'), '1', '[job_matches/admin/select] admins read every match');
select is(pg_temp.outcome(format($$insert into public.job_matches (provider_id, job_id, published_at) values (%L, %L, now()) returning 1$$, tests.get_supabase_uid('faraway'), pg_temp.job('open'))),
  'denied', '[job_matches/admin/insert] matches are the database''s');
select is(pg_temp.outcome('update public.job_matches set distance_km = 0 returning 1'), 'denied', '[job_matches/admin/update] admins change none');
select is(pg_temp.outcome('delete from public.job_matches returning 1'), 'denied', '[job_matches/admin/delete] nor remove one');
select is(pg_temp.outcome('select 1 from public.bids'), '2', '[bids/admin/select] admins read every bid');
select throws_ok(format($$insert into public.bids (job_id, amount, description, estimated_minutes) values (%L, 9000, 'x', 60)$$, pg_temp.job('open')),
  'PT404', null, '[bids/admin/insert] admins bid for nobody');
select is(pg_temp.outcome('update public.bids set amount = 2500 returning 1'), '0', '[bids/admin/update] nor revise bids');
select is(pg_temp.outcome('delete from public.bids returning 1'), 'denied', '[bids/admin/delete] nor delete them');
select is(pg_temp.outcome('select 1 from public.job_assignments'), '1', '[job_assignments/admin/select] admins read every assignment');
select is(pg_temp.outcome(format($$insert into public.job_assignments (job_id, bid_id, provider_id, client_id, booking_id, starts_at) values (%L, %L, %L, %L, gen_random_uuid(), now()) returning 1$$, pg_temp.job('open'), pg_temp.bid_of('open'), tests.get_supabase_uid('plumber'), tests.get_supabase_uid('client'))),
  'denied', '[job_assignments/admin/insert] assignments come from accept_bid only');
select is(pg_temp.outcome('update public.job_assignments set progress_notes = $t$x$t$ returning 1'), '0', '[job_assignments/admin/update] the notes are the provider''s');
select is(pg_temp.outcome('delete from public.job_assignments returning 1'), 'denied', '[job_assignments/admin/delete] never deleted');
select is(pg_temp.outcome('select 1 from public.job_disputes'), '1', '[job_disputes/admin/select] admins read every dispute');
select throws_ok(format($$insert into public.job_disputes (job_id, kind, description) values (%L, 'other', 'An admin complaint')$$, pg_temp.job('taken')),
  'PT404', null, '[job_disputes/admin/insert] admins open none (the parties do)');
select is(pg_temp.outcome('update public.job_disputes set status = $t$rejected$t$ returning 1'), 'denied', '[job_disputes/admin/update] admins decide through review_job_dispute only');
select is(pg_temp.outcome('delete from public.job_disputes returning 1'), 'denied', '[job_disputes/admin/delete] and delete none');
select is(pg_temp.outcome($$select 1 from storage.objects where bucket_id in ('job-files', 'dispute-evidence')$$), '2',
  'admins read job files and evidence');

select * from finish();
rollback;
