-- public.search_offerings: the catalog search RPC. Whoever calls (visitor, client, the
-- provider, an admin) sees active offerings only; words of title and description in web
-- search syntax; a category with its active subcategories; price range, currency, kind and
-- a minimum provider rating; best rated first; pages of at most 100; bad input refused.
begin;
select plan(48);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('rival', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('coach', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('client');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
insert into public.provider_profiles (user_id, kind, rating, rating_count)
values (tests.get_supabase_uid('owner'), 'consultant', 4.50, 12),
       (tests.get_supabase_uid('rival'), 'consultant', 4.90, 30),
       (tests.get_supabase_uid('coach'), 'coach', 3.00, 4);

-- consulting → strategy (active), legacy (inactive); coaching; lab.
insert into public.categories (slug, name) values ('consulting', 'Consulting'), ('coaching', 'Coaching'), ('lab', 'Lab tests');
-- The inactive one has a known id: visitors cannot read it to look it up.
insert into public.categories (id, parent_id, slug, name, is_active)
select sub.id::uuid, categories.id, sub.slug, sub.name, sub.is_active
from public.categories,
     (values ('ca000000-0000-0000-0000-000000000001', 'strategy', 'Strategy', true),
             ('ca000000-0000-0000-0000-000000000002', 'legacy', 'Legacy audits', false)) as sub (id, slug, name, is_active)
where categories.slug = 'consulting';

-- Offerings (all created in this transaction, so the same created_at: equal ratings order by id):
-- 1 market study (owner, strategy, active), 2 review (owner, strategy, draft), 3 old workshop
-- (owner, consulting, archived), 4 canine panel (platform, lab, active), 5 coaching call
-- (coach, coaching, active), 6 legacy audit (owner, legacy = inactive subcategory, active),
-- 7 brand sprint (rival, consulting, active, EUR), 8 feline panel (platform, lab, draft).
insert into public.offerings (id, provider_id, category_id, kind, title, description, price, currency, duration_minutes,
                              status, location, scheduled_on)
select o.id::uuid, case o.who when 'platform' then null else tests.get_supabase_uid(o.who) end,
       (select id from public.categories c where c.slug = o.category), o.kind::public.offering_kind, o.title, o.description,
       o.price, o.currency, 60, o.status::public.offering_status, o.location::public.offering_location,
       o.scheduled_on::public.schedule_owner
from (values
  ('50000000-0000-0000-0000-000000000001', 'owner', 'strategy', 'service', 'Market strategy study',
   'A deep review of your market and your rivals', 30000, 'USD', 'active', 'online', 'provider'),
  ('50000000-0000-0000-0000-000000000002', 'owner', 'strategy', 'service', 'Strategy review draft',
   'Not ready yet', 20000, 'USD', 'draft', 'online', 'provider'),
  ('50000000-0000-0000-0000-000000000003', 'owner', 'consulting', 'session', 'Old strategy workshop',
   'No longer offered', 8000, 'USD', 'archived', 'online', 'provider'),
  ('50000000-0000-0000-0000-000000000004', 'platform', 'lab', 'lab_test', 'Canine blood panel',
   'Complete blood count for dogs', 4500, 'EUR', 'active', 'client_site', 'collector'),
  ('50000000-0000-0000-0000-000000000005', 'coach', 'coaching', 'session', 'Strategy coaching call',
   'One hour on your career plan', 9000, 'USD', 'active', 'online', 'provider'),
  ('50000000-0000-0000-0000-000000000006', 'owner', 'legacy', 'service', 'Legacy strategy audit',
   'An audit of an old plan', 15000, 'USD', 'active', 'online', 'provider'),
  ('50000000-0000-0000-0000-000000000007', 'rival', 'consulting', 'service', 'Brand strategy sprint',
   'Five days with your marketing team', 50000, 'EUR', 'active', 'online', 'provider'),
  ('50000000-0000-0000-0000-000000000008', 'platform', 'lab', 'lab_test', 'Feline blood panel',
   'Thyroid and blood count for cats', 6500, 'EUR', 'draft', 'client_site', 'collector')
) as o (id, who, category, kind, title, description, price, currency, status, location, scheduled_on);

-- anon (a visitor) ------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select title from public.search_offerings()$$,
  $$values ('Brand strategy sprint'), ('Market strategy study'), ('Legacy strategy audit'), ('Strategy coaching call'),
           ('Canine blood panel')$$,
  'a visitor gets every active offering, best rated provider first, platform items (no rating) last');
select results_eq($$select title from public.search_offerings(query => 'strategy')$$,
  $$values ('Brand strategy sprint'), ('Market strategy study'), ('Legacy strategy audit'), ('Strategy coaching call')$$,
  'a word of the title finds the active offerings that have it, never a draft or an archived one');
select results_eq($$select title from public.search_offerings(query => 'STRATEGY')$$,
  $$select title from public.search_offerings(query => 'strategy')$$,
  'the search ignores case');
select results_eq($$select title from public.search_offerings(query => 'rivals')$$,
  $$values ('Market strategy study')$$, 'a word of the description finds its offering');
select results_eq($$select title from public.search_offerings(query => 'blood count')$$,
  $$values ('Canine blood panel')$$, 'all the words must match, wherever they are: the draft panel is not found');
select results_eq($$select title from public.search_offerings(query => '"market strategy"')$$,
  $$values ('Market strategy study')$$, 'a quoted phrase matches those words in that order only');
select is_empty($$select title from public.search_offerings(query => '"strategy market"')$$,
  'a quoted phrase in another order matches nothing');
select results_eq($$select title from public.search_offerings(query => 'strategy -audit -coaching')$$,
  $$values ('Brand strategy sprint'), ('Market strategy study')$$, 'a word after a minus excludes the offerings that have it');
select results_eq($$select title from public.search_offerings(query => 'canine or coaching')$$,
  $$values ('Strategy coaching call'), ('Canine blood panel')$$, '"or" finds the offerings with either word');
select is_empty($$select title from public.search_offerings(query => 'ready')$$,
  'a word found only in a draft finds nothing');
select is_empty($$select title from public.search_offerings(query => 'zebra grooming')$$,
  'words no offering has find nothing');
select results_eq($$select count(*)::integer from public.search_offerings(query => '   ')$$,
  $$values (5)$$, 'a blank query does not filter');
select results_eq($$select title from public.search_offerings(query => 'strategy', category_id => (select id from public.categories where slug = 'consulting'))$$,
  $$values ('Brand strategy sprint'), ('Market strategy study')$$,
  'a category includes its active subcategories and leaves out its inactive one');
select results_eq($$select title from public.search_offerings(category_id => (select id from public.categories where slug = 'strategy'))$$,
  $$values ('Market strategy study')$$, 'a subcategory holds only its own offerings');
select is_empty($$select title from public.search_offerings(category_id => 'ca000000-0000-0000-0000-000000000002')$$,
  'an inactive subcategory shows nothing');
select is_empty($$select title from public.search_offerings(category_id => gen_random_uuid())$$,
  'an unknown category shows nothing');
select results_eq($$select title from public.search_offerings(min_price => 9000, max_price => 30000)$$,
  $$values ('Market strategy study'), ('Legacy strategy audit'), ('Strategy coaching call')$$,
  'a price range includes both bounds');
select results_eq($$select title from public.search_offerings(min_price => 30001)$$,
  $$values ('Brand strategy sprint')$$, 'a minimum price alone leaves out what is cheaper');
select results_eq($$select title from public.search_offerings(max_price => 4500)$$,
  $$values ('Canine blood panel')$$, 'a maximum price alone leaves out what costs more');
select results_eq($$select title from public.search_offerings(min_price => 9000, max_price => 9000)$$,
  $$values ('Strategy coaching call')$$, 'a range of one price is allowed');
select results_eq($$select title from public.search_offerings(currency => 'EUR')$$,
  $$values ('Brand strategy sprint'), ('Canine blood panel')$$, 'a currency keeps the offerings priced in it');
select results_eq($$select title from public.search_offerings(kind => 'lab_test')$$,
  $$values ('Canine blood panel')$$, 'a kind keeps the offerings of that kind');
select results_eq($$select title from public.search_offerings(kind => 'session')$$,
  $$values ('Strategy coaching call')$$, 'an archived session is not found by its kind');
select results_eq($$select title from public.search_offerings(min_rating => 4.5)$$,
  $$values ('Brand strategy sprint'), ('Market strategy study'), ('Legacy strategy audit')$$,
  'a minimum rating keeps providers rated that or better');
select results_eq($$select title from public.search_offerings(min_rating => 0)$$,
  $$values ('Brand strategy sprint'), ('Market strategy study'), ('Legacy strategy audit'), ('Strategy coaching call')$$,
  'any minimum rating leaves out platform items, which have no provider to rate');
select results_eq($$select title from public.search_offerings(query => 'strategy', currency => 'USD', kind => 'service', max_price => 20000)$$,
  $$values ('Legacy strategy audit')$$, 'filters combine');
select results_eq($$select title from public.search_offerings(result_limit => 2)$$,
  $$values ('Brand strategy sprint'), ('Market strategy study')$$, 'result_limit is the size of a page');
select results_eq($$select title from public.search_offerings(result_limit => 2, result_offset => 2)$$,
  $$values ('Legacy strategy audit'), ('Strategy coaching call')$$, 'result_offset skips the pages before');
select results_eq($$select title from public.search_offerings(result_limit => 2, result_offset => 4)$$,
  $$values ('Canine blood panel')$$, 'the last page holds what is left');
select is_empty($$select title from public.search_offerings(result_offset => 5)$$, 'a page past the end is empty');
select results_eq($$select count(*)::integer from public.search_offerings(result_limit => 100, result_offset => 10000)$$,
  $$values (0)$$, 'a page of 100 and an offset of 10000 are the largest allowed');
select throws_ok($$select * from public.search_offerings(result_limit => 0)$$,
  '22023', 'result_limit must be 1..100 and result_offset 0..10000', 'an empty page is refused');
select throws_ok($$select * from public.search_offerings(result_limit => 101)$$,
  '22023', 'result_limit must be 1..100 and result_offset 0..10000', 'a page of more than 100 is refused');
select throws_ok($$select * from public.search_offerings(result_offset => -1)$$,
  '22023', 'result_limit must be 1..100 and result_offset 0..10000', 'a negative offset is refused');
select throws_ok($$select * from public.search_offerings(result_offset => 10001)$$,
  '22023', 'result_limit must be 1..100 and result_offset 0..10000', 'an offset past 10000 is refused');
select throws_ok($$select * from public.search_offerings(result_limit => null)$$,
  '22023', 'result_limit must be 1..100 and result_offset 0..10000', 'a page size sent as null is refused, not unlimited');
select throws_ok($$select * from public.search_offerings(result_offset => null)$$,
  '22023', 'result_limit must be 1..100 and result_offset 0..10000', 'an offset sent as null is refused');
select throws_ok($$select * from public.search_offerings(min_price => 30000, max_price => 9000)$$,
  '22023', 'min_price must not exceed max_price', 'a minimum price above the maximum is refused');
select throws_ok($$select * from public.search_offerings(query => repeat('strategy ', 12000))$$,
  '22023', 'query must be at most 200 characters', 'a 100 KB query is refused with 22023, not a stack overflow');
select results_eq($$select count(*)::integer from public.search_offerings(query => repeat('x', 200))$$,
  $$values (0)$$, 'a query of 200 characters is searched');

-- client (signed in) ------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select results_eq($$select title from public.search_offerings(query => 'strategy')$$,
  $$values ('Brand strategy sprint'), ('Market strategy study'), ('Legacy strategy audit'), ('Strategy coaching call')$$,
  'a signed-in client gets the active offerings, as a visitor does');
select results_eq($$select id, provider_id, price, currency, status from public.search_offerings(query => 'rivals')$$,
  $$select id, provider_id, price, currency, status from public.offerings where id = '50000000-0000-0000-0000-000000000001'$$,
  'the results are whole offerings rows');

-- owner (the provider) ------------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select isnt_empty($$select 1 from public.offerings where title = 'Strategy review draft'$$,
  'the provider reads their own draft in the table');
select results_eq($$select title from public.search_offerings(query => 'strategy', category_id => (select id from public.categories where slug = 'strategy'))$$,
  $$values ('Market strategy study')$$, 'the search never shows a provider their own draft');
select is_empty($$select title from public.search_offerings(query => 'workshop')$$,
  'the search never shows a provider their own archived offering');

-- admin ------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select results_eq($$select count(*)::integer from public.search_offerings()$$,
  $$values (5)$$, 'an admin, who reads every offering in the table, searches the active ones only');
select is_empty($$select title from public.search_offerings(query => 'feline')$$,
  'an admin does not find the platform''s draft through the search');

-- service_role ------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select results_eq($$select title from public.search_offerings(query => 'strategy', result_limit => 1)$$,
  $$values ('Brand strategy sprint')$$, 'the service role searches as everyone does');

select * from finish();
rollback;
