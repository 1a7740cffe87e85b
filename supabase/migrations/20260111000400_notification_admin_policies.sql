-- notifications: admins read and write through their own role, marketbase_admin (20260111000000).
--
-- Each policy that let `authenticated` through with `or (select private.is_admin())` loses
-- that arm: for everyone else the planner now sees only the owner's columns and can use
-- their indexes, where the arm it could not see through made it read the whole table. The
-- admins' access moves, unchanged, to one policy per table and command `to marketbase_admin`,
-- still requiring the admin claim; policies only admins had are handed to that role. An
-- admin's session is marketbase_admin, a member of authenticated, so it keeps every
-- authenticated policy as well. Names lose their "and admins ..." tail.

-- notification_categories ------------------------------------------------------------------------
alter policy "admins can change notification categories" on public.notification_categories to marketbase_admin;

-- notification_deliveries ------------------------------------------------------------------------
alter policy "users can read their own deliveries and admins all" on public.notification_deliveries
  using (user_id = (select auth.uid()));
alter policy "users can read their own deliveries and admins all" on public.notification_deliveries rename to "users can read their own deliveries";
create policy "admins can read any notification deliveries"
  on public.notification_deliveries for select to marketbase_admin using ((select private.is_admin()));

-- notification_event_types -----------------------------------------------------------------------
alter policy "admins can change notification event types" on public.notification_event_types to marketbase_admin;

-- notification_preferences -----------------------------------------------------------------------
alter policy "users can read their own notification preferences and admins al" on public.notification_preferences
  using (user_id = (select auth.uid()));
alter policy "users can read their own notification preferences and admins al" on public.notification_preferences rename to "users can read their own notification preferences";
create policy "admins can read any notification preferences"
  on public.notification_preferences for select to marketbase_admin using ((select private.is_admin()));

-- notification_settings --------------------------------------------------------------------------
alter policy "users can read their own notification settings and admins all" on public.notification_settings
  using (user_id = (select auth.uid()));
alter policy "users can read their own notification settings and admins all" on public.notification_settings rename to "users can read their own notification settings";
create policy "admins can read any notification settings"
  on public.notification_settings for select to marketbase_admin using ((select private.is_admin()));

-- notification_templates -------------------------------------------------------------------------
alter policy "admins can read notification templates" on public.notification_templates to marketbase_admin;
alter policy "admins can add notification templates" on public.notification_templates to marketbase_admin;
alter policy "admins can change notification templates" on public.notification_templates to marketbase_admin;
alter policy "admins can remove notification templates" on public.notification_templates to marketbase_admin;

-- notification_topics ----------------------------------------------------------------------------
alter policy "admins can create topics" on public.notification_topics to marketbase_admin;
alter policy "admins can update topics" on public.notification_topics to marketbase_admin;
alter policy "admins can delete topics" on public.notification_topics to marketbase_admin;

-- topic_subscriptions ----------------------------------------------------------------------------
alter policy "users can read their own subscriptions and admins all" on public.topic_subscriptions
  using (user_id = (select auth.uid()));
alter policy "users can read their own subscriptions and admins all" on public.topic_subscriptions rename to "users can read their own subscriptions";
create policy "admins can read any topic subscriptions"
  on public.topic_subscriptions for select to marketbase_admin using ((select private.is_admin()));
