-- analytics (issue 19): service.rollup_day on a small hand-made day. Orders come from the
-- real booking and payment functions, then are moved to that day (D, ten days ago); bookings
-- ending, a refund, sign-ups and activity are written as their functions would leave them.
-- Checked: counts, order value, fees, cancellations, fulfilment, processing time, a cohort's
-- day-1 retention, zero-result searches, top terms, search-to-booking conversion, a
-- provider's day; a second run leaves the same rows; a re-run after a change updates the day.
begin;
set local time zone 'UTC';
select plan(33);
select tests.start_with_empty_marketplace();
select tests.open_marketplace();
select tests.create_supabase_user('client2');
select tests.create_supabase_user('searcher');
select tests.create_supabase_user('cohort1');
select tests.create_supabase_user('cohort2');
select tests.create_provider('cohort3');
update public.categories set commission_rate = 0.12 where id = tests.consulting();

create function pg_temp.d() returns date language sql immutable as $$ select current_date - 10 $$;
create function pg_temp.at(t time) returns timestamptz language sql immutable as $$ select pg_temp.d() + t $$;

-- Three orders of 100.00 EUR: the client's first two, client2's first. Two are paid by card.
select tests.authenticate_as('client');
select tests.book('b1', tests.slot(3, '10:00'));
select tests.book('b2', tests.slot(3, '12:00'));
select tests.pay_by_card('b1');
select tests.authenticate_as('client');
select tests.pay_by_card('b2');
select tests.authenticate_as('client2');
select tests.book('b3', tests.slot(3, '14:00'));
-- Searches: the client's two (one finds nothing), the searcher's (nothing), a visitor's.
select tests.authenticate_as('client');
select count(*) from public.search_offerings(query => 'Advice');
select count(*) from public.search_offerings(query => 'zebra');
select tests.authenticate_as('searcher');
select count(*) from public.search_offerings(query => 'Zebra');
select tests.authenticate_as_anon();
select set_config('request.headers', '{"x-client-session": "visitor-1"}', true);
select count(*) from public.search_offerings(query => 'advice ');
select tests.clear_authentication();

-- Move it all to day D: searches at 08:00, orders at 09:00 (b2 09:30), payments at 10:00.
update private.activity_events set occurred_at = pg_temp.at('08:00') where kind = 'search';
update public.bookings set created_at = pg_temp.at('09:00') where id in (tests.booking('b1'), tests.booking('b3'));
update public.bookings set created_at = pg_temp.at('09:30') where id = tests.booking('b2');
update public.invoices i set issued_at = b.created_at from public.bookings b where b.id = i.booking_id;
update private.activity_events a set occurred_at = b.created_at from public.bookings b where a.booking_id = b.id and a.kind = 'booking';
update public.payments set succeeded_at = pg_temp.at('10:00');
update public.provider_ledger set occurred_at = pg_temp.at('10:00');
-- b1 completed at 15:00 (six hours after it was ordered), b3 cancelled; a refund of 25.00 of b2's payment.
insert into public.booking_status_changes (booking_id, from_status, to_status, actor, changed_at) values
  (tests.booking('b1'), 'in_progress', 'completed', 'system', pg_temp.at('15:00')),
  (tests.booking('b3'), 'held', 'cancelled', 'client', pg_temp.at('16:00'));
insert into public.refunds (payment_id, invoice_id, booking_id, client_id, provider_id, kind, status, amount, currency, succeeded_at)
select p.id, p.invoice_id, p.booking_id, p.client_id, p.provider_id, 'admin', 'succeeded', 2500, 'EUR', pg_temp.at('17:00')
from public.payments p where p.booking_id = tests.booking('b2');
-- Sign-ups the day before D (clients cohort1, cohort2; provider cohort3); cohort1 and cohort3 come back on D.
update public.profiles set created_at = pg_temp.d() - 1 + time '12:00'
where id in (tests.get_supabase_uid('cohort1'), tests.get_supabase_uid('cohort2'), tests.get_supabase_uid('cohort3'));
insert into private.activity_events (kind, user_id, occurred_at) values
  ('sign_in', tests.get_supabase_uid('cohort1'), pg_temp.at('20:00')),
  ('sign_in', tests.get_supabase_uid('cohort3'), pg_temp.at('21:00')),
  ('sign_in', tests.get_supabase_uid('cohort2'), pg_temp.at('00:00') + interval '1 day');

select is(service.rollup_day(pg_temp.d()),
  '{"order_days": 1, "search_days": 1, "business_days": 1, "category_days": 1, "provider_days": 1, "retention_cohorts": 2}'::jsonb,
  'the day''s rollup writes a row per table, two cohorts (clients and providers of the day before)');

-- Orders ------------------------------------------------------------------------------------------------------
select results_eq($$select currency::text, orders_placed, booking_orders, purchase_orders, new_orders, completed_orders, cancelled_orders,
                          no_show_orders, order_value, average_order_value, fees, active_clients, active_providers
                   from public.analytics_order_days where day = pg_temp.d()$$,
  $$values ('EUR', 3, 3, 0, 2, 1, 1, 0, 30000::bigint, 10000::bigint, 3600::bigint, 2, 1)$$,
  'orders: three placed, two by first-time clients, one completed, one cancelled, 300.00 booked, 12 % fees');
select is((select count(*)::integer from public.analytics_order_days where day <> pg_temp.d()), 0, 'and no other day');

-- Per category ------------------------------------------------------------------------------------------------
select results_eq($$select category_id, orders_placed, order_value, completed_orders, cancelled_orders, completion_rate
                   from public.analytics_category_days where day = pg_temp.d()$$,
  $$values (tests.consulting(), 3, 30000::bigint, 1, 1, 0.5::numeric)$$, 'the consulting category: three orders, completion rate one in two');

-- Business ----------------------------------------------------------------------------------------------------
select results_eq($$select gmv, refunds, net_revenue, bookings_ended, fulfilment_rate, average_processing_hours, gmv_30_days, month_over_month_growth
                   from public.analytics_business_days where day = pg_temp.d() and currency = 'EUR'$$,
  $$values (20000::bigint, 2500::bigint, (2400 - 300)::bigint, 2, 0.5::numeric, 6::numeric, 20000::bigint, null::numeric)$$,
  'business: 200.00 collected, 25.00 refunded, fees 24.00 less 3.00 of the refund, half fulfilled in 6 hours, no month before');

-- The provider's slice ----------------------------------------------------------------------------------------
select results_eq($$select orders_placed, order_value, completed_orders, cancelled_orders, earnings, given_back
                   from public.analytics_provider_days where day = pg_temp.d() and provider_id = tests.get_supabase_uid('provider')$$,
  $$values (3, 30000::bigint, 1, 1, 17600::bigint, 0::bigint)$$,
  'the provider''s day: their orders, outcomes, and earnings from their ledger (the hand-made refund is not in it)');

-- Searches ----------------------------------------------------------------------------------------------------
select results_eq($$select searches, unique_searchers, searches_with_results, zero_result_searches, zero_result_rate,
                          signed_in_searches, searches_leading_to_bookings, conversion_rate, conversion_hours
                   from public.analytics_search_days where day = pg_temp.d()$$,
  $$values (4, 3, 2, 2, 0.5::numeric, 3, 2, 0.6667::numeric, 24)$$,
  'searches: four by three searchers, two found nothing; two of three signed-in searches led to a booking within 24 hours');
select is((select top_terms from public.analytics_search_days where day = pg_temp.d()),
  '[{"term": "advice", "searches": 2, "zero_results": 0}, {"term": "zebra", "searches": 2, "zero_results": 2}]'::jsonb,
  'top terms, normalised');
select is((select top_zero_result_terms from public.analytics_search_days where day = pg_temp.d()),
  '[{"term": "zebra", "searches": 2}]'::jsonb, 'the terms that found nothing');

-- Retention ---------------------------------------------------------------------------------------------------
select results_eq($$select user_type, cohort_size, day_1_active, day_1_retention, day_7_retention
                   from public.analytics_retention_days where cohort_day = pg_temp.d() - 1 order by user_type$$,
  $$values ('client'::text, 2, 1, 0.5::numeric, 0::numeric), ('provider', 1, 1, 1::numeric, 0::numeric)$$,
  'the clients who signed up the day before: one of two active on day 1 (the other came back on day 2), the provider too');
select is((select average_sign_ins from public.analytics_retention_days where cohort_day = pg_temp.d() - 1 and user_type = 'client'),
  1.00::numeric, 'one sign-in each in the first 30 days');
select is((select day_30_retention from public.analytics_retention_days where cohort_day = pg_temp.d() - 1 and user_type = 'client'),
  null, 'day 30 has not come yet: no share');

-- Idempotent: a second run leaves the same rows ---------------------------------------------------------------
create temporary table first_run as
select 'order' as t, to_jsonb(r) - 'computed_at' as row from public.analytics_order_days r
union all select 'category', to_jsonb(r) - 'computed_at' from public.analytics_category_days r
union all select 'business', to_jsonb(r) - 'computed_at' from public.analytics_business_days r
union all select 'provider', to_jsonb(r) - 'computed_at' from public.analytics_provider_days r
union all select 'search', to_jsonb(r) - 'computed_at' from public.analytics_search_days r
union all select 'retention', to_jsonb(r) - 'computed_at' from public.analytics_retention_days r;
select lives_ok($$select service.rollup_day(pg_temp.d())$$, 'the same day again');
select set_eq($$select 'order' as t, to_jsonb(r) - 'computed_at' as row from public.analytics_order_days r
  union all select 'category', to_jsonb(r) - 'computed_at' from public.analytics_category_days r
  union all select 'business', to_jsonb(r) - 'computed_at' from public.analytics_business_days r
  union all select 'provider', to_jsonb(r) - 'computed_at' from public.analytics_provider_days r
  union all select 'search', to_jsonb(r) - 'computed_at' from public.analytics_search_days r
  union all select 'retention', to_jsonb(r) - 'computed_at' from public.analytics_retention_days r$$,
  $$select t, row from first_run$$, 'leaves exactly the same rows');

-- A past day again after a change -----------------------------------------------------------------------------
-- b2 is cancelled on D after all; a currency row that has nothing that day goes away.
insert into public.booking_status_changes (booking_id, from_status, to_status, actor, changed_at)
values (tests.booking('b2'), 'confirmed', 'cancelled', 'client', pg_temp.at('18:00'));
insert into public.analytics_order_days (day, currency, orders_placed) values (pg_temp.d(), 'GBP', 99);
select lives_ok($$select service.rollup_day(pg_temp.d())$$, 'the day rolled up again after a change');
select results_eq($$select currency::text, orders_placed, completed_orders, cancelled_orders from public.analytics_order_days where day = pg_temp.d()$$,
  $$values ('EUR', 3, 1, 2)$$, 'counts the new cancellation, and the stale GBP row is gone');
select is((select fulfilment_rate from public.analytics_business_days where day = pg_temp.d()), 0.3333::numeric, 'fulfilment now one in three');
select is((select completion_rate from public.analytics_category_days where day = pg_temp.d()), 0.3333::numeric, 'in the category too');

-- Month over month: the same currency's days before -----------------------------------------------------------
insert into public.analytics_business_days (day, currency, gmv) values
  (pg_temp.d() - 40, 'EUR', 10000), (pg_temp.d() - 5 - 30, 'EUR', 6000), (pg_temp.d() - 3, 'EUR', 4000), (pg_temp.d() - 3, 'USD', 99999);
select lives_ok($$select service.rollup_day(pg_temp.d())$$, 'rolled up with earlier days');
select results_eq($$select gmv_30_days, month_over_month_growth from public.analytics_business_days where day = pg_temp.d()$$,
  $$values (24000::bigint, 0.5::numeric)$$, 'the last 30 days (240.00) against the 30 before (160.00): +50 %, dollars apart');

-- A day with nothing, a day not begun, the recent days, a range -----------------------------------------------
select is(service.rollup_day(pg_temp.d() - 100),
  '{"order_days": 0, "search_days": 0, "business_days": 0, "category_days": 0, "provider_days": 0, "retention_cohorts": 0}'::jsonb,
  'an empty day writes nothing');
select throws_ok($$select service.rollup_day(current_date + 1)$$, '22023', null, 'a day not begun is refused');
select throws_ok($$select service.rollup_day(null)$$, '22023', null, 'so is no day');
select is(jsonb_object_keys_count.n, 3, 'the hourly job rolls up today, yesterday and the day before')
from (select count(*)::integer as n from jsonb_object_keys(service.rollup_recent_days())) jsonb_object_keys_count;
select is(service.rollup_days(pg_temp.d() - 2, pg_temp.d()), 3, 'a backfill rolls up every day of its range');
select throws_ok($$select service.rollup_days(pg_temp.d(), pg_temp.d() - 1)$$, '22023', null, 'a range backwards is refused');
select is((select cancelled_orders from public.analytics_order_days where day = pg_temp.d()), 2, 'and the day is as it was');

-- Who may run it ----------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select throws_ok($$select service.rollup_day(current_date)$$, '42501', null, 'an admin reads the rollups but does not run them');
select tests.authenticate_as_anon();
select throws_ok($$select service.rollup_recent_days()$$, '42501', null, 'nor does a visitor');
select tests.authenticate_as_service_role();
select lives_ok($$select service.rollup_day(current_date)$$, 'the service role does');
select tests.clear_authentication();
select ok(exists (select 1 from public.analytics_retention_days where cohort_day = current_date), 'today''s sign-ups are a cohort');

-- Time zone: days are calendar days of analytics.timezone -----------------------------------------------------
update private.settings set value = '"Pacific/Kiritimati"' where key = 'analytics.timezone';
select lives_ok($$select service.rollup_day(pg_temp.d())$$, 'a day in UTC+14');
select results_eq($$select orders_placed, completed_orders, cancelled_orders from public.analytics_order_days where day = pg_temp.d()$$,
  $$values (3, 0, 0)$$, 'in Kiritimati (UTC+14) the orders (09:00-09:30 UTC, 23:00-23:30 there) stay on D, the bookings ending at 15:00-18:00 UTC move to the next day');

select * from finish();
rollback;
