-- pricing / the provider's centre stays private: quotes measure from a point near the centre
-- address, not from it; distances are charged in coarse bands; and a user cannot move their
-- addresses often enough to map a service area.
--
-- The attack: a service area is a public radius around a provider's private address. A client
-- moves one of their own addresses and asks quote_booking for the provider's visit; the answer
-- gave the distance in whole km (distance_km, "Travel (11 km)", "31 km from the nearest
-- centre"), and the fee is per km under a public policy. Each answer flips at a fixed circle
-- around the centre, so bisecting along two lines finds two chords, and the centre, in a few
-- dozen moves.
--
-- Now:
-- * private.measured_centre: quotes measure from a point pricing.centre_offset_km (0.3 km)
--   from the centre address, in a direction fixed by a secret (pricing.centre_secret, made here
--   at random; never change it: each secret gives another point on the same 300 m circle, and
--   two of them narrow the address down) and the address's ~1 km cell (so two addresses of one
--   place share it). Whatever a client learns from quotes is that point: the address is somewhere
--   on a 300 m circle around it. The area's circle, inside or outside, is drawn around it too:
--   a client up to 300 m inside the radius may be outside, or the other way round.
--   private.distance_to_service_area (exact, for the catalog) is unchanged; quotes use
--   private.distance_to_quoted_area.
-- * private.travel_band_km: the distance charged and shown is the band's upper edge: whole km up
--   to 3 km, then 5 km, then the next multiple of 5 km (10.01 km is charged as 15). A quote no
--   longer carries distance_km, and "outside the service area" no longer says how far
--   (20260112000400/0500). One answer places the point in a ring 5 km wide, not 1 km.
-- * Bisection needs a new position for every question, and positions are addresses. A user may
--   give addresses new coordinates (insert with coordinates, or a changed latitude / longitude)
--   addresses.max_moves_per_day times (10) in 24 hours; the next is refused with PT429 (HTTP
--   429) until the oldest leaves the window. Counted in private.address_moves, written in the
--   same transaction as the address, so a refused or rolled-back quote cannot escape the count
--   (a count kept by quote_booking could not see create_booking's answers: every failure rolls
--   back). Only the user's own changes count; admins editing others' addresses and the
--   service role are not limited.
--
-- What is left: the edges of the bands and of the area are circles around the measured point,
-- and a patient client can still bisect one, ten positions a day (three chords of about 17
-- steps: about five days, or several accounts). That finds the measured point, not the address.

insert into private.settings (key, value, description) values
  ('pricing.centre_offset_km', '0.3',
   'How far from a service area''s centre address quotes measure distances from (private.measured_centre); 0: from the address itself.'),
  ('pricing.centre_secret', to_jsonb(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')),
   'Secret that turns each centre address''s measured point (private.measured_centre). Never change it: another secret gives another point on the same circle, and two points narrow the address down.');

-- The point quotes measure a centre address from: offset_km away, in the direction the secret
-- and the address's ~1 km cell (coordinates to 2 decimals) give.
create function private.measured_centre(centre_latitude double precision, centre_longitude double precision)
returns table (latitude double precision, longitude double precision)
language sql
stable
set search_path = ''
as $$
  with turn as (
    select coalesce((private.setting('pricing.centre_offset_km') #>> '{}')::double precision, 0) as offset_km,
           sha256(convert_to(concat_ws(':', private.setting('pricing.centre_secret') #>> '{}',
                                       round(centre_latitude::numeric, 2), round(centre_longitude::numeric, 2)), 'UTF8')) as hash
  ), angle as (
    select offset_km,
           2 * pi() * (get_byte(hash, 0) * 16777216::bigint + get_byte(hash, 1) * 65536 + get_byte(hash, 2) * 256 + get_byte(hash, 3))
             / 4294967296.0 as radians
    from turn
  )
  select centre_latitude + offset_km * cos(radians) / 111.19508,
         centre_longitude + offset_km * sin(radians) / (111.19508 * greatest(cos(radians(centre_latitude)), 0.01))
  from angle
  where centre_latitude is not null and centre_longitude is not null
$$;

revoke all on function private.measured_centre(double precision, double precision) from public;

comment on function private.measured_centre(double precision, double precision) is
  'The point quotes measure a service area''s centre address from: pricing.centre_offset_km away in a secret direction. Reads the secret: call it from a definer body.';

-- Security definer: reads the centre addresses and the secret. As distance_to_service_area
-- (20260102000400), from the measured point instead of the address.
create function private.distance_to_quoted_area(area_owner uuid, address_id uuid)
returns numeric
language sql
stable
security definer
set search_path = ''
as $$
  select min(case when s.postal_codes is not null then 0
                  else private.distance_km(m.latitude, m.longitude, a.latitude, a.longitude) end)
  from public.addresses a
  join public.service_areas s on s.is_active and s.provider_id is not distinct from area_owner
  left join public.addresses c on c.id = s.address_id
  left join lateral private.measured_centre(c.latitude, c.longitude) m on true
  where a.id = distance_to_quoted_area.address_id
    and (
      (s.postal_codes is not null and a.country_code = s.country_code
        and private.normalize_postal_code(a.postal_code) = any (s.postal_codes))
      or (s.address_id is not null and a.latitude is not null
        and private.distance_km(m.latitude, m.longitude, a.latitude, a.longitude) <= s.radius_km)
    )
$$;

revoke all on function private.distance_to_quoted_area(uuid, uuid) from public;
grant execute on function private.distance_to_quoted_area(uuid, uuid) to authenticated, service_role;

comment on function private.distance_to_quoted_area(uuid, uuid) is
  'The distance (km) a quote charges for: from the nearest active area of the owner that covers the address, measured from its private.measured_centre (0 for a postcode match); null when none covers it.';

create function private.travel_band_km(distance numeric)
returns numeric
language sql
immutable
set search_path = ''
as $$
  select case
    when distance is null then null
    when distance <= 3 then ceil(distance)
    when distance <= 5 then 5
    else ceil(distance / 5) * 5
  end
$$;

revoke all on function private.travel_band_km(numeric) from public;
grant execute on function private.travel_band_km(numeric) to authenticated, service_role;

comment on function private.travel_band_km(numeric) is
  'The distance a travel fee is charged for, and the only one a client is shown: whole km up to 3, then 5, then the next multiple of 5 km.';

insert into private.settings (key, value, description) values
  ('addresses.max_moves_per_day', '10',
   'How many times in 24 hours a user may give their addresses new coordinates (a new address with coordinates, or moved ones); beyond it PT429.');

-- Every time a user gave one of their addresses new coordinates. Private: the trigger below
-- writes it, nobody reads it but that trigger (and admins, through SQL).
create table private.address_moves (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  address_id uuid not null,
  moved_at timestamptz not null default now()
);

create index address_moves_user_id_moved_at_idx on private.address_moves (user_id, moved_at);

revoke all on table private.address_moves from public, anon, authenticated, service_role;

comment on table private.address_moves is
  'Coordinates a user gave their own addresses (20260112000200), counted against addresses.max_moves_per_day.';

-- Security definer: writes private.address_moves, which no API role may touch.
create function private.tg_addresses_limit_moves()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  max_moves integer := (private.setting('addresses.max_moves_per_day'))::integer;
  moves integer;
  oldest timestamptz;
begin
  if new.latitude is null
     or (tg_op = 'UPDATE' and new.latitude is not distinct from old.latitude and new.longitude is not distinct from old.longitude)
     or new.user_id is distinct from auth.uid() then
    return null;
  end if;
  -- One user's moves one at a time, so that parallel requests cannot pass the limit together.
  perform pg_advisory_xact_lock(hashtext('marketbase.address_moves:' || new.user_id::text));
  select count(*), min(m.moved_at) into moves, oldest
  from private.address_moves m
  where m.user_id = new.user_id and m.moved_at > now() - interval '24 hours';
  if moves >= max_moves then
    raise exception 'latitude: addresses can get new coordinates % times in 24 hours; try again after %', max_moves, oldest + interval '24 hours'
      using errcode = 'PT429';
  end if;
  insert into private.address_moves (user_id, address_id) values (new.user_id, new.id);
  -- A week of a user's moves is kept for admins to look into; older ones go as new ones come.
  delete from private.address_moves m where m.user_id = new.user_id and m.moved_at < now() - interval '7 days';
  return null;
end
$$;

create trigger limit_moves
  after insert or update of latitude, longitude on public.addresses
  for each row execute function private.tg_addresses_limit_moves();
