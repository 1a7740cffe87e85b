-- The public offering-media bucket abused (issue "Abuse-proofing", item 13; 20260114000200):
--
-- * free hosting: any signed-in user, a client too, uploaded into their own folder of a public
--   bucket, served to anyone by URL under our domain. Only providers (their own folder) and
--   admins publish there now;
-- * what a file is: a page or a script (text/html, image/svg+xml) or an oversized file written
--   with metadata that says so is refused by the policies, with the bucket's own limits
--   (file_size_limit, allowed_mime_types), which Storage also enforces on the bytes.
--
-- Uploads are made as Storage makes them for a user: its permission check inserts the row as the
-- user's role (no metadata yet), an upsert inserts or updates it, a replace updates it.
begin;
select plan(27);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('client');
select tests.create_supabase_user('collector');
select tests.grant_role('collector', 'staff', 'collector');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
-- A client's file from before the limit, and a provider's.
insert into storage.objects (bucket_id, name, owner_id, metadata) values
  ('offering-media', tests.get_supabase_uid('client') || '/flyer.pdf', tests.get_supabase_uid('client'),
   '{"size": 1024, "mimetype": "application/pdf"}'),
  ('offering-media', tests.get_supabase_uid('provider') || '/cover.jpg', tests.get_supabase_uid('provider'),
   '{"size": 4096, "mimetype": "image/jpeg"}');

-- <name> uploads <file> into the offering-media bucket with <metadata>: the row Storage writes as them.
create function pg_temp.upload(name text, file text, metadata jsonb default null) returns void language sql as $$
  insert into storage.objects (bucket_id, name, owner_id, version, metadata)
  values ('offering-media', tests.get_supabase_uid(name) || '/' || file, auth.uid()::text, gen_random_uuid()::text, metadata)
$$;
grant execute on function pg_temp.upload(text, text, jsonb) to anon, authenticated;

select results_eq(
  $$select file_size_limit, allowed_mime_types from storage.buckets where id = 'offering-media'$$,
  $$values (10485760::bigint, '{image/jpeg,image/png,image/webp,video/mp4,application/pdf}'::text[])$$,
  'the bucket takes files up to 10 MB: images, videos and PDFs, neither pages nor SVG');

-- client ----------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select throws_ok($$select pg_temp.upload('client', 'warez.jpg')$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a client cannot publish a file in the public bucket, not even in their own folder');
select throws_ok(
  $$insert into storage.objects (bucket_id, name, owner_id, version)
    values ('offering-media', tests.get_supabase_uid('client') || '/flyer.pdf', auth.uid()::text, 'v2')
    on conflict (bucket_id, name) do update set version = excluded.version$$,
  '42501', null, 'nor by an upsert over a file of their own');
select is_empty(
  $$update storage.objects set metadata = '{"size": 2048, "mimetype": "application/pdf"}', version = 'v2'
    where bucket_id = 'offering-media' and name = tests.get_supabase_uid('client') || '/flyer.pdf' returning 1$$,
  'a client cannot replace a file they uploaded before the limit');
select results_eq($$select name from storage.objects where bucket_id = 'offering-media'$$,
  $$values (tests.get_supabase_uid('client') || '/flyer.pdf')$$, 'a client still sees the files they uploaded before');
select set_config('storage.allow_delete_query', 'true', true);
select isnt_empty(
  $$delete from storage.objects where bucket_id = 'offering-media' and name = tests.get_supabase_uid('client') || '/flyer.pdf' returning 1$$,
  'and may remove them (through the Storage API)');
select set_config('storage.allow_delete_query', 'false', true);

-- staff -----------------------------------------------------------------------------------------------
select tests.authenticate_as('collector');
select throws_ok($$select pg_temp.upload('collector', 'photo.jpg')$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'staff who manage no offering cannot publish in the bucket either');

-- provider --------------------------------------------------------------------------------------------
select tests.authenticate_as('provider');
select lives_ok($$select pg_temp.upload('provider', 'studio.jpg')$$,
  'a provider uploads into their own folder (Storage''s check before the bytes: no metadata yet)');
select lives_ok($$select pg_temp.upload('provider', 'tour.mp4', '{"size": 10485760, "mimetype": "video/mp4"}')$$,
  'a provider writes a file the bucket takes, up to its limit exactly');
select throws_ok($$select pg_temp.upload('provider', 'big.mp4', '{"size": 10485761, "mimetype": "video/mp4"}')$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a file over the bucket''s size limit is refused');
select throws_ok($$select pg_temp.upload('provider', 'login.html', '{"size": 900, "mimetype": "text/html"}')$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a web page is refused: no phishing pages served from our domain');
select throws_ok($$select pg_temp.upload('provider', 'logo.svg', '{"size": 900, "mimetype": "image/svg+xml"}')$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'an SVG (which can carry script) is refused');
select throws_ok($$select pg_temp.upload('provider', 'x.jpg', '{"size": "10", "mimetype": "image/jpeg"}')$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a size that is not a number is refused, not an error');
select throws_ok($$select pg_temp.upload('provider', 'y.jpg', '{"size": -1, "mimetype": "image/jpeg"}')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'a negative size is refused');
select throws_ok($$select pg_temp.upload('provider', 'z.jpg', '{"size": 10, "mimetype": ["image/jpeg"]}')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'a mimetype that is not a string is refused');
select throws_ok(
  $$update storage.objects set metadata = '{"size": 52428800, "mimetype": "image/jpeg"}'
    where bucket_id = 'offering-media' and name = tests.get_supabase_uid('provider') || '/cover.jpg'$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'replacing a file with one over the limit is refused');
select throws_ok(
  $$update storage.objects set metadata = '{"size": 4096, "mimetype": "text/html"}'
    where bucket_id = 'offering-media' and name = tests.get_supabase_uid('provider') || '/cover.jpg'$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'replacing a file with a page is refused');
select isnt_empty(
  $$update storage.objects set metadata = '{"size": 8192, "mimetype": "image/webp"}', version = 'v2'
    where bucket_id = 'offering-media' and name = tests.get_supabase_uid('provider') || '/cover.jpg' returning 1$$,
  'a provider replaces their file with one the bucket takes');
select throws_ok($$select pg_temp.upload('client', 'planted.jpg')$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a provider cannot publish into a client''s folder');

-- The limits are the bucket's own: lowered there, lowered for uploads.
select tests.clear_authentication();
update storage.buckets set file_size_limit = 1048576, allowed_mime_types = '{image/*}' where id = 'offering-media';
select tests.authenticate_as('provider');
select throws_ok($$select pg_temp.upload('provider', 'photo.jpg', '{"size": 2097152, "mimetype": "image/jpeg"}')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'the size limit is read from the bucket');
select lives_ok($$select pg_temp.upload('provider', 'photo.avif', '{"size": 1000, "mimetype": "image/avif"}')$$,
  'a type/* entry of the bucket takes every subtype, as Storage matches it');
select throws_ok($$select pg_temp.upload('provider', 'brochure.pdf', '{"size": 1000, "mimetype": "application/pdf"}')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'and the types too');
select tests.clear_authentication();
update storage.buckets set file_size_limit = 10485760, allowed_mime_types = '{image/jpeg,image/png,image/webp,video/mp4,application/pdf}'
where id = 'offering-media';
select is(private.fits_storage_bucket('no-such-bucket', null), false, 'no bucket, no fit');

-- admin -----------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select lives_ok($$select pg_temp.upload('provider', 'moderated.png', '{"size": 2048, "mimetype": "image/png"}')$$,
  'admins publish in any folder');
select throws_ok($$select pg_temp.upload('provider', 'huge.png', '{"size": 10485761, "mimetype": "image/png"}')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'within the bucket''s limits too');
select throws_ok($$select pg_temp.upload('admin', 'page.html', '{"size": 10, "mimetype": "text/html"}')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'and only the types it takes');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select pg_temp.upload('provider', 'anon.jpg')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'visitors cannot publish');

select * from finish();
rollback;
