-- Notifications abused, and the attacks refused or made harmless (20260115*):
--
-- * the relay: a client whose display name is a phishing link books and cancels in a loop, so
--   that the platform tells the provider that text each time. The link arrives neutralised
--   (https[:]//evil[.]example) in every rendered text, and beyond
--   notifications.max_per_actor_per_hour events an hour the provider hears of it in the inbox
--   only: the email, SMS and push are skipped, saying why;
-- * SMS to a typed number: a user types someone else's number into profile_details.phone and
--   turns SMS on. SMS go only to the phone Supabase Auth verified, which no API role can set,
--   and at most notifications.max_sms_per_day a day;
-- * push token takeover: whoever knows a user's FCM token registers it to their own account,
--   silencing the owner's waiting pushes. Refused (PT409) without saying whose it is, until the
--   owner signs the device out with unregister_push_token, or signs out of the session the
--   device registered in.
begin;
set local time zone 'UTC';
select plan(43);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('relay');
select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
select tests.create_supabase_user('typist');
select tests.create_supabase_user('texter');
select tests.create_supabase_user('owner');
select tests.create_supabase_user('thief');
insert into public.provider_profiles (user_id, kind) values (tests.get_supabase_uid('provider'), 'consultant');
insert into public.categories (id, slug, name) values ('ca000000-0000-4000-8000-000000000086', 'consulting', 'Consulting');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
values ('0f000000-0000-4000-8000-000000000086', tests.get_supabase_uid('provider'), 'ca000000-0000-4000-8000-000000000086',
        'service', 'Advice', 12050, 'EUR', 60, 'active', 'online');
insert into public.schedules (user_id, timezone, min_notice_minutes) values (tests.get_supabase_uid('provider'), 'UTC', 0);
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select s.user_id, d, '00:00', '23:59' from public.schedules s cross join generate_series(1, 7) d;
update private.settings set value = '50' where key = 'bookings.max_live_holds_per_client';
-- The provider also gets SMS about bookings, on a phone Auth verified (stored without its '+').
update auth.users set phone = '14155550186', phone_confirmed_at = now() where id = tests.get_supabase_uid('provider');
insert into public.notification_preferences (user_id, category, channel, enabled)
values (tests.get_supabase_uid('provider'), 'bookings', 'sms', true);

-- Slots start at 06:00 UTC three days out, so every one ends before the 23:59 closing whatever the hour
-- the suite runs at.
create function pg_temp.slot(hours integer) returns timestamptz language sql stable as $$
  select date_trunc('day', now(), 'UTC') + interval '3 days 6 hours' + make_interval(hours => hours)
$$;
-- <name> books the slot and cancels it again, through the RPCs the app calls; the booking's id.
create function pg_temp.book_and_cancel(name text, hours integer) returns uuid language plpgsql as $$
declare
  booking uuid;
begin
  perform tests.authenticate_as(name);
  booking := (public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000086"}]', pg_temp.slot(hours)) ->> 'booking_id')::uuid;
  perform public.transition_booking(booking, 'cancelled');
  perform tests.clear_authentication();
  return booking;
end
$$;
create function pg_temp.expand() returns integer language plpgsql as $$
declare
  expanded integer;
begin
  perform tests.authenticate_as_service_role();
  expanded := service.expand_notifications(100);
  perform tests.clear_authentication();
  return expanded;
end
$$;
-- The provider's deliveries of the cancellation of <booking>, as 'channel status: last_error'.
create function pg_temp.told_provider(booking uuid) returns text[] language sql stable as $$
  select array_agg(d.channel || ' ' || d.status || coalesce(': ' || d.last_error, '') order by d.channel)
  from public.notification_deliveries d join private.notification_outbox o on o.id = d.outbox_id
  where o.dedup_key = 'booking.cancelled:' || booking and d.user_id = tests.get_supabase_uid('provider')
$$;
grant execute on function pg_temp.slot(integer), pg_temp.book_and_cancel(text, integer), pg_temp.expand(),
  pg_temp.told_provider(uuid)
  to anon, authenticated, service_role;

-- 9. The relay -------------------------------------------------------------------------------------------
select is((private.setting('notifications.max_per_actor_per_hour'))::integer, 5,
  'by default one person reaches another by email, SMS and push at most five times an hour');
update private.settings set value = '3' where key = 'notifications.max_per_actor_per_hour';

select tests.authenticate_as('relay');
select lives_ok(
  $$update public.profiles set display_name = E'Claim refund at https://evil.example/r?id=1\u200b\nwww.evil.example' where id = auth.uid()$$,
  'a client names themselves after a phishing link (their own profile: allowed)');
select tests.clear_authentication();

-- The client reads French, whose inbox greeting names the recipient.
update public.profile_details set locale = 'fr' where user_id = tests.get_supabase_uid('relay');
insert into public.notification_templates (event_type, channel, locale, title, body, action_url)
values ('booking.held', 'in_app', 'fr', 'Bonjour {{ recipient_name }}', 'Payez {{ amount }} {{ currency }}.', '{{ action_url }}');

select set_config('t.b1', pg_temp.book_and_cancel('relay', 0)::text, true);
select set_config('t.b2', pg_temp.book_and_cancel('relay', 1)::text, true);
select set_config('t.b3', pg_temp.book_and_cancel('relay', 2)::text, true);
select set_config('t.b4', pg_temp.book_and_cancel('relay', 3)::text, true);
select results_eq(
  $$select count(*)::integer, count(distinct o.actor_id)::integer, min(o.actor_id::text) from private.notification_outbox o
    where o.event_type = 'booking.cancelled'$$,
  $$values (4, 1, tests.get_supabase_uid('relay')::text)$$,
  'each cancellation is an event caused by the client who made it');
select ok(pg_temp.expand() >= 8, 'the dispatcher expands the four holds and four cancellations');

select is(pg_temp.told_provider(current_setting('t.b1')::uuid), array['email queued', 'sms queued'],
  'the first cancellations reach the provider by email and SMS');
select is(pg_temp.told_provider(current_setting('t.b3')::uuid), array['email queued', 'sms queued'],
  'up to the limit (three here)');
select is(pg_temp.told_provider(current_setting('t.b4')::uuid),
  array['email skipped: rate limited: 3 notifications from the same person in the last hour; the inbox has it',
        'sms skipped: rate limited: 3 notifications from the same person in the last hour; the inbox has it'],
  'the fourth within the hour is not sent: its email and SMS are skipped, saying why');
select is((select count(*)::integer from public.notifications n
           where n.user_id = tests.get_supabase_uid('provider') and n.event_type = 'booking.cancelled'), 4,
  'the provider''s inbox still records every cancellation');
select is((select n.title from public.notifications n join private.notification_outbox o on o.id = n.outbox_id
            where o.dedup_key = 'booking.held:' || current_setting('t.b1')),
  'Bonjour Claim refund at https[:]//evil[.]example/r?id=1 www[.]evil[.]example',
  'where an inbox template names the recipient, the name is neutralised too');
select is_empty(
  $$select d.status from public.notification_deliveries d
    where d.user_id = tests.get_supabase_uid('relay') and d.status = 'skipped'$$,
  'what the client causes for themselves (their own holds and cancellations) is not limited');

-- What a template makes of the name, in the inbox (SQL) and in the email's words (the same rules).
select tests.authenticate_as('relay');
select set_config('t.kept', (public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000086"}]', pg_temp.slot(5))
                            ->> 'booking_id'), true);
select tests.authenticate_as('admin');
select lives_ok($$select public.transition_booking(current_setting('t.kept')::uuid, 'confirmed')$$, 'an admin confirms a booking of theirs');
select tests.clear_authentication();
select ok(pg_temp.expand() >= 1, 'its confirmation is expanded');
select is(
  (select n.body from public.notifications n
   where n.user_id = tests.get_supabase_uid('provider') and n.event_type = 'booking.confirmed'),
  'Advice on ' || to_char(pg_temp.slot(5), 'Dy DD Mon YYYY, HH24:MI')
    || ' (UTC) is confirmed: Claim refund at https[:]//evil[.]example/r?id=1 www[.]evil[.]example with provider.',
  'the provider''s inbox shows the name with its links neutralised, on one line, its invisible characters gone');
select is((select count(*)::integer from public.notification_deliveries d join private.notification_outbox o on o.id = d.outbox_id
           where o.dedup_key = 'booking.confirmed:' || current_setting('t.kept') and d.status = 'queued'
             and d.user_id = tests.get_supabase_uid('provider')), 2,
  'an admin''s action is not limited: the provider gets its email and SMS');
select tests.authenticate_as_service_role();
select is(
  private.render_template(
    (select t.body from public.notification_templates t
     where t.event_type = 'booking.cancelled' and t.channel = 'email' and t.locale = 'en'),
    (select o.data || jsonb_build_object('recipient_name', 'provider') from private.notification_outbox o
     where o.dedup_key = 'booking.cancelled:' || current_setting('t.b1'))) ~ '(https?://evil|evil\.example)',
  false, 'the SQL renderer (digests) writes no link from the name into the email''s words either');
select is(private.sanitize_user_text(E'Pay at evil\u3002example or 10.0.0.1 \u202Eflog e.g. v2.0, 120.50 EUR'),
  'Pay at evil[.]example or 10[.]0[.]0[.]1 flog e.g. v2.0, 120.50 EUR',
  'dots a browser reads as a host''s (ideographic, in an IP address) are neutralised, with bidirectional overrides gone');
select is(private.sanitize_user_text(repeat('ab ', 50)), repeat('ab ', 33) || '…',
  'user text is cut at 100 characters, the last an ellipsis');
select is(private.render_template('{{ title }}: {{ body }} {{ action_url }}',
    '{"title": "New at https://market.example", "body": "See www.market.example", "action_url": "https://market.example/x"}'),
  'New at https://market.example: See www.market.example https://market.example/x',
  'what the platform composes (an admin''s announcement, the link) is left as it is');
select tests.clear_authentication();

-- 10. SMS to a number nobody verified --------------------------------------------------------------------------
select tests.authenticate_as('typist');
select lives_ok(
  $$update public.profile_details set phone = '+14155550199' where user_id = auth.uid()$$,
  'a user types someone else''s number into their profile');
select ok(public.set_notification_preference('bookings', 'sms', true), 'and asks for SMS about their bookings');
select throws_ok($$update auth.users set phone = '14155550199', phone_confirmed_at = now() where id = auth.uid()$$,
  '42501', 'permission denied for table users', 'no API role can mark a phone verified: only Auth does, after the code');
select tests.authenticate_as_anon();
select throws_ok($$update auth.users set phone_confirmed_at = now()$$, '42501', 'permission denied for table users',
  'nor a visitor');
select tests.clear_authentication();
select set_config('t.typed', pg_temp.book_and_cancel('typist', 8)::text, true);
select ok(pg_temp.expand() >= 2, 'their booking''s events are expanded');
select is_empty(
  $$select d.destination from public.notification_deliveries d where d.user_id = tests.get_supabase_uid('typist') and d.channel = 'sms'$$,
  'no SMS is written to a typed number: the stranger at +14155550199 gets nothing');
select isnt_empty(
  $$select 1 from public.notifications n where n.user_id = tests.get_supabase_uid('typist')$$,
  'the user is still told in the inbox');

-- A verified phone gets SMS, at most max_sms_per_day in 24 hours.
update auth.users set phone = '14155550123', phone_confirmed_at = now() where id = tests.get_supabase_uid('texter');
insert into public.notification_preferences (user_id, category, channel, enabled) values (tests.get_supabase_uid('texter'), 'payments', 'sms', true);
select is((private.setting('notifications.max_sms_per_day'))::integer, 10, 'by default a user gets at most ten SMS a day');
update private.settings set value = '2' where key = 'notifications.max_sms_per_day';
select private.enqueue_notification('payment.failed', 'test:sms:' || n, array[tests.get_supabase_uid('texter')],
  '{"booking_id": null, "invoice_number": "INV-1", "offering_title": "Advice", "amount": "1.00", "currency": "EUR",
    "reason": "card declined", "action_url": "/invoices/1"}')
from generate_series(1, 3) n;
select pg_temp.expand();
select results_eq(
  $$select o.dedup_key, d.destination, d.status::text, d.last_error from public.notification_deliveries d
    join private.notification_outbox o on o.id = d.outbox_id where d.user_id = tests.get_supabase_uid('texter') and d.channel = 'sms'
    order by o.id$$,
  $$values ('test:sms:1', '+14155550123', 'queued', null::text), ('test:sms:2', '+14155550123', 'queued', null),
           ('test:sms:3', '+14155550123', 'skipped', 'sms daily cap: 2 SMS sent to this user in the last 24 hours')$$,
  'SMS go to the verified phone with its +; beyond the daily cap they are skipped, saying why');
select is((select count(*)::integer from public.notification_deliveries d
           where d.user_id = tests.get_supabase_uid('texter') and d.channel = 'email' and d.status = 'queued'), 3,
  'the email of every one still goes');

-- 11. Push token takeover -----------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select isnt(public.register_push_token('owner-phone-token-0086', 'android'), null, 'the owner registers their phone');
select tests.clear_authentication();
select private.enqueue_notification('payment.failed', 'test:owner-push', array[tests.get_supabase_uid('owner')],
  '{"booking_id": null, "invoice_number": "INV-2", "offering_title": "Advice", "amount": "1.00", "currency": "EUR",
    "reason": "card declined", "action_url": "/invoices/2"}');
select pg_temp.expand();

select tests.authenticate_as_anon();
select throws_ok($$select public.unregister_push_token('owner-phone-token-0086')$$,
  '42501', 'permission denied for function unregister_push_token', 'a visitor cannot sign a device out');

select tests.authenticate_as('thief');
select throws_ok($$select public.register_push_token('owner-phone-token-0086', 'ios')$$,
  'PT409', 'token: this device is registered to another account, which must sign out on it first',
  'another account registering the owner''s token is refused (409), not told whose it is');
select throws_ok($$select public.register_push_token(' owner-phone-token-0086 ', 'android')$$,
  'PT409', 'token: this device is registered to another account, which must sign out on it first',
  'with spaces around it too');
select is(public.unregister_push_token('owner-phone-token-0086'), false,
  'unregistering someone else''s token does nothing, and answers as for an unknown one');
select is(public.unregister_push_token('no-such-token-0086'), false, 'an unknown token: the same answer');
select is_empty($$delete from public.push_tokens where token = 'owner-phone-token-0086' returning 1$$,
  'nor can the thief delete the owner''s device row');
select tests.clear_authentication();
select results_eq(
  $$select t.user_id, t.platform, d.status::text from public.push_tokens t
    join public.notification_deliveries d on d.push_token_id = t.id where t.token = 'owner-phone-token-0086'$$,
  $$values (tests.get_supabase_uid('owner'), 'android', 'queued')$$,
  'the token stays the owner''s, and the owner''s waiting push still waits for it');

select tests.authenticate_as('owner');
select is(public.unregister_push_token(' owner-phone-token-0086'), true, 'the owner signs out on the device');
select tests.clear_authentication();
select results_eq(
  $$select d.status::text, d.last_error from public.notification_deliveries d
    join private.notification_outbox o on o.id = d.outbox_id where o.dedup_key = 'test:owner-push' and d.channel = 'push'$$,
  $$values ('skipped', 'push token removed from the account')$$,
  'the owner''s waiting push is skipped: it never reaches whoever uses the device next');
select tests.authenticate_as('thief');
select isnt(public.register_push_token('owner-phone-token-0086', 'ios'), null, 'released, the device can sign in to another account');

-- Signing out on the device releases it too, even when the app never unregistered: the token
-- remembers the Auth session it was registered in, and Auth deletes that session at sign-out.
select tests.clear_authentication();
insert into auth.sessions (id, user_id) values ('5e550000-0000-4000-8000-000000000086', tests.get_supabase_uid('owner'));
select tests.authenticate_as('owner');
select tests.authenticate_with(auth.jwt() || '{"session_id": "5e550000-0000-4000-8000-000000000086"}');
select isnt(public.register_push_token('owner-tablet-token-0086', 'android'), null, 'the owner registers a tablet, signed in');
select tests.clear_authentication();
select private.enqueue_notification('payment.failed', 'test:owner-tablet', array[tests.get_supabase_uid('owner')],
  '{"booking_id": null, "invoice_number": "INV-3", "offering_title": "Advice", "amount": "1.00", "currency": "EUR",
    "reason": "card declined", "action_url": "/invoices/3"}');
select pg_temp.expand();
select tests.authenticate_as('thief');
select throws_ok($$select public.register_push_token('owner-tablet-token-0086', 'ios')$$,
  'PT409', 'token: this device is registered to another account, which must sign out on it first',
  'while the owner is signed in on the tablet, it stays theirs');
select tests.clear_authentication();
delete from auth.sessions where id = '5e550000-0000-4000-8000-000000000086';  -- what Auth does at sign-out
select tests.authenticate_as('thief');
select isnt(public.register_push_token('owner-tablet-token-0086', 'ios'), null,
  'once the owner signed out on it, the next account registers the tablet');
select tests.clear_authentication();
select results_eq(
  $$select d.status::text, d.last_error from public.notification_deliveries d
    join private.notification_outbox o on o.id = d.outbox_id where o.dedup_key = 'test:owner-tablet' and d.channel = 'push'$$,
  $$values ('skipped', 'push token removed from the account')$$,
  'and the owner''s push still waiting for it is skipped');

select * from finish();
rollback;
