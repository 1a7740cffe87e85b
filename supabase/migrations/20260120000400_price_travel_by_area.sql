-- Travel priced by service area, and addresses located by a geocoder (issue 21, item 2).
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

-- Quotes use the area ------------------------------------------------------------------------------
-- As 20260112000400, with the covering area found before the add-ons (its multiplier scales the
-- items and the package base) and the travel fee the area's own where it has one.
create or replace function private.price_booking(
  client_id uuid,
  items jsonb,
  addons jsonb,
  package_id uuid,
  coupon_code text,
  address_id uuid,
  priced_at timestamptz
)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  lines jsonb := '[]';
  element jsonb;
  position integer;
  primary_offering public.offerings;
  offering public.offerings;
  addon public.offering_addons;
  package public.offering_packages;
  offer public.offers;
  coupon public.coupons;
  policy public.travel_fee_policies;
  address public.addresses;
  quantity integer;
  amount bigint;
  offering_ids uuid[] := '{}';
  addon_quantities jsonb := '{}';
  unknown_addon text;
  subtotal bigint := 0;
  package_base bigint := 0;
  package_discount bigint := 0;
  offer_base bigint;
  discount bigint := 0;
  distance numeric;
  area_id uuid;
  area_name text;
  area_distance numeric;
  area_fee bigint;
  multiplier numeric := 1;
  travel bigint := 0;
  tax_rate public.tax_rates;
  tax bigint := 0;
  duration bigint := 0;
  commission bigint;
  uses integer;
  max_amount constant bigint := private.max_amount();
  coupon_refusal text := format('coupon_code: %s is not a valid coupon for this booking', left(coupon_code, 40));
begin
  -- Arguments: shape and size before anything reads them ------------------------------------
  items := private.json_list(items, 'items', 20, 16384, '{"offering_id": "…", "quantity": 1}');
  addons := private.json_list(addons, 'addons', 50, 16384, '{"addon_id": "…", "quantity": 1}');

  -- Offerings ------------------------------------------------------------------------------
  if jsonb_array_length(items) = 0 then
    raise exception 'items: a booking needs at least one offering, e.g. [{"offering_id": "…", "quantity": 1}]'
      using errcode = '22023';
  end if;
  for element, position in select e, p from jsonb_array_elements(items) with ordinality as t (e, p) loop
    select * into offering from public.offerings o
    where o.id = private.json_uuid(element -> 'offering_id', format('items[%s].offering_id', position - 1))
      and o.status = 'active';
    if not found then
      raise exception 'items[%].offering_id: offering % not found', position - 1, element ->> 'offering_id'
        using errcode = 'P0002';
    end if;
    quantity := private.json_quantity(element -> 'quantity', format('items[%s].quantity', position - 1));
    if quantity not between 1 and 20 then
      raise exception 'items[%].quantity: % is outside 1..20', position - 1, quantity using errcode = '22023';
    end if;
    if offering.id = any (offering_ids) then
      raise exception 'items[%]: offering % is listed twice; raise its quantity instead', position - 1, offering.id
        using errcode = '22023';
    end if;
    if primary_offering.id is null then
      primary_offering := offering;
    elsif offering.provider_id is distinct from primary_offering.provider_id
       or offering.currency <> primary_offering.currency
       or offering.scheduled_on <> primary_offering.scheduled_on
       or offering.location <> primary_offering.location then
      raise exception 'items[%]: every offering of one booking must come from the same provider, currency, calendar and location', position - 1
        using errcode = '22023';
    end if;
    offering_ids := offering_ids || offering.id;
    amount := private.bounded_amount(offering.price::numeric * quantity, format('items[%s]', position - 1));
    subtotal := private.bounded_amount(subtotal::numeric + amount, 'total');
    duration := greatest(duration, offering.duration_minutes);
    lines := lines || jsonb_build_object(
      'kind', 'item', 'offering_id', offering.id, 'description', offering.title,
      'quantity', quantity, 'unit_amount', offering.price, 'amount', amount);
  end loop;

  -- Service area (work at the client's site): the covering area decides the multiplier of the
  -- items' prices and, where it sets one, the travel fee ------------------------------------
  if address_id is not null then
    select * into address from public.addresses a where a.id = address_id and a.user_id = client_id;
    if not found then
      raise exception 'address_id: address % not found', address_id using errcode = 'P0002';
    end if;
  end if;
  if primary_offering.location = 'client_site' then
    if address.id is null then
      raise exception 'address_id: % is done at the client''s address; give one of yours', primary_offering.title
        using errcode = '22023';
    end if;
    select q.area_id, q.name, q.distance, q.travel_fee, q.price_multiplier
    into area_id, area_name, area_distance, area_fee, multiplier
    from private.quoted_area(primary_offering.provider_id, address.id) q;
    if area_id is null then
      if address.latitude is null and address.geocode_status = 'pending' then
        raise exception 'address_id: the address is being located on the map; ask again in a minute'
          using errcode = 'PT409';
      end if;
      raise exception 'address_id: the address is outside the service area' using errcode = '22023';
    end if;
    if multiplier <> 1 then
      lines := (
        select jsonb_agg(case when l ->> 'kind' = 'item' then
                   l || jsonb_build_object('unit_amount', private.round_half_up((l ->> 'unit_amount')::numeric * multiplier),
                                           'amount', private.round_half_up((l ->> 'unit_amount')::numeric * multiplier)
                                                     * (l ->> 'quantity')::bigint)
                 else l end order by n)
        from jsonb_array_elements(lines) with ordinality t (l, n));
      subtotal := private.bounded_amount((select sum((l ->> 'amount')::numeric) from jsonb_array_elements(lines) l), 'total');
    end if;
  end if;

  -- Package: its add-ons come with it unless the client lists them ---------------------------
  if package_id is not null then
    select * into package from public.offering_packages p
    where p.id = package_id and p.offering_id = primary_offering.id and p.is_active;
    if not found then
      raise exception 'package_id: package % not found for offering %', package_id, primary_offering.id using errcode = 'P0002';
    end if;
    if (package.valid_from is not null and priced_at < package.valid_from)
       or (package.valid_until is not null and priced_at >= package.valid_until) then
      raise exception 'package_id: package "%" is not on offer at %', package.name, priced_at using errcode = '22023';
    end if;
    select coalesce(jsonb_object_agg(pa.addon_id::text, pa.quantity), '{}') into addon_quantities
    from public.package_addons pa where pa.package_id = package.id;
    package_base := private.round_half_up(primary_offering.price * multiplier);
  end if;

  -- Add-ons: the listed ones over the package's, in one pass ----------------------------------
  addon_quantities := addon_quantities || private.addon_quantities(addons);
  select min(k) into unknown_addon
  from jsonb_object_keys(addon_quantities) k
  where not exists (
    select 1 from public.offering_addons a
    where a.id = k::uuid and a.offering_id = any (offering_ids) and a.is_active);

  for addon in
    select a.* from public.offering_addons a
    where a.offering_id = any (offering_ids) and a.is_active
      and (a.id::text in (select jsonb_object_keys(addon_quantities)) or a.min_quantity > 0)
    order by a.offering_id, a.name
  loop
    -- A mandatory add-on the client did not list comes at its minimum quantity.
    quantity := coalesce((addon_quantities ->> addon.id::text)::integer, addon.min_quantity);
    if quantity < addon.min_quantity or quantity > addon.max_quantity then
      raise exception 'addons: quantity % of add-on "%" is outside %..%', quantity, addon.name, addon.min_quantity, addon.max_quantity
        using errcode = '22023';
    end if;
    if package.id is not null and quantity < coalesce(
      (select pa.quantity from public.package_addons pa where pa.package_id = package.id and pa.addon_id = addon.id), 0) then
      raise exception 'addons: package "%" includes % × "%"; keep at least that many or leave the package out',
        package.name, (select pa.quantity from public.package_addons pa where pa.package_id = package.id and pa.addon_id = addon.id),
        addon.name using errcode = '22023';
    end if;
    continue when quantity = 0;
    amount := private.bounded_amount(
      case addon.price_type when 'fixed' then addon.price::numeric else addon.price::numeric * quantity end,
      format('addons: "%s"', addon.name));
    subtotal := private.bounded_amount(subtotal::numeric + amount, 'total');
    duration := duration + addon.duration_minutes::bigint * quantity;
    if duration > 10080 then
      raise exception 'addons: the booking would last % minutes, more than a week', duration using errcode = '22023';
    end if;
    if package.id is not null and exists (select 1 from public.package_addons pa where pa.package_id = package.id and pa.addon_id = addon.id) then
      package_base := package_base + amount;
    end if;
    lines := lines || jsonb_build_object(
      'kind', 'addon', 'offering_id', addon.offering_id, 'addon_id', addon.id, 'description', addon.name,
      'quantity', quantity, 'unit_amount', addon.price, 'amount', amount);
  end loop;

  if unknown_addon is not null then
    raise exception 'addons: add-on % not found for these offerings', unknown_addon using errcode = 'P0002';
  end if;

  if package.id is not null then
    package_discount := private.round_half_up(package_base * package.discount_percent / 100);
    lines := lines || jsonb_build_object(
      'kind', 'package_discount', 'package_id', package.id, 'description', format('Package "%s" (-%s%%)', package.name, trim_scale(package.discount_percent)),
      'quantity', 1, 'unit_amount', -package_discount, 'amount', -package_discount);
  end if;

  -- Offer: the coupon's, or the best automatic one -------------------------------------------
  -- A code that is unknown, switched off, outside its window, for other offerings, in another
  -- currency or below its minimum order gets one answer (coupon_refusal, COLUMN coupon_code).
  if coupon_code is not null then
    if coupon_code !~ '^[A-Za-z0-9_-]{3,40}$' then
      raise exception using errcode = '22023', message = coupon_refusal, column = 'coupon_code';
    end if;
    select * into coupon from public.coupons c where c.code operator(extensions.=) coupon_code::extensions.citext;
    if not found or not coupon.is_active then
      raise exception using errcode = '22023', message = coupon_refusal, column = 'coupon_code';
    end if;
    select * into offer from public.offers o where o.id = coupon.offer_id;
    if not offer.is_active
       or priced_at < greatest(coupon.valid_from, offer.valid_from)
       or priced_at >= least(coupon.valid_until, offer.valid_until) then
      raise exception using errcode = '22023', message = coupon_refusal, column = 'coupon_code';
    end if;
    select count(*) into uses from public.coupon_redemptions r where r.coupon_id = coupon.id and r.status <> 'released';
    if uses >= coupon.max_redemptions then
      raise exception 'coupon_code: % has been used up', coupon_code using errcode = '22023';
    end if;
    select count(*) into uses from public.coupon_redemptions r
    where r.coupon_id = coupon.id and r.user_id = client_id and r.status <> 'released';
    if uses >= coupon.max_per_user then
      raise exception 'coupon_code: you have already used % the maximum % time(s)', coupon_code, coupon.max_per_user
        using errcode = '22023';
    end if;
  end if;

  for offer in
    select o.* from public.offers o
    where (coupon.id is not null and o.id = coupon.offer_id)
       or (coupon.id is null and o.is_automatic and o.is_active
           and priced_at >= coalesce(o.valid_from, '-infinity') and priced_at < coalesce(o.valid_until, 'infinity'))
  loop
    select coalesce(sum((l ->> 'amount')::bigint), 0) into offer_base
    from jsonb_array_elements(lines) l
    join public.offerings o on o.id = (l ->> 'offering_id')::uuid
    where l ->> 'kind' in ('item', 'addon')
      and (offer.offering_id is null or o.id = offer.offering_id)
      and (offer.category_id is null or offer.category_id in (o.category_id, (select c.parent_id from public.categories c where c.id = o.category_id)));
    offer_base := greatest(offer_base - package_discount, 0);
    if offer_base = 0 or (offer.amount_off is not null and offer.currency <> primary_offering.currency) then
      if coupon.id is not null then
        raise exception using errcode = '22023', message = coupon_refusal, column = 'coupon_code';
      end if;
      continue;
    end if;
    if subtotal - package_discount < offer.min_order_amount then
      if coupon.id is not null then
        raise exception using errcode = '22023', message = coupon_refusal, column = 'coupon_code';
      end if;
      continue;
    end if;
    amount := least(
      coalesce(offer.amount_off, private.round_half_up(offer_base * offer.percent_off / 100)),
      coalesce(offer.max_discount, offer_base),
      offer_base);
    if amount > discount then
      discount := amount;
      lines := (select coalesce(jsonb_agg(l), '[]') from jsonb_array_elements(lines) l where l ->> 'kind' <> 'discount')
        || jsonb_build_object('kind', 'discount', 'offer_id', offer.id, 'coupon_id', coupon.id, 'description', offer.name,
                              'quantity', 1, 'unit_amount', -amount, 'amount', -amount);
    end if;
  end loop;

  -- Travel fee: the covering area's own, or the policy's for the distance band ---------------
  if area_id is not null then
    distance := private.travel_band_km(area_distance);
    if area_fee is not null then
      travel := private.bounded_amount(area_fee, 'travel fee');
    else
      select * into policy from public.travel_fee_policies p
      where p.provider_id is not distinct from primary_offering.provider_id;
      if not found then
        select * into policy from public.travel_fee_policies p where p.provider_id is null;
      end if;
      if policy.id is not null and policy.currency = primary_offering.currency and distance is not null then
        travel := private.bounded_amount(private.travel_fee(policy, distance), 'travel fee');
      end if;
    end if;
    if travel > 0 then
      lines := lines || jsonb_build_object('kind', 'travel_fee', 'area_id', area_id,
                                           'description', case when distance is null then format('Travel (%s)', area_name)
                                                               else format('Travel (%s km)', distance) end,
                                           'quantity', 1, 'unit_amount', travel, 'amount', travel);
    end if;
  end if;

  -- Tax ------------------------------------------------------------------------------------
  select * into tax_rate from public.tax_rates t
  where t.country_code = address.country_code or t.country_code is null
  order by t.country_code nulls last
  limit 1;
  if tax_rate.id is not null then
    tax := private.round_half_up((subtotal - package_discount - discount + travel) * tax_rate.rate);
    lines := lines || jsonb_build_object('kind', 'tax', 'description', format('%s (%s%%)', tax_rate.name, trim_scale(tax_rate.rate * 100)),
                                         'quantity', 1, 'unit_amount', tax, 'amount', tax);
  end if;
  perform private.bounded_amount(subtotal::numeric - package_discount - discount + travel + tax, 'total');

  commission := case
    when primary_offering.provider_id is null then subtotal - package_discount - discount + travel
    else private.round_half_up((subtotal - package_discount - discount) * private.category_commission_rate(primary_offering.category_id))
  end;

  return jsonb_build_object(
    'currency', primary_offering.currency,
    'offering_id', primary_offering.id,
    'provider_id', primary_offering.provider_id,
    'duration_minutes', duration,
    'lines', (select jsonb_agg(l || jsonb_build_object('line_number', n)) from jsonb_array_elements(lines) with ordinality t (l, n)),
    'subtotal', subtotal,
    'package_discount', package_discount,
    'discount', discount,
    'travel_fee', travel,
    'tax', tax,
    'total', subtotal - package_discount - discount + travel + tax,
    'commission', commission,
    'distance_km', distance,
    'area_id', area_id,
    'price_multiplier', multiplier,
    'offer_id', (select (l ->> 'offer_id')::uuid from jsonb_array_elements(lines) l where l ->> 'kind' = 'discount'),
    'coupon_id', coupon.id,
    'package_id', package.id
  );
end
$$;

-- Addresses that exist without coordinates are located too.
update public.addresses set geocode_status = 'pending' where latitude is null;
