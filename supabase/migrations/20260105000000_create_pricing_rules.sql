-- pricing / rules: the configuration quotes read. Travel fees by distance (per provider,
-- or the platform's default for its own collections and for providers without one) and
-- tax rates by country. All amounts are minor units.

create table public.travel_fee_policies (
  id uuid primary key default gen_random_uuid(),
  provider_id uuid unique nulls not distinct references public.provider_profiles (user_id) on delete cascade,
  currency char(3) not null constraint travel_fee_policies_currency_format check (currency ~ '^[A-Z]{3}$'),
  free_radius_km numeric(7, 2) not null default 0 constraint travel_fee_policies_free_radius_positive check (free_radius_km >= 0),
  per_km_fee bigint not null constraint travel_fee_policies_per_km_fee_positive check (per_km_fee >= 0),
  minimum_fee bigint not null default 0 constraint travel_fee_policies_minimum_fee_positive check (minimum_fee >= 0),
  maximum_fee bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint travel_fee_policies_bounds_order check (maximum_fee is null or maximum_fee >= minimum_fee)
);

comment on table public.travel_fee_policies is
  'Travel fee = 0 within free_radius_km, else per_km_fee × km beyond it, at least minimum_fee and at most maximum_fee. Empty provider_id: the platform default. Read: everyone. Write: the provider (own), admins.';

create trigger set_updated_at
  before update on public.travel_fee_policies
  for each row execute function private.tg_set_updated_at();

create table public.tax_rates (
  id uuid primary key default gen_random_uuid(),
  country_code char(2) unique nulls not distinct constraint tax_rates_country_code_format check (country_code ~ '^[A-Z]{2}$'),
  name text not null constraint tax_rates_name_length check (char_length(name) between 1 and 60),
  rate numeric(6, 5) not null constraint tax_rates_rate_range check (rate >= 0 and rate < 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.tax_rates is
  'Tax added to quotes by the service address''s country (empty country_code: the default). No row, no tax. Read: everyone. Write: admins.';

create trigger set_updated_at
  before update on public.tax_rates
  for each row execute function private.tg_set_updated_at();

-- The fee for a distance under one policy, rounded half up to a minor unit.
create function private.travel_fee(policy public.travel_fee_policies, distance numeric)
returns bigint
language sql
immutable
set search_path = ''
as $$
  select case
    when distance is null or distance <= policy.free_radius_km then 0
    else least(
      greatest(floor((distance - policy.free_radius_km) * policy.per_km_fee + 0.5)::bigint, policy.minimum_fee),
      coalesce(policy.maximum_fee, 9223372036854775807)
    )
  end
$$;

grant execute on function private.travel_fee(public.travel_fee_policies, numeric) to authenticated, service_role;

-- Access --------------------------------------------------------------------------------------

alter table public.travel_fee_policies enable row level security;
alter table public.tax_rates enable row level security;

revoke all on table public.travel_fee_policies, public.tax_rates from anon, authenticated;
grant select on table public.travel_fee_policies, public.tax_rates to anon, authenticated;
grant insert (provider_id, currency, free_radius_km, per_km_fee, minimum_fee, maximum_fee)
  on table public.travel_fee_policies to authenticated;
grant update (currency, free_radius_km, per_km_fee, minimum_fee, maximum_fee) on table public.travel_fee_policies to authenticated;
grant delete on table public.travel_fee_policies to authenticated;
grant insert, update, delete on table public.tax_rates to authenticated;

create policy "anyone can read travel fee policies"
  on public.travel_fee_policies for select to anon, authenticated using (true);
create policy "providers can set their own travel fees and admins any"
  on public.travel_fee_policies for insert to authenticated
  with check (provider_id = (select auth.uid()) or (select private.is_admin()));
create policy "providers can change their own travel fees and admins any"
  on public.travel_fee_policies for update to authenticated
  using (provider_id = (select auth.uid()) or (select private.is_admin()))
  with check (provider_id = (select auth.uid()) or (select private.is_admin()));
create policy "providers can remove their own travel fees and admins any"
  on public.travel_fee_policies for delete to authenticated
  using (provider_id = (select auth.uid()) or (select private.is_admin()));

create policy "anyone can read tax rates"
  on public.tax_rates for select to anon, authenticated using (true);
create policy "admins can add tax rates"
  on public.tax_rates for insert to authenticated with check ((select private.is_admin()));
create policy "admins can change tax rates"
  on public.tax_rates for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins can remove tax rates"
  on public.tax_rates for delete to authenticated using ((select private.is_admin()));
