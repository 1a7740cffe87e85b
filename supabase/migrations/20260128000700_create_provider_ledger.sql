-- payments / provider ledger (issue 18): what each provider has earned and what has been paid
-- out to their bank, written in the transactions of the money events themselves.
--
-- A provider's balance is what they have earned and not yet received: the sum of their
-- entries, per currency (public.provider_balances). Amounts are signed minor units:
--   earning   + a payment of theirs settled its invoice, less the platform's fee. `held_by`
--               says where the money is: 'stripe' (a destination charge: already in their
--               Connect account) or 'platform' (PayPal, transfer, QR, cash: the platform owes it)
--   refund    − their share of a refund that succeeded (the same share as the payment's)
--   dispute   − their share of a dispute lost, as Stripe reverses a destination charge's transfer
--   payout    − a payout from their Connect account to their bank (payout.paid);
--             + the same back when the bank returns it (payout.failed after paid)
--
-- Entries are never updated or deleted; each names what caused it, once (unique keys), so a
-- replayed event or a re-run trigger adds nothing.

create type public.ledger_entry_kind as enum ('earning', 'refund', 'dispute', 'payout');

create table public.provider_ledger (
  id bigint generated always as identity primary key,
  provider_id uuid not null references public.provider_profiles (user_id) on delete restrict,
  kind public.ledger_entry_kind not null,
  amount bigint not null constraint provider_ledger_amount_nonzero check (amount <> 0),
  currency char(3) not null,
  held_by text not null constraint provider_ledger_held_by_known check (held_by in ('stripe', 'platform')),
  payment_id uuid references public.payments (id) on delete restrict,
  refund_id uuid constraint provider_ledger_refund_once unique references public.refunds (id) on delete restrict,
  dispute_id uuid constraint provider_ledger_dispute_once unique references public.disputes (id) on delete restrict,
  stripe_payout_id text,
  description text not null,
  occurred_at timestamptz not null default now(),
  constraint provider_ledger_cause check (num_nonnulls(refund_id, dispute_id, stripe_payout_id) <= 1
                                          and (kind <> 'payout' or stripe_payout_id is not null))
);

create unique index provider_ledger_earning_once on public.provider_ledger (payment_id) where kind = 'earning';
create unique index provider_ledger_payout_once on public.provider_ledger (stripe_payout_id, (amount > 0))
  where kind = 'payout';
create index provider_ledger_provider_idx on public.provider_ledger (provider_id, occurred_at desc);
create index provider_ledger_payment_idx on public.provider_ledger (payment_id);
create index provider_ledger_occurred_idx on public.provider_ledger (occurred_at desc);

comment on table public.provider_ledger is
  'What each provider earned (payments less the platform''s fee) and gave back or was paid out, signed minor units, written by the database with each money event. Read: the provider and admins.';

-- Balances: the sum of the ledger, always.
create view public.provider_balances
with (security_invoker = on)
as
select l.provider_id, l.currency,
       sum(l.amount)::bigint as balance,
       coalesce(sum(l.amount) filter (where l.held_by = 'platform' and l.kind <> 'payout'), 0)::bigint as owed_by_platform,
       count(*)::integer as entries,
       max(l.occurred_at) as last_entry_at
from public.provider_ledger l
group by l.provider_id, l.currency;

comment on view public.provider_balances is
  'Each provider''s balance per currency: earned and not yet paid out to their bank (the sum of provider_ledger); owed_by_platform: earnings the platform collected (PayPal, manual) less refunds and disputes of them.';

-- The platform's fee in a payment: a destination charge's application fee; for a payment the
-- platform collected itself (PayPal's carries the fee too, a manual one does not), the invoice's
-- commission in proportion to the payment.
create function private.platform_fee(payment public.payments)
returns bigint
language sql
stable
set search_path = ''
as $$
  select case
    when payment.destination_account is not null or payment.application_fee > 0 then payment.application_fee
    else coalesce((select round(i.commission::numeric * payment.amount / nullif(i.total, 0))::bigint
                   from public.invoices i where i.id = payment.invoice_id), 0)
  end
$$;

-- The provider's share of an amount of a payment: what the payment left them after the fee.
create function private.provider_share(payment public.payments, amount bigint)
returns bigint
language sql
stable
set search_path = ''
as $$
  select case when payment.amount = 0 then 0
              else round(amount::numeric * (payment.amount - private.platform_fee(payment)) / payment.amount)::bigint end
$$;

create function private.held_by(payment public.payments)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when payment.destination_account is not null then 'stripe' else 'platform' end
$$;

-- Security definer: the triggers below run as whoever moved the money (a webhook's service
-- role, an admin approving a transfer), and the ledger has no INSERT privilege for anyone.
create function private.tg_ledger_earning()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, payment_id, description)
  select new.provider_id, 'earning', private.provider_share(new, new.amount), new.currency, private.held_by(new), new.id,
         format('payment of invoice %s (%s)', i.number, new.method)
  from public.invoices i
  where i.id = new.invoice_id and private.provider_share(new, new.amount) <> 0
  on conflict do nothing;
  return null;
end
$$;

create trigger ledger_earning
  after update of applied on public.payments
  for each row when (new.applied and not old.applied and new.provider_id is not null)
  execute function private.tg_ledger_earning();

create function private.tg_ledger_refund()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  payment public.payments := (select p from public.payments p where p.id = new.payment_id);
begin
  -- Only a payment that earned the provider something gives it back (not a duplicate one).
  if payment.applied and payment.provider_id is not null and private.provider_share(payment, new.amount) <> 0 then
    insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, payment_id, refund_id, description)
    values (payment.provider_id, 'refund', -private.provider_share(payment, new.amount), new.currency,
            private.held_by(payment), payment.id, new.id, format('refund (%s)', new.kind))
    on conflict do nothing;
  end if;
  return null;
end
$$;

create trigger ledger_refund
  after update of status on public.refunds
  for each row when (new.status = 'succeeded' and old.status is distinct from 'succeeded')
  execute function private.tg_ledger_refund();

create function private.tg_ledger_dispute()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  payment public.payments := (select p from public.payments p where p.id = new.payment_id);
begin
  if payment.applied and payment.provider_id is not null and private.provider_share(payment, new.amount) <> 0 then
    insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, payment_id, dispute_id, description)
    values (payment.provider_id, 'dispute', -private.provider_share(payment, new.amount), new.currency,
            private.held_by(payment), payment.id, new.id, format('dispute lost (%s)', coalesce(new.reason, 'no reason given')))
    on conflict do nothing;
  end if;
  return null;
end
$$;

create trigger ledger_dispute
  after insert or update of status on public.disputes
  for each row when (new.status = 'lost')
  execute function private.tg_ledger_dispute();

-- Payouts: Stripe's payout.* events of a provider's Connect account --------------------------------

create function service.apply_payout_event(
  event_id text,
  event_type text,
  event_created timestamptz,
  account_id text,
  payout_id text,
  amount bigint,
  currency text,
  payout_status text
)
returns text
language plpgsql
set search_path = ''
as $$
declare
  provider uuid := (select a.provider_id from public.provider_payout_accounts a where a.stripe_account_id = account_id);
  outcome text := 'ignored';
begin
  if not private.claim_stripe_event(event_id, event_type, event_created) then
    return 'duplicate';
  end if;
  if provider is null then
    return private.finish_stripe_event(event_id, 'unknown_account');
  end if;
  -- Paid: the money left their balance for their bank. Failed after it was paid: it came back.
  if event_type = 'payout.paid' then
    insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, stripe_payout_id, description, occurred_at)
    values (provider, 'payout', -amount, upper(currency), 'stripe', payout_id, 'payout to the bank', event_created)
    on conflict do nothing;
    outcome := case when found then 'payout_recorded' else 'already_recorded' end;
  elsif event_type = 'payout.failed'
        and exists (select 1 from public.provider_ledger l where l.stripe_payout_id = payout_id and l.amount < 0) then
    insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, stripe_payout_id, description, occurred_at)
    values (provider, 'payout', amount, upper(currency), 'stripe', payout_id, 'payout returned by the bank', event_created)
    on conflict do nothing;
    outcome := case when found then 'payout_returned' else 'already_recorded' end;
  end if;
  return private.finish_stripe_event(event_id, outcome);
end
$$;

comment on function service.apply_payout_event(text, text, timestamptz, text, text, bigint, text, text) is
  'Service RPC for the Connect webhook: payout.paid debits the provider''s ledger, payout.failed (after paid) credits it back; once per event and per payout.';

-- Access ------------------------------------------------------------------------------------------------

alter table public.provider_ledger enable row level security;

revoke all on table public.provider_ledger from anon, authenticated;
revoke all on table public.provider_balances from anon, authenticated;
grant all on table public.provider_ledger to service_role;
grant usage, select on sequence public.provider_ledger_id_seq to service_role;
grant select on table public.provider_balances to authenticated, service_role;
grant select on table public.provider_ledger to authenticated;

create policy "providers read their own ledger"
  on public.provider_ledger for select to authenticated using (provider_id = (select auth.uid()));
create policy "admins read every ledger"
  on public.provider_ledger for select to marketbase_admin using ((select private.is_admin()));

-- Payments settled before this migration, and their refunds and lost disputes.
insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, payment_id, description, occurred_at)
select p.provider_id, 'earning', private.provider_share(p, p.amount), p.currency, private.held_by(p), p.id,
       format('payment of invoice %s (%s)', i.number, p.method), coalesce(p.succeeded_at, p.updated_at)
from public.payments p join public.invoices i on i.id = p.invoice_id
where p.applied and p.provider_id is not null and private.provider_share(p, p.amount) <> 0;
insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, payment_id, refund_id, description, occurred_at)
select p.provider_id, 'refund', -private.provider_share(p, r.amount), r.currency, private.held_by(p), p.id, r.id,
       format('refund (%s)', r.kind), coalesce(r.succeeded_at, r.updated_at)
from public.refunds r join public.payments p on p.id = r.payment_id
where r.status = 'succeeded' and p.applied and p.provider_id is not null and private.provider_share(p, r.amount) <> 0;
insert into public.provider_ledger (provider_id, kind, amount, currency, held_by, payment_id, dispute_id, description, occurred_at)
select p.provider_id, 'dispute', -private.provider_share(p, d.amount), d.currency, private.held_by(p), p.id, d.id,
       format('dispute lost (%s)', coalesce(d.reason, 'no reason given')), d.updated_at
from public.disputes d join public.payments p on p.id = d.payment_id
where d.status = 'lost' and p.applied and p.provider_id is not null and private.provider_share(p, d.amount) <> 0;
