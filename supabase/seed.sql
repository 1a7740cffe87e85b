-- Demo data for local development: a few users per vertical, all with password
-- "password123" (bcrypt, so they also sign in on `supabase start`). Fixed ids so that
-- frontends and docs can refer to them.
--
--   admin@marketbase.local        admin
--   collector@petlab.local        staff (collector)       pet lab
--   analyst@petlab.local          staff (analyst)         pet lab
--   lab@petlab.local              provider (lab)          pet lab
--   consultant@consulting.local   provider (consultant)   consulting
--   coach@coaching.local          provider (coach)        coaching
--   plumber@homeservices.local    provider (service)      job portal
--   client@consulting.local       client
--   petowner@petlab.local         client
--   coachee@coaching.local        client (with the matching quiz)
--   homeowner@homeservices.local  client

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at
)
select
  '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
  extensions.crypt('password123', extensions.gen_salt('bf')), now(),
  '{"provider": "email", "providers": ["email"]}',
  jsonb_build_object('display_name', u.display_name, 'full_name', u.full_name, 'account_type', u.account_type),
  now(), now()
from (values
  ('a0000000-0000-4000-8000-000000000001'::uuid, 'admin@marketbase.local', 'Admin', 'Ada Admin', 'client'),
  ('a0000000-0000-4000-8000-000000000002'::uuid, 'collector@petlab.local', 'Colin (collector)', 'Colin Collector', 'client'),
  ('a0000000-0000-4000-8000-000000000003'::uuid, 'analyst@petlab.local', 'Ana (analyst)', 'Ana Analyst', 'client'),
  ('b0000000-0000-4000-8000-000000000001'::uuid, 'lab@petlab.local', 'Happy Paws Lab', 'Happy Paws Lab Ltd', 'provider'),
  ('b0000000-0000-4000-8000-000000000002'::uuid, 'consultant@consulting.local', 'Carla Consults', 'Carla Consultant', 'provider'),
  ('b0000000-0000-4000-8000-000000000003'::uuid, 'coach@coaching.local', 'Kenji Coach', 'Kenji Tanaka', 'provider'),
  ('b0000000-0000-4000-8000-000000000004'::uuid, 'plumber@homeservices.local', 'Pat Plumbing', 'Pat Plumber', 'provider'),
  ('c0000000-0000-4000-8000-000000000001'::uuid, 'client@consulting.local', 'Chris', 'Chris Client', 'client'),
  ('c0000000-0000-4000-8000-000000000002'::uuid, 'petowner@petlab.local', 'Pia', 'Pia Petowner', 'client'),
  ('c0000000-0000-4000-8000-000000000003'::uuid, 'coachee@coaching.local', 'Amara', 'Amara Okafor', 'client'),
  ('c0000000-0000-4000-8000-000000000004'::uuid, 'homeowner@homeservices.local', 'Hana', 'Hana Homeowner', 'client')
) as u (id, email, display_name, full_name, account_type);

-- Supabase Auth signs in with email through the identity row.
insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email), 'email', now(), now()
from auth.users u;

-- Roles beyond the client / provider chosen at sign-up.
insert into public.user_roles (user_id, role, staff_role) values
  ('a0000000-0000-4000-8000-000000000001', 'admin', null),
  ('a0000000-0000-4000-8000-000000000002', 'staff', 'collector'),
  ('a0000000-0000-4000-8000-000000000003', 'staff', 'analyst');
delete from public.user_roles
where user_id in ('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002',
                  'a0000000-0000-4000-8000-000000000003')
  and role = 'client';

insert into public.provider_profiles (user_id, kind, headline, bio, expertise, languages, countries, hourly_rate, currency)
values
  ('b0000000-0000-4000-8000-000000000001', 'lab', 'Veterinary diagnostics with home sample collection',
   'Blood, urine and stool tests for dogs and cats, collected at home.', '{hematology,biochemistry}', '{en}', '{GB}', null, 'GBP'),
  ('b0000000-0000-4000-8000-000000000002', 'consultant', 'Operations consultant for small firms',
   'Fifteen years helping small firms run leaner.', '{operations,strategy}', '{en,fr}', '{FR,GB}', 12000, 'EUR'),
  ('b0000000-0000-4000-8000-000000000003', 'coach', 'Cross-cultural coach: Japan and the West',
   'I help professionals thrive across Japanese and Western work cultures.', '{relocation,leadership}', '{en,ja}', '{JP,US}', 9000, 'USD'),
  ('b0000000-0000-4000-8000-000000000004', 'service_provider', 'Plumbing and heating, 24/7',
   'Licensed plumber covering the city centre.', '{plumbing,heating}', '{en}', '{US}', 7500, 'USD');

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
  ('b0000000-0000-4000-8000-000000000001', 'Lab', '1 Lab Lane', 'London', 'E1 6AN', 'GB', 51.5205, -0.0725, true),
  ('c0000000-0000-4000-8000-000000000004', 'Home', '233 S Wacker Dr', 'Chicago', '60606', 'US', 41.8789, -87.6359, true),
  ('b0000000-0000-4000-8000-000000000004', 'Workshop', '400 N State St', 'Chicago', '60654', 'US', 41.8897, -87.6280, true);
