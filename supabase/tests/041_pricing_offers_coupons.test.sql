-- offers, coupons, coupon_redemptions: everyone reads the current automatic offers; offers
-- and coupons are written (and coupons read) by admins only; a user reads their own coupon
-- redemptions, and nobody writes redemptions but the booking functions.
begin;
select plan(59);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner');
select tests.create_supabase_user('client');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.grant_role('owner', 'admin');
select tests.grant_role('admin', 'admin');
insert into public.provider_profiles (user_id, kind) values (tests.get_supabase_uid('provider'), 'consultant');
insert into public.categories (id, slug, name) values ('c1000000-0000-4000-8000-000000000001', 'consulting', 'Consulting');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status) values
  ('a1000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), 'c1000000-0000-4000-8000-000000000001',
   'service', 'Strategy call', 10000, 'EUR', 60, 'active');

-- owner: the admin who creates an offer -------------------------------------------------------------
select tests.authenticate_as('owner');
select lives_ok(
  $$insert into public.offers (id, name, percent_off, is_automatic, valid_until)
    values ('0f000000-0000-4000-8000-000000000001', 'Winter sale', 10, true, now() + interval '30 days'),
           ('0f000000-0000-4000-8000-000000000002', 'Partner discount', 20, false, null),
           ('0f000000-0000-4000-8000-000000000003', 'Old sale', 15, true, null),
           ('0f000000-0000-4000-8000-000000000005', 'Autumn sale', 5, true, now() - interval '1 day')$$,
  '[offers/owner/insert] an admin creates offers: automatic, for coupons only, one to switch off and one that has ended');
select is(
  (select count(*) from public.offers where created_by = tests.get_supabase_uid('owner')), 4::bigint,
  'an offer records the admin who created it');
select throws_ok(
  $$insert into public.offers (name, percent_off, amount_off, currency) values ('Both', 10, 500, 'EUR')$$,
  '23514', null, 'an offer is a percentage or an amount, not both');
select throws_ok(
  $$insert into public.offers (name) values ('Neither')$$,
  '23514', null, 'an offer without a percentage or an amount is refused');
select throws_ok(
  $$insert into public.offers (name, amount_off) values ('No currency', 500)$$,
  '23514', null, 'an amount off needs its currency');
select throws_ok(
  $$insert into public.offers (name, percent_off) values ('Too generous', 150)$$,
  '23514', null, 'more than 100 percent off is refused');
select throws_ok(
  $$insert into public.offers (name, percent_off, category_id, offering_id)
    values ('Two scopes', 10, 'c1000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001')$$,
  '23514', null, 'an offer applies to a category or an offering, not both');
select throws_ok(
  $$insert into public.offers (name, percent_off, valid_from, valid_until) values ('Backwards', 10, now(), now() - interval '1 day')$$,
  '23514', null, 'an offer cannot end before it starts');
select isnt_empty(
  $$update public.offers set is_active = false where id = '0f000000-0000-4000-8000-000000000003' returning 1$$,
  'an admin switches an offer off');

select tests.clear_authentication();
delete from public.user_roles where user_id = tests.get_supabase_uid('owner') and role = 'admin';
select tests.authenticate_as('owner');
select results_eq($$select name from public.offers order by name$$, $$values ('Winter sale')$$,
  '[offers/owner/select] once no longer admin, the creator of offers sees only the current automatic ones, like everyone');
select is_empty($$update public.offers set percent_off = 50 where created_by = (select auth.uid()) returning 1$$,
  '[offers/owner/update] having created an offer gives no right to change it');
select is_empty($$delete from public.offers where created_by = (select auth.uid()) returning 1$$,
  '[offers/owner/delete] having created an offer gives no right to remove it');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select results_eq($$select name from public.offers order by name$$, $$values ('Autumn sale'), ('Old sale'), ('Partner discount'), ('Winter sale')$$,
  '[offers/admin/select] admins read every offer, inactive, ended and coupon-only ones too');
select lives_ok(
  $$insert into public.offers (id, name, amount_off, currency, min_order_amount, offering_id)
    values ('0f000000-0000-4000-8000-000000000004', 'Ten off a call', 1000, 'EUR', 5000, 'a1000000-0000-4000-8000-000000000001')$$,
  '[offers/admin/insert] admins add a fixed amount off one offering above a minimum order');
select isnt_empty($$update public.offers set max_discount = 3000 where id = '0f000000-0000-4000-8000-000000000002' returning 1$$,
  '[offers/admin/update] admins cap an offer''s discount');
select lives_ok(
  $$insert into public.coupons (id, offer_id, code, max_redemptions, max_per_user)
    values ('0c000000-0000-4000-8000-000000000001', '0f000000-0000-4000-8000-000000000002', 'PARTNER20', 100, 1),
           ('0c000000-0000-4000-8000-000000000002', '0f000000-0000-4000-8000-000000000004', 'TENOFF', null, null)$$,
  '[coupons/admin/insert] admins create coupon codes, with or without limits');
select throws_ok(
  $$insert into public.coupons (offer_id, code) values ('0f000000-0000-4000-8000-000000000002', 'partner20')$$,
  '23505', null, 'codes are unique whatever their case');
select throws_ok(
  $$insert into public.coupons (offer_id, code) values ('0f000000-0000-4000-8000-000000000002', 'NO SPACES')$$,
  '23514', null, 'a code with spaces is refused');
select throws_ok(
  $$insert into public.coupons (offer_id, code) values ('0f000000-0000-4000-8000-000000000002', 'AB')$$,
  '23514', null, 'a code shorter than 3 characters is refused');
select throws_ok(
  $$insert into public.coupons (offer_id, code, max_redemptions) values ('0f000000-0000-4000-8000-000000000002', 'ZERO', 0)$$,
  '23514', null, 'a limit of zero uses is refused (leave it empty for unlimited)');
select results_eq($$select code::text, max_redemptions, max_per_user from public.coupons order by code$$,
  $$values ('PARTNER20', 100, 1), ('TENOFF', null, null)$$, '[coupons/admin/select] admins read the coupons');
select isnt_empty($$update public.coupons set max_redemptions = 50 where code = 'partner20' returning 1$$,
  '[coupons/admin/update] admins change a coupon''s limits (codes match whatever their case)');

-- A client's booking used PARTNER20 (written here as create_booking would).
select tests.clear_authentication();
insert into public.bookings (id, offering_id, client_id, provider_id, scheduled_on, starts_at, ends_at, blocked_during,
                             status, hold_expires_at, currency, total_amount, free_cancellation_hours, late_cancellation_fee_share)
values ('b0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'),
        tests.get_supabase_uid('provider'), 'provider', now() + interval '2 days', now() + interval '2 days 1 hour',
        tstzrange(now() + interval '2 days', now() + interval '2 days 1 hour'), 'held', now() + interval '15 minutes', 'EUR', 8000, 24, 0.5);
insert into public.coupon_redemptions (coupon_id, booking_id, user_id, discount_amount)
values ('0c000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'), 2000);

select tests.authenticate_as('admin');
select results_eq($$select user_id, status, discount_amount from public.coupon_redemptions$$,
  $$select tests.get_supabase_uid('client'), 'reserved'::public.redemption_status, 2000::bigint$$,
  '[coupon_redemptions/admin/select] admins read every redemption');
select throws_ok(
  $$insert into public.coupon_redemptions (coupon_id, booking_id, user_id, discount_amount)
    values ('0c000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000001', tests.get_supabase_uid('client'), 0)$$,
  '42501', null, '[coupon_redemptions/admin/insert] admins cannot write redemptions either: only booking functions do');
select throws_ok($$update public.coupon_redemptions set status = 'released'$$, '42501', null,
  '[coupon_redemptions/admin/update] admins cannot release a redemption by hand');
select throws_ok($$delete from public.coupon_redemptions$$, '42501', null,
  '[coupon_redemptions/admin/delete] admins cannot delete redemptions');
select throws_ok($$delete from public.coupons where code = 'PARTNER20'$$, '23503', null,
  'a coupon that has been used cannot be deleted (switch it off instead)');

-- owner of a redemption: the client who used the code ---------------------------------------------------
select tests.authenticate_as('client');
select results_eq($$select coupon_id, discount_amount from public.coupon_redemptions$$,
  $$values ('0c000000-0000-4000-8000-000000000001'::uuid, 2000::bigint)$$,
  '[coupon_redemptions/owner/select] a client reads their own coupon use');
select throws_ok(
  $$insert into public.coupon_redemptions (coupon_id, booking_id, user_id, discount_amount)
    values ('0c000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000001', (select auth.uid()), 0)$$,
  '42501', null, '[coupon_redemptions/owner/insert] a client cannot record a coupon use');
select throws_ok($$update public.coupon_redemptions set discount_amount = 9000$$, '42501', null,
  '[coupon_redemptions/owner/update] a client cannot change their coupon use');
select throws_ok($$delete from public.coupon_redemptions$$, '42501', null,
  '[coupon_redemptions/owner/delete] a client cannot erase a coupon use to use the code again');
select is_empty($$select * from public.coupons$$, 'a client cannot list the coupon codes');
select results_eq($$select name from public.offers order by name$$, $$values ('Winter sale')$$,
  'a client sees the current automatic offer, not the coupon-only ones');

-- stranger ------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select results_eq($$select name, percent_off from public.offers$$, $$values ('Winter sale', 10.00::numeric(5, 2))$$,
  '[offers/stranger/select] users read the active automatic offers that have not ended, only');
select throws_ok($$insert into public.offers (name, percent_off) values ('Mine', 90)$$,
  '42501', 'new row violates row-level security policy for table "offers"', '[offers/stranger/insert] users cannot create offers');
select is_empty($$update public.offers set percent_off = 90 returning 1$$, '[offers/stranger/update] users cannot change offers');
select is_empty($$delete from public.offers returning 1$$, '[offers/stranger/delete] users cannot remove offers');
select is_empty($$select * from public.coupons$$, '[coupons/stranger/select] users cannot read coupon codes');
select throws_ok($$insert into public.coupons (offer_id, code) values ('0f000000-0000-4000-8000-000000000002', 'MINE')$$,
  '42501', 'new row violates row-level security policy for table "coupons"', '[coupons/stranger/insert] users cannot create coupons');
select is_empty($$update public.coupons set max_redemptions = null returning 1$$, '[coupons/stranger/update] users cannot lift coupon limits');
select is_empty($$delete from public.coupons returning 1$$, '[coupons/stranger/delete] users cannot remove coupons');
select is_empty($$select * from public.coupon_redemptions$$,
  '[coupon_redemptions/stranger/select] users cannot see other users'' coupon uses');
select throws_ok(
  $$insert into public.coupon_redemptions (coupon_id, booking_id, user_id, discount_amount)
    values ('0c000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000001', (select auth.uid()), 0)$$,
  '42501', null, '[coupon_redemptions/stranger/insert] users cannot record coupon uses');
select throws_ok($$update public.coupon_redemptions set status = 'released'$$, '42501', null,
  '[coupon_redemptions/stranger/update] users cannot change coupon uses');
select throws_ok($$delete from public.coupon_redemptions$$, '42501', null,
  '[coupon_redemptions/stranger/delete] users cannot delete coupon uses');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select name from public.offers$$, $$values ('Winter sale')$$,
  '[offers/anon/select] visitors read the active automatic offers that have not ended, only');
select throws_ok($$insert into public.offers (name, percent_off) values ('Mine', 90)$$, '42501', null,
  '[offers/anon/insert] visitors cannot create offers');
select throws_ok($$update public.offers set percent_off = 90$$, '42501', null, '[offers/anon/update] visitors cannot change offers');
select throws_ok($$delete from public.offers$$, '42501', null, '[offers/anon/delete] visitors cannot remove offers');
select throws_ok($$select * from public.coupons$$, '42501', null, '[coupons/anon/select] visitors cannot read coupons');
select throws_ok($$insert into public.coupons (offer_id, code) values ('0f000000-0000-4000-8000-000000000002', 'MINE')$$,
  '42501', null, '[coupons/anon/insert] visitors cannot create coupons');
select throws_ok($$update public.coupons set max_redemptions = null$$, '42501', null,
  '[coupons/anon/update] visitors cannot change coupons');
select throws_ok($$delete from public.coupons$$, '42501', null, '[coupons/anon/delete] visitors cannot remove coupons');
select throws_ok($$select * from public.coupon_redemptions$$, '42501', null,
  '[coupon_redemptions/anon/select] visitors cannot read coupon uses');
select throws_ok(
  $$insert into public.coupon_redemptions (coupon_id, booking_id, user_id, discount_amount)
    values ('0c000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000001', gen_random_uuid(), 0)$$,
  '42501', null, '[coupon_redemptions/anon/insert] visitors cannot record coupon uses');
select throws_ok($$update public.coupon_redemptions set status = 'released'$$, '42501', null,
  '[coupon_redemptions/anon/update] visitors cannot change coupon uses');
select throws_ok($$delete from public.coupon_redemptions$$, '42501', null,
  '[coupon_redemptions/anon/delete] visitors cannot delete coupon uses');

-- admin removes last -------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select isnt_empty($$delete from public.coupons where code = 'TENOFF' returning 1$$,
  '[coupons/admin/delete] admins remove an unused coupon');
select isnt_empty($$delete from public.offers where id = '0f000000-0000-4000-8000-000000000003' returning 1$$,
  '[offers/admin/delete] admins remove an offer');

select * from finish();
rollback;
