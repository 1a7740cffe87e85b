-- pricing / offers and coupons. An offer is a discount (percent or fixed) with a validity
-- window, a scope (a category, an offering, or everything) and a minimum order; automatic
-- offers apply to every quote, the others only through a coupon code. A coupon limits
-- uses globally and per user.
--
-- Limits are enforced by counting redemptions under a lock on the coupon row: a booking
-- reserves its redemption when it is created, payment turns it into `redeemed`, and expiry
-- or cancellation before payment releases it. So with a limit of N, N bookings at most can
-- hold the coupon at once, and each paid booking counts once (unique booking_id).

create table public.offers (
  id uuid primary key default gen_random_uuid(),
  name text not null constraint offers_name_length check (char_length(name) between 1 and 120),
  description text constraint offers_description_length check (char_length(description) <= 2000),
  percent_off numeric(5, 2) constraint offers_percent_off_range check (percent_off > 0 and percent_off <= 100),
  amount_off bigint constraint offers_amount_off_positive check (amount_off > 0),
  currency char(3) constraint offers_currency_format check (currency ~ '^[A-Z]{3}$'),
  max_discount bigint constraint offers_max_discount_positive check (max_discount > 0),
  min_order_amount bigint not null default 0 constraint offers_min_order_positive check (min_order_amount >= 0),
  category_id uuid references public.categories (id) on delete cascade,
  offering_id uuid references public.offerings (id) on delete cascade,
  valid_from timestamptz,
  valid_until timestamptz,
  is_automatic boolean not null default false,
  is_active boolean not null default true,
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint offers_one_kind check ((percent_off is null) <> (amount_off is null)),
  constraint offers_fixed_has_currency check (amount_off is null or currency is not null),
  constraint offers_one_scope check (category_id is null or offering_id is null),
  constraint offers_validity_order check (valid_from is null or valid_until is null or valid_from < valid_until)
);

create index offers_category_id_idx on public.offers (category_id);
create index offers_offering_id_idx on public.offers (offering_id);
create index offers_created_by_idx on public.offers (created_by);
create index offers_automatic_idx on public.offers (valid_until) where is_automatic and is_active;

comment on table public.offers is
  'Discounts: percent_off or amount_off (minor units), optional cap, scope, minimum order and window. Read: everyone (active automatic offers that have not ended); admins all. Write: admins.';

create trigger set_updated_at
  before update on public.offers
  for each row execute function private.tg_set_updated_at();

create table public.coupons (
  id uuid primary key default gen_random_uuid(),
  offer_id uuid not null references public.offers (id) on delete cascade,
  code extensions.citext not null unique constraint coupons_code_format check (code ~ '^[A-Za-z0-9_-]{3,40}$'),
  max_redemptions integer constraint coupons_max_redemptions_positive check (max_redemptions > 0),
  max_per_user integer default 1 constraint coupons_max_per_user_positive check (max_per_user > 0),
  valid_from timestamptz,
  valid_until timestamptz,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint coupons_validity_order check (valid_from is null or valid_until is null or valid_from < valid_until)
);

create index coupons_offer_id_idx on public.coupons (offer_id);

comment on table public.coupons is
  'Codes that unlock an offer, with global and per-user limits (empty: unlimited). Read and write: admins; clients use codes through quote_booking and create_booking.';

create trigger set_updated_at
  before update on public.coupons
  for each row execute function private.tg_set_updated_at();

create type public.redemption_status as enum ('reserved', 'redeemed', 'released');

create table public.coupon_redemptions (
  id uuid primary key default gen_random_uuid(),
  coupon_id uuid not null references public.coupons (id) on delete restrict,
  booking_id uuid not null unique references public.bookings (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  status public.redemption_status not null default 'reserved',
  discount_amount bigint not null constraint coupon_redemptions_discount_positive check (discount_amount >= 0),
  reserved_at timestamptz not null default now(),
  redeemed_at timestamptz,
  released_at timestamptz
);

create index coupon_redemptions_coupon_live_idx on public.coupon_redemptions (coupon_id, user_id) where status <> 'released';
create index coupon_redemptions_user_id_idx on public.coupon_redemptions (user_id);

comment on table public.coupon_redemptions is
  'One coupon use per booking: reserved at booking, redeemed when paid, released when the booking ends unpaid. Read: the user and admins. Written by booking functions only.';

-- Access --------------------------------------------------------------------------------------

alter table public.offers enable row level security;
alter table public.coupons enable row level security;
alter table public.coupon_redemptions enable row level security;

revoke all on table public.offers, public.coupons, public.coupon_redemptions from anon, authenticated;
grant select on table public.offers to anon, authenticated;
grant insert, update, delete on table public.offers to authenticated;
grant select, insert, update, delete on table public.coupons to authenticated;
grant select on table public.coupon_redemptions to authenticated;

create policy "visitors can read automatic offers that have not ended"
  on public.offers for select to anon using (is_active and is_automatic and (valid_until is null or valid_until > now()));
create policy "users can read automatic offers that have not ended and admins all"
  on public.offers for select to authenticated
  using ((is_active and is_automatic and (valid_until is null or valid_until > now())) or (select private.is_admin()));
create policy "admins can add offers"
  on public.offers for insert to authenticated with check ((select private.is_admin()));
create policy "admins can change offers"
  on public.offers for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins can remove offers"
  on public.offers for delete to authenticated using ((select private.is_admin()));

create policy "admins can read coupons"
  on public.coupons for select to authenticated using ((select private.is_admin()));
create policy "admins can add coupons"
  on public.coupons for insert to authenticated with check ((select private.is_admin()));
create policy "admins can change coupons"
  on public.coupons for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins can remove coupons"
  on public.coupons for delete to authenticated using ((select private.is_admin()));

create policy "users can read their own redemptions and admins all"
  on public.coupon_redemptions for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
