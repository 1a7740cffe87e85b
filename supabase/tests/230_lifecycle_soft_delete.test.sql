-- soft delete (issue 19): the declarations, a job's cascade and its restore (only what that
-- deletion took), a plain DELETE from the API per persona, what non-admins and admins read,
-- admins' list / restore / hard delete, a user's account as a root, unique keys that ignore
-- deleted rows, money rows that nobody deletes, and the retention purge in batches.
begin;
set local time zone 'UTC';
select plan(64);
select tests.start_with_empty_marketplace();
select tests.open_marketplace();  -- client, admin, provider (consulting, 'Advice')
select tests.create_supabase_user('stranger');

-- A plumbing job with two bids (each opens a chat room), a photo and a message -------------------------
select tests.create_provider('plumber', 'service_provider', stripe_ready => true, timezone => 'America/Chicago');
select tests.create_provider('helper', 'service_provider', timezone => 'America/Chicago');
insert into public.categories (id, slug, name, offering_kinds, currency, min_price, max_price, commission_rate)
values ('cb000000-0000-4000-8000-000000000001', 'plumbing', 'Plumbing', '{home_service}', 'USD', 2000, 200000, 0.15);
insert into public.addresses (id, user_id, line1, city, postal_code, country_code, latitude, longitude, is_default) values
  ('ad000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'), '233 S Wacker Dr', 'Chicago', '60606', 'US', 41.8789, -87.6359, true),
  ('ad000000-0000-4000-8000-000000000002', tests.get_supabase_uid('plumber'), '400 N State St', 'Chicago', '60654', 'US', 41.8897, -87.6280, true),
  ('ad000000-0000-4000-8000-000000000003', tests.get_supabase_uid('helper'), '100 W Randolph St', 'Chicago', '60601', 'US', 41.8847, -87.6324, true);
insert into public.service_areas (provider_id, name, address_id, radius_km) values
  (tests.get_supabase_uid('plumber'), 'Downtown', 'ad000000-0000-4000-8000-000000000002', 20),
  (tests.get_supabase_uid('helper'), 'Loop', 'ad000000-0000-4000-8000-000000000003', 20);
insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes, status, location) values
  (tests.get_supabase_uid('plumber'), 'cb000000-0000-4000-8000-000000000001', 'home_service', 'Leak repair', 12000, 'USD', 90, 'active', 'client_site'),
  (tests.get_supabase_uid('helper'), 'cb000000-0000-4000-8000-000000000001', 'home_service', 'Repairs', 10000, 'USD', 90, 'active', 'client_site');

create function pg_temp.post(name text) returns uuid language plpgsql as $$
declare
  id uuid;
begin
  insert into public.jobs (title, description, category_id, address_id, service_date, service_time, timezone)
  values ('Job ' || name, 'Water under the sink.', 'cb000000-0000-4000-8000-000000000001',
          'ad000000-0000-4000-8000-000000000001', current_date + 3, '10:00', 'America/Chicago')
  returning jobs.id into id;
  perform set_config('t.job_' || name, id::text, true);
  return id;
end
$$;
create function pg_temp.job(name text) returns uuid language sql stable as $$ select current_setting('t.job_' || name)::uuid $$;
create function pg_temp.bid_of(provider text) returns uuid language sql stable security definer as $$
  select b.id from public.bids b where b.provider_id = tests.get_supabase_uid(provider) and b.job_id = pg_temp.job('leak') $$;
create function pg_temp.deletion(of_id uuid) returns uuid language sql stable security definer as $$
  select d.id from private.deletions d where d.root_id = of_id::text order by d.restored_at is not null, d.deleted_at desc limit 1 $$;
grant execute on all functions in schema pg_temp to anon, authenticated;

select tests.authenticate_as('client');
select pg_temp.post('leak');
select pg_temp.post('draft');
insert into storage.objects (bucket_id, name, owner_id, metadata)
values ('job-files', pg_temp.job('leak') || '/sink.jpg', auth.uid()::text, '{"size": 1000, "mimetype": "image/jpeg"}');
insert into public.job_files (job_id, path, is_primary) values (pg_temp.job('leak'), pg_temp.job('leak') || '/sink.jpg', true);
select public.transition_job(pg_temp.job('leak'), 'published');
select tests.authenticate_as('plumber');
insert into public.bids (job_id, amount, description, estimated_minutes) values (pg_temp.job('leak'), 15000, 'I can fix it.', 90);
insert into public.chat_messages (room_id, body) select r.id, 'Is the valve accessible?' from public.chat_rooms r;
select tests.authenticate_as('helper');
insert into public.bids (job_id, amount, description, estimated_minutes) values (pg_temp.job('leak'), 14000, 'Me too.', 60);
select tests.clear_authentication();
select set_config('t.room', (select id::text from public.chat_rooms where bidder_id = tests.get_supabase_uid('plumber')), true);

-- The declarations -------------------------------------------------------------------------------------
select has_column('public', 'jobs', 'deleted_by_deletion', 'a soft-deletable table carries the deletion that took a row');
select has_trigger('public', 'bids', 'soft_delete', 'and the trigger that makes a DELETE soft');
select throws_ok($$select private.soft_deletable('public.invoices')$$, '22023', null, 'money tables cannot join the soft delete');
select throws_ok($$select private.never_deleted('public.jobs')$$, '22023', null, 'nor a soft-deletable table be declared a money table');
select throws_ok($$select private.soft_delete_edge('public.jobs', 'public.job_addons', 'job_id')$$, '22023', null,
  'an edge leads to a soft-deletable table only');

-- A bid deleted on its own, then its job ----------------------------------------------------------------
delete from public.bids where id = pg_temp.bid_of('helper');
select isnt((select deleted_at from public.bids where id = pg_temp.bid_of('helper')), null, 'a DELETE by the service is soft too');
select is((select row_counts from private.deletions where root_id = pg_temp.bid_of('helper')::text),
  '{"public.bids": 1}'::jsonb, 'and is a deletion of its own, of one bid');

select tests.authenticate_as('stranger');
select throws_ok(format($$select public.delete_job(%L)$$, pg_temp.job('leak')), 'PT404', null, 'a stranger deletes no job');
select tests.authenticate_as('client');
select is((public.delete_job(pg_temp.job('leak'), 'posted twice')) -> 'row_counts',
  '{"public.jobs": 1, "public.bids": 1, "public.job_files": 1, "public.chat_rooms": 2, "public.chat_messages": 1}'::jsonb,
  'the client deletes their job: its live bid, photo, both rooms and the message go with it');
select is_empty(format($$select 1 from public.jobs where id = %L$$, pg_temp.job('leak')), 'the client reads the job no more');
select is_empty($$select 1 from public.job_files$$, 'nor its photo');
select is_empty($$select 1 from public.bids$$, 'nor the bids on it');
select throws_ok(format($$select public.delete_job(%L)$$, pg_temp.job('leak')), 'PT404', null, 'a deleted job is not deleted twice');
select tests.authenticate_as('plumber');
select is_empty($$select 1 from public.bids$$, 'the plumber reads their bid no more');
select is_empty($$select 1 from public.chat_rooms$$, 'nor the room');
select is_empty($$select 1 from public.chat_messages$$, 'nor its messages');
select throws_ok($$insert into public.chat_messages (room_id, body) values (current_setting('t.room')::uuid, 'Hello?')$$,
  '42501', null, 'and cannot write in a deleted room');
select tests.authenticate_as('admin');
select is((select count(*)::integer from public.bids where deleted_at is not null), 2, 'admins read the deleted bids');
select is((select count(*)::integer from public.chat_messages where deleted_at is not null), 1, 'and the deleted messages');
select is((select count(*)::integer from public.list_deletions()), 2, 'admins list the open deletions');
select is((select root_table from public.list_deletions(of_table => 'public.jobs')), 'public.jobs', 'by root table');
select tests.authenticate_as('client');
select throws_ok($$select * from public.list_deletions()$$, '42501', null, 'others list none');

-- Restore: exactly what the job's deletion took --------------------------------------------------------------
select tests.authenticate_as('stranger');
select throws_ok(format($$select public.restore_deletion(%L)$$, pg_temp.deletion(pg_temp.job('leak'))), 'PT404', null,
  'a stranger restores nothing');
select tests.authenticate_as('client');
select throws_ok(format($$select public.restore_deletion(%L)$$, pg_temp.deletion(pg_temp.bid_of('helper'))), 'PT404', null,
  'the client cannot undo a deletion they did not make');
select is((public.restore_deletion(pg_temp.deletion(pg_temp.job('leak')))) -> 'row_counts' -> 'public.bids', '1'::jsonb,
  'the client undoes their deletion of the job');
select is((select count(*)::integer from public.jobs where id = pg_temp.job('leak')), 1, 'the job is back');
select is((select count(*)::integer from public.job_files), 1, 'with its photo');
select results_eq($$select provider_id from public.bids$$, $$values (tests.get_supabase_uid('plumber'))$$,
  'and the plumber''s bid, not the helper''s, deleted before on its own');
select tests.authenticate_as('plumber');
select is((select count(*)::integer from public.chat_messages), 1, 'the plumber reads the room''s message again');
select tests.clear_authentication();
select isnt((select restored_at from public.jobs where id = pg_temp.job('leak')), null, 'restored rows say when');
select throws_ok(format($$select private.restore_deletion(%L)$$, pg_temp.deletion(pg_temp.job('leak'))), 'PT409', null,
  'a deletion is restored once');
select tests.authenticate_as('admin');
select is((public.restore_deletion(pg_temp.deletion(pg_temp.bid_of('helper')))) -> 'row_counts', '{"public.bids": 1}'::jsonb,
  'an admin restores the helper''s bid');

-- A plain DELETE from the API, per persona ---------------------------------------------------------------------
select tests.authenticate_as('stranger');
select lives_ok(format($$delete from public.jobs where id = %L$$, pg_temp.job('draft')), 'a stranger''s DELETE of a draft runs');
select tests.clear_authentication();
select is((select deleted_at from public.jobs where id = pg_temp.job('draft')), null, 'and deletes nothing');
select tests.authenticate_as('client');
select lives_ok(format($$delete from public.jobs where id = %L$$, pg_temp.job('leak')), 'the client''s DELETE of a published job runs');
select is((select count(*)::integer from public.jobs where id = pg_temp.job('leak')), 1, 'and deletes nothing: their policy deletes drafts only');
select lives_ok(format($$delete from public.jobs where id = %L$$, pg_temp.job('draft')), 'the client deletes their draft');
select is_empty(format($$select 1 from public.jobs where id = %L$$, pg_temp.job('draft')), 'softly: it is gone from their reads');
select tests.clear_authentication();
select results_eq(format($$select deleted_by = tests.get_supabase_uid('client'), reason from private.deletions where root_id = %L$$, pg_temp.job('draft')),
  $$values (true, 'DELETE')$$, 'as a deletion of the client''s');
select tests.authenticate_as('client');
select isnt_empty(format($$select public.restore_deletion(%L)$$, pg_temp.deletion(pg_temp.job('draft'))), 'which they may undo');
select tests.authenticate_as('admin');
select lives_ok(format($$delete from public.jobs where id = %L$$, pg_temp.job('draft')), 'an admin deletes a draft');
select isnt((select deleted_at from public.jobs where id = pg_temp.job('draft')), null, 'softly, and still reads it');

-- Hard delete, by admins only ---------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select throws_ok(format($$select public.hard_delete_deletion(%L)$$, pg_temp.deletion(pg_temp.job('draft'))), '42501', null,
  'only admins delete for good');
select tests.authenticate_as('admin');
select isnt((public.hard_delete_deletion(pg_temp.deletion(pg_temp.job('draft')))) -> 'purged_at', 'null'::jsonb, 'an admin deletes a deletion for good');
select tests.clear_authentication();
select is((select count(*)::integer from public.jobs where id = pg_temp.job('draft')), 0, 'the row is gone, even for the database owner');

-- A user's account as a root ----------------------------------------------------------------------------------------------
select tests.authenticate_as('plumber');
insert into public.posts (kind, author_id, title, body, status) values ('discussion', auth.uid(), 'Tips', 'Turn the water off.', 'published');
select is((public.soft_delete_account()) -> 'row_counts', '{"public.bids": 1, "public.posts": 1}'::jsonb,
  'a user soft-deletes their own account''s content: their bid and their post');
select throws_ok(format($$select public.soft_delete_account(%L)$$, tests.get_supabase_uid('client')), 'PT404', null,
  'and nobody else''s');
select tests.authenticate_as('stranger');
select is_empty($$select 1 from public.posts$$, 'others no longer read their post');
select tests.authenticate_as('admin');
select is((public.restore_deletion(pg_temp.deletion(tests.get_supabase_uid('plumber')))) -> 'row_counts' -> 'public.posts', '1'::jsonb,
  'an admin restores the account''s content');

-- Unique keys ignore deleted rows ------------------------------------------------------------------------------------------
insert into public.posts (kind, author_id, title, slug, body, status) values ('article', auth.uid(), 'Pricing', 'pricing', 'x', 'published');
select lives_ok($$delete from public.posts where slug = 'pricing'$$, 'an admin deletes an article');
select lives_ok($$insert into public.posts (kind, author_id, title, slug, body, status) values ('article', auth.uid(), 'Pricing, again', 'pricing', 'y', 'published')$$,
  'and its slug is free for a new one');
select throws_ok($$insert into public.posts (kind, author_id, title, slug, body, status) values ('article', auth.uid(), 'Twice', 'pricing', 'z', 'published')$$,
  '23505', null, 'while live slugs stay unique');

-- Money rows are never deleted ------------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select tests.book('advice', tests.slot(2, '10:00'), tests.advice());
select tests.clear_authentication();
select throws_ok($$delete from public.invoices$$, '42501', null, 'the database owner deletes no invoice');
select throws_ok($$delete from public.invoice_lines$$, '42501', null, 'nor an invoice line');
select tests.authenticate_as_service_role();
select throws_ok($$delete from public.invoices$$, '42501', null, 'nor does the service');
select tests.clear_authentication();
select is((select count(*)::integer from pg_catalog.pg_trigger t where t.tgname = 'never_deleted'
           and t.tgrelid in ('public.payments'::regclass, 'public.refunds'::regclass, 'public.provider_ledger'::regclass,
                             'public.disputes'::regclass, 'public.job_disputes'::regclass)), 5,
  'payments, refunds, the provider ledger and disputes refuse DELETE too');

-- Retention: the purge, in batches, children first -------------------------------------------------------------------------
select tests.authenticate_as('client');
select public.delete_job(pg_temp.job('leak'));
select tests.clear_authentication();
select set_config('t.deletion', pg_temp.deletion(pg_temp.job('leak'))::text, true);
update private.deletions set deleted_at = deleted_at - interval '40 days' where id = current_setting('t.deletion')::uuid;
update public.jobs set deleted_at = deleted_at - interval '40 days' where deleted_by_deletion = current_setting('t.deletion')::uuid;
update public.bids set deleted_at = deleted_at - interval '40 days' where deleted_by_deletion = current_setting('t.deletion')::uuid;
update public.job_files set deleted_at = deleted_at - interval '40 days' where deleted_by_deletion = current_setting('t.deletion')::uuid;
update public.chat_rooms set deleted_at = deleted_at - interval '40 days' where deleted_by_deletion = current_setting('t.deletion')::uuid;
update public.chat_messages set deleted_at = deleted_at - interval '40 days' where deleted_by_deletion = current_setting('t.deletion')::uuid;
select is((select row_counts from private.deletions where id = current_setting('t.deletion')::uuid),
  '{"public.jobs": 1, "public.bids": 2, "public.job_files": 1, "public.chat_rooms": 2, "public.chat_messages": 1}'::jsonb,
  'a job deleted 40 days ago, with what hangs on it');
select is(private.purge_deleted(batch_size => 1, max_batches => 1), 1::bigint, 'a purge run deletes at most its batches');
select is(private.purge_deleted(batch_size => 1), 6::bigint, 'the next run goes on, one row per statement, children before parents');
select is((select count(*)::integer from public.jobs where id = pg_temp.job('leak')), 0, 'the job is purged');
select is((select count(*)::integer from public.chat_rooms where job_id = pg_temp.job('leak')), 0, 'its rooms with it (deleted with the job)');
select is((select count(*)::integer from public.posts where deleted_at is not null), 1, 'a row deleted recently stays');
select isnt((select purged_at from private.deletions where id = current_setting('t.deletion')::uuid), null,
  'the deletion says it was purged');
select ok(
  -- cron.job exists only where pg_cron does, so it is read through query_to_xml.
  case when to_regclass('cron.job') is null then true
       else (xpath('/row/n/text()', query_to_xml(
              $$select count(*) as n from cron.job where jobname = 'purge-soft-deleted' and command = 'select private.purge_deleted()'$$,
              false, true, '')))[1]::text = '1' end,
  'where pg_cron is enabled, the purge runs hourly');

select * from finish();
rollback;
