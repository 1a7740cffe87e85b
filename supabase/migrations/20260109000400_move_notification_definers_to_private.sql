-- notifications: the privileged bodies of the RPCs move to `private`, behind invoker wrappers.
--
-- The rule (README, "Definer functions"): nothing in an exposed schema is SECURITY DEFINER
-- where anon or authenticated may execute it (Supabase advisors 0028 / 0029). A function that
-- must act with its owner's rights keeps its body in `private`, which PostgREST never
-- exposes; the API keeps the same name, arguments, defaults, result and comment as a one-line
-- SECURITY INVOKER function in `public` that calls it. `alter function ... set schema` moves
-- each body unchanged (they name every object with its schema), with its owner and settings;
-- its grants are then restated explicitly, as are the wrapper's. Behaviour, errors and who may
-- call what do not change: the wrapper runs as the caller, the body as before.

-- register_push_token -------------------------------------------------------------------------
alter function public.register_push_token(text, text) set schema private;
revoke all on function private.register_push_token(text, text) from public, anon, authenticated, service_role;
grant execute on function private.register_push_token(text, text) to authenticated, service_role;

create function public.register_push_token(
  token text,
  platform text
)
returns uuid
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.register_push_token(
    token => register_push_token.token,
    platform => register_push_token.platform
  )
$$;

revoke all on function public.register_push_token(text, text) from public, anon, authenticated, service_role;
grant execute on function public.register_push_token(text, text) to authenticated, service_role;
comment on function public.register_push_token(text, text) is
  'RPC for users: registers (or refreshes) this device''s push token for the caller, taking it from any other account; returns its id. Call at every app start. Errors: 42501 not signed in, 22023 unknown platform or empty token.';

-- send_announcement ---------------------------------------------------------------------------
alter function public.send_announcement(text, text, text, text, public.notification_severity) set schema private;
revoke all on function private.send_announcement(text, text, text, text, public.notification_severity) from public, anon, authenticated, service_role;
grant execute on function private.send_announcement(text, text, text, text, public.notification_severity) to authenticated, service_role;

create function public.send_announcement(
  topic text,
  title text,
  body text,
  action_url text default null,
  severity public.notification_severity default 'info'
)
returns bigint
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.send_announcement(
    topic => send_announcement.topic,
    title => send_announcement.title,
    body => send_announcement.body,
    action_url => send_announcement.action_url,
    severity => send_announcement.severity
  )
$$;

revoke all on function public.send_announcement(text, text, text, text, public.notification_severity) from public, anon, authenticated, service_role;
grant execute on function public.send_announcement(text, text, text, text, public.notification_severity) to authenticated, service_role;
comment on function public.send_announcement(text, text, text, text, public.notification_severity) is
  'RPC for admins: announces title and body (and an optional action_url) to every member of a topic (e.g. all_clients, providers_of_category:<id>), through each member''s preferred channels. Returns the outbox id. Errors: 42501 not an admin; 22023 no or an unknown topic, an empty title or body, an action_url that is neither https://<host>... nor a path starting with a single /.';

-- requeue_notification_event ------------------------------------------------------------------
alter function public.requeue_notification_event(bigint) set schema private;
revoke all on function private.requeue_notification_event(bigint) from public, anon, authenticated, service_role;
grant execute on function private.requeue_notification_event(bigint) to authenticated, service_role;

create function public.requeue_notification_event(
  outbox_id bigint
)
returns text
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.requeue_notification_event(
    outbox_id => requeue_notification_event.outbox_id
  )
$$;

revoke all on function public.requeue_notification_event(bigint) from public, anon, authenticated, service_role;
grant execute on function public.requeue_notification_event(bigint) to authenticated, service_role;
comment on function public.requeue_notification_event(bigint) is
  'RPC for admins: sets a failed outbox event (status failed, see its error) back to pending with its error cleared, so that the dispatcher expands it again; fix what failed it (usually a template) first, or it fails again. Returns the new status, pending. Errors: 42501 not an admin; P0002 unknown event; PT409 the event is not failed (pending, expanded, or cancelled: a withdrawn booking reminder).';

-- retry_notification_delivery -----------------------------------------------------------------
alter function public.retry_notification_delivery(uuid) set schema private;
revoke all on function private.retry_notification_delivery(uuid) from public, anon, authenticated, service_role;
grant execute on function private.retry_notification_delivery(uuid) to authenticated, service_role;

create function public.retry_notification_delivery(
  delivery_id uuid
)
returns public.notification_deliveries
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.retry_notification_delivery(
    delivery_id => retry_notification_delivery.delivery_id
  )
$$;

revoke all on function public.retry_notification_delivery(uuid) from public, anon, authenticated, service_role;
grant execute on function public.retry_notification_delivery(uuid) to authenticated, service_role;
comment on function public.retry_notification_delivery(uuid) is
  'RPC for admins: sets a dead or skipped delivery back to queued, due now, with three more attempts (max_attempts = attempts + 3; attempts and last_error are kept, a failed next attempt replaces the error). Returns the delivery. Errors: 42501 not an admin; P0002 unknown delivery; PT409 the delivery is not dead or skipped, its email address is still suppressed (lift the suppression first), or its push token is no longer registered to its user.';

-- list_email_suppressions ---------------------------------------------------------------------
alter function public.list_email_suppressions() set schema private;
revoke all on function private.list_email_suppressions() from public, anon, authenticated, service_role;
grant execute on function private.list_email_suppressions() to authenticated, service_role;

create function public.list_email_suppressions(
  
)
returns table (address text, reason text, created_at timestamptz)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.list_email_suppressions()
$$;

revoke all on function public.list_email_suppressions() from public, anon, authenticated, service_role;
grant execute on function public.list_email_suppressions() to authenticated, service_role;
comment on function public.list_email_suppressions() is
  'RPC for admins: the email addresses that bounced for good (or complained), lowercase, newest first, with the provider''s reason; email to them is skipped. Errors: 42501 not an admin.';

-- lift_email_suppression ----------------------------------------------------------------------
alter function public.lift_email_suppression(text) set schema private;
revoke all on function private.lift_email_suppression(text) from public, anon, authenticated, service_role;
grant execute on function private.lift_email_suppression(text) to authenticated, service_role;

create function public.lift_email_suppression(
  address text
)
returns boolean
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.lift_email_suppression(
    address => lift_email_suppression.address
  )
$$;

revoke all on function public.lift_email_suppression(text) from public, anon, authenticated, service_role;
grant execute on function public.lift_email_suppression(text) to authenticated, service_role;
comment on function public.lift_email_suppression(text) is
  'RPC for admins: takes an address (any case) off the suppression list, so later email to it is sent again. Deliveries skipped meanwhile stay skipped: retry them with retry_notification_delivery. Returns whether the address was suppressed. Errors: 42501 not an admin.';
