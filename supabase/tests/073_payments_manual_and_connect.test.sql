-- declare_manual_payment, review_manual_payment: a client declares a bank transfer, QR or cash
-- payment (the booking stays held meanwhile), an admin approves it (the same path to "paid"
-- as Stripe) or rejects it. begin_payout_onboarding, save_connect_account, apply_account_event:
-- a provider's Stripe Connect account, created once, payable as Stripe's newest event says.
begin;
set local time zone 'UTC';
select plan(52);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.open_marketplace();
select tests.create_supabase_user('other_client');
select tests.create_supabase_user('stranger');
select tests.create_provider('newcomer');
select tests.create_supabase_user('unprofiled', metadata => '{"account_type": "provider"}');
update public.provider_profiles set countries = '{DE}' where user_id = tests.get_supabase_uid('provider');
update public.provider_profiles set countries = '{FR,BE}' where user_id = tests.get_supabase_uid('newcomer');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
values ('0f000000-0000-4000-8000-000000000002', tests.get_supabase_uid('newcomer'), tests.consulting(),
        'service', 'Lesson', 6000, 'EUR', 60, 'active', 'online');

-- The manual payment of booking <name>'s invoice awaiting review, else the one reviewed last.
create function pg_temp.manual(name text) returns uuid language sql stable as $$
  select p.id from public.payments p where p.invoice_id = tests.invoice(name) and p.method <> 'stripe'
  order by p.status = 'pending' desc, p.reviewed_at desc nulls last, p.id limit 1
$$;
create function pg_temp.state(name text) returns table (payment text, invoice text, booking text) language sql stable as $$
  select p.status::text, i.status::text, b.status::text
  from public.payments p join public.invoices i on i.id = p.invoice_id join public.bookings b on b.id = p.booking_id
  where p.id = pg_temp.manual(name)
$$;
create function pg_temp.account_event(id text, ago interval, account text, charges boolean, payouts boolean default true)
returns text language sql as $$
  select service.apply_account_event(id, 'account.updated', now() - ago, account, charges, payouts, true)
$$;
grant execute on function pg_temp.manual(text), pg_temp.state(text),
  pg_temp.account_event(text, interval, text, boolean, boolean)
  to anon, authenticated, service_role;

select tests.authenticate_as('client');
select tests.book('transfer', tests.slot(2, '10:00'));
select tests.book('rejected', tests.slot(2, '12:00'));
select tests.book('carded', tests.slot(2, '14:00'));
select tests.book('late', tests.slot(2, '16:00'));
select tests.book('lapsed', tests.slot(3, '10:00'));

-- declare_manual_payment: the rules --------------------------------------------------------------------------
select throws_ok($$select public.declare_manual_payment(tests.invoice('transfer'), 'stripe', 'pi_123')$$,
  'P0001', 'method: card payments go through Stripe Checkout', 'a card payment cannot be declared by hand');
select throws_ok($$select public.declare_manual_payment(tests.invoice('transfer'), 'bank_transfer', '   ')$$,
  'P0001', 'reference: say which transfer or transaction paid the invoice', 'a declaration needs a reference');
select throws_ok($$select public.declare_manual_payment('00000000-0000-4000-8000-000000000000', 'cash', 'paid at the desk')$$,
  'PT404', 'invoice_id: invoice 00000000-0000-4000-8000-000000000000 not found', 'an unknown invoice is not found');
select tests.authenticate_as('stranger');
select throws_ok($$select public.declare_manual_payment(tests.invoice('transfer'), 'cash', 'paid at the desk')$$,
  'PT404', format('invoice_id: invoice %s not found', tests.invoice('transfer')),
  'someone else''s invoice is not found for a stranger');
select tests.authenticate_as('provider');
select throws_ok($$select public.declare_manual_payment(tests.invoice('transfer'), 'cash', 'paid at the desk')$$,
  '42501', format('invoice_id: only the client of invoice %s can pay it', tests.invoice_number('transfer')),
  'the provider cannot declare their client''s payment');
select tests.authenticate_as('admin');
select throws_ok($$select public.declare_manual_payment(tests.invoice('transfer'), 'cash', 'paid at the desk')$$,
  '42501', format('invoice_id: only the client of invoice %s can pay it', tests.invoice_number('transfer')),
  'an admin cannot declare a client''s payment either (they review it)');
select tests.authenticate_as_anon();
select throws_ok($$select public.declare_manual_payment(tests.invoice('transfer'), 'cash', 'paid at the desk')$$,
  '42501', null, 'visitors cannot declare payments');

select tests.authenticate_as('client');
select results_eq(
  $$select method::text, status::text, amount, currency::text, reference, application_fee, client_id, provider_id, applied
    from public.declare_manual_payment(tests.invoice('transfer'), 'bank_transfer', '  TRX-2026-0042 ')$$,
  $$values ('bank_transfer', 'pending', 10000::bigint, 'EUR', 'TRX-2026-0042', 0::bigint, tests.get_supabase_uid('client'),
            tests.get_supabase_uid('provider'), false)$$,
  'the client declares a bank transfer of the whole invoice: pending review, the reference trimmed');
select results_eq(
  $$select b.status::text, b.hold_expires_at, i.due_at from public.bookings b join public.invoices i on i.booking_id = b.id
    where b.id = tests.booking('transfer')$$,
  $$values ('held', now() + interval '24 hours', now() + interval '24 hours')$$,
  'the booking stays held for the review (24 hours since 20260113000300), and the invoice is due then');
select throws_ok($$select public.declare_manual_payment(tests.invoice('transfer'), 'qr', 'QR-1')$$,
  'PT409', format('invoice_id: a payment of invoice %s is already in progress', tests.invoice_number('transfer')),
  'a second declaration waits for the first one''s review');
select throws_ok($$select public.begin_checkout(tests.invoice('transfer'))$$,
  'PT409', format('invoice_id: a manual payment of invoice %s awaits approval', tests.invoice_number('transfer')),
  'no card checkout while a declaration awaits review');

select public.begin_checkout(tests.invoice('carded'));
select throws_ok($$select public.declare_manual_payment(tests.invoice('carded'), 'cash', 'cash at the door')$$,
  'PT409', format('invoice_id: a payment of invoice %s is already in progress', tests.invoice_number('carded')),
  'no declaration while a card checkout is open');

select tests.clear_authentication();
update public.bookings set hold_expires_at = now() - interval '1 minute' where id = tests.booking('lapsed');
select tests.authenticate_as('client');
select throws_ok($$select public.declare_manual_payment(tests.invoice('lapsed'), 'cash', 'cash at the door')$$,
  'PT409', format('invoice_id: invoice %s is void and cannot be paid', tests.invoice_number('lapsed')),
  'a hold that already lapsed cannot be paid by a declaration: the invoice is void');

-- review_manual_payment ---------------------------------------------------------------------------------------------
select throws_ok($$select public.review_manual_payment(pg_temp.manual('transfer'), true)$$,
  '42501', 'only admins can review payments', 'a client cannot approve their own declaration');
select tests.authenticate_as('provider');
select throws_ok($$select public.review_manual_payment(pg_temp.manual('transfer'), true)$$,
  '42501', 'only admins can review payments', 'a provider cannot approve a client''s declaration');
select tests.authenticate_as('admin');
select throws_ok($$select public.review_manual_payment('00000000-0000-4000-8000-000000000000', true)$$,
  'PT404', 'payment_id: payment 00000000-0000-4000-8000-000000000000 not found', 'an unknown payment cannot be reviewed');
select throws_ok(
  $$select public.review_manual_payment((select p.id from public.payments p where p.invoice_id = tests.invoice('carded')), true)$$,
  'PT409', format('payment_id: payment %s is a stripe payment that is pending, not one awaiting review',
                  (select p.id from public.payments p where p.invoice_id = tests.invoice('carded'))),
  'a card payment cannot be approved by hand');

select results_eq(
  $$select status::text, applied, reviewed_by, reviewed_at = now(), review_note, succeeded_at = now()
    from public.review_manual_payment(pg_temp.manual('transfer'), true, 'seen on the bank statement')$$,
  $$values ('succeeded', true, tests.get_supabase_uid('admin'), true, 'seen on the bank statement', true)$$,
  'an admin approves the transfer: succeeded, settled its invoice, with who, when and why');
select results_eq($$select * from pg_temp.state('transfer')$$, $$values ('succeeded', 'paid', 'confirmed')$$,
  'approval takes the same path to paid as Stripe: the invoice is paid and the booking confirmed');
select results_eq(
  $$select i.amount_paid, i.paid_at = now(), c.actor, c.changed_by, c.reason from public.invoices i
    join public.booking_status_changes c on c.booking_id = i.booking_id and c.to_status = 'confirmed' where i.id = tests.invoice('transfer')$$,
  $$values (10000::bigint, true, 'system', null::uuid, 'paid')$$,
  'the invoice is paid in full, and the booking confirmed by the system as a card payment would be');
select results_eq($$select b.hold_expires_at from public.bookings b where b.id = tests.booking('transfer')$$,
  $$values (null::timestamptz)$$, 'the confirmed booking holds nothing any more');
select throws_ok($$select public.review_manual_payment(pg_temp.manual('transfer'), true)$$,
  'PT409', format('payment_id: payment %s is a bank_transfer payment that is succeeded, not one awaiting review', pg_temp.manual('transfer')),
  'a payment is approved once');
select tests.authenticate_as('client');
select throws_ok($$select public.declare_manual_payment(tests.invoice('transfer'), 'cash', 'again')$$,
  'PT409', format('invoice_id: invoice %s is paid and cannot be paid', tests.invoice_number('transfer')),
  'a paid invoice cannot be declared paid again');

select public.declare_manual_payment(tests.invoice('rejected'), 'qr', 'QR-MISSING');
select tests.authenticate_as('admin');
select results_eq(
  $$select status::text, applied, failure_message, review_note, reviewed_by
    from public.review_manual_payment(pg_temp.manual('rejected'), false, 'no such transfer on the statement')$$,
  $$values ('failed', false, 'no such transfer on the statement', 'no such transfer on the statement', tests.get_supabase_uid('admin'))$$,
  'an admin rejects a declaration nobody paid, saying why');
select results_eq($$select * from pg_temp.state('rejected')$$, $$values ('failed', 'open', 'held')$$,
  'the rejected declaration settles nothing: the invoice stays open, the booking held');
select tests.authenticate_as('client');
select lives_ok($$select public.declare_manual_payment(tests.invoice('rejected'), 'cash', 'cash handed to the provider')$$,
  'after a rejection the client may declare again');
select tests.authenticate_as('admin');
select results_eq($$select status::text, failure_message, review_note from public.review_manual_payment(pg_temp.manual('rejected'), false)$$,
  $$values ('failed', 'rejected by an admin', 'rejected')$$, 'a rejection without a note says it was an admin''s');

-- A late approval is refunded like a late card payment ---------------------------------------------------------------------
select tests.authenticate_as('client');
select public.declare_manual_payment(tests.invoice('late'), 'bank_transfer', 'TRX-LATE');
select tests.clear_authentication();
update public.bookings set hold_expires_at = now() - interval '1 minute' where id = tests.booking('late');
select tests.authenticate_as('other_client');
select tests.book('retaken', tests.slot(2, '16:00'));
select tests.authenticate_as('admin');
select results_eq($$select status::text, applied, review_note from public.review_manual_payment(pg_temp.manual('late'), true)$$,
  $$values ('succeeded', false, 'refund_queued')$$,
  'approving a transfer that arrived after the review window and the slot was booked again: the money is taken, not applied');
select results_eq(
  $$select i.status::text, b.status::text, r.kind::text, r.status::text, r.amount from public.refunds r
    join public.invoices i on i.id = r.invoice_id join public.bookings b on b.id = r.booking_id where r.payment_id = pg_temp.manual('late')$$,
  $$values ('void', 'expired', 'unfulfillable', 'requested', 10000::bigint)$$,
  'it is queued for a refund as unfulfillable; the booking stays expired and its invoice void');

-- begin_payout_onboarding ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as('newcomer');
select results_eq(
  $$select (o ->> 'provider_id')::uuid, o ->> 'stripe_account_id', o ->> 'email', o ->> 'country' from public.begin_payout_onboarding() o$$,
  $$values (tests.get_supabase_uid('newcomer'), null::text, 'newcomer@test.local', 'FR')$$,
  'a provider starting onboarding: no Stripe account yet, their email and first country');
select tests.authenticate_as('provider');
select results_eq($$select public.begin_payout_onboarding() ->> 'stripe_account_id'$$, $$values ('acct_provider')$$,
  'a provider who has an account gets it back (onboarding resumes with the same account)');
select tests.authenticate_as('client');
select throws_ok($$select public.begin_payout_onboarding()$$, '42501', 'only providers can set up payouts', 'a client cannot set up payouts');
select tests.authenticate_as('unprofiled');
select throws_ok($$select public.begin_payout_onboarding()$$, '42501', 'only providers can set up payouts',
  'a provider without a provider profile cannot set up payouts yet');
select tests.authenticate_as('admin');
select throws_ok($$select public.begin_payout_onboarding()$$, '42501', 'only providers can set up payouts',
  'an admin has no payouts to set up');
select tests.authenticate_as_anon();
select throws_ok($$select public.begin_payout_onboarding()$$, '42501', null, 'visitors cannot set up payouts');

-- save_connect_account ----------------------------------------------------------------------------------------------------------
select tests.authenticate_as('newcomer');
select throws_ok($$select service.save_connect_account(auth.uid(), 'acct_mine')$$, '42501', 'permission denied for schema service',
  'a provider cannot record their own Stripe account');
select tests.authenticate_as_service_role();
select results_eq(
  $$select provider_id, stripe_account_id, charges_enabled, payouts_enabled, details_submitted
    from service.save_connect_account(tests.get_supabase_uid('newcomer'), 'acct_newcomer1')$$,
  $$values (tests.get_supabase_uid('newcomer'), 'acct_newcomer1', false, false, false)$$,
  'save_connect_account records the account Stripe created, not yet payable');
select results_eq($$select stripe_account_id from service.save_connect_account(tests.get_supabase_uid('newcomer'), 'acct_newcomer2')$$,
  $$values ('acct_newcomer1')$$, 'a second account (a race of two onboardings) is not saved: the provider keeps the first');
select throws_ok($$select service.save_connect_account(tests.get_supabase_uid('provider'), 'not-an-account')$$, '23514', null,
  'only Stripe account ids are stored');
select tests.authenticate_as('newcomer');
select results_eq($$select public.begin_payout_onboarding() ->> 'stripe_account_id'$$, $$values ('acct_newcomer1')$$,
  'the provider''s next onboarding resumes with the saved account');

-- apply_account_event ------------------------------------------------------------------------------------------------------------------
select tests.authenticate_as('client');
select tests.book('lesson', tests.slot(2, '10:00'), '0f000000-0000-4000-8000-000000000002');
select throws_ok($$select public.begin_checkout(tests.invoice('lesson'))$$,
  'PT409', format('invoice_id: the provider of invoice %s cannot take payments yet', tests.invoice_number('lesson')),
  'the newcomer cannot be paid before Stripe enables charges');
select tests.authenticate_as_service_role();
select is(pg_temp.account_event('evt_acct_1', '10 minutes', 'acct_newcomer1', true), 'account_updated',
  'account.updated: the account can take charges and payouts');
select results_eq(
  $$select charges_enabled, payouts_enabled, details_submitted, last_event_at from public.provider_payout_accounts
    where stripe_account_id = 'acct_newcomer1'$$,
  $$values (true, true, true, now() - interval '10 minutes')$$, 'the account records what Stripe said and when');
select tests.authenticate_as('client');
select results_eq($$select c ->> 'destination', (c ->> 'application_fee')::bigint from public.begin_checkout(tests.invoice('lesson')) c$$,
  $$values ('acct_newcomer1', 900::bigint)$$, 'once charges are enabled the newcomer is paid through their account');
select tests.authenticate_as_service_role();
select is(pg_temp.account_event('evt_acct_0', '20 minutes', 'acct_newcomer1', false, false), 'stale',
  'an older account.updated delivered later is stale');
select is(pg_temp.account_event('evt_acct_1', '10 minutes', 'acct_newcomer1', true), 'duplicate',
  'a redelivered account.updated is a duplicate');
select results_eq($$select charges_enabled, payouts_enabled from public.provider_payout_accounts where stripe_account_id = 'acct_newcomer1'$$,
  $$values (true, true)$$, 'the stale and duplicate events changed nothing');
select is(pg_temp.account_event('evt_acct_2', '5 minutes', 'acct_newcomer1', false, true), 'account_updated',
  'a newer account.updated wins: charges are disabled again');
select results_eq(
  $$select charges_enabled, payouts_enabled, last_event_at from public.provider_payout_accounts where stripe_account_id = 'acct_newcomer1'$$,
  $$values (false, true, now() - interval '5 minutes')$$, 'the account takes the newest state');
select is(pg_temp.account_event('evt_acct_ghost', '1 minute', 'acct_somebody_else', true), 'unknown_account',
  'an account we never saved is unknown');
select results_eq($$select outcome from private.stripe_events where id = 'evt_acct_ghost'$$, $$values ('unknown_account')$$,
  'the unknown account''s event is recorded with its outcome');
select tests.authenticate_as('newcomer');
select results_eq($$select stripe_account_id, charges_enabled from public.provider_payout_accounts$$,
  $$values ('acct_newcomer1', false)$$, 'the provider reads their own account''s state');

select * from finish();
rollback;
