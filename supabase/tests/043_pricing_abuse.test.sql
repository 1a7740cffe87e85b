-- Pricing under attack, each attack made as a signed-in client or provider (what PostgREST does
-- for their requests) and shown refused or harmless:
-- * pinpointing a provider's private centre by moving one's own address and reading quotes;
-- * add-on prices that break a category's bounds or overflow the arithmetic;
-- * long lists of add-ons (quadratic work) and items;
-- * deep or large JSON arguments;
-- * guessing coupon codes.
begin;
select plan(49);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('client');
select tests.create_supabase_user('client2');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
insert into public.provider_profiles (user_id, kind) values (tests.get_supabase_uid('provider'), 'service_provider');

-- home: 10.00 to 500.00 EUR; misc: no bounds.
insert into public.categories (id, slug, name, currency, min_price, max_price) values
  ('c1000000-0000-4000-8000-000000000001', 'home', 'Home', 'EUR', 1000, 50000),
  ('c1000000-0000-4000-8000-000000000002', 'misc', 'Misc', null, null, null);
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location, scheduled_on) values
  ('a1000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), 'c1000000-0000-4000-8000-000000000001',
   'home_service', 'Repair visit', 8000, 'EUR', 60, 'active', 'client_site', 'provider'),
  ('a1000000-0000-4000-8000-000000000002', tests.get_supabase_uid('provider'), 'c1000000-0000-4000-8000-000000000002',
   'service', 'Consultation', 10000, 'EUR', 60, 'active', 'online', 'provider'),
  ('a1000000-0000-4000-8000-000000000003', tests.get_supabase_uid('provider'), 'c1000000-0000-4000-8000-000000000002',
   'service', 'Audit', 10000, 'EUR', 60, 'active', 'online', 'provider');
insert into public.offering_addons (id, offering_id, name, price, price_type, min_quantity, max_quantity, duration_minutes) values
  ('ad000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000002', 'Written summary', 2000, 'per_unit', 0, 5, 0);
-- The provider's centre: private (addresses RLS); its service area's radius is public.
insert into public.addresses (id, user_id, line1, city, postal_code, country_code, latitude, longitude) values
  ('dd000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), 'Alexanderplatz 1', 'Berlin', '10178', 'DE', 52.52, 13.405),
  ('dd000000-0000-4000-8000-000000000002', tests.get_supabase_uid('client'), 'Nordweg 1', 'Berlin', '10115', 'DE', 52.63, 13.405),
  ('dd000000-0000-4000-8000-000000000003', tests.get_supabase_uid('client2'), 'Ostweg 1', 'Berlin', '10243', 'DE', 52.51, 13.45);
insert into public.service_areas (provider_id, name, address_id, radius_km) values
  (tests.get_supabase_uid('provider'), 'Berlin', 'dd000000-0000-4000-8000-000000000001', 20);
insert into public.travel_fee_policies (provider_id, currency, free_radius_km, per_km_fee, minimum_fee, maximum_fee) values
  (tests.get_supabase_uid('provider'), 'EUR', 5, 100, 300, 2000);
insert into public.offers (id, name, percent_off, amount_off, currency, offering_id) values
  ('0f000000-0000-4000-8000-000000000001', 'Five off', null, 500, 'EUR', null),
  ('0f000000-0000-4000-8000-000000000002', 'Audit ten', 10, null, null, 'a1000000-0000-4000-8000-000000000003');
insert into public.coupons (offer_id, code) values
  ('0f000000-0000-4000-8000-000000000001', 'FIVEOFF'),
  ('0f000000-0000-4000-8000-000000000002', 'AUDIT10');
insert into public.schedules (user_id, timezone, min_notice_minutes) values (tests.get_supabase_uid('provider'), 'UTC', 0);
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select tests.get_supabase_uid('provider'), day, '08:00', '18:00' from generate_series(1, 7) day;

create function pg_temp.visit(address_id uuid default 'dd000000-0000-4000-8000-000000000002') returns jsonb language sql as $$
  select public.quote_booking('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]', address_id => address_id)
$$;
create function pg_temp.travel_line(quote jsonb) returns text language sql as $$
  select format('%s: %s', l ->> 'description', l ->> 'amount') from jsonb_array_elements(quote -> 'lines') l where l ->> 'kind' = 'travel_fee'
$$;
-- A list of n add-on ids no offering has.
create function pg_temp.unknown_addons(n integer) returns jsonb language sql as $$
  select jsonb_agg(jsonb_build_object('addon_id', gen_random_uuid(), 'quantity', 1)) from generate_series(1, n)
$$;
create function pg_temp.consultation(addons jsonb default '[]', coupon_code text default null) returns jsonb language sql as $$
  select public.quote_booking('[{"offering_id": "a1000000-0000-4000-8000-000000000002"}]', addons, coupon_code => coupon_code)
$$;
grant execute on function pg_temp.visit(uuid), pg_temp.travel_line(jsonb), pg_temp.unknown_addons(integer),
  pg_temp.consultation(jsonb, text)
  to authenticated;

-- 1. A provider's centre cannot be pinpointed ------------------------------------------------------
select tests.authenticate_as('client');
select is(pg_temp.visit() ? 'distance_km', false, 'a quote for a visit gives no distance');
select is(pg_temp.travel_line(pg_temp.visit()), 'Travel (15 km): 1000',
  'a visit 12.23 km from the centre is charged, and shown, as the 15 km band: 10 km beyond the free 5 at 1.00');
select set_config('t.near', pg_temp.visit()::text, true);
select lives_ok($$update public.addresses set latitude = 52.645 where id = 'dd000000-0000-4000-8000-000000000002'$$,
  'the client moves their address 1.7 km further out');
select is(pg_temp.visit(), current_setting('t.near')::jsonb, 'the quote is exactly the same');
select is(pg_temp.travel_line(pg_temp.visit()), 'Travel (15 km): 1000',
  'at 13.9 km the travel line and fee are those at 12.23 km: moving inside a 5 km band tells nothing');
select lives_ok($$update public.addresses set latitude = 52.81 where id = 'dd000000-0000-4000-8000-000000000002'$$,
  'the client moves their address outside the 20 km area');
select throws_ok($$select pg_temp.visit()$$, '22023', 'address_id: the address is outside the service area',
  'outside the area, the refusal does not say how far the centre is');
-- Bisection needs a new position for every question: the client has used 2 of 10 moves today.
do $$
begin
  for step in 1..8 loop
    update public.addresses set latitude = 52.58 + step * 0.001 where id = 'dd000000-0000-4000-8000-000000000002';
  end loop;
end
$$;
select throws_ok($$update public.addresses set latitude = 52.66 where id = 'dd000000-0000-4000-8000-000000000002'$$,
  'PT429', format('latitude: addresses can get new coordinates 10 times in 24 hours; try again after %s', now() + interval '24 hours'),
  'the eleventh move in 24 hours is refused with PT429 (HTTP 429)');
select throws_ok(
  $$insert into public.addresses (user_id, line1, city, country_code, latitude, longitude)
    values (tests.get_supabase_uid('client'), 'Neu 1', 'Berlin', 'DE', 52.6, 13.4)$$,
  'PT429', format('latitude: addresses can get new coordinates 10 times in 24 hours; try again after %s', now() + interval '24 hours'),
  'so is a new address with coordinates');
select lives_ok(
  $$insert into public.addresses (user_id, line1, city, country_code) values (tests.get_supabase_uid('client'), 'Postfach 1', 'Berlin', 'DE')$$,
  'an address without coordinates can still be added');
select lives_ok($$update public.addresses set label = 'Home' where id = 'dd000000-0000-4000-8000-000000000002'$$,
  'and an address renamed');
select is(pg_temp.travel_line(pg_temp.visit()), 'Travel (10 km): 500',
  'the client still gets quotes at the address as it stands (7.56 km: the 10 km band)');
select tests.authenticate_as('client2');
select lives_ok($$update public.addresses set latitude = 52.5 where id = 'dd000000-0000-4000-8000-000000000003'$$,
  'another user''s moves are counted apart');
-- What bisection would find is not the address: quotes measure from a point 0.3 km away from it.
select tests.clear_authentication();
select is(round(private.distance_km(52.52, 13.405, m.latitude, m.longitude), 1), 0.3,
  'quotes measure the area from a point 0.3 km from the provider''s address, in a direction the database keeps secret')
from private.measured_centre(52.52, 13.405) m;
-- A point 20.1 km from that point, on the far side of the address: 19.8 km from the address.
insert into public.addresses (id, user_id, line1, city, country_code, latitude, longitude)
select 'dd000000-0000-4000-8000-000000000004', tests.get_supabase_uid('client2'), 'Feldweg 1', 'Brandenburg', 'DE',
       m.latitude + (52.52 - m.latitude) * 67, m.longitude + (13.405 - m.longitude) * 67
from private.measured_centre(52.52, 13.405) m;
select is(round(private.distance_km(52.52, 13.405, a.latitude, a.longitude), 1), 19.8,
  'a client lives 19.8 km from the provider''s address, inside its 20 km radius ...')
from public.addresses a where a.id = 'dd000000-0000-4000-8000-000000000004';
select tests.authenticate_as('client2');
select throws_ok($$select pg_temp.visit('dd000000-0000-4000-8000-000000000004')$$, '22023', 'address_id: the address is outside the service area',
  '... and is outside the area quotes see: its circle is not drawn around the address');
select tests.authenticate_as('admin');
select lives_ok($$update public.addresses set latitude = 52.62 where id = 'dd000000-0000-4000-8000-000000000002'$$,
  'an admin correcting a client''s address is not limited by the client''s count');

-- 5. Add-on prices are bounded --------------------------------------------------------------------
select tests.authenticate_as('provider');
select throws_ok(
  $$insert into public.offering_addons (offering_id, name, price, price_type, min_quantity, max_quantity)
    values ('a1000000-0000-4000-8000-000000000001', 'Call-out fee', 45000, 'fixed', 1, 1)$$,
  '22023', 'min_quantity: with its mandatory add-ons "Repair visit" would cost 53000 EUR minor units, above the 50000 category home allows',
  'a mandatory add-on cannot re-price an offering above its category''s maximum');
select throws_ok(
  $$insert into public.offering_addons (offering_id, name, price, price_type, max_quantity)
    values ('a1000000-0000-4000-8000-000000000001', 'Gold plating', 60000, 'per_unit', 2)$$,
  '22023', 'price: an add-on costs at most 50000 EUR minor units in category home',
  'an optional add-on costs no more than the category''s maximum');
select lives_ok(
  $$insert into public.offering_addons (offering_id, name, price, price_type, min_quantity, max_quantity)
    values ('a1000000-0000-4000-8000-000000000001', 'Call-out fee', 30000, 'fixed', 1, 1)$$,
  'a mandatory add-on that keeps the offering within bounds is accepted (80.00 + 300.00)');
select throws_ok(
  $$update public.offerings set price = 25000 where id = 'a1000000-0000-4000-8000-000000000001'$$,
  '22023', 'price: with its mandatory add-ons (30000 minor units) the offering would cost 55000, above the 50000 EUR minor units category home allows',
  'nor can the offering''s price then rise past the maximum with its mandatory add-ons');
select throws_ok(
  $$insert into public.offering_addons (offering_id, name, price, price_type, max_quantity)
    values ('a1000000-0000-4000-8000-000000000002', 'Everything', 9223372036854775807, 'per_unit', 2)$$,
  '23514', null, 'an add-on priced 2^63-1 is refused even where the category sets no bounds');
select throws_ok(
  $$insert into public.offering_addons (offering_id, name, price, price_type, max_quantity)
    values ('a1000000-0000-4000-8000-000000000002', 'Pages', 100, 'per_unit', 20000)$$,
  '23514', null, 'an add-on cannot be taken more than 10000 times');
select lives_ok(
  $$insert into public.offering_addons (id, offering_id, name, price, price_type, max_quantity)
    values ('ad000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000002', 'Expert hour', 10000000000, 'per_hour', 10000)$$,
  'the largest price (private.max_amount) is accepted where the category sets no bounds');
select lives_ok(
  $$update public.travel_fee_policies set per_km_fee = 9223372036854775807, maximum_fee = null where provider_id = tests.get_supabase_uid('provider')$$,
  'a provider sets an absurd per-km fee');
select tests.authenticate_as('client');
select throws_ok(
  $$select pg_temp.consultation('[{"addon_id": "ad000000-0000-4000-8000-000000000002", "quantity": 10000}]')$$,
  '22023', 'addons: "Expert hour": more than one booking may cost (at most 10000000000 minor units)',
  'a line above the largest amount is refused with 22023, not an overflow');
select throws_ok(
  $$select public.quote_booking('[{"offering_id": "a1000000-0000-4000-8000-000000000002"}]',
      '[{"addon_id": "ad000000-0000-4000-8000-000000000002", "quantity": 1}, {"addon_id": "ad000000-0000-4000-8000-000000000001", "quantity": 1}]')$$,
  '22023', 'total: more than one booking may cost (at most 10000000000 minor units)',
  'so is a total above it');
select throws_ok($$select pg_temp.visit()$$,
  '22023', 'travel fee: more than one booking may cost (at most 10000000000 minor units)',
  'and a travel fee that would overflow bigint');

-- 6. Long lists are refused before any work --------------------------------------------------------
select throws_ok($$select pg_temp.consultation(pg_temp.unknown_addons(51))$$,
  '22023', 'addons: at most 50 entries, got 51', 'a booking lists at most 50 add-ons');
select throws_ok($$select pg_temp.consultation(pg_temp.unknown_addons(4000))$$,
  '22023', 'addons: at most 50 entries, got 4000', '4,000 unknown add-on ids are refused at once (they took 2 s before)');
select throws_ok(
  $$select public.quote_booking((select jsonb_agg(jsonb_build_object('offering_id', gen_random_uuid())) from generate_series(1, 21)))$$,
  '22023', 'items: at most 20 entries, got 21', 'a booking lists at most 20 offerings');
select throws_ok($$select pg_temp.consultation(pg_temp.unknown_addons(50))$$,
  'PT404', null, '50 add-ons are read, and an unknown one is still named as not found');
select is(
  pg_temp.consultation('[{"addon_id": "ad000000-0000-4000-8000-000000000001", "quantity": 1}, {"addon_id": "ad000000-0000-4000-8000-000000000001", "quantity": 3}]')
    ->> 'subtotal',
  '16000', 'an add-on listed twice is taken at its last quantity, as before (3 × 20.00)');

-- 7. Deep and large JSON is refused by its shape --------------------------------------------------
select throws_ok(
  format($$select pg_temp.consultation('[{"addon_id": "ad000000-0000-4000-8000-000000000001", "quantity": %s%s}]')$$,
         repeat('[', 1000), repeat(']', 1000)),
  '22023', 'addons[0].quantity: expected a whole number from 0 to 10000, got an array',
  'a quantity nested 1,000 levels deep is refused by its kind; the message does not echo it');
select throws_ok(
  format($$select public.quote_booking('[{"offering_id": "a1000000-0000-4000-8000-000000000002", "x": %s1%s}]')$$,
         repeat('{"a":', 10000), repeat('}', 10000)),
  '22023', null, 'an item carrying JSON nested 10,000 levels deep is refused with 22023 before it is read');
select throws_like(
  format($$select public.quote_booking('[{"offering_id": "a1000000-0000-4000-8000-000000000002", "x": %s1%s}]')$$,
         repeat('{"a":', 10000), repeat('}', 10000)),
  'items: at most 16384 bytes of JSON, got %', '... for its size');
select throws_ok(
  $$select public.quote_booking('[["a1000000-0000-4000-8000-000000000002"]]')$$,
  '22023', 'items[0]: expected an object like {"offering_id": "…", "quantity": 1}, got an array',
  'an item that is not an object is refused as such');
select throws_ok(
  format($$select public.quote_booking('[{"offering_id": "%s"}]')$$, repeat('a', 5000)),
  '22023', format('items[0].offering_id: expected a uuid, got "%s…', repeat('a', 39)),
  'a long string is echoed in 40 characters at most');

-- 12. Coupon codes cannot be guessed ---------------------------------------------------------------
select set_config('t.unknown', pg_temp.consultation(coupon_code => 'NOPE42')::text, true);
select set_config('t.scoped', pg_temp.consultation(coupon_code => 'AUDIT10')::text, true);
select is(current_setting('t.scoped')::jsonb,
  '{"code": "22023", "details": null, "hint": null, "message": "coupon_code: AUDIT10 is not a valid coupon for this booking"}'::jsonb,
  'a code that exists for another offering is answered with the body of a 22023 ...');
select is(current_setting('response.status', true), '400', '... sent with HTTP status 400, as a raised 22023');
select is(replace(current_setting('t.scoped'), 'AUDIT10', '<code>'), replace(current_setting('t.unknown'), 'NOPE42', '<code>'),
  'an unknown code gets exactly the same answer: the code''s existence and scope stay hidden');
select is(pg_temp.consultation(coupon_code => 'FIVEOFF') ->> 'discount', '500', 'a valid code applies as before');
select tests.clear_authentication();
select is((select count(*) from private.coupon_failures where user_id = tests.get_supabase_uid('client')), 2::bigint,
  'the two codes that did not apply are counted for the client: the answers did not raise, so PostgREST commits the count');
select tests.authenticate_as('client');
do $$
begin
  for guess in 1..8 loop
    perform pg_temp.consultation(coupon_code => 'GUESS' || guess);
  end loop;
end
$$;
select throws_ok($$select pg_temp.consultation(coupon_code => 'FIVEOFF')$$,
  'PT429', format('coupon_code: 10 coupon codes did not apply in the last hour; try again after %s', now() + interval '1 hour'),
  'after 10 codes that did not apply in an hour, any code, even a valid one, is refused with PT429 (HTTP 429)');
select throws_ok(
  $$select public.create_booking('[{"offering_id": "a1000000-0000-4000-8000-000000000002"}]',
      (select min(starts_at) from public.free_slots('a1000000-0000-4000-8000-000000000002', current_date + 2, current_date + 2)),
      coupon_code => 'FIVEOFF')$$,
  'PT429', format('coupon_code: 10 coupon codes did not apply in the last hour; try again after %s', now() + interval '1 hour'),
  'and so is booking with a code');
select is(pg_temp.consultation() ->> 'total', '10000', 'a quote without a code still works');
select tests.authenticate_as('client2');
select is(
  public.create_booking('[{"offering_id": "a1000000-0000-4000-8000-000000000002"}]',
    (select min(starts_at) from public.free_slots('a1000000-0000-4000-8000-000000000002', current_date + 2, current_date + 2)),
    coupon_code => 'AUDIT10') ->> 'message',
  'coupon_code: AUDIT10 is not a valid coupon for this booking', 'booking with a code that does not apply gets the same answer');
select tests.clear_authentication();
select results_eq(
  $$select (select count(*) from private.coupon_failures where user_id = tests.get_supabase_uid('client2')),
           (select count(*) from public.bookings)$$,
  $$values (1::bigint, 0::bigint)$$,
  'that refusal is counted for the other client, and nothing is booked');
update private.coupon_failures set failed_at = failed_at - interval '61 minutes' where user_id = tests.get_supabase_uid('client');
select tests.authenticate_as('client');
select is(pg_temp.consultation(coupon_code => 'FIVEOFF') ->> 'discount', '500', 'an hour later the client''s codes are looked at again');

select * from finish();
rollback;
