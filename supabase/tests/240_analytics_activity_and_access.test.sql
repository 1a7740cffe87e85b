-- analytics (issue 19): activity events recorded where the database sees them (a sign-in
-- through the access token hook, a search through the search RPC, a booking, a payment that
-- succeeds), and the access matrix of the analytics_* rollups: admins read them all, a
-- provider reads their own days, clients and visitors nothing, nobody writes them.
-- owner = the provider of analytics_provider_days.
begin;
set local time zone 'UTC';
select plan(106);
select tests.start_with_empty_marketplace();
select tests.open_marketplace();
select tests.create_supabase_user('stranger');
select tests.create_provider('other');

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
-- Rows as the table's owner sees them (every row), to compare with what a persona sees.
create function pg_temp.rows(name text) returns text language plpgsql security definer as $$
declare
  n bigint;
begin
  execute format('select count(*) from %s', name) into n;
  return n::text;
end
$$;
create function pg_temp.events(kind text, user_name text default null) returns integer language sql stable security definer as $$
  select count(*)::integer from private.activity_events a
  where a.kind::text = events.kind
    and (user_name is null and a.user_id is null or a.user_id = tests.get_supabase_uid(user_name))
$$;
grant execute on all functions in schema pg_temp to anon, authenticated, service_role;

-- Sign-in ---------------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select tests.clear_authentication();
select is(pg_temp.events('sign_in', 'client'), 1, 'a sign-in through the access token hook records a sign_in event');
select is((select occurred_at from private.activity_events where kind = 'sign_in' and user_id = tests.get_supabase_uid('client')),
  (select last_sign_in_at from private.login_states where user_id = tests.get_supabase_uid('client')), 'at the time of the sign-in');
select lives_ok($$select public.custom_access_token_hook(jsonb_build_object('user_id', tests.get_supabase_uid('client'),
  'authentication_method', 'token_refresh', 'claims', jsonb_build_object('sub', tests.get_supabase_uid('client'), 'role', 'authenticated')))$$,
  'a token refresh');
select is(pg_temp.events('sign_in', 'client'), 1, 'is not a sign-in: nothing recorded');
update private.login_states set last_sign_in_at = now() + interval '1 hour' where user_id = tests.get_supabase_uid('client');
select is(pg_temp.events('sign_in', 'client'), 2, 'a later sign-in records another');

-- Search ----------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select set_config('request.headers', '{"x-client-session": "visitor-1"}', true);
select is((select count(*)::integer from public.search_offerings(query => '  ADVICE   ')), 1, 'a visitor searches and finds the offering');
select is((select count(*)::integer from public.search_offerings(query => 'zebra')), 0, 'and searches for what is not there');
select is((select count(*)::integer from public.search_offerings(query => 'advice', result_offset => 20)), 0, 'and asks for a next page');
select is((select count(*)::integer from public.search_offerings()), 1, 'and browses everything');
select set_config('request.headers', '', true);
select tests.clear_authentication();
select results_eq($$select term, result_count, session_id, user_id from private.activity_events where kind = 'search' order by id$$,
  $$values ('advice'::text, 1, 'visitor-1'::text, null::uuid), ('zebra', 0, 'visitor-1', null)$$,
  'the RPC records each search''s normalised words, its result count and the visitor''s session; not a next page, not a bare browse');
select tests.authenticate_as('client');
select is((select count(*)::integer from public.search_offerings(category_id => tests.consulting())), 1, 'a client browses a category');
select tests.clear_authentication();
select results_eq($$select user_id, category_id, term, result_count, session_id is not null from private.activity_events where kind = 'search' and user_id is not null$$,
  $$values (tests.get_supabase_uid('client'), tests.consulting(), null::text, 1, true)$$,
  'a signed-in search is the user''s, with the token''s session');
select is(private.normalize_search_term(E' Dog\t  Walking\n'), 'dog walking', 'terms are lower case with single spaces');
select is(private.normalize_search_term('   '), null, 'a blank query is no term');

-- A GET runs in a read-only transaction: the search is answered and not recorded.
savepoint read_only;
set local transaction_read_only = on;
select tests.authenticate_as_anon();
select is((select count(*)::integer from public.search_offerings(query => 'advice')), 1, 'a search in a read-only transaction (GET) still answers');
select tests.clear_authentication();
select is((select count(*)::integer from private.activity_events where kind = 'search'), 3, 'without recording it');
rollback to savepoint read_only;

-- Booking and purchase --------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select tests.book('b1', tests.slot(3, '10:00'));
select tests.clear_authentication();
select results_eq($$select booking_id, offering_id from private.activity_events where kind = 'booking'$$,
  $$values (tests.booking('b1'), tests.advice())$$, 'a booking records a booking event of its client');
select is(pg_temp.events('booking', 'client'), 1, 'the client''s');
select is(pg_temp.events('purchase', 'client'), 0, 'no purchase before the payment');
select tests.authenticate_as('client');
select tests.pay_by_card('b1');
select results_eq($$select booking_id, detail ->> 'amount', detail ->> 'currency' from private.activity_events where kind = 'purchase'$$,
  $$values (tests.booking('b1'), '10000'::text, 'EUR'::text)$$, 'a payment that succeeds records a purchase event');
select is(pg_temp.events('purchase', 'client'), 1, 'once, the client''s');

select tests.authenticate_as('client');
select is(pg_temp.outcome('select 1 from private.activity_events'), 'denied', 'no API role reads the activity events');
select throws_ok($$insert into private.activity_events (kind, user_id) values ('sign_in', auth.uid())$$, '42501', null,
  'nor writes one');
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from private.activity_events'), 'denied', 'not even an admin (they read the rollups)');
select tests.clear_authentication();

-- Access to the rollups -------------------------------------------------------------------------------------
select lives_ok($$select service.rollup_day(current_date)$$, 'today is rolled up');
select tests.authenticate_as('stranger');
select throws_ok($$select service.rollup_day(current_date)$$, '42501', null, 'a user cannot run the rollup');
select tests.clear_authentication();
-- A row of every table (the search day and the retention cohorts exist from the events above).
insert into public.analytics_category_days (day, category_id, currency) values (current_date - 1, tests.consulting(), 'EUR');
insert into public.analytics_provider_days (provider_id, day, currency) values (tests.get_supabase_uid('other'), current_date, 'EUR');
select isnt(pg_temp.rows('public.analytics_search_days'), '0', 'the rollup wrote the search day');
select isnt(pg_temp.rows('public.analytics_retention_days'), '0', 'and the cohorts');
select is(pg_temp.rows('public.analytics_provider_days'), '2', 'and the provider''s day (the other provider''s is made by hand)');
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.analytics_order_days'), 'denied', '[analytics_order_days/anon/select] visitors read no analytics');
select is(pg_temp.outcome('insert into public.analytics_order_days (day, currency) values (current_date, ''XTS'') returning 1'), 'denied', '[analytics_order_days/anon/insert] a visitor cannot write a row');
select is(pg_temp.outcome('update public.analytics_order_days set orders_placed = 0 returning 1'), 'denied', '[analytics_order_days/anon/update] a visitor cannot change one');
select is(pg_temp.outcome('delete from public.analytics_order_days returning 1'), 'denied', '[analytics_order_days/anon/delete] a visitor cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_category_days'), 'denied', '[analytics_category_days/anon/select] visitors read no analytics');
select is(pg_temp.outcome('insert into public.analytics_category_days (day, category_id, currency) values (current_date, tests.consulting(), ''XTS'') returning 1'), 'denied', '[analytics_category_days/anon/insert] a visitor cannot write a row');
select is(pg_temp.outcome('update public.analytics_category_days set orders_placed = 0 returning 1'), 'denied', '[analytics_category_days/anon/update] a visitor cannot change one');
select is(pg_temp.outcome('delete from public.analytics_category_days returning 1'), 'denied', '[analytics_category_days/anon/delete] a visitor cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_retention_days'), 'denied', '[analytics_retention_days/anon/select] visitors read no analytics');
select is(pg_temp.outcome('insert into public.analytics_retention_days (cohort_day, user_type) values (current_date, ''client'') returning 1'), 'denied', '[analytics_retention_days/anon/insert] a visitor cannot write a row');
select is(pg_temp.outcome('update public.analytics_retention_days set cohort_size = 0 returning 1'), 'denied', '[analytics_retention_days/anon/update] a visitor cannot change one');
select is(pg_temp.outcome('delete from public.analytics_retention_days returning 1'), 'denied', '[analytics_retention_days/anon/delete] a visitor cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_search_days'), 'denied', '[analytics_search_days/anon/select] visitors read no analytics');
select is(pg_temp.outcome('insert into public.analytics_search_days (day, conversion_hours) values (current_date + 1, 24) returning 1'), 'denied', '[analytics_search_days/anon/insert] a visitor cannot write a row');
select is(pg_temp.outcome('update public.analytics_search_days set searches = 0 returning 1'), 'denied', '[analytics_search_days/anon/update] a visitor cannot change one');
select is(pg_temp.outcome('delete from public.analytics_search_days returning 1'), 'denied', '[analytics_search_days/anon/delete] a visitor cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_business_days'), 'denied', '[analytics_business_days/anon/select] visitors read no analytics');
select is(pg_temp.outcome('insert into public.analytics_business_days (day, currency) values (current_date, ''XTS'') returning 1'), 'denied', '[analytics_business_days/anon/insert] a visitor cannot write a row');
select is(pg_temp.outcome('update public.analytics_business_days set gmv = 0 returning 1'), 'denied', '[analytics_business_days/anon/update] a visitor cannot change one');
select is(pg_temp.outcome('delete from public.analytics_business_days returning 1'), 'denied', '[analytics_business_days/anon/delete] a visitor cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_provider_days'), 'denied', '[analytics_provider_days/anon/select] visitors read no analytics');
select is(pg_temp.outcome('insert into public.analytics_provider_days (provider_id, day, currency) values (auth.uid(), current_date, ''XTS'') returning 1'), 'denied', '[analytics_provider_days/anon/insert] a visitor cannot write a row');
select is(pg_temp.outcome('update public.analytics_provider_days set orders_placed = 0 returning 1'), 'denied', '[analytics_provider_days/anon/update] a visitor cannot change one');
select is(pg_temp.outcome('delete from public.analytics_provider_days returning 1'), 'denied', '[analytics_provider_days/anon/delete] a visitor cannot delete one');
select tests.authenticate_as('stranger');
select is(pg_temp.outcome('select 1 from public.analytics_order_days'), '0', '[analytics_order_days/stranger/select] a client reads no analytics rows');
select is(pg_temp.outcome('insert into public.analytics_order_days (day, currency) values (current_date, ''XTS'') returning 1'), 'denied', '[analytics_order_days/stranger/insert] a client cannot write a row');
select is(pg_temp.outcome('update public.analytics_order_days set orders_placed = 0 returning 1'), 'denied', '[analytics_order_days/stranger/update] a client cannot change one');
select is(pg_temp.outcome('delete from public.analytics_order_days returning 1'), 'denied', '[analytics_order_days/stranger/delete] a client cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_category_days'), '0', '[analytics_category_days/stranger/select] a client reads no analytics rows');
select is(pg_temp.outcome('insert into public.analytics_category_days (day, category_id, currency) values (current_date, tests.consulting(), ''XTS'') returning 1'), 'denied', '[analytics_category_days/stranger/insert] a client cannot write a row');
select is(pg_temp.outcome('update public.analytics_category_days set orders_placed = 0 returning 1'), 'denied', '[analytics_category_days/stranger/update] a client cannot change one');
select is(pg_temp.outcome('delete from public.analytics_category_days returning 1'), 'denied', '[analytics_category_days/stranger/delete] a client cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_retention_days'), '0', '[analytics_retention_days/stranger/select] a client reads no analytics rows');
select is(pg_temp.outcome('insert into public.analytics_retention_days (cohort_day, user_type) values (current_date, ''client'') returning 1'), 'denied', '[analytics_retention_days/stranger/insert] a client cannot write a row');
select is(pg_temp.outcome('update public.analytics_retention_days set cohort_size = 0 returning 1'), 'denied', '[analytics_retention_days/stranger/update] a client cannot change one');
select is(pg_temp.outcome('delete from public.analytics_retention_days returning 1'), 'denied', '[analytics_retention_days/stranger/delete] a client cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_search_days'), '0', '[analytics_search_days/stranger/select] a client reads no analytics rows');
select is(pg_temp.outcome('insert into public.analytics_search_days (day, conversion_hours) values (current_date + 1, 24) returning 1'), 'denied', '[analytics_search_days/stranger/insert] a client cannot write a row');
select is(pg_temp.outcome('update public.analytics_search_days set searches = 0 returning 1'), 'denied', '[analytics_search_days/stranger/update] a client cannot change one');
select is(pg_temp.outcome('delete from public.analytics_search_days returning 1'), 'denied', '[analytics_search_days/stranger/delete] a client cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_business_days'), '0', '[analytics_business_days/stranger/select] a client reads no analytics rows');
select is(pg_temp.outcome('insert into public.analytics_business_days (day, currency) values (current_date, ''XTS'') returning 1'), 'denied', '[analytics_business_days/stranger/insert] a client cannot write a row');
select is(pg_temp.outcome('update public.analytics_business_days set gmv = 0 returning 1'), 'denied', '[analytics_business_days/stranger/update] a client cannot change one');
select is(pg_temp.outcome('delete from public.analytics_business_days returning 1'), 'denied', '[analytics_business_days/stranger/delete] a client cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_provider_days'), '0', '[analytics_provider_days/stranger/select] a client reads no analytics rows');
select is(pg_temp.outcome('insert into public.analytics_provider_days (provider_id, day, currency) values (auth.uid(), current_date, ''XTS'') returning 1'), 'denied', '[analytics_provider_days/stranger/insert] a client cannot write a row');
select is(pg_temp.outcome('update public.analytics_provider_days set orders_placed = 0 returning 1'), 'denied', '[analytics_provider_days/stranger/update] a client cannot change one');
select is(pg_temp.outcome('delete from public.analytics_provider_days returning 1'), 'denied', '[analytics_provider_days/stranger/delete] a client cannot delete one');
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from public.analytics_order_days'), pg_temp.rows('public.analytics_order_days'), '[analytics_order_days/admin/select] an admin reads every row');
select is(pg_temp.outcome('insert into public.analytics_order_days (day, currency) values (current_date, ''XTS'') returning 1'), 'denied', '[analytics_order_days/admin/insert] even an admin cannot write a row');
select is(pg_temp.outcome('update public.analytics_order_days set orders_placed = 0 returning 1'), 'denied', '[analytics_order_days/admin/update] even an admin cannot change one');
select is(pg_temp.outcome('delete from public.analytics_order_days returning 1'), 'denied', '[analytics_order_days/admin/delete] even an admin cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_category_days'), pg_temp.rows('public.analytics_category_days'), '[analytics_category_days/admin/select] an admin reads every row');
select is(pg_temp.outcome('insert into public.analytics_category_days (day, category_id, currency) values (current_date, tests.consulting(), ''XTS'') returning 1'), 'denied', '[analytics_category_days/admin/insert] even an admin cannot write a row');
select is(pg_temp.outcome('update public.analytics_category_days set orders_placed = 0 returning 1'), 'denied', '[analytics_category_days/admin/update] even an admin cannot change one');
select is(pg_temp.outcome('delete from public.analytics_category_days returning 1'), 'denied', '[analytics_category_days/admin/delete] even an admin cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_retention_days'), pg_temp.rows('public.analytics_retention_days'), '[analytics_retention_days/admin/select] an admin reads every row');
select is(pg_temp.outcome('insert into public.analytics_retention_days (cohort_day, user_type) values (current_date, ''client'') returning 1'), 'denied', '[analytics_retention_days/admin/insert] even an admin cannot write a row');
select is(pg_temp.outcome('update public.analytics_retention_days set cohort_size = 0 returning 1'), 'denied', '[analytics_retention_days/admin/update] even an admin cannot change one');
select is(pg_temp.outcome('delete from public.analytics_retention_days returning 1'), 'denied', '[analytics_retention_days/admin/delete] even an admin cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_search_days'), pg_temp.rows('public.analytics_search_days'), '[analytics_search_days/admin/select] an admin reads every row');
select is(pg_temp.outcome('insert into public.analytics_search_days (day, conversion_hours) values (current_date + 1, 24) returning 1'), 'denied', '[analytics_search_days/admin/insert] even an admin cannot write a row');
select is(pg_temp.outcome('update public.analytics_search_days set searches = 0 returning 1'), 'denied', '[analytics_search_days/admin/update] even an admin cannot change one');
select is(pg_temp.outcome('delete from public.analytics_search_days returning 1'), 'denied', '[analytics_search_days/admin/delete] even an admin cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_business_days'), pg_temp.rows('public.analytics_business_days'), '[analytics_business_days/admin/select] an admin reads every row');
select is(pg_temp.outcome('insert into public.analytics_business_days (day, currency) values (current_date, ''XTS'') returning 1'), 'denied', '[analytics_business_days/admin/insert] even an admin cannot write a row');
select is(pg_temp.outcome('update public.analytics_business_days set gmv = 0 returning 1'), 'denied', '[analytics_business_days/admin/update] even an admin cannot change one');
select is(pg_temp.outcome('delete from public.analytics_business_days returning 1'), 'denied', '[analytics_business_days/admin/delete] even an admin cannot delete one');
select is(pg_temp.outcome('select 1 from public.analytics_provider_days'), pg_temp.rows('public.analytics_provider_days'), '[analytics_provider_days/admin/select] an admin reads every row');
select is(pg_temp.outcome('insert into public.analytics_provider_days (provider_id, day, currency) values (auth.uid(), current_date, ''XTS'') returning 1'), 'denied', '[analytics_provider_days/admin/insert] even an admin cannot write a row');
select is(pg_temp.outcome('update public.analytics_provider_days set orders_placed = 0 returning 1'), 'denied', '[analytics_provider_days/admin/update] even an admin cannot change one');
select is(pg_temp.outcome('delete from public.analytics_provider_days returning 1'), 'denied', '[analytics_provider_days/admin/delete] even an admin cannot delete one');
select tests.authenticate_as('provider');
select is(pg_temp.outcome('select 1 from public.analytics_provider_days'), '1', '[analytics_provider_days/owner/select] a provider reads their own day');
select is(pg_temp.outcome('insert into public.analytics_provider_days (provider_id, day, currency) values (auth.uid(), current_date, ''XTS'') returning 1'), 'denied', '[analytics_provider_days/owner/insert] but cannot write one');
select is(pg_temp.outcome('update public.analytics_provider_days set orders_placed = 0 returning 1'), 'denied', '[analytics_provider_days/owner/update] nor change one');
select is(pg_temp.outcome('delete from public.analytics_provider_days returning 1'), 'denied', '[analytics_provider_days/owner/delete] nor delete one');
select tests.authenticate_as('other');
select is((select count(*)::integer from public.analytics_provider_days where provider_id = tests.get_supabase_uid('provider')), 0,
  'another provider does not see the provider''s day');
select tests.clear_authentication();

select * from finish();
rollback;
