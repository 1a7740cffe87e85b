-- identity: the RPCs answer "not found" and "slot taken" with the statuses frontends expect.
--
-- Each wrapper of 20260109* becomes plpgsql: it forwards its arguments to the body in
-- `private` as before and re-raises P0002 as PT404 and 23P01 as PT409 (PostgREST: 404, 409)
-- through private.raise_for_postgrest (20260110000100). Signature, result, grants and the
-- API comment stay; comments that name the codes are restated with the new ones.

-- unlock_user -----------------------------------------------------------------------------------
create or replace function public.unlock_user(
  user_id uuid
)
returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  perform private.unlock_user(
    user_id => unlock_user.user_id
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- get_login_state -------------------------------------------------------------------------------
create or replace function public.get_login_state(
  user_id uuid
)
returns table (failed_attempts integer, locked_until timestamptz, last_sign_in_at timestamptz)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return query select * from private.get_login_state(
    user_id => get_login_state.user_id
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

-- set_provider_verification ---------------------------------------------------------------------
create or replace function public.set_provider_verification(
  provider_id uuid,
  verified boolean
)
returns public.provider_profiles
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.set_provider_verification(
    provider_id => set_provider_verification.provider_id,
    verified => set_provider_verification.verified
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;
