-- notifications / the in-app inbox: what a user reads in the app.
--
-- public.notifications holds one rendered notification per event and user, written by
-- service.expand_notifications (20260108000500) for everyone who wants the event in the inbox.
-- Users read, mark read (mark_notifications_read, or read_at itself) and delete their own; the
-- table is published to Realtime, so an open app sees a new notification as it arrives.
--
-- Its texts are rendered in SQL, once per event and locale, by the two functions below:
-- pick_template (a locale's template, with fallbacks) and render_template (the {{ name }}
-- placeholders filled). The dispatch functions use them for digests and claims too.
--
-- No foreign keys on user_id and outbox_id: a foreign key checks (and share-locks the referenced
-- row) once per inserted row, which more than doubled the time of a 100,000-user fan-out.
-- Expansion writes only users it has just joined to profiles and the outbox row it holds. What
-- the keys would cascade, statement triggers do, with the deliveries (20260108000400): a deleted
-- profile or outbox row takes its notifications with it.

-- Rendering ----------------------------------------------------------------------------------------

-- The inbox is read straight from the table, so its texts are rendered here; email, SMS and
-- push are rendered by the dispatcher (functions/notifications/render.py, same grammar).
-- Placeholders named in `keep` stay, written {{name}}, to be filled per recipient.
create function private.render_template(template text, data jsonb, keep text[] default '{}')
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  result text := template;
  name text;
begin
  foreach name in array private.template_placeholders(template) loop
    result := regexp_replace(
      result,
      '\{\{\s*' || name || '\s*\}\}',
      replace(case when name = any (keep) then '{{' || name || '}}' else coalesce(data ->> name, '') end, '\', '\\'),
      'g'
    );
  end loop;
  return result;
end
$$;

grant execute on function private.render_template(text, jsonb, text[]) to service_role;

comment on function private.render_template(text, jsonb, text[]) is
  'Fills the {{ name }} placeholders of a template from data (missing values render empty); names in keep are left as {{name}}.';

-- The template for an event, channel and locale: the locale, its language, then en.
create function private.pick_template(event_type text, channel public.notification_channel, locale text)
returns setof public.notification_templates
language sql
stable
set search_path = ''
as $$
  select t.* from public.notification_templates t
  where t.event_type = pick_template.event_type and t.channel = pick_template.channel
    and t.locale in (pick_template.locale, split_part(pick_template.locale, '-', 1), 'en')
  order by t.locale = pick_template.locale desc, t.locale = split_part(pick_template.locale, '-', 1) desc
  limit 1
$$;

grant execute on function private.pick_template(text, public.notification_channel, text) to service_role;

comment on function private.pick_template(text, public.notification_channel, text) is
  'The template of an event and channel in a locale, falling back to its language (pt-BR → pt) and then en; no row when none exists.';

-- The inbox ------------------------------------------------------------------------------------------

create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,
  outbox_id bigint not null,
  event_type text not null,
  category text not null,
  title text not null,
  body text not null,
  action_url text,
  data jsonb not null default '{}',
  severity public.notification_severity not null default 'info',
  priority smallint not null default 5,
  read_at timestamptz,
  created_at timestamptz not null default now(),
  constraint notifications_one_per_event unique (outbox_id, user_id)
);

create index notifications_user_created_idx on public.notifications (user_id, created_at desc);
create index notifications_user_unread_idx on public.notifications (user_id, created_at desc) where read_at is null;

comment on table public.notifications is
  'The in-app inbox: one rendered notification per event and user. Read and delete: the user''s own. Update: read_at only (mark_notifications_read). Published to Realtime.';
comment on column public.notifications.severity is 'How to show it: info, success, warning, error.';
comment on column public.notifications.priority is '0 (low) to 9 (urgent).';
comment on column public.notifications.read_at is 'When the user read it; null while unread. The user may set it, or clear it to mark unread.';
comment on column public.notifications.data is 'The event''s data (booking_id, invoice_number, ...) for the app to link or show.';

alter table public.notifications enable row level security;
revoke all on table public.notifications from anon, authenticated;
grant select, delete on table public.notifications to authenticated;
grant update (read_at) on table public.notifications to authenticated;

create policy "users can read their own notifications"
  on public.notifications for select to authenticated using (user_id = (select auth.uid()));

create policy "users can mark their own notifications read"
  on public.notifications for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

create policy "users can delete their own notifications"
  on public.notifications for delete to authenticated using (user_id = (select auth.uid()));

alter publication supabase_realtime add table public.notifications;

create function public.mark_notifications_read(notification_ids uuid[] default null)
returns integer
language sql
set search_path = ''
as $$
  with marked as (
    update public.notifications n set read_at = now()
    where n.user_id = (select auth.uid()) and n.read_at is null
      and (notification_ids is null or n.id = any (notification_ids))
    returning 1
  )
  select count(*)::integer from marked
$$;

revoke execute on function public.mark_notifications_read(uuid[]) from public, anon;
grant execute on function public.mark_notifications_read(uuid[]) to authenticated;

comment on function public.mark_notifications_read(uuid[]) is
  'RPC for users: marks the given notifications of the caller read (null: all unread ones). Returns how many changed.';
