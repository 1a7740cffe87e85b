-- What a provider must be and prove to sell in a category, and what a category takes
-- (abuse-proofing, items 3 and 4): provider_verifications and set_provider_requirement;
-- an offering goes live only for a verified provider holding every verification its category
-- (and its parent) requires, and stops selling when one is revoked or runs out; a category
-- takes only the kinds it declares, and a platform-only one takes no provider's offering.
-- Every attack is made as an API role.
begin;
set local time zone 'UTC';
select plan(62);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('plumber', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('consultant', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('lab', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('client');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
insert into public.provider_profiles (user_id, kind, headline, is_verified) values
  (tests.get_supabase_uid('consultant'), 'consultant', 'Verified consultant', true),
  (tests.get_supabase_uid('lab'), 'lab', 'Partner lab', true);

-- home-services requires all three proofs; plumbing, its subcategory, sets none of its own and
-- would take services too, but its parent takes home services only. Pet diagnostics is the
-- platform's 0 % category, platform-only; blood-tests inherits that.
insert into public.categories (slug, name, commission_rate, requires_license, requires_insurance, requires_background_check,
                               offering_kinds, is_platform_only) values
  ('home-services', 'Home services', 0.15, true, true, true, '{home_service}', false),
  ('consulting', 'Consulting', 0.12, false, false, false, '{service,session}', false),
  ('coaching', 'Coaching', 0.20, false, false, false, '{session,service}', false),
  ('pet-diagnostics', 'Pet diagnostics', 0, false, false, false, '{lab_test}', true),
  ('legal-advice', 'Legal advice', 0.12, true, false, false, '{service,session}', false);
insert into public.categories (parent_id, slug, name, offering_kinds)
select id, 'plumbing', 'Plumbing', '{home_service,service}' from public.categories where slug = 'home-services';
insert into public.categories (parent_id, slug, name)
select id, 'blood-tests', 'Blood tests' from public.categories where slug = 'pet-diagnostics';
create function pg_temp.category(slug text) returns uuid language sql stable as $$
  select c.id from public.categories c where c.slug = category.slug::extensions.citext
$$;
create function pg_temp.offering(title text) returns uuid language sql stable security definer as $$
  select o.id from public.offerings o where o.title = offering.title
$$;
create function pg_temp.status(title text) returns text language sql stable security definer as $$
  select o.status::text from public.offerings o where o.title = status.title
$$;
grant execute on function pg_temp.category(text), pg_temp.offering(text), pg_temp.status(text)
  to anon, authenticated, service_role;

insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status) values
  ('0f000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('consultant'), pg_temp.category('consulting'),
   'service', 'Strategy hour', 20000, 'EUR', 60, 'active'),
  ('0f000000-0000-4000-8000-0000000000c2', tests.get_supabase_uid('consultant'), pg_temp.category('coaching'),
   'service', 'Career advice', 9000, 'EUR', 60, 'active'),
  ('0f000000-0000-4000-8000-0000000000c3', tests.get_supabase_uid('consultant'), pg_temp.category('coaching'),
   'session', 'Coaching call', 9000, 'EUR', 60, 'active');

-- A fresh account publishes a live plumbing offering at once? -------------------------------------------
select tests.authenticate_as('plumber');
select lives_ok(
  $$insert into public.provider_profiles (user_id, kind, headline) values (tests.get_supabase_uid('plumber'), 'service_provider', 'Plumber')$$,
  'a new account with the provider role creates its own provider profile');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes, status)
    values (tests.get_supabase_uid('plumber'), pg_temp.category('plumbing'), 'home_service', 'Leak repair', 12000, 'USD', 60, 'active')$$,
  '42501', 'status: offerings go live once an admin has verified their provider',
  'an unverified provider cannot create a live offering');
select lives_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('plumber'), pg_temp.category('plumbing'),
            'home_service', 'Leak repair', 12000, 'USD', 60)$$,
  'an unverified provider prepares a draft');
select throws_ok($$update public.offerings set status = 'active' where id = pg_temp.offering('Leak repair')$$,
  '42501', 'status: offerings go live once an admin has verified their provider',
  'nor can they set their draft live');
select throws_ok(
  $$select public.set_provider_requirement(tests.get_supabase_uid('plumber'), 'license', true)$$,
  '42501', 'only admins can verify provider requirements', 'a provider cannot verify their own licence');
select throws_ok(
  $$insert into public.provider_verifications (provider_id, requirement, status, verified_at)
    values (tests.get_supabase_uid('plumber'), 'license', 'verified', now())$$,
  '42501', null, '[provider_verifications/owner/insert] a provider cannot write a verification for themselves');

select tests.authenticate_as('admin');
select lives_ok($$select public.set_provider_verification(tests.get_supabase_uid('plumber'), true)$$,
  'an admin verifies the plumber''s identity');
select tests.authenticate_as('plumber');
select throws_ok($$update public.offerings set status = 'active' where id = pg_temp.offering('Leak repair')$$,
  '42501', 'status: category plumbing requires a verified license, insurance, background check',
  'a verified provider still cannot go live in plumbing without the licence, insurance and background check its parent requires');
select lives_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes, status)
    values (tests.get_supabase_uid('plumber'), pg_temp.category('coaching'),
            'session', 'Home maintenance coaching', 5000, 'USD', 60, 'active')$$,
  'a verified provider goes live at once in a category that requires nothing more');

select tests.authenticate_as('admin');
select results_eq(
  $$select status::text, verified_by, verified_at = now(), expires_at, reference
    from public.set_provider_requirement(tests.get_supabase_uid('plumber'), 'license', true, now() + interval '1 year', ' IL-055-0042 ')$$,
  $$values ('verified', tests.get_supabase_uid('admin'), true, now() + interval '1 year', 'IL-055-0042')$$,
  '[provider_verifications/admin/update] an admin records a verified licence, with who, when, until when and its number');
select lives_ok($$select public.set_provider_requirement(tests.get_supabase_uid('plumber'), 'insurance', true, now() + interval '1 year')$$,
  'an admin records the insurance');
select throws_ok($$update public.offerings set status = 'active' where id = pg_temp.offering('Leak repair')$$,
  '42501', 'status: category plumbing requires a verified background check',
  'admins are held to the requirements too: the background check is still missing');
select tests.authenticate_as('plumber');
select throws_ok($$update public.offerings set status = 'active' where id = pg_temp.offering('Leak repair')$$,
  '42501', 'status: category plumbing requires a verified background check',
  'with licence and insurance the provider still lacks the background check');
select tests.authenticate_as('admin');
select lives_ok($$select public.set_provider_requirement(tests.get_supabase_uid('plumber'), 'background_check', true)$$,
  'an admin records the background check, without an end');
select tests.authenticate_as('plumber');
select lives_ok($$update public.offerings set status = 'active' where id = pg_temp.offering('Leak repair')$$,
  'with every proof verified the plumbing offering goes live');
select throws_ok(
  $$update public.offerings set category_id = pg_temp.category('home-services') where id = pg_temp.offering('Home maintenance coaching')$$,
  '22023', 'kind: category home-services takes home_service offerings, not session',
  'a live offering moves only into a category that takes its kind');

-- provider_verifications: who reads and writes -----------------------------------------------------------
select results_eq(
  $$select requirement::text, status::text from public.provider_verifications order by requirement$$,
  $$values ('background_check', 'verified'), ('insurance', 'verified'), ('license', 'verified')$$,
  '[provider_verifications/owner/select] a provider reads their own verifications');
select throws_ok($$update public.provider_verifications set expires_at = now() + interval '10 years'$$, '42501', null,
  '[provider_verifications/owner/update] a provider cannot extend their own verification');
select throws_ok($$delete from public.provider_verifications$$, '42501', null,
  '[provider_verifications/owner/delete] a provider cannot remove a revocation or a verification');

select tests.authenticate_as('consultant');
select is_empty($$select * from public.provider_verifications$$,
  '[provider_verifications/stranger/select] another provider cannot read someone else''s verifications');
select throws_ok(
  $$insert into public.provider_verifications (provider_id, requirement, status, verified_at)
    values (tests.get_supabase_uid('consultant'), 'license', 'verified', now())$$,
  '42501', null, '[provider_verifications/stranger/insert] a user cannot write verifications');
select throws_ok($$update public.provider_verifications set status = 'revoked', revoked_at = now()$$, '42501', null,
  '[provider_verifications/stranger/update] a user cannot revoke someone else''s verification');
select throws_ok($$delete from public.provider_verifications$$, '42501', null,
  '[provider_verifications/stranger/delete] a user cannot remove verifications');

select tests.authenticate_as_anon();
select throws_ok($$select * from public.provider_verifications$$, '42501', null,
  '[provider_verifications/anon/select] visitors cannot read verifications');
select throws_ok(
  $$insert into public.provider_verifications (provider_id, requirement, status, verified_at)
    values (gen_random_uuid(), 'license', 'verified', now())$$,
  '42501', null, '[provider_verifications/anon/insert] visitors cannot write verifications');
select throws_ok($$update public.provider_verifications set status = 'verified'$$, '42501', null,
  '[provider_verifications/anon/update] visitors cannot change verifications');
select throws_ok($$delete from public.provider_verifications$$, '42501', null,
  '[provider_verifications/anon/delete] visitors cannot remove verifications');
select throws_ok($$select public.set_provider_requirement(gen_random_uuid(), 'license', true)$$, '42501', null,
  'visitors cannot call set_provider_requirement');

select tests.authenticate_as('admin');
select results_eq($$select count(*)::integer from public.provider_verifications where provider_id = tests.get_supabase_uid('plumber')$$,
  $$values (3)$$, '[provider_verifications/admin/select] admins read every provider''s verifications');
select throws_ok(
  $$insert into public.provider_verifications (provider_id, requirement, status, verified_at)
    values (tests.get_supabase_uid('consultant'), 'license', 'verified', now())$$,
  '42501', null, '[provider_verifications/admin/insert] admins record verifications through set_provider_requirement, not the table');
select throws_ok($$delete from public.provider_verifications$$, '42501', null,
  '[provider_verifications/admin/delete] not even admins delete verifications: a revocation stays on record');
select throws_ok($$select public.set_provider_requirement('00000000-0000-4000-8000-000000000000', 'license', true)$$,
  'PT404', 'provider_id: provider 00000000-0000-4000-8000-000000000000 not found', 'an unknown provider is not found');
select throws_ok($$select public.set_provider_requirement(tests.get_supabase_uid('plumber'), 'license', true, now() - interval '1 day')$$,
  '22023', format('expires_at: %s is already past', now() - interval '1 day'), 'a verification cannot be recorded already lapsed');

-- Revoked: the offerings that needed it stop selling -------------------------------------------------------
select results_eq(
  $$select status::text, revoked_by, revoked_at = now(), verified_by from public.set_provider_requirement(tests.get_supabase_uid('plumber'), 'insurance', false,
      note => 'policy cancelled by the insurer')$$,
  $$values ('revoked', tests.get_supabase_uid('admin'), true, tests.get_supabase_uid('admin'))$$,
  'an admin revokes the insurance; the row keeps who verified it and says who revoked it');
select results_eq(
  $$select pg_temp.status('Leak repair'), pg_temp.status('Home maintenance coaching')$$,
  $$values ('draft', 'active')$$,
  'the plumbing offering goes back to draft at once; the coaching one, which needs no insurance, stays live');
select tests.authenticate_as('plumber');
select throws_ok($$update public.offerings set status = 'active' where id = pg_temp.offering('Leak repair')$$,
  '42501', 'status: category plumbing requires a verified insurance', 'going live again names what to renew');
select tests.authenticate_as('admin');
select lives_ok($$select public.set_provider_requirement(tests.get_supabase_uid('plumber'), 'insurance', true, now() + interval '1 day')$$,
  'an admin records the new policy, ending tomorrow');
select tests.authenticate_as('plumber');
select lives_ok($$update public.offerings set status = 'active' where id = pg_temp.offering('Leak repair')$$,
  'the plumbing offering goes live again');

-- Lapsed: refused at booking, then drafted by the schedule ---------------------------------------------------
select tests.clear_authentication();
insert into public.schedules (user_id, timezone, min_notice_minutes) values (tests.get_supabase_uid('plumber'), 'UTC', 0);
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select s.user_id, d, '08:00', '20:00' from public.schedules s cross join generate_series(1, 7) d;
select tests.authenticate_as('client');
select lives_ok(
  $$select public.create_booking(jsonb_build_array(jsonb_build_object('offering_id', pg_temp.offering('Leak repair'))), tests.slot(2, '10:00'))$$,
  'a client books the live plumbing offering while every proof is current');
-- A day passes: the policy runs out (the trigger a change would fire is held back, as time fires none).
select tests.clear_authentication();
alter table public.provider_verifications disable trigger suspend_offerings;
update public.provider_verifications set expires_at = now() - interval '1 minute', verified_at = now() - interval '1 day'
where provider_id = tests.get_supabase_uid('plumber') and requirement = 'insurance';
alter table public.provider_verifications enable trigger suspend_offerings;
select tests.authenticate_as('client');
select throws_ok(
  $$select public.create_booking(jsonb_build_array(jsonb_build_object('offering_id', pg_temp.offering('Leak repair'))), tests.slot(2, '14:00'))$$,
  'PT409', 'offering_id: Leak repair cannot be booked until its provider''s insurance is verified again',
  'once the insurance has run out the offering cannot be booked, even before the schedule drafts it');
select tests.clear_authentication();
select is(private.suspend_lapsed_offerings(), 1, 'the scheduled job drafts the offering whose provider''s insurance ran out');
select results_eq(
  $$select pg_temp.status('Leak repair'), pg_temp.status('Home maintenance coaching')$$,
  $$values ('draft', 'active')$$, 'only the offering that needed the insurance');
select is(private.suspend_lapsed_offerings(), 0, 'a second run finds nothing more to draft');

-- Unverified: nothing of the provider stays live -------------------------------------------------------------
select tests.authenticate_as('admin');
select lives_ok($$select public.set_provider_verification(tests.get_supabase_uid('plumber'), false)$$, 'an admin withdraws the plumber''s verification');
select results_eq($$select pg_temp.status('Home maintenance coaching')$$, $$values ('draft')$$,
  'an unverified provider''s offerings go back to draft, whatever their category');

-- A category that starts requiring something, or stops taking a kind -------------------------------------------
select lives_ok($$update public.categories set requires_insurance = true where slug = 'consulting'$$,
  'an admin makes consulting require insurance');
select results_eq($$select pg_temp.status('Strategy hour')$$, $$values ('draft')$$,
  'the uninsured consultant''s offering there goes back to draft');
select lives_ok($$update public.categories set offering_kinds = '{session}' where slug = 'coaching'$$,
  'an admin narrows coaching to sessions');
select results_eq(
  $$select pg_temp.status('Career advice'), pg_temp.status('Coaching call')$$,
  $$values ('draft', 'active')$$, 'the service listed in coaching goes back to draft; the session stays live');

-- Category fit: a consulting hour under the 0 % pet diagnostics category ---------------------------------------
select tests.authenticate_as('consultant');
select throws_ok(
  $$update public.offerings set category_id = pg_temp.category('legal-advice') where id = pg_temp.offering('Coaching call')$$,
  '42501', 'category_id: category legal-advice requires a verified license',
  'a live offering cannot move into a category whose requirements its provider does not meet');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes, status)
    values (tests.get_supabase_uid('consultant'), pg_temp.category('pet-diagnostics'), 'service', 'Consulting hour', 20000, 'GBP', 60, 'active')$$,
  '42501', 'category_id: only admins place offerings in category pet-diagnostics',
  'a provider cannot list a consulting hour in the platform''s 0 % commission category');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('consultant'), pg_temp.category('blood-tests'), 'lab_test', 'Consulting hour', 20000, 'GBP', 60)$$,
  '42501', 'category_id: only admins place offerings in category blood-tests',
  'nor in its subcategory, not even as a draft dressed up as a lab test');
select throws_ok(
  $$update public.offerings set category_id = pg_temp.category('pet-diagnostics'), kind = 'lab_test'
    where id = pg_temp.offering('Coaching call')$$,
  '42501', 'category_id: only admins place offerings in category pet-diagnostics',
  'nor move an offering of theirs there');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('consultant'), pg_temp.category('coaching'), 'service', 'Audit', 20000, 'EUR', 60)$$,
  '22023', 'kind: category coaching takes session offerings, not service',
  'a category refuses a kind it does not take');
select throws_ok(
  $$update public.offerings set kind = 'home_service' where id = pg_temp.offering('Coaching call')$$,
  '22023', 'kind: category coaching takes session offerings, not home_service',
  'an offering cannot change into a kind its category does not take');
select throws_ok(
  $$update public.offerings set status = 'active' where id = pg_temp.offering('Career advice')$$,
  '22023', 'kind: category coaching takes session offerings, not service',
  'a drafted offering whose kind no longer fits cannot go live again');
select tests.authenticate_as('plumber');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('plumber'), pg_temp.category('plumbing'), 'service', 'Advice on pipes', 5000, 'USD', 60)$$,
  '22023', 'kind: category plumbing takes home_service offerings, not service',
  'a subcategory takes only the kinds its parent takes too');

select tests.authenticate_as('admin');
select lives_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes, status, location, scheduled_on)
    values (tests.get_supabase_uid('lab'), pg_temp.category('blood-tests'), 'lab_test',
            'Complete blood count', 4500, 'GBP', 30, 'active', 'client_site', 'collector')$$,
  'an admin places the partner lab''s test in the platform-only category');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (null, pg_temp.category('blood-tests'), 'service', 'Consulting hour', 2000, 'GBP', 60)$$,
  '22023', 'kind: category blood-tests takes lab_test offerings, not service',
  'admins too place only the kinds a category takes');
select tests.authenticate_as('lab');
select lives_ok($$update public.offerings set price = 4800 where id = pg_temp.offering('Complete blood count')$$,
  'the partner lab manages the test an admin placed for it');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('lab'), pg_temp.category('blood-tests'), 'lab_test', 'Kidney panel', 6000, 'GBP', 30)$$,
  '42501', 'category_id: only admins place offerings in category blood-tests',
  'but places no new offering there itself');

-- Admin's own writes on the table ------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select throws_ok($$update public.provider_verifications set expires_at = null$$, '42501', null,
  'admins change verifications only through set_provider_requirement, never by writing the table');

select * from finish();
rollback;
