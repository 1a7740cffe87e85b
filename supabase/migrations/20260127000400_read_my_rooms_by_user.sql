-- messaging: a participant's own rooms read by their own index (issue 14's benchmark).
--
-- A provider who bids a lot is in thousands of rooms (one per bid, kept after the decision). The
-- participants' and rooms' policies (`room_id = any (my rooms)`) then build that array and look
-- up every room by primary key, even when the request asks for the caller's own rows: the
-- busiest bidder's unread counts took 18-26 ms, their rooms newest first 7-12 ms (bench/jobs).
-- The lists a frontend shows of its own rooms now read chat_participants by user_id:
--
-- * chat_participants.last_message_at: the room's latest message time, copied to every
--   participant's row by the fan-out trigger that already moves the unread counts, with an index
--   (user_id, last_message_at desc): "my rooms, newest first" is an index range of N rows;
-- * public.my_chat_rooms(max_rows, before): the caller's rooms newest first with their unread
--   count and settings (keyset pagination by `before`), and public.my_chat_unread_total(): the
--   badge. Security definer, reading only the caller's own rows.
--
-- The tables' policies are unchanged: a room's messages and its other participants' receipts are
-- read through them, room by room.

alter table public.chat_participants add column last_message_at timestamptz;

update public.chat_participants p set last_message_at = r.last_message_at
from public.chat_rooms r where r.id = p.room_id and r.last_message_at is not null;

create index chat_participants_user_latest_idx on public.chat_participants (user_id, last_message_at desc nulls last);

comment on column public.chat_participants.last_message_at is
  'The room''s latest message time, kept on every participant''s row by the database (my_chat_rooms reads it by user).';

create or replace function private.tg_chat_messages_fanout()
returns trigger
language plpgsql
security definer
set search_path = ''
as $function$
declare
  reading_seconds integer := (private.setting('messaging.reading_seconds'))::integer;
  recipients uuid[];
  sender_name text;
begin
  update public.chat_rooms r set last_message_at = new.created_at where r.id = new.room_id;
  -- Every participant's copy of the room's latest time (their rooms list, newest first, by
  -- their own index); the others' unread counts.
  update public.chat_participants p
  set unread_count = p.unread_count + case when p.user_id is distinct from new.sender_id then 1 else 0 end,
      last_message_at = new.created_at
  where p.room_id = new.room_id;
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
$function$;

create function private.my_chat_rooms(max_rows integer default 50, before timestamptz default null)
returns table (
  room_id uuid, booking_id uuid, job_id uuid, bidder_id uuid, role public.chat_participant_role, unread_count integer,
  last_message_at timestamptz, last_read_at timestamptz, notifications_enabled boolean, muted_until timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
  select p.room_id, r.booking_id, r.job_id, r.bidder_id, p.role, p.unread_count, p.last_message_at, p.last_read_at,
         p.notifications_enabled, p.muted_until
  from public.chat_participants p
  join public.chat_rooms r on r.id = p.room_id
  where p.user_id = (select auth.uid())
    and (before is null or p.last_message_at < before)
  order by p.last_message_at desc nulls last, p.room_id
  limit least(greatest(coalesce(max_rows, 50), 1), 200)
$$;

create function private.my_chat_unread_total()
returns bigint
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(sum(p.unread_count), 0)::bigint from public.chat_participants p
  where p.user_id = (select auth.uid()) and (p.muted_until is null or p.muted_until <= now())
$$;

revoke all on function private.my_chat_rooms(integer, timestamptz), private.my_chat_unread_total() from public, anon, service_role;
grant execute on function private.my_chat_rooms(integer, timestamptz), private.my_chat_unread_total() to authenticated;

create function public.my_chat_rooms(max_rows integer default 50, before timestamptz default null)
returns table (
  room_id uuid, booking_id uuid, job_id uuid, bidder_id uuid, role public.chat_participant_role, unread_count integer,
  last_message_at timestamptz, last_read_at timestamptz, notifications_enabled boolean, muted_until timestamptz
)
language sql stable security invoker set search_path = ''
as $$ select * from private.my_chat_rooms(max_rows, before) $$;
create function public.my_chat_unread_total()
returns bigint language sql stable security invoker set search_path = ''
as $$ select private.my_chat_unread_total() $$;

revoke all on function public.my_chat_rooms(integer, timestamptz), public.my_chat_unread_total() from public, anon;
grant execute on function public.my_chat_rooms(integer, timestamptz), public.my_chat_unread_total() to authenticated, service_role;

comment on function public.my_chat_rooms(integer, timestamptz) is
  'RPC: the signed-in user''s rooms, newest message first (max_rows, at most 200; the next page with before = the last row''s last_message_at), each with its target (booking, job and bidder), the user''s role, unread count, last read, notification settings.';
comment on function public.my_chat_unread_total() is 'RPC: the signed-in user''s unread messages in rooms they have not muted (a badge).';
