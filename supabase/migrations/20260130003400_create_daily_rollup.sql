-- insight / the daily rollup (issue 19): service.rollup_day(day) computes one day of every
-- analytics_* table (20260130003200) in SQL from the source tables and the activity events.
--
-- Idempotent per day: each row is upserted on its key ((day, currency), (day, category,
-- currency), ...) and the rows of that day the run did not write (a currency that no longer
-- has anything that day) are deleted, so running a day twice leaves the same rows, and
-- running a past day again after a change (a late refund, a deleted booking) brings it up to
-- date. Runs of one day are serialised by an advisory lock.
--
-- What moves a past day: counts are of events of that day (orders placed, bookings ended,
-- payments and refunds that succeeded), which do not change, except for the few numbers that
-- look forward: bids received by the day's jobs, search-to-booking conversion (bookings up to
-- `analytics.search_conversion_hours` after the search), and retention cohorts (a cohort's
-- day 1, 7 and 30 come later). So pg_cron runs service.rollup_recent_days() every hour:
-- today so far, yesterday, and the day before (whose searches' conversion windows have
-- closed); and each day's run recomputes the cohorts whose day 1, 7 or 30 it is. Month-over-
-- month growth sums the earlier days' own rows: service.rollup_days(from, to) backfills a
-- range in order.

insert into private.settings (key, value, description, category, value_type, min_value, max_value) values
  ('analytics.timezone', '"UTC"', 'The time zone whose calendar days the analytics rollups count in (IANA name).',
   'analytics', 'string', null, null),
  ('analytics.search_conversion_hours', '24', 'A search converts when the same user books within this many hours after it.',
   'analytics', 'integer', 1, 720)
on conflict (key) do nothing;

create function private.was_active(user_id uuid, day date, tz text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (
    select 1 from private.activity_events a
    where a.user_id = was_active.user_id
      and a.occurred_at >= was_active.day::timestamp at time zone tz
      and a.occurred_at < (was_active.day + 1)::timestamp at time zone tz
  )
$$;

comment on function private.was_active(uuid, date, text) is 'Whether the user has any activity event on that calendar day of the time zone.';

-- Security definer: it reads private.activity_events and the platform's fee of payments
-- (private.platform_fee), and writes tables no API role writes; only service_role and pg_cron
-- may execute it.
create function service.rollup_day(day date)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
-- The argument is rollup_day.day; a bare `day` is the column of the table at hand.
#variable_conflict use_column
declare
  tz constant text := coalesce(private.setting('analytics.timezone') #>> '{}', 'UTC');
  today constant date := (now() at time zone tz)::date;
  day_start constant timestamptz := rollup_day.day::timestamp at time zone tz;
  day_end constant timestamptz := (rollup_day.day + 1)::timestamp at time zone tz;
  conversion constant interval := make_interval(hours => coalesce((private.setting('analytics.search_conversion_hours') #>> '{}')::integer, 24));
  run_at constant timestamptz := clock_timestamp();
  written jsonb := '{}';
  n integer;
begin
  if rollup_day.day is null or rollup_day.day > today then
    raise exception 'day must be a day that has begun (today is % in %)', today, tz using errcode = '22023';
  end if;
  perform pg_catalog.pg_advisory_xact_lock(hashtext('service.rollup_day'), rollup_day.day - date '2000-01-01');

  -- Orders per currency ------------------------------------------------------------------------------
  insert into public.analytics_order_days as t (
    day, currency, orders_placed, booking_orders, purchase_orders, new_orders, completed_orders, cancelled_orders,
    no_show_orders, order_value, average_order_value, fees, jobs_posted, bids_placed, average_bids_per_job,
    active_clients, active_providers, computed_at
  )
  select rollup_day.day, s.currency, sum(s.orders), sum(s.booking_orders), sum(s.purchase_orders), sum(s.new_orders),
         sum(s.completed), sum(s.cancelled), sum(s.no_show), sum(s.order_value),
         round(sum(s.order_value) / nullif(sum(s.orders), 0))::bigint, sum(s.fees), sum(s.jobs), sum(s.bids),
         round(sum(s.job_bids)::numeric / nullif(sum(s.jobs), 0), 2), sum(s.clients), sum(s.providers), run_at
  from (
    select i.currency, count(*) as orders, count(i.booking_id) as booking_orders, count(*) - count(i.booking_id) as purchase_orders,
           count(*) filter (where not exists (
             select 1 from public.invoices e where e.client_id = i.client_id and e.issued_at < i.issued_at)) as new_orders,
           0 as completed, 0 as cancelled, 0 as no_show, sum(i.total) as order_value, sum(i.commission) as fees,
           0 as jobs, 0 as job_bids, 0 as bids, count(distinct i.client_id) as clients, count(distinct i.provider_id) as providers
    from public.invoices i
    where i.issued_at >= day_start and i.issued_at < day_end
    group by i.currency
    union all
    select b.currency, 0, 0, 0, 0, count(*) filter (where c.to_status = 'completed'), count(*) filter (where c.to_status = 'cancelled'),
           count(*) filter (where c.to_status = 'no_show'), 0, 0, 0, 0, 0, 0, 0
    from public.booking_status_changes c join public.bookings b on b.id = c.booking_id
    where c.changed_at >= day_start and c.changed_at < day_end and c.to_status in ('completed', 'cancelled', 'no_show')
    group by b.currency
    union all
    select j.currency, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), sum(j.bid_count), 0, 0, 0
    from public.jobs j
    where j.created_at >= day_start and j.created_at < day_end and j.status <> 'draft'
    group by j.currency
    union all
    select b.currency, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), 0, 0
    from public.bids b
    where b.created_at >= day_start and b.created_at < day_end
    group by b.currency
  ) s
  group by s.currency
  on conflict (day, currency) do update set
    orders_placed = excluded.orders_placed, booking_orders = excluded.booking_orders, purchase_orders = excluded.purchase_orders,
    new_orders = excluded.new_orders, completed_orders = excluded.completed_orders, cancelled_orders = excluded.cancelled_orders,
    no_show_orders = excluded.no_show_orders, order_value = excluded.order_value, average_order_value = excluded.average_order_value,
    fees = excluded.fees, jobs_posted = excluded.jobs_posted, bids_placed = excluded.bids_placed,
    average_bids_per_job = excluded.average_bids_per_job, active_clients = excluded.active_clients,
    active_providers = excluded.active_providers, computed_at = excluded.computed_at;
  get diagnostics n = row_count;
  delete from public.analytics_order_days t where t.day = rollup_day.day and t.computed_at <> run_at;
  written := written || jsonb_build_object('order_days', n);

  -- Per category of the offering (a purchase's: its first product's) ---------------------------------
  insert into public.analytics_category_days as t (
    day, category_id, currency, orders_placed, order_value, fees, completed_orders, cancelled_orders, no_show_orders,
    completion_rate, bids_placed, computed_at
  )
  select rollup_day.day, s.category_id, s.currency, sum(s.orders), sum(s.order_value), sum(s.fees), sum(s.completed),
         sum(s.cancelled), sum(s.no_show),
         round(sum(s.completed)::numeric / nullif(sum(s.completed) + sum(s.cancelled) + sum(s.no_show), 0), 4),
         sum(s.bids), run_at
  from (
    select o.category_id, i.currency, count(*) as orders, sum(i.total) as order_value, sum(i.commission) as fees,
           0 as completed, 0 as cancelled, 0 as no_show, 0 as bids
    from public.invoices i
    left join public.bookings b on b.id = i.booking_id
    join public.offerings o on o.id = coalesce(b.offering_id, (
      select p.offering_id from public.purchases p where p.invoice_id = i.id order by p.created_at, p.id limit 1))
    where i.issued_at >= day_start and i.issued_at < day_end
    group by o.category_id, i.currency
    union all
    select o.category_id, b.currency, 0, 0, 0, count(*) filter (where c.to_status = 'completed'),
           count(*) filter (where c.to_status = 'cancelled'), count(*) filter (where c.to_status = 'no_show'), 0
    from public.booking_status_changes c
    join public.bookings b on b.id = c.booking_id
    join public.offerings o on o.id = b.offering_id
    where c.changed_at >= day_start and c.changed_at < day_end and c.to_status in ('completed', 'cancelled', 'no_show')
    group by o.category_id, b.currency
    union all
    select j.category_id, b.currency, 0, 0, 0, 0, 0, 0, count(*)
    from public.bids b join public.jobs j on j.id = b.job_id
    where b.created_at >= day_start and b.created_at < day_end
    group by j.category_id, b.currency
  ) s
  group by s.category_id, s.currency
  on conflict (day, category_id, currency) do update set
    orders_placed = excluded.orders_placed, order_value = excluded.order_value, fees = excluded.fees,
    completed_orders = excluded.completed_orders, cancelled_orders = excluded.cancelled_orders,
    no_show_orders = excluded.no_show_orders, completion_rate = excluded.completion_rate,
    bids_placed = excluded.bids_placed, computed_at = excluded.computed_at;
  get diagnostics n = row_count;
  delete from public.analytics_category_days t where t.day = rollup_day.day and t.computed_at <> run_at;
  written := written || jsonb_build_object('category_days', n);

  -- Per provider ------------------------------------------------------------------------------------
  insert into public.analytics_provider_days as t (
    provider_id, day, currency, orders_placed, order_value, completed_orders, cancelled_orders, no_show_orders,
    earnings, given_back, bids_placed, computed_at
  )
  select s.provider_id, rollup_day.day, s.currency, sum(s.orders), sum(s.order_value), sum(s.completed), sum(s.cancelled),
         sum(s.no_show), sum(s.earnings), sum(s.given_back), sum(s.bids), run_at
  from (
    select i.provider_id, i.currency, count(*) as orders, sum(i.total) as order_value, 0 as completed, 0 as cancelled,
           0 as no_show, 0 as earnings, 0 as given_back, 0 as bids
    from public.invoices i
    where i.issued_at >= day_start and i.issued_at < day_end and i.provider_id is not null
    group by i.provider_id, i.currency
    union all
    select b.provider_id, b.currency, 0, 0, count(*) filter (where c.to_status = 'completed'),
           count(*) filter (where c.to_status = 'cancelled'), count(*) filter (where c.to_status = 'no_show'), 0, 0, 0
    from public.booking_status_changes c join public.bookings b on b.id = c.booking_id
    where c.changed_at >= day_start and c.changed_at < day_end and c.to_status in ('completed', 'cancelled', 'no_show')
      and b.provider_id is not null
    group by b.provider_id, b.currency
    union all
    select l.provider_id, l.currency, 0, 0, 0, 0, 0,
           coalesce(sum(l.amount) filter (where l.kind = 'earning'), 0),
           coalesce(-sum(l.amount) filter (where l.kind in ('refund', 'dispute')), 0), 0
    from public.provider_ledger l
    where l.occurred_at >= day_start and l.occurred_at < day_end and l.kind <> 'payout'
    group by l.provider_id, l.currency
    union all
    select b.provider_id, b.currency, 0, 0, 0, 0, 0, 0, 0, count(*)
    from public.bids b
    where b.created_at >= day_start and b.created_at < day_end
    group by b.provider_id, b.currency
  ) s
  group by s.provider_id, s.currency
  on conflict (provider_id, day, currency) do update set
    orders_placed = excluded.orders_placed, order_value = excluded.order_value, completed_orders = excluded.completed_orders,
    cancelled_orders = excluded.cancelled_orders, no_show_orders = excluded.no_show_orders, earnings = excluded.earnings,
    given_back = excluded.given_back, bids_placed = excluded.bids_placed, computed_at = excluded.computed_at;
  get diagnostics n = row_count;
  delete from public.analytics_provider_days t where t.day = rollup_day.day and t.computed_at <> run_at;
  written := written || jsonb_build_object('provider_days', n);

  -- Business metrics per currency -------------------------------------------------------------------
  insert into public.analytics_business_days as t (
    day, currency, gmv, refunds, net_revenue, bookings_ended, fulfilment_rate, average_processing_hours,
    gmv_30_days, month_over_month_growth, computed_at
  )
  select rollup_day.day, s.currency, sum(s.gmv), sum(s.refunds), sum(s.fees) - sum(s.fees_refunded),
         sum(s.ended), round(sum(s.completed)::numeric / nullif(sum(s.ended), 0), 4),
         round((sum(s.processing_seconds) / nullif(sum(s.completed), 0) / 3600)::numeric, 2),
         sum(s.gmv) + coalesce(m.previous_29, 0),
         round((sum(s.gmv) + coalesce(m.previous_29, 0))::numeric / nullif(m.month_before, 0) - 1, 4),
         run_at
  from (
    select p.currency, sum(p.amount) as gmv, 0 as refunds, sum(private.platform_fee(p)) as fees, 0 as fees_refunded,
           0 as ended, 0 as completed, 0 as processing_seconds
    from public.payments p
    where p.status = 'succeeded' and p.succeeded_at >= day_start and p.succeeded_at < day_end
    group by p.currency
    union all
    select r.currency, 0, sum(r.amount), 0, sum(round(r.amount::numeric * private.platform_fee(p) / p.amount)), 0, 0, 0
    from public.refunds r join public.payments p on p.id = r.payment_id
    where r.status = 'succeeded' and r.succeeded_at >= day_start and r.succeeded_at < day_end
    group by r.currency
    union all
    select b.currency, 0, 0, 0, 0, count(*), count(*) filter (where c.to_status = 'completed'),
           coalesce(sum(extract(epoch from c.changed_at - b.created_at)) filter (where c.to_status = 'completed'), 0)
    from public.booking_status_changes c join public.bookings b on b.id = c.booking_id
    where c.changed_at >= day_start and c.changed_at < day_end and c.to_status in ('completed', 'cancelled', 'no_show')
    group by b.currency
  ) s
  left join lateral (
    select sum(d.gmv) filter (where d.day > rollup_day.day - 30) as previous_29,
           sum(d.gmv) filter (where d.day <= rollup_day.day - 30) as month_before
    from public.analytics_business_days d
    where d.currency = s.currency and d.day >= rollup_day.day - 59 and d.day < rollup_day.day
  ) m on true
  group by s.currency, m.previous_29, m.month_before
  on conflict (day, currency) do update set
    gmv = excluded.gmv, refunds = excluded.refunds, net_revenue = excluded.net_revenue, bookings_ended = excluded.bookings_ended,
    fulfilment_rate = excluded.fulfilment_rate, average_processing_hours = excluded.average_processing_hours,
    gmv_30_days = excluded.gmv_30_days, month_over_month_growth = excluded.month_over_month_growth,
    computed_at = excluded.computed_at;
  get diagnostics n = row_count;
  delete from public.analytics_business_days t where t.day = rollup_day.day and t.computed_at <> run_at;
  written := written || jsonb_build_object('business_days', n);

  -- Searches ----------------------------------------------------------------------------------------
  insert into public.analytics_search_days as t (
    day, searches, unique_searchers, searches_with_results, zero_result_searches, zero_result_rate, top_terms,
    top_zero_result_terms, top_categories, signed_in_searches, searches_leading_to_bookings, conversion_rate,
    conversion_hours, computed_at
  )
  with searches as materialized (
    select a.user_id, a.session_id, a.term, a.category_id, a.result_count, a.occurred_at,
           a.user_id is not null and exists (
             select 1 from private.activity_events b
             where b.user_id = a.user_id and b.kind = 'booking'
               and b.occurred_at > a.occurred_at and b.occurred_at <= a.occurred_at + conversion) as converted
    from private.activity_events a
    where a.kind = 'search' and a.occurred_at >= day_start and a.occurred_at < day_end
  )
  select rollup_day.day, count(*), count(distinct coalesce(s.user_id::text, s.session_id)),
         count(*) filter (where s.result_count > 0), count(*) filter (where s.result_count = 0),
         round((count(*) filter (where s.result_count = 0))::numeric / nullif(count(*), 0), 4),
         coalesce((select jsonb_agg(jsonb_build_object('term', x.term, 'searches', x.n, 'zero_results', x.z) order by x.n desc, x.term)
                   from (select term, count(*) as n, count(*) filter (where result_count = 0) as z
                         from searches where term is not null group by term order by n desc, term limit 20) x), '[]'),
         coalesce((select jsonb_agg(jsonb_build_object('term', x.term, 'searches', x.n) order by x.n desc, x.term)
                   from (select term, count(*) as n from searches where term is not null and result_count = 0
                         group by term order by n desc, term limit 20) x), '[]'),
         coalesce((select jsonb_agg(jsonb_build_object('category_id', x.category_id, 'searches', x.n) order by x.n desc, x.category_id)
                   from (select category_id, count(*) as n from searches where category_id is not null
                         group by category_id order by n desc, category_id limit 10) x), '[]'),
         count(*) filter (where s.user_id is not null), count(*) filter (where s.converted),
         round((count(*) filter (where s.converted))::numeric / nullif(count(*) filter (where s.user_id is not null), 0), 4),
         extract(epoch from conversion)::integer / 3600, run_at
  from searches s
  having count(*) > 0
  on conflict (day) do update set
    searches = excluded.searches, unique_searchers = excluded.unique_searchers,
    searches_with_results = excluded.searches_with_results, zero_result_searches = excluded.zero_result_searches,
    zero_result_rate = excluded.zero_result_rate, top_terms = excluded.top_terms,
    top_zero_result_terms = excluded.top_zero_result_terms, top_categories = excluded.top_categories,
    signed_in_searches = excluded.signed_in_searches, searches_leading_to_bookings = excluded.searches_leading_to_bookings,
    conversion_rate = excluded.conversion_rate, conversion_hours = excluded.conversion_hours, computed_at = excluded.computed_at;
  get diagnostics n = row_count;
  delete from public.analytics_search_days t where t.day = rollup_day.day and t.computed_at <> run_at;
  written := written || jsonb_build_object('search_days', n);

  -- Retention: the cohorts whose day 0, 1, 7 or 30 this day is ----------------------------------------
  -- A member is a client or a provider (a provider role wins); a window that has not ended
  -- yet (cohort day + N not before today) has no share, only the count so far.
  insert into public.analytics_retention_days as t (
    cohort_day, user_type, cohort_size, day_1_active, day_7_active, day_30_active, day_1_retention, day_7_retention,
    day_30_retention, average_sign_ins, computed_at
  )
  select m.cohort_day, m.user_type, count(*), count(*) filter (where m.day_1), count(*) filter (where m.day_7),
         count(*) filter (where m.day_30),
         case when m.cohort_day + 1 < today then round((count(*) filter (where m.day_1))::numeric / count(*), 4) end,
         case when m.cohort_day + 7 < today then round((count(*) filter (where m.day_7))::numeric / count(*), 4) end,
         case when m.cohort_day + 30 < today then round((count(*) filter (where m.day_30))::numeric / count(*), 4) end,
         round(avg(m.sign_ins), 2), run_at
  from (
    select c.cohort_day,
           case when exists (select 1 from public.user_roles r where r.user_id = p.id and r.role = 'provider')
                then 'provider' else 'client' end as user_type,
           private.was_active(p.id, c.cohort_day + 1, tz) as day_1,
           private.was_active(p.id, c.cohort_day + 7, tz) as day_7,
           private.was_active(p.id, c.cohort_day + 30, tz) as day_30,
           (select count(*) from private.activity_events a
            where a.user_id = p.id and a.kind = 'sign_in'
              and a.occurred_at >= c.cohort_day::timestamp at time zone tz
              and a.occurred_at < (c.cohort_day + 30)::timestamp at time zone tz) as sign_ins
    from unnest(array[rollup_day.day, rollup_day.day - 1, rollup_day.day - 7, rollup_day.day - 30]) as c (cohort_day)
    join public.profiles p on p.created_at >= c.cohort_day::timestamp at time zone tz
                          and p.created_at < (c.cohort_day + 1)::timestamp at time zone tz
    where exists (select 1 from public.user_roles r where r.user_id = p.id and r.role in ('client', 'provider'))
  ) m
  group by m.cohort_day, m.user_type
  on conflict (cohort_day, user_type) do update set
    cohort_size = excluded.cohort_size, day_1_active = excluded.day_1_active, day_7_active = excluded.day_7_active,
    day_30_active = excluded.day_30_active, day_1_retention = excluded.day_1_retention,
    day_7_retention = excluded.day_7_retention, day_30_retention = excluded.day_30_retention,
    average_sign_ins = excluded.average_sign_ins, computed_at = excluded.computed_at;
  get diagnostics n = row_count;
  delete from public.analytics_retention_days t
  where t.cohort_day in (rollup_day.day, rollup_day.day - 1, rollup_day.day - 7, rollup_day.day - 30) and t.computed_at <> run_at;
  written := written || jsonb_build_object('retention_cohorts', n);

  return written;
end
$$;

revoke all on function service.rollup_day(date) from public, anon, authenticated;
grant execute on function service.rollup_day(date) to service_role;

comment on function service.rollup_day(date) is
  'Service (and pg_cron): computes the analytics_* rows of one day (and the retention cohorts whose day 0, 1, 7 or 30 it is), replacing what that day had; returns the rows written per table. 22023 for a day not begun.';

create function service.rollup_days(from_day date, to_day date)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  d date := from_day;
begin
  if from_day is null or to_day is null or from_day > to_day or to_day - from_day > 1000 then
    raise exception 'from_day..to_day must be a range of at most 1000 days' using errcode = '22023';
  end if;
  -- In order: a day's month-over-month growth reads the 59 days before it.
  while d <= to_day loop
    perform service.rollup_day(d);
    d := d + 1;
  end loop;
  return to_day - from_day + 1;
end
$$;

revoke all on function service.rollup_days(date, date) from public, anon, authenticated;
grant execute on function service.rollup_days(date, date) to service_role;

comment on function service.rollup_days(date, date) is
  'Service: service.rollup_day for every day of a range, oldest first (a backfill); returns the number of days.';

create function service.rollup_recent_days()
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  today constant date := (now() at time zone coalesce(private.setting('analytics.timezone') #>> '{}', 'UTC'))::date;
begin
  -- The day before yesterday last: its searches' conversion windows (24 h by default) have closed.
  return jsonb_build_object(
    (today - 2)::text, service.rollup_day(today - 2),
    (today - 1)::text, service.rollup_day(today - 1),
    today::text, service.rollup_day(today));
end
$$;

revoke all on function service.rollup_recent_days() from public, anon, authenticated;
grant execute on function service.rollup_recent_days() to service_role;

comment on function service.rollup_recent_days() is
  'Service (pg_cron, hourly): rolls up today so far, yesterday and the day before; returns what each wrote.';

-- Hourly, at 7 past. Without pg_cron (a plain Postgres), a scheduler of one's own calls it.
do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule('rollup-analytics', '7 * * * *', 'select service.rollup_recent_days()');
  end if;
end
$$;
