-- matching / cache (issue 17): ranked, explained coach matches per client, cached and kept fresh.
--
-- public.match_coaches(top) answers a client from public.match_cache while it is fresh and
-- recomputes it otherwise (private.compute_matches: every eligible coach scored in one
-- statement, the best matching.cached_matches kept, each with the three rules that counted most
-- for them). Concurrent requests for a stale cache compute it once: the first takes the
-- client's advisory lock, the others wait for it and then find the cache fresh.
--
-- What makes a cache stale, in the transaction of the change:
-- * its age (matching.cache_minutes), for what no trigger sees: days passing, date exceptions.
-- * the client's answers, wishes or filters: their cache.
-- * a coach's languages, countries, expertise, rate, currency, rating, sessions, verification,
--   style or open hours: every cache holding the coach (their place or eligibility may change);
--   and only when the change can make the coach better for someone (a lower rate, a higher
--   rating, more sessions, verification, a language, country or topic added, a new style, open
--   hours added), every cache where the coach now passes the client's filters and scores above
--   the cache's last place, i.e. where they would enter. Each cache keeps the client's scoring
--   inputs (private.match_queries) for that test: one scan of the cached clients, exact, where
--   invalidating every cache would make 100,000 clients recompute for one coach's change.
-- * a change of the rules or the factors' scales: every cache.

insert into private.settings (key, value, description) values
  ('matching.cache_minutes', '1440', 'How long a client''s coach matches are served from the cache at most.'),
  ('matching.cached_matches', '20', 'Coaches kept per cache; public.match_coaches answers up to this many.');

create table public.match_cache (
  client_id uuid primary key references public.client_profiles (user_id) on delete cascade,
  results jsonb not null,
  coach_ids uuid[] not null,
  computed_at timestamptz not null default now(),
  expires_at timestamptz not null,
  invalidated_at timestamptz,
  invalidated_by text,
  computations integer not null default 1
)
-- Room on each page, so that marking a cache stale (no indexed column changes) is a HOT update:
-- no new entries in the coach_ids index for the thousands of caches one coach's change touches.
with (fillfactor = 70);

create index match_cache_coach_ids_idx on public.match_cache using gin (coach_ids);
create index match_cache_computed_at_idx on public.match_cache (computed_at desc);

comment on table public.match_cache is
  'A client''s ranked coach matches: results [{rank, coach_id, score, reasons}], fresh until expires_at unless invalidated. Read: the client and admins. Written by the database.';
comment on column public.match_cache.invalidated_by is 'What made the cache stale: the client''s answers, a coach''s change, the rules.';
comment on column public.match_cache.computations is 'How many times this client''s matches were computed.';

-- What a client's cache was computed from, for testing whether a changed coach would enter it.
create table private.match_queries (
  client_id uuid primary key references public.match_cache (client_id) on delete cascade,
  vector extensions.cube not null,
  style_weight float8 not null,
  languages text[] not null,
  countries text[] not null,
  topics text[] not null,
  languages_weight float8 not null,
  countries_weight float8 not null,
  topics_weight float8 not null,
  rating_weight float8 not null,
  sessions_weight float8 not null,
  total_weight float8 not null,
  sessions_full float8 not null,
  only_my_languages boolean not null,
  max_hourly_rate bigint,
  rate_currency char(3) not null,
  window_weekdays smallint[],
  verified_only boolean not null,
  cutoff float8 not null
);

comment on table private.match_queries is
  'A cached client''s scoring inputs (weights from the rules and their answers, wishes, filters) and the score of the cache''s last place.';
comment on column private.match_queries.window_weekdays is
  'ISO weekdays within available_within_days when the cache was computed; null: no availability filter.';

-- Scoring -------------------------------------------------------------------------------------------------

-- A client's scoring inputs from their profile and the rules (see 20260128000100 for the formula).
create function private.match_query_of(profile public.client_profiles)
returns private.match_queries
language plpgsql
stable
set search_path = ''
as $$
declare
  q private.match_queries;
begin
  q.client_id := profile.user_id;
  q.vector := private.style_vector(profile.quiz_answers);
  q.languages := profile.wanted_languages;
  q.countries := profile.wanted_countries;
  q.topics := profile.wanted_topics;
  select coalesce(sum(r.weight) filter (where r.scoring = 'closeness'), 0),
         coalesce(sum(i.points) filter (where r.attribute = 'languages'), 0),
         coalesce(sum(i.points) filter (where r.attribute = 'countries'), 0),
         coalesce(sum(i.points) filter (where r.attribute = 'expertise'), 0),
         coalesce(sum(i.points) filter (where r.attribute = 'rating'), 0),
         coalesce(sum(i.points) filter (where r.attribute = 'sessions'), 0)
    into q.style_weight, q.languages_weight, q.countries_weight, q.topics_weight, q.rating_weight, q.sessions_weight
  from public.matching_rules r
  left join public.matching_factors f on f.key = r.factor_key
  cross join lateral private.rule_points_possible(r, f, profile.quiz_answers) i (points);
  -- A wish left empty counts neither way.
  if cardinality(q.languages) = 0 then q.languages_weight := 0; end if;
  if cardinality(q.countries) = 0 then q.countries_weight := 0; end if;
  if cardinality(q.topics) = 0 then q.topics_weight := 0; end if;
  q.total_weight := q.style_weight + q.languages_weight + q.countries_weight + q.topics_weight + q.rating_weight
    + q.sessions_weight;
  q.sessions_full := private.setting('matching.sessions_for_full_marks')::float8;
  q.only_my_languages := profile.only_my_languages;
  q.max_hourly_rate := profile.max_hourly_rate;
  q.rate_currency := profile.rate_currency;
  q.verified_only := profile.verified_only;
  if profile.available_within_days is not null then
    q.window_weekdays := array(
      select distinct extract(isodow from d)::smallint
      from generate_series(current_date, current_date + profile.available_within_days, interval '1 day') d);
  end if;
  q.cutoff := '-infinity';
  return q;
end
$$;

-- What a non-closeness rule can give at most for this client: weight · importance of their answer.
create function private.rule_points_possible(r public.matching_rules, f public.matching_factors, answers jsonb)
returns float8
language sql
immutable
set search_path = ''
as $$
  select r.weight::float8 * case
    when r.scoring = 'closeness' then 1
    when f.key is null then 1
    when r.inverted then 1 - ((answers ->> f.key)::float8 - f.min_value) / (f.max_value - f.min_value)
    else ((answers ->> f.key)::float8 - f.min_value) / (f.max_value - f.min_value)
  end
$$;

-- The score (0 to 100) and the hard filters are written out in the two statements that use them,
-- the ranking in compute_matches (one client, every coach) and the entry test in
-- invalidate_matches_of_coach (one coach, every cached client), rather than in functions: a SQL
-- function is inlined into a query only without a `set search_path`, which every function here
-- must have (Supabase's advisors), and called per row it costs ten times the ranking. pgTAP 170
-- checks that the two agree (a coach scoring above a cache's last place enters it, one below
-- does not).

-- Computing a cache ---------------------------------------------------------------------------------------

-- Security definer: reads every coach's point and writes the cache, which no API role may.
create function private.compute_matches(client_id uuid)
returns public.match_cache
language plpgsql
security definer
set search_path = ''
as $$
declare
  profile public.client_profiles;
  q private.match_queries;
  keep constant integer := private.setting('matching.cached_matches')::integer;
  ranked jsonb;
  cache public.match_cache;
begin
  select * into profile from public.client_profiles p where p.user_id = compute_matches.client_id;
  if profile.quiz_answers is null then
    raise exception 'quiz_answers: answer the matching quiz before asking for coaches' using errcode = 'PT409';
  end if;
  q := private.match_query_of(profile);
  -- Held until commit: a coach's change committed while the ranking runs waits here and then
  -- marks this very result stale, rather than being overwritten by it.
  perform 1 from public.match_cache m where m.client_id = q.client_id for update;

  with top as (
    select c.user_id as coach_id, c.languages, c.countries, c.expertise, c.rating, c.completed_sessions,
           100 * (q.style_weight - (v.vector operator(extensions.<#>) q.vector)
                  + case when c.languages && q.languages then q.languages_weight else 0 end
                  + case when c.countries && q.countries then q.countries_weight else 0 end
                  + case when c.expertise && q.topics then q.topics_weight else 0 end
                  + q.rating_weight * c.rating::float8 / 5
                  + q.sessions_weight * least(1, c.completed_sessions / q.sessions_full)
                 ) / greatest(q.total_weight, 1e-9) as score
    from private.coach_vectors v
    join public.provider_profiles c on c.user_id = v.coach_id
    where c.kind = 'coach'
      and c.user_id <> q.client_id
      and (not q.only_my_languages or c.languages && q.languages)
      and (q.max_hourly_rate is null or (c.currency = q.rate_currency and c.hourly_rate <= q.max_hourly_rate))
      and (not q.verified_only or c.is_verified)
      and case when q.window_weekdays is null then true
               else exists (select 1 from public.availability_rules a
                            where a.user_id = c.user_id and a.weekday = any (q.window_weekdays)) end
    order by score desc, c.rating desc, c.user_id
    limit keep
  ),
  numbered as (
    select t.*, row_number() over (order by t.score desc, t.rating desc, t.coach_id) as rank from top t
  ),
  -- What each rule gave each coach, in points of the score.
  points as (
    select n.coach_id, r.reason, r.factor_key, r.attribute,
           100 * case r.scoring
             when 'closeness' then r.weight::float8 * (1 - abs((profile.quiz_answers ->> f.key)::float8
                                   - (s.answers ->> f.key)::float8) / (f.max_value - f.min_value))
             else private.rule_points_possible(r, f, profile.quiz_answers) * case r.attribute
               when 'languages' then (cardinality(q.languages) > 0 and n.languages && q.languages)::integer
               when 'countries' then (cardinality(q.countries) > 0 and n.countries && q.countries)::integer
               when 'expertise' then (cardinality(q.topics) > 0 and n.expertise && q.topics)::integer
               when 'rating' then n.rating::float8 / 5
               else least(1, n.completed_sessions / q.sessions_full)
             end
           end / greatest(q.total_weight, 1e-9) as points,
           case r.attribute
             when 'languages' then array(select unnest(n.languages) intersect select unnest(q.languages) order by 1)
             when 'countries' then array(select unnest(n.countries) intersect select unnest(q.countries) order by 1)
             when 'expertise' then array(select unnest(n.expertise) intersect select unnest(q.topics) order by 1)
           end as shared
    from numbered n
    join public.coach_styles s on s.coach_id = n.coach_id
    cross join public.matching_rules r
    left join public.matching_factors f on f.key = r.factor_key
  ),
  reasons as (
    select p.coach_id,
           jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
             'factor', p.factor_key, 'attribute', p.attribute, 'reason', p.reason,
             'points', round(p.points::numeric, 1), 'shared', p.shared)) order by p.points desc, p.reason) as reasons
    from (select p.*, row_number() over (partition by p.coach_id order by p.points desc, p.reason) as place
          from points p) p
    where p.place <= 3
    group by p.coach_id
  )
  select coalesce(jsonb_agg(jsonb_build_object(
           'rank', n.rank, 'coach_id', n.coach_id, 'score', round(n.score::numeric, 1), 'reasons', r.reasons)
           order by n.rank), '[]'),
         case when count(*) = keep then min(n.score) else '-infinity' end
    into ranked, q.cutoff
  from numbered n
  join reasons r on r.coach_id = n.coach_id;

  insert into public.match_cache as m (client_id, results, coach_ids, computed_at, expires_at)
  values (
    q.client_id, ranked,
    array(select (e ->> 'coach_id')::uuid from jsonb_array_elements(ranked) e),
    now(), now() + make_interval(mins => private.setting('matching.cache_minutes')::integer))
  on conflict on constraint match_cache_pkey do update
  set results = excluded.results, coach_ids = excluded.coach_ids, computed_at = excluded.computed_at,
      expires_at = excluded.expires_at, invalidated_at = null, invalidated_by = null,
      computations = m.computations + 1
  returning * into cache;

  insert into private.match_queries select q.*
  on conflict on constraint match_queries_pkey do update
  set (vector, style_weight, languages, countries, topics, languages_weight, countries_weight, topics_weight,
       rating_weight, sessions_weight, total_weight, sessions_full, only_my_languages, max_hourly_rate,
       rate_currency, window_weekdays, verified_only, cutoff)
    = (excluded.vector, excluded.style_weight, excluded.languages, excluded.countries, excluded.topics,
       excluded.languages_weight, excluded.countries_weight, excluded.topics_weight, excluded.rating_weight,
       excluded.sessions_weight, excluded.total_weight, excluded.sessions_full, excluded.only_my_languages,
       excluded.max_hourly_rate, excluded.rate_currency, excluded.window_weekdays, excluded.verified_only,
       excluded.cutoff);
  return cache;
end
$$;

-- The RPC ----------------------------------------------------------------------------------------------------

-- Security definer: the cache is written by the database only.
create function private.match_coaches(top integer)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me constant uuid := auth.uid();
  cache public.match_cache;
  computed boolean := false;
begin
  if me is null then
    raise exception 'sign in to be matched with coaches' using errcode = '42501';
  end if;
  if top is null or top not between 1 and private.setting('matching.cached_matches')::integer then
    raise exception 'top must be from 1 to %', private.setting('matching.cached_matches') using errcode = '22023';
  end if;

  select * into cache from public.match_cache m where m.client_id = me;
  if cache.client_id is null or cache.invalidated_at is not null or cache.expires_at <= now() then
    -- One computation per client at a time; whoever waited finds it done.
    perform pg_advisory_xact_lock(hashtextextended('match_cache ' || me::text, 0));
    select * into cache from public.match_cache m where m.client_id = me;
    if cache.client_id is null or cache.invalidated_at is not null or cache.expires_at <= now() then
      cache := private.compute_matches(me);
      computed := true;
    end if;
  end if;

  return jsonb_build_object(
    'computed_at', cache.computed_at,
    'expires_at', cache.expires_at,
    'from_cache', not computed,
    'matches', coalesce((
      select jsonb_agg(e.match || jsonb_build_object(
               'display_name', p.display_name, 'avatar_url', p.avatar_url, 'headline', c.headline,
               'hourly_rate', c.hourly_rate, 'currency', c.currency, 'rating', c.rating, 'rating_count', c.rating_count,
               'total_sessions', c.completed_sessions, 'languages', c.languages, 'countries', c.countries,
               'expertise', c.expertise, 'is_verified', c.is_verified, 'photo_path', c.photo_path,
               'intro_video_path', c.intro_video_path,
               'offering_id', (select o.id from public.offerings o
                               where o.provider_id = c.user_id and o.status = 'active'
                               order by o.created_at, o.id limit 1))
             order by (e.match ->> 'rank')::integer)
      from jsonb_array_elements(cache.results) e (match)
      join public.provider_profiles c on c.user_id = (e.match ->> 'coach_id')::uuid
      join public.profiles p on p.id = c.user_id
      where (e.match ->> 'rank')::integer <= top), '[]')
  );
end
$$;

grant execute on function private.match_coaches(integer) to authenticated;

create function public.match_coaches(top integer default 5)
returns jsonb
language sql
security invoker
set search_path = ''
as $$ select private.match_coaches(top) $$;

grant execute on function public.match_coaches(integer) to authenticated, service_role;

comment on function public.match_coaches(integer) is
  'The calling client''s best coaches (up to matching.cached_matches): rank, score 0-100, the three rules that counted most (reasons), and the coach''s live profile with a bookable offering_id. From the cache while fresh. Call with POST: it may compute.';

-- A coach's view: which clients they were matched with, once the client has booked them. Never
-- the client's answers.
create function private.my_matched_clients()
returns table (client_id uuid, display_name text, rank integer, score numeric, computed_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select b.client_id, p.display_name, (e.match ->> 'rank')::integer, (e.match ->> 'score')::numeric, m.computed_at
  from (select distinct k.client_id from public.bookings k where k.provider_id = (select auth.uid())) b
  join public.match_cache m on m.client_id = b.client_id
  join public.profiles p on p.id = b.client_id
  cross join lateral jsonb_array_elements(m.results) e (match)
  where e.match ->> 'coach_id' = (select auth.uid())::text
  order by m.computed_at desc
$$;

grant execute on function private.my_matched_clients() to authenticated;

create function public.my_matched_clients()
returns table (client_id uuid, display_name text, rank integer, score numeric, computed_at timestamptz)
language sql
stable
security invoker
set search_path = ''
as $$ select * from private.my_matched_clients() $$;

grant execute on function public.my_matched_clients() to authenticated;

comment on function public.my_matched_clients() is
  'For a coach: the clients whose matches rank them and who have booked them, with rank and score; never their quiz answers.';

-- Keeping caches fresh -------------------------------------------------------------------------------------

-- Security definer: the triggers run as whoever changes a coach, who may not write caches.
create function private.invalidate_matches_of_coach(coach uuid, may_enter boolean, why text)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  c public.provider_profiles;
  v extensions.cube;
  weekdays smallint[];
  holding integer;
  entering integer := 0;
begin
  -- Stale rows too: one being recomputed right now is locked by its computation, and this waits
  -- and marks the new result (a filter on invalidated_at would skip it and lose the change).
  update public.match_cache m set invalidated_at = now(), invalidated_by = why
  where m.coach_ids @> array[coach];
  get diagnostics holding = row_count;
  if not may_enter then
    return holding;
  end if;

  select * into c from public.provider_profiles p where p.user_id = coach and p.kind = 'coach';
  select cv.vector into v from private.coach_vectors cv where cv.coach_id = coach;
  if c.user_id is null or v is null then
    return holding;
  end if;
  weekdays := array(select distinct a.weekday from public.availability_rules a where a.user_id = coach);
  update public.match_cache m set invalidated_at = now(), invalidated_by = why
  from private.match_queries q
  where q.client_id = m.client_id
    and q.client_id <> coach
    and not m.coach_ids @> array[coach]  -- marked above
    -- The filters and the score as compute_matches' ranking has them, for this coach.
    and (not q.only_my_languages or c.languages && q.languages)
    and (q.max_hourly_rate is null or (c.currency = q.rate_currency and c.hourly_rate <= q.max_hourly_rate))
    and (not q.verified_only or c.is_verified)
    and (q.window_weekdays is null or q.window_weekdays && weekdays)
    and 100 * (q.style_weight - (v operator(extensions.<#>) q.vector)
               + case when c.languages && q.languages then q.languages_weight else 0 end
               + case when c.countries && q.countries then q.countries_weight else 0 end
               + case when c.expertise && q.topics then q.topics_weight else 0 end
               + q.rating_weight * c.rating::float8 / 5
               + q.sessions_weight * least(1, c.completed_sessions / q.sessions_full)
              ) / greatest(q.total_weight, 1e-9) >= q.cutoff;  -- a tie may win the last place
  get diagnostics entering = row_count;
  return holding + entering;
end
$$;

-- Called by the triggers below as whoever changes a coach, their open hours or their style.
grant execute on function private.invalidate_matches_of_coach(uuid, boolean, text) to authenticated, service_role;

create function private.tg_provider_profiles_refresh_matches()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform private.invalidate_matches_of_coach(
    new.user_id,
    new.hourly_rate < old.hourly_rate or (new.hourly_rate is not null and old.hourly_rate is null)
      or new.currency <> old.currency or new.rating > old.rating or new.completed_sessions > old.completed_sessions
      or (new.is_verified and not old.is_verified) or not old.languages @> new.languages
      or not old.countries @> new.countries or not old.expertise @> new.expertise,
    'coach profile changed');
  return null;
end
$$;

create trigger refresh_matches
  after update of languages, countries, expertise, hourly_rate, currency, rating, completed_sessions, is_verified
  on public.provider_profiles
  for each row
  when (new.kind = 'coach' and (old.languages, old.countries, old.expertise, old.hourly_rate, old.currency, old.rating,
                                old.completed_sessions, old.is_verified)
        is distinct from (new.languages, new.countries, new.expertise, new.hourly_rate, new.currency, new.rating,
                          new.completed_sessions, new.is_verified))
  execute function private.tg_provider_profiles_refresh_matches();

-- Named after keep_vector, so that it runs after the coach's point is updated.
create function private.tg_coach_styles_refresh_matches()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform private.invalidate_matches_of_coach(coalesce(new.coach_id, old.coach_id), tg_op <> 'DELETE',
                                              'coach style changed');
  return null;
end
$$;

create trigger refresh_matches
  after insert or update of answers or delete on public.coach_styles
  for each row execute function private.tg_coach_styles_refresh_matches();

create function private.tg_availability_rules_refresh_matches()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if exists (select 1 from public.coach_styles s where s.coach_id = coalesce(new.user_id, old.user_id)) then
    perform private.invalidate_matches_of_coach(coalesce(new.user_id, old.user_id), tg_op <> 'DELETE',
                                                'coach open hours changed');
  end if;
  return null;
end
$$;

create trigger refresh_matches
  after insert or update of weekday, user_id or delete on public.availability_rules
  for each row execute function private.tg_availability_rules_refresh_matches();

-- Security definer: the client may not write their cache.
create function private.tg_client_profiles_refresh_matches()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.match_cache m set invalidated_at = now(), invalidated_by = 'your answers changed'
  where m.client_id = new.user_id;
  return null;
end
$$;

create trigger refresh_matches
  after update of quiz_answers, wanted_languages, wanted_countries, wanted_topics, only_my_languages, max_hourly_rate,
    rate_currency, available_within_days, verified_only
  on public.client_profiles
  for each row
  when ((old.quiz_answers, old.wanted_languages, old.wanted_countries, old.wanted_topics, old.only_my_languages,
         old.max_hourly_rate, old.rate_currency, old.available_within_days, old.verified_only)
        is distinct from (new.quiz_answers, new.wanted_languages, new.wanted_countries, new.wanted_topics,
                          new.only_my_languages, new.max_hourly_rate, new.rate_currency, new.available_within_days,
                          new.verified_only))
  execute function private.tg_client_profiles_refresh_matches();

-- Security definer: an admin's change of the rules makes every cache stale.
create function private.tg_matching_rules_refresh_matches()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.match_cache m set invalidated_at = now(), invalidated_by = 'matching rules changed';
  return null;
end
$$;

create trigger refresh_matches
  after insert or update or delete or truncate on public.matching_rules
  for each statement execute function private.tg_matching_rules_refresh_matches();
create trigger refresh_matches
  after update of min_value, max_value, sort_order, key or insert or delete on public.matching_factors
  for each statement execute function private.tg_matching_rules_refresh_matches();

-- Access ---------------------------------------------------------------------------------------------------

alter table public.match_cache enable row level security;
alter table private.match_queries enable row level security;

revoke all on table public.match_cache from anon, authenticated;
revoke all on table private.match_queries from public, anon, authenticated, service_role;
grant all on table public.match_cache to service_role;
grant select on table public.match_cache to authenticated;

create policy "clients read their own matches"
  on public.match_cache for select to authenticated using (client_id = (select auth.uid()));
create policy "admins read every client's matches"
  on public.match_cache for select to marketbase_admin using ((select private.is_admin()));
