-- notifications / preferences: settings (timezone, quiet hours, digest), channel x category
-- switches with critical categories that cannot be muted, push tokens, email suppressions,
-- and the rules the fan-out applies (wants_notification, quiet hours, digest hour).
begin;
set local time zone 'UTC';
select plan(139);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('mover');
select tests.grant_role('admin', 'admin');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.notification_settings$$, '42501', 'permission denied for table notification_settings',
  '[notification_settings/anon/select] visitors cannot read notification settings');
select throws_ok($$insert into public.notification_settings (user_id) values (tests.get_supabase_uid('owner'))$$,
  '42501', 'permission denied for table notification_settings',
  '[notification_settings/anon/insert] visitors cannot write notification settings');
select throws_ok($$update public.notification_settings set digest_enabled = true$$,
  '42501', 'permission denied for table notification_settings',
  '[notification_settings/anon/update] visitors cannot change notification settings');
select throws_ok($$delete from public.notification_settings$$, '42501', 'permission denied for table notification_settings',
  '[notification_settings/anon/delete] visitors cannot delete notification settings');
select throws_ok($$select * from public.notification_preferences$$, '42501', 'permission denied for table notification_preferences',
  '[notification_preferences/anon/select] visitors cannot read preferences');
select throws_ok(
  $$insert into public.notification_preferences (user_id, category, channel, enabled)
    values (tests.get_supabase_uid('owner'), 'bookings', 'email', false)$$,
  '42501', 'permission denied for table notification_preferences',
  '[notification_preferences/anon/insert] visitors cannot mute anyone');
select throws_ok($$update public.notification_preferences set enabled = false$$,
  '42501', 'permission denied for table notification_preferences',
  '[notification_preferences/anon/update] visitors cannot change preferences');
select throws_ok($$delete from public.notification_preferences$$, '42501', 'permission denied for table notification_preferences',
  '[notification_preferences/anon/delete] visitors cannot delete preferences');
select throws_ok($$select * from public.push_tokens$$, '42501', 'permission denied for table push_tokens',
  '[push_tokens/anon/select] visitors cannot read push tokens');
select throws_ok(
  $$insert into public.push_tokens (user_id, token, platform) values (tests.get_supabase_uid('owner'), 'anon-device-token', 'web')$$,
  '42501', 'permission denied for table push_tokens', '[push_tokens/anon/insert] visitors cannot add push tokens');
select throws_ok($$update public.push_tokens set last_seen_at = now()$$, '42501', 'permission denied for table push_tokens',
  '[push_tokens/anon/update] visitors cannot change push tokens');
select throws_ok($$delete from public.push_tokens$$, '42501', 'permission denied for table push_tokens',
  '[push_tokens/anon/delete] visitors cannot delete push tokens');
select throws_ok($$select public.register_push_token('anon-device-token', 'web')$$,
  '42501', 'permission denied for function register_push_token', 'visitors cannot register a device');
select throws_ok($$select * from public.list_notification_preferences()$$,
  '42501', 'permission denied for function list_notification_preferences', 'visitors have no preferences to list');

-- owner: settings --------------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select lives_ok(
  $$insert into public.notification_settings (user_id, timezone, quiet_hours_start, quiet_hours_end, digest_enabled, digest_hour)
    values (auth.uid(), 'Europe/Lisbon', '22:00', '07:00', true, 7)$$,
  '[notification_settings/owner/insert] a user saves their timezone, quiet hours over midnight and a digest at 7');
select results_eq(
  $$select timezone, quiet_hours_start, quiet_hours_end, digest_enabled, digest_hour from public.notification_settings$$,
  $$values ('Europe/Lisbon', '22:00'::time, '07:00'::time, true, 7::smallint)$$,
  '[notification_settings/owner/select] a user reads their own settings');
select results_eq(
  $$update public.notification_settings set digest_hour = 8, timezone = 'America/Sao_Paulo' returning digest_hour, timezone$$,
  $$values (8::smallint, 'America/Sao_Paulo')$$,
  '[notification_settings/owner/update] a user changes their digest hour and timezone');
select throws_ok($$delete from public.notification_settings$$, '42501', 'permission denied for table notification_settings',
  '[notification_settings/owner/delete] settings are changed, not deleted (they go with the account)');
select throws_ok($$update public.notification_settings set timezone = 'Mars/Olympus_Mons'$$,
  '22023', 'timezone: Mars/Olympus_Mons is not an IANA time zone name (e.g. Europe/London)',
  'a timezone must be an IANA name');
select throws_ok($$update public.notification_settings set timezone = 'lisbon'$$,
  '22023', 'timezone: lisbon is not an IANA time zone name (e.g. Europe/London)',
  'a city name alone is not a timezone');
select throws_ok($$update public.notification_settings set quiet_hours_end = null$$,
  '23514', 'new row for relation "notification_settings" violates check constraint "notification_settings_quiet_hours_together"',
  'quiet hours have both a start and an end');
select throws_ok($$update public.notification_settings set quiet_hours_start = '07:00'$$,
  '23514', 'new row for relation "notification_settings" violates check constraint "notification_settings_quiet_hours_not_empty"',
  'quiet hours cannot start when they end');
select results_eq(
  $$update public.notification_settings set quiet_hours_start = null, quiet_hours_end = null returning quiet_hours_start$$,
  $$values (null::time)$$,
  'quiet hours are turned off by clearing both');
select throws_ok($$update public.notification_settings set digest_hour = 24$$,
  '23514', 'new row for relation "notification_settings" violates check constraint "notification_settings_digest_hour_range"',
  'the digest hour is a local hour, 0 to 23');
select throws_ok($$update public.notification_settings set user_id = tests.get_supabase_uid('stranger')$$,
  '42501', 'permission denied for table notification_settings', 'a user cannot hand their settings to someone else');

-- owner: preferences -----------------------------------------------------------------------------------
select lives_ok(
  $$insert into public.notification_preferences (user_id, category, channel, enabled) values
      (auth.uid(), 'bookings', 'email', false), (auth.uid(), 'bookings', 'sms', true), (auth.uid(), 'messages', 'push', false),
      (auth.uid(), 'payments', 'sms', false), (auth.uid(), 'payments', 'push', false), (auth.uid(), 'payments', 'email', true)$$,
  '[notification_preferences/owner/insert] a user mutes bookings by email, asks for SMS and mutes SMS and push of payments');
select results_eq(
  $$select category, channel::text, enabled from public.notification_preferences order by category, channel::text$$,
  $$values ('bookings', 'email', false), ('bookings', 'sms', true), ('messages', 'push', false),
           ('payments', 'email', true), ('payments', 'push', false), ('payments', 'sms', false)$$,
  '[notification_preferences/owner/select] a user reads their own preferences');
select results_eq(
  $$update public.notification_preferences set enabled = true where category = 'messages' and channel = 'push' returning enabled$$,
  $$values (true)$$,
  '[notification_preferences/owner/update] a user turns a channel back on');
select results_eq(
  $$delete from public.notification_preferences where category = 'messages' returning category$$,
  $$values ('messages')$$,
  '[notification_preferences/owner/delete] a user goes back to the category''s default by deleting their choice');
select throws_ok(
  $$insert into public.notification_preferences (user_id, category, channel, enabled) values (auth.uid(), 'security', 'in_app', false)$$,
  '22023', 'security notifications cannot be muted', 'security notifications cannot be muted in the inbox');
select throws_ok(
  $$update public.notification_preferences set enabled = false where category = 'payments' and channel = 'email'$$,
  '22023', 'payments notifications cannot be muted', 'payments cannot be muted by email, not even by changing an existing choice');
select throws_ok(
  $$insert into public.notification_preferences (user_id, category, channel, enabled) values (auth.uid(), 'payments', 'in_app', false)$$,
  '22023', 'payments notifications cannot be muted', 'payments cannot be muted in the inbox');
select throws_ok(
  $$insert into public.notification_preferences (user_id, category, channel, enabled) values (auth.uid(), 'gossip', 'email', true)$$,
  '23503', 'insert or update on table "notification_preferences" violates foreign key constraint "notification_preferences_category_fkey"',
  'a preference names a known category');
select throws_ok(
  $$update public.notification_preferences set user_id = tests.get_supabase_uid('stranger')$$,
  '42501', 'permission denied for table notification_preferences', 'a user cannot move their preferences to someone else');

-- owner: push tokens -------------------------------------------------------------------------------------
select set_config('t.phone', public.register_push_token('owner-phone-token-0001', 'android')::text, true);
select results_eq($$select id::text, token, platform from public.push_tokens$$,
  $$values (current_setting('t.phone'), 'owner-phone-token-0001', 'android')$$,
  '[push_tokens/owner/select] a user reads the device they registered');
select is(public.register_push_token('  owner-phone-token-0001 ', 'android')::text, current_setting('t.phone'),
  'registering the same device again keeps its token (trimmed) and id');
select throws_ok(
  $$insert into public.push_tokens (user_id, token, platform) values (auth.uid(), 'owner-tablet-token-0002', 'ios')$$,
  '42501', 'permission denied for table push_tokens', '[push_tokens/owner/insert] devices are added by register_push_token only');
select throws_ok($$update public.push_tokens set token = 'owner-phone-token-9999'$$, '42501', 'permission denied for table push_tokens',
  '[push_tokens/owner/update] a token is not edited in place');
select throws_ok($$select public.register_push_token('owner-phone-token-0001', 'blackberry')$$,
  '22023', 'platform: blackberry is not ios, android or web', 'a device is ios, android or web');
select throws_ok($$select public.register_push_token('   ', 'ios')$$,
  '22023', 'token: not a push registration token', 'an empty token is refused');
select set_config('t.tablet', public.register_push_token('owner-tablet-token-0002', 'ios')::text, true);
select results_eq($$delete from public.push_tokens where token = 'owner-tablet-token-0002' returning id::text$$,
  $$values (current_setting('t.tablet'))$$,
  '[push_tokens/owner/delete] a user forgets one of their devices (signing out of it)');

-- stranger ------------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select lives_ok($$insert into public.notification_settings (user_id) values (auth.uid())$$,
  'a user saves settings without choosing anything');
select results_eq(
  $$select timezone, quiet_hours_start, quiet_hours_end, digest_enabled, digest_hour from public.notification_settings$$,
  $$values ('UTC', null::time, null::time, false, 8::smallint)$$,
  '[notification_settings/stranger/select] a user reads only their own settings: UTC, no quiet hours, no digest by default');
select throws_ok($$insert into public.notification_settings (user_id) values (tests.get_supabase_uid('mover'))$$,
  '42501', 'new row violates row-level security policy for table "notification_settings"',
  '[notification_settings/stranger/insert] a user cannot write settings for someone else');
select is_empty(
  $$update public.notification_settings set digest_enabled = false where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[notification_settings/stranger/update] a user cannot change another user''s settings');
select throws_ok($$delete from public.notification_settings where user_id = tests.get_supabase_uid('owner')$$,
  '42501', 'permission denied for table notification_settings',
  '[notification_settings/stranger/delete] a user cannot delete another user''s settings');
select is_empty($$select * from public.notification_preferences$$,
  '[notification_preferences/stranger/select] a user cannot read another user''s preferences');
select throws_ok(
  $$insert into public.notification_preferences (user_id, category, channel, enabled)
    values (tests.get_supabase_uid('owner'), 'reminders', 'email', false)$$,
  '42501', 'new row violates row-level security policy for table "notification_preferences"',
  '[notification_preferences/stranger/insert] a user cannot mute someone else');
select is_empty($$update public.notification_preferences set enabled = false returning 1$$,
  '[notification_preferences/stranger/update] a user cannot change another user''s preferences');
select is_empty($$delete from public.notification_preferences returning 1$$,
  '[notification_preferences/stranger/delete] a user cannot delete another user''s preferences');
select is_empty($$select * from public.push_tokens$$, '[push_tokens/stranger/select] a user cannot read another user''s devices');
select throws_ok(
  $$insert into public.push_tokens (user_id, token, platform) values (tests.get_supabase_uid('owner'), 'planted-token-0001', 'web')$$,
  '42501', 'permission denied for table push_tokens', '[push_tokens/stranger/insert] a user cannot plant a device on someone else');
select throws_ok($$update public.push_tokens set user_id = auth.uid()$$, '42501', 'permission denied for table push_tokens',
  '[push_tokens/stranger/update] a user cannot take another user''s device row');
select is_empty($$delete from public.push_tokens returning 1$$,
  '[push_tokens/stranger/delete] a user cannot sign someone else''s device out');

-- admin -----------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select results_eq($$select timezone from public.notification_settings where user_id = tests.get_supabase_uid('owner')$$,
  $$values ('America/Sao_Paulo')$$,
  '[notification_settings/admin/select] admins read users'' settings (support)');
select throws_ok($$insert into public.notification_settings (user_id) values (tests.get_supabase_uid('mover'))$$,
  '42501', 'new row violates row-level security policy for table "notification_settings"',
  '[notification_settings/admin/insert] admins do not write users'' settings');
select is_empty(
  $$update public.notification_settings set digest_enabled = false where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[notification_settings/admin/update] admins do not change users'' settings');
select throws_ok($$delete from public.notification_settings$$, '42501', 'permission denied for table notification_settings',
  '[notification_settings/admin/delete] admins cannot delete settings');
select is((select count(*) from public.notification_preferences where user_id = tests.get_supabase_uid('owner')), 5::bigint,
  '[notification_preferences/admin/select] admins read users'' preferences (support)');
select throws_ok(
  $$insert into public.notification_preferences (user_id, category, channel, enabled)
    values (tests.get_supabase_uid('owner'), 'announcements', 'email', true)$$,
  '42501', 'new row violates row-level security policy for table "notification_preferences"',
  '[notification_preferences/admin/insert] admins cannot subscribe users to anything');
select is_empty($$update public.notification_preferences set enabled = true where category = 'bookings' returning 1$$,
  '[notification_preferences/admin/update] admins cannot change users'' choices');
select is_empty($$delete from public.notification_preferences returning 1$$,
  '[notification_preferences/admin/delete] admins cannot reset users'' choices');
select is_empty($$select * from public.push_tokens$$,
  '[push_tokens/admin/select] admins do not read device tokens: they are credentials of the user''s devices');
select throws_ok(
  $$insert into public.push_tokens (user_id, token, platform) values (tests.get_supabase_uid('owner'), 'admin-token-0001', 'web')$$,
  '42501', 'permission denied for table push_tokens', '[push_tokens/admin/insert] admins cannot add devices');
select throws_ok($$update public.push_tokens set platform = 'web'$$, '42501', 'permission denied for table push_tokens',
  '[push_tokens/admin/update] admins cannot change devices');
select is_empty($$delete from public.push_tokens returning 1$$, '[push_tokens/admin/delete] admins cannot sign users'' devices out');

-- A device changes hands -------------------------------------------------------------------------------------
-- (20260115000300: no longer taken from the account that has it; that account signs out on it first.)
select tests.authenticate_as('mover');
select throws_ok($$select public.register_push_token('owner-phone-token-0001', 'android')$$,
  'PT409', 'token: this device is registered to another account, which must sign out on it first',
  'a device still registered to another account is refused, without saying whose');
select tests.authenticate_as('owner');
select is(public.unregister_push_token('owner-phone-token-0001'), true, 'its account signs out on it');
select tests.authenticate_as('mover');
select isnt(public.register_push_token('owner-phone-token-0001', 'android')::text, current_setting('t.phone'),
  'a device signing in to another account is registered anew for it');
select results_eq($$select token from public.push_tokens$$, $$values ('owner-phone-token-0001')$$,
  'the new account gets the device''s pushes');
select tests.authenticate_as('owner');
select is_empty($$select * from public.push_tokens$$, 'the previous account no longer gets pushes on that device');

-- At most ten devices per user: the one seen longest ago is forgotten.
select tests.authenticate_as('mover');
select public.register_push_token('mover-device-' || n, 'web') from generate_series(1, 9) n;
select tests.clear_authentication();
update public.push_tokens set last_seen_at = now() - make_interval(days => 20 - (regexp_replace(token, '\D', '', 'g'))::integer)
where token like 'mover-device-%';
update public.push_tokens set last_seen_at = now() - interval '30 days' where token = 'owner-phone-token-0001';
select tests.authenticate_as('mover');
select public.register_push_token('mover-device-10', 'ios');
select is((select count(*) from public.push_tokens), 10::bigint, 'a user keeps at most ten devices');
select is_empty($$select * from public.push_tokens where token = 'owner-phone-token-0001'$$,
  'the device seen longest ago makes room for a new one');

-- What each user gets ------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(private.wants_notification(tests.get_supabase_uid('stranger'), 'bookings', 'email'), true,
  'without a choice, a category''s default channels are used (bookings by email)');
select is(private.wants_notification(tests.get_supabase_uid('stranger'), 'bookings', 'sms'), false,
  'without a choice, SMS is off (it is in no category''s defaults)');
select is(private.wants_notification(tests.get_supabase_uid('stranger'), 'announcements', 'email'), false,
  'announcements stay in the inbox by default');
select is(private.wants_notification(tests.get_supabase_uid('stranger'), 'announcements', 'in_app'), true,
  'announcements reach the inbox by default');
select is(private.wants_notification(tests.get_supabase_uid('owner'), 'bookings', 'email'), false,
  'a user who muted bookings by email gets none');
select is(private.wants_notification(tests.get_supabase_uid('owner'), 'bookings', 'sms'), true,
  'a user who asked for bookings by SMS gets them');
select is(private.wants_notification(tests.get_supabase_uid('owner'), 'bookings', 'push'), true,
  'a choice on one channel leaves the others at the default');
select is(private.wants_notification(tests.get_supabase_uid('owner'), 'payments', 'push'), false,
  'push of a critical category can be muted');
select is(private.wants_notification(tests.get_supabase_uid('owner'), 'payments', 'email'), true,
  'a critical category always reaches email');
select is(private.wants_notification(tests.get_supabase_uid('stranger'), 'security', 'in_app'), true,
  'a critical category always reaches the inbox');
select is(private.wants_notification(tests.get_supabase_uid('stranger'), 'security', 'push'), false,
  'security is not pushed by default');
select is(private.wants_notification(tests.get_supabase_uid('owner'), 'gossip', 'in_app'), false,
  'nobody wants an unknown category');
select tests.clear_authentication();
update public.notification_categories set default_channels = '{}' where key = 'payments';
select is(private.wants_notification(tests.get_supabase_uid('stranger'), 'payments', 'email'), true,
  'a critical category reaches the inbox and email even when an admin empties its defaults');
select tests.authenticate_as_service_role();
select set_eq(
  $$select w.user_id, w.channel::text, c.key from public.notification_categories c
    cross join lateral private.wanted_channels(c.key, array[tests.get_supabase_uid('owner'), tests.get_supabase_uid('stranger')]) w$$,
  $$select u.id, ch.channel::text, c.key from public.notification_categories c
    cross join unnest(enum_range(null::public.notification_channel)) ch (channel)
    cross join (values (tests.get_supabase_uid('owner')), (tests.get_supabase_uid('stranger'))) u (id)
    where private.wants_notification(u.id, c.key, ch.channel)$$,
  'the set-based wanted_channels agrees with wants_notification for every user, category and channel');
select is_empty($$select * from private.wanted_channels('gossip', array[tests.get_supabase_uid('owner')])$$,
  'wanted_channels of an unknown category is empty');
select is_empty($$select * from private.email_suppressions$$, 'the service role reads email suppressions: none yet');

-- The grid of a settings screen
select tests.authenticate_as('owner');
select is((select count(*) from public.list_notification_preferences()), 48::bigint,
  'a user lists every category on every channel');
select results_eq(
  $$select category, channel::text, enabled, is_default, locked from public.list_notification_preferences()
    where (category, channel) in (('bookings', 'email'), ('bookings', 'push'), ('payments', 'email'), ('payments', 'sms'))
    order by category, channel$$,
  $$values ('bookings', 'email', false, false, false), ('bookings', 'push', true, true, false),
           ('payments', 'email', true, false, true), ('payments', 'sms', false, false, false)$$,
  'the list shows what the user gets, what is their choice and what cannot be changed');
select is((select count(*) from public.list_notification_preferences() where locked), 4::bigint,
  'only the inbox and email of payments and security are locked');

-- Quiet hours and the digest hour ------------------------------------------------------------------------------
select is(private.after_quiet_hours('2026-01-10 23:30Z', 'Europe/Lisbon', '22:00', '07:00'), '2026-01-11 07:00Z'::timestamptz,
  'a message due at 23:30 inside quiet hours 22:00-07:00 waits until 07:00 the next morning');
select is(private.after_quiet_hours('2026-01-10 03:30Z', 'America/New_York', '22:00', '07:00'), '2026-01-10 12:00Z'::timestamptz,
  'quiet hours are the user''s local time: 22:30 in New York waits until 07:00 there');
select is(private.after_quiet_hours('2026-01-10 05:00Z', 'Europe/Lisbon', '22:00', '07:00'), '2026-01-10 07:00Z'::timestamptz,
  'a message due after midnight inside quiet hours waits until they end that morning');
select is(private.after_quiet_hours('2026-01-10 12:00Z', 'Europe/Lisbon', '22:00', '07:00'), '2026-01-10 12:00Z'::timestamptz,
  'a message outside quiet hours goes when due');
select is(private.after_quiet_hours('2026-01-10 07:00Z', 'Europe/Lisbon', '22:00', '07:00'), '2026-01-10 07:00Z'::timestamptz,
  'quiet hours end at their end time');
select is(private.after_quiet_hours('2026-01-10 13:30Z', 'Europe/Berlin', '13:00', '15:00'), '2026-01-10 14:00Z'::timestamptz,
  'quiet hours within one day (a siesta) hold messages until they end');
select is(private.after_quiet_hours('2026-01-10 13:30Z', 'UTC', null, null), '2026-01-10 13:30Z'::timestamptz,
  'without quiet hours a message goes when due');
select is(private.after_quiet_hours('2026-03-28 23:00Z', 'Europe/Lisbon', '22:00', '07:00'), '2026-03-29 06:00Z'::timestamptz,
  'quiet hours end at 07:00 local across the change to summer time');
select is(private.next_digest_at('2026-01-10 07:30Z', 'Europe/Lisbon', 8::smallint), '2026-01-10 08:00Z'::timestamptz,
  'the digest goes at the next digest hour the same day');
select is(private.next_digest_at('2026-01-10 09:00Z', 'Asia/Tokyo', 8::smallint), '2026-01-10 23:00Z'::timestamptz,
  'the digest hour is local: after 08:00 in Tokyo it waits until 08:00 there the next day');
select is(private.next_digest_at('2026-01-10 08:00Z', 'UTC', 8::smallint), '2026-01-10 08:00Z'::timestamptz,
  'an email digested exactly at the digest hour goes in that digest');

-- Email suppressions -------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
insert into private.email_suppressions (address, reason) values (' Bounced@Example.COM ', 'hard bounce: mailbox does not exist');
select results_eq($$select address from private.email_suppressions$$, $$values ('bounced@example.com')$$,
  'a suppressed address is stored trimmed and lowercase');
select is_empty(
  $$insert into private.email_suppressions (address, reason) values ('BOUNCED@example.com', 'bounced again')
    on conflict (address) do nothing returning 1$$,
  'an address suppressed once is not suppressed twice, whatever its case');
select throws_ok($$insert into private.email_suppressions (address, reason) values ('not-an-address', 'x')$$,
  '23514', 'new row for relation "email_suppressions" violates check constraint "email_suppressions_address_format"',
  'a suppression is an email address');
select tests.authenticate_as('owner');
select throws_ok($$select * from private.email_suppressions$$, '42501', 'permission denied for table email_suppressions',
  'users cannot read which addresses bounce');

-- service_role ---------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq(
  $$select (select count(*) from public.notification_settings), (select count(*) from public.notification_preferences),
           (select count(*) from public.push_tokens)$$,
  $$values (2::bigint, 5::bigint, 10::bigint)$$,
  'the service role reads every user''s settings, choices and devices: the fan-out needs them');

-- Changing choices and settings: the RPCs -----------------------------------------------------------------------
select tests.clear_authentication();
select tests.create_supabase_user('chooser');
select tests.authenticate_as_anon();
select throws_ok($$select public.set_notification_preference('bookings', 'email', false)$$,
  '42501', 'permission denied for function set_notification_preference', '[anon] visitors have no choices to set');
select throws_ok($$select public.set_notification_settings(timezone => 'Europe/Lisbon')$$,
  '42501', 'permission denied for function set_notification_settings', '[anon] visitors have no settings to change');

select tests.authenticate_as('chooser');
-- What supabase-js's upsert sends: PostgREST sets every posted column on conflict, the key included.
select throws_ok(
  $$insert into public.notification_preferences (user_id, category, channel, enabled) values (auth.uid(), 'bookings', 'email', false)
    on conflict (user_id, category, channel) do update
    set user_id = excluded.user_id, category = excluded.category, channel = excluded.channel, enabled = excluded.enabled$$,
  '42501', 'permission denied for table notification_preferences',
  'a supabase-js upsert of a choice is refused: it would update the key, which is not the user''s to change');
select throws_ok(
  $$insert into public.notification_settings (user_id, timezone) values (auth.uid(), 'Europe/Lisbon')
    on conflict (user_id) do update set user_id = excluded.user_id, timezone = excluded.timezone$$,
  '42501', 'permission denied for table notification_settings', 'so is an upsert of the settings: the apps call the RPCs');

select is(public.set_notification_preference('bookings', 'email', false), false,
  '[owner] a user mutes bookings by email through the RPC: they no longer get them there');
select is(public.set_notification_preference('bookings', 'email', false), false, 'choosing the same again changes nothing');
select is(public.set_notification_preference('bookings', 'sms', true), true, 'a user asks for bookings by SMS');
select results_eq($$select category, channel::text, enabled from public.notification_preferences order by channel$$,
  $$values ('bookings', 'email', false), ('bookings', 'sms', true)$$, 'each choice is one row of the user''s');
select is(public.set_notification_preference('bookings', 'email', null), true,
  'null goes back to the category''s default: bookings by email, on');
select is_empty($$select 1 from public.notification_preferences where channel = 'email'$$, 'the choice is forgotten');
select throws_ok($$select public.set_notification_preference('payments', 'email', false)$$,
  '22023', 'payments notifications cannot be muted', 'a critical category cannot be muted by email through the RPC either');
select is(public.set_notification_preference('payments', 'push', false), false, 'its push can be');
select throws_ok($$select public.set_notification_preference('gossip', 'email', true)$$,
  '22023', 'category: gossip is not a notification category', 'an unknown category is refused');
select throws_ok($$select public.set_notification_preference('bookings', null, true)$$,
  '22023', 'channel: choose in_app, email, sms or push', 'a choice names its channel');

select results_eq(
  $$select timezone, quiet_hours_start, quiet_hours_end, digest_enabled, digest_hour
    from public.set_notification_settings(timezone => 'Europe/Lisbon', quiet_hours_start => '22:00', quiet_hours_end => '07:00')$$,
  $$values ('Europe/Lisbon', '22:00'::time, '07:00'::time, false, 8::smallint)$$,
  'a user without settings sets a timezone and quiet hours; the rest is the default');
select results_eq(
  $$select timezone, quiet_hours_start, quiet_hours_end, digest_enabled, digest_hour
    from public.set_notification_settings(digest_enabled => true, digest_hour => 7::smallint)$$,
  $$values ('Europe/Lisbon', '22:00'::time, '07:00'::time, true, 7::smallint)$$, 'what is left out is kept');
select results_eq(
  $$select quiet_hours_start, quiet_hours_end from public.set_notification_settings(quiet_hours_end => '06:30')$$,
  $$values ('22:00'::time, '06:30'::time)$$, 'one end of the quiet hours moves alone');
select results_eq(
  $$select quiet_hours_start, quiet_hours_end, timezone, digest_hour from public.set_notification_settings(clear_quiet_hours => true)$$,
  $$values (null::time, null::time, 'Europe/Lisbon', 7::smallint)$$, 'quiet hours are cleared, and nothing else');
select throws_ok($$select public.set_notification_settings(quiet_hours_start => '23:00')$$,
  '22023', 'quiet hours: set quiet_hours_start and quiet_hours_end together', 'quiet hours need both ends');
select throws_ok($$select public.set_notification_settings(quiet_hours_start => '23:00', quiet_hours_end => '23:00')$$,
  '22023', 'quiet hours: they cannot start when they end (23:00:00)', 'quiet hours cannot be empty');
select throws_ok($$select public.set_notification_settings(quiet_hours_start => '23:00', quiet_hours_end => '06:00', clear_quiet_hours => true)$$,
  '22023', 'quiet hours: either clear them or set them, not both', 'clearing and setting quiet hours at once is refused');
select throws_ok($$select public.set_notification_settings(timezone => 'Mars/Olympus_Mons')$$,
  '22023', 'timezone: Mars/Olympus_Mons is not an IANA time zone name (e.g. Europe/London)', 'a timezone is an IANA name');
select throws_ok($$select public.set_notification_settings(digest_hour => 24::smallint)$$,
  '22023', 'digest_hour: 24 is not a local hour from 0 to 23', 'the digest hour is a local hour');
select results_eq($$select timezone, quiet_hours_start, digest_enabled, digest_hour from public.notification_settings$$,
  $$values ('Europe/Lisbon', null::time, true, 7::smallint)$$, 'the refused changes changed nothing');

select tests.authenticate_as('stranger');
select is(public.set_notification_preference('bookings', 'push', false), false, '[stranger] a user''s choice is their own');
select results_eq($$select timezone from public.set_notification_settings(timezone => 'Asia/Tokyo')$$, $$values ('Asia/Tokyo')$$,
  'and so are their settings');
select tests.clear_authentication();
select results_eq(
  $$select u.name, p.channel::text, p.enabled from public.notification_preferences p
    join (values ('chooser'), ('stranger')) u (name) on p.user_id = tests.get_supabase_uid(u.name)
    where p.category = 'bookings' order by 1, 2$$,
  $$values ('chooser', 'sms', true), ('stranger', 'push', false)$$, 'nobody''s choice changes anyone else''s');
select results_eq(
  $$select u.name, s.timezone from public.notification_settings s
    join (values ('chooser'), ('stranger')) u (name) on s.user_id = tests.get_supabase_uid(u.name) order by 1$$,
  $$values ('chooser', 'Europe/Lisbon'), ('stranger', 'Asia/Tokyo')$$, 'nor their settings');

select tests.authenticate_as('admin');
select is(public.set_notification_preference('reports', 'email', false), false, '[admin] an admin chooses for themselves');
select results_eq($$select user_id from public.notification_preferences where category = 'reports'$$,
  $$values (tests.get_supabase_uid('admin'))$$, 'only for themselves');
select tests.clear_authentication();

-- A deleted account takes its devices with it
select tests.clear_authentication();
delete from auth.users where id = tests.get_supabase_uid('mover');
select is_empty($$select * from public.push_tokens$$, 'a deleted account''s devices are forgotten');

select * from finish();
rollback;
