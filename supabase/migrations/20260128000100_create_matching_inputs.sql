-- matching / inputs (issue 17, seed 002): what the coach matching scores a coach on.
--
-- * The client: their quiz answers (client_profiles.quiz_answers, one score per factor), their
--   wishes (languages, countries, topics a coach should know) and their hard filters (only coaches
--   who speak one of my languages, a budget, open hours within N days, verified only).
-- * The coach: their own answers to the same quiz (public.coach_styles: how they work) and their
--   provider profile (languages, countries, expertise, rating, completed sessions).
-- * public.matching_rules, tuned by admins, maps each factor to a coach attribute, a weight and
--   a way of scoring it:
--     closeness  (attribute style)                      w · (1 − |answer − coach's answer| / range)
--     overlap    (languages, countries, expertise)      w · importance · [the coach covers a wish]
--     level      (rating, sessions)                     w · importance · the coach's level (0..1)
--   where importance = (answer − min) / range (inverted: 1 − that), or 1 for a rule without a
--   factor. A coach's score is 100 · Σ points / Σ possible points; an overlap rule whose
--   attribute the client wished nothing for counts neither way.
-- * The closeness sum over all factors is one weighted L1 distance, so each side's answers are
--   kept as a point of extensions.cube scaled by weight / range (private.coach_vectors for
--   coaches, refreshed when a style or a rule changes): Σ w − (coach <#> client) is the
--   closeness part, computed in C for every coach at once (the cold path's budget is 50 ms for
--   10,000 coaches; per-factor SQL arithmetic took 150 ms).

create extension if not exists cube with schema extensions;

insert into private.settings (key, value, description) values
  ('matching.sessions_for_full_marks', '100', 'Completed sessions at which a coach''s experience level is 1 (sessions rules).');

-- The quiz's validation, shared by clients and coaches --------------------------------------------

-- What is wrong with a set of quiz answers (null: nothing), each problem naming the column:
-- every factor answered, no unknown key, each an integer within its factor's scale.
create function private.quiz_answers_problems(answers jsonb, name text)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  problems text;
begin
  if jsonb_typeof(answers) <> 'object' then
    return name || ' must be an object of factor keys to scores';
  end if;
  select name || ' is missing factors: ' || string_agg(f.key, ', ' order by f.sort_order) into problems
  from public.matching_factors f
  where not answers ? f.key;
  if problems is not null then
    return problems;
  end if;
  select name || ' has unknown factors: ' || string_agg(k, ', ' order by k) into problems
  from jsonb_object_keys(answers) k
  where not exists (select 1 from public.matching_factors f where f.key = k);
  if problems is not null then
    return problems;
  end if;
  select string_agg(format('%s.%s must be an integer from %s to %s', name, f.key, f.min_value, f.max_value), '; '
                    order by f.sort_order)
    into problems
  from public.matching_factors f
  cross join lateral (select answers -> f.key as answer) a
  where jsonb_typeof(a.answer) <> 'number'
     or (a.answer #>> '{}')::numeric <> trunc((a.answer #>> '{}')::numeric)
     or (a.answer #>> '{}')::numeric not between f.min_value and f.max_value;
  return problems;
end
$$;

create or replace function private.tg_client_profiles_validate()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  problems text;
begin
  if tg_op = 'INSERT' or new.timezone is distinct from old.timezone then
    if not exists (select 1 from pg_catalog.pg_timezone_names z where z.name = new.timezone) then
      raise exception 'timezone: "%" is not an IANA time zone name', new.timezone using errcode = '22023';
    end if;
  end if;
  if new.quiz_answers is null or (tg_op = 'UPDATE' and new.quiz_answers is not distinct from old.quiz_answers) then
    return new;
  end if;
  problems := private.quiz_answers_problems(new.quiz_answers, 'quiz_answers');
  if problems is not null then
    raise exception '%', problems using errcode = '22023';
  end if;
  new.quiz_completed_at := now();
  return new;
end
$$;

-- The client's wishes and filters -------------------------------------------------------------------

alter table public.client_profiles
  add column wanted_languages text[] not null default '{}'
    constraint client_profiles_wanted_languages_format check (array_to_string(wanted_languages, ',') ~ '^([a-z]{2,3}(,|$))*$'),
  add column wanted_countries text[] not null default '{}'
    constraint client_profiles_wanted_countries_format check (array_to_string(wanted_countries, ',') ~ '^([A-Z]{2}(,|$))*$'),
  add column wanted_topics text[] not null default '{}'
    constraint client_profiles_wanted_topics_size check (cardinality(wanted_topics) <= 20),
  add column only_my_languages boolean not null default false,
  add column max_hourly_rate bigint constraint client_profiles_max_hourly_rate_positive check (max_hourly_rate > 0),
  add column rate_currency char(3) not null default 'USD'
    constraint client_profiles_rate_currency_format check (rate_currency ~ '^[A-Z]{3}$'),
  add column available_within_days smallint
    constraint client_profiles_available_within_days_range check (available_within_days between 1 and 60),
  add column verified_only boolean not null default false,
  add constraint client_profiles_only_my_languages_needs_languages
    check (not only_my_languages or cardinality(wanted_languages) > 0);

comment on column public.client_profiles.wanted_languages is 'Languages a coach should speak (ISO 639, lower case): scored, or a filter with only_my_languages.';
comment on column public.client_profiles.wanted_countries is 'Countries a coach should know (ISO 3166-1 alpha-2): scored.';
comment on column public.client_profiles.wanted_topics is 'Topics a coach should coach on, as in provider_profiles.expertise: scored.';
comment on column public.client_profiles.max_hourly_rate is 'Budget filter: coaches charging more (minor units of rate_currency an hour), or in another currency, are left out.';
comment on column public.client_profiles.available_within_days is 'Filter: coaches with open weekly hours on a day within this many days.';

grant insert (wanted_languages, wanted_countries, wanted_topics, only_my_languages, max_hourly_rate, rate_currency,
              available_within_days, verified_only)
  on table public.client_profiles to authenticated;
grant update (wanted_languages, wanted_countries, wanted_topics, only_my_languages, max_hourly_rate, rate_currency,
              available_within_days, verified_only)
  on table public.client_profiles to authenticated;

-- A client's quiz answers, wishes and budget are theirs alone: the providers who serve them no
-- longer read their client profile (they have the client's name on profiles and contact
-- details on profile_details). A coach learns only that a client was matched with them, and
-- only once the client books them (public.my_matched_clients).
drop policy "clients can read their own profile, their providers too" on public.client_profiles;
create policy "clients can read their own profile"
  on public.client_profiles for select to authenticated using (user_id = (select auth.uid()));

-- The coach's own answers -----------------------------------------------------------------------------

create table public.coach_styles (
  coach_id uuid primary key references public.provider_profiles (user_id) on delete cascade,
  answers jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.coach_styles is
  'A coach''s own answers to the matching quiz (how they work), scored against clients'' answers. Read: everyone. Write: the coach and admins.';

create trigger set_updated_at
  before update on public.coach_styles
  for each row execute function private.tg_set_updated_at();

create function private.tg_coach_styles_validate()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  problems text := private.quiz_answers_problems(new.answers, 'answers');
begin
  if problems is not null then
    raise exception '%', problems using errcode = '22023';
  end if;
  if not exists (select 1 from public.provider_profiles p where p.user_id = new.coach_id and p.kind = 'coach') then
    raise exception 'coach_id: only a coach''s profile has a coaching style' using errcode = '22023';
  end if;
  return new;
end
$$;

create trigger validate
  before insert or update on public.coach_styles
  for each row execute function private.tg_coach_styles_validate();

-- The rules ---------------------------------------------------------------------------------------------

create type public.match_attribute as enum ('style', 'languages', 'countries', 'expertise', 'rating', 'sessions');
create type public.match_scoring as enum ('closeness', 'overlap', 'level');

create table public.matching_rules (
  id uuid primary key default gen_random_uuid(),
  factor_key text references public.matching_factors (key) on update cascade on delete cascade,
  attribute public.match_attribute not null,
  scoring public.match_scoring not null,
  weight numeric(6, 2) not null constraint matching_rules_weight_range check (weight between 0 and 100),
  inverted boolean not null default false,
  reason text not null constraint matching_rules_reason_length check (char_length(reason) between 1 and 120),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint matching_rules_factor_attribute_key unique nulls not distinct (factor_key, attribute),
  constraint matching_rules_closeness_is_style check ((attribute = 'style') = (scoring = 'closeness')),
  constraint matching_rules_style_needs_factor check (attribute <> 'style' or factor_key is not null),
  constraint matching_rules_overlap_of_lists check (scoring <> 'overlap' or attribute in ('languages', 'countries', 'expertise')),
  constraint matching_rules_level_of_numbers check (scoring <> 'level' or attribute in ('rating', 'sessions'))
);

comment on table public.matching_rules is
  'How the coach matching scores: a factor (or none: always counts), the coach attribute it reads, how (closeness, overlap, level), its weight. Read: everyone. Write: admins.';
comment on column public.matching_rules.inverted is 'The client''s answer counts inverted as importance: a high answer makes the rule matter less.';
comment on column public.matching_rules.reason is 'What a frontend shows when this rule is among the three that counted most for a coach.';

create trigger set_updated_at
  before update on public.matching_rules
  for each row execute function private.tg_set_updated_at();

insert into public.matching_rules (factor_key, attribute, scoring, weight, inverted, reason)
select f.key, 'style', 'closeness', 1, false, 'Works the way you like: ' || lower(f.label)
from public.matching_factors f;

insert into public.matching_rules (factor_key, attribute, scoring, weight, inverted, reason) values
  ('language_comfort', 'languages', 'overlap', 4, true, 'Speaks your language'),
  ('shared_background_importance', 'countries', 'overlap', 4, false, 'Knows the countries you work across'),
  (null, 'expertise', 'overlap', 3, false, 'Coaches on your topics'),
  ('accountability_preference', 'sessions', 'level', 1, false, 'Experienced: many completed sessions'),
  (null, 'rating', 'level', 1.5, false, 'Highly rated by clients');

-- Coaches' points -----------------------------------------------------------------------------------------

-- A set of quiz answers as a point for the closeness sum: one coordinate per style rule, in
-- factor order, answer · weight / range.
create function private.style_vector(answers jsonb)
returns extensions.cube
language sql
stable
set search_path = ''
as $$
  select extensions.cube(coalesce(array_agg(
    (answers ->> f.key)::float8 * r.weight::float8 / (f.max_value - f.min_value) order by f.sort_order, f.key
  ), '{0}'))
  from public.matching_rules r
  join public.matching_factors f on f.key = r.factor_key
  where r.attribute = 'style'
$$;

create table private.coach_vectors (
  coach_id uuid primary key references public.coach_styles (coach_id) on delete cascade,
  vector extensions.cube not null
);

comment on table private.coach_vectors is
  'Each coach''s style as a point scaled by the style rules'' weights (private.style_vector), kept by triggers.';

create function private.tg_coach_styles_vector()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.coach_vectors (coach_id, vector)
  values (new.coach_id, private.style_vector(new.answers))
  on conflict (coach_id) do update set vector = excluded.vector;
  return null;
end
$$;

create trigger keep_vector
  after insert or update of answers on public.coach_styles
  for each row execute function private.tg_coach_styles_vector();

-- Security definer: a rules change by an admin rescales every coach's point.
create function private.tg_matching_rules_rescale()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if (select count(*) from public.matching_rules r where r.attribute = 'style') > 100 then
    raise exception 'matching_rules: at most 100 style rules (the dimensions of a cube)' using errcode = '22023';
  end if;
  update private.coach_vectors v set vector = private.style_vector(s.answers)
  from public.coach_styles s
  where s.coach_id = v.coach_id;
  return null;
end
$$;

create trigger rescale
  after insert or update or delete or truncate on public.matching_rules
  for each statement execute function private.tg_matching_rules_rescale();
create trigger rescale
  after update of min_value, max_value, sort_order, key on public.matching_factors
  for each statement execute function private.tg_matching_rules_rescale();

-- Access ---------------------------------------------------------------------------------------------------

alter table public.coach_styles enable row level security;
alter table public.matching_rules enable row level security;
alter table private.coach_vectors enable row level security;

revoke all on table public.coach_styles, public.matching_rules from anon, authenticated;
revoke all on table private.coach_vectors from public, anon, authenticated, service_role;
grant all on table public.coach_styles, public.matching_rules to service_role;
grant select on table public.coach_styles, public.matching_rules to anon, authenticated;
grant insert (coach_id, answers), update (answers), delete on table public.coach_styles to authenticated;
grant insert (factor_key, attribute, scoring, weight, inverted, reason),
      update (factor_key, attribute, scoring, weight, inverted, reason), delete
  on table public.matching_rules to authenticated;

create policy "anyone reads coaching styles"
  on public.coach_styles for select to anon, authenticated using (true);
create policy "coaches write their own style"
  on public.coach_styles for insert to authenticated with check (coach_id = (select auth.uid()));
create policy "coaches change their own style"
  on public.coach_styles for update to authenticated
  using (coach_id = (select auth.uid())) with check (coach_id = (select auth.uid()));
create policy "coaches remove their own style"
  on public.coach_styles for delete to authenticated using (coach_id = (select auth.uid()));
create policy "admins write any style"
  on public.coach_styles for insert to marketbase_admin with check ((select private.is_admin()));
create policy "admins change any style"
  on public.coach_styles for update to marketbase_admin
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins remove any style"
  on public.coach_styles for delete to marketbase_admin using ((select private.is_admin()));

create policy "anyone reads the matching rules"
  on public.matching_rules for select to anon, authenticated using (true);
create policy "admins add matching rules"
  on public.matching_rules for insert to marketbase_admin with check ((select private.is_admin()));
create policy "admins change matching rules"
  on public.matching_rules for update to marketbase_admin
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins remove matching rules"
  on public.matching_rules for delete to marketbase_admin using ((select private.is_admin()));

-- Called by the quiz triggers as whoever writes.
grant execute on function private.quiz_answers_problems(jsonb, text) to authenticated, service_role;
