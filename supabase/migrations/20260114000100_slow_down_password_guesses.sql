-- identity / sign-in: wrong passwords slow the next attempts down; they no longer lock the
-- account or end its sessions (issue "Abuse-proofing", item 8).
--
-- The lockout of 20260101000300 was a switch anyone could pull: five wrong passwords for
-- someone's email locked their account for 15 minutes, and since the access-token hook refused
-- a locked user every token, token refreshes included, it also ended every session they had,
-- admins' too, again and again. Supabase Auth's password hook is told only {user_id, valid}
-- (no address), so the source of the guesses cannot be singled out here. Instead:
--
-- * slow down, never lock: after auth.max_failed_logins (5) failures in a row, each failure
--   refuses the next attempts for auth.login_delay_seconds (15), doubled with every further
--   failure, at most auth.max_login_delay_seconds (300). An attempt in that window is refused
--   whether its password is right or wrong (the same answer, so the window tells a guesser
--   nothing) and is not counted, so it does not extend the window: a right password waits at
--   most 5 minutes after the last failure. After the window the right password signs in. A
--   guesser gets a dozen tries in the first half hour and one per 5 minutes after that (288 a
--   day, fewer than the 480 the lock let through). Failures a day old are forgotten
--   (auth.failed_logins_forgotten_after_hours).
-- * attempts of one user queue on their login_states row (for update), so parallel guesses
--   cannot all be answered before the first of them opens a window.
-- * sessions are never ended for failed passwords: the access-token hook no longer looks at
--   failures (token refresh, magic link, OAuth and the password recovery all work as ever),
--   and the password hook never asks Auth to log the user out.
-- * the owner is told: when the failures in a row reach auth.max_failed_logins, an
--   account.sign_in_failures notice (20260114000000) goes to them, at most once a day.
--
-- login_states.locked_until keeps its name and its place in get_login_state(): it is now the
-- end of the current window (null or past: attempts are answered). unlock_user() clears it and
-- the count, as before.

delete from private.settings where key = 'auth.lockout_minutes';
update private.settings
set description = 'Failed password attempts in a row before further attempts are slowed down and the user is told.'
where key = 'auth.max_failed_logins';
insert into private.settings (key, value, description) values
  ('auth.login_delay_seconds', '15',
   'After auth.max_failed_logins failures in a row, how long the next failure refuses further attempts; doubled with every further failure.'),
  ('auth.max_login_delay_seconds', '300',
   'The longest a failure refuses further password attempts (a right password included): the bound on what a guesser can do to the owner.'),
  ('auth.failed_logins_forgotten_after_hours', '24',
   'Failures older than this no longer count: the next one starts a new count.');

alter table private.login_states
  add column failures_since timestamptz,
  add column failures_notified_at timestamptz;

-- Locks of the old rule still running are cut to the new bound.
update private.login_states
set locked_until = now() + interval '300 seconds'
where locked_until > now() + interval '300 seconds';

comment on column private.login_states.failed_attempts is 'Failed password attempts in a row (attempts refused in a window are not counted).';
comment on column private.login_states.locked_until is
  'Until when password attempts are refused, right or wrong, after the last failure (at most auth.max_login_delay_seconds); never refuses tokens.';
comment on column private.login_states.failures_since is 'When the first of the current failures in a row happened.';
comment on column private.login_states.failures_notified_at is 'When the user was last told of failed attempts (account.sign_in_failures): at most once a day.';

-- Failures ----------------------------------------------------------------------------------------

create or replace function private.record_login_failure(failed_user_id uuid)
returns private.login_states
language plpgsql
set search_path = ''
as $$
declare
  free_failures constant integer := greatest(coalesce((private.setting('auth.max_failed_logins'))::integer, 5), 1);
  first_delay constant integer := greatest(coalesce((private.setting('auth.login_delay_seconds'))::integer, 15), 0);
  max_delay constant integer := greatest(coalesce((private.setting('auth.max_login_delay_seconds'))::integer, 300), 0);
  forget_after constant interval :=
    make_interval(hours => coalesce((private.setting('auth.failed_logins_forgotten_after_hours'))::integer, 24));
  state private.login_states;
begin
  insert into private.login_states as s (user_id, failed_attempts, failures_since, last_failed_at)
  values (failed_user_id, 1, now(), now())
  on conflict (user_id) do update
    set failed_attempts = case
          when s.failed_attempts = 0 or coalesce(s.last_failed_at <= now() - forget_after, true) then 1
          else s.failed_attempts + 1
        end,
        failures_since = case
          when s.failed_attempts = 0 or coalesce(s.last_failed_at <= now() - forget_after, true) then now()
          else coalesce(s.failures_since, s.last_failed_at)
        end,
        last_failed_at = now()
  returning * into state;

  -- The exponent is capped before the power: an attack that never stops must not overflow it.
  update private.login_states s
  set locked_until = case
        when state.failed_attempts >= free_failures then
          now() + make_interval(secs => least(max_delay::numeric,
                                              first_delay * power(2::numeric, least(state.failed_attempts - free_failures, 30))))
      end
  where s.user_id = failed_user_id
  returning * into state;

  if state.failed_attempts >= free_failures then
    perform private.notify_sign_in_failures(failed_user_id);
  end if;
  return state;
end
$$;

grant execute on function private.record_login_failure(uuid) to supabase_auth_admin, service_role;

comment on function private.record_login_failure(uuid) is
  'Counts a failed password attempt: from auth.max_failed_logins in a row on, refuses further attempts for a growing, bounded time and tells the user (at most once a day).';

-- Security definer: the outbox is private and written by its owner; Auth's role
-- (supabase_auth_admin) reaches it only through this function, which sends one kind of notice,
-- to the user whose failures it counts, at most once a day.
create function private.notify_sign_in_failures(user_id uuid)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  state private.login_states;
begin
  update private.login_states s
  set failures_notified_at = now()
  where s.user_id = notify_sign_in_failures.user_id
    and s.failed_attempts > 0
    and (s.failures_notified_at is null or s.failures_notified_at <= now() - interval '24 hours')
  returning * into state;
  if not found then
    return null;
  end if;

  return private.enqueue_notification(
    'account.sign_in_failures',
    -- the update above is what allows one a day; the key only has to be new
    format('account.sign_in_failures:%s:%s', state.user_id, to_char(clock_timestamp() at time zone 'UTC', 'YYYYMMDD"T"HH24MISSUS')),
    array[state.user_id],
    jsonb_build_object(
      'failed_attempts', state.failed_attempts::text,
      'first_failed_at', private.format_local_time(coalesce(state.failures_since, state.last_failed_at, now()), 'UTC'),
      'timezone', 'UTC',
      'action_url', private.app_link('/account/security')
    )
  );
end
$$;

revoke all on function private.notify_sign_in_failures(uuid) from public, anon, authenticated, service_role;
grant execute on function private.notify_sign_in_failures(uuid) to supabase_auth_admin, service_role;

comment on function private.notify_sign_in_failures(uuid) is
  'Enqueues account.sign_in_failures to the user whose password failures are counted, unless they were told in the last 24 hours; the outbox id, or null.';

-- Hooks ---------------------------------------------------------------------------------------

create or replace function public.password_verification_attempt_hook(event jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  attempt_user_id constant uuid := (event ->> 'user_id')::uuid;
  valid constant boolean := coalesce((event ->> 'valid')::boolean, false);
  state private.login_states;
  refused_until timestamptz;
begin
  -- One attempt per user at a time: a parallel attempt waits here for the one before it, and
  -- then sees the window it opened.
  insert into private.login_states (user_id) values (attempt_user_id) on conflict (user_id) do nothing;
  select * into state from private.login_states s where s.user_id = attempt_user_id for update;

  if state.locked_until > now() then
    -- Right or wrong, the same answer, not counted: the window neither tells nor grows.
    refused_until := state.locked_until;
  elsif valid then
    if state.failed_attempts <> 0 or state.locked_until is not null then
      update private.login_states s set failed_attempts = 0, locked_until = null where s.user_id = attempt_user_id;
    end if;
    return jsonb_build_object('decision', 'continue');
  else
    state := private.record_login_failure(attempt_user_id);
    refused_until := state.locked_until;
  end if;

  if refused_until > now() then
    return jsonb_build_object(
      'decision', 'reject',
      'message', format('Too many failed sign-in attempts: try again in %s, or sign in with a link sent by email.',
                        case when refused_until - now() <= interval '60 seconds'
                             then ceil(extract(epoch from refused_until - now()))::integer || ' seconds'
                             else ceil(extract(epoch from refused_until - now()) / 60)::integer || ' minutes' end),
      'should_logout_user', false
    );
  end if;
  return jsonb_build_object('decision', 'continue');
end
$$;

revoke execute on function public.password_verification_attempt_hook(jsonb) from public, anon, authenticated;
grant execute on function public.password_verification_attempt_hook(jsonb) to service_role, supabase_auth_admin;

comment on function public.password_verification_attempt_hook(jsonb) is
  'Supabase Auth password verification hook: counts failures; from auth.max_failed_logins in a row on, refuses attempts for a growing time of at most auth.max_login_delay_seconds after the last failure and tells the user. Never logs anyone out.';

create or replace function public.custom_access_token_hook(event jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  token_user_id constant uuid := (event ->> 'user_id')::uuid;
  claims jsonb := event -> 'claims';
begin
  -- Failed passwords never refuse a token: a refresh keeps a session alive, and a magic link,
  -- OAuth or a password recovery still signs the owner in while their password is slowed.
  claims := claims
    || jsonb_build_object('user_roles', coalesce((
         select jsonb_agg(distinct r.role order by r.role)
         from public.user_roles r where r.user_id = token_user_id), '[]'))
    || jsonb_build_object('staff_roles', coalesce((
         select jsonb_agg(r.staff_role order by r.staff_role)
         from public.user_roles r where r.user_id = token_user_id and r.staff_role is not null), '[]'));

  -- Admins act as marketbase_admin: PostgREST, Storage and Realtime switch to the role the
  -- token names. Only a signed-in (not anonymous) user's role changes.
  if claims ->> 'role' = 'authenticated' and claims -> 'user_roles' ? 'admin' then
    claims := claims || jsonb_build_object('role', 'marketbase_admin');
  end if;

  -- A refresh is not a sign-in. A sign-in is the owner's: it ends the count and the window.
  if coalesce(event ->> 'authentication_method', '') <> 'token_refresh' then
    insert into private.login_states as s (user_id, last_sign_in_at)
    values (token_user_id, now())
    on conflict (user_id) do update set last_sign_in_at = now(), failed_attempts = 0, locked_until = null;
  end if;

  return jsonb_build_object('claims', claims);
end
$$;

revoke execute on function public.custom_access_token_hook(jsonb) from public, anon, authenticated;
grant execute on function public.custom_access_token_hook(jsonb) to service_role, supabase_auth_admin;

comment on function public.custom_access_token_hook(jsonb) is
  'Supabase Auth custom access token hook: adds user_roles and staff_roles claims, makes an admin''s role marketbase_admin, records the sign-in. Never refuses a token for failed passwords.';
