-- Benchmark data for the coach matching (issue 17): coaches with profiles, styles and open
-- hours, and clients with quiz answers and wishes. Written as the superuser with triggers off
-- (session_replication_role = replica) in the shape the matching module leaves its rows: the
-- coaches' points (private.coach_vectors) are computed here as its trigger would. Sizes come
-- from bench.*, set by run.py. Users 1..coaches are coaches, the next ones clients.

-- step: settings
set session_replication_role = replica;

-- step: users
insert into auth.users (id, aud, role, email, email_confirmed_at, confirmation_token, recovery_token,
                        email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'authenticated', 'authenticated',
       'user' || g || '@bench.local', now(), '', '', '', '', '{"provider": "email"}', '{}', now(), now()
from generate_series(1, current_setting('bench.coaches')::int + current_setting('bench.clients')::int) g;
insert into public.profiles (id, display_name) select u.id, 'User ' || u.email from auth.users u;

-- step: coaches
-- Languages, countries and topics from small pools, so that wishes overlap as in a real market;
-- rates 25 to 500 dollars, ratings and sessions skewed, four in five verified.
insert into public.provider_profiles (user_id, kind, headline, expertise, languages, countries, hourly_rate, currency,
                                      rating, rating_count, completed_sessions, is_verified)
select ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'coach', 'Coach ' || g,
       array[(array['career', 'relocation', 'leadership', 'negotiation', 'communication', 'wellbeing'])[1 + g % 6],
             (array['career', 'relocation', 'leadership', 'negotiation', 'communication', 'wellbeing'])[1 + (g / 6) % 6]],
       array['en', (array['fr', 'es', 'de', 'zh', 'ja', 'hi', 'yo', 'pt', 'ar', 'ru'])[1 + g % 10]],
       array[(array['US', 'GB', 'FR', 'DE', 'ES', 'MX', 'CN', 'JP', 'IN', 'NG', 'BR', 'SG'])[1 + g % 12],
             (array['US', 'GB', 'FR', 'DE', 'ES', 'MX', 'CN', 'JP', 'IN', 'NG', 'BR', 'SG'])[1 + (g / 12) % 12]],
       2500 + (hashint4(g) & 2147483647) % 47501, 'USD',
       round((3 + 2 * ((hashint4(g + 7) & 2147483647) % 1000) / 1000.0)::numeric, 2), (hashint4(g + 1) & 2147483647) % 200,
       (hashint4(g + 2) & 2147483647) % 400, g % 5 <> 0
from generate_series(1, current_setting('bench.coaches')::int) g;

insert into public.coach_styles (coach_id, answers)
select p.user_id, (select jsonb_object_agg(f.key, 1 + (hashint4(f.sort_order * 100003 + n) & 2147483647) % 5)
                   from public.matching_factors f)
from public.provider_profiles p
cross join lateral (select ('x' || right(p.user_id::text, 8))::bit(32)::int as n) i
where p.kind = 'coach';
insert into private.coach_vectors (coach_id, vector)
select s.coach_id, private.style_vector(s.answers) from public.coach_styles s;

insert into public.schedules (user_id, timezone) select p.user_id, 'UTC' from public.provider_profiles p;
-- Open on three to five weekdays each.
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select p.user_id, d, '09:00', '17:00'
from public.provider_profiles p
cross join lateral (select ('x' || right(p.user_id::text, 8))::bit(32)::int as n) i
cross join generate_series(1, 7) d
where (d + i.n) % 7 < 3 + i.n % 3;

-- step: clients
insert into public.client_profiles (user_id, quiz_answers, quiz_completed_at, wanted_languages, wanted_countries,
                                    wanted_topics, max_hourly_rate, verified_only)
select ('00000000-0000-4000-8000-' || lpad(to_hex(current_setting('bench.coaches')::int + g), 12, '0'))::uuid,
       (select jsonb_object_agg(f.key, 1 + (hashint4(f.sort_order * 7919 + g) & 2147483647) % 5) from public.matching_factors f),
       now(),
       array[(array['en', 'fr', 'es', 'de', 'zh'])[1 + g % 5]],
       array[(array['US', 'GB', 'FR', 'DE', 'ES', 'MX', 'CN', 'JP', 'IN', 'NG', 'BR', 'SG'])[1 + g % 12]],
       array[(array['career', 'relocation', 'leadership', 'negotiation', 'communication', 'wellbeing'])[1 + g % 6]],
       case when g % 2 = 0 then 10000 + (g % 20) * 1000 end,
       g % 4 = 0
from generate_series(1, current_setting('bench.clients')::int) g;

-- step: analyze
analyze public.provider_profiles, public.coach_styles, private.coach_vectors, public.availability_rules,
        public.client_profiles;
