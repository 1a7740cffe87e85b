-- catalog and scheduling: the RPCs answer "not found" and "slot taken" with the statuses frontends expect.
--
-- Each wrapper of 20260109* becomes plpgsql: it forwards its arguments to the body in
-- `private` as before and re-raises P0002 as PT404 and 23P01 as PT409 (PostgREST: 404, 409)
-- through private.raise_for_postgrest (20260110000100). Signature, result, grants and the
-- API comment stay; comments that name the codes are restated with the new ones.

-- search_offerings ------------------------------------------------------------------------------
create or replace function public.search_offerings(
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
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return query select * from private.search_offerings(
    query => search_offerings.query,
    category_id => search_offerings.category_id,
    min_price => search_offerings.min_price,
    max_price => search_offerings.max_price,
    currency => search_offerings.currency,
    min_rating => search_offerings.min_rating,
    kind => search_offerings.kind,
    result_limit => search_offerings.result_limit,
    result_offset => search_offerings.result_offset
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- free_slots ------------------------------------------------------------------------------------
create or replace function public.free_slots(
  offering_id uuid,
  from_date date,
  to_date date,
  timezone text default 'UTC'
)
returns table (starts_at timestamptz, ends_at timestamptz, local_starts_at timestamp, local_ends_at timestamp)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return query select * from private.free_slots(
    offering_id => free_slots.offering_id,
    from_date => free_slots.from_date,
    to_date => free_slots.to_date,
    timezone => free_slots.timezone
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;
