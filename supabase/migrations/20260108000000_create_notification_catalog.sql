-- notifications / catalog: what can be told to whom, on which channel, in which words.
--
-- * Categories group events for the user's preferences (bookings, payments, ...). A critical
--   category (payments, security) cannot be muted in the inbox or by email.
-- * Event types are the things that happen (booking.confirmed, payment.failed, ...). Each
--   names the variables its outbox `data` carries; templates may use only those, plus
--   recipient_name, which the dispatcher adds per recipient.
-- * Templates give the words per event, channel and locale, with {{ name }} placeholders.
--   They are checked when saved: an undefined variable or a stray brace is refused, so a bad
--   template never reaches a user half-rendered. 'en' is the fallback of every locale and is
--   seeded for every event and channel.
--
-- Variables are text the dispatcher substitutes as given: the domain triggers format them
-- for reading (amount "120.00" with currency "EUR"; starts_at "Tue 13 Jan 2026, 10:00" in
-- the booking's timezone, named by `timezone`). digest.daily's `items` is the list of
-- digested notifications; the renderer writes one line per item.

create type public.notification_channel as enum ('in_app', 'email', 'sms', 'push');
create type public.notification_severity as enum ('info', 'success', 'warning', 'error');

comment on type public.notification_channel is 'Where a notification goes: the in-app inbox, email, SMS or push.';
comment on type public.notification_severity is 'How a notification is shown: info, success, warning or error.';

create table public.notification_categories (
  key text primary key constraint notification_categories_key_format check (key ~ '^[a-z][a-z_]*$'),
  critical boolean not null default false,
  default_channels public.notification_channel[] not null,
  description text not null
);

comment on table public.notification_categories is
  'Groups of events a user turns on or off per channel. Read: signed-in users. Update (description, default_channels): admins.';
comment on column public.notification_categories.critical is 'Critical categories are always delivered in the inbox and by email: they cannot be muted there.';
comment on column public.notification_categories.default_channels is 'The channels used for a user who has not chosen.';

create table public.notification_event_types (
  key text primary key constraint notification_event_types_key_format check (key ~ '^[a-z][a-z_]*(\.[a-z0-9_]+)*$'),
  category text not null references public.notification_categories (key) on update cascade on delete restrict,
  variables text[] not null
    constraint notification_event_types_variables_format check (array_position(variables, null) is null
      and array_to_string(variables, ',') ~ '^([a-z_][a-z0-9_]*(,[a-z_][a-z0-9_]*)*)?$'),
  severity public.notification_severity not null default 'info',
  priority smallint not null default 5 constraint notification_event_types_priority_range check (priority between 0 and 9),
  description text not null
);

create index notification_event_types_category_idx on public.notification_event_types (category);

comment on table public.notification_event_types is
  'Everything that can be notified, with the variables its data carries. Read: signed-in users. Update (severity, priority, description): admins.';
comment on column public.notification_event_types.variables is 'The keys of the outbox data templates may use; recipient_name is always available too.';
comment on column public.notification_event_types.priority is '0 (low) to 9 (urgent): deliveries are claimed in this order.';

insert into public.notification_categories (key, critical, default_channels, description) values
  ('bookings', false, '{in_app,email,push}', 'Your bookings: held, confirmed, moved, cancelled, completed.'),
  ('reminders', false, '{in_app,email,push}', 'Reminders a day and an hour before a booking.'),
  ('payments', true, '{in_app,email,push}', 'Payments, refunds, disputes and invoices.'),
  ('security', true, '{in_app,email}', 'Sign-ins and changes to your account.'),
  ('messages', false, '{in_app,push}', 'New messages in your conversations.'),
  ('jobs', false, '{in_app,email}', 'Job requests, bids and their outcome.'),
  ('reports', false, '{in_app,email}', 'Results and reports that are ready.'),
  ('announcements', false, '{in_app}', 'News from the marketplace.'),
  ('digest', false, '{email}', 'A daily summary of what you did not get at once.');

insert into public.notification_event_types (key, category, variables, severity, priority, description) values
  ('booking.held', 'bookings',
   '{booking_id,offering_title,provider_name,client_name,starts_at,timezone,amount,currency,hold_expires_at,action_url}',
   'info', 5, 'A booking was made and its time is held until it is paid.'),
  ('booking.confirmed', 'bookings', '{booking_id,offering_title,provider_name,client_name,starts_at,timezone,action_url}',
   'success', 6, 'A booking is confirmed.'),
  ('booking.cancelled', 'bookings', '{booking_id,offering_title,provider_name,client_name,starts_at,timezone,action_url}',
   'warning', 6, 'A booking was cancelled.'),
  ('booking.rescheduled', 'bookings',
   '{booking_id,offering_title,provider_name,client_name,starts_at,previous_starts_at,timezone,action_url}',
   'info', 6, 'A booking moved to another time.'),
  ('booking.completed', 'bookings', '{booking_id,offering_title,provider_name,client_name,starts_at,timezone,action_url}',
   'success', 3, 'A booking took place.'),
  ('booking.reminder_24h', 'reminders', '{booking_id,offering_title,provider_name,client_name,starts_at,timezone,action_url}',
   'info', 4, 'A booking starts in 24 hours.'),
  ('booking.reminder_1h', 'reminders', '{booking_id,offering_title,provider_name,client_name,starts_at,timezone,action_url}',
   'info', 6, 'A booking starts in an hour.'),
  ('payment.succeeded', 'payments', '{booking_id,invoice_number,offering_title,amount,currency,action_url}',
   'success', 7, 'A payment went through.'),
  ('payment.failed', 'payments', '{booking_id,invoice_number,offering_title,amount,currency,reason,action_url}',
   'error', 8, 'A payment failed.'),
  ('payment.refunded', 'payments', '{booking_id,invoice_number,offering_title,amount,currency,action_url}',
   'info', 7, 'A refund was paid back.'),
  ('dispute.opened', 'payments', '{booking_id,invoice_number,amount,currency,reason,respond_by,action_url}',
   'warning', 8, 'A client disputed a payment with their bank.'),
  ('invoice.approved', 'payments', '{booking_id,invoice_number,amount,currency,action_url}',
   'success', 7, 'A declared manual payment was approved: the invoice is paid.'),
  ('invoice.rejected', 'payments', '{booking_id,invoice_number,amount,currency,reason,action_url}',
   'error', 8, 'A declared manual payment was rejected.'),
  ('announcement', 'announcements', '{title,body,action_url}', 'info', 2, 'A message from the marketplace to a topic.'),
  ('digest.daily', 'digest', '{item_count,items,action_url}', 'info', 1, 'The daily summary of digested notifications.');

-- Templates ------------------------------------------------------------------------------------

create table public.notification_templates (
  id uuid primary key default gen_random_uuid(),
  event_type text not null references public.notification_event_types (key) on update cascade on delete cascade,
  channel public.notification_channel not null,
  locale text not null default 'en' constraint notification_templates_locale_format check (locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  subject text constraint notification_templates_subject_length check (char_length(subject) between 1 and 200),
  title text not null constraint notification_templates_title_length check (char_length(title) between 1 and 200),
  body text not null constraint notification_templates_body_length check (char_length(body) between 1 and 10000),
  action_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint notification_templates_subject_for_email check ((channel = 'email') = (subject is not null)),
  constraint notification_templates_sms_length check (channel <> 'sms' or char_length(body) <= 1600),
  constraint notification_templates_unique unique (event_type, channel, locale)
);

comment on table public.notification_templates is
  'The words of each event per channel and locale, with {{ name }} placeholders checked against the event''s variables. Read and write: admins.';
comment on column public.notification_templates.subject is 'Email subject; email templates only, and required there.';
comment on column public.notification_templates.title is 'Inbox and push title; the heading of an email. SMS sends only the body.';
comment on column public.notification_templates.locale is 'A locale like en or pt-BR; a user''s locale falls back to its language, then to en.';

create trigger set_updated_at
  before update on public.notification_templates
  for each row execute function private.tg_set_updated_at();

-- The same grammar as functions/notifications/render.py.
create function private.template_placeholders(template text)
returns text[]
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(array_agg(p.name order by p.first_at), '{}')
  from (
    select m.match[1] as name, min(m.at) as first_at
    from regexp_matches(template, '\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}', 'g') with ordinality as m (match, at)
    group by m.match[1]
  ) p
$$;

grant execute on function private.template_placeholders(text) to authenticated, service_role;

comment on function private.template_placeholders(text) is
  'The distinct {{ name }} placeholders of a template text, in order of first use.';

create function private.tg_notification_templates_check()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  allowed text[];
  used text[];
  undefined text[];
  malformed text[];
begin
  select e.variables || '{recipient_name}' into allowed
  from public.notification_event_types e where e.key = new.event_type;
  if allowed is null then
    raise exception 'event_type: % is not a known event type', new.event_type using errcode = '22023';
  end if;

  select coalesce(array_agg(f.field order by f.ord), '{}') into malformed
  from unnest(array['subject', 'title', 'body', 'action_url'], array[new.subject, new.title, new.body, new.action_url])
    with ordinality as f (field, content, ord)
  where regexp_replace(f.content, '\{\{\s*[a-z_][a-z0-9_]*\s*\}\}', '', 'g') ~ '\{\{|\}\}';
  if cardinality(malformed) > 0 then
    raise exception '% % template: malformed placeholder in %', new.event_type, new.channel, array_to_string(malformed, ', ')
      using errcode = '22023', hint = 'Write placeholders as {{ name }}: lowercase letters, digits and underscores.';
  end if;

  used := private.template_placeholders(concat_ws(' ', new.subject, new.title, new.body, new.action_url));
  select coalesce(array_agg(u.name order by u.ord), '{}') into undefined
  from unnest(used) with ordinality as u (name, ord)
  where u.name <> all (allowed);
  if cardinality(undefined) > 0 then
    raise exception '% % template: undefined variables: %', new.event_type, new.channel, array_to_string(undefined, ', ')
      using errcode = '22023', hint = format('%s provides: %s', new.event_type, array_to_string(allowed, ', '));
  end if;
  return new;
end
$$;

comment on function private.tg_notification_templates_check() is
  'Trigger: refuses a template with a malformed placeholder or a variable its event type does not provide (22023).';

create trigger check_placeholders
  before insert or update of event_type, subject, title, body, action_url on public.notification_templates
  for each row execute function private.tg_notification_templates_check();

-- The English templates are what every other locale falls back to.
create function private.tg_notification_templates_keep_fallback()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.locale = 'en' and exists (select 1 from public.notification_event_types e where e.key = old.event_type) then
    raise exception '% % template: the en template is the fallback of every locale and cannot be removed; change it instead',
      old.event_type, old.channel using errcode = '22023';
  end if;
  return old;
end
$$;

comment on function private.tg_notification_templates_keep_fallback() is
  'Trigger: refuses to delete an en template while its event type exists (22023): every locale falls back to it.';

create trigger keep_fallback
  before delete on public.notification_templates
  for each row execute function private.tg_notification_templates_keep_fallback();

-- Access --------------------------------------------------------------------------------------

alter table public.notification_categories enable row level security;
alter table public.notification_event_types enable row level security;
alter table public.notification_templates enable row level security;

revoke all on table public.notification_categories, public.notification_event_types, public.notification_templates
  from anon, authenticated;
grant select on table public.notification_categories, public.notification_event_types to authenticated;
grant update (description, default_channels) on table public.notification_categories to authenticated;
grant update (severity, priority, description) on table public.notification_event_types to authenticated;
grant select, delete on table public.notification_templates to authenticated;
grant insert (event_type, channel, locale, subject, title, body, action_url) on table public.notification_templates to authenticated;
grant update (subject, title, body, action_url) on table public.notification_templates to authenticated;

create policy "users can read notification categories"
  on public.notification_categories for select to authenticated using (true);
create policy "admins can change notification categories"
  on public.notification_categories for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));

create policy "users can read notification event types"
  on public.notification_event_types for select to authenticated using (true);
create policy "admins can change notification event types"
  on public.notification_event_types for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));

create policy "admins can read notification templates"
  on public.notification_templates for select to authenticated using ((select private.is_admin()));
create policy "admins can add notification templates"
  on public.notification_templates for insert to authenticated with check ((select private.is_admin()));
create policy "admins can change notification templates"
  on public.notification_templates for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins can remove notification templates"
  on public.notification_templates for delete to authenticated using ((select private.is_admin()));

-- The English templates -------------------------------------------------------------------------
-- Booking events go to the client and to the provider (or collector): their words suit both.

insert into public.notification_templates (event_type, channel, subject, title, body, action_url) values
  ('booking.held', 'in_app', null, 'Complete your booking',
   '{{ offering_title }} on {{ starts_at }} ({{ timezone }}) is held for you until {{ hold_expires_at }}. Pay {{ amount }} {{ currency }} to confirm it.',
   '{{ action_url }}'),
  ('booking.held', 'email', 'Your booking of {{ offering_title }} is held until {{ hold_expires_at }}', 'Complete your booking',
   E'Hi {{ recipient_name }},\n\nWe are holding {{ offering_title }} with {{ provider_name }} on {{ starts_at }} ({{ timezone }}) for you.\n\nPay {{ amount }} {{ currency }} before {{ hold_expires_at }} to confirm it. After that the time is released for others.\n\nComplete your booking: {{ action_url }}',
   '{{ action_url }}'),
  ('booking.held', 'sms', null, 'Complete your booking',
   '{{ offering_title }} on {{ starts_at }} is held until {{ hold_expires_at }}. Pay {{ amount }} {{ currency }} to confirm: {{ action_url }}',
   '{{ action_url }}'),
  ('booking.held', 'push', null, 'Complete your booking',
   '{{ offering_title }} is held until {{ hold_expires_at }}. Pay to confirm it.', '{{ action_url }}'),

  ('booking.confirmed', 'in_app', null, 'Booking confirmed',
   '{{ offering_title }} on {{ starts_at }} ({{ timezone }}) is confirmed: {{ client_name }} with {{ provider_name }}.',
   '{{ action_url }}'),
  ('booking.confirmed', 'email', 'Confirmed: {{ offering_title }} on {{ starts_at }}', 'Your booking is confirmed',
   E'Hi {{ recipient_name }},\n\nGood news: {{ offering_title }} on {{ starts_at }} ({{ timezone }}) is confirmed.\n\nClient: {{ client_name }}\nProvider: {{ provider_name }}\n\nSee the booking: {{ action_url }}',
   '{{ action_url }}'),
  ('booking.confirmed', 'sms', null, 'Booking confirmed',
   'Confirmed: {{ offering_title }} on {{ starts_at }} ({{ timezone }}). Details: {{ action_url }}', '{{ action_url }}'),
  ('booking.confirmed', 'push', null, 'Booking confirmed',
   '{{ offering_title }} on {{ starts_at }} is confirmed.', '{{ action_url }}'),

  ('booking.cancelled', 'in_app', null, 'Booking cancelled',
   '{{ offering_title }} on {{ starts_at }} ({{ timezone }}) was cancelled.', '{{ action_url }}'),
  ('booking.cancelled', 'email', 'Cancelled: {{ offering_title }} on {{ starts_at }}', 'Your booking was cancelled',
   E'Hi {{ recipient_name }},\n\n{{ offering_title }} on {{ starts_at }} ({{ timezone }}), {{ client_name }} with {{ provider_name }}, was cancelled. The time is free again.\n\nAny refund shows on the booking: {{ action_url }}',
   '{{ action_url }}'),
  ('booking.cancelled', 'sms', null, 'Booking cancelled',
   'Cancelled: {{ offering_title }} on {{ starts_at }} ({{ timezone }}). Details: {{ action_url }}', '{{ action_url }}'),
  ('booking.cancelled', 'push', null, 'Booking cancelled',
   '{{ offering_title }} on {{ starts_at }} was cancelled.', '{{ action_url }}'),

  ('booking.rescheduled', 'in_app', null, 'Booking moved',
   '{{ offering_title }} moved from {{ previous_starts_at }} to {{ starts_at }} ({{ timezone }}).', '{{ action_url }}'),
  ('booking.rescheduled', 'email', 'New time for {{ offering_title }}: {{ starts_at }}', 'Your booking has a new time',
   E'Hi {{ recipient_name }},\n\n{{ offering_title }}, {{ client_name }} with {{ provider_name }}, moved to a new time.\n\nWas: {{ previous_starts_at }}\nNow: {{ starts_at }} ({{ timezone }})\n\nSee the booking: {{ action_url }}',
   '{{ action_url }}'),
  ('booking.rescheduled', 'sms', null, 'Booking moved',
   '{{ offering_title }} moved to {{ starts_at }} ({{ timezone }}), was {{ previous_starts_at }}. Details: {{ action_url }}',
   '{{ action_url }}'),
  ('booking.rescheduled', 'push', null, 'Booking moved',
   '{{ offering_title }} is now on {{ starts_at }}.', '{{ action_url }}'),

  ('booking.completed', 'in_app', null, 'Booking completed',
   '{{ offering_title }} on {{ starts_at }} is done. Thank you!', '{{ action_url }}'),
  ('booking.completed', 'email', 'Thanks for {{ offering_title }}', 'Your booking is completed',
   E'Hi {{ recipient_name }},\n\n{{ offering_title }} on {{ starts_at }} ({{ timezone }}), {{ client_name }} with {{ provider_name }}, is completed. Thank you for using marketbase.\n\nYour booking and its documents stay here: {{ action_url }}',
   '{{ action_url }}'),
  ('booking.completed', 'sms', null, 'Booking completed',
   '{{ offering_title }} on {{ starts_at }} is completed. Thank you! {{ action_url }}', '{{ action_url }}'),
  ('booking.completed', 'push', null, 'Booking completed',
   '{{ offering_title }} is done. Thank you!', '{{ action_url }}'),

  ('booking.reminder_24h', 'in_app', null, 'Tomorrow: {{ offering_title }}',
   '{{ offering_title }} starts tomorrow, {{ starts_at }} ({{ timezone }}).', '{{ action_url }}'),
  ('booking.reminder_24h', 'email', 'Reminder: {{ offering_title }} tomorrow, {{ starts_at }}', 'See you tomorrow',
   E'Hi {{ recipient_name }},\n\nA reminder that {{ offering_title }}, {{ client_name }} with {{ provider_name }}, starts tomorrow: {{ starts_at }} ({{ timezone }}).\n\nNeed to change something? {{ action_url }}',
   '{{ action_url }}'),
  ('booking.reminder_24h', 'sms', null, 'Tomorrow: {{ offering_title }}',
   'Reminder: {{ offering_title }} tomorrow, {{ starts_at }} ({{ timezone }}). {{ action_url }}', '{{ action_url }}'),
  ('booking.reminder_24h', 'push', null, 'Tomorrow: {{ offering_title }}',
   'Starts {{ starts_at }} ({{ timezone }}).', '{{ action_url }}'),

  ('booking.reminder_1h', 'in_app', null, 'Starting soon: {{ offering_title }}',
   '{{ offering_title }} starts in an hour, at {{ starts_at }} ({{ timezone }}).', '{{ action_url }}'),
  ('booking.reminder_1h', 'email', 'Starting in an hour: {{ offering_title }}', 'Starting in an hour',
   E'Hi {{ recipient_name }},\n\n{{ offering_title }}, {{ client_name }} with {{ provider_name }}, starts in an hour: {{ starts_at }} ({{ timezone }}).\n\nBooking details: {{ action_url }}',
   '{{ action_url }}'),
  ('booking.reminder_1h', 'sms', null, 'Starting soon: {{ offering_title }}',
   'In 1 hour: {{ offering_title }} at {{ starts_at }} ({{ timezone }}). {{ action_url }}', '{{ action_url }}'),
  ('booking.reminder_1h', 'push', null, 'Starting in an hour',
   '{{ offering_title }} starts at {{ starts_at }}.', '{{ action_url }}'),

  ('payment.succeeded', 'in_app', null, 'Payment received',
   'We received {{ amount }} {{ currency }} for {{ offering_title }} (invoice {{ invoice_number }}).', '{{ action_url }}'),
  ('payment.succeeded', 'email', 'Payment received: {{ amount }} {{ currency }}', 'Thank you for your payment',
   E'Hi {{ recipient_name }},\n\nWe received your payment of {{ amount }} {{ currency }} for {{ offering_title }}.\n\nInvoice: {{ invoice_number }}\n\nYour invoice and booking: {{ action_url }}',
   '{{ action_url }}'),
  ('payment.succeeded', 'sms', null, 'Payment received',
   'Payment of {{ amount }} {{ currency }} received for {{ offering_title }}, invoice {{ invoice_number }}. {{ action_url }}',
   '{{ action_url }}'),
  ('payment.succeeded', 'push', null, 'Payment received',
   '{{ amount }} {{ currency }} for {{ offering_title }}. Thank you!', '{{ action_url }}'),

  ('payment.failed', 'in_app', null, 'Payment failed',
   'Your payment of {{ amount }} {{ currency }} for {{ offering_title }} did not go through: {{ reason }}.', '{{ action_url }}'),
  ('payment.failed', 'email', 'Your payment of {{ amount }} {{ currency }} did not go through', 'Payment failed',
   E'Hi {{ recipient_name }},\n\nYour payment of {{ amount }} {{ currency }} for {{ offering_title }} (invoice {{ invoice_number }}) did not go through.\n\nReason: {{ reason }}\n\nTry again or choose another way to pay: {{ action_url }}',
   '{{ action_url }}'),
  ('payment.failed', 'sms', null, 'Payment failed',
   'Payment of {{ amount }} {{ currency }} for {{ offering_title }} failed: {{ reason }}. Try again: {{ action_url }}',
   '{{ action_url }}'),
  ('payment.failed', 'push', null, 'Payment failed',
   '{{ amount }} {{ currency }} for {{ offering_title }} did not go through. Tap to try again.', '{{ action_url }}'),

  ('payment.refunded', 'in_app', null, 'Refund on its way',
   '{{ amount }} {{ currency }} for {{ offering_title }} (invoice {{ invoice_number }}) was refunded.', '{{ action_url }}'),
  ('payment.refunded', 'email', 'Refund of {{ amount }} {{ currency }} on its way', 'Your refund is on its way',
   E'Hi {{ recipient_name }},\n\nWe refunded {{ amount }} {{ currency }} for {{ offering_title }} (invoice {{ invoice_number }}) to the way you paid.\n\nBanks usually take 5 to 10 business days to show it.\n\nDetails: {{ action_url }}',
   '{{ action_url }}'),
  ('payment.refunded', 'sms', null, 'Refund on its way',
   'Refund of {{ amount }} {{ currency }} for invoice {{ invoice_number }} is on its way. {{ action_url }}', '{{ action_url }}'),
  ('payment.refunded', 'push', null, 'Refund on its way',
   '{{ amount }} {{ currency }} for {{ offering_title }} was refunded.', '{{ action_url }}'),

  ('dispute.opened', 'in_app', null, 'Payment disputed',
   'A payment of {{ amount }} {{ currency }} (invoice {{ invoice_number }}) is disputed: {{ reason }}. Respond by {{ respond_by }}.',
   '{{ action_url }}'),
  ('dispute.opened', 'email', 'Action needed: payment for invoice {{ invoice_number }} disputed', 'A payment was disputed',
   E'Hi {{ recipient_name }},\n\nThe client disputed the payment of {{ amount }} {{ currency }} for invoice {{ invoice_number }} with their bank.\n\nReason given: {{ reason }}\nRespond by: {{ respond_by }}\n\nAdd your evidence before then: {{ action_url }}',
   '{{ action_url }}'),
  ('dispute.opened', 'sms', null, 'Payment disputed',
   'Payment of {{ amount }} {{ currency }} for invoice {{ invoice_number }} disputed. Respond by {{ respond_by }}: {{ action_url }}',
   '{{ action_url }}'),
  ('dispute.opened', 'push', null, 'Payment disputed',
   'Invoice {{ invoice_number }}: respond by {{ respond_by }}.', '{{ action_url }}'),

  ('invoice.approved', 'in_app', null, 'Payment approved',
   'We confirmed your payment of {{ amount }} {{ currency }}: invoice {{ invoice_number }} is paid.', '{{ action_url }}'),
  ('invoice.approved', 'email', 'Invoice {{ invoice_number }} is paid', 'Your payment is confirmed',
   E'Hi {{ recipient_name }},\n\nWe checked your payment of {{ amount }} {{ currency }} and invoice {{ invoice_number }} is now paid. Your booking is confirmed.\n\nSee it here: {{ action_url }}',
   '{{ action_url }}'),
  ('invoice.approved', 'sms', null, 'Payment approved',
   'Payment of {{ amount }} {{ currency }} confirmed, invoice {{ invoice_number }} is paid. {{ action_url }}', '{{ action_url }}'),
  ('invoice.approved', 'push', null, 'Payment approved',
   'Invoice {{ invoice_number }} is paid.', '{{ action_url }}'),

  ('invoice.rejected', 'in_app', null, 'Payment not found',
   'We could not confirm your payment of {{ amount }} {{ currency }} for invoice {{ invoice_number }}: {{ reason }}.', '{{ action_url }}'),
  ('invoice.rejected', 'email', 'We could not confirm your payment for invoice {{ invoice_number }}', 'Your payment could not be confirmed',
   E'Hi {{ recipient_name }},\n\nWe could not confirm the payment of {{ amount }} {{ currency }} you declared for invoice {{ invoice_number }}.\n\nReason: {{ reason }}\n\nThe invoice is still open. Check the details or pay another way: {{ action_url }}',
   '{{ action_url }}'),
  ('invoice.rejected', 'sms', null, 'Payment not found',
   'Payment for invoice {{ invoice_number }} could not be confirmed: {{ reason }}. {{ action_url }}', '{{ action_url }}'),
  ('invoice.rejected', 'push', null, 'Payment not confirmed',
   'Invoice {{ invoice_number }} is still open. Tap for details.', '{{ action_url }}'),

  ('announcement', 'in_app', null, '{{ title }}', '{{ body }}', '{{ action_url }}'),
  ('announcement', 'email', '{{ title }}', '{{ title }}', E'Hi {{ recipient_name }},\n\n{{ body }}\n\n{{ action_url }}', '{{ action_url }}'),
  ('announcement', 'sms', null, '{{ title }}', '{{ title }}: {{ body }} {{ action_url }}', '{{ action_url }}'),
  ('announcement', 'push', null, '{{ title }}', '{{ body }}', '{{ action_url }}'),

  ('digest.daily', 'in_app', null, 'Your daily summary', '{{ item_count }} updates since your last summary.', '{{ action_url }}'),
  ('digest.daily', 'email', 'Your marketbase summary: {{ item_count }} updates', 'Your daily summary',
   E'Hi {{ recipient_name }},\n\nHere is what happened since your last summary:\n\n{{ items }}\n\nSee everything: {{ action_url }}',
   '{{ action_url }}'),
  ('digest.daily', 'sms', null, 'Your daily summary', '{{ item_count }} marketbase updates since yesterday: {{ action_url }}',
   '{{ action_url }}'),
  ('digest.daily', 'push', null, 'Your daily summary', '{{ item_count }} updates since your last summary.', '{{ action_url }}');
