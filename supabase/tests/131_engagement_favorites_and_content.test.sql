-- favorites (private to their user, one per target) and the site's content (FAQs, testimonials,
-- the clinic: everyone reads what is published, admins write), per persona and command.
begin;
select plan(57);
select tests.start_with_empty_marketplace();

select tests.open_marketplace();
select tests.create_supabase_user('stranger');
insert into public.faqs (id, question, answer, category, is_published) values
  ('fa000000-0000-4000-8000-000000000001', 'How do I pay?', 'By card or bank transfer.', 'payments', true),
  ('fa000000-0000-4000-8000-000000000002', 'Draft question', 'Not yet.', 'payments', false);
insert into public.testimonials (id, quote, author_name, is_approved) values
  ('7e000000-0000-4000-8000-000000000001', 'Clear and quick.', 'Chris', true),
  ('7e000000-0000-4000-8000-000000000002', 'Awaiting approval.', 'Dana', false);
insert into public.clinic_info (name, phone, opening_hours) values ('Happy Paws Lab', '+44 20 7946 0000', '{"mon": "08:00-18:00"}');

-- favorites: owner -------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select lives_ok($$insert into public.favorites (user_id, offering_id) values (auth.uid(), tests.advice())$$,
  '[favorites/owner/insert] a client keeps an offering');
select lives_ok($$insert into public.favorites (user_id, provider_id) values (auth.uid(), tests.get_supabase_uid('provider'))$$,
  'and a provider');
select throws_ok($$insert into public.favorites (user_id, offering_id) values (auth.uid(), tests.advice())$$, '23505', null,
  'once per target');
select throws_ok($$insert into public.favorites (user_id, offering_id, provider_id) values (auth.uid(), tests.advice(), tests.get_supabase_uid('provider'))$$,
  '23514', null, 'one target per favorite');
select throws_ok($$insert into public.favorites (user_id, offering_id) values (tests.get_supabase_uid('stranger'), tests.advice())$$,
  '42501', null, 'not in someone else''s name');
select is((select count(*)::integer from public.favorites), 2, '[favorites/owner/select] the client reads their favorites');
select throws_ok($$update public.favorites set offering_id = null$$, '42501', null, '[favorites/owner/update] a favorite is not edited');
select results_eq($$delete from public.favorites where provider_id is not null returning 1$$, $$values (1)$$,
  '[favorites/owner/delete] the client removes one');

-- favorites: others ---------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$select * from public.favorites$$, '[favorites/stranger/select] nobody else sees them');
select lives_ok($$insert into public.favorites (user_id, offering_id) values (auth.uid(), tests.advice())$$,
  '[favorites/stranger/insert] a stranger keeps their own');
select throws_ok($$update public.favorites set offering_id = null$$, '42501', null, '[favorites/stranger/update] no edits');
select is_empty($$delete from public.favorites where user_id <> auth.uid() returning 1$$,
  '[favorites/stranger/delete] nor removes the client''s');
select tests.authenticate_as_anon();
select throws_ok($$select * from public.favorites$$, '42501', null, '[favorites/anon/select] anon has none');
select throws_ok($$insert into public.favorites (user_id, offering_id) values (tests.get_supabase_uid('client'), tests.advice())$$,
  '42501', null, '[favorites/anon/insert] anon keeps none');
select throws_ok($$update public.favorites set offering_id = null$$, '42501', null, '[favorites/anon/update] anon edits none');
select throws_ok($$delete from public.favorites$$, '42501', null, '[favorites/anon/delete] anon removes none');
select tests.authenticate_as('admin');
select is((select count(*)::integer from public.favorites), 2, '[favorites/admin/select] admins read every favorite');
select throws_ok($$insert into public.favorites (user_id, offering_id) values (tests.get_supabase_uid('stranger'), tests.advice())$$,
  '42501', null, '[favorites/admin/insert] admins keep none for others');
select throws_ok($$update public.favorites set offering_id = null$$, '42501', null, '[favorites/admin/update] nor edit');
select is_empty($$delete from public.favorites where user_id <> auth.uid() returning 1$$, '[favorites/admin/delete] nor remove others''');

-- FAQs, testimonials, the clinic: read -----------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select question from public.faqs$$, $$values ('How do I pay?')$$, '[faqs/anon/select] anyone reads published FAQs');
select results_eq($$select author_name from public.testimonials$$, $$values ('Chris')$$,
  '[testimonials/anon/select] and approved testimonials');
select results_eq($$select name, opening_hours ->> 'mon' from public.clinic_info$$, $$values ('Happy Paws Lab', '08:00-18:00')$$,
  '[clinic_info/anon/select] and the clinic''s details');
select tests.authenticate_as('stranger');
select is((select count(*)::integer from public.faqs), 1, '[faqs/stranger/select] signed-in users read the published ones');
select is((select count(*)::integer from public.testimonials), 1, '[testimonials/stranger/select] and the approved ones');
select is((select count(*)::integer from public.clinic_info), 1, '[clinic_info/stranger/select] and the clinic');
select tests.authenticate_as('admin');
select is((select count(*)::integer from public.faqs), 2, '[faqs/admin/select] admins read drafts too');
select is((select count(*)::integer from public.testimonials), 2, '[testimonials/admin/select] and testimonials awaiting approval');
select is((select count(*)::integer from public.clinic_info), 1, '[clinic_info/admin/select] and the clinic');

-- write: admins only -----------------------------------------------------------------------------------------------
select lives_ok($$insert into public.faqs (question, answer, is_published) values ('New?', 'Yes.', true)$$, '[faqs/admin/insert] admins add FAQs');
select lives_ok($$update public.faqs set is_published = true where question = 'Draft question'$$, '[faqs/admin/update] and publish them');
select lives_ok($$delete from public.faqs where question = 'New?'$$, '[faqs/admin/delete] and remove them');
select lives_ok($$insert into public.testimonials (quote, author_name) values ('Kind words.', 'Eve')$$,
  '[testimonials/admin/insert] admins add testimonials');
select lives_ok($$update public.testimonials set is_approved = true where author_name = 'Dana'$$,
  '[testimonials/admin/update] and approve them');
select lives_ok($$delete from public.testimonials where author_name = 'Eve'$$, '[testimonials/admin/delete] and remove them');
select lives_ok($$update public.clinic_info set phone = '+44 20 7946 0001'$$, '[clinic_info/admin/update] admins change the clinic');
select throws_ok($$insert into public.clinic_info (id, name) values (false, 'Second clinic')$$, '23514', null,
  '[clinic_info/admin/insert] there is only ever one clinic row');
select lives_ok($$delete from public.clinic_info$$, '[clinic_info/admin/delete] admins may remove it (and set it up again)');
select lives_ok($$insert into public.clinic_info (name) values ('Happy Paws Lab')$$, 'and set it up again');

select tests.authenticate_as('stranger');
select throws_ok($$insert into public.faqs (question, answer) values ('Mine?', 'No.')$$, '42501', null, '[faqs/stranger/insert] users add no FAQ');
select throws_ok($$update public.faqs set answer = 'Changed'$$, '42501', null, '[faqs/stranger/update] nor change one');
select throws_ok($$delete from public.faqs$$, '42501', null, '[faqs/stranger/delete] nor remove one');
select throws_ok($$insert into public.testimonials (quote, author_name) values ('Great me', 'Me')$$, '42501', null,
  '[testimonials/stranger/insert] users cannot plant a testimonial');
select throws_ok($$update public.testimonials set is_approved = true$$, '42501', null, '[testimonials/stranger/update] nor approve one');
select throws_ok($$delete from public.testimonials$$, '42501', null, '[testimonials/stranger/delete] nor remove one');
select throws_ok($$insert into public.clinic_info (name) values ('Mine')$$, '42501', null, '[clinic_info/stranger/insert] users set up no clinic');
select throws_ok($$update public.clinic_info set phone = '0'$$, '42501', null, '[clinic_info/stranger/update] nor change it');
select throws_ok($$delete from public.clinic_info$$, '42501', null, '[clinic_info/stranger/delete] nor remove it');
select tests.authenticate_as_anon();
select throws_ok($$insert into public.faqs (question, answer) values ('Anon?', 'No.')$$, '42501', null, '[faqs/anon/insert] anon adds no FAQ');
select throws_ok($$update public.faqs set answer = 'Changed'$$, '42501', null, '[faqs/anon/update] nor changes one');
select throws_ok($$delete from public.faqs$$, '42501', null, '[faqs/anon/delete] nor removes one');
select throws_ok($$insert into public.testimonials (quote, author_name) values ('x', 'y')$$, '42501', null, '[testimonials/anon/insert] nor a testimonial');
select throws_ok($$update public.testimonials set is_approved = true$$, '42501', null, '[testimonials/anon/update] nor approves one');
select throws_ok($$delete from public.testimonials$$, '42501', null, '[testimonials/anon/delete] nor removes one');
select throws_ok($$insert into public.clinic_info (name) values ('x')$$, '42501', null, '[clinic_info/anon/insert] nor a clinic');
select throws_ok($$update public.clinic_info set phone = '0'$$, '42501', null, '[clinic_info/anon/update] nor changes it');
select throws_ok($$delete from public.clinic_info$$, '42501', null, '[clinic_info/anon/delete] nor removes it');

select * from finish();
rollback;
