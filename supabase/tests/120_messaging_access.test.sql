-- messaging: the chat room of a booking, who reads and writes what (access matrix of
-- chat_rooms, chat_participants, chat_messages, chat_templates, chat_message_reports and the
-- chat-attachments bucket), allowed and denied per persona. owner = a participant (the
-- booking's client or provider), stranger = a signed-in user outside the room.
begin;
set local time zone 'UTC';
select plan(71);
select tests.start_with_empty_marketplace();
select set_config('storage.allow_delete_query', 'true', true);
select tests.open_marketplace();
select tests.create_supabase_user('stranger');

select tests.authenticate_as('client');
select tests.book('talk', tests.slot(2, '10:00'));
select tests.clear_authentication();

create function pg_temp.room() returns uuid language sql stable as $$
  select r.id from public.chat_rooms r where r.booking_id = tests.booking('talk')
$$;
grant execute on function pg_temp.room() to anon, authenticated;

-- The database opens the room --------------------------------------------------------------------------
select is((select count(*)::int from public.chat_rooms where booking_id = tests.booking('talk')), 1,
          'a booking gets its chat room when it is made');
select results_eq(
  $$select role::text, user_id from public.chat_participants where room_id = pg_temp.room() order by role$$,
  $$values ('client', tests.get_supabase_uid('client')), ('provider', tests.get_supabase_uid('provider'))$$,
  'its participants are the booking''s client and provider');
select throws_ok(
  $$insert into public.chat_rooms (booking_id) values (null)$$, '23514', null,
  'a room has exactly one target (chat_rooms_one_target)');

-- owner: the client and the provider talk ------------------------------------------------------------------
select tests.authenticate_as('client');
select lives_ok($$insert into public.chat_messages (room_id, body) values (pg_temp.room(), 'Hello, is 10:00 fine?')$$,
  '[chat_messages/owner/insert] a participant writes in their room');
select is((select count(*)::int from public.chat_rooms), 1, '[chat_rooms/owner/select] a participant reads their room');
select is((select count(*)::int from public.chat_participants), 2,
  '[chat_participants/owner/select] a participant reads who is in their room');
select throws_ok($$insert into public.chat_rooms (booking_id) values (tests.booking('talk'))$$, '42501', null,
  '[chat_rooms/owner/insert] rooms are made by the database only');
select throws_ok($$update public.chat_rooms set last_message_at = now()$$, '42501', null,
  '[chat_rooms/owner/update] a participant does not change the room');
select throws_ok($$delete from public.chat_rooms$$, '42501', null, '[chat_rooms/owner/delete] nor deletes it');
select throws_ok($$insert into public.chat_participants (room_id, user_id, role)
                   values (pg_temp.room(), tests.get_supabase_uid('stranger'), 'client')$$, '42501', null,
  '[chat_participants/owner/insert] a participant cannot add someone to the room');
select throws_ok($$delete from public.chat_participants$$, '42501', null,
  '[chat_participants/owner/delete] nor remove anyone');
select is((select count(*)::int from public.chat_messages where room_id = pg_temp.room()), 1,
  '[chat_messages/owner/select] a participant reads the room''s messages');
select throws_ok($$insert into public.chat_messages (room_id, sender_id, body)
                   values (pg_temp.room(), tests.get_supabase_uid('provider'), 'I am the provider')$$, '42501', null,
  'nobody writes in someone else''s name');
select throws_ok($$delete from public.chat_messages$$, '42501', null, '[chat_messages/owner/delete] messages are never deleted, only flagged');

select tests.authenticate_as('provider');
select is((select unread_count from public.chat_participants where user_id = auth.uid()), 1,
  'the provider has one unread message');
select lives_ok($$select public.mark_chat_read(pg_temp.room())$$, 'the provider reads the room');
select results_eq($$select unread_count, last_read_at is not null, is_reading from public.chat_participants where user_id = auth.uid()$$,
  $$values (0, true, true)$$, '[chat_participants/owner/update] the read receipt is stamped, nothing left unread');
select is((select count(*)::int from public.chat_participants where last_seen_at is not null), 1,
  'last seen follows the read');
select is_empty($$update public.chat_participants set muted_until = now() + interval '1 day'
                  where user_id = tests.get_supabase_uid('client') returning 1$$,
  'a participant cannot change another''s settings');
select lives_ok($$insert into public.chat_messages (room_id, body, reply_to_id)
                  values (pg_temp.room(), '10:00 works', (select min(id) from public.chat_messages))$$,
  'the provider replies to the client''s message');
select is((select count(*)::int from public.chat_messages where reply_to_id is not null), 1, 'the reply points at it');
select lives_ok($$update public.chat_messages set body = '10:00 works for me' where body = '10:00 works'$$,
  '[chat_messages/owner/update] the sender edits their message');
select results_eq($$select is_edited, edited_at is not null from public.chat_messages where body = '10:00 works for me'$$,
  $$values (true, true)$$, 'an edit is flagged');
select is_empty($$update public.chat_messages set body = 'changed' where sender_id = tests.get_supabase_uid('client') returning 1$$,
  'nobody edits another''s message');

-- Templates (owner) ---------------------------------------------------------------------------------------
select lives_ok($$insert into public.chat_templates (name, content, variables)
                  values ('On my way', 'On my way, {{ name }}: there in {{ minutes }} minutes.', '{name,minutes}')$$,
  '[chat_templates/owner/insert] a user writes a template of their own');
select is((select count(*)::int from public.chat_templates), 1, '[chat_templates/owner/select] and reads it');
select lives_ok($$update public.chat_templates set category = 'arrival'$$, '[chat_templates/owner/update] and edits it');
select results_eq($$select body from public.send_chat_template(pg_temp.room(), (select id from public.chat_templates),
                                                             '{"name": "Hana", "minutes": 15}')$$,
  $$values ('On my way, Hana: there in 15 minutes.'::text)$$, 'a message from a template fills its variables');
select is((select usage_count from public.chat_templates), 1::bigint, 'and counts the use');
select throws_ok($$select public.send_chat_template(pg_temp.room(), (select id from public.chat_templates), '{"name": "Hana"}')$$,
  '22023', null, 'a template''s variable without a value is refused');

-- Reports (owner) -----------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select lives_ok($$insert into public.chat_message_reports (message_id, reason, description)
                  values ((select max(id) from public.chat_messages where sender_id = tests.get_supabase_uid('provider')),
                          'spam', 'Sends the same thing again and again')$$,
  '[chat_message_reports/owner/insert] a participant reports a message of their room');
select is((select count(*)::int from public.chat_message_reports), 1, '[chat_message_reports/owner/select] and reads their report');
select throws_ok($$update public.chat_message_reports set status = 'resolved'$$, '42501', null,
  '[chat_message_reports/owner/update] a reporter does not decide on their report');
select throws_ok($$delete from public.chat_message_reports$$, '42501', null, '[chat_message_reports/owner/delete] nor withdraw it');
select throws_ok($$select public.review_chat_message_report((select id from public.chat_message_reports), 'resolved')$$,
  '42501', null, 'only admins review reports');
select is((select count(*)::int from public.chat_templates), 0,
  'another user''s template is not the client''s to see');
select lives_ok($$delete from public.chat_templates$$, '[chat_templates/owner/delete] deleting reaches only one''s own templates');

-- stranger --------------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$select 1 from public.chat_rooms$$,
  '[chat_rooms/stranger/select] [chat_participants/stranger/select] a stranger reads no room');
select is_empty($$select 1 from public.chat_participants union all select 1 from public.chat_messages$$,
  '[chat_participants/stranger/select] [chat_messages/stranger/select] nor its participants or messages');
select throws_ok($$insert into public.chat_messages (room_id, body) values (pg_temp.room(), 'let me in')$$, '42501', null,
  '[chat_messages/stranger/insert] a stranger cannot write to a room they are not in');
select is_empty($$update public.chat_messages set body = 'x' returning 1$$, '[chat_messages/stranger/update] nor change its messages');
select throws_ok($$delete from public.chat_messages$$, '42501', null, '[chat_messages/stranger/delete] nor delete them');
select throws_ok($$insert into public.chat_rooms (booking_id) values (tests.booking('talk'))$$, '42501', null,
  '[chat_rooms/stranger/insert] [chat_rooms/stranger/update] [chat_rooms/stranger/delete] and has no write on rooms');
select throws_ok($$update public.chat_participants set unread_count = 0$$, '42501', null,
  '[chat_participants/stranger/update] [chat_participants/stranger/insert] [chat_participants/stranger/delete] nor on participants');
select is_empty($$update public.chat_participants set muted_until = now() returning 1$$, 'nor mutes anyone else''s room');
select throws_ok($$insert into public.chat_message_reports (message_id, reason) values ((select min(id) from public.chat_messages), 'spam')$$,
  '42501', null, '[chat_message_reports/stranger/insert] a stranger cannot report a message of a room they are not in');
select is_empty($$select 1 from public.chat_message_reports$$,
  '[chat_message_reports/stranger/select] [chat_message_reports/stranger/update] [chat_message_reports/stranger/delete] nor read others'' reports (no update or delete grant)');
select is_empty($$select 1 from public.chat_templates$$, '[chat_templates/stranger/select] nor someone''s templates');
select is_empty($$update public.chat_templates set name = 'x' returning 1$$,
  '[chat_templates/stranger/update] [chat_templates/stranger/delete] nor changes them');
select throws_ok($$insert into public.chat_templates (owner_id, name, content) values (tests.get_supabase_uid('client'), 'x', 'y')$$,
  '42501', null, '[chat_templates/stranger/insert] nor writes one in another''s name');
select throws_ok($$select public.join_chat_room(pg_temp.room())$$, '42501', null, 'only admins join rooms');

-- anon -------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select 1 from public.chat_rooms$$, '42501', null,
  '[chat_rooms/anon/select] [chat_rooms/anon/insert] [chat_rooms/anon/update] [chat_rooms/anon/delete] anon has no access to rooms');
select throws_ok($$select 1 from public.chat_participants$$, '42501', null,
  '[chat_participants/anon/select] [chat_participants/anon/insert] [chat_participants/anon/update] [chat_participants/anon/delete] nor participants');
select throws_ok($$insert into public.chat_messages (room_id, body) values (pg_temp.room(), 'hi')$$, '42501', null,
  '[chat_messages/anon/select] [chat_messages/anon/insert] [chat_messages/anon/update] [chat_messages/anon/delete] nor messages');
select throws_ok($$select 1 from public.chat_templates$$, '42501', null,
  '[chat_templates/anon/select] [chat_templates/anon/insert] [chat_templates/anon/update] [chat_templates/anon/delete] nor templates');
select throws_ok($$select 1 from public.chat_message_reports$$, '42501', null,
  '[chat_message_reports/anon/select] [chat_message_reports/anon/insert] [chat_message_reports/anon/update] [chat_message_reports/anon/delete] nor reports');

-- admin --------------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is((select count(*)::int from public.chat_rooms), 1, '[chat_rooms/admin/select] an admin reads every room');
select is((select count(*)::int from public.chat_messages), 3,
  '[chat_messages/admin/select] [chat_participants/admin/select] and its messages');
select throws_ok($$insert into public.chat_messages (room_id, body) values (pg_temp.room(), 'Admin here')$$, '42501', null,
  '[chat_messages/admin/insert] an admin writes only after joining');
select lives_ok($$select public.join_chat_room(pg_temp.room())$$, 'an admin joins the room');
select lives_ok($$insert into public.chat_messages (room_id, body) values (pg_temp.room(), 'Admin here')$$,
  'and writes in it');
select is_empty($$update public.chat_messages set body = 'x' where sender_id <> auth.uid() returning 1$$,
  '[chat_messages/admin/update] [chat_messages/admin/delete] an admin edits no one''s messages (removal goes through a report; no delete grant)');
select throws_ok($$delete from public.chat_rooms$$, '42501', null,
  '[chat_rooms/admin/insert] [chat_rooms/admin/update] [chat_rooms/admin/delete] rooms stay the database''s');
select throws_ok($$delete from public.chat_participants$$, '42501', null,
  '[chat_participants/admin/insert] [chat_participants/admin/update] [chat_participants/admin/delete] participants too (admins join through join_chat_room)');
select lives_ok($$insert into public.chat_templates (owner_id, name, content) values (null, 'Welcome', 'Welcome to the chat!')$$,
  '[chat_templates/admin/insert] an admin writes a platform template');
select lives_ok($$update public.chat_templates set is_active = true$$, '[chat_templates/admin/update] [chat_templates/admin/select] and edits it');
select lives_ok($$delete from public.chat_templates where name = 'Welcome'$$, '[chat_templates/admin/delete] and removes it');
select results_eq(
  $$select status::text, action_taken::text from public.review_chat_message_report((select id from public.chat_message_reports), 'resolved', 'message_removed', 'repeated spam')$$,
  $$values ('resolved', 'message_removed')$$, '[chat_message_reports/admin/select] [chat_message_reports/admin/update] an admin resolves a report');
select results_eq($$select is_deleted, body is null from public.chat_messages m join public.chat_message_reports r on r.message_id = m.id$$,
  $$values (true, true)$$, 'removing the message soft-deletes it');
select lives_ok($$insert into public.chat_message_reports (message_id, reason)
                  values ((select min(id) from public.chat_messages), 'other')$$,
  '[chat_message_reports/admin/insert] an admin in the room reports as anyone does');
select throws_ok($$delete from public.chat_message_reports$$, '42501', null,
  '[chat_message_reports/admin/delete] reports are kept');

select * from finish();
rollback;
