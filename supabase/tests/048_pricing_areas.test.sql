-- Travel priced by service area and addresses located by the geocoder (issue 21, item 2): an
-- area's own travel fee and price multiplier, postcode areas measured from the provider's base,
-- addresses without coordinates queued for the geocoder and quoted once located.
begin;
set local time zone 'UTC';
select plan(24);
select tests.start_with_empty_marketplace();

-- Fixture: a plumber based in central London with a radius area (x1.5 in the centre) and a
-- postcode area (flat £25 travel); a cleaner with a postcode area and no fee of its own.
select tests.create_supabase_user('client');
select tests.create_supabase_user('stranger');
select tests.create_provider('plumber', kind => 'service_provider');
select tests.create_provider('cleaner', kind => 'service_provider');
insert into public.categories (id, slug, name) values ('ca000000-0000-4000-8000-000000000048', 'home', 'Home services');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
values
  ('0f000000-0000-4000-8000-000000000481', tests.get_supabase_uid('plumber'), 'ca000000-0000-4000-8000-000000000048',
   'home_service', 'Leak repair', 10000, 'GBP', 60, 'active', 'client_site'),
  ('0f000000-0000-4000-8000-000000000482', tests.get_supabase_uid('cleaner'), 'ca000000-0000-4000-8000-000000000048',
   'home_service', 'Deep clean', 8000, 'GBP', 60, 'active', 'client_site');
insert into public.offering_addons (id, offering_id, name, price, price_type, max_quantity)
values ('ad000000-0000-4000-8000-000000000481', '0f000000-0000-4000-8000-000000000481', 'Valve', 1500, 'per_unit', 4);
insert into public.addresses (id, user_id, label, line1, city, postal_code, country_code, latitude, longitude, is_default) values
  ('aa000000-0000-4000-8000-000000000481', tests.get_supabase_uid('plumber'), 'Workshop', '1 Strand', 'London', 'WC2N 5DU', 'GB',
   51.5074, -0.1278, true),
  ('aa000000-0000-4000-8000-000000000482', tests.get_supabase_uid('cleaner'), 'Base', '1 Strand', 'London', 'WC2N 5DU', 'GB',
   51.5074, -0.1278, true),
  -- The client: near the centre (1.4 km), in Hackney (6.6 km; a postcode the plumber lists), in Croydon (15 km).
  ('aa000000-0000-4000-8000-000000000483', tests.get_supabase_uid('client'), 'Flat', '2 Home Row', 'London', 'EC2A 1AA', 'GB',
   51.5155, -0.0922, false),
  ('aa000000-0000-4000-8000-000000000484', tests.get_supabase_uid('client'), 'Studio', '9 Mare St', 'London', 'E8 4RP', 'GB',
   51.5450, -0.0553, false),
  ('aa000000-0000-4000-8000-000000000485', tests.get_supabase_uid('client'), 'Mum''s', '1 High St', 'Croydon', 'CR0 1NX', 'GB',
   51.3762, -0.0982, false);
insert into public.service_areas (provider_id, name, address_id, radius_km, price_multiplier) values
  (tests.get_supabase_uid('plumber'), 'Central London', 'aa000000-0000-4000-8000-000000000481', 4, 1.5);
insert into public.service_areas (provider_id, name, country_code, postal_codes, travel_fee) values
  (tests.get_supabase_uid('plumber'), 'Hackney', 'GB', '{E8 4RP}', 2500);
insert into public.service_areas (provider_id, name, country_code, postal_codes) values
  (tests.get_supabase_uid('cleaner'), 'Hackney', 'GB', '{E8 4RP}');
insert into public.travel_fee_policies (provider_id, currency, free_radius_km, per_km_fee, minimum_fee, maximum_fee) values
  (tests.get_supabase_uid('plumber'), 'GBP', 1, 500, 300, 5000),
  (tests.get_supabase_uid('cleaner'), 'GBP', 1, 200, 300, 5000);
update private.settings set value = '0' where key = 'pricing.centre_offset_km';

create function pg_temp.quote(offering text, address text, addons jsonb default '[]') returns jsonb language sql as $$
  select public.quote_booking(jsonb_build_array(jsonb_build_object('offering_id', offering)), addons,
                              address_id => address::uuid)
$$;
create function pg_temp.line(quote jsonb, kind text) returns jsonb language sql immutable as $$
  select l - 'line_number' from jsonb_array_elements(quote -> 'lines') l where l ->> 'kind' = kind
$$;
grant execute on function pg_temp.quote(text, text, jsonb), pg_temp.line(jsonb, text) to authenticated;

-- An area's multiplier and its own travel fee ----------------------------------------------------------
select tests.authenticate_as('client');
select set_config('t.q', pg_temp.quote('0f000000-0000-4000-8000-000000000481', 'aa000000-0000-4000-8000-000000000483',
                                       '[{"addon_id": "ad000000-0000-4000-8000-000000000481", "quantity": 2}]')::text, true);
select is(pg_temp.line(current_setting('t.q')::jsonb, 'item') ->> 'unit_amount', '15000',
  'in central London the plumber''s £100 repair costs £150 (the area''s x1.5)');
select is(pg_temp.line(current_setting('t.q')::jsonb, 'addon') ->> 'amount', '3000', 'add-ons keep their price');
select is((current_setting('t.q')::jsonb ->> 'subtotal')::bigint, 18000::bigint, 'the subtotal adds the scaled item and the add-ons');
select is((current_setting('t.q')::jsonb ->> 'travel_fee')::bigint, 1000::bigint,
  'travel by the policy''s distance band from the centre (2.6 km: the 3 km band, 2 km beyond the free one: £10)');
select set_config('t.q', pg_temp.quote('0f000000-0000-4000-8000-000000000481', 'aa000000-0000-4000-8000-000000000484')::text, true);
select is(pg_temp.line(current_setting('t.q')::jsonb, 'travel_fee'),
  jsonb_build_object('kind', 'travel_fee', 'area_id', (select id from public.service_areas where name = 'Hackney'
                                                       and provider_id = tests.get_supabase_uid('plumber')),
                     'description', 'Travel (10 km)', 'quantity', 1, 'unit_amount', 2500, 'amount', 2500),
  'in Hackney the postcode area''s own £25 travel fee applies, whatever the distance');
select is(pg_temp.line(current_setting('t.q')::jsonb, 'item') ->> 'unit_amount', '10000', 'at the base price there');
select throws_ok($$select pg_temp.quote('0f000000-0000-4000-8000-000000000481', 'aa000000-0000-4000-8000-000000000485')$$,
  '22023', 'address_id: the address is outside the service area', 'Croydon is outside both areas');

-- A postcode area without a fee of its own is priced by distance from the provider's base -------------
select is((pg_temp.quote('0f000000-0000-4000-8000-000000000482', 'aa000000-0000-4000-8000-000000000484') ->> 'travel_fee')::bigint,
  1800::bigint, 'the cleaner''s postcode area charges by distance from the base (6.5 km: the 10 km band, £2/km beyond the first: £18), no longer 0 km');

-- Addresses without coordinates go to the geocoder -------------------------------------------------------
select lives_ok(
  $$insert into public.addresses (user_id, label, line1, city, postal_code, country_code)
    values (auth.uid(), 'Office', '30 St Mary Axe', 'London', 'EC3A 8BF', 'GB')$$,
  'a client saves an address without coordinates');
select is((select geocode_status::text from public.addresses where label = 'Office'), 'pending', 'it waits for the geocoder');
select throws_ok($$select pg_temp.quote('0f000000-0000-4000-8000-000000000481', (select id::text from public.addresses where label = 'Office'))$$,
  'PT409', 'address_id: the address is being located on the map; ask again in a minute',
  'a quote for it says to ask again shortly, not that it is outside');
select throws_ok($$select * from service.addresses_to_geocode()$$, '42501', null, 'only the service role claims addresses');

select tests.authenticate_as_service_role();
select results_eq($$select address_id, line1, postal_code from service.addresses_to_geocode(10)$$,
  $$select id, '30 St Mary Axe', 'EC3A 8BF' from public.addresses where label = 'Office'$$,
  'the geocoder claims the pending address with what to look up');
select is_empty($$select * from service.addresses_to_geocode(10)$$, 'a claimed address is not handed out twice while leased');
select is(service.record_geocode((select id from public.addresses where label = 'Office'), 'located', 51.5145, -0.0803, 'nominatim'),
  'located'::public.geocode_status, 'the geocoder records the coordinates it found');
select tests.authenticate_as('client');
select is((pg_temp.quote('0f000000-0000-4000-8000-000000000481', (select id::text from public.addresses where label = 'Office')) ->> 'travel_fee')::bigint,
  2000::bigint, 'once located, the address is quoted by distance (3.5 km: the 5 km band, £20)');

-- Editing the text starts over, and counts as a move --------------------------------------------------------
select tests.clear_authentication();
update private.settings set value = '1' where key = 'addresses.max_moves_per_day';
select tests.authenticate_as('client');
select lives_ok($$update public.addresses set line1 = '1 Undershaft' where label = 'Office'$$, 'the client corrects the street');
select results_eq($$select geocode_status::text, latitude is null from public.addresses where label = 'Office'$$,
  $$values ('pending', true)$$, 'the old coordinates go and the address is located again');
select throws_ok($$update public.addresses set line1 = '2 Undershaft' where label = 'Office'$$, 'PT429', null,
  'text changes count against the daily moves: the geocoder cannot be used to probe an area');
select lives_ok($$update public.addresses set label = 'Work' where label = 'Office'$$, 'a new label is not a move');

-- What the geocoder cannot place ----------------------------------------------------------------------------------
select tests.clear_authentication();
update private.settings set value = '2' where key = 'addresses.geocode_max_attempts';
select tests.authenticate_as_service_role();
select is((select service.record_geocode(a.address_id, 'failed') from service.addresses_to_geocode(1) a), 'pending'::public.geocode_status,
  'a failed lookup is tried again');
update public.addresses set geocode_claimed_until = null where label = 'Work';
select is((select service.record_geocode(a.address_id, 'failed') from service.addresses_to_geocode(1) a), 'failed'::public.geocode_status,
  'until the attempts are spent');

-- Who sets an area's prices -----------------------------------------------------------------------------------------
select tests.authenticate_as('plumber');
select lives_ok($$update public.service_areas set price_multiplier = 1.25, travel_fee = 900 where name = 'Central London'$$,
  'a provider sets their own area''s multiplier and travel fee');
select tests.authenticate_as('stranger');
select is_empty($$update public.service_areas set price_multiplier = 3 returning id$$, 'nobody else does');
select tests.clear_authentication();

select * from finish();
rollback;
