-- notifications / the recipient's language (issue 19): a notification is worded in the
-- recipient's preferred language (profile_details.locale, 20260130000200) when it is an active
-- language, else in the platform's default language (public.languages.is_default), where it
-- used to be en. The template of that language falls back, when an event has none in it, to
-- its base language (pt-BR → pt), then to the default language, then to en (which every
-- event has: 20260108000000 refuses deleting it).
--
-- private.pick_template (20260108000300) gains the default language in its chain, and
-- private.expand_notification (last defined in 20260115000200) again, in full, with one change:
-- the recipients' locale is their active preferred language or the default one. The delivery
-- keeps that locale, and the dispatcher's claim picks the template with it as before.

-- plpgsql, as 20260129000000 made it: the query's plan is kept for the session.
create or replace function private.pick_template(event_type text, channel public.notification_channel, locale text)
returns setof public.notification_templates
language plpgsql
stable
set search_path = ''
as $$
declare
  default_locale constant text := private.default_language();
begin
  return query
  select t.* from public.notification_templates t
  where t.event_type = pick_template.event_type and t.channel = pick_template.channel
    and t.locale in (pick_template.locale, split_part(pick_template.locale, '-', 1), default_locale, 'en')
  order by t.locale = pick_template.locale desc, t.locale = split_part(pick_template.locale, '-', 1) desc,
           t.locale = default_locale desc
  limit 1;
end
$$;

comment on function private.pick_template(text, public.notification_channel, text) is
  'The template of an event and channel in a locale, falling back to its base language (pt-BR → pt), then the default language, then en; no row when none exists.';


create or replace function private.expand_notification(job private.notification_outbox)
returns integer
language plpgsql
set search_path = ''
set plan_cache_mode = force_custom_plan
set jit = off
set work_mem = '64MB'
as $$
declare
  event public.notification_event_types;
  category public.notification_categories;
  severity public.notification_severity;
  due timestamptz;
  digestible boolean;
  recipients uuid[];
  id_prefix text;
  id_base bigint;
  reached integer;
  actor_limited boolean;
  per_actor integer;
  sms_per_day integer;
  -- Recipients without an active preferred language are spoken to in this one.
  default_locale constant text := private.default_language();
begin
  select * into event from public.notification_event_types t where t.key = job.event_type;
  select * into category from public.notification_categories c where c.key = event.category;
  severity := coalesce((job.data ->> 'severity')::public.notification_severity, event.severity);
  due := greatest(now(), job.deliver_after);
  digestible := not category.critical and category.key <> 'digest'
                and event.priority <= coalesce((private.setting('notifications.digest_max_priority'))::smallint, 4);
  recipients := array(
    select r.user_id from unnest(job.recipient_ids) r (user_id)
    union
    select m.user_id from private.topic_members(job.topic) m (user_id) where job.topic is not null
  );
  -- Admins' events (announcements, reviews, refunds) and the system's are not limited.
  actor_limited := job.actor_id is not null
                   and not exists (select 1 from public.user_roles r where r.user_id = job.actor_id and r.role = 'admin');
  per_actor := coalesce((private.setting('notifications.max_per_actor_per_hour'))::integer, 5);
  sms_per_day := coalesce((private.setting('notifications.max_sms_per_day'))::integer, 10);

  -- Ids in the UUIDv7 layout (milliseconds, random bits, then a counter): the rows of one
  -- expansion are neighbours in the primary keys' indexes, not 100,000 random pages.
  id_prefix := regexp_replace(
    lpad(to_hex((extract(epoch from clock_timestamp()) * 1000)::bigint), 12, '0')
      || '7' || lpad(to_hex((random() * 4095)::integer), 3, '0')
      || to_hex(8 + (random() * 3)::integer) || lpad(to_hex((random() * 4095)::integer), 3, '0'),
    '^(.{8})(.{4})(.{4})(.{4})$', '\1-\2-\3-\4-');
  id_base := (random() * 8388607)::bigint * 33554432;

  with people as materialized (
    select p.id as user_id, coalesce(l.code, default_locale) as locale, p.display_name as name
    from unnest(recipients) r (user_id)
    join public.profiles p on p.id = r.user_id
    left join public.profile_details d on d.user_id = r.user_id
    left join public.languages l on l.code = d.locale and l.is_active
  ),
  -- Who wants it on which channel: the preferences' rule over every recipient at once.
  wanted as materialized (
    select w.user_id, w.channel from private.wanted_channels(category.key, recipients) w
  ),
  -- Recipients this actor has reached per_actor times in the last hour: inbox only. Nothing is
  -- read when the event is not limited (actor_limited is a constant of the custom plan).
  limited as materialized (
    select pe.user_id from people pe
    where actor_limited and pe.user_id <> job.actor_id
      and (select count(*) from private.notification_outbox o
           where o.actor_id = job.actor_id and o.expanded_at > now() - interval '1 hour' and o.status = 'expanded'
             and o.id <> job.id and pe.user_id = any (o.recipient_ids)) >= per_actor
  ),
  -- One template per locale and channel, and what of it the data cannot fill. The inbox texts
  -- are rendered once per locale, cut where each recipient's name goes (array_to_string puts
  -- it there: the name is never read for placeholders, nor the values around it).
  templates as materialized (
    select l.locale, t.channel,
           private.undefined_template_variables(concat_ws(E'\n', t.subject, t.title, t.body, t.action_url), job.data,
                                                '{recipient_name}') as missing,
           private.render_template_parts(t.title, job.data, '{recipient_name}') as title,
           private.render_template_parts(t.body, job.data, '{recipient_name}') as body,
           case when t.action_url is null then array[job.data ->> 'action_url']
                else private.render_template_parts(t.action_url, job.data, '{recipient_name}') end as action_url
    from (select distinct pe.locale from people pe) l
    cross join unnest(enum_range(null::public.notification_channel)) ch (channel)
    cross join lateral private.pick_template(job.event_type, ch.channel, l.locale) t
  ),
  -- When a delivery is due depends on the user's settings, not on the user: the end of quiet
  -- hours and the next digest time are worked out once per distinct setting among the
  -- recipients (hundreds), not once per delivery (tens of thousands of function calls).
  timing as materialized (
    select c.timezone, c.quiet_hours_start, c.quiet_hours_end, c.digest_hour,
           private.after_quiet_hours(due, c.timezone, c.quiet_hours_start, c.quiet_hours_end) as quiet_until,
           private.next_digest_at(due, c.timezone, c.digest_hour) as digest_at
    from (select distinct s.timezone, s.quiet_hours_start, s.quiet_hours_end, s.digest_hour
          from people pe join public.notification_settings s on s.user_id = pe.user_id) c
  ),
  -- The name is sanitised only where a template puts it (a text cut in more than one part).
  inbox as (
    insert into public.notifications (
      id, user_id, outbox_id, event_type, category, title, body, action_url, data, severity, priority
    )
    select (id_prefix || lpad(to_hex(id_base + row_number() over (order by pe.user_id)), 12, '0'))::uuid,
           pe.user_id, job.id, job.event_type, category.key,
           case when t.missing <> '{}' then private.raise_undefined_variables(job.event_type, t.channel, t.locale, t.missing)
                when cardinality(t.title) > 1 then array_to_string(t.title, private.sanitize_user_text(pe.name))
                else t.title[1] end,
           case when cardinality(t.body) > 1 then array_to_string(t.body, private.sanitize_user_text(pe.name))
                else t.body[1] end,
           nullif(case when cardinality(t.action_url) > 1 then array_to_string(t.action_url, private.sanitize_user_text(pe.name))
                       else t.action_url[1] end, ''),
           job.data, severity, event.priority
    from people pe
    join wanted w on w.user_id = pe.user_id and w.channel = 'in_app'
    join templates t on t.locale = pe.locale and t.channel = 'in_app'
    order by pe.user_id
  ),
  -- Email, SMS and push destinations, read only for the users who want that channel. SMS: the
  -- phone Auth verified, in E.164 with its '+'.
  outgoing as (
    select pe.user_id, pe.locale, 'email'::public.notification_channel as channel, u.email as destination,
           null::uuid as push_token_id, true as may_digest, 'suppressed: ' || es.reason as skip_reason
    from people pe
    join wanted w on w.user_id = pe.user_id and w.channel = 'email'
    join auth.users u on u.id = pe.user_id and u.email <> ''
    left join private.email_suppressions es on es.address = lower(u.email)
    union all
    select pe.user_id, pe.locale, 'sms', '+' || ltrim(u.phone, '+'), null, false,
           case when (select count(*) from public.notification_deliveries d
                      where d.user_id = pe.user_id and d.channel = 'sms' and d.created_at > now() - interval '24 hours'
                        and d.status not in ('skipped', 'cancelled', 'digested')) >= sms_per_day
                then format('sms daily cap: %s SMS sent to this user in the last 24 hours', sms_per_day) end
    from people pe
    join wanted w on w.user_id = pe.user_id and w.channel = 'sms'
    join auth.users u on u.id = pe.user_id and u.phone_confirmed_at is not null and u.phone ~ '^\+?[1-9][0-9]{1,14}$'
    union all
    select pe.user_id, pe.locale, 'push', pt.token, pt.id, false, null
    from people pe
    join wanted w on w.user_id = pe.user_id and w.channel = 'push'
    join public.push_tokens pt on pt.user_id = pe.user_id
  ),
  deliveries as (
    insert into public.notification_deliveries (
      id, outbox_id, user_id, channel, destination, push_token_id, locale, priority, status, next_attempt_at, digest, last_error
    )
    select (id_prefix || lpad(to_hex(id_base + 16777216 + row_number() over (order by x.user_id, x.channel, x.destination)),
                              12, '0'))::uuid,
           job.id, x.user_id, x.channel, x.destination, x.push_token_id,
           -- The dispatcher renders these: a template it could not fill fails the event here.
           case when t.missing = '{}' then x.locale
                else private.raise_undefined_variables(job.event_type, t.channel, t.locale, t.missing) end,
           event.priority,
           case when x.skip_reason is not null then 'skipped' else 'queued' end::public.notification_delivery_status,
           case
             when x.skip_reason is not null then due
             when x.may_digest and digestible and s.digest_enabled then tm.digest_at
             when category.critical or s.quiet_hours_start is null then due
             else tm.quiet_until
           end,
           coalesce(x.may_digest and digestible and s.digest_enabled and x.skip_reason is null, false),
           x.skip_reason
    from (
      select o.user_id, o.locale, o.channel, o.destination, o.push_token_id, o.may_digest,
             case when o.skip_reason like 'suppressed: %' then o.skip_reason
                  when lim.user_id is not null
                    then format('rate limited: %s notifications from the same person in the last hour; the inbox has it',
                                per_actor)
                  else o.skip_reason end as skip_reason
      from outgoing o
      left join limited lim on lim.user_id = o.user_id
    ) x
    join templates t on t.locale = x.locale and t.channel = x.channel
    left join public.notification_settings s on s.user_id = x.user_id
    left join timing tm on tm.timezone = s.timezone and tm.digest_hour = s.digest_hour
                       and tm.quiet_hours_start is not distinct from s.quiet_hours_start
                       and tm.quiet_hours_end is not distinct from s.quiet_hours_end
    order by x.user_id, x.channel, x.destination
  )
  select count(*) into reached from people;

  update private.notification_outbox o set status = 'expanded', expanded_at = now(), recipient_count = reached
  where o.id = job.id;
  return reached;
end
$$;

comment on function private.expand_notification(private.notification_outbox) is
  'Expands one held outbox event into inbox rows and deliveries (set-based), and marks it expanded. Each recipient in their active preferred language, else the default language. SMS only to the phone Auth verified, skipped beyond notifications.max_sms_per_day; email, SMS and push skipped for a recipient the event''s actor reached notifications.max_per_actor_per_hour times in the last hour (the inbox still gets it). Raises 22023 when a template it needs cannot be filled from the event''s data. For service.expand_notifications only.';
