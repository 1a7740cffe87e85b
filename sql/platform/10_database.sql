-- Stand-in for the per-database set-up of the Supabase image: schema privileges, the
-- `extensions` schema and the extensions Supabase pre-installs, default privileges on public,
-- the realtime publication. Run as supabase_admin in the database being prepared.

do $$
begin
  execute format('grant create, connect, temporary on database %I to postgres', current_database());
end
$$;

-- PG15 leaves public to pg_database_owner; Supabase gives it to postgres.
alter schema public owner to postgres;
grant usage on schema public to postgres, anon, authenticated, service_role;

-- The image grants what postgres or supabase_admin create in public to the API roles by
-- default; since 2026-10-30 the platform (and the CLI) revokes postgres's defaults again,
-- so every migration grants what each role needs explicitly (the three revokes below).
alter default privileges for role postgres in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke all on tables from anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke all on sequences from anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke all on functions from anon, authenticated, service_role;

-- Extensions live in their own schema. Supabase pre-installs these; the others it offers
-- (btree_gist, citext, pg_trgm, ...) are trusted, so postgres enables them itself with
-- `create extension ... with schema extensions`.
create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
grant all on schema extensions to postgres with grant option;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists pg_stat_statements with schema extensions;

-- Supabase's Realtime listens to this publication; migrations add tables to it.
do $$
begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;
alter publication supabase_realtime owner to postgres;

-- pg_cron, where the machine has it: Supabase creates it in pg_catalog and lets postgres
-- use the cron schema.
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_cron')
     and current_setting('shared_preload_libraries') like '%pg_cron%'
     and current_database() = current_setting('cron.database_name', true) then
    create extension if not exists pg_cron with schema pg_catalog;
    grant usage on schema cron to postgres;
    grant all on all tables in schema cron to postgres;
  end if;
end
$$;

-- pgTAP for `supabase test db`: on Supabase, supautils lets postgres create it and runs
-- the script as the superuser, so its functions stay executable by every role. Creating
-- it here as supabase_admin gives the same result.
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pgtap') then
    create extension if not exists pgtap with schema extensions;
  end if;
end
$$;

-- On Supabase the database belongs to postgres.
do $$
begin
  execute format('alter database %I owner to postgres', current_database());
end
$$;

-- graphql_public: the schema PostgREST exposes for GraphQL over RPC. Supabase's image
-- creates it with graphql_public.graphql(), which answers through pg_graphql when that
-- extension is enabled and with this error when not (pg_graphql is not on these machines).
create schema if not exists graphql_public;
grant usage on schema graphql_public to postgres, anon, authenticated, service_role;
create or replace function graphql_public.graphql(
  "operationName" text default null,
  query text default null,
  variables jsonb default null,
  extensions jsonb default null
)
returns jsonb
language sql
as $$
  select jsonb_build_object('errors', jsonb_build_array(jsonb_build_object(
    'message', 'pg_graphql extension is not enabled.')));
$$;
grant execute on function graphql_public.graphql(text, text, jsonb, jsonb) to postgres, anon, authenticated, service_role;
