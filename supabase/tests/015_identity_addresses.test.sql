-- addresses: the user's own, with coordinates; admins see all.
begin;
select plan(20);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');

-- owner ---------------------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select lives_ok(
  $$insert into public.addresses (user_id, line1, city, country_code, latitude, longitude, is_default)
    values (tests.get_supabase_uid('owner'), '1 Main St', 'Springfield', 'US', 39.78, -89.65, true)$$,
  '[addresses/owner/insert] a user adds an address with coordinates');
select results_eq($$select city from public.addresses$$, $$values ('Springfield')$$,
  '[addresses/owner/select] a user reads their own addresses');
select isnt_empty($$update public.addresses set line2 = 'Apt 2' returning 1$$, '[addresses/owner/update] a user edits their own address');
select throws_ok(
  $$insert into public.addresses (user_id, line1, city, country_code, is_default) values (tests.get_supabase_uid('owner'), '2 Main St', 'Springfield', 'US', true)$$,
  '23505', null, 'a user has at most one default address');
select throws_ok(
  $$insert into public.addresses (user_id, line1, city, country_code, latitude) values (tests.get_supabase_uid('owner'), '2 Main St', 'Springfield', 'US', 10)$$,
  '23514', null, 'a latitude without a longitude is refused');
select throws_ok(
  $$insert into public.addresses (user_id, line1, city, country_code, latitude, longitude) values (tests.get_supabase_uid('owner'), '2 Main St', 'Springfield', 'US', 91, 0)$$,
  '23514', null, 'a latitude beyond the pole is refused');
select throws_ok($$update public.addresses set user_id = tests.get_supabase_uid('stranger')$$, '42501', null,
  'a user cannot hand an address to someone else');

-- stranger ------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$select * from public.addresses$$, '[addresses/stranger/select] a user cannot see another user''s addresses');
select throws_ok(
  $$insert into public.addresses (user_id, line1, city, country_code) values (tests.get_supabase_uid('owner'), 'x', 'x', 'US')$$,
  '42501', 'new row violates row-level security policy for table "addresses"',
  '[addresses/stranger/insert] a user cannot add an address for another user (forged owner id)');
select is_empty($$update public.addresses set city = 'x' returning 1$$, '[addresses/stranger/update] a user cannot edit another user''s address');
select is_empty($$delete from public.addresses returning 1$$, '[addresses/stranger/delete] a user cannot delete another user''s address');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.addresses$$, '42501', null, '[addresses/anon/select] visitors cannot read addresses');
select throws_ok($$insert into public.addresses (user_id, line1, city, country_code) values (gen_random_uuid(), 'x', 'x', 'US')$$,
  '42501', null, '[addresses/anon/insert] visitors cannot add addresses');
select throws_ok($$update public.addresses set city = 'x'$$, '42501', null, '[addresses/anon/update] visitors cannot edit addresses');
select throws_ok($$delete from public.addresses$$, '42501', null, '[addresses/anon/delete] visitors cannot delete addresses');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select isnt_empty($$select * from public.addresses where user_id = tests.get_supabase_uid('owner')$$,
  '[addresses/admin/select] admins read every address');
select lives_ok(
  $$insert into public.addresses (user_id, line1, city, country_code) values (tests.get_supabase_uid('stranger'), '9 Elm St', 'Shelbyville', 'US')$$,
  '[addresses/admin/insert] admins add an address for a user');
select isnt_empty($$update public.addresses set region = 'IL' returning 1$$, '[addresses/admin/update] admins edit any address');
select isnt_empty($$delete from public.addresses returning 1$$, '[addresses/admin/delete] admins delete any address');

-- owner deletes last: the address is gone for good.
select tests.authenticate_as('admin');
select tests.authenticate_as('owner');
select tests.clear_authentication();
insert into public.addresses (user_id, line1, city, country_code) values (tests.get_supabase_uid('owner'), '5 Oak St', 'Springfield', 'US');
select tests.authenticate_as('owner');
select isnt_empty($$delete from public.addresses returning 1$$, '[addresses/owner/delete] a user deletes their own address');

select * from finish();
rollback;
