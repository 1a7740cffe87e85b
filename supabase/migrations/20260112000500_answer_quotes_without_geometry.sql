-- pricing and bookings / the RPCs answer within the new bounds: no distance in a quote, coupon
-- guesses counted and limited.
--
-- private.quote_booking (20260105000200, moved by 20260109000200) and private.create_booking
-- (20260106000200, moved by 20260109000200) again, in full, with:
-- * before pricing, a call with a coupon code passes private.check_coupon_guesses (PT429 after
--   pricing.max_coupon_failures_per_hour refused codes in an hour, whatever the code);
-- * a code price_booking refuses (COLUMN coupon_code) is answered by private.refuse_coupon:
--   counted, HTTP 400 with the body of a 22023, and committed (20260112000300). In create_booking
--   this happens before anything is written;
-- * quote_booking leaves distance_km out of its answer: the travel line's band is all a client
--   learns about distance (20260112000200).
--
-- quote_booking becomes VOLATILE, in private and in public, because it may now write (the
-- failure record): PostgREST runs a STABLE function's POST in a read-only transaction. Call it
-- with POST, as supabase-js's rpc() does; a GET would answer 405 where it has to record a
-- failure. Signatures, grants, results of valid calls and the public comments otherwise stay.

-- quote_booking ---------------------------------------------------------------------------------
create or replace function private.quote_booking(
  items jsonb,
  addons jsonb default '[]',
  package_id uuid default null,
  coupon_code text default null,
  address_id uuid default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  quote jsonb;
  field text;
  refusal text;
begin
  if auth.uid() is null then
    raise exception 'sign in to get a quote' using errcode = '42501';
  end if;
  if coupon_code is not null then
    perform private.check_coupon_guesses(auth.uid());
  end if;
  begin
    quote := private.price_booking(auth.uid(), items, addons, package_id, coupon_code, address_id, now());
  exception when invalid_parameter_value then
    get stacked diagnostics field = column_name, refusal = message_text;
    if field is distinct from 'coupon_code' then
      raise;
    end if;
    return private.refuse_coupon(auth.uid(), coupon_code, refusal);
  end;
  return quote - 'distance_km';
end
$$;

create or replace function public.quote_booking(
  items jsonb,
  addons jsonb default '[]',
  package_id uuid default null,
  coupon_code text default null,
  address_id uuid default null
)
returns jsonb
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.quote_booking(
    items => quote_booking.items,
    addons => quote_booking.addons,
    package_id => quote_booking.package_id,
    coupon_code => quote_booking.coupon_code,
    address_id => quote_booking.address_id
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

comment on function public.quote_booking(jsonb, jsonb, uuid, text, uuid) is
  'RPC (POST): the price of a booking as create_booking would set it. items: [{"offering_id", "quantity"}] (one provider, at most 20); addons: [{"addon_id", "quantity"}] (at most 50; mandatory add-ons not listed come at their minimum quantity); optional package, coupon code and service address (one of yours; required for services at the client''s site). Returns lines and subtotal, package_discount, discount, travel_fee (charged by distance band), tax, total, commission in minor units of currency. Errors: 22023 bad input or a coupon code that does not apply (one message for all), PT404 unknown offering, package, address or add-on, PT429 too many refused coupon codes in an hour.';

-- create_booking --------------------------------------------------------------------------------
create or replace function private.create_booking(
  items jsonb,
  starts_at timestamptz,
  addons jsonb default '[]',
  package_id uuid default null,
  coupon_code text default null,
  address_id uuid default null,
  pet_id uuid default null,
  notes text default null,
  collector_id uuid default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  client_id uuid := auth.uid();
  quote jsonb;
  offering public.offerings;
  schedule public.schedules;
  candidate uuid;
  candidates uuid[];
  duration interval;
  booking public.bookings;
  invoice public.invoices;
  lapsed public.bookings;
  hold_minutes integer := (private.setting('bookings.hold_minutes'))::integer;
  field text;
  refusal text;
begin
  if client_id is null then
    raise exception 'sign in to book' using errcode = '42501';
  end if;
  if starts_at is null then
    raise exception 'starts_at: a start time is required' using errcode = '22023';
  end if;
  if starts_at <= now() then
    raise exception 'starts_at: % is in the past', starts_at using errcode = '22023';
  end if;
  -- Unpaid holds per client are capped, so that nobody can sit on a provider's calendar.
  perform pg_advisory_xact_lock(hashtext('marketbase.holds:' || client_id::text));
  if (select count(*) from public.bookings b where b.client_id = auth.uid() and b.status = 'held'
      and b.hold_expires_at > now()) >= (private.setting('bookings.max_live_holds_per_client'))::integer then
    raise exception 'you already have % bookings awaiting payment; pay or cancel one first',
      (private.setting('bookings.max_live_holds_per_client'))::integer using errcode = '22023';
  end if;
  if pet_id is not null and not exists (select 1 from public.pets p where p.id = pet_id and p.owner_id = client_id) then
    raise exception 'pet_id: pet % not found', pet_id using errcode = 'P0002';
  end if;

  -- Lock the coupon first: its uses are counted by price_booking under this lock. A user who
  -- has had too many codes refused this hour gets none looked at.
  if coupon_code is not null then
    perform private.check_coupon_guesses(client_id);
    perform 1 from public.coupons c where c.code operator(extensions.=) coupon_code::extensions.citext for update;
  end if;

  -- A refused code is answered (and counted) here, before anything is written.
  begin
    quote := private.price_booking(client_id, items, addons, package_id, coupon_code, address_id, now());
  exception when invalid_parameter_value then
    get stacked diagnostics field = column_name, refusal = message_text;
    if field is distinct from 'coupon_code' then
      raise;
    end if;
    return private.refuse_coupon(client_id, coupon_code, refusal);
  end;
  select * into offering from public.offerings o where o.id = (quote ->> 'offering_id')::uuid;
  duration := make_interval(mins => (quote ->> 'duration_minutes')::integer);

  -- Whose time: the provider's, or one collector's (the one asked for, else the first free).
  if offering.scheduled_on = 'provider' then
    if collector_id is not null then
      raise exception 'collector_id: % is booked with its provider, not a collector', offering.title using errcode = '22023';
    end if;
    candidates := array[offering.provider_id];
  elsif collector_id is not null then
    if collector_id not in (select private.collector_ids()) then
      raise exception 'collector_id: % is not a collector with a schedule', collector_id using errcode = 'P0002';
    end if;
    candidates := array[collector_id];
  else
    candidates := array(select private.collector_ids());
  end if;

  foreach candidate in array candidates loop
    select * into schedule from public.schedules s where s.user_id = candidate;
    if schedule.user_id is null then
      if cardinality(candidates) = 1 then
        raise exception 'offering_id: % has no schedule to book', offering.title using errcode = 'P0001';
      end if;
      continue;
    end if;
    -- With several collectors, one who needs more notice (or books less far ahead) just
    -- cannot take this booking; another may.
    if cardinality(candidates) > 1 and (starts_at < now() + make_interval(mins => schedule.min_notice_minutes)
                                        or starts_at >= now() + make_interval(days => schedule.horizon_days)) then
      continue;
    end if;
    if starts_at < now() + make_interval(mins => schedule.min_notice_minutes) then
      raise exception 'starts_at: bookings need % minutes notice', schedule.min_notice_minutes using errcode = '22023';
    end if;
    if starts_at >= now() + make_interval(days => schedule.horizon_days) then
      raise exception 'starts_at: bookings open at most % days ahead', schedule.horizon_days using errcode = '22023';
    end if;
    -- On the grid? Slots step from the start of their open window, so ask from the day before
    -- (a window clipped at starts_at would make any start look aligned).
    continue when not exists (
      select 1 from private.schedule_slots(candidate, offering.scheduled_on, duration, starts_at - interval '1 day',
                                           starts_at + interval '1 second', false) s
      where s.starts_at = create_booking.starts_at
    );

    -- Lapsed holds in the way give their time back now rather than at the next cron run.
    for lapsed in
      select * from public.bookings b
      where (b.provider_id = candidate and b.scheduled_on = 'provider' or b.collector_id = candidate)
        and b.status = 'held' and b.hold_expires_at <= now()
        and b.blocked_during && tstzrange(create_booking.starts_at - interval '1 day', create_booking.starts_at + duration + interval '1 day')
      for update
    loop
      perform private.expire_hold(lapsed);
    end loop;

    begin
      insert into public.bookings (
        offering_id, client_id, provider_id, collector_id, scheduled_on, pet_id, address_id,
        starts_at, ends_at, blocked_during, status, hold_expires_at, currency, total_amount, distance_km,
        notes, free_cancellation_hours, late_cancellation_fee_share
      )
      values (
        offering.id, client_id, offering.provider_id,
        case when offering.scheduled_on = 'collector' then candidate end, offering.scheduled_on, pet_id, address_id,
        starts_at, starts_at + duration,
        tstzrange(starts_at - make_interval(mins => schedule.buffer_before_minutes),
                  starts_at + duration + make_interval(mins => schedule.buffer_after_minutes)),
        'held', now() + make_interval(mins => hold_minutes), offering.currency, (quote ->> 'total')::bigint,
        (quote ->> 'distance_km')::numeric, notes, offering.free_cancellation_hours, offering.late_cancellation_fee_share
      )
      returning * into booking;
      exit;
    exception when exclusion_violation then
      booking := null;
    end;
  end loop;

  if booking.id is null then
    if not exists (
      select 1 from unnest(candidates) c (id)
      join lateral private.schedule_slots(c.id, offering.scheduled_on, duration, starts_at - interval '1 day',
                                          starts_at + interval '1 second', false) s
        on s.starts_at = create_booking.starts_at
    ) then
      raise exception 'starts_at: % is not a slot of this offering (outside opening hours or off the grid); see free_slots', starts_at
        using errcode = '22023';
    end if;
    raise exception 'slot taken: % is no longer free; pick another time from free_slots', starts_at using errcode = '23P01';
  end if;

  insert into public.booking_items (booking_id, line_number, offering_id, addon_id, description, quantity, unit_price, amount)
  select booking.id, row_number() over (order by (l ->> 'line_number')::integer), (l ->> 'offering_id')::uuid,
         (l ->> 'addon_id')::uuid, l ->> 'description', (l ->> 'quantity')::integer, (l ->> 'unit_amount')::bigint,
         (l ->> 'amount')::bigint
  from jsonb_array_elements(quote -> 'lines') l
  where l ->> 'kind' in ('item', 'addon');

  insert into public.booking_status_changes (booking_id, from_status, to_status, changed_by, actor, reason)
  values (booking.id, null, 'held', client_id, 'client', 'booked');

  if quote ->> 'coupon_id' is not null then
    insert into public.coupon_redemptions (coupon_id, booking_id, user_id, discount_amount)
    values ((quote ->> 'coupon_id')::uuid, booking.id, client_id, (quote ->> 'discount')::bigint);
  end if;

  invoice := private.create_invoice(booking, quote);

  -- Nothing to pay: the booking is confirmed at once.
  if invoice.total = 0 then
    booking := private.change_booking_status(booking, 'confirmed', 'system', 'nothing to pay');
  end if;

  return jsonb_build_object(
    'booking_id', booking.id,
    'invoice_id', invoice.id,
    'invoice_number', invoice.number,
    'status', booking.status,
    'starts_at', booking.starts_at,
    'ends_at', booking.ends_at,
    'hold_expires_at', booking.hold_expires_at,
    'collector_id', booking.collector_id,
    'currency', invoice.currency,
    'total', invoice.total
  );
end
$$;

comment on function public.create_booking(jsonb, timestamp with time zone, jsonb, uuid, text, uuid, uuid, text, uuid) is
  'RPC: books a slot returned by free_slots. Arguments as quote_booking, plus starts_at, pet_id, notes and (for home collections) an optional collector_id. The booking is held for bookings.hold_minutes awaiting payment of its invoice. Returns booking_id, invoice_id, status, hold_expires_at, total. Errors: PT409 slot taken, 22023 bad input (message names the field) or a coupon code that does not apply, PT404 unknown offering, address, pet or add-on, PT429 too many refused coupon codes in an hour.';
