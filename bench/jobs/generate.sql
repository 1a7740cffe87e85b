-- Benchmark data for the jobs reads (issue 14): clients and providers, a plumbing category,
-- jobs over two years in every status, the providers' feed (job_matches) for the published
-- ones, and bids (about ten a job, a heavy tail). Written as the superuser with triggers off
-- (session_replication_role = replica) in the shape the jobs module leaves its rows: matches for
-- published jobs only, jobs.provider_id for assigned and later ones, bids.client_id = the job's
-- client, at most one pending bid per provider and job, one accepted bid per assigned job.
-- Sizes come from the session settings bench.*, set by run.py. Steps are cut at `-- step: `.

-- step: settings
set session_replication_role = replica;

-- step: users
insert into auth.users (id, aud, role, email, email_confirmed_at, confirmation_token, recovery_token,
                        email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'authenticated', 'authenticated',
       'user' || g || '@bench.local', now(), '', '', '', '', '{"provider": "email"}', '{}', now(), now()
from generate_series(1, current_setting('bench.clients')::int + current_setting('bench.providers')::int) g;
insert into public.profiles (id, display_name) select u.id, 'User ' || u.email from auth.users u;
-- Providers are users clients + 1 .. clients + providers.
insert into public.provider_profiles (user_id, kind, currency)
select ('00000000-0000-4000-8000-' || lpad(to_hex(current_setting('bench.clients')::int + p), 12, '0'))::uuid,
       'service_provider', 'USD'
from generate_series(1, current_setting('bench.providers')::int) p;
insert into public.categories (id, slug, name, offering_kinds, currency, min_price, max_price)
values ('cb000000-0000-4000-8000-000000000001', 'plumbing', 'Plumbing', '{home_service}', 'USD', 2000, 200000);
-- Every client's home, for the jobs' address_id.
insert into public.addresses (id, user_id, line1, city, postal_code, country_code, latitude, longitude, is_default)
select ('ad000000-0000-4000-8000-' || lpad(to_hex(c), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(c), 12, '0'))::uuid,
       c || ' Main St', 'Chicago', '60606', 'US', 41.8 + (c % 100) / 1000.0, -87.6 - (c % 97) / 1000.0, true
from generate_series(1, current_setting('bench.clients')::int) c;

-- step: jobs
-- Job j: client (j % clients) + 1, created over two years; the newest 8 % are published, the
-- 3 % before them assigned or in progress, the rest completed, cancelled or expired.
insert into public.jobs (id, client_id, category_id, title, description, address_id, city, postal_code, country_code,
                         service_date, service_time, timezone, service_starts_at, currency, status, provider_id,
                         bid_count, published_at, expires_at, assigned_at, created_at, updated_at)
select ('10000000-0000-4000-8000-' || lpad(to_hex(j), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(j % c.clients + 1), 12, '0'))::uuid,
       'cb000000-0000-4000-8000-000000000001', 'Job ' || j, 'Water under the sink.',
       ('ad000000-0000-4000-8000-' || lpad(to_hex(j % c.clients + 1), 12, '0'))::uuid, 'Chicago', '60606', 'US',
       (t.at + interval '3 days')::date, '10:00', 'America/Chicago', t.at + interval '3 days', 'USD',
       s.status::public.job_status,
       case when s.status in ('assigned', 'in_progress', 'completed')
            then ('00000000-0000-4000-8000-' || lpad(to_hex(c.clients + (j * 7) % c.providers + 1), 12, '0'))::uuid end,
       case when s.status = 'published' then 1 + (j % 19) else 0 end,
       t.at, t.at + interval '30 days',
       case when s.status in ('assigned', 'in_progress', 'completed') then t.at + interval '1 day' end,
       t.at, t.at
from (select current_setting('bench.clients')::int as clients, current_setting('bench.providers')::int as providers,
             current_setting('bench.jobs')::int as jobs) c
cross join generate_series(1, c.jobs) j
cross join lateral (select now() - interval '730 days' + make_interval(secs => j * 63072000.0 / c.jobs) as at) t
cross join lateral (select case when j > c.jobs * 0.92 then 'published'
                                when j > c.jobs * 0.89 then case when j % 2 = 0 then 'assigned' else 'in_progress' end
                                when j % 10 = 0 then 'cancelled'
                                when j % 10 = 1 then 'expired'
                                else 'completed' end as status) s;

-- step: matches
-- A published job is in the feed of the providers around it: a window of bench.matches_per_job
-- providers starting at a point the job picks (areas overlap, some providers cover more).
insert into public.job_matches (provider_id, job_id, distance_km, published_at, matched_at)
select ('00000000-0000-4000-8000-' || lpad(to_hex(c.clients + (x.start + k) % c.providers + 1), 12, '0'))::uuid,
       j.id, (k % 20) + 0.5, j.published_at, j.published_at
from (select current_setting('bench.clients')::int as clients, current_setting('bench.providers')::int as providers,
             current_setting('bench.matches_per_job')::int as per_job) c
cross join public.jobs j
cross join lateral (select (('x' || substr(md5(j.id::text), 1, 8))::bit(32)::int & 2147483647) % c.providers as start) x
cross join generate_series(0, c.per_job - 1) k
where j.status = 'published';

-- step: bids
-- Job n gets 1 + (n * 2654435761 mod 19) bids (mean ten, a tail to nineteen) from distinct
-- providers; pending on published jobs; on assigned and later jobs the assigned provider's is
-- accepted and the rest rejected; on cancelled and expired jobs all are rejected.
insert into public.bids (job_id, provider_id, client_id, amount, currency, description, estimated_minutes, status,
                         accepted_at, rejected_at, created_at, updated_at)
select j.id,
       case when k = 0 and j.provider_id is not null then j.provider_id
            else ('00000000-0000-4000-8000-' || lpad(to_hex(c.clients + (x.n * 13 + k * 101) % c.providers + 1), 12, '0'))::uuid end,
       j.client_id, 8000 + (x.n * 31 + k * 977) % 20000, 'USD', 'I can fix it.', 60 + 30 * (k % 4),
       (case when j.status = 'published' then 'pending'
             when k = 0 and j.provider_id is not null then 'accepted' else 'rejected' end)::public.bid_status,
       case when k = 0 and j.provider_id is not null then j.assigned_at end,
       case when j.status <> 'published' and not (k = 0 and j.provider_id is not null) then j.published_at + interval '1 day' end,
       j.published_at + make_interval(mins => 10 * (k + 1)), j.published_at + make_interval(mins => 10 * (k + 1))
from (select current_setting('bench.clients')::int as clients, current_setting('bench.providers')::int as providers) c
cross join (select j.*, row_number() over (order by j.id) as rn from public.jobs j) j
cross join lateral (select j.rn::bigint as n) x
cross join generate_series(0, ((x.n * 2654435761) % 19)::int) k;

-- step: counts
update public.jobs j set bid_count = b.live
from (select job_id, count(*) as live from public.bids where status = 'pending' group by 1) b
where b.job_id = j.id;

-- step: analyze
analyze auth.users, public.profiles, public.provider_profiles, public.addresses, public.jobs, public.job_matches, public.bids;
