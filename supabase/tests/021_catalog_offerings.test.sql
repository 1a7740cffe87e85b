-- offerings, lab_test_details, offering_tags: everyone reads active offerings; a provider
-- reads and manages their own (drafts too); the platform's items (no provider) are the
-- admins'; prices stay within the bounds of the category and of its parent, in their
-- currency; only admins put offerings on the collectors' calendar.
begin;
select plan(90);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('stranger', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('client');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
-- The owner is verified: only a verified provider's offerings go live (20260113000200; 027 tests it).
insert into public.provider_profiles (user_id, kind, headline, is_verified)
values (tests.get_supabase_uid('owner'), 'consultant', 'Strategy consultant', true),
       (tests.get_supabase_uid('stranger'), 'consultant', 'Rival consultant', false);

insert into public.categories (slug, name, currency, min_price, max_price) values ('consulting', 'Consulting', 'USD', 5000, 100000);
insert into public.categories (slug, name) values ('lab', 'Lab tests');
insert into public.categories (parent_id, slug, name, currency, min_price, max_price, is_active)
select id, sub.slug, sub.name, sub.currency, sub.min_price, sub.max_price, sub.is_active
from public.categories,
     (values ('strategy', 'Strategy', 'USD', 10000, 50000, true),
             ('workshops', 'Workshops', null, null, null, true),
             ('legacy', 'Legacy audits', 'USD', 10000, 20000, false)) as sub (slug, name, currency, min_price, max_price, is_active)
where categories.slug = 'consulting';
insert into public.tags (slug, name) values ('remote', 'Remote'), ('in-person', 'In person'), ('fasting', 'Fasting');
select set_config('tests.strategy_category', (select id::text from public.categories where slug = 'strategy'), true);
select set_config('tests.workshops_category', (select id::text from public.categories where slug = 'workshops'), true);

-- Offerings with known ids: 1 market (owner, active), 2 review (owner, draft), 3 old workshop
-- (owner, archived), 4 CBC (platform, active), 5 thyroid panel (platform, draft),
-- 6 rival workshop (stranger, active), 7 legacy audit (owner, active, inactive subcategory),
-- 8 home blood draw (owner, draft lab test).
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location, scheduled_on)
select o.id::uuid, case o.who when 'platform' then null else tests.get_supabase_uid(o.who) end,
       (select id from public.categories c where c.slug = o.category), o.kind::public.offering_kind, o.title, o.price, o.currency,
       60, o.status::public.offering_status, o.location::public.offering_location, o.scheduled_on::public.schedule_owner
from (values
  ('10000000-0000-0000-0000-000000000001', 'owner', 'strategy', 'service', 'Market study', 30000, 'USD', 'active', 'online', 'provider'),
  ('10000000-0000-0000-0000-000000000002', 'owner', 'strategy', 'service', 'Strategy review', 20000, 'USD', 'draft', 'online', 'provider'),
  ('10000000-0000-0000-0000-000000000003', 'owner', 'workshops', 'session', 'Old workshop', 8000, 'USD', 'archived', 'online', 'provider'),
  ('10000000-0000-0000-0000-000000000004', 'platform', 'lab', 'lab_test', 'Canine CBC', 4500, 'EUR', 'active', 'client_site', 'collector'),
  ('10000000-0000-0000-0000-000000000005', 'platform', 'lab', 'lab_test', 'Feline thyroid panel', 6500, 'EUR', 'draft', 'client_site', 'collector'),
  ('10000000-0000-0000-0000-000000000006', 'stranger', 'workshops', 'session', 'Rival workshop', 8000, 'USD', 'active', 'provider_site', 'provider'),
  ('10000000-0000-0000-0000-000000000007', 'owner', 'legacy', 'service', 'Legacy audit', 15000, 'USD', 'active', 'online', 'provider'),
  ('10000000-0000-0000-0000-000000000008', 'owner', 'lab', 'lab_test', 'Home blood draw', 3000, 'EUR', 'draft', 'client_site', 'provider')
) as o (id, who, category, kind, title, price, currency, status, location, scheduled_on);
insert into public.lab_test_details (offering_id, tube_type, sample_quantity_ml, turnaround_hours, fasting_required)
values ('10000000-0000-0000-0000-000000000004', 'EDTA', 1.0, 24, false),
       ('10000000-0000-0000-0000-000000000005', 'Serum', 2.0, 72, true);
insert into public.offering_tags (offering_id, tag_id)
select o.id::uuid, (select id from public.tags where slug = o.tag)
from (values ('10000000-0000-0000-0000-000000000002', 'remote'), ('10000000-0000-0000-0000-000000000004', 'fasting'),
             ('10000000-0000-0000-0000-000000000005', 'fasting')) as o (id, tag);

-- owner (the provider) ------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select results_eq($$select title from public.offerings where provider_id = tests.get_supabase_uid('owner') order by title$$,
  $$values ('Home blood draw'), ('Legacy audit'), ('Market study'), ('Old workshop'), ('Strategy review')$$,
  '[offerings/owner/select] a provider reads their own offerings, drafts and archived ones too');
select lives_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, description, price, currency, duration_minutes, status, features)
    values (tests.get_supabase_uid('owner'), (select id from public.categories where slug = 'workshops'), 'session',
            'Team offsite', 'A day of planning with your leadership team', 90000, 'USD', 480, 'active', '{facilitation,report}')$$,
  '[offerings/owner/insert] a provider adds an offering of their own');
select results_eq($$select title from public.offerings where search @@ to_tsquery('simple', 'leadership')$$,
  $$values ('Team offsite')$$, 'an offering is found by the words of its description');
select isnt_empty(
  $$update public.offerings set description = 'A second look at your plan' where id = '10000000-0000-0000-0000-000000000002' returning 1$$,
  '[offerings/owner/update] a provider edits their own draft');
select throws_ok(
  $$update public.offerings set price = 5000 where id = '10000000-0000-0000-0000-000000000002'$$,
  '22023', 'price must be between 10000 and 50000 USD minor units in category strategy',
  'a price under the subcategory''s minimum is refused, naming the field, the bounds and the category');
select throws_ok(
  $$update public.offerings set price = 60000 where id = '10000000-0000-0000-0000-000000000002'$$,
  '22023', 'price must be between 10000 and 50000 USD minor units in category strategy',
  'a price over the subcategory''s maximum is refused although the parent would allow it');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('owner'), (select id from public.categories where slug = 'workshops'), 'session', 'Gala', 200000, 'USD', 240)$$,
  '22023', 'price must be between 5000 and 100000 USD minor units in category consulting',
  'the parent category''s bounds bind a subcategory that sets none');
select throws_ok(
  $$update public.offerings set category_id = (select id from public.categories where slug = 'strategy')
    where title = 'Team offsite'$$,
  '22023', 'price must be between 10000 and 50000 USD minor units in category strategy',
  'moving an offering into a category whose bounds its price breaks is refused');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('owner'), (select id from public.categories where slug = 'strategy'), 'service', 'Euro study', 20000, 'EUR', 60)$$,
  '22023', 'currency: category ' || current_setting('tests.strategy_category') || ' prices in USD',
  'a category that prices in one currency refuses an offering in another, naming the field and the currency');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('owner'), (select id from public.categories where slug = 'workshops'), 'session', 'Euro gala', 200000, 'EUR', 240)$$,
  '22023', 'currency: category ' || current_setting('tests.workshops_category') || ' prices in USD',
  'a subcategory without a currency of its own takes its parent''s: another currency is refused, so no bound is escaped');
select throws_ok(
  $$update public.offerings set category_id = (select id from public.categories where slug = 'workshops')
    where id = '10000000-0000-0000-0000-000000000008'$$,
  '22023', 'currency: category ' || current_setting('tests.workshops_category') || ' prices in USD',
  'a EUR offering cannot be moved into a category that prices in USD');
select throws_ok(
  $$update public.offerings set currency = 'EUR' where id = '10000000-0000-0000-0000-000000000001'$$,
  '22023', 'currency: category ' || current_setting('tests.strategy_category') || ' prices in USD',
  'an offering cannot change to another currency than its category''s');
select throws_ok(
  $$update public.offerings set price = 90000 where id = '10000000-0000-0000-0000-000000000007'$$,
  '22023', 'price must be between 10000 and 20000 USD minor units in category legacy',
  'the bounds of an inactive category, hidden from the provider, still bind its offerings');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes, location, scheduled_on)
    values (null, (select id from public.categories where slug = 'lab'), 'lab_test', 'My lab test', 1000, 'EUR', 15, 'client_site', 'provider')$$,
  '42501', 'new row violates row-level security policy for table "offerings"',
  'a provider cannot add a platform item (no provider)');
select throws_ok(
  $$update public.offerings set provider_id = tests.get_supabase_uid('stranger') where id = '10000000-0000-0000-0000-000000000001'$$,
  '42501', null, 'a provider cannot hand an offering to another provider');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes, location, scheduled_on)
    values (tests.get_supabase_uid('owner'), (select id from public.categories where slug = 'lab'), 'lab_test', 'Home collection', 1000, 'EUR', 30,
            'client_site', 'collector')$$,
  '42501', 'scheduled_on: only admins can put an offering on the collectors'' calendar',
  'a provider cannot add an offering on the collectors'' calendar (it would take the platform''s collectors)');
select throws_ok(
  $$update public.offerings set scheduled_on = 'collector' where id = '10000000-0000-0000-0000-000000000008'$$,
  '42501', 'scheduled_on: only admins can put an offering on the collectors'' calendar',
  'a provider cannot move their own offering onto the collectors'' calendar');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('owner'), (select id from public.categories where slug = 'lab'), 'service', 'Blink', 1000, 'EUR', 3)$$,
  '23514', 'new row for relation "offerings" violates check constraint "offerings_duration_range"',
  'an offering shorter than five minutes is refused');
select throws_ok(
  $$update public.offerings set late_cancellation_fee_share = 1.5 where id = '10000000-0000-0000-0000-000000000001'$$,
  '23514', 'new row for relation "offerings" violates check constraint "offerings_late_cancellation_fee_share_range"',
  'a late cancellation fee above the whole price is refused');
select throws_ok(
  $$update public.offerings set currency = 'usd' where id = '10000000-0000-0000-0000-000000000008'$$,
  '23514', 'new row for relation "offerings" violates check constraint "offerings_currency_format"',
  'a currency that is not an upper-case ISO code is refused');
select is_empty($$select * from public.offerings where id = '10000000-0000-0000-0000-000000000005'$$,
  'a provider does not see the platform''s drafts');
select is_empty($$update public.offerings set price = 1 where id = '10000000-0000-0000-0000-000000000004' returning 1$$,
  'a provider cannot change a platform item');
select is_empty($$delete from public.offerings where id = '10000000-0000-0000-0000-000000000004' returning 1$$,
  'a provider cannot delete a platform item');

-- lab details and tags of the provider's own offerings
select throws_ok(
  $$insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes)
    values ('10000000-0000-0000-0000-000000000009', tests.get_supabase_uid('owner'), (select id from public.categories where slug = 'lab'),
            'lab_test', 'x', 3000, 'EUR', 20)$$,
  '42501', null, 'a provider cannot choose an offering''s id');
select lives_ok(
  $$insert into public.lab_test_details (offering_id, tube_type, sample_quantity_ml, collection_instructions, turnaround_hours)
    values ('10000000-0000-0000-0000-000000000008', 'Heparin', 1.5, 'Keep cool', 48)$$,
  '[lab_test_details/owner/insert] a provider adds the sample requirements of their own lab test');
select results_eq($$select tube_type, sample_quantity_ml from public.lab_test_details where offering_id = '10000000-0000-0000-0000-000000000008'$$,
  $$values ('Heparin', 1.50::numeric(6,2))$$, '[lab_test_details/owner/select] a provider reads the details of their own draft');
select isnt_empty(
  $$update public.lab_test_details set turnaround_hours = 24, fasting_required = true
    where offering_id = '10000000-0000-0000-0000-000000000008' returning 1$$,
  '[lab_test_details/owner/update] a provider changes the details of their own lab test');
select throws_ok(
  $$update public.lab_test_details set sample_quantity_ml = 0 where offering_id = '10000000-0000-0000-0000-000000000008'$$,
  '23514', 'new row for relation "lab_test_details" violates check constraint "lab_test_details_sample_quantity_positive"',
  'a sample of no volume is refused');
select throws_ok(
  $$update public.lab_test_details set turnaround_hours = 0 where offering_id = '10000000-0000-0000-0000-000000000008'$$,
  '23514', 'new row for relation "lab_test_details" violates check constraint "lab_test_details_turnaround_range"',
  'a turnaround under an hour is refused');
select throws_ok(
  $$insert into public.lab_test_details (offering_id, tube_type, sample_quantity_ml, turnaround_hours)
    values ('10000000-0000-0000-0000-000000000004', 'Citrate', 1, 1)$$,
  '42501', 'new row violates row-level security policy for table "lab_test_details"',
  'a provider cannot write the details of a platform test');
select lives_ok(
  $$insert into public.offering_tags (offering_id, tag_id)
    values ('10000000-0000-0000-0000-000000000001', (select id from public.tags where slug = 'remote'))$$,
  '[offering_tags/owner/insert] a provider tags their own offering');
select results_eq(
  $$select t.slug::text from public.offering_tags ot join public.tags t on t.id = ot.tag_id
    where ot.offering_id in ('10000000-0000-0000-0000-000000000001', '10000000-0000-0000-0000-000000000002') order by ot.offering_id$$,
  $$values ('remote'), ('remote')$$, '[offering_tags/owner/select] a provider reads the tags of their own offerings, drafts too');
select isnt_empty(
  $$update public.offering_tags set tag_id = (select id from public.tags where slug = 'in-person')
    where offering_id = '10000000-0000-0000-0000-000000000001' returning 1$$,
  '[offering_tags/owner/update] a provider changes a tag of their own offering');
select throws_ok(
  $$insert into public.offering_tags (offering_id, tag_id)
    values ('10000000-0000-0000-0000-000000000004', (select id from public.tags where slug = 'remote'))$$,
  '42501', 'new row violates row-level security policy for table "offering_tags"', 'a provider cannot tag a platform item');
select throws_ok(
  $$update public.offering_tags set offering_id = '10000000-0000-0000-0000-000000000006'
    where offering_id = '10000000-0000-0000-0000-000000000001'$$,
  '42501', 'new row violates row-level security policy for table "offering_tags"',
  'a provider cannot move a tag onto another provider''s offering');

-- stranger (another provider) ----------------------------------------------------------------------
select tests.authenticate_as('stranger');
select results_eq($$select title from public.offerings where provider_id = tests.get_supabase_uid('owner') order by title$$,
  $$values ('Legacy audit'), ('Market study'), ('Team offsite')$$,
  '[offerings/stranger/select] another provider reads only the active offerings of a provider');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('owner'), (select id from public.categories where slug = 'strategy'), 'service', 'Fake', 20000, 'USD', 60)$$,
  '42501', 'new row violates row-level security policy for table "offerings"',
  '[offerings/stranger/insert] a provider cannot add an offering in another provider''s name');
select is_empty($$update public.offerings set title = 'Hijacked' where provider_id = tests.get_supabase_uid('owner') returning 1$$,
  '[offerings/stranger/update] a provider cannot change another provider''s offerings');
select is_empty($$delete from public.offerings where provider_id = tests.get_supabase_uid('owner') returning 1$$,
  '[offerings/stranger/delete] a provider cannot delete another provider''s offerings');
select results_eq($$select tube_type from public.lab_test_details order by 1$$, $$values ('EDTA')$$,
  '[lab_test_details/stranger/select] a user reads the lab details of active tests only');
select throws_ok(
  $$insert into public.lab_test_details (offering_id, tube_type, sample_quantity_ml, turnaround_hours)
    values ('10000000-0000-0000-0000-000000000001', 'EDTA', 1, 1)$$,
  '42501', 'new row violates row-level security policy for table "lab_test_details"',
  '[lab_test_details/stranger/insert] a user cannot add lab details to another provider''s offering');
select is_empty($$update public.lab_test_details set turnaround_hours = 1 returning 1$$,
  '[lab_test_details/stranger/update] a user cannot change lab details they do not manage');
select is_empty($$delete from public.lab_test_details returning 1$$,
  '[lab_test_details/stranger/delete] a user cannot remove lab details they do not manage');
select results_eq($$select offering_id from public.offering_tags order by 1$$,
  $$values ('10000000-0000-0000-0000-000000000001'::uuid), ('10000000-0000-0000-0000-000000000004'::uuid)$$,
  '[offering_tags/stranger/select] a user reads the tags of active offerings only');
select throws_ok(
  $$insert into public.offering_tags (offering_id, tag_id)
    values ('10000000-0000-0000-0000-000000000001', (select id from public.tags where slug = 'fasting'))$$,
  '42501', 'new row violates row-level security policy for table "offering_tags"',
  '[offering_tags/stranger/insert] a user cannot tag another provider''s offering');
select is_empty($$update public.offering_tags set tag_id = (select id from public.tags where slug = 'fasting') returning 1$$,
  '[offering_tags/stranger/update] a user cannot change the tags of another provider''s offering');
select is_empty($$delete from public.offering_tags returning 1$$,
  '[offering_tags/stranger/delete] a user cannot untag another provider''s offering');
select isnt_empty($$update public.offerings set status = 'draft' where id = '10000000-0000-0000-0000-000000000006' returning 1$$,
  'a provider manages their own offering');

select tests.authenticate_as('client');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('client'), (select id from public.categories where slug = 'strategy'), 'service', 'Mine', 20000, 'USD', 60)$$,
  '42501', 'new row violates row-level security policy for table "offerings"',
  'a client without the provider role cannot offer anything');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select title from public.offerings order by title$$,
  $$values ('Canine CBC'), ('Legacy audit'), ('Market study'), ('Team offsite')$$,
  '[offerings/anon/select] visitors read active offerings only, never drafts or archived ones');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (null, (select id from public.categories where slug = 'lab'), 'lab_test', 'x', 1, 'EUR', 15)$$,
  '42501', null, '[offerings/anon/insert] visitors cannot add offerings');
select throws_ok($$update public.offerings set title = 'x'$$, '42501', null, '[offerings/anon/update] visitors cannot change offerings');
select throws_ok($$delete from public.offerings$$, '42501', null, '[offerings/anon/delete] visitors cannot delete offerings');
select results_eq($$select tube_type, turnaround_hours from public.lab_test_details$$, $$values ('EDTA', 24)$$,
  '[lab_test_details/anon/select] visitors read the lab details of active tests only');
select throws_ok(
  $$insert into public.lab_test_details (offering_id, tube_type, sample_quantity_ml, turnaround_hours)
    values ('10000000-0000-0000-0000-000000000004', 'x', 1, 1)$$,
  '42501', null, '[lab_test_details/anon/insert] visitors cannot add lab details');
select throws_ok($$update public.lab_test_details set turnaround_hours = 1$$, '42501', null,
  '[lab_test_details/anon/update] visitors cannot change lab details');
select throws_ok($$delete from public.lab_test_details$$, '42501', null, '[lab_test_details/anon/delete] visitors cannot remove lab details');
select results_eq($$select offering_id from public.offering_tags order by 1$$,
  $$values ('10000000-0000-0000-0000-000000000001'::uuid), ('10000000-0000-0000-0000-000000000004'::uuid)$$,
  '[offering_tags/anon/select] visitors read the tags of active offerings only');
select throws_ok(
  $$insert into public.offering_tags (offering_id, tag_id) values ('10000000-0000-0000-0000-000000000004', (select id from public.tags where slug = 'remote'))$$,
  '42501', null, '[offering_tags/anon/insert] visitors cannot tag offerings');
select throws_ok($$update public.offering_tags set tag_id = tag_id$$, '42501', null, '[offering_tags/anon/update] visitors cannot change tags of offerings');
select throws_ok($$delete from public.offering_tags$$, '42501', null, '[offering_tags/anon/delete] visitors cannot untag offerings');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select results_eq(
  $$select title from public.offerings where status <> 'active' order by title$$,
  $$values ('Feline thyroid panel'), ('Home blood draw'), ('Old workshop'), ('Rival workshop'), ('Strategy review')$$,
  '[offerings/admin/select] admins read every offering, drafts and archived ones included');
select lives_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes, status, location, scheduled_on)
    values (null, (select id from public.categories where slug = 'lab'), 'lab_test', 'Canine thyroid panel', 5500, 'EUR', 15,
            'active', 'client_site', 'collector')$$,
  '[offerings/admin/insert] admins add a platform lab test, collected at the client''s');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes, location, scheduled_on)
    values (null, (select id from public.categories where slug = 'lab'), 'lab_test', 'Walk-in test', 5500, 'EUR', 15, 'provider_site', 'provider')$$,
  '23514', 'new row for relation "offerings" violates check constraint "offerings_platform_items_use_collectors"',
  'a platform item cannot take a provider''s calendar: it has no provider');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes, location, scheduled_on)
    values (null, (select id from public.categories where slug = 'lab'), 'lab_test', 'Video consult', 5500, 'EUR', 15, 'online', 'collector')$$,
  '23514', 'new row for relation "offerings" violates check constraint "offerings_collectors_visit_clients"',
  'an offering scheduled on collectors must take place at the client''s');
select isnt_empty(
  $$update public.offerings set scheduled_on = 'collector' where id = '10000000-0000-0000-0000-000000000008' returning 1$$,
  'an admin moves a provider''s home visit onto the collectors'' calendar');
select throws_ok(
  $$update public.offerings set currency = 'EUR' where id = '10000000-0000-0000-0000-000000000001'$$,
  '22023', 'currency: category ' || current_setting('tests.strategy_category') || ' prices in USD',
  'the category''s currency binds admins too');
select throws_ok(
  $$update public.offerings set price = 9000 where id = '10000000-0000-0000-0000-000000000001'$$,
  '22023', 'price must be between 10000 and 50000 USD minor units in category strategy',
  'the category''s bounds bind admins too');
select throws_ok(
  $$update public.offerings set price = 1 where id = '10000000-0000-0000-0000-000000000001'$$,
  '22023', 'price must be between 10000 and 50000 USD minor units in category strategy',
  'a price outside both the subcategory''s and the parent''s bounds names the subcategory''s');
select isnt_empty(
  $$update public.offerings set status = 'archived' where id = '10000000-0000-0000-0000-000000000002' returning 1$$,
  '[offerings/admin/update] admins change any provider''s offering');
select isnt_empty($$update public.offerings set status = 'active' where id = '10000000-0000-0000-0000-000000000005' returning 1$$,
  'admins publish a platform item');
select isnt_empty($$delete from public.offerings where id = '10000000-0000-0000-0000-000000000006' returning 1$$,
  '[offerings/admin/delete] admins delete any provider''s offering');
select results_eq($$select tube_type from public.lab_test_details order by 1$$, $$values ('EDTA'), ('Heparin'), ('Serum')$$,
  '[lab_test_details/admin/select] admins read every lab detail, of drafts too');
select lives_ok(
  $$insert into public.lab_test_details (offering_id, tube_type, sample_quantity_ml, turnaround_hours)
    values ((select id from public.offerings where title = 'Canine thyroid panel'), 'Serum', 0.5, 48)$$,
  '[lab_test_details/admin/insert] admins add the details of a platform test');
select isnt_empty(
  $$update public.lab_test_details set collection_instructions = 'Fast for 12 hours'
    where offering_id = '10000000-0000-0000-0000-000000000005' returning 1$$,
  '[lab_test_details/admin/update] admins change a platform test''s details');
select isnt_empty($$delete from public.lab_test_details where offering_id = '10000000-0000-0000-0000-000000000004' returning 1$$,
  '[lab_test_details/admin/delete] admins remove a test''s details');
select results_eq($$select count(*)::int from public.offering_tags$$, $$values (4)$$,
  '[offering_tags/admin/select] admins read every offering''s tags');
select lives_ok(
  $$insert into public.offering_tags (offering_id, tag_id)
    values ('10000000-0000-0000-0000-000000000005', (select id from public.tags where slug = 'remote'))$$,
  '[offering_tags/admin/insert] admins tag a platform item');
select isnt_empty(
  $$update public.offering_tags set tag_id = (select id from public.tags where slug = 'in-person')
    where offering_id = '10000000-0000-0000-0000-000000000005' and tag_id = (select id from public.tags where slug = 'remote') returning 1$$,
  '[offering_tags/admin/update] admins change an offering''s tags');
select isnt_empty($$delete from public.offering_tags where offering_id = '10000000-0000-0000-0000-000000000004' returning 1$$,
  '[offering_tags/admin/delete] admins untag any offering');

-- visitors see what the admin published, and no more ------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select title from public.offerings where provider_id is null order by title$$,
  $$values ('Canine CBC'), ('Canine thyroid panel'), ('Feline thyroid panel')$$,
  'a platform item shows to visitors once an admin publishes it');

-- owner, last: a provider deletes what is theirs ----------------------------------------------------
select tests.authenticate_as('owner');
select isnt_empty($$update public.offerings set price = 3500 where id = '10000000-0000-0000-0000-000000000008' returning 1$$,
  'a provider still edits their offering an admin put on the collectors'' calendar');
select isnt_empty($$delete from public.lab_test_details where offering_id = '10000000-0000-0000-0000-000000000008' returning 1$$,
  '[lab_test_details/owner/delete] a provider removes the details of their own lab test');
select isnt_empty($$delete from public.offering_tags where offering_id = '10000000-0000-0000-0000-000000000001' returning 1$$,
  '[offering_tags/owner/delete] a provider untags their own offering');
select results_eq($$select count(*)::int from public.offering_tags where offering_id = '10000000-0000-0000-0000-000000000002'$$,
  $$values (1)$$, 'a provider still reads the tags of a draft an admin archived');
select isnt_empty($$delete from public.offerings where id = '10000000-0000-0000-0000-000000000003' returning 1$$,
  '[offerings/owner/delete] a provider deletes their own offering');
select isnt_empty($$delete from public.offerings where id = '10000000-0000-0000-0000-000000000002' returning 1$$,
  'deleting an offering takes its tags with it');

select tests.clear_authentication();
select is_empty($$select * from public.offering_tags where offering_id = '10000000-0000-0000-0000-000000000002'$$,
  'no tag outlives its offering');

-- closed categories -------------------------------------------------------------------------------------
select tests.clear_authentication();
select set_config('tests.legacy_category', (select id::text from public.categories where slug = 'legacy'), true);
select tests.authenticate_as('owner');
select throws_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('owner'), current_setting('tests.legacy_category')::uuid, 'service', 'New legacy audit', 15000, 'USD', 60)$$,
  '22023', 'category_id: category ' || current_setting('tests.legacy_category') || ' is not open for new offerings', 'a provider cannot open a new offering in a closed category');
select tests.authenticate_as('admin');
select lives_ok(
  $$insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes)
    values (tests.get_supabase_uid('owner'), current_setting('tests.legacy_category')::uuid, 'service', 'Admin-placed audit', 15000, 'USD', 60)$$,
  'an admin can still place an offering in a closed category');

select * from finish();
rollback;
