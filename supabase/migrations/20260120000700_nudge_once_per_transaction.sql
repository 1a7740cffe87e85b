-- One pg_net nudge per transaction (issue 24).
--
-- The outbox's nudge (20260108000200) asked pg_net for a POST after every statement that wrote
-- a due event, so a checkout (payment succeeded, booking confirmed) or a cancellation queued two
-- or three HTTP requests, each starting a dispatch run that the first one already covers. Now the
-- first nudge of a transaction is remembered in a transaction-local setting and the others are
-- skipped; a savepoint rolled back forgets it with the request it queued.

create or replace function private.tg_notification_outbox_nudge()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if current_setting('marketbase.dispatch_nudged', true) is distinct from 'on'
     and exists (select 1 from inserted i where i.status = 'pending' and i.deliver_after <= now())
     and private.nudge_dispatcher() then
    perform set_config('marketbase.dispatch_nudged', 'on', true);
  end if;
  return null;
end
$$;

comment on function private.tg_notification_outbox_nudge() is
  'After an outbox insert: nudges the dispatcher (private.nudge_dispatcher) when an event is due now, once per transaction.';
