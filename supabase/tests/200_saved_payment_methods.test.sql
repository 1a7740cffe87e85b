-- saved payment methods (issue 18): payment_methods' access matrix (the owner alone reads);
-- Stripe customers once per user; the webhook's attached / updated / detached / customer.updated
-- once and newest first; paying an invoice with a saved method and the PaymentIntent's outcome.
-- owner = the user who saved the method.
begin;
set local time zone 'UTC';
select plan(39);
select tests.start_with_empty_marketplace();
select tests.open_marketplace();
select tests.create_supabase_user('stranger');

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
create function pg_temp.card_event(id text, type text, pm text, ago interval, customer text default 'cus_client',
                                   last4 text default '4242', exp_year smallint default 2030)
returns text language sql as $$
  select service.apply_payment_method_event(id, type, now() - ago, pm, customer, 'card', 'visa', last4, 12::smallint, exp_year,
                                            null, null)
$$;
grant execute on all functions in schema pg_temp to anon, authenticated, service_role;

-- The customer, once -------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select is(public.begin_saving_payment_method() ->> 'customer_id', null, 'no Stripe customer yet');
select tests.authenticate_as_anon();
select throws_ok($$select public.begin_saving_payment_method()$$, '42501', null, 'visitors save nothing');
select tests.authenticate_as_service_role();
select is(service.save_stripe_customer(tests.get_supabase_uid('client'), 'cus_client'), 'cus_client', 'the Lambda records it');
select is(service.save_stripe_customer(tests.get_supabase_uid('client'), 'cus_second'), 'cus_client',
  'a second one (a race) is not recorded: the first is answered');
select tests.authenticate_as('client');
select is(public.begin_saving_payment_method() ->> 'customer_id', 'cus_client', 'and found next time');

-- The webhook keeps them ------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(pg_temp.card_event('evt_a1', 'payment_method.attached', 'pm_visa', '5 minutes'), 'saved', 'a card attached is saved');
select is(pg_temp.card_event('evt_a1', 'payment_method.attached', 'pm_visa', '5 minutes'), 'duplicate', 'once');
select is(pg_temp.card_event('evt_u1', 'payment_method.updated', 'pm_visa', '1 minute', exp_year => 2032::smallint), 'saved',
  'a new expiry is saved');
select is(pg_temp.card_event('evt_u0', 'payment_method.updated', 'pm_visa', '3 minutes', exp_year => 2031::smallint), 'stale',
  'an older update arriving late is not');
select is(pg_temp.card_event('evt_x', 'payment_method.attached', 'pm_other', '1 minute', customer => 'cus_unknown'), 'unknown_customer',
  'a method of an unknown customer is nobody''s');
select is(pg_temp.card_event('evt_a2', 'payment_method.attached', 'pm_amex', '1 minute', last4 => '0005'), 'saved', 'a second card');
select is(service.apply_customer_event('evt_c1', 'customer.updated', now(), 'cus_client', 'pm_amex'), 'default_set',
  'the customer''s default method');
select results_eq($$select stripe_payment_method_id, last4, exp_year, is_default, is_active from public.payment_methods order by stripe_payment_method_id$$,
  $$values ('pm_amex'::text, '0005'::text, 2030::smallint, true, true), ('pm_visa', '4242', 2032::smallint, false, true)$$,
  'type, brand, last four, expiry, default, active: never a number');
select is(pg_temp.card_event('evt_d1', 'payment_method.detached', 'pm_amex', '0 minutes'), 'detached', 'a detached card');
select is((select is_active::text || '/' || is_default::text from public.payment_methods where stripe_payment_method_id = 'pm_amex'),
  'false/false', 'is no longer active nor the default');

-- Access ------------------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select is(pg_temp.outcome('select 1 from public.payment_methods'), '2', '[payment_methods/owner/select] users read their own methods');
select is(pg_temp.outcome($$insert into public.payment_methods (user_id, stripe_payment_method_id, type) values (auth.uid(), 'pm_fake', 'card') returning 1$$),
  'denied', '[payment_methods/owner/insert] but save them only through Stripe');
select is(pg_temp.outcome($$update public.payment_methods set last4 = '1111' returning 1$$), 'denied', '[payment_methods/owner/update] nor edit them');
select is(pg_temp.outcome('delete from public.payment_methods returning 1'), 'denied',
  '[payment_methods/owner/delete] and remove them through the Lambda, which detaches them at Stripe');
select tests.authenticate_as('stranger');
select is(pg_temp.outcome('select 1 from public.payment_methods'), '0', '[payment_methods/stranger/select] nobody else reads them');
select is(pg_temp.outcome($$insert into public.payment_methods (user_id, stripe_payment_method_id, type) values (auth.uid(), 'pm_fake', 'card') returning 1$$),
  'denied', '[payment_methods/stranger/insert] nor writes one');
select is(pg_temp.outcome($$update public.payment_methods set last4 = '1111' returning 1$$), 'denied', '[payment_methods/stranger/update] nor changes one');
select is(pg_temp.outcome('delete from public.payment_methods returning 1'), 'denied', '[payment_methods/stranger/delete] nor removes one');
select throws_ok(format($$select public.begin_removing_payment_method(%L)$$, (select id from public.payment_methods where stripe_payment_method_id = 'pm_visa')),
  'PT404', null, 'nor asks to remove one');
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.payment_methods'), 'denied', '[payment_methods/anon/select] visitors read none');
select is(pg_temp.outcome($$insert into public.payment_methods (user_id, stripe_payment_method_id, type) values (gen_random_uuid(), 'pm_fake', 'card') returning 1$$),
  'denied', '[payment_methods/anon/insert] nor write one');
select is(pg_temp.outcome($$update public.payment_methods set last4 = '1111' returning 1$$), 'denied', '[payment_methods/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.payment_methods returning 1'), 'denied', '[payment_methods/anon/delete] nor remove one');
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from public.payment_methods'), '0', '[payment_methods/admin/select] not even admins read them');
select is(pg_temp.outcome($$insert into public.payment_methods (user_id, stripe_payment_method_id, type) values (auth.uid(), 'pm_fake', 'card') returning 1$$),
  'denied', '[payment_methods/admin/insert] nor write one');
select is(pg_temp.outcome($$update public.payment_methods set last4 = '1111' returning 1$$), 'denied', '[payment_methods/admin/update] nor change one');
select is(pg_temp.outcome('delete from public.payment_methods returning 1'), 'denied', '[payment_methods/admin/delete] nor remove one');

-- Paying with a saved card ------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select tests.book('saved', tests.slot(3, '10:00'));
select throws_ok(format($$select public.begin_saved_method_payment(%L, %L)$$, tests.invoice('saved'),
  (select id from public.payment_methods where stripe_payment_method_id = 'pm_amex')), 'PT404', null, 'not with a detached card');
select set_config('t.terms', public.begin_saved_method_payment(tests.invoice('saved'),
  (select id from public.payment_methods where stripe_payment_method_id = 'pm_visa'))::text, true);
select results_eq($$select (current_setting('t.terms')::jsonb ->> 'amount')::bigint, current_setting('t.terms')::jsonb ->> 'customer_id',
                           current_setting('t.terms')::jsonb ->> 'stripe_payment_method_id', current_setting('t.terms')::jsonb ->> 'destination'$$,
  $$values (10000::bigint, 'cus_client'::text, 'pm_visa'::text, 'acct_provider'::text)$$,
  'the invoice''s amount, the client''s customer and card, the provider''s account');
select is(public.begin_saved_method_payment(tests.invoice('saved'),
  (select id from public.payment_methods where stripe_payment_method_id = 'pm_visa')) ->> 'payment_id',
  current_setting('t.terms')::jsonb ->> 'payment_id', 'a retry with the same card (an answer lost) is the same payment');
select throws_ok(format($$select public.begin_checkout(%L)$$, tests.invoice('saved')), 'PT409', null,
  'and Checkout does not take it over while it is in flight');
select tests.authenticate_as_service_role();
select is(service.record_payment_intent((current_setting('t.terms')::jsonb ->> 'payment_id')::uuid, 'pi_saved', 'succeeded', 10000, 'eur'),
  'paid', 'the PaymentIntent succeeded: paid');
select is(service.apply_payment_intent_succeeded('evt_pi1', 'payment_intent.succeeded', now(), null, 'pi_saved', 10000, 'eur'),
  'already_succeeded', 'its event afterwards changes nothing');
select tests.clear_authentication();
select is((select status::text from public.invoices where id = tests.invoice('saved')), 'paid', 'the invoice is paid');

select * from finish();
rollback;
