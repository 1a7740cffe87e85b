-- bookings: a client's claim on a provider's (or a collector's) time, with its items.
--
-- Bookings are written only by SQL functions (create_booking, transition_booking): no API
-- role has INSERT, UPDATE or DELETE here. Two exclusion constraints make double booking
-- impossible whatever the code path: no two live bookings (held, confirmed, in progress)
-- of one provider, or of one collector, overlap. The range they compare, blocked_during,
-- is the booked time widened by the schedule's buffers.

create type public.booking_status as enum (
  'held', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show', 'expired'
);

create table public.bookings (
  id uuid primary key default gen_random_uuid(),
  offering_id uuid not null references public.offerings (id) on delete restrict,
  client_id uuid not null references public.profiles (id) on delete restrict,
  provider_id uuid references public.provider_profiles (user_id) on delete restrict,
  collector_id uuid references public.profiles (id) on delete restrict,
  scheduled_on public.schedule_owner not null,
  pet_id uuid references public.pets (id) on delete set null,
  address_id uuid references public.addresses (id) on delete set null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  blocked_during tstzrange not null,
  status public.booking_status not null default 'held',
  hold_expires_at timestamptz,
  currency char(3) not null,
  total_amount bigint not null constraint bookings_total_positive check (total_amount >= 0),
  distance_km numeric(8, 2) constraint bookings_distance_positive check (distance_km >= 0),
  notes text constraint bookings_notes_length check (char_length(notes) <= 4000),
  free_cancellation_hours integer not null,
  late_cancellation_fee_share numeric(5, 4) not null,
  cancelled_at timestamptz,
  cancellation_fee bigint constraint bookings_cancellation_fee_positive check (cancellation_fee >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint bookings_time_order check (starts_at < ends_at),
  constraint bookings_blocked_covers_booked check (blocked_during @> tstzrange(starts_at, ends_at)),
  constraint bookings_hold_has_expiry check (status <> 'held' or hold_expires_at is not null),
  constraint bookings_schedule_owner_present check (
    (scheduled_on = 'provider' and provider_id is not null) or (scheduled_on = 'collector' and collector_id is not null)
  ),
  constraint bookings_no_provider_overlap exclude using gist (provider_id with =, blocked_during with &&)
    where (scheduled_on = 'provider' and status in ('held', 'confirmed', 'in_progress')),
  constraint bookings_no_collector_overlap exclude using gist (collector_id with =, blocked_during with &&)
    where (status in ('held', 'confirmed', 'in_progress'))
);

create index bookings_client_starts_idx on public.bookings (client_id, starts_at desc);
create index bookings_provider_starts_idx on public.bookings (provider_id, starts_at desc);
create index bookings_collector_starts_idx on public.bookings (collector_id, starts_at desc) where collector_id is not null;
create index bookings_offering_id_idx on public.bookings (offering_id);
create index bookings_pet_id_idx on public.bookings (pet_id) where pet_id is not null;
create index bookings_address_id_idx on public.bookings (address_id) where address_id is not null;
create index bookings_held_expiry_idx on public.bookings (hold_expires_at) where status = 'held';

comment on table public.bookings is
  'A booked time with its status. Read: the client, the provider, the assigned collector, admins. Write: only through create_booking and transition_booking.';
comment on column public.bookings.blocked_during is 'starts_at..ends_at widened by the schedule''s buffers: the range no other live booking of the same provider or collector may overlap.';
comment on column public.bookings.hold_expires_at is 'A held booking not paid by then expires and frees its slot.';
comment on column public.bookings.total_amount is 'The invoice total at creation, minor units of currency.';
comment on column public.bookings.cancellation_fee is 'Kept on a cancellation by the client, per the cancellation policy copied from the offering.';

create trigger set_updated_at
  before update on public.bookings
  for each row execute function private.tg_set_updated_at();

-- Items: the offerings (several lab tests) and add-ons booked, at the price quoted ---------------

create table public.booking_items (
  id uuid primary key default gen_random_uuid(),
  booking_id uuid not null references public.bookings (id) on delete cascade,
  line_number smallint not null,
  offering_id uuid not null references public.offerings (id) on delete restrict,
  addon_id uuid references public.offering_addons (id) on delete restrict,
  description text not null,
  quantity integer not null constraint booking_items_quantity_positive check (quantity > 0),
  unit_price bigint not null constraint booking_items_unit_price_positive check (unit_price >= 0),
  amount bigint not null constraint booking_items_amount_positive check (amount >= 0),
  created_at timestamptz not null default now(),
  unique (booking_id, line_number)
);

create index booking_items_offering_id_idx on public.booking_items (offering_id);
create index booking_items_addon_id_idx on public.booking_items (addon_id) where addon_id is not null;

comment on table public.booking_items is
  'What a booking holds: offerings (a lab test each) and add-ons, with quantity and the unit price quoted. Read: as the booking.';

-- Audit: every status change, by whom, why -----------------------------------------------------

create table public.booking_status_changes (
  id bigint generated always as identity primary key,
  booking_id uuid not null references public.bookings (id) on delete cascade,
  from_status public.booking_status,
  to_status public.booking_status not null,
  changed_by uuid references auth.users (id) on delete set null,
  actor text not null constraint booking_status_changes_actor_values
    check (actor in ('client', 'provider', 'collector', 'admin', 'system')),
  reason text constraint booking_status_changes_reason_length check (char_length(reason) <= 1000),
  changed_at timestamptz not null default now()
);

create index booking_status_changes_booking_idx on public.booking_status_changes (booking_id, changed_at);
create index booking_status_changes_changed_by_idx on public.booking_status_changes (changed_by);

comment on table public.booking_status_changes is
  'Audit trail of booking status: who (user and capacity), when, from, to, why. Read: as the booking. Written by transition functions only.';

-- Who takes part in a booking ---------------------------------------------------------------

-- Security definer: child tables and Storage ask about a booking the caller may not read.
create function private.can_read_booking(booking_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.bookings b
    where b.id = booking_id
      and (auth.uid() in (b.client_id, b.provider_id, b.collector_id) or private.is_admin())
  )
$$;

grant execute on function private.can_read_booking(uuid) to anon, authenticated, service_role;

comment on function private.can_read_booking(uuid) is
  'Whether the caller is the client, provider or collector of the booking, or an admin.';

-- Access --------------------------------------------------------------------------------------

alter table public.bookings enable row level security;
alter table public.booking_items enable row level security;
alter table public.booking_status_changes enable row level security;

revoke all on table public.bookings, public.booking_items, public.booking_status_changes from anon, authenticated;
grant select on table public.bookings, public.booking_items, public.booking_status_changes to authenticated;

create policy "participants can read their bookings and admins all"
  on public.bookings for select to authenticated
  using (
    client_id = (select auth.uid())
    or provider_id = (select auth.uid())
    or collector_id = (select auth.uid())
    or (select private.is_admin())
  );

create policy "participants can read the items of their bookings"
  on public.booking_items for select to authenticated using ((select private.can_read_booking(booking_id)));

create policy "participants can read the history of their bookings"
  on public.booking_status_changes for select to authenticated using ((select private.can_read_booking(booking_id)));

-- Providers and collectors see who they serve: the profiles, addresses and pets of their
-- bookings' clients (identity kept these private until bookings existed).
create function private.serves_client(client_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.bookings b
    where b.client_id = serves_client.client_id
      and auth.uid() in (b.provider_id, b.collector_id)
      and b.status in ('held', 'confirmed', 'in_progress', 'completed')
  )
$$;

grant execute on function private.serves_client(uuid) to authenticated, service_role;

-- Security definer: a provider sees only the addresses their bookings take them to.
create function private.is_booked_at_address(address_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.bookings b
    where b.address_id = is_booked_at_address.address_id
      and auth.uid() in (b.provider_id, b.collector_id)
      and b.status in ('held', 'confirmed', 'in_progress', 'completed')
  )
$$;

grant execute on function private.is_booked_at_address(uuid) to authenticated, service_role;

-- Security definer: likewise, a provider sees only the pets their bookings are for.
create function private.is_booked_pet(pet_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.bookings b
    where b.pet_id = is_booked_pet.pet_id
      and auth.uid() in (b.provider_id, b.collector_id)
      and b.status in ('held', 'confirmed', 'in_progress', 'completed')
  )
$$;

grant execute on function private.is_booked_pet(uuid) to authenticated, service_role;

drop policy "users can read their own details and admins all" on public.profile_details;
create policy "users can read their own details, their providers their clients' and admins all"
  on public.profile_details for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()) or (select private.serves_client(user_id)));

drop policy "clients can read their own profile and admins all" on public.client_profiles;
create policy "clients can read their own profile, their providers too and admins all"
  on public.client_profiles for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()) or (select private.serves_client(user_id)));

drop policy "users can read their own addresses and admins all" on public.addresses;
create policy "users can read their own addresses, their bookings' providers too and admins all"
  on public.addresses for select to authenticated
  using (
    user_id = (select auth.uid()) or (select private.is_admin())
    or ((select private.serves_client(user_id)) and (select private.is_booked_at_address(id)))
  );

drop policy "owners can read their own pets and admins all" on public.pets;
create policy "owners can read their own pets, their bookings' providers too and admins all"
  on public.pets for select to authenticated
  using (owner_id = (select auth.uid()) or (select private.is_admin()) or (select private.is_booked_pet(id)));
