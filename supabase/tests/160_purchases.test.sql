-- purchases (issue 16): the access matrix of offering_categories, product_files, purchases and
-- the product-files bucket, per persona, and the rules with their refusals: buying twice, an
-- expired product, downloads without a purchase, with a pending or rejected one, after a revoke
-- (full refund; a partial refund keeps access), the daily bound, a seller editing another's
-- product. owner = the buyer (purchases); for files and categories, the product's seller.
begin;
set local time zone 'UTC';
select plan(73);
select tests.start_with_empty_marketplace();
select set_config('storage.allow_delete_query', 'true', true);
select tests.create_supabase_user('buyer');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
select tests.create_provider('seller', stripe_ready => true);
select tests.create_provider('rival', stripe_ready => true);

insert into public.categories (id, slug, name, offering_kinds, currency, commission_rate) values
  ('cf000000-0000-4000-8000-000000000001', 'workflows', 'Workflows', '{digital}', 'USD', 0.2),
  ('cf000000-0000-4000-8000-000000000002', 'marketing', 'Marketing', '{digital}', null, null);
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location) values
  ('2a000000-0000-4000-8000-000000000001', tests.get_supabase_uid('seller'), 'cf000000-0000-4000-8000-000000000001', 'digital',
   'Invoice chaser', 4900, 'USD', 5, 'active', 'online'),
  ('2a000000-0000-4000-8000-000000000002', tests.get_supabase_uid('seller'), 'cf000000-0000-4000-8000-000000000001', 'digital',
   'Old workflow', 900, 'USD', 5, 'expired', 'online'),
  ('2a000000-0000-4000-8000-000000000003', tests.get_supabase_uid('rival'), 'cf000000-0000-4000-8000-000000000001',
   'digital', 'Review requests', 1900, 'USD', 5, 'active', 'online');
insert into storage.objects (bucket_id, name, metadata) values
  ('product-files', '2a000000-0000-4000-8000-000000000001/v1/chaser.json', '{"size": 100, "mimetype": "application/json"}'),
  ('product-files', '2a000000-0000-4000-8000-000000000001/v2/chaser.json', '{"size": 120, "mimetype": "application/json"}'),
  ('product-files', '2a000000-0000-4000-8000-000000000003/v1/requests.json', '{"size": 90, "mimetype": "application/json"}');
insert into public.product_files (id, offering_id, version, path, name) values
  ('2b000000-0000-4000-8000-000000000001', '2a000000-0000-4000-8000-000000000001', 1, '2a000000-0000-4000-8000-000000000001/v1/chaser.json', 'chaser.json'),
  ('2b000000-0000-4000-8000-000000000003', '2a000000-0000-4000-8000-000000000003', 1, '2a000000-0000-4000-8000-000000000003/v1/requests.json', 'requests.json');
update private.settings set value = '2' where key = 'purchases.max_downloads_per_day';

create function pg_temp.outcome(statement text) returns text language plpgsql as $$
declare
  n bigint;
begin
  execute format('with r as (%s) select count(*) from r', statement) into n;
  return n::text;
exception when insufficient_privilege then
  return 'denied';
end
$$;
create function pg_temp.files() returns bigint language sql as $$
  select count(*) from storage.objects where bucket_id = 'product-files'
$$;
grant execute on all functions in schema pg_temp to anon, authenticated, service_role;

-- Buying -----------------------------------------------------------------------------------------------
select tests.authenticate_as('buyer');
select throws_ok($$select public.purchase_products('{2a000000-0000-4000-8000-000000000002}')$$, 'PT404', null,
  'an expired product is not sold');
select lives_ok($$select set_config('t.order', public.purchase_products('{2a000000-0000-4000-8000-000000000001}')::text, true)$$,
  'the buyer buys the chaser');
select throws_ok($$select public.purchase_products('{2a000000-0000-4000-8000-000000000001}')$$, 'PT409', null,
  'buying it again while paying for it is refused');
select is(pg_temp.files(), 0::bigint, 'a pending purchase downloads nothing');
select throws_ok($$select public.request_download('2b000000-0000-4000-8000-000000000001')$$, '42501', null,
  'nor asks for a download');
select tests.authenticate_as('seller');
select throws_ok($$select public.purchase_products('{2a000000-0000-4000-8000-000000000001}')$$, '22023', null,
  'a seller does not buy their own product');

-- Paid by card: active; the seller adds version 2 afterwards.
select tests.authenticate_as('buyer');
select set_config('t.chaser', jsonb_build_object('invoice_id', current_setting('t.order')::jsonb #>> '{orders,0,invoice_id}')::text, true);
select tests.pay_by_card('chaser');
select results_eq($$select status::text, version from public.purchases$$, $$values ('active', 1)$$, 'paid: the purchase is active');
select tests.authenticate_as('seller');
select lives_ok($$insert into public.product_files (offering_id, version, path, name) values ('2a000000-0000-4000-8000-000000000001', 2, '2a000000-0000-4000-8000-000000000001/v2/chaser.json', 'chaser.json')$$,
  'the seller releases version 2');
select throws_ok($$insert into public.product_files (offering_id, version, path, name) values ('2a000000-0000-4000-8000-000000000001', 3, '2a000000-0000-4000-8000-000000000001/v3/missing.json', 'missing.json')$$,
  '22023', null, 'a file is listed once it is uploaded');
select tests.authenticate_as('buyer');
select is(pg_temp.files(), 2::bigint, 'the buyer reads both versions: the one bought and the latest');
select is((public.request_download('2b000000-0000-4000-8000-000000000001') ->> 'downloads_today')::int, 1, 'a download is counted');
select is((public.request_download('2b000000-0000-4000-8000-000000000001') ->> 'downloads_left_today')::int, 0, 'the day''s bound is near');
select throws_ok($$select public.request_download('2b000000-0000-4000-8000-000000000001')$$, 'PT429', null,
  'beyond the day''s downloads it is refused');
select throws_ok($$select public.request_download('2b000000-0000-4000-8000-000000000003')$$, '42501', null,
  'a file of a product not bought is refused');

-- access matrix: purchases ------------------------------------------------------------------------------------
select is(pg_temp.outcome('select 1 from public.purchases'), '1', '[purchases/owner/select] the buyer reads their library');
select is(pg_temp.outcome($$insert into public.purchases (buyer_id, offering_id, invoice_id, title, amount, currency) select auth.uid(), offering_id, invoice_id, 'x', 0, 'USD' from public.purchases returning 1$$),
  'denied', '[purchases/owner/insert] but never inserts one (purchase_products does)');
select is(pg_temp.outcome($$update public.purchases set status = 'active' returning 1$$), 'denied', '[purchases/owner/update] nor changes it');
select is(pg_temp.outcome('delete from public.purchases returning 1'), 'denied', '[purchases/owner/delete] nor deletes it');
select tests.authenticate_as('seller');
select is(pg_temp.outcome('select 1 from public.my_sales()'), '1', 'the seller reads their sale (my_sales)');
select is(pg_temp.outcome('select 1 from public.purchases'), '0', 'not through the table, which is the buyers''');
select is(pg_temp.files(), 2::bigint, 'and their product''s files');
select tests.authenticate_as('stranger');
select is(pg_temp.outcome('select 1 from public.purchases'), '0', '[purchases/stranger/select] a stranger reads no purchase');
select is(pg_temp.outcome($$insert into public.purchases (buyer_id, offering_id, invoice_id, title, amount, currency) values (auth.uid(), '2a000000-0000-4000-8000-000000000001', gen_random_uuid(), 'x', 0, 'USD') returning 1$$),
  'denied', '[purchases/stranger/insert] nor forges one');
select is(pg_temp.outcome($$update public.purchases set status = 'revoked' returning 1$$), 'denied', '[purchases/stranger/update] nor changes one');
select is(pg_temp.outcome('delete from public.purchases returning 1'), 'denied', '[purchases/stranger/delete] nor deletes one');
select is(pg_temp.files(), 0::bigint, 'nor reads a file');
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.purchases'), 'denied', '[purchases/anon/select] visitors read no purchase');
select is(pg_temp.outcome($$insert into public.purchases (buyer_id, offering_id, invoice_id, title, amount, currency) values (gen_random_uuid(), '2a000000-0000-4000-8000-000000000001', gen_random_uuid(), 'x', 0, 'USD') returning 1$$),
  'denied', '[purchases/anon/insert] nor write one');
select is(pg_temp.outcome($$update public.purchases set status = 'revoked' returning 1$$), 'denied', '[purchases/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.purchases returning 1'), 'denied', '[purchases/anon/delete] nor delete one');
select is(pg_temp.files(), 0::bigint, 'nor read a file');
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from public.purchases'), '1', '[purchases/admin/select] admins read every purchase');
select is(pg_temp.outcome($$insert into public.purchases (buyer_id, offering_id, invoice_id, title, amount, currency) select buyer_id, offering_id, invoice_id, 'x', 0, 'USD' from public.purchases returning 1$$),
  'denied', '[purchases/admin/insert] admins grant no access by hand');
select is(pg_temp.outcome($$update public.purchases set status = 'revoked' returning 1$$), 'denied', '[purchases/admin/update] they refund instead');
select is(pg_temp.outcome('delete from public.purchases returning 1'), 'denied', '[purchases/admin/delete] and delete none');
select is(pg_temp.files(), 3::bigint, 'admins read every file');

-- access matrix: product_files and offering_categories ------------------------------------------------------------
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.product_files'), '3', '[product_files/anon/select] anyone reads which files a product has');
select is(pg_temp.outcome($$insert into public.product_files (offering_id, version, path, name) values ('2a000000-0000-4000-8000-000000000001', 9, '2a000000-0000-4000-8000-000000000001/v9/x', 'x') returning 1$$),
  'denied', '[product_files/anon/insert] visitors add none');
select is(pg_temp.outcome($$update public.product_files set name = 'x' returning 1$$), 'denied', '[product_files/anon/update] change none');
select is(pg_temp.outcome('delete from public.product_files returning 1'), 'denied', '[product_files/anon/delete] remove none');
select is(pg_temp.outcome('select 1 from public.offering_categories'), '0', '[offering_categories/anon/select] visitors read the extra categories (none yet)');
select is(pg_temp.outcome($$insert into public.offering_categories (offering_id, category_id) values ('2a000000-0000-4000-8000-000000000001', 'cf000000-0000-4000-8000-000000000002') returning 1$$),
  'denied', '[offering_categories/anon/insert] and add none');
select is(pg_temp.outcome($$update public.offering_categories set category_id = category_id returning 1$$), 'denied', '[offering_categories/anon/update] change none');
select is(pg_temp.outcome('delete from public.offering_categories returning 1'), 'denied', '[offering_categories/anon/delete] remove none');
select tests.authenticate_as('rival');
select throws_ok($$insert into public.offering_categories (offering_id, category_id) values ('2a000000-0000-4000-8000-000000000001', 'cf000000-0000-4000-8000-000000000002')$$,
  '42501', null, '[offering_categories/stranger/insert] a seller does not edit another''s product');
select is(pg_temp.outcome('select 1 from public.offering_categories'), '0', '[offering_categories/stranger/select] reads the extra categories');
select is(pg_temp.outcome($$update public.offering_categories set category_id = category_id returning 1$$), 'denied', '[offering_categories/stranger/update] changes none (delete and insert instead)');
select is(pg_temp.outcome('delete from public.offering_categories returning 1'), '0', '[offering_categories/stranger/delete] removes none of another''s');
select throws_ok($$insert into public.product_files (offering_id, version, path, name) values ('2a000000-0000-4000-8000-000000000001', 2, '2a000000-0000-4000-8000-000000000001/v2/chaser.json', 'x')$$,
  '42501', null, '[product_files/stranger/insert] nor adds a file to it');
select is(pg_temp.outcome('select 1 from public.product_files'), '3', '[product_files/stranger/select] reads the file lists');
select is(pg_temp.outcome($$update public.product_files set name = 'x' returning 1$$), 'denied', '[product_files/stranger/update] changes none');
select is(pg_temp.outcome($$delete from public.product_files where offering_id = '2a000000-0000-4000-8000-000000000001' returning 1$$), '0', '[product_files/stranger/delete] removes none of another''s');
select tests.authenticate_as('seller');
select is(pg_temp.outcome($$insert into public.offering_categories (offering_id, category_id) values ('2a000000-0000-4000-8000-000000000001', 'cf000000-0000-4000-8000-000000000002') returning 1$$),
  '1', 'the seller puts their product in a second category');
select throws_ok($$insert into public.offering_categories (offering_id, category_id) values ('2a000000-0000-4000-8000-000000000001', 'cf000000-0000-4000-8000-000000000002')$$,
  '23505', null, 'each pair once');
select results_eq($$select rating, is_active from public.offering_categories where offering_id = '2a000000-0000-4000-8000-000000000001'$$,
  $$values (0.00::numeric(3,2), true)$$, 'the pair carries the product''s rating and on-sale flag');
select tests.clear_authentication();
update public.offerings set rating = 4.5, status = 'expired' where id = '2a000000-0000-4000-8000-000000000001';
select results_eq($$select rating, is_active from public.offering_categories where offering_id = '2a000000-0000-4000-8000-000000000001'$$,
  $$values (4.50::numeric(3,2), false)$$, 'and follows them (a second category''s page sorts by its own index)');
update public.offerings set status = 'active' where id = '2a000000-0000-4000-8000-000000000001';
select tests.authenticate_as('seller');
select tests.clear_authentication();
insert into storage.objects (bucket_id, name, metadata)
values ('product-files', '2a000000-0000-4000-8000-000000000003/v2/requests.json', '{"size": 95, "mimetype": "application/json"}');
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from public.offering_categories'), '1', '[offering_categories/admin/select] admins read them');
select is(pg_temp.outcome($$insert into public.offering_categories (offering_id, category_id) values ('2a000000-0000-4000-8000-000000000003', 'cf000000-0000-4000-8000-000000000002') returning 1$$),
  '1', '[offering_categories/admin/insert] and place any product');
select is(pg_temp.outcome($$update public.offering_categories set category_id = category_id returning 1$$), 'denied', '[offering_categories/admin/update] a pair is replaced, not edited');
select is(pg_temp.outcome($$delete from public.offering_categories where offering_id = '2a000000-0000-4000-8000-000000000003' returning 1$$),
  '1', '[offering_categories/admin/delete] and take it out');
select is(pg_temp.outcome('select 1 from public.product_files'), '3', '[product_files/admin/select] admins read every file list');
select is(pg_temp.outcome($$insert into public.product_files (offering_id, version, path, name) values ('2a000000-0000-4000-8000-000000000003', 2, '2a000000-0000-4000-8000-000000000003/v2/requests.json', 'requests.json') returning 1$$),
  '1', '[product_files/admin/insert] admins add a version to any product');
select throws_ok($$insert into public.product_files (offering_id, version, path, name) values ('2a000000-0000-4000-8000-000000000003', 2, '2a000000-0000-4000-8000-000000000003/v2/requests.json', 'again')$$,
  '23505', null, 'a path is listed once');
select is(pg_temp.outcome($$update public.product_files set name = 'x' returning 1$$), 'denied', '[product_files/admin/update] files are replaced by new versions, not edited');
select is(pg_temp.outcome($$delete from public.product_files where version = 2 returning 1$$), '2', '[product_files/admin/delete] admins remove files');

-- A chargeback lost takes the access away in the transaction that records it -------------------------------------------
select tests.authenticate_as('buyer');
select set_config('t.requests', jsonb_build_object('invoice_id',
  public.purchase_products('{2a000000-0000-4000-8000-000000000003}') #>> '{orders,0,invoice_id}')::text, true);
select tests.pay_by_card('requests');
select tests.clear_authentication();
insert into public.disputes (payment_id, invoice_id, client_id, provider_id, stripe_dispute_id, amount, currency, status, last_event_at)
select p.id, p.invoice_id, p.client_id, p.provider_id, 'dp_lost', p.amount, p.currency, 'needs_response', now()
from public.payments p where p.invoice_id = tests.invoice('requests');
select results_eq($$select status::text from public.purchases where offering_id = '2a000000-0000-4000-8000-000000000003'$$,
  $$values ('active')$$, 'a dispute under way leaves the access');
update public.disputes set status = 'lost' where stripe_dispute_id = 'dp_lost';
select results_eq($$select status::text, status_reason from public.purchases where offering_id = '2a000000-0000-4000-8000-000000000003'$$,
  $$values ('revoked', 'payment disputed and lost')$$, 'a lost one revokes it');

-- Refunds: a partial one keeps the access, a full one revokes it in its transaction ------------------------------------
select tests.authenticate_as_service_role();
update public.invoices set amount_refunded = 1000, status = 'partially_refunded'
where id = (current_setting('t.order')::jsonb #>> '{orders,0,invoice_id}')::uuid;
select results_eq($$select status::text from public.purchases where offering_id = '2a000000-0000-4000-8000-000000000001'$$,
  $$values ('active')$$, 'a partial refund keeps the access');
update public.invoices set amount_refunded = amount_paid, status = 'refunded'
where id = (current_setting('t.order')::jsonb #>> '{orders,0,invoice_id}')::uuid;
select results_eq($$select status::text, status_reason from public.purchases where offering_id = '2a000000-0000-4000-8000-000000000001'$$,
  $$values ('revoked', 'refunded')$$, 'a full refund revokes it');
select tests.authenticate_as('buyer');
select is(pg_temp.files(), 0::bigint, 'a revoked purchase reads no file');

-- Bought again after the revoke, left unpaid past its due date: the sweep rejects it ---------------------------------
select tests.authenticate_as('buyer');
select lives_ok($$select set_config('t.again', public.purchase_products('{2a000000-0000-4000-8000-000000000003}')::text, true)$$,
  'a revoked product can be bought again');
select tests.clear_authentication();
update public.invoices set due_at = now() - interval '1 minute'
where id = (current_setting('t.again')::jsonb #>> '{orders,0,invoice_id}')::uuid;
select tests.authenticate_as_service_role();
select is(service.expire_unpaid_purchases(), 1, 'the sweep voids the invoice left unpaid past its due date');
select results_eq($$select status::text, status_reason from public.purchases where invoice_id = (current_setting('t.again')::jsonb #>> '{orders,0,invoice_id}')::uuid$$,
  $$values ('rejected', 'not paid in time')$$, 'its purchase is rejected: not paid in time');

select * from finish();
rollback;
