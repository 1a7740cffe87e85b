-- public.quote_booking: the price of a booking computed by the database for a signed-in
-- client: items × quantity, add-ons, package discount, the coupon's or the best automatic
-- offer, travel fee by distance band, tax by the address's country and the platform commission.
-- Bad input is refused with a message naming the field, nothing priced from the client.
begin;
select plan(79);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('provider2', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('client');
select tests.create_supabase_user('client2');
select tests.create_supabase_user('stranger');
insert into public.provider_profiles (user_id, kind) values
  (tests.get_supabase_uid('provider'), 'service_provider'),
  (tests.get_supabase_uid('provider2'), 'service_provider');

-- Catalog: home (20%) > cleaning (inherits 20%) and repairs (10%); misc without a rate (default 15%).
insert into public.categories (id, parent_id, slug, name, commission_rate) values
  ('c1000000-0000-4000-8000-000000000001', null, 'home', 'Home', 0.2),
  ('c1000000-0000-4000-8000-000000000002', 'c1000000-0000-4000-8000-000000000001', 'cleaning', 'Cleaning', null),
  ('c1000000-0000-4000-8000-000000000003', 'c1000000-0000-4000-8000-000000000001', 'repairs', 'Repairs', 0.1),
  ('c1000000-0000-4000-8000-000000000004', null, 'misc', 'Misc', null),
  ('c1000000-0000-4000-8000-000000000005', null, 'lab', 'Lab tests', 0.5);
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location, scheduled_on) values
  ('a1000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), 'c1000000-0000-4000-8000-000000000002',
   'home_service', 'Deep clean', 5000, 'EUR', 60, 'active', 'online', 'provider'),
  ('a1000000-0000-4000-8000-000000000002', tests.get_supabase_uid('provider'), 'c1000000-0000-4000-8000-000000000002',
   'home_service', 'Window wash', 2000, 'EUR', 30, 'active', 'online', 'provider'),
  ('a1000000-0000-4000-8000-000000000003', tests.get_supabase_uid('provider'), 'c1000000-0000-4000-8000-000000000003',
   'home_service', 'Repair visit', 8000, 'EUR', 60, 'active', 'client_site', 'provider'),
  ('a1000000-0000-4000-8000-000000000004', tests.get_supabase_uid('provider'), 'c1000000-0000-4000-8000-000000000004',
   'service', 'Consultation', 10000, 'EUR', 60, 'active', 'online', 'provider'),
  ('a1000000-0000-4000-8000-000000000005', tests.get_supabase_uid('provider'), 'c1000000-0000-4000-8000-000000000003',
   'service', 'Repair advice', 4000, 'EUR', 30, 'active', 'online', 'provider'),
  ('a1000000-0000-4000-8000-000000000006', tests.get_supabase_uid('provider'), 'c1000000-0000-4000-8000-000000000004',
   'service', 'Unpublished', 1000, 'EUR', 30, 'draft', 'online', 'provider'),
  ('a1000000-0000-4000-8000-000000000007', tests.get_supabase_uid('provider2'), 'c1000000-0000-4000-8000-000000000004',
   'service', 'Other provider''s call', 3000, 'EUR', 30, 'active', 'online', 'provider'),
  ('a2000000-0000-4000-8000-000000000001', null, 'c1000000-0000-4000-8000-000000000005',
   'lab_test', 'Blood panel', 3000, 'EUR', 15, 'active', 'client_site', 'collector'),
  ('a2000000-0000-4000-8000-000000000002', null, 'c1000000-0000-4000-8000-000000000005',
   'lab_test', 'Urine test', 1500, 'EUR', 10, 'active', 'client_site', 'collector');
insert into public.offering_addons (id, offering_id, name, price, price_type, min_quantity, max_quantity, duration_minutes) values
  ('ad000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'Fridge inside', 1500, 'fixed', 0, 3, 0),
  ('ad000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000001', 'Extra room', 1000, 'per_unit', 0, 5, 0),
  ('ad000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000001', 'Extra hour', 2000, 'per_hour', 0, 4, 60),
  ('ad000000-0000-4000-8000-000000000004', 'a1000000-0000-4000-8000-000000000002', 'Ladder hire', 500, 'per_unit', 1, 2, 0);
insert into public.offering_packages (id, offering_id, name, discount_percent, valid_from, valid_until) values
  ('9c000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'Full home', 10, now() - interval '1 day', now() + interval '30 days'),
  ('9c000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000001', 'Spring pack', 15, now() + interval '10 days', null);
insert into public.package_addons (package_id, addon_id, quantity) values
  ('9c000000-0000-4000-8000-000000000001', 'ad000000-0000-4000-8000-000000000002', 2);

-- The quote as the signed-in user, and its totals and lines in one line of text each.
create function tests.quote(items jsonb, addons jsonb default '[]', package_id uuid default null,
                            coupon_code text default null, address_id uuid default null)
returns jsonb
language sql
as $$
  select public.quote_booking(items, addons, package_id, coupon_code, address_id)
$$;
create function tests.totals(quote jsonb)
returns text
language sql
as $$
  select format('subtotal %s, package %s, discount %s, travel %s, tax %s, total %s, commission %s',
                quote ->> 'subtotal', quote ->> 'package_discount', quote ->> 'discount', quote ->> 'travel_fee',
                quote ->> 'tax', quote ->> 'total', quote ->> 'commission')
$$;
create function tests.lines(quote jsonb)
returns text
language sql
as $$
  select string_agg(format('%s: %s %s × %s = %s', l ->> 'kind', l ->> 'description', l ->> 'quantity', l ->> 'unit_amount', l ->> 'amount'),
                    '; ' order by (l ->> 'line_number')::integer)
  from jsonb_array_elements(quote -> 'lines') l
$$;
-- A booking of the Consultation for a user, written as create_booking leaves it.
create function tests.insert_booking(client text, days_ahead integer)
returns uuid
language sql
as $$
  insert into public.bookings (offering_id, client_id, provider_id, scheduled_on, starts_at, ends_at, blocked_during, status,
                               hold_expires_at, currency, total_amount, free_cancellation_hours, late_cancellation_fee_share)
  values ('a1000000-0000-4000-8000-000000000004', tests.get_supabase_uid(client), tests.get_supabase_uid('provider'), 'provider',
          now() + make_interval(days => days_ahead), now() + make_interval(days => days_ahead, hours => 1),
          tstzrange(now() + make_interval(days => days_ahead), now() + make_interval(days => days_ahead, hours => 1)),
          'held', now() + interval '15 minutes', 'EUR', 9000, 24, 0.5)
  returning id
$$;
-- What PostgREST sends for a coupon code that does not apply: status 400 and the body of a 22023
-- (quote_booking answers it without raising, so that the refusal is counted: 20260112000300).
create function tests.refusal(code text)
returns jsonb
language sql
as $$
  select jsonb_build_object('code', '22023', 'details', null, 'hint', null,
                            'message', format('coupon_code: %s is not a valid coupon for this booking', code))
$$;
grant execute on function tests.quote(jsonb, jsonb, uuid, text, uuid), tests.totals(jsonb), tests.lines(jsonb), tests.refusal(text)
  to authenticated;

-- Items and add-ons ---------------------------------------------------------------------------------
select tests.authenticate_as('client');
select is(
  tests.lines(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001", "quantity": 2},
                            {"offering_id": "a1000000-0000-4000-8000-000000000004"}]')),
  'item: Deep clean 2 × 5000 = 10000; item: Consultation 1 × 10000 = 10000',
  'each item costs its price × its quantity (1 when not given)');
select is(
  tests.totals(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001", "quantity": 2},
                             {"offering_id": "a1000000-0000-4000-8000-000000000004"}]')),
  'subtotal 20000, package 0, discount 0, travel 0, tax 0, total 20000, commission 4000',
  'the subtotal adds the items; commission is the first item''s category rate (cleaning inherits 20% from home)');
select is(
  tests.lines(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]',
    '[{"addon_id": "ad000000-0000-4000-8000-000000000001", "quantity": 2}, {"addon_id": "ad000000-0000-4000-8000-000000000002", "quantity": 3},
      {"addon_id": "ad000000-0000-4000-8000-000000000003", "quantity": 2}]')),
  'item: Deep clean 1 × 5000 = 5000; addon: Extra hour 2 × 2000 = 4000; addon: Extra room 3 × 1000 = 3000; addon: Fridge inside 2 × 1500 = 1500',
  'a fixed add-on costs its price once whatever the quantity; per-unit and per-hour ones price × quantity');
select is(
  (tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]',
    '[{"addon_id": "ad000000-0000-4000-8000-000000000003", "quantity": 2}]') -> 'duration_minutes'),
  '180'::jsonb, 'two extra hours lengthen a one-hour booking to three');
select is(
  tests.lines(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000002"}]')),
  'item: Window wash 1 × 2000 = 2000; addon: Ladder hire 1 × 500 = 500',
  'a mandatory add-on (minimum 1) the client leaves out is added at its minimum quantity');
select is(
  (tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000002"}]',
    '[{"addon_id": "ad000000-0000-4000-8000-000000000004", "quantity": 2}]') ->> 'subtotal'),
  '3000', 'a mandatory add-on can be taken above its minimum');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000002"}]', '[{"addon_id": "ad000000-0000-4000-8000-000000000004", "quantity": 0}]')$$,
  '22023', 'addons: quantity 0 of add-on "Ladder hire" is outside 1..2', 'a mandatory add-on cannot be dropped');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]', '[{"addon_id": "ad000000-0000-4000-8000-000000000002", "quantity": 6}]')$$,
  '22023', 'addons: quantity 6 of add-on "Extra room" is outside 0..5', 'an add-on quantity above its maximum is refused, naming addons');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000002"}]', '[{"addon_id": "ad000000-0000-4000-8000-000000000002", "quantity": 1}]')$$,
  'PT404', 'addons: add-on ad000000-0000-4000-8000-000000000002 not found for these offerings',
  'an add-on of an offering not in the booking is refused');

-- Packages ------------------------------------------------------------------------------------------
select is(
  tests.lines(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]', '[]', '9c000000-0000-4000-8000-000000000001')),
  'item: Deep clean 1 × 5000 = 5000; addon: Extra room 2 × 1000 = 2000; package_discount: Package "Full home" (-10%) 1 × -700 = -700',
  'a package brings its add-ons and takes its percentage off the offering and those add-ons');
select is(
  tests.totals(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]', '[]', '9c000000-0000-4000-8000-000000000001')),
  'subtotal 7000, package 700, discount 0, travel 0, tax 0, total 6300, commission 1260',
  'the package discount comes off the total and off the commission base');
select is(
  (tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]',
    '[{"addon_id": "ad000000-0000-4000-8000-000000000002", "quantity": 3}]', '9c000000-0000-4000-8000-000000000001') ->> 'package_discount'),
  '800', 'a client may take more of a packaged add-on, discounted too');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]',
    '[{"addon_id": "ad000000-0000-4000-8000-000000000002", "quantity": 0}]', '9c000000-0000-4000-8000-000000000001')$$,
  '22023', 'addons: package "Full home" includes 2 × "Extra room"; keep at least that many or leave the package out',
  'a package''s add-on cannot be dropped (quantity 0) while the package discount is kept: the error names the package');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]',
    '[{"addon_id": "ad000000-0000-4000-8000-000000000002", "quantity": 1}]', '9c000000-0000-4000-8000-000000000001')$$,
  '22023', 'addons: package "Full home" includes 2 × "Extra room"; keep at least that many or leave the package out',
  'a package''s add-on cannot be taken below the quantity the package includes');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]', '[]', '9c000000-0000-4000-8000-000000000002')$$,
  '22023', format('package_id: package "Spring pack" is not on offer at %s', now()),
  'a package outside its validity window is refused');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', '[]', '9c000000-0000-4000-8000-000000000001')$$,
  'PT404', 'package_id: package 9c000000-0000-4000-8000-000000000001 not found for offering a1000000-0000-4000-8000-000000000004',
  'a package of another offering is refused');

-- Commission ------------------------------------------------------------------------------------------
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000005"}]') ->> 'commission', '400',
  'a subcategory''s own rate wins over its parent''s (repairs 10% of 4000)');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]') ->> 'commission', '1500',
  'without a category or parent rate, the default setting (15%) applies');
select tests.clear_authentication();
update private.settings set value = '0.25' where key = 'pricing.default_commission_rate';
select tests.authenticate_as('client');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]') ->> 'commission', '2500',
  'the default commission is read from the settings');
select tests.clear_authentication();
update private.settings set value = '0.15' where key = 'pricing.default_commission_rate';

-- Automatic offers -----------------------------------------------------------------------------------
insert into public.offers (id, name, percent_off, amount_off, currency, max_discount, min_order_amount, category_id, offering_id,
                           valid_from, valid_until, is_automatic, is_active) values
  ('0f000000-0000-4000-8000-000000000001', 'Home month', 5, null, null, null, 0, 'c1000000-0000-4000-8000-000000000001', null, null, null, true, true),
  ('0f000000-0000-4000-8000-000000000002', 'Clean week', 10, null, null, 800, 0, 'c1000000-0000-4000-8000-000000000002', null, now() - interval '1 day', now() + interval '6 days', true, true),
  ('0f000000-0000-4000-8000-000000000003', 'Big spender', null, 3000, 'EUR', null, 50000, null, null, null, null, true, true),
  ('0f000000-0000-4000-8000-000000000004', 'Old promo', 50, null, null, null, 0, null, null, now() - interval '30 days', now() - interval '1 day', true, true),
  ('0f000000-0000-4000-8000-000000000005', 'Paused promo', 50, null, null, null, 0, null, null, null, null, true, false),
  ('0f000000-0000-4000-8000-000000000006', 'Next month', 50, null, null, null, 0, null, null, now() + interval '30 days', null, true, true);
select tests.authenticate_as('client');
select is(
  tests.lines(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001", "quantity": 2}]')),
  'item: Deep clean 2 × 5000 = 10000; discount: Clean week 1 × -800 = -800',
  'without a code the best automatic offer applies: 10% capped at 800 beats 5% (500); ended, paused and future offers do not count');
select is(
  tests.totals(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001", "quantity": 2}]')),
  'subtotal 10000, package 0, discount 800, travel 0, tax 0, total 9200, commission 1840',
  'commission is the rate × (subtotal − discounts)');
select is(
  (tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001", "quantity": 2}]') ->> 'offer_id'),
  '0f000000-0000-4000-8000-000000000002', 'the quote names the offer applied');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000005"}]') ->> 'discount', '200',
  'an offer on a parent category applies to its subcategories (5% of a 4000 repair)');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]') ->> 'discount', '0',
  'category offers do not apply outside their category');
select is(
  tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}, {"offering_id": "a1000000-0000-4000-8000-000000000004"}]') ->> 'discount',
  '500', 'a category offer is computed on the lines in its scope only (10% of 5000, not of 15000)');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004", "quantity": 5}]') ->> 'discount', '3000',
  'a fixed automatic offer applies once the minimum order (50000) is reached');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004", "quantity": 4}]') ->> 'discount', '0',
  'below its minimum order an automatic offer is silently left out');

-- Coupons --------------------------------------------------------------------------------------------
select tests.clear_authentication();
insert into public.offers (id, name, percent_off, amount_off, currency, max_discount, min_order_amount, offering_id, valid_until) values
  ('0f000000-0000-4000-8000-000000000010', 'Partner 25', 25, null, null, 2000, 0, null, null),
  ('0f000000-0000-4000-8000-000000000011', 'Five off', null, 500, 'EUR', null, 0, null, null),
  ('0f000000-0000-4000-8000-000000000012', 'Five dollars off', null, 500, 'USD', null, 0, null, null),
  ('0f000000-0000-4000-8000-000000000013', 'Big order', 10, null, null, null, 30000, null, null),
  ('0f000000-0000-4000-8000-000000000014', 'Ten percent', 10, null, null, null, 0, null, null),
  ('0f000000-0000-4000-8000-000000000015', 'Consultation ten', 10, null, null, null, 0, 'a1000000-0000-4000-8000-000000000004', null),
  ('0f000000-0000-4000-8000-000000000016', 'Ended', 10, null, null, null, 0, null, now() - interval '1 hour');
insert into public.coupons (id, offer_id, code, max_redemptions, max_per_user, valid_from, valid_until, is_active) values
  ('0c000000-0000-4000-8000-000000000001', '0f000000-0000-4000-8000-000000000010', 'PCT25', null, null, null, null, true),
  ('0c000000-0000-4000-8000-000000000002', '0f000000-0000-4000-8000-000000000011', 'FIVEOFF', null, null, null, null, true),
  ('0c000000-0000-4000-8000-000000000003', '0f000000-0000-4000-8000-000000000012', 'USDOFF', null, null, null, null, true),
  ('0c000000-0000-4000-8000-000000000004', '0f000000-0000-4000-8000-000000000013', 'MIN300', null, null, null, null, true),
  ('0c000000-0000-4000-8000-000000000005', '0f000000-0000-4000-8000-000000000014', 'EXPIRED', null, null, now() - interval '10 days', now() - interval '1 day', true),
  ('0c000000-0000-4000-8000-000000000006', '0f000000-0000-4000-8000-000000000014', 'SOON', null, null, now() + interval '1 day', null, true),
  ('0c000000-0000-4000-8000-000000000007', '0f000000-0000-4000-8000-000000000014', 'PAUSED', null, null, null, null, false),
  ('0c000000-0000-4000-8000-000000000008', '0f000000-0000-4000-8000-000000000014', 'LIMIT2', 2, null, null, null, true),
  ('0c000000-0000-4000-8000-000000000009', '0f000000-0000-4000-8000-000000000014', 'ONCE', null, 1, null, null, true),
  ('0c000000-0000-4000-8000-000000000010', '0f000000-0000-4000-8000-000000000015', 'CALL10', null, null, null, null, true),
  ('0c000000-0000-4000-8000-000000000011', '0f000000-0000-4000-8000-000000000016', 'ENDED', null, null, null, null, true);
select tests.authenticate_as('client');
select is(
  tests.lines(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001", "quantity": 2}]', coupon_code => 'pct25')),
  'item: Deep clean 2 × 5000 = 10000; discount: Partner 25 1 × -2000 = -2000',
  'a percent coupon (codes in any case) replaces the automatic offers and is capped by its maximum discount (25% of 10000 → 2000)');
select is(
  tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001", "quantity": 2}]', coupon_code => 'PCT25') ->> 'coupon_id',
  '0c000000-0000-4000-8000-000000000001', 'the quote names the coupon used');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'FIVEOFF') ->> 'total', '9500',
  'a fixed coupon takes its amount off');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'USDOFF'), tests.refusal('USDOFF'),
  'a fixed coupon in another currency does not apply: 22023, the one answer to every code that does not apply');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]', coupon_code => 'CALL10'), tests.refusal('CALL10'),
  'a coupon for another offering does not apply, and the answer does not say what it is for');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'CALL10') ->> 'discount', '1000',
  'a coupon for the offering booked applies');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'MIN300'), tests.refusal('MIN300'),
  'a coupon below its minimum order is refused without naming the minimum');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004", "quantity": 3}]', coupon_code => 'MIN300') ->> 'discount', '3000',
  'at its minimum order the coupon applies');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'EXPIRED'), tests.refusal('EXPIRED'),
  'an expired coupon is refused, as an unknown code is');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'SOON'), tests.refusal('SOON'),
  'a coupon not valid yet is refused, as an unknown code is');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'ENDED'), tests.refusal('ENDED'),
  'a coupon whose offer has ended is refused, as an unknown code is');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'PAUSED'), tests.refusal('PAUSED'),
  'a switched-off coupon is refused, as an unknown code is');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'NOPE'), tests.refusal('NOPE'),
  'an unknown code is refused with status 400 and the body of a 22023');

-- Limits: LIMIT2 (2 uses in all) is held by client2 and was released by the stranger.
select tests.clear_authentication();
insert into public.coupon_redemptions (coupon_id, booking_id, user_id, status, discount_amount) values
  ('0c000000-0000-4000-8000-000000000008', tests.insert_booking('client2', 20), tests.get_supabase_uid('client2'), 'reserved', 1000),
  ('0c000000-0000-4000-8000-000000000008', tests.insert_booking('stranger', 21), tests.get_supabase_uid('stranger'), 'released', 1000);
select tests.authenticate_as('client');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'LIMIT2') ->> 'discount', '1000',
  'a released use does not count: one of two uses is left');
select tests.clear_authentication();
update public.coupon_redemptions set status = 'redeemed' where user_id = tests.get_supabase_uid('stranger');
select tests.authenticate_as('client');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'LIMIT2')$$,
  '22023', 'coupon_code: LIMIT2 has been used up', 'a coupon reserved and redeemed as many times as its limit is used up');

-- ONCE (once per user): the client books with it, for real.
select tests.clear_authentication();
insert into public.schedules (user_id, timezone, min_notice_minutes) values (tests.get_supabase_uid('provider'), 'UTC', 0);
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select tests.get_supabase_uid('provider'), day, '08:00', '18:00' from generate_series(1, 7) day;
select tests.authenticate_as('client');
select is(
  public.create_booking('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]',
    (select min(starts_at) from public.free_slots('a1000000-0000-4000-8000-000000000004', current_date + 2, current_date + 2)),
    coupon_code => 'ONCE') ->> 'total',
  '9000', 'a booking with a coupon is priced by the same function (10% off 10000)');
select results_eq($$select status::text, discount_amount from public.coupon_redemptions where coupon_id = '0c000000-0000-4000-8000-000000000009'$$,
  $$values ('reserved', 1000::bigint)$$, 'the booking reserved its coupon use');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'ONCE')$$,
  '22023', 'coupon_code: you have already used ONCE the maximum 1 time(s)', 'a client cannot use a once-per-user coupon twice');
select tests.authenticate_as('client2');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'ONCE') ->> 'discount', '1000',
  'another client can still use it');

-- Travel fee and service area -----------------------------------------------------------------------
select tests.clear_authentication();
update public.offers set is_active = false where is_automatic;
insert into public.addresses (id, user_id, line1, city, postal_code, country_code, latitude, longitude) values
  ('dd000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), 'Alexanderplatz 1', 'Berlin', '10178', 'DE', 52.52, 13.405),
  ('dd000000-0000-4000-8000-000000000002', tests.get_supabase_uid('client'), 'Nordweg 1', 'Berlin', '10115', 'DE', 52.63, 13.405),
  ('dd000000-0000-4000-8000-000000000003', tests.get_supabase_uid('client'), 'Weit weg 1', 'Oranienburg', '16515', 'DE', 52.79, 13.405),
  ('dd000000-0000-4000-8000-000000000004', tests.get_supabase_uid('client'), '1 rue de Rivoli', 'Paris', '75001', 'FR', 48.8566, 2.3522),
  ('dd000000-0000-4000-8000-000000000005', tests.get_supabase_uid('stranger'), 'Nebenan 1', 'Berlin', '10178', 'DE', 52.53, 13.41),
  ('dd000000-0000-4000-8000-000000000006', tests.get_supabase_uid('client'), 'Nahweg 1', 'Berlin', '10178', 'DE', 52.525, 13.405);
insert into public.service_areas (provider_id, name, address_id, radius_km, postal_codes, country_code) values
  (tests.get_supabase_uid('provider'), 'Berlin', 'dd000000-0000-4000-8000-000000000001', 20, null, null),
  (null, 'Berlin Mitte', null, null, '{10115, 10117}', 'DE');
insert into public.travel_fee_policies (provider_id, currency, free_radius_km, per_km_fee, minimum_fee, maximum_fee) values
  (tests.get_supabase_uid('provider'), 'EUR', 5, 100, 300, 2000),
  (null, 'EUR', 0, 150, 0, null);
select tests.authenticate_as('client');
select is(
  tests.lines(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000003"}]', address_id => 'dd000000-0000-4000-8000-000000000002')),
  'item: Repair visit 1 × 8000 = 8000; travel_fee: Travel (15 km) 1 × 1000 = 1000',
  'a visit 12.23 km from the centre (give or take the 0.3 km quotes measure from it) is charged for its band, 15 km, at the provider''s fee: 10 km beyond the free 5 at 1.00');
select is(
  tests.totals(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000003"}]', address_id => 'dd000000-0000-4000-8000-000000000002')),
  'subtotal 8000, package 0, discount 0, travel 1000, tax 0, total 9000, commission 800',
  'the travel fee is added to the total but earns no commission');
select is(
  tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000003"}]', address_id => 'dd000000-0000-4000-8000-000000000002') ? 'distance_km',
  false, 'the quote does not give the distance: the travel line''s band is all a client learns of it');
select is(
  tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000003"}]', address_id => 'dd000000-0000-4000-8000-000000000006') ->> 'travel_fee',
  '0', 'a visit inside the free radius (0.56 km from the centre, give or take 0.3 km) travels free');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000003"}]', address_id => 'dd000000-0000-4000-8000-000000000003')$$,
  '22023', 'address_id: the address is outside the service area',
  'an address outside the 20 km area (30.02 km away) is refused without saying how far it is');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000003"}]')$$,
  '22023', 'address_id: Repair visit is done at the client''s address; give one of yours',
  'a visit at the client''s site without an address is refused');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000003"}]', address_id => 'dd000000-0000-4000-8000-000000000005')$$,
  'PT404', 'address_id: address dd000000-0000-4000-8000-000000000005 not found',
  'someone else''s address is refused as unknown');
select tests.clear_authentication();
delete from public.travel_fee_policies where provider_id is not null;
select tests.authenticate_as('client');
select is(
  tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000003"}]', address_id => 'dd000000-0000-4000-8000-000000000002') ->> 'travel_fee',
  '2250', 'a provider without travel fees of their own uses the platform default (the 15 km band × 1.50)');
select is(
  tests.totals(tests.quote('[{"offering_id": "a2000000-0000-4000-8000-000000000001"}, {"offering_id": "a2000000-0000-4000-8000-000000000002", "quantity": 2}]',
    address_id => 'dd000000-0000-4000-8000-000000000002')),
  'subtotal 6000, package 0, discount 0, travel 0, tax 0, total 6000, commission 6000',
  'platform items in the platform''s postcode area travel free, and the platform keeps the whole amount');
select is(
  tests.quote('[{"offering_id": "a2000000-0000-4000-8000-000000000001"}]', address_id => 'dd000000-0000-4000-8000-000000000002') -> 'provider_id',
  'null'::jsonb, 'a quote of platform items has no provider');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a2000000-0000-4000-8000-000000000001"}]', address_id => 'dd000000-0000-4000-8000-000000000003')$$,
  '22023', 'address_id: the address is outside the service area',
  'a collection at an address outside the platform''s postcodes is refused (no centre, no distance to give)');

-- Tax -------------------------------------------------------------------------------------------------
select tests.clear_authentication();
insert into public.tax_rates (country_code, name, rate) values ('DE', 'USt', 0.19), (null, 'VAT', 0.2);
select tests.authenticate_as('client');
select is(
  tests.lines(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000003"}]', address_id => 'dd000000-0000-4000-8000-000000000002')),
  'item: Repair visit 1 × 8000 = 8000; travel_fee: Travel (15 km) 1 × 2250 = 2250; tax: USt (19%) 1 × 1948 = 1948',
  'tax is the address country''s rate on the items and the travel fee (19% of 10250, rounded half up)');
select is(
  tests.totals(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000003"}]', address_id => 'dd000000-0000-4000-8000-000000000002')),
  'subtotal 8000, package 0, discount 0, travel 2250, tax 1948, total 12198, commission 800',
  'tax is added to the total and earns no commission');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]') ->> 'tax', '2000',
  'without an address the default rate applies (20%)');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', address_id => 'dd000000-0000-4000-8000-000000000004') ->> 'tax', '2000',
  'a country without its own rate (France) pays the default rate');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', address_id => 'dd000000-0000-4000-8000-000000000002') ->> 'tax', '1900',
  'an online service is taxed by the country of the address given');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', coupon_code => 'FIVEOFF') ->> 'tax', '1900',
  'tax is computed after the discount (20% of 9500)');

-- Bad input -------------------------------------------------------------------------------------------
select throws_ok($$select tests.quote('{"offering_id": "a1000000-0000-4000-8000-000000000004"}')$$,
  '22023', 'items: expected a JSON array', 'items must be a JSON array');
select throws_ok($$select tests.quote('[]')$$,
  '22023', 'items: a booking needs at least one offering, e.g. [{"offering_id": "…", "quantity": 1}]', 'an empty list of items is refused');
select throws_ok($$select tests.quote(null)$$,
  '22023', 'items: a booking needs at least one offering, e.g. [{"offering_id": "…", "quantity": 1}]', 'no items at all is refused');
select throws_ok($$select tests.quote('[{"offering_id": "not-a-uuid"}]')$$,
  '22023', 'items[0].offering_id: expected a uuid, got "not-a-uuid"', 'an offering id that is not a uuid is refused, naming the item');
select throws_ok($$select tests.quote('[{"quantity": 1}]')$$,
  '22023', 'items[0].offering_id: expected a uuid, got nothing', 'an item without an offering id is refused');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}, {"offering_id": "a1000000-0000-4000-8000-000000000005", "quantity": 1.5}]')$$,
  '22023', 'items[1].quantity: expected a whole number from 0 to 10000, got 1.5', 'a fractional quantity is refused, naming the item');
select throws_ok($$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004", "quantity": "2"}]')$$,
  '22023', 'items[0].quantity: expected a whole number from 0 to 10000, got "2"', 'a quantity given as a string is refused');
select is(tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004", "quantity": 2.0}]') ->> 'subtotal', '20000',
  'a whole quantity written 2.0 is accepted');
select throws_ok($$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004", "quantity": 0}]')$$,
  '22023', 'items[0].quantity: 0 is outside 1..20', 'an item quantity of 0 is refused');
select throws_ok($$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]', '{"addon_id": "x"}')$$,
  '22023', 'addons: expected a JSON array', 'addons must be a JSON array');
select throws_ok($$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]', '[{"addon_id": 5}]')$$,
  '22023', 'addons[0].addon_id: expected a uuid, got 5', 'an add-on id that is not a uuid is refused, naming the add-on');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000001"}]', '[{"addon_id": "ad000000-0000-4000-8000-000000000002", "quantity": -1}]')$$,
  '22023', 'addons[0].quantity: expected a whole number from 0 to 10000, got -1', 'a negative add-on quantity is refused');
select throws_ok($$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000006"}]')$$,
  'PT404', 'items[0].offering_id: offering a1000000-0000-4000-8000-000000000006 not found', 'a draft offering cannot be quoted');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}, {"offering_id": "a1000000-0000-4000-8000-000000000004"}]')$$,
  '22023', 'items[1]: offering a1000000-0000-4000-8000-000000000004 is listed twice; raise its quantity instead', 'an offering listed twice is refused');
select throws_ok(
  $$select tests.quote('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}, {"offering_id": "a1000000-0000-4000-8000-000000000007"}]')$$,
  '22023', 'items[1]: every offering of one booking must come from the same provider, currency, calendar and location',
  'offerings of two providers cannot be booked together');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select public.quote_booking('[{"offering_id": "a1000000-0000-4000-8000-000000000004"}]')$$,
  '42501', null, 'visitors cannot get a quote: sign in first');

select * from finish();
rollback;
