-- notifications / catalog: categories, event types and templates. Signed-in users read the
-- categories and event types (a preferences screen needs them); templates are admins' alone;
-- a template is checked against its event's variables when saved.
begin;
select plan(67);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');

-- The seeded catalog --------------------------------------------------------------------------------
select enum_has_labels('public', 'notification_channel', array['in_app', 'email', 'sms', 'push'],
  'notifications go to the inbox, email, SMS or push');
select enum_has_labels('public', 'notification_severity', array['info', 'success', 'warning', 'error'],
  'a notification is info, success, warning or error');
select set_eq($$select key from public.notification_categories$$,
  array['bookings', 'reminders', 'payments', 'security', 'messages', 'jobs', 'reports', 'purchases', 'reviews', 'community', 'announcements', 'digest'],
  'the categories users choose from are seeded');
select set_eq($$select key from public.notification_categories where critical$$, array['payments', 'security'],
  'payments and security are the critical categories');
select set_eq($$select key from public.notification_event_types$$,
  array['booking.held', 'booking.confirmed', 'booking.cancelled', 'booking.rescheduled', 'booking.completed',
        'booking.reminder_24h', 'booking.reminder_1h', 'payment.succeeded', 'payment.failed', 'payment.refunded',
        'dispute.opened', 'invoice.approved', 'invoice.rejected', 'announcement', 'digest.daily', 'account.sign_in_failures',
        'purchase.completed', 'purchase.refunded', 'job.bid_received', 'job.bid_accepted', 'job.bid_rejected', 'job.started',
        'job.completed', 'sample.collected', 'report.ready', 'report.critical', 'review.received', 'contact.received',
        'comment.replied', 'question.answered', 'chat.message_received', 'job.posted_nearby', 'job.cancelled',
        'job.dispute_opened', 'job.dispute_resolved', 'purchase.rejected'],
  'every event the domain can raise is a known event type');
select is_empty($$select key from public.notification_event_types where category = 'payments' and priority < 7$$,
  'money events are claimed first: priority 7 or more');
select results_eq($$select category, severity::text from public.notification_event_types
                    where key in ('booking.reminder_1h', 'payment.failed') order by key$$,
  $$values ('reminders', 'info'), ('payments', 'error')$$,
  'reminders have their own category; a failed payment is an error');
select is_empty(
  $$select e.key, ch.channel from public.notification_event_types e
    cross join unnest(enum_range(null::public.notification_channel)) ch (channel)
    except
    select t.event_type, t.channel from public.notification_templates t where t.locale = 'en'$$,
  'every event has an English template on every channel: the fallback of every locale');
select is_empty(
  $$select t.event_type, t.channel from public.notification_templates t
    join public.notification_event_types e on e.key = t.event_type
    where not private.template_placeholders(concat_ws(' ', t.subject, t.title, t.body, t.action_url))
              <@ (e.variables || '{recipient_name}')$$,
  'the seeded templates use only the variables their events provide');
select is_empty(
  $$select event_type from public.notification_templates
    where channel = 'email' and not 'recipient_name' = any(private.template_placeholders(body))$$,
  'every seeded email greets its recipient by name');
select is_empty(
  $$select event_type from public.notification_templates where channel = 'sms' and char_length(body) > 160$$,
  'the seeded SMS texts fit in one message before their values are filled in');

-- The placeholder grammar ---------------------------------------------------------------------------
select is(private.template_placeholders('Hi {{ recipient_name }}, {{offering_title}} at {{  starts_at }} ({{ recipient_name }})'),
  array['recipient_name', 'offering_title', 'starts_at'],
  'placeholders are {{ name }} with optional spaces, listed once each in order of first use');
select is(private.template_placeholders('{{ Name }} {{ 1st }} {{ two words }} { single } no placeholders'), '{}'::text[],
  'capitals, leading digits and spaces inside are not placeholders');
select is(private.template_placeholders(null), '{}'::text[], 'no text has no placeholders');

-- anon ---------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select * from public.notification_categories$$, '42501', 'permission denied for table notification_categories',
  '[notification_categories/anon/select] visitors cannot read notification categories');
select throws_ok($$insert into public.notification_categories (key, default_channels, description) values ('x', '{}', 'x')$$,
  '42501', 'permission denied for table notification_categories',
  '[notification_categories/anon/insert] visitors cannot add notification categories');
select throws_ok($$update public.notification_categories set default_channels = '{}'$$,
  '42501', 'permission denied for table notification_categories',
  '[notification_categories/anon/update] visitors cannot change notification categories');
select throws_ok($$delete from public.notification_categories$$, '42501', 'permission denied for table notification_categories',
  '[notification_categories/anon/delete] visitors cannot remove notification categories');
select throws_ok($$select * from public.notification_event_types$$, '42501', 'permission denied for table notification_event_types',
  '[notification_event_types/anon/select] visitors cannot read event types');
select throws_ok(
  $$insert into public.notification_event_types (key, category, variables, description) values ('x.y', 'jobs', '{}', 'x')$$,
  '42501', 'permission denied for table notification_event_types',
  '[notification_event_types/anon/insert] visitors cannot add event types');
select throws_ok($$update public.notification_event_types set priority = 9$$,
  '42501', 'permission denied for table notification_event_types',
  '[notification_event_types/anon/update] visitors cannot change event types');
select throws_ok($$delete from public.notification_event_types$$, '42501', 'permission denied for table notification_event_types',
  '[notification_event_types/anon/delete] visitors cannot remove event types');
select throws_ok($$select * from public.notification_templates$$, '42501', 'permission denied for table notification_templates',
  '[notification_templates/anon/select] visitors cannot read templates');
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, title, body) values ('announcement', 'push', 'de', 'x', 'x')$$,
  '42501', 'permission denied for table notification_templates',
  '[notification_templates/anon/insert] visitors cannot add templates');
select throws_ok($$update public.notification_templates set body = 'x'$$, '42501', 'permission denied for table notification_templates',
  '[notification_templates/anon/update] visitors cannot change templates');
select throws_ok($$delete from public.notification_templates$$, '42501', 'permission denied for table notification_templates',
  '[notification_templates/anon/delete] visitors cannot remove templates');

-- stranger (a signed-in user who is not an admin) ---------------------------------------------------------
select tests.authenticate_as('stranger');
select results_eq($$select key, critical from public.notification_categories where key in ('bookings', 'payments') order by key$$,
  $$values ('bookings', false), ('payments', true)$$,
  '[notification_categories/stranger/select] users read the categories, with which are critical');
select throws_ok($$insert into public.notification_categories (key, default_channels, description) values ('spam', '{sms}', 'x')$$,
  '42501', 'permission denied for table notification_categories',
  '[notification_categories/stranger/insert] users cannot add categories');
select is_empty($$update public.notification_categories set default_channels = '{in_app,email,sms,push}' returning 1$$,
  '[notification_categories/stranger/update] users cannot change the defaults of everyone');
select throws_ok($$update public.notification_categories set critical = false$$,
  '42501', 'permission denied for table notification_categories',
  'users cannot make a critical category mutable');
select throws_ok($$delete from public.notification_categories where key = 'payments'$$,
  '42501', 'permission denied for table notification_categories',
  '[notification_categories/stranger/delete] users cannot remove categories');
select results_eq($$select variables from public.notification_event_types where key = 'payment.failed'$$,
  $$values ('{booking_id,invoice_number,offering_title,amount,currency,reason,action_url}'::text[])$$,
  '[notification_event_types/stranger/select] users read the event types and their variables');
select throws_ok(
  $$insert into public.notification_event_types (key, category, variables, description) values ('spam.sent', 'jobs', '{}', 'x')$$,
  '42501', 'permission denied for table notification_event_types',
  '[notification_event_types/stranger/insert] users cannot add event types');
select is_empty($$update public.notification_event_types set priority = 9 returning 1$$,
  '[notification_event_types/stranger/update] users cannot reorder the queue');
select throws_ok($$delete from public.notification_event_types$$, '42501', 'permission denied for table notification_event_types',
  '[notification_event_types/stranger/delete] users cannot remove event types');
select is_empty($$select * from public.notification_templates$$,
  '[notification_templates/stranger/select] users cannot read templates');
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, title, body)
    values ('announcement', 'push', 'de', '{{ title }}', 'Click here')$$,
  '42501', 'new row violates row-level security policy for table "notification_templates"',
  '[notification_templates/stranger/insert] users cannot add templates');
select is_empty($$update public.notification_templates set body = 'Click here' returning 1$$,
  '[notification_templates/stranger/update] users cannot change templates');
select is_empty($$delete from public.notification_templates returning 1$$,
  '[notification_templates/stranger/delete] users cannot remove templates');

-- admin ---------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is((select count(*) from public.notification_categories), 12::bigint,
  '[notification_categories/admin/select] admins read every category');
select throws_ok($$insert into public.notification_categories (key, default_channels, description) values ('promos', '{email}', 'x')$$,
  '42501', 'permission denied for table notification_categories',
  '[notification_categories/admin/insert] categories come with the code that raises them: not even admins add one');
select results_eq(
  $$update public.notification_categories set default_channels = '{in_app,email}' where key = 'announcements'
    returning default_channels::text[]$$,
  $$values ('{in_app,email}'::text[])$$,
  '[notification_categories/admin/update] admins change which channels a category uses by default');
select throws_ok($$delete from public.notification_categories where key = 'jobs'$$,
  '42501', 'permission denied for table notification_categories',
  '[notification_categories/admin/delete] admins cannot remove a category');
select is((select count(*) from public.notification_event_types), 36::bigint,
  '[notification_event_types/admin/select] admins read every event type');
select throws_ok(
  $$insert into public.notification_event_types (key, category, variables, description) values ('job.bid', 'jobs', '{}', 'x')$$,
  '42501', 'permission denied for table notification_event_types',
  '[notification_event_types/admin/insert] event types come with the code that raises them: not even admins add one');
select results_eq(
  $$update public.notification_event_types set priority = 8, severity = 'warning' where key = 'booking.cancelled'
    returning priority, severity::text$$,
  $$values (8::smallint, 'warning')$$,
  '[notification_event_types/admin/update] admins tune the priority and severity of an event');
select throws_ok($$update public.notification_event_types set variables = '{}' where key = 'booking.cancelled'$$,
  '42501', 'permission denied for table notification_event_types',
  'admins cannot change the variables an event carries: the code decides them');
select throws_ok($$delete from public.notification_event_types where key = 'announcement'$$,
  '42501', 'permission denied for table notification_event_types',
  '[notification_event_types/admin/delete] admins cannot remove an event type');
select is((select count(*) from public.notification_templates where locale = 'en'), 144::bigint,
  '[notification_templates/admin/select] admins read every template: 36 events on 4 channels in English');
select lives_ok(
  $$insert into public.notification_templates (event_type, channel, locale, subject, title, body, action_url)
    values ('booking.confirmed', 'email', 'pt-BR', 'Confirmado: {{ offering_title }} em {{ starts_at }}', 'Reserva confirmada',
            E'Olá {{recipient_name}},\n\n{{ offering_title }} em {{ starts_at }} ({{ timezone }}) está confirmado.', '{{ action_url }}')$$,
  '[notification_templates/admin/insert] admins add a translation whose placeholders are all the event''s variables');
select results_eq(
  $$update public.notification_templates set body = 'Até já, {{ recipient_name }}: {{ offering_title }} em {{ starts_at }}.'
    where event_type = 'booking.confirmed' and channel = 'email' and locale = 'pt-BR' returning locale$$,
  $$values ('pt-BR')$$,
  '[notification_templates/admin/update] admins reword a template');
select throws_ok($$update public.notification_templates set locale = 'pt' where locale = 'pt-BR'$$,
  '42501', 'permission denied for table notification_templates',
  'a template''s event, channel and locale are fixed: admins add another instead');
select results_eq($$delete from public.notification_templates where locale = 'pt-BR' returning event_type$$,
  $$values ('booking.confirmed')$$,
  '[notification_templates/admin/delete] admins remove a translation');
select throws_ok($$delete from public.notification_templates where event_type = 'booking.held' and channel = 'sms' and locale = 'en'$$,
  '22023', 'booking.held sms template: the en template is the fallback of every locale and cannot be removed; change it instead',
  'the English template cannot be removed: every locale falls back to it');

-- The template check ---------------------------------------------------------------------------------------
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, subject, title, body)
    values ('booking.confirmed', 'email', 'de', 'Bestätigt', 'Bestätigt', 'Rabatt {{ coupon_code }}: {{ discount }}, {{ offering_title }}')$$,
  '22023', 'booking.confirmed email template: undefined variables: coupon_code, discount',
  'a template using variables its event does not carry is refused, naming them');
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, title, body)
    values ('payment.failed', 'push', 'de', 'Zahlung fehlgeschlagen', '{{ amount }} {{ currency }}: {{ reason }')$$,
  '22023', 'payment.failed push template: malformed placeholder in body',
  'a placeholder missing a brace is refused rather than sent half-rendered');
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, subject, title, body)
    values ('payment.refunded', 'email', 'de', 'Erstattung {{ Amount }}', 'Erstattung', 'Hallo {{ recipient_name }}')$$,
  '22023', 'payment.refunded email template: malformed placeholder in subject',
  'a placeholder in capitals is malformed, and the check covers the subject');
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, title, body, action_url)
    values ('announcement', 'in_app', 'de', '{{ title }}', '{{ body }}', 'https://example.com/{{ path }}')$$,
  '22023', 'announcement in_app template: undefined variables: path',
  'the action URL is checked too');
select throws_ok(
  $$update public.notification_templates set body = 'Booked {{ offering_title }} for {{ amount }}'
    where event_type = 'booking.confirmed' and channel = 'push' and locale = 'en'$$,
  '22023', 'booking.confirmed push template: undefined variables: amount',
  'a change to a template is checked like a new one');
select lives_ok(
  $$insert into public.notification_templates (event_type, channel, locale, title, body)
    values ('digest.daily', 'sms', 'de', 'Zusammenfassung', '{{recipient_name}}: {{ item_count }} Neuigkeiten { heute }')$$,
  'recipient_name is always available, and single braces are plain text');
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, title, body)
    values ('announcement', 'email', 'de', '{{ title }}', '{{ body }}')$$,
  '23514', 'new row for relation "notification_templates" violates check constraint "notification_templates_subject_for_email"',
  'an email template needs a subject');
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, subject, title, body)
    values ('announcement', 'push', 'de', '{{ title }}', '{{ title }}', '{{ body }}')$$,
  '23514', 'new row for relation "notification_templates" violates check constraint "notification_templates_subject_for_email"',
  'only email templates have a subject');
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, title, body)
    values ('announcement', 'sms', 'de', '{{ title }}', repeat('x', 1601))$$,
  '23514', 'new row for relation "notification_templates" violates check constraint "notification_templates_sms_length"',
  'an SMS template stays within 1600 characters, the longest message Twilio sends');
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, title, body)
    values ('booking.exploded', 'push', 'en', 'x', 'x')$$,
  '22023', 'event_type: booking.exploded is not a known event type',
  'a template of an unknown event type is refused');
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, title, body)
    values ('announcement', 'push', 'en', '{{ title }}', '{{ body }}')$$,
  '23505', 'duplicate key value violates unique constraint "notification_templates_unique"',
  'one template per event, channel and locale');
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, title, body)
    values ('announcement', 'push', 'portuguese', '{{ title }}', '{{ body }}')$$,
  '23514', 'new row for relation "notification_templates" violates check constraint "notification_templates_locale_format"',
  'a locale is a language code with an optional region, like pt-BR');

-- service_role --------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is((select count(*) from public.notification_templates where locale = 'en'), 144::bigint,
  'the service role reads the templates it renders');

select * from finish();
rollback;
