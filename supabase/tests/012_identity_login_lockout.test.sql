-- Login lockout (pet lab seed): failures counted by the password hook and the service
-- function; from the fifth in a row, password attempts wait (20260114000100: a growing delay
-- rather than a lock, and never a refused token) until it runs out or an admin clears it.
begin;
select plan(13);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('user');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');

create temporary table attempt (result jsonb);
grant all on attempt to authenticated;

-- Four wrong passwords: still allowed to try.
select public.password_verification_attempt_hook(jsonb_build_object('user_id', tests.get_supabase_uid('user'), 'valid', false))
from generate_series(1, 4);
select is((select failed_attempts from private.login_states where user_id = tests.get_supabase_uid('user')), 4,
  'failed password attempts are counted');
select lives_ok($$select tests.authenticate_as('user')$$, 'below the limit the user still gets a token');
select tests.clear_authentication();
-- The successful sign-in above reset the count; five more failures lock the account.
select is((select failed_attempts from private.login_states where user_id = tests.get_supabase_uid('user')), 0,
  'a successful sign-in clears the failure count');
insert into attempt
select public.password_verification_attempt_hook(jsonb_build_object('user_id', tests.get_supabase_uid('user'), 'valid', false))
from generate_series(1, 5);
select is((select count(*) from attempt where result ->> 'decision' = 'reject'), 1::bigint,
  'the fifth failure in a row locks the account and rejects the attempt');
select is((select locked_until - now() from private.login_states where user_id = tests.get_supabase_uid('user')),
  make_interval(secs => (private.setting('auth.login_delay_seconds'))::integer),
  'the first wait lasts auth.login_delay_seconds');
select is(
  public.password_verification_attempt_hook(jsonb_build_object('user_id', tests.get_supabase_uid('user'), 'valid', true)) ->> 'decision',
  'reject', 'while locked even the right password is rejected');
select lives_ok($$select tests.authenticate_as('user')$$,
  'a user whose password attempts wait still gets an access token (magic link, OAuth, refresh): failures end no session');

-- The service function records failures for sign-in paths outside the password hook.
select tests.authenticate_as_service_role();
select is((service.record_failed_login(tests.get_supabase_uid('admin')) ->> 'failed_attempts')::int, 1,
  'the service role records a failed sign-in');

-- Only admins clear a lock.
select tests.clear_authentication();
select tests.authenticate_as('admin');
select lives_ok($$select public.unlock_user(tests.get_supabase_uid('user'))$$, 'an admin clears the lock');
select tests.clear_authentication();
select lives_ok($$select tests.authenticate_as('user')$$, 'after the unlock the user gets a token again');
select throws_ok($$select public.unlock_user(tests.get_supabase_uid('admin'))$$, '42501', 'only admins can unlock accounts',
  'a user cannot unlock accounts');
select throws_ok($$select service.record_failed_login(tests.get_supabase_uid('user'))$$, '42501', null,
  'users cannot call service functions');

-- A lock that has run out lets the user in.
select tests.clear_authentication();
update private.login_states set locked_until = now() - interval '1 second', failed_attempts = 5
where user_id = tests.get_supabase_uid('user');
select lives_ok($$select tests.authenticate_as('user')$$, 'an expired lock no longer blocks the token');

select * from finish();
rollback;
