-- notifications / outbox: what should be told to whom, written in the same transaction as
-- the change that causes it, and expanded later (service.expand_notifications) into inbox
-- rows and deliveries.
--
-- * private.notification_outbox: one row per event, with a dedup key (a second enqueue of
--   the same key is a no-op), explicit recipients and/or a topic, the event's data, and a
--   time before which it is not expanded (reminders).
-- * Topics fan one event out to many users: a role's holders (all_clients, all_providers,
--   all_users, ...), the providers of a category and its subcategories
--   ('providers_of_category:<category id>'), or the subscribers of a subscription topic.
--   Membership is resolved when the event is expanded, set-based (private.topic_members).
-- * send_announcement: the admins' way to write to a topic (a known one; links https or a path
--   of the site; who sent it stays on the outbox row, out of the recipients' data).
-- * The nudge: where pg_net is installed and notifications.dispatch_url is set, an outbox
--   insert that is due now posts to the dispatch Lambda, so messages do not wait for its
--   one-minute schedule. Without pg_net nothing happens and the schedule does the work.

-- Topics ------------------------------------------------------------------------------------------

create table public.notification_topics (
  key text primary key constraint notification_topics_key_format check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  kind text not null constraint notification_topics_kind_values check (kind in ('role', 'category_providers', 'subscription')),
  role public.app_role,
  description text not null constraint notification_topics_description_length check (char_length(description) between 1 and 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint notification_topics_role_only_for_roles check (kind = 'role' or role is null)
);

comment on table public.notification_topics is
  'Audiences an event can be sent to at once. kind role: the holders of `role` (every user when role is null); category_providers: used as ''<key>:<category id>'', the providers with an active offering in that category or its subcategories; subscription: the users who subscribed (topic_subscriptions). Read: signed-in users. Write: admins.';
comment on column public.notification_topics.role is 'For kind role: whose holders are members; null means every user.';

create trigger set_updated_at
  before update on public.notification_topics
  for each row execute function private.tg_set_updated_at();

insert into public.notification_topics (key, kind, role, description) values
  ('all_users', 'role', null, 'Everyone with an account.'),
  ('all_clients', 'role', 'client', 'Every client.'),
  ('all_providers', 'role', 'provider', 'Every provider.'),
  ('all_staff', 'role', 'staff', 'Every staff member.'),
  ('all_admins', 'role', 'admin', 'Every admin.'),
  ('providers_of_category', 'category_providers', null,
   'Providers with an active offering in a category or its subcategories: providers_of_category:<category id>.'),
  ('product_updates', 'subscription', null, 'News about the marketplace, for those who asked for it.');

create table public.topic_subscriptions (
  topic text not null references public.notification_topics (key) on update cascade on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (topic, user_id)
);

create index topic_subscriptions_user_id_idx on public.topic_subscriptions (user_id);

comment on table public.topic_subscriptions is
  'Who subscribed to which subscription topic. Read: the user, admins. Insert / delete: the user, for topics of kind subscription.';

alter table public.notification_topics enable row level security;
alter table public.topic_subscriptions enable row level security;

revoke all on table public.notification_topics, public.topic_subscriptions from anon, authenticated;
grant select on table public.notification_topics to authenticated;
grant insert (key, kind, role, description), update (kind, role, description), delete on table public.notification_topics
  to authenticated;
grant select, delete on table public.topic_subscriptions to authenticated;
grant insert (topic, user_id) on table public.topic_subscriptions to authenticated;

create policy "signed-in users can read topics"
  on public.notification_topics for select to authenticated using (true);

create policy "admins can create topics"
  on public.notification_topics for insert to authenticated with check ((select private.is_admin()));

create policy "admins can update topics"
  on public.notification_topics for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));

create policy "admins can delete topics"
  on public.notification_topics for delete to authenticated using ((select private.is_admin()));

create policy "users can read their own subscriptions and admins all"
  on public.topic_subscriptions for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

create policy "users can subscribe themselves to subscription topics"
  on public.topic_subscriptions for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.notification_topics t where t.key = topic and t.kind = 'subscription')
  );

create policy "users can unsubscribe themselves"
  on public.topic_subscriptions for delete to authenticated using (user_id = (select auth.uid()));

-- Whether a topic name means something: a topic key, or '<category_providers key>:<id of a category>'.
create function private.is_known_topic(topic text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (
    select 1 from public.notification_topics t
    where (t.kind <> 'category_providers' and t.key = topic)
       or (t.kind = 'category_providers' and topic ~* ('^' || t.key || ':[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
           and exists (select 1 from public.categories c where c.id::text = lower(split_part(topic, ':', 2))))
  )
$$;

grant execute on function private.is_known_topic(text) to service_role;

comment on function private.is_known_topic(text) is
  'Whether a topic name resolves: a topic key, or providers_of_category:<id of an existing category>.';

-- Set-based: one query per topic kind, not a loop; duplicates removed by the union.
create function private.topic_members(topic text)
returns setof uuid
language sql
stable
set search_path = ''
as $$
  select r.user_id from public.user_roles r
  join public.notification_topics t on t.key = topic and t.kind = 'role' and t.role is not null
  where r.role = t.role
  union
  select p.id from public.profiles p
  where exists (select 1 from public.notification_topics t where t.key = topic and t.kind = 'role' and t.role is null)
  union
  select o.provider_id from public.offerings o
  join public.categories c on c.id = o.category_id
  join (
    select case when topic ~* ':[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                then split_part(topic, ':', 2)::uuid end as category_id
    from public.notification_topics t
    where t.kind = 'category_providers' and t.key = split_part(topic, ':', 1)
  ) wanted on wanted.category_id in (c.id, c.parent_id)
  where o.status = 'active' and o.provider_id is not null
  union
  select s.user_id from public.topic_subscriptions s
  join public.notification_topics t on t.key = s.topic and t.kind = 'subscription'
  where s.topic = topic_members.topic
$$;

grant execute on function private.topic_members(text) to service_role;

comment on function private.topic_members(text) is
  'The users a topic reaches now, each once: role holders, providers of a category (and its subcategories) with an active offering, or subscribers.';

-- The outbox ----------------------------------------------------------------------------------------

create table private.notification_outbox (
  id bigint generated always as identity primary key,
  event_type text not null references public.notification_event_types (key) on update cascade on delete restrict,
  dedup_key text not null unique constraint notification_outbox_dedup_key_length check (char_length(dedup_key) between 1 and 300),
  recipient_ids uuid[] not null default '{}',
  topic text,
  data jsonb not null default '{}' constraint notification_outbox_data_object check (jsonb_typeof(data) = 'object'),
  booking_id uuid references public.bookings (id) on delete set null,
  deliver_after timestamptz not null default now(),
  status text not null default 'pending'
    constraint notification_outbox_status_values check (status in ('pending', 'expanded', 'cancelled', 'failed')),
  error text constraint notification_outbox_error_length check (char_length(error) <= 1000),
  sent_by uuid,
  created_at timestamptz not null default now(),
  expanded_at timestamptz,
  recipient_count integer,
  constraint notification_outbox_error_when_failed check ((status = 'failed') = (error is not null))
);

create index notification_outbox_due_idx on private.notification_outbox (deliver_after) where status = 'pending';
create index notification_outbox_event_type_idx on private.notification_outbox (event_type);
create index notification_outbox_booking_id_idx on private.notification_outbox (booking_id) where booking_id is not null;

comment on table private.notification_outbox is
  'Events to notify, written in the transaction of the change that causes them; expanded once into inbox rows and deliveries by service.expand_notifications.';
comment on column private.notification_outbox.dedup_key is 'One event per key: enqueueing the same key again does nothing (e.g. booking.confirmed:<booking id>).';
comment on column private.notification_outbox.recipient_ids is 'Users to notify; with topic, the union of both.';
comment on column private.notification_outbox.data is 'The template variables; data.severity (info, success, warning, error) overrides the event type''s.';
comment on column private.notification_outbox.deliver_after is 'Not expanded before then (reminders).';
comment on column private.notification_outbox.booking_id is 'The booking an event is about, so that its pending reminders can be cancelled.';
comment on column private.notification_outbox.status is
  'pending (waiting to be expanded), expanded, cancelled (a withdrawn reminder), failed (could not be expanded: see error; nothing of it was written. Fix the data or the template and set it back to pending to expand it).';
comment on column private.notification_outbox.error is 'Why a failed event could not be expanded (e.g. a template needs a variable its data does not carry), with its SQLSTATE.';
comment on column private.notification_outbox.sent_by is 'The admin who sent an announcement: kept here, never copied into the recipients'' data.';

grant select, insert, update on table private.notification_outbox to service_role;

create function private.enqueue_notification(
  event_type text,
  dedup_key text,
  recipient_ids uuid[],
  data jsonb,
  deliver_after timestamptz default now(),
  booking_id uuid default null,
  topic text default null
)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  outbox_id bigint;
begin
  if not exists (select 1 from public.notification_event_types t where t.key = enqueue_notification.event_type) then
    raise exception 'event_type: unknown notification event type %', coalesce(enqueue_notification.event_type, 'null')
      using errcode = '22023';
  end if;
  if coalesce(trim(dedup_key), '') = '' then
    raise exception 'dedup_key: a notification needs a dedup key' using errcode = '22023';
  end if;
  if data is not null and jsonb_typeof(data) <> 'object' then
    raise exception 'data: notification data must be a JSON object' using errcode = '22023';
  end if;
  if data ? 'severity' and not (data ->> 'severity') = any (enum_range(null::public.notification_severity)::text[]) then
    raise exception 'data: severity % is not one of %', data ->> 'severity', enum_range(null::public.notification_severity)
      using errcode = '22023';
  end if;
  if topic is not null and not private.is_known_topic(topic) then
    raise exception 'topic: unknown notification topic %', topic using errcode = '22023';
  end if;

  insert into private.notification_outbox (event_type, dedup_key, recipient_ids, topic, data, deliver_after, booking_id)
  values (
    enqueue_notification.event_type,
    enqueue_notification.dedup_key,
    array(select distinct r from unnest(coalesce(enqueue_notification.recipient_ids, '{}')) r where r is not null order by r),
    enqueue_notification.topic,
    coalesce(enqueue_notification.data, '{}'),
    coalesce(enqueue_notification.deliver_after, now()),
    enqueue_notification.booking_id
  )
  on conflict on constraint notification_outbox_dedup_key_key do nothing
  returning id into outbox_id;
  return outbox_id;
end
$$;

grant execute on function private.enqueue_notification(text, text, uuid[], jsonb, timestamptz, uuid, text) to service_role;

comment on function private.enqueue_notification(text, text, uuid[], jsonb, timestamptz, uuid, text) is
  'Writes one event to the outbox, in the caller''s transaction. Returns its id, or null when the dedup key was enqueued before (nothing changes). Errors: 22023 unknown event type or topic, no dedup key, data not an object, unknown data.severity.';

-- Announcements ---------------------------------------------------------------------------------

-- Security definer: the outbox is private; admins reach it only through this function.
create function public.send_announcement(
  topic text,
  title text,
  body text,
  action_url text default null,
  severity public.notification_severity default 'info'
)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  outbox_id bigint;
begin
  if not private.is_admin() then
    raise exception 'only admins can send announcements' using errcode = '42501';
  end if;
  if topic is null then
    raise exception 'topic: an announcement needs a topic (e.g. all_users, all_clients, providers_of_category:<category id>)'
      using errcode = '22023';
  end if;
  if not private.is_known_topic(topic) then
    raise exception 'topic: unknown notification topic %', topic
      using errcode = '22023', hint = 'A key of public.notification_topics, or providers_of_category:<category id>.';
  end if;
  if coalesce(trim(title), '') = '' or char_length(title) > 200 then
    raise exception 'title: an announcement needs a title of at most 200 characters' using errcode = '22023';
  end if;
  if coalesce(trim(body), '') = '' or char_length(body) > 4000 then
    raise exception 'body: an announcement needs a body of at most 4000 characters' using errcode = '22023';
  end if;
  -- An https URL with a host, or a path of this site. Not '//host' nor '/\host' (browsers read
  -- both as another site), nor any space or control character (browsers drop tabs and
  -- newlines: '/<tab>/host' is '//host').
  if action_url is not null
     and (action_url ~ '[[:space:][:cntrl:]]' or action_url !~ '^(https://[^/\\@]+(/|$)|/([^/\\]|$))') then
    raise exception 'action_url: % is neither an https URL nor a path starting with a single /', action_url
      using errcode = '22023';
  end if;
  -- action_url is in the data even when null: the templates name it, and a variable the data
  -- lacks is an error (a null renders empty). Who sent it stays on the outbox row.
  outbox_id := private.enqueue_notification(
    'announcement',
    'announcement:' || gen_random_uuid(),
    '{}',
    jsonb_build_object('title', trim(title), 'body', trim(body), 'action_url', action_url, 'severity', severity, 'topic', topic),
    now(),
    null,
    topic
  );
  update private.notification_outbox o set sent_by = auth.uid() where o.id = outbox_id;
  return outbox_id;
end
$$;

revoke execute on function public.send_announcement(text, text, text, text, public.notification_severity) from public, anon;
grant execute on function public.send_announcement(text, text, text, text, public.notification_severity) to authenticated;

comment on function public.send_announcement(text, text, text, text, public.notification_severity) is
  'RPC for admins: announces title and body (and an optional action_url) to every member of a topic (e.g. all_clients, providers_of_category:<id>), through each member''s preferred channels. Returns the outbox id. Errors: 42501 not an admin; 22023 no or an unknown topic, an empty title or body, an action_url that is neither https://<host>... nor a path starting with a single /.';

-- The nudge ---------------------------------------------------------------------------------------

insert into private.settings (key, value, description) values
  ('notifications.dispatch_url', 'null',
   'URL of the notify-dispatch Lambda (POST /notify/dispatch) that pg_net nudges when due notifications are enqueued; null: no nudge, the schedule runs it.'),
  ('notifications.dispatch_secret', 'null',
   'Sent as x-marketbase-dispatch-secret with the nudge; the Lambda''s NOTIFY_DISPATCH_SECRET.');

-- Security definer: reads the dispatch secret (private.settings) and calls pg_net, whose
-- functions the roles that write the outbox may not execute. Dynamic SQL: pg_net is not
-- installed everywhere, and this migration must load without it. A nudge that fails is a
-- warning, never the caller's error: the schedule picks the event up anyway.
create function private.nudge_dispatcher()
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  url text;
  secret text;
begin
  if not exists (
    select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'net' and p.proname = 'http_post'
  ) then
    return false;
  end if;
  url := private.setting('notifications.dispatch_url') #>> '{}';
  if coalesce(url, '') = '' then
    return false;
  end if;
  secret := private.setting('notifications.dispatch_secret') #>> '{}';
  begin
    execute 'select net.http_post(url => $1, body => $2, headers => $3)'
      using url, '{}'::jsonb,
            jsonb_strip_nulls(jsonb_build_object('Content-Type', 'application/json', 'x-marketbase-dispatch-secret', secret));
  exception when others then
    raise warning 'notifications: the dispatcher nudge failed: % (%)', sqlerrm, sqlstate;
    return false;
  end;
  return true;
end
$$;

comment on function private.nudge_dispatcher() is
  'Asks pg_net to POST {} to notifications.dispatch_url (header x-marketbase-dispatch-secret) after commit. Returns whether it did; false without pg_net or a URL. Never raises.';

-- Security definer: runs for whoever wrote the outbox, to call private.nudge_dispatcher.
create function private.tg_notification_outbox_nudge()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from inserted i where i.status = 'pending' and i.deliver_after <= now()) then
    perform private.nudge_dispatcher();
  end if;
  return null;
end
$$;

create trigger nudge_dispatcher
  after insert on private.notification_outbox
  referencing new table as inserted
  for each statement execute function private.tg_notification_outbox_nudge();
