-- pricing and bookings: the privileged bodies of the RPCs move to `private`, behind invoker wrappers.
--
-- The rule (README, "Definer functions"): nothing in an exposed schema is SECURITY DEFINER
-- where anon or authenticated may execute it (Supabase advisors 0028 / 0029). A function that
-- must act with its owner's rights keeps its body in `private`, which PostgREST never
-- exposes; the API keeps the same name, arguments, defaults, result and comment as a one-line
-- SECURITY INVOKER function in `public` that calls it. `alter function ... set schema` moves
-- each body unchanged (they name every object with its schema), with its owner and settings;
-- its grants are then restated explicitly, as are the wrapper's. Behaviour, errors and who may
-- call what do not change: the wrapper runs as the caller, the body as before.

-- quote_booking -------------------------------------------------------------------------------
alter function public.quote_booking(jsonb, jsonb, uuid, text, uuid) set schema private;
revoke all on function private.quote_booking(jsonb, jsonb, uuid, text, uuid) from public, anon, authenticated, service_role;
grant execute on function private.quote_booking(jsonb, jsonb, uuid, text, uuid) to authenticated, service_role;

create function public.quote_booking(
  items jsonb,
  addons jsonb default '[]',
  package_id uuid default null,
  coupon_code text default null,
  address_id uuid default null
)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.quote_booking(
    items => quote_booking.items,
    addons => quote_booking.addons,
    package_id => quote_booking.package_id,
    coupon_code => quote_booking.coupon_code,
    address_id => quote_booking.address_id
  )
$$;

revoke all on function public.quote_booking(jsonb, jsonb, uuid, text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.quote_booking(jsonb, jsonb, uuid, text, uuid) to authenticated, service_role;
comment on function public.quote_booking(jsonb, jsonb, uuid, text, uuid) is
  'RPC: the price of a booking as create_booking would set it. items: [{"offering_id", "quantity"}] (one provider); addons: [{"addon_id", "quantity"}] (mandatory add-ons not listed come at their minimum quantity); optional package, coupon code and service address (one of yours; required for services at the client''s site). Returns lines and subtotal, package_discount, discount, travel_fee, tax, total, commission in minor units of currency.';

-- create_booking ------------------------------------------------------------------------------
alter function public.create_booking(jsonb, timestamptz, jsonb, uuid, text, uuid, uuid, text, uuid) set schema private;
revoke all on function private.create_booking(jsonb, timestamptz, jsonb, uuid, text, uuid, uuid, text, uuid) from public, anon, authenticated, service_role;
grant execute on function private.create_booking(jsonb, timestamptz, jsonb, uuid, text, uuid, uuid, text, uuid) to authenticated, service_role;

create function public.create_booking(
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
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.create_booking(
    items => create_booking.items,
    starts_at => create_booking.starts_at,
    addons => create_booking.addons,
    package_id => create_booking.package_id,
    coupon_code => create_booking.coupon_code,
    address_id => create_booking.address_id,
    pet_id => create_booking.pet_id,
    notes => create_booking.notes,
    collector_id => create_booking.collector_id
  )
$$;

revoke all on function public.create_booking(jsonb, timestamptz, jsonb, uuid, text, uuid, uuid, text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.create_booking(jsonb, timestamptz, jsonb, uuid, text, uuid, uuid, text, uuid) to authenticated, service_role;
comment on function public.create_booking(jsonb, timestamptz, jsonb, uuid, text, uuid, uuid, text, uuid) is
  'RPC: books a slot returned by free_slots. Arguments as quote_booking, plus starts_at, pet_id, notes and (for home collections) an optional collector_id. The booking is held for bookings.hold_minutes awaiting payment of its invoice. Returns booking_id, invoice_id, status, hold_expires_at, total. Errors: 23P01 slot taken, 22023 bad input (message names the field), P0002 unknown offering, address, pet or add-on.';

-- transition_booking --------------------------------------------------------------------------
alter function public.transition_booking(uuid, public.booking_status, text) set schema private;
revoke all on function private.transition_booking(uuid, public.booking_status, text) from public, anon, authenticated, service_role;
grant execute on function private.transition_booking(uuid, public.booking_status, text) to authenticated, service_role;

create function public.transition_booking(
  booking_id uuid,
  to_status public.booking_status,
  reason text default null
)
returns public.bookings
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.transition_booking(
    booking_id => transition_booking.booking_id,
    to_status => transition_booking.to_status,
    reason => transition_booking.reason
  )
$$;

revoke all on function public.transition_booking(uuid, public.booking_status, text) from public, anon, authenticated, service_role;
grant execute on function public.transition_booking(uuid, public.booking_status, text) to authenticated, service_role;
comment on function public.transition_booking(uuid, public.booking_status, text) is
  'RPC: moves a booking to another status if the caller''s part in it allows (client, provider, collector, admin; the service role acts as the system). Writes the audit row. Errors: P0002 unknown booking, P0001 illegal move, 42501 not yours to make.';

-- cancellation_terms --------------------------------------------------------------------------
alter function public.cancellation_terms(uuid) set schema private;
revoke all on function private.cancellation_terms(uuid) from public, anon, authenticated, service_role;
grant execute on function private.cancellation_terms(uuid) to authenticated, service_role;

create function public.cancellation_terms(
  booking_id uuid
)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.cancellation_terms(
    booking_id => cancellation_terms.booking_id
  )
$$;

revoke all on function public.cancellation_terms(uuid) from public, anon, authenticated, service_role;
grant execute on function public.cancellation_terms(uuid) to authenticated, service_role;
comment on function public.cancellation_terms(uuid) is
  'RPC: the cancellation policy of a booking as it applies now to the caller: free_until, fee (kept), refundable (minor units). After a cancellation, the fee actually kept.';
