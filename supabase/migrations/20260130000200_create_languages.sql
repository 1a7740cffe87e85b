-- lifecycle and insight / languages (issue 19, seed 004's Language): the languages the platform
-- speaks, one of them the default, and what they tie together:
--
-- * a user's preferred language is profile_details.locale, the column that already chose their
--   notification templates (20260101000200; private half of the profile, the user updates it):
--   it now references a language and may be null, meaning "the default language". Not a new
--   column on public.profiles: that half is public, and two columns saying the same thing
--   would drift. A sign-up naming a language we do not offer starts with the default instead
--   of failing; a user choosing one later is told (22023).
-- * notification templates are written in known languages only (a foreign key), and a
--   notification is worded in the recipient's language, else the default language
--   (20260130000300 puts that into the expansion and private.pick_template).
--
-- Exactly one language is the default: a partial unique index refuses a second one at once,
-- a deferred constraint trigger refuses none at commit, and set_default_language() moves it.

create table public.languages (
  code text primary key constraint languages_code_format check (code ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  english_name text not null constraint languages_english_name_length check (char_length(english_name) between 1 and 80),
  native_name text not null constraint languages_native_name_length check (char_length(native_name) between 1 and 80),
  is_rtl boolean not null default false,
  is_default boolean not null default false,
  is_active boolean not null default true,
  locale text not null constraint languages_locale_format check (locale ~ '^[a-z]{2,3}-[A-Z]{2}$'),
  currency_code text constraint languages_currency_code_format check (currency_code ~ '^[A-Z]{3}$'),
  flag_emoji text constraint languages_flag_emoji_length check (char_length(flag_emoji) <= 8),
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint languages_default_is_active check (is_active or not is_default)
);

create unique index languages_one_default_idx on public.languages ((true)) where is_default;
create index languages_active_order_idx on public.languages (sort_order, code) where is_active;

comment on table public.languages is
  'Languages the platform speaks (BCP 47 codes like en, pt-BR), exactly one the default. Read: everyone, the active ones. Write: admins; the default moves with set_default_language().';
comment on column public.languages.locale is 'The locale dates and numbers are formatted in for this language, e.g. en-US, pt-BR.';
comment on column public.languages.currency_code is 'ISO 4217 currency shown by default to users of this language, if any.';
comment on column public.languages.is_rtl is 'Written right to left (ar, he, fa): the frontends mirror their layout.';

create trigger set_updated_at before update on public.languages for each row execute function private.tg_set_updated_at();

insert into public.languages (code, english_name, native_name, is_rtl, is_default, locale, currency_code, flag_emoji, sort_order) values
  ('en', 'English', 'English', false, true, 'en-US', 'USD', '🇬🇧', 1),
  ('es', 'Spanish', 'Español', false, false, 'es-ES', 'EUR', '🇪🇸', 2),
  ('fr', 'French', 'Français', false, false, 'fr-FR', 'EUR', '🇫🇷', 3),
  ('de', 'German', 'Deutsch', false, false, 'de-DE', 'EUR', '🇩🇪', 4),
  ('it', 'Italian', 'Italiano', false, false, 'it-IT', 'EUR', '🇮🇹', 5),
  ('nl', 'Dutch', 'Nederlands', false, false, 'nl-NL', 'EUR', '🇳🇱', 6),
  ('pt', 'Portuguese', 'Português', false, false, 'pt-PT', 'EUR', '🇵🇹', 7),
  ('pt-BR', 'Portuguese (Brazil)', 'Português (Brasil)', false, false, 'pt-BR', 'BRL', '🇧🇷', 8),
  ('pl', 'Polish', 'Polski', false, false, 'pl-PL', 'PLN', '🇵🇱', 9),
  ('ar', 'Arabic', 'العربية', true, false, 'ar-SA', 'SAR', '🇸🇦', 10),
  ('he', 'Hebrew', 'עברית', true, false, 'he-IL', 'ILS', '🇮🇱', 11);

-- Exactly one default --------------------------------------------------------------------------------

-- Deferred to the end of the transaction, so that the default can move in two statements.
-- Security definer: it runs at commit, as whatever role the transaction has then.
create function private.tg_languages_keep_a_default()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from public.languages l where l.is_default) then
    raise exception 'one language must be the default: make another the default first (set_default_language)'
      using errcode = '23514';
  end if;
  return null;
end
$$;

revoke all on function private.tg_languages_keep_a_default() from public;

comment on function private.tg_languages_keep_a_default() is
  'Constraint trigger (deferred): refuses a transaction that leaves no default language (23514).';

create constraint trigger keep_a_default
  after update of is_default or delete on public.languages
  deferrable initially deferred
  for each row execute function private.tg_languages_keep_a_default();

-- The language a user without one (or with one no longer offered) is spoken to in. Invoker:
-- the default is active (languages_default_is_active), so every role reads it.
create function private.default_language()
returns text
language sql
stable
set search_path = ''
as $$
  select coalesce((select l.code from public.languages l where l.is_default), 'en')
$$;

revoke all on function private.default_language() from public;
grant execute on function private.default_language() to anon, authenticated, service_role;

comment on function private.default_language() is 'The code of the default language (en when none is set).';

create function public.set_default_language(language_code text)
returns public.languages
language plpgsql
set search_path = ''
as $$
declare
  chosen public.languages;
begin
  if not (select private.is_admin()) then
    raise exception 'only admins choose the default language' using errcode = '42501';
  end if;
  select * into chosen from public.languages l where l.code = language_code;
  if chosen.code is null then
    raise exception 'no language %', language_code using errcode = 'PT404';
  end if;
  if not chosen.is_active then
    raise exception 'language % is not active: activate it first', language_code using errcode = '22023';
  end if;
  update public.languages l set is_default = false where l.is_default and l.code <> language_code;
  update public.languages l set is_default = true where l.code = language_code returning * into chosen;
  return chosen;
end
$$;

revoke all on function public.set_default_language(text) from public, anon;
grant execute on function public.set_default_language(text) to authenticated;

comment on function public.set_default_language(text) is
  'Admins: makes an active language the default (the one before stops being it). 404 unknown, 22023 inactive, 403 non-admins.';

-- Access -------------------------------------------------------------------------------------------
alter table public.languages enable row level security;

revoke all on table public.languages from anon, authenticated;
grant select on table public.languages to anon, authenticated;
grant select, delete on table public.languages to marketbase_admin;
grant insert (code, english_name, native_name, is_rtl, is_default, is_active, locale, currency_code, flag_emoji, sort_order),
      update (english_name, native_name, is_rtl, is_default, is_active, locale, currency_code, flag_emoji, sort_order)
  on table public.languages to marketbase_admin;
grant select, insert, update, delete on table public.languages to service_role;

create policy "anyone can read the active languages"
  on public.languages for select to anon, authenticated using (is_active);
create policy "admins can read every language"
  on public.languages for select to marketbase_admin using ((select private.is_admin()));
create policy "admins can add languages"
  on public.languages for insert to marketbase_admin with check ((select private.is_admin()));
create policy "admins can change languages"
  on public.languages for update to marketbase_admin
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins can remove languages"
  on public.languages for delete to marketbase_admin using ((select private.is_admin()));

-- A user's preferred language ------------------------------------------------------------------------
update public.profile_details d set locale = null
where d.locale is not null and not exists (select 1 from public.languages l where l.code = d.locale);

alter table public.profile_details
  alter column locale drop not null,
  alter column locale drop default,
  add constraint profile_details_locale_language foreign key (locale) references public.languages (code)
    on update cascade on delete set null;

create index profile_details_locale_idx on public.profile_details (locale);

comment on column public.profile_details.locale is
  'The user''s preferred language: an active public.languages code (en, pt-BR), or null for the default language. Notifications are worded in it.';

-- On sign-up an unknown or inactive language becomes null (the default): metadata is the
-- client's to write, and a sign-up must not fail for it. A user who picks one later is told.
create function private.tg_profile_details_check_language()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.locale is null or (tg_op = 'UPDATE' and new.locale is not distinct from old.locale)
     or exists (select 1 from public.languages l where l.code = new.locale and l.is_active) then
    return new;
  end if;
  if tg_op = 'INSERT' then
    new.locale := null;
    return new;
  end if;
  raise exception 'locale %: not one of the languages offered (public.languages)', new.locale using errcode = '22023';
end
$$;

revoke all on function private.tg_profile_details_check_language() from public;

comment on function private.tg_profile_details_check_language() is
  'Trigger: a new profile''s unknown or inactive language becomes null (the default); choosing one later is refused (22023).';

create trigger check_language
  before insert or update of locale on public.profile_details
  for each row execute function private.tg_profile_details_check_language();

-- Sign-up no longer writes en for a user who named no language: null follows the default.
create or replace function private.tg_users_create_profile()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  meta constant jsonb := coalesce(new.raw_user_meta_data, '{}');
  account_type constant text := coalesce(meta ->> 'account_type', 'client');
begin
  if account_type not in ('client', 'provider') then
    raise exception 'account_type must be client or provider, not %', account_type
      using errcode = '22023';
  end if;

  insert into public.profiles (id, display_name, avatar_url)
  values (
    new.id,
    coalesce(nullif(btrim(meta ->> 'display_name'), ''), nullif(btrim(meta ->> 'full_name'), ''), 'Member'),
    meta ->> 'avatar_url'
  );

  insert into public.profile_details (user_id, full_name, phone, locale)
  values (new.id, meta ->> 'full_name', private.e164(coalesce(nullif(new.phone, ''), meta ->> 'phone')),
          nullif(btrim(coalesce(meta ->> 'language', meta ->> 'locale')), ''));

  insert into public.user_roles (user_id, role) values (new.id, account_type::public.app_role);
  return new;
end
$$;

-- Templates are written in known languages -----------------------------------------------------------
alter table public.notification_templates
  add constraint notification_templates_locale_language foreign key (locale) references public.languages (code) on update cascade;

create index notification_templates_locale_idx on public.notification_templates (locale);

comment on column public.notification_templates.locale is
  'A language of public.languages (en, pt-BR; it may be inactive while its templates are written). A recipient''s language falls back to its base language (pt-BR → pt), then the default language, then en.';
