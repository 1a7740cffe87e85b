-- notifications / dispatch: the service functions that turn the outbox into messages.
--
--   outbox ──expand_notifications──> notifications (the in-app inbox, rendered, Realtime)
--                                 └─> notification_deliveries (one per recipient × email / sms / push
--                                     destination) ──claim_deliveries──> dispatcher ──record_delivery
--
-- The dispatcher (functions/notifications/dispatcher.py) calls them as service_role, and nobody
-- else may. Expansion is set-based: one outbox row at a time, but every recipient of it in a few
-- insert ... select statements, so an announcement to 100,000 users is a few joins, not
-- 100,000 round trips. Preferences decide the channels (private.wanted_channels), quiet hours
-- hold non-critical deliveries until they end in the user's timezone, and digest users get
-- their non-urgent email gathered by compose_digests into one daily message.
--
-- An event that cannot be expanded (its data cannot fill a template it needs, a value of the
-- wrong type) is marked failed, with the error, and the other events go on: one bad row never
-- stops the dispatcher. Nothing of a failed event is written, so no inbox row has a hole.
--
-- Workers claim due deliveries with FOR UPDATE SKIP LOCKED under a lease; a worker that dies
-- leaves its claims to expire and be taken again. Only the holder of a claim can record its
-- outcome. Retries back off exponentially with jitter until max_attempts, then the delivery is
-- dead; a message that can never be sent (but not for its address's fault) is dead at once; a
-- bounced address is suppressed and a push token that is gone is removed. A push is claimed
-- only while its token is still registered to its user (a device signed out, or signed in to
-- another account, never shows the previous account's messages).

insert into private.settings (key, value, description) values
  ('notifications.app_url', '"http://localhost:3000"',
   'Base URL of the web app: the links (action_url) notifications carry start with it.'),
  ('notifications.digest_max_priority', '4',
   'Email of event types up to this priority waits for the daily digest of users who chose one; more urgent email goes at once.');

-- Expansion ----------------------------------------------------------------------------------------------

-- A template the expansion needs (a recipient's locale and channel) that the event's data cannot
-- fill: the event is not expanded, as render.py refuses a delivery with a hole (MissingVariable).
-- Called from a CASE, so only when a needed template is incomplete.
create function private.raise_undefined_variables(
  event_type text, channel public.notification_channel, locale text, names text[]
)
returns text
language plpgsql
set search_path = ''
as $$
begin
  raise exception '%: the % template (%) needs %, which the event''s data does not carry', event_type, channel, locale,
    array_to_string(names, ', ')
    using errcode = '22023', hint = 'Add the variables to the event''s data (a null renders empty), then set the event back to pending.';
end
$$;

revoke execute on function private.raise_undefined_variables(text, public.notification_channel, text, text[]) from public;

-- One event expanded: every recipient of it in a few insert ... select statements. Run by
-- service.expand_notifications, as its owner (auth.users: recipients' email addresses), on an
-- outbox row it holds. Custom plans: the same statements serve one recipient and 100,000, and a
-- plan cached for the first would walk the second row by row. No JIT (compiling cost more than
-- it saved) and room to sort and hash 100,000 recipients in memory. Returns the recipients.
create function private.expand_notification(job private.notification_outbox)
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

  -- Ids in the UUIDv7 layout (milliseconds, random bits, then a counter): the rows of one
  -- expansion are neighbours in the primary keys' indexes, not 100,000 random pages.
  id_prefix := regexp_replace(
    lpad(to_hex((extract(epoch from clock_timestamp()) * 1000)::bigint), 12, '0')
      || '7' || lpad(to_hex((random() * 4095)::integer), 3, '0')
      || to_hex(8 + (random() * 3)::integer) || lpad(to_hex((random() * 4095)::integer), 3, '0'),
    '^(.{8})(.{4})(.{4})(.{4})$', '\1-\2-\3-\4-');
  id_base := (random() * 8388607)::bigint * 33554432;

  with people as materialized (
    select p.id as user_id, coalesce(d.locale, 'en') as locale, p.display_name as name, d.phone
    from unnest(recipients) r (user_id)
    join public.profiles p on p.id = r.user_id
    left join public.profile_details d on d.user_id = r.user_id
  ),
  -- Who wants it on which channel: the preferences' rule over every recipient at once.
  wanted as materialized (
    select w.user_id, w.channel from private.wanted_channels(category.key, recipients) w
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
  inbox as (
    insert into public.notifications (
      id, user_id, outbox_id, event_type, category, title, body, action_url, data, severity, priority
    )
    select (id_prefix || lpad(to_hex(id_base + row_number() over (order by pe.user_id)), 12, '0'))::uuid,
           pe.user_id, job.id, job.event_type, category.key,
           case when t.missing = '{}' then array_to_string(t.title, pe.name)
                else private.raise_undefined_variables(job.event_type, t.channel, t.locale, t.missing) end,
           array_to_string(t.body, pe.name),
           nullif(array_to_string(t.action_url, pe.name), ''), job.data, severity, event.priority
    from people pe
    join wanted w on w.user_id = pe.user_id and w.channel = 'in_app'
    join templates t on t.locale = pe.locale and t.channel = 'in_app'
    order by pe.user_id
  ),
  -- Email, SMS and push destinations, read only for the users who want that channel.
  outgoing as (
    select pe.user_id, pe.locale, 'email'::public.notification_channel as channel, u.email as destination,
           null::uuid as push_token_id, true as may_digest, es.reason as suppressed
    from people pe
    join wanted w on w.user_id = pe.user_id and w.channel = 'email'
    join auth.users u on u.id = pe.user_id and u.email <> ''
    left join private.email_suppressions es on es.address = lower(u.email)
    union all
    select pe.user_id, pe.locale, 'sms', pe.phone, null, false, null
    from people pe join wanted w on w.user_id = pe.user_id and w.channel = 'sms'
    where pe.phone is not null
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
           case when x.suppressed is not null then 'skipped' else 'queued' end::public.notification_delivery_status,
           case
             when x.suppressed is not null then due
             when x.may_digest and digestible and s.digest_enabled then tm.digest_at
             when category.critical or s.quiet_hours_start is null then due
             else tm.quiet_until
           end,
           coalesce(x.may_digest and digestible and s.digest_enabled and x.suppressed is null, false),
           'suppressed: ' || x.suppressed
    from outgoing x
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

revoke execute on function private.expand_notification(private.notification_outbox) from public;

comment on function private.expand_notification(private.notification_outbox) is
  'Expands one held outbox event into inbox rows and deliveries (set-based), and marks it expanded. Raises 22023 when a template it needs cannot be filled from the event''s data. For service.expand_notifications only.';

-- Security definer: recipients' email addresses are in auth.users, which service_role cannot
-- read. One event that cannot be expanded (data a template cannot be filled from, a value of
-- the wrong type) must not stop the others, nor the dispatcher's run: the batch is expanded in
-- one go (one subtransaction: the fast path), and only when something in it fails, again one
-- event at a time, each in its own subtransaction; an event that fails alone is marked failed
-- with the error and the rest are expanded. An error that is not the event's fault (deadlock,
-- lock or resource limits) leaves it pending, for the next run.
create function service.expand_notifications(max_rows integer default 20)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  jobs private.notification_outbox[];
  job private.notification_outbox;
  message text;
  state text;
  resolved integer := 0;
begin
  jobs := array(
    select o from private.notification_outbox o
    where o.status = 'pending' and o.deliver_after <= now()
    order by o.deliver_after, o.id
    limit greatest(coalesce(max_rows, 20), 0)
    for update skip locked
  );

  begin
    foreach job in array jobs loop
      perform private.expand_notification(job);
    end loop;
    return cardinality(jobs);
  exception when others then
    null; -- every event of the batch is as it was; one at a time below
  end;

  foreach job in array jobs loop
    begin
      perform private.expand_notification(job);
      resolved := resolved + 1;
    exception when others then
      get stacked diagnostics message = message_text, state = returned_sqlstate;
      if left(state, 2) in ('08', '40', '53', '55', '57', '58') then
        raise warning 'notifications: outbox event % not expanded this time: % (SQLSTATE %)', job.id, message, state;
      else
        update private.notification_outbox o
        set status = 'failed', error = left(format('%s (SQLSTATE %s)', message, state), 1000)
        where o.id = job.id;
        resolved := resolved + 1;
        raise warning 'notifications: outbox event % failed: % (SQLSTATE %)', job.id, message, state;
      end if;
    end;
  end loop;
  return resolved;
end
$$;

revoke execute on function service.expand_notifications(integer) from public;
grant execute on function service.expand_notifications(integer) to service_role;

comment on function service.expand_notifications(integer) is
  'Service RPC for the dispatcher: expands up to max_rows due outbox events (skipping those another worker holds) into inbox rows and deliveries, per recipient preferences, quiet hours and digest. An event that cannot be expanded is marked failed (outbox status and error) and the others go on. Returns how many events it expanded or failed: fewer than max_rows when no more are due.';

-- Digests ----------------------------------------------------------------------------------------------

-- Each user's digest deliveries that are due become one digest.daily event (to that user),
-- listing them; the deliveries are marked digested.
create function service.compose_digests()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  composed integer;
begin
  with due as (
    select d.id, d.user_id, d.outbox_id, d.locale, d.next_attempt_at
    from public.notification_deliveries d
    where d.digest and d.status = 'queued' and d.next_attempt_at <= now()
    order by d.user_id, d.next_attempt_at
    for update skip locked
  ),
  items as (
    select due.user_id, due.id, due.next_attempt_at, o.id as outbox_id, o.created_at,
           coalesce(n.title, private.render_template(t.title, o.data || jsonb_build_object('recipient_name', p.display_name))) as title,
           coalesce(n.body, private.render_template(t.body, o.data || jsonb_build_object('recipient_name', p.display_name))) as body,
           coalesce(n.action_url, private.render_template(t.action_url, o.data), o.data ->> 'action_url') as action_url
    from due
    join private.notification_outbox o on o.id = due.outbox_id
    join public.profiles p on p.id = due.user_id
    left join public.notifications n on n.outbox_id = due.outbox_id and n.user_id = due.user_id
    left join lateral private.pick_template(o.event_type, 'in_app', due.locale) t on n.id is null
  ),
  digests as (
    insert into private.notification_outbox (event_type, dedup_key, recipient_ids, data)
    select 'digest.daily',
           format('digest.daily:%s:%s:%s', i.user_id, extract(epoch from max(i.next_attempt_at))::bigint, min(i.id::text)),
           array[i.user_id],
           jsonb_build_object(
             'item_count', count(*),
             'items', jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
               'title', i.title, 'body', i.body, 'action_url', nullif(i.action_url, ''), 'created_at', i.created_at
             )) order by i.created_at, i.outbox_id),
             'action_url', (private.setting('notifications.app_url') #>> '{}') || '/notifications'
           )
    from items i
    group by i.user_id
    on conflict (dedup_key) do nothing
    returning id
  ),
  marked as (
    update public.notification_deliveries d set status = 'digested'
    from due where d.id = due.id
  )
  select count(*) into composed from digests;
  return composed;
end
$$;

revoke execute on function service.compose_digests() from public;
grant execute on function service.compose_digests() to service_role;

comment on function service.compose_digests() is
  'Service RPC for the dispatcher: turns each user''s due digest deliveries into one digest.daily event (data.items: title, body, action_url, created_at) and marks them digested. Returns how many digests.';

-- Claiming and recording ---------------------------------------------------------------------------------

create function service.claim_deliveries(worker text, max_rows integer default 50, lease_seconds integer default 120)
returns table (
  delivery_id uuid, channel text, destination text, locale text, attempt integer, idempotency_key text,
  event_type text, severity text, priority smallint, subject text, title text, body text, action_url text, data jsonb
)
language plpgsql
set search_path = ''
as $$
declare
  wanted constant integer := greatest(coalesce(max_rows, 50), 0);
  picked uuid[];
  stale uuid[];
  claimed integer := 0;
  batch integer;
begin
  if coalesce(trim(worker), '') = '' then
    raise exception 'worker: name the worker that claims' using errcode = '22023';
  end if;
  if lease_seconds is null or lease_seconds < 1 then
    raise exception 'lease_seconds: a lease lasts at least a second' using errcode = '22023';
  end if;

  -- A lease that lapsed on its last attempt: the worker died with it; it is not tried again.
  update public.notification_deliveries d
  set status = 'dead', lease_expires_at = null,
      last_error = coalesce(d.last_error || '; ', '') || format('lease of %s expired on attempt %s', d.claimed_by, d.attempts)
  where d.id in (
    select x.id from public.notification_deliveries x
    where x.status = 'sending' and x.lease_expires_at < now() and x.attempts >= x.max_attempts
    for update skip locked
  );

  while claimed < wanted loop
    with expired as (
      select x.id, x.priority, x.next_attempt_at from public.notification_deliveries x
      where x.status = 'sending' and x.lease_expires_at < now()
      order by x.lease_expires_at
      limit wanted - claimed
      for update skip locked
    ),
    due as (
      select x.id, x.priority, x.next_attempt_at from public.notification_deliveries x
      where x.status in ('queued', 'failed') and not x.digest and x.next_attempt_at <= now()
      order by x.priority desc, x.next_attempt_at
      limit wanted - claimed
      for update skip locked
    )
    select coalesce(array_agg(c.id), '{}') into picked
    from (
      select u.id from (select * from expired union all select * from due) u
      order by u.priority desc, u.next_attempt_at
      limit wanted - claimed
    ) c;
    exit when cardinality(picked) = 0;

    -- A push goes only to a device still registered to its user: one signed out, or signed in
    -- to another account since the event was expanded, must not show this user's message.
    with skipped as (
      update public.notification_deliveries d
      set status = 'skipped', lease_expires_at = null,
          last_error = 'push token no longer registered to the user'
      where d.id = any (picked) and d.channel = 'push'
        and not exists (select 1 from public.push_tokens t
                        where t.id = d.push_token_id and t.user_id = d.user_id and t.token = d.destination)
      returning d.id
    )
    select coalesce(array_agg(s.id), '{}') into stale from skipped s;

    return query
    with claimed_rows as (
      update public.notification_deliveries d
      set status = 'sending', attempts = d.attempts + 1, claimed_by = worker,
          lease_expires_at = now() + make_interval(secs => lease_seconds)
      where d.id = any (picked) and d.id <> all (stale)
      returning d.*
    )
    select c.id, c.channel::text, c.destination, c.locale, c.attempts, c.id::text, o.event_type,
           coalesce(o.data ->> 'severity', e.severity::text), c.priority, t.subject, t.title, t.body,
           coalesce(t.action_url, o.data ->> 'action_url'),
           o.data || jsonb_build_object('recipient_name', p.display_name)
    from claimed_rows c
    join private.notification_outbox o on o.id = c.outbox_id
    join public.notification_event_types e on e.key = o.event_type
    left join public.profiles p on p.id = c.user_id
    left join lateral private.pick_template(o.event_type, c.channel, c.locale) t on true
    order by c.priority desc, c.next_attempt_at;
    get diagnostics batch = row_count;
    claimed := claimed + batch;
    -- Fewer than asked and nothing skipped: nothing more is due.
    exit when cardinality(stale) = 0;
  end loop;
end
$$;

revoke execute on function service.claim_deliveries(text, integer, integer) from public;
grant execute on function service.claim_deliveries(text, integer, integer) to service_role;

comment on function service.claim_deliveries(text, integer, integer) is
  'Service RPC for the dispatcher: claims up to max_rows due deliveries (most urgent first, and lapsed claims of dead workers) for lease_seconds, skipping rows other workers hold. A push whose token is no longer registered to its user is skipped instead (status skipped, last_error says why), never claimed. Each row carries the unrendered template texts (locale fallback pt-BR → pt → en), the data to render them with (recipient_name added) and an idempotency_key stable across retries.';

create function service.record_delivery(
  delivery_id uuid,
  worker text,
  outcome text,
  provider text default null,
  provider_message_id text default null,
  error text default null
)
returns text
language plpgsql
set search_path = ''
as $$
declare
  delivery public.notification_deliveries;
  to_status public.notification_delivery_status;
begin
  if outcome is null or outcome not in ('sent', 'delivered', 'retry', 'undeliverable', 'rejected', 'gone') then
    raise exception 'outcome: % is not sent, delivered, retry, undeliverable, rejected or gone', coalesce(outcome, 'null')
      using errcode = '22023';
  end if;
  select * into delivery from public.notification_deliveries d where d.id = record_delivery.delivery_id for update;
  -- Only the claim's holder records: a worker whose lease lapsed and was taken over is too late.
  if delivery.id is null or delivery.status <> 'sending' or delivery.claimed_by is distinct from worker then
    return null;
  end if;

  -- 'undeliverable' is permanent but not the destination's fault: dead at once, like
  -- 'rejected' and 'gone', with none of their consequences for the address or the device.
  -- (Not to be confused with the status 'failed': a retry waiting for its next attempt.)
  to_status := case
    when outcome in ('sent', 'delivered') then outcome
    when outcome = 'retry' and delivery.attempts < delivery.max_attempts then 'failed'
    else 'dead'
  end::public.notification_delivery_status;

  update public.notification_deliveries d
  set status = to_status,
      lease_expires_at = null,
      provider = coalesce(record_delivery.provider, d.provider),
      provider_message_id = coalesce(record_delivery.provider_message_id, d.provider_message_id),
      last_error = case when outcome in ('sent', 'delivered') then d.last_error else left(coalesce(error, outcome), 1000) end,
      sent_at = case when outcome in ('sent', 'delivered') then now() else d.sent_at end,
      -- Exponential backoff from 30 s, at most an hour, with jitter: half to all of it.
      next_attempt_at = case when to_status = 'failed'
        then now() + least(interval '30 seconds' * power(2, d.attempts - 1), interval '1 hour') * (0.5 + random() / 2)
        else d.next_attempt_at end
  where d.id = delivery.id;

  -- The address or device is no more: the user's other waiting messages to it are skipped
  -- (before the token goes: its trigger would skip them with a vaguer reason).
  if (outcome = 'rejected' and delivery.channel = 'email') or (outcome = 'gone' and delivery.channel = 'push') then
    update public.notification_deliveries d
    set status = 'skipped', last_error = format('%s: %s', outcome, left(coalesce(error, outcome), 900))
    where d.id in (
      select x.id from public.notification_deliveries x
      where x.user_id = delivery.user_id and x.channel = delivery.channel and x.destination = delivery.destination
        and x.status in ('queued', 'failed') and x.id <> delivery.id
      for update skip locked
    );
  end if;
  if outcome = 'rejected' and delivery.channel = 'email' then
    insert into private.email_suppressions (address, reason)
    values (lower(delivery.destination), left(coalesce(error, 'rejected by ' || coalesce(provider, 'the provider')), 500))
    on conflict (address) do nothing;
  elsif outcome = 'gone' and delivery.channel = 'push' then
    delete from public.push_tokens t where t.id = delivery.push_token_id or t.token = delivery.destination;
  end if;
  return to_status::text;
end
$$;

revoke execute on function service.record_delivery(uuid, text, text, text, text, text) from public;
grant execute on function service.record_delivery(uuid, text, text, text, text, text) to service_role;

comment on function service.record_delivery(uuid, text, text, text, text, text) is
  'Service RPC for the dispatcher: records the outcome of one send by the worker holding its claim (else returns null and changes nothing). sent / delivered; retry → failed with exponential backoff and jitter, dead after max_attempts; undeliverable (permanent, not the destination''s fault: an unrenderable template, content the provider refuses) → dead, nothing else changes; rejected → dead and the email address suppressed; gone → dead and the push token removed. Returns the new status.';
