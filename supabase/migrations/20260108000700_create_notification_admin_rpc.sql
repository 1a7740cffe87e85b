-- notifications / admin RPCs: acting on the work that failed, without superuser SQL.
--
-- Failures are recorded where they happen (an outbox event that could not be expanded is
-- failed with its error; a delivery that gave up is dead, one to a suppressed address or a
-- removed device is skipped) and admins can read dead and skipped deliveries through RLS. These
-- functions let them act on what they read:
--
-- * requeue_notification_event: a failed outbox event back to pending, once the template it
--   needed is fixed; service.expand_notifications then expands it like any other.
-- * retry_notification_delivery: a dead or skipped delivery back to queued, due now, with three
--   more attempts; service.claim_deliveries then claims it like any other. Not while the reason
--   it was skipped still holds (a suppressed address, a device that left the account).
-- * list_email_suppressions / lift_email_suppression: the addresses that bounced, and taking
--   one off the list (the user fixed their mailbox).
--
-- All are security definer: the outbox and the suppressions are private, and deliveries have
-- no UPDATE privilege for any API role; each checks that the caller is an admin first (42501).
-- Both requeues nudge the dispatcher (where pg_net is set up), so the work does not wait for
-- the next minute's schedule.

-- Outbox events -------------------------------------------------------------------------------------

-- Security definer: private.notification_outbox is out of reach of API roles.
create function public.requeue_notification_event(outbox_id bigint)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  event private.notification_outbox;
begin
  if not private.is_admin() then
    raise exception 'only admins can requeue notification events' using errcode = '42501';
  end if;
  select * into event from private.notification_outbox o where o.id = requeue_notification_event.outbox_id for update;
  if event.id is null then
    raise exception 'outbox_id: notification event % not found', coalesce(requeue_notification_event.outbox_id::text, 'null')
      using errcode = 'P0002';
  end if;
  -- Cancelled events are withdrawn reminders of a booking that moved or ended: sending them
  -- would remind people of a booking that is not there. The booking triggers bring one back
  -- themselves if the booking returns to its time.
  if event.status <> 'failed' then
    raise exception 'outbox_id: notification event % is %, only a failed event can be requeued', event.id, event.status
      using errcode = 'PT409',
            hint = case event.status
              when 'cancelled' then 'A cancelled event is a withdrawn booking reminder; it comes back by itself if the booking returns to its time.'
              when 'pending' then 'It is already waiting to be expanded.'
              else 'It was expanded: retry its dead or skipped deliveries instead (retry_notification_delivery).'
            end;
  end if;

  update private.notification_outbox o set status = 'pending', error = null where o.id = event.id;
  if event.deliver_after <= now() then
    perform private.nudge_dispatcher();
  end if;
  return 'pending';
end
$$;

revoke execute on function public.requeue_notification_event(bigint) from public, anon;
grant execute on function public.requeue_notification_event(bigint) to authenticated;

comment on function public.requeue_notification_event(bigint) is
  'RPC for admins: sets a failed outbox event (status failed, see its error) back to pending with its error cleared, so that the dispatcher expands it again; fix what failed it (usually a template) first, or it fails again. Returns the new status, pending. Errors: 42501 not an admin; P0002 unknown event; PT409 the event is not failed (pending, expanded, or cancelled: a withdrawn booking reminder).';

-- Deliveries --------------------------------------------------------------------------------------------

-- Security definer: notification_deliveries has no UPDATE privilege for any API role; only the
-- service functions and this one change a delivery.
create function public.retry_notification_delivery(delivery_id uuid)
returns public.notification_deliveries
language plpgsql
security definer
set search_path = ''
as $$
declare
  delivery public.notification_deliveries;
  suppression private.email_suppressions;
begin
  if not private.is_admin() then
    raise exception 'only admins can retry notification deliveries' using errcode = '42501';
  end if;
  select * into delivery from public.notification_deliveries d
  where d.id = retry_notification_delivery.delivery_id for update;
  if delivery.id is null then
    raise exception 'delivery_id: notification delivery % not found', coalesce(retry_notification_delivery.delivery_id::text, 'null')
      using errcode = 'P0002';
  end if;
  if delivery.status not in ('dead', 'skipped') then
    raise exception 'delivery_id: notification delivery % is %, only a dead or skipped delivery can be retried', delivery.id, delivery.status
      using errcode = 'PT409';
  end if;
  -- What stopped it must be gone, dead or skipped alike: claim_deliveries does not look at
  -- suppressions (expansion does), and would only skip a push to a device that left again.
  if delivery.channel = 'email' then
    select * into suppression from private.email_suppressions s where s.address = lower(btrim(delivery.destination));
    if suppression.address is not null then
      raise exception 'delivery_id: the address of notification delivery % is suppressed (%); lift the suppression first', delivery.id, suppression.reason
        using errcode = 'PT409', hint = 'lift_email_suppression(address), once the address takes mail again.';
    end if;
  elsif delivery.channel = 'push' and not exists (
    select 1 from public.push_tokens t
    where t.id = delivery.push_token_id and t.user_id = delivery.user_id and t.token = delivery.destination
  ) then
    raise exception 'delivery_id: the push token of notification delivery % is no longer registered to its user', delivery.id
      using errcode = 'PT409', hint = 'The device signed out or was removed; the user''s other devices got their own deliveries.';
  end if;

  -- Three more attempts from where it stands, whatever came before (so one skipped before any
  -- attempt gets three, not six). attempts and last_error are kept: the history stays readable,
  -- and a failed next attempt replaces the error.
  update public.notification_deliveries d
  set status = 'queued', next_attempt_at = now(), max_attempts = d.attempts + 3,
      lease_expires_at = null, claimed_by = null
  where d.id = delivery.id
  returning * into delivery;
  perform private.nudge_dispatcher();
  return delivery;
end
$$;

revoke execute on function public.retry_notification_delivery(uuid) from public, anon;
grant execute on function public.retry_notification_delivery(uuid) to authenticated;

comment on function public.retry_notification_delivery(uuid) is
  'RPC for admins: sets a dead or skipped delivery back to queued, due now, with three more attempts (max_attempts = attempts + 3; attempts and last_error are kept, a failed next attempt replaces the error). Returns the delivery. Errors: 42501 not an admin; P0002 unknown delivery; PT409 the delivery is not dead or skipped, its email address is still suppressed (lift the suppression first), or its push token is no longer registered to its user.';

-- Email suppressions ------------------------------------------------------------------------------------

-- Security definer: private.email_suppressions is out of reach of API roles.
create function public.list_email_suppressions()
returns table (address text, reason text, created_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.is_admin() then
    raise exception 'only admins can list email suppressions' using errcode = '42501';
  end if;
  return query
  select s.address, s.reason, s.created_at from private.email_suppressions s order by s.created_at desc, s.address;
end
$$;

revoke execute on function public.list_email_suppressions() from public, anon;
grant execute on function public.list_email_suppressions() to authenticated;

comment on function public.list_email_suppressions() is
  'RPC for admins: the email addresses that bounced for good (or complained), lowercase, newest first, with the provider''s reason; email to them is skipped. Errors: 42501 not an admin.';

-- Security definer: private.email_suppressions is out of reach of API roles.
create function public.lift_email_suppression(address text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not private.is_admin() then
    raise exception 'only admins can lift email suppressions' using errcode = '42501';
  end if;
  delete from private.email_suppressions s where s.address = lower(btrim(lift_email_suppression.address));
  return found;
end
$$;

revoke execute on function public.lift_email_suppression(text) from public, anon;
grant execute on function public.lift_email_suppression(text) to authenticated;

comment on function public.lift_email_suppression(text) is
  'RPC for admins: takes an address (any case) off the suppression list, so later email to it is sent again. Deliveries skipped meanwhile stay skipped: retry them with retry_notification_delivery. Returns whether the address was suppressed. Errors: 42501 not an admin.';
