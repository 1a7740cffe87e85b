-- Benchmark data for the job portal's reads (issue 14): clients with a home address, home-service
-- providers (two offerings, a radius service area), jobs over two years (most completed, cancelled
-- or expired; published ones matched with the providers around them), bids of the matched
-- providers, a chat room per bid with its two participants, and messages.
--
-- Run as the superuser with triggers off (session_replication_role = replica), writing what the
-- triggers and RPCs would leave: a job's city, region, postal code and country copied from its
-- address at publication; job_matches only for published jobs, computed as private.job_candidates
-- does (an active offering in the job's category, the provider's area measured from
-- private.measured_centre covering the address; the `check` step compares a sample with
-- job_candidates itself); bids only from providers the job was matched with, client_id the job's,
-- at most one pending per provider and job, one accepted for an assigned, started or completed job
-- (jobs.provider_id its provider), the others declined as decline_pending_bids does; bid_count the
-- live bids; one audit row per status change; a room per bid with the client and the provider,
-- the system message the decision writes, last_message_at the room's newest message.
-- Not generated (the reads measured never touch them): the bookings, invoices and job_assignments
-- accepting a bid makes (so final_price is the bid's amount, and accepted rooms have no
-- booking_id), notifications, unread counts consistent with read receipts (small numbers instead).
-- The big tables' secondary indexes are dropped before their load and built again afterwards with
-- the same definitions (`check` compares them with the migrations').
-- Sizes come from the session settings bench.*, set by run.py. Steps are cut at `-- step: ` lines
-- and run in order, each in its own transaction.

-- step: settings
set session_replication_role = replica;
set maintenance_work_mem = '1GB';
set work_mem = '256MB';
select setseed(0.14);

create temporary table bench_scale as
select current_setting('bench.providers')::int as providers, current_setting('bench.clients')::int as clients,
       current_setting('bench.jobs')::int as jobs, current_setting('bench.bids')::bigint as bids,
       current_setting('bench.messages')::bigint as messages;

-- Ids: a prefix per table, then the row's number in hex (users 1..providers are the providers).
create function pg_temp.id(prefix text, n bigint) returns uuid language sql immutable
as $$ select (prefix || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;

create temporary table bench_cities (n, name, region, country_code, timezone, latitude, longitude, postal_code) as
values
  (0, 'London', 'England', 'GB', 'Europe/London', 51.5074, -0.1278, 'EC1A 1BB'),
  (1, 'Paris', 'Île-de-France', 'FR', 'Europe/Paris', 48.8566, 2.3522, '75001'),
  (2, 'Berlin', 'Berlin', 'DE', 'Europe/Berlin', 52.5200, 13.4050, '10115'),
  (3, 'Madrid', 'Madrid', 'ES', 'Europe/Madrid', 40.4168, -3.7038, '28001'),
  (4, 'Amsterdam', 'North Holland', 'NL', 'Europe/Amsterdam', 52.3676, 4.9041, '1012 AB'),
  (5, 'New York', 'NY', 'US', 'America/New_York', 40.7128, -74.0060, '10001'),
  (6, 'Chicago', 'IL', 'US', 'America/Chicago', 41.8781, -87.6298, '60601'),
  (7, 'Toronto', 'ON', 'CA', 'America/Toronto', 43.6532, -79.3832, 'M5H 2N2'),
  (8, 'Tokyo', 'Tokyo', 'JP', 'Asia/Tokyo', 35.6762, 139.6503, '100-0001'),
  (9, 'Sydney', 'NSW', 'AU', 'Australia/Sydney', -33.8688, 151.2093, '2000');

-- Bulk tables: their secondary indexes (not the primary keys or unique constraints) are dropped
-- here and built again by pg_temp.restore_indexes once loaded.
create temporary table bench_indexes as
select i.indexrelid::regclass::text as name, c.relname as table_name, pg_get_indexdef(i.indexrelid) as definition
from pg_index i
join pg_class c on c.oid = i.indrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relname in ('bids', 'chat_rooms', 'chat_participants', 'chat_messages', 'job_matches', 'jobs')
  and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid);

create function pg_temp.restore_indexes(tables text[]) returns void language plpgsql as $$
declare
  d text;
begin
  for d in select definition from bench_indexes where table_name = any (tables) loop
    execute d;
  end loop;
end
$$;

do $$
declare
  n text;
begin
  for n in select name from bench_indexes loop
    execute 'drop index ' || n;
  end loop;
end
$$;

-- step: users
create temporary table bench_users as
select g as n, pg_temp.id('00000000', g) as id, g <= s.providers as is_provider,
       case when g <= s.providers then g else g - s.providers end as i
from bench_scale s, generate_series(1, s.providers + s.clients) g;

insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, confirmation_token, recovery_token,
                        email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated',
       case when u.is_provider then 'provider' else 'client' end || u.i || '@bench.local', now() - interval '3 years',
       '', '', '', '', '{"provider": "email", "providers": ["email"]}',
       jsonb_build_object('display_name', case when u.is_provider then 'Provider ' else 'Client ' end || u.i,
                          'account_type', case when u.is_provider then 'provider' else 'client' end),
       now() - interval '3 years', now() - interval '3 years'
from bench_users u;

-- What the sign-up trigger writes.
insert into public.profiles (id, display_name, created_at, updated_at)
select u.id, u.raw_user_meta_data ->> 'display_name', u.created_at, u.created_at from auth.users u;
insert into public.profile_details (user_id, full_name, locale, created_at, updated_at)
select u.id, u.raw_user_meta_data ->> 'display_name', 'en', u.created_at, u.created_at from auth.users u;
insert into public.user_roles (user_id, role)
select u.id, (case when u.is_provider then 'provider' else 'client' end)::public.app_role from bench_users u;

insert into public.provider_profiles (user_id, kind, headline, languages, countries, currency, is_verified, verified_at,
                                      created_at, updated_at)
select u.id, 'service_provider', 'Repairs and cleaning in ' || c.name, '{en}', array[c.country_code]::text[], 'USD', true,
       now() - interval '2 years', now() - interval '3 years', now() - interval '3 years'
from bench_users u
join bench_cities c on c.n = u.i % 10
where u.is_provider;

-- step: catalog and areas
-- Two home-service categories with four subcategories each; jobs are posted in a subcategory.
-- Provider i lives in city i % 10 and offers subcategories (i / 10) % 8 and (i / 10 + 1) % 8.
create temporary table bench_categories as
select s.n - 1 as sub, md5('category:' || s.slug)::uuid as id, s.slug, t.top
from unnest(array['plumbing', 'electrical', 'carpentry', 'painting', 'deep-cleaning', 'windows', 'carpets', 'move-out'])
     with ordinality s (slug, n)
cross join lateral (select case when s.n <= 4 then 'home-repair' else 'cleaning' end as top) t;

insert into public.categories (id, parent_id, slug, name, sort_order, commission_rate, currency, min_price, max_price,
                               offering_kinds)
values (md5('category:home-repair')::uuid, null, 'home-repair', 'Home repair', 1, 0.15, 'USD', 500, 500000, '{home_service}'),
       (md5('category:cleaning')::uuid, null, 'cleaning', 'Cleaning', 2, 0.15, 'USD', 500, 500000, '{home_service}');
insert into public.categories (id, parent_id, slug, name, sort_order, offering_kinds)
select c.id, md5('category:' || c.top)::uuid, c.slug, initcap(replace(c.slug, '-', ' ')), c.sub, '{home_service}'
from bench_categories c;

-- Every user's default address, up to about 25 km from their city's centre.
insert into public.addresses (id, user_id, label, line1, city, region, postal_code, country_code, latitude, longitude,
                              is_default)
select pg_temp.id('a0000000', u.n), u.id, case when u.is_provider then 'Base' else 'Home' end,
       (1 + u.i % 300) || ' Bench Street', c.name, c.region, c.postal_code, c.country_code,
       c.latitude + (random() - 0.5) * 0.45, c.longitude + (random() - 0.5) * 0.6, true
from bench_users u
join bench_cities c on c.n = u.i % 10;

create temporary table bench_providers as
select u.n, u.i, u.id, u.i % 10 as city, (u.i / 10) % 8 as sub1, (u.i / 10 + 1) % 8 as sub2,
       pg_temp.id('a1000000', u.n) as area_id, (15 + (u.i * 7) % 26)::numeric as radius_km, m.latitude, m.longitude
from bench_users u
join public.addresses a on a.user_id = u.id
cross join lateral private.measured_centre(a.latitude, a.longitude) m
where u.is_provider;

insert into public.service_areas (id, provider_id, name, address_id, radius_km)
select p.area_id, p.id, 'Around ' || c.name, pg_temp.id('a0000000', p.n), p.radius_km
from bench_providers p join bench_cities c on c.n = p.city;

insert into public.offerings (id, provider_id, category_id, kind, title, description, price, currency, duration_minutes,
                              status, location, created_at, updated_at)
select pg_temp.id('b0000000', p.n * 2 + k), p.id, c.id, 'home_service',
       initcap(replace(c.slug, '-', ' ')) || ' by provider ' || p.i, 'Home visits in and around the city.',
       6000 + (p.i % 50) * 100, 'USD', 120, 'active', 'client_site', now() - interval '2 years', now() - interval '2 years'
from bench_providers p
cross join (values (0), (1)) k (k)
join bench_categories c on c.sub = case when k = 0 then p.sub1 else p.sub2 end;

-- step: jobs and matches
-- Job n: created over two years, more of them lately (the marketplace grows); clients with a
-- skew (a few post often); about 12 % of jobs are younger than 30 days, and most of those are
-- published. Candidates: the providers offering the job's subcategory whose area covers the
-- client's address, as private.job_candidates computes them.
create temporary table bench_jobs as
select j.n, pg_temp.id('10000000', j.n) as id, j.client_n, pg_temp.id('00000000', j.client_n) as client_id,
       (j.client_n - s.providers) % 10 as city, (j.n * 5 + j.client_n) % 8 as sub, j.created_at, random() as r
from bench_scale s
cross join lateral (
  select g as n,
         s.providers + 1 + floor(s.clients * power(random(), 1.4))::int as client_n,
         now() - interval '730 days' * power(1 - g::float8 / s.jobs, 1.5) - interval '30 minutes' as created_at
  from generate_series(1, s.jobs) g
) j;
alter table bench_jobs add primary key (n);

create temporary table bench_candidates as
select j.n as job_n, p.n as provider_n, p.id as provider_id, p.area_id,
       x.distance_km, case when p.sub1 = j.sub then 0 else 1 end as offering_k, random() as r
from bench_jobs j
join public.addresses a on a.id = pg_temp.id('a0000000', j.client_n)
join (select p.*, s.sub from bench_providers p cross join lateral (values (p.sub1), (p.sub2)) s (sub)) p
  on p.city = j.city and p.sub = j.sub
cross join lateral (select private.distance_km(p.latitude, p.longitude, a.latitude, a.longitude) as distance_km offset 0) x
where x.distance_km <= p.radius_km;

-- Status by age: younger than 30 days: 3 % draft, 65 % published, 10 % assigned, 7 % in progress,
-- 5 % completed, 10 % cancelled; older: 60 % completed, 15 % cancelled, 25 % expired. A job no
-- provider covers cannot be assigned: it expires (or stays published, when young).
create temporary table bench_job_states as
select j.n, j.created_at,
       case when st.status in ('assigned', 'in_progress', 'completed') and coalesce(c.candidates, 0) = 0
            then case when st.young then 'published' else 'expired' end
            else st.status end as status,
       coalesce(c.candidates, 0) as candidates, st.young
from bench_jobs j
left join (select job_n, count(*) as candidates from bench_candidates group by job_n) c on c.job_n = j.n
cross join lateral (
  select j.created_at > now() - interval '30 days' as young,
         case when j.created_at > now() - interval '30 days' then
                case when j.r < 0.03 then 'draft' when j.r < 0.68 then 'published' when j.r < 0.78 then 'assigned'
                     when j.r < 0.85 then 'in_progress' when j.r < 0.90 then 'completed' else 'cancelled' end
              else case when j.r < 0.60 then 'completed' when j.r < 0.75 then 'cancelled' else 'expired' end
         end as status
) st;
alter table bench_job_states add primary key (n);

-- Timeline: published 20 minutes after creation; closed (assigned, cancelled) some days later, or
-- at its expiry; the service date after publication (in the future while published).
create temporary table bench_timeline as
select s.n, s.status, s.candidates, t.published_at, t.service_date,
       (t.service_date + time '09:00') at time zone c.timezone as service_starts_at, c.timezone,
       least(t.published_at + interval '30 days',
             greatest((t.service_date + time '09:00') at time zone c.timezone, t.published_at + interval '1 hour')) as expires_at,
       t.published_at + least(interval '6 days', (now() - t.published_at) * 0.8,
                              greatest((t.service_date + time '09:00') at time zone c.timezone - t.published_at, interval '1 hour'))
                        * (0.1 + 0.9 * random()) as decided_at
from bench_job_states s
join bench_jobs j on j.n = s.n
join bench_cities c on c.n = j.city
cross join lateral (
  select case when s.status <> 'draft' then s.created_at + interval '10 minutes' end as published_at,
         case when s.status in ('draft', 'published') then (now() + make_interval(days => 2 + s.n % 40))::date
              else (s.created_at + make_interval(days => 2 + s.n % 20))::date end as service_date
) t;
alter table bench_timeline add primary key (n);

insert into public.job_matches (provider_id, job_id, area_id, distance_km, published_at, matched_at)
select c.provider_id, pg_temp.id('10000000', c.job_n), c.area_id, c.distance_km, t.published_at, t.published_at
from bench_candidates c
join bench_timeline t on t.n = c.job_n and t.status = 'published';

-- step: bids
-- Bids per job: a heavy tail (about half the jobs 4 or fewer, one in ten every provider matched),
-- scaled so that the total is bench.bids; at least one, drafts none. Bidders: the job's candidates
-- in a random order; the first is the one accepted when the job was assigned.
create temporary table bench_bid_counts as
with draws as (
  select t.n, t.candidates, -ln(1 - random()) as u from bench_timeline t where t.status <> 'draft'
), scale as (
  select a from bench_scale s,
  lateral (select a from generate_series(1.0, 20.0, 0.1) a
           order by abs((select sum(least(d.candidates, greatest(1, ceil(a * d.u * d.u)))) from draws d) - s.bids)
           limit 1) x
)
select d.n, least(d.candidates, greatest(1, ceil(scale.a * d.u * d.u)))::int as bids from draws d, scale;
alter table bench_bid_counts add primary key (n);

create temporary table bench_bids as
select row_number() over (order by c.job_n, c.rank) as n, c.*
from (
  select c.job_n, c.provider_n, c.provider_id, c.offering_k,
         row_number() over (partition by c.job_n order by c.r) as rank
  from bench_candidates c
) c
join bench_bid_counts k on k.n = c.job_n and c.rank <= k.bids;

create temporary table bench_bids_full as
select b.n, b.job_n, b.provider_n, b.provider_id, b.offering_k, j.client_id, t.status as job_status, d.*
from bench_bids b
join bench_jobs j on j.n = b.job_n
join bench_timeline t on t.n = b.job_n
cross join lateral (
  select created_at,
         case when t.status in ('assigned', 'in_progress', 'completed') and b.rank = 1 then 'accepted'
              when rw < 0.05 then 'withdrawn'
              when t.status = 'published' then 'pending'
              else 'rejected' end as status,
         case when t.status = 'expired' then t.expires_at when t.status = 'published' then now() else t.decided_at end
           as closed_at
  from (select random() as rw,
               t.published_at + ((case when t.status = 'expired' then t.expires_at when t.status = 'published' then now()
                                       else t.decided_at end) - t.published_at) * (0.02 + 0.9 * random()) as created_at) x
) d;
alter table bench_bids_full add primary key (n);

create temporary table bench_job_bids as
select b.job_n, count(*) filter (where b.status = 'pending') as pending,
       (array_agg(b.provider_id) filter (where b.status = 'accepted'))[1] as provider_id,
       (array_agg(5000 + (b.n * 7919 % 400) * 100) filter (where b.status = 'accepted'))[1] as amount
from bench_bids_full b group by b.job_n;
alter table bench_job_bids add primary key (job_n);

insert into public.bids (id, job_id, provider_id, client_id, offering_id, amount, currency, description, estimated_minutes,
                         is_negotiable, status, accepted_at, rejected_at, withdrawn_at, decision_reason, created_at,
                         updated_at)
select pg_temp.id('20000000', b.n), pg_temp.id('10000000', b.job_n), b.provider_id, b.client_id,
       pg_temp.id('b0000000', b.provider_n * 2 + b.offering_k), 5000 + (b.n * 7919 % 400) * 100, 'USD',
       'I can do this: ' || (60 + b.n % 8 * 30) || ' minutes, parts included.', 60 + b.n % 8 * 30, b.n % 3 = 0,
       b.status::public.bid_status,
       case when b.status = 'accepted' then b.closed_at end,
       case when b.status = 'rejected' then b.closed_at end,
       case when b.status = 'withdrawn' then b.created_at + (b.closed_at - b.created_at) / 2 end,
       case when b.status = 'rejected' then case b.job_status when 'cancelled' then 'the job was cancelled'
                                                               when 'expired' then 'the job was expired'
                                                               else 'another bid was accepted' end
            when b.status = 'withdrawn' then 'Not available on that date after all.' end,
       b.created_at,
       case when b.status = 'pending' then b.created_at
            when b.status = 'withdrawn' then b.created_at + (b.closed_at - b.created_at) / 2 else b.closed_at end
from bench_bids_full b;

-- The jobs themselves, now that the accepted bids are known; then the audit of their status changes.
insert into public.jobs (id, client_id, category_id, title, description, address_id, city, region, postal_code, country_code,
                         service_date, service_time, timezone, service_starts_at, urgency, currency, budget_min, budget_max,
                         status, provider_id, final_price, bid_count, published_at, expires_at, assigned_at, started_at,
                         completed_at, cancelled_at, created_at, updated_at)
select j.id, j.client_id, cat.id,
       initcap(replace(cat.slug, '-', ' ')) || ' needed: ' || (array['kitchen', 'bathroom', 'living room', 'hallway', 'bedroom',
         'garage', 'office', 'stairs'])[1 + j.n % 8],
       'Looking for someone reliable for ' || replace(cat.slug, '-', ' ') || ' at my place; photos on request.',
       pg_temp.id('a0000000', j.client_n),
       case when t.status <> 'draft' then c.name end, case when t.status <> 'draft' then c.region end,
       case when t.status <> 'draft' then c.postal_code end, case when t.status <> 'draft' then c.country_code end,
       t.service_date, null, t.timezone, t.service_starts_at,
       (array['flexible', 'normal', 'normal', 'urgent', 'emergency'])[1 + j.n % 5]::public.job_urgency, 'USD',
       case when j.n % 2 = 0 then 5000 end, case when j.n % 2 = 0 then 50000 end,
       t.status::public.job_status, a.provider_id, a.amount,
       coalesce(a.pending, 0),
       t.published_at, case when t.status <> 'draft' then t.expires_at end,
       case when a.provider_id is not null then t.decided_at end,
       x.started_at, x.completed_at,
       case t.status when 'cancelled' then t.decided_at when 'expired' then t.expires_at end,
       j.created_at, coalesce(x.completed_at, x.started_at, t.decided_at, t.published_at, j.created_at)
from bench_jobs j
join bench_timeline t on t.n = j.n
join bench_cities c on c.n = j.city
join bench_categories cat on cat.sub = j.sub
left join bench_job_bids a on a.job_n = j.n
cross join lateral (
  select s.started_at, case when t.status = 'completed' then s.started_at + (least(now(), s.started_at + interval '6 hours')
                                                                             - s.started_at) * 0.5 end as completed_at
  from (select case when t.status in ('in_progress', 'completed')
                    then t.decided_at + (least(now(), t.decided_at + interval '10 days') - t.decided_at) * 0.5 end
                 as started_at) s
) x;

insert into public.job_status_changes (job_id, from_status, to_status, changed_by, actor, reason, created_at)
select j.id, c.from_status::public.job_status, c.to_status::public.job_status,
       case c.actor when 'client' then j.client_id when 'provider' then j.provider_id end, c.actor, c.reason, c.at
from public.jobs j
cross join lateral (values
  (2, 'draft', 'published', 'client', null, j.published_at),
  (3, 'published', case when j.provider_id is not null then 'assigned' else j.status::text end,
   case when j.status = 'expired' then 'system' else 'client' end,
   case when j.provider_id is not null then 'bid accepted' end, coalesce(j.assigned_at, j.cancelled_at)),
  (4, 'assigned', 'in_progress', 'provider', null, j.started_at),
  (5, 'in_progress', 'completed', 'provider', null, j.completed_at)
) c (step, from_status, to_status, actor, reason, at)
where c.at is not null;

-- step: rooms
-- A room per bid (the job's client and the bidder), opened with the bid. Messages per room: a
-- heavy tail, more in the accepted bid's room, scaled to bench.messages with the system message
-- each decision writes (accepted, declined, withdrawn); the conversation runs from the bid to its
-- decision (to now while pending, to the job's end once accepted).
create temporary table bench_rooms as
select b.n, b.client_id, b.provider_id, b.created_at, b.status,
       case b.status when 'pending' then now() when 'accepted' then coalesce(j.completed_at, now())
                     when 'withdrawn' then b.created_at + (b.closed_at - b.created_at) / 2 else b.closed_at end as ends_at,
       case b.status when 'accepted' then b.closed_at when 'withdrawn' then b.created_at + (b.closed_at - b.created_at) / 2
                     when 'rejected' then b.closed_at end as decided_at,
       case b.status when 'accepted' then 'bid.accepted' when 'withdrawn' then 'bid.withdrawn' when 'rejected' then 'bid.rejected'
       end as system_event,
       (case when b.status = 'accepted' then 8 else 1 end) * power(random(), -0.5) as weight
from bench_bids_full b
join public.jobs j on j.id = pg_temp.id('10000000', b.job_n);
alter table bench_rooms add primary key (n);

-- Stored busiest first, so that the rooms with at least i messages are the table's first pages.
create temporary table bench_room_messages as
select r.n, r.client_id, r.provider_id, r.created_at, r.ends_at,
       least(3000, round(((s.messages - d.decided) * r.weight / w.total)))::int as messages
from bench_rooms r, bench_scale s,
     (select sum(weight) as total from bench_rooms) w,
     (select count(*) filter (where decided_at is not null) as decided from bench_rooms) d
order by 6 desc;
alter table bench_room_messages add primary key (n);
create index on bench_room_messages (messages);
analyze bench_room_messages;

insert into public.chat_rooms (id, job_id, bidder_id, created_at, last_message_at)
select pg_temp.id('30000000', r.n), pg_temp.id('10000000', b.job_n), r.provider_id, r.created_at,
       greatest(r.decided_at, case when m.messages > 0
                                   then r.created_at + (r.ends_at - r.created_at) * m.messages / (m.messages + 1) end)
from bench_rooms r
join bench_room_messages m on m.n = r.n
join bench_bids_full b on b.n = r.n;

insert into public.chat_participants (room_id, user_id, role, joined_at, unread_count, last_seen_at, last_message_at)
select pg_temp.id('30000000', r.n), case when p.role = 'client' then r.client_id else r.provider_id end,
       p.role::public.chat_participant_role, r.created_at,
       case when r.status in ('pending', 'accepted') and (r.n + length(p.role)) % 4 = 0
            then least(m.messages, 1 + (r.n % 5)) else 0 end,
       r.ends_at,
       -- the room's latest message, as the fan-out trigger copies it to each participant
       greatest(r.decided_at, case when m.messages > 0
                                   then r.created_at + (r.ends_at - r.created_at) * m.messages / (m.messages + 1) end)
from bench_rooms r
join bench_room_messages m on m.n = r.n
cross join (values ('client'), ('provider')) p (role);

select pg_temp.restore_indexes(array['bids', 'jobs', 'job_matches', 'chat_rooms', 'chat_participants']);

-- step: messages
-- Round i writes the i-th message of every room that has that many, so a room's messages lie
-- across the table as they would after months of interleaved conversations.
insert into public.chat_messages (room_id, sender_id, kind, body, created_at)
select pg_temp.id('30000000', m.n), case when i % 2 = 1 then m.provider_id else m.client_id end, 'text',
       'Message ' || i || ': about the job, the date and the price.',
       m.created_at + (m.ends_at - m.created_at) * i / (m.messages + 1)
from generate_series(1, (select max(messages) from bench_room_messages)) i
cross join lateral (select * from bench_room_messages m where m.messages >= i) m;

insert into public.chat_messages (room_id, sender_id, kind, body, system_event, created_at)
select pg_temp.id('30000000', r.n), null, 'system',
       case r.system_event when 'bid.accepted' then 'Bid accepted. The job is booked once paid.'
                           when 'bid.withdrawn' then 'The provider withdrew their bid.'
                           else 'This job is closed to bids.' end,
       r.system_event, r.decided_at
from bench_rooms r
where r.decided_at is not null;

-- step: indexes
select pg_temp.restore_indexes(array['chat_messages']);

-- step: check
-- Indexes as the migrations define them; matches as private.job_candidates computes them, on a sample.
do $$
declare
  missing text;
  differing integer;
begin
  select string_agg(b.name, ', ') into missing from bench_indexes b
  where not exists (select 1 from pg_indexes i where i.schemaname = 'public' and i.indexname = b.name
                      and i.indexdef = b.definition);
  if missing is not null then
    raise exception 'indexes not restored: %', missing;
  end if;
  with sample as (
    select j.* from public.jobs j
    where j.status = 'published' and j.id in (select b.id from bench_jobs b where b.n % 997 = 0)
  ), candidates as (
    select s.id as job_id, c.provider_id, c.area_id, c.distance_km
    from public.jobs s cross join lateral private.job_candidates(s) c where s.id in (select id from sample)
  ), matched as (
    select m.job_id, m.provider_id, m.area_id, m.distance_km from public.job_matches m where m.job_id in (select id from sample)
  )
  select count(*) into differing from ((select * from candidates except select * from matched)
                                       union all (select * from matched except select * from candidates)) d;
  if not exists (select 1 from public.jobs j where j.status = 'published' and j.id in (select b.id from bench_jobs b where b.n % 997 = 0)) then
    raise exception 'no published job in the sample';
  end if;
  if differing > 0 then
    raise exception '% matches differ from private.job_candidates', differing;
  end if;
end
$$;

-- step: analyze
analyze auth.users, public.profiles, public.addresses, public.service_areas, public.offerings, public.jobs,
  public.job_matches, public.job_status_changes, public.bids, public.chat_rooms, public.chat_participants, public.chat_messages;
