-- Sign-in abused (issue "Abuse-proofing", item 8; 20260114000000, 20260114000100). The attack
-- is made as Supabase Auth makes it: for every password anyone types for an email, Auth calls
-- the password hook with {user_id, valid}, and for every token it issues (sign-in, magic link,
-- OAuth, refresh) the access-token hook.
--
-- * lock anyone out: wrong passwords for someone's email, forever. They slow the next password
--   attempts down for at most 5 minutes after the last failure, and never refuse a token: the
--   victim's sessions live on, other ways in stay open, the right password gets in once the
--   wait is over, and the victim is told (once a day at most);
-- * guessing through the wait: attempts in a window are refused right or wrong, alike, and
--   are not counted; the waits grow to 5 minutes;
-- * pulling the levers directly: no API role runs the hooks, counts failures or sends the
--   notice; only admins unlock.
begin;
set local time zone 'UTC';
select plan(40);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('victim');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
select tests.create_supabase_user('stranger');

-- What Auth gets from the password hook when <name>'s password is typed, right or wrong.
create function pg_temp.attempt(name text, valid boolean) returns jsonb language sql as $$
  select public.password_verification_attempt_hook(jsonb_build_object('user_id', tests.get_supabase_uid(name), 'valid', valid))
$$;
-- What Auth gets from the access-token hook when it issues <name> a token by <method>.
create function pg_temp.token(name text, method text) returns jsonb language sql as $$
  select public.custom_access_token_hook(jsonb_build_object(
    'user_id', u.id, 'authentication_method', method,
    'claims', jsonb_build_object('sub', u.id, 'role', 'authenticated', 'aud', 'authenticated', 'email', u.email,
                                 'session_id', gen_random_uuid(), 'is_anonymous', false)))
  from auth.users u where u.id = tests.get_supabase_uid(name)
$$;
-- How long <name>'s password attempts still wait (0 when they are answered).
create function pg_temp.wait_left(name text) returns interval language sql stable as $$
  select coalesce((select greatest(s.locked_until - now(), interval '0') from private.login_states s
                   where s.user_id = tests.get_supabase_uid(name)), interval '0')
$$;
-- Time passes for <name>'s sign-in state: every stamp moves into the past.
create function pg_temp.wait(name text, span interval) returns void language sql as $$
  update private.login_states s
  set last_failed_at = s.last_failed_at - span, locked_until = s.locked_until - span,
      failures_since = s.failures_since - span, failures_notified_at = s.failures_notified_at - span,
      last_sign_in_at = s.last_sign_in_at - span
  where s.user_id = tests.get_supabase_uid(name)
$$;
-- The attacker: <n> wrong passwords for <name>, each the moment the wait before it is over.
-- Every answer and the wait it left are kept in pg_temp.answers.
create table pg_temp.answers (victim text, n integer generated always as identity, answer jsonb, wait interval);
create function pg_temp.guess(name text, times integer) returns void language plpgsql as $$
begin
  for i in 1..times loop
    perform pg_temp.wait(name, pg_temp.wait_left(name));
    insert into pg_temp.answers (victim, answer) values (name, pg_temp.attempt(name, false));
    update pg_temp.answers set wait = pg_temp.wait_left(name) where n = (select max(n) from pg_temp.answers);
  end loop;
end
$$;
create function pg_temp.notices(name text) returns bigint language sql stable as $$
  select count(*) from private.notification_outbox o
  where o.event_type = 'account.sign_in_failures' and o.recipient_ids = array[tests.get_supabase_uid(name)]
$$;
grant execute on function pg_temp.attempt(text, boolean) to anon, authenticated;

-- The attacker, through Supabase Auth ---------------------------------------------------------------
select pg_temp.guess('victim', 5);
select results_eq($$select answer ->> 'decision' from pg_temp.answers order by n$$,
  array['continue', 'continue', 'continue', 'continue', 'reject'],
  'four wrong passwords are just wrong; from the fifth in a row, the next attempts wait');
select is(pg_temp.wait_left('victim'), interval '15 seconds', 'the first wait is auth.login_delay_seconds: 15 seconds');
select is(pg_temp.attempt('victim', true) ->> 'decision', 'reject', 'during the wait even the right password is refused');
select is(pg_temp.attempt('victim', true), pg_temp.attempt('victim', false),
  'right or wrong, the wait answers alike: it tells a guesser nothing');
select is((select failed_attempts from private.login_states where user_id = tests.get_supabase_uid('victim')), 5,
  'attempts during the wait are not counted: hammering neither counts nor lengthens it');
select is(pg_temp.wait_left('victim'), interval '15 seconds', 'the wait is still the one the last failure opened');

select ok(pg_temp.token('victim', 'token_refresh') ? 'claims' and not pg_temp.token('victim', 'token_refresh') ? 'error',
  'the victim''s session lives on: a token refresh is answered with claims, not a 403');

select pg_temp.guess('victim', 25);
select results_eq($$select extract(epoch from wait)::integer from pg_temp.answers where victim = 'victim' and n between 5 and 11 order by n$$,
  array[15, 30, 60, 120, 240, 300, 300],
  'each further failure doubles the wait, up to auth.max_login_delay_seconds');
select is((select max(wait) from pg_temp.answers), interval '5 minutes',
  'however long the attack, a right password waits at most 5 minutes after the last failure');
select is((select count(*) from pg_temp.answers where (answer ->> 'should_logout_user')::boolean), 0::bigint,
  'the password hook never asks Auth to log the victim out');
select is(pg_temp.attempt('victim', true) ->> 'message',
  'Too many failed sign-in attempts: try again in 5 minutes, or sign in with a link sent by email.',
  'a refused sign-in says how long to wait and what else to do (Auth answers 400 invalid_credentials with it)');

select ok(pg_temp.token('victim', 'token_refresh') ? 'claims', 'after 30 wrong passwords, refreshes still keep the victim signed in');
select is(pg_temp.notices('victim'), 1::bigint, 'the victim is told, once for the whole attack: account.sign_in_failures');
select results_eq(
  $$select data ->> 'failed_attempts', data ->> 'timezone', data ->> 'action_url' from private.notification_outbox
    where event_type = 'account.sign_in_failures'$$,
  $$values ('5', 'UTC', 'http://localhost:3000/account/security')$$,
  'the notice says how many wrong passwords were tried, since when, and where to change the password');

select pg_temp.wait('victim', pg_temp.wait_left('victim'));
select is(pg_temp.attempt('victim', true) ->> 'decision', 'continue',
  'once the wait is over the right password signs the victim in: the attacker holds no switch');
select is((select failed_attempts from private.login_states where user_id = tests.get_supabase_uid('victim')), 0,
  'the victim''s sign-in ends the count');

-- The next run of failures the same day is not told again; a day later it is.
select pg_temp.guess('victim', 5);
select is(pg_temp.notices('victim'), 1::bigint, 'at most one notice a day: an attacker cannot flood the victim''s inbox');
select pg_temp.wait('victim', interval '25 hours');
select pg_temp.guess('victim', 5);
select is(pg_temp.notices('victim'), 2::bigint, 'a day later, a new run of failures is told again');
select is((select failed_attempts from private.login_states where user_id = tests.get_supabase_uid('victim')), 5,
  'failures a day old are forgotten: the new run counts from one');

-- What the victim sees of it: the inbox, and an email (security cannot be muted).
select tests.authenticate_as_service_role();
select ok(service.expand_notifications(100) >= 2, 'the notices are expanded like every event');
select tests.clear_authentication();
select results_eq(
  $$select n.title, n.body from public.notifications n join private.notification_outbox o on o.id = n.outbox_id
    where n.user_id = tests.get_supabase_uid('victim') order by o.id limit 1$$,
  $$values ('Failed sign-in attempts',
            '5 wrong passwords were tried on your account since ' || private.format_local_time(now(), 'UTC')
            || ' (UTC). You stay signed in. If it was not you, change your password.')$$,
  'the victim reads in the inbox how many wrong passwords were tried and since when');
select is(
  (select count(*) from public.notification_deliveries d join private.notification_outbox o on o.id = d.outbox_id
   where o.event_type = 'account.sign_in_failures' and d.channel = 'email' and d.status = 'queued'),
  2::bigint, 'and by email');

select ok(pg_temp.token('victim', 'magiclink') ? 'claims', 'during a wait the victim signs in by magic link');
select is(pg_temp.attempt('victim', true) ->> 'decision', 'continue', 'which, being theirs, ends the wait for their password too');

-- An admin attacked the same way keeps their session and their role.
select pg_temp.guess('admin', 10);
select is(pg_temp.token('admin', 'token_refresh') -> 'claims' ->> 'role', 'marketbase_admin',
  'an admin under attack still refreshes their token, as marketbase_admin');
select is(pg_temp.token('admin', 'token_refresh') - 'claims', '{}'::jsonb, 'the token hook answers claims and nothing else');

-- service_role: sign-in paths outside Auth's password hook count and slow down the same way ----------
select tests.authenticate_as_service_role();
select is((select count(*) from generate_series(1, 5) i where service.record_failed_login(tests.get_supabase_uid('stranger')) ->> 'locked_until' is not null),
  1::bigint, 'the service role''s failures slow down from the fifth too');
select tests.clear_authentication();
select ok(pg_temp.token('stranger', 'token_refresh') ? 'claims', 'and end no session either');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select pg_temp.attempt('victim', false)$$, '42501', 'permission denied for function password_verification_attempt_hook',
  'visitors cannot call the password hook to count failures for someone');
select throws_ok(
  $$select public.custom_access_token_hook(jsonb_build_object('user_id', tests.get_supabase_uid('victim'),
      'authentication_method', 'password', 'claims', '{"role": "authenticated"}'::jsonb))$$,
  '42501', 'permission denied for function custom_access_token_hook',
  'visitors cannot call the access-token hook');
select throws_ok($$select public.unlock_user(tests.get_supabase_uid('victim'))$$, '42501', null, 'visitors cannot unlock anyone');

-- stranger (another signed-in user) --------------------------------------------------------------------
select tests.authenticate_as('stranger');
select throws_ok($$select pg_temp.attempt('victim', false)$$, '42501', 'permission denied for function password_verification_attempt_hook',
  'a user cannot call the password hook to slow someone down');
select throws_ok($$select private.record_login_failure(tests.get_supabase_uid('victim'))$$, '42501', null,
  'a user cannot count failures for someone');
select throws_ok($$select private.notify_sign_in_failures(tests.get_supabase_uid('victim'))$$, '42501', null,
  'a user cannot send someone the sign-in notice');
select throws_ok($$select public.unlock_user(tests.get_supabase_uid('victim'))$$, '42501', 'only admins can unlock accounts',
  'a user cannot unlock anyone');
select throws_ok($$select * from public.get_login_state(tests.get_supabase_uid('victim'))$$, '42501', null,
  'a user cannot read someone else''s sign-in state');

-- victim -----------------------------------------------------------------------------------------------
select tests.clear_authentication();
select pg_temp.guess('victim', 6);
select tests.authenticate_with(pg_temp.token('victim', 'token_refresh') -> 'claims');
select results_eq($$select failed_attempts, locked_until > now() from public.get_login_state(auth.uid())$$,
  $$values (6, true)$$, 'the victim, still signed in, reads their own failures and wait');

-- admin ------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select results_eq($$select failed_attempts from public.get_login_state(tests.get_supabase_uid('victim'))$$, $$values (6)$$,
  'admins read anyone''s sign-in state');
select lives_ok($$select public.unlock_user(tests.get_supabase_uid('victim'))$$, 'admins clear a wait with unlock_user');
select tests.clear_authentication();
select is(pg_temp.attempt('victim', true) ->> 'decision', 'continue', 'after the unlock the victim''s right password gets in at once');

select * from finish();
rollback;
