-- service_areas and the distance helpers: a provider works within a radius of one of their
-- own addresses, or in a list of postcodes; everyone reads the areas; bookings ask, through
-- security definer helpers, how far a client's address is without seeing the centre.
begin;
select plan(51);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('stranger', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('client');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
insert into public.provider_profiles (user_id, kind)
values (tests.get_supabase_uid('owner'), 'service_provider'), (tests.get_supabase_uid('stranger'), 'service_provider');

-- Addresses: 1 owner's home in London, 2 owner's without coordinates, 3 stranger's in Manchester,
-- 4 client's in Croydon (~15 km from 1), 5 client's in Paris (~344 km), 6 client's in Westminster
-- without coordinates, 7 client's in France with a British-looking postcode, 8 the admin's lab.
insert into public.addresses (id, user_id, line1, city, postal_code, country_code, latitude, longitude)
select a.id::uuid, tests.get_supabase_uid(a.who), a.line1, a.city, a.postal_code, a.country_code, a.latitude, a.longitude
from (values
  ('ad000000-0000-0000-0000-000000000001', 'owner', 'Trafalgar Square', 'London', 'WC2N 5DU', 'GB', 51.5074, -0.1278),
  ('ad000000-0000-0000-0000-000000000002', 'owner', '1 Unknown Lane', 'London', 'N1 1AA', 'GB', null, null),
  ('ad000000-0000-0000-0000-000000000003', 'stranger', 'Albert Square', 'Manchester', 'M2 5DB', 'GB', 53.4808, -2.2426),
  ('ad000000-0000-0000-0000-000000000004', 'client', 'High Street', 'Croydon', 'CR0 1NX', 'GB', 51.3762, -0.0982),
  ('ad000000-0000-0000-0000-000000000005', 'client', 'Rue de Rivoli', 'Paris', '75001', 'FR', 48.8566, 2.3522),
  ('ad000000-0000-0000-0000-000000000006', 'client', 'Downing Street', 'London', 'sw1a 1aa', 'GB', null, null),
  ('ad000000-0000-0000-0000-000000000007', 'client', 'Rue Anglaise', 'Calais', 'SW1A 1AA', 'FR', null, null),
  ('ad000000-0000-0000-0000-000000000008', 'admin', 'Lab Road', 'London', 'EC1A 1BB', 'GB', 51.5200, -0.1000)
) as a (id, who, line1, city, postal_code, country_code, latitude, longitude);

-- the distance helpers ---------------------------------------------------------------------------------
select is(round(private.distance_km(51.5074, -0.1278, 48.8566, 2.3522)), 344::numeric,
  'London to Paris is about 344 km as the crow flies');
select is(private.distance_km(48.8566, 2.3522, 51.5074, -0.1278), private.distance_km(51.5074, -0.1278, 48.8566, 2.3522),
  'a distance is the same both ways');
select is(private.distance_km(51.5074, -0.1278, 51.5074, -0.1278), 0::numeric, 'a point is 0 km from itself');
select is(private.normalize_postal_code(' sw1a  1aa '), 'SW1A1AA', 'a postcode is normalised to upper case without spaces');

-- owner (the provider) ------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select lives_ok(
  $$insert into public.service_areas (provider_id, name, address_id, radius_km)
    values (tests.get_supabase_uid('owner'), 'Central London', 'ad000000-0000-0000-0000-000000000001', 25)$$,
  '[service_areas/owner/insert] a provider adds a radius around their own address');
select results_eq(
  $$insert into public.service_areas (provider_id, name, country_code, postal_codes)
    values (tests.get_supabase_uid('owner'), 'City postcodes', 'GB', '{"sw1a 1aa", "SW1A1AA", " ec1a 1bb ", "e1 6an"}')
    returning postal_codes$$,
  $$values ('{E16AN,EC1A1BB,SW1A1AA}'::text[])$$,
  'a postcode list is stored normalised: upper case, no spaces, each once');
select throws_ok(
  $$insert into public.service_areas (provider_id, name, address_id, radius_km)
    values (tests.get_supabase_uid('owner'), 'Borrowed', 'ad000000-0000-0000-0000-000000000004', 10)$$,
  '22023', 'address_id: the centre must be one of the provider''s own addresses, with coordinates',
  'a provider cannot centre an area on a client''s address');
select throws_ok(
  $$insert into public.service_areas (provider_id, name, address_id, radius_km)
    values (tests.get_supabase_uid('owner'), 'Nowhere', 'ad000000-0000-0000-0000-000000000002', 10)$$,
  '22023', 'address_id: the centre must be one of the provider''s own addresses, with coordinates',
  'a centre without coordinates is refused');
select throws_ok(
  $$insert into public.service_areas (provider_id, name, address_id, radius_km, country_code, postal_codes)
    values (tests.get_supabase_uid('owner'), 'Both', 'ad000000-0000-0000-0000-000000000001', 10, 'GB', '{N11AA}')$$,
  '23514', 'new row for relation "service_areas" violates check constraint "service_areas_radius_or_postcodes"',
  'an area is a radius or a postcode list, not both');
select throws_ok(
  $$insert into public.service_areas (provider_id, name, postal_codes) values (tests.get_supabase_uid('owner'), 'Where', '{N11AA}')$$,
  '23514', 'new row for relation "service_areas" violates check constraint "service_areas_radius_or_postcodes"',
  'a postcode list without its country is refused');
select throws_ok(
  $$insert into public.service_areas (provider_id, name, country_code, postal_codes) values (tests.get_supabase_uid('owner'), 'Empty', 'GB', '{}')$$,
  '23514', 'new row for relation "service_areas" violates check constraint "service_areas_radius_or_postcodes"',
  'an empty postcode list is refused');
select throws_ok(
  $$insert into public.service_areas (provider_id, name, address_id) values (tests.get_supabase_uid('owner'), 'No radius', 'ad000000-0000-0000-0000-000000000001')$$,
  '23514', 'new row for relation "service_areas" violates check constraint "service_areas_radius_or_postcodes"',
  'a centre without a radius is refused');
select throws_ok(
  $$insert into public.service_areas (provider_id, name, address_id, radius_km)
    values (tests.get_supabase_uid('owner'), 'Zero', 'ad000000-0000-0000-0000-000000000001', 0)$$,
  '23514', 'new row for relation "service_areas" violates check constraint "service_areas_radius_positive"',
  'a radius of 0 km is refused');
select throws_ok(
  $$insert into public.service_areas (provider_id, name, country_code, postal_codes) values (null, 'Platform', 'GB', '{N11AA}')$$,
  '42501', 'new row violates row-level security policy for table "service_areas"',
  'a provider cannot add a platform area');
select results_eq($$select name from public.service_areas where provider_id = tests.get_supabase_uid('owner') order by name$$,
  $$values ('Central London'), ('City postcodes')$$, '[service_areas/owner/select] a provider reads their own areas');
select isnt_empty($$update public.service_areas set radius_km = 30 where name = 'Central London' returning 1$$,
  '[service_areas/owner/update] a provider widens their own radius');
select throws_ok(
  $$update public.service_areas set address_id = 'ad000000-0000-0000-0000-000000000004' where name = 'Central London'$$,
  '22023', 'address_id: the centre must be one of the provider''s own addresses, with coordinates',
  'a provider cannot move their centre onto someone else''s address');
select throws_ok($$update public.service_areas set provider_id = tests.get_supabase_uid('stranger')$$, '42501', null,
  'a provider cannot hand an area to another provider');

-- client: distances through the security definer helpers ----------------------------------------
select tests.authenticate_as('client');
select is_empty($$select * from public.addresses where id = 'ad000000-0000-0000-0000-000000000001'$$,
  'a client cannot read a provider''s centre address');
select is(private.distance_to_service_area(tests.get_supabase_uid('owner'), 'ad000000-0000-0000-0000-000000000004'), 14.73::numeric,
  'an address inside a radius is inside, at its distance from the centre');
select is(private.distance_to_service_area(tests.get_supabase_uid('owner'), 'ad000000-0000-0000-0000-000000000005'), null::numeric,
  'an address beyond every radius and postcode list is outside');
select is(private.distance_to_nearest_centre(tests.get_supabase_uid('owner'), 'ad000000-0000-0000-0000-000000000005'), 343.56::numeric,
  'an address outside is told how far the nearest centre is');
select is(private.distance_to_service_area(tests.get_supabase_uid('owner'), 'ad000000-0000-0000-0000-000000000006'), 0::numeric,
  'an address whose postcode is listed is inside, whatever its spacing and case');
select is(private.distance_to_service_area(tests.get_supabase_uid('owner'), 'ad000000-0000-0000-0000-000000000007'), null::numeric,
  'a listed postcode in another country is outside');
select is(private.distance_to_service_area(tests.get_supabase_uid('stranger'), 'ad000000-0000-0000-0000-000000000004'), null::numeric,
  'a provider without areas covers nothing');

-- stranger (another provider) ----------------------------------------------------------------------
select tests.authenticate_as('stranger');
select results_eq($$select name from public.service_areas where provider_id = tests.get_supabase_uid('owner') order by name$$,
  $$values ('Central London'), ('City postcodes')$$, '[service_areas/stranger/select] a user reads another provider''s areas');
select throws_ok(
  $$insert into public.service_areas (provider_id, name, country_code, postal_codes)
    values (tests.get_supabase_uid('owner'), 'Planted', 'GB', '{M25DB}')$$,
  '42501', 'new row violates row-level security policy for table "service_areas"',
  '[service_areas/stranger/insert] a provider cannot add an area in another provider''s name');
select throws_ok(
  $$insert into public.service_areas (provider_id, name, address_id, radius_km)
    values (tests.get_supabase_uid('stranger'), 'Their centre', 'ad000000-0000-0000-0000-000000000001', 10)$$,
  '22023', 'address_id: the centre must be one of the provider''s own addresses, with coordinates',
  'a provider cannot centre their area on another provider''s address');
select lives_ok(
  $$insert into public.service_areas (provider_id, name, address_id, radius_km)
    values (tests.get_supabase_uid('stranger'), 'Manchester', 'ad000000-0000-0000-0000-000000000003', 50)$$,
  'another provider adds a radius around their own address');
select is_empty($$update public.service_areas set radius_km = 1 where provider_id = tests.get_supabase_uid('owner') returning 1$$,
  '[service_areas/stranger/update] a provider cannot change another provider''s areas');
select is_empty($$delete from public.service_areas where provider_id = tests.get_supabase_uid('owner') returning 1$$,
  '[service_areas/stranger/delete] a provider cannot remove another provider''s areas');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select name from public.service_areas order by name$$,
  $$values ('Central London'), ('City postcodes'), ('Manchester')$$, '[service_areas/anon/select] visitors read service areas');
select throws_ok(
  $$insert into public.service_areas (provider_id, name, country_code, postal_codes) values (null, 'x', 'GB', '{N11AA}')$$,
  '42501', null, '[service_areas/anon/insert] visitors cannot add areas');
select throws_ok($$update public.service_areas set radius_km = 1$$, '42501', null, '[service_areas/anon/update] visitors cannot change areas');
select throws_ok($$delete from public.service_areas$$, '42501', null, '[service_areas/anon/delete] visitors cannot remove areas');
select throws_ok(
  $$select private.distance_to_service_area(gen_random_uuid(), gen_random_uuid())$$, '42501', null,
  'visitors cannot probe distances to a provider''s centre');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select results_eq($$select count(*)::int from public.service_areas$$, $$values (3)$$, '[service_areas/admin/select] admins read every area');
select lives_ok(
  $$insert into public.service_areas (provider_id, name, address_id, radius_km)
    values (tests.get_supabase_uid('owner'), 'Greater London', 'ad000000-0000-0000-0000-000000000001', 40)$$,
  '[service_areas/admin/insert] admins add an area for a provider around the provider''s address');
select throws_ok(
  $$insert into public.service_areas (provider_id, name, address_id, radius_km)
    values (tests.get_supabase_uid('owner'), 'Misplaced', 'ad000000-0000-0000-0000-000000000003', 40)$$,
  '22023', 'address_id: the centre must be one of the provider''s own addresses, with coordinates',
  'admins cannot centre a provider''s area on someone else''s address');
select lives_ok(
  $$insert into public.service_areas (provider_id, name, country_code, postal_codes) values (null, 'Croydon collections', 'GB', '{"cr0 1nx"}')$$,
  'admins add a postcode area of the platform''s own');
select lives_ok(
  $$insert into public.service_areas (provider_id, name, address_id, radius_km)
    values (null, 'Lab round', 'ad000000-0000-0000-0000-000000000008', 5)$$,
  'admins add a platform radius around the lab');
select isnt_empty($$update public.service_areas set is_active = false where name = 'Manchester' returning 1$$,
  '[service_areas/admin/update] admins change any provider''s area');
select isnt_empty($$delete from public.service_areas where name = 'Greater London' returning 1$$,
  '[service_areas/admin/delete] admins remove any provider''s area');

select tests.authenticate_as('client');
select is(private.distance_to_service_area(null, 'ad000000-0000-0000-0000-000000000004'), 0::numeric,
  'the platform''s own areas cover an address by postcode');
select is(private.distance_to_service_area(null, 'ad000000-0000-0000-0000-000000000006'), null::numeric,
  'the platform''s areas are not a provider''s');
select is(private.distance_to_service_area(tests.get_supabase_uid('stranger'), 'ad000000-0000-0000-0000-000000000003'), null::numeric,
  'an inactive area covers nothing, not even its own centre');

-- owner, last ---------------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select isnt_empty($$update public.service_areas set postal_codes = '{"n1 9gu"}' where name = 'City postcodes' returning 1$$,
  'a provider replaces their postcode list');
select results_eq($$select postal_codes from public.service_areas where name = 'City postcodes'$$, $$values ('{N19GU}'::text[])$$,
  'a changed postcode list is normalised too');
select throws_ok($$delete from public.addresses where id = 'ad000000-0000-0000-0000-000000000001'$$, '23503', null,
  'an address that centres an area cannot be deleted');
select isnt_empty($$delete from public.service_areas where name = 'Central London' returning 1$$,
  '[service_areas/owner/delete] a provider removes their own area');
select is(private.distance_to_service_area(tests.get_supabase_uid('owner'), 'ad000000-0000-0000-0000-000000000004'), null::numeric,
  'a removed area covers nothing');

select * from finish();
rollback;
