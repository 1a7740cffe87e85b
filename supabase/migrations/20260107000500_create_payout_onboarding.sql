-- payments / provider payouts through Stripe Connect (Express accounts, destination charges).
--
-- The connect Lambda asks begin_payout_onboarding as the provider, creates the account at
-- Stripe once (idempotency key per provider), saves it, and hands back an onboarding link.
-- Stripe's account.updated events, on the Connect endpoint, record whether the provider can
-- be paid; the newest event wins.

alter table public.provider_payout_accounts add column last_event_at timestamptz;

-- Security definer: provider_payout_accounts and auth.users are not readable by this role.
create function public.begin_payout_onboarding()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  provider public.provider_profiles;
begin
  select * into provider from public.provider_profiles p where p.user_id = auth.uid();
  if provider.user_id is null or not private.has_role('provider') then
    raise exception 'only providers can set up payouts' using errcode = '42501';
  end if;
  return jsonb_build_object(
    'provider_id', provider.user_id,
    'stripe_account_id', (select a.stripe_account_id from public.provider_payout_accounts a where a.provider_id = provider.user_id),
    'email', (select u.email from auth.users u where u.id = provider.user_id),
    'country', provider.countries[1]
  );
end
$$;

revoke execute on function public.begin_payout_onboarding() from public, anon;
grant execute on function public.begin_payout_onboarding() to authenticated;

comment on function public.begin_payout_onboarding() is
  'RPC for the connect Lambda, as the provider: the provider''s Stripe account (null before the first onboarding), email and country. Errors: 42501 not a provider.';

create function service.save_connect_account(provider_id uuid, account_id text)
returns public.provider_payout_accounts
language sql
set search_path = ''
as $$
  insert into public.provider_payout_accounts as a (provider_id, stripe_account_id)
  values (save_connect_account.provider_id, account_id)
  on conflict (provider_id) do update set stripe_account_id = a.stripe_account_id
  returning *
$$;

comment on function service.save_connect_account(uuid, text) is
  'Service RPC for the connect Lambda: records a provider''s new Stripe account; a provider keeps the first one.';

-- account.updated (Connect webhook endpoint).
create function service.apply_account_event(
  event_id text,
  event_type text,
  event_created timestamptz,
  account_id text,
  charges_enabled boolean,
  payouts_enabled boolean,
  details_submitted boolean
)
returns text
language plpgsql
set search_path = ''
as $$
begin
  if not private.claim_stripe_event(event_id, event_type, event_created) then
    return 'duplicate';
  end if;
  update public.provider_payout_accounts a
  set charges_enabled = apply_account_event.charges_enabled,
      payouts_enabled = apply_account_event.payouts_enabled,
      details_submitted = apply_account_event.details_submitted,
      last_event_at = event_created
  where a.stripe_account_id = account_id and (a.last_event_at is null or a.last_event_at <= event_created);
  if found then
    return private.finish_stripe_event(event_id, 'account_updated');
  end if;
  return private.finish_stripe_event(event_id,
    case when exists (select 1 from public.provider_payout_accounts a where a.stripe_account_id = account_id)
         then 'stale' else 'unknown_account' end);
end
$$;

comment on function service.apply_account_event(text, text, timestamptz, text, boolean, boolean, boolean) is
  'Service RPC for the Connect webhook: records whether a provider''s account can take charges and payouts (newest event wins).';
