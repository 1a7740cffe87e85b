-- lifecycle and insight / system settings (issue 19, seed 004's SystemSettings): the one
-- settings store, private.settings, grows what the seed's model carries (a type, bounds,
-- allowed values or a pattern, a public flag, a category) and every write to it is validated
-- in SQL, whoever writes: a migration, an operator's SQL, an admin through the API.
--
-- Why private.settings is extended in place rather than moved to a public table: about fifty
-- rules read it in hot paths (booking holds, the login hook, notification expansion) through
-- private.setting(), a security definer primary-key lookup; that stays exactly as it is, and so
-- does every existing writer (migrations' `insert (key, value, description)`, operators' and
-- tests' `update private.settings`). The secrets kept there (dispatch and render secrets, the
-- centre secret) stay in a schema no API exposes. The API sees the store through a security
-- invoker view, public.system_settings, whose rows RLS on private.settings picks: the public
-- ones for everyone (anon too), every one but the secrets for admins. Admins change values
-- through public.update_setting(); nobody changes a setting's rules (type, bounds) but a
-- migration, or admins could loosen the bounds the rules rely on.
--
-- A setting inserted the old way (key, value, description: later migrations, other modules)
-- gets its type inferred from its value and its category from its key's prefix, and is then
-- validated like any other.

alter table private.settings
  add column category text,
  add column value_type text,
  add column is_nullable boolean,
  add column min_value numeric,
  add column max_value numeric,
  add column allowed_values jsonb,
  add column validation_regex text,
  add column is_public boolean not null default false,
  add column is_secret boolean not null default false,
  add column updated_by uuid references auth.users (id) on delete set null,
  add column created_at timestamptz not null default now();

comment on table private.settings is
  'Tunables the SQL rules read (private.setting()) and frontends read when public (public.system_settings). Every write is validated against the row''s own rules (tg_settings_validate).';
comment on column private.settings.value_type is
  'integer, number, boolean, string, url (http or https), email or json: what value must be.';
comment on column private.settings.min_value is 'Least value (integer, number) or length (string, url, email); null: none.';
comment on column private.settings.max_value is 'Greatest value (integer, number) or length (string, url, email); null: none.';
comment on column private.settings.allowed_values is 'A JSON array of the values allowed; null: any that passes the other rules.';
comment on column private.settings.validation_regex is 'A pattern a string value must match (POSIX regular expression); null: none.';
comment on column private.settings.is_nullable is 'Whether JSON null is a valid value (e.g. a URL that is not configured yet).';
comment on column private.settings.is_public is 'Readable by everyone, anon included, through public.system_settings.';
comment on column private.settings.is_secret is 'Never readable nor writable through the API, admins included: operators set it with SQL.';

-- Validation ---------------------------------------------------------------------------------------

-- What is wrong with a setting's value under its own rules, as the end of a sentence that
-- starts with its key; null: nothing.
create function private.setting_problem(s private.settings)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  kind constant text := jsonb_typeof(s.value);
  measured numeric;
  bounds text;
begin
  if kind = 'null' then
    return case when s.is_nullable then null else 'is required (null is not allowed)' end;
  end if;
  case s.value_type
    when 'integer' then
      if kind <> 'number' or s.value::numeric <> trunc(s.value::numeric) then
        return 'must be a whole number';
      end if;
      measured := s.value::numeric;
      if measured not between -2147483648 and 2147483647 then
        return 'must be a whole number between -2147483648 and 2147483647';
      end if;
    when 'number' then
      if kind <> 'number' then
        return 'must be a number';
      end if;
      measured := s.value::numeric;
    when 'boolean' then
      if kind <> 'boolean' then
        return 'must be true or false';
      end if;
    when 'string', 'url', 'email' then
      if kind <> 'string' then
        return 'must be a text';
      end if;
      measured := char_length(s.value #>> '{}');
      if s.value_type = 'url' and (s.value #>> '{}') !~ '^https?://[^\s/?#]+[^\s]*$' then
        return 'must be an http or https URL';
      end if;
      if s.value_type = 'email' and (s.value #>> '{}') !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' then
        return 'must be an e-mail address';
      end if;
    else
      null; -- json: any JSON value
  end case;

  if measured is not null and (measured < s.min_value or measured > s.max_value) then
    bounds := case when s.min_value is not null and s.max_value is not null then format('between %s and %s', s.min_value, s.max_value)
                   when s.min_value is not null then format('at least %s', s.min_value)
                   else format('at most %s', s.max_value) end;
    return case when s.value_type in ('integer', 'number') then format('must be %s', bounds)
                else format('must be %s characters long', bounds) end;
  end if;
  if s.allowed_values is not null and not s.allowed_values @> jsonb_build_array(s.value) then
    return format('must be one of %s', (select string_agg(a, ', ') from jsonb_array_elements_text(s.allowed_values) a));
  end if;
  if s.validation_regex is not null and kind = 'string' and (s.value #>> '{}') !~ s.validation_regex then
    return format('must match %s', s.validation_regex);
  end if;
  return null;
end
$$;

revoke all on function private.setting_problem(private.settings) from public;
-- Admins' writes run the validation trigger as themselves.
grant execute on function private.setting_problem(private.settings) to authenticated, service_role;

comment on function private.setting_problem(private.settings) is
  'What is wrong with a setting''s value under its own rules (type, nullability, bounds, allowed values, pattern), or null.';

-- Fills what a setting inserted the old way lacks, then refuses a value its rules do not allow
-- (22023, "<key> must be ..."): on every insert and update, whoever writes.
create function private.tg_settings_validate()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  problem text;
begin
  new.value_type := coalesce(new.value_type,
    case jsonb_typeof(new.value)
      when 'number' then case when new.value::numeric = trunc(new.value::numeric) then 'integer' else 'number' end
      when 'boolean' then 'boolean'
      when 'string' then 'string'
      when 'null' then 'string'
      else 'json'
    end);
  new.is_nullable := coalesce(new.is_nullable, new.value = 'null'::jsonb);
  new.category := coalesce(new.category, split_part(new.key, '.', 1));
  if new.min_value > new.max_value then
    raise exception '% min_value % is above max_value %', new.key, new.min_value, new.max_value using errcode = '22023';
  end if;
  if new.validation_regex is not null then
    begin
      perform '' ~ new.validation_regex;
    exception when invalid_regular_expression then
      raise exception '% validation_regex is not a valid regular expression: %', new.key, sqlerrm using errcode = '22023';
    end;
  end if;
  problem := private.setting_problem(new);
  if problem is not null then
    raise exception '% %', new.key, problem using errcode = '22023';
  end if;
  if tg_op = 'UPDATE' then
    new.updated_by := auth.uid();
  end if;
  return new;
end
$$;

revoke all on function private.tg_settings_validate() from public;

comment on function private.tg_settings_validate() is
  'Trigger: infers type, nullability and category of a setting inserted without them, then refuses (22023) a value its rules do not allow; stamps updated_by.';

create trigger validate_setting
  before insert or update on private.settings
  for each row execute function private.tg_settings_validate();

-- Every existing setting gets a type, a category and bounds --------------------------------------
-- (the update runs through the trigger above: the current values pass their own rules). Bounds
-- are what still makes sense, not today's values: tests and operators move them within.
update private.settings s
set value_type = v.value_type, category = v.category, min_value = v.min_value, max_value = v.max_value,
    is_nullable = v.is_nullable, is_public = v.is_public, is_secret = v.is_secret, validation_regex = v.validation_regex
from (values
  ('addresses.geocode_max_attempts',           'integer', 'addresses',     1,    20,      false, false, false, null),
  ('addresses.max_moves_per_day',              'integer', 'addresses',     1,    1000,    false, false, false, null),
  ('auth.failed_logins_forgotten_after_hours', 'integer', 'security',      1,    720,     false, false, false, null),
  ('auth.login_delay_seconds',                 'integer', 'security',      1,    3600,    false, false, false, null),
  ('auth.max_failed_logins',                   'integer', 'security',      1,    100,     false, false, false, null),
  ('auth.max_login_delay_seconds',             'integer', 'security',      1,    86400,   false, false, false, null),
  ('bookings.hold_minutes',                    'integer', 'bookings',      1,    1440,    false, true,  false, null),
  ('bookings.max_live_holds_per_client',       'integer', 'bookings',      1,    1000,    false, false, false, null),
  ('bookings.start_early_minutes',             'integer', 'bookings',      0,    525600,  false, false, false, null),
  ('catalog.require_verified_providers',       'boolean', 'catalog',       null, null,    false, false, false, null),
  ('contact.max_per_email_per_hour',           'integer', 'contact',       1,    1000,    false, false, false, null),
  ('contact.max_per_ip_per_hour',              'integer', 'contact',       1,    10000,   false, false, false, null),
  ('jobs.max_open_per_client',                 'integer', 'jobs',          1,    1000,    false, true,  false, null),
  ('jobs.payment_hold_minutes',                'integer', 'jobs',          5,    10080,   false, false, false, null),
  ('jobs.publish_days',                        'integer', 'jobs',          1,    365,     false, true,  false, null),
  ('lab.render_max_attempts',                  'integer', 'lab',           1,    50,      false, false, false, null),
  ('lab.render_secret',                        'string',  'lab',           1,    512,     true,  false, true,  null),
  ('lab.render_url',                           'url',     'lab',           null, 2000,    true,  false, false, null),
  ('matching.cache_minutes',                   'integer', 'matching',      1,    43200,   false, false, false, null),
  ('matching.cached_matches',                  'integer', 'matching',      1,    100,     false, false, false, null),
  ('matching.sessions_for_full_marks',         'integer', 'matching',      1,    100000,  false, false, false, null),
  ('messaging.max_message_length',             'integer', 'messaging',     1,    100000,  false, true,  false, null),
  ('messaging.max_messages_per_minute',        'integer', 'messaging',     1,    1000,    false, false, false, null),
  ('messaging.reading_seconds',                'integer', 'messaging',     1,    3600,    false, false, false, null),
  ('notifications.app_url',                    'url',     'notifications', null, 2000,    false, false, false, null),
  ('notifications.digest_max_priority',        'integer', 'notifications', 0,    9,       false, false, false, null),
  ('notifications.dispatch_secret',            'string',  'notifications', 1,    512,     true,  false, true,  null),
  ('notifications.dispatch_url',               'url',     'notifications', null, 2000,    true,  false, false, null),
  ('notifications.max_per_actor_per_hour',     'integer', 'notifications', 1,    1000,    false, false, false, null),
  ('notifications.max_push_tokens',            'integer', 'notifications', 1,    100,     false, false, false, null),
  ('notifications.max_sms_per_day',            'integer', 'notifications', 1,    1000,    false, false, false, null),
  ('payments.checkout_min_minutes',            'integer', 'payments',      30,   1440,    false, false, false, null),
  ('payments.declaration_cooldown_days',       'integer', 'payments',      0,    365,     false, false, false, null),
  ('payments.manual_review_hours',             'integer', 'payments',      1,    720,     false, false, false, null),
  ('payments.max_declared_holds_per_calendar', 'integer', 'payments',      0,    1000,    false, false, false, null),
  ('payments.max_declared_holds_per_client',   'integer', 'payments',      0,    100,     false, false, false, null),
  ('payments.stripe_event_payload_days',       'integer', 'payments',      1,    400,     false, false, false, null),
  ('payments.stripe_event_retention_days',     'integer', 'payments',      3,    3650,    false, false, false, null),
  ('pricing.centre_offset_km',                 'number',  'pricing',       0,    10,      false, false, false, null),
  ('pricing.centre_secret',                    'string',  'pricing',       null, null,    false, false, true,  '^[0-9a-f]{64}$'),
  ('pricing.default_commission_rate',          'number',  'pricing',       0,    1,       false, false, false, null),
  ('pricing.max_coupon_failures_per_hour',     'integer', 'pricing',       1,    1000,    false, false, false, null),
  ('purchases.max_cart_items',                 'integer', 'purchases',     1,    100,     false, true,  false, null),
  ('purchases.max_downloads_per_day',          'integer', 'purchases',     1,    1000,    false, false, false, null)
) as v (key, value_type, category, min_value, max_value, is_nullable, is_public, is_secret, validation_regex)
where s.key = v.key;

-- What a frontend needs before anyone signs in (the minimum app build per platform is not
-- here: it belongs to the app versions, 20260130000100).
insert into private.settings (key, value, description, value_type, category, min_value, max_value, validation_regex, is_public) values
  ('general.site_name', '"marketbase"', 'The marketplace''s name, as the frontends show it.', 'string', 'general', 1, 80, null, true),
  ('general.support_email', '"support@example.com"', 'Where users write for help (shown in the apps and in e-mails).',
   'email', 'general', null, 254, null, true),
  ('general.default_currency', '"EUR"', 'ISO 4217 currency the frontends show prices in when nothing else says.',
   'string', 'general', null, null, '^[A-Z]{3}$', true),
  ('general.maintenance_mode', 'false', 'While true, the frontends show a maintenance page instead of taking orders.',
   'boolean', 'general', null, null, null, true);

alter table private.settings
  alter column category set not null,
  alter column value_type set not null,
  alter column is_nullable set not null,
  add constraint settings_key_format check (key ~ '^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$'),
  add constraint settings_category_format check (category ~ '^[a-z][a-z_]{0,39}$'),
  add constraint settings_value_type_known
    check (value_type in ('integer', 'number', 'boolean', 'string', 'url', 'email', 'json')),
  add constraint settings_bounds_apply
    check ((min_value is null and max_value is null) or value_type in ('integer', 'number', 'string', 'url', 'email')),
  add constraint settings_bounds_order check (min_value <= max_value),
  add constraint settings_allowed_values_array check (jsonb_typeof(allowed_values) = 'array'),
  add constraint settings_public_not_secret check (not (is_public and is_secret)),
  add constraint settings_description_length check (char_length(description) between 1 and 500);

create index settings_public_idx on private.settings (category, key) where is_public;
create index settings_updated_by_idx on private.settings (updated_by);

-- The API's view -------------------------------------------------------------------------------------
alter table private.settings enable row level security;

grant usage on schema private to marketbase_admin;
grant select on table private.settings to anon, authenticated, marketbase_admin;
grant update (value) on table private.settings to marketbase_admin;

create policy "anyone can read the public settings"
  on private.settings for select to anon, authenticated using (is_public);
create policy "admins can read every setting but the secrets"
  on private.settings for select to marketbase_admin using ((select private.is_admin()) and not is_secret);
create policy "admins can change every setting but the secrets"
  on private.settings for update to marketbase_admin
  using ((select private.is_admin()) and not is_secret) with check ((select private.is_admin()) and not is_secret);

-- Secrets are left out here too: service_role bypasses RLS.
create view public.system_settings
with (security_invoker = on)
as
  select s.key, s.category, s.value, s.description, s.value_type, s.is_nullable, s.min_value, s.max_value,
         s.allowed_values, s.validation_regex, s.is_public, s.updated_at, s.updated_by
  from private.settings s
  where not s.is_secret;

revoke all on table public.system_settings from anon, authenticated, service_role;
grant select on table public.system_settings to anon, authenticated, marketbase_admin, service_role;

comment on view public.system_settings is
  'Application-wide settings with the rules their values follow. Read: everyone the public ones (e.g. general.support_email), admins all but the secrets. Write: admins, through update_setting().';
comment on column public.system_settings.min_value is 'Least value (integer, number) or length (string, url, email); null: none.';
comment on column public.system_settings.max_value is 'Greatest value (integer, number) or length (string, url, email); null: none.';

-- Admins change a value ------------------------------------------------------------------------------
create function public.update_setting(setting_key text, new_value jsonb)
returns public.system_settings
language plpgsql
set search_path = ''
as $$
declare
  changed public.system_settings;
begin
  if not (select private.is_admin()) then
    raise exception 'only admins change settings' using errcode = '42501';
  end if;
  -- SQL null is JSON null here, so that the rules answer for it ("is required").
  update private.settings s set value = coalesce(new_value, 'null'::jsonb)
  where s.key = setting_key and not s.is_secret;
  if not found then
    raise exception 'no setting named %', setting_key using errcode = 'PT404';
  end if;
  select * into changed from public.system_settings v where v.key = setting_key;
  return changed;
end
$$;

revoke all on function public.update_setting(text, jsonb) from public, anon;
grant execute on function public.update_setting(text, jsonb) to authenticated;

comment on function public.update_setting(text, jsonb) is
  'Admins: sets a setting''s value (JSON: 15, true, "text", null) and answers the setting. 22023 when its rules refuse the value (the message says why, e.g. "bookings.hold_minutes must be between 1 and 1440"), 404 for an unknown or secret key, 403 for non-admins.';
