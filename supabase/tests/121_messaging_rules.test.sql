-- messaging: what the database writes and refuses: system messages from the booking's
-- transitions, attachments (private, the room's only, within the bucket's limits), message
-- length, the per-user rate limit, soft deletes, and who the outbox notifies (not the muted,
-- not those who turned notifications off, not those reading the room). Realtime publishes the tables.
begin;
set local time zone 'UTC';
select plan(32);
select tests.start_with_empty_marketplace();
select set_config('storage.allow_delete_query', 'true', true);
select tests.open_marketplace();
select tests.create_supabase_user('stranger');

select tests.authenticate_as('client');
select tests.book('job', tests.slot(2, '10:00'));
select tests.clear_authentication();

create function pg_temp.room() returns uuid language sql stable as $$
  select r.id from public.chat_rooms r where r.booking_id = tests.booking('job')
$$;
grant execute on function pg_temp.room() to anon, authenticated;
-- Counted as the test's own role, whoever is signed in.
create function pg_temp.chat_events() returns bigint language sql stable security definer as $$
  select count(*) from private.notification_outbox where event_type = 'chat.message_received'
$$;
grant execute on function pg_temp.chat_events() to authenticated;

-- System messages follow the booking ----------------------------------------------------------------------
select tests.authenticate_as('client');
select tests.pay_by_card('job');
-- The booking starts now (as 052 moves it).
update public.bookings b
set starts_at = now() - interval '5 minutes', ends_at = now() + interval '55 minutes',
    blocked_during = tstzrange(now() - interval '5 minutes', now() + interval '55 minutes')
where b.id = tests.booking('job');
select tests.authenticate_as('provider');
select public.transition_booking(tests.booking('job'), 'in_progress');
select public.transition_booking(tests.booking('job'), 'completed');
select tests.clear_authentication();
select results_eq(
  $$select system_event, kind::text, sender_id is null from public.chat_messages where room_id = pg_temp.room() order by id$$,
  $$values ('booking.confirmed', 'system', true), ('booking.in_progress', 'system', true), ('booking.completed', 'system', true)$$,
  'the database writes a system message when the booking is confirmed, started and completed');
select is((select unread_count from public.chat_participants where room_id = pg_temp.room() and role = 'client'), 3,
  'system messages count as unread');
select is(pg_temp.chat_events(), 0::bigint, 'system messages notify nobody through chat (the booking''s own events do)');

select tests.authenticate_as('provider');
select is_empty($$update public.chat_messages set body = 'x' where kind = 'system' returning 1$$,
  'nobody edits a system message');
select throws_ok($$insert into public.chat_messages (room_id, body, system_event) values (pg_temp.room(), 'fake', 'booking.completed')$$,
  '42501', null, 'users cannot write system messages');

-- Limits -----------------------------------------------------------------------------------------------------
select throws_ok($$insert into public.chat_messages (room_id, body) values (pg_temp.room(), repeat('a', 4001))$$,
  '22023', null, 'a message longer than messaging.max_message_length is refused');
select throws_ok($$insert into public.chat_messages (room_id, body) values (pg_temp.room(), '   ')$$,
  '22023', null, 'an empty message is refused');
select tests.clear_authentication();
update private.settings set value = '3' where key = 'messaging.max_messages_per_minute';
select tests.authenticate_as('provider');
select lives_ok($$insert into public.chat_messages (room_id, body) select pg_temp.room(), 'm' || g from generate_series(1, 3) g$$,
  'three messages within the minute');
select throws_ok($$insert into public.chat_messages (room_id, body) values (pg_temp.room(), 'one more')$$,
  'PT429', null, 'the fourth in a minute is refused with PT429');
select tests.clear_authentication();
update private.settings set value = '30' where key = 'messaging.max_messages_per_minute';

-- Notifications ------------------------------------------------------------------------------------------------
select is(pg_temp.chat_events(), 3::bigint, 'each message notifies the other participant');
select results_eq($$select recipient_ids, data ->> 'sender_name', data ->> 'preview' from private.notification_outbox
                    where event_type = 'chat.message_received' order by id limit 1$$,
  $$select array[tests.get_supabase_uid('client')], (select display_name from public.profiles where id = tests.get_supabase_uid('provider')), 'm1'$$,
  'to the client, with the sender''s name and a preview');

select tests.authenticate_as('client');
select lives_ok($$update public.chat_participants set muted_until = now() + interval '8 hours' where user_id = auth.uid()$$,
  'the client mutes the room for 8 hours');
select tests.authenticate_as('provider');
insert into public.chat_messages (room_id, body) values (pg_temp.room(), 'Invoice attached soon');
select is(pg_temp.chat_events(), 3::bigint, 'a muted room notifies nobody');
select tests.authenticate_as('client');
update public.chat_participants set muted_until = null, notifications_enabled = false where user_id = auth.uid();
select tests.authenticate_as('provider');
insert into public.chat_messages (room_id, body) values (pg_temp.room(), 'Are you there?');
select is(pg_temp.chat_events(), 3::bigint, 'nor one whose notifications are off');
select tests.authenticate_as('client');
update public.chat_participants set notifications_enabled = true, is_reading = true where user_id = auth.uid();
select tests.authenticate_as('provider');
insert into public.chat_messages (room_id, body) values (pg_temp.room(), 'Great, you are reading');
select is(pg_temp.chat_events(), 3::bigint, 'nor one who is reading the room');
select tests.clear_authentication();
update public.chat_participants set last_seen_at = now() - interval '10 minutes' where user_id = tests.get_supabase_uid('client');
select tests.authenticate_as('provider');
insert into public.chat_messages (room_id, body) values (pg_temp.room(), 'Still there?');
select is(pg_temp.chat_events(), 4::bigint, 'a reading flag not refreshed for messaging.reading_seconds no longer counts');
select is((select unread_count from public.chat_participants where user_id = tests.get_supabase_uid('client')), 10,
  'the client''s unread count has every message since');
select tests.authenticate_as('client');
select lives_ok($$update public.chat_participants set last_read_message_id = (select max(id) from public.chat_messages
                   where body = 'Are you there?') where user_id = auth.uid()$$, 'a read receipt up to one message');
select is((select unread_count from public.chat_participants where user_id = auth.uid()), 2,
  'leaves what came after unread');
select throws_ok($$update public.chat_participants set last_read_message_id = -1 where user_id = auth.uid()$$,
  '22023', null, 'a receipt for a message of another room is refused');

-- Soft delete --------------------------------------------------------------------------------------------------
select tests.authenticate_as('provider');
select lives_ok($$update public.chat_messages set is_deleted = true where body = 'Still there?'$$, 'the sender deletes a message');
select results_eq($$select is_deleted, body is null, deleted_at is not null from public.chat_messages where system_event is null order by id desc limit 1$$,
  $$values (true, true, true)$$, 'it stays, flagged, without its text');
select throws_ok($$update public.chat_messages set body = 'back' where is_deleted$$, '22023', null, 'a deleted message cannot be edited');

-- Attachments ---------------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select lives_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata)
                  values ('chat-attachments', pg_temp.room() || '/leak.jpg', auth.uid()::text, '{"size": 2048, "mimetype": "image/jpeg"}')$$,
  'a participant uploads a photo into the room''s folder');
select results_eq($$insert into public.chat_messages (room_id, attachment_path) values (pg_temp.room(), pg_temp.room() || '/leak.jpg')
                    returning kind::text, attachment_name, attachment_type, attachment_size$$,
  $$values ('attachment', 'leak.jpg', 'image/jpeg', 2048::bigint)$$, 'and sends it: size and type come from Storage');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata)
                   values ('chat-attachments', pg_temp.room() || '/huge.pdf', auth.uid()::text, '{"size": 20971520, "mimetype": "application/pdf"}')$$,
  '42501', null, 'a file over the bucket''s size limit is refused');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata)
                   values ('chat-attachments', pg_temp.room() || '/run.exe', auth.uid()::text, '{"size": 20, "mimetype": "application/x-msdownload"}')$$,
  '42501', null, 'so is a type the bucket does not take');
select throws_ok($$insert into public.chat_messages (room_id, attachment_path) values (pg_temp.room(), pg_temp.room() || '/missing.jpg')$$,
  '22023', null, 'a message cannot point at a file that was not uploaded');
select tests.authenticate_as('stranger');
select is_empty($$select 1 from storage.objects where bucket_id = 'chat-attachments'$$,
  'a stranger cannot read the room''s attachments');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata)
                   values ('chat-attachments', pg_temp.room() || '/spam.jpg', auth.uid()::text, '{"size": 20, "mimetype": "image/jpeg"}')$$,
  '42501', null, 'nor upload into it');
select tests.authenticate_as('provider');
select is((select count(*)::int from storage.objects where bucket_id = 'chat-attachments'), 1,
  'the other participant reads the attachment');
select tests.clear_authentication();

select is((select array_agg(tablename::text order by tablename) from pg_publication_tables
           where pubname = 'supabase_realtime' and tablename like 'chat\_%'),
          array['chat_messages', 'chat_participants', 'chat_rooms'], 'the chat tables are published to Realtime');

select * from finish();
rollback;
