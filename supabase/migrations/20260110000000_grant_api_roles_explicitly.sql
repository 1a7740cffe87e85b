-- platform: every privilege the API roles hold in `public`, stated explicitly.
--
-- Supabase no longer grants what `postgres` creates in `public` to anon, authenticated and
-- service_role by default (new projects from 2026-05-30, new tables of every project from
-- 2026-10-30; the CLI revokes those default privileges too). Until now every table, view,
-- sequence and function here took its privileges from those defaults, then narrowed them
-- with revokes and column grants. This migration states, object by object, exactly what the
-- roles held under the old defaults, so that a project created today and one created before
-- end in the same state, and the behaviour the pgTAP suite pins down is the same on both.
-- Column privileges (the writes a frontend may make) were always explicit and stay as they
-- are. From here on, every migration grants what each role needs right after it creates an
-- object (README, "Grants"); tests/database/test_grants.py fails on an object without.

-- public.billing_records
grant select on table public.billing_records to authenticated;
grant select, insert, update, delete on table public.billing_records to service_role;

-- public.user_roles
grant select, delete on table public.user_roles to authenticated;
grant select, insert, update, delete on table public.user_roles to service_role;

-- public.profiles
grant select on table public.profiles to anon, authenticated;
grant select, insert, update, delete on table public.profiles to service_role;

-- public.profile_details
grant select on table public.profile_details to authenticated;
grant select, insert, update, delete on table public.profile_details to service_role;

-- public.provider_rate_bounds
grant select on table public.provider_rate_bounds to anon;
grant select, insert, update, delete on table public.provider_rate_bounds to authenticated, service_role;

-- public.provider_profiles
grant select on table public.provider_profiles to anon;
grant select, delete on table public.provider_profiles to authenticated;
grant select, insert, update, delete on table public.provider_profiles to service_role;

-- public.provider_payout_accounts
grant select on table public.provider_payout_accounts to authenticated;
grant select, insert, update, delete on table public.provider_payout_accounts to service_role;

-- public.matching_factors
grant select on table public.matching_factors to anon;
grant select, insert, update, delete on table public.matching_factors to authenticated, service_role;

-- public.client_profiles
grant select, delete on table public.client_profiles to authenticated;
grant select, insert, update, delete on table public.client_profiles to service_role;

-- public.addresses
grant select, delete on table public.addresses to authenticated;
grant select, insert, update, delete on table public.addresses to service_role;

-- public.categories
grant select on table public.categories to anon;
grant select, insert, update, delete on table public.categories to authenticated, service_role;

-- public.tags
grant select on table public.tags to anon;
grant select, insert, update, delete on table public.tags to authenticated, service_role;

-- public.offerings
grant select on table public.offerings to anon;
grant select, delete on table public.offerings to authenticated;
grant select, insert, update, delete on table public.offerings to service_role;

-- public.lab_test_details
grant select on table public.lab_test_details to anon;
grant select, insert, update, delete on table public.lab_test_details to authenticated, service_role;

-- public.offering_tags
grant select on table public.offering_tags to anon;
grant select, insert, update, delete on table public.offering_tags to authenticated, service_role;

-- public.offering_addons
grant select on table public.offering_addons to anon;
grant select, insert, update, delete on table public.offering_addons to authenticated, service_role;

-- public.offering_packages
grant select on table public.offering_packages to anon;
grant select, insert, update, delete on table public.offering_packages to authenticated, service_role;

-- public.package_addons
grant select on table public.package_addons to anon;
grant select, insert, update, delete on table public.package_addons to authenticated, service_role;

-- public.offering_media
grant select on table public.offering_media to anon;
grant select, insert, update, delete on table public.offering_media to authenticated, service_role;

-- public.service_areas
grant select on table public.service_areas to anon;
grant select, delete on table public.service_areas to authenticated;
grant select, insert, update, delete on table public.service_areas to service_role;

-- public.pets
grant select, delete on table public.pets to authenticated;
grant select, insert, update, delete on table public.pets to service_role;

-- public.schedules
grant select on table public.schedules to anon;
grant select, insert, update, delete on table public.schedules to authenticated, service_role;

-- public.availability_rules
grant select on table public.availability_rules to anon;
grant select, insert, update, delete on table public.availability_rules to authenticated, service_role;

-- public.availability_exceptions
grant select, insert, update, delete on table public.availability_exceptions to authenticated, service_role;

-- public.bookings
grant select on table public.bookings to authenticated;
grant select, insert, update, delete on table public.bookings to service_role;

-- public.booking_items
grant select on table public.booking_items to authenticated;
grant select, insert, update, delete on table public.booking_items to service_role;

-- public.booking_status_changes
grant select on table public.booking_status_changes to authenticated;
grant select, insert, update, delete on table public.booking_status_changes to service_role;

-- public.travel_fee_policies
grant select on table public.travel_fee_policies to anon;
grant select, delete on table public.travel_fee_policies to authenticated;
grant select, insert, update, delete on table public.travel_fee_policies to service_role;

-- public.tax_rates
grant select on table public.tax_rates to anon;
grant select, insert, update, delete on table public.tax_rates to authenticated, service_role;

-- public.offers
grant select on table public.offers to anon;
grant select, insert, update, delete on table public.offers to authenticated, service_role;

-- public.coupons
grant select, insert, update, delete on table public.coupons to authenticated, service_role;

-- public.coupon_redemptions
grant select on table public.coupon_redemptions to authenticated;
grant select, insert, update, delete on table public.coupon_redemptions to service_role;

-- public.invoices
grant select on table public.invoices to authenticated;
grant select, insert, update, delete on table public.invoices to service_role;

-- public.invoice_lines
grant select on table public.invoice_lines to authenticated;
grant select, insert, update, delete on table public.invoice_lines to service_role;

-- public.booking_documents
grant select, delete on table public.booking_documents to authenticated;
grant select, insert, update, delete on table public.booking_documents to service_role;

-- public.payments
grant select on table public.payments to authenticated;
grant select, insert, update, delete on table public.payments to service_role;

-- public.refunds
grant select on table public.refunds to authenticated;
grant select, insert, update, delete on table public.refunds to service_role;

-- public.disputes
grant select on table public.disputes to authenticated;
grant select, insert, update, delete on table public.disputes to service_role;

-- public.notification_categories
grant select on table public.notification_categories to authenticated;
grant select, insert, update, delete on table public.notification_categories to service_role;

-- public.notification_event_types
grant select on table public.notification_event_types to authenticated;
grant select, insert, update, delete on table public.notification_event_types to service_role;

-- public.notification_templates
grant select, delete on table public.notification_templates to authenticated;
grant select, insert, update, delete on table public.notification_templates to service_role;

-- public.notification_settings
grant select on table public.notification_settings to authenticated;
grant select, insert, update, delete on table public.notification_settings to service_role;

-- public.notification_preferences
grant select, delete on table public.notification_preferences to authenticated;
grant select, insert, update, delete on table public.notification_preferences to service_role;

-- public.push_tokens
grant select, delete on table public.push_tokens to authenticated;
grant select, insert, update, delete on table public.push_tokens to service_role;

-- public.notification_topics
grant select, delete on table public.notification_topics to authenticated;
grant select, insert, update, delete on table public.notification_topics to service_role;

-- public.topic_subscriptions
grant select, delete on table public.topic_subscriptions to authenticated;
grant select, insert, update, delete on table public.topic_subscriptions to service_role;

-- public.notifications
grant select, delete on table public.notifications to authenticated;
grant select, insert, update, delete on table public.notifications to service_role;

-- public.notification_deliveries
grant select on table public.notification_deliveries to authenticated;
grant select, insert, update, delete on table public.notification_deliveries to service_role;

-- public.booking_status_changes_id_seq
grant select, update, usage on sequence public.booking_status_changes_id_seq to anon, authenticated, service_role;

-- functions (the RPC wrappers of 20260109* granted theirs already; the Auth hooks are
-- executed by supabase_auth_admin, the service role issues claims with the same hook)
grant execute on function public.password_verification_attempt_hook(jsonb) to service_role, supabase_auth_admin;
grant execute on function public.custom_access_token_hook(jsonb) to service_role, supabase_auth_admin;
grant execute on function public.begin_checkout(uuid) to authenticated, service_role;
grant execute on function public.list_notification_preferences() to authenticated, service_role;
grant execute on function public.set_notification_preference(text,public.notification_channel,boolean) to authenticated, service_role;
grant execute on function public.set_notification_settings(text,time without time zone,time without time zone,boolean,smallint,boolean) to authenticated, service_role;
grant execute on function public.mark_notifications_read(uuid[]) to authenticated, service_role;
grant execute on function public.count_unread_notifications() to authenticated, service_role;
