-- profiles and profile_details: created at sign-up; public half readable by all, private
-- half by the user and admins; only editable columns editable.
begin;
select plan(38);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner', phone => '+14155550100',
  metadata => '{"display_name": "Olive", "full_name": "Olive Owner", "locale": "fr"}');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');

-- sign-up -----------------------------------------------------------------------------------------
select results_eq(
  $$select p.display_name, d.full_name, d.phone, d.locale from public.profiles p
    join public.profile_details d on d.user_id = p.id where p.id = tests.get_supabase_uid('owner')$$,
  $$values ('Olive', 'Olive Owner', '+14155550100', 'fr')$$,
  'sign-up creates the profile and its details from the metadata');
select throws_ok($$select tests.create_supabase_user('sneaky', metadata => '{"account_type": "admin"}')$$,
  '22023', 'account_type must be client or provider, not admin', 'nobody signs up as admin');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select display_name from public.profiles where id = tests.get_supabase_uid('owner')$$,
  $$values ('Olive')$$, '[profiles/anon/select] anon reads public profiles');
select throws_ok($$insert into public.profiles (id, display_name) values (gen_random_uuid(), 'x')$$, '42501', null,
  '[profiles/anon/insert] anon cannot create profiles');
select throws_ok($$update public.profiles set display_name = 'x'$$, '42501', null,
  '[profiles/anon/update] anon cannot edit profiles');
select throws_ok($$delete from public.profiles$$, '42501', null, '[profiles/anon/delete] anon cannot delete profiles');
select throws_ok($$select * from public.profile_details$$, '42501', null,
  '[profile_details/anon/select] anon cannot read private details');
select throws_ok($$insert into public.profile_details (user_id) values (gen_random_uuid())$$, '42501', null,
  '[profile_details/anon/insert] anon cannot create details');
select throws_ok($$update public.profile_details set full_name = 'x'$$, '42501', null,
  '[profile_details/anon/update] anon cannot edit details');
select throws_ok($$delete from public.profile_details$$, '42501', null,
  '[profile_details/anon/delete] anon cannot delete details');

-- stranger --------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select results_eq($$select display_name from public.profiles where id = tests.get_supabase_uid('owner')$$,
  $$values ('Olive')$$, '[profiles/stranger/select] users read other users'' public profiles');
select throws_ok($$insert into public.profiles (id, display_name) values (gen_random_uuid(), 'x')$$, '42501', null,
  '[profiles/stranger/insert] users cannot create profiles: sign-up does');
select is_empty($$update public.profiles set display_name = 'Hacked' where id = tests.get_supabase_uid('owner') returning 1$$,
  '[profiles/stranger/update] users cannot edit another user''s profile');
select throws_ok($$delete from public.profiles where id = tests.get_supabase_uid('owner')$$, '42501', null,
  '[profiles/stranger/delete] users cannot delete profiles');
select is_empty($$select * from public.profile_details where user_id = tests.get_supabase_uid('owner')$$,
  '[profile_details/stranger/select] users cannot read another user''s private details');
select throws_ok($$insert into public.profile_details (user_id) values (tests.get_supabase_uid('stranger'))$$,
  '42501', null, '[profile_details/stranger/insert] users cannot insert details: sign-up does');
select is_empty($$update public.profile_details set phone = '+15550000000' where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[profile_details/stranger/update] users cannot edit another user''s details');
select throws_ok($$delete from public.profile_details$$, '42501', null,
  '[profile_details/stranger/delete] users cannot delete details');

-- owner -------------------------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select isnt_empty($$update public.profiles set display_name = 'Olive O.' where id = tests.get_supabase_uid('owner') returning 1$$,
  '[profiles/owner/update] users edit their own display name');
select throws_ok($$update public.profiles set created_at = now() - interval '1 year'$$, '42501', null,
  'users cannot edit a protected column of their profile');
select throws_ok($$update public.profiles set id = gen_random_uuid()$$, '42501', null,
  'users cannot move their profile to another id');
select results_eq($$select full_name, phone from public.profile_details$$, $$values ('Olive Owner', '+14155550100')$$,
  '[profile_details/owner/select] users read only their own private details');
select isnt_empty($$update public.profile_details set locale = 'de' returning 1$$,
  '[profile_details/owner/update] users edit their own details');
select throws_ok($$update public.profile_details set phone = '555'$$, '23514', null,
  'a phone number that is not E.164 is refused');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is((select count(*) from public.profile_details where user_id in (tests.get_supabase_uid('owner'), tests.get_supabase_uid('stranger'))),
  2::bigint, '[profile_details/admin/select] admins read every user''s details');
select isnt_empty($$update public.profiles set display_name = 'Moderated' where id = tests.get_supabase_uid('stranger') returning 1$$,
  '[profiles/admin/update] admins edit any profile');
select isnt_empty($$update public.profile_details set full_name = 'Fixed' where user_id = tests.get_supabase_uid('stranger') returning 1$$,
  '[profile_details/admin/update] admins edit any user''s details');

select tests.authenticate_as('owner');
select results_eq($$select display_name from public.profiles where id = tests.get_supabase_uid('owner')$$,
  $$values ('Olive O.')$$, '[profiles/owner/select] a user reads their own profile');
select throws_ok($$insert into public.profiles (id, display_name) values (tests.get_supabase_uid('owner'), 'Twin')$$, '42501', null,
  '[profiles/owner/insert] a user cannot create a second profile');
select throws_ok($$delete from public.profiles$$, '42501', null,
  '[profiles/owner/delete] a user cannot delete their profile (deleting the account does)');
select throws_ok($$insert into public.profile_details (user_id) values (tests.get_supabase_uid('owner'))$$, '42501', null,
  '[profile_details/owner/insert] details come from sign-up, not from inserts');
select throws_ok($$delete from public.profile_details$$, '42501', null,
  '[profile_details/owner/delete] a user cannot delete their details');

select tests.authenticate_as('admin');
select is((select count(*) from public.profiles where id in (tests.get_supabase_uid('owner'), tests.get_supabase_uid('stranger'))),
  2::bigint, '[profiles/admin/select] admins read every profile');
select throws_ok($$insert into public.profiles (id, display_name) values (gen_random_uuid(), 'x')$$, '42501', null,
  '[profiles/admin/insert] not even admins insert profiles: sign-up does');
select throws_ok($$delete from public.profiles where id = tests.get_supabase_uid('stranger')$$, '42501', null,
  '[profiles/admin/delete] admins delete accounts, not bare profiles');
select throws_ok($$insert into public.profile_details (user_id) values (gen_random_uuid())$$, '42501', null,
  '[profile_details/admin/insert] not even admins insert details');
select throws_ok($$delete from public.profile_details$$, '42501', null,
  '[profile_details/admin/delete] admins cannot delete details apart from the account');

select tests.clear_authentication();
delete from auth.users where id = tests.get_supabase_uid('stranger');
select is_empty($$select 1 from public.profile_details d where not exists (select 1 from auth.users u where u.id = d.user_id)$$,
  'deleting the account removes the profile and its details');

select * from finish();
rollback;
