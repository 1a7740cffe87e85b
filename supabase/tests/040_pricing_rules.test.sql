-- travel_fee_policies and tax_rates: everyone reads the pricing rules; a provider writes their
-- own travel fees, admins the platform default and the tax rates. private.travel_fee turns a
-- distance into a fee: free radius, per km beyond it, minimum and cap, rounded half up.
begin;
select plan(53);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('stranger', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
insert into public.provider_profiles (user_id, kind) values
  (tests.get_supabase_uid('owner'), 'service_provider'),
  (tests.get_supabase_uid('stranger'), 'service_provider');

-- owner ---------------------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select lives_ok(
  $$insert into public.travel_fee_policies (provider_id, currency, free_radius_km, per_km_fee, minimum_fee, maximum_fee)
    values (tests.get_supabase_uid('owner'), 'EUR', 5, 100, 300, 2000)$$,
  '[travel_fee_policies/owner/insert] a provider sets their travel fees: 5 km free, then 1.00 a km, at least 3.00, at most 20.00');
select throws_ok(
  $$insert into public.travel_fee_policies (provider_id, currency, per_km_fee) values (tests.get_supabase_uid('owner'), 'EUR', 50)$$,
  '23505', null, 'a provider has one travel fee policy');
select throws_ok(
  $$insert into public.travel_fee_policies (provider_id, currency, per_km_fee) values (null, 'EUR', 50)$$,
  '42501', 'new row violates row-level security policy for table "travel_fee_policies"',
  'a provider cannot set the platform''s default travel fees');
select results_eq(
  $$select free_radius_km, per_km_fee, minimum_fee, maximum_fee from public.travel_fee_policies
    where provider_id = tests.get_supabase_uid('owner')$$,
  $$values (5.00::numeric(7, 2), 100::bigint, 300::bigint, 2000::bigint)$$,
  '[travel_fee_policies/owner/select] a provider reads their travel fees');
select isnt_empty(
  $$update public.travel_fee_policies set per_km_fee = 120 where provider_id = tests.get_supabase_uid('owner') returning 1$$,
  '[travel_fee_policies/owner/update] a provider changes their per-km fee');
select throws_ok(
  $$update public.travel_fee_policies set maximum_fee = 100 where provider_id = tests.get_supabase_uid('owner')$$,
  '23514', null, 'a cap below the minimum fee is refused');
select throws_ok(
  $$update public.travel_fee_policies set per_km_fee = -1 where provider_id = tests.get_supabase_uid('owner')$$,
  '23514', null, 'a negative per-km fee is refused');
select throws_ok(
  $$update public.travel_fee_policies set currency = 'eur' where provider_id = tests.get_supabase_uid('owner')$$,
  '23514', null, 'a currency that is not an upper-case ISO code is refused');
select throws_ok(
  $$update public.travel_fee_policies set provider_id = tests.get_supabase_uid('stranger')$$,
  '42501', null, 'a provider cannot hand their policy to someone else');
select throws_ok(
  $$insert into public.tax_rates (country_code, name, rate) values ('FR', 'TVA', 0.2)$$,
  '42501', 'new row violates row-level security policy for table "tax_rates"', 'a provider cannot add tax rates');

-- stranger ------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select isnt_empty(
  $$select per_km_fee from public.travel_fee_policies where provider_id = tests.get_supabase_uid('owner')$$,
  '[travel_fee_policies/stranger/select] anyone signed in reads a provider''s travel fees');
select throws_ok(
  $$insert into public.travel_fee_policies (provider_id, currency, per_km_fee) values (tests.get_supabase_uid('owner'), 'USD', 1)$$,
  '42501', 'new row violates row-level security policy for table "travel_fee_policies"',
  '[travel_fee_policies/stranger/insert] a provider cannot set another provider''s travel fees');
select is_empty($$update public.travel_fee_policies set per_km_fee = 0 returning 1$$,
  '[travel_fee_policies/stranger/update] a provider cannot change another provider''s travel fees');
select is_empty($$delete from public.travel_fee_policies returning 1$$,
  '[travel_fee_policies/stranger/delete] a provider cannot remove another provider''s travel fees');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select lives_ok(
  $$insert into public.travel_fee_policies (provider_id, currency, free_radius_km, per_km_fee) values (null, 'EUR', 0, 150)$$,
  '[travel_fee_policies/admin/insert] admins set the platform''s default travel fees (no minimum, no cap)');
select throws_ok(
  $$insert into public.travel_fee_policies (provider_id, currency, per_km_fee) values (null, 'USD', 100)$$,
  '23505', null, 'there is one platform default policy');
select lives_ok(
  $$insert into public.travel_fee_policies (provider_id, currency, per_km_fee) values (tests.get_supabase_uid('stranger'), 'EUR', 80)$$,
  'admins set a provider''s travel fees');
select is((select count(*) from public.travel_fee_policies), 3::bigint, '[travel_fee_policies/admin/select] admins read every policy');
select isnt_empty(
  $$update public.travel_fee_policies set minimum_fee = 200 where provider_id = tests.get_supabase_uid('stranger') returning 1$$,
  '[travel_fee_policies/admin/update] admins change a provider''s travel fees');
select isnt_empty(
  $$delete from public.travel_fee_policies where provider_id = tests.get_supabase_uid('stranger') returning 1$$,
  '[travel_fee_policies/admin/delete] admins remove a provider''s travel fees');

select lives_ok(
  $$insert into public.tax_rates (country_code, name, rate) values ('DE', 'USt', 0.19), (null, 'Standard', 0.2)$$,
  '[tax_rates/admin/insert] admins add a country''s tax rate and the default');
select throws_ok($$insert into public.tax_rates (country_code, name, rate) values (null, 'Other', 0.1)$$,
  '23505', null, 'there is one default tax rate');
select throws_ok($$insert into public.tax_rates (country_code, name, rate) values ('DE', 'MwSt', 0.07)$$,
  '23505', null, 'a country has one tax rate');
select throws_ok($$insert into public.tax_rates (country_code, name, rate) values ('FR', 'TVA', 1)$$,
  '23514', null, 'a rate of 100% or more is refused');
select throws_ok($$insert into public.tax_rates (country_code, name, rate) values ('fr', 'TVA', 0.2)$$,
  '23514', null, 'a country code that is not upper-case ISO alpha-2 is refused');
select results_eq($$select country_code::text, rate from public.tax_rates order by country_code nulls last$$,
  $$values ('DE', 0.19::numeric(6, 5)), (null, 0.2)$$, '[tax_rates/admin/select] admins read the tax rates');
select isnt_empty($$update public.tax_rates set rate = 0.21 where country_code is null returning 1$$,
  '[tax_rates/admin/update] admins change a tax rate');

-- stranger, tax rates ---------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is((select count(*) from public.tax_rates), 2::bigint, '[tax_rates/stranger/select] anyone signed in reads the tax rates');
select throws_ok($$insert into public.tax_rates (country_code, name, rate) values ('FR', 'TVA', 0.2)$$,
  '42501', 'new row violates row-level security policy for table "tax_rates"', '[tax_rates/stranger/insert] users cannot add tax rates');
select is_empty($$update public.tax_rates set rate = 0 returning 1$$, '[tax_rates/stranger/update] users cannot change tax rates');
select is_empty($$delete from public.tax_rates returning 1$$, '[tax_rates/stranger/delete] users cannot remove tax rates');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select is((select count(*) from public.travel_fee_policies), 2::bigint,
  '[travel_fee_policies/anon/select] visitors read travel fees (a provider''s and the default)');
select throws_ok($$insert into public.travel_fee_policies (provider_id, currency, per_km_fee) values (null, 'EUR', 1)$$,
  '42501', null, '[travel_fee_policies/anon/insert] visitors cannot set travel fees');
select throws_ok($$update public.travel_fee_policies set per_km_fee = 0$$, '42501', null,
  '[travel_fee_policies/anon/update] visitors cannot change travel fees');
select throws_ok($$delete from public.travel_fee_policies$$, '42501', null,
  '[travel_fee_policies/anon/delete] visitors cannot remove travel fees');
select is((select count(*) from public.tax_rates), 2::bigint, '[tax_rates/anon/select] visitors read the tax rates');
select throws_ok($$insert into public.tax_rates (country_code, name, rate) values ('FR', 'TVA', 0.2)$$, '42501', null,
  '[tax_rates/anon/insert] visitors cannot add tax rates');
select throws_ok($$update public.tax_rates set rate = 0$$, '42501', null, '[tax_rates/anon/update] visitors cannot change tax rates');
select throws_ok($$delete from public.tax_rates$$, '42501', null, '[tax_rates/anon/delete] visitors cannot remove tax rates');

-- The fee for a distance ----------------------------------------------------------------------------
-- Owner: 5 km free, 1.20 a km beyond, at least 3.00, at most 20.00. Default: 1.50 a km from 0 km.
select tests.clear_authentication();
create function tests.owner_fee(distance numeric)
returns bigint
language sql
as $$
  select private.travel_fee(p, distance) from public.travel_fee_policies p where p.provider_id = tests.get_supabase_uid('owner')
$$;
create function tests.default_fee(distance numeric)
returns bigint
language sql
as $$
  select private.travel_fee(p, distance) from public.travel_fee_policies p where p.provider_id is null
$$;
select is(tests.owner_fee(null), 0::bigint, 'no distance (no address) costs nothing');
select is(tests.owner_fee(3), 0::bigint, 'inside the free radius travel costs nothing');
select is(tests.owner_fee(5), 0::bigint, 'exactly at the free radius travel still costs nothing');
select is(tests.owner_fee(6), 300::bigint, '1 km beyond the free radius (1.20) is raised to the 3.00 minimum');
select is(tests.owner_fee(10), 600::bigint, '5 km beyond the free radius cost 5 × 1.20 = 6.00');
select is(tests.owner_fee(10.25), 630::bigint, 'part kilometres are charged: 5.25 km × 1.20 = 6.30');
select is(tests.owner_fee(10.01), 601::bigint, '5.01 km × 1.20 = 6.012 rounds down to 6.01');
select is(tests.owner_fee(10.0125), 602::bigint, '5.0125 km × 1.20 = 6.015 rounds half up to 6.02');
select is(tests.owner_fee(22.5), 2000::bigint, '17.5 km beyond (21.00) is capped at the 20.00 maximum');
select is(tests.default_fee(0.01), 2::bigint, 'without a free radius or minimum, 10 m at 1.50 a km cost 0.015, rounded half up to 0.02');
select is(tests.default_fee(0.03), 5::bigint, '30 m at 1.50 a km cost 0.045, rounded half up to 0.05');
select is(tests.default_fee(400), 60000::bigint, 'without a cap the fee grows with the distance');

-- admin removes last ------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select isnt_empty($$delete from public.tax_rates where country_code = 'DE' returning 1$$, '[tax_rates/admin/delete] admins remove a tax rate');
select tests.authenticate_as('owner');
select isnt_empty($$delete from public.travel_fee_policies where provider_id = tests.get_supabase_uid('owner') returning 1$$,
  '[travel_fee_policies/owner/delete] a provider removes their travel fees');

select * from finish();
rollback;
