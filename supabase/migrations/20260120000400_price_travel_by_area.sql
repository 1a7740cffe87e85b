-- Travel priced by service area, and addresses located by a geocoder (issue 21, item 2; the
-- pricing function that uses them is 20260120000600).
--
-- Seed 004's service areas carry their own travel fee and a base-price multiplier; postcode
-- areas always gave 0 km and so no travel fee; and an address the client typed without
-- coordinates could not be measured at all. Now:
--   * service_areas.travel_fee (optional, minor units in the offering's currency): the travel
--     charged for any address the area covers, instead of the distance-band policy;
--     service_areas.price_multiplier (0.5-3, default 1): scales the booked items' prices for
--     addresses the area covers (add-ons keep their prices);
--   * the covering area is chosen by private.quoted_area: a postcode area that lists the
--     address's postcode first, else the nearest radius area; a postcode area without its own
--     fee charges by distance band from the owner's default address (measured, as every quote
--     since 20260112000200, from a point near it, never the address itself);
--   * an address saved without coordinates (or whose text changed) is queued for geocoding:
--     geocode_status 'pending'. The geocode Lambda (functions/geocoding) claims pending
--     addresses through service.addresses_to_geocode and writes what the geocoder found with
--     service.record_geocode; a quote for a pending address answers PT409 ("ask again in a
--     minute") rather than "outside the area". A change of an address's text counts as a move
--     against addresses.max_moves_per_day, as typed coordinates do, so geocoding cannot be
--     used to probe a provider's area.

-- Areas --------------------------------------------------------------------------------------------
alter table public.service_areas
  add column travel_fee bigint
    constraint service_areas_travel_fee_range check (travel_fee between 0 and 10000000000),
  add column price_multiplier numeric(4, 3) not null default 1
    constraint service_areas_price_multiplier_range check (price_multiplier between 0.5 and 3);

comment on column public.service_areas.travel_fee is
  'Travel charged for any address the area covers (minor units, the offering''s currency); empty: the travel fee policy by distance band.';
comment on column public.service_areas.price_multiplier is
  'Multiplies the booked items'' prices for addresses the area covers (0.5-3; add-ons keep theirs).';

grant insert (travel_fee, price_multiplier) on table public.service_areas to authenticated;
grant update (travel_fee, price_multiplier) on table public.service_areas to authenticated;

-- The area a quote charges for: a postcode area listing the address's postcode, else the nearest
-- radius area covering it; with the distance charged (null when nothing can be measured).
-- Security definer: reads the owner's addresses (centres, base) and the secret of the measured
-- points.
create function private.quoted_area(area_owner uuid, address_id uuid)
returns table (area_id uuid, name text, distance numeric, travel_fee bigint, price_multiplier numeric)
language sql
stable
security definer
set search_path = ''
as $$
  with client as (
    select a.latitude, a.longitude, a.country_code, private.normalize_postal_code(a.postal_code) as postal_code
    from public.addresses a where a.id = quoted_area.address_id
  ), base as (
    select m.latitude, m.longitude
    from public.addresses b
    cross join lateral private.measured_centre(b.latitude, b.longitude) m
    where b.user_id = area_owner and b.is_default and b.latitude is not null
    limit 1
  )
  select s.id, s.name,
         case when s.postal_codes is not null
              then (select private.distance_km(base.latitude, base.longitude, client.latitude, client.longitude) from base)
              else private.distance_km(m.latitude, m.longitude, client.latitude, client.longitude) end,
         s.travel_fee, s.price_multiplier
  from client
  join public.service_areas s on s.is_active and s.provider_id is not distinct from area_owner
  left join public.addresses c on c.id = s.address_id
  left join lateral private.measured_centre(c.latitude, c.longitude) m on true
  where (s.postal_codes is not null and client.country_code = s.country_code and client.postal_code = any (s.postal_codes))
     or (s.address_id is not null and client.latitude is not null
         and private.distance_km(m.latitude, m.longitude, client.latitude, client.longitude) <= s.radius_km)
  order by s.postal_codes is null, 3 nulls first, s.id
  limit 1
$$;

revoke all on function private.quoted_area(uuid, uuid) from public, anon;
grant execute on function private.quoted_area(uuid, uuid) to authenticated, service_role;

comment on function private.quoted_area(uuid, uuid) is
  'The owner''s active area covering the address that a quote charges for (postcode match first, else the nearest radius area), with the distance charged from the measured centre or, for a postcode area, from the owner''s default address (null when not measurable), its own travel fee and price multiplier. No row: not covered.';

-- Addresses to locate ------------------------------------------------------------------------------
create type public.geocode_status as enum ('pending', 'located', 'not_found', 'failed');

alter table public.addresses
  add column geocode_status public.geocode_status,
  add column geocode_attempts integer not null default 0,
  add column geocode_claimed_until timestamptz,
  add column geocoded_at timestamptz,
  add column geocoder text constraint addresses_geocoder_length check (char_length(geocoder) <= 40);

create index addresses_geocode_pending_idx on public.addresses (updated_at) where geocode_status = 'pending';

comment on column public.addresses.geocode_status is
  'pending: waiting for the geocoder (a quote answers PT409 meanwhile); located: coordinates from the geocoder; not_found / failed: the geocoder could not place it (give coordinates or fix the text). Empty: coordinates given by the user.';

insert into private.settings (key, value, description) values
  ('addresses.geocode_max_attempts', '5', 'How many times the geocoder tries an address before marking it failed.');

-- One user's new coordinates, counted against addresses.max_moves_per_day (20260112000200).
create function private.count_address_move(mover uuid, moved_address uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  max_moves integer := (private.setting('addresses.max_moves_per_day'))::integer;
  moves integer;
  oldest timestamptz;
begin
  -- One user's moves one at a time, so that parallel requests cannot pass the limit together.
  perform pg_advisory_xact_lock(hashtext('marketbase.address_moves:' || mover::text));
  select count(*), min(m.moved_at) into moves, oldest
  from private.address_moves m
  where m.user_id = mover and m.moved_at > now() - interval '24 hours';
  if moves >= max_moves then
    raise exception 'latitude: addresses can get new coordinates % times in 24 hours; try again after %', max_moves, oldest + interval '24 hours'
      using errcode = 'PT429';
  end if;
  insert into private.address_moves (user_id, address_id) values (mover, moved_address);
  -- A week of a user's moves is kept for admins to look into; older ones go as new ones come.
  delete from private.address_moves m where m.user_id = mover and m.moved_at < now() - interval '7 days';
end
$$;

revoke all on function private.count_address_move(uuid, uuid) from public, anon, authenticated, service_role;

create or replace function private.tg_addresses_limit_moves()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.latitude is null
     or (tg_op = 'UPDATE' and new.latitude is not distinct from old.latitude and new.longitude is not distinct from old.longitude)
     or new.user_id is distinct from auth.uid() then
    return null;
  end if;
  perform private.count_address_move(new.user_id, new.id);
  return null;
end
$$;

-- Before the row is written: an address without coordinates, or whose text changed while its
-- coordinates did not, is queued for the geocoder (the old coordinates no longer describe it).
-- The user's text change counts as a move: the geocoder's coordinates are new coordinates.
create function private.tg_addresses_queue_geocoding()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and (new.line1, new.line2, new.city, new.region, new.postal_code, new.country_code)
                          is not distinct from (old.line1, old.line2, old.city, old.region, old.postal_code, old.country_code)
  then
    return new;
  end if;
  if tg_op = 'UPDATE' and (new.latitude, new.longitude) is distinct from (old.latitude, old.longitude)
     and new.latitude is not null then
    new.geocode_status := null;  -- the user gave the new coordinates with the new text
    return new;
  end if;
  if tg_op = 'INSERT' and new.latitude is not null then
    return new;
  end if;
  new.latitude := null;
  new.longitude := null;
  new.geocode_status := 'pending';
  new.geocode_attempts := 0;
  new.geocode_claimed_until := null;
  if tg_op = 'UPDATE' and new.user_id is not distinct from auth.uid() then
    perform private.count_address_move(new.user_id, new.id);
  end if;
  return new;
end
$$;

revoke all on function private.tg_addresses_queue_geocoding() from public, anon, authenticated, service_role;

create trigger queue_geocoding
  before insert or update of line1, line2, city, region, postal_code, country_code, latitude, longitude on public.addresses
  for each row execute function private.tg_addresses_queue_geocoding();

-- The geocoder's work: pending addresses, claimed for a while so that runs do not overlap.
create function service.addresses_to_geocode(max_rows integer default 10, lease_seconds integer default 60)
returns table (address_id uuid, line1 text, line2 text, city text, region text, postal_code text, country_code text)
language sql
set search_path = ''
as $$
  with due as (
    select a.id from public.addresses a
    where a.geocode_status = 'pending' and (a.geocode_claimed_until is null or a.geocode_claimed_until < now())
    order by a.updated_at
    limit least(greatest(max_rows, 1), 100)
    for update skip locked
  )
  update public.addresses a
  set geocode_claimed_until = now() + make_interval(secs => least(greatest(lease_seconds, 10), 600)),
      geocode_attempts = a.geocode_attempts + 1
  from due where a.id = due.id
  returning a.id, a.line1, a.line2, a.city, a.region, a.postal_code, a.country_code
$$;

revoke all on function service.addresses_to_geocode(integer, integer) from public, anon, authenticated;
grant execute on function service.addresses_to_geocode(integer, integer) to service_role;

comment on function service.addresses_to_geocode(integer, integer) is
  'Service (geocode Lambda): claims up to max_rows pending addresses for lease_seconds and returns what to look up.';

-- What the geocoder found: coordinates (located), nothing (not_found), or an error (failed once
-- the attempts are spent; pending again otherwise). An address edited since its claim is left
-- to the next run.
create function service.record_geocode(
  address_id uuid,
  status public.geocode_status,
  latitude double precision default null,
  longitude double precision default null,
  geocoder text default null
)
returns public.geocode_status
language plpgsql
set search_path = ''
as $$
declare
  address public.addresses;
  result public.geocode_status := status;
begin
  if status = 'located' and (latitude is null or longitude is null) then
    raise exception 'latitude, longitude: a located address needs both' using errcode = '22023';
  end if;
  if status = 'pending' then
    raise exception 'status: record located, not_found or failed' using errcode = '22023';
  end if;
  select * into address from public.addresses a where a.id = record_geocode.address_id for update;
  if not found or address.geocode_status is distinct from 'pending' then
    return address.geocode_status;
  end if;
  if status = 'failed' and address.geocode_attempts < (private.setting('addresses.geocode_max_attempts'))::integer then
    result := 'pending';
  end if;
  -- The coordinates are the geocoder's: the trigger must not queue the address again.
  update public.addresses a
  set latitude = case when result = 'located' then record_geocode.latitude end,
      longitude = case when result = 'located' then record_geocode.longitude end,
      geocode_status = result,
      geocode_claimed_until = null,
      geocoded_at = case when result = 'pending' then a.geocoded_at else now() end,
      geocoder = coalesce(record_geocode.geocoder, a.geocoder)
  where a.id = record_geocode.address_id;
  return result;
end
$$;

revoke all on function service.record_geocode(uuid, public.geocode_status, double precision, double precision, text)
  from public, anon, authenticated;
grant execute on function service.record_geocode(uuid, public.geocode_status, double precision, double precision, text)
  to service_role;

comment on function service.record_geocode(uuid, public.geocode_status, double precision, double precision, text) is
  'Service (geocode Lambda): records the geocoder''s answer for a claimed pending address: located (with coordinates), not_found, or failed (pending again until addresses.geocode_max_attempts). Returns the address''s status.';


-- Addresses that exist without coordinates are located too.
update public.addresses set geocode_status = 'pending' where latitude is null;
