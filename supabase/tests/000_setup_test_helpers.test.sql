-- Test helpers, installed once per database before the other files run (pg_prove runs
-- files in name order). Not rolled back on purpose: every later file uses them.
--
--   tests.create_supabase_user(identifier, email?, phone?, metadata?)  -> uuid
--   tests.get_supabase_uid(identifier)                                -> uuid
--   tests.grant_role(identifier, role, staff_role?)
--   tests.authenticate_as(identifier)        claims issued through the access token hook
--   tests.authenticate_as_anon()             the anon key's claims
--   tests.authenticate_as_service_role()     the service_role key's claims
--   tests.authenticate_with(claims)          any claims, e.g. forged or expired ones
--   tests.clear_authentication()             back to the test's own role, the request over: what the
--                                            dispatcher does after it commits is done (tests.after_commit())
--   tests.after_commit()                     the recorded changes of bookings, payments and refunds become
--                                            outbox events, as the dispatcher's run makes them
--
-- Fixtures shared by the files (a marketplace to start from, bookings remembered by name):
--   tests.uids(variadic identifiers)                     -> uuid[], sorted
--   tests.slot(days, at_time, timezone?)                 -> timestamptz: <days> from today at <at_time>
--   tests.create_provider(identifier, kind?, stripe_ready?, timezone?) -> uuid
--        a provider with a profile, a calendar open 08:00-20:00 every day with no notice, and
--        (stripe_ready) a Stripe account that takes charges: acct_<identifier>
--   tests.open_marketplace()                             the consulting marketplace most files start from:
--        users client, admin (role admin) and provider (stripe_ready), category 'consulting'
--        (tests.consulting()), offering 'Advice' (tests.advice(): 100.00 EUR, 60 min, online),
--        and room for 50 unpaid holds per client
--   tests.book(name, starts_at, offering?, coupon?)      -> jsonb: create_booking as the current caller, remembered as <name>
--   tests.booking(name) / tests.invoice(name) / tests.invoice_number(name)  what booking <name> created
--   tests.pay_by_card(name)                              what Stripe Checkout and the webhook do when the client
--        pays booking <name>'s invoice by card (session cs_<name>, intent pi_<name>): paid and confirmed
--
-- Authentication is what PostgREST does for a request: set_config('role', ..., true) and
-- set_config('request.jwt.claims', <claims>, true) in the current transaction.

create extension if not exists pgtap with schema extensions;

create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

create or replace function tests.create_supabase_user(
  identifier text, email text default null, phone text default null, metadata jsonb default '{}'
)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  new_id uuid := gen_random_uuid();
begin
  -- Token columns '' as Supabase Auth writes them (NULL breaks its password sign-in).
  insert into auth.users (
    id, aud, role, email, phone, email_confirmed_at, confirmation_token, recovery_token,
    email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at
  ) values (
    new_id, 'authenticated', 'authenticated', coalesce(email, identifier || '@test.local'), phone, now(), '', '', '', '',
    '{"provider": "email", "providers": ["email"]}',
    jsonb_build_object('display_name', identifier) || metadata || jsonb_build_object('test_identifier', identifier),
    now(), now()
  );
  return new_id;
end
$$;

create or replace function tests.get_supabase_uid(identifier text)
returns uuid
language plpgsql
stable
security definer -- callable while impersonating anon or a user, who cannot read auth.users
set search_path = ''
as $$
declare
  found_id uuid;
begin
  select u.id into found_id from auth.users u where u.raw_user_meta_data ->> 'test_identifier' = identifier;
  if found_id is null then
    raise exception 'no test user named %', identifier;
  end if;
  return found_id;
end
$$;

create or replace function tests.grant_role(identifier text, role public.app_role, staff_role public.staff_role default null)
returns void
language sql
set search_path = ''
as $$
  insert into public.user_roles (user_id, role, staff_role)
  values (tests.get_supabase_uid(identifier), role, staff_role)
$$;

create or replace function tests.clear_authentication()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'none', true);
  perform set_config('request.jwt.claims', '', true);
  perform tests.after_commit();
end
$$;

-- What runs after a request commits: the dispatcher turns the recorded changes of bookings,
-- payments and refunds into outbox events (private.apply_notification_changes).
create or replace function tests.after_commit()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform private.apply_notification_changes();
end
$$;

create or replace function tests.authenticate_as(identifier text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  user_id uuid;
  result jsonb;
begin
  perform tests.clear_authentication();
  user_id := tests.get_supabase_uid(identifier);
  result := public.custom_access_token_hook(jsonb_build_object(
    'user_id', user_id,
    'authentication_method', 'password',
    'claims', (
      select jsonb_build_object(
        'iss', 'http://127.0.0.1:54321/auth/v1', 'sub', u.id, 'aud', 'authenticated',
        'exp', extract(epoch from now() + interval '1 hour')::bigint, 'iat', extract(epoch from now())::bigint,
        'email', u.email, 'phone', coalesce(u.phone, ''), 'role', 'authenticated', 'aal', 'aal1',
        'app_metadata', u.raw_app_meta_data, 'user_metadata', u.raw_user_meta_data,
        'session_id', gen_random_uuid(), 'is_anonymous', false)
      from auth.users u where u.id = user_id)
  ));
  if result ? 'error' then
    raise exception 'no token for %: %', identifier, result -> 'error' ->> 'message'
      using errcode = 'P0001';
  end if;
  perform tests.authenticate_with(result -> 'claims');
end
$$;

-- What PostgREST does with a verified JWT: its role and its claims, local to the transaction.
create or replace function tests.authenticate_with(claims jsonb)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform tests.clear_authentication();
  perform set_config('request.jwt.claims', claims::text, true);
  perform set_config('role', claims ->> 'role', true);
end
$$;

create or replace function tests.authenticate_as_anon()
returns void
language sql
set search_path = ''
as $$
  select tests.authenticate_with('{"iss": "supabase-demo", "role": "anon"}')
$$;

create or replace function tests.authenticate_as_service_role()
returns void
language sql
set search_path = ''
as $$
  select tests.authenticate_with('{"iss": "supabase-demo", "role": "service_role"}')
$$;

-- `supabase test db` runs on the database as `supabase db reset` left it, demo seed
-- included. Each test file starts from an empty marketplace instead: this empties every
-- table of ours in public and private (inside the file's transaction, so the rollback at its
-- end restores it), keeping only the reference data migrations insert.
create or replace function tests.start_with_empty_marketplace()
returns void
language plpgsql
set search_path = ''
as $$
declare
  tables text;
begin
  select string_agg(format('%I.%I', n.nspname, c.relname), ', ') into tables
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname in ('public', 'private') and c.relkind in ('r', 'p')
    and format('%I.%I', n.nspname, c.relname) not in (
      'public.matching_factors', 'public.matching_rules', 'public.payment_gateways', 'public.provider_rate_bounds',
      'public.notification_categories',
      'public.notification_event_types', 'public.notification_templates', 'public.notification_topics', 'public.languages',
      'private.settings', 'private.booking_transition_rules', 'private.job_transition_rules', 'private.lab_sample_transition_rules',
      'private.timezone_names', 'private.blockable_tables', 'private.soft_delete_tables', 'private.soft_delete_edges')
    and not exists (select 1 from pg_catalog.pg_depend d where d.objid = c.oid and d.deptype = 'e');
  execute 'truncate ' || tables || ' cascade';
  -- As the Storage API does for its own deletes (storage-api's guard), for this delete only.
  perform set_config('storage.allow_delete_query', 'true', true);
  delete from storage.objects;
  perform set_config('storage.allow_delete_query', 'false', true);
  delete from auth.users;
end
$$;

-- Fixtures ------------------------------------------------------------------------------------------

create or replace function tests.uids(variadic identifiers text[])
returns uuid[]
language sql
stable
set search_path = ''
as $$
  select array(select tests.get_supabase_uid(i) from unnest(identifiers) i order by 1)
$$;

create or replace function tests.slot(days integer, at_time time, timezone text default 'UTC')
returns timestamptz
language sql
stable
set search_path = ''
as $$
  select ((now() at time zone timezone)::date + days + at_time) at time zone timezone
$$;

create or replace function tests.create_provider(
  identifier text,
  kind public.provider_kind default 'consultant',
  stripe_ready boolean default false,
  timezone text default 'UTC'
)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  provider_id uuid := tests.create_supabase_user(identifier, metadata => '{"account_type": "provider"}');
begin
  insert into public.provider_profiles (user_id, kind) values (provider_id, kind);
  if stripe_ready then
    insert into public.provider_payout_accounts (provider_id, stripe_account_id, charges_enabled, payouts_enabled, details_submitted)
    values (provider_id, 'acct_' || identifier, true, true, true);
  end if;
  insert into public.schedules (user_id, timezone, min_notice_minutes) values (provider_id, timezone, 0);
  insert into public.availability_rules (user_id, weekday, start_time, end_time)
  select provider_id, d, '08:00', '20:00' from generate_series(1, 7) d;
  return provider_id;
end
$$;

create or replace function tests.consulting() returns uuid language sql immutable set search_path = ''
as $$ select 'ca000000-0000-4000-8000-000000000001'::uuid $$;

create or replace function tests.advice() returns uuid language sql immutable set search_path = ''
as $$ select '0f000000-0000-4000-8000-000000000001'::uuid $$;

create or replace function tests.open_marketplace()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform tests.create_supabase_user('client');
  perform tests.create_supabase_user('admin');
  perform tests.grant_role('admin', 'admin');
  perform tests.create_provider('provider', stripe_ready => true);
  insert into public.categories (id, slug, name) values (tests.consulting(), 'consulting', 'Consulting');
  insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
  values (tests.advice(), tests.get_supabase_uid('provider'), tests.consulting(), 'service', 'Advice', 10000, 'EUR', 60,
          'active', 'online');
  update private.settings set value = '50' where key = 'bookings.max_live_holds_per_client';
end
$$;

-- Bookings are remembered by name in the transaction's settings (t.<name>), so that later
-- statements, whoever they run as, can refer to them.
create or replace function tests.book(
  name text,
  starts_at timestamptz,
  offering uuid default '0f000000-0000-4000-8000-000000000001',
  coupon text default null
)
returns jsonb
language sql
set search_path = ''
as $$
  select set_config('t.' || name, public.create_booking(jsonb_build_array(jsonb_build_object('offering_id', offering)),
                                                        starts_at, coupon_code => coupon)::text, true)::jsonb
$$;

create or replace function tests.booking(name text) returns uuid language sql stable set search_path = ''
as $$ select (current_setting('t.' || name, true)::jsonb ->> 'booking_id')::uuid $$;

create or replace function tests.invoice(name text) returns uuid language sql stable set search_path = ''
as $$ select (current_setting('t.' || name, true)::jsonb ->> 'invoice_id')::uuid $$;

create or replace function tests.invoice_number(name text) returns text language sql stable set search_path = ''
as $$ select current_setting('t.' || name, true)::jsonb ->> 'invoice_number' $$;

-- The client (signed in now) pays booking <name>'s invoice by card; the webhook then applies
-- Stripe's checkout.session.completed. Leaves the caller signed out.
create or replace function tests.pay_by_card(name text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  checkout jsonb := public.begin_checkout(tests.invoice(name));
begin
  perform tests.authenticate_as_service_role();
  perform service.attach_checkout_session((checkout ->> 'payment_id')::uuid, 'cs_' || name,
                                          'https://checkout.stripe.com/c/pay/cs_' || name, now() + interval '31 minutes');
  perform service.apply_checkout_event('evt_' || name || '_paid', 'checkout.session.completed', now() - interval '1 hour',
                                       'cs_' || name, (checkout ->> 'payment_id')::uuid, 'paid', 'pi_' || name,
                                       (checkout ->> 'amount')::bigint, lower(checkout ->> 'currency'));
  perform tests.clear_authentication();
end
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

select plan(4);
select has_function('tests', 'authenticate_as', array['text'], 'the test helpers are installed');
select has_function('tests', 'start_with_empty_marketplace', 'the seed can be set aside');
select has_function('tests', 'open_marketplace', 'the shared fixtures are installed');
select has_function('tests', 'pay_by_card', array['text'], 'a booking can be paid as Stripe would');
select * from finish();
