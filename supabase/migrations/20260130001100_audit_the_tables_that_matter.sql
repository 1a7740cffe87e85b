-- lifecycle / audit: the tables whose changes someone will one day have to account for join the
-- audit log (20260130001000), one line each.
--
-- * roles: who was made admin, staff, provider, by whom.
-- * verification: a provider's verified flag and the proofs behind it.
-- * prices: what an offering, an add-on, a package, a travel fee, a tax rate, a provider's
--   hourly rate, a category's commission and bounds cost, and the bounds of hourly rates.
--   Only the price columns of offerings and provider profiles (their descriptions change
--   often and matter to nobody's money).
-- * offers and coupons.
-- * refunds and disputes (card disputes and job disputes): the Lambdas' bookkeeping columns
--   (attempts, leases, errors) are left out: they change on every retry.
-- * settings: the tunables the rules read (another module turns them into system settings and
--   attaches its own table the same way).
-- Big, hot tables (bookings, payments, messages) are not audited: they keep their own history
-- (booking_status_changes, job_status_changes, the payment and event records).

select private.audit_table('public.user_roles');

select private.audit_table('public.provider_profiles',
  only_columns => '{is_verified, verified_at, verified_by, hourly_rate, currency, kind}');
select private.audit_table('public.provider_verifications');

select private.audit_table('public.offerings',
  only_columns => '{provider_id, category_id, price, currency, duration_minutes, status, free_cancellation_hours, late_cancellation_fee_share}');
select private.audit_table('public.offering_addons', ignored_columns => '{description}');
select private.audit_table('public.offering_packages', ignored_columns => '{description}');
select private.audit_table('public.travel_fee_policies');
select private.audit_table('public.tax_rates');
select private.audit_table('public.provider_rate_bounds');
select private.audit_table('public.categories',
  only_columns => '{commission_rate, currency, min_price, max_price, requires_license, requires_insurance, requires_background_check, is_active}');
select private.audit_table('public.service_areas', only_columns => '{provider_id, travel_fee, price_multiplier}');

select private.audit_table('public.offers');
select private.audit_table('public.coupons');

select private.audit_table('public.refunds',
  ignored_columns => '{attempts, last_error, claimed_until, last_event_at}');
select private.audit_table('public.disputes', ignored_columns => '{last_event_at}');
select private.audit_table('public.job_disputes');

select private.audit_table('private.settings');
