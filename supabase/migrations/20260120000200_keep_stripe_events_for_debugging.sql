-- The Stripe event record (issue 21, item 6): enough to debug, readable by admins, kept for a
-- while.
--
-- private.stripe_events was only the idempotency ledger: a row, inserted in the same
-- transaction as an event's effects, means "applied". An event the database refused left no
-- trace (its transaction rolled back). Seed 004's StripeWebhookEvent keeps the payload, the
-- error, a processed flag and the retry count. Now:
--   * a delivery that fails (the database refused it, or it was malformed) is recorded by the
--     webhook Lambda in a transaction of its own: attempts, the last error and its code, and the
--     payload trimmed of what must not be stored (card and billing details, names, e-mails,
--     phones, addresses);
--   * such a row is not "applied": processed_at stays empty, and the next delivery claims it
--     (attempts + 1) and applies it; a claim of a processed row is a replay, as before;
--   * admins read the record through public.stripe_webhook_events (newest first, the failing
--     ones by their own index);
--   * after payments.stripe_event_payload_days the payload and error are cleared; after
--     payments.stripe_event_retention_days the row goes (far beyond Stripe's 3 days of retries).

insert into private.settings (key, value, description) values
  ('payments.stripe_event_payload_days', '30', 'Days a Stripe event''s payload and error are kept for debugging.'),
  ('payments.stripe_event_retention_days', '400', 'Days a Stripe event''s record is kept at all (Stripe retries for 3 days).');

alter table private.stripe_events
  add column processed_at timestamptz,
  add column attempts integer not null default 1 constraint stripe_events_attempts_positive check (attempts > 0),
  add column last_attempt_at timestamptz not null default now(),
  add column last_error text constraint stripe_events_last_error_length check (char_length(last_error) <= 2000),
  add column last_error_code text constraint stripe_events_last_error_code_length check (char_length(last_error_code) <= 16),
  add column payload jsonb;

-- Every row so far was applied when it was inserted.
update private.stripe_events set processed_at = received_at, last_attempt_at = received_at;

create index stripe_events_received_idx on private.stripe_events (received_at desc);
create index stripe_events_failing_idx on private.stripe_events (last_attempt_at desc) where processed_at is null;

comment on table private.stripe_events is
  'Stripe events received. processed_at set: applied, in the same transaction as its effects (a replay changes nothing). processed_at empty: every delivery so far failed (attempts, last_error, trimmed payload); the next one applies it. Admins read it through public.stripe_webhook_events.';

-- True the first time an event is applied: a new id, or one whose earlier deliveries failed.
-- A concurrent delivery of the same event waits on the first one's uncommitted row and then
-- sees it processed.
create or replace function private.claim_stripe_event(event_id text, event_type text, event_created timestamptz)
returns boolean
language sql
set search_path = ''
as $$
  with claimed as (
    insert into private.stripe_events as e (id, type, created, processed_at)
    values (event_id, event_type, event_created, now())
    on conflict (id) do update
      set processed_at = now(), attempts = e.attempts + 1, last_attempt_at = now()
      where e.processed_at is null
    returning 1
  )
  select exists (select 1 from claimed)
$$;

-- What may be kept of an event for debugging: the object without the keys that hold card,
-- billing or contact details, at any depth. Ids, amounts, statuses and our metadata stay.
create function private.trim_stripe_payload(value jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select case jsonb_typeof(value)
    when 'object' then coalesce(
      (select jsonb_object_agg(e.key, private.trim_stripe_payload(e.value))
       from jsonb_each(value) e
       where e.key not in ('billing_details', 'customer_details', 'customer_email', 'customer_name', 'customer_phone',
                           'customer_address', 'email', 'phone', 'name', 'address', 'shipping', 'shipping_details',
                           'receipt_email', 'receipt_url', 'payment_method_details', 'card', 'fingerprint', 'last4',
                           'exp_month', 'exp_year', 'client_secret', 'individual', 'company', 'external_accounts',
                           'bank_account', 'ip_address', 'user_agent')),
      '{}'::jsonb)
    when 'array' then coalesce(
      (select jsonb_agg(private.trim_stripe_payload(a.value) order by a.n)
       from jsonb_array_elements(value) with ordinality a (value, n)),
      '[]'::jsonb)
    else value
  end
$$;

revoke all on function private.trim_stripe_payload(jsonb) from public, anon, authenticated;
grant execute on function private.trim_stripe_payload(jsonb) to service_role;

comment on function private.trim_stripe_payload(jsonb) is
  'A Stripe event without card, billing and contact details (at any depth), as the event record keeps it.';

-- The webhook Lambda's record of a delivery the database refused or could not read. A failed
-- delivery of an event already applied (a replay that failed for another reason) changes
-- nothing. Returns the attempts so far.
create function service.record_stripe_event_failure(
  event_id text,
  event_type text,
  event_created timestamptz,
  error text,
  error_code text default null,
  payload jsonb default null
)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  trimmed jsonb := private.trim_stripe_payload(payload);
  attempts_so_far integer;
begin
  if event_id is null or char_length(event_id) > 255 or event_type is null or char_length(event_type) > 255 then
    raise exception 'event_id, event_type: required, at most 255 characters' using errcode = '22023';
  end if;
  -- A payload too big to be worth keeping is replaced by its size.
  if octet_length(trimmed::text) > 65536 then
    trimmed := jsonb_build_object('trimmed', true, 'bytes', octet_length(trimmed::text));
  end if;
  insert into private.stripe_events as e (id, type, created, processed_at, last_error, last_error_code, payload)
  values (event_id, event_type, coalesce(event_created, now()), null, left(error, 2000), left(error_code, 16), trimmed)
  on conflict (id) do update
    set attempts = e.attempts + 1, last_attempt_at = now(), last_error = excluded.last_error,
        last_error_code = excluded.last_error_code, payload = coalesce(excluded.payload, e.payload)
    where e.processed_at is null
  returning e.attempts into attempts_so_far;
  return coalesce(attempts_so_far, 0);
end
$$;

revoke all on function service.record_stripe_event_failure(text, text, timestamptz, text, text, jsonb) from public, anon, authenticated;
grant execute on function service.record_stripe_event_failure(text, text, timestamptz, text, text, jsonb) to service_role;

comment on function service.record_stripe_event_failure(text, text, timestamptz, text, text, jsonb) is
  'Service: records a Stripe delivery that failed (error, code, trimmed payload, attempts + 1) unless the event was already applied. Returns the attempts so far (0: already applied).';

-- Admins read the record through the API --------------------------------------------------------
alter table private.stripe_events enable row level security;
grant usage on schema private to marketbase_admin;
grant select on table private.stripe_events to marketbase_admin;
create policy "admins can read the stripe event record"
  on private.stripe_events for select to marketbase_admin using ((select private.is_admin()));

create view public.stripe_webhook_events
with (security_invoker = on)
as
  select e.id, e.type, e.created, e.received_at, e.processed_at, e.processed_at is not null as processed, e.attempts,
         e.last_attempt_at, e.outcome, e.last_error, e.last_error_code, e.payload
  from private.stripe_events e;

revoke all on table public.stripe_webhook_events from anon, authenticated;
grant select on table public.stripe_webhook_events to marketbase_admin, service_role;

comment on view public.stripe_webhook_events is
  'Stripe events received by the webhooks: applied (processed) or failing (attempts, last error, trimmed payload). Read: admins. Lists: newest first by received_at; failing ones by last_attempt_at where not processed.';

-- Retention ------------------------------------------------------------------------------------
create function private.trim_stripe_events()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  payload_days integer := private.setting('payments.stripe_event_payload_days')::integer;
  retention_days integer := private.setting('payments.stripe_event_retention_days')::integer;
  changed integer;
  removed integer;
begin
  update private.stripe_events e set payload = null, last_error = null
  where e.received_at < now() - make_interval(days => payload_days) and (e.payload is not null or e.last_error is not null);
  get diagnostics changed = row_count;
  delete from private.stripe_events e where e.received_at < now() - make_interval(days => retention_days);
  get diagnostics removed = row_count;
  return changed + removed;
end
$$;

revoke all on function private.trim_stripe_events() from public, anon, authenticated, service_role;

comment on function private.trim_stripe_events() is
  'Scheduled daily: clears payloads and errors older than payments.stripe_event_payload_days, removes records older than payments.stripe_event_retention_days. Returns the rows changed or removed.';

do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule('trim-stripe-events', '17 3 * * *', 'select private.trim_stripe_events()');
  end if;
end
$$;
