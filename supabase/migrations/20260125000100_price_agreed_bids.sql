-- The pricing function prices an agreed amount (issue 14: a job's accepted bid). The bid is the
-- provider's price for the job: accept_bid prices it through the same function as every booking
-- (the job's add-ons, the travel fee of the area covering the address, tax, commission), so the
-- invoice, checkout, webhooks and refunds work unchanged.
--
-- private.price_booking as 20260120000600 left it, with two trailing arguments:
--   * agreed_price: replaces the one offering's price (quantity 1, no package); the area's price
--     multiplier does not scale it (it is already the provider's price for this address);
--   * agreed_title: the item line's description (the job's title).
-- Its callers (create_booking, quote_booking) pass seven arguments and are unchanged.

drop function private.price_booking(uuid, jsonb, jsonb, uuid, text, uuid, timestamptz);

create function private.price_booking(
  client_id uuid,
  items jsonb,
  addons jsonb,
  package_id uuid,
  coupon_code text,
  address_id uuid,
  priced_at timestamptz,
  agreed_price bigint default null,
  agreed_title text default null
)
returns jsonb
language plpgsql
stable
set search_path = ''
as $function$
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
  category_ids uuid[];
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

  -- An agreed price (an accepted bid) is the price of one offering, once, with no package: what
  -- the provider bid already is their price for the job, so the area's multiplier leaves it be.
  if agreed_price is not null then
    if jsonb_array_length(items) <> 1 or package_id is not null then
      raise exception 'items: an agreed price is for one offering, without a package' using errcode = '22023';
    end if;
    perform private.bounded_amount(agreed_price, 'agreed price');
  end if;

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
    if agreed_price is not null then
      if quantity <> 1 then
        raise exception 'items[0].quantity: an agreed price is for a quantity of 1' using errcode = '22023';
      end if;
      offering.price := agreed_price;
      offering.title := coalesce(agreed_title, offering.title);
    end if;
    amount := private.bounded_amount(offering.price::numeric * quantity, format('items[%s]', position - 1));
    subtotal := private.bounded_amount(subtotal::numeric + amount, 'total');
    duration := greatest(duration, offering.duration_minutes);
    lines := lines || jsonb_build_object(
      'kind', 'item', 'offering_id', offering.id, 'description', offering.title,
      'quantity', quantity, 'unit_amount', offering.price, 'amount', amount);
  end loop;

  -- The platform's add-ons and packages of the primary offering's category and its parent.
  category_ids := array[primary_offering.category_id,
                        (select c.parent_id from public.categories c where c.id = primary_offering.category_id)];

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
    if multiplier <> 1 and agreed_price is null then
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
    where p.id = package_id and p.is_active
      and (p.offering_id = primary_offering.id or p.category_id = any (category_ids));
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
    where a.id = k::uuid and (a.offering_id = any (offering_ids) or a.category_id = any (category_ids)) and a.is_active);

  for addon in
    select a.* from public.offering_addons a
    where (a.offering_id = any (offering_ids) or a.category_id = any (category_ids)) and a.is_active
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
      'kind', 'addon', 'offering_id', coalesce(addon.offering_id, primary_offering.id), 'addon_id', addon.id,
      'description', addon.name,
      'quantity', quantity, 'unit_amount', addon.price, 'amount', amount);
  end loop;

  if unknown_addon is not null then
    raise exception 'addons: add-on % not found for these offerings', unknown_addon using errcode = 'P0002';
  end if;

  -- A package sells the offering and its add-ons for a fixed price, or at a discount.
  if package.id is not null then
    package_discount := case
      when package.package_price is not null then greatest(package_base - package.package_price, 0)
      else private.round_half_up(package_base * package.discount_percent / 100)
    end;
    lines := lines || jsonb_build_object(
      'kind', 'package_discount', 'package_id', package.id,
      'description', case when package.package_price is not null then format('Package "%s"', package.name)
                          else format('Package "%s" (-%s%%)', package.name, trim_scale(package.discount_percent)) end,
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
$function$;


revoke all on function private.price_booking(uuid, jsonb, jsonb, uuid, text, uuid, timestamptz, bigint, text)
  from public, anon, authenticated, service_role;

comment on function private.price_booking(uuid, jsonb, jsonb, uuid, text, uuid, timestamptz, bigint, text) is
  'The price of a booking as lines and totals (items, area multiplier, package, add-ons, offer or coupon, travel fee, tax, commission); agreed_price: an accepted bid''s amount for its one offering.';
