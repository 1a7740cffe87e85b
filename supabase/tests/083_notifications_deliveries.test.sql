-- expand_notifications, compose_digests, claim_deliveries, record_delivery, the inbox and its
-- read marking: events become rendered inbox rows and deliveries per the recipients' preferences
-- (muted channels get nothing, critical categories always reach inbox and email), quiet hours in
-- the user's timezone and the daily digest; workers claim under a lease, only the holder records,
-- retries back off with jitter until dead, bounces and dead push tokens are dealt with, a message that
-- can never be sent through no fault of its address is dead at once and blames nobody; who reads
-- and changes inbox rows and deliveries.
begin;
set local time zone 'UTC';
select plan(137);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('owner');
select tests.create_supabase_user('bruno', phone => '+5511999990000', metadata => '{"locale": "pt-BR"}');
select tests.create_supabase_user('muted');
select tests.create_supabase_user('quiet');
select tests.create_supabase_user('digester');
select tests.create_supabase_user('bounced', email => 'Bounced@Example.com');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');

create function pg_temp.outbox(key text) returns bigint language sql stable as $$
  select o.id from private.notification_outbox o where o.dedup_key = key
$$;
-- The delivery of event <key> to <name> on <channel>.
create function pg_temp.delivery(key text, name text, by_channel text) returns uuid language sql stable as $$
  select d.id from public.notification_deliveries d
  where d.outbox_id = pg_temp.outbox(key) and d.user_id = tests.get_supabase_uid(name) and d.channel::text = by_channel
$$;
grant execute on function pg_temp.outbox(text), pg_temp.delivery(text, text, text)
  to anon, authenticated, service_role;
-- Bruno's phone is verified with Supabase Auth (stored without its '+'), where SMS go
-- (20260115000200: never to a number nobody verified).
update auth.users set phone = '5511999990000', phone_confirmed_at = now() where id = tests.get_supabase_uid('bruno');

-- Bruno reads Portuguese (templates in pt serve pt-BR) and wants SMS about bookings.
insert into public.notification_templates (event_type, channel, locale, title, body, action_url) values
  ('booking.completed', 'in_app', 'pt', 'Reserva concluída, {{ recipient_name }}', '{{ offering_title }}: obrigado!', '{{ action_url }}'),
  ('booking.completed', 'sms', 'pt', 'Reserva concluída', 'Concluído: {{ offering_title }} {{ action_url }}', '{{ action_url }}');
insert into public.notification_preferences (user_id, category, channel, enabled) values
  (tests.get_supabase_uid('bruno'), 'bookings', 'sms', true),
  (tests.get_supabase_uid('muted'), 'bookings', 'email', false),
  (tests.get_supabase_uid('muted'), 'payments', 'push', false),
  (tests.get_supabase_uid('digester'), 'announcements', 'email', true);
-- Quiet from an hour ago to two hours from now, in São Paulo (no DST).
insert into public.notification_settings (user_id, timezone, quiet_hours_start, quiet_hours_end) values
  (tests.get_supabase_uid('quiet'), 'America/Sao_Paulo', ((now() at time zone 'America/Sao_Paulo') - interval '1 hour')::time,
   ((now() at time zone 'America/Sao_Paulo') + interval '2 hours')::time);
insert into public.notification_settings (user_id, timezone, digest_enabled, digest_hour) values
  (tests.get_supabase_uid('digester'), 'Asia/Tokyo', true, 8);
insert into public.push_tokens (user_id, token, platform) values
  (tests.get_supabase_uid('owner'), 'token-owner-phone', 'android'),
  (tests.get_supabase_uid('quiet'), 'token-quiet-phone', 'ios'),
  (tests.get_supabase_uid('muted'), 'token-muted-phone', 'ios');
insert into private.email_suppressions (address, reason) values ('bounced@example.com', 'mailbox does not exist');
insert into public.topic_subscriptions (topic, user_id) values
  ('product_updates', tests.get_supabase_uid('digester')), ('product_updates', tests.get_supabase_uid('owner'));

select private.enqueue_notification('booking.completed', 'test:completed',
  array[tests.get_supabase_uid('owner'), tests.get_supabase_uid('bruno'), tests.get_supabase_uid('muted'), tests.get_supabase_uid('quiet'), tests.get_supabase_uid('digester'),
        tests.get_supabase_uid('bounced')],
  '{"booking_id": "b-1", "offering_title": "Grooming", "starts_at": "Tue 13 Jan 2026, 10:00", "timezone": "UTC",
    "client_name": "Owner", "provider_name": "Groomer", "action_url": "https://app.example.com/bookings/b-1"}');
select private.enqueue_notification('payment.failed', 'test:failed',
  array[tests.get_supabase_uid('muted'), tests.get_supabase_uid('quiet'), tests.get_supabase_uid('digester')],
  '{"invoice_number": "INV-7", "offering_title": "Grooming", "amount": "50.00", "currency": "EUR", "reason": "card declined",
    "action_url": "https://app.example.com/invoices/7"}');
select private.enqueue_notification('announcement', 'test:news', array[tests.get_supabase_uid('owner')],
  '{"title": "We moved", "body": "Same app, new office.", "action_url": null, "severity": "success"}', now(), null, 'product_updates');
select private.enqueue_notification('booking.reminder_1h', 'test:later', array[tests.get_supabase_uid('owner')], '{}', now() + interval '1 day');

-- Expansion ---------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(service.expand_notifications(2), 2, 'expansion takes at most max_rows due events');
select is(service.expand_notifications(), 1, 'the next call takes the rest of what is due');
select is(service.expand_notifications(), 0, 'an event is expanded once; one for later waits');
select tests.clear_authentication();
select results_eq(
  $$select dedup_key, status, recipient_count, expanded_at is not null from private.notification_outbox order by id$$,
  $$values ('test:completed', 'expanded', 6, true), ('test:failed', 'expanded', 3, true), ('test:news', 'expanded', 2, true),
           ('test:later', 'pending', null, false)$$,
  'expanded events say when and to how many; a topic and recipients together reach each user once');

-- The inbox: rendered, per locale and recipient
select results_eq(
  $$select title, body, action_url, severity::text, priority, category, data ->> 'booking_id'
    from public.notifications where outbox_id = pg_temp.outbox('test:completed') and user_id = tests.get_supabase_uid('owner')$$,
  $$values ('Booking completed', 'Grooming on Tue 13 Jan 2026, 10:00 is done. Thank you!', 'https://app.example.com/bookings/b-1',
            'success', 3::smallint, 'bookings', 'b-1')$$,
  'an inbox row holds the rendered English template, the event''s severity, priority, category and data');
select results_eq(
  $$select title, body from public.notifications where outbox_id = pg_temp.outbox('test:completed') and user_id = tests.get_supabase_uid('bruno')$$,
  $$values ('Reserva concluída, bruno', 'Grooming: obrigado!')$$,
  'pt-BR falls back to the pt template, and recipient_name is each recipient''s own');
select is((select count(*) from public.notifications where outbox_id = pg_temp.outbox('test:completed')), 6::bigint,
  'every recipient gets the booking event in the inbox (nobody muted it there)');
select results_eq(
  $$select title, body, severity::text from public.notifications where outbox_id = pg_temp.outbox('test:news') order by user_id$$,
  $$select 'We moved', 'Same app, new office.', 'success' from generate_series(1, 2)$$,
  'an announcement reaches the topic''s subscribers and the named recipient once each, with the severity it was sent with');

-- Deliveries: the channels each user wants, when they may go
select results_eq(
  $$select u.name, d.channel::text, d.destination, d.status::text, d.digest, d.next_attempt_at, d.locale, d.priority
    from public.notification_deliveries d
    join (values ('owner'), ('bruno'), ('muted'), ('quiet'), ('digester'), ('bounced')) u (name) on tests.get_supabase_uid(u.name) = d.user_id
    where d.outbox_id = pg_temp.outbox('test:completed')
    order by u.name, d.channel$$,
  $$values
    ('bounced', 'email', 'Bounced@Example.com', 'skipped', false, now(), 'en', 3::smallint),
    ('bruno', 'email', 'bruno@test.local', 'queued', false, now(), 'pt-BR', 3::smallint),
    ('bruno', 'sms', '+5511999990000', 'queued', false, now(), 'pt-BR', 3::smallint),
    ('digester', 'email', 'digester@test.local', 'queued', true,
      ((now() at time zone 'Asia/Tokyo')::date + time '08:00'
        + case when (now() at time zone 'Asia/Tokyo')::time >= time '08:00' then interval '1 day' else interval '0' end)
        at time zone 'Asia/Tokyo', 'en', 3::smallint),
    ('muted', 'push', 'token-muted-phone', 'queued', false, now(), 'en', 3::smallint),
    ('owner', 'email', 'owner@test.local', 'queued', false, now(), 'en', 3::smallint),
    ('owner', 'push', 'token-owner-phone', 'queued', false, now(), 'en', 3::smallint),
    ('quiet', 'email', 'quiet@test.local', 'queued', false, now() + interval '2 hours', 'en', 3::smallint),
    ('quiet', 'push', 'token-quiet-phone', 'queued', false, now() + interval '2 hours', 'en', 3::smallint)$$,
  'booking deliveries: email and push by default, SMS where asked, no email where muted; quiet hours hold them until their end in '
  'São Paulo; the digest user''s email waits for 08:00 in Tokyo; a suppressed address is skipped');
select is((select last_error from public.notification_deliveries where id = pg_temp.delivery('test:completed', 'bounced', 'email')),
  'suppressed: mailbox does not exist', 'the skipped delivery says why');
select results_eq(
  $$select u.name, d.channel::text, d.status::text, d.digest, d.next_attempt_at
    from public.notification_deliveries d
    join (values ('muted'), ('quiet'), ('digester')) u (name) on tests.get_supabase_uid(u.name) = d.user_id
    where d.outbox_id = pg_temp.outbox('test:failed')
    order by u.name, d.channel$$,
  $$values ('digester', 'email', 'queued', false, now()), ('muted', 'email', 'queued', false, now()),
           ('quiet', 'email', 'queued', false, now()), ('quiet', 'push', 'queued', false, now())$$,
  'a critical payment event goes at once, through quiet hours and past the digest; its push can be muted, not its email');
select is((select count(*) from public.notifications where outbox_id = pg_temp.outbox('test:failed')), 3::bigint,
  'a critical event reaches every inbox');
select results_eq(
  $$select d.user_id, d.channel::text, d.digest from public.notification_deliveries d where d.outbox_id = pg_temp.outbox('test:news')$$,
  $$values (tests.get_supabase_uid('digester'), 'email', true)$$,
  'an announcement goes by email only to who asked for it (the inbox is its default), and waits for their digest');

-- Claiming ----------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select set_config('t.claim_a', (select jsonb_agg(c)::text from service.claim_deliveries('worker-a', 3) c), true);
select results_eq(
  $$select c ->> 'event_type', (c ->> 'attempt')::int, c ->> 'idempotency_key' = c ->> 'delivery_id', (c ->> 'priority')::int
    from jsonb_array_elements(current_setting('t.claim_a')::jsonb) c$$,
  $$select 'payment.failed', 1, true, 8 from generate_series(1, 3)$$,
  'a worker claims the most urgent first: three payment deliveries, first attempt, keyed by the delivery id');
select results_eq(
  $$select count(*), min(claimed_by), bool_and(lease_expires_at = now() + interval '120 seconds'), min(attempts)
    from public.notification_deliveries where status = 'sending'$$,
  $$values (3::bigint, 'worker-a', true, 1)$$,
  'claimed deliveries are sending, held by the worker for a two-minute lease');
select set_config('t.claim_b', (select jsonb_agg(c)::text from service.claim_deliveries('worker-b', 50, 300) c), true);
select results_eq(
  $$select c ->> 'channel', c ->> 'destination' from jsonb_array_elements(current_setting('t.claim_b')::jsonb) c
    where c ->> 'event_type' = 'booking.completed' order by 1, 2$$,
  $$values ('email', 'bruno@test.local'), ('email', 'owner@test.local'), ('push', 'token-muted-phone'),
           ('push', 'token-owner-phone'), ('sms', '+5511999990000')$$,
  'a second worker gets the rest that is due: nothing held by quiet hours, the digest or a suppression');
select results_eq(
  $$select count(*) filter (where c ->> 'event_type' = 'payment.failed'),
           count(*) filter (where c ->> 'delivery_id' in (select a ->> 'delivery_id'
                                                          from jsonb_array_elements(current_setting('t.claim_a')::jsonb) a))
    from jsonb_array_elements(current_setting('t.claim_b')::jsonb) c$$,
  $$values (1::bigint, 0::bigint)$$,
  'including the fourth payment delivery, and nothing the first worker holds');
select is_empty($$select * from service.claim_deliveries('worker-c')$$, 'a third worker finds nothing due');
select results_eq(
  $$select c ->> 'subject', c ->> 'title', c ->> 'body', c ->> 'action_url', c ->> 'locale', c -> 'data' ->> 'recipient_name',
           c -> 'data' ->> 'offering_title', c ->> 'severity'
    from jsonb_array_elements(current_setting('t.claim_b')::jsonb) c
    where c ->> 'channel' in ('sms', 'email') and c ->> 'destination' in ('+5511999990000', 'bruno@test.local')
    order by c ->> 'channel'$$,
  $$values ('Thanks for {{ offering_title }}', 'Your booking is completed',
            (select body from public.notification_templates where event_type = 'booking.completed' and channel = 'email' and locale = 'en'),
            '{{ action_url }}', 'pt-BR', 'bruno', 'Grooming', 'success'),
           (null, 'Reserva concluída', 'Concluído: {{ offering_title }} {{ action_url }}', '{{ action_url }}', 'pt-BR', 'bruno',
            'Grooming', 'success')$$,
  'a claim carries the template texts to render (pt for pt-BR where there is one, else en) and the data with recipient_name');

-- A worker dies: its lease lapses and another worker takes the delivery
update public.notification_deliveries set lease_expires_at = now() - interval '1 second'
where id = ((current_setting('t.claim_a')::jsonb) -> 0 ->> 'delivery_id')::uuid;
select results_eq(
  $$select c.delivery_id::text, c.attempt from service.claim_deliveries('worker-d') c$$,
  $$values ((current_setting('t.claim_a')::jsonb) -> 0 ->> 'delivery_id', 2)$$,
  'a delivery whose lease lapsed is claimed again, as its second attempt');
select is(
  service.record_delivery(((current_setting('t.claim_a')::jsonb) -> 0 ->> 'delivery_id')::uuid, 'worker-a', 'sent', 'smtp', 'm-stale'),
  null, 'the worker that lost the lease cannot record: null');
select results_eq(
  $$select status::text, claimed_by, provider_message_id from public.notification_deliveries
    where id = ((current_setting('t.claim_a')::jsonb) -> 0 ->> 'delivery_id')::uuid$$,
  $$values ('sending', 'worker-d', null::text)$$, 'and nothing changed');
select is(
  service.record_delivery(((current_setting('t.claim_a')::jsonb) -> 0 ->> 'delivery_id')::uuid, 'worker-d', 'sent', 'smtp', 'm-1'),
  'sent', 'the holder records the send');
select results_eq(
  $$select status::text, provider, provider_message_id, sent_at, lease_expires_at from public.notification_deliveries
    where id = ((current_setting('t.claim_a')::jsonb) -> 0 ->> 'delivery_id')::uuid$$,
  $$values ('sent', 'smtp', 'm-1', now(), null::timestamptz)$$, 'a sent delivery keeps the provider''s message id and when');
select is(
  service.record_delivery(((current_setting('t.claim_a')::jsonb) -> 0 ->> 'delivery_id')::uuid, 'worker-d', 'sent', 'smtp', 'm-1'),
  null, 'recording twice changes nothing');

-- Retries back off exponentially, with jitter, until dead
select is(
  service.record_delivery(((current_setting('t.claim_a')::jsonb) -> 1 ->> 'delivery_id')::uuid, 'worker-a', 'retry', 'smtp', null,
                          '421 try again later'),
  'failed', 'a retryable failure is failed, to be tried again');
select results_eq(
  $$select next_attempt_at between now() + interval '15 seconds' and now() + interval '30 seconds', last_error, lease_expires_at
    from public.notification_deliveries where id = ((current_setting('t.claim_a')::jsonb) -> 1 ->> 'delivery_id')::uuid$$,
  $$values (true, '421 try again later', null::timestamptz)$$,
  'after the first attempt it waits 30 s less up to half of it (jitter)');
update public.notification_deliveries set attempts = 3 where id = ((current_setting('t.claim_a')::jsonb) -> 2 ->> 'delivery_id')::uuid;
select service.record_delivery(((current_setting('t.claim_a')::jsonb) -> 2 ->> 'delivery_id')::uuid, 'worker-a', 'retry');
select ok(
  (select next_attempt_at between now() + interval '60 seconds' and now() + interval '120 seconds'
   from public.notification_deliveries where id = ((current_setting('t.claim_a')::jsonb) -> 2 ->> 'delivery_id')::uuid),
  'after the third attempt it waits 120 s less up to half: the backoff doubles per attempt');
update public.notification_deliveries set status = 'sending', claimed_by = 'worker-a', attempts = 12, max_attempts = 20
where id = ((current_setting('t.claim_a')::jsonb) -> 2 ->> 'delivery_id')::uuid;
select service.record_delivery(((current_setting('t.claim_a')::jsonb) -> 2 ->> 'delivery_id')::uuid, 'worker-a', 'retry');
select ok(
  (select next_attempt_at between now() + interval '30 minutes' and now() + interval '1 hour'
   from public.notification_deliveries where id = ((current_setting('t.claim_a')::jsonb) -> 2 ->> 'delivery_id')::uuid),
  'a late attempt waits at most an hour (with jitter, half to all of it)');
-- Jitter spreads retries: sixty deliveries failing together on their fourth attempt do not come back together.
insert into public.notification_deliveries (outbox_id, user_id, channel, destination, status, attempts, claimed_by, lease_expires_at)
select pg_temp.outbox('test:failed'), tests.get_supabase_uid('digester'), 'email', 'jitter' || g || '@example.com', 'sending', 4, 'worker-j',
       now() + interval '1 minute'
from generate_series(1, 60) g;
select is((select count(*) from public.notification_deliveries d where d.claimed_by = 'worker-j'
           and service.record_delivery(d.id, 'worker-j', 'retry') = 'failed'), 60::bigint, 'sixty retries recorded');
select ok((select count(distinct next_attempt_at) > 50 and min(next_attempt_at) >= now() + interval '120 seconds'
                  and max(next_attempt_at) <= now() + interval '240 seconds'
           from public.notification_deliveries where claimed_by = 'worker-j'),
  'jitter spreads them across half to all of the 240 s backoff of a fourth attempt');
update public.notification_deliveries set status = 'sending', claimed_by = 'worker-a', attempts = 6, max_attempts = 6
where id = ((current_setting('t.claim_a')::jsonb) -> 1 ->> 'delivery_id')::uuid;
select is(
  service.record_delivery(((current_setting('t.claim_a')::jsonb) -> 1 ->> 'delivery_id')::uuid, 'worker-a', 'retry', null, null, 'timeout'),
  'dead', 'a retry on the last allowed attempt is dead: never retried forever');
select throws_ok(
  $$select service.record_delivery(((current_setting('t.claim_a')::jsonb) -> 1 ->> 'delivery_id')::uuid, 'worker-a', 'exploded')$$,
  '22023', 'outcome: exploded is not sent, delivered, retry, undeliverable, rejected or gone', 'an unknown outcome is refused');
select throws_ok($$select * from service.claim_deliveries('  ')$$, '22023', 'worker: name the worker that claims',
  'a claim names its worker');

-- A lapsed lease on the last attempt is dead, not claimed again
update public.notification_deliveries set status = 'sending', claimed_by = 'worker-x', attempts = 6, max_attempts = 6,
  lease_expires_at = now() - interval '1 minute'
where id = pg_temp.delivery('test:completed', 'quiet', 'email');
select is_empty($$select * from service.claim_deliveries('worker-e')$$, 'a lapsed claim on its last attempt is not taken again');
select results_eq(
  $$select status::text, last_error from public.notification_deliveries where id = pg_temp.delivery('test:completed', 'quiet', 'email')$$,
  $$values ('dead', 'lease of worker-x expired on attempt 6')$$, 'it is dead, and says why');

-- Bounces and dead push tokens
select tests.clear_authentication();
select private.enqueue_notification('booking.confirmed', 'test:confirmed', array[tests.get_supabase_uid('owner')],
  '{"offering_title": "Grooming", "starts_at": "Wed 14 Jan 2026, 10:00", "timezone": "UTC", "client_name": "Owner",
    "provider_name": "Groomer", "action_url": "https://app.example.com/bookings/b-2"}');
select tests.authenticate_as_service_role();
select service.expand_notifications();
select is(
  service.record_delivery(pg_temp.delivery('test:completed', 'owner', 'email'), 'worker-b', 'rejected', 'smtp', null,
                          '550 5.1.1 user unknown'),
  'dead', 'a permanent rejection is dead at once');
select results_eq($$select address, reason from private.email_suppressions where address = 'owner@test.local'$$,
  $$values ('owner@test.local', '550 5.1.1 user unknown')$$, 'and the address is suppressed');
select results_eq(
  $$select status::text, last_error from public.notification_deliveries where id = pg_temp.delivery('test:confirmed', 'owner', 'email')$$,
  $$values ('skipped', 'rejected: 550 5.1.1 user unknown')$$, 'the other mail waiting for that address is skipped');
select is(
  service.record_delivery(pg_temp.delivery('test:completed', 'owner', 'push'), 'worker-b', 'gone', 'fcm', null, 'UNREGISTERED'),
  'dead', 'a push token the provider says is gone: dead');
select is_empty($$select * from public.push_tokens where token = 'token-owner-phone'$$, 'and the token is removed');
select results_eq(
  $$select status::text, last_error from public.notification_deliveries
    where id = pg_temp.delivery('test:confirmed', 'owner', 'push')$$,
  $$values ('skipped', 'gone: UNREGISTERED')$$, 'the other pushes waiting for that device are skipped, saying the provider''s word');
select is(service.record_delivery(pg_temp.delivery('test:completed', 'bruno', 'sms'), 'worker-b', 'delivered', 'twilio', 'SM1'),
  'delivered', 'a provider that confirms delivery records delivered');

-- A message that can never be sent, through no fault of its address or device
select tests.clear_authentication();
select private.enqueue_notification('booking.confirmed', 'test:reconfirmed', array[tests.get_supabase_uid('bruno'), tests.get_supabase_uid('muted')],
  '{"offering_title": "Grooming", "starts_at": "Wed 14 Jan 2026, 10:00", "timezone": "UTC", "client_name": "Owner",
    "provider_name": "Groomer", "action_url": "https://app.example.com/bookings/b-3"}');
select tests.authenticate_as_service_role();
select service.expand_notifications();
select is(
  service.record_delivery(pg_temp.delivery('test:completed', 'bruno', 'email'), 'worker-b', 'undeliverable', 'smtp', null,
                          '554 5.6.0 message content rejected'),
  'dead', 'an undeliverable message (not the address''s fault) is dead at once');
select results_eq(
  $$select status::text, attempts, last_error, lease_expires_at, sent_at from public.notification_deliveries
    where id = pg_temp.delivery('test:completed', 'bruno', 'email')$$,
  $$values ('dead', 1, '554 5.6.0 message content rejected', null::timestamptz, null::timestamptz)$$,
  'on its first attempt, not after max_attempts, and it keeps the error');
select is_empty($$select * from private.email_suppressions where address = 'bruno@test.local'$$,
  'the address is not suppressed');
select results_eq(
  $$select status::text from public.notification_deliveries where id = pg_temp.delivery('test:reconfirmed', 'bruno', 'email')$$,
  $$values ('queued')$$, 'and the user''s other mail to it still goes');
select is(
  service.record_delivery(pg_temp.delivery('test:completed', 'muted', 'push'), 'worker-b', 'undeliverable', 'fcm', null,
                          'INVALID_ARGUMENT (HTTP 400): Message is too big'),
  'dead', 'a push the provider refuses for its content is dead at once');
select isnt_empty($$select * from public.push_tokens where token = 'token-muted-phone'$$, 'and the device keeps its token');
select results_eq(
  $$select status::text from public.notification_deliveries where id = pg_temp.delivery('test:reconfirmed', 'muted', 'push')$$,
  $$values ('queued')$$, 'the other pushes to that device still go');

-- Digests
update public.notification_deliveries set next_attempt_at = now() - interval '1 minute' where digest;
select is(service.compose_digests(), 1, 'the due digest deliveries of a user become one digest');
select results_eq(
  $$select event_type, recipient_ids, (data ->> 'item_count')::int, data -> 'items' -> 0 ->> 'title', data -> 'items' -> 1 ->> 'title',
           data -> 'items' -> 1 ->> 'body', data ->> 'action_url'
    from private.notification_outbox where event_type = 'digest.daily'$$,
  $$values ('digest.daily', array[tests.get_supabase_uid('digester')], 2, 'Booking completed', 'We moved', 'Same app, new office.',
            'http://localhost:3000/notifications')$$,
  'the digest event lists the digested notifications, oldest first, as the inbox shows them');
select is((select count(*) from public.notification_deliveries where digest and status = 'digested'), 2::bigint,
  'the digested deliveries are marked digested');
select is(service.compose_digests(), 0, 'composing again finds nothing');
select service.expand_notifications();
select results_eq(
  $$select d.user_id, d.channel::text, d.digest, d.status::text, d.next_attempt_at from public.notification_deliveries d
    join private.notification_outbox o on o.id = d.outbox_id where o.event_type = 'digest.daily'$$,
  $$values (tests.get_supabase_uid('digester'), 'email', false, 'queued', now())$$,
  'the digest itself is an email that goes at once, not into the next digest');
select tests.clear_authentication();

-- Service functions are the Lambdas' alone
select tests.authenticate_as('admin');
select throws_ok($$select service.expand_notifications()$$, '42501', 'permission denied for schema service',
  'signed-in users cannot expand events');
select throws_ok($$select service.compose_digests()$$, '42501', 'permission denied for schema service',
  'signed-in users cannot compose digests');
select throws_ok($$select * from service.claim_deliveries('me')$$, '42501', 'permission denied for schema service',
  'signed-in users cannot claim deliveries');
select throws_ok($$select service.record_delivery(gen_random_uuid(), 'me', 'sent')$$, '42501', 'permission denied for schema service',
  'signed-in users cannot record deliveries');
select tests.authenticate_as_anon();
select throws_ok($$select service.expand_notifications()$$, '42501', 'permission denied for schema service',
  'visitors cannot expand events');
select throws_ok($$select service.compose_digests()$$, '42501', 'permission denied for schema service',
  'visitors cannot compose digests');
select throws_ok($$select * from service.claim_deliveries('me')$$, '42501', 'permission denied for schema service',
  'visitors cannot claim deliveries');
select throws_ok($$select service.record_delivery(gen_random_uuid(), 'me', 'sent')$$, '42501', 'permission denied for schema service',
  'visitors cannot record deliveries');

-- notifications (the inbox): access --------------------------------------------------------------------------
select tests.clear_authentication();
select set_config('t.bruno_note', (select id::text from public.notifications where user_id = tests.get_supabase_uid('bruno') limit 1), true);
select set_config('t.deliveries', (select count(*)::text from public.notification_deliveries), true);
select tests.authenticate_as_anon();
select throws_ok($$select * from public.notifications$$, '42501', 'permission denied for table notifications',
  '[notifications/anon/select] visitors have no inbox');
select throws_ok($$insert into public.notifications (user_id, outbox_id, event_type, category, title, body)
                   values (gen_random_uuid(), 1, 'announcement', 'announcements', 'x', 'y')$$,
  '42501', 'permission denied for table notifications', '[notifications/anon/insert] visitors cannot write notifications');
select throws_ok($$update public.notifications set read_at = now()$$, '42501', 'permission denied for table notifications',
  '[notifications/anon/update] visitors cannot mark notifications');
select throws_ok($$delete from public.notifications$$, '42501', 'permission denied for table notifications',
  '[notifications/anon/delete] visitors cannot delete notifications');
select throws_ok($$select public.mark_notifications_read()$$, '42501', null, 'visitors cannot mark anything read');
select throws_ok($$select public.count_unread_notifications()$$, '42501', null, 'visitors have no unread count');

select tests.authenticate_as('owner');
select results_eq($$select title from public.notifications order by created_at, title$$,
  $$values ('Booking completed'), ('Booking confirmed'), ('We moved')$$,
  '[notifications/owner/select] a user reads their own inbox');
select is(public.count_unread_notifications(), 3, 'a user counts their unread notifications (the badge)');
select is(public.mark_notifications_read(array[
    (select id from public.notifications where title = 'We moved'),
    current_setting('t.bruno_note')::uuid]),
  1, 'marking read counts only the caller''s own notifications (others'' ids are ignored)');
select is(public.mark_notifications_read(), 2, 'marking all read marks the rest');
select is(public.mark_notifications_read(), 0, 'and then there is nothing left unread');
select is(public.count_unread_notifications(), 0, 'the badge is gone');
select results_eq($$update public.notifications set read_at = null where title = 'We moved' returning title$$,
  $$values ('We moved')$$, '[notifications/owner/update] a user may mark a notification unread again (read_at is theirs)');
select is(public.count_unread_notifications(), 1, 'and it counts as unread again');
select throws_ok($$update public.notifications set title = 'Edited'$$, '42501', 'permission denied for table notifications',
  'but cannot change what it says');
select throws_ok($$insert into public.notifications (user_id, outbox_id, event_type, category, title, body)
                   values (auth.uid(), 1, 'announcement', 'announcements', 'Free money', 'Click')$$,
  '42501', 'permission denied for table notifications', '[notifications/owner/insert] a user cannot write into their inbox');
select results_eq($$delete from public.notifications where title = 'We moved' returning title$$, $$values ('We moved')$$,
  '[notifications/owner/delete] a user deletes their own notifications');

select tests.authenticate_as('stranger');
select is_empty($$select * from public.notifications$$, '[notifications/stranger/select] a user cannot read other inboxes');
select throws_ok($$insert into public.notifications (user_id, outbox_id, event_type, category, title, body)
                   values (tests.get_supabase_uid('owner'), 1, 'announcement', 'announcements', 'Phish', 'Click')$$,
  '42501', 'permission denied for table notifications', '[notifications/stranger/insert] a user cannot write into another inbox');
select is_empty($$update public.notifications set read_at = now() returning id$$,
  '[notifications/stranger/update] a user cannot mark other people''s notifications');
select is_empty($$delete from public.notifications returning id$$,
  '[notifications/stranger/delete] a user cannot delete other people''s notifications');
select is(public.mark_notifications_read(array[current_setting('t.bruno_note')::uuid]), 0,
  'mark_notifications_read ignores what is not the caller''s');
select is(public.count_unread_notifications(), 0, 'a user counts only their own unread notifications, not others''');

select tests.authenticate_as('admin');
select is_empty($$select * from public.notifications$$, '[notifications/admin/select] an inbox is private, from admins too');
select throws_ok($$insert into public.notifications (user_id, outbox_id, event_type, category, title, body)
                   values (tests.get_supabase_uid('owner'), 1, 'announcement', 'announcements', 'x', 'y')$$,
  '42501', 'permission denied for table notifications', '[notifications/admin/insert] admins announce, they do not write inboxes');
select is_empty($$update public.notifications set read_at = now() returning id$$,
  '[notifications/admin/update] admins cannot mark users'' notifications');
select is_empty($$delete from public.notifications returning id$$, '[notifications/admin/delete] admins cannot delete users'' notifications');
select is(public.count_unread_notifications(), 0, 'an admin''s count is of their own inbox, not everyone''s');
select tests.clear_authentication();
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public'
                  and tablename = 'notifications'), 'the inbox is published to Realtime');

-- notification_deliveries: access --------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.notification_deliveries$$, '42501', 'permission denied for table notification_deliveries',
  '[notification_deliveries/anon/select] visitors cannot read deliveries');
select throws_ok($$insert into public.notification_deliveries (outbox_id, user_id, channel, destination) values (1, gen_random_uuid(), 'email', 'x@y.z')$$,
  '42501', 'permission denied for table notification_deliveries', '[notification_deliveries/anon/insert] visitors cannot queue deliveries');
select throws_ok($$update public.notification_deliveries set status = 'sent'$$, '42501',
  'permission denied for table notification_deliveries', '[notification_deliveries/anon/update] visitors cannot change deliveries');
select throws_ok($$delete from public.notification_deliveries$$, '42501', 'permission denied for table notification_deliveries',
  '[notification_deliveries/anon/delete] visitors cannot delete deliveries');

select tests.authenticate_as('owner');
select results_eq($$select destination, status::text from public.notification_deliveries order by destination, status$$,
  $$values ('owner@test.local', 'dead'), ('owner@test.local', 'skipped'), ('token-owner-phone', 'dead'), ('token-owner-phone', 'skipped')$$,
  '[notification_deliveries/owner/select] a user reads what was sent to them, and nothing else');
select throws_ok($$insert into public.notification_deliveries (outbox_id, user_id, channel, destination) values (1, auth.uid(), 'email', 'x@y.z')$$,
  '42501', 'permission denied for table notification_deliveries', '[notification_deliveries/owner/insert] a user cannot queue deliveries');
select throws_ok($$update public.notification_deliveries set status = 'sent'$$, '42501',
  'permission denied for table notification_deliveries', '[notification_deliveries/owner/update] a user cannot change their deliveries');
select throws_ok($$delete from public.notification_deliveries$$, '42501', 'permission denied for table notification_deliveries',
  '[notification_deliveries/owner/delete] a user cannot delete their deliveries');

select tests.authenticate_as('stranger');
select is_empty($$select * from public.notification_deliveries$$,
  '[notification_deliveries/stranger/select] a user cannot see what was sent to others');
select throws_ok($$insert into public.notification_deliveries (outbox_id, user_id, channel, destination) values (1, auth.uid(), 'email', 'x@y.z')$$,
  '42501', 'permission denied for table notification_deliveries', '[notification_deliveries/stranger/insert] a user cannot queue deliveries');
select throws_ok($$update public.notification_deliveries set status = 'sent'$$, '42501',
  'permission denied for table notification_deliveries', '[notification_deliveries/stranger/update] a user cannot change deliveries');
select throws_ok($$delete from public.notification_deliveries$$, '42501', 'permission denied for table notification_deliveries',
  '[notification_deliveries/stranger/delete] a user cannot delete deliveries');

select tests.authenticate_as('admin');
select is((select count(*) from public.notification_deliveries), current_setting('t.deliveries')::bigint,
  '[notification_deliveries/admin/select] admins read every delivery (support: what was sent, when, why it failed)');
select ok((select count(distinct user_id) from public.notification_deliveries) = 6, 'everyone''s');
select throws_ok($$insert into public.notification_deliveries (outbox_id, user_id, channel, destination) values (1, auth.uid(), 'email', 'x@y.z')$$,
  '42501', 'permission denied for table notification_deliveries', '[notification_deliveries/admin/insert] admins cannot queue deliveries by hand');
select throws_ok($$update public.notification_deliveries set status = 'sent'$$, '42501',
  'permission denied for table notification_deliveries', '[notification_deliveries/admin/update] admins cannot rewrite delivery history');
select throws_ok($$delete from public.notification_deliveries$$, '42501', 'permission denied for table notification_deliveries',
  '[notification_deliveries/admin/delete] admins cannot delete delivery history');
select tests.clear_authentication();

-- Rendering: one pass, and nothing with a hole ---------------------------------------------------------------
select is(private.render_template('{{ title }}: {{ body }}', '{"title": "{{ body }}", "body": "x"}'), '{{ body }}: x',
  'a value is never read for placeholders: a title that says {{ body }} says it');
select is(private.render_template('{{ a }} {{ b }}', '{"a": "{{ b }}", "b": "{{ a }}"}'), '{{ b }} {{ a }}',
  'not even when values name each other');
select is(private.render_template_parts('Hi {{ recipient_name }}: {{ body }}', '{"body": "{{recipient_name}}"}', '{recipient_name}'),
  array['Hi ', ': {{recipient_name}}'],
  'the inbox texts are cut where the recipient''s name goes; a value spelling that placeholder is text, not a cut');
select is(private.render_template('Hi {{ recipient_name }}, {{ body }}', '{"body": "x"}', '{recipient_name}'), 'Hi {{recipient_name}}, x',
  'render_template leaves a kept placeholder as {{name}}');
select is(private.render_template('{{ a }} and {{ b }}', '{"a": "x"}'), null::text,
  'a variable the data does not carry renders nothing at all (null), not a message with a hole');
select is(private.render_template('[{{ a }}|{{ b }}|{{ c }}|{{ items }}]',
    '{"a": null, "b": true, "c": 3, "items": [{"title": "T", "body": "B"}, {"title": "Only"}, "plain"]}'),
  E'[|yes|3|T: B\nOnly\nplain]',
  'values are written as render.py writes them: null empty, yes / no, numbers, a list one item per line');
select is(private.render_template('a \ b {{ x }}', '{"x": "\\1 & $1"}'), 'a \ b \1 & $1',
  'backslashes and dollars in values and templates stay as they are');
select is(private.undefined_template_variables('{{ a }} {{ recipient_name }} {{ b }} {{ c }}', '{"b": null}', '{recipient_name}'),
  array['a', 'c'], 'the variables a template needs that the data lacks (a null is there; a kept one is filled later)');

-- An event that cannot be expanded fails alone ----------------------------------------------------------------
select tests.create_supabase_user('reader');
-- booking.confirmed without starts_at, timezone, client_name and provider_name: its templates cannot be filled.
select private.enqueue_notification('booking.confirmed', 'test:holey', array[tests.get_supabase_uid('reader')],
  '{"offering_title": "Grooming", "action_url": "/bookings/b-9"}');
-- A severity that is none (written past enqueue_notification's checks).
insert into private.notification_outbox (event_type, dedup_key, recipient_ids, data) values
  ('announcement', 'test:bad-severity', array[tests.get_supabase_uid('reader')],
   '{"title": "t", "body": "b", "action_url": null, "severity": "catastrophic"}');
select private.enqueue_notification('announcement', 'test:fine', array[tests.get_supabase_uid('reader')],
  '{"title": "Still {{ title }}", "body": "{{recipient_name}}, {{ body }} is not a placeholder here.", "action_url": null}');
select tests.authenticate_as_service_role();
select is(service.expand_notifications(), 3, 'a batch with events that cannot be expanded is dealt with whole');
select tests.clear_authentication();
select results_eq(
  $$select dedup_key, status, expanded_at from private.notification_outbox
    where dedup_key in ('test:holey', 'test:bad-severity') order by id$$,
  $$values ('test:holey', 'failed', null::timestamptz), ('test:bad-severity', 'failed', null)$$,
  'the two that cannot be expanded are failed');
select matches((select error from private.notification_outbox where dedup_key = 'test:holey'),
  '^booking\.confirmed: the (in_app|email) template \(en\) needs starts_at, timezone, client_name, provider_name, '
  'which the event''s data does not carry \(SQLSTATE 22023\)$',
  'one says which template needs which variables its data lacks');
select is((select error from private.notification_outbox where dedup_key = 'test:bad-severity'),
  'invalid input value for enum public.notification_severity: "catastrophic" (SQLSTATE 22P02)', 'the other gives the database''s error');
select is(
  (select count(*) from public.notifications n where n.outbox_id in (pg_temp.outbox('test:holey'), pg_temp.outbox('test:bad-severity')))
  + (select count(*) from public.notification_deliveries d
     where d.outbox_id in (pg_temp.outbox('test:holey'), pg_temp.outbox('test:bad-severity'))),
  0::bigint, 'a failed event wrote nothing: no inbox row with a hole, no delivery');
select results_eq(
  $$select o.status, n.title, n.body, n.action_url from private.notification_outbox o
    join public.notifications n on n.outbox_id = o.id where o.dedup_key = 'test:fine'$$,
  $$values ('expanded', 'Still {{ title }}', '{{recipient_name}}, {{ body }} is not a placeholder here.', null::text)$$,
  'the event beside them is expanded; its values are not read for placeholders (not even the recipient''s name), and no link '
  'is no link');
update private.notification_outbox
set data = data || '{"starts_at": "Tue 13 Jan 2026, 10:00", "timezone": "UTC", "client_name": "Reader", "provider_name": "Ana"}',
    status = 'pending', error = null
where dedup_key = 'test:holey';
select tests.authenticate_as_service_role();
select is(service.expand_notifications(), 1, 'a failed event whose data is mended and set back to pending is expanded');
select tests.clear_authentication();
select results_eq(
  $$select n.body from public.notifications n where n.outbox_id = pg_temp.outbox('test:holey')$$,
  $$values ('Grooming on Tue 13 Jan 2026, 10:00 (UTC) is confirmed: Reader with Ana.')$$, 'whole');

-- A push goes only to a device still on the account -------------------------------------------------------------
select tests.create_supabase_user('seller');
select tests.create_supabase_user('buyer');
select tests.authenticate_as('seller');
select public.register_push_token(t, 'android')
from unnest(array['seller-phone-0001', 'seller-tablet-0002', 'seller-watch-0003', 'seller-laptop-0004']) t;
select tests.clear_authentication();
select private.enqueue_notification('payment.failed', 'test:private', array[tests.get_supabase_uid('seller')],
  '{"invoice_number": "INV-9", "offering_title": "Grooming", "amount": "50.00", "currency": "EUR", "reason": "card declined",
    "action_url": "/invoices/9"}');
select tests.authenticate_as_service_role();
select service.expand_notifications();
select tests.clear_authentication();
-- The status of the seller's push to a device, and why.
create function pg_temp.push(token text) returns text language sql stable as $$
  select d.status::text || coalesce(': ' || d.last_error, '') from public.notification_deliveries d
  where d.outbox_id = pg_temp.outbox('test:private') and d.destination = token
$$;
select is((select count(*) from public.notification_deliveries d where d.outbox_id = pg_temp.outbox('test:private')
           and d.channel = 'push' and d.status = 'queued'), 4::bigint, 'the seller''s payment failure waits for their four devices');

-- (20260115000300: a device is taken from an account only once it signed out there.)
select tests.authenticate_as('seller');
select is(public.unregister_push_token('seller-phone-0001'), true, 'the seller signs out on their phone and sells it');
select tests.authenticate_as('buyer');
select isnt(public.register_push_token('seller-phone-0001', 'android'), null, 'the seller''s phone signs in to the buyer''s account');
select tests.clear_authentication();
select is(pg_temp.push('seller-phone-0001'), 'skipped: push token removed from the account',
  'the seller''s waiting push to it is skipped: the buyer never sees the seller''s payment failure');
select tests.authenticate_as('seller');
select results_eq($$delete from public.push_tokens where token = 'seller-tablet-0002' returning token$$, $$values ('seller-tablet-0002')$$,
  'the seller signs their tablet out');
select tests.clear_authentication();
select is(pg_temp.push('seller-tablet-0002'), 'skipped: push token removed from the account',
  'and its waiting push is skipped');
-- The watch's push was claimed by a worker that died; meanwhile the watch is signed out.
update public.notification_deliveries set status = 'sending', claimed_by = 'worker-gone', attempts = 1,
  lease_expires_at = now() - interval '1 second'
where outbox_id = pg_temp.outbox('test:private') and destination = 'seller-watch-0003';
select tests.authenticate_as('seller');
delete from public.push_tokens where token = 'seller-watch-0003';
select tests.clear_authentication();
-- The laptop's token goes without the trigger (as a replica or a restore would remove it).
alter table public.push_tokens disable trigger skip_deliveries;
delete from public.push_tokens where token = 'seller-laptop-0004';
alter table public.push_tokens enable trigger skip_deliveries;
select is(pg_temp.push('seller-laptop-0004'), 'queued', 'a push can still be waiting for a device that left');
select tests.authenticate_as_service_role();
select is_empty(
  $$select c.destination from service.claim_deliveries('worker-p', 100) c where c.destination like 'seller-%'$$,
  'claiming re-checks the device: neither a lapsed claim nor a waiting push to a device gone from the account is taken');
select tests.clear_authentication();
select results_eq(
  $$select d.destination, d.status::text, d.last_error, d.lease_expires_at from public.notification_deliveries d
    where d.outbox_id = pg_temp.outbox('test:private') and d.destination in ('seller-watch-0003', 'seller-laptop-0004')
    order by d.destination$$,
  $$values ('seller-laptop-0004', 'skipped', 'push token no longer registered to the user', null::timestamptz),
           ('seller-watch-0003', 'skipped', 'push token no longer registered to the user', null)$$,
  'they are skipped, and say why');
select results_eq(
  $$select d.channel::text, d.status::text from public.notification_deliveries d
    where d.outbox_id = pg_temp.outbox('test:private') and d.channel = 'email'$$,
  $$values ('email', 'sending')$$, 'the seller''s email still goes');

-- A deleted user takes their inbox and deliveries along
delete from auth.users where id = tests.get_supabase_uid('bruno');
select is((select count(*) from public.notifications n where n.user_id not in (select id from public.profiles))
          + (select count(*) from public.notification_deliveries d where d.user_id not in (select id from public.profiles)),
  0::bigint, 'deleting a user deletes their notifications and deliveries');
delete from private.notification_outbox where dedup_key = 'test:completed';
select is((select count(*) from public.notifications n where n.outbox_id not in (select id from private.notification_outbox))
          + (select count(*) from public.notification_deliveries d where d.outbox_id not in (select id from private.notification_outbox)),
  0::bigint, 'deleting an event deletes its notifications and deliveries');

select * from finish();
rollback;
