-- identity / sign-in: Supabase Auth hooks, login lockout, last sign-in.
--
-- Supabase Auth calls two Postgres hooks (configured in supabase/config.toml), both as
-- supabase_auth_admin:
-- * password_verification_attempt_hook after each password check: failed attempts are
--   counted, and after `auth.max_failed_logins` in a row the account is locked for
--   `auth.lockout_minutes`;
-- * custom_access_token_hook before any token is issued (sign-in and refresh): a locked
--   user gets an error instead of a token; others get their roles as claims.
-- The lock state is private: admins clear it through unlock_user().

insert into private.settings (key, value, description) values
  ('auth.max_failed_logins', '5', 'Failed password attempts in a row before the account is locked.'),
  ('auth.lockout_minutes', '15', 'How long a locked account stays locked.');

create table private.login_states (
  user_id uuid primary key references auth.users (id) on delete cascade,
  failed_attempts integer not null default 0 check (failed_attempts >= 0),
  last_failed_at timestamptz,
  locked_until timestamptz,
  last_sign_in_at timestamptz,
  updated_at timestamptz not null default now()
);

comment on table private.login_states is 'Sign-in security state per user: failures, lock, last sign-in.';

create trigger set_updated_at
  before update on private.login_states
  for each row execute function private.tg_set_updated_at();

grant usage on schema private to supabase_auth_admin;
grant execute on function private.setting(text) to supabase_auth_admin;
grant select, insert, update on table private.login_states to supabase_auth_admin, service_role;

-- Failures ----------------------------------------------------------------------------------------

create function private.record_login_failure(failed_user_id uuid)
returns private.login_states
language plpgsql
set search_path = ''
as $$
declare
  max_failures constant integer := coalesce((private.setting('auth.max_failed_logins'))::integer, 5);
  lock_for constant interval := make_interval(mins => coalesce((private.setting('auth.lockout_minutes'))::integer, 15));
  state private.login_states;
begin
  insert into private.login_states as s (user_id, failed_attempts, last_failed_at)
  values (failed_user_id, 1, now())
  on conflict (user_id) do update
    set failed_attempts = case
          -- a lock that has run out starts a new count
          when s.locked_until is not null and s.locked_until <= now() then 1
          else s.failed_attempts + 1
        end,
        locked_until = case when s.locked_until > now() then s.locked_until end,
        last_failed_at = now()
  returning * into state;

  if state.failed_attempts >= max_failures and state.locked_until is null then
    update private.login_states
    set locked_until = now() + lock_for
    where user_id = failed_user_id
    returning * into state;
  end if;
  return state;
end
$$;

grant execute on function private.record_login_failure(uuid) to supabase_auth_admin, service_role;

create function private.locked_until(user_id uuid)
returns timestamptz
language sql
stable
set search_path = ''
as $$
  select s.locked_until
  from private.login_states s
  where s.user_id = locked_until.user_id and s.locked_until > now()
$$;

grant execute on function private.locked_until(uuid) to supabase_auth_admin, service_role;

create function service.record_failed_login(user_id uuid)
returns jsonb
language sql
set search_path = ''
as $$
  select jsonb_build_object('failed_attempts', s.failed_attempts, 'locked_until', s.locked_until)
  from private.record_login_failure(user_id) s
$$;

revoke execute on function service.record_failed_login(uuid) from public, anon, authenticated;
grant execute on function service.record_failed_login(uuid) to service_role;

comment on function service.record_failed_login(uuid) is
  'Service: records a failed sign-in for a user (sign-in paths outside Supabase Auth''s password hook); returns failed_attempts and locked_until.';

-- Hooks ---------------------------------------------------------------------------------------

create function public.password_verification_attempt_hook(event jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  attempt_user_id constant uuid := (event ->> 'user_id')::uuid;
  locked timestamptz := private.locked_until(attempt_user_id);
begin
  if locked is null and not (event ->> 'valid')::boolean then
    locked := (private.record_login_failure(attempt_user_id)).locked_until;
  elsif locked is null then
    update private.login_states set failed_attempts = 0 where user_id = attempt_user_id;
  end if;

  if locked is not null then
    return jsonb_build_object(
      'decision', 'reject',
      'message', format('Too many failed sign-in attempts: the account is locked until %s UTC.',
                        to_char(locked at time zone 'UTC', 'YYYY-MM-DD HH24:MI')),
      'should_logout_user', false
    );
  end if;
  return jsonb_build_object('decision', 'continue');
end
$$;

revoke execute on function public.password_verification_attempt_hook(jsonb) from public, anon, authenticated;
grant execute on function public.password_verification_attempt_hook(jsonb) to supabase_auth_admin;

comment on function public.password_verification_attempt_hook(jsonb) is
  'Supabase Auth password verification hook: counts failures, locks the account, rejects while locked.';

create function public.custom_access_token_hook(event jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  token_user_id constant uuid := (event ->> 'user_id')::uuid;
  locked constant timestamptz := private.locked_until(token_user_id);
  claims jsonb := event -> 'claims';
begin
  if locked is not null then
    return jsonb_build_object('error', jsonb_build_object(
      'http_code', 403,
      'message', format('Account locked until %s UTC after too many failed sign-in attempts.',
                        to_char(locked at time zone 'UTC', 'YYYY-MM-DD HH24:MI'))
    ));
  end if;

  claims := claims
    || jsonb_build_object('user_roles', coalesce((
         select jsonb_agg(distinct r.role order by r.role)
         from public.user_roles r where r.user_id = token_user_id), '[]'))
    || jsonb_build_object('staff_roles', coalesce((
         select jsonb_agg(r.staff_role order by r.staff_role)
         from public.user_roles r where r.user_id = token_user_id and r.staff_role is not null), '[]'));

  -- A refresh is not a sign-in.
  if coalesce(event ->> 'authentication_method', '') <> 'token_refresh' then
    insert into private.login_states as s (user_id, last_sign_in_at)
    values (token_user_id, now())
    on conflict (user_id) do update set last_sign_in_at = now(), failed_attempts = 0, locked_until = null;
  end if;

  return jsonb_build_object('claims', claims);
end
$$;

revoke execute on function public.custom_access_token_hook(jsonb) from public, anon, authenticated;
grant execute on function public.custom_access_token_hook(jsonb) to supabase_auth_admin;

comment on function public.custom_access_token_hook(jsonb) is
  'Supabase Auth custom access token hook: refuses locked accounts, adds user_roles and staff_roles claims, records the sign-in.';

-- Admin ---------------------------------------------------------------------------------------

-- Security definer: admins act on private.login_states, which no API role can write.
create function public.unlock_user(user_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not private.is_admin() then
    raise exception 'only admins can unlock accounts' using errcode = '42501';
  end if;
  update private.login_states s
  set failed_attempts = 0, locked_until = null
  where s.user_id = unlock_user.user_id;
end
$$;

revoke execute on function public.unlock_user(uuid) from public, anon;
grant execute on function public.unlock_user(uuid) to authenticated;

comment on function public.unlock_user(uuid) is
  'RPC for admins: clears a sign-in lock and the failure count of a user.';

create function public.get_login_state(user_id uuid)
returns table (failed_attempts integer, locked_until timestamptz, last_sign_in_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not (private.is_admin() or user_id = auth.uid()) then
    raise exception 'only admins can read another user''s sign-in state' using errcode = '42501';
  end if;
  return query
    select s.failed_attempts, s.locked_until, s.last_sign_in_at
    from private.login_states s
    where s.user_id = get_login_state.user_id;
end
$$;

revoke execute on function public.get_login_state(uuid) from public, anon;
grant execute on function public.get_login_state(uuid) to authenticated;

comment on function public.get_login_state(uuid) is
  'RPC for admins and the user: failed attempts, lock and last sign-in of a user.';
