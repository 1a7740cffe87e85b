-- identity / profiles: one profile per auth.users row, made at sign-up.
--
-- A profile has two halves so that RLS can tell them apart: `profiles` holds what anyone
-- may see (display name, avatar); `profile_details` holds what only the user and admins
-- see (legal name, phone, locale). Both are created by the sign-up trigger from the
-- metadata the frontend passes to supabase.auth.signUp({ options: { data } }).

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null
    constraint profiles_display_name_length check (char_length(display_name) between 1 and 80),
  avatar_url text
    constraint profiles_avatar_url_format check (avatar_url ~ '^https?://'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.profiles is
  'The public face of every user. Read: everyone. Update: the user (display_name, avatar_url) and admins. Created by sign-up.';

create table public.profile_details (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  full_name text
    constraint profile_details_full_name_length check (char_length(full_name) <= 200),
  phone text
    constraint profile_details_phone_format check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  locale text not null default 'en'
    constraint profile_details_locale_format check (locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.profile_details is
  'The private half of a profile. Read and update: the user and admins.';
comment on column public.profile_details.phone is 'E.164, e.g. +14155550123.';

create trigger set_updated_at
  before update on public.profiles
  for each row execute function private.tg_set_updated_at();

create trigger set_updated_at
  before update on public.profile_details
  for each row execute function private.tg_set_updated_at();

-- Sign-up ---------------------------------------------------------------------------------------

-- Security definer: Supabase Auth inserts users as supabase_auth_admin, which has no rights
-- on our tables. Metadata may ask for the provider role; nobody signs up as admin or staff.
create function private.tg_users_create_profile()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  meta constant jsonb := coalesce(new.raw_user_meta_data, '{}');
  account_type constant text := coalesce(meta ->> 'account_type', 'client');
begin
  if account_type not in ('client', 'provider') then
    raise exception 'account_type must be client or provider, not %', account_type
      using errcode = '22023';
  end if;

  insert into public.profiles (id, display_name, avatar_url)
  values (
    new.id,
    coalesce(nullif(btrim(meta ->> 'display_name'), ''), nullif(btrim(meta ->> 'full_name'), ''), 'Member'),
    meta ->> 'avatar_url'
  );

  insert into public.profile_details (user_id, full_name, phone, locale)
  values (new.id, meta ->> 'full_name', coalesce(new.phone, meta ->> 'phone'), coalesce(meta ->> 'locale', 'en'));

  insert into public.user_roles (user_id, role) values (new.id, account_type::public.app_role);
  return new;
end
$$;

comment on function private.tg_users_create_profile() is
  'Trigger on auth.users: creates the profile, its details and the client or provider role from sign-up metadata.';

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.tg_users_create_profile();

-- Access --------------------------------------------------------------------------------------

alter table public.profiles enable row level security;
alter table public.profile_details enable row level security;

revoke all on table public.profiles, public.profile_details from anon, authenticated;
grant select on table public.profiles to anon, authenticated;
grant update (display_name, avatar_url) on table public.profiles to authenticated;
grant select on table public.profile_details to authenticated;
grant update (full_name, phone, locale) on table public.profile_details to authenticated;

create policy "anyone can read profiles"
  on public.profiles for select
  to anon, authenticated
  using (true);

create policy "users can update their own profile and admins any"
  on public.profiles for update
  to authenticated
  using (id = (select auth.uid()) or (select private.is_admin()))
  with check (id = (select auth.uid()) or (select private.is_admin()));

create policy "users can read their own details and admins all"
  on public.profile_details for select
  to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

create policy "users can update their own details and admins any"
  on public.profile_details for update
  to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()))
  with check (user_id = (select auth.uid()) or (select private.is_admin()));
