-- pricing / quotes: the one function that prices a booking. quote_booking shows it to a
-- client; create_booking calls the same function and stores its lines on the invoice, so
-- no client ever sends an amount.
--
-- Order of operations (all integer minor units, rounding half up):
--   subtotal   = Σ offering price × quantity + Σ add-ons (fixed once, per unit/hour × quantity;
--                mandatory add-ons the client leaves out come at their minimum quantity)
--   package    = package percent of the primary offering and the package's add-ons
--   discount   = the coupon's offer, or else the best automatic offer, on the lines in its
--                scope after the package discount; capped by max_discount and the base
--   travel fee = from the distance between the service address and the nearest service area
--   tax        = rate of the address's country (or the default) × (subtotal − discounts + travel)
--   total      = subtotal − package − discount + travel fee + tax
--   commission = category rate × (subtotal − discounts) for providers' offerings; the
--                platform keeps everything but tax on its own items.

-- Parse helpers: bad JSON from a client becomes a message naming the field, not a cast error.
create function private.json_uuid(value jsonb, field text)
returns uuid
language plpgsql
immutable
set search_path = ''
as $$
begin
  if value is null or jsonb_typeof(value) <> 'string'
     or value #>> '{}' !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception '%: expected a uuid, got %', field, coalesce(value::text, 'nothing') using errcode = '22023';
  end if;
  return (value #>> '{}')::uuid;
end
$$;

create function private.json_quantity(value jsonb, field text)
returns integer
language plpgsql
immutable
set search_path = ''
as $$
begin
  if value is null then
    return 1;
  end if;
  if jsonb_typeof(value) <> 'number' or (value::text)::numeric <> trunc((value::text)::numeric)
     or (value::text)::numeric not between 0 and 10000 then
    raise exception '%: expected a whole number from 0 to 10000, got %', field, value using errcode = '22023';
  end if;
  return (value::text)::numeric::integer;
end
$$;

create function private.json_array(value jsonb, field text)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
begin
  if value is null or jsonb_typeof(value) = 'null' then
    return '[]'::jsonb;
  end if;
  if jsonb_typeof(value) <> 'array' then
    raise exception '%: expected a JSON array', field using errcode = '22023';
  end if;
  return value;
end
$$;

create function private.round_half_up(amount numeric)
returns bigint
language sql
immutable
set search_path = ''
as $$
  select (sign(amount) * floor(abs(amount) + 0.5))::bigint
$$;

-- The whole price of a booking as JSON: lines, totals, currency, duration and the facts
-- create_booking stores (distance, offer, coupon). Raises 22023 / P0002 on bad input.
create function private.price_booking(
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
  subtotal bigint := 0;
  package_base bigint := 0;
  package_discount bigint := 0;
  offer_base bigint;
  discount bigint := 0;
  distance numeric;
  travel bigint := 0;
  tax_rate public.tax_rates;
  tax bigint := 0;
  duration integer := 0;
  commission bigint;
  uses integer;
begin
  -- Offerings ------------------------------------------------------------------------------
  items := private.json_array(items, 'items');
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
    amount := offering.price * quantity;
    subtotal := subtotal + amount;
    duration := greatest(duration, offering.duration_minutes);
    lines := lines || jsonb_build_object(
      'kind', 'item', 'offering_id', offering.id, 'description', offering.title,
      'quantity', quantity, 'unit_amount', offering.price, 'amount', amount);
  end loop;

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
    package_base := primary_offering.price;
  end if;

  -- Add-ons --------------------------------------------------------------------------------
  addons := private.json_array(addons, 'addons');
  for element, position in select e, p from jsonb_array_elements(addons) with ordinality as t (e, p) loop
    addon_quantities := addon_quantities || jsonb_build_object(
      private.json_uuid(element -> 'addon_id', format('addons[%s].addon_id', position - 1))::text,
      private.json_quantity(element -> 'quantity', format('addons[%s].quantity', position - 1)));
  end loop;

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
    addon_quantities := addon_quantities - addon.id::text;
    continue when quantity = 0;
    amount := case addon.price_type when 'fixed' then addon.price else addon.price * quantity end;
    subtotal := subtotal + amount;
    duration := duration + addon.duration_minutes * quantity;
    if package.id is not null and exists (select 1 from public.package_addons pa where pa.package_id = package.id and pa.addon_id = addon.id) then
      package_base := package_base + amount;
    end if;
    lines := lines || jsonb_build_object(
      'kind', 'addon', 'offering_id', addon.offering_id, 'addon_id', addon.id, 'description', addon.name,
      'quantity', quantity, 'unit_amount', addon.price, 'amount', amount);
  end loop;

  if addon_quantities <> '{}' then
    raise exception 'addons: add-on % not found for these offerings', (select min(k) from jsonb_object_keys(addon_quantities) k)
      using errcode = 'P0002';
  end if;

  if package.id is not null then
    package_discount := private.round_half_up(package_base * package.discount_percent / 100);
    lines := lines || jsonb_build_object(
      'kind', 'package_discount', 'package_id', package.id, 'description', format('Package "%s" (-%s%%)', package.name, trim_scale(package.discount_percent)),
      'quantity', 1, 'unit_amount', -package_discount, 'amount', -package_discount);
  end if;

  -- Offer: the coupon's, or the best automatic one -------------------------------------------
  if coupon_code is not null then
    select * into coupon from public.coupons c where c.code operator(extensions.=) coupon_code::extensions.citext;
    if not found or not coupon.is_active then
      raise exception 'coupon_code: % is not a valid coupon', coupon_code using errcode = '22023';
    end if;
    select * into offer from public.offers o where o.id = coupon.offer_id;
    if not offer.is_active
       or priced_at < greatest(coupon.valid_from, offer.valid_from)
       or priced_at >= least(coupon.valid_until, offer.valid_until) then
      raise exception 'coupon_code: % has expired or is not valid yet', coupon_code using errcode = '22023';
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
        raise exception 'coupon_code: % does not apply to these offerings', coupon_code using errcode = '22023';
      end if;
      continue;
    end if;
    if subtotal - package_discount < offer.min_order_amount then
      if coupon.id is not null then
        raise exception 'coupon_code: % needs an order of at least % % minor units', coupon_code, offer.min_order_amount, primary_offering.currency
          using errcode = '22023';
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

  -- Travel fee and service area --------------------------------------------------------------
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
    -- Whole km, rounded up: the fee is per km, and exact distances from chosen points would
    -- let a client triangulate the provider's private centre address.
    distance := ceil(private.distance_to_service_area(primary_offering.provider_id, address.id));
    if distance is null then
      raise exception 'address_id: the address is outside the service area%',
        coalesce(' (' || ceil(private.distance_to_nearest_centre(primary_offering.provider_id, address.id)) || ' km from the nearest centre)', '')
        using errcode = '22023';
    end if;
    select * into policy from public.travel_fee_policies p
    where p.provider_id is not distinct from primary_offering.provider_id;
    if not found then
      select * into policy from public.travel_fee_policies p where p.provider_id is null;
    end if;
    if policy.id is not null and policy.currency = primary_offering.currency then
      travel := private.travel_fee(policy, distance);
    end if;
    if travel > 0 then
      lines := lines || jsonb_build_object('kind', 'travel_fee', 'description', format('Travel (%s km)', distance),
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
    'offer_id', (select (l ->> 'offer_id')::uuid from jsonb_array_elements(lines) l where l ->> 'kind' = 'discount'),
    'coupon_id', coupon.id,
    'package_id', package.id
  );
end
$$;

-- Security definer: pricing reads coupons, centre addresses and redemptions the client may
-- not read; it reveals only the resulting amounts.
create function public.quote_booking(
  items jsonb,
  addons jsonb default '[]',
  package_id uuid default null,
  coupon_code text default null,
  address_id uuid default null
)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if auth.uid() is null then
    raise exception 'sign in to get a quote' using errcode = '42501';
  end if;
  return private.price_booking(auth.uid(), items, addons, package_id, coupon_code, address_id, now());
end
$$;

revoke execute on function public.quote_booking(jsonb, jsonb, uuid, text, uuid) from public, anon;
grant execute on function public.quote_booking(jsonb, jsonb, uuid, text, uuid) to authenticated;

comment on function public.quote_booking(jsonb, jsonb, uuid, text, uuid) is
  'RPC: the price of a booking as create_booking would set it. items: [{"offering_id", "quantity"}] (one provider); addons: [{"addon_id", "quantity"}] (mandatory add-ons not listed come at their minimum quantity); optional package, coupon code and service address (one of yours; required for services at the client''s site). Returns lines and subtotal, package_discount, discount, travel_fee, tax, total, commission in minor units of currency.';
