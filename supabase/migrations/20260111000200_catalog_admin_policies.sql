-- catalog, scheduling and pricing: admins read and write through their own role, marketbase_admin (20260111000000).
--
-- Each policy that let `authenticated` through with `or (select private.is_admin())` loses
-- that arm: for everyone else the planner now sees only the owner's columns and can use
-- their indexes, where the arm it could not see through made it read the whole table. The
-- admins' access moves, unchanged, to one policy per table and command `to marketbase_admin`,
-- still requiring the admin claim; policies only admins had are handed to that role. An
-- admin's session is marketbase_admin, a member of authenticated, so it keeps every
-- authenticated policy as well. Names lose their "and admins ..." tail.

-- availability_exceptions ------------------------------------------------------------------------
alter policy "owners can read their exceptions and admins all" on public.availability_exceptions
  using (user_id = (select auth.uid()));
alter policy "owners can read their exceptions and admins all" on public.availability_exceptions rename to "owners can read their exceptions";
create policy "admins can read any availability exceptions"
  on public.availability_exceptions for select to marketbase_admin using ((select private.is_admin()));
alter policy "owners can add exceptions and admins any" on public.availability_exceptions
  with check (user_id = (select auth.uid()));
alter policy "owners can add exceptions and admins any" on public.availability_exceptions rename to "owners can add exceptions";
create policy "admins can add any availability exceptions"
  on public.availability_exceptions for insert to marketbase_admin with check ((select private.is_admin()));
alter policy "owners can change exceptions and admins any" on public.availability_exceptions
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
alter policy "owners can change exceptions and admins any" on public.availability_exceptions rename to "owners can change exceptions";
create policy "admins can change any availability exceptions"
  on public.availability_exceptions for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
alter policy "owners can remove exceptions and admins any" on public.availability_exceptions
  using (user_id = (select auth.uid()));
alter policy "owners can remove exceptions and admins any" on public.availability_exceptions rename to "owners can remove exceptions";
create policy "admins can remove any availability exceptions"
  on public.availability_exceptions for delete to marketbase_admin using ((select private.is_admin()));

-- availability_rules -----------------------------------------------------------------------------
alter policy "owners can add weekly availability and admins any" on public.availability_rules
  with check (user_id = (select auth.uid()));
alter policy "owners can add weekly availability and admins any" on public.availability_rules rename to "owners can add weekly availability";
create policy "admins can add any availability rules"
  on public.availability_rules for insert to marketbase_admin with check ((select private.is_admin()));
alter policy "owners can change weekly availability and admins any" on public.availability_rules
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
alter policy "owners can change weekly availability and admins any" on public.availability_rules rename to "owners can change weekly availability";
create policy "admins can change any availability rules"
  on public.availability_rules for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
alter policy "owners can remove weekly availability and admins any" on public.availability_rules
  using (user_id = (select auth.uid()));
alter policy "owners can remove weekly availability and admins any" on public.availability_rules rename to "owners can remove weekly availability";
create policy "admins can remove any availability rules"
  on public.availability_rules for delete to marketbase_admin using ((select private.is_admin()));

-- categories -------------------------------------------------------------------------------------
alter policy "users can read active categories and admins all" on public.categories
  using (is_active);
alter policy "users can read active categories and admins all" on public.categories rename to "users can read active categories";
create policy "admins can read any categories"
  on public.categories for select to marketbase_admin using ((select private.is_admin()));
alter policy "admins can add categories" on public.categories to marketbase_admin;
alter policy "admins can change categories" on public.categories to marketbase_admin;
alter policy "admins can remove categories" on public.categories to marketbase_admin;

-- coupon_redemptions -----------------------------------------------------------------------------
alter policy "users can read their own redemptions and admins all" on public.coupon_redemptions
  using (user_id = (select auth.uid()));
alter policy "users can read their own redemptions and admins all" on public.coupon_redemptions rename to "users can read their own redemptions";
create policy "admins can read any coupon redemptions"
  on public.coupon_redemptions for select to marketbase_admin using ((select private.is_admin()));

-- coupons ----------------------------------------------------------------------------------------
alter policy "admins can read coupons" on public.coupons to marketbase_admin;
alter policy "admins can add coupons" on public.coupons to marketbase_admin;
alter policy "admins can change coupons" on public.coupons to marketbase_admin;
alter policy "admins can remove coupons" on public.coupons to marketbase_admin;

-- matching_factors -------------------------------------------------------------------------------
alter policy "admins can add matching factors" on public.matching_factors to marketbase_admin;
alter policy "admins can change matching factors" on public.matching_factors to marketbase_admin;
alter policy "admins can remove matching factors" on public.matching_factors to marketbase_admin;

-- offerings --------------------------------------------------------------------------------------
alter policy "users can read active offerings, providers their own and admins" on public.offerings
  using (status = 'active'::public.offering_status or provider_id = (select auth.uid()));
alter policy "users can read active offerings, providers their own and admins" on public.offerings rename to "users can read active offerings, providers their own";
create policy "admins can read any offerings"
  on public.offerings for select to marketbase_admin using ((select private.is_admin()));
alter policy "providers can add their own offerings and admins any" on public.offerings
  with check (((provider_id = (select auth.uid())) and (select private.has_role('provider'::public.app_role))));
alter policy "providers can add their own offerings and admins any" on public.offerings rename to "providers can add their own offerings";
create policy "admins can add any offerings"
  on public.offerings for insert to marketbase_admin with check ((select private.is_admin()));
alter policy "providers can change their own offerings and admins any" on public.offerings
  using (provider_id = (select auth.uid()))
  with check (provider_id = (select auth.uid()));
alter policy "providers can change their own offerings and admins any" on public.offerings rename to "providers can change their own offerings";
create policy "admins can change any offerings"
  on public.offerings for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
alter policy "providers can delete their own offerings and admins any" on public.offerings
  using (provider_id = (select auth.uid()));
alter policy "providers can delete their own offerings and admins any" on public.offerings rename to "providers can delete their own offerings";
create policy "admins can remove any offerings"
  on public.offerings for delete to marketbase_admin using ((select private.is_admin()));

-- offers -----------------------------------------------------------------------------------------
alter policy "users can read automatic offers that have not ended and admins " on public.offers
  using ((is_active and is_automatic and ((valid_until is null) or (valid_until > now()))));
alter policy "users can read automatic offers that have not ended and admins " on public.offers rename to "users can read automatic offers that have not ended";
create policy "admins can read any offers"
  on public.offers for select to marketbase_admin using ((select private.is_admin()));
alter policy "admins can add offers" on public.offers to marketbase_admin;
alter policy "admins can change offers" on public.offers to marketbase_admin;
alter policy "admins can remove offers" on public.offers to marketbase_admin;

-- provider_rate_bounds ---------------------------------------------------------------------------
alter policy "admins can add rate bounds" on public.provider_rate_bounds to marketbase_admin;
alter policy "admins can change rate bounds" on public.provider_rate_bounds to marketbase_admin;
alter policy "admins can remove rate bounds" on public.provider_rate_bounds to marketbase_admin;

-- schedules --------------------------------------------------------------------------------------
alter policy "owners can create their schedule and admins any" on public.schedules
  with check (user_id = (select auth.uid()));
alter policy "owners can create their schedule and admins any" on public.schedules rename to "owners can create their schedule";
create policy "admins can add any schedules"
  on public.schedules for insert to marketbase_admin with check ((select private.is_admin()));
alter policy "owners can change their schedule and admins any" on public.schedules
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
alter policy "owners can change their schedule and admins any" on public.schedules rename to "owners can change their schedule";
create policy "admins can change any schedules"
  on public.schedules for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
alter policy "owners can remove their schedule and admins any" on public.schedules
  using (user_id = (select auth.uid()));
alter policy "owners can remove their schedule and admins any" on public.schedules rename to "owners can remove their schedule";
create policy "admins can remove any schedules"
  on public.schedules for delete to marketbase_admin using ((select private.is_admin()));

-- service_areas ----------------------------------------------------------------------------------
alter policy "providers can add their own service areas and admins any" on public.service_areas
  with check (provider_id = (select auth.uid()));
alter policy "providers can add their own service areas and admins any" on public.service_areas rename to "providers can add their own service areas";
create policy "admins can add any service areas"
  on public.service_areas for insert to marketbase_admin with check ((select private.is_admin()));
alter policy "providers can change their own service areas and admins any" on public.service_areas
  using (provider_id = (select auth.uid()))
  with check (provider_id = (select auth.uid()));
alter policy "providers can change their own service areas and admins any" on public.service_areas rename to "providers can change their own service areas";
create policy "admins can change any service areas"
  on public.service_areas for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
alter policy "providers can remove their own service areas and admins any" on public.service_areas
  using (provider_id = (select auth.uid()));
alter policy "providers can remove their own service areas and admins any" on public.service_areas rename to "providers can remove their own service areas";
create policy "admins can remove any service areas"
  on public.service_areas for delete to marketbase_admin using ((select private.is_admin()));

-- tags -------------------------------------------------------------------------------------------
alter policy "admins can add tags" on public.tags to marketbase_admin;
alter policy "admins can change tags" on public.tags to marketbase_admin;
alter policy "admins can remove tags" on public.tags to marketbase_admin;

-- tax_rates --------------------------------------------------------------------------------------
alter policy "admins can add tax rates" on public.tax_rates to marketbase_admin;
alter policy "admins can change tax rates" on public.tax_rates to marketbase_admin;
alter policy "admins can remove tax rates" on public.tax_rates to marketbase_admin;

-- travel_fee_policies ----------------------------------------------------------------------------
alter policy "providers can set their own travel fees and admins any" on public.travel_fee_policies
  with check (provider_id = (select auth.uid()));
alter policy "providers can set their own travel fees and admins any" on public.travel_fee_policies rename to "providers can set their own travel fees";
create policy "admins can add any travel fee policies"
  on public.travel_fee_policies for insert to marketbase_admin with check ((select private.is_admin()));
alter policy "providers can change their own travel fees and admins any" on public.travel_fee_policies
  using (provider_id = (select auth.uid()))
  with check (provider_id = (select auth.uid()));
alter policy "providers can change their own travel fees and admins any" on public.travel_fee_policies rename to "providers can change their own travel fees";
create policy "admins can change any travel fee policies"
  on public.travel_fee_policies for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
alter policy "providers can remove their own travel fees and admins any" on public.travel_fee_policies
  using (provider_id = (select auth.uid()));
alter policy "providers can remove their own travel fees and admins any" on public.travel_fee_policies rename to "providers can remove their own travel fees";
create policy "admins can remove any travel fee policies"
  on public.travel_fee_policies for delete to marketbase_admin using ((select private.is_admin()));
