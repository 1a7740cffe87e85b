-- notifications / catalog: account.sign_in_failures, the notice a user gets when someone keeps
-- failing to sign in with their password (issue "Abuse-proofing", item 8).
--
-- Wrong passwords no longer lock an account (20260114000100): they slow further attempts
-- down. The owner is told instead, once the failures in a row reach auth.max_failed_logins
-- and at most once a day, in the critical 'security' category (inbox and email, which
-- cannot be muted). Raised by private.notify_sign_in_failures only.
--
-- Variables: failed_attempts (the failures in a row so far), first_failed_at (when the first
-- of them happened, for people, in timezone), timezone ('UTC'), action_url (the account's
-- security page, composed by the platform).

insert into public.notification_event_types (key, category, variables, severity, priority, description) values
  ('account.sign_in_failures', 'security', '{failed_attempts,first_failed_at,timezone,action_url}', 'warning', 7,
   'Someone failed to sign in with the account''s password several times in a row; further attempts are slowed down.');

insert into public.notification_templates (event_type, channel, subject, title, body, action_url) values
  ('account.sign_in_failures', 'in_app', null, 'Failed sign-in attempts',
   '{{ failed_attempts }} wrong passwords were tried on your account since {{ first_failed_at }} ({{ timezone }}). You stay signed in. If it was not you, change your password.',
   '{{ action_url }}'),
  ('account.sign_in_failures', 'email', 'Failed sign-in attempts on your account', 'Someone tried to sign in to your account',
   E'Hi {{ recipient_name }},\n\n{{ failed_attempts }} wrong passwords were tried on your account since {{ first_failed_at }} ({{ timezone }}).\n\nIf that was you, there is nothing to do: you can try again in a few minutes at most, or sign in with a link sent by email.\n\nIf it was not you, your account is safe as long as your password is: further attempts are slowed down, and your sessions stay signed in. Choose a strong password you use nowhere else: {{ action_url }}',
   '{{ action_url }}'),
  ('account.sign_in_failures', 'sms', null, 'Failed sign-in attempts',
   'Wrong passwords were tried {{ failed_attempts }} times on your marketbase account. Not you? Change your password: {{ action_url }}',
   '{{ action_url }}'),
  ('account.sign_in_failures', 'push', null, 'Failed sign-in attempts',
   '{{ failed_attempts }} wrong passwords were tried on your account. Not you? Tap to change your password.',
   '{{ action_url }}');
