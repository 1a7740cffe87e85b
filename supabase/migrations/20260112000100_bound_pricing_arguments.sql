-- pricing / arguments: the JSON a client sends to quote_booking and create_booking is bounded in
-- size and shape before anything walks it, and the add-on list is read in one pass.
--
-- Before: items and addons were any JSON arrays of any length. The add-on quantities were built
-- with `||` in a loop, copying the whole map at each element: 4,000 unknown add-on ids took
-- 2 s, 8,000 took 9 s (quadratic). Values were echoed into error messages whole: a quantity
-- nested 10,000 levels deep came back as a 20 kB message, and printing a deeper one can
-- exhaust the stack (54001, a 500 through PostgREST).
--
-- Now, each with 22023 and a message naming the field:
-- * items: a JSON array of at most 20 objects, addons of at most 50, each argument at most
--   16 kB (pg_column_size: constant time, before any element is read). An element that is not
--   an object is refused as such; nothing else in it is read but offering_id / addon_id and
--   quantity, which must be a string and a number.
-- * a value in a message is a scalar of at most 40 characters, or its kind ("an array"): the
--   answer never grows with the input and never re-serialises a nested value.
-- * private.addon_quantities(addons): the add-on map in one aggregate (last listing wins, as
--   before), linear in the list.
--
-- JSON nested more deeply than about 15,000 levels never reaches a function: PostgREST passes
-- the request body to PostgreSQL as json, whose parser stops it with 54001 (stack depth)
-- before any function runs. That limit is PostgreSQL's and PostgREST's, not ours to catch.

-- A JSON value as a message may show it: scalars up to 40 characters, containers by kind.
create function private.json_echo(value jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when value is null then 'nothing'
    when jsonb_typeof(value) in ('array', 'object') then 'an ' || jsonb_typeof(value)
    when length(value::text) > 40 then left(value::text, 40) || '…'
    else value::text
  end
$$;

revoke all on function private.json_echo(jsonb) from public;
grant execute on function private.json_echo(jsonb) to authenticated, service_role;

-- As in 20260105000200, with the value echoed by json_echo.
create or replace function private.json_uuid(value jsonb, field text)
returns uuid
language plpgsql
immutable
set search_path = ''
as $$
begin
  if value is null or jsonb_typeof(value) <> 'string'
     or value #>> '{}' !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception '%: expected a uuid, got %', field, private.json_echo(value) using errcode = '22023';
  end if;
  return (value #>> '{}')::uuid;
end
$$;

-- As in 20260105000200, with the value echoed by json_echo and read as numeric directly.
create or replace function private.json_quantity(value jsonb, field text)
returns integer
language plpgsql
immutable
set search_path = ''
as $$
begin
  if value is null then
    return 1;
  end if;
  if jsonb_typeof(value) <> 'number' or value::numeric <> trunc(value::numeric) or value::numeric not between 0 and 10000 then
    raise exception '%: expected a whole number from 0 to 10000, got %', field, private.json_echo(value) using errcode = '22023';
  end if;
  return value::numeric::integer;
end
$$;

-- A list argument: an array (null for none) of at most max_length objects and max_bytes bytes.
create function private.json_list(value jsonb, field text, max_length integer, max_bytes integer, example text)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
declare
  position integer;
begin
  if value is null or jsonb_typeof(value) = 'null' then
    return '[]'::jsonb;
  end if;
  if jsonb_typeof(value) <> 'array' then
    raise exception '%: expected a JSON array', field using errcode = '22023';
  end if;
  if jsonb_array_length(value) > max_length then
    raise exception '%: at most % entries, got %', field, max_length, jsonb_array_length(value) using errcode = '22023';
  end if;
  if pg_column_size(value) > max_bytes then
    raise exception '%: at most % bytes of JSON, got %', field, max_bytes, pg_column_size(value) using errcode = '22023';
  end if;
  select min(p) into position from jsonb_array_elements(value) with ordinality t (e, p) where jsonb_typeof(e) <> 'object';
  if position is not null then
    raise exception '%[%]: expected an object like %, got %', field, position - 1, example, private.json_echo(value -> (position::integer - 1))
      using errcode = '22023';
  end if;
  return value;
end
$$;

revoke all on function private.json_list(jsonb, text, integer, integer, text) from public;
grant execute on function private.json_list(jsonb, text, integer, integer, text) to authenticated, service_role;

comment on function private.json_list(jsonb, text, integer, integer, text) is
  'A list argument of an RPC checked before it is read: a JSON array (null: empty) of at most max_length objects and max_bytes bytes; 22023 naming the field otherwise.';

-- The add-ons a client lists, as {"<addon_id>": quantity}: one pass, the last listing of an
-- add-on wins. Errors name the first bad element, in list order.
create function private.addon_quantities(addons jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select coalesce(jsonb_object_agg(
           private.json_uuid(e -> 'addon_id', format('addons[%s].addon_id', p - 1))::text,
           private.json_quantity(e -> 'quantity', format('addons[%s].quantity', p - 1))
           order by p), '{}')
  from jsonb_array_elements(addons) with ordinality t (e, p)
$$;

revoke all on function private.addon_quantities(jsonb) from public;
grant execute on function private.addon_quantities(jsonb) to authenticated, service_role;

comment on function private.addon_quantities(jsonb) is
  'The add-on list of a quote as {"<addon_id>": quantity}, built in one aggregate (linear); the last listing of an add-on wins.';
