-- Demo data for local development: a few users per vertical, all with password
-- "password123" (bcrypt, so they also sign in on `supabase start`). Fixed ids so that
-- frontends and docs can refer to them.
--
--   admin@marketbase.local        admin
--   collector@petlab.local        staff (collector)       pet lab
--   analyst@petlab.local          staff (analyst)         pet lab
--   tech@petlab.local             staff (lab_tech)        pet lab
--   lab@petlab.local              admin                   pet lab: the clinic, which is the platform
--   consultant@consulting.local   provider (consultant)   consulting
--   coach@coaching.local          provider (coach)        coaching
--   plumber@homeservices.local    provider (service)      job portal: Pat, Chicago downtown
--   rooter@homeservices.local     provider (service)      job portal: Rosa, Chicago west side
--   milwaukee@homeservices.local  provider (service)      job portal: Milo, Milwaukee (outside Chicago)
--   client@consulting.local       client
--   petowner@petlab.local         client
--   coachee@coaching.local        client (with the matching quiz)
--   seun@, lucia@, amelie@, wei@, hans@, priya@coaching.local   more coaches, for the matching
--   homeowner@homeservices.local  client
--   creator@workflows.local       provider (sells workflows)  workflow store
--   buyer@workflows.local         client                      workflow store

-- The token columns are '' rather than NULL: Supabase Auth reads them as strings and answers
-- every password sign-in of a user with a NULL one with 500 (an open upstream bug).
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  confirmation_token, recovery_token, email_change_token_new, email_change,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at
)
select
  '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
  extensions.crypt('password123', extensions.gen_salt('bf')), now(),
  '', '', '', '',
  '{"provider": "email", "providers": ["email"]}',
  jsonb_build_object('display_name', u.display_name, 'full_name', u.full_name, 'account_type', u.account_type),
  now(), now()
from (values
  ('a0000000-0000-4000-8000-000000000001'::uuid, 'admin@marketbase.local', 'Admin', 'Ada Admin', 'client'),
  ('a0000000-0000-4000-8000-000000000002'::uuid, 'collector@petlab.local', 'Colin (collector)', 'Colin Collector', 'client'),
  ('a0000000-0000-4000-8000-000000000003'::uuid, 'analyst@petlab.local', 'Ana (analyst)', 'Ana Analyst', 'client'),
  ('a0000000-0000-4000-8000-000000000004'::uuid, 'lab@petlab.local', 'Happy Paws Lab', 'Happy Paws Lab Ltd', 'client'),
  ('a0000000-0000-4000-8000-000000000005'::uuid, 'tech@petlab.local', 'Theo (lab tech)', 'Theo Tech', 'client'),
  ('b0000000-0000-4000-8000-000000000002'::uuid, 'consultant@consulting.local', 'Carla Consults', 'Carla Consultant', 'provider'),
  ('b0000000-0000-4000-8000-000000000003'::uuid, 'coach@coaching.local', 'Kenji Coach', 'Kenji Tanaka', 'provider'),
  ('b0000000-0000-4000-8000-000000000004'::uuid, 'plumber@homeservices.local', 'Pat Plumbing', 'Pat Plumber', 'provider'),
  ('b0000000-0000-4000-8000-000000000005'::uuid, 'rooter@homeservices.local', 'Rosa Rooter', 'Rosa Rooter', 'provider'),
  ('b0000000-0000-4000-8000-000000000006'::uuid, 'milwaukee@homeservices.local', 'Milo Plumbing', 'Milo Milwaukee', 'provider'),
  ('c0000000-0000-4000-8000-000000000001'::uuid, 'client@consulting.local', 'Chris', 'Chris Client', 'client'),
  ('c0000000-0000-4000-8000-000000000002'::uuid, 'petowner@petlab.local', 'Pia', 'Pia Petowner', 'client'),
  ('c0000000-0000-4000-8000-000000000003'::uuid, 'coachee@coaching.local', 'Amara', 'Amara Okafor', 'client'),
  ('c0000000-0000-4000-8000-000000000004'::uuid, 'homeowner@homeservices.local', 'Hana', 'Hana Homeowner', 'client'),
  ('b0000000-0000-4000-8000-000000000007'::uuid, 'creator@workflows.local', 'Flowsmith', 'Fiona Flowsmith', 'provider'),
  ('c0000000-0000-4000-8000-000000000005'::uuid, 'buyer@workflows.local', 'Ben', 'Ben Buyer', 'client'),
  ('b0000000-0000-4000-8000-000000000008'::uuid, 'seun@coaching.local', 'Seun Adeyemi', 'Oluwaseun Adeyemi', 'provider'),
  ('b0000000-0000-4000-8000-000000000009'::uuid, 'lucia@coaching.local', 'Lucía Romero', 'Lucía Romero', 'provider'),
  ('b0000000-0000-4000-8000-00000000000a'::uuid, 'amelie@coaching.local', 'Amélie Dubois', 'Amélie Dubois', 'provider'),
  ('b0000000-0000-4000-8000-00000000000b'::uuid, 'wei@coaching.local', 'Wei Chen', 'Wei Chen', 'provider'),
  ('b0000000-0000-4000-8000-00000000000c'::uuid, 'hans@coaching.local', 'Hans Becker', 'Hans Becker', 'provider'),
  ('b0000000-0000-4000-8000-00000000000d'::uuid, 'priya@coaching.local', 'Priya Nair', 'Priya Nair', 'provider')
) as u (id, email, display_name, full_name, account_type);

-- Supabase Auth signs in with email through the identity row.
insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email), 'email', now(), now()
from auth.users u;

-- Roles beyond the client / provider chosen at sign-up. The pet lab (seed 001) is one clinic
-- that is the platform itself: its account administers the lab's catalog, and its staff
-- collect and analyse; the lab tests have no provider (no Stripe account, no commission).
insert into public.user_roles (user_id, role, staff_role) values
  ('a0000000-0000-4000-8000-000000000001', 'admin', null),
  ('a0000000-0000-4000-8000-000000000004', 'admin', null),
  ('a0000000-0000-4000-8000-000000000002', 'staff', 'collector'),
  ('a0000000-0000-4000-8000-000000000003', 'staff', 'analyst'),
  ('a0000000-0000-4000-8000-000000000005', 'staff', 'lab_tech');
delete from public.user_roles
where user_id in ('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002',
                  'a0000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000004',
                  'a0000000-0000-4000-8000-000000000005')
  and role = 'client';

insert into public.provider_profiles (user_id, kind, headline, bio, expertise, languages, countries, hourly_rate, currency)
values
  ('b0000000-0000-4000-8000-000000000002', 'consultant', 'Operations consultant for small firms',
   'Fifteen years helping small firms run leaner.', '{operations,strategy}', '{en,fr}', '{FR,GB}', 12000, 'EUR'),
  ('b0000000-0000-4000-8000-000000000003', 'coach', 'Cross-cultural coach: Japan and the West',
   'I help professionals thrive across Japanese and Western work cultures.', '{relocation,leadership}', '{en,ja}', '{JP,US}', 9000, 'USD'),
  ('b0000000-0000-4000-8000-000000000004', 'service_provider', 'Plumbing and heating, 24/7',
   'Licensed plumber covering the city centre.', '{plumbing,heating}', '{en}', '{US}', 7500, 'USD'),
  ('b0000000-0000-4000-8000-000000000005', 'service_provider', 'Drains and leaks, west side',
   'Drain cleaning and leak repairs around the West Loop.', '{plumbing,drains}', '{en,es}', '{US}', 7000, 'USD'),
  ('b0000000-0000-4000-8000-000000000006', 'service_provider', 'Milwaukee plumbing repairs',
   'Repairs and installs across Milwaukee County.', '{plumbing}', '{en}', '{US}', 6500, 'USD'),
  ('b0000000-0000-4000-8000-000000000007', 'consultant', 'Automation workflows, ready to import',
   'Workflows for clinics and small shops.', '{automation}', '{en}', '{US}', null, 'USD'),
  ('b0000000-0000-4000-8000-000000000008', 'coach', 'Careers across Nigeria and the UK',
   'I coach professionals moving between Lagos and London.', '{career,relocation}', '{en,yo}', '{NG,GB}', 8000, 'USD'),
  ('b0000000-0000-4000-8000-000000000009', 'coach', 'Relocating to Spain or Mexico',
   'Practical coaching for a move to the Spanish-speaking world.', '{relocation,career}', '{es,en}', '{ES,MX,US}', 6000, 'USD'),
  ('b0000000-0000-4000-8000-00000000000a', 'coach', 'Leading French and Canadian teams',
   'Leadership coaching for managers of French-speaking teams.', '{leadership,communication}', '{fr,en}', '{FR,CA}', 12000, 'USD'),
  ('b0000000-0000-4000-8000-00000000000b', 'coach', 'Negotiating in China and Singapore',
   'Negotiation and leadership across Chinese business cultures.', '{negotiation,leadership}', '{zh,en}', '{CN,SG}', 15000, 'USD'),
  ('b0000000-0000-4000-8000-00000000000c', 'coach', 'Executive coaching, German-speaking markets',
   'Executive presence for leaders in Germany and Austria.', '{leadership}', '{de,en}', '{DE,AT}', 30000, 'USD'),
  ('b0000000-0000-4000-8000-00000000000d', 'coach', 'Careers between India and the UK',
   'Career coaching for graduates moving to the UK.', '{career}', '{en,hi}', '{IN,GB}', 5000, 'USD');

-- Every demo provider is verified, and the plumber holds what home services require (licence,
-- insurance, background check), so that their offerings are live and bookable.
update public.provider_profiles
set is_verified = true, verified_at = now(), verified_by = 'a0000000-0000-4000-8000-000000000001'
where user_id in ('b0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000003',
                  'b0000000-0000-4000-8000-000000000004', 'b0000000-0000-4000-8000-000000000005',
                  'b0000000-0000-4000-8000-000000000006', 'b0000000-0000-4000-8000-000000000008',
                  'b0000000-0000-4000-8000-000000000009', 'b0000000-0000-4000-8000-00000000000a',
                  'b0000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000c');

insert into public.provider_verifications (provider_id, requirement, status, reference, verified_by, verified_at, expires_at)
values
  ('b0000000-0000-4000-8000-000000000004', 'license', 'verified', 'IL-PLB-055-012345', 'a0000000-0000-4000-8000-000000000001',
   now(), now() + interval '1 year'),
  ('b0000000-0000-4000-8000-000000000004', 'insurance', 'verified', 'LIAB-2026-88231', 'a0000000-0000-4000-8000-000000000001',
   now(), now() + interval '1 year'),
  ('b0000000-0000-4000-8000-000000000004', 'background_check', 'verified', 'BC-2026-4471', 'a0000000-0000-4000-8000-000000000001',
   now(), null);
-- Rosa and Milo, the job portal's other plumbers (seed 004), hold the same.
insert into public.provider_verifications (provider_id, requirement, status, reference, verified_by, verified_at, expires_at)
select p.id, r.requirement, 'verified', r.requirement || '-' || right(p.id::text, 1), 'a0000000-0000-4000-8000-000000000001',
       now(), case when r.requirement = 'background_check' then null else now() + interval '1 year' end
from (values ('b0000000-0000-4000-8000-000000000005'::uuid), ('b0000000-0000-4000-8000-000000000006')) p (id)
cross join (values ('license'::public.provider_requirement), ('insurance'), ('background_check')) r (requirement);

insert into public.client_profiles (user_id, timezone, quiz_answers)
select 'c0000000-0000-4000-8000-000000000003', 'Europe/London',
       jsonb_object_agg(f.key, 1 + (f.sort_order % 5))
from public.matching_factors f;

insert into public.client_profiles (user_id, timezone) values
  ('c0000000-0000-4000-8000-000000000001', 'Europe/Paris'),
  ('c0000000-0000-4000-8000-000000000002', 'Europe/London'),
  ('c0000000-0000-4000-8000-000000000004', 'America/Chicago');

insert into public.addresses (user_id, label, line1, city, postal_code, country_code, latitude, longitude, is_default)
values
  ('c0000000-0000-4000-8000-000000000002', 'Home', '12 Baker Street', 'London', 'NW1 6XE', 'GB', 51.5237, -0.1585, true),
  ('a0000000-0000-4000-8000-000000000004', 'Lab', '1 Lab Lane', 'London', 'E1 6AN', 'GB', 51.5205, -0.0725, true),
  ('c0000000-0000-4000-8000-000000000004', 'Home', '233 S Wacker Dr', 'Chicago', '60606', 'US', 41.8789, -87.6359, true),
  ('b0000000-0000-4000-8000-000000000004', 'Workshop', '400 N State St', 'Chicago', '60654', 'US', 41.8897, -87.6280, true),
  ('b0000000-0000-4000-8000-000000000005', 'Van depot', '1600 W Chicago Ave', 'Chicago', '60622', 'US', 41.8961, -87.6675, true),
  ('b0000000-0000-4000-8000-000000000006', 'Shop', '700 N Water St', 'Milwaukee', '53202', 'US', 43.0389, -87.9065, true);

-- Pia's animals (pet lab): fixed ids f000….
insert into public.pets (id, owner_id, name, species, breed, sex, birth_date, weight_kg, notes)
values
  ('f0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002', 'Biscuit', 'dog', 'Beagle', 'male',
   '2021-04-02', 12.5, 'Nervous with needles.'),
  ('f0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000002', 'Miso', 'cat', 'British Shorthair',
   'female', '2019-09-15', 4.2, null);

-- Catalog ---------------------------------------------------------------------------------------
-- Fixed ids d000… (categories), e000… (offerings) so that docs and frontends can use them.

-- Each category takes the kinds of offering that belong there; pet diagnostics (0 % commission,
-- the platform's lab partner) is platform-only: admins place offerings there, providers cannot.
insert into public.categories (id, parent_id, slug, name, sort_order, commission_rate, currency, min_price, max_price,
                               requires_license, requires_insurance, requires_background_check, is_featured,
                               offering_kinds, is_platform_only)
values
  ('d0000000-0000-4000-8000-000000000001', null, 'pet-diagnostics', 'Pet diagnostics', 1, 0, 'GBP', 500, 50000, false, false, false, true,
   '{lab_test}', true),
  ('d0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000001', 'blood-tests', 'Blood tests', 1, null, null, null, null, false, false, false, false,
   '{lab_test}', true),
  ('d0000000-0000-4000-8000-000000000003', null, 'consulting', 'Consulting', 2, 0.12, 'EUR', 5000, 500000, false, false, false, false,
   '{service,session,digital}', false),
  ('d0000000-0000-4000-8000-000000000004', null, 'coaching', 'Coaching', 3, 0.20, 'USD', 2500, 50000, false, false, false, true,
   '{session,digital}', false),
  ('d0000000-0000-4000-8000-000000000005', null, 'home-services', 'Home services', 4, 0.15, 'USD', 2000, 200000, true, true, true, true,
   '{home_service}', false),
  ('d0000000-0000-4000-8000-000000000006', 'd0000000-0000-4000-8000-000000000005', 'plumbing', 'Plumbing', 1, null, null, null, null, true, true, true, false,
   '{home_service}', false);

insert into public.offerings (id, provider_id, category_id, kind, title, description, price, currency, duration_minutes,
                              status, location, scheduled_on, features, free_cancellation_hours, late_cancellation_fee_share)
values
  ('e0000000-0000-4000-8000-000000000001', null, 'd0000000-0000-4000-8000-000000000002',
   'lab_test', 'Complete blood count', 'Red and white cells, platelets; home collection.', 4500, 'GBP', 30,
   'active', 'client_site', 'collector', '{home-collection}', 24, 0.5),
  ('e0000000-0000-4000-8000-000000000002', null, 'd0000000-0000-4000-8000-000000000002',
   'lab_test', 'Kidney panel', 'Urea, creatinine, SDMA.', 6000, 'GBP', 30,
   'active', 'client_site', 'collector', '{home-collection}', 24, 0.5),
  ('e0000000-0000-4000-8000-000000000008', null, 'd0000000-0000-4000-8000-000000000002',
   'lab_test', 'Liver panel', 'ALT, ALP, albumin.', 5500, 'GBP', 30,
   'active', 'client_site', 'collector', '{home-collection}', 24, 0.5),
  ('e0000000-0000-4000-8000-000000000003', 'b0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000003',
   'service', 'Operations review', 'A half-day review of how your firm runs, with a written plan.', 48000, 'EUR', 240,
   'active', 'online', 'provider', '{written-plan,follow-up-call}', 48, 1),
  ('e0000000-0000-4000-8000-000000000009', 'b0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000003',
   'service', 'Strategy call', 'An hour on one question, with notes afterwards.', 15000, 'EUR', 60,
   'active', 'online', 'provider', '{notes}', 24, 0.5),
  ('e0000000-0000-4000-8000-000000000004', 'b0000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000004',
   'session', 'Cross-cultural coaching session', 'Sixty minutes on working across Japanese and Western cultures.', 9000, 'USD', 60,
   'active', 'online', 'provider', '{video-call,notes}', 24, 0.5),
  ('e0000000-0000-4000-8000-000000000005', 'b0000000-0000-4000-8000-000000000004', 'd0000000-0000-4000-8000-000000000006',
   'home_service', 'Leak repair', 'Find and fix a leak; parts extra.', 12000, 'USD', 90,
   'active', 'client_site', 'provider', '{licensed,insured}', 12, 0.25),
  ('e0000000-0000-4000-8000-000000000006', 'b0000000-0000-4000-8000-000000000005', 'd0000000-0000-4000-8000-000000000006',
   'home_service', 'Drain and leak fixes', 'Blocked drains cleared, leaks found and fixed.', 9500, 'USD', 60,
   'active', 'client_site', 'provider', '{licensed,insured,same-day}', 12, 0.25),
  ('e0000000-0000-4000-8000-000000000007', 'b0000000-0000-4000-8000-000000000006', 'd0000000-0000-4000-8000-000000000006',
   'home_service', 'Plumbing repairs', 'Leaks, taps, toilets and water heaters.', 10000, 'USD', 90,
   'active', 'client_site', 'provider', '{licensed,insured}', 24, 0.25);

insert into public.lab_test_details (offering_id, tube_type, sample_quantity_ml, collection_instructions, turnaround_hours)
values
  ('e0000000-0000-4000-8000-000000000001', 'EDTA (lavender)', 1.0, 'No fasting needed.', 24),
  ('e0000000-0000-4000-8000-000000000002', 'Serum (red)', 2.0, 'Fast the animal for 8 hours.', 48),
  ('e0000000-0000-4000-8000-000000000008', 'Serum (red)', 1.0, 'Fast the animal for 8 hours.', 48);

-- What each test measures (issue 15), with the reference ranges per species and the critical
-- limits that alert the lab at once.
insert into public.lab_analytes (id, offering_id, code, name, unit, decimals, sort_order) values
  ('e4000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'wbc', 'White blood cells', '10^9/L', 1, 1),
  ('e4000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000001', 'rbc', 'Red blood cells', '10^12/L', 2, 2),
  ('e4000000-0000-4000-8000-000000000003', 'e0000000-0000-4000-8000-000000000001', 'hct', 'Haematocrit', '%', 1, 3),
  ('e4000000-0000-4000-8000-000000000004', 'e0000000-0000-4000-8000-000000000001', 'plt', 'Platelets', '10^9/L', 0, 4),
  ('e4000000-0000-4000-8000-000000000011', 'e0000000-0000-4000-8000-000000000002', 'urea', 'Urea', 'mmol/L', 1, 1),
  ('e4000000-0000-4000-8000-000000000012', 'e0000000-0000-4000-8000-000000000002', 'creatinine', 'Creatinine', 'µmol/L', 0, 2),
  ('e4000000-0000-4000-8000-000000000013', 'e0000000-0000-4000-8000-000000000002', 'sdma', 'SDMA', 'µg/dL', 0, 3),
  ('e4000000-0000-4000-8000-000000000021', 'e0000000-0000-4000-8000-000000000008', 'alt', 'ALT', 'U/L', 0, 1),
  ('e4000000-0000-4000-8000-000000000022', 'e0000000-0000-4000-8000-000000000008', 'alp', 'ALP', 'U/L', 0, 2),
  ('e4000000-0000-4000-8000-000000000023', 'e0000000-0000-4000-8000-000000000008', 'albumin', 'Albumin', 'g/L', 0, 3);
insert into public.lab_reference_ranges (analyte_id, species, low, high, critical_low, critical_high) values
  ('e4000000-0000-4000-8000-000000000001', 'dog', 6.0, 17.0, 2.0, 50.0),
  ('e4000000-0000-4000-8000-000000000001', 'cat', 5.5, 19.5, 2.0, 50.0),
  ('e4000000-0000-4000-8000-000000000002', 'dog', 5.5, 8.5, 3.0, null),
  ('e4000000-0000-4000-8000-000000000002', 'cat', 5.0, 10.0, 3.0, null),
  ('e4000000-0000-4000-8000-000000000003', 'dog', 37, 55, 15, 70),
  ('e4000000-0000-4000-8000-000000000003', 'cat', 30, 45, 12, 65),
  ('e4000000-0000-4000-8000-000000000004', null, 200, 500, 50, null),
  ('e4000000-0000-4000-8000-000000000011', 'dog', 2.5, 9.6, null, 40),
  ('e4000000-0000-4000-8000-000000000011', 'cat', 5.7, 12.9, null, 40),
  ('e4000000-0000-4000-8000-000000000012', 'dog', 44, 159, null, 600),
  ('e4000000-0000-4000-8000-000000000012', 'cat', 71, 212, null, 600),
  ('e4000000-0000-4000-8000-000000000013', null, 0, 14, null, 40),
  ('e4000000-0000-4000-8000-000000000021', 'dog', 10, 125, null, 1000),
  ('e4000000-0000-4000-8000-000000000022', 'dog', 23, 212, null, null),
  ('e4000000-0000-4000-8000-000000000023', null, 23, 40, 15, null);

insert into public.offering_addons (id, offering_id, name, price, price_type, min_quantity, max_quantity, duration_minutes)
values
  ('e1000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000005', 'Replacement valve', 2500, 'per_unit', 0, 4, 15),
  ('e1000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000005', 'Emergency call-out', 5000, 'fixed', 0, 1, 0),
  ('e1000000-0000-4000-8000-000000000003', 'e0000000-0000-4000-8000-000000000004', 'Session recording', 1500, 'fixed', 0, 1, 0);

insert into public.offering_packages (id, offering_id, name, discount_percent)
values ('e2000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000005', 'Leak repair with two valves', 10);
insert into public.package_addons (package_id, addon_id, quantity)
values ('e2000000-0000-4000-8000-000000000001', 'e1000000-0000-4000-8000-000000000001', 2);

-- The platform's own area (no provider): centred on the lab, which only an admin may do.
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000004", "role": "authenticated", "user_roles": ["admin"]}', false);
insert into public.service_areas (provider_id, name, address_id, radius_km)
select null, 'Home collections around the lab', a.id, 15 from public.addresses a where a.user_id = 'a0000000-0000-4000-8000-000000000004';
select set_config('request.jwt.claims', '', false);
insert into public.service_areas (provider_id, name, address_id, radius_km)
select a.user_id, 'Chicago downtown', a.id, 20 from public.addresses a where a.user_id = 'b0000000-0000-4000-8000-000000000004';
-- Rosa covers 15 km around her depot for a flat $25 travel; Milo 30 km around Milwaukee, far
-- from Chicago: Chicago's jobs never reach him.
insert into public.service_areas (provider_id, name, address_id, radius_km, travel_fee)
select a.user_id, 'West side', a.id, 15, 2500 from public.addresses a where a.user_id = 'b0000000-0000-4000-8000-000000000005';
insert into public.service_areas (provider_id, name, address_id, radius_km)
select a.user_id, 'Milwaukee County', a.id, 30 from public.addresses a where a.user_id = 'b0000000-0000-4000-8000-000000000006';
-- Pat also serves Evanston by postcode, for a flat $35 travel and 10% more (seed 004's areas).
insert into public.service_areas (provider_id, name, country_code, postal_codes, travel_fee, price_multiplier)
values ('b0000000-0000-4000-8000-000000000004', 'Evanston', 'US', '{60201,60202}', 3500, 1.1);

-- The platform's plumbing extras (seed 004's subcategory add-ons and fixed-price packages): every
-- plumbing offering, and later every plumbing job, can take them.
insert into public.offering_addons (id, category_id, name, description, price, price_type, min_quantity, max_quantity)
values ('e1000000-0000-4000-8000-000000000011', 'd0000000-0000-4000-8000-000000000006', 'Pipe insulation',
        'Foam lagging for exposed pipes, per metre.', 800, 'per_unit', 0, 20),
       ('e1000000-0000-4000-8000-000000000012', 'd0000000-0000-4000-8000-000000000006', 'Drain camera inspection',
        'A camera down the drain, with the recording.', 4500, 'fixed', 0, 1);
insert into public.offering_packages (id, category_id, name, description, package_price)
values ('e2000000-0000-4000-8000-000000000011', 'd0000000-0000-4000-8000-000000000006', 'Winter-proof visit',
        'A visit with ten metres of pipe insulation, for one price.', 18000);
insert into public.package_addons (package_id, addon_id, quantity)
values ('e2000000-0000-4000-8000-000000000011', 'e1000000-0000-4000-8000-000000000011', 10);

insert into public.travel_fee_policies (provider_id, currency, free_radius_km, per_km_fee, minimum_fee, maximum_fee) values
  (null, 'GBP', 3, 150, 500, 2500),
  ('b0000000-0000-4000-8000-000000000004', 'USD', 5, 200, 1000, 4000);

insert into public.tax_rates (country_code, name, rate) values ('GB', 'VAT', 0.2);

insert into public.offers (id, name, percent_off, max_discount, category_id, is_automatic)
values ('e3000000-0000-4000-8000-000000000001', 'Welcome 10% off coaching', 10, 2000, 'd0000000-0000-4000-8000-000000000004', false);
insert into public.coupons (offer_id, code, max_redemptions, max_per_user)
values ('e3000000-0000-4000-8000-000000000001', 'WELCOME10', 100, 1);
-- The pet lab's offer: 15 % off diagnostics with a code (seed 001's coupons).
insert into public.offers (id, name, percent_off, category_id, is_automatic)
values ('e3000000-0000-4000-8000-000000000002', '15% off lab tests', 15, 'd0000000-0000-4000-8000-000000000001', false);
insert into public.coupons (offer_id, code, max_redemptions, max_per_user)
values ('e3000000-0000-4000-8000-000000000002', 'PAWS15', 500, 3);

-- Schedules: providers in their own timezone; the collector does home visits for the lab.
insert into public.schedules (user_id, timezone, slot_step_minutes, buffer_before_minutes, buffer_after_minutes, min_notice_minutes, horizon_days)
values
  ('a0000000-0000-4000-8000-000000000002', 'Europe/London', 30, 0, 15, 120, 30),
  ('b0000000-0000-4000-8000-000000000002', 'Europe/Paris', 60, 0, 30, 1440, 90),
  ('b0000000-0000-4000-8000-000000000003', 'Asia/Tokyo', 60, 0, 0, 720, 60),
  ('b0000000-0000-4000-8000-000000000004', 'America/Chicago', 30, 30, 30, 60, 30),
  ('b0000000-0000-4000-8000-000000000005', 'America/Chicago', 30, 15, 15, 60, 30),
  ('b0000000-0000-4000-8000-000000000006', 'America/Chicago', 30, 30, 30, 120, 30),
  ('b0000000-0000-4000-8000-000000000008', 'Europe/London', 60, 0, 0, 720, 60),
  ('b0000000-0000-4000-8000-000000000009', 'Europe/Madrid', 60, 0, 0, 720, 60),
  ('b0000000-0000-4000-8000-00000000000a', 'Europe/Paris', 60, 0, 0, 720, 60),
  ('b0000000-0000-4000-8000-00000000000b', 'Asia/Singapore', 60, 0, 0, 720, 60),
  ('b0000000-0000-4000-8000-00000000000c', 'Europe/Berlin', 60, 0, 0, 720, 60),
  ('b0000000-0000-4000-8000-00000000000d', 'Europe/London', 60, 0, 0, 720, 60);

insert into public.availability_rules (user_id, weekday, start_time, end_time)
select s.user_id, d, h.start_time, h.end_time
from public.schedules s
cross join generate_series(1, 5) d
cross join lateral (values ('09:00'::time, '17:00'::time)) h (start_time, end_time);

-- Site content (issue 13): the clinic (seed 001), the consulting site's FAQs and testimonials
-- (seed 000), Hana's favorite plumber (seed 004) and Amara's favorite coach (seed 002).
insert into public.clinic_info (name, phone, email, address_line1, city, postal_code, country_code, opening_hours)
values ('Happy Paws Lab', '+44 20 7946 0018', 'hello@petlab.local', '1 Lab Lane', 'London', 'E1 6AN', 'GB',
        '{"mon": "08:00-18:00", "tue": "08:00-18:00", "wed": "08:00-18:00", "thu": "08:00-18:00", "fri": "08:00-18:00", "sat": "09:00-13:00"}');
insert into public.faqs (question, answer, category, sort_order, is_published) values
  ('How do I pay?', 'By card at checkout, or by bank transfer: your booking is held while we check it.', 'payments', 1, true),
  ('Can I cancel?', 'Yes. Each service says until when cancelling is free; after that a share is kept.', 'bookings', 2, true);
insert into public.testimonials (quote, author_name, author_role, sort_order, is_approved) values
  ('Carla found the three things that were costing us most, and we fixed two in a month.', 'Chris Client', 'Owner, a small firm', 1, true);
insert into public.contact_messages (name, email, subject, body, topic, severity) values
  ('Vera Visitor', 'vera@example.com', 'A workflow for our clinic?', 'Do you sell workflows for appointment reminders?',
   'partnership', 'low');
insert into public.favorites (user_id, provider_id) values
  ('c0000000-0000-4000-8000-000000000004', 'b0000000-0000-4000-8000-000000000004'),
  ('c0000000-0000-4000-8000-000000000003', 'b0000000-0000-4000-8000-000000000003');

-- Stripe: the demo providers finished Connect onboarding (their accounts exist only here; the
-- checkout Lambda needs a real test-mode account to open a session for them).
insert into public.provider_payout_accounts (provider_id, stripe_account_id, charges_enabled, payouts_enabled, details_submitted)
values
  ('b0000000-0000-4000-8000-000000000002', 'acct_1DemoConsultant', true, true, true),
  ('b0000000-0000-4000-8000-000000000003', 'acct_1DemoCoach', true, true, true),
  ('b0000000-0000-4000-8000-000000000004', 'acct_1DemoPlumber', true, true, true),
  ('b0000000-0000-4000-8000-000000000005', 'acct_1DemoRooter', true, true, true),
  ('b0000000-0000-4000-8000-000000000006', 'acct_1DemoMilwaukee', true, true, true),
  ('b0000000-0000-4000-8000-000000000007', 'acct_1DemoFlowsmith', true, true, true),
  ('b0000000-0000-4000-8000-000000000008', 'acct_1DemoSeun', true, true, true),
  ('b0000000-0000-4000-8000-000000000009', 'acct_1DemoLucia', true, true, true),
  ('b0000000-0000-4000-8000-00000000000a', 'acct_1DemoAmelie', true, true, true),
  ('b0000000-0000-4000-8000-00000000000b', 'acct_1DemoWei', true, true, true),
  ('b0000000-0000-4000-8000-00000000000c', 'acct_1DemoHans', true, true, true),
  ('b0000000-0000-4000-8000-00000000000d', 'acct_1DemoPriya', true, true, true);

-- Coach matching (issue 17, seed 002): each coach's own answers to the quiz (in factor order),
-- a session each, and Amara's wishes: English, Nigeria or the UK, careers and relocation, up to
-- $200 an hour. Her best matches: Seun (her languages, countries, topics, style), then Priya.
insert into public.coach_styles (coach_id, answers)
select c.id, (select jsonb_object_agg(f.key, c.answers[f.sort_order]) from public.matching_factors f)
from (values
  ('b0000000-0000-4000-8000-000000000003'::uuid, '{2,4,4,2,3,4,5,2,4,2,3,3,3,4,2,4,4,3,3,3}'::integer[]),
  ('b0000000-0000-4000-8000-000000000008', '{4,2,3,3,4,4,4,3,2,4,3,5,4,3,3,4,5,4,3,4}'),
  ('b0000000-0000-4000-8000-000000000009', '{3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3}'),
  ('b0000000-0000-4000-8000-00000000000a', '{2,4,4,2,2,3,5,2,4,2,4,3,2,4,2,3,4,2,4,3}'),
  ('b0000000-0000-4000-8000-00000000000b', '{1,5,5,1,2,2,5,1,5,1,5,2,1,5,1,2,3,2,4,3}'),
  ('b0000000-0000-4000-8000-00000000000c', '{5,1,2,5,3,5,4,3,4,5,2,2,5,5,2,5,3,3,4,2}'),
  ('b0000000-0000-4000-8000-00000000000d', '{4,3,3,3,4,4,4,3,3,4,3,4,4,3,3,4,4,4,3,4}')
) c (id, answers);

insert into public.offerings (id, provider_id, category_id, kind, title, description, price, currency, duration_minutes,
                              status, location, scheduled_on, features, free_cancellation_hours,
                              late_cancellation_fee_share)
select ('e0000000-0000-4000-8000-0000000001' || right(c.user_id::text, 2))::uuid, c.user_id,
       'd0000000-0000-4000-8000-000000000004', 'session', c.headline,
       'Sixty minutes, by video call.', c.hourly_rate, 'USD', 60, 'active', 'online', 'provider', '{video-call,notes}', 24, 0.5
from public.provider_profiles c
where c.kind = 'coach' and c.user_id <> 'b0000000-0000-4000-8000-000000000003';

update public.client_profiles
set quiz_answers = (select jsonb_object_agg(f.key, ('{4,2,3,3,4,5,4,3,2,4,3,5,4,3,3,4,5,4,2,5}'::integer[])[f.sort_order])
                    from public.matching_factors f),
    wanted_languages = '{en}', wanted_countries = '{NG,GB}', wanted_topics = '{career,relocation}',
    max_hourly_rate = 20000, rate_currency = 'USD'
where user_id = 'c0000000-0000-4000-8000-000000000003';

-- The story so far -------------------------------------------------------------------------------
-- Every vertical's screens populated: bookings in every state, paid and refunded invoices,
-- inboxes. Made through the same functions the apps call, acting as the people would (their
-- access-token claims), so the rows are what the product writes. The helpers live in pg_temp:
-- they vanish with the seed's session.

-- Act as a demo user, with the claims the access-token hook gives them.
create function pg_temp.act_as(email text) returns void language plpgsql as $$
declare
  user_id uuid := (select u.id from auth.users u where u.email = act_as.email);
  issued jsonb;
begin
  issued := public.custom_access_token_hook(jsonb_build_object(
    'user_id', user_id, 'authentication_method', 'password',
    'claims', jsonb_build_object(
      'iss', 'seed', 'sub', user_id, 'aud', 'authenticated', 'role', 'authenticated', 'email', email, 'phone', '',
      'exp', extract(epoch from now() + interval '1 hour')::bigint, 'iat', extract(epoch from now())::bigint,
      'aal', 'aal1', 'session_id', gen_random_uuid(), 'is_anonymous', false,
      'app_metadata', '{}'::jsonb, 'user_metadata', '{}'::jsonb)));
  perform set_config('request.jwt.claims', (issued -> 'claims')::text, false);
end
$$;

create function pg_temp.act_as_service() returns void language sql as $$
  select set_config('request.jwt.claims', '{"role": "service_role"}', false)
$$;

-- <email> books the <nth> free slot of <offering> from tomorrow on, as the app would.
create function pg_temp.book(email text, offering uuid, nth integer, address uuid default null, pet uuid default null,
                             coupon text default null)
returns jsonb language plpgsql as $$
declare
  slot timestamptz;
begin
  perform pg_temp.act_as(email);
  select f.starts_at into slot
  from public.free_slots(offering, current_date + 1, current_date + 45) f order by f.starts_at offset nth limit 1;
  return public.create_booking(jsonb_build_array(jsonb_build_object('offering_id', offering)), slot,
                               address_id => address, pet_id => pet, coupon_code => coupon);
end
$$;

-- <email> pays <booking>'s invoice by card: Checkout, then Stripe's checkout.session.completed.
create function pg_temp.pay(email text, booking jsonb) returns void language plpgsql as $$
declare
  checkout jsonb;
  tag text := replace(booking ->> 'booking_id', '-', '');
begin
  perform pg_temp.act_as(email);
  checkout := public.begin_checkout((booking ->> 'invoice_id')::uuid);
  perform pg_temp.act_as_service();
  perform service.attach_checkout_session((checkout ->> 'payment_id')::uuid, 'cs_demo_' || tag,
                                          'https://checkout.stripe.com/c/pay/cs_demo_' || tag, now() + interval '31 minutes');
  perform service.apply_checkout_event('evt_demo_' || tag, 'checkout.session.completed', now(), 'cs_demo_' || tag,
                                       (checkout ->> 'payment_id')::uuid, 'paid', 'pi_demo_' || tag,
                                       (checkout ->> 'amount')::bigint, checkout ->> 'currency');
end
$$;

-- Time passes for <booking>: it took place <ago> ago (at its booked time of day; under a day:
-- it started <ago> ago, to the hour). Not a reschedule: the
-- bookings' notify trigger is held back while the clock is moved.
create function pg_temp.move_back(booking jsonb, ago interval) returns void language plpgsql as $$
begin
  alter table public.bookings disable trigger notify;
  update public.bookings b
  set starts_at = b.starts_at - shift, ends_at = b.ends_at - shift,
      blocked_during = tstzrange(lower(b.blocked_during) - shift, upper(b.blocked_during) - shift)
  from (select case when ago >= interval '1 day'  -- days ago: at the booked time of day
                    then date_trunc('day', x.starts_at) - date_trunc('day', now() - ago)
                    else x.starts_at - date_trunc('hour', now() - ago) end as shift
        from public.bookings x where x.id = (booking ->> 'booking_id')::uuid) s
  where b.id = (booking ->> 'booking_id')::uuid;
  alter table public.bookings enable trigger notify;
end
$$;

create function pg_temp.move(email text, booking jsonb, to_status public.booking_status, reason text default null)
returns void language plpgsql as $$
begin
  perform pg_temp.act_as(email);
  perform public.transition_booking((booking ->> 'booking_id')::uuid, to_status, reason);
end
$$;

-- What the refunds Lambda does with a queued refund once Stripe accepted it.
create function pg_temp.refund_settled(booking jsonb) returns void language plpgsql as $$
declare
  queued record;
begin
  perform pg_temp.act_as_service();
  for queued in select * from service.refunds_to_submit(booking_id => (booking ->> 'booking_id')::uuid) loop
    perform service.record_refund_submitted(queued.refund_id, 're_demo_' || replace(queued.refund_id::text, '-', ''),
                                            'succeeded');
  end loop;
end
$$;

do $$
declare
  chris text := 'client@consulting.local';
  carla text := 'consultant@consulting.local';
  amara text := 'coachee@coaching.local';
  kenji text := 'coach@coaching.local';
  hana text := 'homeowner@homeservices.local';
  pat text := 'plumber@homeservices.local';
  pia text := 'petowner@petlab.local';
  colin text := 'collector@petlab.local';
  review uuid := 'e0000000-0000-4000-8000-000000000003';
  coaching uuid := 'e0000000-0000-4000-8000-000000000004';
  leak uuid := 'e0000000-0000-4000-8000-000000000005';
  blood uuid := 'e0000000-0000-4000-8000-000000000001';
  kidney uuid := 'e0000000-0000-4000-8000-000000000002';
  hana_home uuid := (select a.id from public.addresses a where a.user_id = 'c0000000-0000-4000-8000-000000000004');
  pia_home uuid := (select a.id from public.addresses a where a.user_id = 'c0000000-0000-4000-8000-000000000002');
  booking jsonb;
  sample uuid;
begin
  -- Consulting (seed 005): Chris's review done last month, one paid and coming, one awaiting
  -- payment, one cancelled in time and refunded.
  booking := pg_temp.book(chris, review, 0);
  perform pg_temp.pay(chris, booking);
  perform pg_temp.move_back(booking, interval '30 days');
  perform pg_temp.move(carla, booking, 'in_progress');
  perform pg_temp.move(carla, booking, 'completed');
  booking := pg_temp.book(chris, review, 10);
  perform pg_temp.pay(chris, booking);
  booking := pg_temp.book(chris, review, 20);
  perform pg_temp.pay(chris, booking);
  perform pg_temp.move(chris, booking, 'cancelled', 'Moved the project to next quarter');
  perform pg_temp.refund_settled(booking);
  perform pg_temp.book(chris, review, 30);

  -- Coaching (seed 002): Amara's first session with the welcome coupon, a missed one, a hold
  -- she let lapse.
  booking := pg_temp.book(amara, coaching, 0, coupon => 'WELCOME10');
  perform pg_temp.pay(amara, booking);
  booking := pg_temp.book(amara, coaching, 5);
  perform pg_temp.pay(amara, booking);
  perform pg_temp.move_back(booking, interval '7 days');
  perform pg_temp.move(kenji, booking, 'no_show', 'Client did not join the call');
  booking := pg_temp.book(amara, coaching, 10);
  update public.bookings set hold_expires_at = now() - interval '1 minute' where id = (booking ->> 'booking_id')::uuid;
  perform pg_temp.act_as_service();
  perform service.expire_holds();

  -- Home services (seed 004): Pat is fixing Hana's leak right now; a second visit is booked.
  booking := pg_temp.book(hana, leak, 0, address => hana_home);
  perform pg_temp.pay(hana, booking);
  perform pg_temp.move_back(booking, interval '30 minutes');
  perform pg_temp.move(pat, booking, 'in_progress');
  booking := pg_temp.book(hana, leak, 12, address => hana_home);
  perform pg_temp.pay(hana, booking);

  -- Pet lab (seed 001): Miso's kidney panel was collected last week, received and run by Theo,
  -- reported by Ana and released by the lab (the booking completed with it); Biscuit's blood
  -- count is booked and paid, Colin collects it.
  booking := pg_temp.book(pia, kidney, 0, address => pia_home, pet => 'f0000000-0000-4000-8000-000000000002');
  perform pg_temp.pay(pia, booking);
  perform pg_temp.move_back(booking, interval '6 days');
  sample := (select s.booking_item_id from public.lab_samples s where s.booking_id = (booking ->> 'booking_id')::uuid);
  perform pg_temp.act_as(colin);
  perform public.transition_lab_sample(sample, 'collected', 'Calm cat; one tube.', tube_count => 1);
  perform pg_temp.act_as('tech@petlab.local');
  perform public.transition_lab_sample(sample, 'received', sample_condition => 'Good, chilled');
  perform public.transition_lab_sample(sample, 'in_analysis');
  perform pg_temp.act_as('analyst@petlab.local');
  perform public.enter_lab_results(sample, '[{"analyte": "urea", "value": 9.8}, {"analyte": "creatinine", "value": 168},
                                             {"analyte": "sdma", "value": 13}]');
  perform public.transition_lab_sample(sample, 'reported', 'Kidney values at the upper limit for a cat of her age; recheck in six months.');
  perform pg_temp.act_as('lab@petlab.local');
  perform public.transition_lab_sample(sample, 'released');
  booking := pg_temp.book(pia, blood, 3, address => pia_home, pet => 'f0000000-0000-4000-8000-000000000001');
  perform pg_temp.pay(pia, booking);

  -- Reviews (issue 13): Chris rates his completed review and Carla answers; Pia rates Miso's panel.
  perform pg_temp.act_as(chris);
  perform public.write_review((select b.id from public.bookings b where b.offering_id = review and b.status = 'completed'), 4,
                              'Sharp analysis and a plan we could follow; the written part came a day late.');
  perform pg_temp.act_as(carla);
  perform public.answer_review((select r.id from public.reviews r where r.offering_id = review),
                               'Thank you, Chris. The delay was mine; the follow-up call is on me.');
  perform pg_temp.act_as(pia);
  perform public.write_review((select b.id from public.bookings b where b.offering_id = kidney and b.status = 'completed'), 5,
                              'Colin was calm with Miso and the results came the next day.');

  -- The dispatcher's first pass: every event of the story reaches its inboxes.
  perform pg_temp.act_as_service();
  perform service.expand_notifications(500);
end
$$;

select set_config('request.jwt.claims', '', false);

-- Messaging (issue 14) -------------------------------------------------------------------------------
-- Hana and Pat talk in the chat of the leak repair he is doing now (its room and its system
-- messages, confirmed and started, came with the booking); Pat has read all of it, Hana has
-- his answer to read. Pat keeps a template of his own; the platform offers a closing one.
do $$
declare
  hana uuid := 'c0000000-0000-4000-8000-000000000004';
  pat uuid := 'b0000000-0000-4000-8000-000000000004';
  room uuid := (select r.id from public.chat_rooms r join public.bookings b on b.id = r.booking_id
                where b.client_id = 'c0000000-0000-4000-8000-000000000004' and b.status = 'in_progress');
  question bigint;
begin
  insert into public.chat_templates (owner_id, name, category, content, variables) values
    (pat, 'On my way', 'arrival', 'Hi {{ client_name }}, I am on my way: there in {{ minutes }} minutes.', '{client_name,minutes}'),
    (null, 'Thank you', 'closing', 'Thank you for choosing us, {{ client_name }}!', '{client_name}');
  insert into public.chat_messages (room_id, sender_id, body, template_id)
  select room, pat, private.render_chat_template(t.content, t.variables, '{"client_name": "Hana", "minutes": 20}'), t.id
  from public.chat_templates t where t.owner_id = pat and t.name = 'On my way';
  insert into public.chat_messages (room_id, sender_id, body)
  values (room, hana, 'Thanks Pat. The leak is under the kitchen sink; is the main valve enough?')
  returning id into question;
  insert into public.chat_messages (room_id, sender_id, body, reply_to_id)
  values (room, pat, 'Yes, keep it closed. I am bringing two new valves to be safe.', question);
  update public.chat_participants p
  set last_read_message_id = (select max(m.id) from public.chat_messages m where m.room_id = room)
  where p.room_id = room and p.user_id = pat;
  update public.chat_participants p
  set last_read_message_id = question
  where p.room_id = room and p.user_id = hana;
end
$$;

select pg_temp.act_as_service();
select service.expand_notifications(500);
select set_config('request.jwt.claims', '', false);
-- End of messaging ------------------------------------------------------------------------------------

-- Jobs (issue 14) ------------------------------------------------------------------------------------
-- Hana posted a dripping tap for next week: Pat and Rosa were matched (Milo is too far), Rosa bid
-- and asked a question in her bid's room.
do $$
declare
  job uuid;
begin
  perform pg_temp.act_as('homeowner@homeservices.local');
  insert into public.jobs (title, description, category_id, address_id, service_date, service_time, timezone, urgency,
                           budget_min, budget_max)
  values ('Dripping bathroom tap', 'The cold tap in the upstairs bathroom drips all night.',
          'd0000000-0000-4000-8000-000000000006',
          (select a.id from public.addresses a where a.user_id = 'c0000000-0000-4000-8000-000000000004'),
          current_date + 7, '10:00', 'America/Chicago', 'normal', 5000, 15000)
  returning id into job;
  perform public.transition_job(job, 'published');
  perform pg_temp.act_as('rooter@homeservices.local');
  insert into public.bids (job_id, amount, description, estimated_minutes, is_negotiable)
  values (job, 8500, 'New washer and cartridge; I bring both.', 60, true);
  insert into public.chat_messages (room_id, body)
  select r.id, 'Is it a mixer tap or two separate taps?' from public.chat_rooms r
  where r.job_id = job and r.bidder_id = 'b0000000-0000-4000-8000-000000000005';
  perform pg_temp.act_as_service();
  perform service.expand_notifications(500);
end
$$;

select set_config('request.jwt.claims', '', false);

-- Workflow store (issue 16, seed 003) ----------------------------------------------------------------
-- Workflows sold as files: the platform's own and Flowsmith's, in several categories each, with
-- previews, features and a file per version; 20 % off with FLOW20. Ben bought the platform's
-- reminders workflow by card and left a review.
insert into public.categories (id, slug, name, sort_order, commission_rate, currency, min_price, max_price, offering_kinds)
values
  ('d0000000-0000-4000-8000-000000000007', 'workflows', 'Workflows', 5, 0.20, 'USD', 0, 100000, '{digital}'),
  ('d0000000-0000-4000-8000-000000000008', 'automation', 'Automation', 1, null, null, null, null, '{digital}'),
  ('d0000000-0000-4000-8000-000000000009', 'marketing', 'Marketing', 2, null, null, null, null, '{digital}');
update public.categories set parent_id = 'd0000000-0000-4000-8000-000000000007'
where id in ('d0000000-0000-4000-8000-000000000008', 'd0000000-0000-4000-8000-000000000009');
insert into public.offerings (id, provider_id, category_id, kind, title, description, price, currency, duration_minutes,
                              status, location, features)
values
  ('e5000000-0000-4000-8000-000000000001', null, 'd0000000-0000-4000-8000-000000000008', 'digital',
   'Appointment reminders', 'Texts and emails a day and an hour before each appointment.', 2900, 'USD', 5, 'active', 'online',
   '{sms,email,calendar-sync}'),
  ('e5000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000007', 'd0000000-0000-4000-8000-000000000008',
   'digital', 'Invoice chaser', 'Polite reminders for unpaid invoices, escalating after a week.', 4900, 'USD', 5, 'active',
   'online', '{email,escalation}'),
  ('e5000000-0000-4000-8000-000000000003', 'b0000000-0000-4000-8000-000000000007', 'd0000000-0000-4000-8000-000000000009',
   'digital', 'Review requests', 'Asks happy clients for a review after each visit.', 1900, 'USD', 5, 'active', 'online',
   '{email,reviews}');
insert into public.offering_categories (offering_id, category_id) values
  ('e5000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000009'),
  ('e5000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000008');
-- The deliverables, as the sellers uploaded them (Storage's rows), one version each and a
-- second of the reminders.
insert into storage.objects (bucket_id, name, metadata)
select 'product-files', f.path, jsonb_build_object('size', f.size, 'mimetype', 'application/json')
from (values ('e5000000-0000-4000-8000-000000000001/v1/reminders.json', 18211),
             ('e5000000-0000-4000-8000-000000000001/v2/reminders.json', 19402),
             ('e5000000-0000-4000-8000-000000000002/v1/invoice-chaser.json', 24510),
             ('e5000000-0000-4000-8000-000000000003/v1/review-requests.json', 9133)) f (path, size);
insert into public.product_files (id, offering_id, version, path, name, notes) values
  ('e6000000-0000-4000-8000-000000000001', 'e5000000-0000-4000-8000-000000000001', 1,
   'e5000000-0000-4000-8000-000000000001/v1/reminders.json', 'reminders.json', 'First release.'),
  ('e6000000-0000-4000-8000-000000000002', 'e5000000-0000-4000-8000-000000000001', 2,
   'e5000000-0000-4000-8000-000000000001/v2/reminders.json', 'reminders.json', 'Adds WhatsApp.'),
  ('e6000000-0000-4000-8000-000000000003', 'e5000000-0000-4000-8000-000000000002', 1,
   'e5000000-0000-4000-8000-000000000002/v1/invoice-chaser.json', 'invoice-chaser.json', null),
  ('e6000000-0000-4000-8000-000000000004', 'e5000000-0000-4000-8000-000000000003', 1,
   'e5000000-0000-4000-8000-000000000003/v1/review-requests.json', 'review-requests.json', null);
insert into public.offers (id, name, percent_off, category_id, is_automatic)
values ('e3000000-0000-4000-8000-000000000003', '20% off workflows', 20, 'd0000000-0000-4000-8000-000000000007', false);
insert into public.coupons (offer_id, code, max_redemptions, max_per_user)
values ('e3000000-0000-4000-8000-000000000003', 'FLOW20', 1000, 2);

do $$
declare
  bought jsonb;
  checkout jsonb;
begin
  perform pg_temp.act_as('buyer@workflows.local');
  bought := public.purchase_products(array['e5000000-0000-4000-8000-000000000001'::uuid]);
  checkout := public.begin_checkout((bought #>> '{orders,0,invoice_id}')::uuid);
  perform pg_temp.act_as_service();
  perform service.attach_checkout_session((checkout ->> 'payment_id')::uuid, 'cs_demo_flow1',
                                          'https://checkout.stripe.com/c/pay/cs_demo_flow1', now() + interval '31 minutes');
  perform service.apply_checkout_event('evt_demo_flow1', 'checkout.session.completed', now(), 'cs_demo_flow1',
                                       (checkout ->> 'payment_id')::uuid, 'paid', 'pi_demo_flow1',
                                       (checkout ->> 'amount')::bigint, checkout ->> 'currency');
  perform pg_temp.act_as('buyer@workflows.local');
  perform public.review_purchase((bought #>> '{orders,0,purchase_ids,0}')::uuid, 5,
                                 'Set up in ten minutes; no-shows halved in a month.');
  perform pg_temp.act_as_service();
  perform service.expand_notifications(500);
end
$$;

select set_config('request.jwt.claims', '', false);
