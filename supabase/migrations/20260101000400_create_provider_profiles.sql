-- identity / providers: the public profile of whoever sells a service.
--
-- A provider writes their own description and rate; rating and verification belong to the
-- system (reviews, admins through set_provider_verification); the Stripe Connect account
-- lives apart in provider_payout_accounts, which only the service role writes.
-- Rates are integer minor units, bounded per kind and currency by provider_rate_bounds
-- (coaching: 25.00 to 500.00 USD an hour).

create type public.provider_kind as enum ('consultant', 'coach', 'service_provider', 'lab');

create table public.provider_rate_bounds (
  kind public.provider_kind not null,
  currency char(3) not null constraint provider_rate_bounds_currency_format check (currency ~ '^[A-Z]{3}$'),
  min_rate bigint not null check (min_rate >= 0),
  max_rate bigint not null,
  primary key (kind, currency),
  constraint provider_rate_bounds_order check (min_rate <= max_rate)
);

comment on table public.provider_rate_bounds is
  'Allowed hourly rates per provider kind and currency, in minor units. Read: everyone. Write: admins.';

insert into public.provider_rate_bounds (kind, currency, min_rate, max_rate)
values ('coach', 'USD', 2500, 50000);

create table public.provider_profiles (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  kind public.provider_kind not null,
  headline text constraint provider_profiles_headline_length check (char_length(headline) <= 120),
  bio text constraint provider_profiles_bio_length check (char_length(bio) <= 5000),
  expertise text[] not null default '{}',
  languages text[] not null default '{}'
    constraint provider_profiles_languages_format
    check (array_to_string(languages, ',') ~ '^([a-z]{2,3}(,|$))*$'),
  countries text[] not null default '{}'
    constraint provider_profiles_countries_format
    check (array_to_string(countries, ',') ~ '^([A-Z]{2}(,|$))*$'),
  hourly_rate bigint constraint provider_profiles_hourly_rate_positive check (hourly_rate > 0),
  currency char(3) not null default 'USD'
    constraint provider_profiles_currency_format check (currency ~ '^[A-Z]{3}$'),
  intro_video_url text constraint provider_profiles_intro_video_url_format check (intro_video_url ~ '^https://'),
  rating numeric(3, 2) not null default 0 check (rating between 0 and 5),
  rating_count integer not null default 0 check (rating_count >= 0),
  completed_sessions integer not null default 0 check (completed_sessions >= 0),
  is_verified boolean not null default false,
  verified_at timestamptz,
  verified_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index provider_profiles_verified_by_idx on public.provider_profiles (verified_by);
create index provider_profiles_kind_rating_idx on public.provider_profiles (kind, rating desc);
create index provider_profiles_languages_idx on public.provider_profiles using gin (languages);
create index provider_profiles_countries_idx on public.provider_profiles using gin (countries);
create index provider_profiles_expertise_idx on public.provider_profiles using gin (expertise);

comment on table public.provider_profiles is
  'A provider''s public profile. Read: everyone. Insert: a user holding the provider role, for themselves. Update: the provider (descriptive columns and rate) and admins. Delete: admins.';
comment on column public.provider_profiles.hourly_rate is 'Minor units of currency, within provider_rate_bounds for the kind.';
comment on column public.provider_profiles.languages is 'ISO 639 codes, lower case.';
comment on column public.provider_profiles.countries is 'ISO 3166-1 alpha-2 codes of countries the provider knows.';

create trigger set_updated_at
  before update on public.provider_profiles
  for each row execute function private.tg_set_updated_at();

create function private.tg_provider_profiles_check_rate()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  bounds public.provider_rate_bounds;
begin
  if new.hourly_rate is null then
    return new;
  end if;
  select * into bounds from public.provider_rate_bounds b where b.kind = new.kind and b.currency = new.currency;
  if not found and exists (select 1 from public.provider_rate_bounds b where b.kind = new.kind) then
    raise exception 'currency: % is not accepted for % rates', new.currency, new.kind
      using errcode = '22023', hint = 'Use a currency listed in provider_rate_bounds for this kind.';
  end if;
  if found and new.hourly_rate not between bounds.min_rate and bounds.max_rate then
    raise exception 'hourly_rate must be between % and % % minor units for % providers',
      bounds.min_rate, bounds.max_rate, bounds.currency, new.kind
      using errcode = '22023';
  end if;
  return new;
end
$$;

create trigger check_rate
  before insert or update of hourly_rate, currency, kind on public.provider_profiles
  for each row execute function private.tg_provider_profiles_check_rate();

-- Payout account (Stripe Connect) ---------------------------------------------------------------

create table public.provider_payout_accounts (
  provider_id uuid primary key references public.provider_profiles (user_id) on delete cascade,
  stripe_account_id text not null unique
    constraint provider_payout_accounts_stripe_id_format check (stripe_account_id ~ '^acct_[A-Za-z0-9]+$'),
  charges_enabled boolean not null default false,
  payouts_enabled boolean not null default false,
  details_submitted boolean not null default false,
  updated_at timestamptz not null default now()
);

comment on table public.provider_payout_accounts is
  'A provider''s Stripe Connect account and whether it can be paid. Read: the provider and admins. Write: the service role only.';

create trigger set_updated_at
  before update on public.provider_payout_accounts
  for each row execute function private.tg_set_updated_at();

-- Verification ----------------------------------------------------------------------------------

-- Security definer: verification columns have no UPDATE privilege for any API role.
create function public.set_provider_verification(provider_id uuid, verified boolean)
returns public.provider_profiles
language plpgsql
security definer
set search_path = ''
as $$
declare
  result public.provider_profiles;
begin
  if not private.is_admin() then
    raise exception 'only admins can verify providers' using errcode = '42501';
  end if;
  update public.provider_profiles p
  set is_verified = verified,
      verified_at = case when verified then now() end,
      verified_by = case when verified then auth.uid() end
  where p.user_id = provider_id
  returning * into result;
  if not found then
    raise exception 'provider % not found', provider_id using errcode = 'P0002';
  end if;
  return result;
end
$$;

revoke execute on function public.set_provider_verification(uuid, boolean) from public, anon;
grant execute on function public.set_provider_verification(uuid, boolean) to authenticated;

comment on function public.set_provider_verification(uuid, boolean) is
  'RPC for admins: marks a provider verified (or not), recording who and when.';

-- Access --------------------------------------------------------------------------------------

alter table public.provider_rate_bounds enable row level security;
alter table public.provider_profiles enable row level security;
alter table public.provider_payout_accounts enable row level security;

revoke all on table public.provider_rate_bounds, public.provider_profiles, public.provider_payout_accounts
  from anon, authenticated;

grant select on table public.provider_rate_bounds to anon, authenticated;
grant insert, update, delete on table public.provider_rate_bounds to authenticated;

grant select on table public.provider_profiles to anon, authenticated;
grant insert (user_id, kind, headline, bio, expertise, languages, countries, hourly_rate, currency, intro_video_url)
  on table public.provider_profiles to authenticated;
grant update (headline, bio, expertise, languages, countries, hourly_rate, currency, intro_video_url)
  on table public.provider_profiles to authenticated;
grant delete on table public.provider_profiles to authenticated;

grant select on table public.provider_payout_accounts to authenticated;

create policy "anyone can read rate bounds"
  on public.provider_rate_bounds for select to anon, authenticated using (true);
create policy "admins can add rate bounds"
  on public.provider_rate_bounds for insert to authenticated with check ((select private.is_admin()));
create policy "admins can change rate bounds"
  on public.provider_rate_bounds for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins can remove rate bounds"
  on public.provider_rate_bounds for delete to authenticated using ((select private.is_admin()));

create policy "anyone can read provider profiles"
  on public.provider_profiles for select to anon, authenticated using (true);
create policy "providers can create their own profile and admins any"
  on public.provider_profiles for insert to authenticated
  with check (
    (user_id = (select auth.uid()) and (select private.has_role('provider')))
    or (select private.is_admin())
  );
create policy "providers can update their own profile and admins any"
  on public.provider_profiles for update to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()))
  with check (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "admins can delete provider profiles"
  on public.provider_profiles for delete to authenticated using ((select private.is_admin()));

create policy "providers can read their own payout account and admins all"
  on public.provider_payout_accounts for select to authenticated
  using (provider_id = (select auth.uid()) or (select private.is_admin()));
