-- resources (the library: staff write, members read), bookmarks (private, one per target) and
-- post search (what the caller may read, best match first).
begin;
select plan(40);
select tests.start_with_empty_marketplace();

select tests.open_marketplace();
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('coach_staff');
select tests.grant_role('coach_staff', 'staff', 'analyst');
insert into public.posts (id, kind, author_id, title, body, status, is_private) values
  ('90000000-0000-4000-8000-000000000001', 'article', tests.get_supabase_uid('admin'), 'Pricing by value', 'Value pricing for coaches explained.', 'published', false),
  ('90000000-0000-4000-8000-000000000002', 'discussion', tests.get_supabase_uid('client'), 'Members talk pricing', 'Private pricing notes.', 'published', true),
  ('90000000-0000-4000-8000-000000000003', 'discussion', tests.get_supabase_uid('client'), 'Draft on pricing', 'Unfinished pricing.', 'draft', false);

-- Resources ----------------------------------------------------------------------------------------------
select tests.authenticate_as('coach_staff');
select lives_ok($$insert into public.resources (kind, title, url, tags) values ('video', 'Onboarding call', 'https://video.example/1', '{onboarding}')$$,
  '[resources/owner/insert] staff add a video to the library');
select lives_ok($$insert into public.resources (kind, title, file_path, is_published) values ('document', 'Intake form', 'resources/intake.pdf', false)$$,
  'and an unpublished document');
select throws_ok($$insert into public.resources (kind, title, url, file_path) values ('article', 'Both', 'https://a.example', 'x.pdf')$$,
  '23514', null, 'a resource is a URL or a file, not both');
select throws_ok($$insert into public.resources (kind, title, url) values ('article', 'Plain', 'http://insecure.example')$$,
  '23514', null, 'links are https');
select is((select count(*)::integer from public.resources), 2, '[resources/owner/select] staff read the whole library, unpublished too');
select lives_ok($$update public.resources set description = 'Fill in before the first call' where title = 'Intake form'$$,
  '[resources/owner/update] and change it');
select lives_ok($$insert into public.resources (kind, title, url) values ('article', 'Temporary', 'https://t.example')$$, 'add one more');
select results_eq($$delete from public.resources where title = 'Temporary' returning 1$$, $$values (1)$$,
  '[resources/owner/delete] and remove it again');
select tests.authenticate_as('admin');
select lives_ok($$update public.resources set tags = '{onboarding,video}' where title = 'Onboarding call'$$, '[resources/admin/update] admins change the library');
select is((select count(*)::integer from public.resources), 2, '[resources/admin/select] and read all of it');
select lives_ok($$insert into public.resources (kind, title, url) values ('article', 'Admin note', 'https://a.example')$$,
  '[resources/admin/insert] admins add to it');
select lives_ok($$delete from public.resources where title = 'Admin note'$$, '[resources/admin/delete] and remove from it');
select tests.authenticate_as('stranger');
select results_eq($$select title from public.resources$$, $$values ('Onboarding call')$$,
  '[resources/stranger/select] members read the published resources');
select throws_ok($$insert into public.resources (kind, title, url) values ('article', 'Mine', 'https://me.example')$$, '42501', null,
  '[resources/stranger/insert] and add none');
select is_empty($$update public.resources set title = 'x' returning 1$$, '[resources/stranger/update] nor change one');
select is_empty($$delete from public.resources returning 1$$, '[resources/stranger/delete] nor remove one');
select tests.authenticate_as_anon();
select throws_ok($$select * from public.resources$$, '42501', null, '[resources/anon/select] the library is for members');
select throws_ok($$insert into public.resources (kind, title, url) values ('article', 'x', 'https://x.example')$$, '42501', null,
  '[resources/anon/insert] anon adds none');
select throws_ok($$update public.resources set title = 'x'$$, '42501', null, '[resources/anon/update] nor changes');
select throws_ok($$delete from public.resources$$, '42501', null, '[resources/anon/delete] nor removes');

-- Bookmarks ------------------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select lives_ok($$insert into public.bookmarks (user_id, post_id) values (auth.uid(), '90000000-0000-4000-8000-000000000001')$$,
  '[bookmarks/owner/insert] a member bookmarks an article');
select lives_ok($$insert into public.bookmarks (user_id, resource_id) values (auth.uid(), (select id from public.resources where title = 'Onboarding call'))$$,
  'and a resource');
select throws_ok($$insert into public.bookmarks (user_id, post_id) values (auth.uid(), '90000000-0000-4000-8000-000000000001')$$, '23505', null,
  'once each');
select is((select count(*)::integer from public.bookmarks), 2, '[bookmarks/owner/select] and reads their bookmarks');
select throws_ok($$update public.bookmarks set post_id = null$$, '42501', null, '[bookmarks/owner/update] a bookmark is not edited');
select results_eq($$delete from public.bookmarks where resource_id is not null returning 1$$, $$values (1)$$, '[bookmarks/owner/delete] but removed');
select tests.authenticate_as('stranger');
select is_empty($$select * from public.bookmarks$$, '[bookmarks/stranger/select] nobody else sees them');
select lives_ok($$insert into public.bookmarks (user_id, post_id) values (auth.uid(), '90000000-0000-4000-8000-000000000001')$$,
  '[bookmarks/stranger/insert] others keep their own');
select throws_ok($$update public.bookmarks set post_id = null$$, '42501', null, '[bookmarks/stranger/update] no edits');
select is_empty($$delete from public.bookmarks where user_id <> auth.uid() returning 1$$, '[bookmarks/stranger/delete] nor removing others''');
select tests.authenticate_as_anon();
select throws_ok($$select * from public.bookmarks$$, '42501', null, '[bookmarks/anon/select] anon has none');
select throws_ok($$insert into public.bookmarks (user_id, post_id) values (tests.get_supabase_uid('client'), '90000000-0000-4000-8000-000000000001')$$,
  '42501', null, '[bookmarks/anon/insert] nor keeps any');
select throws_ok($$update public.bookmarks set post_id = null$$, '42501', null, '[bookmarks/anon/update] nor edits');
select throws_ok($$delete from public.bookmarks$$, '42501', null, '[bookmarks/anon/delete] nor removes');
select tests.authenticate_as('admin');
select is((select count(*)::integer from public.bookmarks), 2, '[bookmarks/admin/select] admins read every bookmark');
select throws_ok($$insert into public.bookmarks (user_id, post_id) values (tests.get_supabase_uid('client'), '90000000-0000-4000-8000-000000000002')$$,
  '42501', null, '[bookmarks/admin/insert] and keep none for others');
select throws_ok($$update public.bookmarks set post_id = null$$, '42501', null, '[bookmarks/admin/update] nor edit');
select is_empty($$delete from public.bookmarks where user_id <> auth.uid() returning 1$$, '[bookmarks/admin/delete] nor remove others''');

-- Search ------------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select title from public.search_posts('pricing')$$, $$values ('Pricing by value')$$,
  'anon finds the public article, not the private discussion or the draft');
select tests.authenticate_as('stranger');
select set_eq($$select title from public.search_posts('pricing')$$, array['Pricing by value', 'Members talk pricing'],
  'a member finds the private discussion too, never someone''s draft');

select * from finish();
rollback;
