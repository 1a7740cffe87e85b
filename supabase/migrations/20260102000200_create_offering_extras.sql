-- catalog / add-ons and packages: what a client can add to an offering, and bundles of
-- add-ons sold at a discount for a limited time. Prices are minor units in the offering's
-- currency; the quote (pricing module) multiplies and discounts, never the client.

create type public.addon_price_type as enum ('fixed', 'per_unit', 'per_hour');

create table public.offering_addons (
  id uuid primary key default gen_random_uuid(),
  offering_id uuid not null references public.offerings (id) on delete cascade,
  name text not null constraint offering_addons_name_length check (char_length(name) between 1 and 120),
  description text constraint offering_addons_description_length check (char_length(description) <= 2000),
  price bigint not null constraint offering_addons_price_positive check (price >= 0),
  price_type public.addon_price_type not null default 'per_unit',
  min_quantity integer not null default 0 constraint offering_addons_min_quantity_positive check (min_quantity >= 0),
  max_quantity integer not null default 1,
  duration_minutes integer not null default 0 constraint offering_addons_duration_range check (duration_minutes between 0 and 480),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint offering_addons_quantity_bounds check (max_quantity >= greatest(min_quantity, 1))
);

create index offering_addons_offering_id_idx on public.offering_addons (offering_id);

comment on table public.offering_addons is
  'Optional extras of an offering. Read: as the offering. Write: whoever manages the offering.';
comment on column public.offering_addons.price_type is
  'fixed: price once whatever the quantity; per_unit: price × quantity; per_hour: price × quantity hours.';
comment on column public.offering_addons.min_quantity is 'Above 0, the add-on is mandatory in at least this quantity.';
comment on column public.offering_addons.duration_minutes is 'Time each unit adds to the booking.';

create trigger set_updated_at
  before update on public.offering_addons
  for each row execute function private.tg_set_updated_at();

create table public.offering_packages (
  id uuid primary key default gen_random_uuid(),
  offering_id uuid not null references public.offerings (id) on delete cascade,
  name text not null constraint offering_packages_name_length check (char_length(name) between 1 and 120),
  description text constraint offering_packages_description_length check (char_length(description) <= 2000),
  discount_percent numeric(5, 2) not null constraint offering_packages_discount_range check (discount_percent > 0 and discount_percent <= 100),
  valid_from timestamptz,
  valid_until timestamptz,
  is_popular boolean not null default false,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint offering_packages_validity_order check (valid_from is null or valid_until is null or valid_from < valid_until)
);

create index offering_packages_offering_id_idx on public.offering_packages (offering_id);

comment on table public.offering_packages is
  'A bundle of an offering''s add-ons sold together at a discount (on the offering and the bundled add-ons) within a validity window. Read: as the offering. Write: its managers.';

create trigger set_updated_at
  before update on public.offering_packages
  for each row execute function private.tg_set_updated_at();

create table public.package_addons (
  package_id uuid not null references public.offering_packages (id) on delete cascade,
  addon_id uuid not null references public.offering_addons (id) on delete cascade,
  quantity integer not null default 1 constraint package_addons_quantity_positive check (quantity > 0),
  primary key (package_id, addon_id)
);

create index package_addons_addon_id_idx on public.package_addons (addon_id);

comment on table public.package_addons is 'The add-ons a package bundles. Read: as the offering. Write: its managers.';

-- A package bundles add-ons of its own offering only.
create function private.tg_package_addons_check_offering()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.offering_packages p join public.offering_addons a on a.offering_id = p.offering_id
    where p.id = new.package_id and a.id = new.addon_id
  ) then
    raise exception 'addon_id: add-on % does not belong to the package''s offering', new.addon_id using errcode = '22023';
  end if;
  return new;
end
$$;

create trigger check_offering
  before insert or update on public.package_addons
  for each row execute function private.tg_package_addons_check_offering();

-- A package's readers and managers are its offering's.
create function private.can_read_package(package_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select private.can_read_offering((select p.offering_id from public.offering_packages p where p.id = package_id))
$$;

create function private.can_manage_package(package_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select private.can_manage_offering((select p.offering_id from public.offering_packages p where p.id = package_id))
$$;

grant execute on function private.can_read_package(uuid) to anon, authenticated, service_role;
grant execute on function private.can_manage_package(uuid) to anon, authenticated, service_role;

-- Access --------------------------------------------------------------------------------------

alter table public.offering_addons enable row level security;
alter table public.offering_packages enable row level security;
alter table public.package_addons enable row level security;

revoke all on table public.offering_addons, public.offering_packages, public.package_addons from anon, authenticated;
grant select on table public.offering_addons, public.offering_packages, public.package_addons to anon, authenticated;
grant insert, update, delete on table public.offering_addons, public.offering_packages, public.package_addons to authenticated;

create policy "anyone can read add-ons of offerings they can read"
  on public.offering_addons for select to anon, authenticated using ((select private.can_read_offering(offering_id)));
create policy "managers can add add-ons"
  on public.offering_addons for insert to authenticated with check ((select private.can_manage_offering(offering_id)));
create policy "managers can change add-ons"
  on public.offering_addons for update to authenticated
  using ((select private.can_manage_offering(offering_id))) with check ((select private.can_manage_offering(offering_id)));
create policy "managers can remove add-ons"
  on public.offering_addons for delete to authenticated using ((select private.can_manage_offering(offering_id)));

create policy "anyone can read packages of offerings they can read"
  on public.offering_packages for select to anon, authenticated using ((select private.can_read_offering(offering_id)));
create policy "managers can add packages"
  on public.offering_packages for insert to authenticated with check ((select private.can_manage_offering(offering_id)));
create policy "managers can change packages"
  on public.offering_packages for update to authenticated
  using ((select private.can_manage_offering(offering_id))) with check ((select private.can_manage_offering(offering_id)));
create policy "managers can remove packages"
  on public.offering_packages for delete to authenticated using ((select private.can_manage_offering(offering_id)));

create policy "anyone can read the contents of packages they can read"
  on public.package_addons for select to anon, authenticated
  using ((select private.can_read_package(package_id)));
create policy "managers can fill packages"
  on public.package_addons for insert to authenticated
  with check ((select private.can_manage_package(package_id)));
create policy "managers can change package contents"
  on public.package_addons for update to authenticated
  using ((select private.can_manage_package(package_id)))
  with check ((select private.can_manage_package(package_id)));
create policy "managers can empty packages"
  on public.package_addons for delete to authenticated
  using ((select private.can_manage_package(package_id)));
