-- invoices, invoice_lines, billing_records: read by the client, the provider and admins,
-- written by nobody directly; numbers gapless per year, even across rolled-back bookings;
-- totals that add up; billing records by day and month.
begin;
set local time zone 'UTC';
select plan(52);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_client');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('provider', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('coach', metadata => '{"account_type": "provider"}');
select tests.grant_role('admin', 'admin');
insert into public.provider_profiles (user_id, kind)
values (tests.get_supabase_uid('provider'), 'service_provider'), (tests.get_supabase_uid('coach'), 'consultant');
insert into public.categories (id, slug, name) values ('ca000000-0000-4000-8000-000000000001', 'home', 'Home services');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
values
  ('0f000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), 'ca000000-0000-4000-8000-000000000001',
   'home_service', 'Home repair', 10000, 'GBP', 60, 'active', 'client_site'),
  ('0f000000-0000-4000-8000-000000000002', tests.get_supabase_uid('coach'), 'ca000000-0000-4000-8000-000000000001',
   'session', 'Coaching call', 5000, 'GBP', 60, 'active', 'online');
insert into public.offering_addons (id, offering_id, name, price, price_type, max_quantity)
values ('ad000000-0000-4000-8000-000000000001', '0f000000-0000-4000-8000-000000000001', 'Materials', 1500, 'per_unit', 5);
insert into public.addresses (id, user_id, line1, city, postal_code, country_code, latitude, longitude) values
  ('aa000000-0000-4000-8000-000000000001', tests.get_supabase_uid('provider'), '1 Workshop Lane', 'London', 'WC2N 5DU', 'GB', 51.5074, -0.1278),
  ('aa000000-0000-4000-8000-000000000002', tests.get_supabase_uid('owner'), '2 Home Row', 'London', 'EC2A 1AA', 'GB', 51.5155, -0.0922);
insert into public.service_areas (provider_id, name, address_id, radius_km)
values (tests.get_supabase_uid('provider'), 'Central London', 'aa000000-0000-4000-8000-000000000001', 10);
insert into public.travel_fee_policies (provider_id, currency, free_radius_km, per_km_fee, minimum_fee, maximum_fee)
values (tests.get_supabase_uid('provider'), 'GBP', 1, 500, 300, 2000);
insert into public.tax_rates (country_code, name, rate) values ('GB', 'VAT', 0.2);
insert into public.offers (id, name, percent_off) values ('0e000000-0000-4000-8000-000000000001', 'Ten percent off', 10);
insert into public.coupons (offer_id, code) values ('0e000000-0000-4000-8000-000000000001', 'SAVE10');
insert into public.schedules (user_id, timezone, min_notice_minutes)
select tests.get_supabase_uid(u), 'UTC', 0 from unnest(array['provider', 'coach']) u;
insert into public.availability_rules (user_id, weekday, start_time, end_time)
select s.user_id, d, '08:00', '20:00' from public.schedules s cross join generate_series(1, 7) d;

create function pg_temp.number(sequence integer) returns text language sql stable as $$
  select format('INV-%s-%s', extract(year from now() at time zone 'UTC'), lpad(sequence::text, 6, '0'))
$$;
grant execute on function pg_temp.number(integer) to anon, authenticated, service_role;

-- Bookings and their invoices ----------------------------------------------------------------------
-- 1: the owner's home repair with materials, a coupon, a travel fee and VAT (open);
-- 2: another client's coaching call (paid); a booking rolled back to a savepoint; a booking
-- that fails after its invoice was numbered; 3: the owner's coaching call (cancelled unpaid,
-- so void); 4: another coaching call (open).
select tests.authenticate_as('owner');
select lives_ok(
  $$select set_config('t.repair', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]',
      tests.slot(2, '10:00'), addons => '[{"addon_id": "ad000000-0000-4000-8000-000000000001", "quantity": 2}]',
      coupon_code => 'SAVE10', address_id => 'aa000000-0000-4000-8000-000000000002')::text, true)$$,
  'a client books a home repair with materials and a coupon');
select tests.authenticate_as('other_client');
select set_config('t.call', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000002"}]',
  tests.slot(2, '10:00'))::text, true);
select tests.authenticate_as_service_role();
select service.settle_invoice(tests.invoice('call'));

select tests.authenticate_as('owner');
savepoint before_abandoned_booking;
select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000002"}]', tests.slot(3, '10:00'));
rollback to savepoint before_abandoned_booking;
select throws_ok(
  $$select (b.r ->> 'total')::integer / 0
    from (select public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000002"}]', tests.slot(3, '10:00')) r) b$$,
  '22012', null, 'a request that fails after its booking and invoice were written is rolled back whole');
select lives_ok(
  $$select set_config('t.cancelled', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000002"}]',
      tests.slot(3, '10:00'))::text, true)$$,
  'the client books the same slot for real');
select public.transition_booking((current_setting('t.cancelled')::jsonb ->> 'booking_id')::uuid, 'cancelled');
select tests.authenticate_as('other_client');
select set_config('t.later', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000002"}]',
  tests.slot(4, '10:00'))::text, true);

-- Numbers ------------------------------------------------------------------------------------------
select tests.clear_authentication();
select results_eq($$select number, number_sequence from public.invoices order by number_sequence$$,
  $$values (pg_temp.number(1), 1), (pg_temp.number(2), 2), (pg_temp.number(3), 3), (pg_temp.number(4), 4)$$,
  'invoice numbers run INV-<year>-000001 upwards without a gap: rolled-back bookings gave theirs back');
select results_eq($$select number from public.invoices where id = tests.invoice('cancelled')$$, $$values (pg_temp.number(3))$$,
  'the booking made after two rolled-back attempts gets the very next number');
select results_eq($$select last_number from private.invoice_counters where year = extract(year from now() at time zone 'UTC')$$,
  $$values (4)$$, 'the year''s counter stands at the last number issued');
select throws_ok(
  $$insert into public.invoices (client_id, number, number_year, number_sequence, currency, subtotal, total)
    values (tests.get_supabase_uid('owner'), 'INV-X', extract(year from now() at time zone 'UTC'), 2, 'GBP', 0, 0)$$,
  '23505', null, 'a number is never issued twice in a year');

-- Totals -------------------------------------------------------------------------------------------
select results_eq(
  $$select subtotal, discount_total, travel_fee, tax_total, total, commission, status::text, currency::text, coupon_id is not null
    from public.invoices where id = tests.invoice('repair')$$,
  $$values (13000::bigint, 1300::bigint, 1000::bigint, 2540::bigint, 15240::bigint, 1755::bigint, 'open', 'GBP', true)$$,
  'the invoice totals: 13000 subtotal − 1300 coupon + 1000 travel (2.62 km charged as 3 whole km, 2 beyond the free km) + 20% VAT = 15240');
select results_eq(
  $$select line_number::integer, kind::text, description, quantity, unit_amount, amount from public.invoice_lines
    where invoice_id = tests.invoice('repair') order by line_number$$,
  $$values (1, 'item', 'Home repair', 1, 10000::bigint, 10000::bigint),
           (2, 'addon', 'Materials', 2, 1500::bigint, 3000::bigint),
           (3, 'discount', 'Ten percent off', 1, -1300::bigint, -1300::bigint),
           (4, 'travel_fee', 'Travel (3 km)', 1, 1000::bigint, 1000::bigint),
           (5, 'tax', 'VAT (20%)', 1, 2540::bigint, 2540::bigint)$$,
  'the invoice lines are numbered from 1, discounts negative, the distance in whole km rounded up');
select is_empty(
  $$select i.number from public.invoices i join public.invoice_lines l on l.invoice_id = i.id
    group by i.id having sum(l.amount) <> i.total or i.subtotal - i.discount_total + i.travel_fee + i.tax_total <> i.total$$,
  'on every invoice the lines sum to the total, and subtotal − discounts + travel + tax = total');
select throws_ok(
  $$insert into public.invoices (client_id, number, number_year, number_sequence, currency, subtotal, tax_total, total)
    values (tests.get_supabase_uid('owner'), 'INV-TEST', 1999, 1, 'GBP', 1000, 200, 1000)$$,
  '23514', null, 'an invoice whose total does not add up cannot be stored');

-- owner (the client) --------------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select set_eq($$select number from public.invoices$$, $$values (pg_temp.number(1)), (pg_temp.number(3))$$,
  '[invoices/owner/select] a client reads their own invoices');
select is((select count(*) from public.invoice_lines), 6::bigint, '[invoice_lines/owner/select] a client reads the lines of their invoices');
select throws_ok(
  $$insert into public.invoices (client_id, number, number_year, number_sequence, currency, subtotal, total)
    values (auth.uid(), 'INV-FAKE', 2000, 1, 'GBP', 0, 0)$$,
  '42501', 'permission denied for table invoices', '[invoices/owner/insert] a client cannot write an invoice');
select throws_ok($$update public.invoices set status = 'paid', amount_paid = total$$, '42501', 'permission denied for table invoices',
  '[invoices/owner/update] a client cannot mark their invoice paid');
select throws_ok($$delete from public.invoices$$, '42501', 'permission denied for table invoices',
  '[invoices/owner/delete] a client cannot delete an invoice');
select throws_ok(
  $$insert into public.invoice_lines (invoice_id, line_number, kind, description, quantity, unit_amount, amount)
    values (tests.invoice('repair'), 9, 'discount', 'Self-service discount', 1, -15240, -15240)$$,
  '42501', 'permission denied for table invoice_lines', '[invoice_lines/owner/insert] a client cannot add a line to their invoice');
select throws_ok($$update public.invoice_lines set amount = 0$$, '42501', 'permission denied for table invoice_lines',
  '[invoice_lines/owner/update] a client cannot change a line');
select throws_ok($$delete from public.invoice_lines$$, '42501', 'permission denied for table invoice_lines',
  '[invoice_lines/owner/delete] a client cannot remove a line');
select results_eq($$select invoices::integer, invoiced from public.billing_records where period = 'day'$$,
  $$values (1, 15240::numeric)$$, 'a client''s billing records cover their own invoices only (the void one left out)');

-- providers -------------------------------------------------------------------------------------------
select tests.authenticate_as('provider');
select results_eq($$select number from public.invoices$$, $$values (pg_temp.number(1))$$,
  'a provider reads the invoices of their bookings only');
select is((select count(*) from public.invoice_lines), 5::bigint, 'a provider reads the lines of their invoices only');
select throws_ok($$update public.invoices set commission = 0$$, '42501', 'permission denied for table invoices',
  'a provider cannot change the commission');
select results_eq(
  $$select period, period_start, currency::text, invoices, paid_invoices, subtotal, discounts, travel_fees, taxes, invoiced, paid, refunded, commission
    from public.billing_records order by period$$,
  $$values ('day', (now() at time zone 'UTC')::date, 'GBP', 1::bigint, 0::bigint, 13000::numeric, 1300::numeric, 1000::numeric,
            2540::numeric, 15240::numeric, 0::numeric, 0::numeric, 0::numeric),
           ('month', date_trunc('month', now() at time zone 'UTC')::date, 'GBP', 1::bigint, 0::bigint, 13000::numeric, 1300::numeric,
            1000::numeric, 2540::numeric, 15240::numeric, 0::numeric, 0::numeric, 0::numeric)$$,
  'a provider''s billing records: their own invoices by day and by month, nothing paid yet');
select tests.authenticate_as('coach');
select results_eq(
  $$select period, invoices, paid_invoices, invoiced, paid, commission from public.billing_records order by period$$,
  $$values ('day', 2::bigint, 1::bigint, 10000::numeric, 5000::numeric, 750::numeric),
           ('month', 2::bigint, 1::bigint, 10000::numeric, 5000::numeric, 750::numeric)$$,
  'another provider''s records hold only their invoices, void ones left out, commission on what was paid');

-- stranger --------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$select * from public.invoices$$, '[invoices/stranger/select] a user cannot read other people''s invoices');
select is_empty($$select * from public.invoice_lines$$, '[invoice_lines/stranger/select] a user cannot read other people''s invoice lines');
select is_empty($$select * from public.billing_records$$, 'a user without invoices has no billing records');
select throws_ok(
  $$insert into public.invoices (client_id, number, number_year, number_sequence, currency, subtotal, total)
    values (auth.uid(), 'INV-FAKE', 2000, 1, 'GBP', 0, 0)$$,
  '42501', 'permission denied for table invoices', '[invoices/stranger/insert] a user cannot write an invoice');
select throws_ok($$update public.invoices set status = 'void'$$, '42501', 'permission denied for table invoices',
  '[invoices/stranger/update] a user cannot change invoices');
select throws_ok($$delete from public.invoices$$, '42501', 'permission denied for table invoices',
  '[invoices/stranger/delete] a user cannot delete invoices');
select throws_ok(
  $$insert into public.invoice_lines (invoice_id, line_number, kind, description, quantity, unit_amount, amount)
    values (tests.invoice('repair'), 9, 'item', 'x', 1, 1, 1)$$,
  '42501', 'permission denied for table invoice_lines', '[invoice_lines/stranger/insert] a user cannot add invoice lines');
select throws_ok($$update public.invoice_lines set amount = 0$$, '42501', 'permission denied for table invoice_lines',
  '[invoice_lines/stranger/update] a user cannot change invoice lines');
select throws_ok($$delete from public.invoice_lines$$, '42501', 'permission denied for table invoice_lines',
  '[invoice_lines/stranger/delete] a user cannot remove invoice lines');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.invoices$$, '42501', 'permission denied for table invoices',
  '[invoices/anon/select] visitors cannot read invoices');
select throws_ok(
  $$insert into public.invoices (client_id, number, number_year, number_sequence, currency, subtotal, total)
    values (gen_random_uuid(), 'INV-FAKE', 2000, 1, 'GBP', 0, 0)$$,
  '42501', 'permission denied for table invoices', '[invoices/anon/insert] visitors cannot write invoices');
select throws_ok($$update public.invoices set status = 'void'$$, '42501', 'permission denied for table invoices',
  '[invoices/anon/update] visitors cannot change invoices');
select throws_ok($$delete from public.invoices$$, '42501', 'permission denied for table invoices',
  '[invoices/anon/delete] visitors cannot delete invoices');
select throws_ok($$select * from public.invoice_lines$$, '42501', 'permission denied for table invoice_lines',
  '[invoice_lines/anon/select] visitors cannot read invoice lines');
select throws_ok(
  $$insert into public.invoice_lines (invoice_id, line_number, kind, description, quantity, unit_amount, amount)
    values (gen_random_uuid(), 1, 'item', 'x', 1, 1, 1)$$,
  '42501', 'permission denied for table invoice_lines', '[invoice_lines/anon/insert] visitors cannot add invoice lines');
select throws_ok($$update public.invoice_lines set amount = 0$$, '42501', 'permission denied for table invoice_lines',
  '[invoice_lines/anon/update] visitors cannot change invoice lines');
select throws_ok($$delete from public.invoice_lines$$, '42501', 'permission denied for table invoice_lines',
  '[invoice_lines/anon/delete] visitors cannot remove invoice lines');
select throws_ok($$select * from public.billing_records$$, '42501', 'permission denied for view billing_records',
  'visitors cannot read billing records');

-- admin -----------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is((select count(*) from public.invoices), 4::bigint, '[invoices/admin/select] admins read every invoice');
select is((select count(*) from public.invoice_lines), 8::bigint, '[invoice_lines/admin/select] admins read every invoice line');
select results_eq(
  $$select period, period_start, currency::text, invoices, paid_invoices, subtotal, discounts, travel_fees, taxes, invoiced, paid, refunded, commission
    from public.billing_records order by period$$,
  $$values ('day', (now() at time zone 'UTC')::date, 'GBP', 3::bigint, 1::bigint, 23000::numeric, 1300::numeric, 1000::numeric,
            2540::numeric, 25240::numeric, 5000::numeric, 0::numeric, 750::numeric),
           ('month', date_trunc('month', now() at time zone 'UTC')::date, 'GBP', 3::bigint, 1::bigint, 23000::numeric, 1300::numeric,
            1000::numeric, 2540::numeric, 25240::numeric, 5000::numeric, 0::numeric, 750::numeric)$$,
  'admins see the platform''s billing records by day and by month: sums of every invoice but the void one');
select throws_ok(
  $$insert into public.invoices (client_id, number, number_year, number_sequence, currency, subtotal, total)
    values (tests.get_supabase_uid('owner'), 'INV-FAKE', 2000, 1, 'GBP', 0, 0)$$,
  '42501', 'permission denied for table invoices', '[invoices/admin/insert] admins too cannot write invoices by hand');
select throws_ok($$update public.invoices set status = 'paid'$$, '42501', 'permission denied for table invoices',
  '[invoices/admin/update] admins cannot mark invoices paid by hand (payments do)');
select throws_ok($$delete from public.invoices$$, '42501', 'permission denied for table invoices',
  '[invoices/admin/delete] admins cannot delete invoices');
select throws_ok(
  $$insert into public.invoice_lines (invoice_id, line_number, kind, description, quantity, unit_amount, amount)
    values (tests.invoice('repair'), 9, 'item', 'x', 1, 1, 1)$$,
  '42501', 'permission denied for table invoice_lines', '[invoice_lines/admin/insert] admins cannot add invoice lines');
select throws_ok($$update public.invoice_lines set amount = 0$$, '42501', 'permission denied for table invoice_lines',
  '[invoice_lines/admin/update] admins cannot change invoice lines');
select throws_ok($$delete from public.invoice_lines$$, '42501', 'permission denied for table invoice_lines',
  '[invoice_lines/admin/delete] admins cannot remove invoice lines');

select * from finish();
rollback;
