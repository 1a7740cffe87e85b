-- notifications / the in-app inbox: what a user reads in the app.
--
-- public.notifications holds one rendered notification per event and user, written by
-- service.expand_notifications (20260108000500) for everyone who wants the event in the inbox.
-- Users read, mark read (mark_notifications_read, or read_at itself) and delete their own; the
-- table is published to Realtime, so an open app sees a new notification as it arrives.
--
-- Its texts are rendered in SQL, once per event and locale, by the functions below:
-- pick_template (a locale's template, with fallbacks) and render_template / render_template_parts
-- (the {{ name }} placeholders filled). The dispatch functions use them for digests and claims too.
--
-- No foreign keys on user_id and outbox_id: a foreign key checks (and share-locks the referenced
-- row) once per inserted row, which more than doubled the time of a 100,000-user fan-out.
-- Expansion writes only users it has just joined to profiles and the outbox row it holds. What
-- the keys would cascade, statement triggers do, with the deliveries (20260108000400): a deleted
-- profile or outbox row takes its notifications with it.

-- Rendering ----------------------------------------------------------------------------------------

-- The inbox is read straight from the table, so its texts are rendered here; email, SMS and
-- push are rendered by the dispatcher (functions/notifications/render.py, same grammar, same
-- rules):
-- * one pass: the template is cut at its placeholders and each is replaced by its value once;
--   a value is never scanned for placeholders (an announcement saying "{{ title }}" says it);
-- * a variable the data does not carry renders nothing at all (null), never an empty hole:
--   render.py raises MissingVariable for it. service.expand_notifications checks the templates
--   an event needs before it writes anything, and fails the event when one cannot be rendered;
-- * values are written as render.py's format_value writes them: strings as they are, null as
--   nothing, true / false as yes / no, a list one item per line ({title, body} as "title: body").

-- One value of the data as text (a list's items are written by format_template_value).
create function private.format_template_scalar(value jsonb)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case jsonb_typeof(value)
    when 'null' then ''
    when 'string' then value #>> '{}'
    when 'boolean' then case when (value)::boolean then 'yes' else 'no' end
    else value::text
  end
$$;

grant execute on function private.format_template_scalar(jsonb) to service_role;

create function private.format_template_value(value jsonb)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case when jsonb_typeof(value) = 'array' then (
    select coalesce(string_agg(
      case
        when jsonb_typeof(i.item) = 'object' and (i.item ? 'title' or i.item ? 'body') then
          case when coalesce(i.title, '') <> '' and coalesce(i.body, '') <> '' then i.title || ': ' || i.body
               else coalesce(nullif(i.title, ''), i.body, '') end
        else private.format_template_scalar(i.item)
      end, E'\n' order by i.ord), '')
    from (
      select e.item, e.ord, private.format_template_scalar(e.item -> 'title') as title,
             private.format_template_scalar(e.item -> 'body') as body
      from jsonb_array_elements(value) with ordinality e (item, ord)
    ) i)
  else private.format_template_scalar(value) end
$$;

grant execute on function private.format_template_value(jsonb) to service_role;

comment on function private.format_template_value(jsonb) is
  'A template variable''s value as text, as render.py''s format_value writes it: null empty, booleans yes / no, a list one item per line ({title, body} as "title: body").';

-- The variables a template needs that data does not carry (names in keep are filled later).
create function private.undefined_template_variables(template text, data jsonb, keep text[] default '{}')
returns text[]
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(array_agg(p.name order by p.ord), '{}')
  from unnest(private.template_placeholders(template)) with ordinality p (name, ord)
  where p.name <> all (coalesce(keep, '{}')) and not coalesce(data ? p.name, false)
$$;

grant execute on function private.undefined_template_variables(text, jsonb, text[]) to service_role;

comment on function private.undefined_template_variables(text, jsonb, text[]) is
  'The placeholders of a template, other than those in keep, whose variable data does not carry (a JSON null is carried: it renders empty).';

-- The one pass. The pieces between placeholders and the placeholders' names are read once;
-- the result is cut at each placeholder named in keep, so that array_to_string(parts, value)
-- fills it per recipient, again without reading the value.
create function private.render_template_parts(template text, data jsonb, keep text[] default '{}')
returns text[]
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  literals text[];
  names text[];
  parts text[] := '{}';
  piece text;
begin
  if template is null then
    return null;
  end if;
  literals := regexp_split_to_array(template, '\{\{\s*[a-z_][a-z0-9_]*\s*\}\}');
  names := array(
    select m.match[1] from regexp_matches(template, '\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}', 'g') with ordinality m (match, at)
    order by m.at
  );
  piece := literals[1];
  for i in 1 .. coalesce(array_length(names, 1), 0) loop
    if names[i] = any (coalesce(keep, '{}')) then
      parts := parts || piece;
      piece := '';
    elsif coalesce(data ? names[i], false) then
      piece := piece || private.format_template_value(data -> names[i]);
    else
      return null;
    end if;
    piece := piece || literals[i + 1];
  end loop;
  return parts || piece;
end
$$;

grant execute on function private.render_template_parts(text, jsonb, text[]) to service_role;

comment on function private.render_template_parts(text, jsonb, text[]) is
  'A template rendered in one pass from data, cut at every placeholder named in keep (array_to_string(parts, value) fills them); null when data lacks a variable the template needs.';

create function private.render_template(template text, data jsonb, keep text[] default '{}')
returns text
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  parts text[] := private.render_template_parts(template, data, keep);
  kept text[];
  result text;
begin
  if parts is null then
    return null;
  end if;
  kept := array(
    select m.match[1] from regexp_matches(template, '\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}', 'g') with ordinality m (match, at)
    where m.match[1] = any (keep)
    order by m.at
  );
  result := parts[1];
  for i in 1 .. coalesce(array_length(kept, 1), 0) loop
    result := result || '{{' || kept[i] || '}}' || parts[i + 1];
  end loop;
  return result;
end
$$;

grant execute on function private.render_template(text, jsonb, text[]) to service_role;

comment on function private.render_template(text, jsonb, text[]) is
  'Fills the {{ name }} placeholders of a template from data in one pass (values are never read for placeholders); null when data lacks a variable the template needs (a JSON null renders empty); names in keep are left as {{name}}.';

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

-- The badge: the caller's unread notifications, counted on the partial unread index.
create function public.count_unread_notifications()
returns integer
language sql
stable
set search_path = ''
as $$
  select count(*)::integer from public.notifications n
  where n.user_id = (select auth.uid()) and n.read_at is null
$$;

revoke execute on function public.count_unread_notifications() from public, anon;
grant execute on function public.count_unread_notifications() to authenticated;

comment on function public.count_unread_notifications() is
  'RPC for users: how many of the caller''s notifications are unread (the badge). 0 for none.';
