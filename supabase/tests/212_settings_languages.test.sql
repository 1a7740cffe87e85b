-- languages (20260130000200, 20260130000300): everyone reads the active ones, admins write;
-- exactly one default; a user's preferred language (profile_details.locale) is a known, active
-- language or null; templates are written in known languages; a notification is worded in the
-- recipient's language, else the default language.
begin;
set local time zone 'UTC';
select plan(44);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
update public.languages set is_active = false where code = 'he';

-- Access: anon -----------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq($$select code from public.languages order by sort_order$$,
  $$values ('en'), ('es'), ('fr'), ('de'), ('it'), ('nl'), ('pt'), ('pt-BR'), ('pl'), ('ar')$$,
  '[languages/anon/select] anon reads the active languages');
select results_eq($$select english_name, native_name, is_rtl, locale, currency_code from public.languages where code = 'ar'$$,
  $$values ('Arabic', 'العربية', true, 'ar-SA', 'SAR')$$, 'with their names, direction, locale and currency');
select throws_ok($$insert into public.languages (code, english_name, native_name, locale) values ('sv', 'Swedish', 'Svenska', 'sv-SE')$$,
  '42501', null, '[languages/anon/insert] anon adds no language');
select throws_ok($$update public.languages set native_name = 'x'$$, '42501', null, '[languages/anon/update] nor changes one');
select throws_ok($$delete from public.languages$$, '42501', null, '[languages/anon/delete] nor removes one');

-- stranger
select tests.authenticate_as('stranger');
select is((select count(*)::integer from public.languages), 10, '[languages/stranger/select] users read the active languages');
select throws_ok($$insert into public.languages (code, english_name, native_name, locale) values ('sv', 'Swedish', 'Svenska', 'sv-SE')$$,
  '42501', null, '[languages/stranger/insert] users add no language');
select throws_ok($$update public.languages set native_name = 'x'$$, '42501', null, '[languages/stranger/update] nor change one');
select throws_ok($$delete from public.languages$$, '42501', null, '[languages/stranger/delete] nor remove one');
select throws_ok($$select public.set_default_language('fr')$$, '42501', 'only admins choose the default language',
  'nor choose the default');

-- The user's preferred language
select is((select locale from public.profile_details), null, 'a user who named no language at sign-up follows the default (null)');
select lives_ok($$update public.profile_details set locale = 'pt-BR'$$, 'a user picks an active language');
select throws_ok($$update public.profile_details set locale = 'he'$$, '22023',
  'locale he: not one of the languages offered (public.languages)', 'not an inactive one');
select throws_ok($$update public.profile_details set locale = 'sv'$$, '22023',
  'locale sv: not one of the languages offered (public.languages)', 'nor an unknown one');
select lives_ok($$update public.profile_details set locale = null$$, 'and may go back to the default');
select is((select count(*)::integer from public.profile_details), 1,
  'it lives in the private half of the profile: nobody else reads it');

-- Sign-up
select tests.clear_authentication();
select tests.create_supabase_user('brazil', metadata => '{"locale": "pt-BR"}');
select tests.create_supabase_user('klingon', metadata => '{"locale": "tlh"}');
select tests.create_supabase_user('spanish', metadata => '{"language": "es"}');
select results_eq(
  $$select u.name, d.locale from public.profile_details d
    join (values ('brazil'), ('klingon'), ('spanish')) u (name) on tests.get_supabase_uid(u.name) = d.user_id order by u.name$$,
  $$values ('brazil', 'pt-BR'), ('klingon', null), ('spanish', 'es')$$,
  'sign-up keeps a language we offer and turns any other into the default, never failing');

-- admin ----------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is((select count(*)::integer from public.languages), 11, '[languages/admin/select] admins read every language, inactive ones too');
select lives_ok($$insert into public.languages (code, english_name, native_name, locale, currency_code) values ('sv', 'Swedish', 'Svenska', 'sv-SE', 'SEK')$$,
  '[languages/admin/insert] admins add languages');
select lives_ok($$update public.languages set is_active = true, sort_order = 12 where code = 'he'$$,
  '[languages/admin/update] and change them');
select lives_ok($$delete from public.languages where code = 'sv'$$, '[languages/admin/delete] and remove one nobody uses');
select throws_ok($$insert into public.languages (code, english_name, native_name, locale) values ('Swedish', 'Swedish', 'Svenska', 'sv-SE')$$,
  '23514', null, 'a code is a BCP 47 language tag (en, pt-BR)');
select throws_ok($$update public.languages set currency_code = 'euro' where code = 'fr'$$, '23514', null,
  'a currency is an ISO 4217 code');
select throws_ok($$update public.languages set code = 'fra' where code = 'fr'$$, '42501', null, 'a code never changes');

-- Exactly one default
select throws_ok($$update public.languages set is_default = true where code = 'fr'$$, '23505', null,
  'a second default is refused at once');
select throws_ok($$update public.languages set is_active = false where code = 'en'$$, '23514', null,
  'the default stays active');
set constraints public.keep_a_default immediate;
select throws_ok($$update public.languages set is_default = false where code = 'en'$$, '23514',
  'one language must be the default: make another the default first (set_default_language)', 'and no language left default is refused');
select throws_ok($$delete from public.languages where code = 'en'$$, '23503', null,
  'the default, which templates are written in, is not removed');
set constraints public.keep_a_default deferred;
select throws_ok($$select public.set_default_language('sv')$$, 'PT404', 'no language sv', 'set_default_language: an unknown language is 404');
update public.languages set is_active = false where code = 'he';
select throws_ok($$select public.set_default_language('he')$$, '22023', 'language he is not active: activate it first',
  'an inactive one is refused');
select is((public.set_default_language('es')).code, 'es', 'admins move the default');
select results_eq($$select code from public.languages where is_default$$, $$values ('es')$$, 'the old default is no longer one');
select is(private.default_language(), 'es', 'private.default_language() follows');

-- Templates are written in known languages
select tests.clear_authentication();
select throws_ok(
  $$insert into public.notification_templates (event_type, channel, locale, title, body) values ('booking.completed', 'in_app', 'sv', 'x', 'x')$$,
  '23503', null, 'a template in a language we do not know is refused');
select lives_ok(
  $$insert into public.notification_templates (event_type, channel, locale, title, body) values ('booking.completed', 'in_app', 'he', 'הושלם', 'x')$$,
  'an inactive language may get its templates before it is offered');
select throws_ok($$delete from public.languages where code = 'he'$$, '23503', null, 'a language with templates is not removed');

-- A user's language, else the default ---------------------------------------------------------------------------
-- Default es (above). Templates of booking.completed: en (every event), es and fr (added here), he.
insert into public.notification_templates (event_type, channel, locale, subject, title, body, action_url) values
  ('booking.completed', 'in_app', 'es', null, 'Reserva completada', '{{ offering_title }}: ¡gracias!', '{{ action_url }}'),
  ('booking.completed', 'email', 'es', 'Reserva completada', 'Reserva completada', '{{ offering_title }} terminó.', '{{ action_url }}'),
  ('booking.completed', 'in_app', 'fr', null, 'Réservation terminée', '{{ offering_title }} : merci !', '{{ action_url }}');
select tests.create_supabase_user('french', metadata => '{"locale": "fr"}');
select tests.create_supabase_user('hebrew');
-- hebrew chose he while it was offered.
update public.languages set is_active = true where code = 'he';
update public.profile_details set locale = 'he' where user_id = tests.get_supabase_uid('hebrew');
update public.languages set is_active = false where code = 'he';
update public.profile_details set locale = 'en' where user_id = tests.get_supabase_uid('klingon');
select private.enqueue_notification('booking.completed', 'test:languages',
  tests.uids('stranger', 'brazil', 'french', 'hebrew', 'klingon'),
  '{"booking_id": "b-1", "offering_title": "Grooming", "starts_at": "Tue 13 Jan 2026, 10:00", "timezone": "UTC",
    "client_name": "Owner", "provider_name": "Groomer", "action_url": "https://app.example.com/bookings/b-1"}');
select tests.authenticate_as_service_role();
select is(service.expand_notifications(), 1, 'the event is expanded');
select tests.clear_authentication();
select results_eq(
  $$select u.name, n.title from public.notifications n
    join (values ('stranger'), ('brazil'), ('french'), ('hebrew'), ('klingon')) u (name) on tests.get_supabase_uid(u.name) = n.user_id
    order by u.name$$,
  $$values ('brazil', 'Reserva completada'), ('french', 'Réservation terminée'), ('hebrew', 'Reserva completada'),
           ('klingon', 'Booking completed'), ('stranger', 'Reserva completada')$$,
  'the inbox speaks each user''s language: no choice, an inactive language or one without the template (pt-BR, no pt) fall back to the default (es); a user who chose en gets en');
select results_eq(
  $$select u.name, d.locale from public.notification_deliveries d
    join (values ('stranger'), ('brazil'), ('french'), ('hebrew'), ('klingon')) u (name) on tests.get_supabase_uid(u.name) = d.user_id
    where d.channel = 'email' order by u.name$$,
  $$values ('brazil', 'pt-BR'), ('french', 'fr'), ('hebrew', 'es'), ('klingon', 'en'), ('stranger', 'es')$$,
  'a delivery keeps the recipient''s active language, else the default');
select tests.authenticate_as_service_role();
select is(jsonb_array_length(set_config('t.claimed', (select jsonb_agg(c)::text from service.claim_deliveries('worker-lang', 50) c), true)::jsonb),
  5, 'a worker claims the five email deliveries');
select tests.clear_authentication();
select results_eq(
  $$select u.name, c ->> 'subject', c ->> 'body' from jsonb_array_elements(current_setting('t.claimed')::jsonb) c
    join public.notification_deliveries d on d.id = (c ->> 'delivery_id')::uuid
    join (values ('brazil'), ('french'), ('klingon')) u (name) on tests.get_supabase_uid(u.name) = d.user_id
    where c ->> 'channel' = 'email' order by u.name$$,
  $$values ('brazil', 'Reserva completada', '{{ offering_title }} terminó.'),
           ('french', 'Reserva completada', '{{ offering_title }} terminó.'),
           ('klingon', 'Thanks for {{ offering_title }}', (select body from public.notification_templates
                                                          where event_type = 'booking.completed' and channel = 'email' and locale = 'en'))$$,
  'the dispatcher gets the template the same way: pt-BR and fr have no email template, so the default language''s; en its own');
select results_eq(
  $$select t.locale from private.pick_template('booking.completed', 'in_app', 'pt-BR') t
    union all select t.locale from private.pick_template('booking.completed', 'in_app', 'fr-CA') t
    union all select t.locale from private.pick_template('booking.completed', 'push', 'fr') t$$,
  $$values ('es'), ('fr'), ('en')$$,
  'pick_template: the locale, its base language, the default language, then en');
update public.languages set is_default = false where code = 'es';
update public.languages set is_default = true where code = 'en';
select is((select t.locale from private.pick_template('booking.completed', 'in_app', 'pt-BR') t), 'en',
  'with en the default again, what has no template in the user''s language is English');

-- Removing a language a user chose sets them back to the default
select tests.clear_authentication();
insert into public.languages (code, english_name, native_name, locale) values ('sv', 'Swedish', 'Svenska', 'sv-SE');
update public.profile_details set locale = 'sv' where user_id = tests.get_supabase_uid('klingon');
delete from public.languages where code = 'sv';
select is((select locale from public.profile_details where user_id = tests.get_supabase_uid('klingon')), null,
  'a removed language leaves its users on the default');

select * from finish();
rollback;
