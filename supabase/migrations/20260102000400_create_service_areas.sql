-- catalog / service areas: where a provider (or the platform, for collections) goes.
--
-- Either a travel radius around one of the owner's addresses, or a list of postcodes.
-- The centre address stays private (addresses RLS); bookings measure the distance through
-- private.distance_to_service_area, a security definer function, and clients only learn
-- "inside" or "outside, N km away".

create table public.service_areas (
  id uuid primary key default gen_random_uuid(),
  provider_id uuid references public.provider_profiles (user_id) on delete cascade,
  name text not null constraint service_areas_name_length check (char_length(name) between 1 and 120),
  address_id uuid references public.addresses (id) on delete restrict,
  radius_km numeric(7, 2) constraint service_areas_radius_positive check (radius_km > 0),
  country_code char(2) constraint service_areas_country_code_format check (country_code ~ '^[A-Z]{2}$'),
  postal_codes text[],
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint service_areas_radius_or_postcodes check (
    (address_id is not null and radius_km is not null and postal_codes is null)
    or (address_id is null and radius_km is null and postal_codes is not null and cardinality(postal_codes) > 0
        and country_code is not null)
  )
);

create index service_areas_provider_id_idx on public.service_areas (provider_id) where is_active;
create index service_areas_address_id_idx on public.service_areas (address_id);
create index service_areas_postal_codes_idx on public.service_areas using gin (postal_codes);

comment on table public.service_areas is
  'Where a provider works: a radius around one of their addresses, or a postcode list. Empty provider_id: the platform''s own area (lab collections). Read: everyone. Write: the provider (own), admins.';
comment on column public.service_areas.postal_codes is 'Normalised postcodes: upper case, no spaces.';

create trigger set_updated_at
  before update on public.service_areas
  for each row execute function private.tg_set_updated_at();

create function private.normalize_postal_code(code text)
returns text
language sql
immutable
set search_path = ''
as $$
  select upper(regexp_replace(code, '\s', '', 'g'))
$$;

grant execute on function private.normalize_postal_code(text) to anon, authenticated, service_role;

-- The centre must be the owner's own address; postcodes are stored normalised.
create function private.tg_service_areas_check()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.address_id is not null and not exists (
    select 1 from public.addresses a
    where a.id = new.address_id and a.latitude is not null
      and (a.user_id = new.provider_id or (new.provider_id is null and private.is_admin()))
  ) then
    raise exception 'address_id: the centre must be one of the provider''s own addresses, with coordinates'
      using errcode = '22023';
  end if;
  new.postal_codes := (select array_agg(distinct private.normalize_postal_code(c)) from unnest(new.postal_codes) c);
  return new;
end
$$;

create trigger check_area
  before insert or update on public.service_areas
  for each row execute function private.tg_service_areas_check();

-- Great-circle distance in km (haversine, mean Earth radius).
create function private.distance_km(lat1 double precision, lon1 double precision, lat2 double precision, lon2 double precision)
returns numeric
language sql
immutable
set search_path = ''
as $$
  select round((2 * 6371.0088 * asin(sqrt(
    power(sin(radians(lat2 - lat1) / 2), 2)
    + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)
  )))::numeric, 2)
$$;

grant execute on function private.distance_km(double precision, double precision, double precision, double precision)
  to authenticated, service_role;

-- Security definer: reads the centre address, which its owner alone may see.
-- Returns the distance from the nearest area that covers the address (0 for a postcode
-- match), or null when no active area of the owner covers it.
create function private.distance_to_service_area(area_owner uuid, address_id uuid)
returns numeric
language sql
stable
security definer
set search_path = ''
as $$
  select min(case when s.postal_codes is not null then 0
                  else private.distance_km(c.latitude, c.longitude, a.latitude, a.longitude) end)
  from public.addresses a
  join public.service_areas s on s.is_active and s.provider_id is not distinct from area_owner
  left join public.addresses c on c.id = s.address_id
  where a.id = distance_to_service_area.address_id
    and (
      (s.postal_codes is not null and a.country_code = s.country_code
        and private.normalize_postal_code(a.postal_code) = any (s.postal_codes))
      or (s.address_id is not null and a.latitude is not null
        and private.distance_km(c.latitude, c.longitude, a.latitude, a.longitude) <= s.radius_km)
    )
$$;

-- Security definer: the distance to the nearest centre, inside or not (for messages).
create function private.distance_to_nearest_centre(area_owner uuid, address_id uuid)
returns numeric
language sql
stable
security definer
set search_path = ''
as $$
  select min(private.distance_km(c.latitude, c.longitude, a.latitude, a.longitude))
  from public.addresses a
  join public.service_areas s on s.is_active and s.provider_id is not distinct from area_owner
  join public.addresses c on c.id = s.address_id
  where a.id = distance_to_nearest_centre.address_id and a.latitude is not null
$$;

grant execute on function private.distance_to_service_area(uuid, uuid) to authenticated, service_role;
grant execute on function private.distance_to_nearest_centre(uuid, uuid) to authenticated, service_role;

-- Access --------------------------------------------------------------------------------------

alter table public.service_areas enable row level security;

revoke all on table public.service_areas from anon, authenticated;
grant select on table public.service_areas to anon, authenticated;
grant insert (provider_id, name, address_id, radius_km, country_code, postal_codes, is_active)
  on table public.service_areas to authenticated;
grant update (name, address_id, radius_km, country_code, postal_codes, is_active) on table public.service_areas to authenticated;
grant delete on table public.service_areas to authenticated;

create policy "anyone can read service areas"
  on public.service_areas for select to anon, authenticated using (true);
create policy "providers can add their own service areas and admins any"
  on public.service_areas for insert to authenticated
  with check (provider_id = (select auth.uid()) or (select private.is_admin()));
create policy "providers can change their own service areas and admins any"
  on public.service_areas for update to authenticated
  using (provider_id = (select auth.uid()) or (select private.is_admin()))
  with check (provider_id = (select auth.uid()) or (select private.is_admin()));
create policy "providers can remove their own service areas and admins any"
  on public.service_areas for delete to authenticated
  using (provider_id = (select auth.uid()) or (select private.is_admin()));
