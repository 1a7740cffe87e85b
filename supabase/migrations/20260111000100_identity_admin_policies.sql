-- identity: admins read and write through their own role, marketbase_admin (20260111000000).
--
-- Each policy that let `authenticated` through with `or (select private.is_admin())` loses
-- that arm: for everyone else the planner now sees only the owner's columns and can use
-- their indexes, where the arm it could not see through made it read the whole table. The
-- admins' access moves, unchanged, to one policy per table and command `to marketbase_admin`,
-- still requiring the admin claim; policies only admins had are handed to that role. An
-- admin's session is marketbase_admin, a member of authenticated, so it keeps every
-- authenticated policy as well. Names lose their "and admins ..." tail.

-- addresses --------------------------------------------------------------------------------------
alter policy "users can read their own addresses, their bookings' providers t" on public.addresses
  using (user_id = (select auth.uid()) or ((select private.serves_client(addresses.user_id)) and (select private.is_booked_at_address(addresses.id))));
create policy "admins can read any addresses"
  on public.addresses for select to marketbase_admin using ((select private.is_admin()));
alter policy "users can add their own addresses and admins any" on public.addresses
  with check (user_id = (select auth.uid()));
alter policy "users can add their own addresses and admins any" on public.addresses rename to "users can add their own addresses";
create policy "admins can add any addresses"
  on public.addresses for insert to marketbase_admin with check ((select private.is_admin()));
alter policy "users can update their own addresses and admins any" on public.addresses
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
alter policy "users can update their own addresses and admins any" on public.addresses rename to "users can update their own addresses";
create policy "admins can change any addresses"
  on public.addresses for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
alter policy "users can delete their own addresses and admins any" on public.addresses
  using (user_id = (select auth.uid()));
alter policy "users can delete their own addresses and admins any" on public.addresses rename to "users can delete their own addresses";
create policy "admins can remove any addresses"
  on public.addresses for delete to marketbase_admin using ((select private.is_admin()));
alter policy "users can read their own addresses, their bookings' providers t" on public.addresses
  rename to "users and the providers booked at them can read addresses";

-- client_profiles --------------------------------------------------------------------------------
alter policy "clients can read their own profile, their providers too and adm" on public.client_profiles
  using (user_id = (select auth.uid()) or (select private.serves_client(client_profiles.user_id)));
alter policy "clients can read their own profile, their providers too and adm" on public.client_profiles rename to "clients can read their own profile, their providers too";
create policy "admins can read any client profiles"
  on public.client_profiles for select to marketbase_admin using ((select private.is_admin()));
alter policy "clients can create their own profile and admins any" on public.client_profiles
  with check (user_id = (select auth.uid()));
alter policy "clients can create their own profile and admins any" on public.client_profiles rename to "clients can create their own profile";
create policy "admins can add any client profiles"
  on public.client_profiles for insert to marketbase_admin with check ((select private.is_admin()));
alter policy "clients can update their own profile and admins any" on public.client_profiles
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
alter policy "clients can update their own profile and admins any" on public.client_profiles rename to "clients can update their own profile";
create policy "admins can change any client profiles"
  on public.client_profiles for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
alter policy "admins can delete client profiles" on public.client_profiles to marketbase_admin;

-- pets -------------------------------------------------------------------------------------------
alter policy "owners can read their own pets, their bookings' providers too a" on public.pets
  using (owner_id = (select auth.uid()) or (select private.is_booked_pet(pets.id)));
create policy "admins can read any pets"
  on public.pets for select to marketbase_admin using ((select private.is_admin()));
alter policy "owners can add their own pets and admins any" on public.pets
  with check (owner_id = (select auth.uid()));
alter policy "owners can add their own pets and admins any" on public.pets rename to "owners can add their own pets";
create policy "admins can add any pets"
  on public.pets for insert to marketbase_admin with check ((select private.is_admin()));
alter policy "owners can change their own pets and admins any" on public.pets
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));
alter policy "owners can change their own pets and admins any" on public.pets rename to "owners can change their own pets";
create policy "admins can change any pets"
  on public.pets for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
alter policy "owners can remove their own pets and admins any" on public.pets
  using (owner_id = (select auth.uid()));
alter policy "owners can remove their own pets and admins any" on public.pets rename to "owners can remove their own pets";
create policy "admins can remove any pets"
  on public.pets for delete to marketbase_admin using ((select private.is_admin()));
alter policy "owners can read their own pets, their bookings' providers too a" on public.pets
  rename to "owners and the providers of their bookings can read pets";

-- profile_details --------------------------------------------------------------------------------
alter policy "users can read their own details, their providers their clients" on public.profile_details
  using (user_id = (select auth.uid()) or (select private.serves_client(profile_details.user_id)));
create policy "admins can read any profile details"
  on public.profile_details for select to marketbase_admin using ((select private.is_admin()));
alter policy "users can update their own details and admins any" on public.profile_details
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
alter policy "users can update their own details and admins any" on public.profile_details rename to "users can update their own details";
create policy "admins can change any profile details"
  on public.profile_details for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));

-- profiles ---------------------------------------------------------------------------------------
alter policy "users can update their own profile and admins any" on public.profiles
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));
alter policy "users can update their own profile and admins any" on public.profiles rename to "users can update their own profile";
create policy "admins can change any profiles"
  on public.profiles for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));

-- provider_payout_accounts -----------------------------------------------------------------------
alter policy "providers can read their own payout account and admins all" on public.provider_payout_accounts
  using (provider_id = (select auth.uid()));
alter policy "providers can read their own payout account and admins all" on public.provider_payout_accounts rename to "providers can read their own payout account";
create policy "admins can read any provider payout accounts"
  on public.provider_payout_accounts for select to marketbase_admin using ((select private.is_admin()));

-- provider_profiles ------------------------------------------------------------------------------
alter policy "providers can create their own profile and admins any" on public.provider_profiles
  with check (((user_id = (select auth.uid())) and (select private.has_role('provider'::public.app_role))));
alter policy "providers can create their own profile and admins any" on public.provider_profiles rename to "providers can create their own profile";
create policy "admins can add any provider profiles"
  on public.provider_profiles for insert to marketbase_admin with check ((select private.is_admin()));
alter policy "providers can update their own profile and admins any" on public.provider_profiles
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
alter policy "providers can update their own profile and admins any" on public.provider_profiles rename to "providers can update their own profile";
create policy "admins can change any provider profiles"
  on public.provider_profiles for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
alter policy "admins can delete provider profiles" on public.provider_profiles to marketbase_admin;

-- user_roles -------------------------------------------------------------------------------------
alter policy "users can read their own roles and admins all roles" on public.user_roles
  using (user_id = (select auth.uid()));
alter policy "users can read their own roles and admins all roles" on public.user_roles rename to "users can read their own roles";
create policy "admins can read any user roles"
  on public.user_roles for select to marketbase_admin using ((select private.is_admin()));
alter policy "admins can grant roles" on public.user_roles to marketbase_admin;
alter policy "admins can revoke roles" on public.user_roles to marketbase_admin;
