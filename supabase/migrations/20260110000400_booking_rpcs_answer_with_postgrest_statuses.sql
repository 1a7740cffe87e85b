-- pricing and bookings: the RPCs answer "not found" and "slot taken" with the statuses frontends expect.
--
-- Each wrapper of 20260109* becomes plpgsql: it forwards its arguments to the body in
-- `private` as before and re-raises P0002 as PT404 and 23P01 as PT409 (PostgREST: 404, 409)
-- through private.raise_for_postgrest (20260110000100). Signature, result, grants and the
-- API comment stay; comments that name the codes are restated with the new ones.

-- quote_booking ---------------------------------------------------------------------------------
create or replace function public.quote_booking(
  items jsonb,
  addons jsonb default '[]',
  package_id uuid default null,
  coupon_code text default null,
  address_id uuid default null
)
returns jsonb
language plpgsql
stable
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

-- create_booking --------------------------------------------------------------------------------
create or replace function public.create_booking(
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
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.create_booking(
    items => create_booking.items,
    starts_at => create_booking.starts_at,
    addons => create_booking.addons,
    package_id => create_booking.package_id,
    coupon_code => create_booking.coupon_code,
    address_id => create_booking.address_id,
    pet_id => create_booking.pet_id,
    notes => create_booking.notes,
    collector_id => create_booking.collector_id
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- transition_booking ----------------------------------------------------------------------------
create or replace function public.transition_booking(
  booking_id uuid,
  to_status public.booking_status,
  reason text default null
)
returns public.bookings
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.transition_booking(
    booking_id => transition_booking.booking_id,
    to_status => transition_booking.to_status,
    reason => transition_booking.reason
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- cancellation_terms ----------------------------------------------------------------------------
create or replace function public.cancellation_terms(
  booking_id uuid
)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.cancellation_terms(
    booking_id => cancellation_terms.booking_id
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

comment on function public.create_booking(jsonb, timestamp with time zone, jsonb, uuid, text, uuid, uuid, text, uuid) is
  'RPC: books a slot returned by free_slots. Arguments as quote_booking, plus starts_at, pet_id, notes and (for home collections) an optional collector_id. The booking is held for bookings.hold_minutes awaiting payment of its invoice. Returns booking_id, invoice_id, status, hold_expires_at, total. Errors: PT409 slot taken, 22023 bad input (message names the field), PT404 unknown offering, address, pet or add-on.';
comment on function public.transition_booking(uuid, public.booking_status, text) is
  'RPC: moves a booking to another status if the caller''s part in it allows (client, provider, collector, admin; the service role acts as the system). Writes the audit row. Errors: PT404 unknown booking, P0001 illegal move, 42501 not yours to make.';
