-- identity: a Postgres role of their own for admins, so that their access stops slowing
-- everyone else's reads (issue 12).
--
-- Frontends read lists without an owner filter (`from('bookings').select('*').limit(20)`)
-- and RLS supplies it. A policy like `client_id = auth.uid() or provider_id = auth.uid() or
-- (select private.is_admin())` cannot use the owners' indexes: the admin arm is only known
-- when the query runs, so the planner reads the whole table (250 ms at 2,000,000 bookings,
-- bench/reads). The planner does know the role, and applies only the policies of the
-- current role: admins get their own, marketbase_admin, which the access-token hook writes
-- into an admin's token and PostgREST switches to, as it does to authenticated. The
-- authenticated policies then name owners only (20260111000100-0400) and admins keep their
-- access through one policy per table and command to marketbase_admin.
--
-- marketbase_admin is a member of authenticated (INHERIT): an admin has every privilege and
-- every policy a signed-in user has, plus the admin policies. authenticator switches to it
-- (PostgREST), postgres too (tests, the dashboard), and so does supabase_storage_admin
-- (Storage sets the token's role for a request). The role is cluster-wide: created once.

do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'marketbase_admin') then
    create role marketbase_admin nologin inherit;
  end if;
end
$$;

grant authenticated to marketbase_admin;
grant marketbase_admin to authenticator;
grant marketbase_admin to postgres;
alter role marketbase_admin set statement_timeout = '8s';

-- Storage switches to the token's role: on Supabase, postgres may not be allowed to grant to
-- the storage service's role (ask support, or keep admins' uploads on the service role).
do $$
begin
  grant marketbase_admin to supabase_storage_admin;
exception when insufficient_privilege or undefined_object then
  raise notice 'marketbase_admin could not be granted to supabase_storage_admin: admins'' Storage requests will be refused until it is';
end
$$;

comment on role marketbase_admin is
  'Admins'' API role: the access-token hook puts it in an admin''s token; a member of authenticated, with its own policies.';

create or replace function public.custom_access_token_hook(event jsonb)
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

  -- Admins act as marketbase_admin: PostgREST, Storage and Realtime switch to the role the
  -- token names. Only a signed-in (not anonymous) user's role changes.
  if claims ->> 'role' = 'authenticated' and claims -> 'user_roles' ? 'admin' then
    claims := claims || jsonb_build_object('role', 'marketbase_admin');
  end if;

  -- A refresh is not a sign-in.
  if coalesce(event ->> 'authentication_method', '') <> 'token_refresh' then
    insert into private.login_states as s (user_id, last_sign_in_at)
    values (token_user_id, now())
    on conflict (user_id) do update set last_sign_in_at = now(), failed_attempts = 0, locked_until = null;
  end if;

  return jsonb_build_object('claims', claims);
end
$$;

comment on function public.custom_access_token_hook(jsonb) is
  'Supabase Auth custom access token hook: refuses locked accounts, adds user_roles and staff_roles claims, makes an admin''s role marketbase_admin, records the sign-in.';
