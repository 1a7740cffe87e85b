-- notifications / deliveries: each message to send by email, SMS or push, and where it stands.
--
-- service.expand_notifications (20260108000500) writes one delivery per recipient and
-- destination (the email address, the phone number, each push token), and the dispatcher claims,
-- sends and records them through the service functions there. The status says where each one is:
-- queued, sending (claimed under a lease), sent or delivered, failed (waiting for its retry),
-- dead, cancelled, skipped or digested. Users read their own, admins all; only those functions
-- write.
--
-- No foreign keys on the inbox's and the deliveries' user_id, outbox_id and push_token_id: a
-- foreign key checks (and share-locks the referenced row) once per inserted row, which more
-- than doubled the time of a 100,000-user fan-out. Expansion writes only users it has just
-- joined to profiles, the outbox row it holds and tokens it has just read. What the keys would
-- cascade, triggers do once per statement, here for the inbox (20260108000300) too: a deleted
-- outbox row or profile takes its notifications and deliveries with it. push_token_id may
-- outlive its token, but a push never goes to a token that left its user's account: a removed
-- token's waiting pushes are skipped (below), and claim_deliveries checks the token again.

-- Deliveries -------------------------------------------------------------------------------------------

create type public.notification_delivery_status as enum (
  'queued', 'sending', 'sent', 'delivered', 'failed', 'dead', 'cancelled', 'skipped', 'digested'
);

comment on type public.notification_delivery_status is
  'queued (waiting for next_attempt_at), sending (claimed by a worker), sent / delivered (the provider took / delivered it), failed (will retry), dead (gave up), cancelled (the event was withdrawn), skipped (suppressed address), digested (went into a daily digest).';

create table public.notification_deliveries (
  id uuid primary key default gen_random_uuid(),
  outbox_id bigint not null,
  user_id uuid not null,
  channel public.notification_channel not null constraint notification_deliveries_not_in_app check (channel <> 'in_app'),
  destination text not null,
  push_token_id uuid,
  locale text not null default 'en',
  priority smallint not null default 5,
  status public.notification_delivery_status not null default 'queued',
  attempts integer not null default 0,
  max_attempts integer not null default 6 constraint notification_deliveries_max_attempts_positive check (max_attempts > 0),
  next_attempt_at timestamptz not null default now(),
  lease_expires_at timestamptz,
  claimed_by text,
  provider text,
  provider_message_id text,
  last_error text,
  digest boolean not null default false,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  updated_at timestamptz not null default now(),
  constraint notification_deliveries_one_per_destination unique (outbox_id, user_id, channel, destination)
);

create index notification_deliveries_user_created_idx on public.notification_deliveries (user_id, created_at desc);
-- What claim_deliveries reads, in its order; and the leases to take back; and the digests.
create index notification_deliveries_due_idx on public.notification_deliveries (priority desc, next_attempt_at)
  where status in ('queued', 'failed') and not digest;
create index notification_deliveries_lease_idx on public.notification_deliveries (lease_expires_at) where status = 'sending';
create index notification_deliveries_digest_idx on public.notification_deliveries (next_attempt_at)
  where digest and status = 'queued';

comment on table public.notification_deliveries is
  'One message to send: an event to one user on email, SMS or push (one per device). Read: the user''s own, admins all. Written by the service functions only.';
comment on column public.notification_deliveries.push_token_id is 'The push_tokens row the destination came from (gone once the token is removed).';
comment on column public.notification_deliveries.destination is 'Email address, E.164 phone number or push token, as it was when the event was expanded.';
comment on column public.notification_deliveries.next_attempt_at is 'Not claimed before then: quiet hours, the digest hour, or the backoff after a failure.';
comment on column public.notification_deliveries.lease_expires_at is 'While sending: when the claim lapses and another worker may take the delivery.';
comment on column public.notification_deliveries.digest is 'Waits for compose_digests (the user''s daily summary) instead of being sent alone.';

create trigger set_updated_at
  before update on public.notification_deliveries
  for each row execute function private.tg_set_updated_at();

alter table public.notification_deliveries enable row level security;
revoke all on table public.notification_deliveries from anon, authenticated;
grant select on table public.notification_deliveries to authenticated;

create policy "users can read their own deliveries and admins all"
  on public.notification_deliveries for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

-- What the missing foreign keys would cascade: a user's inbox and deliveries go with them.
-- Security definer: runs for whoever deletes the profile (auth's cascade from auth.users).
create function private.tg_profiles_delete_notifications()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.notifications n where n.user_id = old.id;
  delete from public.notification_deliveries d where d.user_id = old.id;
  return null;
end
$$;

create trigger delete_notifications
  after delete on public.profiles
  for each row execute function private.tg_profiles_delete_notifications();

-- Security definer: the outbox's owner cleans up after it, whoever deletes events (retention).
create function private.tg_notification_outbox_delete_expansion()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.notifications n where n.outbox_id in (select r.id from removed r);
  delete from public.notification_deliveries d where d.outbox_id in (select r.id from removed r);
  return null;
end
$$;

create trigger delete_expansion
  after delete on private.notification_outbox
  referencing old table as removed
  for each statement execute function private.tg_notification_outbox_delete_expansion();

-- A device that leaves an account (the user signs it out, it signs in to another account
-- through register_push_token, it is one device too many, FCM says it is gone) takes the
-- account's waiting pushes with it: they are skipped, never sent to whoever holds the device
-- now. claim_deliveries checks the token again when it claims (a push in flight, or a lapsed
-- claim, is not waiting here). Through the user's index: a user's own deliveries, not all.
-- Security definer: runs for whoever deletes the token (the user, through RLS).
create function private.tg_push_tokens_skip_deliveries()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.notification_deliveries d
  set status = 'skipped', last_error = 'push token removed from the account'
  from removed r
  where d.user_id = r.user_id and d.push_token_id = r.id and d.channel = 'push' and d.status in ('queued', 'failed');
  return null;
end
$$;

comment on function private.tg_push_tokens_skip_deliveries() is
  'Trigger: the waiting (queued or failed) pushes to a removed push token are skipped.';

create trigger skip_deliveries
  after delete on public.push_tokens
  referencing old table as removed
  for each statement execute function private.tg_push_tokens_skip_deliveries();
