-- bookings, booking_items, booking_status_changes: who reads which bookings (the client,
-- the provider, the assigned collector, admins), nobody writes them directly; a provider
-- reads what they need of the clients they serve, and nothing of anyone else's.
begin;
set local time zone 'UTC';
select plan(75);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('owner');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('stranger_provider', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('lab', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('collector');
select tests.grant_role('admin', 'admin');
select tests.grant_role('collector', 'staff', 'collector');
insert into public.provider_profiles (user_id, kind) values
  (tests.get_supabase_uid('provider'), 'service_provider'),
  (tests.get_supabase_uid('stranger_provider'), 'service_provider'),
  (tests.get_supabase_uid('lab'), 'lab');
insert into public.client_profiles (user_id, timezone) values (tests.get_supabase_uid('owner'), 'Europe/London');

insert into public.categories (id, slug, name) values
  ('ca000000-0000-4000-8000-000000000001', 'home', 'Home services'),
  ('ca000000-0000-4000-8000-000000000002', 'pet-lab', 'Pet lab');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location, scheduled_on)
values
  ('0f000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), 'ca000000-0000-4000-8000-000000000001',
   'home_service', 'Dog grooming at home', 5000, 'GBP', 60, 'active', 'client_site', 'provider'),
  ('0f000000-0000-4000-8000-000000000011', tests.get_supabase_uid('lab'), 'ca000000-0000-4000-8000-000000000002',
   'lab_test', 'Complete blood count', 4500, 'GBP', 30, 'active', 'client_site', 'collector');
insert into public.service_areas (provider_id, name, country_code, postal_codes) values
  (tests.get_supabase_uid('provider'), 'East London', 'GB', '{EC2A1AA}'),
  (tests.get_supabase_uid('lab'), 'East London', 'GB', '{EC2A1AA}');
insert into public.addresses (id, user_id, label, line1, city, postal_code, country_code) values
  ('aa000000-0000-4000-8000-000000000001', tests.get_supabase_uid('owner'), 'Home', '2 Home Row', 'London', 'EC2A 1AA', 'GB'),
  ('aa000000-0000-4000-8000-000000000002', tests.get_supabase_uid('owner'), 'Office', '9 Work Street', 'London', 'EC1A 1BB', 'GB');
insert into public.pets (id, owner_id, name, species) values
  ('be000000-0000-4000-8000-000000000001', tests.get_supabase_uid('owner'), 'Rex', 'dog'),
  ('be000000-0000-4000-8000-000000000002', tests.get_supabase_uid('owner'), 'Mia', 'cat');
insert into public.schedules (user_id, timezone, min_notice_minutes)
select tests.get_supabase_uid(u), 'UTC', 0 from unnest(array['provider', 'collector']) u;
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select s.user_id, d, '08:00', '20:00' from public.schedules s cross join generate_series(1, 7) d;


-- The owner books grooming for Rex at home, and a blood test for Mia collected by the collector.
select tests.authenticate_as('owner');
select set_config('t.grooming', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]',
  tests.slot(2, '10:00'), address_id => 'aa000000-0000-4000-8000-000000000001',
  pet_id => 'be000000-0000-4000-8000-000000000001')::text, true);
select set_config('t.blood', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000011"}]',
  tests.slot(2, '12:00'), address_id => 'aa000000-0000-4000-8000-000000000001',
  pet_id => 'be000000-0000-4000-8000-000000000002')::text, true);

-- owner (the client) --------------------------------------------------------------------------------
select set_eq($$select id from public.bookings$$, $$values (tests.booking('grooming')), (tests.booking('blood'))$$,
  '[bookings/owner/select] a client reads their own bookings');
select set_eq($$select booking_id from public.booking_items$$, $$values (tests.booking('grooming')), (tests.booking('blood'))$$,
  '[booking_items/owner/select] a client reads the items of their bookings');
select set_eq($$select booking_id from public.booking_status_changes$$, $$values (tests.booking('grooming')), (tests.booking('blood'))$$,
  '[booking_status_changes/owner/select] a client reads the history of their bookings');
select throws_ok(
  $$insert into public.bookings (offering_id, client_id, provider_id, scheduled_on, starts_at, ends_at, blocked_during, hold_expires_at,
                                 currency, total_amount, free_cancellation_hours, late_cancellation_fee_share)
    values ('0f000000-0000-4000-8000-000000000001', tests.get_supabase_uid('owner'), tests.get_supabase_uid('provider'), 'provider',
            tests.slot(3, '10:00'), tests.slot(3, '11:00'), tstzrange(tests.slot(3, '10:00'), tests.slot(3, '11:00')),
            now() + interval '1 hour', 'GBP', 0, 0, 0)$$,
  '42501', 'permission denied for table bookings',
  '[bookings/owner/insert] a client cannot insert a booking directly (create_booking is the way)');
select throws_ok($$update public.bookings set status = 'confirmed'$$, '42501', 'permission denied for table bookings',
  '[bookings/owner/update] a client cannot confirm their own booking by writing it');
select throws_ok($$delete from public.bookings$$, '42501', 'permission denied for table bookings',
  '[bookings/owner/delete] a client cannot delete their booking');
select throws_ok(
  $$insert into public.booking_items (booking_id, line_number, offering_id, description, quantity, unit_price, amount)
    values (tests.booking('grooming'), 9, '0f000000-0000-4000-8000-000000000001', 'Free extra', 1, 0, 0)$$,
  '42501', 'permission denied for table booking_items',
  '[booking_items/owner/insert] a client cannot add items to their booking');
select throws_ok($$update public.booking_items set unit_price = 1, amount = 1$$, '42501', 'permission denied for table booking_items',
  '[booking_items/owner/update] a client cannot change the price of their items');
select throws_ok($$delete from public.booking_items$$, '42501', 'permission denied for table booking_items',
  '[booking_items/owner/delete] a client cannot remove items');
select throws_ok(
  $$insert into public.booking_status_changes (booking_id, from_status, to_status, actor)
    values (tests.booking('grooming'), 'held', 'confirmed', 'system')$$,
  '42501', 'permission denied for table booking_status_changes',
  '[booking_status_changes/owner/insert] a client cannot forge history');
select throws_ok($$update public.booking_status_changes set reason = 'edited'$$, '42501',
  'permission denied for table booking_status_changes',
  '[booking_status_changes/owner/update] a client cannot rewrite history');
select throws_ok($$delete from public.booking_status_changes$$, '42501', 'permission denied for table booking_status_changes',
  '[booking_status_changes/owner/delete] a client cannot erase history');

-- provider ------------------------------------------------------------------------------------------
select tests.authenticate_as('provider');
select results_eq($$select id from public.bookings$$, $$values (tests.booking('grooming'))$$,
  'a provider reads the bookings with them, not the client''s other bookings');
select results_eq($$select distinct booking_id from public.booking_items$$, $$values (tests.booking('grooming'))$$,
  'a provider reads the items of the bookings with them');
select results_eq($$select distinct booking_id from public.booking_status_changes$$, $$values (tests.booking('grooming'))$$,
  'a provider reads the history of the bookings with them');
select throws_ok($$update public.bookings set status = 'confirmed'$$, '42501', 'permission denied for table bookings',
  'a provider cannot write a booking directly');
select results_eq($$select display_name from public.profiles p join public.profile_details d on d.user_id = p.id
                    where p.id = tests.get_supabase_uid('owner')$$, $$values ('owner')$$,
  'a provider reads the private details of a client they serve');
select is_empty($$select timezone from public.client_profiles$$,
  'a provider does not read the client profile even of a client they serve: quiz answers, wishes and budget are the client''s (issue 17)');
select results_eq($$select label from public.addresses$$, $$values ('Home')$$,
  'a provider reads the address they are booked at, and not the client''s other addresses');
select results_eq($$select name from public.pets$$, $$values ('Rex')$$,
  'a provider reads the pet booked with them, and not the client''s other pets');
select is_empty($$select * from public.pets where id = 'be000000-0000-4000-8000-000000000002'$$,
  'a provider cannot read a client''s pet booked with someone else');
select is_empty($$update public.pets set name = 'Max' returning 1$$, 'a provider cannot change a client''s pet');
select is_empty($$update public.addresses set line1 = 'Elsewhere' returning 1$$, 'a provider cannot change a client''s address');

-- lab and collector -----------------------------------------------------------------------------------
select tests.authenticate_as('lab');
select results_eq($$select id from public.bookings$$, $$values (tests.booking('blood'))$$,
  'the lab reads the lab bookings, not the client''s other bookings');
select results_eq($$select name from public.pets$$, $$values ('Mia')$$,
  'the lab reads the pet its booking is for, and not the client''s other pets');
select tests.authenticate_as('collector');
select results_eq($$select id, collector_id from public.bookings$$,
  $$values (tests.booking('blood'), tests.get_supabase_uid('collector'))$$,
  'the collector reads the booking assigned to them');
select results_eq($$select distinct booking_id from public.booking_items$$, $$values (tests.booking('blood'))$$,
  'the collector reads the items of the booking assigned to them');
select results_eq($$select distinct booking_id from public.booking_status_changes$$, $$values (tests.booking('blood'))$$,
  'the collector reads the history of the booking assigned to them');
select results_eq($$select label from public.addresses$$, $$values ('Home')$$,
  'the collector reads the address they collect at');
select results_eq($$select name from public.pets$$, $$values ('Mia')$$,
  'the collector reads the pet they collect from, and not the client''s other pets');

-- stranger --------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$select * from public.bookings$$, '[bookings/stranger/select] a user cannot see other people''s bookings');
select is_empty($$select * from public.booking_items$$, '[booking_items/stranger/select] a user cannot see other people''s items');
select is_empty($$select * from public.booking_status_changes$$,
  '[booking_status_changes/stranger/select] a user cannot see other people''s booking history');
select throws_ok(
  $$insert into public.bookings (offering_id, client_id, provider_id, scheduled_on, starts_at, ends_at, blocked_during, hold_expires_at,
                                 currency, total_amount, free_cancellation_hours, late_cancellation_fee_share)
    values ('0f000000-0000-4000-8000-000000000001', tests.get_supabase_uid('stranger'), tests.get_supabase_uid('provider'), 'provider',
            tests.slot(3, '10:00'), tests.slot(3, '11:00'), tstzrange(tests.slot(3, '10:00'), tests.slot(3, '11:00')),
            now() + interval '1 hour', 'GBP', 0, 0, 0)$$,
  '42501', 'permission denied for table bookings', '[bookings/stranger/insert] a user cannot insert a booking directly');
select throws_ok($$update public.bookings set status = 'cancelled'$$, '42501', 'permission denied for table bookings',
  '[bookings/stranger/update] a user cannot change other people''s bookings');
select throws_ok($$delete from public.bookings$$, '42501', 'permission denied for table bookings',
  '[bookings/stranger/delete] a user cannot delete bookings');
select throws_ok(
  $$insert into public.booking_items (booking_id, line_number, offering_id, description, quantity, unit_price, amount)
    values (tests.booking('grooming'), 9, '0f000000-0000-4000-8000-000000000001', 'x', 1, 0, 0)$$,
  '42501', 'permission denied for table booking_items', '[booking_items/stranger/insert] a user cannot add items to a booking');
select throws_ok($$update public.booking_items set amount = 0$$, '42501', 'permission denied for table booking_items',
  '[booking_items/stranger/update] a user cannot change items');
select throws_ok($$delete from public.booking_items$$, '42501', 'permission denied for table booking_items',
  '[booking_items/stranger/delete] a user cannot remove items');
select throws_ok(
  $$insert into public.booking_status_changes (booking_id, to_status, actor) values (tests.booking('grooming'), 'cancelled', 'client')$$,
  '42501', 'permission denied for table booking_status_changes',
  '[booking_status_changes/stranger/insert] a user cannot write booking history');
select throws_ok($$update public.booking_status_changes set reason = 'x'$$, '42501', 'permission denied for table booking_status_changes',
  '[booking_status_changes/stranger/update] a user cannot rewrite booking history');
select throws_ok($$delete from public.booking_status_changes$$, '42501', 'permission denied for table booking_status_changes',
  '[booking_status_changes/stranger/delete] a user cannot erase booking history');
select is_empty($$select * from public.profile_details where user_id = tests.get_supabase_uid('owner')$$,
  'a user who serves nobody cannot read a client''s private details');

-- stranger provider: a provider the client never booked ------------------------------------------------
select tests.authenticate_as('stranger_provider');
select is_empty($$select * from public.bookings$$, 'a provider cannot see bookings with other providers');
select is_empty($$select * from public.booking_items$$, 'a provider cannot see items of bookings with other providers');
select is_empty($$select * from public.profile_details where user_id = tests.get_supabase_uid('owner')$$,
  'a provider cannot read the private details of a client they do not serve');
select is_empty($$select * from public.client_profiles$$, 'a provider cannot read the profile of a client they do not serve');
select is_empty($$select * from public.addresses$$, 'a provider cannot read the addresses of a client they do not serve');
select is_empty($$select * from public.pets$$, 'a provider cannot read the pets of a client they do not serve');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.bookings$$, '42501', 'permission denied for table bookings',
  '[bookings/anon/select] visitors cannot read bookings');
select throws_ok(
  $$insert into public.bookings (offering_id, client_id, scheduled_on, starts_at, ends_at, blocked_during, currency, total_amount,
                                 free_cancellation_hours, late_cancellation_fee_share)
    values ('0f000000-0000-4000-8000-000000000001', gen_random_uuid(), 'provider', now(), now() + interval '1 hour',
            tstzrange(now(), now() + interval '1 hour'), 'GBP', 0, 0, 0)$$,
  '42501', 'permission denied for table bookings', '[bookings/anon/insert] visitors cannot insert bookings');
select throws_ok($$update public.bookings set notes = 'x'$$, '42501', 'permission denied for table bookings',
  '[bookings/anon/update] visitors cannot change bookings');
select throws_ok($$delete from public.bookings$$, '42501', 'permission denied for table bookings',
  '[bookings/anon/delete] visitors cannot delete bookings');
select throws_ok($$select * from public.booking_items$$, '42501', 'permission denied for table booking_items',
  '[booking_items/anon/select] visitors cannot read booking items');
select throws_ok(
  $$insert into public.booking_items (booking_id, line_number, offering_id, description, quantity, unit_price, amount)
    values (gen_random_uuid(), 1, '0f000000-0000-4000-8000-000000000001', 'x', 1, 0, 0)$$,
  '42501', 'permission denied for table booking_items', '[booking_items/anon/insert] visitors cannot add booking items');
select throws_ok($$update public.booking_items set amount = 0$$, '42501', 'permission denied for table booking_items',
  '[booking_items/anon/update] visitors cannot change booking items');
select throws_ok($$delete from public.booking_items$$, '42501', 'permission denied for table booking_items',
  '[booking_items/anon/delete] visitors cannot remove booking items');
select throws_ok($$select * from public.booking_status_changes$$, '42501', 'permission denied for table booking_status_changes',
  '[booking_status_changes/anon/select] visitors cannot read booking history');
select throws_ok(
  $$insert into public.booking_status_changes (booking_id, to_status, actor) values (gen_random_uuid(), 'held', 'client')$$,
  '42501', 'permission denied for table booking_status_changes',
  '[booking_status_changes/anon/insert] visitors cannot write booking history');
select throws_ok($$update public.booking_status_changes set reason = 'x'$$, '42501', 'permission denied for table booking_status_changes',
  '[booking_status_changes/anon/update] visitors cannot rewrite booking history');
select throws_ok($$delete from public.booking_status_changes$$, '42501', 'permission denied for table booking_status_changes',
  '[booking_status_changes/anon/delete] visitors cannot erase booking history');

-- admin -----------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select set_eq($$select id from public.bookings$$, $$values (tests.booking('grooming')), (tests.booking('blood'))$$,
  '[bookings/admin/select] admins read every booking');
select is((select count(*) from public.booking_items), 2::bigint, '[booking_items/admin/select] admins read every booking item');
select is((select count(*) from public.booking_status_changes), 2::bigint,
  '[booking_status_changes/admin/select] admins read all booking history');
select throws_ok(
  $$insert into public.bookings (offering_id, client_id, provider_id, scheduled_on, starts_at, ends_at, blocked_during, hold_expires_at,
                                 currency, total_amount, free_cancellation_hours, late_cancellation_fee_share)
    values ('0f000000-0000-4000-8000-000000000001', tests.get_supabase_uid('owner'), tests.get_supabase_uid('provider'), 'provider',
            tests.slot(3, '10:00'), tests.slot(3, '11:00'), tstzrange(tests.slot(3, '10:00'), tests.slot(3, '11:00')),
            now() + interval '1 hour', 'GBP', 0, 0, 0)$$,
  '42501', 'permission denied for table bookings', '[bookings/admin/insert] admins too book through create_booking only');
select throws_ok($$update public.bookings set status = 'completed'$$, '42501', 'permission denied for table bookings',
  '[bookings/admin/update] admins too move bookings through transition_booking only');
select throws_ok($$delete from public.bookings$$, '42501', 'permission denied for table bookings',
  '[bookings/admin/delete] admins cannot delete bookings');
select throws_ok(
  $$insert into public.booking_items (booking_id, line_number, offering_id, description, quantity, unit_price, amount)
    values (tests.booking('grooming'), 9, '0f000000-0000-4000-8000-000000000001', 'x', 1, 0, 0)$$,
  '42501', 'permission denied for table booking_items', '[booking_items/admin/insert] admins cannot add items to a booking');
select throws_ok($$update public.booking_items set amount = 0$$, '42501', 'permission denied for table booking_items',
  '[booking_items/admin/update] admins cannot change items');
select throws_ok($$delete from public.booking_items$$, '42501', 'permission denied for table booking_items',
  '[booking_items/admin/delete] admins cannot remove items');
select throws_ok(
  $$insert into public.booking_status_changes (booking_id, to_status, actor) values (tests.booking('grooming'), 'confirmed', 'admin')$$,
  '42501', 'permission denied for table booking_status_changes',
  '[booking_status_changes/admin/insert] admins cannot write history by hand');
select throws_ok($$update public.booking_status_changes set reason = 'x'$$, '42501', 'permission denied for table booking_status_changes',
  '[booking_status_changes/admin/update] admins cannot rewrite booking history');
select throws_ok($$delete from public.booking_status_changes$$, '42501', 'permission denied for table booking_status_changes',
  '[booking_status_changes/admin/delete] admins cannot erase booking history');

-- A provider whose booking is cancelled no longer serves the client ---------------------------------------
select tests.authenticate_as('owner');
select public.transition_booking(tests.booking('grooming'), 'cancelled', 'changed my mind');
select tests.authenticate_as('provider');
select results_eq($$select status::text from public.bookings$$, $$values ('cancelled')$$,
  'a provider still reads a cancelled booking with them');
select is_empty($$select * from public.pets$$, 'a provider whose only booking was cancelled no longer reads the client''s pets');

select * from finish();
rollback;
