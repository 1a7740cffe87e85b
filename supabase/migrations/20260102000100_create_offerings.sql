-- catalog / offerings: what a client can book. Either a provider's service (a consultant's
-- engagement, a coaching session, a home service) or the platform's own item (a lab test,
-- provider_id empty), with its price in minor units, duration, status and features.
--
-- Scheduling: a provider's offering takes the provider's time (scheduled_on = 'provider');
-- a home sample collection takes a collector's time instead (scheduled_on = 'collector'),
-- so a lab can run many collections at once while each collector does one at a time.
--
-- Cancellation policy lives on the offering and is copied onto each booking, so a later
-- change never rewrites what a client agreed to.

create type public.offering_kind as enum ('service', 'session', 'home_service', 'lab_test', 'digital');
create type public.offering_status as enum ('draft', 'active', 'archived');
create type public.offering_location as enum ('online', 'provider_site', 'client_site');
create type public.schedule_owner as enum ('provider', 'collector');

create table public.offerings (
  id uuid primary key default gen_random_uuid(),
  provider_id uuid references public.provider_profiles (user_id) on delete cascade,
  category_id uuid not null references public.categories (id) on delete restrict,
  kind public.offering_kind not null,
  title text not null constraint offerings_title_length check (char_length(title) between 1 and 200),
  description text constraint offerings_description_length check (char_length(description) <= 10000),
  price bigint not null constraint offerings_price_positive check (price >= 0),
  currency char(3) not null constraint offerings_currency_format check (currency ~ '^[A-Z]{3}$'),
  duration_minutes integer not null constraint offerings_duration_range check (duration_minutes between 5 and 1440),
  status public.offering_status not null default 'draft',
  location public.offering_location not null default 'online',
  scheduled_on public.schedule_owner not null default 'provider',
  features text[] not null default '{}',
  free_cancellation_hours integer not null default 24
    constraint offerings_free_cancellation_hours_range check (free_cancellation_hours between 0 and 8760),
  late_cancellation_fee_share numeric(5, 4) not null default 0.5
    constraint offerings_late_cancellation_fee_share_range check (late_cancellation_fee_share between 0 and 1),
  search tsvector generated always as (
    to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(description, ''))
  ) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- The platform's own items have no provider whose calendar they could take.
  constraint offerings_platform_items_use_collectors check (provider_id is not null or scheduled_on = 'collector'),
  constraint offerings_collectors_visit_clients check (scheduled_on = 'provider' or location = 'client_site')
);

create index offerings_provider_id_idx on public.offerings (provider_id);
create index offerings_category_price_idx on public.offerings (category_id, price) where status = 'active';
create index offerings_search_idx on public.offerings using gin (search) where status = 'active';
create index offerings_title_trgm_idx on public.offerings using gin (title extensions.gin_trgm_ops) where status = 'active';

comment on table public.offerings is
  'A bookable service or item. Read: everyone (active ones); providers also their own drafts; admins all. Write: the provider (own), admins (all, and platform items).';
comment on column public.offerings.provider_id is 'Empty for the platform''s own items (lab tests), which admins manage.';
comment on column public.offerings.price is 'Minor units of currency (cents), within the category''s price bounds.';
comment on column public.offerings.scheduled_on is 'Whose calendar a booking takes: the provider''s, or a collector''s (home sample collection).';
comment on column public.offerings.free_cancellation_hours is 'A client cancels for free until this many hours before the start.';
comment on column public.offerings.late_cancellation_fee_share is 'Share of the total kept when a client cancels later than that (0..1).';
comment on column public.offerings.search is 'Full-text vector of title and description (simple configuration).';

create trigger set_updated_at
  before update on public.offerings
  for each row execute function private.tg_set_updated_at();

-- The category must be open, its currency (and its parent's) is the offering's, and both
-- categories' bounds bind the price; the collectors' calendar is for admins only.
-- Security definer: the bounds of an inactive category, which its providers can no longer
-- read, still bind the offerings left in it. The offering's own category is checked first,
-- so a price outside both names the offering's own category.
create function private.tg_offerings_check_price()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  bounds record;
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
  end loop;
  return new;
end
$$;

create trigger check_price
  before insert or update of price, currency, category_id, scheduled_on on public.offerings
  for each row execute function private.tg_offerings_check_price();

-- Lab tests: the vertical details the pet lab needs ----------------------------------------

create table public.lab_test_details (
  offering_id uuid primary key references public.offerings (id) on delete cascade,
  tube_type text not null constraint lab_test_details_tube_type_length check (char_length(tube_type) between 1 and 60),
  sample_quantity_ml numeric(6, 2) not null constraint lab_test_details_sample_quantity_positive check (sample_quantity_ml > 0),
  collection_instructions text constraint lab_test_details_instructions_length check (char_length(collection_instructions) <= 4000),
  turnaround_hours integer not null constraint lab_test_details_turnaround_range check (turnaround_hours between 1 and 2160),
  fasting_required boolean not null default false
);

comment on table public.lab_test_details is
  'Sample requirements of a lab-test offering. Read: as the offering. Write: whoever manages the offering.';

-- Tags on offerings ----------------------------------------------------------------------------

create table public.offering_tags (
  offering_id uuid not null references public.offerings (id) on delete cascade,
  tag_id uuid not null references public.tags (id) on delete cascade,
  primary key (offering_id, tag_id)
);

create index offering_tags_tag_id_idx on public.offering_tags (tag_id);

comment on table public.offering_tags is 'Tags of an offering. Read: as the offering. Write: whoever manages the offering.';

-- Who may see and manage an offering -------------------------------------------------------

-- Security definer: policies of the detail tables ask about an offering the caller may not
-- be allowed to read (a draft) without leaking it.
create function private.can_manage_offering(offering_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.offerings o
    where o.id = offering_id
      and (o.provider_id = auth.uid() or private.is_admin())
  )
$$;

create function private.can_read_offering(offering_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.offerings o
    where o.id = offering_id
      and (o.status = 'active' or o.provider_id = auth.uid() or private.is_admin())
  )
$$;

grant execute on function private.can_manage_offering(uuid) to anon, authenticated, service_role;
grant execute on function private.can_read_offering(uuid) to anon, authenticated, service_role;

-- Access --------------------------------------------------------------------------------------

alter table public.offerings enable row level security;
alter table public.lab_test_details enable row level security;
alter table public.offering_tags enable row level security;

revoke all on table public.offerings, public.lab_test_details, public.offering_tags from anon, authenticated;
grant select on table public.offerings, public.lab_test_details, public.offering_tags to anon, authenticated;
grant insert (provider_id, category_id, kind, title, description, price, currency, duration_minutes, status, location,
              scheduled_on, features, free_cancellation_hours, late_cancellation_fee_share)
  on table public.offerings to authenticated;
grant update (category_id, kind, title, description, price, currency, duration_minutes, status, location,
              scheduled_on, features, free_cancellation_hours, late_cancellation_fee_share)
  on table public.offerings to authenticated;
grant delete on table public.offerings to authenticated;
grant insert, update, delete on table public.lab_test_details, public.offering_tags to authenticated;

create policy "visitors can read active offerings"
  on public.offerings for select to anon using (status = 'active');
create policy "users can read active offerings, providers their own and admins all"
  on public.offerings for select to authenticated
  using (status = 'active' or provider_id = (select auth.uid()) or (select private.is_admin()));
create policy "providers can add their own offerings and admins any"
  on public.offerings for insert to authenticated
  with check ((provider_id = (select auth.uid()) and (select private.has_role('provider'))) or (select private.is_admin()));
create policy "providers can change their own offerings and admins any"
  on public.offerings for update to authenticated
  using (provider_id = (select auth.uid()) or (select private.is_admin()))
  with check (provider_id = (select auth.uid()) or (select private.is_admin()));
create policy "providers can delete their own offerings and admins any"
  on public.offerings for delete to authenticated
  using (provider_id = (select auth.uid()) or (select private.is_admin()));

create policy "anyone can read lab details of offerings they can read"
  on public.lab_test_details for select to anon, authenticated using ((select private.can_read_offering(offering_id)));
create policy "managers can add lab details"
  on public.lab_test_details for insert to authenticated with check ((select private.can_manage_offering(offering_id)));
create policy "managers can change lab details"
  on public.lab_test_details for update to authenticated
  using ((select private.can_manage_offering(offering_id))) with check ((select private.can_manage_offering(offering_id)));
create policy "managers can remove lab details"
  on public.lab_test_details for delete to authenticated using ((select private.can_manage_offering(offering_id)));

create policy "anyone can read tags of offerings they can read"
  on public.offering_tags for select to anon, authenticated using ((select private.can_read_offering(offering_id)));
create policy "managers can tag offerings"
  on public.offering_tags for insert to authenticated with check ((select private.can_manage_offering(offering_id)));
create policy "managers can change offering tags"
  on public.offering_tags for update to authenticated
  using ((select private.can_manage_offering(offering_id))) with check ((select private.can_manage_offering(offering_id)));
create policy "managers can untag offerings"
  on public.offering_tags for delete to authenticated using ((select private.can_manage_offering(offering_id)));
