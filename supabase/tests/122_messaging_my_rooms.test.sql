-- messaging: a participant's own rooms by their own index (my_chat_rooms, my_chat_unread_total):
-- newest message first with each room's unread count, the next page by `before`, a muted room
-- out of the badge, nothing for someone in no room.
begin;
set local time zone 'UTC';
select plan(7);
select tests.start_with_empty_marketplace();
select tests.open_marketplace();
select tests.create_supabase_user('stranger');

select tests.authenticate_as('client');
select tests.book('first', tests.slot(2, '10:00'));
select tests.book('second', tests.slot(3, '10:00'));
select tests.clear_authentication();
create function pg_temp.room(name text) returns uuid language sql stable as $$
  select r.id from public.chat_rooms r where r.booking_id = tests.booking(name)
$$;
grant execute on function pg_temp.room(text) to authenticated;

select tests.authenticate_as('provider');
insert into public.chat_messages (room_id, body) values (pg_temp.room('first'), 'About the first visit');
insert into public.chat_messages (room_id, body) values (pg_temp.room('second'), 'About the second visit');
insert into public.chat_messages (room_id, body) values (pg_temp.room('second'), 'And one more thing');
select tests.clear_authentication();
-- The first room's message comes last in time.
update public.chat_messages set created_at = now() + interval '1 minute' where body = 'About the first visit';
update public.chat_participants p set last_message_at = now() + interval '1 minute' where p.room_id = pg_temp.room('first');

select tests.authenticate_as('client');
select results_eq($$select room_id, unread_count from public.my_chat_rooms()$$,
  $$values (pg_temp.room('first'), 1), (pg_temp.room('second'), 2)$$, 'the client''s rooms, newest message first, with unread counts');
select results_eq($$select room_id from public.my_chat_rooms(1)$$, $$values (pg_temp.room('first'))$$, 'a page of one');
select results_eq($$select room_id from public.my_chat_rooms(1, (select last_message_at from public.my_chat_rooms(1)))$$,
  $$values (pg_temp.room('second'))$$, 'and the next page');
select is(public.my_chat_unread_total(), 3::bigint, 'the badge counts every unread message');
update public.chat_participants set muted_until = now() + interval '1 day' where room_id = pg_temp.room('second') and user_id = auth.uid();
select is(public.my_chat_unread_total(), 1::bigint, 'a muted room leaves the badge');
select tests.authenticate_as('provider');
select is((select count(*)::int from public.my_chat_rooms() where unread_count = 0), 2, 'the sender has nothing unread in either room');
select tests.authenticate_as('stranger');
select is_empty($$select * from public.my_chat_rooms()$$, 'someone in no room has none');

select * from finish();
rollback;
