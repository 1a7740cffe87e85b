-- notifications / domain events: the changes people hear about write their event into the
-- outbox in the same transaction (so a rolled-back change tells nobody, and a committed one
-- is never lost), through private.enqueue_notification with a dedup key.
--
--   bookings   insert held → booking.held (client)
--              → confirmed / cancelled / completed → booking.<status> (client, provider, collector)
--              starts_at changed → booking.rescheduled (the same)
--              confirmed → reminders 24 h and 1 h before the start (outbox rows due then);
--              leaving confirmed or moving cancels the pending ones and their queued deliveries
--   payments   Stripe payment → succeeded / failed → payment.succeeded / payment.failed (client)
--              manual payment reviewed → invoice.approved / invoice.rejected (client)
--   refunds    → succeeded → payment.refunded (client)
--   disputes   insert → dispute.opened (the provider and every admin)
--
-- Variables are formatted for reading here (amounts in major units, times in the booking's
-- timezone); the templates print them as given. The trigger functions are security definer:
-- they write the private outbox whichever role made the change (a user through an RPC, the
-- Lambdas as service_role).

-- Formatting -------------------------------------------------------------------------------------------

-- Minor units to a decimal string, with the currency's number of decimals (as Stripe counts them).
create function private.format_amount(amount bigint, currency text)
returns text
language sql
immutable
set search_path = ''
as $$
  select round(amount::numeric / power(10::numeric, d.decimals), d.decimals)::text
  from (select case
    when upper(currency) in ('BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV',
                             'XAF', 'XOF', 'XPF') then 0
    when upper(currency) in ('BHD', 'JOD', 'KWD', 'OMR', 'TND') then 3
    else 2
  end as decimals) d
$$;

comment on function private.format_amount(bigint, text) is 'An amount in minor units as a decimal string: 12050 EUR → 120.50, 500 JPY → 500.';

create function private.format_local_time(at timestamptz, time_zone text)
returns text
language sql
stable
set search_path = ''
as $$
  select to_char(at at time zone coalesce(time_zone, 'UTC'), 'Dy DD Mon YYYY, HH24:MI')
$$;

comment on function private.format_local_time(timestamptz, text) is 'A time for people, in a timezone: Tue 13 Jan 2026, 10:00.';

create function private.app_link(path text)
returns text
language sql
stable
set search_path = ''
as $$
  select rtrim(coalesce(private.setting('notifications.app_url') #>> '{}', ''), '/') || path
$$;

-- What every booking event says, and to whom.
create function private.booking_notification_data(booking public.bookings)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'booking_id', booking.id,
    'offering_title', o.title,
    'provider_name', coalesce(pp.display_name, cp.display_name, 'marketbase'),
    'client_name', c.display_name,
    'starts_at', private.format_local_time(booking.starts_at, tz.timezone),
    'timezone', tz.timezone,
    'amount', private.format_amount(booking.total_amount, booking.currency),
    'currency', booking.currency,
    'hold_expires_at', private.format_local_time(booking.hold_expires_at, tz.timezone),
    'action_url', private.app_link('/bookings/' || booking.id)
  )
  from public.offerings o
  left join public.profiles c on c.id = booking.client_id
  left join public.profiles pp on pp.id = booking.provider_id
  left join public.profiles cp on cp.id = booking.collector_id
  cross join lateral (
    select coalesce((select s.timezone from public.schedules s
                     where s.user_id = case when booking.scheduled_on = 'collector' then booking.collector_id
                                            else booking.provider_id end), 'UTC') as timezone
  ) tz
  where o.id = booking.offering_id
$$;

create function private.booking_participants(booking public.bookings)
returns uuid[]
language sql
immutable
set search_path = ''
as $$
  select array_remove(array[booking.client_id, booking.provider_id, booking.collector_id], null)
$$;

-- Reminders ---------------------------------------------------------------------------------------------

-- The reminders of a confirmed booking at its current start (those still ahead). A reminder
-- cancelled by an earlier move comes back if the booking moves back to its time.
create function private.schedule_booking_reminders(booking public.bookings, data jsonb)
returns void
language plpgsql
set search_path = ''
as $$
declare
  reminder record;
  key text;
begin
  for reminder in select * from (values ('booking.reminder_24h', interval '24 hours'), ('booking.reminder_1h', interval '1 hour')) r (event_type, lead)
  loop
    continue when booking.starts_at - reminder.lead <= now();
    key := format('%s:%s:%s', reminder.event_type, booking.id, extract(epoch from booking.starts_at)::bigint);
    update private.notification_outbox o
    set status = 'pending', data = schedule_booking_reminders.data, recipient_ids = private.booking_participants(booking),
        deliver_after = booking.starts_at - reminder.lead
    where o.dedup_key = key and o.status = 'cancelled';
    if not found then
      perform private.enqueue_notification(reminder.event_type, key, private.booking_participants(booking), data,
                                           booking.starts_at - reminder.lead, booking.id);
    end if;
  end loop;
end
$$;

-- Withdraws a booking's reminders: the pending ones, and the deliveries still waiting of those
-- already expanded (quiet hours may hold them).
create function private.cancel_booking_reminders(booking_id uuid)
returns void
language sql
set search_path = ''
as $$
  update private.notification_outbox o set status = 'cancelled'
  where o.booking_id = cancel_booking_reminders.booking_id and o.status = 'pending'
    and o.event_type in ('booking.reminder_24h', 'booking.reminder_1h');
  update public.notification_deliveries d set status = 'cancelled', last_error = 'the booking was cancelled or moved'
  where d.status in ('queued', 'failed')
    and d.outbox_id in (
      select o.id from private.notification_outbox o
      where o.booking_id = cancel_booking_reminders.booking_id
        and o.event_type in ('booking.reminder_24h', 'booking.reminder_1h')
    );
$$;

-- Bookings -------------------------------------------------------------------------------------------

-- Security definer (as every trigger below): writes the private outbox for whichever role made the change.
create function private.tg_bookings_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  data jsonb := private.booking_notification_data(new);
  participants uuid[] := private.booking_participants(new);
  moved boolean := tg_op = 'UPDATE' and new.starts_at is distinct from old.starts_at;
  status_changed boolean := tg_op = 'INSERT' or new.status is distinct from old.status;
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

  if tg_op = 'UPDATE' and (moved or (status_changed and old.status = 'confirmed')) then
    perform private.cancel_booking_reminders(new.id);
  end if;
  if new.status = 'confirmed' and (status_changed or moved) then
    perform private.schedule_booking_reminders(new, data);
  end if;
  return null;
end
$$;

create trigger notify
  after insert or update of status, starts_at on public.bookings
  for each row execute function private.tg_bookings_notify();

-- Payments -------------------------------------------------------------------------------------------

create function private.payment_notification_data(payment public.payments, amount bigint)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_strip_nulls(jsonb_build_object(
    'booking_id', payment.booking_id,
    'invoice_number', i.number,
    'offering_title', coalesce(o.title, 'invoice ' || i.number),
    'amount', private.format_amount(amount, payment.currency),
    'currency', payment.currency,
    'action_url', private.app_link(case when payment.booking_id is not null then '/bookings/' || payment.booking_id
                                        else '/invoices/' || payment.invoice_id end)
  ))
  from public.invoices i
  left join public.bookings b on b.id = payment.booking_id
  left join public.offerings o on o.id = b.offering_id
  where i.id = payment.invoice_id
$$;

-- Card payments tell their outcome; a manual payment tells its review (below) instead.
-- Security definer: see tg_bookings_notify.
create function private.tg_payments_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.method = 'stripe' and new.status = 'succeeded' then
    perform private.enqueue_notification('payment.succeeded', 'payment.succeeded:' || new.id, array[new.client_id],
                                         private.payment_notification_data(new, new.amount), now(), new.booking_id);
  elsif new.method = 'stripe' and new.status = 'failed' then
    perform private.enqueue_notification(
      'payment.failed',
      format('payment.failed:%s:%s', new.id, extract(epoch from coalesce(new.last_event_at, now()))::bigint),
      array[new.client_id],
      private.payment_notification_data(new, new.amount)
        || jsonb_build_object('reason', coalesce(nullif(new.failure_message, ''), 'the payment was declined')),
      now(), new.booking_id);
  end if;
  return null;
end
$$;

create trigger notify
  after update of status on public.payments
  for each row when (new.status is distinct from old.status and new.status in ('succeeded', 'failed'))
  execute function private.tg_payments_notify();

-- Security definer: see tg_bookings_notify.
create function private.tg_payments_notify_review()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'succeeded' then
    perform private.enqueue_notification('invoice.approved', 'invoice.approved:' || new.id, array[new.client_id],
                                         private.payment_notification_data(new, new.amount), now(), new.booking_id);
  else
    perform private.enqueue_notification(
      'invoice.rejected', 'invoice.rejected:' || new.id, array[new.client_id],
      private.payment_notification_data(new, new.amount)
        || jsonb_build_object('reason', coalesce(nullif(new.review_note, 'rejected'), nullif(new.failure_message, ''),
                                                 'the payment could not be found')),
      now(), new.booking_id);
  end if;
  return null;
end
$$;

create trigger notify_review
  after update of reviewed_at on public.payments
  for each row when (old.reviewed_at is null and new.reviewed_at is not null and new.method <> 'stripe')
  execute function private.tg_payments_notify_review();

-- Refunds and disputes ----------------------------------------------------------------------------------

-- Security definer: see tg_bookings_notify.
create function private.tg_refunds_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  payment public.payments;
begin
  select * into payment from public.payments p where p.id = new.payment_id;
  perform private.enqueue_notification('payment.refunded', 'payment.refunded:' || new.id, array[new.client_id],
                                       private.payment_notification_data(payment, new.amount), now(), new.booking_id);
  return null;
end
$$;

create trigger notify_insert
  after insert on public.refunds
  for each row when (new.status = 'succeeded')
  execute function private.tg_refunds_notify();

create trigger notify
  after update of status on public.refunds
  for each row when (new.status = 'succeeded' and old.status is distinct from 'succeeded')
  execute function private.tg_refunds_notify();

-- Security definer: see tg_bookings_notify.
create function private.tg_disputes_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  payment public.payments;
begin
  select * into payment from public.payments p where p.id = new.payment_id;
  perform private.enqueue_notification(
    'dispute.opened',
    'dispute.opened:' || new.id,
    array_remove(new.provider_id || array(select r.user_id from public.user_roles r where r.role = 'admin'), null),
    private.payment_notification_data(payment, new.amount) || jsonb_build_object(
      'amount', private.format_amount(new.amount, new.currency),
      'currency', new.currency,
      'reason', coalesce(replace(new.reason, '_', ' '), 'not given'),
      'respond_by', coalesce(private.format_local_time(new.evidence_due_by, 'UTC') || ' UTC', 'as soon as possible')
    ),
    now(), payment.booking_id);
  return null;
end
$$;

create trigger notify
  after insert on public.disputes
  for each row execute function private.tg_disputes_notify();
