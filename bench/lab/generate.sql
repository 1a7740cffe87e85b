-- Benchmark data for the lab reads (issue 15): owners with pets, five million samples over three
-- years (almost all released, a few hundred waiting at each step for the staff queues), and a
-- report for each released one. Written as the superuser with triggers off
-- (session_replication_role = replica) in the shape the lab module leaves its rows; samples point
-- at booking items and bookings that are not generated (the foreign keys' triggers are off too):
-- the reads measured never join them. Sizes come from bench.*, set by run.py.

-- step: settings
set session_replication_role = replica;

-- step: users
insert into auth.users (id, aud, role, email, email_confirmed_at, confirmation_token, recovery_token,
                        email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'authenticated', 'authenticated',
       'user' || g || '@bench.local', now(), '', '', '', '', '{"provider": "email"}', '{}', now(), now()
from generate_series(1, current_setting('bench.owners')::int + 10) g;
insert into public.profiles (id, display_name) select u.id, 'User ' || u.email from auth.users u;
-- Users owners + 1 .. owners + 10 are the lab's staff: collectors, lab techs, analysts.
insert into public.user_roles (user_id, role, staff_role)
select ('00000000-0000-4000-8000-' || lpad(to_hex(current_setting('bench.owners')::int + s), 12, '0'))::uuid, 'staff',
       (case when s <= 4 then 'collector' when s <= 7 then 'lab_tech' else 'analyst' end)::public.staff_role
from generate_series(1, 10) s;
-- Two pets per owner.
insert into public.pets (id, owner_id, name, species)
select ('20000000-0000-4000-8000-' || lpad(to_hex(p), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex((p - 1) / 2 + 1), 12, '0'))::uuid,
       'Pet ' || p, (case when p % 2 = 0 then 'dog' else 'cat' end)::public.pet_species
from generate_series(1, current_setting('bench.owners')::int * 2) p;
insert into public.categories (id, slug, name, offering_kinds, is_platform_only)
values ('cd000000-0000-4000-8000-000000000001', 'blood-tests', 'Blood tests', '{lab_test}', true);
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location,
                              scheduled_on)
select ('1a000000-0000-4000-8000-' || lpad(to_hex(t), 12, '0'))::uuid, null, 'cd000000-0000-4000-8000-000000000001',
       'lab_test', 'Test ' || t, 4500, 'GBP', 30, 'active', 'client_site', 'collector'
from generate_series(1, 20) t;

-- step: samples
-- Sample n: pet (n % pets) + 1, test (n % 20) + 1, over three years; the newest bench.waiting
-- wait at a step (booked, collected, received, in_analysis, reported), the rest are released.
insert into public.lab_samples (booking_item_id, booking_id, offering_id, pet_id, owner_id, collector_id, scheduled_at, status,
                                collected_at, received_at, analysis_started_at, reported_at, reported_by, released_at,
                                released_by, created_at, updated_at)
select ('30000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
       ('40000000-0000-4000-8000-' || lpad(to_hex((n + 2) / 3), 12, '0'))::uuid,
       ('1a000000-0000-4000-8000-' || lpad(to_hex(n % 20 + 1), 12, '0'))::uuid,
       ('20000000-0000-4000-8000-' || lpad(to_hex(x.pet), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex((x.pet - 1) / 2 + 1), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(c.owners + 1 + n % 4), 12, '0'))::uuid,
       t.at, s.status::public.lab_sample_status,
       case when s.status <> 'booked' then t.at end,
       case when s.status not in ('booked', 'collected') then t.at + interval '3 hours' end,
       case when s.status in ('in_analysis', 'reported', 'released') then t.at + interval '4 hours' end,
       case when s.status in ('reported', 'released') then t.at + interval '6 hours' end,
       case when s.status in ('reported', 'released')
            then ('00000000-0000-4000-8000-' || lpad(to_hex(c.owners + 8 + n % 2), 12, '0'))::uuid end,
       case when s.status = 'released' then t.at + interval '8 hours' end,
       case when s.status = 'released'
            then ('00000000-0000-4000-8000-' || lpad(to_hex(c.owners + 9 - n % 2), 12, '0'))::uuid end,
       t.at, t.at
from (select current_setting('bench.owners')::int as owners, current_setting('bench.samples')::int as samples,
             current_setting('bench.waiting')::int as waiting) c
cross join generate_series(1, c.samples) n
cross join lateral (select (n::bigint * 7919) % (c.owners * 2) + 1 as pet) x
cross join lateral (select now() - interval '1095 days' + make_interval(secs => n * 94608000.0 / c.samples) as at) t
cross join lateral (select case when n > c.samples - c.waiting
                                then (array['booked', 'collected', 'received', 'in_analysis', 'reported'])[n % 5 + 1]
                                else 'released' end as status) s;

-- step: reports
insert into public.lab_reports (booking_item_id, booking_id, owner_id, pet_id, version, status, is_current, comments, results,
                                reported_by, reported_at, released_by, released_at, pdf_path, pdf_size, pdf_rendered_at, created_at)
select s.booking_item_id, s.booking_id, s.owner_id, s.pet_id, 1, 'released', true, 'Within range.',
       '[{"analyte": "Urea", "code": "urea", "unit": "mmol/L", "value": 6.1, "flag": "normal", "low": 2.5, "high": 9.6}]',
       s.reported_by, s.reported_at, s.released_by, s.released_at,
       s.booking_id || '/' || s.booking_item_id || '.v1.pdf', 3000, s.released_at, s.released_at
from public.lab_samples s where s.status = 'released';

-- step: route
-- The bookings (and an address) of the first collector's latest day, which the route joins; the
-- other samples' bookings are not generated (no read measured here joins them).
insert into public.addresses (id, user_id, line1, city, postal_code, country_code, latitude, longitude, is_default)
select ('50000000-0000-4000-8000-' || lpad(to_hex(o), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(o), 12, '0'))::uuid, o || ' Baker Street', 'London', 'NW1 6XE', 'GB',
       51.52, -0.15, true
from generate_series(1, current_setting('bench.owners')::int) o;
insert into public.bookings (id, offering_id, client_id, collector_id, scheduled_on, pet_id, address_id, starts_at, ends_at,
                             blocked_during, status, currency, total_amount, free_cancellation_hours, late_cancellation_fee_share)
select distinct on (s.booking_id) s.booking_id, s.offering_id, s.owner_id, s.collector_id, 'collector', s.pet_id,
       ('50000000-0000-4000-8000-' || right(s.owner_id::text, 12))::uuid,
       s.scheduled_at, s.scheduled_at + interval '30 minutes', tstzrange(s.scheduled_at, s.scheduled_at + interval '30 minutes'),
       'completed', 'GBP', 4500, 24, 0.5
from public.lab_samples s
where s.collector_id = ('00000000-0000-4000-8000-' || lpad(to_hex(current_setting('bench.owners')::int + 1), 12, '0'))::uuid
  and (s.scheduled_at at time zone 'UTC')::date = (
    select max((x.scheduled_at at time zone 'UTC')::date) from public.lab_samples x
    where x.collector_id = ('00000000-0000-4000-8000-' || lpad(to_hex(current_setting('bench.owners')::int + 1), 12, '0'))::uuid)
order by s.booking_id;

-- step: analyze
analyze auth.users, public.profiles, public.pets, public.lab_samples, public.lab_reports, public.bookings, public.addresses;
