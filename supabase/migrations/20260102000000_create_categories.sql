-- catalog / categories: the tree a marketplace's offerings hang on (category → subcategory),
-- and free-form tags.
--
-- A category carries the marketplace's rules for what is sold under it: the platform
-- commission, the price bounds an offering must respect, and what a provider must prove
-- (licence, insurance, background check) before selling there. A subcategory that leaves
-- the commission empty inherits its parent's (private.category_commission_rate).

create table public.categories (
  id uuid primary key default gen_random_uuid(),
  parent_id uuid references public.categories (id) on delete restrict,
  slug extensions.citext not null unique constraint categories_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null constraint categories_name_length check (char_length(name) between 1 and 120),
  description text constraint categories_description_length check (char_length(description) <= 2000),
  icon text,
  sort_order integer not null default 0,
  commission_rate numeric(5, 4) constraint categories_commission_rate_range check (commission_rate between 0 and 1),
  currency char(3) constraint categories_currency_format check (currency ~ '^[A-Z]{3}$'),
  min_price bigint constraint categories_min_price_positive check (min_price >= 0),
  max_price bigint,
  requires_license boolean not null default false,
  requires_insurance boolean not null default false,
  requires_background_check boolean not null default false,
  is_featured boolean not null default false,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint categories_price_bounds_order check (min_price is null or max_price is null or min_price <= max_price),
  constraint categories_price_bounds_currency check ((min_price is null and max_price is null) or currency is not null),
  constraint categories_not_own_parent check (parent_id <> id)
);

create index categories_parent_id_sort_idx on public.categories (parent_id, sort_order);
create index categories_featured_idx on public.categories (sort_order) where is_featured and is_active;

comment on table public.categories is
  'Catalog tree: top-level categories and their subcategories (two levels). Read: everyone (active ones). Write: admins.';
comment on column public.categories.commission_rate is
  'Platform share of an offering''s price, 0..1; empty in a subcategory means the parent''s, then the default setting.';
comment on column public.categories.min_price is 'Lowest offering price allowed here, minor units of currency.';

create trigger set_updated_at
  before update on public.categories
  for each row execute function private.tg_set_updated_at();

-- Two levels only: a subcategory's parent must itself be top-level.
create function private.tg_categories_check_depth()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.parent_id is not null and exists (
    select 1 from public.categories c where c.id = new.parent_id and c.parent_id is not null
  ) then
    raise exception 'parent_id: categories nest two levels deep (category → subcategory)' using errcode = '22023';
  end if;
  return new;
end
$$;

create trigger check_depth
  before insert or update of parent_id on public.categories
  for each row execute function private.tg_categories_check_depth();

insert into private.settings (key, value, description) values
  ('pricing.default_commission_rate', '0.15', 'Commission when neither a category nor its parent sets one (0..1).');

-- Security definer: reads the private default commission for any caller.
create function private.category_commission_rate(category_id uuid)
returns numeric
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    (select coalesce(c.commission_rate, p.commission_rate)
       from public.categories c left join public.categories p on p.id = c.parent_id
      where c.id = category_id),
    (private.setting('pricing.default_commission_rate'))::numeric,
    0
  )
$$;

grant execute on function private.category_commission_rate(uuid) to authenticated, service_role;

-- Tags ---------------------------------------------------------------------------------------

create table public.tags (
  id uuid primary key default gen_random_uuid(),
  slug extensions.citext not null unique constraint tags_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null constraint tags_name_length check (char_length(name) between 1 and 60),
  created_at timestamptz not null default now()
);

comment on table public.tags is 'Free-form labels for offerings. Read: everyone. Write: admins.';

-- Access --------------------------------------------------------------------------------------

alter table public.categories enable row level security;
alter table public.tags enable row level security;

revoke all on table public.categories, public.tags from anon, authenticated;
grant select on table public.categories, public.tags to anon, authenticated;
grant insert, update, delete on table public.categories, public.tags to authenticated;

create policy "visitors can read active categories"
  on public.categories for select to anon using (is_active);
create policy "users can read active categories and admins all"
  on public.categories for select to authenticated using (is_active or (select private.is_admin()));
create policy "admins can add categories"
  on public.categories for insert to authenticated with check ((select private.is_admin()));
create policy "admins can change categories"
  on public.categories for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins can remove categories"
  on public.categories for delete to authenticated using ((select private.is_admin()));

create policy "anyone can read tags"
  on public.tags for select to anon, authenticated using (true);
create policy "admins can add tags"
  on public.tags for insert to authenticated with check ((select private.is_admin()));
create policy "admins can change tags"
  on public.tags for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins can remove tags"
  on public.tags for delete to authenticated using ((select private.is_admin()));
