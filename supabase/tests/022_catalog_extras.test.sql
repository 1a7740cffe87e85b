-- offering_addons, offering_packages, package_addons: readable as their offering is,
-- written by whoever manages the offering; a package bundles add-ons of its own offering only.
begin;
select plan(67);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('stranger', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
insert into public.provider_profiles (user_id, kind)
values (tests.get_supabase_uid('owner'), 'consultant'), (tests.get_supabase_uid('stranger'), 'consultant');
insert into public.categories (slug, name) values ('consulting', 'Consulting'), ('lab', 'Lab tests');

-- Offerings: 1 market study (owner, active), 2 strategy review (owner, draft),
-- 3 rival workshop (stranger, active), 4 canine CBC (platform, active).
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location, scheduled_on)
select o.id::uuid, case o.who when 'platform' then null else tests.get_supabase_uid(o.who) end,
       (select id from public.categories c where c.slug = o.category), o.kind::public.offering_kind, o.title, o.price, 'USD', 60,
       o.status::public.offering_status, o.location::public.offering_location, o.scheduled_on::public.schedule_owner
from (values
  ('20000000-0000-0000-0000-000000000001', 'owner', 'consulting', 'service', 'Market study', 30000, 'active', 'online', 'provider'),
  ('20000000-0000-0000-0000-000000000002', 'owner', 'consulting', 'service', 'Strategy review', 20000, 'draft', 'online', 'provider'),
  ('20000000-0000-0000-0000-000000000003', 'stranger', 'consulting', 'session', 'Rival workshop', 8000, 'active', 'online', 'provider'),
  ('20000000-0000-0000-0000-000000000004', 'platform', 'lab', 'lab_test', 'Canine CBC', 4500, 'active', 'client_site', 'collector')
) as o (id, who, category, kind, title, price, status, location, scheduled_on);

-- Add-on a<n> and package p<n> belong to offering <n>; each package bundles its add-on.
insert into public.offering_addons (id, offering_id, name, price, price_type, max_quantity)
values ('a0000000-0000-0000-0000-000000000001', '20000000-0000-0000-0000-000000000001', 'Executive summary', 5000, 'fixed', 1),
       ('a0000000-0000-0000-0000-000000000002', '20000000-0000-0000-0000-000000000002', 'Follow-up call', 10000, 'per_hour', 3),
       ('a0000000-0000-0000-0000-000000000003', '20000000-0000-0000-0000-000000000003', 'Workbook', 2000, 'per_unit', 10),
       ('a0000000-0000-0000-0000-000000000004', '20000000-0000-0000-0000-000000000004', 'Urgent processing', 1500, 'fixed', 1);
insert into public.offering_packages (id, offering_id, name, discount_percent)
values ('b0000000-0000-0000-0000-000000000001', '20000000-0000-0000-0000-000000000001', 'Full package', 10),
       ('b0000000-0000-0000-0000-000000000002', '20000000-0000-0000-0000-000000000002', 'Draft bundle', 5),
       ('b0000000-0000-0000-0000-000000000003', '20000000-0000-0000-0000-000000000003', 'Rival bundle', 20),
       ('b0000000-0000-0000-0000-000000000004', '20000000-0000-0000-0000-000000000004', 'Lab bundle', 15);
insert into public.package_addons (package_id, addon_id)
select ('b0000000-0000-0000-0000-00000000000' || n)::uuid, ('a0000000-0000-0000-0000-00000000000' || n)::uuid
from generate_series(1, 4) n;

-- owner (the provider) ------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select results_eq(
  $$select name from public.offering_addons
    where offering_id in ('20000000-0000-0000-0000-000000000001', '20000000-0000-0000-0000-000000000002') order by name$$,
  $$values ('Executive summary'), ('Follow-up call')$$,
  '[offering_addons/owner/select] a provider reads the add-ons of their own offerings, drafts too');
select lives_ok(
  $$insert into public.offering_addons (id, offering_id, name, price, price_type, min_quantity, max_quantity, duration_minutes)
    values ('a0000000-0000-0000-0000-000000000011', '20000000-0000-0000-0000-000000000001', 'Slides', 1000, 'per_unit', 0, 5, 15)$$,
  '[offering_addons/owner/insert] a provider adds an add-on to their own offering');
select isnt_empty(
  $$update public.offering_addons set price = 1200 where id = 'a0000000-0000-0000-0000-000000000011' returning 1$$,
  '[offering_addons/owner/update] a provider reprices their own add-on');
select throws_ok(
  $$insert into public.offering_addons (offering_id, name, price, max_quantity) values ('20000000-0000-0000-0000-000000000001', 'None', 100, 0)$$,
  '23514', 'new row for relation "offering_addons" violates check constraint "offering_addons_quantity_bounds"',
  'an add-on that can be taken zero times at most is refused');
select throws_ok(
  $$update public.offering_addons set min_quantity = 6 where id = 'a0000000-0000-0000-0000-000000000011'$$,
  '23514', 'new row for relation "offering_addons" violates check constraint "offering_addons_quantity_bounds"',
  'a minimum quantity above the maximum is refused');
select throws_ok(
  $$update public.offering_addons set price = -1 where id = 'a0000000-0000-0000-0000-000000000011'$$,
  '23514', 'new row for relation "offering_addons" violates check constraint "offering_addons_price_positive"',
  'a negative add-on price is refused');
select throws_ok(
  $$update public.offering_addons set duration_minutes = 481 where id = 'a0000000-0000-0000-0000-000000000011'$$,
  '23514', 'new row for relation "offering_addons" violates check constraint "offering_addons_duration_range"',
  'an add-on adding more than eight hours is refused');
select throws_ok(
  $$insert into public.offering_addons (offering_id, name, price) values ('20000000-0000-0000-0000-000000000004', 'Extra tube', 100)$$,
  '42501', 'new row violates row-level security policy for table "offering_addons"',
  'a provider cannot add an add-on to a platform item');

select results_eq(
  $$select name from public.offering_packages
    where offering_id in ('20000000-0000-0000-0000-000000000001', '20000000-0000-0000-0000-000000000002') order by name$$,
  $$values ('Draft bundle'), ('Full package')$$,
  '[offering_packages/owner/select] a provider reads the packages of their own offerings, drafts too');
select lives_ok(
  $$insert into public.offering_packages (id, offering_id, name, discount_percent, valid_from, valid_until, is_popular)
    values ('b0000000-0000-0000-0000-000000000011', '20000000-0000-0000-0000-000000000001', 'Starter', 12.50,
            now(), now() + interval '30 days', true)$$,
  '[offering_packages/owner/insert] a provider adds a package with a validity window to their own offering');
select isnt_empty(
  $$update public.offering_packages set valid_until = now() + interval '60 days' where id = 'b0000000-0000-0000-0000-000000000011' returning 1$$,
  '[offering_packages/owner/update] a provider extends their own package');
select throws_ok(
  $$update public.offering_packages set discount_percent = 0 where id = 'b0000000-0000-0000-0000-000000000011'$$,
  '23514', 'new row for relation "offering_packages" violates check constraint "offering_packages_discount_range"',
  'a package without a discount is refused');
select throws_ok(
  $$update public.offering_packages set discount_percent = 100.01 where id = 'b0000000-0000-0000-0000-000000000011'$$,
  '23514', 'new row for relation "offering_packages" violates check constraint "offering_packages_discount_range"',
  'a discount above 100% is refused');
select throws_ok(
  $$update public.offering_packages set valid_until = valid_from - interval '1 day' where id = 'b0000000-0000-0000-0000-000000000011'$$,
  '23514', 'new row for relation "offering_packages" violates check constraint "offering_packages_validity_order"',
  'a package that ends before it starts is refused');
select throws_ok(
  $$insert into public.offering_packages (offering_id, name, discount_percent) values ('20000000-0000-0000-0000-000000000003', 'Mine', 50)$$,
  '42501', 'new row violates row-level security policy for table "offering_packages"',
  'a provider cannot add a package to another provider''s offering');

select lives_ok(
  $$insert into public.package_addons (package_id, addon_id, quantity)
    values ('b0000000-0000-0000-0000-000000000011', 'a0000000-0000-0000-0000-000000000011', 2)$$,
  '[package_addons/owner/insert] a provider bundles an add-on of the offering into its package');
select results_eq(
  $$select package_id, addon_id, quantity from public.package_addons
    where package_id in ('b0000000-0000-0000-0000-000000000002', 'b0000000-0000-0000-0000-000000000011') order by 1$$,
  $$values ('b0000000-0000-0000-0000-000000000002'::uuid, 'a0000000-0000-0000-0000-000000000002'::uuid, 1),
           ('b0000000-0000-0000-0000-000000000011'::uuid, 'a0000000-0000-0000-0000-000000000011'::uuid, 2)$$,
  '[package_addons/owner/select] a provider reads the contents of their own packages, drafts too');
select isnt_empty(
  $$update public.package_addons set quantity = 3 where package_id = 'b0000000-0000-0000-0000-000000000011' returning 1$$,
  '[package_addons/owner/update] a provider changes a quantity in their own package');
select throws_ok(
  $$update public.package_addons set quantity = 0 where package_id = 'b0000000-0000-0000-0000-000000000011'$$,
  '23514', 'new row for relation "package_addons" violates check constraint "package_addons_quantity_positive"',
  'a bundled add-on in no quantity is refused');
select throws_ok(
  $$insert into public.package_addons (package_id, addon_id)
    values ('b0000000-0000-0000-0000-000000000011', 'a0000000-0000-0000-0000-000000000002')$$,
  '22023', 'addon_id: add-on a0000000-0000-0000-0000-000000000002 does not belong to the package''s offering',
  'a package cannot bundle an add-on of another offering, even one of the same provider');
select throws_ok(
  $$insert into public.package_addons (package_id, addon_id)
    values ('b0000000-0000-0000-0000-000000000011', 'a0000000-0000-0000-0000-000000000003')$$,
  '22023', 'addon_id: add-on a0000000-0000-0000-0000-000000000003 does not belong to the package''s offering',
  'a package cannot bundle another provider''s add-on');
select throws_ok(
  $$update public.package_addons set addon_id = 'a0000000-0000-0000-0000-000000000002'
    where package_id = 'b0000000-0000-0000-0000-000000000011'$$,
  '22023', 'addon_id: add-on a0000000-0000-0000-0000-000000000002 does not belong to the package''s offering',
  'swapping a bundled add-on for another offering''s is refused');
select throws_ok(
  $$insert into public.package_addons (package_id, addon_id)
    values ('b0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-000000000001')$$,
  '23505', null, 'an add-on is bundled once per package');

-- stranger (another provider) ----------------------------------------------------------------------
select tests.authenticate_as('stranger');
select results_eq(
  $$select name from public.offering_addons
    where offering_id in ('20000000-0000-0000-0000-000000000001', '20000000-0000-0000-0000-000000000002') order by name$$,
  $$values ('Executive summary'), ('Slides')$$,
  '[offering_addons/stranger/select] a user reads the add-ons of active offerings only');
select throws_ok(
  $$insert into public.offering_addons (offering_id, name, price) values ('20000000-0000-0000-0000-000000000001', 'Sneaky', 1)$$,
  '42501', 'new row violates row-level security policy for table "offering_addons"',
  '[offering_addons/stranger/insert] a user cannot add an add-on to another provider''s offering');
select is_empty($$update public.offering_addons set price = 0 where offering_id = '20000000-0000-0000-0000-000000000001' returning 1$$,
  '[offering_addons/stranger/update] a user cannot reprice another provider''s add-ons');
select is_empty($$delete from public.offering_addons where offering_id = '20000000-0000-0000-0000-000000000001' returning 1$$,
  '[offering_addons/stranger/delete] a user cannot remove another provider''s add-ons');
select results_eq(
  $$select name from public.offering_packages
    where offering_id in ('20000000-0000-0000-0000-000000000001', '20000000-0000-0000-0000-000000000002') order by name$$,
  $$values ('Full package'), ('Starter')$$,
  '[offering_packages/stranger/select] a user reads the packages of active offerings only');
select throws_ok(
  $$insert into public.offering_packages (offering_id, name, discount_percent) values ('20000000-0000-0000-0000-000000000001', 'Cheap', 90)$$,
  '42501', 'new row violates row-level security policy for table "offering_packages"',
  '[offering_packages/stranger/insert] a user cannot add a package to another provider''s offering');
select is_empty($$update public.offering_packages set discount_percent = 99 where offering_id = '20000000-0000-0000-0000-000000000001' returning 1$$,
  '[offering_packages/stranger/update] a user cannot change another provider''s packages');
select is_empty($$delete from public.offering_packages where offering_id = '20000000-0000-0000-0000-000000000001' returning 1$$,
  '[offering_packages/stranger/delete] a user cannot remove another provider''s packages');
select results_eq(
  $$select package_id from public.package_addons
    where package_id in ('b0000000-0000-0000-0000-000000000001', 'b0000000-0000-0000-0000-000000000002') order by 1$$,
  $$values ('b0000000-0000-0000-0000-000000000001'::uuid)$$,
  '[package_addons/stranger/select] a user reads the contents of packages of active offerings only');
select throws_ok(
  $$insert into public.package_addons (package_id, addon_id)
    values ('b0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-000000000011')$$,
  '42501', 'new row violates row-level security policy for table "package_addons"',
  '[package_addons/stranger/insert] a user cannot fill another provider''s package');
select is_empty($$update public.package_addons set quantity = 9 where package_id = 'b0000000-0000-0000-0000-000000000001' returning 1$$,
  '[package_addons/stranger/update] a user cannot change the contents of another provider''s package');
select is_empty($$delete from public.package_addons where package_id = 'b0000000-0000-0000-0000-000000000001' returning 1$$,
  '[package_addons/stranger/delete] a user cannot empty another provider''s package');
select throws_ok(
  $$insert into public.package_addons (package_id, addon_id)
    values ('b0000000-0000-0000-0000-000000000003', 'a0000000-0000-0000-0000-000000000001')$$,
  '22023', 'addon_id: add-on a0000000-0000-0000-0000-000000000001 does not belong to the package''s offering',
  'a provider cannot slip another provider''s add-on into their own package');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select name from public.offering_addons order by name$$,
  $$values ('Executive summary'), ('Slides'), ('Urgent processing'), ('Workbook')$$,
  '[offering_addons/anon/select] visitors read the add-ons of active offerings only');
select throws_ok(
  $$insert into public.offering_addons (offering_id, name, price) values ('20000000-0000-0000-0000-000000000001', 'x', 1)$$,
  '42501', null, '[offering_addons/anon/insert] visitors cannot add add-ons');
select throws_ok($$update public.offering_addons set price = 0$$, '42501', null, '[offering_addons/anon/update] visitors cannot change add-ons');
select throws_ok($$delete from public.offering_addons$$, '42501', null, '[offering_addons/anon/delete] visitors cannot remove add-ons');
select results_eq($$select name from public.offering_packages order by name$$,
  $$values ('Full package'), ('Lab bundle'), ('Rival bundle'), ('Starter')$$,
  '[offering_packages/anon/select] visitors read the packages of active offerings only');
select throws_ok(
  $$insert into public.offering_packages (offering_id, name, discount_percent) values ('20000000-0000-0000-0000-000000000001', 'x', 1)$$,
  '42501', null, '[offering_packages/anon/insert] visitors cannot add packages');
select throws_ok($$update public.offering_packages set discount_percent = 99$$, '42501', null,
  '[offering_packages/anon/update] visitors cannot change packages');
select throws_ok($$delete from public.offering_packages$$, '42501', null, '[offering_packages/anon/delete] visitors cannot remove packages');
select results_eq($$select count(*)::int from public.package_addons$$, $$values (4)$$,
  '[package_addons/anon/select] visitors read the contents of packages of active offerings only');
select throws_ok(
  $$insert into public.package_addons (package_id, addon_id) values ('b0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-000000000011')$$,
  '42501', null, '[package_addons/anon/insert] visitors cannot fill packages');
select throws_ok($$update public.package_addons set quantity = 9$$, '42501', null,
  '[package_addons/anon/update] visitors cannot change package contents');
select throws_ok($$delete from public.package_addons$$, '42501', null, '[package_addons/anon/delete] visitors cannot empty packages');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select results_eq($$select name from public.offering_addons where offering_id = '20000000-0000-0000-0000-000000000002'$$,
  $$values ('Follow-up call')$$, '[offering_addons/admin/select] admins read the add-ons of drafts too');
select lives_ok(
  $$insert into public.offering_addons (id, offering_id, name, price, price_type, max_quantity)
    values ('a0000000-0000-0000-0000-000000000014', '20000000-0000-0000-0000-000000000004', 'Extra tube', 800, 'per_unit', 3)$$,
  '[offering_addons/admin/insert] admins add an add-on to a platform item');
select isnt_empty($$update public.offering_addons set is_active = false where id = 'a0000000-0000-0000-0000-000000000003' returning 1$$,
  '[offering_addons/admin/update] admins change any provider''s add-on');
select results_eq($$select name from public.offering_packages where offering_id = '20000000-0000-0000-0000-000000000002'$$,
  $$values ('Draft bundle')$$, '[offering_packages/admin/select] admins read the packages of drafts too');
select lives_ok(
  $$insert into public.offering_packages (id, offering_id, name, discount_percent, valid_until)
    values ('b0000000-0000-0000-0000-000000000014', '20000000-0000-0000-0000-000000000004', 'Two tubes', 100, now() + interval '7 days')$$,
  '[offering_packages/admin/insert] admins add a package to a platform item, even a free one');
select isnt_empty($$update public.offering_packages set is_popular = true where id = 'b0000000-0000-0000-0000-000000000003' returning 1$$,
  '[offering_packages/admin/update] admins change any provider''s package');
select results_eq($$select addon_id from public.package_addons where package_id = 'b0000000-0000-0000-0000-000000000002'$$,
  $$values ('a0000000-0000-0000-0000-000000000002'::uuid)$$, '[package_addons/admin/select] admins read the contents of packages of drafts too');
select lives_ok(
  $$insert into public.package_addons (package_id, addon_id, quantity)
    values ('b0000000-0000-0000-0000-000000000014', 'a0000000-0000-0000-0000-000000000014', 2)$$,
  '[package_addons/admin/insert] admins fill a package of a platform item');
select throws_ok(
  $$insert into public.package_addons (package_id, addon_id)
    values ('b0000000-0000-0000-0000-000000000014', 'a0000000-0000-0000-0000-000000000001')$$,
  '22023', 'addon_id: add-on a0000000-0000-0000-0000-000000000001 does not belong to the package''s offering',
  'admins cannot bundle another offering''s add-on either');
select isnt_empty($$update public.package_addons set quantity = 2 where package_id = 'b0000000-0000-0000-0000-000000000003' returning 1$$,
  '[package_addons/admin/update] admins change the contents of any package');
select isnt_empty($$delete from public.package_addons where package_id = 'b0000000-0000-0000-0000-000000000003' returning 1$$,
  '[package_addons/admin/delete] admins empty any package');
select isnt_empty($$delete from public.offering_packages where id = 'b0000000-0000-0000-0000-000000000003' returning 1$$,
  '[offering_packages/admin/delete] admins remove any package');
select isnt_empty($$delete from public.offering_addons where id = 'a0000000-0000-0000-0000-000000000003' returning 1$$,
  '[offering_addons/admin/delete] admins remove any add-on');

-- owner, last: a provider removes what is theirs -----------------------------------------------------
select tests.authenticate_as('owner');
select isnt_empty(
  $$delete from public.package_addons where package_id = 'b0000000-0000-0000-0000-000000000011' returning 1$$,
  '[package_addons/owner/delete] a provider takes an add-on out of their own package');
select isnt_empty($$delete from public.offering_packages where id = 'b0000000-0000-0000-0000-000000000011' returning 1$$,
  '[offering_packages/owner/delete] a provider removes their own package');
select isnt_empty($$delete from public.offering_addons where id = 'a0000000-0000-0000-0000-000000000001' returning 1$$,
  '[offering_addons/owner/delete] a provider removes their own add-on');
select is_empty($$select * from public.package_addons where addon_id = 'a0000000-0000-0000-0000-000000000001'$$,
  'a removed add-on leaves the packages that bundled it');
select isnt_empty($$delete from public.offerings where id = '20000000-0000-0000-0000-000000000002' returning 1$$,
  'a provider deletes their own draft offering');

select tests.clear_authentication();
select is_empty(
  $$select 1 from public.offering_addons where offering_id = '20000000-0000-0000-0000-000000000002'
    union all select 1 from public.offering_packages where offering_id = '20000000-0000-0000-0000-000000000002'
    union all select 1 from public.package_addons where package_id = 'b0000000-0000-0000-0000-000000000002'$$,
  'no add-on, package or bundle outlives its offering');

select * from finish();
rollback;
