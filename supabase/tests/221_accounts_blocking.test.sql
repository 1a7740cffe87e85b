-- blocking (issue 19): only admins block and unblock, with a reason; a blocked user gets no token
-- from the access-token hook, their sessions end, a token issued before is refused by the
-- pre-request check, and their offerings, provider profile, posts, comments and reviews are
-- hidden from everyone but admins until they are unblocked. user_blocks' access matrix:
-- owner = the blocked user (with a token issued before the block).
begin;
set local time zone 'UTC';
select plan(49);
select tests.start_with_empty_marketplace();
select tests.open_marketplace();
select tests.create_supabase_user('stranger');

create function pg_temp.outcome(statement text) returns text language plpgsql as $$
declare
  n bigint;
begin
  execute format('with r as (%s) select count(*) from r', statement) into n;
  return n::text;
exception when insufficient_privilege then
  return 'denied';
end
$$;
create function pg_temp.visible() returns text language sql as $$
  select format('offerings %s, provider_profiles %s, posts %s, comments %s, reviews %s',
    (select count(*) from public.offerings), (select count(*) from public.provider_profiles),
    (select count(*) from public.posts), (select count(*) from public.comments), (select count(*) from public.reviews))
$$;
grant execute on all functions in schema pg_temp to anon, authenticated, service_role;

-- The provider's content: an offering (Advice), a post with a comment, and a review written by the
-- client of a completed booking; the provider also has a live session.
select tests.authenticate_as('provider');
insert into public.posts (kind, author_id, title, body, status)
values ('discussion', auth.uid(), 'Pricing advice', 'Ask me anything', 'published');
insert into public.comments (post_id, author_id, body)
values ((select id from public.posts where title = 'Pricing advice'), auth.uid(), 'First!');
select set_config('t.provider_claims', current_setting('request.jwt.claims'), true);
select tests.authenticate_as('client');
select tests.book('done', tests.slot(2, '10:00'));
select tests.pay_by_card('done');
select tests.clear_authentication();
update public.bookings set status = 'completed' where id = tests.booking('done');
select tests.authenticate_as('client');
select public.write_review(tests.booking('done'), 5, 'Clear advice');
select set_config('t.client_claims', current_setting('request.jwt.claims'), true);
select tests.clear_authentication();
insert into auth.sessions (id, user_id) values (gen_random_uuid(), tests.get_supabase_uid('provider'));

select tests.authenticate_as_anon();
select is(pg_temp.visible(), 'offerings 1, provider_profiles 1, posts 1, comments 1, reviews 1', 'before: visitors see it all');

-- Only admins block -----------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok(format($$select public.block_user(%L, 'spam')$$, tests.get_supabase_uid('provider')), '42501', null,
  'a visitor cannot block anyone');
select tests.authenticate_as('stranger');
select throws_ok(format($$select public.block_user(%L, 'spam')$$, tests.get_supabase_uid('provider')), '42501',
  'only admins block users', 'nor can a user');
select throws_ok(format($$select public.unblock_user(%L)$$, tests.get_supabase_uid('provider')), '42501',
  'only admins unblock users', 'nor unblock');
select tests.authenticate_as('admin');
select throws_ok(format($$select public.block_user(%L, '  ')$$, tests.get_supabase_uid('provider')), '22023',
  'reason: say why the user is blocked', 'a block needs a reason');
select throws_ok($$select public.block_user(auth.uid(), 'oops')$$, '22023', 'user_id: admins cannot block themselves',
  'an admin does not block themselves');
select throws_ok($$select public.block_user(gen_random_uuid(), 'ghost')$$, 'PT404', null, 'an unknown user is not found');

-- An admin blocks the provider ------------------------------------------------------------------------------
select is((public.block_user(tests.get_supabase_uid('provider'), 'Fake reviews')).reason, 'Fake reviews',
  'an admin blocks the provider, saying why');
select results_eq($$select user_id, reason, blocked_by from public.user_blocks$$,
  $$values (tests.get_supabase_uid('provider'), 'Fake reviews'::text, tests.get_supabase_uid('admin'))$$,
  '[user_blocks/admin/select] admins read the blocks: who, why, by whom');
select tests.clear_authentication();
select results_eq($$select operation, actor_id, new_values ->> 'reason' from public.audit_log where table_name = 'public.user_blocks'$$,
  $$values ('insert'::text, tests.get_supabase_uid('admin'), 'Fake reviews'::text)$$, 'the block is in the audit log');
select is_empty($$select 1 from auth.sessions where user_id = tests.get_supabase_uid('provider')$$,
  'their sessions are ended: no refresh token works');
select is(public.custom_access_token_hook(jsonb_build_object('user_id', tests.get_supabase_uid('provider'),
            'authentication_method', 'password', 'claims', '{"role": "authenticated"}'::jsonb)) -> 'error',
  '{"http_code": 403, "message": "This account has been blocked. Contact support if you think this is a mistake."}'::jsonb,
  'the access-token hook refuses them a token (Auth answers 403)');
select throws_ok($$select tests.authenticate_as('provider')$$, 'P0001', null, 'so they cannot sign in');
select is((public.custom_access_token_hook(jsonb_build_object('user_id', tests.get_supabase_uid('client'),
            'authentication_method', 'password', 'claims', '{"role": "authenticated"}'::jsonb)) -> 'claims' ->> 'role'),
  'authenticated', 'other users still get theirs');
select tests.authenticate_with(current_setting('t.provider_claims')::jsonb);
select throws_ok($$select private.check_request()$$, '42501', 'This account has been blocked.',
  'a token issued before the block is refused by the pre-request check');
select tests.authenticate_with(current_setting('t.client_claims')::jsonb);
select lives_ok($$select private.check_request()$$, 'another user''s request passes it');
select tests.authenticate_as_anon();
select lives_ok($$select private.check_request()$$, 'and so does a visitor''s');

-- Their content is hidden ------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select is(pg_temp.visible(), 'offerings 0, provider_profiles 0, posts 0, comments 0, reviews 1',
  'visitors no longer see the blocked provider''s offering, profile, post or comment (the client''s review stays)');
select is_empty($$select * from public.search_offerings()$$, 'the catalog search leaves the offering out');
select tests.authenticate_as('stranger');
select is(pg_temp.visible(), 'offerings 0, provider_profiles 0, posts 0, comments 0, reviews 1', 'nor do signed-in users');
select tests.authenticate_as('admin');
select is(pg_temp.visible(), 'offerings 1, provider_profiles 1, posts 1, comments 1, reviews 1', 'admins still see everything');
select tests.clear_authentication();
select is((select count(*)::int from public.offerings where owner_blocked_at is not null and status = 'active'), 1,
  'the offering keeps its status: unblocking restores it as it was');

-- A blocked author's reviews ---------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select lives_ok(format($$select public.block_user(%L, 'Harassment')$$, tests.get_supabase_uid('client')), 'an admin blocks the client');
select tests.authenticate_as('stranger');
select is((select count(*)::int from public.reviews), 0, 'the client''s review is hidden');

-- user_blocks: who reads and writes ------------------------------------------------------------------------
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.user_blocks'), 'denied', '[user_blocks/anon/select] visitors read no blocks');
select is(pg_temp.outcome($$insert into public.user_blocks (user_id, reason) values (gen_random_uuid(), 'x') returning 1$$),
  'denied', '[user_blocks/anon/insert] nor write one');
select is(pg_temp.outcome($$update public.user_blocks set reason = 'x' returning 1$$), 'denied', '[user_blocks/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.user_blocks returning 1'), 'denied', '[user_blocks/anon/delete] nor lift one');
select tests.authenticate_as('stranger');
select is(pg_temp.outcome('select 1 from public.user_blocks'), '0', '[user_blocks/stranger/select] users read no blocks');
select is(pg_temp.outcome($$insert into public.user_blocks (user_id, reason) values (tests.get_supabase_uid('admin'), 'x') returning 1$$),
  'denied', '[user_blocks/stranger/insert] nor block anyone by writing the table');
select is(pg_temp.outcome($$update public.user_blocks set reason = 'x' returning 1$$), 'denied', '[user_blocks/stranger/update] nor change a block');
select is(pg_temp.outcome('delete from public.user_blocks returning 1'), 'denied', '[user_blocks/stranger/delete] nor lift one');
select tests.authenticate_with(current_setting('t.provider_claims')::jsonb);
select is(pg_temp.outcome('select 1 from public.user_blocks'), '0', '[user_blocks/owner/select] the blocked user does not read the block');
select is(pg_temp.outcome($$insert into public.user_blocks (user_id, reason) values (auth.uid(), 'x') returning 1$$),
  'denied', '[user_blocks/owner/insert] nor writes one');
select is(pg_temp.outcome($$update public.user_blocks set reason = 'x' returning 1$$), 'denied', '[user_blocks/owner/update] nor changes theirs');
select is(pg_temp.outcome('delete from public.user_blocks returning 1'), 'denied', '[user_blocks/owner/delete] nor lifts it');
select tests.authenticate_as('admin');
select is(pg_temp.outcome($$insert into public.user_blocks (user_id, reason) values (tests.get_supabase_uid('stranger'), 'x') returning 1$$),
  'denied', '[user_blocks/admin/insert] admins block through block_user only');
select is(pg_temp.outcome($$update public.user_blocks set reason = 'x' returning 1$$), 'denied', '[user_blocks/admin/update] and change a reason by blocking again');
select is(pg_temp.outcome('delete from public.user_blocks returning 1'), 'denied', '[user_blocks/admin/delete] and lift blocks through unblock_user');
select is((public.block_user(tests.get_supabase_uid('client'), 'Harassment, twice')).reason, 'Harassment, twice',
  'blocking again changes the reason');

-- Unblocking -----------------------------------------------------------------------------------------------
select is(public.unblock_user(tests.get_supabase_uid('provider')), true, 'an admin unblocks the provider');
select is(public.unblock_user(tests.get_supabase_uid('provider')), false, 'twice is nothing');
select is(public.unblock_user(tests.get_supabase_uid('client')), true, 'and the client');
select tests.authenticate_as_anon();
select is(pg_temp.visible(), 'offerings 1, provider_profiles 1, posts 1, comments 1, reviews 1', 'everything is visible again');
select is((select count(*)::int from public.search_offerings()), 1, 'the offering is found again');
select lives_ok($$select tests.authenticate_as('provider')$$, 'the provider signs in again');
select lives_ok($$select private.check_request()$$, 'and their requests pass');
select tests.clear_authentication();
select results_eq($$select operation, coalesce(new_values, old_values) ->> 'reason' from public.audit_log where table_name = 'public.user_blocks' order by id$$,
  $$values ('insert'::text, 'Fake reviews'::text), ('insert', 'Harassment'), ('update', 'Harassment, twice'), ('delete', 'Fake reviews'), ('delete', 'Harassment, twice')$$,
  'blocks, the new reason and unblocks are all in the audit log');
select is((select count(*)::int from public.offerings where owner_blocked_at is not null)
          + (select count(*)::int from public.reviews where owner_blocked_at is not null), 0, 'no row is left marked');

select * from finish();
rollback;
