-- notifications / the fan-out of bookings, payments and refunds after commit (issue 24).
--
-- A paid checkout confirms a booking and settles a payment in the webhook's transaction, and
-- their notify triggers used to build the notifications there too: each event's data (offering,
-- names, local time, amount: four joins), the booking's two reminders, four outbox rows with
-- their dedup checks and indexes. That was 45% of the database time of a checkout.session.
-- completed event (bench/payments/RESULTS.md), on the one database every Lambda shares, while
-- Stripe waits.
--
-- Now the triggers write one row per change to private.notification_changes: the row before
-- and after (jsonb), who made it (auth.uid(), as the outbox records its actor) and when; in
-- the same transaction, so a committed change is never without its notifications and a rolled
-- back one never has any. The dispatcher turns them into outbox events at the start of each run
-- (service.expand_notifications -> private.apply_notification_changes), with the code the
-- triggers ran (private.notify_booking_change, notify_payment_change, notify_refund_change) on
-- the rows as they were. The change nudges the dispatcher as an outbox event did.
--
-- Order: the changes of one row are applied in the order they were made (a booking confirmed
-- then cancelled schedules then withdraws its reminders): their ids follow that order (a row's
-- writers wait for each other), and one drainer at a time applies them by id. A change whose
-- notification cannot be built is kept with its error (failed_at) and the others go on.
--
-- What is read later: the offering's title, the names and the time zone are read when the
-- change is applied, seconds after it, not at the change (the booking's and payment's own
-- fields are the ones of the change).

create table private.notification_changes (
  id bigint generated always as identity primary key,
  source text not null
    constraint notification_changes_source_values check (source in ('bookings', 'payments', 'refunds')),
  op text not null
    constraint notification_changes_op_values check (op in ('INSERT', 'UPDATE')),
  old_row jsonb,
  new_row jsonb not null,
  actor_id uuid default auth.uid(),
  changed_at timestamptz not null default now(),
  failed_at timestamptz,
  error text
);

create index notification_changes_pending_idx on private.notification_changes (id) where failed_at is null;

comment on table private.notification_changes is
  'Changes of bookings, payments and refunds waiting to be turned into notifications (outbox events) after their commit, by private.apply_notification_changes. failed_at and error: a change whose notifications could not be built (clear them to try again).';

grant select on table private.notification_changes to service_role;

-- The notifications of one change: the bodies of the former triggers (20260108000600,
-- 20260128000600), on the rows as the change left them.
create function private.notify_booking_change(op text, old_row public.bookings, new_row public.bookings)
returns void
language plpgsql
set search_path = ''
as $$
declare
  old alias for old_row;
  new alias for new_row;
  data jsonb := private.booking_notification_data(new);
  participants uuid[] := private.booking_participants(new);
  moved boolean := op = 'UPDATE' and new.starts_at is distinct from old.starts_at;
  status_changed boolean := op = 'INSERT' or new.status is distinct from old.status;
begin
  if status_changed then
    case new.status
      when 'held' then
        perform private.enqueue_notification('booking.held', 'booking.held:' || new.id, array[new.client_id], data,
                                             now(), new.id);
      when 'confirmed', 'cancelled', 'completed' then
        perform private.enqueue_notification('booking.' || new.status, format('booking.%s:%s', new.status, new.id),
                                             participants, data, now(), new.id);
      else
        null;
    end case;
  end if;

  if moved and new.status not in ('cancelled', 'expired') then
    perform private.enqueue_notification(
      'booking.rescheduled',
      format('booking.rescheduled:%s:%s', new.id, extract(epoch from new.starts_at)::bigint),
      participants,
      data || jsonb_build_object('previous_starts_at', private.format_local_time(old.starts_at, data ->> 'timezone')),
      now(), new.id);
  end if;

  if op = 'UPDATE' and (moved or (status_changed and old.status = 'confirmed')) then
    perform private.cancel_booking_reminders(new.id);
  end if;
  if new.status = 'confirmed' and (status_changed or moved) then
    perform private.schedule_booking_reminders(new, data);
  end if;
end
$$;

create function private.notify_payment_change(new_row public.payments)
returns void
language plpgsql
set search_path = ''
as $$
declare
  new alias for new_row;
begin
  if new.method in ('stripe', 'paypal') and new.status = 'succeeded' then
    perform private.enqueue_notification('payment.succeeded', 'payment.succeeded:' || new.id, array[new.client_id],
                                         private.payment_notification_data(new, new.amount), now(), new.booking_id);
  elsif new.method in ('stripe', 'paypal') and new.status = 'failed' then
    perform private.enqueue_notification(
      'payment.failed',
      format('payment.failed:%s:%s', new.id, extract(epoch from coalesce(new.last_event_at, now()))::bigint),
      array[new.client_id],
      private.payment_notification_data(new, new.amount)
        || jsonb_build_object('reason', coalesce(nullif(new.failure_message, ''), 'the payment was declined')),
      now(), new.booking_id);
  end if;
end
$$;

create function private.notify_refund_change(new_row public.refunds)
returns void
language plpgsql
set search_path = ''
as $$
declare
  payment public.payments;
begin
  select * into payment from public.payments p where p.id = new_row.payment_id;
  perform private.enqueue_notification('payment.refunded', 'payment.refunded:' || new_row.id, array[new_row.client_id],
                                       private.payment_notification_data(payment, new_row.amount), now(),
                                       new_row.booking_id);
end
$$;

revoke all on function private.notify_booking_change(text, public.bookings, public.bookings),
  private.notify_payment_change(public.payments), private.notify_refund_change(public.refunds) from public;

-- The dispatcher's nudge, once per transaction (20260120000700's rule, now shared by the
-- outbox's trigger and the changes'): the first nudge is remembered in a transaction-local
-- setting. Security definer: private.nudge_dispatcher reads the dispatch secret.
create function private.nudge_dispatcher_once()
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if current_setting('marketbase.dispatch_nudged', true) is distinct from 'on' and private.nudge_dispatcher() then
    perform set_config('marketbase.dispatch_nudged', 'on', true);
  end if;
end
$$;

revoke all on function private.nudge_dispatcher_once() from public;

create or replace function private.tg_notification_outbox_nudge()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from inserted i where i.status = 'pending' and i.deliver_after <= now()) then
    perform private.nudge_dispatcher_once();
  end if;
  return null;
end
$$;

-- The triggers: one row per change, and the dispatcher's nudge. Security definer: the
-- change's writer (a user through an RPC, the webhook's service role) may not write the
-- private table.
create function private.tg_defer_notification()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.notification_changes (source, op, old_row, new_row)
  values (tg_table_name, tg_op, case when tg_op = 'UPDATE' then to_jsonb(old) end, to_jsonb(new));
  perform private.nudge_dispatcher_once();
  return null;
end
$$;

comment on function private.tg_defer_notification() is
  'Trigger: records a change of a booking, payment or refund for its notifications, built after commit by private.apply_notification_changes; nudges the dispatcher once per transaction.';

-- The same triggers with the same conditions, deferring their work.
drop trigger notify on public.bookings;
create trigger notify
  after insert or update of status, starts_at on public.bookings
  for each row execute function private.tg_defer_notification();

drop trigger notify on public.payments;
create trigger notify
  after update of status on public.payments
  for each row when (new.status is distinct from old.status and new.status in ('succeeded', 'failed')
                     and new.method in ('stripe', 'paypal'))
  execute function private.tg_defer_notification();

drop trigger notify_insert on public.refunds;
create trigger notify_insert
  after insert on public.refunds
  for each row when (new.status = 'succeeded')
  execute function private.tg_defer_notification();

drop trigger notify on public.refunds;
create trigger notify
  after update of status on public.refunds
  for each row when (new.status = 'succeeded' and old.status is distinct from 'succeeded')
  execute function private.tg_defer_notification();

drop function private.tg_bookings_notify(), private.tg_payments_notify(), private.tg_refunds_notify();

-- Errors that are not the data's fault (connection, deadlock or serialization, resources, lock
-- or object state, operator intervention, system): the same work may succeed on the next run.
create function private.is_transient_error(sqlstate text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select left(sqlstate, 2) in ('08', '40', '53', '55', '57', '58')
$$;

-- The drain. Security definer: it writes the outbox as the triggers did, for the service role.
-- Each change runs with its maker as auth.uid() (the outbox's actor_id, which the per-actor
-- limit counts) in a subtransaction of its own: a change that fails is kept with its error, an
-- error that is not the change's fault (deadlock, lock or resource limits) stops the run and
-- leaves it and the later ones pending, in order, for the next.
create function private.apply_notification_changes(max_rows integer default 500)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  change private.notification_changes;
  claims constant text := current_setting('request.jwt.claims', true);
  nudged constant text := current_setting('marketbase.dispatch_nudged', true);
  applied integer := 0;
  message text;
  state text;
begin
  -- One drainer at a time, so that the changes of one row are applied in their order.
  if not pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext('private.apply_notification_changes')) then
    return 0;
  end if;
  -- The caller is the dispatcher, about to expand what this enqueues: no nudge for it.
  perform set_config('marketbase.dispatch_nudged', 'on', true);
  for change in
    select * from private.notification_changes c
    where c.failed_at is null
    order by c.id
    limit greatest(coalesce(max_rows, 500), 0)
  loop
    perform set_config('request.jwt.claims', jsonb_build_object('sub', change.actor_id)::text, true);
    begin
      case change.source
        when 'bookings' then
          perform private.notify_booking_change(change.op, jsonb_populate_record(null::public.bookings, change.old_row),
                                                jsonb_populate_record(null::public.bookings, change.new_row));
        when 'payments' then
          perform private.notify_payment_change(jsonb_populate_record(null::public.payments, change.new_row));
        when 'refunds' then
          perform private.notify_refund_change(jsonb_populate_record(null::public.refunds, change.new_row));
      end case;
      delete from private.notification_changes c where c.id = change.id;
    exception when others then
      get stacked diagnostics message = message_text, state = returned_sqlstate;
      if private.is_transient_error(state) then
        raise warning 'notifications: change % not applied this time: % (SQLSTATE %)', change.id, message, state;
        exit;
      end if;
      update private.notification_changes c
      set failed_at = now(), error = left(format('%s (SQLSTATE %s)', message, state), 1000)
      where c.id = change.id;
      raise warning 'notifications: change % failed: % (SQLSTATE %)', change.id, message, state;
    end;
    applied := applied + 1;
  end loop;
  perform set_config('request.jwt.claims', coalesce(claims, ''), true);
  perform set_config('marketbase.dispatch_nudged', coalesce(nudged, ''), true);
  return applied;
end
$$;

revoke all on function private.apply_notification_changes(integer) from public;
grant execute on function private.apply_notification_changes(integer) to service_role;

comment on function private.apply_notification_changes(integer) is
  'Turns up to max_rows recorded changes of bookings, payments and refunds into outbox events, in order, one drainer at a time (another run answers 0). A change that fails is kept with failed_at and error. Returns the changes applied or failed. Called by service.expand_notifications.';

-- The dispatcher's expansion applies the changes first (20260108000500, otherwise unchanged).
create or replace function service.expand_notifications(max_rows integer default 20)
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
  perform private.apply_notification_changes();

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
      if private.is_transient_error(state) then
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

comment on function service.expand_notifications(integer) is
  'Service RPC for the dispatcher: first turns the recorded changes of bookings, payments and refunds into outbox events (private.apply_notification_changes), then expands up to max_rows due outbox events (skipping those another worker holds) into inbox rows and deliveries, per recipient preferences, quiet hours and digest. An event that cannot be expanded is marked failed (outbox status and error) and the others go on. Returns how many events it expanded or failed: fewer than max_rows when no more are due.';
