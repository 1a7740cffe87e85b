-- provider_profiles, provider_rate_bounds, provider_payout_accounts: public profiles the
-- provider writes, rates within bounds, verification by admins, payout data by the service.
begin;
select plan(53);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
insert into public.provider_profiles (user_id, kind, headline, hourly_rate, currency)
values (tests.get_supabase_uid('admin'), 'consultant', 'Platform consultant', 10000, 'EUR');
insert into public.provider_payout_accounts (provider_id, stripe_account_id)
values (tests.get_supabase_uid('admin'), 'acct_admin');

-- owner ---------------------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select lives_ok(
  $$insert into public.provider_profiles (user_id, kind, headline, languages, countries, hourly_rate, currency)
    values (tests.get_supabase_uid('owner'), 'coach', 'Coach', '{en,ja}', '{JP}', 9000, 'USD')$$,
  '[provider_profiles/owner/insert] a provider creates their own profile');
select results_eq($$select rating, is_verified from public.provider_profiles where user_id = tests.get_supabase_uid('owner')$$,
  $$values (0.00::numeric(3,2), false)$$, '[provider_profiles/owner/select] a provider reads their profile, unverified and unrated');
select isnt_empty($$update public.provider_profiles set bio = 'Twenty years abroad.' where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[provider_profiles/owner/update] a provider edits their own description');
select throws_ok($$update public.provider_profiles set is_verified = true$$, '42501', null,
  'a provider cannot verify themselves');
select throws_ok($$update public.provider_profiles set rating = 5$$, '42501', null,
  'a provider cannot set their own rating');
select throws_ok($$update public.provider_profiles set hourly_rate = 1000 where user_id = tests.get_supabase_uid('owner')$$,
  '22023', 'hourly_rate must be between 2500 and 50000 USD minor units for coach providers',
  'a coach rate under 25 USD is refused, naming the field and the bounds');
select throws_ok($$update public.provider_profiles set hourly_rate = 50001 where user_id = tests.get_supabase_uid('owner')$$,
  '22023', null, 'a coach rate over 500 USD is refused');
select throws_ok($$update public.provider_profiles set currency = 'EUR' where user_id = tests.get_supabase_uid('owner')$$,
  '22023', 'currency: EUR is not accepted for coach rates', 'a coach rate in a currency without bounds is refused');
select throws_ok($$update public.provider_profiles set countries = '{japan}'$$, '23514', null,
  'countries must be ISO alpha-2 codes');
select is_empty($$delete from public.provider_profiles where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[provider_profiles/owner/delete] a provider cannot delete their profile (admins do)');
select is_empty($$select * from public.provider_payout_accounts$$,
  '[provider_payout_accounts/owner/select] a provider without an account sees none, and never another''s');
select throws_ok($$insert into public.provider_payout_accounts (provider_id, stripe_account_id) values (tests.get_supabase_uid('owner'), 'acct_x')$$,
  '42501', null, '[provider_payout_accounts/owner/insert] a provider cannot set their own Stripe account');
select throws_ok($$update public.provider_payout_accounts set charges_enabled = true$$, '42501', null,
  '[provider_payout_accounts/owner/update] a provider cannot mark themselves payable');
select throws_ok($$delete from public.provider_payout_accounts$$, '42501', null,
  '[provider_payout_accounts/owner/delete] a provider cannot remove the payout account');

-- stranger ------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select isnt_empty($$select headline, hourly_rate from public.provider_profiles where user_id = tests.get_supabase_uid('owner')$$,
  '[provider_profiles/stranger/select] anyone signed in reads provider profiles');
select throws_ok(
  $$insert into public.provider_profiles (user_id, kind) values (tests.get_supabase_uid('stranger'), 'coach')$$,
  '42501', 'new row violates row-level security policy for table "provider_profiles"',
  '[provider_profiles/stranger/insert] a client without the provider role cannot create a provider profile');
select is_empty($$update public.provider_profiles set headline = 'Hacked' where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[provider_profiles/stranger/update] a user cannot edit another provider''s profile');
select is_empty($$delete from public.provider_profiles where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[provider_profiles/stranger/delete] a user cannot delete a provider profile');
select is_empty($$select * from public.provider_payout_accounts$$,
  '[provider_payout_accounts/stranger/select] a user cannot read payout accounts');
select throws_ok($$select public.set_provider_verification(tests.get_supabase_uid('owner'), true)$$, '42501',
  'only admins can verify providers', 'a user cannot verify a provider');
select hasnt_column('public', 'provider_profiles', 'stripe_account_id',
  'the Stripe account id is not part of the public provider profile');
select throws_ok($$insert into public.provider_rate_bounds values ('coach', 'EUR', 1, 2)$$, '42501', null,
  '[provider_rate_bounds/stranger/insert] users cannot add rate bounds');
select is_empty($$update public.provider_rate_bounds set min_rate = 1 returning 1$$,
  '[provider_rate_bounds/stranger/update] users cannot change rate bounds');
select is_empty($$delete from public.provider_rate_bounds returning 1$$,
  '[provider_rate_bounds/stranger/delete] users cannot remove rate bounds');
select results_eq($$select min_rate, max_rate from public.provider_rate_bounds where kind = 'coach' and currency = 'USD'$$,
  $$values (2500::bigint, 50000::bigint)$$, '[provider_rate_bounds/stranger/select] users read the rate bounds');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select isnt_empty($$select * from public.provider_profiles$$, '[provider_profiles/anon/select] visitors read provider profiles');
select throws_ok($$insert into public.provider_profiles (user_id, kind) values (gen_random_uuid(), 'coach')$$, '42501', null,
  '[provider_profiles/anon/insert] visitors cannot create provider profiles');
select throws_ok($$update public.provider_profiles set headline = 'x'$$, '42501', null,
  '[provider_profiles/anon/update] visitors cannot edit provider profiles');
select throws_ok($$delete from public.provider_profiles$$, '42501', null,
  '[provider_profiles/anon/delete] visitors cannot delete provider profiles');
select throws_ok($$select * from public.provider_payout_accounts$$, '42501', null,
  '[provider_payout_accounts/anon/select] visitors cannot read payout accounts');
select isnt_empty($$select * from public.provider_rate_bounds$$, '[provider_rate_bounds/anon/select] visitors read rate bounds');
select throws_ok($$insert into public.provider_rate_bounds values ('coach', 'EUR', 1, 2)$$, '42501', null,
  '[provider_rate_bounds/anon/insert] visitors cannot add rate bounds');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is((public.set_provider_verification(tests.get_supabase_uid('owner'), true)).verified_by, tests.get_supabase_uid('admin'),
  '[provider_profiles/admin/update] an admin verifies a provider, recorded as the verifier');
select lives_ok($$insert into public.provider_rate_bounds values ('coach', 'EUR', 2500, 45000)$$,
  '[provider_rate_bounds/admin/insert] admins add rate bounds');
select isnt_empty($$select * from public.provider_payout_accounts$$,
  '[provider_payout_accounts/admin/select] admins read payout accounts');
select isnt_empty($$delete from public.provider_profiles where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[provider_profiles/admin/delete] admins delete provider profiles');

-- service role --------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select isnt_empty($$update public.provider_payout_accounts set charges_enabled = true returning 1$$,
  'the service role records whether a provider can be paid');

select tests.authenticate_as('admin');
select isnt_empty($$select * from public.provider_profiles$$, '[provider_profiles/admin/select] admins read provider profiles');
select tests.clear_authentication();
select tests.create_supabase_user('lab');
select tests.authenticate_as('admin');
select lives_ok($$insert into public.provider_profiles (user_id, kind, headline) values (tests.get_supabase_uid('lab'), 'lab', 'Platform lab')$$,
  '[provider_profiles/admin/insert] admins create a provider profile, e.g. the platform''s own lab');
select isnt_empty($$select * from public.provider_rate_bounds$$, '[provider_rate_bounds/admin/select] admins read rate bounds');
select isnt_empty($$update public.provider_rate_bounds set max_rate = 60000 where kind = 'coach' and currency = 'USD' returning 1$$,
  '[provider_rate_bounds/admin/update] admins change rate bounds');
select isnt_empty($$delete from public.provider_rate_bounds where currency = 'EUR' returning 1$$,
  '[provider_rate_bounds/admin/delete] admins remove rate bounds');
select throws_ok($$insert into public.provider_payout_accounts (provider_id, stripe_account_id) values (tests.get_supabase_uid('lab'), 'acct_lab')$$,
  '42501', null, '[provider_payout_accounts/admin/insert] not even admins write Stripe accounts: the service role does');
select throws_ok($$update public.provider_payout_accounts set payouts_enabled = true$$, '42501', null,
  '[provider_payout_accounts/admin/update] not even admins mark an account payable');
select throws_ok($$delete from public.provider_payout_accounts$$, '42501', null,
  '[provider_payout_accounts/admin/delete] not even admins remove a payout account');

select tests.authenticate_as('stranger');
select throws_ok($$insert into public.provider_payout_accounts (provider_id, stripe_account_id) values (tests.get_supabase_uid('admin'), 'acct_x')$$,
  '42501', null, '[provider_payout_accounts/stranger/insert] users cannot write payout accounts');
select throws_ok($$update public.provider_payout_accounts set charges_enabled = false$$, '42501', null,
  '[provider_payout_accounts/stranger/update] users cannot change payout accounts');
select throws_ok($$delete from public.provider_payout_accounts$$, '42501', null,
  '[provider_payout_accounts/stranger/delete] users cannot remove payout accounts');

select tests.authenticate_as_anon();
select throws_ok($$update public.provider_rate_bounds set min_rate = 1$$, '42501', null,
  '[provider_rate_bounds/anon/update] visitors cannot change rate bounds');
select throws_ok($$delete from public.provider_rate_bounds$$, '42501', null,
  '[provider_rate_bounds/anon/delete] visitors cannot remove rate bounds');
select throws_ok($$insert into public.provider_payout_accounts (provider_id, stripe_account_id) values (gen_random_uuid(), 'acct_x')$$,
  '42501', null, '[provider_payout_accounts/anon/insert] visitors cannot write payout accounts');
select throws_ok($$update public.provider_payout_accounts set charges_enabled = true$$, '42501', null,
  '[provider_payout_accounts/anon/update] visitors cannot change payout accounts');
select throws_ok($$delete from public.provider_payout_accounts$$, '42501', null,
  '[provider_payout_accounts/anon/delete] visitors cannot remove payout accounts');

select * from finish();
rollback;
