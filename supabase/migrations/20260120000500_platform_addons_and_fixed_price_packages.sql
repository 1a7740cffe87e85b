-- Platform add-ons and packages on subcategories; fixed-price packages (issue 21, item 4).
--
-- Seed 004's add-ons and packages belong to a subcategory of the platform's catalog (a client
-- picks "pipe insulation" on a plumbing job before any plumber is involved), and a package has
-- a fixed package_price as well as a discount. The core hung add-ons and packages on one
-- provider's offering, with a discount only. Both are supported now, on the same tables:
--   * an add-on or a package belongs to an offering (the provider's own) or to a category (the
--     platform's, managed by admins): one nullable foreign key per kind of owner, exactly one
--     set. A category's add-ons and packages apply to every offering in it and in its
--     subcategories' parent chain (the offering's category and that category's parent), and
--     are priced into bookings by the same function; the job portal (issue 14) prices jobs
--     from them;
--   * a package has either discount_percent (off the offering and its bundled add-ons) or
--     package_price (the offering and its bundled add-ons for that price).
-- Limits kept: a category add-on's price is held to its category's max_price; a category's
-- mandatory add-ons are not counted in its offerings' price bounds (only an offering's own).

-- Owners ----------------------------------------------------------------------------------------
alter table public.offering_addons
  alter column offering_id drop not null,
  add column category_id uuid references public.categories (id) on delete cascade,
  add constraint offering_addons_one_owner check ((offering_id is null) <> (category_id is null));

alter table public.offering_packages
  alter column offering_id drop not null,
  alter column discount_percent drop not null,
  add column category_id uuid references public.categories (id) on delete cascade,
  add column package_price bigint
    constraint offering_packages_package_price_range check (package_price between 0 and 10000000000),
  add constraint offering_packages_one_owner check ((offering_id is null) <> (category_id is null)),
  add constraint offering_packages_one_price check ((discount_percent is null) <> (package_price is null));

create index offering_addons_category_id_idx on public.offering_addons (category_id) where category_id is not null;
create index offering_packages_category_id_idx on public.offering_packages (category_id) where category_id is not null;

comment on column public.offering_addons.category_id is
  'The platform''s add-on for every offering in this category (and the job portal''s jobs in it); admins manage it. Exactly one of offering_id and category_id.';
comment on column public.offering_packages.category_id is
  'The platform''s package for every offering in this category; admins manage it. Exactly one of offering_id and category_id.';
comment on column public.offering_packages.package_price is
  'The offering and the bundled add-ons for this price (minor units); exactly one of package_price and discount_percent.';

-- Who reads and writes them ---------------------------------------------------------------------
-- One read policy per table (the advisors' multiple_permissive_policies): the offering's
-- readers as before, and everyone for the platform's.
alter policy "anyone can read add-ons of offerings they can read" on public.offering_addons
  using (category_id is not null or (select private.can_read_offering(offering_id)));
alter policy "anyone can read packages of offerings they can read" on public.offering_packages
  using (category_id is not null or (select private.can_read_offering(offering_id)));
create policy "admins add the platform's add-ons"
  on public.offering_addons for insert to marketbase_admin
  with check (category_id is not null and (select private.is_admin()));
create policy "admins change the platform's add-ons"
  on public.offering_addons for update to marketbase_admin
  using (category_id is not null and (select private.is_admin()))
  with check (category_id is not null and (select private.is_admin()));
create policy "admins remove the platform's add-ons"
  on public.offering_addons for delete to marketbase_admin
  using (category_id is not null and (select private.is_admin()));
create policy "admins add the platform's packages"
  on public.offering_packages for insert to marketbase_admin
  with check (category_id is not null and (select private.is_admin()));
create policy "admins change the platform's packages"
  on public.offering_packages for update to marketbase_admin
  using (category_id is not null and (select private.is_admin()))
  with check (category_id is not null and (select private.is_admin()));
create policy "admins remove the platform's packages"
  on public.offering_packages for delete to marketbase_admin
  using (category_id is not null and (select private.is_admin()));

create or replace function private.can_read_package(package_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce((select p.category_id is not null or private.can_read_offering(p.offering_id)
                   from public.offering_packages p where p.id = package_id), false)
$$;

create or replace function private.can_manage_package(package_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce((select case when p.category_id is not null then private.is_admin() else private.can_manage_offering(p.offering_id) end
                   from public.offering_packages p where p.id = package_id), false)
$$;

-- A package bundles add-ons of its own owner only (its offering's, or its category's).
create or replace function private.tg_package_addons_check_offering()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.offering_packages p join public.offering_addons a
      on a.offering_id = p.offering_id or a.category_id = p.category_id
    where p.id = new.package_id and a.id = new.addon_id
  ) then
    raise exception 'addon_id: add-on % does not belong to the package''s %', new.addon_id,
      (select case when p.category_id is not null then 'category' else 'offering' end
       from public.offering_packages p where p.id = new.package_id)
      using errcode = '22023';
  end if;
  return new;
end
$$;

-- A category add-on is held to its category's (and the parent's) max_price; an offering's as
-- before (20260112000000).
create or replace function private.tg_offering_addons_check_price()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  offering public.offerings;
  owner_category uuid;
  bounds record;
  floor_price numeric;
begin
  if new.offering_id is not null then
    select * into offering from public.offerings o where o.id = new.offering_id;
    owner_category := offering.category_id;
    floor_price := offering.price + private.mandatory_addons_amount(offering.id, new.id)
      + case when new.is_active and new.min_quantity > 0 then
          case new.price_type when 'fixed' then new.price::numeric else new.price::numeric * new.min_quantity end
        else 0 end;
  else
    owner_category := new.category_id;
  end if;
  for bounds in
    select c.slug, c.currency, c.max_price
    from public.categories c
    where (c.id = owner_category or c.id = (select parent_id from public.categories where id = owner_category))
      and c.max_price is not null and (offering.id is null or c.currency = offering.currency)
    order by c.id = owner_category desc
  loop
    if new.price > bounds.max_price then
      raise exception 'price: an add-on costs at most % % minor units in category %', bounds.max_price, bounds.currency, bounds.slug
        using errcode = '22023';
    end if;
    if floor_price > bounds.max_price then
      raise exception 'min_quantity: with its mandatory add-ons "%" would cost % % minor units, above the % category % allows',
        offering.title, floor_price, bounds.currency, bounds.max_price, bounds.slug
        using errcode = '22023';
    end if;
  end loop;
  return new;
end
$$;

drop trigger check_price on public.offering_addons;
create trigger check_price
  before insert or update of offering_id, category_id, price, price_type, min_quantity, is_active on public.offering_addons
  for each row execute function private.tg_offering_addons_check_price();

