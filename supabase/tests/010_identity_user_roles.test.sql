-- user_roles: who reads and who grants roles; the claims the access token hook issues.
begin;
select plan(22);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('collector');
select tests.grant_role('admin', 'admin');
select tests.grant_role('collector', 'staff', 'collector');

-- anon ------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.user_roles$$, '42501', null,
  '[user_roles/anon/select] anon cannot read roles');
select throws_ok($$insert into public.user_roles (user_id, role) values (tests.get_supabase_uid('owner'), 'admin')$$,
  '42501', null, '[user_roles/anon/insert] anon cannot grant roles');
select throws_ok($$update public.user_roles set role = 'admin'$$, '42501', null,
  '[user_roles/anon/update] anon cannot change roles');
select throws_ok($$delete from public.user_roles$$, '42501', null,
  '[user_roles/anon/delete] anon cannot revoke roles');

-- stranger ------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$select * from public.user_roles where user_id = tests.get_supabase_uid('owner')$$,
  '[user_roles/stranger/select] a user cannot see another user''s roles');
select throws_ok(
  $$insert into public.user_roles (user_id, role) values (tests.get_supabase_uid('stranger'), 'admin')$$,
  '42501', 'new row violates row-level security policy for table "user_roles"',
  '[user_roles/stranger/insert] a user cannot grant themselves admin');
select throws_ok($$update public.user_roles set role = 'admin' where user_id = tests.get_supabase_uid('owner')$$,
  '42501', null, '[user_roles/stranger/update] a user cannot edit another user''s role');
select is_empty($$delete from public.user_roles where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[user_roles/stranger/delete] a user cannot revoke another user''s role');

-- owner -------------------------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select results_eq($$select role::text from public.user_roles$$, $$values ('client')$$,
  '[user_roles/owner/select] a user reads their own roles: client after sign-up');
select throws_ok(
  $$insert into public.user_roles (user_id, role, staff_role) values (tests.get_supabase_uid('owner'), 'staff', 'analyst')$$,
  '42501', null, '[user_roles/owner/insert] a user cannot grant themselves a staff role');
select throws_ok($$update public.user_roles set role = 'admin'$$, '42501', null,
  '[user_roles/owner/update] a user cannot turn their role into admin');
select is_empty($$delete from public.user_roles returning 1$$,
  '[user_roles/owner/delete] a user cannot drop their own role');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select isnt_empty($$select * from public.user_roles where user_id = tests.get_supabase_uid('owner')$$,
  '[user_roles/admin/select] an admin reads every user''s roles');
select lives_ok(
  $$insert into public.user_roles (user_id, role, staff_role) values (tests.get_supabase_uid('owner'), 'staff', 'lab_tech')$$,
  '[user_roles/admin/insert] an admin grants a staff role');
select throws_ok($$update public.user_roles set role = 'provider' where user_id = tests.get_supabase_uid('owner')$$,
  '42501', null, '[user_roles/admin/update] roles are revoked and granted, not edited, even by admins');
select isnt_empty(
  $$delete from public.user_roles where user_id = tests.get_supabase_uid('owner') and role = 'client' returning 1$$,
  '[user_roles/admin/delete] an admin revokes a role');

select tests.clear_authentication();
select is((select granted_by from public.user_roles where staff_role = 'lab_tech'), tests.get_supabase_uid('admin'),
  'a grant records the admin who made it');
select throws_ok(
  $$insert into public.user_roles (user_id, role) values (tests.get_supabase_uid('owner'), 'staff')$$,
  '23514', null, 'a staff role needs a sub-role');

-- claims ------------------------------------------------------------------------------------------------
select tests.authenticate_as('collector');
select is(auth.jwt() -> 'staff_roles', '["collector"]'::jsonb, 'the access token carries staff sub-roles');
select ok((select private.has_staff_role('collector')) and (select private.is_staff()) and not (select private.is_admin()),
  'role helpers read the JWT: a collector is staff, not admin');
select tests.authenticate_as('provider');
select is(auth.jwt() -> 'user_roles', '["provider"]'::jsonb, 'sign-up as provider yields the provider role claim');

select tests.clear_authentication();
select is(
  public.custom_access_token_hook(jsonb_build_object(
    'user_id', tests.get_supabase_uid('stranger'), 'authentication_method', 'token_refresh',
    'claims', jsonb_build_object('sub', tests.get_supabase_uid('stranger'), 'role', 'authenticated', 'aud', 'authenticated')
  )) -> 'claims' -> 'user_roles',
  '["client"]'::jsonb,
  'the hook keeps the claims it was given and adds user_roles');

select * from finish();
rollback;
