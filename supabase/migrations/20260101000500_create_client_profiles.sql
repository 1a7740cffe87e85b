-- identity / clients: what a client tells the marketplace about themselves.
--
-- The coaching marketplace matches clients to coaches on a quiz of 20 factors, each scored
-- on a small integer scale. The factors are rows of matching_factors (admins may edit
-- them); a client's quiz_answers, once given, must answer every factor and nothing else,
-- checked here in SQL so that no frontend can store a half quiz.

create table public.matching_factors (
  key text primary key constraint matching_factors_key_format check (key ~ '^[a-z][a-z0-9_]*$'),
  label text not null,
  description text,
  min_value smallint not null default 1,
  max_value smallint not null default 5,
  sort_order integer not null default 0,
  constraint matching_factors_scale check (min_value < max_value)
);

comment on table public.matching_factors is
  'The factors of the matching quiz. Read: everyone. Write: admins.';

insert into public.matching_factors (key, label, sort_order) values
  ('communication_directness', 'How directly you like feedback to be given', 1),
  ('context_reliance', 'How much meaning you read from context rather than words', 2),
  ('hierarchy_comfort', 'How comfortable you are with hierarchy', 3),
  ('individualism', 'Individual versus group orientation', 4),
  ('uncertainty_tolerance', 'How comfortable you are with ambiguity', 5),
  ('time_orientation', 'Punctuality and planning versus flexibility', 6),
  ('long_term_orientation', 'Long-term versus short-term goals', 7),
  ('emotional_expressiveness', 'How openly you show emotion', 8),
  ('formality', 'How formal you like interactions to be', 9),
  ('conflict_approach', 'Addressing conflict openly versus avoiding it', 10),
  ('decision_style', 'Consensus versus top-down decisions', 11),
  ('relationship_focus', 'Relationship first versus task first', 12),
  ('feedback_frequency', 'How often you want feedback', 13),
  ('structure_preference', 'Structured sessions versus open conversation', 14),
  ('pace_preference', 'The pace of change you want', 15),
  ('accountability_preference', 'How much you want to be held to commitments', 16),
  ('cultural_curiosity', 'Interest in exploring other cultures', 17),
  ('adaptability', 'How readily you adapt to new environments', 18),
  ('language_comfort', 'Comfort working in a second language', 19),
  ('shared_background_importance', 'How much a coach''s shared background matters', 20);

create table public.client_profiles (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  quiz_answers jsonb,
  quiz_completed_at timestamptz,
  preferences jsonb not null default '{}'
    constraint client_profiles_preferences_object check (jsonb_typeof(preferences) = 'object'),
  timezone text not null default 'UTC',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.client_profiles is
  'A client''s quiz answers, preferences and timezone. Read, insert, update: the client and admins. Delete: admins.';
comment on column public.client_profiles.quiz_answers is
  'An object with one integer score per matching_factors key, within its scale; all factors required.';
comment on column public.client_profiles.timezone is 'An IANA time zone name, e.g. Europe/Berlin.';

create trigger set_updated_at
  before update on public.client_profiles
  for each row execute function private.tg_set_updated_at();

create function private.tg_client_profiles_validate()
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
  if jsonb_typeof(new.quiz_answers) <> 'object' then
    raise exception 'quiz_answers must be an object of factor keys to scores' using errcode = '22023';
  end if;

  select string_agg(f.key, ', ' order by f.sort_order) into problems
  from public.matching_factors f
  where not new.quiz_answers ? f.key;
  if problems is not null then
    raise exception 'quiz_answers is missing factors: %', problems using errcode = '22023';
  end if;

  select string_agg(k, ', ' order by k) into problems
  from jsonb_object_keys(new.quiz_answers) k
  where not exists (select 1 from public.matching_factors f where f.key = k);
  if problems is not null then
    raise exception 'quiz_answers has unknown factors: %', problems using errcode = '22023';
  end if;

  select string_agg(format('quiz_answers.%s must be an integer from %s to %s', f.key, f.min_value, f.max_value), '; '
                    order by f.sort_order)
    into problems
  from public.matching_factors f
  cross join lateral (select new.quiz_answers -> f.key as answer) a
  where jsonb_typeof(a.answer) <> 'number'
     or (a.answer #>> '{}')::numeric <> trunc((a.answer #>> '{}')::numeric)
     or (a.answer #>> '{}')::numeric not between f.min_value and f.max_value;
  if problems is not null then
    raise exception '%', problems using errcode = '22023';
  end if;

  new.quiz_completed_at := now();
  return new;
end
$$;

create trigger validate
  before insert or update on public.client_profiles
  for each row execute function private.tg_client_profiles_validate();

-- Access --------------------------------------------------------------------------------------

alter table public.matching_factors enable row level security;
alter table public.client_profiles enable row level security;

revoke all on table public.matching_factors, public.client_profiles from anon, authenticated;
grant select on table public.matching_factors to anon, authenticated;
grant insert, update, delete on table public.matching_factors to authenticated;
grant select, delete on table public.client_profiles to authenticated;
grant insert (user_id, quiz_answers, preferences, timezone) on table public.client_profiles to authenticated;
grant update (quiz_answers, preferences, timezone) on table public.client_profiles to authenticated;

create policy "anyone can read matching factors"
  on public.matching_factors for select to anon, authenticated using (true);
create policy "admins can add matching factors"
  on public.matching_factors for insert to authenticated with check ((select private.is_admin()));
create policy "admins can change matching factors"
  on public.matching_factors for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins can remove matching factors"
  on public.matching_factors for delete to authenticated using ((select private.is_admin()));

create policy "clients can read their own profile and admins all"
  on public.client_profiles for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "clients can create their own profile and admins any"
  on public.client_profiles for insert to authenticated
  with check (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "clients can update their own profile and admins any"
  on public.client_profiles for update to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()))
  with check (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "admins can delete client profiles"
  on public.client_profiles for delete to authenticated using ((select private.is_admin()));
