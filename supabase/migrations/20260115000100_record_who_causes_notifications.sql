-- notifications / who causes an event, and the limits on what one person can send others.
--
-- A user's own actions tell other people: a client who books and cancels tells the provider
-- each time, by email, SMS and push, from the platform's address. Looped, that is a relay (and
-- a cost: every SMS is paid). The outbox now records who caused each event, and the expansion
-- (20260115000200) holds two limits:
--
-- * per actor and recipient: once an actor's events have reached a recipient
--   notifications.max_per_actor_per_hour times in the last hour, that recipient's further
--   events from them reach the inbox only; their email, SMS and push deliveries are written
--   'skipped' with last_error saying why. Events of the system, the Lambdas and Stripe (no
--   signed-in user), of admins, and a user's own are not limited.
-- * per user and day: once a user has been sent notifications.max_sms_per_day SMS in the last
--   24 hours, further SMS to them are 'skipped' with last_error saying why (the inbox, email
--   and push still go).
--
-- actor_id is the signed-in user whose request wrote the event: auth.uid() in that
-- transaction, as the domain triggers run inside the request (PostgREST, or a Lambda calling
-- as the user). Null for the service role, the schedule and Auth's hooks.

alter table private.notification_outbox add column actor_id uuid default auth.uid();

comment on column private.notification_outbox.actor_id is
  'The signed-in user whose request wrote the event (auth.uid() then); null for the system, the service role (Stripe, schedules) and Auth''s hooks. The per-actor limit counts events by it.';

-- What the limit counts: an actor's events expanded in the last hour.
create index notification_outbox_actor_idx on private.notification_outbox (actor_id, expanded_at)
  where actor_id is not null;

insert into private.settings (key, value, description) values
  ('notifications.max_per_actor_per_hour', '5',
   'Events one user (not an admin, not the system) may cause for another per hour by email, SMS and push; beyond it the inbox only, the deliveries skipped.'),
  ('notifications.max_sms_per_day', '10',
   'SMS a user is sent in 24 hours at most; beyond it their SMS are skipped (inbox, email and push go on).');
