-- enqueue_notification, topics, topic_subscriptions, send_announcement and the dispatcher nudge:
-- an event is written once per dedup key, only for known event types and topics; topics
-- resolve to their members set-based; only admins announce; who may read and change topics and
-- subscriptions; and pg_net is asked to nudge the dispatcher when it exists, never otherwise.
begin;
set local time zone 'UTC';
select plan(75);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('owner');
select tests.create_supabase_user('client');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('groomer', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('walker', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('drafter', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('tutor', metadata => '{"account_type": "provider"}');
select tests.grant_role('admin', 'admin');
insert into public.provider_profiles (user_id, kind)
select tests.get_supabase_uid(u), 'service_provider' from unnest(array['groomer', 'walker', 'drafter', 'tutor']) u;
-- Pets (a category) > Grooming (its subcategory); Lessons elsewhere.
insert into public.categories (id, parent_id, slug, name) values
  ('ca000000-0000-4000-8000-000000000001', null, 'pets', 'Pets'),
  ('ca000000-0000-4000-8000-000000000002', 'ca000000-0000-4000-8000-000000000001', 'grooming', 'Grooming'),
  ('ca000000-0000-4000-8000-000000000003', null, 'lessons', 'Lessons');
insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes, status, location) values
  (tests.get_supabase_uid('groomer'), 'ca000000-0000-4000-8000-000000000002', 'service', 'Grooming', 5000, 'EUR', 60, 'active', 'online'),
  (tests.get_supabase_uid('groomer'), 'ca000000-0000-4000-8000-000000000001', 'service', 'Pet sitting', 5000, 'EUR', 60, 'active', 'online'),
  (tests.get_supabase_uid('walker'), 'ca000000-0000-4000-8000-000000000001', 'service', 'Dog walk', 2000, 'EUR', 60, 'active', 'online'),
  (tests.get_supabase_uid('drafter'), 'ca000000-0000-4000-8000-000000000002', 'service', 'Cat wash', 3000, 'EUR', 60, 'draft', 'online'),
  (tests.get_supabase_uid('tutor'), 'ca000000-0000-4000-8000-000000000003', 'service', 'Maths', 4000, 'EUR', 60, 'active', 'online');
insert into public.topic_subscriptions (topic, user_id) values
  ('product_updates', tests.get_supabase_uid('client')), ('product_updates', tests.get_supabase_uid('walker'));

create function pg_temp.members(topic text) returns uuid[] language sql stable as $$
  select array(select m from private.topic_members(topic) m order by 1)
$$;
-- Whether send_announcement refuses a link (22023), as the caller.
create function pg_temp.refuses_link(url text) returns boolean language plpgsql as $$
begin
  perform public.send_announcement('all_users', 'Hi', 'Hello', url);
  return false;
exception when sqlstate '22023' then
  return true;
end
$$;
grant execute on function pg_temp.members(text), pg_temp.refuses_link(text) to anon, authenticated, service_role;

-- enqueue_notification ------------------------------------------------------------------------------
select isnt(
  private.enqueue_notification('booking.confirmed', 'test:first',
    array[tests.get_supabase_uid('owner'), tests.get_supabase_uid('client'), tests.get_supabase_uid('owner'), null],
    '{"booking_id": "b1", "offering_title": "Grooming"}'),
  null, 'an event is enqueued and gets an id');
select results_eq(
  $$select event_type, recipient_ids, data, status, topic, booking_id, deliver_after = now(), expanded_at
    from private.notification_outbox where dedup_key = 'test:first'$$,
  $$values ('booking.confirmed', tests.uids('owner', 'client'), '{"booking_id": "b1", "offering_title": "Grooming"}'::jsonb,
            'pending', null::text, null::uuid, true, null::timestamptz)$$,
  'the outbox row is pending, due now, with each recipient once (nulls dropped)');
select is(
  private.enqueue_notification('booking.confirmed', 'test:first', tests.uids('stranger'), '{"offering_title": "Other"}'),
  null, 'a second enqueue with the same dedup key returns null');
select results_eq(
  $$select count(*), min(data ->> 'offering_title') from private.notification_outbox where dedup_key = 'test:first'$$,
  $$values (1::bigint, 'Grooming')$$,
  'and changes nothing: one row, its first data');
select throws_ok(
  $$select private.enqueue_notification('booking.exploded', 'test:unknown', '{}', '{}')$$,
  '22023', 'event_type: unknown notification event type booking.exploded', 'an unknown event type is refused');
select throws_ok(
  $$select private.enqueue_notification('announcement', 'test:topic', '{}', '{}', now(), null, 'all_martians')$$,
  '22023', 'topic: unknown notification topic all_martians', 'an unknown topic is refused');
select throws_ok(
  $$select private.enqueue_notification('announcement', 'test:category', '{}', '{}', now(), null,
                                        'providers_of_category:ca000000-0000-4000-8000-00000000dead')$$,
  '22023', 'topic: unknown notification topic providers_of_category:ca000000-0000-4000-8000-00000000dead',
  'a category topic of a category that does not exist is refused');
select throws_ok(
  $$select private.enqueue_notification('announcement', 'test:severity', '{}', '{"severity": "catastrophic"}')$$,
  '22023', null, 'data.severity must be a notification severity');
select throws_ok(
  $$select private.enqueue_notification('announcement', 'test:array', '{}', '[1, 2]')$$,
  '22023', 'data: notification data must be a JSON object', 'data must be a JSON object');
select throws_ok(
  $$select private.enqueue_notification('announcement', '  ', '{}', '{}')$$,
  '22023', 'dedup_key: a notification needs a dedup key', 'an event needs a dedup key');
select private.enqueue_notification('booking.reminder_1h', 'test:later', tests.uids('owner'), '{}', now() + interval '3 days');
select is((select deliver_after from private.notification_outbox where dedup_key = 'test:later'),
  now() + interval '3 days', 'an event may wait: deliver_after is kept');

-- Topics: their members, set-based -----------------------------------------------------------------------
select is(pg_temp.members('all_clients'), tests.uids('owner', 'client', 'stranger', 'admin'),
  'all_clients: every holder of the client role');
select is(pg_temp.members('all_providers'), tests.uids('groomer', 'walker', 'drafter', 'tutor'),
  'all_providers: every holder of the provider role');
select is(pg_temp.members('all_admins'), tests.uids('admin'), 'all_admins: the admins');
select is(pg_temp.members('all_users'),
  tests.uids('owner', 'client', 'stranger', 'admin', 'groomer', 'walker', 'drafter', 'tutor'), 'all_users: everyone, once');
select is(pg_temp.members('providers_of_category:ca000000-0000-4000-8000-000000000001'), tests.uids('groomer', 'walker'),
  'a category''s providers: active offerings in it or its subcategories, each provider once, drafts left out');
select is(pg_temp.members('providers_of_category:ca000000-0000-4000-8000-000000000002'), tests.uids('groomer'),
  'a subcategory''s providers: only its own');
select is(pg_temp.members('product_updates'), tests.uids('client', 'walker'), 'a subscription topic: its subscribers');
select is(pg_temp.members('all_martians'), '{}'::uuid[], 'an unknown topic has no members');

-- send_announcement ------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select isnt(public.send_announcement('all_providers', 'New fees', 'Fees change on 1 March.', 'https://example.com/fees', 'warning'),
  null, 'an admin announces to a topic');
select tests.clear_authentication();
select results_eq(
  $$select event_type, topic, recipient_ids, data, sent_by, status
    from private.notification_outbox where event_type = 'announcement'$$,
  $$values ('announcement', 'all_providers', '{}'::uuid[],
            '{"title": "New fees", "body": "Fees change on 1 March.", "action_url": "https://example.com/fees",
              "severity": "warning", "topic": "all_providers"}'::jsonb, tests.get_supabase_uid('admin'), 'pending')$$,
  'the announcement is an outbox event for the topic, with its title, body, link and severity; the admin who sent it is '
  'on the outbox row, not in the data every recipient''s inbox copies');
select tests.authenticate_as('admin');
select throws_ok($$select public.send_announcement('all_martians', 'Hi', 'Hello')$$,
  '22023', 'topic: unknown notification topic all_martians', 'an announcement to an unknown topic is refused');
select throws_ok($$select public.send_announcement(null, 'Hi', 'Hello')$$,
  '22023', 'topic: an announcement needs a topic (e.g. all_users, all_clients, providers_of_category:<category id>)',
  'an announcement without a topic is refused, not sent to nobody');
select throws_ok($$select public.send_announcement('providers_of_category:ca000000-0000-4000-8000-00000000dead', 'Hi', 'Hello')$$,
  '22023', 'topic: unknown notification topic providers_of_category:ca000000-0000-4000-8000-00000000dead',
  'an announcement to the providers of a category that does not exist is refused');
select throws_ok($$select public.send_announcement('all_users', '  ', 'Hello')$$,
  '22023', 'title: an announcement needs a title of at most 200 characters', 'an announcement needs a title');
select throws_ok($$select public.send_announcement('all_users', 'Hi', '')$$,
  '22023', 'body: an announcement needs a body of at most 4000 characters', 'an announcement needs a body');
select throws_ok($$select public.send_announcement('all_users', 'Hi', 'Hello', 'javascript:alert(1)')$$,
  '22023', 'action_url: javascript:alert(1) is neither an https URL nor a path starting with a single /',
  'an announcement links only to https or a path');
select throws_ok($$select public.send_announcement('all_users', 'Hi', 'Hello', '//evil.example.com/login')$$,
  '22023', 'action_url: //evil.example.com/login is neither an https URL nor a path starting with a single /',
  'a link starting with // (another site, in the scheme of the page) is refused');
select is(
  array(select u from unnest(array['/\evil.example.com', E'/\t/evil.example.com', ' /news', 'http://example.com/news',
                                   'https://example.com@evil.example.com/', 'https:///evil.example.com']) u
        where not pg_temp.refuses_link(u)),
  '{}'::text[], 'so are /\host, a tab or a space (browsers drop them), http, a user before the host and an https URL without one');
select isnt(public.send_announcement('all_users', 'Hi', 'Hello', '/news/2026'), null, 'a path of the site is a link');
select tests.authenticate_as('groomer');
select throws_ok($$select public.send_announcement('all_users', 'Hi', 'Hello')$$,
  '42501', 'only admins can send announcements', 'a provider cannot announce');
select tests.authenticate_as('stranger');
select throws_ok($$select public.send_announcement('all_users', 'Hi', 'Hello')$$,
  '42501', 'only admins can send announcements', 'a client cannot announce');
select tests.authenticate_as_anon();
select throws_ok($$select public.send_announcement('all_users', 'Hi', 'Hello')$$,
  '42501', null, 'visitors cannot announce');

-- The outbox is the system's own ----------------------------------------------------------------------------
select tests.authenticate_as('admin');
select throws_ok($$select private.enqueue_notification('announcement', 'test:admin', '{}', '{}')$$,
  '42501', null, 'not even an admin enqueues events directly');
select throws_ok($$select * from private.notification_outbox$$, '42501', null, 'signed-in users cannot read the outbox');
select tests.authenticate_as_anon();
select throws_ok($$select private.enqueue_notification('announcement', 'test:anon', '{}', '{}')$$,
  '42501', null, 'visitors cannot enqueue events');
select tests.authenticate_as_service_role();
select isnt(private.enqueue_notification('announcement', 'test:service', '{}', '{"title": "t", "body": "b"}', now(), null, 'all_users'),
  null, 'the service role (the Lambdas) can enqueue');

-- notification_topics: access ---------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.notification_topics$$, '42501', 'permission denied for table notification_topics',
  '[notification_topics/anon/select] visitors cannot read topics');
select throws_ok($$insert into public.notification_topics (key, kind, description) values ('x', 'subscription', 'x')$$,
  '42501', 'permission denied for table notification_topics', '[notification_topics/anon/insert] visitors cannot create topics');
select throws_ok($$update public.notification_topics set description = 'x'$$,
  '42501', 'permission denied for table notification_topics', '[notification_topics/anon/update] visitors cannot change topics');
select throws_ok($$delete from public.notification_topics$$,
  '42501', 'permission denied for table notification_topics', '[notification_topics/anon/delete] visitors cannot delete topics');

select tests.authenticate_as('stranger');
select ok((select count(*) from public.notification_topics where key in ('all_users', 'product_updates')) = 2,
  '[notification_topics/stranger/select] signed-in users read the topics (to choose subscriptions)');
select throws_ok($$insert into public.notification_topics (key, kind, description) values ('spam', 'subscription', 'Spam')$$,
  '42501', 'new row violates row-level security policy for table "notification_topics"',
  '[notification_topics/stranger/insert] a user cannot create topics');
select is_empty($$update public.notification_topics set description = 'hacked' returning key$$,
  '[notification_topics/stranger/update] a user cannot change topics');
select is_empty($$delete from public.notification_topics returning key$$,
  '[notification_topics/stranger/delete] a user cannot delete topics');

select tests.authenticate_as('admin');
select lives_ok($$insert into public.notification_topics (key, kind, description) values ('pet_tips', 'subscription', 'Tips for pet owners')$$,
  '[notification_topics/admin/insert] admins create topics');
select results_eq($$select key from public.notification_topics where key in ('pet_tips', 'all_clients') order by key$$,
  $$values ('all_clients'), ('pet_tips')$$, '[notification_topics/admin/select] admins read topics');
select results_eq($$update public.notification_topics set description = 'Weekly tips' where key = 'pet_tips' returning description$$,
  $$values ('Weekly tips')$$, '[notification_topics/admin/update] admins change topics');
select throws_ok($$insert into public.notification_topics (key, kind, role, description) values ('odd', 'subscription', 'client', 'Odd')$$,
  '23514', null, 'only role topics name a role');
select throws_ok($$insert into public.notification_topics (key, kind, description) values ('Bad:Key', 'subscription', 'Bad')$$,
  '23514', null, 'topic keys are lowercase words (a colon would clash with providers_of_category:<id>)');

-- topic_subscriptions: access ---------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.topic_subscriptions$$, '42501', 'permission denied for table topic_subscriptions',
  '[topic_subscriptions/anon/select] visitors cannot read subscriptions');
select throws_ok($$insert into public.topic_subscriptions (topic, user_id) values ('pet_tips', tests.get_supabase_uid('owner'))$$,
  '42501', 'permission denied for table topic_subscriptions', '[topic_subscriptions/anon/insert] visitors cannot subscribe');
select throws_ok($$update public.topic_subscriptions set topic = 'pet_tips'$$,
  '42501', 'permission denied for table topic_subscriptions', '[topic_subscriptions/anon/update] visitors cannot change subscriptions');
select throws_ok($$delete from public.topic_subscriptions$$,
  '42501', 'permission denied for table topic_subscriptions', '[topic_subscriptions/anon/delete] visitors cannot unsubscribe anyone');

select tests.authenticate_as('owner');
select lives_ok($$insert into public.topic_subscriptions (topic, user_id) values ('pet_tips', tests.get_supabase_uid('owner'))$$,
  '[topic_subscriptions/owner/insert] a user subscribes to a subscription topic');
select throws_ok($$insert into public.topic_subscriptions (topic, user_id) values ('all_admins', tests.get_supabase_uid('owner'))$$,
  '42501', 'new row violates row-level security policy for table "topic_subscriptions"',
  'a user cannot subscribe to a role topic (that would make them an audience of admins'' mail)');
select results_eq($$select topic from public.topic_subscriptions$$, $$values ('pet_tips')$$,
  '[topic_subscriptions/owner/select] a user reads their own subscriptions only');
select throws_ok($$update public.topic_subscriptions set topic = 'product_updates'$$,
  '42501', 'permission denied for table topic_subscriptions',
  '[topic_subscriptions/owner/update] a subscription is not edited: unsubscribe and subscribe');
select results_eq($$delete from public.topic_subscriptions where topic = 'pet_tips' returning topic$$, $$values ('pet_tips')$$,
  '[topic_subscriptions/owner/delete] a user unsubscribes');

select tests.authenticate_as('stranger');
select is_empty($$select * from public.topic_subscriptions$$,
  '[topic_subscriptions/stranger/select] a user cannot see other people''s subscriptions');
select throws_ok($$insert into public.topic_subscriptions (topic, user_id) values ('pet_tips', tests.get_supabase_uid('client'))$$,
  '42501', 'new row violates row-level security policy for table "topic_subscriptions"',
  '[topic_subscriptions/stranger/insert] a user cannot subscribe someone else');
select throws_ok($$update public.topic_subscriptions set topic = 'pet_tips'$$,
  '42501', 'permission denied for table topic_subscriptions', '[topic_subscriptions/stranger/update] a user cannot change subscriptions');
select is_empty($$delete from public.topic_subscriptions returning topic$$,
  '[topic_subscriptions/stranger/delete] a user cannot unsubscribe someone else');

select tests.authenticate_as('admin');
select is((select count(*) from public.topic_subscriptions), 2::bigint,
  '[topic_subscriptions/admin/select] admins read every subscription');
select throws_ok($$insert into public.topic_subscriptions (topic, user_id) values ('pet_tips', tests.get_supabase_uid('client'))$$,
  '42501', 'new row violates row-level security policy for table "topic_subscriptions"',
  '[topic_subscriptions/admin/insert] admins cannot subscribe users: people choose their own mail');
select throws_ok($$update public.topic_subscriptions set topic = 'pet_tips'$$,
  '42501', 'permission denied for table topic_subscriptions', '[topic_subscriptions/admin/update] admins cannot change subscriptions');
select is_empty($$delete from public.topic_subscriptions returning topic$$,
  '[topic_subscriptions/admin/delete] admins cannot unsubscribe users');
select results_eq($$delete from public.notification_topics where key = 'pet_tips' returning key$$, $$values ('pet_tips')$$,
  '[notification_topics/admin/delete] admins delete topics');
select tests.clear_authentication();

-- The nudge ---------------------------------------------------------------------------------------------------
-- pg_net as the platform has it (the stand-in in sql/platform/40_pg_net.sql has its shape):
-- net.http_post queues a request, sent after commit. The paths without pg_net and with a
-- failing pg_net are in tests/notifications/test_nudge.py, which can remove or break it.
create function pg_temp.nudges() returns table (url text, body jsonb, headers jsonb) language sql as $$
  select q.url, convert_from(q.body, 'UTF8')::jsonb, q.headers from net.http_request_queue q
  where q.url like '%/notify/dispatch' order by q.id
$$;

select is(private.nudge_dispatcher(), false, 'with pg_net but no dispatch URL, no nudge');
select is_empty($$select * from pg_temp.nudges()$$, 'nothing was posted');
select lives_ok($$select private.enqueue_notification('announcement', 'test:no-url', '{}', '{"title": "t", "body": "b"}')$$,
  'and enqueueing works without a nudge');

update private.settings set value = '"https://api.example.com/notify/dispatch"' where key = 'notifications.dispatch_url';
update private.settings set value = '"s3cret"' where key = 'notifications.dispatch_secret';
select private.enqueue_notification('booking.confirmed', 'test:nudged', tests.uids('owner'), '{}');
select results_eq($$select * from pg_temp.nudges()$$,
  $$values ('https://api.example.com/notify/dispatch', '{}'::jsonb,
            '{"Content-Type": "application/json", "x-marketbase-dispatch-secret": "s3cret"}'::jsonb)$$,
  'an event due now nudges the dispatcher once: POST {} with the secret header');
select private.enqueue_notification('booking.confirmed', 'test:nudged', tests.uids('owner'), '{}');
select private.enqueue_notification('booking.reminder_24h', 'test:tomorrow', tests.uids('owner'), '{}', now() + interval '1 day');
select is((select count(*) from pg_temp.nudges()), 1::bigint, 'a duplicate or an event for later does not nudge');
select private.enqueue_notification('booking.cancelled', 'test:second', tests.uids('owner'), '{}');
select is((select count(*) from pg_temp.nudges()), 1::bigint,
  'a second due event in the same transaction does not nudge again: one dispatch run takes both');
-- As if a new transaction began (the remembered nudge is transaction-local).
select set_config('marketbase.dispatch_nudged', '', true);
insert into private.notification_outbox (event_type, dedup_key, recipient_ids)
select 'booking.confirmed', 'test:batch:' || g, tests.uids('owner') from generate_series(1, 3) g;
select is((select count(*) from pg_temp.nudges()), 2::bigint, 'many events in one statement nudge once');
update private.settings set value = 'null' where key = 'notifications.dispatch_url';

select * from finish();
rollback;
