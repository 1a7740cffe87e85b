-- catalog / price bounds for add-ons: an add-on cannot re-price an offering out of its
-- category, and no price in the catalog is large enough to overflow a booking's arithmetic.
--
-- Before: offerings were held to their category's bounds (tg_offerings_check_price), their
-- add-ons to nothing. A mandatory add-on (min_quantity > 0) comes with every booking, so a
-- 40.00 offering in a category capped at 50.00 could carry a mandatory 1,000.00 "fee" and sell
-- at 1,040.00; and an add-on priced 9223372036854775807 made every quote of its offering fail
-- with 22003 (bigint out of range), a 500 through PostgREST.
--
-- Now:
-- * private.max_amount(): 10,000,000,000 minor units (100 million in a two-decimal currency),
--   the most any price, any line and any booking may come to. Offerings and add-ons are
--   checked against it by constraint (23514), and with quantities bounded (add-ons at most
--   10000, the most a quote accepts anyway; items at most 20) no sum a quote makes can reach
--   bigint's limit; price_booking (20260112000400) refuses a total above it with 22023.
-- * an add-on costs at most its category's max_price (own and parent category, in the
--   category's currency), and the offering's price with its mandatory add-ons at their minimum
--   quantity stays within that max_price: checked when an add-on is written
--   (tg_offering_addons_check_price) and when the offering's price changes
--   (tg_offerings_check_price, restated in full from 20260102000100 with that one addition).

create function private.max_amount()
returns bigint
language sql
immutable
set search_path = ''
as $$
  select 10000000000::bigint
$$;

revoke all on function private.max_amount() from public;
grant execute on function private.max_amount() to anon, authenticated, service_role;

comment on function private.max_amount() is
  'The most any catalog price, quote line or booking total may be, in minor units (constraints of offerings and offering_addons, private.price_booking).';

alter table public.offerings
  add constraint offerings_price_bounded check (price <= private.max_amount());
alter table public.offering_addons
  add constraint offering_addons_price_bounded check (price <= private.max_amount()),
  add constraint offering_addons_quantity_bounded check (max_quantity <= 10000);

comment on column public.offering_addons.price is
  'Minor units of the offering''s currency, at most the category''s max_price; with the mandatory add-ons at their minimum quantity, the offering stays within its category''s bounds.';

-- What an offering's mandatory add-ons add to every booking of it, at their minimum quantity.
create function private.mandatory_addons_amount(offering_id uuid, except_addon_id uuid default null)
returns numeric
language sql
stable
set search_path = ''
as $$
  select coalesce(sum(case a.price_type when 'fixed' then a.price::numeric else a.price::numeric * a.min_quantity end), 0)
  from public.offering_addons a
  where a.offering_id = mandatory_addons_amount.offering_id and a.is_active and a.min_quantity > 0
    and a.id is distinct from except_addon_id
$$;

revoke all on function private.mandatory_addons_amount(uuid, uuid) from public;
grant execute on function private.mandatory_addons_amount(uuid, uuid) to authenticated, service_role;

-- Security definer: as tg_offerings_check_price, the bounds of a category its provider can no
-- longer read still bind, and the other add-ons are summed whoever may read them.
create function private.tg_offering_addons_check_price()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  offering public.offerings;
  bounds record;
  floor_price numeric;
begin
  select * into offering from public.offerings o where o.id = new.offering_id;
  floor_price := offering.price + private.mandatory_addons_amount(offering.id, new.id)
    + case when new.is_active and new.min_quantity > 0 then
        case new.price_type when 'fixed' then new.price::numeric else new.price::numeric * new.min_quantity end
      else 0 end;
  for bounds in
    select c.slug, c.currency, c.max_price
    from public.categories c
    where (c.id = offering.category_id or c.id = (select parent_id from public.categories where id = offering.category_id))
      and c.max_price is not null and c.currency = offering.currency
    order by c.id = offering.category_id desc
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

create trigger check_price
  before insert or update of offering_id, price, price_type, min_quantity, is_active on public.offering_addons
  for each row execute function private.tg_offering_addons_check_price();

-- The offerings' check, as in 20260102000100, plus the mandatory add-ons in the upper bound.
create or replace function private.tg_offerings_check_price()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  bounds record;
  mandatory numeric := case when tg_op = 'UPDATE' then private.mandatory_addons_amount(new.id) else 0 end;
begin
  -- Users other than admins cannot place offerings in a closed (inactive) category.
  if (tg_op = 'INSERT' or new.category_id is distinct from old.category_id)
     and auth.role() = 'authenticated' and not private.is_admin()
     and not exists (select 1 from public.categories c where c.id = new.category_id and c.is_active) then
    raise exception 'category_id: category % is not open for new offerings', new.category_id using errcode = '22023';
  end if;
  -- The collectors' calendar is the platform's: only admins put offerings on it (else any
  -- provider could book a free 12-hour "collection" and take every collector's day).
  if new.scheduled_on = 'collector' and (tg_op = 'INSERT' or old.scheduled_on <> 'collector')
     and auth.role() = 'authenticated' and not private.is_admin() then
    raise exception 'scheduled_on: only admins can put an offering on the collectors'' calendar' using errcode = '42501';
  end if;
  -- A category that prices in one currency takes no other (its bounds would not bind).
  if exists (
    select 1 from public.categories c
    where (c.id = new.category_id or c.id = (select parent_id from public.categories where id = new.category_id))
      and c.currency is not null and c.currency <> new.currency
  ) then
    raise exception 'currency: category % prices in %', new.category_id,
      (select string_agg(distinct c.currency, ', ') from public.categories c
        where c.id = new.category_id or c.id = (select parent_id from public.categories where id = new.category_id))
      using errcode = '22023';
  end if;
  for bounds in
    select c.slug, c.currency, c.min_price, c.max_price
    from public.categories c
    where c.id = new.category_id
       or c.id = (select parent_id from public.categories where id = new.category_id)
    order by c.id = new.category_id desc
  loop
    if bounds.currency = new.currency and (new.price < bounds.min_price or new.price > bounds.max_price) then
      raise exception 'price must be between % and % % minor units in category %',
        coalesce(bounds.min_price, 0), coalesce(bounds.max_price::text, 'unbounded'), bounds.currency, bounds.slug
        using errcode = '22023';
    end if;
    if bounds.currency = new.currency and new.price + mandatory > bounds.max_price then
      raise exception 'price: with its mandatory add-ons (% minor units) the offering would cost %, above the % % minor units category % allows',
        mandatory, new.price + mandatory, bounds.max_price, bounds.currency, bounds.slug
        using errcode = '22023';
    end if;
  end loop;
  return new;
end
$$;
