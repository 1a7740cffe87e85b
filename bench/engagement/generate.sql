-- Benchmark data for the community reads (issue 13): users, providers with an offering each,
-- published posts, comments, reactions and reviews. Run as the superuser with triggers off
-- (session_replication_role = replica): rows are written as the engagement triggers would leave
-- them, without their side effects (outbox), and reviews point at booking ids that are not
-- generated here (the foreign key's trigger is off too): the reads measured never join
-- bookings. The counters the triggers keep are set from the rows at the end. Sizes come from
-- the session settings bench.*, set by run.py. Steps are cut at `-- step: ` lines.

-- step: settings
set session_replication_role = replica;

-- step: users
insert into auth.users (id, aud, role, email, email_confirmed_at, confirmation_token, recovery_token,
                        email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'authenticated', 'authenticated',
       'user' || g || '@bench.local', now(), '', '', '', '', '{"provider": "email"}', '{}', now(), now()
from generate_series(1, current_setting('bench.users')::int) g;
insert into public.profiles (id, display_name) select u.id, 'User ' || u.email from auth.users u;
insert into public.provider_profiles (user_id, kind)
select ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'coach'
from generate_series(1, current_setting('bench.providers')::int) g;
insert into public.categories (id, slug, name) values ('ca000000-0000-4000-8000-000000000013', 'coaching', 'Coaching');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
select ('20000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
       'ca000000-0000-4000-8000-000000000013', 'service', 'Session ' || g, 10000, 'USD', 60, 'active', 'online'
from generate_series(1, current_setting('bench.providers')::int) g;

-- step: posts
insert into public.posts (id, kind, author_id, title, body, tags, status, is_private, published_at, created_at)
select ('30000000-0000-4000-8000-' || lpad(to_hex(p), 12, '0'))::uuid,
       (array['article', 'discussion', 'question', 'discussion'])[1 + p % 4]::public.post_kind,
       ('00000000-0000-4000-8000-' || lpad(to_hex(1 + p % current_setting('bench.users')::int), 12, '0'))::uuid,
       'Post ' || p || (array[' on pricing', ' on onboarding', ' on feedback', ' on culture'])[1 + p % 4],
       'Body of post ' || p || ': what worked, what did not, and what to try next with clients.',
       array[(array['pricing', 'onboarding', 'feedback', 'culture'])[1 + p % 4]],
       case when p % 50 = 0 then 'draft' else 'published' end::public.post_status,
       p % 10 = 0,
       now() - interval '365 days' + make_interval(secs => p * 31536000.0 / current_setting('bench.posts')::int),
       now() - interval '365 days' + make_interval(secs => p * 31536000.0 / current_setting('bench.posts')::int)
from generate_series(1, current_setting('bench.posts')::int) p;

-- step: comments
-- Comment c goes to a post chosen with a skew (a few busy threads, many quiet ones).
insert into public.comments (post_id, author_id, body, created_at)
select ('30000000-0000-4000-8000-' || lpad(to_hex(x.p), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(1 + (c * 7) % s.users), 12, '0'))::uuid,
       'Comment ' || c || ': a thought on this.',
       now() - interval '300 days' + make_interval(secs => c * 25920000.0 / s.comments)
from (select current_setting('bench.users')::int as users, current_setting('bench.posts')::int as posts,
             current_setting('bench.comments')::int as comments) s
cross join generate_series(1, s.comments) c
cross join lateral (select (floor(s.posts * power(((c * 2654435761::bigint) % 1000003) / 1000003.0, 2)))::int + 1 as p) x;

-- step: reactions on posts
-- Post p gets k distinct users' reactions: users (p * 7 + i) mod users, i < k.
insert into public.reactions (user_id, post_id, kind, created_at)
select ('00000000-0000-4000-8000-' || lpad(to_hex(1 + (p * 7 + i) % s.users), 12, '0'))::uuid,
       ('30000000-0000-4000-8000-' || lpad(to_hex(p), 12, '0'))::uuid, 'like', now()
from (select current_setting('bench.users')::int as users, current_setting('bench.posts')::int as posts,
             current_setting('bench.reactions')::int / 2 / current_setting('bench.posts')::int as per_post) s
cross join generate_series(1, s.posts) p
cross join generate_series(0, s.per_post - 1) i;

-- step: reactions on comments
insert into public.reactions (user_id, comment_id, kind, created_at)
select ('00000000-0000-4000-8000-' || lpad(to_hex(1 + (n.k * 13 + i) % s.users), 12, '0'))::uuid, n.id, 'upvote', now()
from (select current_setting('bench.users')::int as users,
             greatest(current_setting('bench.reactions')::int / 2 / current_setting('bench.comments')::int, 1) as per_comment) s
cross join (select c.id, row_number() over () as k from public.comments c) n
cross join generate_series(0, s.per_comment - 1) i;

-- step: reviews
insert into public.reviews (booking_id, offering_id, provider_id, author_id, rating, body, created_at)
select gen_random_uuid(),
       ('20000000-0000-4000-8000-' || lpad(to_hex(1 + r % s.providers), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(1 + r % s.providers), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(1 + (r * 11) % s.users), 12, '0'))::uuid,
       1 + (r * 7) % 5, 'Review ' || r || ': clear and useful.',
       now() - interval '365 days' + make_interval(secs => r * 31536000.0 / s.reviews)
from (select current_setting('bench.users')::int as users, current_setting('bench.providers')::int as providers,
             current_setting('bench.reviews')::int as reviews) s
cross join generate_series(1, s.reviews) r;

-- step: counters
update public.posts p set comment_count = c.n from (select post_id, count(*) as n from public.comments group by 1) c
where c.post_id = p.id;
update public.posts p set reaction_count = r.n from (select post_id, count(*) as n from public.reactions where post_id is not null group by 1) r
where r.post_id = p.id;
update public.comments c set reaction_count = r.n from (select comment_id, count(*) as n from public.reactions where comment_id is not null group by 1) r
where r.comment_id = c.id;

-- step: analyze
analyze auth.users, public.profiles, public.posts, public.comments, public.reactions, public.reviews;
