-- notifications: the RPCs answer "not found" and "slot taken" with the statuses frontends expect.
--
-- Each wrapper of 20260109* becomes plpgsql: it forwards its arguments to the body in
-- `private` as before and re-raises P0002 as PT404 and 23P01 as PT409 (PostgREST: 404, 409)
-- through private.raise_for_postgrest (20260110000100). Signature, result, grants and the
-- API comment stay; comments that name the codes are restated with the new ones.

-- register_push_token ---------------------------------------------------------------------------
create or replace function public.register_push_token(
  token text,
  platform text
)
returns uuid
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.register_push_token(
    token => register_push_token.token,
    platform => register_push_token.platform
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- send_announcement -----------------------------------------------------------------------------
create or replace function public.send_announcement(
  topic text,
  title text,
  body text,
  action_url text default null,
  severity public.notification_severity default 'info'
)
returns bigint
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.send_announcement(
    topic => send_announcement.topic,
    title => send_announcement.title,
    body => send_announcement.body,
    action_url => send_announcement.action_url,
    severity => send_announcement.severity
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- requeue_notification_event --------------------------------------------------------------------
create or replace function public.requeue_notification_event(
  outbox_id bigint
)
returns text
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.requeue_notification_event(
    outbox_id => requeue_notification_event.outbox_id
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- retry_notification_delivery -------------------------------------------------------------------
create or replace function public.retry_notification_delivery(
  delivery_id uuid
)
returns public.notification_deliveries
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.retry_notification_delivery(
    delivery_id => retry_notification_delivery.delivery_id
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- list_email_suppressions -----------------------------------------------------------------------
create or replace function public.list_email_suppressions()
returns table (address text, reason text, created_at timestamptz)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return query select * from private.list_email_suppressions();
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- lift_email_suppression ------------------------------------------------------------------------
create or replace function public.lift_email_suppression(
  address text
)
returns boolean
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.lift_email_suppression(
    address => lift_email_suppression.address
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

comment on function public.requeue_notification_event(bigint) is
  'RPC for admins: sets a failed outbox event (status failed, see its error) back to pending with its error cleared, so that the dispatcher expands it again; fix what failed it (usually a template) first, or it fails again. Returns the new status, pending. Errors: 42501 not an admin; PT404 unknown event; PT409 the event is not failed (pending, expanded, or cancelled: a withdrawn booking reminder).';
comment on function public.retry_notification_delivery(uuid) is
  'RPC for admins: sets a dead or skipped delivery back to queued, due now, with three more attempts (max_attempts = attempts + 3; attempts and last_error are kept, a failed next attempt replaces the error). Returns the delivery. Errors: 42501 not an admin; PT404 unknown delivery; PT409 the delivery is not dead or skipped, its email address is still suppressed (lift the suppression first), or its push token is no longer registered to its user.';
