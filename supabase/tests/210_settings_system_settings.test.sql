-- system settings (20260130000000): the public ones for everyone, all but the secrets for admins,
-- through public.system_settings; admins change values through update_setting(); every write,
-- whoever makes it, is validated against the setting's own rules; the rules keep reading
-- private.setting().
begin;
select plan(54);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('stranger');
select set_config('t.settings', (select count(*)::text from private.settings where not is_secret), true);
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');

-- Every setting follows its own rules ----------------------------------------------------------------------
select is_empty($$select s.key from private.settings s where private.setting_problem(s) is not null$$,
  'every setting''s value passes its own rules');
select is_empty(
  $$select s.key from private.settings s
    where s.value_type in ('integer', 'number') and (s.min_value is null or s.max_value is null) and s.key not like 'apps.%'$$,
  'every numeric setting has bounds');
select results_eq(
  $$select key from private.settings where is_secret order by key$$,
  $$values ('lab.render_secret'), ('notifications.dispatch_secret'), ('pricing.centre_secret')$$,
  'the secrets are marked secret');

-- anon ----------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select results_eq(
  $$select key from public.system_settings order by key$$,
  $$values ('bookings.hold_minutes'), ('general.default_currency'), ('general.maintenance_mode'), ('general.site_name'),
           ('general.support_email'), ('jobs.max_open_per_client'), ('jobs.publish_days'), ('messaging.max_message_length'),
           ('purchases.max_cart_items')$$,
  '[system_settings/anon/select] anon reads the public settings and no others');
select results_eq(
  $$select value #>> '{}', value_type, category from public.system_settings where key = 'general.support_email'$$,
  $$values ('support@example.com', 'email', 'general')$$,
  'with their value, type and category');
select throws_ok($$insert into public.system_settings (key, value, description) values ('general.x', '1', 'x')$$, '42501', null,
  '[system_settings/anon/insert] anon adds no setting');
select throws_ok($$update public.system_settings set description = 'x'$$, '42501', null,
  '[system_settings/anon/update] nor changes one');
select throws_ok($$delete from public.system_settings$$, '42501', null, '[system_settings/anon/delete] nor removes one');
select throws_ok($$select public.update_setting('bookings.hold_minutes', '20')$$, '42501', null,
  'nor calls update_setting');

-- stranger (any signed-in user) ------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select is((select count(*)::integer from public.system_settings), 9, '[system_settings/stranger/select] users read the public settings');
select is_empty($$select 1 from public.system_settings where key in ('auth.max_failed_logins', 'pricing.centre_secret')$$,
  'not the private ones nor the secrets');
select is(private.setting('bookings.hold_minutes'), '15'::jsonb, 'the rules still read every setting as the user (private.setting)');
select throws_ok($$insert into public.system_settings (key, value, description) values ('general.x', '1', 'x')$$, '42501', null,
  '[system_settings/stranger/insert] users add no setting');
select throws_ok($$update public.system_settings set description = 'x'$$, '42501', null,
  '[system_settings/stranger/update] nor change one');
select throws_ok($$delete from public.system_settings$$, '42501', null, '[system_settings/stranger/delete] nor remove one');
select throws_ok($$select public.update_setting('bookings.hold_minutes', '20')$$, '42501', 'only admins change settings',
  'update_setting is for admins');
select throws_ok($$update private.settings set value = '20' where key = 'bookings.hold_minutes'$$, '42501', null,
  'and the store itself takes no write from users');

-- admin --------------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select is((select count(*)::integer from public.system_settings), current_setting('t.settings')::integer,
  '[system_settings/admin/select] admins read every setting');
select is_empty($$select 1 from public.system_settings where key like '%secret%'$$, 'but the secrets');
select is_empty($$select 1 from private.settings where is_secret$$, 'not even in the store');
select results_eq(
  $$select value, updated_by = auth.uid() from public.update_setting('bookings.hold_minutes', '20')$$,
  $$values ('20'::jsonb, true)$$,
  '[system_settings/admin/update] admins change a value through update_setting, which says who did');
select is(private.setting('bookings.hold_minutes'), '20'::jsonb, 'and the rules read the new value');
select lives_ok($$select public.update_setting('general.maintenance_mode', 'true')$$, 'a boolean');
select lives_ok($$select public.update_setting('pricing.default_commission_rate', '0.2')$$, 'a number within its bounds');
select lives_ok($$select public.update_setting('notifications.dispatch_url', 'null')$$, 'null where the setting allows it');
select lives_ok($$select public.update_setting('general.default_currency', '"GBP"')$$, 'a text matching its pattern');

-- Validation: what a frontend shows ------------------------------------------------------------------------------
select throws_ok($$select public.update_setting('bookings.hold_minutes', '0')$$, '22023',
  'bookings.hold_minutes must be between 1 and 1440', 'a value below its minimum is refused, saying the bounds');
select throws_ok($$select public.update_setting('bookings.hold_minutes', '100000')$$, '22023',
  'bookings.hold_minutes must be between 1 and 1440', 'and one above its maximum');
select throws_ok($$select public.update_setting('bookings.hold_minutes', '1.5')$$, '22023',
  'bookings.hold_minutes must be a whole number', 'an integer setting takes no fraction');
select throws_ok($$select public.update_setting('bookings.hold_minutes', '"15"')$$, '22023',
  'bookings.hold_minutes must be a whole number', 'nor a text');
select throws_ok($$select public.update_setting('pricing.default_commission_rate', '1.5')$$, '22023',
  'pricing.default_commission_rate must be between 0 and 1', 'a number within its bounds only');
select throws_ok($$select public.update_setting('catalog.require_verified_providers', '"yes"')$$, '22023',
  'catalog.require_verified_providers must be true or false', 'a boolean is true or false');
select throws_ok($$select public.update_setting('general.default_currency', '"euro"')$$, '22023',
  'general.default_currency must match ^[A-Z]{3}$', 'a text must match its pattern');
select throws_ok($$select public.update_setting('general.support_email', '"not-an-address"')$$, '22023',
  'general.support_email must be an e-mail address', 'an e-mail setting takes an address');
select throws_ok($$select public.update_setting('notifications.app_url', '"ftp://example.com"')$$, '22023',
  'notifications.app_url must be an http or https URL', 'a URL setting takes an http(s) URL');
select throws_ok($$select public.update_setting('notifications.app_url', null)$$, '22023',
  'notifications.app_url is required (null is not allowed)', 'null only where the setting allows it');
select throws_ok($$select public.update_setting('general.site_name', '""')$$, '22023',
  'general.site_name must be between 1 and 80 characters long', 'a text within its length');
select throws_ok($$select public.update_setting('nothing.here', '1')$$, 'PT404', 'no setting named nothing.here',
  'an unknown key is 404');
select throws_ok($$select public.update_setting('notifications.dispatch_secret', '"guess"')$$, 'PT404',
  'no setting named notifications.dispatch_secret', 'and so is a secret: admins neither read nor write them');
select throws_ok($$update private.settings set max_value = 100000 where key = 'bookings.hold_minutes'$$, '42501', null,
  'admins change values, not the rules (a migration does)');
select throws_ok($$insert into public.system_settings (key, value, description) values ('general.x', '1', 'x')$$, '42501', null,
  '[system_settings/admin/insert] admins add no setting through the API: new settings come with the migrations that read them');
select throws_ok($$delete from public.system_settings$$, '42501', null,
  '[system_settings/admin/delete] nor remove one the rules read');
select results_eq(
  $$select value from public.system_settings where key in ('bookings.hold_minutes', 'general.default_currency') order by key$$,
  $$values ('20'::jsonb), ('"GBP"'::jsonb)$$, 'refused changes left the values as they were');

-- The store, written with SQL (migrations, operators) ----------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$update private.settings set value = '-1' where key = 'auth.max_failed_logins'$$, '22023',
  'auth.max_failed_logins must be between 1 and 100', 'an operator''s SQL is validated too');
select lives_ok(
  $$insert into private.settings (key, value, description) values ('retention.deleted_days', '90', 'Days deleted rows are kept.')$$,
  'a setting inserted the old way (key, value, description) is accepted');
select results_eq(
  $$select value_type, category, is_nullable, is_public from private.settings where key = 'retention.deleted_days'$$,
  $$values ('integer', 'retention', false, false)$$,
  'with its type inferred from its value and its category from its key, private');
select throws_ok($$update private.settings set value = '"ninety"' where key = 'retention.deleted_days'$$, '22023',
  'retention.deleted_days must be a whole number', 'and validated from then on');
select lives_ok(
  $$insert into private.settings (key, value, description, value_type, allowed_values)
    values ('retention.purge_frequency', '"daily"', 'How often the purge runs.', 'string', '["daily", "weekly"]')$$,
  'a setting may list its allowed values');
select throws_ok($$update private.settings set value = '"monthly"' where key = 'retention.purge_frequency'$$, '22023',
  'retention.purge_frequency must be one of daily, weekly', 'and takes no other');
select throws_ok(
  $$insert into private.settings (key, value, description, validation_regex) values ('retention.code', '"a"', 'x', '([a-z')$$,
  '22023', null, 'a pattern that is not a regular expression is refused');
select throws_ok(
  $$insert into private.settings (key, value, description, min_value, max_value) values ('retention.days', '5', 'x', 10, 1)$$,
  '22023', 'retention.days min_value 10 is above max_value 1', 'bounds in order');
select throws_ok(
  $$insert into private.settings (key, value, description, is_public, is_secret) values ('retention.token', '"a"', 'x', true, true)$$,
  '23514', null, 'a secret is never public');
select throws_ok($$insert into private.settings (key, value, description) values ('Bad Key', '1', 'x')$$, '23514', null,
  'keys are dotted lowercase names');
select results_eq($$select (private.setting('retention.deleted_days'))::integer$$, $$values (90)$$,
  'private.setting() reads a new setting at once');

select * from finish();
rollback;
