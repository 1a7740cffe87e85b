-- catalog and scheduling: the privileged bodies of the RPCs move to `private`, behind invoker wrappers.
--
-- The rule (README, "Definer functions"): nothing in an exposed schema is SECURITY DEFINER
-- where anon or authenticated may execute it (Supabase advisors 0028 / 0029). A function that
-- must act with its owner's rights keeps its body in `private`, which PostgREST never
-- exposes; the API keeps the same name, arguments, defaults, result and comment as a one-line
-- SECURITY INVOKER function in `public` that calls it. `alter function ... set schema` moves
-- each body unchanged (they name every object with its schema), with its owner and settings;
-- its grants are then restated explicitly, as are the wrapper's. Behaviour, errors and who may
-- call what do not change: the wrapper runs as the caller, the body as before.

-- search_offerings ----------------------------------------------------------------------------
alter function public.search_offerings(text, uuid, bigint, bigint, character, numeric, public.offering_kind, integer, integer) set schema private;
revoke all on function private.search_offerings(text, uuid, bigint, bigint, character, numeric, public.offering_kind, integer, integer) from public, anon, authenticated, service_role;
grant execute on function private.search_offerings(text, uuid, bigint, bigint, character, numeric, public.offering_kind, integer, integer) to anon, authenticated, service_role;

create function public.search_offerings(
  query text default null,
  category_id uuid default null,
  min_price bigint default null,
  max_price bigint default null,
  currency character default null,
  min_rating numeric default null,
  kind public.offering_kind default null,
  result_limit integer default 20,
  result_offset integer default 0
)
returns setof public.offerings
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.search_offerings(
    query => search_offerings.query,
    category_id => search_offerings.category_id,
    min_price => search_offerings.min_price,
    max_price => search_offerings.max_price,
    currency => search_offerings.currency,
    min_rating => search_offerings.min_rating,
    kind => search_offerings.kind,
    result_limit => search_offerings.result_limit,
    result_offset => search_offerings.result_offset
  )
$$;

revoke all on function public.search_offerings(text, uuid, bigint, bigint, character, numeric, public.offering_kind, integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.search_offerings(text, uuid, bigint, bigint, character, numeric, public.offering_kind, integer, integer) to anon, authenticated, service_role;
comment on function public.search_offerings(text, uuid, bigint, bigint, character, numeric, public.offering_kind, integer, integer) is
  'RPC: active offerings matching a web-style search (websearch_to_tsquery, simple configuration) over title and description, in a category or its subcategories, a price range (minor units), a currency, a kind, a minimum provider rating; best rated first; at most 100 per page.';

-- free_slots ----------------------------------------------------------------------------------
alter function public.free_slots(uuid, date, date, text) set schema private;
revoke all on function private.free_slots(uuid, date, date, text) from public, anon, authenticated, service_role;
grant execute on function private.free_slots(uuid, date, date, text) to anon, authenticated, service_role;

create function public.free_slots(
  offering_id uuid,
  from_date date,
  to_date date,
  timezone text default 'UTC'
)
returns table (starts_at timestamptz, ends_at timestamptz, local_starts_at timestamp, local_ends_at timestamp)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.free_slots(
    offering_id => free_slots.offering_id,
    from_date => free_slots.from_date,
    to_date => free_slots.to_date,
    timezone => free_slots.timezone
  )
$$;

revoke all on function public.free_slots(uuid, date, date, text) from public, anon, authenticated, service_role;
grant execute on function public.free_slots(uuid, date, date, text) to anon, authenticated, service_role;
comment on function public.free_slots(uuid, date, date, text) is
  'RPC: free start times of an offering from from_date to to_date inclusive, dates read in the caller''s timezone (IANA name). Returns instants and the same times on the caller''s wall clock. Excludes held (unexpired), confirmed and in-progress bookings with their buffers, and honours minimum notice and horizon.';
