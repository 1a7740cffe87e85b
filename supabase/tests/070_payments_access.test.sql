-- payments, refunds, disputes: read by the client, the provider and admins, written by the
-- payment functions only (no API role inserts, updates or deletes a row); the service role
-- reads everything and alone reaches the service RPCs and the Stripe event ledger.
begin;
set local time zone 'UTC';
select plan(68);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('owner');
select tests.create_supabase_user('other_client');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
select tests.create_provider('provider', stripe_ready => true);
select tests.create_provider('tutor');
select tests.create_provider('stranger_provider');
insert into public.categories (id, slug, name) values (tests.consulting(), 'consulting', 'Consulting');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
values
  (tests.advice(), tests.get_supabase_uid('provider'), tests.consulting(), 'service', 'Advice', 10000, 'EUR', 60, 'active', 'online'),
  ('0f000000-0000-4000-8000-000000000002', tests.get_supabase_uid('tutor'), tests.consulting(),
   'service', 'Lesson', 8000, 'EUR', 60, 'active', 'online');

create function pg_temp.payment(name text) returns uuid language sql stable as $$
  select coalesce(current_setting('t.pay_' || name, true)::jsonb ->> 'payment_id', current_setting('t.pay_' || name, true)::jsonb ->> 'id')::uuid
$$;
grant execute on function pg_temp.payment(text) to anon, authenticated, service_role;

-- The owner pays for advice by card (a destination charge to the provider), gets 2000 back
-- and disputes the charge; another client pays a lesson by bank transfer and is refunded.
select tests.authenticate_as('owner');
select set_config('t.advice', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000001"}]',
  tests.slot(2, '10:00'))::text, true);
select set_config('t.pay_advice', public.begin_checkout(tests.invoice('advice'))::text, true);
select tests.authenticate_as_service_role();
select service.attach_checkout_session(pg_temp.payment('advice'), 'cs_test_access', 'https://checkout.stripe.com/c/pay/cs_test_access',
  now() + interval '31 minutes');
select service.apply_checkout_event('evt_access_paid', 'checkout.session.completed', now(), 'cs_test_access',
  pg_temp.payment('advice'), 'paid', 'pi_access', 10000, 'eur');
select service.apply_dispute_event('evt_access_dispute', 'charge.dispute.created', now(), 'dp_access', 'pi_access', 'ch_access',
  8000, 'eur', 'needs_response', 'fraudulent', now() + interval '7 days');
select tests.authenticate_as('other_client');
select set_config('t.lesson', public.create_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000002"}]',
  tests.slot(2, '12:00'))::text, true);
select set_config('t.pay_lesson', to_jsonb(p)::text, true)
from public.declare_manual_payment(tests.invoice('lesson'), 'bank_transfer', 'TRX-ACCESS-1') p;
select tests.authenticate_as('admin');
select public.review_manual_payment(pg_temp.payment('lesson'), true);
select public.request_refund(tests.invoice('advice'), 2000, 'goodwill');
select public.request_refund(tests.invoice('lesson'), null, 'lesson cancelled by phone');

-- owner (the client) --------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select results_eq($$select id, method::text, status::text, amount, application_fee, destination_account from public.payments$$,
  $$values (pg_temp.payment('advice'), 'stripe', 'succeeded', 10000::bigint, 1500::bigint, 'acct_provider')$$,
  '[payments/owner/select] a client reads their own payments, and nobody else''s');
select results_eq($$select payment_id, kind::text, status::text, amount from public.refunds$$,
  $$values (pg_temp.payment('advice'), 'admin', 'requested', 2000::bigint)$$,
  '[refunds/owner/select] a client reads the refunds of their payments');
select results_eq($$select stripe_dispute_id, status, amount from public.disputes$$,
  $$values ('dp_access', 'needs_response', 8000::bigint)$$,
  '[disputes/owner/select] a client reads the disputes of their payments');
select throws_ok(
  $$insert into public.payments (invoice_id, client_id, method, amount, currency)
    values (tests.invoice('advice'), auth.uid(), 'cash', 10000, 'EUR')$$,
  '42501', 'permission denied for table payments', '[payments/owner/insert] a client cannot record a payment by writing it');
select throws_ok($$update public.payments set status = 'succeeded', amount = 1$$, '42501', 'permission denied for table payments',
  '[payments/owner/update] a client cannot change their payment');
select throws_ok($$delete from public.payments$$, '42501', 'permission denied for table payments',
  '[payments/owner/delete] a client cannot delete their payment');
select throws_ok(
  $$insert into public.refunds (payment_id, invoice_id, client_id, kind, amount, currency)
    values (pg_temp.payment('advice'), tests.invoice('advice'), auth.uid(), 'admin', 10000, 'EUR')$$,
  '42501', 'permission denied for table refunds', '[refunds/owner/insert] a client cannot grant themselves a refund');
select throws_ok($$update public.refunds set amount = 10000$$, '42501', 'permission denied for table refunds',
  '[refunds/owner/update] a client cannot enlarge their refund');
select throws_ok($$delete from public.refunds$$, '42501', 'permission denied for table refunds',
  '[refunds/owner/delete] a client cannot delete a refund');
select throws_ok(
  $$insert into public.disputes (payment_id, invoice_id, client_id, stripe_dispute_id, amount, currency, status, last_event_at)
    values (pg_temp.payment('advice'), tests.invoice('advice'), auth.uid(), 'dp_fake', 1, 'EUR', 'needs_response', now())$$,
  '42501', 'permission denied for table disputes', '[disputes/owner/insert] a client cannot open a dispute by writing one');
select throws_ok($$update public.disputes set status = 'won'$$, '42501', 'permission denied for table disputes',
  '[disputes/owner/update] a client cannot decide a dispute');
select throws_ok($$delete from public.disputes$$, '42501', 'permission denied for table disputes',
  '[disputes/owner/delete] a client cannot delete a dispute');
select throws_ok($$select * from private.stripe_events$$, '42501', 'permission denied for table stripe_events',
  'a client cannot read the ledger of Stripe events');
select throws_ok(
  $$select service.apply_checkout_event('evt_forged', 'checkout.session.completed', now(), 'cs_test_access',
      pg_temp.payment('advice'), 'paid', 'pi_access', 10000, 'eur')$$,
  '42501', 'permission denied for schema service', 'a client cannot report a Stripe event (service RPCs are the service role''s)');

-- other client ------------------------------------------------------------------------------------------
select tests.authenticate_as('other_client');
select results_eq($$select id, method::text, status::text, reference, reviewed_by from public.payments$$,
  $$values (pg_temp.payment('lesson'), 'bank_transfer', 'succeeded', 'TRX-ACCESS-1', tests.get_supabase_uid('admin'))$$,
  'another client reads only their own (manual) payment, with who approved it');
select results_eq($$select kind::text, amount from public.refunds$$, $$values ('admin', 8000::bigint)$$,
  'another client reads only the refund of their own payment');
select is_empty($$select * from public.disputes$$, 'a client without disputes reads none, and not another client''s');

-- providers -------------------------------------------------------------------------------------------
select tests.authenticate_as('provider');
select results_eq($$select id, amount, application_fee from public.payments$$,
  $$values (pg_temp.payment('advice'), 10000::bigint, 1500::bigint)$$,
  'a provider reads the payments of their bookings, with the platform''s fee');
select results_eq($$select payment_id, amount, reverse_transfer, refund_application_fee from public.refunds$$,
  $$values (pg_temp.payment('advice'), 2000::bigint, true, true)$$,
  'a provider reads the refunds of their payments (taking their share back)');
select results_eq($$select stripe_dispute_id from public.disputes$$, $$values ('dp_access')$$,
  'a provider reads the disputes of their payments');
select throws_ok($$update public.payments set application_fee = 0$$, '42501', 'permission denied for table payments',
  'a provider cannot waive the platform''s fee');
select throws_ok($$update public.disputes set status = 'won'$$, '42501', 'permission denied for table disputes',
  'a provider cannot close a dispute in their favour');
select tests.authenticate_as('tutor');
select results_eq($$select id from public.payments$$, $$values (pg_temp.payment('lesson'))$$,
  'another provider reads only the payments of their own bookings');
select tests.authenticate_as('stranger_provider');
select is_empty($$select * from public.payments$$, 'a provider cannot read payments of bookings with other providers');
select is_empty($$select * from public.refunds$$, 'a provider cannot read refunds of bookings with other providers');
select is_empty($$select * from public.disputes$$, 'a provider cannot read disputes of bookings with other providers');

-- stranger --------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is_empty($$select * from public.payments$$, '[payments/stranger/select] a user cannot read other people''s payments');
select is_empty($$select * from public.refunds$$, '[refunds/stranger/select] a user cannot read other people''s refunds');
select is_empty($$select * from public.disputes$$, '[disputes/stranger/select] a user cannot read other people''s disputes');
select throws_ok(
  $$insert into public.payments (invoice_id, client_id, method, amount, currency)
    values (tests.invoice('advice'), auth.uid(), 'cash', 1, 'EUR')$$,
  '42501', 'permission denied for table payments', '[payments/stranger/insert] a user cannot write a payment');
select throws_ok($$update public.payments set status = 'cancelled'$$, '42501', 'permission denied for table payments',
  '[payments/stranger/update] a user cannot change payments');
select throws_ok($$delete from public.payments$$, '42501', 'permission denied for table payments',
  '[payments/stranger/delete] a user cannot delete payments');
select throws_ok(
  $$insert into public.refunds (payment_id, invoice_id, client_id, kind, amount, currency)
    values (pg_temp.payment('advice'), tests.invoice('advice'), auth.uid(), 'admin', 1, 'EUR')$$,
  '42501', 'permission denied for table refunds', '[refunds/stranger/insert] a user cannot write a refund');
select throws_ok($$update public.refunds set status = 'canceled'$$, '42501', 'permission denied for table refunds',
  '[refunds/stranger/update] a user cannot change refunds');
select throws_ok($$delete from public.refunds$$, '42501', 'permission denied for table refunds',
  '[refunds/stranger/delete] a user cannot delete refunds');
select throws_ok(
  $$insert into public.disputes (payment_id, invoice_id, client_id, stripe_dispute_id, amount, currency, status, last_event_at)
    values (pg_temp.payment('advice'), tests.invoice('advice'), auth.uid(), 'dp_fake', 1, 'EUR', 'needs_response', now())$$,
  '42501', 'permission denied for table disputes', '[disputes/stranger/insert] a user cannot write a dispute');
select throws_ok($$update public.disputes set status = 'lost'$$, '42501', 'permission denied for table disputes',
  '[disputes/stranger/update] a user cannot change disputes');
select throws_ok($$delete from public.disputes$$, '42501', 'permission denied for table disputes',
  '[disputes/stranger/delete] a user cannot delete disputes');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.payments$$, '42501', 'permission denied for table payments',
  '[payments/anon/select] visitors cannot read payments');
select throws_ok(
  $$insert into public.payments (invoice_id, client_id, method, amount, currency)
    values (gen_random_uuid(), gen_random_uuid(), 'cash', 1, 'EUR')$$,
  '42501', 'permission denied for table payments', '[payments/anon/insert] visitors cannot write payments');
select throws_ok($$update public.payments set status = 'cancelled'$$, '42501', 'permission denied for table payments',
  '[payments/anon/update] visitors cannot change payments');
select throws_ok($$delete from public.payments$$, '42501', 'permission denied for table payments',
  '[payments/anon/delete] visitors cannot delete payments');
select throws_ok($$select * from public.refunds$$, '42501', 'permission denied for table refunds',
  '[refunds/anon/select] visitors cannot read refunds');
select throws_ok(
  $$insert into public.refunds (payment_id, invoice_id, client_id, kind, amount, currency)
    values (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'admin', 1, 'EUR')$$,
  '42501', 'permission denied for table refunds', '[refunds/anon/insert] visitors cannot write refunds');
select throws_ok($$update public.refunds set status = 'canceled'$$, '42501', 'permission denied for table refunds',
  '[refunds/anon/update] visitors cannot change refunds');
select throws_ok($$delete from public.refunds$$, '42501', 'permission denied for table refunds',
  '[refunds/anon/delete] visitors cannot delete refunds');
select throws_ok($$select * from public.disputes$$, '42501', 'permission denied for table disputes',
  '[disputes/anon/select] visitors cannot read disputes');
select throws_ok(
  $$insert into public.disputes (payment_id, invoice_id, client_id, stripe_dispute_id, amount, currency, status, last_event_at)
    values (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'dp_fake', 1, 'EUR', 'needs_response', now())$$,
  '42501', 'permission denied for table disputes', '[disputes/anon/insert] visitors cannot write disputes');
select throws_ok($$update public.disputes set status = 'won'$$, '42501', 'permission denied for table disputes',
  '[disputes/anon/update] visitors cannot change disputes');
select throws_ok($$delete from public.disputes$$, '42501', 'permission denied for table disputes',
  '[disputes/anon/delete] visitors cannot delete disputes');
select throws_ok($$select public.begin_checkout(tests.invoice('advice'))$$, '42501', null,
  'visitors cannot open a checkout');

-- admin -----------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select set_eq($$select id from public.payments$$, $$values (pg_temp.payment('advice')), (pg_temp.payment('lesson'))$$,
  '[payments/admin/select] admins read every payment');
select is((select count(*) from public.refunds), 2::bigint, '[refunds/admin/select] admins read every refund');
select is((select count(*) from public.disputes), 1::bigint, '[disputes/admin/select] admins read every dispute');
select throws_ok(
  $$insert into public.payments (invoice_id, client_id, method, amount, currency)
    values (tests.invoice('advice'), tests.get_supabase_uid('owner'), 'cash', 10000, 'EUR')$$,
  '42501', 'permission denied for table payments',
  '[payments/admin/insert] admins too record payments through review_manual_payment only');
select throws_ok($$update public.payments set status = 'succeeded'$$, '42501', 'permission denied for table payments',
  '[payments/admin/update] admins cannot mark payments succeeded by hand');
select throws_ok($$delete from public.payments$$, '42501', 'permission denied for table payments',
  '[payments/admin/delete] admins cannot delete payments');
select throws_ok(
  $$insert into public.refunds (payment_id, invoice_id, client_id, kind, amount, currency)
    values (pg_temp.payment('advice'), tests.invoice('advice'), tests.get_supabase_uid('owner'), 'admin', 1, 'EUR')$$,
  '42501', 'permission denied for table refunds', '[refunds/admin/insert] admins refund through request_refund only');
select throws_ok($$update public.refunds set status = 'succeeded'$$, '42501', 'permission denied for table refunds',
  '[refunds/admin/update] admins cannot mark refunds succeeded by hand');
select throws_ok($$delete from public.refunds$$, '42501', 'permission denied for table refunds',
  '[refunds/admin/delete] admins cannot delete refunds');
select throws_ok(
  $$insert into public.disputes (payment_id, invoice_id, client_id, stripe_dispute_id, amount, currency, status, last_event_at)
    values (pg_temp.payment('advice'), tests.invoice('advice'), tests.get_supabase_uid('owner'), 'dp_fake', 1, 'EUR',
            'needs_response', now())$$,
  '42501', 'permission denied for table disputes', '[disputes/admin/insert] admins cannot write disputes (Stripe reports them)');
select throws_ok($$update public.disputes set status = 'won'$$, '42501', 'permission denied for table disputes',
  '[disputes/admin/update] admins cannot decide disputes by hand');
select throws_ok($$delete from public.disputes$$, '42501', 'permission denied for table disputes',
  '[disputes/admin/delete] admins cannot delete disputes');
select throws_ok($$select * from service.refunds_to_submit()$$, '42501', 'permission denied for schema service',
  'admins cannot claim refunds for submission (the refunds Lambda does, as the service role)');

-- service_role ---------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is((select count(*) from public.payments), 2::bigint, 'the service role reads every payment');
select is((select count(*) from public.refunds), 2::bigint, 'the service role reads every refund');
select is((select count(*) from public.disputes), 1::bigint, 'the service role reads every dispute');
select set_eq($$select id, type, outcome from private.stripe_events$$,
  $$values ('evt_access_paid', 'checkout.session.completed', 'paid'),
           ('evt_access_dispute', 'charge.dispute.created', 'dispute_needs_response')$$,
  'the service role reads the ledger: each applied event with its outcome');

select * from finish();
rollback;
