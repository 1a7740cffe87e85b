-- notifications / preferences: what each user wants, when, and where it can reach them.
--
-- * notification_settings: the user's timezone, quiet hours (non-critical messages wait until
--   they end; they may wrap midnight, 22:00-07:00) and the daily digest of non-critical email.
--   No row means UTC, no quiet hours, no digest.
-- * notification_preferences: channel x category switches. No row means the category's
--   default_channels decide; a critical category is always delivered in the inbox and by
--   email, so those cannot be switched off.
-- * push_tokens: the devices of a user, registered through register_push_token; a token that
--   signs in to another account moves with it.
-- * private.email_suppressions: addresses that bounced for good; email to them is skipped.
-- * The apps change choices and settings through set_notification_preference and
--   set_notification_settings (a supabase-js upsert would update the key columns, which users
--   may not), and read them with list_notification_preferences and the settings row.
--
-- The rules the fan-out needs are functions here, written once and usable in set-based SQL:
-- channel_wanted (who wants what, the one rule), wanted_channels (that rule over a set of users
-- at once, as the fan-out applies it), after_quiet_hours and next_digest_at.

create table public.notification_settings (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  timezone text not null default 'UTC',
  quiet_hours_start time,
  quiet_hours_end time,
  digest_enabled boolean not null default false,
  digest_hour smallint not null default 8 constraint notification_settings_digest_hour_range check (digest_hour between 0 and 23),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint notification_settings_quiet_hours_together check ((quiet_hours_start is null) = (quiet_hours_end is null)),
  constraint notification_settings_quiet_hours_not_empty check (quiet_hours_start <> quiet_hours_end)
);

comment on table public.notification_settings is
  'A user''s timezone, quiet hours and digest. Read: the user and admins. Insert and update: the user. No row: UTC, no quiet hours, no digest.';
comment on column public.notification_settings.timezone is 'IANA timezone (e.g. Europe/Lisbon) of quiet hours and the digest hour.';
comment on column public.notification_settings.quiet_hours_start is 'Local time from which non-critical messages wait; set with quiet_hours_end or not at all. 22:00-07:00 wraps midnight.';
comment on column public.notification_settings.digest_enabled is 'Non-critical email is gathered into one daily summary instead of sent at once.';
comment on column public.notification_settings.digest_hour is 'Local hour (0-23) the daily summary is sent.';

create trigger set_updated_at
  before update on public.notification_settings
  for each row execute function private.tg_set_updated_at();

create function private.tg_notification_settings_check_timezone()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not private.is_valid_timezone(new.timezone) then
    raise exception 'timezone: % is not an IANA time zone name (e.g. Europe/London)', new.timezone using errcode = '22023';
  end if;
  return new;
end
$$;

create trigger check_timezone
  before insert or update of timezone on public.notification_settings
  for each row execute function private.tg_notification_settings_check_timezone();

create table public.notification_preferences (
  user_id uuid not null references public.profiles (id) on delete cascade,
  category text not null references public.notification_categories (key) on update cascade on delete cascade,
  channel public.notification_channel not null,
  enabled boolean not null,
  updated_at timestamptz not null default now(),
  primary key (user_id, category, channel)
);

create index notification_preferences_category_idx on public.notification_preferences (category);

comment on table public.notification_preferences is
  'A user''s choice per category and channel; without a row the category''s default_channels decide. Read, insert, update, delete: the user (admins read).';

create trigger set_updated_at
  before update on public.notification_preferences
  for each row execute function private.tg_set_updated_at();

create function private.tg_notification_preferences_check_critical()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not new.enabled and new.channel in ('in_app', 'email')
     and exists (select 1 from public.notification_categories c where c.key = new.category and c.critical) then
    raise exception '% notifications cannot be muted', new.category
      using errcode = '22023', detail = format('%s is critical: it always reaches the inbox and email; sms and push can be turned off.', new.category);
  end if;
  return new;
end
$$;

create trigger check_critical
  before insert or update of category, channel, enabled on public.notification_preferences
  for each row execute function private.tg_notification_preferences_check_critical();

-- Who wants what ----------------------------------------------------------------------------------

-- The one rule, per row: a critical category in the inbox and email always; otherwise the
-- user's choice, or the category's default.
create function private.channel_wanted(
  critical boolean, default_channels public.notification_channel[], channel public.notification_channel, enabled boolean
)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select (critical and channel in ('in_app', 'email')) or coalesce(enabled, channel = any(default_channels))
$$;

grant execute on function private.channel_wanted(boolean, public.notification_channel[], public.notification_channel, boolean)
  to authenticated, service_role;

create function private.wants_notification(user_id uuid, category text, channel public.notification_channel)
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce((
    select private.channel_wanted(c.critical, c.default_channels, wants_notification.channel, p.enabled)
    from public.notification_categories c
    left join public.notification_preferences p
      on p.user_id = wants_notification.user_id and p.category = c.key and p.channel = wants_notification.channel
    where c.key = wants_notification.category
  ), false)
$$;

grant execute on function private.wants_notification(uuid, text, public.notification_channel) to authenticated, service_role;

comment on function private.wants_notification(uuid, text, public.notification_channel) is
  'Whether the user gets notifications of the category on the channel: false for an unknown category.';

-- The same rule for many users at once: (user, channel) for every channel each of them wants,
-- as service.expand_notifications fans an event out. channel_wanted is asked once per channel
-- and choice (no row, on, off: twelve calls), not once per user and channel (400,000 calls for
-- an announcement to 100,000 users, most of a second). PL/pgSQL with custom plans: the planner
-- then sees the array's real length, and hashes the preferences for 100,000 users rather than
-- probing them once per user and channel as a plan made for ten users would.
create function private.wanted_channels(category text, user_ids uuid[])
returns table (user_id uuid, channel public.notification_channel)
language plpgsql
stable
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
begin
  return query
  with choices as materialized (
    select ch.channel, e.enabled
    from public.notification_categories c
    cross join unnest(enum_range(null::public.notification_channel)) ch (channel)
    cross join (values (null::boolean), (true), (false)) e (enabled)
    where c.key = wanted_channels.category
      and private.channel_wanted(c.critical, c.default_channels, ch.channel, e.enabled)
  )
  select u.user_id, ch.channel
  from unnest(user_ids) u (user_id)
  cross join unnest(enum_range(null::public.notification_channel)) ch (channel)
  left join public.notification_preferences p
    on p.user_id = u.user_id and p.category = wanted_channels.category and p.channel = ch.channel
  join choices c on c.channel = ch.channel and c.enabled is not distinct from p.enabled;
end
$$;

grant execute on function private.wanted_channels(text, uuid[]) to authenticated, service_role;

comment on function private.wanted_channels(text, uuid[]) is
  'Set-based wants_notification: one row per (user, channel) wanted, for all the users given (channel_wanted''s rule); nothing for an unknown category.';

-- When a message held by quiet hours may go: due_at itself outside them, else their local end.
create function private.after_quiet_hours(due_at timestamptz, time_zone text, quiet_start time, quiet_end time)
returns timestamptz
language sql
stable
parallel safe
set search_path = ''
as $$
  select case
    when quiet_start is null or quiet_end is null then due_at
    when quiet_start < quiet_end and l.local_time >= quiet_start and l.local_time < quiet_end
      then (l.local_date + quiet_end) at time zone time_zone
    when quiet_start > quiet_end and l.local_time >= quiet_start
      then (l.local_date + 1 + quiet_end) at time zone time_zone
    when quiet_start > quiet_end and l.local_time < quiet_end
      then (l.local_date + quiet_end) at time zone time_zone
    else due_at
  end
  from (select (due_at at time zone time_zone)::time as local_time, (due_at at time zone time_zone)::date as local_date) l
$$;

grant execute on function private.after_quiet_hours(timestamptz, text, time, time) to authenticated, service_role;

comment on function private.after_quiet_hours(timestamptz, text, time, time) is
  'When a message due at due_at may be sent given quiet hours in time_zone: due_at outside them, their local end inside (22:00-07:00 wraps midnight).';

-- The next local digest_hour:00 at or after due_at.
create function private.next_digest_at(due_at timestamptz, time_zone text, digest_hour smallint)
returns timestamptz
language sql
stable
parallel safe
set search_path = ''
as $$
  select (l.local_date + make_time(digest_hour, 0, 0)
          + case when l.local_date + make_time(digest_hour, 0, 0) < l.local_ts then interval '1 day' else interval '0' end)
         at time zone time_zone
  from (select due_at at time zone time_zone as local_ts, (due_at at time zone time_zone)::date as local_date) l
$$;

grant execute on function private.next_digest_at(timestamptz, text, smallint) to authenticated, service_role;

comment on function private.next_digest_at(timestamptz, text, smallint) is
  'The next time it is digest_hour:00 in time_zone, at or after due_at: when a digested email goes out.';

-- The whole grid for a settings screen ------------------------------------------------------------

create function public.list_notification_preferences()
returns table (category text, channel public.notification_channel, enabled boolean, is_default boolean, locked boolean,
               critical boolean, description text)
language sql
stable
set search_path = ''
as $$
  select c.key, ch.channel,
         private.channel_wanted(c.critical, c.default_channels, ch.channel, p.enabled),
         p.enabled is null,
         c.critical and ch.channel in ('in_app', 'email'),
         c.critical, c.description
  from public.notification_categories c
  cross join unnest(enum_range(null::public.notification_channel)) as ch (channel)
  left join public.notification_preferences p
    on p.user_id = (select auth.uid()) and p.category = c.key and p.channel = ch.channel
  where (select auth.uid()) is not null
  order by c.key, ch.channel
$$;

revoke execute on function public.list_notification_preferences() from public, anon;
grant execute on function public.list_notification_preferences() to authenticated;

comment on function public.list_notification_preferences() is
  'RPC for users: every category x channel with what the caller gets (enabled), whether it is the category default (is_default) and whether it cannot be changed (locked: critical in the inbox and email).';

-- Changing them: RPCs rather than table upserts. A supabase-js upsert is PostgREST's
-- insert ... on conflict do update set <every posted column, the key included>, and users may
-- update only the columns that are theirs to change (enabled; the settings, not user_id): the
-- key's update is refused (42501). These write the caller's own row, as the caller (RLS applies).

create function public.set_notification_preference(
  category text, channel public.notification_channel, enabled boolean
)
returns boolean
language plpgsql
set search_path = ''
as $$
declare
  caller constant uuid := auth.uid();
  known public.notification_categories;
begin
  if caller is null then
    raise exception 'sign in to choose your notifications' using errcode = '42501';
  end if;
  select * into known from public.notification_categories c where c.key = set_notification_preference.category;
  if known.key is null then
    raise exception 'category: % is not a notification category', coalesce(set_notification_preference.category, 'null')
      using errcode = '22023';
  end if;
  if set_notification_preference.channel is null then
    raise exception 'channel: choose in_app, email, sms or push' using errcode = '22023';
  end if;

  if set_notification_preference.enabled is null then
    delete from public.notification_preferences p
    where p.user_id = caller and p.category = known.key and p.channel = set_notification_preference.channel;
  else
    insert into public.notification_preferences as p (user_id, category, channel, enabled)
    values (caller, known.key, set_notification_preference.channel, set_notification_preference.enabled)
    on conflict on constraint notification_preferences_pkey do update set enabled = excluded.enabled;
  end if;
  return private.channel_wanted(known.critical, known.default_channels, set_notification_preference.channel,
                                set_notification_preference.enabled);
end
$$;

revoke execute on function public.set_notification_preference(text, public.notification_channel, boolean) from public, anon;
grant execute on function public.set_notification_preference(text, public.notification_channel, boolean) to authenticated;

comment on function public.set_notification_preference(text, public.notification_channel, boolean) is
  'RPC for users: turns a category on or off on a channel for the caller (enabled null: back to the category''s default). Returns whether the caller now gets it there. Errors: 42501 not signed in, 22023 unknown category, no channel, or muting the inbox or email of a critical category.';

create function public.set_notification_settings(
  timezone text default null,
  quiet_hours_start time default null,
  quiet_hours_end time default null,
  digest_enabled boolean default null,
  digest_hour smallint default null,
  clear_quiet_hours boolean default false
)
returns public.notification_settings
language plpgsql
set search_path = ''
as $$
declare
  caller constant uuid := auth.uid();
  existing public.notification_settings;
  saved public.notification_settings;
  new_start time;
  new_end time;
begin
  if caller is null then
    raise exception 'sign in to change your notification settings' using errcode = '42501';
  end if;
  if coalesce(clear_quiet_hours, false)
     and (set_notification_settings.quiet_hours_start is not null or set_notification_settings.quiet_hours_end is not null) then
    raise exception 'quiet hours: either clear them or set them, not both' using errcode = '22023';
  end if;
  select * into existing from public.notification_settings s where s.user_id = caller for update;
  new_start := case when coalesce(clear_quiet_hours, false) then null
                    else coalesce(set_notification_settings.quiet_hours_start, existing.quiet_hours_start) end;
  new_end := case when coalesce(clear_quiet_hours, false) then null
                  else coalesce(set_notification_settings.quiet_hours_end, existing.quiet_hours_end) end;
  if (new_start is null) <> (new_end is null) then
    raise exception 'quiet hours: set quiet_hours_start and quiet_hours_end together' using errcode = '22023';
  end if;
  if new_start = new_end then
    raise exception 'quiet hours: they cannot start when they end (%)', new_start using errcode = '22023';
  end if;
  if set_notification_settings.digest_hour not between 0 and 23 then
    raise exception 'digest_hour: % is not a local hour from 0 to 23', set_notification_settings.digest_hour using errcode = '22023';
  end if;

  insert into public.notification_settings as s (user_id, timezone, quiet_hours_start, quiet_hours_end, digest_enabled, digest_hour)
  values (
    caller,
    coalesce(set_notification_settings.timezone, existing.timezone, 'UTC'),
    new_start,
    new_end,
    coalesce(set_notification_settings.digest_enabled, existing.digest_enabled, false),
    coalesce(set_notification_settings.digest_hour, existing.digest_hour, 8)
  )
  on conflict (user_id) do update
    set timezone = excluded.timezone, quiet_hours_start = excluded.quiet_hours_start, quiet_hours_end = excluded.quiet_hours_end,
        digest_enabled = excluded.digest_enabled, digest_hour = excluded.digest_hour
  returning s.* into saved;
  return saved;
end
$$;

revoke execute on function public.set_notification_settings(text, time, time, boolean, smallint, boolean) from public, anon;
grant execute on function public.set_notification_settings(text, time, time, boolean, smallint, boolean) to authenticated;

comment on function public.set_notification_settings(text, time, time, boolean, smallint, boolean) is
  'RPC for users: changes the caller''s notification settings; an argument left out (or null) keeps its value, clear_quiet_hours => true removes the quiet hours. Returns the settings. Errors: 42501 not signed in, 22023 not an IANA timezone, only one end of the quiet hours, quiet hours that start when they end, a digest hour outside 0-23.';

-- Push tokens ---------------------------------------------------------------------------------------

create table public.push_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  token text not null constraint push_tokens_token_unique unique
    constraint push_tokens_token_length check (char_length(token) between 8 and 4096),
  platform text not null constraint push_tokens_platform_known check (platform in ('ios', 'android', 'web')),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);

create index push_tokens_user_id_idx on public.push_tokens (user_id, last_seen_at desc);

comment on table public.push_tokens is
  'The devices a user gets push on (FCM registration tokens). Read and delete: the user. Written by register_push_token; removed when FCM says a token is gone.';

insert into private.settings (key, value, description) values
  ('notifications.max_push_tokens', '10', 'Devices kept per user for push; registering one more forgets the least recently seen.');

-- Security definer: nobody writes push_tokens directly, and a token registered before by
-- another account (a shared or resold device) is a row its new owner cannot see.
create function public.register_push_token(token text, platform text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller constant uuid := auth.uid();
  clean_token constant text := btrim(register_push_token.token);
  token_id uuid;
begin
  if caller is null then
    raise exception 'sign in to register a device for push' using errcode = '42501';
  end if;
  if register_push_token.platform is null or register_push_token.platform not in ('ios', 'android', 'web') then
    raise exception 'platform: % is not ios, android or web', coalesce(register_push_token.platform, 'null') using errcode = '22023';
  end if;
  if clean_token is null or char_length(clean_token) not between 8 and 4096 then
    raise exception 'token: not a push registration token' using errcode = '22023';
  end if;

  -- The device now belongs to the caller: the previous account stops getting its pushes.
  delete from public.push_tokens t where t.token = clean_token and t.user_id <> caller;
  insert into public.push_tokens as t (user_id, token, platform)
  values (caller, clean_token, register_push_token.platform)
  on conflict on constraint push_tokens_token_unique do update
    set user_id = excluded.user_id, platform = excluded.platform, last_seen_at = now()
  returning t.id into token_id;

  -- Beyond the limit, the devices seen longest ago are forgotten; never the one just registered.
  delete from public.push_tokens t
  where t.user_id = caller and t.id <> token_id
    and t.id not in (
      select k.id from public.push_tokens k where k.user_id = caller and k.id <> token_id
      order by k.last_seen_at desc, k.created_at desc
      limit greatest(coalesce((private.setting('notifications.max_push_tokens'))::integer, 10) - 1, 0)
    );
  return token_id;
end
$$;

revoke execute on function public.register_push_token(text, text) from public, anon;
grant execute on function public.register_push_token(text, text) to authenticated;

comment on function public.register_push_token(text, text) is
  'RPC for users: registers (or refreshes) this device''s push token for the caller, taking it from any other account; returns its id. Call at every app start. Errors: 42501 not signed in, 22023 unknown platform or empty token.';

-- Email suppressions ----------------------------------------------------------------------------------

create table private.email_suppressions (
  address text primary key
    constraint email_suppressions_address_format check (address = lower(address) and address like '%_@_%'),
  reason text not null constraint email_suppressions_reason_length check (char_length(reason) between 1 and 500),
  created_at timestamptz not null default now()
);

comment on table private.email_suppressions is
  'Addresses that bounced permanently (or complained): email to them is skipped, not retried. Lowercase.';

create function private.tg_email_suppressions_normalize()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.address := lower(btrim(new.address));
  return new;
end
$$;

create trigger normalize_address
  before insert or update of address on private.email_suppressions
  for each row execute function private.tg_email_suppressions_normalize();

grant select, insert, update, delete on table private.email_suppressions to service_role;

-- Access --------------------------------------------------------------------------------------------

alter table public.notification_settings enable row level security;
alter table public.notification_preferences enable row level security;
alter table public.push_tokens enable row level security;

revoke all on table public.notification_settings, public.notification_preferences, public.push_tokens from anon, authenticated;
grant select on table public.notification_settings to authenticated;
grant insert (user_id, timezone, quiet_hours_start, quiet_hours_end, digest_enabled, digest_hour)
  on table public.notification_settings to authenticated;
grant update (timezone, quiet_hours_start, quiet_hours_end, digest_enabled, digest_hour)
  on table public.notification_settings to authenticated;
grant select, delete on table public.notification_preferences to authenticated;
grant insert (user_id, category, channel, enabled) on table public.notification_preferences to authenticated;
grant update (enabled) on table public.notification_preferences to authenticated;
grant select, delete on table public.push_tokens to authenticated;

create policy "users can read their own notification settings and admins all"
  on public.notification_settings for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "users can create their own notification settings"
  on public.notification_settings for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy "users can change their own notification settings"
  on public.notification_settings for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

create policy "users can read their own notification preferences and admins all"
  on public.notification_preferences for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "users can add their own notification preferences"
  on public.notification_preferences for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy "users can change their own notification preferences"
  on public.notification_preferences for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy "users can remove their own notification preferences"
  on public.notification_preferences for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "users can read their own push tokens"
  on public.push_tokens for select to authenticated using (user_id = (select auth.uid()));
create policy "users can remove their own push tokens"
  on public.push_tokens for delete to authenticated using (user_id = (select auth.uid()));
