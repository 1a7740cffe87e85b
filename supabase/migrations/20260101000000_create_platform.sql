-- platform: the schemas, extensions and helpers every other module stands on.
--
-- * private: internals (helpers, triggers, security state). Never exposed by the API; the
--   API roles get USAGE only so that policies can call the helpers granted to them.
-- * service: the RPC surface of the Lambdas. Exposed by PostgREST (config.toml), EXECUTE
--   for service_role alone.
-- * functions are not executable by PUBLIC by default: each one grants its own callers.

create extension if not exists btree_gist with schema extensions;
create extension if not exists citext with schema extensions;
create extension if not exists pg_trgm with schema extensions;

create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to anon, authenticated, service_role;

create schema if not exists service;
revoke all on schema service from public;
grant usage on schema service to service_role;

-- Postgres grants EXECUTE on every new function to PUBLIC; we grant per function instead.
alter default privileges for role postgres revoke execute on functions from public;
alter default privileges for role postgres in schema public revoke execute on functions from anon, authenticated;
alter default privileges for role postgres in schema service grant execute on functions to service_role;

-- updated_at ---------------------------------------------------------------------------------

create function private.tg_set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

comment on function private.tg_set_updated_at() is
  'Trigger: stamps updated_at on every update.';

-- settings ----------------------------------------------------------------------------------

-- Tunables the SQL rules read (lockout thresholds, hold minutes, ...). Private: admins
-- change them through RPCs, the API never sees the table.
create table private.settings (
  key text primary key,
  value jsonb not null,
  description text not null,
  updated_at timestamptz not null default now()
);

create trigger set_updated_at
  before update on private.settings
  for each row execute function private.tg_set_updated_at();

-- Security definer: the rules that read a setting run as many roles (service_role, the
-- auth hooks' supabase_auth_admin, users through RPCs); none of them may read the table.
create function private.setting(setting_key text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select s.value from private.settings s where s.key = setting_key
$$;

grant execute on function private.setting(text) to authenticated, service_role;

comment on function private.setting(text) is
  'The value of one private setting, or null when unset.';
