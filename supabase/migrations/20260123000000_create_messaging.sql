-- messaging: a chat room per booking, its participants, messages, templates and reports
-- (issue 14, "Chat"; seed 004's ChatRoom, ChatParticipant, ChatMessage, ChatTemplate, ChatReport).
--
-- * public.chat_rooms: one room per target. Today the only target is a booking (created by the
--   database when the booking is made, AFTER INSERT on bookings); each target kind is its own
--   nullable foreign key and chat_rooms_one_target requires exactly one, so the jobs module adds
--   `job_id uuid unique references public.jobs` and widens the check (num_nonnulls(booking_id, job_id) = 1).
-- * public.chat_participants: the booking's client and its provider or collector (admins join
--   through join_chat_room). Each row carries the participant's read receipt (last_read_message_id,
--   last_read_at, visible to the room), unread_count (kept by the database: an O(1) read), last
--   seen, the in-app "reading" flag, notifications on/off and muted_until.
-- * public.chat_messages: text, an attachment (private bucket chat-attachments, `<room id>/<file>`,
--   readable by the room's participants only) or a system message written by the database from the
--   booking's transitions (confirmed, in_progress, completed). reply_to, edited and soft-deleted.
--   Limits: messaging.max_message_length characters, the bucket's size and type limits,
--   messaging.max_messages_per_minute per sender (PT429).
-- * A new message notifies the other participants through the outbox (chat.message_received,
--   category messages) unless they turned the room's notifications off, muted it, or are reading it.
-- * public.chat_templates (the user's own and the platform's, owner_id null) with {{ variables }},
--   sent by send_chat_template, usage counted. public.chat_message_reports, reviewed by admins
--   with review_chat_message_report.
-- * Messages, participants and rooms are published to Realtime; RLS decides which rows a
--   subscriber receives: only those of rooms they belong to.
--
-- Reads at scale: every policy `to authenticated` is `room_id = any ((select private.my_chat_room_ids())::uuid[])`
-- (an array computed once per query from chat_participants by its user_id index) or an owner
-- column: the planner serves "latest 50 messages of a room" by chat_messages (room_id, created_at desc).

insert into private.settings (key, value, description) values
  ('messaging.max_message_length', '4000', 'Characters in one chat message (text or caption); longer is refused with 22023.'),
  ('messaging.max_messages_per_minute', '30',
   'Chat messages one user may send in a minute, all rooms together; beyond it PT429 until the minute has passed.'),
  ('messaging.reading_seconds', '120',
   'How long an in-app "reading" flag (chat_participants.is_reading) counts after the frontend last set it: a reader is not notified of new messages meanwhile.');

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('chat-attachments', 'chat-attachments', false, 10485760,
        '{image/jpeg,image/png,image/webp,image/heic,application/pdf}')
on conflict (id) do nothing;

create type public.chat_participant_role as enum ('client', 'provider', 'collector', 'admin');
create type public.chat_message_kind as enum ('text', 'attachment', 'system');
create type public.chat_report_reason as enum ('spam', 'harassment', 'inappropriate', 'scam', 'other');
create type public.chat_report_status as enum ('open', 'under_review', 'resolved', 'dismissed');
create type public.chat_report_action as enum ('none', 'warned', 'message_removed');

-- Rooms ---------------------------------------------------------------------------------------------

create table public.chat_rooms (
  id uuid primary key default gen_random_uuid(),
  booking_id uuid unique references public.bookings (id) on delete cascade,
  last_message_at timestamptz,
  created_at timestamptz not null default now(),
  -- One column per target kind (a job_id joins when jobs land); exactly one is set.
  constraint chat_rooms_one_target check (num_nonnulls(booking_id) = 1)
);

create index chat_rooms_created_at_idx on public.chat_rooms (created_at desc);

comment on table public.chat_rooms is
  'One conversation per target (a booking; a job when jobs land), created by the database. Read: its participants and admins.';
comment on column public.chat_rooms.booking_id is 'The booking the room is about. Target columns: exactly one is set (chat_rooms_one_target).';

-- Participants -----------------------------------------------------------------------------------------

create table public.chat_participants (
  room_id uuid not null references public.chat_rooms (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.chat_participant_role not null,
  joined_at timestamptz not null default now(),
  last_read_message_id bigint,
  last_read_at timestamptz,
  unread_count integer not null default 0 constraint chat_participants_unread_positive check (unread_count >= 0),
  last_seen_at timestamptz,
  is_reading boolean not null default false,
  notifications_enabled boolean not null default true,
  muted_until timestamptz,
  primary key (room_id, user_id)
);

create index chat_participants_user_id_idx on public.chat_participants (user_id, joined_at desc);
create index chat_participants_joined_at_idx on public.chat_participants (joined_at desc);

comment on table public.chat_participants is
  'Who is in a room, with their read receipt, unread count, last seen, reading flag and notification settings. Read: the room''s participants and admins. Update (last_read_message_id, is_reading, notifications_enabled, muted_until): the participant, on their own row.';
comment on column public.chat_participants.unread_count is
  'Messages of others after last_read_message_id; kept by the database (a new message adds one, a read receipt recounts).';
comment on column public.chat_participants.is_reading is
  'Set by the frontend while the room is on screen; counts for messaging.reading_seconds after last_seen_at. A reader is not notified.';
comment on column public.chat_participants.muted_until is 'No notifications of new messages before then (null: not muted).';

-- Templates ----------------------------------------------------------------------------------------------

create table public.chat_templates (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid default auth.uid() references auth.users (id) on delete cascade,
  name text not null constraint chat_templates_name_length check (char_length(name) between 1 and 80),
  category text constraint chat_templates_category_length check (char_length(category) between 1 and 40),
  subject text constraint chat_templates_subject_length check (char_length(subject) between 1 and 120),
  content text not null constraint chat_templates_content_length check (char_length(content) between 1 and 2000),
  variables text[] not null default '{}'
    constraint chat_templates_variables_format check (array_position(variables, null) is null
      and cardinality(variables) <= 20
      and array_to_string(variables, ',') ~ '^([a-z_][a-z0-9_]{0,39}(,[a-z_][a-z0-9_]{0,39})*)?$'),
  is_active boolean not null default true,
  usage_count bigint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index chat_templates_owner_id_idx on public.chat_templates (owner_id, name);
create index chat_templates_created_at_idx on public.chat_templates (created_at desc);

create trigger set_updated_at
  before update on public.chat_templates
  for each row execute function private.tg_set_updated_at();

comment on table public.chat_templates is
  'Canned chat messages with {{ variables }}: a user''s own (owner_id) and the platform''s (owner_id null, managed by admins). usage_count: messages sent from it.';

-- Messages ------------------------------------------------------------------------------------------------

create table public.chat_messages (
  id bigint generated always as identity primary key,
  room_id uuid not null references public.chat_rooms (id) on delete cascade,
  sender_id uuid default auth.uid() references auth.users (id) on delete set null,
  kind public.chat_message_kind not null default 'text',
  body text,
  attachment_path text,
  attachment_name text constraint chat_messages_attachment_name_length check (char_length(attachment_name) between 1 and 255),
  attachment_type text,
  attachment_size bigint,
  reply_to_id bigint references public.chat_messages (id) on delete set null,
  template_id uuid references public.chat_templates (id) on delete set null,
  system_event text,
  is_edited boolean not null default false,
  edited_at timestamptz,
  is_deleted boolean not null default false,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  constraint chat_messages_system_has_event check ((kind = 'system') = (system_event is not null)),
  constraint chat_messages_has_content check (
    is_deleted or (kind = 'attachment' and attachment_path is not null) or (kind <> 'attachment' and body is not null)
  ),
  constraint chat_messages_attachment_in_room_folder check (attachment_path like room_id::text || '/%'),
  constraint chat_messages_deleted_at check (is_deleted = (deleted_at is not null)),
  constraint chat_messages_edited_at check (is_edited = (edited_at is not null))
);

create index chat_messages_room_created_idx on public.chat_messages (room_id, created_at desc);
create index chat_messages_sender_created_idx on public.chat_messages (sender_id, created_at desc);
create index chat_messages_created_at_idx on public.chat_messages (created_at desc);
create index chat_messages_reply_to_id_idx on public.chat_messages (reply_to_id) where reply_to_id is not null;
create index chat_messages_template_id_idx on public.chat_messages (template_id) where template_id is not null;

comment on table public.chat_messages is
  'Messages of a room: text, an attachment (bucket chat-attachments, `<room id>/<file>`) or a system message written by the database. Read: the room''s participants and admins. Insert (room_id, body, reply_to_id, attachment_path, attachment_name, template_id): participants, as themselves. Update (body: edits; is_deleted: soft delete): the sender. Never deleted by the API.';
comment on column public.chat_messages.system_event is 'For system messages: what happened (booking.confirmed, booking.in_progress, booking.completed).';
comment on column public.chat_messages.is_deleted is 'Soft-deleted by its sender or an admin: text and attachment are cleared, the row stays so replies keep their place.';

-- Reports ---------------------------------------------------------------------------------------------------

create table public.chat_message_reports (
  id uuid primary key default gen_random_uuid(),
  message_id bigint not null references public.chat_messages (id) on delete cascade,
  reporter_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  reason public.chat_report_reason not null,
  description text constraint chat_message_reports_description_length check (char_length(description) <= 2000),
  evidence text constraint chat_message_reports_evidence_length check (char_length(evidence) <= 4000),
  status public.chat_report_status not null default 'open',
  action_taken public.chat_report_action,
  admin_notes text constraint chat_message_reports_admin_notes_length check (char_length(admin_notes) <= 4000),
  resolved_by uuid references auth.users (id) on delete set null,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  constraint chat_message_reports_one_per_reporter unique (message_id, reporter_id),
  constraint chat_message_reports_resolution check ((status in ('resolved', 'dismissed')) = (resolved_at is not null))
);

create index chat_message_reports_reporter_idx on public.chat_message_reports (reporter_id, created_at desc);
create index chat_message_reports_created_at_idx on public.chat_message_reports (created_at desc);
create index chat_message_reports_resolved_by_idx on public.chat_message_reports (resolved_by) where resolved_by is not null;

comment on table public.chat_message_reports is
  'Reports of a chat message by a participant of its room (reason, description, evidence). Read: the reporter and admins; admins act through review_chat_message_report.';

-- Who is where --------------------------------------------------------------------------------------------

-- Security definer: the policies of chat_rooms, chat_participants, chat_messages and the
-- bucket read it as the user; it reads only the caller's own participant rows (by the
-- user_id index), once per query inside (select ...).
create function private.my_chat_room_ids()
returns uuid[]
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(array_agg(p.room_id), '{}') from public.chat_participants p where p.user_id = (select auth.uid())
$$;

revoke all on function private.my_chat_room_ids() from public;
grant execute on function private.my_chat_room_ids() to authenticated, service_role;

comment on function private.my_chat_room_ids() is 'The rooms the signed-in user is a participant of (RLS of the messaging tables).';

-- Grants and policies -------------------------------------------------------------------------------------

alter table public.chat_rooms enable row level security;
alter table public.chat_participants enable row level security;
alter table public.chat_templates enable row level security;
alter table public.chat_messages enable row level security;
alter table public.chat_message_reports enable row level security;

revoke all on table public.chat_rooms, public.chat_participants, public.chat_templates, public.chat_messages,
  public.chat_message_reports from anon, authenticated;
grant all on table public.chat_rooms, public.chat_participants, public.chat_templates, public.chat_messages,
  public.chat_message_reports to service_role;
grant usage, select on sequence public.chat_messages_id_seq to service_role;

grant select on table public.chat_rooms to authenticated;
grant select on table public.chat_participants to authenticated;
grant update (last_read_message_id, is_reading, notifications_enabled, muted_until) on table public.chat_participants to authenticated;
grant select, delete on table public.chat_templates to authenticated;
grant insert (name, category, subject, content, variables, is_active),
      update (name, category, subject, content, variables, is_active) on table public.chat_templates to authenticated;
grant insert (owner_id), update (owner_id) on table public.chat_templates to marketbase_admin;
grant select on table public.chat_messages to authenticated;
grant insert (room_id, body, reply_to_id, attachment_path, attachment_name, template_id),
      update (body, is_deleted) on table public.chat_messages to authenticated;
grant select on table public.chat_message_reports to authenticated;
grant insert (message_id, reason, description, evidence) on table public.chat_message_reports to authenticated;

create policy "participants can read their rooms"
  on public.chat_rooms for select to authenticated
  using (id = any ((select private.my_chat_room_ids())::uuid[]));
create policy "admins can read every room"
  on public.chat_rooms for select to marketbase_admin using ((select private.is_admin()));

create policy "participants can read who is in their rooms"
  on public.chat_participants for select to authenticated
  using (room_id = any ((select private.my_chat_room_ids())::uuid[]));
create policy "participants can update their own settings and receipts"
  on public.chat_participants for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy "admins can read every participant"
  on public.chat_participants for select to marketbase_admin using ((select private.is_admin()));

create policy "users can read their own and the platform's templates"
  on public.chat_templates for select to authenticated
  using (owner_id = (select auth.uid()) or owner_id is null);
create policy "users can write their own templates"
  on public.chat_templates for insert to authenticated with check (owner_id = (select auth.uid()));
create policy "users can edit their own templates"
  on public.chat_templates for update to authenticated
  using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));
create policy "users can remove their own templates"
  on public.chat_templates for delete to authenticated using (owner_id = (select auth.uid()));
create policy "admins can read every template"
  on public.chat_templates for select to marketbase_admin using ((select private.is_admin()));
create policy "admins can write the platform's templates"
  on public.chat_templates for insert to marketbase_admin with check ((select private.is_admin()));
create policy "admins can edit every template"
  on public.chat_templates for update to marketbase_admin
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins can remove every template"
  on public.chat_templates for delete to marketbase_admin using ((select private.is_admin()));

create policy "participants can read their rooms' messages"
  on public.chat_messages for select to authenticated
  using (room_id = any ((select private.my_chat_room_ids())::uuid[]));
create policy "participants can write in their rooms as themselves"
  on public.chat_messages for insert to authenticated
  with check (sender_id = (select auth.uid()) and room_id = any ((select private.my_chat_room_ids())::uuid[]));
create policy "senders can edit and delete their messages"
  on public.chat_messages for update to authenticated
  using (sender_id = (select auth.uid())) with check (sender_id = (select auth.uid()));
create policy "admins can read every message"
  on public.chat_messages for select to marketbase_admin using ((select private.is_admin()));

create policy "reporters can read their reports"
  on public.chat_message_reports for select to authenticated using (reporter_id = (select auth.uid()));
create policy "participants can report messages of their rooms"
  on public.chat_message_reports for insert to authenticated
  -- the message must be one the reporter can read (the messages' own policy: their rooms)
  with check (reporter_id = (select auth.uid())
              and exists (select 1 from public.chat_messages m where m.id = chat_message_reports.message_id));
create policy "admins can read every report"
  on public.chat_message_reports for select to marketbase_admin using ((select private.is_admin()));

-- Storage: the room's participants read and add files in `<room id>/`; uploaders remove theirs.
create policy "participants can read their rooms' attachments"
  on storage.objects for select to authenticated
  using (bucket_id = 'chat-attachments' and private.storage_booking_id(name) = any ((select private.my_chat_room_ids())::uuid[]));
create policy "participants can upload attachments to their rooms"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'chat-attachments'
              and private.storage_booking_id(name) = any ((select private.my_chat_room_ids())::uuid[])
              and private.fits_storage_bucket(bucket_id, metadata));
create policy "uploaders can delete their chat attachments"
  on storage.objects for delete to authenticated
  using (bucket_id = 'chat-attachments' and owner_id = (select auth.uid())::text);

-- Message rules --------------------------------------------------------------------------------------------

-- Security definer: reads storage.objects (the attachment's size and type as Storage recorded
-- them) and the sender's recent messages for the rate limit, whoever sends.
create function private.tg_chat_messages_check()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  max_length integer := (private.setting('messaging.max_message_length'))::integer;
  max_per_minute integer := (private.setting('messaging.max_messages_per_minute'))::integer;
  recent integer;
  object record;
begin
  new.created_at := now();
  new.is_edited := false;
  new.edited_at := null;
  new.is_deleted := false;
  new.deleted_at := null;
  if new.system_event is not null then
    -- Written by the database (the bookings' trigger); nobody signs a system message.
    new.kind := 'system';
    new.sender_id := null;
    return new;
  end if;
  new.kind := case when new.attachment_path is not null then 'attachment' else 'text' end;
  new.body := nullif(btrim(new.body), '');

  if new.body is null and new.attachment_path is null then
    raise exception 'body: a message needs text or an attachment' using errcode = '22023';
  end if;
  if char_length(new.body) > max_length then
    raise exception 'body: a message holds at most % characters', max_length using errcode = '22023';
  end if;

  -- Rate limit per sender, all rooms together. The sender's lock, held to the end of the
  -- transaction, counts parallel sends one after the other.
  perform pg_advisory_xact_lock(hashtext('marketbase.chat_messages:' || coalesce(new.sender_id::text, '')));
  select count(*) into recent
  from public.chat_messages m
  where m.sender_id = new.sender_id and m.created_at > now() - interval '1 minute';
  if recent >= max_per_minute then
    raise exception 'too many messages: at most % a minute', max_per_minute
      using errcode = 'PT429', hint = 'Wait a minute and send again.';
  end if;

  if new.reply_to_id is not null
     and not exists (select 1 from public.chat_messages r where r.id = new.reply_to_id and r.room_id = new.room_id) then
    raise exception 'reply_to_id: % is not a message of this room', new.reply_to_id using errcode = '22023';
  end if;

  if new.template_id is not null
     and not exists (select 1 from public.chat_templates t
                     where t.id = new.template_id and t.is_active and (t.owner_id is null or t.owner_id = new.sender_id)) then
    raise exception 'template_id: % is not a template you may use', new.template_id using errcode = '22023';
  end if;

  if new.attachment_path is not null then
    select o.metadata, o.owner_id into object
    from storage.objects o
    where o.bucket_id = 'chat-attachments' and o.name = new.attachment_path;
    if not found or object.owner_id is distinct from new.sender_id::text
       or new.attachment_path not like new.room_id::text || '/%' then
      raise exception 'attachment_path: upload the file to chat-attachments/%/ first', new.room_id using errcode = '22023';
    end if;
    if not private.fits_storage_bucket('chat-attachments', object.metadata) or object.metadata ->> 'mimetype' is null then
      raise exception 'attachment_path: the file''s size or type is not one chat attachments take' using errcode = '22023';
    end if;
    new.attachment_type := object.metadata ->> 'mimetype';
    new.attachment_size := (object.metadata ->> 'size')::bigint;
    new.attachment_name := coalesce(new.attachment_name, regexp_replace(new.attachment_path, '^.*/', ''));
  else
    new.attachment_name := null;
    new.attachment_type := null;
    new.attachment_size := null;
  end if;
  return new;
end
$$;

create trigger check_message
  before insert on public.chat_messages
  for each row execute function private.tg_chat_messages_check();

-- Edits and soft deletes: the text only, never of a system or deleted message; a delete clears
-- the content. Security invoker: it only looks at the row being changed.
create function private.tg_chat_messages_edit()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  max_length integer := (private.setting('messaging.max_message_length'))::integer;
begin
  if old.kind = 'system' then
    raise exception 'system messages cannot be changed' using errcode = '42501';
  end if;
  if old.is_deleted then
    raise exception 'message % was deleted', old.id using errcode = '22023';
  end if;
  if new.is_deleted then
    new.deleted_at := now();
    new.body := null;
    new.attachment_path := null;
    new.attachment_name := null;
    new.attachment_type := null;
    new.attachment_size := null;
    new.kind := case when old.kind = 'attachment' then 'text' else old.kind end;
    return new;
  end if;
  if new.body is distinct from old.body then
    new.body := nullif(btrim(new.body), '');
    if new.body is null and old.kind = 'text' then
      raise exception 'body: a text message cannot be emptied; delete it instead' using errcode = '22023';
    end if;
    if char_length(new.body) > max_length then
      raise exception 'body: a message holds at most % characters', max_length using errcode = '22023';
    end if;
    new.is_edited := true;
    new.edited_at := now();
  end if;
  return new;
end
$$;

create trigger edit_message
  before update on public.chat_messages
  for each row execute function private.tg_chat_messages_edit();

-- After a message: the room's last_message_at, the others' unread counts, the template's usage,
-- and a notification to those who want one now. Security definer: it writes other participants'
-- rows, the templates of the platform and the private outbox, for whichever participant sent.
create function private.tg_chat_messages_fanout()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  reading_seconds integer := (private.setting('messaging.reading_seconds'))::integer;
  recipients uuid[];
  sender_name text;
begin
  update public.chat_rooms r set last_message_at = new.created_at where r.id = new.room_id;
  update public.chat_participants p set unread_count = p.unread_count + 1
  where p.room_id = new.room_id and p.user_id is distinct from new.sender_id;
  if new.template_id is not null then
    update public.chat_templates t set usage_count = t.usage_count + 1 where t.id = new.template_id;
  end if;
  if new.kind = 'system' then
    return null; -- the booking's own notifications tell of it
  end if;

  select array_agg(p.user_id) into recipients
  from public.chat_participants p
  where p.room_id = new.room_id
    and p.user_id <> new.sender_id
    and p.notifications_enabled
    and (p.muted_until is null or p.muted_until <= now())
    and not (p.is_reading and p.last_seen_at > now() - make_interval(secs => reading_seconds));
  if recipients is null then
    return null;
  end if;
  select pr.display_name into sender_name from public.profiles pr where pr.id = new.sender_id;
  perform private.enqueue_notification(
    'chat.message_received',
    'chat.message:' || new.id,
    recipients,
    jsonb_build_object(
      'room_id', new.room_id,
      'sender_name', coalesce(sender_name, 'Someone'),
      'preview', case when new.kind = 'attachment' then coalesce(new.body, 'sent a file: ' || new.attachment_name)
                      else left(new.body, 140) || case when char_length(new.body) > 140 then '…' else '' end end,
      'action_url', private.app_link('/chats/' || new.room_id)
    ));
  return null;
end
$$;

create trigger fan_out
  after insert on public.chat_messages
  for each row execute function private.tg_chat_messages_fanout();

-- Read receipts: a participant moves last_read_message_id forward (never back); the database
-- stamps the time and recounts what is left unread. Any change of one's own row is a sign of
-- life (last_seen_at). Security invoker: a participant reads their own room's messages.
create function private.tg_chat_participants_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.last_read_message_id is distinct from old.last_read_message_id then
    if new.last_read_message_id is null
       or not exists (select 1 from public.chat_messages m where m.id = new.last_read_message_id and m.room_id = new.room_id) then
      raise exception 'last_read_message_id: % is not a message of this room', new.last_read_message_id using errcode = '22023';
    end if;
    new.last_read_message_id := greatest(new.last_read_message_id, old.last_read_message_id);
    new.last_read_at := now();
    new.unread_count := (select count(*) from public.chat_messages m
                         where m.room_id = new.room_id and m.id > new.last_read_message_id
                           and m.sender_id is distinct from new.user_id);
  end if;
  if new.last_read_message_id is distinct from old.last_read_message_id or new.is_reading is distinct from old.is_reading
     or new.notifications_enabled is distinct from old.notifications_enabled or new.muted_until is distinct from old.muted_until then
    new.last_seen_at := now();
  end if;
  return new;
end
$$;

create trigger receipts
  before update of last_read_message_id, is_reading, notifications_enabled, muted_until on public.chat_participants
  for each row execute function private.tg_chat_participants_update();

-- Bookings open and narrate their rooms -----------------------------------------------------------------------

-- Security definer: rooms and participants are written by the database only, for whichever
-- role makes or moves the booking.
create function private.tg_bookings_open_chat()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  room uuid;
begin
  insert into public.chat_rooms (booking_id) values (new.id) returning id into room;
  insert into public.chat_participants (room_id, user_id, role)
  select room, u.user_id, u.role
  from (values (new.client_id, 'client'::public.chat_participant_role),
               (new.provider_id, 'provider'), (new.collector_id, 'collector')) u (user_id, role)
  where u.user_id is not null
  on conflict do nothing;
  return null;
end
$$;

create trigger open_chat
  after insert on public.bookings
  for each row execute function private.tg_bookings_open_chat();

-- Security definer: a system message is written whoever moves the booking.
create function private.tg_bookings_chat_status()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.chat_messages (room_id, sender_id, body, system_event)
  select r.id, null,
         case new.status when 'confirmed' then 'Confirmed: see you on the day.'
                         when 'in_progress' then 'Work has started.'
                         else 'Completed. Thank you!' end,
         'booking.' || new.status
  from public.chat_rooms r
  where r.booking_id = new.id;
  return null;
end
$$;

create trigger narrate_chat
  after update of status on public.bookings
  for each row
  when (new.status is distinct from old.status and new.status in ('confirmed', 'in_progress', 'completed'))
  execute function private.tg_bookings_chat_status();

-- Rooms of the bookings made before this migration.
insert into public.chat_rooms (booking_id) select b.id from public.bookings b on conflict do nothing;
insert into public.chat_participants (room_id, user_id, role)
select r.id, u.user_id, u.role
from public.chat_rooms r
join public.bookings b on b.id = r.booking_id
cross join lateral (values (b.client_id, 'client'::public.chat_participant_role),
                           (b.provider_id, 'provider'), (b.collector_id, 'collector')) u (user_id, role)
where u.user_id is not null
on conflict do nothing;

-- RPCs --------------------------------------------------------------------------------------------------------

create function public.mark_chat_read(room_id uuid)
returns public.chat_participants
language plpgsql
set search_path = ''
as $$
declare
  result public.chat_participants;
  latest bigint := (select max(m.id) from public.chat_messages m where m.room_id = mark_chat_read.room_id);
begin
  update public.chat_participants p
  set last_read_message_id = coalesce(latest, p.last_read_message_id), is_reading = true
  where p.room_id = mark_chat_read.room_id and p.user_id = (select auth.uid())
  returning * into result;
  if not found then
    raise exception 'room % not found', room_id using errcode = 'PT404';
  end if;
  return result;
end
$$;

revoke all on function public.mark_chat_read(uuid) from public, anon;
grant execute on function public.mark_chat_read(uuid) to authenticated, service_role;

comment on function public.mark_chat_read(uuid) is
  'Marks every message of the room read by the signed-in participant (read receipt, unread count 0) and flags them reading. PT404: not a participant.';

-- {{ name }} in a template's content, each listed variable from values (text); a listed
-- variable without a value is refused, extra values are ignored. Plain text: no markup is interpreted.
create function private.render_chat_template(content text, variables text[], template_values jsonb)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  variable text;
  result text := content;
begin
  if template_values is null or jsonb_typeof(template_values) <> 'object' then
    raise exception 'variables: give the template''s variables as a JSON object' using errcode = '22023';
  end if;
  foreach variable in array variables loop
    if not template_values ? variable or jsonb_typeof(template_values -> variable) in ('object', 'array', 'null') then
      raise exception 'variables: % needs a value', variable using errcode = '22023';
    end if;
    result := regexp_replace(result, '\{\{\s*' || variable || '\s*\}\}', replace(template_values ->> variable, '\', '\\'), 'g');
  end loop;
  return result;
end
$$;

grant execute on function private.render_chat_template(text, text[], jsonb) to authenticated, service_role;

create function public.send_chat_template(
  room_id uuid,
  template_id uuid,
  variables jsonb default '{}',
  reply_to_id bigint default null
)
returns public.chat_messages
language plpgsql
set search_path = ''
as $$
declare
  template public.chat_templates;
  message public.chat_messages;
begin
  select * into template from public.chat_templates t where t.id = send_chat_template.template_id and t.is_active;
  if not found then
    raise exception 'template % not found', template_id using errcode = 'PT404';
  end if;
  insert into public.chat_messages (room_id, body, reply_to_id, template_id)
  values (send_chat_template.room_id,
          private.render_chat_template(template.content, template.variables, send_chat_template.variables),
          send_chat_template.reply_to_id, send_chat_template.template_id)
  returning * into message;
  return message;
end
$$;

revoke all on function public.send_chat_template(uuid, uuid, jsonb, bigint) from public, anon;
grant execute on function public.send_chat_template(uuid, uuid, jsonb, bigint) to authenticated, service_role;

comment on function public.send_chat_template(uuid, uuid, jsonb, bigint) is
  'Sends a message from a template (one''s own or the platform''s), its {{ variables }} filled from variables; counts the template''s use. PT404 unknown template, 22023 a variable missing, 42501 not a participant of the room, PT429 too many messages.';

-- Security definer: admins join a room (a dispute) as a participant; nobody else adds participants.
create function private.join_chat_room(room_id uuid)
returns public.chat_participants
language plpgsql
security definer
set search_path = ''
as $$
declare
  result public.chat_participants;
begin
  if not private.is_admin() then
    raise exception 'only admins join rooms' using errcode = '42501';
  end if;
  if not exists (select 1 from public.chat_rooms r where r.id = join_chat_room.room_id) then
    raise exception 'room % not found', room_id using errcode = 'PT404';
  end if;
  insert into public.chat_participants (room_id, user_id, role)
  values (join_chat_room.room_id, auth.uid(), 'admin')
  on conflict on constraint chat_participants_pkey do update set role = public.chat_participants.role
  returning * into result;
  insert into public.chat_messages (room_id, sender_id, body, system_event)
  values (join_chat_room.room_id, null, 'An administrator joined the conversation.', 'chat.admin_joined');
  return result;
end
$$;

revoke all on function private.join_chat_room(uuid) from public;
grant execute on function private.join_chat_room(uuid) to authenticated, service_role;

create function public.join_chat_room(room_id uuid)
returns public.chat_participants
language sql
set search_path = ''
as $$ select private.join_chat_room(room_id) $$;

revoke all on function public.join_chat_room(uuid) from public, anon;
grant execute on function public.join_chat_room(uuid) to authenticated, service_role;

comment on function private.join_chat_room(uuid) is
  'An admin joins a room (e.g. for a dispute): they read and write it from then on. 42501 not an admin, PT404 no such room.';
comment on function public.join_chat_room(uuid) is
  'An admin joins a room (e.g. for a dispute): they read and write it from then on. 42501 not an admin, PT404 no such room.';

-- Security definer: an admin's decision on a report may remove someone else's message.
create function private.review_chat_message_report(
  report_id uuid,
  status public.chat_report_status,
  action_taken public.chat_report_action default 'none',
  admin_notes text default null
)
returns public.chat_message_reports
language plpgsql
security definer
set search_path = ''
as $$
declare
  result public.chat_message_reports;
begin
  if not private.is_admin() then
    raise exception 'only admins review reports' using errcode = '42501';
  end if;
  if status is null or status = 'open' then
    raise exception 'status: under_review, resolved or dismissed' using errcode = '22023';
  end if;
  update public.chat_message_reports r
  set status = review_chat_message_report.status,
      action_taken = coalesce(review_chat_message_report.action_taken, 'none'),
      admin_notes = review_chat_message_report.admin_notes,
      resolved_by = case when review_chat_message_report.status in ('resolved', 'dismissed') then auth.uid() end,
      resolved_at = case when review_chat_message_report.status in ('resolved', 'dismissed') then now() end
  where r.id = review_chat_message_report.report_id
  returning * into result;
  if not found then
    raise exception 'report % not found', report_id using errcode = 'PT404';
  end if;
  if result.action_taken = 'message_removed' then
    update public.chat_messages m set is_deleted = true
    where m.id = result.message_id and not m.is_deleted and m.kind <> 'system';
  end if;
  return result;
end
$$;

revoke all on function private.review_chat_message_report(uuid, public.chat_report_status, public.chat_report_action, text) from public;
grant execute on function private.review_chat_message_report(uuid, public.chat_report_status, public.chat_report_action, text)
  to authenticated, service_role;

create function public.review_chat_message_report(
  report_id uuid,
  status public.chat_report_status,
  action_taken public.chat_report_action default 'none',
  admin_notes text default null
)
returns public.chat_message_reports
language sql
set search_path = ''
as $$ select private.review_chat_message_report(report_id, status, action_taken, admin_notes) $$;

revoke all on function public.review_chat_message_report(uuid, public.chat_report_status, public.chat_report_action, text) from public, anon;
grant execute on function public.review_chat_message_report(uuid, public.chat_report_status, public.chat_report_action, text)
  to authenticated, service_role;

comment on function private.review_chat_message_report(uuid, public.chat_report_status, public.chat_report_action, text) is
  'Admins: a report goes under_review, resolved or dismissed, with the action taken (message_removed soft-deletes the message) and notes. 42501 not an admin, PT404 unknown report, 22023 bad status.';
comment on function public.review_chat_message_report(uuid, public.chat_report_status, public.chat_report_action, text) is
  'Admins: a report goes under_review, resolved or dismissed, with the action taken (message_removed soft-deletes the message) and notes. 42501 not an admin, PT404 unknown report, 22023 bad status.';

-- Notifications --------------------------------------------------------------------------------------------------

insert into public.notification_event_types (key, category, variables, severity, priority, description) values
  ('chat.message_received', 'messages', '{room_id,sender_name,preview,action_url}', 'info', 5,
   'Someone wrote in a conversation one belongs to (not sent while one reads it, has muted it or turned it off).');

insert into public.notification_templates (event_type, channel, subject, title, body, action_url) values
  ('chat.message_received', 'in_app', null, 'New message', '{{ sender_name }}: {{ preview }}', '{{ action_url }}'),
  ('chat.message_received', 'email', 'New message from {{ sender_name }}', 'You have a new message',
   E'Hi {{ recipient_name }},\n\n{{ sender_name }} wrote:\n\n{{ preview }}\n\nReply: {{ action_url }}', '{{ action_url }}'),
  ('chat.message_received', 'sms', null, 'New message', '{{ sender_name }}: {{ preview }} Reply: {{ action_url }}', '{{ action_url }}'),
  ('chat.message_received', 'push', null, '{{ sender_name }}', '{{ preview }}', '{{ action_url }}');

-- Realtime ---------------------------------------------------------------------------------------------------------

alter publication supabase_realtime add table public.chat_messages, public.chat_participants, public.chat_rooms;
