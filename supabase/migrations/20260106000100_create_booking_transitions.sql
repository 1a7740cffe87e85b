-- bookings / state machine: every status change goes through private.change_booking_status,
-- which writes the audit row and the side effects (coupon, invoice, cancellation fee);
-- transition_booking is the RPC in front of it that decides who may ask for what.
--
--   held ──> confirmed ──> in_progress ──> completed
--     │          │              └──> cancelled (admins)
--     │          ├──> cancelled
--     │          └──> no_show
--     ├──> cancelled
--     └──> expired ──> confirmed (a late payment, while the slot is still free)
--
-- Actors: client, provider, collector (the booking's own), admin, system (service_role:
-- payments, hold expiry).

create table private.booking_transition_rules (
  from_status public.booking_status not null,
  to_status public.booking_status not null,
  actor text not null,
  primary key (from_status, to_status, actor)
);

insert into private.booking_transition_rules (from_status, to_status, actor) values
  ('held', 'confirmed', 'system'), ('held', 'confirmed', 'admin'),
  ('held', 'cancelled', 'client'), ('held', 'cancelled', 'provider'), ('held', 'cancelled', 'admin'),
  ('held', 'expired', 'system'),
  ('expired', 'confirmed', 'system'),
  ('confirmed', 'in_progress', 'provider'), ('confirmed', 'in_progress', 'collector'), ('confirmed', 'in_progress', 'admin'),
  ('confirmed', 'cancelled', 'client'), ('confirmed', 'cancelled', 'provider'), ('confirmed', 'cancelled', 'admin'),
  ('confirmed', 'no_show', 'provider'), ('confirmed', 'no_show', 'collector'), ('confirmed', 'no_show', 'admin'),
  ('in_progress', 'completed', 'provider'), ('in_progress', 'completed', 'collector'), ('in_progress', 'completed', 'admin'),
  ('in_progress', 'cancelled', 'admin');

insert into private.settings (key, value, description) values
  ('bookings.hold_minutes', '15', 'Minutes a new booking holds its slot while awaiting payment.'),
  ('bookings.max_live_holds_per_client', '5', 'How many unpaid holds one client may have at once.'),
  ('bookings.start_early_minutes', '60', 'How long before its start a booking may be marked in progress.');

-- The fee a client's cancellation keeps: none until free_cancellation_hours before the
-- start, then late_cancellation_fee_share of what was paid. Cancellations by the provider
-- or an admin keep nothing.
create function private.cancellation_fee(booking public.bookings, actor text, paid bigint, at timestamptz)
returns bigint
language sql
stable
set search_path = ''
as $$
  select case
    when actor <> 'client' or at < booking.starts_at - make_interval(hours => booking.free_cancellation_hours) then 0
    else private.round_half_up(paid * booking.late_cancellation_fee_share)
  end
$$;

-- Moves a booking and does what the move implies. The caller has checked the rule and
-- holds the booking's row lock. A system move (payment, expiry) names no user, even when a
-- user's request set it off (a lapsed hold expired by someone else's booking).
create function private.change_booking_status(
  booking public.bookings,
  to_status public.booking_status,
  actor text,
  reason text
)
returns public.bookings
language plpgsql
set search_path = ''
as $$
declare
  invoice public.invoices;
  result public.bookings;
begin
  select * into invoice from public.invoices i where i.booking_id = booking.id for update;

  update public.bookings b
  set status = to_status,
      hold_expires_at = case when to_status = 'held' then b.hold_expires_at end,
      cancelled_at = case when to_status = 'cancelled' then now() else b.cancelled_at end,
      cancellation_fee = case when to_status = 'cancelled'
                              then private.cancellation_fee(booking, actor, coalesce(invoice.amount_paid, 0), now())
                              else b.cancellation_fee end
  where b.id = booking.id
  returning * into result;

  insert into public.booking_status_changes (booking_id, from_status, to_status, changed_by, actor, reason)
  values (booking.id, booking.status, to_status, case when actor <> 'system' then auth.uid() end, actor, reason);

  if to_status in ('cancelled', 'expired') then
    -- An unpaid booking gives back its coupon use and voids its invoice; a paid one keeps
    -- both until the refund (payments module) settles it.
    update public.coupon_redemptions r set status = 'released', released_at = now()
    where r.booking_id = booking.id and r.status = 'reserved';
    update public.invoices i set status = 'void', voided_at = now()
    where i.id = invoice.id and i.status = 'open';
  elsif to_status = 'confirmed' then
    update public.coupon_redemptions r set status = 'redeemed', redeemed_at = now(), released_at = null
    where r.booking_id = booking.id and r.status <> 'redeemed';
  end if;

  return result;
end
$$;

-- Expires one lapsed hold (caller holds the lock).
create function private.expire_hold(booking public.bookings)
returns public.bookings
language sql
set search_path = ''
as $$
  select private.change_booking_status(booking, 'expired', 'system', 'hold expired unpaid')
$$;

-- The service RPCs below run as service_role (security invoker) and call these internals.
grant execute on function private.round_half_up(numeric) to service_role;
grant execute on function private.cancellation_fee(public.bookings, text, bigint, timestamptz) to service_role;
grant execute on function private.change_booking_status(public.bookings, public.booking_status, text, text) to service_role;
grant execute on function private.expire_hold(public.bookings) to service_role;

-- Security definer: bookings have no UPDATE privilege for any API role; this function is
-- the only way to move one, and checks who asks.
create function public.transition_booking(booking_id uuid, to_status public.booking_status, reason text default null)
returns public.bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  booking public.bookings;
  actors text[] := '{}';
  chosen text;
begin
  select * into booking from public.bookings b where b.id = transition_booking.booking_id for update;
  if auth.role() = 'service_role' then
    actors := array['system'];
  else
    if private.is_admin() then actors := actors || 'admin'::text; end if;
    if auth.uid() = booking.provider_id then actors := actors || 'provider'::text; end if;
    if auth.uid() = booking.collector_id then actors := actors || 'collector'::text; end if;
    if auth.uid() = booking.client_id then actors := actors || 'client'::text; end if;
  end if;
  if booking.id is null or cardinality(actors) = 0 then
    raise exception 'booking_id: booking % not found', transition_booking.booking_id using errcode = 'P0002';
  end if;

  -- A hold past its expiry is already over, whatever the cron job has done so far.
  if booking.status = 'held' and booking.hold_expires_at <= now() then
    booking := private.expire_hold(booking);
  end if;

  if not exists (select 1 from private.booking_transition_rules r where r.from_status = booking.status and r.to_status = transition_booking.to_status) then
    raise exception 'status: a % booking cannot become %', booking.status, to_status using errcode = 'P0001';
  end if;
  select r.actor into chosen from private.booking_transition_rules r
  where r.from_status = booking.status and r.to_status = transition_booking.to_status and r.actor = any (actors)
  order by array_position(actors, r.actor)
  limit 1;
  if chosen is null then
    raise exception 'status: as % you cannot move a % booking to %', array_to_string(actors, ' or '), booking.status, to_status
      using errcode = '42501';
  end if;
  if to_status = 'in_progress'
     and now() < booking.starts_at - make_interval(mins => (private.setting('bookings.start_early_minutes'))::integer) then
    raise exception 'status: the booking starts at %; it cannot be in progress yet', booking.starts_at using errcode = 'P0001';
  end if;
  if to_status = 'cancelled' and chosen = 'client' and now() >= booking.starts_at then
    raise exception 'status: the booking started at %; it can no longer be cancelled', booking.starts_at using errcode = 'P0001';
  end if;
  if to_status = 'no_show' and now() < booking.starts_at then
    raise exception 'status: the booking starts at %; nobody can be a no-show before then', booking.starts_at using errcode = 'P0001';
  end if;

  return private.change_booking_status(booking, to_status, chosen, reason);
exception
  when exclusion_violation then
    raise exception 'slot taken: the booking''s time was booked by someone else after its hold expired'
      using errcode = '23P01';
end
$$;

revoke execute on function public.transition_booking(uuid, public.booking_status, text) from public, anon;
grant execute on function public.transition_booking(uuid, public.booking_status, text) to authenticated, service_role;

comment on function public.transition_booking(uuid, public.booking_status, text) is
  'RPC: moves a booking to another status if the caller''s part in it allows (client, provider, collector, admin; the service role acts as the system). Writes the audit row. Errors: P0002 unknown booking, P0001 illegal move, 42501 not yours to make.';

-- What a cancellation by the caller would keep and give back, before they decide.
create function public.cancellation_terms(booking_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  booking public.bookings;
  invoice public.invoices;
  actor text;
  fee bigint;
begin
  select * into booking from public.bookings b where b.id = cancellation_terms.booking_id;
  if booking.id is null or not private.can_read_booking(booking.id) then
    raise exception 'booking_id: booking % not found', cancellation_terms.booking_id using errcode = 'P0002';
  end if;
  select * into invoice from public.invoices i where i.booking_id = booking.id;
  actor := case when auth.uid() = booking.client_id and not private.is_admin() then 'client' else 'provider' end;
  fee := coalesce(booking.cancellation_fee, private.cancellation_fee(booking, actor, coalesce(invoice.amount_paid, 0), now()));
  return jsonb_build_object(
    'free_until', booking.starts_at - make_interval(hours => booking.free_cancellation_hours),
    'fee_share', booking.late_cancellation_fee_share,
    'paid', coalesce(invoice.amount_paid, 0),
    'cancellable', booking.status in ('held', 'confirmed') and (actor <> 'client' or now() < booking.starts_at),
    'fee', fee,
    'refundable', greatest(coalesce(invoice.amount_paid, 0) - coalesce(invoice.amount_refunded, 0) - fee, 0),
    'currency', booking.currency
  );
end
$$;

revoke execute on function public.cancellation_terms(uuid) from public, anon;
grant execute on function public.cancellation_terms(uuid) to authenticated, service_role;

comment on function public.cancellation_terms(uuid) is
  'RPC: the cancellation policy of a booking as it applies now to the caller: free_until, fee (kept), refundable (minor units). After a cancellation, the fee actually kept.';

-- For a schedule (pg_cron, or the Lambdas): expire every lapsed hold, freeing its slot.
create function service.expire_holds()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  booking public.bookings;
  expired integer := 0;
begin
  for booking in
    select * from public.bookings b
    where b.status = 'held' and b.hold_expires_at <= now()
    for update skip locked
  loop
    perform private.expire_hold(booking);
    expired := expired + 1;
  end loop;
  return expired;
end
$$;

revoke execute on function service.expire_holds() from public;
grant execute on function service.expire_holds() to service_role;

comment on function service.expire_holds() is
  'Service RPC: expires held bookings past their hold, releasing coupon uses and voiding unpaid invoices. Returns how many.';

-- Payment lands: the invoice is paid, the booking confirmed, the coupon use counted once.
-- Idempotent. The payments module calls it with the amount Stripe (or an admin) confirmed.
create function service.settle_invoice(invoice_id uuid)
returns public.invoices
language plpgsql
set search_path = ''
as $$
declare
  invoice public.invoices;
  booking public.bookings;
  coupon public.coupons;
begin
  -- The coupon first, as create_booking takes it: a late payment re-counts its use.
  select * into coupon from public.coupons c
  where c.id = (select i.coupon_id from public.invoices i where i.id = settle_invoice.invoice_id)
  for update;
  -- Lock the booking before its invoice, in the order transition_booking takes them, so a
  -- payment landing during a cancellation waits instead of deadlocking.
  select * into booking from public.bookings b
  where b.id = (select i.booking_id from public.invoices i where i.id = settle_invoice.invoice_id)
  for update;
  select * into invoice from public.invoices i where i.id = settle_invoice.invoice_id for update;
  if not found then
    raise exception 'invoice_id: invoice % not found', settle_invoice.invoice_id using errcode = 'P0002';
  end if;
  if invoice.status in ('paid', 'partially_refunded', 'refunded') then
    return invoice;
  end if;

  if booking.status = 'held' and booking.hold_expires_at <= now() then
    booking := private.expire_hold(booking);
  end if;
  if invoice.status = 'void' and booking.status <> 'expired' then
    raise exception 'invoice_id: invoice % is void (booking %)', invoice.id, booking.status using errcode = 'P0001';
  end if;
  -- The hold lapsed and gave its coupon use back: paid late, it needs a use again.
  if coupon.id is not null and exists (
    select 1 from public.coupon_redemptions r where r.booking_id = booking.id and r.status = 'released'
  ) and (
    (select count(*) from public.coupon_redemptions r where r.coupon_id = coupon.id and r.status <> 'released')
      >= coupon.max_redemptions
    or (select count(*) from public.coupon_redemptions r
        where r.coupon_id = coupon.id and r.user_id = booking.client_id and r.status <> 'released') >= coupon.max_per_user
  ) then
    raise exception 'coupon: % was used up while invoice % was unpaid; refund the payment', coupon.code, invoice.id
      using errcode = 'P0001';
  end if;

  update public.invoices i
  set status = 'paid', amount_paid = i.total, paid_at = now(), voided_at = null
  where i.id = invoice.id
  returning * into invoice;

  if booking.status in ('held', 'expired') then
    begin
      perform private.change_booking_status(booking, 'confirmed', 'system', 'paid');
    exception when exclusion_violation then
      raise exception 'slot taken: invoice % was paid after its hold expired and the slot was booked again', invoice.id
        using errcode = '23P01';
    end;
  end if;
  return invoice;
end
$$;

revoke execute on function service.settle_invoice(uuid) from public;
grant execute on function service.settle_invoice(uuid) to service_role;

comment on function service.settle_invoice(uuid) is
  'Service RPC: marks an invoice paid in full, confirms its booking (even after the hold lapsed, while the slot is free) and counts its coupon use. Idempotent.';

-- Holds expire every minute where pg_cron is enabled (on Supabase: Database → Extensions;
-- enabled later, run this statement again). Without it, a lapsed hold still never blocks
-- anyone: free_slots ignores it and create_booking expires it on the spot.
do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule('expire-booking-holds', '* * * * *', 'select service.expire_holds()');
  end if;
end
$$;
