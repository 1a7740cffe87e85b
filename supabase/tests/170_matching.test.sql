-- coach matching (issue 17): the access matrix of coach_styles, matching_rules and match_cache
-- per persona; scoring, reasons, filters, a weight changing the order; the cache answering while
-- fresh and each change invalidating what it affects; the refusals (someone else's cache or
-- answers; a coach sees only clients who booked them, never their answers); total sessions.
-- owner = the coach (coach_styles), the client (match_cache).
begin;
set local time zone 'UTC';
select plan(101);
select tests.start_with_empty_marketplace();
select tests.create_supabase_user('amara');
select tests.create_supabase_user('bea');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
select tests.create_provider('fit', kind => 'coach', stripe_ready => true);
select tests.create_provider('stylish', kind => 'coach', stripe_ready => true);
select tests.create_provider('pricey', kind => 'coach', stripe_ready => true);
select tests.create_provider('newcomer', kind => 'coach', stripe_ready => true);
update private.settings set value = '2' where key = 'matching.cached_matches';

-- Amara answers 3 everywhere but two factors; she wants English, Nigeria, careers, $200 at most.
create function pg_temp.quiz(base integer, exceptions jsonb default '{}') returns jsonb language sql as $$
  select jsonb_object_agg(f.key, base) || exceptions from public.matching_factors f
$$;
insert into public.client_profiles (user_id, quiz_answers, wanted_languages, wanted_countries, wanted_topics, max_hourly_rate)
values
  (tests.get_supabase_uid('amara'), pg_temp.quiz(3, '{"shared_background_importance": 5, "language_comfort": 1}'),
   '{en}', '{NG}', '{career}', 20000),
  (tests.get_supabase_uid('bea'), pg_temp.quiz(5), '{de}', '{DE}', '{}', null)
on conflict (user_id) do update
set quiz_answers = excluded.quiz_answers, wanted_languages = excluded.wanted_languages,
    wanted_countries = excluded.wanted_countries, wanted_topics = excluded.wanted_topics,
    max_hourly_rate = excluded.max_hourly_rate;

-- fit: her language, country and topic, a style two points off; stylish: her exact style, none
-- of her wishes; pricey: everything she wants but $300, well rated; newcomer: no style yet.
-- Bea answers 5 everywhere and wants German: her style is far from fit's.
update public.provider_profiles set languages = '{en,yo}', countries = '{NG,GB}', expertise = '{career}', hourly_rate = 8000,
  is_verified = true where user_id = tests.get_supabase_uid('fit');
update public.provider_profiles set languages = '{fr}', countries = '{FR}', expertise = '{leadership}', hourly_rate = 9000
where user_id = tests.get_supabase_uid('stylish');
update public.provider_profiles set languages = '{en}', countries = '{NG}', expertise = '{career}', hourly_rate = 30000,
  is_verified = true, rating = 4.5, rating_count = 2 where user_id = tests.get_supabase_uid('pricey');
update public.provider_profiles set languages = '{en}', countries = '{NG}', expertise = '{career}', hourly_rate = 40000
where user_id = tests.get_supabase_uid('newcomer');
insert into public.coach_styles (coach_id, answers) values
  (tests.get_supabase_uid('fit'), pg_temp.quiz(1, '{"shared_background_importance": 5, "language_comfort": 1}')),
  (tests.get_supabase_uid('stylish'), pg_temp.quiz(3, '{"shared_background_importance": 5, "language_comfort": 1}')),
  (tests.get_supabase_uid('pricey'), pg_temp.quiz(3));

create function pg_temp.outcome(statement text) returns text language plpgsql as $$
declare
  n bigint;
begin
  execute format('with r as (%s) select count(*) from r', statement) into n;
  return n::text;
exception when insufficient_privilege then
  return 'denied';
end
$$;
create function pg_temp.ranking(top integer default 2) returns text[] language sql as $$
  select array(select p.display_name from jsonb_array_elements(public.match_coaches(top) -> 'matches') m
               join public.profiles p on p.id = (m ->> 'coach_id')::uuid order by (m ->> 'rank')::integer)
$$;
create function pg_temp.cache(who text) returns public.match_cache language sql as $$
  select * from public.match_cache where client_id = tests.get_supabase_uid(who)
$$;
grant execute on all functions in schema pg_temp to anon, authenticated, service_role;

-- Scoring -----------------------------------------------------------------------------------------------
select tests.authenticate_as('amara');
select is(pg_temp.ranking(), '{fit,stylish}',
  'the coach with her language, country and topic ranks above the one with only her style; the one over budget is left out');
select is((public.match_coaches(1) #>> '{matches,0,reasons,0,reason}'), 'Knows the countries you work across',
  'the reason that counted most comes first');
select is((public.match_coaches(1) #> '{matches,0,reasons,0,shared}'), '["NG"]', 'with what they share');
select is(jsonb_array_length(public.match_coaches(1) #> '{matches,0,reasons}'), 3, 'three reasons per coach');
select ok((public.match_coaches(2) #>> '{matches,0,score}')::numeric between 0 and 100, 'a score out of 100');
select is(public.match_coaches(2) #>> '{matches,0,offering_id}', null, 'a coach without a session has no offering to book');
select is((public.match_coaches(2) #>> '{matches,0,hourly_rate}')::bigint, 8000::bigint, 'the coach''s live profile comes with it');
select throws_ok($$select public.match_coaches(0)$$, '22023', 'top must be from 1 to 2', 'top is bounded');
select tests.authenticate_as('stranger');
select throws_ok($$select public.match_coaches(1)$$, 'PT409', 'quiz_answers: answer the matching quiz before asking for coaches',
  'no matches before the quiz');
select tests.authenticate_as_anon();
select throws_ok($$select public.match_coaches()$$, '42501', null, 'visitors are not matched');

-- Filters.
select tests.clear_authentication();
update public.client_profiles set max_hourly_rate = null where user_id = tests.get_supabase_uid('amara');
select tests.authenticate_as('amara');
select is(pg_temp.ranking(), '{pricey,fit}', 'without a budget the $300 coach is in, first: her wishes and her style');
select tests.clear_authentication();
update public.client_profiles set only_my_languages = true, wanted_languages = '{fr}' where user_id = tests.get_supabase_uid('amara');
select tests.authenticate_as('amara');
select is(pg_temp.ranking(), '{stylish}', 'only coaches who speak one of her languages');
select tests.clear_authentication();
update public.client_profiles set only_my_languages = false, wanted_languages = '{en}', verified_only = true
where user_id = tests.get_supabase_uid('amara');
select tests.authenticate_as('amara');
select is(pg_temp.ranking(), '{pricey,fit}', 'verified only: stylish is not');
select tests.clear_authentication();
update public.client_profiles set verified_only = false, available_within_days = 3 where user_id = tests.get_supabase_uid('amara');
delete from public.availability_rules where user_id = tests.get_supabase_uid('fit');
select tests.authenticate_as('amara');
select is(pg_temp.ranking(), '{pricey,stylish}', 'open hours within three days: a coach without any is left out');
select tests.clear_authentication();
select throws_ok($$update public.client_profiles set only_my_languages = true, wanted_languages = '{}' where user_id = tests.get_supabase_uid('amara')$$,
  '23514', null, 'only my languages needs languages');
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select tests.get_supabase_uid('fit'), d, '08:00', '20:00' from generate_series(1, 7) d;
update public.client_profiles set available_within_days = null, max_hourly_rate = 20000 where user_id = tests.get_supabase_uid('amara');

-- An admin's weight changes the order.
select tests.authenticate_as('admin');
select is(pg_temp.outcome($$update public.matching_rules set weight = 0 where attribute in ('countries', 'expertise', 'languages') returning 1$$),
  '3', 'an admin weighs wishes at nothing');
select tests.authenticate_as('amara');
select is(pg_temp.ranking(), '{stylish,fit}', 'and style alone decides: the order turns');
select tests.clear_authentication();
update public.matching_rules set weight = 4 where attribute in ('countries', 'languages');
update public.matching_rules set weight = 3 where attribute = 'expertise';

-- The cache -----------------------------------------------------------------------------------------
select tests.authenticate_as('amara');
select is(public.match_coaches(2) -> 'from_cache', 'false', 'stale after the rules changed: computed');
select is(public.match_coaches(2) -> 'from_cache', 'true', 'then answered from the cache');
select tests.authenticate_as('bea');
select is(pg_temp.ranking(), '{pricey,stylish}', 'Bea''s matches (the newcomer without a style is never matched)');
select tests.clear_authentication();
select is(array(select unnest((pg_temp.cache('bea')).coach_ids) order by 1), tests.uids('pricey', 'stylish'),
  'Bea''s cache holds pricey and stylish');
select tests.clear_authentication();
select set_config('t.amara', (pg_temp.cache('amara')).computations::text, true);
select set_config('t.bea', (pg_temp.cache('bea')).computations::text, true);

-- A worse rate for a coach only Amara's cache holds: hers goes stale, Bea's stays.
update public.provider_profiles set hourly_rate = 25000 where user_id = tests.get_supabase_uid('fit');
select is((pg_temp.cache('amara')).invalidated_by, 'coach profile changed', 'a coach in her cache raised their rate: stale');
select is((pg_temp.cache('bea')).invalidated_at, null, 'a cache without that coach stays fresh');
select tests.authenticate_as('amara');
select is(pg_temp.ranking(), '{stylish}', 'recomputed: fit is over her budget now');
select tests.clear_authentication();
select is((pg_temp.cache('amara')).computations, current_setting('t.amara')::integer + 1, 'computed once');
-- A better rate for a coach outside her cache who now enters it.
update public.provider_profiles set hourly_rate = 8000 where user_id = tests.get_supabase_uid('fit');
select is((pg_temp.cache('amara')).invalidated_by, 'coach profile changed', 'a coach now in her budget who would enter: stale');
select is((pg_temp.cache('bea')).invalidated_at, null, 'Bea''s cache, where fit would not enter, stays fresh');
select tests.authenticate_as('amara');
select is(pg_temp.ranking(), '{fit,stylish}', 'and fit is back');
-- A style for the newcomer: they enter Bea's cache (her wishes), not Amara's (over budget).
select tests.clear_authentication();
insert into public.coach_styles (coach_id, answers) values (tests.get_supabase_uid('newcomer'), pg_temp.quiz(5));
select isnt((pg_temp.cache('bea')).invalidated_at, null, 'a new coach who would enter Bea''s matches makes them stale');
select is((pg_temp.cache('amara')).invalidated_at, null, 'but not Amara''s: over her budget');
select tests.authenticate_as('bea');
select is(pg_temp.ranking(), '{newcomer,pricey}', 'the newcomer enters Bea''s matches');
-- Her own answers: her cache only.
select tests.authenticate_as('amara');
select is(pg_temp.outcome($$update public.client_profiles set wanted_countries = '{FR}' where user_id = auth.uid() returning 1$$), '1',
  'Amara changes a wish');
select tests.clear_authentication();
select is((pg_temp.cache('amara')).invalidated_by, 'your answers changed', 'her cache is stale');
select is((pg_temp.cache('bea')).invalidated_at, null, 'nobody else''s');
-- The rules: everyone's.
select tests.authenticate_as('amara');
select is(pg_temp.ranking(), '{stylish,fit}', 'France now: stylish knows it');
select tests.authenticate_as('admin');
select is(pg_temp.outcome($$update public.matching_rules set weight = 2 where attribute = 'rating' returning 1$$), '1',
  'an admin changes a weight');
select tests.clear_authentication();
select is((select count(*) from public.match_cache where invalidated_by = 'matching rules changed'), 2::bigint,
  'every cache is stale');

-- Access: coach_styles -------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.coach_styles'), '4', '[coach_styles/anon/select] visitors read coaching styles');
select is(pg_temp.outcome(format($$insert into public.coach_styles (coach_id, answers) values (%L, '{}') returning 1$$, tests.get_supabase_uid('fit'))),
  'denied', '[coach_styles/anon/insert] but write none');
select is(pg_temp.outcome($$update public.coach_styles set answers = answers returning 1$$), 'denied', '[coach_styles/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.coach_styles returning 1'), 'denied', '[coach_styles/anon/delete] nor delete one');
select tests.authenticate_as('stranger');
select is(pg_temp.outcome('select 1 from public.coach_styles'), '4', '[coach_styles/stranger/select] clients read coaching styles');
select is(pg_temp.outcome(format($$insert into public.coach_styles (coach_id, answers) values (%L, %L) returning 1$$, tests.get_supabase_uid('newcomer'), pg_temp.quiz(2))),
  'denied', '[coach_styles/stranger/insert] nor writes a coach''s style');
select is(pg_temp.outcome($$update public.coach_styles set answers = answers returning 1$$), '0', '[coach_styles/stranger/update] nor changes a coach''s');
select is(pg_temp.outcome('delete from public.coach_styles returning 1'), '0', '[coach_styles/stranger/delete] nor deletes one');
select tests.authenticate_as('stylish');
select is(pg_temp.outcome('select 1 from public.coach_styles where coach_id = auth.uid()'), '1', '[coach_styles/owner/select] a coach reads their style');
select is(pg_temp.outcome($$update public.coach_styles set answers = answers || '{"formality": 2}' returning 1$$), '1',
  '[coach_styles/owner/update] changes only their own');
select is(pg_temp.outcome('delete from public.coach_styles returning 1'), '1', '[coach_styles/owner/delete] deletes only their own');
select is(pg_temp.outcome(format($$insert into public.coach_styles (coach_id, answers) values (auth.uid(), %L) returning 1$$, pg_temp.quiz(3))),
  '1', '[coach_styles/owner/insert] and writes it again');
select throws_ok(format($$insert into public.coach_styles (coach_id, answers) values (%L, %L)$$, tests.get_supabase_uid('fit'), pg_temp.quiz(3)),
  '42501', null, 'but never another coach''s');
select throws_ok($$update public.coach_styles set answers = answers - 'formality' where coach_id = auth.uid()$$, '22023',
  'answers is missing factors: formality', 'a style answers every factor');
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from public.coach_styles'), '4', '[coach_styles/admin/select] admins read every style');
select is(pg_temp.outcome($$update public.coach_styles set answers = answers returning 1$$), '4', '[coach_styles/admin/update] and change any');
select is(pg_temp.outcome(format($$delete from public.coach_styles where coach_id = %L returning 1$$, tests.get_supabase_uid('newcomer'))),
  '1', '[coach_styles/admin/delete] remove any');
select is(pg_temp.outcome(format($$insert into public.coach_styles (coach_id, answers) values (%L, %L) returning 1$$,
  tests.get_supabase_uid('newcomer'), pg_temp.quiz(1))), '1', '[coach_styles/admin/insert] and write any');

-- Access: matching_rules -------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.matching_rules'), '25', '[matching_rules/anon/select] visitors read the rules');
select is(pg_temp.outcome($$insert into public.matching_rules (attribute, scoring, weight, reason) values ('rating', 'level', 1, 'x') returning 1$$),
  'denied', '[matching_rules/anon/insert] but write none');
select is(pg_temp.outcome('update public.matching_rules set weight = 9 returning 1'), 'denied', '[matching_rules/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.matching_rules returning 1'), 'denied', '[matching_rules/anon/delete] nor delete one');
select tests.authenticate_as('fit');
select is(pg_temp.outcome('select 1 from public.matching_rules'), '25', '[matching_rules/stranger/select] coaches read the rules');
select is(pg_temp.outcome($$insert into public.matching_rules (factor_key, attribute, scoring, weight, reason) values ('formality', 'rating', 'level', 9, 'x') returning 1$$),
  'denied', '[matching_rules/stranger/insert] but add none');
select is(pg_temp.outcome('update public.matching_rules set weight = 99 returning 1'), '0', '[matching_rules/stranger/update] nor tune one');
select is(pg_temp.outcome('delete from public.matching_rules returning 1'), '0', '[matching_rules/stranger/delete] nor delete one');
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from public.matching_rules'), '25', '[matching_rules/admin/select] admins read the rules');
select is(pg_temp.outcome($$insert into public.matching_rules (factor_key, attribute, scoring, weight, reason) values ('formality', 'rating', 'level', 1, 'Formal and well rated') returning 1$$),
  '1', '[matching_rules/admin/insert] add one');
select is(pg_temp.outcome($$update public.matching_rules set weight = 2 where factor_key = 'formality' and attribute = 'rating' returning 1$$),
  '1', '[matching_rules/admin/update] tune it');
select is(pg_temp.outcome($$delete from public.matching_rules where factor_key = 'formality' and attribute = 'rating' returning 1$$),
  '1', '[matching_rules/admin/delete] delete it');
select throws_ok($$insert into public.matching_rules (factor_key, attribute, scoring, weight, reason) values ('formality', 'languages', 'level', 1, 'x')$$,
  '23514', null, 'a rule scores its attribute the way it can be scored');

-- Access: match_cache, and nobody else's answers ------------------------------------------------------------
select tests.authenticate_as('amara');
select is(pg_temp.outcome('select 1 from public.match_cache'), '1', '[match_cache/owner/select] a client reads their own matches');
select is(pg_temp.outcome($$insert into public.match_cache (client_id, results, coach_ids, expires_at) values (auth.uid(), '[]', '{}', now()) returning 1$$),
  'denied', '[match_cache/owner/insert] but never writes them');
select is(pg_temp.outcome($$update public.match_cache set results = '[]' returning 1$$), 'denied', '[match_cache/owner/update] nor changes them');
select is(pg_temp.outcome('delete from public.match_cache returning 1'), 'denied', '[match_cache/owner/delete] nor deletes them');
select tests.authenticate_as('stranger');
select is(pg_temp.outcome('select 1 from public.match_cache'), '0', '[match_cache/stranger/select] nobody reads someone else''s matches');
select is(pg_temp.outcome($$insert into public.match_cache (client_id, results, coach_ids, expires_at) values (auth.uid(), '[]', '{}', now()) returning 1$$),
  'denied', '[match_cache/stranger/insert] nor writes any');
select is(pg_temp.outcome($$update public.match_cache set results = '[]' returning 1$$), 'denied', '[match_cache/stranger/update] nor changes any');
select is(pg_temp.outcome('delete from public.match_cache returning 1'), 'denied', '[match_cache/stranger/delete] nor deletes any');
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.match_cache'), 'denied', '[match_cache/anon/select] visitors read no matches');
select is(pg_temp.outcome($$insert into public.match_cache (client_id, results, coach_ids, expires_at) values (gen_random_uuid(), '[]', '{}', now()) returning 1$$),
  'denied', '[match_cache/anon/insert] nor write any');
select is(pg_temp.outcome($$update public.match_cache set results = '[]' returning 1$$), 'denied', '[match_cache/anon/update] nor change any');
select is(pg_temp.outcome('delete from public.match_cache returning 1'), 'denied', '[match_cache/anon/delete] nor delete any');
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from public.match_cache'), '2', '[match_cache/admin/select] admins read every client''s matches');
select is(pg_temp.outcome($$insert into public.match_cache (client_id, results, coach_ids, expires_at) values (auth.uid(), '[]', '{}', now()) returning 1$$),
  'denied', '[match_cache/admin/insert] but only the database writes them');
select is(pg_temp.outcome($$update public.match_cache set results = '[]' returning 1$$), 'denied', '[match_cache/admin/update] or changes them');
select is(pg_temp.outcome('delete from public.match_cache returning 1'), 'denied', '[match_cache/admin/delete] or deletes them');

-- A coach never reads a client's answers; they see a match once the client books them.
select tests.authenticate_as('fit');
select is(pg_temp.outcome('select 1 from public.client_profiles'), '0', 'a coach reads no client''s quiz answers');
select is(pg_temp.outcome('select 1 from public.my_matched_clients()'), '0', 'nor who was matched with them before a booking');
select tests.clear_authentication();
insert into public.categories (id, slug, name) values ('cb000000-0000-4000-8000-000000000001', 'coaching', 'Coaching');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
values ('cb000000-0000-4000-8000-000000000002', tests.get_supabase_uid('fit'), 'cb000000-0000-4000-8000-000000000001',
        'session', 'Careers session', 8000, 'USD', 60, 'active', 'online');
select tests.authenticate_as('amara');
select tests.book('session', tests.slot(2, '10:00'), 'cb000000-0000-4000-8000-000000000002');
select tests.authenticate_as('fit');
select results_eq($$select display_name, rank from public.my_matched_clients()$$, $$values ('amara'::text, 2)$$,
  'once Amara booked, the coach sees her name and their rank for her');
select is(pg_temp.outcome('select 1 from public.client_profiles'), '0', 'and still none of her answers');

-- Open hours: a coach closing every day leaves the caches that hold them.
select tests.clear_authentication();
update public.match_cache set invalidated_at = null, invalidated_by = null;
delete from public.availability_rules where user_id = tests.get_supabase_uid('pricey');
select is((pg_temp.cache('bea')).invalidated_by, 'coach open hours changed', 'a coach in Bea''s matches closed: her cache is stale');
select is((pg_temp.cache('amara')).invalidated_at, null, 'Amara''s, without that coach, is not');

-- Photo and intro video: the coach's own folder of the public bucket coach-media.
select tests.authenticate_as('fit');
select lives_ok(format($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
  ('coach-media', %L, auth.uid()::text, '{"size": 204800, "mimetype": "image/jpeg"}'),
  ('coach-media', %L, auth.uid()::text, '{"size": 20480000, "mimetype": "video/mp4"}')$$,
  tests.get_supabase_uid('fit') || '/photo.jpg', tests.get_supabase_uid('fit') || '/intro.mp4'), 'a coach uploads a photo and a video');
select throws_ok(format($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
  ('coach-media', %L, auth.uid()::text, '{"size": 2048, "mimetype": "image/jpeg"}')$$, tests.get_supabase_uid('stylish') || '/photo.jpg'),
  '42501', null, 'but not into another coach''s folder');
select throws_ok(format($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
  ('coach-media', %L, auth.uid()::text, '{"size": 2048, "mimetype": "application/pdf"}')$$, tests.get_supabase_uid('fit') || '/cv.pdf'),
  '42501', null, 'nor a file the bucket does not take');
select lives_ok($$update public.provider_profiles set photo_path = auth.uid() || '/photo.jpg', intro_video_path = auth.uid() || '/intro.mp4' where user_id = auth.uid()$$,
  'and shows them on their profile');
select throws_ok($$update public.provider_profiles set photo_path = auth.uid() || '/intro.mp4' where user_id = auth.uid()$$,
  '22023', null, 'a photo is an image');
select throws_ok(format($$update public.provider_profiles set photo_path = %L where user_id = auth.uid()$$, tests.get_supabase_uid('stylish') || '/photo.jpg'),
  '22023', null, 'from their own folder');
select is((select count(*)::integer from storage.objects where bucket_id = 'coach-media'), 2, 'the coach lists their own media');
select tests.authenticate_as('stranger');
select throws_ok(format($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
  ('coach-media', %L, auth.uid()::text, '{"size": 2048, "mimetype": "image/jpeg"}')$$, tests.get_supabase_uid('stranger') || '/me.jpg'),
  '42501', null, 'a client hosts no files there, even in their own folder');
select tests.authenticate_as_anon();
select is((select count(*)::integer from storage.objects where bucket_id = 'coach-media'), 0,
  'visitors list none (they fetch a file by its public URL)');

-- Total sessions: completed bookings, kept by the database.
select tests.clear_authentication();
update public.bookings set status = 'confirmed', hold_expires_at = null where id = tests.booking('session');
update public.bookings set status = 'in_progress' where id = tests.booking('session');
update public.bookings set status = 'completed' where id = tests.booking('session');
select is((select completed_sessions from public.provider_profiles where user_id = tests.get_supabase_uid('fit')), 1,
  'a completed booking adds one to the coach''s total sessions');
select tests.authenticate_as('fit');
select throws_ok($$update public.provider_profiles set completed_sessions = 500 where user_id = auth.uid()$$, '42501', null,
  'which the coach cannot write');

select * from finish();
rollback;
