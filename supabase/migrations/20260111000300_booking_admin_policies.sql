-- bookings and billing: admins read and write through their own role, marketbase_admin (20260111000000).
--
-- Each policy that let `authenticated` through with `or (select private.is_admin())` loses
-- that arm: for everyone else the planner now sees only the owner's columns and can use
-- their indexes, where the arm it could not see through made it read the whole table. The
-- admins' access moves, unchanged, to one policy per table and command `to marketbase_admin`,
-- still requiring the admin claim; policies only admins had are handed to that role. An
-- admin's session is marketbase_admin, a member of authenticated, so it keeps every
-- authenticated policy as well. Names lose their "and admins ..." tail.

-- booking_documents ------------------------------------------------------------------------------
alter policy "uploaders and admins can remove documents" on public.booking_documents
  using (uploaded_by = (select auth.uid()));
alter policy "uploaders and admins can remove documents" on public.booking_documents rename to "uploaders can remove their documents";
create policy "admins can remove any booking documents"
  on public.booking_documents for delete to marketbase_admin using ((select private.is_admin()));

-- bookings ---------------------------------------------------------------------------------------
alter policy "participants can read their bookings and admins all" on public.bookings
  using (client_id = (select auth.uid()) or provider_id = (select auth.uid()) or collector_id = (select auth.uid()));
alter policy "participants can read their bookings and admins all" on public.bookings rename to "participants can read their bookings";
create policy "admins can read any bookings"
  on public.bookings for select to marketbase_admin using ((select private.is_admin()));

-- disputes ---------------------------------------------------------------------------------------
alter policy "clients and providers can read their disputes and admins all" on public.disputes
  using (client_id = (select auth.uid()) or provider_id = (select auth.uid()));
alter policy "clients and providers can read their disputes and admins all" on public.disputes rename to "clients and providers can read their disputes";
create policy "admins can read any disputes"
  on public.disputes for select to marketbase_admin using ((select private.is_admin()));

-- invoices ---------------------------------------------------------------------------------------
alter policy "clients and providers can read their invoices and admins all" on public.invoices
  using (client_id = (select auth.uid()) or provider_id = (select auth.uid()));
alter policy "clients and providers can read their invoices and admins all" on public.invoices rename to "clients and providers can read their invoices";
create policy "admins can read any invoices"
  on public.invoices for select to marketbase_admin using ((select private.is_admin()));

-- payments ---------------------------------------------------------------------------------------
alter policy "clients and providers can read their payments and admins all" on public.payments
  using (client_id = (select auth.uid()) or provider_id = (select auth.uid()));
alter policy "clients and providers can read their payments and admins all" on public.payments rename to "clients and providers can read their payments";
create policy "admins can read any payments"
  on public.payments for select to marketbase_admin using ((select private.is_admin()));

-- refunds ----------------------------------------------------------------------------------------
alter policy "clients and providers can read their refunds and admins all" on public.refunds
  using (client_id = (select auth.uid()) or provider_id = (select auth.uid()));
alter policy "clients and providers can read their refunds and admins all" on public.refunds rename to "clients and providers can read their refunds";
create policy "admins can read any refunds"
  on public.refunds for select to marketbase_admin using ((select private.is_admin()));
