-- jobs (issue 14): the rules and their refusals: publishing, matching by category and area (and
-- again when a provider's area changes), bids within the category's bounds, one live bid,
-- revisions, withdrawal, acceptance (someone else's job, a decided job, a revised bid), the job
-- following its booking, cancellation, expiry, the chat rooms of bids, disputes and their
-- outcomes.
begin;
set local time zone 'UTC';
select plan(42);
select tests.start_with_empty_marketplace();
select tests.open_marketplace();
select tests.create_supabase_user('other_client');

select tests.create_provider('plumber', 'service_provider', stripe_ready => true, timezone => 'America/Chicago');
select tests.create_provider('rival', 'service_provider', stripe_ready => true, timezone => 'America/Chicago');
select tests.create_provider('faraway', 'service_provider', timezone => 'America/Chicago');
insert into public.categories (id, slug, name, offering_kinds, currency, min_price, max_price, commission_rate)
values ('cb000000-0000-4000-8000-000000000001', 'plumbing', 'Plumbing', '{home_service}', 'USD', 2000, 200000, 0.15),
       ('cb000000-0000-4000-8000-000000000002', 'coaching', 'Coaching', '{session}', 'USD', null, null, 0.2);
insert into public.addresses (id, user_id, line1, city, postal_code, country_code, latitude, longitude, is_default) values
  ('ad000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'), '233 S Wacker Dr', 'Chicago', '60606', 'US',
   41.8789, -87.6359, true),
  ('ad000000-0000-4000-8000-000000000002', tests.get_supabase_uid('plumber'), '400 N State St', 'Chicago', '60654', 'US',
   41.8897, -87.6280, true),
  ('ad000000-0000-4000-8000-000000000004', tests.get_supabase_uid('rival'), '1600 W Chicago Ave', 'Chicago', '60622', 'US',
   41.8961, -87.6675, true),
  ('ad000000-0000-4000-8000-000000000003', tests.get_supabase_uid('faraway'), '700 N Water St', 'Milwaukee', '53202', 'US',
   43.0389, -87.9065, true);
insert into public.service_areas (provider_id, name, address_id, radius_km) values
  (tests.get_supabase_uid('plumber'), 'Downtown', 'ad000000-0000-4000-8000-000000000002', 20),
  (tests.get_supabase_uid('rival'), 'West side', 'ad000000-0000-4000-8000-000000000004', 15),
  (tests.get_supabase_uid('faraway'), 'Milwaukee', 'ad000000-0000-4000-8000-000000000003', 30);
insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
select tests.get_supabase_uid(p), 'cb000000-0000-4000-8000-000000000001', 'home_service', 'Plumbing by ' || p, 12000, 'USD', 90,
       'active', 'client_site'
from unnest(array['plumber', 'rival', 'faraway']) p;

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
create function pg_temp.bid(job_name text, amount bigint) returns uuid language plpgsql as $$
declare
  id uuid;
begin
  insert into public.bids (job_id, amount, description, estimated_minutes)
  values (pg_temp.job(job_name), amount, 'I can fix it.', 90) returning bids.id into id;
  perform set_config('t.bid_' || job_name || '_' || (select p.display_name from public.profiles p where p.id = auth.uid()), id::text, true);
  return id;
end
$$;
create function pg_temp.bid_of(job_name text, provider text) returns uuid language sql stable as $$
  select b.id from public.bids b where b.job_id = pg_temp.job(job_name) and b.provider_id = tests.get_supabase_uid(provider)
  order by b.created_at desc limit 1
$$;
grant execute on all functions in schema pg_temp to anon, authenticated, service_role;

-- Publishing and matching ---------------------------------------------------------------------------------
select tests.authenticate_as('client');
select pg_temp.post('leak', 3);
select throws_ok($$update public.jobs set category_id = (select id from public.categories where slug = 'coaching') where title = 'Job leak'$$,
  '22023', null, 'a job goes in a category that takes home services only');
select throws_ok(format($$select public.transition_job(%L, 'assigned')$$, pg_temp.job('leak')), 'PT409',
  'status: a job is assigned by accepting a bid (accept_bid)', 'assigned comes only from accepting a bid');
select lives_ok(format($$select public.transition_job(%L, 'published')$$, pg_temp.job('leak')), 'the client publishes the job');
select tests.clear_authentication();
select results_eq(
  format($$select provider_id from public.job_matches where job_id = %L order by provider_id$$, pg_temp.job('leak')),
  format($$select unnest(%L::uuid[])$$, tests.uids('plumber', 'rival')),
  'the plumbers whose areas cover the address are matched, not the one in Milwaukee');
select is((select count(*)::int from private.notification_outbox where event_type = 'job.posted_nearby'), 1,
  'the matched providers are told in one notification');
select results_eq(format($$select city, postal_code, country_code::text from public.jobs where id = %L$$, pg_temp.job('leak')),
  $$values ('Chicago', '60606', 'US')$$, 'the job shows the city and postcode, copied from the address');

-- Milo opens a Chicago area: he is matched with the published job at once.
insert into public.service_areas (provider_id, name, country_code, postal_codes)
values (tests.get_supabase_uid('faraway'), 'Chicago Loop', 'US', '{60606}');
select is((select count(*)::int from public.job_matches where provider_id = tests.get_supabase_uid('faraway')), 1,
  'a provider''s new service area brings the published jobs it covers into their feed');
update public.service_areas set is_active = false where name = 'Chicago Loop';
select is((select count(*)::int from public.job_matches where provider_id = tests.get_supabase_uid('faraway')), 0,
  'and closing it takes them out');

-- Bids ------------------------------------------------------------------------------------------------------
select tests.authenticate_as('plumber');
select throws_ok(format($$insert into public.bids (job_id, amount, description, estimated_minutes) values (%L, 1500, 'Cheap', 60)$$, pg_temp.job('leak')),
  '22023', null, 'a bid below the category''s minimum is refused');
select throws_ok(format($$insert into public.bids (job_id, amount, description, estimated_minutes) values (%L, 250000, 'Dear', 60)$$, pg_temp.job('leak')),
  '22023', null, 'a bid above its maximum too');
select throws_ok(format($$insert into public.bids (job_id, provider_id, amount, description, estimated_minutes) values (%L, %L, 9000, 'Forged', 60)$$,
                        pg_temp.job('leak'), tests.get_supabase_uid('rival')),
  '42501', null, 'nobody bids in another provider''s name');
select lives_ok($$select pg_temp.bid('leak', 16000)$$, 'the plumber bids');
select is((select count(*)::int from public.chat_participants p join public.chat_rooms r on r.id = p.room_id
           where r.job_id = pg_temp.job('leak') and r.bidder_id = auth.uid()), 2,
  'the bid opens a room for the client and the plumber');
select lives_ok(format($$select public.withdraw_bid(%L, 'Booked that day')$$, pg_temp.bid_of('leak', 'plumber')), 'the plumber withdraws it');
select throws_ok(format($$select public.withdraw_bid(%L)$$, pg_temp.bid_of('leak', 'plumber')), 'PT409', null, 'a withdrawn bid cannot be withdrawn again');
select lives_ok($$select pg_temp.bid('leak', 17000)$$, 'and bids again, which is a new live bid');
select is((select count(*)::int from public.chat_rooms where job_id = pg_temp.job('leak') and bidder_id = auth.uid()), 1,
  'in the same room');
select tests.clear_authentication();
select set_config('t.plumber_room', (select r.id::text from public.chat_rooms r
                                     where r.job_id = pg_temp.job('leak') and r.bidder_id = tests.get_supabase_uid('plumber')), true);
select tests.authenticate_as('rival');
select lives_ok($$select pg_temp.bid('leak', 15000)$$, 'the rival bids');
select throws_ok(format($$select public.withdraw_bid(%L)$$, pg_temp.bid_of('leak', 'plumber')), 'PT404', null,
  'nobody withdraws another''s bid');
select throws_ok($$insert into public.chat_messages (room_id, body) values (current_setting('t.plumber_room')::uuid, 'Undercut!')$$,
  '42501', null, 'a bidder writes nothing in another bidder''s room');
select is((select count(*)::int from public.chat_messages where room_id = current_setting('t.plumber_room')::uuid), 0,
  'nor reads it');
select is((select bid_count from public.jobs where id = pg_temp.job('leak')), 2, 'the job counts two live bids');

-- Acceptance -------------------------------------------------------------------------------------------------
select tests.authenticate_as('other_client');
select throws_ok(format($$select public.accept_bid(%L)$$, pg_temp.bid_of('leak', 'rival')), 'PT404', null,
  'nobody accepts a bid on someone else''s job');
select tests.authenticate_as('rival');
update public.bids set amount = 14500 where id = pg_temp.bid_of('leak', 'rival');
select tests.authenticate_as('client');
select throws_ok(format($$select public.accept_bid(%L, 1)$$, pg_temp.bid_of('leak', 'rival')), 'PT409', null,
  'a bid revised since the client read it is not accepted');
select lives_ok(format($$select public.accept_bid(%L, 2)$$, pg_temp.bid_of('leak', 'rival')), 'the client accepts the revised bid');
select results_eq(format($$select status::text, provider_id, final_price, bid_count from public.jobs where id = %L$$, pg_temp.job('leak')),
  format($$values ('assigned', %L::uuid, 14500::bigint, 0)$$, tests.get_supabase_uid('rival')),
  'the job is assigned to the rival at the bid''s price (no add-ons, no travel fee, no tax)');
select results_eq(format($$select status::text from public.bids where job_id = %L order by amount$$, pg_temp.job('leak')),
  $$values ('accepted'), ('withdrawn'), ('rejected')$$, 'the other live bid is declined; the withdrawn one stays withdrawn');
select throws_ok(format($$select public.accept_bid(%L)$$, pg_temp.bid_of('leak', 'plumber')), 'PT409', null,
  'a second acceptance on the job is refused');
select results_eq(format($$select b.status::text, b.total_amount, i.total, i.commission from public.bookings b join public.invoices i on i.booking_id = b.id where b.job_id = %L$$, pg_temp.job('leak')),
  $$values ('held', 14500::bigint, 14500::bigint, 2175::bigint)$$, 'a held booking and its invoice, 15 % commission, priced in SQL');
select throws_ok(format($$select public.transition_job(%L, 'in_progress')$$, pg_temp.job('leak')), '42501', null,
  'the client does not start the work');
select tests.authenticate_as('rival');
select throws_ok(format($$select public.transition_job(%L, 'in_progress')$$, pg_temp.job('leak')), 'PT409',
  'status: the job is not paid yet; it starts once the client has paid', 'nor does the provider before it is paid');

-- The job follows its booking: a lapsed payment cancels it ----------------------------------------------------
select tests.authenticate_as_service_role();
update public.bookings set hold_expires_at = now() - interval '1 minute' where job_id = pg_temp.job('leak');
select service.expire_holds();
select results_eq(format($$select status::text from public.jobs where id = %L$$, pg_temp.job('leak')), $$values ('cancelled')$$,
  'an unpaid booking that lapses cancels its job');
select results_eq(format($$select actor, reason from public.job_status_changes where job_id = %L order by id desc limit 1$$, pg_temp.job('leak')),
  $$values ('system', 'not paid in time')$$, 'with an audit row saying why');
select is((select count(*)::int from private.notification_outbox where event_type = 'job.cancelled'), 1, 'and the parties are told');

-- Cancelling and expiring a published job decline its bids ------------------------------------------------------
select tests.authenticate_as('client');
select pg_temp.post('tap', 4);
select public.transition_job(pg_temp.job('tap'), 'published');
select tests.authenticate_as('plumber');
select pg_temp.bid('tap', 9000);
select tests.authenticate_as('client');
select lives_ok(format($$select public.transition_job(%L, 'cancelled', 'Fixed it myself')$$, pg_temp.job('tap')), 'the client cancels a published job');
select results_eq(format($$select status::text, decision_reason from public.bids where job_id = %L$$, pg_temp.job('tap')),
  $$values ('rejected', 'the job was cancelled')$$, 'its live bid is declined');
select is((select count(*)::int from public.job_matches where job_id = pg_temp.job('tap')), 0, 'and it leaves every feed');
select pg_temp.post('gutter', 2);
select public.transition_job(pg_temp.job('gutter'), 'published');
select tests.authenticate_as_service_role();
update public.jobs set expires_at = now() - interval '1 second' where id = pg_temp.job('gutter');
select is(service.expire_jobs(), 1, 'the sweep expires a published job past its expiry');
select results_eq(format($$select status::text from public.jobs where id = %L$$, pg_temp.job('gutter')), $$values ('expired')$$,
  'it is expired');

-- Disputes ---------------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select throws_ok(format($$insert into public.job_disputes (job_id, kind, description) values (%L, 'quality', 'Never came at all')$$, pg_temp.job('gutter')),
  'PT409', null, 'no dispute about a job that was never assigned');
select tests.authenticate_as('admin');
select throws_ok($$select public.review_job_dispute(gen_random_uuid(), 'resolved', 'x', 'no_refund')$$, 'PT404', null,
  'an unknown dispute is not found');
select tests.authenticate_as('client');
select throws_ok($$select public.review_job_dispute(gen_random_uuid(), 'rejected')$$, '42501', null, 'a party does not decide disputes');

select * from finish();
rollback;
