-- Stand-in for the roles the Supabase Postgres image creates (cluster-wide, idempotent).
--
-- Run as the cluster's superuser (supabase_admin, as on Supabase). None of this is ours:
-- it mirrors supabase/postgres's init scripts so that migrations that pass here pass there.
-- On a real Supabase database these roles already exist and this file is never run.

do $$
declare
  r record;
begin
  for r in
    select *
    from (values
      -- name,                        attributes
      ('postgres',                   'login createrole createdb replication bypassrls'),
      ('anon',                       'nologin noinherit'),
      ('authenticated',              'nologin noinherit'),
      ('service_role',               'nologin noinherit bypassrls'),
      ('authenticator',              'login noinherit'),
      ('supabase_auth_admin',        'login noinherit createrole'),
      ('supabase_storage_admin',     'login noinherit createrole'),
      ('supabase_realtime_admin',    'nologin noinherit'),
      ('supabase_replication_admin', 'login replication'),
      ('supabase_read_only_user',    'login bypassrls'),
      ('dashboard_user',             'nologin createrole createdb replication'),
      ('pgbouncer',                  'login')
    ) as roles (name, attributes)
  loop
    if not exists (select 1 from pg_roles where rolname = r.name) then
      execute format('create role %I with %s', r.name, r.attributes);
    else
      execute format('alter role %I with %s', r.name, r.attributes);
    end if;
  end loop;
end
$$;

-- Local passwords only: the throwaway cluster listens on 127.0.0.1.
alter role postgres with password 'postgres';
alter role authenticator with password 'postgres';
alter role supabase_auth_admin with password 'postgres';
alter role supabase_storage_admin with password 'postgres';

-- PostgREST logs in as authenticator and switches to the role named by the JWT.
grant anon, authenticated, service_role to authenticator;
-- The dashboard and the CLI's test runner act as postgres and switch the same way.
grant anon, authenticated, service_role to postgres;
grant pg_read_all_data to supabase_read_only_user;

-- Short statement timeouts for API roles, as on Supabase. PostgREST logs in as
-- authenticator, whose own settings apply to every request; it then applies the switched-to
-- role's statement_timeout as well.
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
alter role postgres set search_path = "$user", public, extensions;
alter role supabase_auth_admin set search_path = auth;
alter role supabase_storage_admin set search_path = storage;
