-- offering_media and the offering-media Storage bucket: media read as their offering is and
-- written by its managers; in the bucket everyone reads, a user writes only under a folder
-- named by their own id, admins anywhere.
begin;
select plan(51);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('stranger', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
insert into public.provider_profiles (user_id, kind)
values (tests.get_supabase_uid('owner'), 'consultant'), (tests.get_supabase_uid('stranger'), 'consultant');
insert into public.categories (slug, name) values ('consulting', 'Consulting'), ('lab', 'Lab tests');

-- Offerings: 1 market study (owner, active), 2 strategy review (owner, draft), 3 canine CBC (platform, active).
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location, scheduled_on)
select o.id::uuid, case o.who when 'platform' then null else tests.get_supabase_uid(o.who) end,
       (select id from public.categories c where c.slug = o.category), o.kind::public.offering_kind, o.title, 10000, 'USD', 60,
       o.status::public.offering_status, o.location::public.offering_location, o.scheduled_on::public.schedule_owner
from (values
  ('30000000-0000-0000-0000-000000000001', 'owner', 'consulting', 'service', 'Market study', 'active', 'online', 'provider'),
  ('30000000-0000-0000-0000-000000000002', 'owner', 'consulting', 'service', 'Strategy review', 'draft', 'online', 'provider'),
  ('30000000-0000-0000-0000-000000000003', 'platform', 'lab', 'lab_test', 'Canine CBC', 'active', 'client_site', 'collector')
) as o (id, who, category, kind, title, status, location, scheduled_on);
insert into public.offering_media (offering_id, kind, object_path, sort_order)
values ('30000000-0000-0000-0000-000000000001', 'image', tests.get_supabase_uid('owner') || '/market.jpg', 0),
       ('30000000-0000-0000-0000-000000000002', 'image', tests.get_supabase_uid('owner') || '/review.jpg', 0);
insert into storage.objects (bucket_id, name, owner_id)
values ('offering-media', tests.get_supabase_uid('owner') || '/market.jpg', tests.get_supabase_uid('owner'));
insert into storage.buckets (id, name, public) values ('other-bucket', 'other-bucket', false);

select results_eq(
  $$select public, file_size_limit, 'image/webp' = any (allowed_mime_types) from storage.buckets where id = 'offering-media'$$,
  $$values (true, 10485760::bigint, true)$$, 'the offering-media bucket is public, up to 10 MB, images, videos and PDFs');

-- owner (the provider) ------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select throws_ok(
  $$delete from storage.objects where bucket_id = 'offering-media'$$,
  '42501', 'Direct deletion from storage tables is not allowed. Use the Storage API instead.',
  'a delete by SQL rather than through the Storage API is refused (storage-api''s guard)');
-- The deletes below stand for the Storage API's own, which set storage-api's delete flag.
select set_config('storage.allow_delete_query', 'true', true);
select results_eq(
  $$select object_path from public.offering_media order by object_path$$,
  $$values (tests.get_supabase_uid('owner') || '/market.jpg'), (tests.get_supabase_uid('owner') || '/review.jpg')$$,
  '[offering_media/owner/select] a provider reads the media of their own offerings, drafts too');
select lives_ok(
  $$insert into public.offering_media (offering_id, kind, object_path, alt_text, sort_order)
    values ('30000000-0000-0000-0000-000000000001', 'document', tests.get_supabase_uid('owner') || '/brochure.pdf', 'Brochure', 1)$$,
  '[offering_media/owner/insert] a provider adds a document to their own offering');
select isnt_empty(
  $$update public.offering_media set sort_order = 2, alt_text = 'Our brochure'
    where object_path = tests.get_supabase_uid('owner') || '/brochure.pdf' returning 1$$,
  '[offering_media/owner/update] a provider reorders and describes their own media');
select throws_ok(
  $$insert into public.offering_media (offering_id, object_path) values ('30000000-0000-0000-0000-000000000001', 'brochure.pdf')$$,
  '23514', 'new row for relation "offering_media" violates check constraint "offering_media_object_path_format"',
  'a media path outside an uploader''s folder is refused');
select throws_ok(
  $$insert into public.offering_media (offering_id, object_path)
    values ('30000000-0000-0000-0000-000000000001', tests.get_supabase_uid('owner') || '/market.jpg')$$,
  '23505', null, 'an object shows once per offering');
select throws_ok(
  $$insert into public.offering_media (offering_id, object_path)
    values ('30000000-0000-0000-0000-000000000003', tests.get_supabase_uid('owner') || '/cbc.jpg')$$,
  '42501', 'new row violates row-level security policy for table "offering_media"',
  'a provider cannot add media to a platform item');

select lives_ok(
  $$insert into storage.objects (bucket_id, name, owner_id)
    values ('offering-media', tests.get_supabase_uid('owner') || '/brochure.pdf', auth.uid()::text)$$,
  'a user uploads into their own folder of the offering-media bucket');
select throws_ok(
  $$insert into storage.objects (bucket_id, name, owner_id)
    values ('offering-media', tests.get_supabase_uid('stranger') || '/planted.jpg', auth.uid()::text)$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a user cannot upload into another user''s folder');
select throws_ok(
  $$insert into storage.objects (bucket_id, name, owner_id) values ('offering-media', 'loose.jpg', auth.uid()::text)$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a user cannot upload at the root of the bucket');
select throws_ok(
  $$insert into storage.objects (bucket_id, name, owner_id)
    values ('offering-media', 'shared/' || tests.get_supabase_uid('owner') || '/x.jpg', auth.uid()::text)$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a user''s folder counts only as the first folder of the path');
select throws_ok(
  $$insert into storage.objects (bucket_id, name, owner_id)
    values ('other-bucket', tests.get_supabase_uid('owner') || '/x.jpg', auth.uid()::text)$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'the own-folder rule opens the offering-media bucket only');
select isnt_empty(
  $$update storage.objects set metadata = '{"size": 2048}'
    where bucket_id = 'offering-media' and name = tests.get_supabase_uid('owner') || '/market.jpg' returning 1$$,
  'a user replaces an object in their own folder');
select throws_ok(
  $$update storage.objects set name = tests.get_supabase_uid('stranger') || '/market.jpg'
    where bucket_id = 'offering-media' and name = tests.get_supabase_uid('owner') || '/market.jpg'$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a user cannot move an object into another user''s folder');
select results_eq(
  $$select name from storage.objects where bucket_id = 'offering-media' order by name$$,
  $$values (tests.get_supabase_uid('owner') || '/brochure.pdf'), (tests.get_supabase_uid('owner') || '/market.jpg')$$,
  'a user lists the files of their own folder (Storage reads the row to replace a file)');

-- stranger (another provider) ----------------------------------------------------------------------
select tests.authenticate_as('stranger');
select results_eq(
  $$select offering_id from public.offering_media
    where offering_id in ('30000000-0000-0000-0000-000000000001', '30000000-0000-0000-0000-000000000002') order by sort_order$$,
  $$values ('30000000-0000-0000-0000-000000000001'::uuid), ('30000000-0000-0000-0000-000000000001'::uuid)$$,
  '[offering_media/stranger/select] a user reads the media of active offerings only');
select throws_ok(
  $$insert into public.offering_media (offering_id, object_path)
    values ('30000000-0000-0000-0000-000000000001', tests.get_supabase_uid('stranger') || '/ad.jpg')$$,
  '42501', 'new row violates row-level security policy for table "offering_media"',
  '[offering_media/stranger/insert] a user cannot add media to another provider''s offering');
select is_empty($$update public.offering_media set sort_order = 9 returning 1$$,
  '[offering_media/stranger/update] a user cannot reorder another provider''s media');
select is_empty($$delete from public.offering_media returning 1$$,
  '[offering_media/stranger/delete] a user cannot remove another provider''s media');

select is_empty(
  $$select name from storage.objects where bucket_id = 'offering-media'$$,
  'a user cannot list another user''s files in the public bucket (advisor 0025: files are served by URL)');
select is_empty(
  $$update storage.objects set metadata = '{"size": 1}'
    where bucket_id = 'offering-media' and name = tests.get_supabase_uid('owner') || '/market.jpg' returning 1$$,
  'a user cannot overwrite another user''s object');
select throws_ok(
  $$insert into storage.objects (bucket_id, name, owner_id)
    values ('offering-media', tests.get_supabase_uid('owner') || '/market.jpg', auth.uid()::text)$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a user cannot overwrite another user''s object by uploading to its path');
select is_empty(
  $$delete from storage.objects where bucket_id = 'offering-media' and name = tests.get_supabase_uid('owner') || '/market.jpg' returning 1$$,
  'a user cannot delete another user''s object');
select lives_ok(
  $$insert into storage.objects (bucket_id, name, owner_id)
    values ('offering-media', tests.get_supabase_uid('stranger') || '/workshop.jpg', auth.uid()::text)$$,
  'another user uploads into their own folder');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select offering_id from public.offering_media order by sort_order$$,
  $$values ('30000000-0000-0000-0000-000000000001'::uuid), ('30000000-0000-0000-0000-000000000001'::uuid)$$,
  '[offering_media/anon/select] visitors read the media of active offerings only');
select throws_ok(
  $$insert into public.offering_media (offering_id, object_path)
    values ('30000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000000/x.jpg')$$,
  '42501', null, '[offering_media/anon/insert] visitors cannot add media');
select throws_ok($$update public.offering_media set sort_order = 9$$, '42501', null, '[offering_media/anon/update] visitors cannot reorder media');
select throws_ok($$delete from public.offering_media$$, '42501', null, '[offering_media/anon/delete] visitors cannot remove media');

select is_empty($$select * from storage.objects where bucket_id = 'offering-media'$$,
  'visitors cannot list the files of the public bucket (advisor 0025: files are served by URL)');
select is_empty($$select * from storage.objects where bucket_id = 'other-bucket'$$,
  'the public read rule opens the offering-media bucket only');
select throws_ok(
  $$insert into storage.objects (bucket_id, name) values ('offering-media', '00000000-0000-0000-0000-000000000000/x.jpg')$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'visitors cannot upload');
select is_empty($$update storage.objects set metadata = '{}' where bucket_id = 'offering-media' returning 1$$,
  'visitors cannot replace objects');
select is_empty($$delete from storage.objects where bucket_id = 'offering-media' returning 1$$, 'visitors cannot delete objects');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select results_eq(
  $$select object_path from public.offering_media where offering_id = '30000000-0000-0000-0000-000000000002'$$,
  $$values (tests.get_supabase_uid('owner') || '/review.jpg')$$, '[offering_media/admin/select] admins read the media of drafts too');
select lives_ok(
  $$insert into storage.objects (bucket_id, name, owner_id)
    values ('offering-media', tests.get_supabase_uid('admin') || '/cbc.jpg', auth.uid()::text)$$,
  'admins upload into their own folder');
select lives_ok(
  $$insert into public.offering_media (offering_id, object_path, alt_text)
    values ('30000000-0000-0000-0000-000000000003', tests.get_supabase_uid('admin') || '/cbc.jpg', 'Blood tube')$$,
  '[offering_media/admin/insert] admins add media to a platform item');
select isnt_empty(
  $$update public.offering_media set sort_order = 5 where offering_id = '30000000-0000-0000-0000-000000000001' returning 1$$,
  '[offering_media/admin/update] admins reorder any provider''s media');
select isnt_empty(
  $$delete from public.offering_media where offering_id = '30000000-0000-0000-0000-000000000002' returning 1$$,
  '[offering_media/admin/delete] admins remove any provider''s media');
select lives_ok(
  $$insert into storage.objects (bucket_id, name, owner_id)
    values ('offering-media', tests.get_supabase_uid('owner') || '/moderated.jpg', auth.uid()::text)$$,
  'admins upload into any user''s folder');
select isnt_empty(
  $$update storage.objects set metadata = '{"moderated": true}'
    where bucket_id = 'offering-media' and name = tests.get_supabase_uid('stranger') || '/workshop.jpg' returning 1$$,
  'admins replace any user''s object');
select isnt_empty(
  $$delete from storage.objects where bucket_id = 'offering-media' and name = tests.get_supabase_uid('stranger') || '/workshop.jpg' returning 1$$,
  'admins delete any user''s object');
select throws_ok(
  $$insert into storage.objects (bucket_id, name, owner_id) values ('other-bucket', 'x/y.jpg', auth.uid()::text)$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'the admins'' rule of this bucket opens no other bucket');
select results_eq(
  $$select count(*)::int from storage.objects where bucket_id = 'offering-media'$$, $$values (4)$$,
  'admins list every file of the offering-media bucket');

-- owner, last: a provider removes their own media and objects ----------------------------------------
select tests.authenticate_as('owner');
select isnt_empty(
  $$delete from public.offering_media where object_path = tests.get_supabase_uid('owner') || '/brochure.pdf' returning 1$$,
  '[offering_media/owner/delete] a provider removes media from their own offering');
select isnt_empty(
  $$delete from storage.objects where bucket_id = 'offering-media' and name = tests.get_supabase_uid('owner') || '/brochure.pdf' returning 1$$,
  'a user deletes an object from their own folder');
select isnt_empty(
  $$delete from storage.objects where bucket_id = 'offering-media' and name = tests.get_supabase_uid('owner') || '/moderated.jpg' returning 1$$,
  'a user deletes an object an admin put in their folder');
select is_empty(
  $$delete from storage.objects where bucket_id = 'offering-media' and name = tests.get_supabase_uid('admin') || '/cbc.jpg' returning 1$$,
  'a user cannot delete an admin''s object');

select tests.authenticate_as('admin');
select isnt_empty($$delete from public.offerings where id = '30000000-0000-0000-0000-000000000001' returning 1$$,
  'an admin deletes an offering with media');
select is_empty($$select * from public.offering_media where offering_id = '30000000-0000-0000-0000-000000000001'$$,
  'no media row outlives its offering');
select isnt_empty(
  $$select * from storage.objects where bucket_id = 'offering-media' and name = tests.get_supabase_uid('owner') || '/market.jpg'$$,
  'the stored object stays with its uploader when the offering goes');

select * from finish();
rollback;
