-- Benchmark data for chat reads (issue 14): users, one room per booking with its client and
-- provider, and messages spread over a year. Run as the superuser with triggers off
-- (session_replication_role = replica): rows are written as the messaging triggers would leave
-- them, without their side effects (outbox, counters), and rooms point at booking ids that
-- are not generated here (the foreign key's trigger is off too): the reads measured never
-- join bookings. Sizes come from the session settings bench.*, set by run.py.
-- Steps are cut at `-- step: ` lines and run in order, each in its own transaction.

-- step: settings
set session_replication_role = replica;

-- step: users
insert into auth.users (id, aud, role, email, email_confirmed_at, confirmation_token, recovery_token,
                        email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'authenticated', 'authenticated',
       'user' || g || '@bench.local', now(), '', '', '', '', '{"provider": "email"}', '{}', now(), now()
from generate_series(1, current_setting('bench.clients')::int + current_setting('bench.providers')::int) g;
insert into public.profiles (id, display_name)
select u.id, 'User ' || u.email from auth.users u;

-- step: rooms
-- Room r: client (r % clients) + 1, provider clients + (r % providers) + 1 (so a provider is in
-- rooms / providers rooms, a client in rooms / clients).
insert into public.chat_rooms (id, booking_id, created_at, last_message_at)
select ('10000000-0000-4000-8000-' || lpad(to_hex(r), 12, '0'))::uuid, gen_random_uuid(),
       now() - interval '365 days' + make_interval(secs => r * 31536000.0 / current_setting('bench.rooms')::int), now()
from generate_series(1, current_setting('bench.rooms')::int) r;

-- step: participants
insert into public.chat_participants (room_id, user_id, role, joined_at, unread_count, last_seen_at)
select ('10000000-0000-4000-8000-' || lpad(to_hex(r), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(case when p.role = 'client' then r % c.clients + 1
                                                       else c.clients + r % c.providers + 1 end), 12, '0'))::uuid,
       p.role::public.chat_participant_role,
       now() - interval '365 days' + make_interval(secs => r * 31536000.0 / c.rooms),
       (r * 7 + length(p.role)) % 5, now()
from (select current_setting('bench.clients')::int as clients, current_setting('bench.providers')::int as providers,
             current_setting('bench.rooms')::int as rooms) c
cross join generate_series(1, c.rooms) r
cross join (values ('client'), ('provider')) p (role);

-- step: messages
-- Message m lands in a room chosen with a skew (a few busy rooms, many quiet ones), from its
-- client or its provider in turn, time-ordered over the year.
insert into public.chat_messages (room_id, sender_id, kind, body, created_at)
select ('10000000-0000-4000-8000-' || lpad(to_hex(x.r), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(case when m % 2 = 0 then x.r % c.clients + 1
                                                       else c.clients + x.r % c.providers + 1 end), 12, '0'))::uuid,
       'text', 'Message ' || m || ': about the visit, the parts and the time.',
       now() - interval '365 days' + make_interval(secs => m * 31536000.0 / c.messages)
from (select current_setting('bench.clients')::int as clients, current_setting('bench.providers')::int as providers,
             current_setting('bench.rooms')::int as rooms, current_setting('bench.messages')::int as messages) c
cross join generate_series(1, c.messages) m
cross join lateral (select (floor(c.rooms * power(((m * 2654435761::bigint) % 1000003) / 1000003.0, 2)))::int + 1 as r) x;

-- step: analyze
analyze auth.users, public.profiles, public.chat_rooms, public.chat_participants, public.chat_messages;
