-- app versions and check_app_version (20260130000100): everyone reads the active releases whose
-- time has come, admins write them all; the check answers ok, update_available or
-- update_required per platform and build, for anon and signed-in callers alike.
begin;
select plan(37);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');

-- iOS: 1.0.0 (100), 1.1.0 forced (110), 1.2.0 (120) out; 1.2.5 (125) withdrawn; 1.3.0 (130) next week.
insert into public.app_versions (platform, version, build_number, is_forced_update, min_os_version, release_notes, download_url,
                                 checksum, released_at, is_active) values
  ('ios', '1.0.0', 100, false, '15.0', 'First release.', 'https://apps.apple.com/app/id1', null, now() - interval '90 days', true),
  ('ios', '1.1.0', 110, true, '15.0', 'Security fix: update now.', 'https://apps.apple.com/app/id1', null, now() - interval '30 days', true),
  ('ios', '1.2.0', 120, false, '16.0', 'Faster search.', 'https://apps.apple.com/app/id1',
   'sha256:' || repeat('ab', 32), now() - interval '1 day', true),
  ('ios', '1.2.5', 125, false, '16.0', 'Withdrawn.', 'https://apps.apple.com/app/id1', null, now() - interval '1 hour', false),
  ('ios', '1.3.0', 130, true, '16.0', 'Coming soon.', 'https://apps.apple.com/app/id1', null, now() + interval '7 days', true),
  ('android', '1.0.0', 50, false, '10', 'First release.', 'https://play.google.com/store/apps/details?id=app', null,
   now() - interval '10 days', true);

-- The check ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq(
  $$select c ->> 'status', c -> 'latest' ->> 'version', (c -> 'latest' ->> 'build_number')::integer
    from public.check_app_version('ios', 120) c$$,
  $$values ('ok', '1.2.0', 120)$$,
  'the latest build is ok: a withdrawn release and one not out yet do not count');
select is(public.check_app_version('ios', 121) ->> 'status', 'ok', 'so is a build newer than any release (a beta)');
select results_eq(
  $$select c ->> 'status', c -> 'latest' ->> 'version', c -> 'latest' ->> 'download_url', c -> 'latest' ->> 'release_notes',
           c -> 'latest' ->> 'checksum'
    from public.check_app_version('ios', 115) c$$,
  $$values ('update_available', '1.2.0', 'https://apps.apple.com/app/id1', 'Faster search.', 'sha256:' || repeat('ab', 32))$$,
  'a build behind the latest, past every forced release, may update: the answer names the latest, its URL and notes');
select results_eq(
  $$select c ->> 'status', c -> 'latest' ->> 'version' from public.check_app_version('ios', 105) c$$,
  $$values ('update_required', '1.2.0')$$,
  'a build below a released forced version must update, to the latest');
select is(public.check_app_version('android', 50) ->> 'status', 'ok', 'platforms are checked apart');
select is(public.check_app_version('web', 1), '{"status": "ok", "platform": "web", "build": 1, "min_supported_build": 0, "latest": null}'::jsonb,
  'a platform without releases is ok, with no latest');
select throws_ok($$select public.check_app_version('symbian', 1)$$, '22023', 'unknown platform symbian: one of ios, android, web',
  'an unknown platform is refused, naming the known ones');
select throws_ok($$select public.check_app_version(null, 1)$$, '22023', 'unknown platform null: one of ios, android, web',
  'so is a missing one');
select throws_ok($$select public.check_app_version('ios', -1)$$, '22023', 'build must be a build number (0 or more)',
  'and a negative build');

-- The minimum supported build (a setting, for builds no forced release covers)
select tests.clear_authentication();
update private.settings set value = '60' where key = 'apps.min_build.android';
select throws_ok($$update private.settings set value = '-1' where key = 'apps.min_build.android'$$, '22023',
  'apps.min_build.android must be between 0 and 2147483647', 'the minimum build is validated like every setting');
select tests.authenticate_as('stranger');
select results_eq(
  $$select c ->> 'status', (c ->> 'min_supported_build')::integer from public.check_app_version('android', 50) c$$,
  $$values ('update_required', 60)$$,
  'a build below the platform''s minimum supported build must update, for a signed-in caller too');
select is(public.check_app_version('ios', 105) ->> 'status', 'update_required', 'signed-in callers get the same answers');

-- A forced release counts from its release time
select tests.clear_authentication();
update public.app_versions set released_at = now() - interval '1 minute' where build_number = 130;
select tests.authenticate_as_anon();
select results_eq(
  $$select c ->> 'status', c -> 'latest' ->> 'version' from public.check_app_version('ios', 120) c$$,
  $$values ('update_required', '1.3.0')$$,
  'once a forced release is out, every build below it must update');

-- Access: anon -------------------------------------------------------------------------------------------------
select results_eq($$select build_number from public.app_versions where platform = 'ios' order by build_number$$,
  $$values (100), (110), (120), (130)$$, '[app_versions/anon/select] anon reads the active releases that are out');
select throws_ok($$insert into public.app_versions (platform, version, build_number) values ('ios', '9.9.9', 999)$$, '42501', null,
  '[app_versions/anon/insert] anon adds no release');
select throws_ok($$update public.app_versions set is_forced_update = false$$, '42501', null,
  '[app_versions/anon/update] nor changes one');
select throws_ok($$delete from public.app_versions$$, '42501', null, '[app_versions/anon/delete] nor removes one');

-- stranger
select tests.authenticate_as('stranger');
select is((select count(*)::integer from public.app_versions), 5, '[app_versions/stranger/select] users read the active releases that are out');
select throws_ok($$insert into public.app_versions (platform, version, build_number) values ('ios', '9.9.9', 999)$$, '42501', null,
  '[app_versions/stranger/insert] users add no release');
select throws_ok($$update public.app_versions set is_forced_update = false$$, '42501', null,
  '[app_versions/stranger/update] nor change one');
select throws_ok($$delete from public.app_versions$$, '42501', null, '[app_versions/stranger/delete] nor remove one');

-- admin
select tests.authenticate_as('admin');
select is((select count(*)::integer from public.app_versions), 6, '[app_versions/admin/select] admins read every release, withdrawn ones too');
select lives_ok(
  $$insert into public.app_versions (platform, version, build_number, download_url, released_at)
    values ('web', '2.0.0', 200, 'https://app.example.com', now() + interval '1 day')$$,
  '[app_versions/admin/insert] admins add releases');
select is((select count(*)::integer from public.app_versions where platform = 'web'), 1, 'and see the ones not out yet');
select is(public.check_app_version('web', 1) ->> 'status', 'ok', 'which the check ignores, even for an admin');
select lives_ok($$update public.app_versions set is_active = true, release_notes = 'Back.' where build_number = 125$$,
  '[app_versions/admin/update] admins change releases');
select lives_ok($$delete from public.app_versions where platform = 'web'$$, '[app_versions/admin/delete] and remove them');
select throws_ok($$insert into public.app_versions (platform, version, build_number) values ('ios', '1.2.1', 120)$$, '23505', null,
  'one release per platform and build number');
select throws_ok($$insert into public.app_versions (platform, version, build_number) values ('ios', '1.2.0', 121)$$, '23505', null,
  'and per platform and version');
select throws_ok($$insert into public.app_versions (platform, version, build_number) values ('ios', 'latest', 300)$$, '23514', null,
  'a version is dotted numbers (with an optional suffix)');
select throws_ok($$insert into public.app_versions (platform, version, build_number) values ('ios', '3.0.0', 0)$$, '23514', null,
  'a build number is positive');
select throws_ok(
  $$insert into public.app_versions (platform, version, build_number, download_url) values ('ios', '3.0.0', 300, 'http://x.example')$$,
  '23514', null, 'downloads are https');
select throws_ok(
  $$insert into public.app_versions (platform, version, build_number, checksum) values ('ios', '3.0.0', 300, 'md5:abc')$$,
  '23514', null, 'a checksum is sha256 or sha512 in hex');
select throws_ok($$insert into public.app_versions (platform, version, build_number) values ('blackberry', '3.0.0', 300)$$, '22P02', null,
  'a platform is one of the known ones');
select throws_ok($$select public.update_setting('apps.min_build.android', '-5')$$, '22023',
  'apps.min_build.android must be between 0 and 2147483647', 'admins change the minimum build through update_setting, within bounds');
select is((public.update_setting('apps.min_build.android', '0')).value, '0'::jsonb, 'as they do');

-- service_role
select tests.authenticate_as_service_role();
select is(public.check_app_version('android', 50) ->> 'status', 'ok', 'the check runs for the service role too');

select * from finish();
rollback;
