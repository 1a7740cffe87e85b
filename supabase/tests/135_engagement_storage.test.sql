-- engagement Storage: the post-covers bucket (read with the post, written by its author, a
-- cover_path that names an uploaded image of the post's own folder) and the resource-files
-- bucket (read with the library's resources, written by staff and admins), allowed and denied
-- per persona. owner = the post's author (client) or the library's staff; stranger = another
-- signed-in member.
begin;
select plan(45);
select tests.start_with_empty_marketplace();
select set_config('storage.allow_delete_query', 'true', true);
select tests.open_marketplace();  -- client, provider, admin
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('librarian');
select tests.grant_role('librarian', 'staff', 'support');

-- The client's public post, private post and draft; the stranger's own discussion.
insert into public.posts (id, kind, author_id, title, body, status, is_private) values
  ('91000000-0000-4000-8000-000000000001', 'discussion', tests.get_supabase_uid('client'), 'Open talk', 'Everyone reads it.', 'published', false),
  ('91000000-0000-4000-8000-000000000002', 'discussion', tests.get_supabase_uid('client'), 'Members talk', 'Members read it.', 'published', true),
  ('91000000-0000-4000-8000-000000000003', 'discussion', tests.get_supabase_uid('client'), 'Half-written', 'Draft.', 'draft', false),
  ('91000000-0000-4000-8000-000000000004', 'discussion', tests.get_supabase_uid('stranger'), 'Hello', 'New here.', 'published', false);

-- post-covers: the author -----------------------------------------------------------------------------------
select tests.authenticate_as('client');
select lives_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                  ('post-covers', '91000000-0000-4000-8000-000000000001/cover.jpg', auth.uid()::text, '{"size": 2048, "mimetype": "image/jpeg"}')$$,
  'the author uploads a cover into their public post''s folder');
select lives_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                  ('post-covers', '91000000-0000-4000-8000-000000000002/cover.png', auth.uid()::text, '{"size": 4096, "mimetype": "image/png"}'),
                  ('post-covers', '91000000-0000-4000-8000-000000000003/cover.webp', auth.uid()::text, '{"size": 1024, "mimetype": "image/webp"}')$$,
  'and into their private post''s and their draft''s');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                   ('post-covers', '91000000-0000-4000-8000-000000000001/notes.pdf', auth.uid()::text, '{"size": 2048, "mimetype": "application/pdf"}')$$,
  '42501', null, 'a cover is an image: a PDF is refused');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                   ('post-covers', '91000000-0000-4000-8000-000000000001/huge.jpg', auth.uid()::text, '{"size": 6291456, "mimetype": "image/jpeg"}')$$,
  '42501', null, 'so is an image over 5 MB');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                   ('post-covers', '91000000-0000-4000-8000-000000000004/mine.jpg', auth.uid()::text, '{"size": 2048, "mimetype": "image/jpeg"}')$$,
  '42501', null, 'an author uploads into no one else''s post');
select is((select count(*)::integer from storage.objects where bucket_id = 'post-covers'), 3,
  'the author reads the covers of their posts, the draft''s too');
select lives_ok($$update public.posts set cover_path = '91000000-0000-4000-8000-000000000001/cover.jpg' where id = '91000000-0000-4000-8000-000000000001'$$,
  'and sets an uploaded image of the post''s folder as its cover');
select lives_ok($$update public.posts set cover_path = '91000000-0000-4000-8000-000000000002/cover.png' where id = '91000000-0000-4000-8000-000000000002'$$,
  'on the private post too');
select throws_ok($$update public.posts set cover_path = '91000000-0000-4000-8000-000000000001/missing.jpg' where id = '91000000-0000-4000-8000-000000000001'$$,
  '22023', 'cover_path: upload the image to post-covers/91000000-0000-4000-8000-000000000001/ first',
  'a cover_path naming no uploaded object is refused');
select throws_ok($$update public.posts set cover_path = '91000000-0000-4000-8000-000000000002/cover.png' where id = '91000000-0000-4000-8000-000000000001'$$,
  '22023', 'cover_path: a post''s cover is stored in post-covers under 91000000-0000-4000-8000-000000000001/',
  'so is one outside the post''s folder, even the author''s other post''s');
select throws_ok($$update public.posts set cover_path = 'elsewhere.jpg' where id = '91000000-0000-4000-8000-000000000001'$$,
  '22023', null, 'or outside any folder');
select lives_ok($$update public.posts set cover_path = null where id = '91000000-0000-4000-8000-000000000002'$$,
  'a post may have no cover');
select lives_ok($$update storage.objects set metadata = '{"size": 3072, "mimetype": "image/jpeg"}'
                  where bucket_id = 'post-covers' and name = '91000000-0000-4000-8000-000000000001/cover.jpg'$$,
  'the author replaces a cover');
select throws_ok($$update storage.objects set metadata = '{"size": 3072, "mimetype": "image/gif"}'
                   where bucket_id = 'post-covers' and name = '91000000-0000-4000-8000-000000000001/cover.jpg'$$,
  '42501', null, 'with an image the bucket takes only');
select results_eq($$delete from storage.objects where bucket_id = 'post-covers' and name = '91000000-0000-4000-8000-000000000003/cover.webp' returning 1$$,
  $$values (1)$$, 'and deletes one');
select lives_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                  ('post-covers', '91000000-0000-4000-8000-000000000003/cover.webp', auth.uid()::text, '{"size": 1024, "mimetype": "image/webp"}')$$,
  'and uploads it again');

-- post-covers: a stranger (a signed-in member) ------------------------------------------------------------------
select tests.authenticate_as('stranger');
select results_eq($$select name from storage.objects where bucket_id = 'post-covers' order by name$$,
  $$values ('91000000-0000-4000-8000-000000000001/cover.jpg'), ('91000000-0000-4000-8000-000000000002/cover.png')$$,
  'a member reads the covers of published posts, private ones too, not someone''s draft''s');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                   ('post-covers', '91000000-0000-4000-8000-000000000001/mine.jpg', auth.uid()::text, '{"size": 2048, "mimetype": "image/jpeg"}')$$,
  '42501', null, 'a stranger cannot upload into someone else''s post''s folder');
select is_empty($$update storage.objects set metadata = '{"size": 1, "mimetype": "image/jpeg"}'
                  where bucket_id = 'post-covers' and name like '91000000-0000-4000-8000-00000000000_/cover.%' returning 1$$,
  'nor replace someone else''s cover');
select is_empty($$delete from storage.objects where bucket_id = 'post-covers' returning 1$$,
  'nor delete one');
select lives_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                  ('post-covers', '91000000-0000-4000-8000-000000000004/hello.jpg', auth.uid()::text, '{"size": 2048, "mimetype": "image/jpeg"}')$$,
  'members are authors of their own posts');
select tests.authenticate_as('client');
select throws_ok($$update public.posts set cover_path = '91000000-0000-4000-8000-000000000004/hello.jpg' where id = '91000000-0000-4000-8000-000000000001'$$,
  '22023', null, 'and no one borrows their post''s cover for another post');

-- post-covers: anon -------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select name from storage.objects where bucket_id = 'post-covers' and name like '91000000-0000-4000-8000-000000000001/%'$$,
  $$values ('91000000-0000-4000-8000-000000000001/cover.jpg')$$, 'anon reads a public published post''s cover');
select is_empty($$select 1 from storage.objects where bucket_id = 'post-covers' and name like '91000000-0000-4000-8000-000000000002/%'$$,
  'but not a private post''s');
select is_empty($$select 1 from storage.objects where bucket_id = 'post-covers' and name like '91000000-0000-4000-8000-000000000003/%'$$,
  'nor a draft''s');
select throws_ok($$insert into storage.objects (bucket_id, name, metadata) values
                   ('post-covers', '91000000-0000-4000-8000-000000000001/anon.jpg', '{"size": 2048, "mimetype": "image/jpeg"}')$$,
  '42501', null, 'anon uploads no cover');
select is_empty($$delete from storage.objects where bucket_id = 'post-covers' returning 1$$, 'nor deletes one');

-- post-covers: admin ---------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is((select count(*)::integer from storage.objects where bucket_id = 'post-covers'), 4, 'admins read every cover, drafts'' too');
select lives_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                  ('post-covers', '91000000-0000-4000-8000-000000000004/replacement.png', auth.uid()::text, '{"size": 2048, "mimetype": "image/png"}')$$,
  'admins upload into any post''s folder');
select results_eq($$delete from storage.objects where bucket_id = 'post-covers' and name = '91000000-0000-4000-8000-000000000004/hello.jpg' returning 1$$,
  $$values (1)$$, 'and delete any cover');

-- resource-files: staff -------------------------------------------------------------------------------------------
select tests.authenticate_as('librarian');
select lives_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                  ('resource-files', 'guides/intake.pdf', auth.uid()::text, '{"size": 204800, "mimetype": "application/pdf"}'),
                  ('resource-files', 'guides/pricing.docx', auth.uid()::text,
                   '{"size": 40960, "mimetype": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}'),
                  ('resource-files', 'guides/spare.png', auth.uid()::text, '{"size": 2048, "mimetype": "image/png"}')$$,
  'staff upload files to the library');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                   ('resource-files', 'guides/setup.exe', auth.uid()::text, '{"size": 2048, "mimetype": "application/x-msdownload"}')$$,
  '42501', null, 'only of the types the bucket takes');
select lives_ok($$insert into public.resources (kind, title, file_path, is_published) values
                  ('document', 'Intake form', 'guides/intake.pdf', true), ('document', 'Pricing guide', 'guides/pricing.docx', false)$$,
  'and list them as a published and an unpublished resource');
select is((select count(*)::integer from storage.objects where bucket_id = 'resource-files'), 3, 'staff read every library file');
select lives_ok($$update storage.objects set metadata = '{"size": 102400, "mimetype": "application/pdf"}'
                  where bucket_id = 'resource-files' and name = 'guides/intake.pdf'$$, 'staff replace a file');
select results_eq($$delete from storage.objects where bucket_id = 'resource-files' and name = 'guides/spare.png' returning 1$$,
  $$values (1)$$, 'and delete one');

-- resource-files: a member, anon, an admin ---------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select results_eq($$select name from storage.objects where bucket_id = 'resource-files'$$, $$values ('guides/intake.pdf')$$,
  'a member reads the file of a published resource, not an unpublished one''s');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                   ('resource-files', 'guides/mine.pdf', auth.uid()::text, '{"size": 2048, "mimetype": "application/pdf"}')$$,
  '42501', null, 'members upload nothing to the library');
select is_empty($$update storage.objects set metadata = '{"size": 1, "mimetype": "application/pdf"}' where bucket_id = 'resource-files' returning 1$$,
  'nor replace a file');
select is_empty($$delete from storage.objects where bucket_id = 'resource-files' returning 1$$, 'nor delete one');
select tests.authenticate_as_anon();
select is_empty($$select 1 from storage.objects where bucket_id = 'resource-files'$$, 'anon reads no library file');
select throws_ok($$insert into storage.objects (bucket_id, name, metadata) values
                   ('resource-files', 'guides/anon.pdf', '{"size": 2048, "mimetype": "application/pdf"}')$$,
  '42501', null, 'nor uploads one');
select tests.authenticate_as('admin');
select is((select count(*)::integer from storage.objects where bucket_id = 'resource-files'), 2, 'admins read every library file');
select lives_ok($$insert into storage.objects (bucket_id, name, owner_id, metadata) values
                  ('resource-files', 'guides/terms.pdf', auth.uid()::text, '{"size": 2048, "mimetype": "application/pdf"}')$$,
  'admins upload files to the library');
select results_eq($$delete from storage.objects where bucket_id = 'resource-files' and name = 'guides/terms.pdf' returning 1$$,
  $$values (1)$$, 'and delete them');

select * from finish();
rollback;
