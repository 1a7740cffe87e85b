-- insight / analytics tables (issue 19): the daily rollups of seed 004's analytics app,
-- written only by service.rollup_day (20260130003300), read by admins; a provider reads
-- their own slice (analytics_provider_days).
--
-- A day is a calendar day in the `analytics.timezone` setting (UTC unless set). Money is in
-- integer minor units per currency: every table with money has the currency in its key and
-- never adds two currencies together. Rates are shares (0..1), null when nothing to divide.
--
--   analytics_order_days       OrderAnalytics: orders placed (an order is its invoice: a
--                              booking's, or a purchase of products), new customers' orders,
--                              bookings completed / cancelled / no-show that day, order value,
--                              fees, jobs posted and their bids, active clients and providers
--   analytics_category_days    ServiceCategoryAnalytics: the same per offering category, with
--                              the completion rate
--   analytics_retention_days   UserRetentionAnalytics: per sign-up day and user type, the share
--                              of the cohort active (any activity event) on day 1, 7 and 30
--   analytics_search_days      SearchAnalytics: searches, unique searchers, zero-result
--                              searches, top terms, top categories, search-to-booking conversion
--   analytics_business_days    BusinessMetrics: GMV collected, refunds, net revenue (the
--                              platform's fees), fulfilment rate, processing time, month-over-
--                              month growth
--   analytics_provider_days    one provider's day: their orders, outcomes, earnings, bids

create table public.analytics_order_days (
  day date not null,
  currency char(3) not null,
  orders_placed integer not null default 0,
  booking_orders integer not null default 0,
  purchase_orders integer not null default 0,
  new_orders integer not null default 0,
  completed_orders integer not null default 0,
  cancelled_orders integer not null default 0,
  no_show_orders integer not null default 0,
  order_value bigint not null default 0,
  average_order_value bigint,
  fees bigint not null default 0,
  jobs_posted integer not null default 0,
  bids_placed integer not null default 0,
  average_bids_per_job numeric(8, 2),
  active_clients integer not null default 0,
  active_providers integer not null default 0,
  computed_at timestamptz not null default now(),
  primary key (day, currency)
);

comment on table public.analytics_order_days is
  'Orders per day and currency (seed OrderAnalytics). Read: admins. Written by service.rollup_day.';
comment on column public.analytics_order_days.orders_placed is 'Invoices issued that day: one per booking, one per seller of a products purchase (total_orders).';
comment on column public.analytics_order_days.new_orders is 'Orders that were the client''s first order ever.';
comment on column public.analytics_order_days.completed_orders is 'Bookings that became completed that day (cancelled_orders, no_show_orders likewise).';
comment on column public.analytics_order_days.order_value is 'Sum of the totals of the orders placed that day, minor units (total_revenue of the seed: booked, not yet collected).';
comment on column public.analytics_order_days.fees is 'The platform''s commission on the orders placed that day, minor units.';
comment on column public.analytics_order_days.average_bids_per_job is 'Bids received so far by the jobs posted that day, on average.';

create table public.analytics_category_days (
  day date not null,
  category_id uuid not null references public.categories (id) on delete cascade,
  currency char(3) not null,
  orders_placed integer not null default 0,
  order_value bigint not null default 0,
  fees bigint not null default 0,
  completed_orders integer not null default 0,
  cancelled_orders integer not null default 0,
  no_show_orders integer not null default 0,
  completion_rate numeric(5, 4),
  bids_placed integer not null default 0,
  computed_at timestamptz not null default now(),
  primary key (day, category_id, currency)
);

create index analytics_category_days_category_idx on public.analytics_category_days (category_id, day desc);

comment on table public.analytics_category_days is
  'Orders per day, offering category and currency (seed ServiceCategoryAnalytics). Read: admins. Written by service.rollup_day.';
comment on column public.analytics_category_days.completion_rate is 'completed / (completed + cancelled + no-show) of the bookings that ended that day.';

create table public.analytics_retention_days (
  cohort_day date not null,
  user_type text not null constraint analytics_retention_days_user_type check (user_type in ('client', 'provider')),
  cohort_size integer not null default 0,
  day_1_active integer not null default 0,
  day_7_active integer not null default 0,
  day_30_active integer not null default 0,
  day_1_retention numeric(5, 4),
  day_7_retention numeric(5, 4),
  day_30_retention numeric(5, 4),
  average_sign_ins numeric(8, 2),
  computed_at timestamptz not null default now(),
  primary key (cohort_day, user_type)
);

comment on table public.analytics_retention_days is
  'Sign-up cohorts per day and user type (seed UserRetentionAnalytics): the share active on day 1, 7 and 30 after sign-up. Read: admins. Written by service.rollup_day.';
comment on column public.analytics_retention_days.day_1_active is 'Members with any activity (sign-in, search, booking, purchase) on the day after their sign-up day.';
comment on column public.analytics_retention_days.average_sign_ins is 'Sign-ins per member in the cohort''s first 30 days (the seed''s sessions per user).';

create table public.analytics_search_days (
  day date primary key,
  searches integer not null default 0,
  unique_searchers integer not null default 0,
  searches_with_results integer not null default 0,
  zero_result_searches integer not null default 0,
  zero_result_rate numeric(5, 4),
  top_terms jsonb not null default '[]',
  top_zero_result_terms jsonb not null default '[]',
  top_categories jsonb not null default '[]',
  signed_in_searches integer not null default 0,
  searches_leading_to_bookings integer not null default 0,
  conversion_rate numeric(5, 4),
  conversion_hours integer not null,
  computed_at timestamptz not null default now()
);

comment on table public.analytics_search_days is
  'Searches per day (seed SearchAnalytics). Read: admins. Written by service.rollup_day.';
comment on column public.analytics_search_days.top_terms is 'The 20 most searched terms: [{term, searches, zero_results}], most first.';
comment on column public.analytics_search_days.searches_leading_to_bookings is 'Signed-in searches followed by a booking of the same user within conversion_hours.';
comment on column public.analytics_search_days.conversion_rate is 'searches_leading_to_bookings / signed_in_searches (a visitor''s search cannot be followed to a booking).';

create table public.analytics_business_days (
  day date not null,
  currency char(3) not null,
  gmv bigint not null default 0,
  refunds bigint not null default 0,
  net_revenue bigint not null default 0,
  bookings_ended integer not null default 0,
  fulfilment_rate numeric(5, 4),
  average_processing_hours numeric(10, 2),
  gmv_30_days bigint not null default 0,
  month_over_month_growth numeric(12, 4),
  computed_at timestamptz not null default now(),
  primary key (day, currency)
);

comment on table public.analytics_business_days is
  'Business metrics per day and currency (seed BusinessMetrics). Read: admins. Written by service.rollup_day.';
comment on column public.analytics_business_days.gmv is 'Gross merchandise volume: payments that succeeded that day, minor units.';
comment on column public.analytics_business_days.net_revenue is 'The platform''s fees on those payments, less its share of the refunds that succeeded that day.';
comment on column public.analytics_business_days.fulfilment_rate is 'completed / (completed + cancelled + no-show) of the bookings that ended that day.';
comment on column public.analytics_business_days.average_processing_hours is 'From order to completion, of the bookings completed that day.';
comment on column public.analytics_business_days.month_over_month_growth is 'gmv_30_days (the 30 days ending that day) over the 30 days before, less 1; null without a previous month.';

create table public.analytics_provider_days (
  provider_id uuid not null references public.provider_profiles (user_id) on delete cascade,
  day date not null,
  currency char(3) not null,
  orders_placed integer not null default 0,
  order_value bigint not null default 0,
  completed_orders integer not null default 0,
  cancelled_orders integer not null default 0,
  no_show_orders integer not null default 0,
  earnings bigint not null default 0,
  given_back bigint not null default 0,
  bids_placed integer not null default 0,
  computed_at timestamptz not null default now(),
  primary key (provider_id, day, currency)
);

create index analytics_provider_days_day_idx on public.analytics_provider_days (day);

comment on table public.analytics_provider_days is
  'One provider''s day per currency: orders placed with them, bookings completed / cancelled / no-show, earnings and what refunds and disputes took back (their ledger), bids. Read: the provider and admins. Written by service.rollup_day.';
comment on column public.analytics_provider_days.earnings is 'Ledger earnings that day: payments less the platform''s fee, minor units.';
comment on column public.analytics_provider_days.given_back is 'Their share of refunds and lost disputes that day, minor units (positive).';

-- Access: nobody writes; admins read everything, a provider their own days ---------------------------

alter table public.analytics_order_days enable row level security;
alter table public.analytics_category_days enable row level security;
alter table public.analytics_retention_days enable row level security;
alter table public.analytics_search_days enable row level security;
alter table public.analytics_business_days enable row level security;
alter table public.analytics_provider_days enable row level security;

revoke all on table public.analytics_order_days, public.analytics_category_days, public.analytics_retention_days,
  public.analytics_search_days, public.analytics_business_days, public.analytics_provider_days from anon, authenticated;
grant select on table public.analytics_order_days, public.analytics_category_days, public.analytics_retention_days,
  public.analytics_search_days, public.analytics_business_days, public.analytics_provider_days to authenticated;
grant all on table public.analytics_order_days, public.analytics_category_days, public.analytics_retention_days,
  public.analytics_search_days, public.analytics_business_days, public.analytics_provider_days to service_role;

create policy "admins read the order days"
  on public.analytics_order_days for select to marketbase_admin using ((select private.is_admin()));
create policy "admins read the category days"
  on public.analytics_category_days for select to marketbase_admin using ((select private.is_admin()));
create policy "admins read the retention cohorts"
  on public.analytics_retention_days for select to marketbase_admin using ((select private.is_admin()));
create policy "admins read the search days"
  on public.analytics_search_days for select to marketbase_admin using ((select private.is_admin()));
create policy "admins read the business days"
  on public.analytics_business_days for select to marketbase_admin using ((select private.is_admin()));
create policy "admins read every provider's days"
  on public.analytics_provider_days for select to marketbase_admin using ((select private.is_admin()));
create policy "providers read their own days"
  on public.analytics_provider_days for select to authenticated using (provider_id = (select auth.uid()));
