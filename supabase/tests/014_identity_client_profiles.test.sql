-- client_profiles and matching_factors: the client's own data; the 20-factor quiz checked
-- in SQL; valid IANA time zones.
begin;
select plan(38);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
insert into public.client_profiles (user_id) values (tests.get_supabase_uid('stranger'));

create function pg_temp.full_quiz() returns jsonb language sql as $$
  select jsonb_object_agg(key, 3) from public.matching_factors
$$;
grant execute on function pg_temp.full_quiz() to authenticated;

select is((select count(*) from public.matching_factors), 20::bigint, 'the coaching quiz has 20 matching factors');

-- owner ---------------------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select lives_ok($$insert into public.client_profiles (user_id, timezone) values (tests.get_supabase_uid('owner'), 'Asia/Tokyo')$$,
  '[client_profiles/owner/insert] a client creates their own profile');
select results_eq($$select timezone, quiz_answers is null from public.client_profiles$$, $$values ('Asia/Tokyo', true)$$,
  '[client_profiles/owner/select] a client reads only their own profile');
select isnt_empty($$update public.client_profiles set quiz_answers = pg_temp.full_quiz() returning 1$$,
  '[client_profiles/owner/update] a client answers the quiz');
select ok((select quiz_completed_at is not null from public.client_profiles), 'a complete quiz is stamped as completed');
select throws_ok($$update public.client_profiles set quiz_answers = pg_temp.full_quiz() - 'formality' - 'adaptability'$$,
  '22023', 'quiz_answers is missing factors: formality, adaptability', 'a quiz missing factors is refused, naming them');
select throws_ok($$update public.client_profiles set quiz_answers = pg_temp.full_quiz() || '{"favourite_colour": 2}'$$,
  '22023', 'quiz_answers has unknown factors: favourite_colour', 'a quiz with an unknown factor is refused, naming it');
select throws_ok($$update public.client_profiles set quiz_answers = pg_temp.full_quiz() || '{"formality": 9}'$$,
  '22023', 'quiz_answers.formality must be an integer from 1 to 5', 'an answer out of scale is refused, naming the factor');
select throws_ok($$update public.client_profiles set quiz_answers = pg_temp.full_quiz() || '{"formality": 2.5}'$$,
  '22023', 'quiz_answers.formality must be an integer from 1 to 5', 'a fractional answer is refused');
select throws_ok($$update public.client_profiles set quiz_answers = pg_temp.full_quiz() || '{"formality": "high"}'$$,
  '22023', 'quiz_answers.formality must be an integer from 1 to 5', 'a text answer is refused');
select throws_ok($$update public.client_profiles set quiz_answers = '[1, 2, 3]'$$,
  '22023', 'quiz_answers must be an object of factor keys to scores', 'a quiz that is not an object is refused');
select throws_ok($$update public.client_profiles set timezone = 'Mars/Olympus'$$,
  '22023', 'timezone: "Mars/Olympus" is not an IANA time zone name', 'an unknown time zone is refused');
select throws_ok($$update public.client_profiles set quiz_completed_at = now()$$, '42501', null,
  'the completion stamp is not the client''s to set');
select is_empty($$delete from public.client_profiles returning 1$$,
  '[client_profiles/owner/delete] a client cannot delete the profile (admins do)');

-- stranger ------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$select * from public.client_profiles where user_id = tests.get_supabase_uid('owner')$$,
  '[client_profiles/stranger/select] a user cannot read another client''s quiz');
select throws_ok($$insert into public.client_profiles (user_id) values (tests.get_supabase_uid('admin'))$$,
  '42501', 'new row violates row-level security policy for table "client_profiles"',
  '[client_profiles/stranger/insert] a user cannot create a profile for someone else');
select is_empty($$update public.client_profiles set timezone = 'UTC' where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[client_profiles/stranger/update] a user cannot edit another client''s profile');
select is_empty($$delete from public.client_profiles where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[client_profiles/stranger/delete] a user cannot delete another client''s profile');
select isnt_empty($$select * from public.matching_factors$$, '[matching_factors/stranger/select] users read the quiz factors');
select throws_ok($$insert into public.matching_factors (key, label) values ('x', 'x')$$, '42501', null,
  '[matching_factors/stranger/insert] users cannot add quiz factors');
select is_empty($$update public.matching_factors set label = 'x' returning 1$$,
  '[matching_factors/stranger/update] users cannot change quiz factors');
select is_empty($$delete from public.matching_factors returning 1$$,
  '[matching_factors/stranger/delete] users cannot remove quiz factors');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.client_profiles$$, '42501', null, '[client_profiles/anon/select] visitors cannot read client profiles');
select throws_ok($$insert into public.client_profiles (user_id) values (gen_random_uuid())$$, '42501', null,
  '[client_profiles/anon/insert] visitors cannot create client profiles');
select throws_ok($$update public.client_profiles set timezone = 'UTC'$$, '42501', null,
  '[client_profiles/anon/update] visitors cannot edit client profiles');
select throws_ok($$delete from public.client_profiles$$, '42501', null,
  '[client_profiles/anon/delete] visitors cannot delete client profiles');
select isnt_empty($$select * from public.matching_factors$$, '[matching_factors/anon/select] visitors read the quiz factors');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is((select count(*) from public.client_profiles where user_id in (tests.get_supabase_uid('owner'), tests.get_supabase_uid('stranger'))),
  2::bigint, '[client_profiles/admin/select] admins read every client profile');
select isnt_empty($$update public.client_profiles set preferences = '{"language": "en"}' where user_id = tests.get_supabase_uid('stranger') returning 1$$,
  '[client_profiles/admin/update] admins edit client profiles');
select isnt_empty($$delete from public.client_profiles where user_id = tests.get_supabase_uid('stranger') returning 1$$,
  '[client_profiles/admin/delete] admins delete client profiles');

select tests.authenticate_as('admin');
select lives_ok($$insert into public.client_profiles (user_id, timezone) values (tests.get_supabase_uid('admin'), 'UTC')$$,
  '[client_profiles/admin/insert] admins create a client profile');
select isnt_empty($$select * from public.matching_factors$$, '[matching_factors/admin/select] admins read the quiz factors');
select lives_ok($$insert into public.matching_factors (key, label, sort_order) values ('humour', 'Sense of humour', 21)$$,
  '[matching_factors/admin/insert] admins add a quiz factor');
select isnt_empty($$update public.matching_factors set label = 'Humour' where key = 'humour' returning 1$$,
  '[matching_factors/admin/update] admins change a quiz factor');
select isnt_empty($$delete from public.matching_factors where key = 'humour' returning 1$$,
  '[matching_factors/admin/delete] admins remove a quiz factor');

select tests.authenticate_as_anon();
select throws_ok($$insert into public.matching_factors (key, label) values ('x', 'x')$$, '42501', null,
  '[matching_factors/anon/insert] visitors cannot add quiz factors');
select throws_ok($$update public.matching_factors set label = 'x'$$, '42501', null,
  '[matching_factors/anon/update] visitors cannot change quiz factors');
select throws_ok($$delete from public.matching_factors$$, '42501', null,
  '[matching_factors/anon/delete] visitors cannot remove quiz factors');

select * from finish();
rollback;
