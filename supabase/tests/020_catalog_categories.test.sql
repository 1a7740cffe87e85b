-- categories, tags: the catalog tree and its labels. Everyone reads active categories and
-- all tags; admins write; the tree is two levels deep; commissions inherit from the parent.
begin;
select plan(45);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('stranger', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');

insert into public.categories (slug, name, sort_order, commission_rate, currency, min_price, max_price)
values ('consulting', 'Consulting', 1, 0.2000, 'USD', 5000, 100000);
insert into public.categories (parent_id, slug, name, sort_order)
values ((select id from public.categories where slug = 'consulting'), 'strategy', 'Strategy', 1);
insert into public.categories (slug, name, sort_order, is_active) values ('retired', 'Retired', 9, false);
insert into public.tags (slug, name) values ('remote', 'Remote');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select slug::text from public.categories where slug in ('consulting', 'strategy', 'retired') order by slug$$,
  $$values ('consulting'), ('strategy')$$, '[categories/anon/select] visitors read the active categories, not the inactive ones');
select throws_ok($$insert into public.categories (slug, name) values ('x', 'X')$$, '42501', null,
  '[categories/anon/insert] visitors cannot add categories');
select throws_ok($$update public.categories set name = 'X'$$, '42501', null,
  '[categories/anon/update] visitors cannot change categories');
select throws_ok($$delete from public.categories$$, '42501', null,
  '[categories/anon/delete] visitors cannot remove categories');
select results_eq($$select name from public.tags where slug = 'remote'$$, $$values ('Remote')$$,
  '[tags/anon/select] visitors read tags');
select throws_ok($$insert into public.tags (slug, name) values ('x', 'X')$$, '42501', null,
  '[tags/anon/insert] visitors cannot add tags');
select throws_ok($$update public.tags set name = 'X'$$, '42501', null, '[tags/anon/update] visitors cannot change tags');
select throws_ok($$delete from public.tags$$, '42501', null, '[tags/anon/delete] visitors cannot remove tags');

-- stranger (a signed-in provider, not an admin) ----------------------------------------------------
select tests.authenticate_as('stranger');
select results_eq($$select slug::text from public.categories where slug in ('consulting', 'strategy', 'retired') order by slug$$,
  $$values ('consulting'), ('strategy')$$, '[categories/stranger/select] users read the active categories, not the inactive ones');
select throws_ok($$insert into public.categories (slug, name) values ('mine', 'Mine')$$,
  '42501', 'new row violates row-level security policy for table "categories"',
  '[categories/stranger/insert] users cannot add categories');
select is_empty($$update public.categories set commission_rate = 0 returning 1$$,
  '[categories/stranger/update] users cannot change categories, e.g. lower the commission');
select is_empty($$delete from public.categories returning 1$$, '[categories/stranger/delete] users cannot remove categories');
select isnt_empty($$select * from public.tags where slug = 'remote'$$, '[tags/stranger/select] users read tags');
select throws_ok($$insert into public.tags (slug, name) values ('mine', 'Mine')$$,
  '42501', 'new row violates row-level security policy for table "tags"', '[tags/stranger/insert] users cannot add tags');
select is_empty($$update public.tags set name = 'Hacked' returning 1$$, '[tags/stranger/update] users cannot change tags');
select is_empty($$delete from public.tags returning 1$$, '[tags/stranger/delete] users cannot remove tags');
select is(private.category_commission_rate((select id from public.categories where slug = 'strategy')), 0.2000::numeric,
  'a subcategory without a commission takes its parent''s');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select results_eq($$select slug::text from public.categories where slug in ('consulting', 'strategy', 'retired') order by slug$$,
  $$values ('consulting'), ('retired'), ('strategy')$$, '[categories/admin/select] admins read every category, inactive ones too');
select lives_ok(
  $$insert into public.categories (slug, name, commission_rate, currency, min_price, max_price, requires_license, is_featured)
    values ('pet-lab', 'Pet lab', 0.1000, 'EUR', 1000, 50000, true, true)$$,
  '[categories/admin/insert] admins add a category with commission, price bounds and requirements');
select lives_ok(
  $$insert into public.categories (parent_id, slug, name, commission_rate)
    values ((select id from public.categories where slug = 'pet-lab'), 'blood-tests', 'Blood tests', 0.0500)$$,
  'admins add a subcategory with its own commission');
select is(private.category_commission_rate((select id from public.categories where slug = 'blood-tests')), 0.0500::numeric,
  'a subcategory''s own commission wins over its parent''s');
select lives_ok($$insert into public.categories (slug, name) values ('misc', 'Misc')$$, 'admins add a category without commission');
select is(private.category_commission_rate((select id from public.categories where slug = 'misc')), 0.15::numeric,
  'a category without commission, nor a parent with one, takes the default setting');
select throws_ok(
  $$insert into public.categories (parent_id, slug, name)
    values ((select id from public.categories where slug = 'strategy'), 'too-deep', 'Too deep')$$,
  '22023', 'parent_id: categories nest two levels deep (category → subcategory)',
  'a subcategory of a subcategory is refused');
select throws_ok(
  $$update public.categories set parent_id = (select id from public.categories where slug = 'strategy') where slug = 'misc'$$,
  '22023', 'parent_id: categories nest two levels deep (category → subcategory)',
  'moving a category under a subcategory is refused');
select throws_ok($$update public.categories set parent_id = id where slug = 'misc'$$, '23514',
  'new row for relation "categories" violates check constraint "categories_not_own_parent"',
  'a category cannot be its own parent');
select throws_ok($$insert into public.categories (slug, name) values ('Bad Slug', 'Bad')$$, '23514',
  'new row for relation "categories" violates check constraint "categories_slug_format"',
  'a slug with capitals or spaces is refused');
select throws_ok($$insert into public.categories (slug, name) values ('bad--slug', 'Bad')$$, '23514',
  'new row for relation "categories" violates check constraint "categories_slug_format"',
  'a slug with a doubled hyphen is refused');
select throws_ok($$insert into public.categories (slug, name) values ('CONSULTING', 'Again')$$, '23505', null,
  'slugs are unique regardless of case');
select throws_ok($$insert into public.categories (slug, name, currency, min_price, max_price) values ('upside', 'U', 'USD', 10, 5)$$,
  '23514', 'new row for relation "categories" violates check constraint "categories_price_bounds_order"',
  'a minimum price above the maximum is refused');
select throws_ok($$insert into public.categories (slug, name, min_price) values ('no-currency', 'N', 10)$$,
  '23514', 'new row for relation "categories" violates check constraint "categories_price_bounds_currency"',
  'price bounds without a currency are refused');
select throws_ok($$insert into public.categories (slug, name, commission_rate) values ('greedy', 'G', 1.5)$$,
  '23514', 'new row for relation "categories" violates check constraint "categories_commission_rate_range"',
  'a commission above 100% is refused');
select results_eq(
  $$update public.categories set is_active = true, updated_at = '2000-01-01' where slug = 'retired' returning is_active, updated_at > '2000-01-01'$$,
  $$values (true, true)$$, '[categories/admin/update] admins change a category, and updated_at is stamped');
select throws_ok($$delete from public.categories where slug = 'consulting'$$, '23503', null,
  'a category with subcategories cannot be removed');
select isnt_empty($$delete from public.categories where slug = 'misc' returning 1$$,
  '[categories/admin/delete] admins remove a category');
select isnt_empty($$select * from public.tags$$, '[tags/admin/select] admins read tags');
select lives_ok($$insert into public.tags (slug, name) values ('in-person', 'In person')$$, '[tags/admin/insert] admins add tags');
select throws_ok($$insert into public.tags (slug, name) values ('Remote', 'Remote again')$$, '23505', null,
  'tag slugs are unique regardless of case');
select throws_ok($$insert into public.tags (slug, name) values ('no_underscores', 'x')$$, '23514',
  'new row for relation "tags" violates check constraint "tags_slug_format"', 'a tag slug with an underscore is refused');
select throws_ok($$insert into public.tags (slug, name) values ('empty-name', '')$$, '23514',
  'new row for relation "tags" violates check constraint "tags_name_length"', 'a tag without a name is refused');
select isnt_empty($$update public.tags set name = 'Fully remote' where slug = 'remote' returning 1$$,
  '[tags/admin/update] admins rename tags');
select isnt_empty($$delete from public.tags where slug = 'in-person' returning 1$$, '[tags/admin/delete] admins remove tags');

-- the private helpers are not for visitors -----------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select private.category_commission_rate(gen_random_uuid())$$, '42501', null,
  'visitors cannot call the commission helper');
select results_eq($$select slug::text from public.categories where slug in ('pet-lab', 'blood-tests', 'retired') order by slug$$,
  $$values ('blood-tests'), ('pet-lab'), ('retired')$$, 'a category an admin reactivates shows to visitors again');
select results_eq($$select requires_license, is_featured from public.categories where slug = 'pet-lab'$$,
  $$values (true, true)$$, 'visitors see a category''s requirements and featured flag');

select * from finish();
rollback;
