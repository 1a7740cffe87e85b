-- identity / addresses: where a user lives or wants a service, with coordinates for
-- service-area and travel-fee checks (bookings module). At most one default per user.

create table public.addresses (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  label text constraint addresses_label_length check (char_length(label) <= 60),
  line1 text not null constraint addresses_line1_length check (char_length(line1) between 1 and 200),
  line2 text constraint addresses_line2_length check (char_length(line2) <= 200),
  city text not null constraint addresses_city_length check (char_length(city) between 1 and 100),
  region text,
  postal_code text constraint addresses_postal_code_length check (char_length(postal_code) <= 20),
  country_code char(2) not null constraint addresses_country_code_format check (country_code ~ '^[A-Z]{2}$'),
  latitude double precision constraint addresses_latitude_range check (latitude between -90 and 90),
  longitude double precision constraint addresses_longitude_range check (longitude between -180 and 180),
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint addresses_coordinates_together check ((latitude is null) = (longitude is null))
);

create index addresses_user_id_idx on public.addresses (user_id);
create unique index addresses_one_default_per_user on public.addresses (user_id) where is_default;

comment on table public.addresses is
  'A user''s addresses. Read, insert, update, delete: the user and admins.';
comment on column public.addresses.latitude is 'WGS 84 degrees; given with longitude or not at all.';

create trigger set_updated_at
  before update on public.addresses
  for each row execute function private.tg_set_updated_at();

alter table public.addresses enable row level security;

revoke all on table public.addresses from anon, authenticated;
grant select, delete on table public.addresses to authenticated;
grant insert (user_id, label, line1, line2, city, region, postal_code, country_code, latitude, longitude, is_default)
  on table public.addresses to authenticated;
grant update (label, line1, line2, city, region, postal_code, country_code, latitude, longitude, is_default)
  on table public.addresses to authenticated;

create policy "users can read their own addresses and admins all"
  on public.addresses for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "users can add their own addresses and admins any"
  on public.addresses for insert to authenticated
  with check (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "users can update their own addresses and admins any"
  on public.addresses for update to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()))
  with check (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "users can delete their own addresses and admins any"
  on public.addresses for delete to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
