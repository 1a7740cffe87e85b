-- lifecycle and insight / app versions (issue 19, seed 004's AppVersion): the releases of the
-- mobile and web apps per platform, and public.check_app_version(), which an app calls at start
-- (signed in or not) to learn whether it may go on, should offer an update, or must update.
--
-- An app must update when a forced release newer than its build is out, or when its build is
-- below the platform's minimum supported build (the setting apps.min_build.<platform>, for an
-- old build that no forced release covers, e.g. after a security fix shipped unforced). Only
-- active releases whose released_at has come count, for the check and for everyone's reads;
-- admins see and write them all.

create type public.app_platform as enum ('ios', 'android', 'web');

create table public.app_versions (
  id uuid primary key default gen_random_uuid(),
  platform public.app_platform not null,
  version text not null
    constraint app_versions_version_format check (version ~ '^[0-9]+(\.[0-9]+){0,3}([-+][0-9A-Za-z.-]{1,40})?$'),
  build_number integer not null constraint app_versions_build_number_positive check (build_number > 0),
  is_forced_update boolean not null default false,
  min_os_version text constraint app_versions_min_os_version_format check (min_os_version ~ '^[0-9]+(\.[0-9]+){0,3}$'),
  max_os_version text constraint app_versions_max_os_version_format check (max_os_version ~ '^[0-9]+(\.[0-9]+){0,3}$'),
  release_notes text constraint app_versions_release_notes_length check (char_length(release_notes) <= 5000),
  download_url text
    constraint app_versions_download_url_format check (char_length(download_url) <= 2000 and download_url ~ '^https://[^\s/?#]+[^\s]*$'),
  file_size bigint constraint app_versions_file_size_positive check (file_size > 0),
  checksum text constraint app_versions_checksum_format check (checksum ~ '^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$'),
  device_requirements jsonb not null default '{}'
    constraint app_versions_device_requirements_object check (jsonb_typeof(device_requirements) = 'object'),
  released_at timestamptz not null default now(),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint app_versions_build_unique unique (platform, build_number),
  constraint app_versions_version_unique unique (platform, version)
);

-- What everyone reads and what the check looks for: a platform's active releases by build.
create index app_versions_active_idx on public.app_versions (platform, build_number desc, released_at) where is_active;

comment on table public.app_versions is
  'Releases of the apps per platform. Read: everyone, the active ones released so far. Write: admins. Apps ask public.check_app_version() rather than reading it.';
comment on column public.app_versions.build_number is 'The monotonic build number (iOS CFBundleVersion, Android versionCode): what the check compares.';
comment on column public.app_versions.is_forced_update is 'Every build below this one must update once it is released.';
comment on column public.app_versions.checksum is 'Of the download: sha256:<64 hex> or sha512:<128 hex>.';
comment on column public.app_versions.released_at is 'When it counts: before it, nobody but admins sees it and the check ignores it.';

create trigger set_updated_at before update on public.app_versions for each row execute function private.tg_set_updated_at();

alter table public.app_versions enable row level security;

revoke all on table public.app_versions from anon, authenticated;
grant select on table public.app_versions to anon, authenticated;
grant select, insert, update, delete on table public.app_versions to marketbase_admin, service_role;

create policy "anyone can read the released active versions"
  on public.app_versions for select to anon, authenticated using (is_active and released_at <= now());
create policy "admins can read every version"
  on public.app_versions for select to marketbase_admin using ((select private.is_admin()));
create policy "admins can add versions"
  on public.app_versions for insert to marketbase_admin with check ((select private.is_admin()));
create policy "admins can change versions"
  on public.app_versions for update to marketbase_admin
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins can remove versions"
  on public.app_versions for delete to marketbase_admin using ((select private.is_admin()));

-- The minimum supported build per platform ----------------------------------------------------------
insert into private.settings (key, value, description, value_type, category, min_value, max_value) values
  ('apps.min_build.ios', '0', 'iOS builds below this must update, whatever the releases say (0: none).', 'integer', 'apps', 0, 2147483647),
  ('apps.min_build.android', '0', 'Android builds below this must update, whatever the releases say (0: none).', 'integer', 'apps', 0, 2147483647),
  ('apps.min_build.web', '0', 'Web builds below this must reload, whatever the releases say (0: none).', 'integer', 'apps', 0, 2147483647);

-- Security definer: anon calls the check, and may not read private settings.
create function private.min_supported_build(platform public.app_platform)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((private.setting('apps.min_build.' || platform::text))::integer, 0)
$$;

revoke all on function private.min_supported_build(public.app_platform) from public;
grant execute on function private.min_supported_build(public.app_platform) to anon, authenticated, service_role;

comment on function private.min_supported_build(public.app_platform) is
  'The setting apps.min_build.<platform>: builds below it must update (0 when unset).';

-- The check ------------------------------------------------------------------------------------------
create function public.check_app_version(platform text, build integer)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  known public.app_platform;
  latest public.app_versions;
  min_build integer;
  forced boolean;
begin
  if platform is null or not (platform = any (enum_range(null::public.app_platform)::text[])) then
    raise exception 'unknown platform %: one of %', coalesce(platform, 'null'),
      array_to_string(enum_range(null::public.app_platform)::text[], ', ') using errcode = '22023';
  end if;
  if build is null or build < 0 then
    raise exception 'build must be a build number (0 or more)' using errcode = '22023';
  end if;
  known := platform::public.app_platform;
  min_build := private.min_supported_build(known);

  -- As the caller: RLS leaves the active releases whose time has come.
  select * into latest from public.app_versions v
  where v.platform = known and v.is_active and v.released_at <= now()
  order by v.build_number desc limit 1;
  forced := exists (
    select 1 from public.app_versions v
    where v.platform = known and v.is_active and v.released_at <= now() and v.is_forced_update and v.build_number > build);

  return jsonb_build_object(
    'status', case when forced or build < min_build then 'update_required'
                   when latest.build_number > build then 'update_available'
                   else 'ok' end,
    'platform', known,
    'build', build,
    'min_supported_build', min_build,
    'latest', case when latest.id is not null then jsonb_build_object(
      'version', latest.version, 'build_number', latest.build_number, 'download_url', latest.download_url,
      'release_notes', latest.release_notes, 'min_os_version', latest.min_os_version, 'checksum', latest.checksum,
      'file_size', latest.file_size, 'is_forced_update', latest.is_forced_update, 'released_at', latest.released_at) end);
end
$$;

revoke all on function public.check_app_version(text, integer) from public;
grant execute on function public.check_app_version(text, integer) to anon, authenticated, service_role;

comment on function public.check_app_version(text, integer) is
  'For an app at start: {status: ok | update_available | update_required, platform, build, min_supported_build, latest: {version, build_number, download_url, release_notes, min_os_version, checksum, file_size, is_forced_update, released_at} or null}. update_required when a released forced version is newer than build or build is below apps.min_build.<platform>. 22023 for an unknown platform or a negative build.';
