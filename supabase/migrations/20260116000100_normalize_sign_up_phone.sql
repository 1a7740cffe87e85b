-- identity: a user signing up with a phone gets it in their details, as E.164.
--
-- Supabase Auth stores phone numbers without the leading `+` (14155550123); the sign-up
-- trigger copied that into profile_details.phone, whose check wants E.164 (+14155550123), so
-- creating a user with a phone (phone sign-up, the admin API) failed. A number that is not a
-- phone number at all (metadata is the client's to write) is left out rather than refusing
-- the sign-up.

create function private.e164(phone text)
returns text
language sql
immutable
set search_path = ''
as $$
  select candidate from (select '+' || ltrim(btrim(phone), '+') as candidate) c
  where candidate ~ '^\+[1-9][0-9]{6,14}$'
$$;

revoke all on function private.e164(text) from public;
grant execute on function private.e164(text) to authenticated, service_role;

comment on function private.e164(text) is
  'A phone number in E.164 (+ and 7 to 15 digits) from what Auth or a client wrote, or null when it is not one.';

create or replace function private.tg_users_create_profile()
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
  values (new.id, meta ->> 'full_name', private.e164(coalesce(nullif(new.phone, ''), meta ->> 'phone')),
          coalesce(meta ->> 'locale', 'en'));

  insert into public.user_roles (user_id, role) values (new.id, account_type::public.app_role);
  return new;
end
$$;
