-- posts, comments, reactions: who writes which kind, who reads public and private posts,
-- threads and their depth, exact counters, soft deletes, moderation, notifications.
begin;
select plan(67);
select tests.start_with_empty_marketplace();

select tests.open_marketplace();  -- client, provider, admin
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('editor');
select tests.grant_role('editor', 'staff', 'analyst');

-- Posts -------------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select throws_ok($$insert into public.posts (kind, author_id, title, body, status) values ('article', auth.uid(), 'My blog', 'x', 'published')$$,
  '42501', 'kind: only admins and staff write article posts', 'a client writes no blog article');
select lives_ok($$insert into public.posts (kind, author_id, title, body, status, tags) values ('question', auth.uid(), 'How to price?', 'Hourly or fixed?', 'published', '{pricing}')$$,
  '[posts/owner/insert] a client asks a question in the forum');
select lives_ok($$insert into public.posts (kind, author_id, title, body, status, is_private) values ('discussion', auth.uid(), 'Members only', 'Inside talk', 'published', true)$$,
  'and starts a private discussion');
select lives_ok($$insert into public.posts (kind, author_id, title, body) values ('discussion', auth.uid(), 'Half-written', 'Draft')$$,
  'and keeps a draft');
select throws_ok($$insert into public.posts (kind, author_id, title, body) values ('discussion', tests.get_supabase_uid('stranger'), 'Forged', 'x')$$,
  '42501', null, 'not in someone else''s name');
select is((select count(*)::integer from public.posts), 3, '[posts/owner/select] the author reads their posts, the draft too');
select lives_ok($$update public.posts set body = 'Hourly, fixed, or by value?' where title = 'How to price?'$$, '[posts/owner/update] and edits them');
select throws_ok($$update public.posts set hidden_at = now()$$, '42501', null, 'but cannot hide them (moderation is the admins'')');
select tests.authenticate_as('editor');
select lives_ok($$insert into public.posts (kind, author_id, title, body, status) values ('article', auth.uid(), 'Five pricing mistakes', 'Number one...', 'published')$$,
  'staff write blog articles');
select matches((select slug from public.posts where kind = 'article'), '^five-pricing-mistakes-[0-9a-f]{6}$', 'an article gets a slug from its title');
select isnt((select published_at from public.posts where kind = 'article'), null, 'and its publication time');

select tests.authenticate_as_anon();
select results_eq($$select title from public.posts order by title$$, $$values ('Five pricing mistakes'), ('How to price?')$$,
  '[posts/anon/select] anyone reads published public posts; not private ones, not drafts');
select throws_ok($$insert into public.posts (kind, author_id, title, body) values ('discussion', tests.get_supabase_uid('client'), 'x', 'y')$$,
  '42501', null, '[posts/anon/insert] anon writes none');
select throws_ok($$update public.posts set title = 'x'$$, '42501', null, '[posts/anon/update] nor changes one');
select throws_ok($$delete from public.posts$$, '42501', null, '[posts/anon/delete] nor deletes one');
select tests.authenticate_as('stranger');
select results_eq($$select title from public.posts order by title$$,
  $$values ('Five pricing mistakes'), ('How to price?'), ('Members only')$$,
  '[posts/stranger/select] signed-in users read private posts too; not others'' drafts');
select lives_ok($$insert into public.posts (kind, author_id, title, body, status) values ('discussion', auth.uid(), 'Hello', 'New here', 'published')$$,
  '[posts/stranger/insert] any signed-in user starts a discussion');
select is_empty($$update public.posts set title = 'Mine now' where author_id <> auth.uid() returning 1$$,
  '[posts/stranger/update] nobody edits another''s post');
select lives_ok($$delete from public.posts where author_id <> auth.uid()$$, 'a DELETE of others'' posts runs');
select is((select count(*)::integer from public.posts), 4, '[posts/stranger/delete] and deletes none of them');

-- Comments ---------------------------------------------------------------------------------------------------
select set_config('t.question', (select id::text from public.posts where title = 'How to price?'), true);
select tests.authenticate_as('provider');
select lives_ok($$insert into public.comments (post_id, author_id, body) values (current_setting('t.question')::uuid, auth.uid(), 'Start with value.')$$,
  '[comments/stranger/insert] the coach answers the question');
select set_config('t.answer', (select id::text from public.comments where body = 'Start with value.'), true);
select tests.authenticate_as('client');
select lives_ok($$insert into public.comments (post_id, parent_id, author_id, body) values (current_setting('t.question')::uuid, current_setting('t.answer')::uuid, auth.uid(), 'How do I measure value?')$$,
  '[comments/owner/insert] the asker replies to the answer');
select is((select depth from public.comments where body = 'How do I measure value?'), 1::smallint, 'a reply sits one level deeper');
select throws_ok($$insert into public.comments (post_id, author_id, body) values ((select id from public.posts where title = 'Half-written'), auth.uid(), 'On a draft')$$,
  'PT409', 'post_id: comments go on published posts', 'drafts take no comments');
select throws_ok($$insert into public.comments (post_id, parent_id, author_id, body) values ((select id from public.posts where kind = 'article'), current_setting('t.answer')::uuid, auth.uid(), 'Wrong thread')$$,
  '22023', 'parent_id: the comment answered is not on this post', 'a reply stays on its post');
select lives_ok($$update public.comments set body = 'How would you measure value?' where author_id = auth.uid()$$,
  '[comments/owner/update] the author edits their comment');
select is((select count(*)::integer from public.comments), 2, '[comments/owner/select] comments are read with their post');
select is_empty($$delete from public.comments where author_id <> auth.uid() returning 1$$, 'an author deletes no one else''s comment');
select tests.authenticate_as('stranger');
select is((select count(*)::integer from public.comments), 2, '[comments/stranger/select] others read them too');
select is_empty($$update public.comments set body = 'vandal' returning 1$$, '[comments/stranger/update] but cannot change them');
select is_empty($$delete from public.comments returning 1$$, '[comments/stranger/delete] nor delete them (the count below is still 2)');
select tests.authenticate_as_anon();
select is((select count(*)::integer from public.comments), 2, '[comments/anon/select] anyone reads the comments of a public post');
select throws_ok($$insert into public.comments (post_id, author_id, body) values (current_setting('t.question')::uuid, tests.get_supabase_uid('client'), 'anon')$$,
  '42501', null, '[comments/anon/insert] anon comments not');
select throws_ok($$update public.comments set body = 'x'$$, '42501', null, '[comments/anon/update] nor edits');
select throws_ok($$delete from public.comments$$, '42501', null, '[comments/anon/delete] nor deletes');

-- Reactions and counters --------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select lives_ok($$insert into public.reactions (user_id, post_id, kind) values (auth.uid(), current_setting('t.question')::uuid, 'upvote')$$,
  '[reactions/stranger/insert] a member upvotes the question');
select lives_ok($$insert into public.reactions (user_id, comment_id) values (auth.uid(), current_setting('t.answer')::uuid)$$,
  'and likes the answer');
select throws_ok($$insert into public.reactions (user_id, post_id) values (auth.uid(), current_setting('t.question')::uuid)$$,
  '23505', null, 'once per post');
select is((select count(*)::integer from public.reactions), 2, '[reactions/stranger/select] a user reads their own reactions');
select throws_ok($$update public.reactions set kind = 'like'$$, '42501', null, '[reactions/stranger/update] a reaction is not edited');
select is_empty($$delete from public.reactions where user_id <> auth.uid() returning 1$$,
  '[reactions/stranger/delete] nobody takes back another''s reaction');
select tests.authenticate_as('client');
select lives_ok($$insert into public.reactions (user_id, post_id) values (auth.uid(), current_setting('t.question')::uuid)$$,
  '[reactions/owner/insert] the asker likes their own question');
select is_empty($$select * from public.reactions where user_id <> auth.uid()$$, '[reactions/owner/select] and sees only their own reactions');
select throws_ok($$update public.reactions set kind = 'upvote'$$, '42501', null, '[reactions/owner/update] no edits');
select results_eq($$delete from public.reactions returning 1$$, $$values (1)$$, '[reactions/owner/delete] and takes the like back');
select tests.authenticate_as_anon();
select results_eq($$select reaction_count, comment_count from public.posts where title = 'How to price?'$$, $$values (1, 2)$$,
  'the question counts one upvote (one taken back) and two comments');
select throws_ok($$select * from public.reactions$$, '42501', null, '[reactions/anon/select] anon reads no reactions');
select throws_ok($$insert into public.reactions (user_id, post_id) values (tests.get_supabase_uid('client'), current_setting('t.question')::uuid)$$,
  '42501', null, '[reactions/anon/insert] nor reacts');
select throws_ok($$update public.reactions set kind = 'like'$$, '42501', null, '[reactions/anon/update] nor edits');
select throws_ok($$delete from public.reactions$$, '42501', null, '[reactions/anon/delete] nor takes back');

-- Soft delete, moderation -----------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select lives_ok($$delete from public.comments where author_id = auth.uid()$$, '[comments/owner/delete] the asker withdraws their reply: a DELETE, made soft');
select lives_ok($$delete from public.posts where title = 'Half-written'$$, '[posts/owner/delete] and deletes their draft, softly too');
select tests.authenticate_as('admin');
select lives_ok($$update public.comments set hidden_at = now() where body = 'Start with value.'$$, '[comments/admin/update] an admin hides a comment');
select is((select comment_count from public.posts where title = 'How to price?'), 0, 'withdrawn and hidden comments stop counting');
select is((select count(*)::integer from public.comments), 2, '[comments/admin/select] admins read every comment');
select lives_ok($$delete from public.comments where body = 'Start with value.'$$, '[comments/admin/delete] an admin deletes a comment, softly');
select is((select count(*)::integer from public.comments where deleted_at is not null), 2, 'and still reads it and the withdrawn reply, deleted');
select throws_ok($$insert into public.comments (post_id, author_id, body) values (current_setting('t.question')::uuid, tests.get_supabase_uid('client'), 'forged')$$,
  '42501', null, '[comments/admin/insert] admins comment in no one else''s name');
select lives_ok($$update public.posts set hidden_at = now() where title = 'Hello'$$, '[posts/admin/update] an admin hides a post');
select is((select count(*)::integer from public.posts), 5, '[posts/admin/select] and reads every post');
select lives_ok($$delete from public.posts where title = 'Hello'$$, '[posts/admin/delete] an admin deletes a post, softly');
select throws_ok($$insert into public.posts (kind, author_id, title, body) values ('discussion', tests.get_supabase_uid('client'), 'forged', 'x')$$,
  '42501', null, '[posts/admin/insert] nor written in someone else''s name');
select is((select count(*)::integer from public.reactions), 2, '[reactions/admin/select] admins read every reaction');
select throws_ok($$insert into public.reactions (user_id, post_id) values (tests.get_supabase_uid('client'), current_setting('t.question')::uuid)$$,
  '42501', null, '[reactions/admin/insert] nor react for others');
select throws_ok($$update public.reactions set kind = 'like'$$, '42501', null, '[reactions/admin/update] nor edit reactions');
select is_empty($$delete from public.reactions where user_id <> auth.uid() returning 1$$, '[reactions/admin/delete] nor take back others''');

-- Notifications ------------------------------------------------------------------------------------------------------------------
select tests.clear_authentication();
select results_eq(
  $$select event_type, recipient_ids = array[tests.get_supabase_uid(case event_type when 'question.answered' then 'client' else 'provider' end)]
    from private.notification_outbox where event_type in ('question.answered', 'comment.replied') order by event_type$$,
  $$values ('comment.replied', true), ('question.answered', true)$$,
  'the asker heard of the answer, the coach of the reply');

select * from finish();
rollback;
