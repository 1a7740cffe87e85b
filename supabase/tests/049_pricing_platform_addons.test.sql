-- The platform's add-ons and packages on a subcategory, and fixed-price packages (issue 21,
-- item 4): admins put them on the catalog, everyone reads them, every offering in the category
-- prices them through the same function as its own.
begin;
set local time zone 'UTC';
select plan(17);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('client');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
select tests.create_provider('plumber', kind => 'service_provider');
insert into public.categories (id, parent_id, slug, name, currency, max_price) values
  ('ca000000-0000-4000-8000-000000000491', null, 'home', 'Home services', 'GBP', 100000),
  ('ca000000-0000-4000-8000-000000000492', 'ca000000-0000-4000-8000-000000000491', 'plumbing', 'Plumbing', null, null);
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
values ('0f000000-0000-4000-8000-000000000491', tests.get_supabase_uid('plumber'), 'ca000000-0000-4000-8000-000000000492',
        'home_service', 'Leak repair', 10000, 'GBP', 60, 'active', 'online');

-- Admins put the platform's add-ons and packages on the subcategory ----------------------------------------
select tests.authenticate_as('admin');
select lives_ok(
  $$insert into public.offering_addons (id, category_id, name, price, price_type, max_quantity)
    values ('ad000000-0000-4000-8000-000000000491', 'ca000000-0000-4000-8000-000000000492', 'Pipe insulation', 2000, 'per_unit', 5)$$,
  '[offering_addons/admin/insert] an admin adds a platform add-on to plumbing');
select lives_ok(
  $$insert into public.offering_packages (id, category_id, name, package_price)
    values ('0b000000-0000-4000-8000-000000000491', 'ca000000-0000-4000-8000-000000000492', 'Winter-proof', 12000)$$,
  'and a fixed-price package');
select lives_ok(
  $$insert into public.package_addons (package_id, addon_id, quantity)
    values ('0b000000-0000-4000-8000-000000000491', 'ad000000-0000-4000-8000-000000000491', 2)$$,
  'bundling two lots of insulation');
select throws_ok(
  $$insert into public.offering_addons (category_id, name, price) values ('ca000000-0000-4000-8000-000000000492', 'Gold taps', 200000)$$,
  '22023', 'price: an add-on costs at most 100000 GBP minor units in category home',
  'a platform add-on is held to the category''s bounds');
select throws_ok(
  $$insert into public.offering_addons (offering_id, category_id, name, price)
    values ('0f000000-0000-4000-8000-000000000491', 'ca000000-0000-4000-8000-000000000492', 'Both', 100)$$,
  '23514', null, 'an add-on belongs to an offering or to a category, not both');
select throws_ok(
  $$insert into public.offering_packages (category_id, name, package_price, discount_percent)
    values ('ca000000-0000-4000-8000-000000000492', 'Both prices', 100, 10)$$,
  '23514', null, 'a package has a fixed price or a discount, not both');

-- Providers and everyone else ----------------------------------------------------------------------------
select tests.authenticate_as('plumber');
select throws_ok(
  $$insert into public.offering_addons (category_id, name, price) values ('ca000000-0000-4000-8000-000000000492', 'Mine', 100)$$,
  '42501', null, '[offering_addons/stranger/insert] a provider cannot add to the platform''s add-ons');
select is_empty($$update public.offering_addons set price = 1 where category_id is not null returning id$$,
  'nor change them');
select lives_ok(
  $$insert into public.offering_packages (id, offering_id, name, package_price)
    values ('0b000000-0000-4000-8000-000000000492', '0f000000-0000-4000-8000-000000000491', 'Repair, fixed', 9000)$$,
  'a provider sells their own offering as a fixed-price package');
select throws_ok(
  $$insert into public.package_addons (package_id, addon_id)
    values ('0b000000-0000-4000-8000-000000000492', 'ad000000-0000-4000-8000-000000000491')$$,
  '22023', 'addon_id: add-on ad000000-0000-4000-8000-000000000491 does not belong to the package''s offering',
  'but cannot bundle the platform''s add-on into it');
select tests.authenticate_as_anon();
select results_eq($$select name from public.offering_addons where category_id is not null$$, $$values ('Pipe insulation')$$,
  '[offering_addons/anon/select] anyone reads the platform''s add-ons');
select results_eq($$select name, package_price from public.offering_packages where category_id is not null$$,
  $$values ('Winter-proof', 12000::bigint)$$, 'and its packages');

-- Priced into the provider's offering -------------------------------------------------------------------------
select tests.authenticate_as('client');
select is(
  (select l - 'line_number' from jsonb_array_elements(public.quote_booking(
     '[{"offering_id": "0f000000-0000-4000-8000-000000000491"}]',
     '[{"addon_id": "ad000000-0000-4000-8000-000000000491", "quantity": 3}]') -> 'lines') l where l ->> 'kind' = 'addon'),
  '{"kind": "addon", "offering_id": "0f000000-0000-4000-8000-000000000491", "addon_id": "ad000000-0000-4000-8000-000000000491",
    "description": "Pipe insulation", "quantity": 3, "unit_amount": 2000, "amount": 6000}'::jsonb,
  'a client adds the platform''s insulation to the plumber''s repair');
select results_eq(
  $$select (q ->> 'subtotal')::bigint, (q ->> 'package_discount')::bigint, (q ->> 'total')::bigint
    from public.quote_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000491"}]',
                              package_id => '0b000000-0000-4000-8000-000000000491') q$$,
  $$values (14000::bigint, 2000::bigint, 12000::bigint)$$,
  'the platform''s winter-proof package: the repair and two lots of insulation (140.00) for its fixed 120.00');
select results_eq(
  $$select (q ->> 'package_discount')::bigint, (q ->> 'total')::bigint,
           (select l ->> 'description' from jsonb_array_elements(q -> 'lines') l where l ->> 'kind' = 'package_discount')
    from public.quote_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000491"}]',
                              package_id => '0b000000-0000-4000-8000-000000000492') q$$,
  $$values (1000::bigint, 9000::bigint, 'Package "Repair, fixed"')$$,
  'the provider''s own fixed-price package costs its price');
select set_config('t.winter', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000491"}]',
  tests.slot(2, '10:00'), '[{"addon_id": "ad000000-0000-4000-8000-000000000491", "quantity": 2}]')::text, true);
select results_eq(
  $$select i.description, i.quantity, i.amount from public.booking_items i where i.booking_id = tests.booking('winter')
    order by i.line_number$$,
  $$values ('Leak repair', 1, 10000::bigint), ('Pipe insulation', 2, 4000::bigint)$$,
  'a booking takes the platform''s add-ons as items of the offering');
select throws_ok(
  $$select public.quote_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000491"}]',
                                '[{"addon_id": "ad000000-0000-4000-8000-000000000499", "quantity": 1}]')$$,
  'PT404', null, 'an add-on of neither the offering nor its categories is unknown');

select * from finish();
rollback;
