-- audit log (issue 19): the generic trigger records who (user and token role, or the database
-- role without a token), which row and the changed columns only, on every audited table; admins
-- read the log, nobody writes, changes or deletes it (admins and the owner included).
begin;
set local time zone 'UTC';
select plan(32);
select tests.start_with_empty_marketplace();
select tests.open_marketplace();
select tests.create_supabase_user('stranger');

create function pg_temp.outcome(statement text) returns text language plpgsql as $$
declare
  n bigint;
begin
  execute format('with r as (%s) select count(*) from r', statement) into n;
  return n::text;
exception when insufficient_privilege then
  return 'denied';
end
$$;
grant execute on all functions in schema pg_temp to anon, authenticated, service_role;

-- The last entry of a table, as (operation, actor, role, old, new).
create function pg_temp.last_entry(tbl text)
returns table (operation text, actor_id uuid, actor_role text, row_id text, old_values jsonb, new_values jsonb)
language sql as $$
  select a.operation, a.actor_id, a.actor_role, a.row_id, a.old_values, a.new_values
  from public.audit_log a where a.table_name = tbl order by a.id desc limit 1
$$;

-- The tables that matter are audited ---------------------------------------------------------------------
select is(
  (select array_agg(t order by t) from unnest(array[
     'public.user_roles', 'public.provider_profiles', 'public.provider_verifications', 'public.offerings',
     'public.offering_addons', 'public.offering_packages', 'public.travel_fee_policies', 'public.tax_rates',
     'public.provider_rate_bounds', 'public.categories', 'public.service_areas', 'public.offers', 'public.coupons',
     'public.refunds', 'public.disputes', 'public.job_disputes', 'private.settings', 'public.user_blocks']) t
   where not exists (select 1 from pg_trigger g where g.tgrelid = t::regclass and g.tgname = 'audit_changes'
                       and g.tgfoid = 'private.tg_audit()'::regprocedure)),
  null, 'roles, verification, prices, offers, coupons, refunds, disputes, settings and blocks carry the audit trigger');

-- Roles: who granted what to whom -------------------------------------------------------------------------
select tests.authenticate_as('admin');
select lives_ok($$insert into public.user_roles (user_id, role) values (tests.get_supabase_uid('stranger'), 'provider')$$,
  'an admin grants a role');
select tests.clear_authentication();
select results_eq($$select operation, actor_id, actor_role, new_values ->> 'role', new_values ->> 'user_id' from pg_temp.last_entry('public.user_roles')$$,
  $$values ('insert'::text, tests.get_supabase_uid('admin'), 'marketbase_admin'::text, 'provider'::text, tests.get_supabase_uid('stranger')::text)$$,
  'the grant is recorded: the admin, their token''s role, the new row');
select is((select row_id from pg_temp.last_entry('public.user_roles')),
  (select id::text from public.user_roles where user_id = tests.get_supabase_uid('stranger') and role = 'provider'),
  'with the row''s primary key');
select tests.authenticate_as('admin');
delete from public.user_roles where user_id = tests.get_supabase_uid('stranger') and role = 'provider';
select tests.clear_authentication();
select results_eq($$select operation, old_values ->> 'role', new_values from pg_temp.last_entry('public.user_roles')$$,
  $$values ('delete'::text, 'provider'::text, null::jsonb)$$, 'the revocation too, with the old row');

-- Verification: only the verification columns ---------------------------------------------------------
select tests.authenticate_as('admin');
select lives_ok(format($$select public.set_provider_verification(%L, true)$$, tests.get_supabase_uid('provider')),
  'an admin verifies a provider');
select tests.clear_authentication();
select results_eq(
  $$select operation, actor_id, (select array_agg(k order by k) from jsonb_object_keys(new_values) k), old_values ->> 'is_verified', new_values ->> 'is_verified'
    from pg_temp.last_entry('public.provider_profiles')$$,
  $$values ('update'::text, tests.get_supabase_uid('admin'), array['is_verified', 'verified_at', 'verified_by'], 'false'::text, 'true'::text)$$,
  'recorded: who, and only the columns that changed, before and after');
select tests.authenticate_as('provider');
update public.provider_profiles set bio = 'Twenty years of advice' where user_id = auth.uid();
select tests.clear_authentication();
select is((select count(*)::int from public.audit_log where table_name = 'public.provider_profiles' and operation = 'update'), 1,
  'a provider''s bio is not audited (only verification and rates are)');

-- Prices: the price columns of offerings -----------------------------------------------------------------
select tests.authenticate_as('provider');
update public.offerings set price = 12000 where id = tests.advice();
update public.offerings set title = 'Advice, refreshed' where id = tests.advice();
select tests.clear_authentication();
select results_eq($$select operation, actor_id, actor_role, old_values, new_values from pg_temp.last_entry('public.offerings')$$,
  $$values ('update'::text, tests.get_supabase_uid('provider'), 'authenticated'::text, '{"price": 10000}'::jsonb, '{"price": 12000}'::jsonb)$$,
  'a provider''s new price: old and new value of that column alone');
select is((select count(*)::int from public.audit_log where table_name = 'public.offerings' and operation = 'update'), 1,
  'a new title is not a price: not recorded');

-- Offers and coupons: every column but updated_at --------------------------------------------------------
select tests.authenticate_as('admin');
insert into public.offers (id, name, percent_off) values ('0f000000-0000-4000-8000-0000000000aa', 'Spring', 10);
insert into public.coupons (id, offer_id, code) values ('c0000000-0000-4000-8000-0000000000aa', '0f000000-0000-4000-8000-0000000000aa', 'SPRING');
update public.offers set percent_off = 15 where id = '0f000000-0000-4000-8000-0000000000aa';
select tests.clear_authentication();
select results_eq($$select operation, old_values, new_values from pg_temp.last_entry('public.offers')$$,
  $$values ('update'::text, '{"percent_off": 10.00}'::jsonb, '{"percent_off": 15.00}'::jsonb)$$,
  'an offer''s discount changed: only percent_off, not updated_at');
select is((select new_values ->> 'code' from pg_temp.last_entry('public.coupons')), 'SPRING', 'a coupon created is recorded whole');
select tests.authenticate_as_service_role();
update public.coupons set is_active = false where code = 'SPRING';
select tests.clear_authentication();
select results_eq($$select actor_id, actor_role, new_values from pg_temp.last_entry('public.coupons')$$,
  $$values (null::uuid, 'service_role'::text, '{"is_active": false}'::jsonb)$$, 'the service role is recorded as such, without a user');
select tests.authenticate_as('admin');
update public.coupons set is_active = false where code = 'SPRING';
select tests.clear_authentication();
select is((select count(*)::int from public.audit_log where table_name = 'public.coupons'), 2,
  'an update that changes nothing writes nothing');

-- Settings: no token, the database role ------------------------------------------------------------------
update private.settings set value = '7' where key = 'auth.max_failed_logins';
select results_eq($$select actor_id, actor_role, row_id, old_values, new_values from pg_temp.last_entry('private.settings')$$,
  $$values (null::uuid, 'postgres'::text, 'auth.max_failed_logins'::text, '{"value": 5}'::jsonb, '{"value": 7}'::jsonb)$$,
  'a migration or a job changing a setting is recorded as the database role');

-- A composite key is a JSON object ---------------------------------------------------------------------
update public.provider_rate_bounds set max_rate = max_rate + 1 where kind = 'coach' and currency = 'USD';
select is((select row_id::jsonb from pg_temp.last_entry('public.provider_rate_bounds')), '{"kind": "coach", "currency": "USD"}'::jsonb,
  'a row with a composite key is named by its columns');

-- The one-liner refuses what it cannot audit -----------------------------------------------------------
select throws_ok($$select private.audit_table('public.offers', ignored_columns => '{no_such_column}')$$, '22023', null,
  'a column that does not exist is refused');
select throws_ok($$select private.audit_table('public.billing_records')$$, '22023', null, 'so is a relation without a primary key');

-- Access ---------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select is(pg_temp.outcome('select 1 from public.audit_log'), 'denied', '[audit_log/anon/select] visitors read nothing');
select is(pg_temp.outcome($$insert into public.audit_log (actor_role, operation, table_name, row_id) values ('anon', 'insert', 'x', '1') returning 1$$),
  'denied', '[audit_log/anon/insert] nor write');
select is(pg_temp.outcome('update public.audit_log set actor_role = $x$anon$x$ returning 1'), 'denied', '[audit_log/anon/update] nor change');
select is(pg_temp.outcome('delete from public.audit_log returning 1'), 'denied', '[audit_log/anon/delete] nor delete');
select tests.authenticate_as('stranger');
select is(pg_temp.outcome('select 1 from public.audit_log'), '0', '[audit_log/stranger/select] users read nothing, their own changes neither');
select is(pg_temp.outcome($$insert into public.audit_log (actor_role, operation, table_name, row_id) values ('x', 'insert', 'x', '1') returning 1$$),
  'denied', '[audit_log/stranger/insert] nor forge an entry');
select is(pg_temp.outcome('update public.audit_log set actor_role = $x$x$x$ returning 1'), 'denied', '[audit_log/stranger/update] nor change one');
select is(pg_temp.outcome('delete from public.audit_log returning 1'), 'denied', '[audit_log/stranger/delete] nor delete one');
select tests.authenticate_as('admin');
select is(pg_temp.outcome('select 1 from public.audit_log'), (select count(*)::text from public.audit_log),
  '[audit_log/admin/select] admins read the whole log');
select is(pg_temp.outcome($$insert into public.audit_log (actor_role, operation, table_name, row_id) values ('x', 'insert', 'x', '1') returning 1$$),
  'denied', '[audit_log/admin/insert] but do not write it');
select is(pg_temp.outcome('update public.audit_log set actor_role = $x$x$x$ returning 1'), 'denied', '[audit_log/admin/update] nor rewrite it');
select is(pg_temp.outcome('delete from public.audit_log returning 1'), 'denied', '[audit_log/admin/delete] nor delete from it');
select tests.clear_authentication();
select throws_ok($$update public.audit_log set actor_role = 'nobody'$$, '42501', 'the audit log cannot be changed',
  'the owner cannot rewrite it either');
select throws_ok($$delete from public.audit_log$$, '42501', 'the audit log cannot be changed', 'nor delete from it');

select * from finish();
rollback;
