-- Data for the soft-delete benchmark (issue 19): bench.clients clients, each with bench.jobs jobs,
-- bench.bids bids per job (one chat room each) and bench.messages messages per room. Client 1
-- is the one deleted and restored; the others are the rest of the marketplace around them.
-- Rows are written directly (session_replication_role = replica: no business triggers, no
-- foreign key checks), as a bulk load would; the soft delete and restore then run normally.

-- step: users
set local session_replication_role = replica;
insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'authenticated', 'authenticated',
       'user' || n || '@bench.local', '{}', '{}', now(), now()
from generate_series(1, current_setting('bench.clients')::integer + current_setting('bench.bids')::integer) n;

-- step: jobs
set local session_replication_role = replica;
insert into public.jobs (id, client_id, category_id, title, description, service_date, service_starts_at, currency, status)
select ('20000000-0000-4000-8000-' || lpad(to_hex(c * 100000 + j), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(c), 12, '0'))::uuid,
       gen_random_uuid(), 'Job ' || j, 'Water under the sink.', current_date + 3, now() + interval '3 days', 'USD', 'published'
from generate_series(1, current_setting('bench.clients')::integer) c, generate_series(1, current_setting('bench.jobs')::integer) j;

-- step: bids and rooms
set local session_replication_role = replica;
insert into public.bids (id, job_id, provider_id, client_id, amount, currency, description, estimated_minutes)
select ('30000000-0000-4000-8000-' || lpad(to_hex((j.n - 1) * 100 + b), 12, '0'))::uuid, j.id,
       ('00000000-0000-4000-8000-' || lpad(to_hex(current_setting('bench.clients')::integer + b), 12, '0'))::uuid,
       j.client_id, 10000 + b, 'USD', 'I can fix it.', 90
from (select id, client_id, row_number() over (order by id) n from public.jobs) j,
     generate_series(1, current_setting('bench.bids')::integer) b;
insert into public.chat_rooms (id, job_id, bidder_id)
select ('40000000' || substr(b.id::text, 9))::uuid, b.job_id, b.provider_id from public.bids b;

-- step: messages
set local session_replication_role = replica;
insert into public.chat_messages (room_id, sender_id, body)
select r.id, r.bidder_id, 'Message ' || m from public.chat_rooms r, generate_series(1, current_setting('bench.messages')::integer) m;
