-- bench / bookings: a marketplace at the scale of issue 3's benchmark, generated set-based.
--
-- About 10,000 providers, 200,000 clients, 50 categories (10 with 4 subcategories each),
-- 100,000 offerings with 200,000 add-ons, a schedule per provider and 2,000,000 bookings
-- (about 130 past and 70 upcoming per provider; past ones mostly completed, upcoming ones
-- mostly confirmed, some held or cancelled). Upcoming bookings of one provider take
-- distinct half-days, so the exclusion constraints hold; every booking lies in its
-- provider's working hours, in the provider's timezone.
--
-- Scale: the custom settings bench.providers, bench.clients, bench.offerings_per_provider,
-- bench.bookings_per_provider and bench.upcoming_bookings_per_provider (defaults above).
--
-- Run as a superuser on a database holding the platform stand-in and every migration
-- (bench/bookings/run.py does it, one transaction per "-- step:"). Loading runs with
-- session_replication_role = replica: no trigger fires, foreign keys included, so this
-- file writes what the sign-up trigger would (profiles, profile_details, user_roles) and
-- keeps references and price bounds right itself. Check, unique and exclusion constraints
-- stay enforced. Run `vacuum (analyze)` afterwards. Random values come from setseed, so
-- the same scale gives the same data apart from generated uuids and now().

-- step: settings
set session_replication_role = replica;
set maintenance_work_mem = '1GB';
set work_mem = '256MB';
set synchronous_commit = off;
select setseed(0.2026);

create temporary table bench_scale as
select
  coalesce(nullif(current_setting('bench.providers', true), '')::integer, 10000) as providers,
  coalesce(nullif(current_setting('bench.clients', true), '')::integer, 200000) as clients,
  coalesce(nullif(current_setting('bench.offerings_per_provider', true), '')::integer, 10) as offerings_per_provider,
  coalesce(nullif(current_setting('bench.bookings_per_provider', true), '')::integer, 200) as bookings_per_provider,
  coalesce(nullif(current_setting('bench.upcoming_bookings_per_provider', true), '')::integer, 70) as upcoming_per_provider;

-- Ten cities: timezones on both sides of the equator and of the date line, with and without DST.
create temporary table bench_cities (n, name, country_code, timezone, latitude, longitude, postal_code) as
values
  (0, 'London', 'GB', 'Europe/London', 51.5074, -0.1278, 'EC1A 1BB'),
  (1, 'Paris', 'FR', 'Europe/Paris', 48.8566, 2.3522, '75001'),
  (2, 'Berlin', 'DE', 'Europe/Berlin', 52.5200, 13.4050, '10115'),
  (3, 'Madrid', 'ES', 'Europe/Madrid', 40.4168, -3.7038, '28001'),
  (4, 'Amsterdam', 'NL', 'Europe/Amsterdam', 52.3676, 4.9041, '1012 AB'),
  (5, 'New York', 'US', 'America/New_York', 40.7128, -74.0060, '10001'),
  (6, 'Chicago', 'US', 'America/Chicago', 41.8781, -87.6298, '60601'),
  (7, 'Toronto', 'CA', 'America/Toronto', 43.6532, -79.3832, 'M5H 2N2'),
  (8, 'Tokyo', 'JP', 'Asia/Tokyo', 35.6762, 139.6503, '100-0001'),
  (9, 'Sydney', 'AU', 'Australia/Sydney', -33.8688, 151.2093, '2000');

-- step: users
-- Ids are md5-derived (random-looking, as gen_random_uuid's are, but reproducible).
-- Provider i lives in city i % 10 and is a lab (i % 10 = 0), a consultant (1-3), a coach
-- (4-6) or a home-service provider (7-9). The client with index j lives in city j % 10.
create temporary table bench_users as
select 'provider' as account_type, i, md5('provider:' || i)::uuid as id, i % 10 as city,
       case when i % 10 = 0 then 'lab' when i % 10 <= 3 then 'consultant' when i % 10 <= 6 then 'coach'
            else 'service_provider' end as kind
from bench_scale, generate_series(1, bench_scale.providers) i
union all
select 'client', j, md5('client:' || j)::uuid, j % 10, null
from bench_scale, generate_series(1, bench_scale.clients) j
union all
select 'admin', 1, md5('admin:1')::uuid, 0, null;

alter table bench_users add primary key (id);
create index on bench_users (account_type, i);

insert into auth.users (
  instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at
)
select '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated',
       u.account_type || u.i || '@bench.local', u.created_at,
       '{"provider": "email", "providers": ["email"]}',
       jsonb_build_object('display_name', u.display_name,
                          'account_type', case u.account_type when 'provider' then 'provider' else 'client' end),
       u.created_at, u.created_at
from (
  select b.*, now() - random() * interval '4 years' as created_at,
         (array['Ada', 'Ben', 'Chloe', 'Dev', 'Eva', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Liam',
                'Mei', 'Noah', 'Olga', 'Pablo', 'Qin', 'Rosa', 'Sami', 'Tara', 'Umar', 'Vera', 'Wei', 'Xena',
                'Yusuf', 'Zoe', 'Amara', 'Kenji', 'Lena', 'Omar'])[1 + b.i % 30]
         || ' ' ||
         (array['Smith', 'Martin', 'Müller', 'García', 'de Vries', 'Johnson', 'Brown', 'Tremblay', 'Tanaka',
                'Wilson', 'Okafor', 'Rossi', 'Novak', 'Kowalski', 'Nielsen', 'Silva', 'Khan', 'Chen', 'Kim',
                'Dubois', 'Moreau', 'Schmidt', 'López', 'Jansen', 'Lee', 'Taylor', 'Sato', 'Ivanova', 'Haddad',
                'Costa'])[1 + (b.i / 30) % 30] as display_name
  from bench_users b
) u;

-- What the sign-up trigger (private.tg_users_create_profile) writes, set-based.
insert into public.profiles (id, display_name, created_at, updated_at)
select u.id, coalesce(u.raw_user_meta_data ->> 'display_name', 'Member'), u.created_at, u.created_at
from auth.users u;

insert into public.profile_details (user_id, full_name, locale, created_at, updated_at)
select u.id, u.raw_user_meta_data ->> 'display_name', 'en', u.created_at, u.created_at
from auth.users u;

insert into public.user_roles (user_id, role, created_at)
select b.id, (case b.account_type when 'admin' then 'admin' else b.account_type end)::public.app_role, now()
from bench_users b;

-- step: providers
insert into public.provider_profiles (
  user_id, kind, headline, bio, expertise, languages, countries, hourly_rate, currency, rating, rating_count,
  completed_sessions, is_verified, verified_at, created_at, updated_at
)
select p.id, p.kind::public.provider_kind,
       initcap(replace(p.kind, '_', ' ')) || ' in ' || c.name,
       'Serving clients in and around ' || c.name || ' for ' || (2 + p.i % 20) || ' years.',
       case p.kind when 'lab' then '{diagnostics}' when 'consultant' then '{strategy,operations}'
                   when 'coach' then '{career,leadership}' else '{repairs,cleaning}' end::text[],
       '{en}', array[c.country_code]::text[],
       case when p.kind = 'lab' then null else (25 + floor(p.r1 * 200))::bigint * 100 end,
       'USD',
       case when p.r2 < 0.1 then 0 else round((3 + 2 * power(p.r3, 0.6))::numeric, 2) end,
       case when p.r2 < 0.1 then 0 else 1 + floor(p.r1 * 300)::integer end,
       case when p.r2 < 0.1 then 0 else 5 + floor(p.r3 * 500)::integer end,
       p.r2 >= 0.3, case when p.r2 >= 0.3 then now() - interval '30 days' end,
       now() - interval '2 years', now() - interval '2 years'
from (select b.*, random() as r1, random() as r2, random() as r3 from bench_users b where b.account_type = 'provider') p
join bench_cities c on c.n = p.city;

-- step: catalog
create temporary table bench_categories (top, kind, slug, name, subs) as
values
  (1, 'lab', 'pet-diagnostics', 'Pet diagnostics', array['blood-tests', 'urine-tests', 'allergy-tests', 'genetic-tests']),
  (2, 'lab', 'human-diagnostics', 'Human diagnostics', array['blood-panels', 'hormone-tests', 'vitamin-tests', 'wellness-checks']),
  (3, 'consultant', 'business-consulting', 'Business consulting', array['strategy', 'operations', 'marketing', 'finance']),
  (4, 'consultant', 'technology-consulting', 'Technology consulting', array['cloud', 'security', 'data', 'software']),
  (5, 'consultant', 'legal-advice', 'Legal advice', array['contracts', 'employment-law', 'immigration', 'tax-law']),
  (6, 'coach', 'career-coaching', 'Career coaching', array['job-search', 'leadership', 'interviews', 'career-change']),
  (7, 'coach', 'life-coaching', 'Life coaching', array['wellbeing', 'relationships', 'productivity', 'relocation']),
  (8, 'coach', 'language-tutoring', 'Language tutoring', array['english', 'spanish', 'japanese', 'french']),
  (9, 'service_provider', 'home-repair', 'Home repair', array['plumbing', 'electrical', 'carpentry', 'painting']),
  (10, 'service_provider', 'cleaning', 'Cleaning', array['deep-cleaning', 'windows', 'carpets', 'move-out']);

insert into public.categories (id, parent_id, slug, name, sort_order, commission_rate, currency, min_price, max_price,
                               requires_license, requires_insurance, requires_background_check, is_featured)
select md5('category:' || c.slug)::uuid, null, c.slug, c.name, c.top,
       case c.kind when 'lab' then 0 when 'consultant' then 0.12 when 'coach' then 0.20 else 0.15 end,
       'USD', 500, 500000, c.kind = 'service_provider', c.kind = 'service_provider', c.kind = 'service_provider', c.top % 3 = 1
from bench_categories c;

insert into public.categories (id, parent_id, slug, name, sort_order)
select md5('category:' || s.slug)::uuid, md5('category:' || c.slug)::uuid, s.slug, initcap(replace(s.slug, '-', ' ')), s.n
from bench_categories c, unnest(c.subs) with ordinality s (slug, n);

-- Offering k of provider i: titles from a vocabulary per kind (20 topics × 8 variants),
-- status active for k < 3 (so every provider has bookable offerings), else 85 % active.
create temporary table bench_offerings as
select o.*, md5('offering:' || o.provider_i || ':' || o.k)::uuid as id
from (
  select p.i as provider_i, p.id as provider_id, p.kind, p.city, k,
         md5('category:' || (cat.subs)[1 + (p.i / 10 + k) % 4])::uuid as category_id,
         topic.words[1 + (p.i * 7 + k) % 20] as topic,
         variant.words[1 + (p.i + k * 3) % 8] as variant,
         case p.kind
           when 'lab' then (array[15, 20, 30])[1 + (p.i + k) % 3]
           when 'consultant' then (array[60, 90, 120])[1 + (p.i + k) % 3]
           when 'coach' then (array[30, 45, 60])[1 + (p.i + k) % 3]
           else (array[60, 90, 120])[1 + (p.i + k) % 3]
         end as duration_minutes,
         case p.kind
           when 'lab' then 1500 + floor(random() * 135) * 100
           when 'consultant' then 10000 + floor(random() * 1400) * 100
           when 'coach' then 3000 + floor(random() * 270) * 100
           else 5000 + floor(random() * 550) * 100
         end::bigint as price,
         case when k < 3 then 'active' else (array['active', 'active', 'active', 'active', 'active', 'active',
              'active', 'active', 'active', 'active', 'active', 'active', 'active', 'active', 'active', 'active',
              'active', 'draft', 'draft', 'archived'])[1 + floor(random() * 20)::integer] end as status,
         (array['fast results', 'certified staff', 'a detailed written report', 'a follow-up call', 'flexible hours',
                'weekend availability', 'bilingual service', 'free rebooking', 'same-day start', 'clear pricing'])
           [1 + floor(random() * 10)::integer] as feature
  from bench_users p
  cross join bench_scale
  cross join generate_series(0, bench_scale.offerings_per_provider - 1) k
  join bench_categories cat on cat.kind = p.kind
    and cat.top = (select min(c2.top) from bench_categories c2 where c2.kind = p.kind)
                  + (p.i / 10) % (select count(*) from bench_categories c2 where c2.kind = p.kind)
  join (values
    ('lab', array['Complete blood count', 'Kidney panel', 'Liver panel', 'Thyroid panel', 'Urinalysis',
                  'Fecal parasite screen', 'Allergy panel', 'Heartworm antigen test', 'Electrolyte panel',
                  'Glucose curve', 'Lipid profile', 'Vitamin D test', 'Iron studies', 'Cortisol test',
                  'Coagulation profile', 'Blood gas analysis', 'Genetic breed screen', 'Pancreatic lipase test',
                  'Senior wellness panel', 'Pre-anesthetic panel']),
    ('consultant', array['Strategy review', 'Operations audit', 'Marketing plan', 'Financial model',
                         'Pricing workshop', 'Hiring plan', 'Cloud migration plan', 'Security audit',
                         'Data platform design', 'Software architecture review', 'Contract review',
                         'Employment contract check', 'Visa application review', 'Tax filing review',
                         'GDPR compliance check', 'Growth workshop', 'Supply chain review', 'Board advisory session',
                         'Fundraising preparation', 'Process mapping workshop']),
    ('coach', array['Career coaching', 'Leadership coaching', 'Interview practice', 'Career change plan',
                    'Wellbeing session', 'Relationship coaching', 'Productivity coaching', 'Relocation coaching',
                    'Public speaking practice', 'Confidence coaching', 'English conversation', 'Spanish lesson',
                    'Japanese lesson', 'French lesson', 'Business English', 'Exam preparation', 'Mindfulness session',
                    'Executive coaching', 'Team coaching', 'Goal setting session']),
    ('service_provider', array['Leak repair', 'Boiler service', 'Drain unblocking', 'Electrical inspection',
                               'Socket installation', 'Light fitting', 'Door repair', 'Shelf installation',
                               'Room painting', 'Wallpapering', 'Deep cleaning', 'End of tenancy cleaning',
                               'Window cleaning', 'Carpet cleaning', 'Oven cleaning', 'Gutter cleaning',
                               'Tap replacement', 'Radiator bleeding', 'Fence repair', 'Furniture assembly'])
  ) topic (kind, words) on topic.kind = p.kind
  join (values
    ('lab', array['canine', 'feline', 'equine', 'avian', 'express', 'standard', 'comprehensive', 'screening']),
    ('consultant', array['express', 'standard', 'premium', 'one-day', 'remote', 'on-site', 'startup', 'enterprise']),
    ('coach', array['intro', 'standard', 'intensive', 'evening', 'weekend', 'online', 'group', 'premium']),
    ('service_provider', array['standard', 'express', 'emergency', 'weekend', 'small', 'large', 'eco', 'premium'])
  ) variant (kind, words) on variant.kind = p.kind
  where p.account_type = 'provider'
) o;

create unique index on bench_offerings (provider_i, k);

insert into public.offerings (
  id, provider_id, category_id, kind, title, description, price, currency, duration_minutes, status, location,
  scheduled_on, features, free_cancellation_hours, late_cancellation_fee_share, created_at, updated_at
)
select o.id, o.provider_id, o.category_id,
       case o.kind when 'lab' then 'lab_test' when 'consultant' then 'service' when 'coach' then 'session'
                   else 'home_service' end::public.offering_kind,
       o.topic || ' (' || o.variant || ')',
       'A ' || o.duration_minutes || '-minute ' || lower(o.topic) || ', ' || o.variant || ', in ' || c.name
         || '. Includes ' || o.feature || '.',
       o.price, 'USD', o.duration_minutes, o.status::public.offering_status,
       case o.kind when 'lab' then 'provider_site' when 'service_provider' then 'client_site'
                   else 'online' end::public.offering_location,
       'provider', array[o.feature],
       (array[0, 12, 24, 48])[1 + (o.provider_i + o.k) % 4], (array[0.25, 0.5, 1])[1 + o.k % 3],
       now() - interval '1 year', now() - interval '1 year'
from bench_offerings o
join bench_cities c on c.n = o.city;

insert into public.lab_test_details (offering_id, tube_type, sample_quantity_ml, collection_instructions, turnaround_hours,
                                     fasting_required)
select o.id, (array['EDTA (lavender)', 'Serum (red)', 'Heparin (green)', 'Citrate (blue)'])[1 + o.k % 4],
       (array[0.5, 1.0, 2.0, 3.0])[1 + (o.provider_i + o.k) % 4], 'Bring the sample within two hours.',
       (array[4, 24, 48, 72])[1 + o.k % 4], o.k % 5 = 0
from bench_offerings o
where o.kind = 'lab';

insert into public.offering_addons (offering_id, name, price, price_type, min_quantity, max_quantity, duration_minutes,
                                    created_at, updated_at)
select o.id, a.name, a.price, a.price_type::public.addon_price_type, 0, a.max_quantity, a.duration_minutes,
       now() - interval '1 year', now() - interval '1 year'
from bench_offerings o
join (values
  ('lab', 'Express results', 1500, 'fixed', 1, 0),
  ('lab', 'Extra sample', 800, 'per_unit', 3, 5),
  ('consultant', 'Written report', 20000, 'fixed', 1, 0),
  ('consultant', 'Extra hour', 15000, 'per_hour', 4, 60),
  ('coach', 'Session recording', 1500, 'fixed', 1, 0),
  ('coach', 'Extra 15 minutes', 1000, 'per_unit', 2, 15),
  ('service_provider', 'Parts kit', 2500, 'per_unit', 4, 15),
  ('service_provider', 'Emergency call-out', 5000, 'fixed', 1, 0)
) a (kind, name, price, price_type, max_quantity, duration_minutes) on a.kind = o.kind;

-- step: places and pricing
-- One default address per user near their city's centre (within about 10 km).
insert into public.addresses (user_id, label, line1, city, postal_code, country_code, latitude, longitude, is_default)
select u.id, case u.account_type when 'provider' then 'Base' else 'Home' end,
       (1 + u.i % 200) || ' Bench Street', c.name, c.postal_code, c.country_code,
       c.latitude + (u.r1 - 0.5) * 0.15, c.longitude + (u.r2 - 0.5) * 0.15, true
from (select b.*, random() as r1, random() as r2 from bench_users b) u
join bench_cities c on c.n = u.city;

-- Home-service providers travel up to 40 km and charge for it beyond 5 km.
insert into public.service_areas (provider_id, name, address_id, radius_km)
select a.user_id, 'Around ' || a.city, a.id, 40
from public.addresses a
join bench_users u on u.id = a.user_id and u.kind = 'service_provider';

insert into public.travel_fee_policies (provider_id, currency, free_radius_km, per_km_fee, minimum_fee, maximum_fee)
select u.id, 'USD', 5, 150, 500, 3000 from bench_users u where u.kind = 'service_provider'
union all
select null, 'USD', 3, 100, 300, 2000;

insert into public.tax_rates (country_code, name, rate) values
  ('GB', 'VAT', 0.2), ('FR', 'TVA', 0.2), ('DE', 'MwSt', 0.19), ('ES', 'IVA', 0.21), ('NL', 'BTW', 0.21),
  ('JP', 'Consumption tax', 0.1), ('AU', 'GST', 0.1), ('CA', 'GST', 0.05);

-- Automatic offers on a few categories, and coupon-only offers with their codes.
insert into public.offers (name, percent_off, amount_off, currency, max_discount, min_order_amount, category_id,
                           valid_from, valid_until, is_automatic)
select o.name, o.percent_off, o.amount_off, o.currency, o.max_discount, o.min_order_amount,
       md5('category:' || o.slug)::uuid, now() - interval '30 days', now() + interval '90 days', o.is_automatic
from (values
  ('Pet wellness month', 15, null, null, 2000, 0, 'pet-diagnostics', true),
  ('Spring cleaning', 10, null, null, 3000, 0, 'cleaning', true),
  ('Blood test bundle', null, 500, 'USD', null, 10000, 'blood-panels', true),
  ('New year, new career', 10, null, null, 5000, 0, 'career-coaching', true),
  ('Cloud week', 5, null, null, 10000, 50000, 'cloud', true),
  ('Welcome to coaching', 10, null, null, 2000, 0, 'life-coaching', false),
  ('Legal check-up', 20, null, null, 10000, 0, 'legal-advice', false),
  ('Repairs voucher', null, 1000, 'USD', null, 5000, 'home-repair', false)
) o (name, percent_off, amount_off, currency, max_discount, min_order_amount, slug, is_automatic);

insert into public.coupons (offer_id, code, max_redemptions, max_per_user)
select o.id, upper(replace(o.name, ' ', '')) || '10', 1000, 1 from public.offers o where not o.is_automatic;

-- step: schedules
-- Weekdays 09:00-17:00 local (coaches 08:00-12:00 and 13:00-18:00; home services also
-- Saturday mornings); a few date exceptions each in the coming weeks.
insert into public.schedules (user_id, timezone, slot_step_minutes, buffer_before_minutes, buffer_after_minutes,
                              min_notice_minutes, horizon_days)
select u.id, c.timezone,
       case u.kind when 'lab' then 15 when 'consultant' then 60 else 30 end,
       case u.kind when 'service_provider' then 15 else 0 end,
       case when u.kind in ('service_provider', 'coach') then 15 else 0 end,
       120, 90
from bench_users u
join bench_cities c on c.n = u.city
where u.account_type = 'provider';

insert into public.availability_rules (user_id, weekday, start_time, end_time)
select u.id, d, h.start_time, h.end_time
from bench_users u
cross join generate_series(1, 5) d
join (values ('lab', '09:00'::time, '17:00'::time), ('consultant', '09:00', '17:00'),
             ('coach', '08:00', '12:00'), ('coach', '13:00', '18:00'), ('service_provider', '09:00', '17:00')
) h (kind, start_time, end_time) on h.kind = u.kind
where u.account_type = 'provider'
union all
select u.id, 6, '10:00', '14:00' from bench_users u where u.kind = 'service_provider';

insert into public.availability_exceptions (user_id, on_date, is_available, start_time, end_time, reason)
select u.id, current_date + e.offset_days + u.i % e.spread, e.is_available, e.start_time, e.end_time, e.reason
from bench_users u
cross join (values
  (7, 14, false, null::time, null::time, 'Day off'),
  (3, 10, false, '13:00'::time, '17:00'::time, 'Training'),
  (21, 7, true, '10:00'::time, '14:00'::time, 'Extra hours')
) e (offset_days, spread, is_available, start_time, end_time, reason)
where u.account_type = 'provider';

-- step: bookings
-- Booking k of provider i. Upcoming (k < upcoming_per_provider): day 1 + k / 2, in the
-- morning (starts 09-11) for even k, the afternoon (14-16) for odd k, so one provider's live
-- bookings never overlap even widened by buffers; on one of the provider's always-active
-- offerings. Past: one every five days or so, back about two years, on any offering.
-- Clients are skewed (a few book a lot): client index = clients × u^1.5.
insert into public.bookings (
  offering_id, client_id, provider_id, scheduled_on, starts_at, ends_at, blocked_during, status, hold_expires_at,
  currency, total_amount, free_cancellation_hours, late_cancellation_fee_share, cancelled_at, cancellation_fee,
  created_at, updated_at
)
select o.id, md5('client:' || (1 + floor(g.clients * power(g.r1, 1.5)))::integer)::uuid, o.provider_id, 'provider',
       t.starts_at, t.starts_at + make_interval(mins => o.duration_minutes),
       tstzrange(t.starts_at - make_interval(mins => s.buffer_before_minutes),
                 t.starts_at + make_interval(mins => o.duration_minutes + s.buffer_after_minutes)),
       t.status::public.booking_status,
       case t.status when 'held' then case when g.r3 < 0.90 then now() + interval '1 day' else now() - interval '1 hour' end
                     when 'expired' then t.starts_at - interval '6 days' end,
       'USD', o.price, 24, 0.5,
       case when t.status = 'cancelled' then least(now(), t.starts_at - interval '2 days') end,
       case when t.status = 'cancelled' then 0 end,
       least(now(), t.starts_at - interval '7 days'), least(now(), t.starts_at - interval '7 days')
from (
  select i, k, sc.clients, sc.upcoming_per_provider as upcoming, sc.offerings_per_provider as per_provider,
         random() as r1, random() as r2, random() as r3
  from bench_scale sc
  cross join generate_series(1, sc.providers) i
  cross join generate_series(0, sc.bookings_per_provider - 1) k
) g
join bench_offerings o on o.provider_i = g.i
  and o.k = case when g.k < g.upcoming then g.k % 3 else g.k % g.per_provider end
join public.schedules s on s.user_id = o.provider_id
cross join lateral (
  select
    ((current_date + case when g.k < g.upcoming then 1 + g.k / 2 else -(1 + (g.k - g.upcoming) * 5 + g.k % 3) end)
     + make_interval(hours => case when g.k >= g.upcoming then 9 + floor(g.r2 * 7)::integer
                                   when g.k % 2 = 0 then 9 + floor(g.r2 * 3)::integer
                                   else 14 + floor(g.r2 * 3)::integer end)
    ) at time zone s.timezone as starts_at,
    case when g.k < g.upcoming then
      case when g.r3 < 0.85 then 'confirmed' when g.r3 < 0.92 then 'held' else 'cancelled' end
    else
      case when g.r3 < 0.86 then 'completed' when g.r3 < 0.94 then 'cancelled' when g.r3 < 0.97 then 'no_show'
           else 'expired' end
    end as status
) t;
