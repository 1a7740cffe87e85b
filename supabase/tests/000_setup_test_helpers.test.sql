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
--   tests.clear_authentication()             back to the test's own role
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
-- table of ours (inside the file's transaction, so the rollback at its end restores it),
-- keeping only the reference data migrations insert.
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
  where n.nspname = 'public' and c.relkind in ('r', 'p')
    and c.relname not in ('matching_factors', 'provider_rate_bounds', 'notification_categories', 'notification_event_types',
                          'notification_templates', 'notification_topics')
    and not exists (select 1 from pg_catalog.pg_depend d where d.objid = c.oid and d.deptype = 'e');
  execute 'truncate ' || tables || ', private.invoice_counters cascade';
  -- As the Storage API does for its own deletes (storage-api's guard), for this delete only.
  perform set_config('storage.allow_delete_query', 'true', true);
  delete from storage.objects;
  perform set_config('storage.allow_delete_query', 'false', true);
  delete from auth.users;
end
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

select plan(2);
select has_function('tests', 'authenticate_as', array['text'], 'the test helpers are installed');
select has_function('tests', 'start_with_empty_marketplace', 'the seed can be set aside');
select * from finish();
