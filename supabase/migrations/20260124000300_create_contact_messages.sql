-- engagement / contact messages (issue 13; seed 003's visitors, seed 000's contact form): anyone,
-- anon included, writes to the platform; nobody but admins reads them (a signed-in sender reads
-- their own); admins triage (status, assignee, note).
--
-- The frontend inserts straight into the table (`from('contact_messages').insert(...)`, with
-- Prefer: return=minimal for anon). A trigger before the insert fills what the sender may not
-- choose (their user id, their IP address from PostgREST's request.headers, the status) and
-- bounds the abuse: contact.max_per_email_per_hour messages from one e-mail address and
-- contact.max_per_ip_per_hour from one address in an hour, then PT429 (HTTP 429).

insert into private.settings (key, value, description) values
  ('contact.max_per_email_per_hour', '3', 'Contact messages one e-mail address may send in an hour.'),
  ('contact.max_per_ip_per_hour', '10', 'Contact messages one IP address may send in an hour.');

create type public.contact_status as enum ('new', 'in_progress', 'resolved', 'spam');

create table public.contact_messages (
  id uuid primary key default gen_random_uuid(),
  name text not null constraint contact_messages_name_length check (char_length(name) between 1 and 120),
  email text not null constraint contact_messages_email_format check (char_length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  subject text not null constraint contact_messages_subject_length check (char_length(subject) between 1 and 200),
  body text not null constraint contact_messages_body_length check (char_length(body) between 1 and 5000),
  topic text not null default 'general'
    constraint contact_messages_topic_values check (topic in ('general', 'support', 'billing', 'partnership', 'bug', 'other')),
  severity text not null default 'normal'
    constraint contact_messages_severity_values check (severity in ('low', 'normal', 'high', 'urgent')),
  user_id uuid references public.profiles (id) on delete set null,
  source_ip inet,
  status public.contact_status not null default 'new',
  assignee_id uuid references public.profiles (id) on delete set null,
  admin_note text constraint contact_messages_admin_note_length check (char_length(admin_note) <= 4000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index contact_messages_created_idx on public.contact_messages (created_at desc);
create index contact_messages_status_idx on public.contact_messages (status, created_at desc);
create index contact_messages_email_idx on public.contact_messages (lower(email), created_at);
create index contact_messages_ip_idx on public.contact_messages (source_ip, created_at) where source_ip is not null;
create index contact_messages_user_idx on public.contact_messages (user_id, created_at desc) where user_id is not null;
create index contact_messages_assignee_idx on public.contact_messages (assignee_id) where assignee_id is not null;

comment on table public.contact_messages is
  'Messages to the platform from anyone (anon included). Insert: anyone, within the hourly limits. Read: admins; a signed-in sender their own. Triage (status, assignee_id, admin_note): admins.';

create trigger set_updated_at before update on public.contact_messages
  for each row execute function private.tg_set_updated_at();

-- The caller's IP address as the gateway reports it (the first of X-Forwarded-For, or
-- CF-Connecting-IP): null when absent or not an address.
create function private.request_ip()
returns inet
language plpgsql
stable
set search_path = ''
as $$
declare
  headers jsonb := nullif(current_setting('request.headers', true), '')::jsonb;
  candidate text := btrim(split_part(coalesce(headers ->> 'cf-connecting-ip', headers ->> 'x-forwarded-for', ''), ',', 1));
begin
  return candidate::inet;
exception when invalid_text_representation or invalid_parameter_value then
  return null;
end
$$;

grant execute on function private.request_ip() to anon, authenticated, service_role;

comment on function private.request_ip() is
  'The request''s client IP from PostgREST''s request.headers (CF-Connecting-IP, else the first X-Forwarded-For); null when absent or malformed.';

-- Security definer: counts every sender's recent messages, which the caller cannot read.
create function private.tg_contact_messages_accept()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  per_email integer := (private.setting('contact.max_per_email_per_hour'))::integer;
  per_ip integer := (private.setting('contact.max_per_ip_per_hour'))::integer;
begin
  new.user_id := auth.uid();
  new.source_ip := private.request_ip();
  new.status := 'new';
  new.assignee_id := null;
  new.admin_note := null;
  new.email := btrim(new.email);
  -- One sender at a time, so that parallel requests cannot pass the limits together.
  perform pg_advisory_xact_lock(hashtext('marketbase.contact:' || lower(new.email)));
  if (select count(*) from public.contact_messages m
      where lower(m.email) = lower(new.email) and m.created_at > now() - interval '1 hour') >= per_email then
    raise exception 'email: at most % messages an hour from one address; try again later', per_email using errcode = 'PT429';
  end if;
  if new.source_ip is not null then
    perform pg_advisory_xact_lock(hashtext('marketbase.contact-ip:' || host(new.source_ip)));
    if (select count(*) from public.contact_messages m
        where m.source_ip = new.source_ip and m.created_at > now() - interval '1 hour') >= per_ip then
      raise exception 'too many messages from your network in the last hour; try again later' using errcode = 'PT429';
    end if;
  end if;
  return new;
end
$$;

revoke all on function private.tg_contact_messages_accept() from public, anon, authenticated, service_role;

create trigger accept
  before insert on public.contact_messages
  for each row execute function private.tg_contact_messages_accept();

-- Admins hear of each message.
create function private.tg_contact_messages_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  admins uuid[] := array(select r.user_id from public.user_roles r where r.role = 'admin' order by r.user_id);
begin
  if cardinality(admins) > 0 then
    perform private.enqueue_notification('contact.received', 'contact.received:' || new.id, admins,
      jsonb_build_object('message_id', new.id, 'sender_name', new.name, 'subject', new.subject, 'topic', new.topic,
                         'urgency', new.severity, 'action_url', '/admin/contact/' || new.id));
  end if;
  return null;
end
$$;

revoke all on function private.tg_contact_messages_notify() from public, anon, authenticated, service_role;

create trigger notify
  after insert on public.contact_messages
  for each row execute function private.tg_contact_messages_notify();

insert into public.notification_event_types (key, category, variables, severity, priority, description) values
  ('contact.received', 'announcements', '{message_id,sender_name,subject,topic,urgency,action_url}', 'info', 5,
   'Someone wrote to the platform through the contact form (to admins).');
insert into public.notification_templates (event_type, channel, subject, title, body, action_url) values
  ('contact.received', 'in_app', null, 'New contact message', '{{ sender_name }} wrote about {{ topic }} ({{ urgency }}): {{ subject }}',
   '{{ action_url }}'),
  ('contact.received', 'email', 'Contact: {{ subject }}', 'A new contact message',
   E'Hi {{ recipient_name }},\n\n{{ sender_name }} wrote about {{ topic }} ({{ urgency }}):\n\n{{ subject }}\n\nTriage it: {{ action_url }}',
   '{{ action_url }}'),
  ('contact.received', 'sms', null, 'New contact message', 'Contact message ({{ urgency }}): {{ subject }} {{ action_url }}', '{{ action_url }}'),
  ('contact.received', 'push', null, 'New contact message', '{{ sender_name }}: {{ subject }}', '{{ action_url }}');

-- Access -----------------------------------------------------------------------------------------------
alter table public.contact_messages enable row level security;
revoke all on table public.contact_messages from anon, authenticated;
grant insert (name, email, subject, body, topic, severity) on table public.contact_messages to anon, authenticated;
grant select on table public.contact_messages to authenticated;
grant select, update (status, assignee_id, admin_note) on table public.contact_messages to marketbase_admin;
grant select, insert, update, delete on table public.contact_messages to service_role;

-- Checked after the accept trigger: the row is new, and in the sender's own name (or none).
create policy "anyone writes to the platform"
  on public.contact_messages for insert to anon, authenticated
  with check (status = 'new' and assignee_id is null and user_id is not distinct from (select auth.uid()));
create policy "senders read their own messages"
  on public.contact_messages for select to authenticated using (user_id = (select auth.uid()));
create policy "admins read every message"
  on public.contact_messages for select to marketbase_admin using ((select private.is_admin()));
create policy "admins triage messages"
  on public.contact_messages for update to marketbase_admin
  using ((select private.is_admin())) with check ((select private.is_admin()));
