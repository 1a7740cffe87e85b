-- identity: the privileged bodies of the RPCs move to `private`, behind invoker wrappers.
--
-- The rule (README, "Definer functions"): nothing in an exposed schema is SECURITY DEFINER
-- where anon or authenticated may execute it (Supabase advisors 0028 / 0029). A function that
-- must act with its owner's rights keeps its body in `private`, which PostgREST never
-- exposes; the API keeps the same name, arguments, defaults, result and comment as a one-line
-- SECURITY INVOKER function in `public` that calls it. `alter function ... set schema` moves
-- each body unchanged (they name every object with its schema), with its owner and settings;
-- its grants are then restated explicitly, as are the wrapper's. Behaviour, errors and who may
-- call what do not change: the wrapper runs as the caller, the body as before.

-- unlock_user ---------------------------------------------------------------------------------
alter function public.unlock_user(uuid) set schema private;
revoke all on function private.unlock_user(uuid) from public, anon, authenticated, service_role;
grant execute on function private.unlock_user(uuid) to authenticated, service_role;

create function public.unlock_user(
  user_id uuid
)
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.unlock_user(
    user_id => unlock_user.user_id
  )
$$;

revoke all on function public.unlock_user(uuid) from public, anon, authenticated, service_role;
grant execute on function public.unlock_user(uuid) to authenticated, service_role;
comment on function public.unlock_user(uuid) is
  'RPC for admins: clears a sign-in lock and the failure count of a user.';

-- get_login_state -----------------------------------------------------------------------------
alter function public.get_login_state(uuid) set schema private;
revoke all on function private.get_login_state(uuid) from public, anon, authenticated, service_role;
grant execute on function private.get_login_state(uuid) to authenticated, service_role;

create function public.get_login_state(
  user_id uuid
)
returns table (failed_attempts integer, locked_until timestamptz, last_sign_in_at timestamptz)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.get_login_state(
    user_id => get_login_state.user_id
  )
$$;

revoke all on function public.get_login_state(uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_login_state(uuid) to authenticated, service_role;
comment on function public.get_login_state(uuid) is
  'RPC for admins and the user: failed attempts, lock and last sign-in of a user.';

-- set_provider_verification -------------------------------------------------------------------
alter function public.set_provider_verification(uuid, boolean) set schema private;
revoke all on function private.set_provider_verification(uuid, boolean) from public, anon, authenticated, service_role;
grant execute on function private.set_provider_verification(uuid, boolean) to authenticated, service_role;

create function public.set_provider_verification(
  provider_id uuid,
  verified boolean
)
returns public.provider_profiles
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.set_provider_verification(
    provider_id => set_provider_verification.provider_id,
    verified => set_provider_verification.verified
  )
$$;

revoke all on function public.set_provider_verification(uuid, boolean) from public, anon, authenticated, service_role;
grant execute on function public.set_provider_verification(uuid, boolean) to authenticated, service_role;
comment on function public.set_provider_verification(uuid, boolean) is
  'RPC for admins: marks a provider verified (or not), recording who and when.';
