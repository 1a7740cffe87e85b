-- provider ledger (issue 18): the access matrix of provider_ledger (and its balances view);
-- entries written with the money events: a card payment's earning (net of the fee, held at
-- Stripe), a PayPal one (held by the platform), a refund's share, a lost dispute's share, a
-- payout and its return, each once; the balance always the sum of the entries.
-- owner = the provider.
begin;
set local time zone 'UTC';
select plan(34);
select tests.start_with_empty_marketplace();
select tests.open_marketplace();
select tests.create_supabase_user('stranger');
update public.payment_gateways set is_active = true where gateway = 'paypal';
-- Consulting takes 12 %: a 100.00 EUR booking leaves the provider 88.00.
update public.categories set commission_rate = 0.12 where id = tests.consulting();

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
create function pg_temp.balance() returns bigint language sql stable as $$
  select coalesce(sum(balance), 0)::bigint from public.provider_balances where provider_id = tests.get_supabase_uid('provider')
$$;
create function pg_temp.entries() returns bigint language sql stable as $$
  select coalesce(sum(amount), 0)::bigint from public.provider_ledger where provider_id = tests.get_supabase_uid('provider')
$$;
create function pg_temp.payment(name text) returns uuid language sql stable as $$
  select p.id from public.payments p where p.invoice_id = tests.invoice(name) and p.status = 'succeeded'
$$;
grant execute on all functions in schema pg_temp to anon, authenticated, service_role;

-- A card payment (destination charge) and a PayPal one.
select tests.authenticate_as('client');
select tests.book('card', tests.slot(3, '10:00'));
select tests.pay_by_card('card');
select tests.authenticate_as('client');
select tests.book('paypal', tests.slot(3, '12:00'));
select set_config('t.pp', public.begin_paypal_checkout(tests.invoice('paypal'))::text, true);
select tests.authenticate_as_service_role();
select service.record_paypal_capture((current_setting('t.pp')::jsonb ->> 'payment_id')::uuid, 'CAP-pp', 'COMPLETED', 10000, 'EUR');
select tests.clear_authentication();

select results_eq($$select kind::text, amount, held_by from public.provider_ledger order by id$$,
  $$values ('earning'::text, 8800::bigint, 'stripe'::text), ('earning', 8800, 'platform')$$,
  'each payment earns the provider its amount less the fee: at Stripe for the card, owed by the platform for PayPal');

-- A bank transfer the admin approves: the platform holds it, the provider is owed it less the fee.
select tests.authenticate_as('client');
select tests.book('transfer', tests.slot(3, '14:00'));
select set_config('t.declared', (public.declare_manual_payment(tests.invoice('transfer'), 'bank_transfer', 'SEPA-1')).id::text, true);
select tests.authenticate_as('admin');
select public.review_manual_payment(current_setting('t.declared')::uuid, true, 'received');
select tests.clear_authentication();
select results_eq($$select amount, held_by from public.provider_ledger where payment_id = current_setting('t.declared')::uuid$$,
  $$values (8800::bigint, 'platform'::text)$$, 'a manual payment earns the same, less the invoice''s commission');
select is(pg_temp.balance(), 26400::bigint, 'the balance is 264.00');
select is((select owed_by_platform from public.provider_balances), 17600::bigint, 'of which the platform owes 176.00');

-- A refund of 25.00 of the card payment takes back the provider's share: 22.00.
select tests.authenticate_as('admin');
select public.request_refund(tests.invoice('card'), 2500, 'goodwill');
select tests.authenticate_as_service_role();
select service.record_refund_submitted((select id from public.refunds), 're_1', 'succeeded');
select tests.clear_authentication();
select is((select amount from public.provider_ledger where kind = 'refund'), -2200::bigint, 'a refund takes back the provider''s share');
select tests.authenticate_as_service_role();
select service.record_refund_submitted((select id from public.refunds), 're_1', 'succeeded');
select tests.clear_authentication();
select is((select count(*)::integer from public.provider_ledger where kind = 'refund'), 1, 'once');

-- A dispute of the PayPal payment... lost: 50.00 disputed, the provider loses 44.00.
insert into public.disputes (payment_id, invoice_id, client_id, provider_id, stripe_dispute_id, amount, currency, status, reason, last_event_at)
select p.id, p.invoice_id, p.client_id, p.provider_id, 'dp_1', 5000, 'EUR', 'needs_response', 'fraudulent', now()
from public.payments p where p.id = pg_temp.payment('paypal');
select is((select count(*)::integer from public.provider_ledger where kind = 'dispute'), 0, 'an open dispute takes nothing yet');
update public.disputes set status = 'lost' where stripe_dispute_id = 'dp_1';
select is((select amount from public.provider_ledger where kind = 'dispute'), -4400::bigint, 'a lost one takes the provider''s share');
update public.disputes set status = 'lost', reason = 'fraudulent' where stripe_dispute_id = 'dp_1';
select is((select count(*)::integer from public.provider_ledger where kind = 'dispute'), 1, 'once');

-- Payouts from the provider's Connect account.
select tests.authenticate_as_service_role();
select is(service.apply_payout_event('evt_po1', 'payout.paid', now(), 'acct_provider', 'po_1', 6600, 'eur', 'paid'), 'payout_recorded',
  'a payout to the bank is recorded');
select is(service.apply_payout_event('evt_po1', 'payout.paid', now(), 'acct_provider', 'po_1', 6600, 'eur', 'paid'), 'duplicate',
  'the same event again is a duplicate');
select is(service.apply_payout_event('evt_po1b', 'payout.paid', now(), 'acct_provider', 'po_1', 6600, 'eur', 'paid'), 'already_recorded',
  'another event about the same payout adds nothing');
select is(service.apply_payout_event('evt_po2', 'payout.failed', now(), 'acct_provider', 'po_2', 1000, 'eur', 'failed'), 'ignored',
  'a payout that failed before it was paid changes nothing');
select is(service.apply_payout_event('evt_po3', 'payout.failed', now(), 'acct_provider', 'po_1', 6600, 'eur', 'failed'), 'payout_returned',
  'a paid payout the bank returned comes back');
select is(service.apply_payout_event('evt_po4', 'payout.paid', now(), 'acct_nobody', 'po_9', 100, 'eur', 'paid'), 'unknown_account',
  'an unknown account''s payout is not anyone''s');
select tests.clear_authentication();
select is(pg_temp.balance(), pg_temp.entries(), 'the balance is the sum of the entries');
select is(pg_temp.balance(), (26400 - 2200 - 4400)::bigint, 'earned 264.00, refunded 22.00, disputed 44.00, paid out and returned');

-- Access ---------------------------------------------------------------------------------------------------
select tests.authenticate_as('provider');
select is(pg_temp.outcome('select 1 from public.provider_ledger'), '7', '[provider_ledger/owner/select] a provider reads their ledger');
select is(pg_temp.outcome($$insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, description) values (auth.uid(), 'earning', 100000, 'EUR', 'platform', 'bonus') returning 1$$),
  'denied', '[provider_ledger/owner/insert] but never writes it');
select is(pg_temp.outcome('update public.provider_ledger set amount = 1 returning 1'), 'denied', '[provider_ledger/owner/update] nor changes it');
select is(pg_temp.outcome('delete from public.provider_ledger returning 1'), 'denied', '[provider_ledger/owner/delete] nor deletes it');
select is((select balance from public.provider_balances), 19800::bigint, 'and their balance');
select tests.authenticate_as('client');
select is(pg_temp.outcome('select 1 from public.provider_ledger'), '0', '[provider_ledger/stranger/select] a client reads no ledger');
select is(pg_temp.outcome($$insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, description) values (auth.uid(), 'earning', 1, 'EUR', 'platform', 'x') returning 1$$),
  'denied', '[provider_ledger/stranger/insert] nor writes one');
select is(pg_temp.outcome('update public.provider_ledger set amount = 1 returning 1'), 'denied', '[provider_ledger/stranger/update] nor changes one');
select is(pg_temp.outcome('delete from public.provider_ledger returning 1'), 'denied', '[provider_ledger/stranger/delete] nor deletes one');
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.provider_ledger'), 'denied', '[provider_ledger/anon/select] visitors read none');
select is(pg_temp.outcome($$insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, description) values (gen_random_uuid(), 'earning', 1, 'EUR', 'platform', 'x') returning 1$$),
  'denied', '[provider_ledger/anon/insert] nor write one');
select is(pg_temp.outcome('update public.provider_ledger set amount = 1 returning 1'), 'denied', '[provider_ledger/anon/update] nor change one');
select is(pg_temp.outcome('delete from public.provider_ledger returning 1'), 'denied', '[provider_ledger/anon/delete] nor delete one');
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from public.provider_ledger'), '7', '[provider_ledger/admin/select] admins read every ledger');
select is(pg_temp.outcome($$insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, description) values (auth.uid(), 'earning', 1, 'EUR', 'platform', 'x') returning 1$$),
  'denied', '[provider_ledger/admin/insert] but only the database writes it');
select is(pg_temp.outcome('update public.provider_ledger set amount = 1 returning 1'), 'denied', '[provider_ledger/admin/update] or changes it');
select is(pg_temp.outcome('delete from public.provider_ledger returning 1'), 'denied', '[provider_ledger/admin/delete] or deletes it');

select * from finish();
rollback;
