-- requeue_notification_event, retry_notification_delivery, list_email_suppressions,
-- lift_email_suppression: admins act on failed work (a failed outbox event back to pending, a
-- dead or skipped delivery back to queued, a suppressed address taken off the list) and nobody
-- else can; each change is exactly what it says, and the dispatcher's service functions then
-- pick the work up again like any other.
begin;
set local time zone 'UTC';
select plan(46);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('owner');
select tests.create_supabase_user('bounced', email => 'Bounced@Example.com');
select tests.create_supabase_user('device');
select tests.create_supabase_user('reader');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');

-- Security definer (the test's own role): the ids are looked up while acting as anyone.
create function pg_temp.outbox(key text) returns bigint language sql stable security definer as $$
  select o.id from private.notification_outbox o where o.dedup_key = key
$$;
-- The delivery of event <key> to <name> on <channel>.
create function pg_temp.delivery(key text, name text, by_channel text) returns uuid language sql stable security definer as $$
  select d.id from public.notification_deliveries d
  where d.outbox_id = pg_temp.outbox(key) and d.user_id = tests.get_supabase_uid(name) and d.channel::text = by_channel
$$;
grant execute on function pg_temp.outbox(text), pg_temp.delivery(text, text, text)
  to anon, authenticated, service_role;

insert into public.push_tokens (user_id, token, platform) values
  (tests.get_supabase_uid('owner'), 'token-owner-phone', 'android'),
  (tests.get_supabase_uid('device'), 'token-device-phone', 'ios');
insert into private.email_suppressions (address, reason) values ('bounced@example.com', 'mailbox does not exist');

-- A booking event to three users (email and push by default); an announcement whose data lacks
-- action_url, which the inbox template needs; one for later; a withdrawn reminder.
select private.enqueue_notification('booking.completed', 'test:completed',
  array[tests.get_supabase_uid('owner'), tests.get_supabase_uid('bounced'), tests.get_supabase_uid('device')],
  '{"booking_id": "b-1", "offering_title": "Grooming", "starts_at": "Tue 13 Jan 2026, 10:00", "timezone": "UTC",
    "client_name": "Owner", "provider_name": "Groomer", "action_url": "https://app.example.com/bookings/b-1"}');
select private.enqueue_notification('announcement', 'test:holey', array[tests.get_supabase_uid('reader')],
  '{"title": "We moved", "body": "Same app, new office."}');
select private.enqueue_notification('booking.reminder_1h', 'test:later', array[tests.get_supabase_uid('owner')], '{}', now() + interval '1 day');
insert into private.notification_outbox (event_type, dedup_key, recipient_ids, status)
values ('booking.reminder_24h', 'test:withdrawn', array[tests.get_supabase_uid('owner')], 'cancelled');

select tests.authenticate_as_service_role();
select service.expand_notifications();
select tests.clear_authentication();
-- The device signs out before its push goes: the push is skipped.
delete from public.push_tokens where token = 'token-device-phone';
select tests.authenticate_as_service_role();
select count(*) from service.claim_deliveries('worker-a', 50);
select service.record_delivery(pg_temp.delivery('test:completed', 'owner', 'email'), 'worker-a', 'undeliverable', 'smtp', null,
  'message too large');
select service.record_delivery(pg_temp.delivery('test:completed', 'owner', 'push'), 'worker-a', 'sent', 'fcm', 'p-1');
select service.record_delivery(pg_temp.delivery('test:completed', 'device', 'email'), 'worker-a', 'rejected', 'smtp', null,
  '550 5.1.1 user unknown');
select tests.clear_authentication();

select results_eq(
  $$select u.name, d.channel::text, d.status::text, d.attempts, d.last_error
    from public.notification_deliveries d
    join (values ('owner'), ('bounced'), ('device')) u (name) on tests.get_supabase_uid(u.name) = d.user_id
    order by u.name, d.channel$$,
  $$values ('bounced', 'email', 'skipped', 0, 'suppressed: mailbox does not exist'),
           ('device', 'email', 'dead', 1, '550 5.1.1 user unknown'),
           ('device', 'push', 'skipped', 0, 'push token removed from the account'),
           ('owner', 'email', 'dead', 1, 'message too large'),
           ('owner', 'push', 'sent', 1, null)$$,
  'fixture: a dead and a sent delivery, a bounce, a suppressed address and a device that left');
select results_eq(
  $$select dedup_key, status from private.notification_outbox order by id$$,
  $$values ('test:completed', 'expanded'), ('test:holey', 'failed'), ('test:later', 'pending'), ('test:withdrawn', 'cancelled')$$,
  'fixture: an expanded, a failed, a pending and a cancelled event');
select set_config('t.owner_email', (select to_jsonb(d)::text from public.notification_deliveries d
  where d.id = pg_temp.delivery('test:completed', 'owner', 'email')), true);
select set_config('t.holey', (select to_jsonb(o)::text from private.notification_outbox o where o.dedup_key = 'test:holey'), true);

-- Anonymous visitors -----------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok(format('select public.requeue_notification_event(%s)', pg_temp.outbox('test:holey')), '42501',
  'permission denied for function requeue_notification_event', 'visitors cannot requeue events');
select throws_ok(format('select public.retry_notification_delivery(%L)', pg_temp.delivery('test:completed', 'owner', 'email')),
  '42501', 'permission denied for function retry_notification_delivery', 'visitors cannot retry deliveries');
select throws_ok($$select * from public.list_email_suppressions()$$, '42501',
  'permission denied for function list_email_suppressions', 'visitors cannot list suppressed addresses');
select throws_ok($$select public.lift_email_suppression('bounced@example.com')$$, '42501',
  'permission denied for function lift_email_suppression', 'visitors cannot lift suppressions');

-- A plain user ------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select throws_ok(format('select public.requeue_notification_event(%s)', pg_temp.outbox('test:holey')), '42501',
  'only admins can requeue notification events', 'a signed-in user cannot requeue events');
select throws_ok(format('select public.retry_notification_delivery(%L)', pg_temp.delivery('test:completed', 'owner', 'email')),
  '42501', 'only admins can retry notification deliveries', 'a signed-in user cannot retry another''s delivery');
select throws_ok($$select * from public.list_email_suppressions()$$, '42501',
  'only admins can list email suppressions', 'a signed-in user cannot list suppressed addresses');
select throws_ok($$select public.lift_email_suppression('bounced@example.com')$$, '42501',
  'only admins can lift email suppressions', 'a signed-in user cannot lift suppressions');

-- The owner of the deliveries ------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select results_eq(
  $$select status::text from public.notification_deliveries where channel = 'email'$$, $$values ('dead')$$,
  'the owner reads their dead delivery');
select throws_ok(format('select public.retry_notification_delivery(%L)', pg_temp.delivery('test:completed', 'owner', 'email')),
  '42501', 'only admins can retry notification deliveries', 'the owner of a dead delivery cannot retry it');
select throws_ok($$select public.lift_email_suppression('owner@test.local')$$, '42501',
  'only admins can lift email suppressions', 'nor lift a suppression, even of their own address');
select throws_ok($$select * from public.list_email_suppressions()$$, '42501',
  'only admins can list email suppressions', 'nor list suppressed addresses');
select throws_ok(format('select public.requeue_notification_event(%s)', pg_temp.outbox('test:completed')), '42501',
  'only admins can requeue notification events', 'nor requeue the event of their deliveries');
select tests.clear_authentication();
select is((select to_jsonb(d) from public.notification_deliveries d where d.id = pg_temp.delivery('test:completed', 'owner', 'email')),
  current_setting('t.owner_email')::jsonb, 'the refusals changed nothing');

-- Admins: outbox events --------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select throws_ok($$select public.requeue_notification_event(-1)$$, 'PT404', 'outbox_id: notification event -1 not found',
  'an unknown event cannot be requeued');
select throws_ok(format('select public.requeue_notification_event(%s)', pg_temp.outbox('test:completed')), 'PT409',
  format('outbox_id: notification event %s is expanded, only a failed event can be requeued', pg_temp.outbox('test:completed')),
  'an expanded event cannot be requeued (its deliveries can be retried)');
select throws_ok(format('select public.requeue_notification_event(%s)', pg_temp.outbox('test:later')), 'PT409',
  format('outbox_id: notification event %s is pending, only a failed event can be requeued', pg_temp.outbox('test:later')),
  'a pending event cannot be requeued');
select throws_ok(format('select public.requeue_notification_event(%s)', pg_temp.outbox('test:withdrawn')), 'PT409',
  format('outbox_id: notification event %s is cancelled, only a failed event can be requeued', pg_temp.outbox('test:withdrawn')),
  'a cancelled event (a withdrawn reminder) cannot be requeued');
-- The admin fixes what failed it: the inbox template no longer needs action_url.
update public.notification_templates set action_url = null
where event_type = 'announcement' and channel = 'in_app' and locale = 'en';
select is(public.requeue_notification_event(pg_temp.outbox('test:holey')), 'pending', 'an admin requeues a failed event');
select tests.clear_authentication();
select is((select to_jsonb(o) from private.notification_outbox o where o.dedup_key = 'test:holey'),
  current_setting('t.holey')::jsonb || '{"status": "pending", "error": null}',
  'the event is pending again with its error cleared, and nothing else changed');
select results_eq(
  $$select dedup_key, status from private.notification_outbox where dedup_key <> 'test:holey' order by id$$,
  $$values ('test:completed', 'expanded'), ('test:later', 'pending'), ('test:withdrawn', 'cancelled')$$,
  'the other events are as they were');
select tests.authenticate_as('admin');
select throws_ok(format('select public.requeue_notification_event(%s)', pg_temp.outbox('test:holey')), 'PT409',
  format('outbox_id: notification event %s is pending, only a failed event can be requeued', pg_temp.outbox('test:holey')),
  'requeueing twice is refused');

-- Admins: suppressions ------------------------------------------------------------------------------------
select results_eq(
  $$select address, reason from public.list_email_suppressions()$$,
  $$values ('bounced@example.com', 'mailbox does not exist'), ('device@test.local', '550 5.1.1 user unknown')$$,
  'an admin lists the suppressed addresses and why (a bounce recorded by the dispatcher among them)');

-- Admins: deliveries ---------------------------------------------------------------------------------------
select throws_ok($$select public.retry_notification_delivery('00000000-0000-0000-0000-000000000000')$$, 'PT404',
  'delivery_id: notification delivery 00000000-0000-0000-0000-000000000000 not found', 'an unknown delivery cannot be retried');
select throws_ok(format('select public.retry_notification_delivery(%L)', pg_temp.delivery('test:completed', 'owner', 'push')),
  'PT409', format('delivery_id: notification delivery %s is sent, only a dead or skipped delivery can be retried',
                  pg_temp.delivery('test:completed', 'owner', 'push')),
  'a sent delivery cannot be retried');
select throws_ok(format('select public.retry_notification_delivery(%L)', pg_temp.delivery('test:completed', 'bounced', 'email')),
  'PT409', format('delivery_id: the address of notification delivery %s is suppressed (mailbox does not exist); lift the suppression first',
                  pg_temp.delivery('test:completed', 'bounced', 'email')),
  'a delivery skipped for a suppressed address cannot be retried while the suppression stands');
select throws_ok(format('select public.retry_notification_delivery(%L)', pg_temp.delivery('test:completed', 'device', 'email')),
  'PT409', format('delivery_id: the address of notification delivery %s is suppressed (550 5.1.1 user unknown); lift the suppression first',
                  pg_temp.delivery('test:completed', 'device', 'email')),
  'nor a delivery that died of a bounce');
select throws_ok(format('select public.retry_notification_delivery(%L)', pg_temp.delivery('test:completed', 'device', 'push')),
  'PT409', format('delivery_id: the push token of notification delivery %s is no longer registered to its user',
                  pg_temp.delivery('test:completed', 'device', 'push')),
  'a push skipped because its device left the account cannot be retried');

select results_eq(
  format('select status::text, attempts, max_attempts, next_attempt_at, last_error, lease_expires_at, claimed_by
          from public.retry_notification_delivery(%L)', pg_temp.delivery('test:completed', 'owner', 'email')),
  $$values ('queued', 1, 4, now(), 'message too large', null::timestamptz, null::text)$$,
  'an admin retries a dead delivery: queued now with three more attempts, its last error kept until the next one');
select tests.clear_authentication();
select is(
  (select to_jsonb(d) - '{status,max_attempts,next_attempt_at,claimed_by,updated_at}'::text[]
   from public.notification_deliveries d where d.id = pg_temp.delivery('test:completed', 'owner', 'email')),
  current_setting('t.owner_email')::jsonb - '{status,max_attempts,next_attempt_at,claimed_by,updated_at}'::text[],
  'nothing else of the delivery changed (attempts, provider, destination, error kept)');
select tests.authenticate_as('admin');

select is(public.lift_email_suppression('  Bounced@EXAMPLE.com '), true, 'an admin lifts a suppression, in any case');
select is(public.lift_email_suppression('bounced@example.com'), false, 'lifting it again says it was not suppressed');
select is(public.lift_email_suppression('nobody@example.com'), false, 'an address never suppressed is not');
select results_eq($$select address from public.list_email_suppressions()$$, $$values ('device@test.local')$$,
  'only that address left the list');
select results_eq(
  $$select status::text from public.notification_deliveries where id = pg_temp.delivery('test:completed', 'bounced', 'email')$$,
  $$values ('skipped')$$, 'lifting a suppression retries nothing by itself');
select results_eq(
  format('select status::text, attempts, max_attempts, next_attempt_at, last_error
          from public.retry_notification_delivery(%L)', pg_temp.delivery('test:completed', 'bounced', 'email')),
  $$values ('queued', 0, 3, now(), 'suppressed: mailbox does not exist')$$,
  'once lifted, the skipped delivery is retried: queued now, three attempts');
select throws_ok(format('select public.retry_notification_delivery(%L)', pg_temp.delivery('test:completed', 'bounced', 'email')),
  'PT409', format('delivery_id: notification delivery %s is queued, only a dead or skipped delivery can be retried',
                  pg_temp.delivery('test:completed', 'bounced', 'email')),
  'retrying twice is refused');
select tests.clear_authentication();
select results_eq(
  $$select u.name, d.channel::text, d.status::text
    from public.notification_deliveries d
    join (values ('owner'), ('bounced'), ('device')) u (name) on tests.get_supabase_uid(u.name) = d.user_id
    order by u.name, d.channel$$,
  $$values ('bounced', 'email', 'queued'), ('device', 'email', 'dead'), ('device', 'push', 'skipped'),
           ('owner', 'email', 'queued'), ('owner', 'push', 'sent')$$,
  'the refused deliveries are as they were');

-- The dispatcher picks the work up again ------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(service.expand_notifications(), 1, 'the requeued event is expanded by the next run');
select tests.clear_authentication();
select results_eq(
  $$select o.status, o.error, o.recipient_count, n.user_id, n.title, n.action_url
    from private.notification_outbox o join public.notifications n on n.outbox_id = o.id where o.dedup_key = 'test:holey'$$,
  $$values ('expanded', null::text, 1, tests.get_supabase_uid('reader'), 'We moved', null::text)$$,
  'its recipient has it in the inbox, rendered with the fixed template');
select tests.authenticate_as_service_role();
select results_eq(
  $$select c.destination, c.attempt from service.claim_deliveries('worker-b', 50) c order by c.destination$$,
  $$values ('Bounced@Example.com', 1), ('owner@test.local', 2)$$,
  'the retried deliveries are claimed again, and only they');
select tests.clear_authentication();
select is(
  service.record_delivery(pg_temp.delivery('test:completed', 'owner', 'email'), 'worker-b', 'sent', 'smtp', 'm-2'), 'sent',
  'a retried delivery is recorded like any other');
select is(
  (select last_error from public.notification_deliveries where id = pg_temp.delivery('test:completed', 'owner', 'email')),
  'message too large', 'a success keeps the last error, as for any delivery');

-- service_role is not an admin -----------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select throws_ok($$select public.lift_email_suppression('device@test.local')$$, '42501',
  'only admins can lift email suppressions', 'the service role is not an admin either');
select tests.clear_authentication();

select * from finish();
rollback;
