-- booking_documents and the private Storage bucket booking-documents: the booking's client,
-- provider and collector (and admins) read and add files under `<booking id>/...`; the
-- uploader and admins remove them; nobody else sees or writes anything.
begin;
set local time zone 'UTC';
select plan(43);
select tests.start_with_empty_marketplace();
-- The deletes below stand for the Storage API's own, which set storage-api's delete flag.
select set_config('storage.allow_delete_query', 'true', true);

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('owner');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('lab', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('collector');
select tests.grant_role('admin', 'admin');
select tests.grant_role('collector', 'staff', 'collector');
insert into public.provider_profiles (user_id, kind)
values (tests.get_supabase_uid('provider'), 'consultant'), (tests.get_supabase_uid('lab'), 'lab');
insert into public.categories (id, slug, name) values
  ('ca000000-0000-4000-8000-000000000001', 'consulting', 'Consulting'),
  ('ca000000-0000-4000-8000-000000000002', 'pet-lab', 'Pet lab');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location, scheduled_on)
values
  ('0f000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), 'ca000000-0000-4000-8000-000000000001',
   'service', 'Vet consultation', 6000, 'GBP', 30, 'active', 'online', 'provider'),
  ('0f000000-0000-4000-8000-000000000011', tests.get_supabase_uid('lab'), 'ca000000-0000-4000-8000-000000000002',
   'lab_test', 'Complete blood count', 4500, 'GBP', 30, 'active', 'client_site', 'collector');
insert into public.service_areas (provider_id, name, country_code, postal_codes)
values (tests.get_supabase_uid('lab'), 'East London', 'GB', '{EC2A1AA}');
insert into public.addresses (id, user_id, line1, city, postal_code, country_code)
values ('aa000000-0000-4000-8000-000000000001', tests.get_supabase_uid('owner'), '2 Home Row', 'London', 'EC2A 1AA', 'GB');
insert into public.schedules (user_id, timezone, min_notice_minutes)
select tests.get_supabase_uid(u), 'UTC', 0 from unnest(array['provider', 'collector']) u;
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select s.user_id, d, '08:00', '20:00' from public.schedules s cross join generate_series(1, 7) d;

-- An object name in a booking's folder.
create function pg_temp.path(name text, file text) returns text language sql stable as $$
  select tests.booking(name)::text || '/' || file
$$;
grant execute on function pg_temp.path(text, text) to anon, authenticated;

select ok(not (select public from storage.buckets where id = 'booking-documents'), 'the booking-documents bucket is private');

select tests.authenticate_as('owner');
select set_config('t.consult', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]',
  ((now() at time zone 'UTC')::date + 2 + time '10:00') at time zone 'UTC')::text, true);
select set_config('t.blood', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000011"}]',
  ((now() at time zone 'UTC')::date + 2 + time '10:00') at time zone 'UTC', address_id => 'aa000000-0000-4000-8000-000000000001')::text, true);

-- owner (the client) ----------------------------------------------------------------------------------
select lives_ok(
  $$insert into storage.objects (bucket_id, name, owner_id)
    values ('booking-documents', pg_temp.path('consult', 'prescription.pdf'), auth.uid()::text)$$,
  'a client uploads a file into their booking''s folder');
select lives_ok(
  $$insert into public.booking_documents (booking_id, kind, object_path, file_name)
    values (tests.booking('consult'), 'prescription', pg_temp.path('consult', 'prescription.pdf'), 'prescription.pdf')$$,
  '[booking_documents/owner/insert] a client attaches a document to their booking');
select results_eq($$select kind::text, file_name, uploaded_by from public.booking_documents$$,
  $$values ('prescription', 'prescription.pdf', tests.get_supabase_uid('owner'))$$,
  '[booking_documents/owner/select] a client reads their booking''s documents, stamped as uploaded by them');
select throws_ok($$update public.booking_documents set file_name = 'renamed.pdf'$$, '42501',
  'permission denied for table booking_documents', '[booking_documents/owner/update] documents are not edited in place');
select throws_ok(
  $$insert into public.booking_documents (booking_id, kind, object_path, file_name, uploaded_by)
    values (tests.booking('consult'), 'photo', pg_temp.path('consult', 'x.jpg'), 'x.jpg', tests.get_supabase_uid('stranger'))$$,
  '42501', null, 'a client cannot attribute an upload to someone else');
select throws_ok(
  $$insert into public.booking_documents (booking_id, kind, object_path, file_name)
    values (tests.booking('consult'), 'photo', pg_temp.path('blood', 'x.jpg'), 'x.jpg')$$,
  '23514', null, 'a document''s path must lie in its own booking''s folder');
select throws_ok(
  $$insert into storage.objects (bucket_id, name, owner_id) values ('booking-documents', 'misc/notes.pdf', auth.uid()::text)$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a file outside any booking folder is refused');
select is_empty(
  $$update storage.objects set name = pg_temp.path('consult', 'other.pdf') where bucket_id = 'booking-documents' returning 1$$,
  'stored files cannot be replaced or renamed in place');

-- provider ------------------------------------------------------------------------------------------
select tests.authenticate_as('provider');
select results_eq($$select file_name from public.booking_documents$$, $$values ('prescription.pdf')$$,
  'the provider reads the documents of a booking with them');
select results_eq($$select name from storage.objects where bucket_id = 'booking-documents'$$,
  $$values (pg_temp.path('consult', 'prescription.pdf'))$$, 'the provider reads the client''s file');
select lives_ok(
  $$insert into storage.objects (bucket_id, name, owner_id) values ('booking-documents', pg_temp.path('consult', 'advice.pdf'), auth.uid()::text)$$,
  'the provider uploads a file to the booking');
select lives_ok(
  $$insert into public.booking_documents (booking_id, kind, object_path, file_name)
    values (tests.booking('consult'), 'report', pg_temp.path('consult', 'advice.pdf'), 'advice.pdf')$$,
  'the provider attaches a report to the booking');
select is_empty($$delete from public.booking_documents where file_name = 'prescription.pdf' returning 1$$,
  'the provider cannot remove the client''s document');
select is_empty($$delete from storage.objects where name = pg_temp.path('consult', 'prescription.pdf') returning 1$$,
  'the provider cannot delete the client''s file');
select throws_ok(
  $$insert into storage.objects (bucket_id, name, owner_id) values ('booking-documents', pg_temp.path('blood', 'x.pdf'), auth.uid()::text)$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a provider cannot upload into another provider''s booking');

-- collector -------------------------------------------------------------------------------------------
select tests.authenticate_as('collector');
select lives_ok(
  $$insert into storage.objects (bucket_id, name, owner_id) values ('booking-documents', pg_temp.path('blood', 'sample.jpg'), auth.uid()::text)$$,
  'the collector uploads a photo to the booking assigned to them');
select lives_ok(
  $$insert into public.booking_documents (booking_id, kind, object_path, file_name)
    values (tests.booking('blood'), 'photo', pg_temp.path('blood', 'sample.jpg'), 'sample.jpg')$$,
  'the collector attaches it to the booking');
select results_eq($$select name from storage.objects where bucket_id = 'booking-documents'$$,
  $$values (pg_temp.path('blood', 'sample.jpg'))$$, 'the collector reads the files of their booking only');
select results_eq($$select file_name from public.booking_documents$$, $$values ('sample.jpg')$$,
  'the collector reads the documents of their booking only');

-- stranger --------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$select * from public.booking_documents$$,
  '[booking_documents/stranger/select] a user cannot see documents of other people''s bookings');
select throws_ok(
  $$insert into public.booking_documents (booking_id, kind, object_path, file_name)
    values (tests.booking('consult'), 'other', pg_temp.path('consult', 'spam.pdf'), 'spam.pdf')$$,
  '42501', 'new row violates row-level security policy for table "booking_documents"',
  '[booking_documents/stranger/insert] a user cannot attach documents to other people''s bookings');
select throws_ok($$update public.booking_documents set file_name = 'x'$$, '42501', 'permission denied for table booking_documents',
  '[booking_documents/stranger/update] a user cannot edit documents');
select is_empty($$delete from public.booking_documents returning 1$$,
  '[booking_documents/stranger/delete] a user cannot remove other people''s documents');
select is_empty($$select * from storage.objects where bucket_id = 'booking-documents'$$,
  'a user cannot see the files of other people''s bookings');
select throws_ok(
  $$insert into storage.objects (bucket_id, name, owner_id) values ('booking-documents', pg_temp.path('consult', 'spam.pdf'), auth.uid()::text)$$,
  '42501', 'new row violates row-level security policy for table "objects"',
  'a user cannot upload into someone else''s booking folder');
select is_empty($$delete from storage.objects where bucket_id = 'booking-documents' returning 1$$,
  'a user cannot delete the files of other people''s bookings');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.booking_documents$$, '42501', 'permission denied for table booking_documents',
  '[booking_documents/anon/select] visitors cannot read booking documents');
select throws_ok(
  $$insert into public.booking_documents (booking_id, kind, object_path, file_name)
    values (tests.booking('consult'), 'other', pg_temp.path('consult', 'x.pdf'), 'x.pdf')$$,
  '42501', 'permission denied for table booking_documents', '[booking_documents/anon/insert] visitors cannot attach documents');
select throws_ok($$update public.booking_documents set file_name = 'x'$$, '42501', 'permission denied for table booking_documents',
  '[booking_documents/anon/update] visitors cannot edit documents');
select throws_ok($$delete from public.booking_documents$$, '42501', 'permission denied for table booking_documents',
  '[booking_documents/anon/delete] visitors cannot remove documents');
select is_empty($$select * from storage.objects where bucket_id = 'booking-documents'$$,
  'visitors cannot see booking files');
select throws_ok(
  $$insert into storage.objects (bucket_id, name) values ('booking-documents', pg_temp.path('consult', 'x.pdf'))$$,
  '42501', 'new row violates row-level security policy for table "objects"', 'visitors cannot upload booking files');

-- admin -----------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is((select count(*) from public.booking_documents), 3::bigint, '[booking_documents/admin/select] admins read every document');
select is((select count(*) from storage.objects where bucket_id = 'booking-documents'), 3::bigint, 'admins read every booking file');
select lives_ok(
  $$insert into public.booking_documents (booking_id, kind, object_path, file_name)
    values (tests.booking('blood'), 'report', pg_temp.path('blood', 'results.pdf'), 'results.pdf')$$,
  '[booking_documents/admin/insert] admins attach documents to any booking');
select throws_ok($$update public.booking_documents set kind = 'other'$$, '42501', 'permission denied for table booking_documents',
  '[booking_documents/admin/update] admins too cannot edit documents in place');
select isnt_empty($$delete from public.booking_documents where file_name = 'advice.pdf' returning 1$$,
  '[booking_documents/admin/delete] admins remove any document');
select isnt_empty($$delete from storage.objects where name = pg_temp.path('consult', 'advice.pdf') returning 1$$,
  'admins delete any booking file');

-- the uploader removes their own ------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select isnt_empty($$delete from public.booking_documents where file_name = 'prescription.pdf' returning 1$$,
  '[booking_documents/owner/delete] the uploader removes their own document');
select isnt_empty($$delete from storage.objects where name = pg_temp.path('consult', 'prescription.pdf') returning 1$$,
  'the uploader deletes their own file');
select is_empty($$delete from storage.objects where name = pg_temp.path('blood', 'sample.jpg') returning 1$$,
  'the client cannot delete the collector''s file from their own booking');
select results_eq($$select file_name from public.booking_documents order by 1$$, $$values ('results.pdf'), ('sample.jpg')$$,
  'the client still reads the documents others attached to their bookings');

select * from finish();
rollback;
