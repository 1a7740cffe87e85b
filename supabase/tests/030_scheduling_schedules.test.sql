-- schedules, availability_rules, availability_exceptions: everyone reads when a provider
-- works; only the owner and admins write it; date exceptions stay private to them. The
-- timezone must be an IANA name and weekly rules of one day never overlap.
begin;
select plan(67);
select tests.start_with_empty_marketplace();

select tests.create_supabase_user('owner', metadata => '{"account_type": "provider"}');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');

-- owner ---------------------------------------------------------------------------------------------
select tests.authenticate_as('owner');
select throws_ok(
  $$insert into public.schedules (user_id, timezone) values (tests.get_supabase_uid('owner'), 'Mars/Olympus_Mons')$$,
  '22023', 'timezone: Mars/Olympus_Mons is not an IANA time zone name (e.g. Europe/London)',
  'a schedule in a timezone that does not exist is refused, naming the field');
select throws_ok(
  $$insert into public.schedules (user_id, timezone) values (tests.get_supabase_uid('owner'), '+02:00')$$,
  '22023', null, 'a bare UTC offset is not accepted as a timezone');
select lives_ok(
  $$insert into public.schedules (user_id, timezone, slot_step_minutes, buffer_before_minutes)
    values (tests.get_supabase_uid('owner'), 'Europe/London', 30, 10)$$,
  '[schedules/owner/insert] a provider creates their schedule in an IANA timezone');
select results_eq(
  $$select timezone, slot_step_minutes, buffer_before_minutes, buffer_after_minutes, min_notice_minutes, horizon_days
    from public.schedules where user_id = tests.get_supabase_uid('owner')$$,
  $$values ('Europe/London'::text, 30, 10, 0, 120, 60)$$,
  '[schedules/owner/select] a provider reads their schedule, with default notice of 2 hours and horizon of 60 days');
select isnt_empty(
  $$update public.schedules set buffer_after_minutes = 15, timezone = 'America/New_York'
    where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[schedules/owner/update] a provider changes their buffers and timezone');
select throws_ok(
  $$update public.schedules set timezone = 'Eastern Standard Time' where user_id = tests.get_supabase_uid('owner')$$,
  '22023', 'timezone: Eastern Standard Time is not an IANA time zone name (e.g. Europe/London)',
  'changing the timezone to a name that is not IANA is refused');
select throws_ok(
  $$update public.schedules set slot_step_minutes = 3 where user_id = tests.get_supabase_uid('owner')$$,
  '23514', null, 'a slot step under 5 minutes is refused');
select throws_ok(
  $$update public.schedules set horizon_days = 0 where user_id = tests.get_supabase_uid('owner')$$,
  '23514', null, 'a horizon of zero days is refused');
select throws_ok(
  $$insert into public.schedules (user_id, timezone) values (tests.get_supabase_uid('stranger'), 'UTC')$$,
  '42501', 'new row violates row-level security policy for table "schedules"',
  'a provider cannot create a schedule for someone else');

select lives_ok(
  $$insert into public.availability_rules (user_id, weekday, start_time, end_time)
    values (tests.get_supabase_uid('owner'), 1, '09:00', '12:00'), (tests.get_supabase_uid('owner'), 1, '13:00', '17:00')$$,
  '[availability_rules/owner/insert] a provider adds two Monday windows with a lunch break');
select throws_ok(
  $$insert into public.availability_rules (user_id, weekday, start_time, end_time)
    values (tests.get_supabase_uid('owner'), 1, '11:00', '14:00')$$,
  '23P01', null, 'a window overlapping another window of the same weekday is refused');
select lives_ok(
  $$insert into public.availability_rules (user_id, weekday, start_time, end_time)
    values (tests.get_supabase_uid('owner'), 1, '12:00', '13:00')$$,
  'a window that only touches its neighbours (ends where one starts) is accepted');
select lives_ok(
  $$insert into public.availability_rules (user_id, weekday, start_time, end_time)
    values (tests.get_supabase_uid('owner'), 2, '11:00', '14:00')$$,
  'the same hours on another weekday do not overlap');
select throws_ok(
  $$insert into public.availability_rules (user_id, weekday, start_time, end_time)
    values (tests.get_supabase_uid('owner'), 3, '17:00', '09:00')$$,
  '23514', null, 'a window that ends before it starts is refused');
select throws_ok(
  $$insert into public.availability_rules (user_id, weekday, start_time, end_time)
    values (tests.get_supabase_uid('owner'), 0, '09:00', '10:00')$$,
  '23514', null, 'weekdays are ISO (1 = Monday .. 7 = Sunday); 0 is refused');
select results_eq(
  $$select weekday, start_time, end_time from public.availability_rules
    where user_id = tests.get_supabase_uid('owner') order by weekday, start_time$$,
  $$values (1::smallint, '09:00'::time, '12:00'::time), (1::smallint, '12:00', '13:00'), (1::smallint, '13:00', '17:00'),
           (2::smallint, '11:00', '14:00')$$,
  '[availability_rules/owner/select] a provider reads their weekly windows');
select throws_ok(
  $$update public.availability_rules set end_time = '15:00' where user_id = tests.get_supabase_uid('owner') and weekday = 1 and start_time = '12:00'$$,
  '23P01', null, 'stretching a window over its neighbour is refused');
select isnt_empty(
  $$update public.availability_rules set start_time = '08:00' where user_id = tests.get_supabase_uid('owner') and weekday = 1 and start_time = '09:00' returning 1$$,
  '[availability_rules/owner/update] a provider opens earlier on Mondays');
select isnt_empty(
  $$delete from public.availability_rules where user_id = tests.get_supabase_uid('owner') and weekday = 1 and start_time = '12:00' returning 1$$,
  '[availability_rules/owner/delete] a provider removes a window (takes a lunch break again)');
select throws_ok(
  $$insert into public.availability_rules (user_id, weekday, start_time, end_time)
    values (tests.get_supabase_uid('admin'), 1, '09:00', '10:00')$$,
  '42501', 'new row violates row-level security policy for table "availability_rules"',
  'a provider cannot add windows to someone else''s schedule');

select lives_ok(
  $$insert into public.availability_exceptions (user_id, on_date, is_available, reason)
    values (tests.get_supabase_uid('owner'), current_date + 10, false, 'Holiday')$$,
  '[availability_exceptions/owner/insert] a provider closes a whole day');
select lives_ok(
  $$insert into public.availability_exceptions (user_id, on_date, is_available, start_time, end_time)
    values (tests.get_supabase_uid('owner'), current_date + 11, true, '18:00', '20:00'),
           (tests.get_supabase_uid('owner'), current_date + 12, false, '09:00', '11:00')$$,
  'a provider adds extra evening hours one day and closes part of another');
select throws_ok(
  $$insert into public.availability_exceptions (user_id, on_date, is_available)
    values (tests.get_supabase_uid('owner'), current_date + 13, true)$$,
  '23514', null, 'extra hours without times are refused');
select throws_ok(
  $$insert into public.availability_exceptions (user_id, on_date, is_available, start_time)
    values (tests.get_supabase_uid('owner'), current_date + 13, false, '10:00')$$,
  '23514', null, 'a start time without an end time is refused');
select throws_ok(
  $$insert into public.availability_exceptions (user_id, on_date, is_available, start_time, end_time)
    values (tests.get_supabase_uid('owner'), current_date + 13, false, '12:00', '10:00')$$,
  '23514', null, 'closed hours that end before they start are refused');
select results_eq(
  $$select on_date - current_date, is_available, start_time from public.availability_exceptions order by on_date$$,
  $$values (10, false, null::time), (11, true, '18:00'), (12, false, '09:00')$$,
  '[availability_exceptions/owner/select] a provider reads their date exceptions');
select isnt_empty(
  $$update public.availability_exceptions set reason = 'Bank holiday' where on_date = current_date + 10 returning 1$$,
  '[availability_exceptions/owner/update] a provider edits an exception');
select isnt_empty(
  $$delete from public.availability_exceptions where on_date = current_date + 12 returning 1$$,
  '[availability_exceptions/owner/delete] a provider removes an exception');

-- stranger ------------------------------------------------------------------------------------------
select tests.authenticate_as('stranger');
select results_eq(
  $$select timezone from public.schedules where user_id = tests.get_supabase_uid('owner')$$,
  $$values ('America/New_York'::text)$$,
  '[schedules/stranger/select] anyone signed in reads a provider''s schedule settings');
select throws_ok(
  $$insert into public.schedules (user_id, timezone) values (tests.get_supabase_uid('admin'), 'UTC')$$,
  '42501', 'new row violates row-level security policy for table "schedules"',
  '[schedules/stranger/insert] a user cannot create a schedule for another user');
select is_empty($$update public.schedules set min_notice_minutes = 0 returning 1$$,
  '[schedules/stranger/update] a user cannot change another user''s schedule');
select is_empty($$delete from public.schedules returning 1$$,
  '[schedules/stranger/delete] a user cannot remove another user''s schedule');
select is(
  (select count(*) from public.availability_rules where user_id = tests.get_supabase_uid('owner')), 3::bigint,
  '[availability_rules/stranger/select] anyone signed in reads a provider''s weekly windows');
select throws_ok(
  $$insert into public.availability_rules (user_id, weekday, start_time, end_time)
    values (tests.get_supabase_uid('owner'), 6, '09:00', '10:00')$$,
  '42501', 'new row violates row-level security policy for table "availability_rules"',
  '[availability_rules/stranger/insert] a user cannot add windows to another user''s schedule');
select is_empty($$update public.availability_rules set end_time = '23:00' returning 1$$,
  '[availability_rules/stranger/update] a user cannot change another user''s windows');
select is_empty($$delete from public.availability_rules returning 1$$,
  '[availability_rules/stranger/delete] a user cannot remove another user''s windows');
select is_empty($$select * from public.availability_exceptions$$,
  '[availability_exceptions/stranger/select] a user cannot see another user''s date exceptions (why they are away)');
select throws_ok(
  $$insert into public.availability_exceptions (user_id, on_date, is_available)
    values (tests.get_supabase_uid('owner'), current_date + 20, false)$$,
  '42501', 'new row violates row-level security policy for table "availability_exceptions"',
  '[availability_exceptions/stranger/insert] a user cannot close another user''s day');
select is_empty($$update public.availability_exceptions set is_available = true, start_time = '00:00', end_time = '23:00' returning 1$$,
  '[availability_exceptions/stranger/update] a user cannot change another user''s exceptions');
select is_empty($$delete from public.availability_exceptions returning 1$$,
  '[availability_exceptions/stranger/delete] a user cannot remove another user''s exceptions');

-- anon ------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select isnt_empty($$select timezone, slot_step_minutes from public.schedules$$,
  '[schedules/anon/select] visitors read schedule settings');
select throws_ok($$insert into public.schedules (user_id, timezone) values (gen_random_uuid(), 'UTC')$$, '42501', null,
  '[schedules/anon/insert] visitors cannot create schedules');
select throws_ok($$update public.schedules set horizon_days = 1$$, '42501', null,
  '[schedules/anon/update] visitors cannot change schedules');
select throws_ok($$delete from public.schedules$$, '42501', null,
  '[schedules/anon/delete] visitors cannot remove schedules');
select isnt_empty($$select weekday, start_time, end_time from public.availability_rules$$,
  '[availability_rules/anon/select] visitors read weekly windows');
select throws_ok(
  $$insert into public.availability_rules (user_id, weekday, start_time, end_time) values (gen_random_uuid(), 1, '09:00', '10:00')$$,
  '42501', null, '[availability_rules/anon/insert] visitors cannot add windows');
select throws_ok($$update public.availability_rules set end_time = '23:00'$$, '42501', null,
  '[availability_rules/anon/update] visitors cannot change windows');
select throws_ok($$delete from public.availability_rules$$, '42501', null,
  '[availability_rules/anon/delete] visitors cannot remove windows');
select throws_ok($$select * from public.availability_exceptions$$, '42501', null,
  '[availability_exceptions/anon/select] visitors cannot read date exceptions');
select throws_ok(
  $$insert into public.availability_exceptions (user_id, on_date, is_available) values (gen_random_uuid(), current_date, false)$$,
  '42501', null, '[availability_exceptions/anon/insert] visitors cannot add exceptions');
select throws_ok($$update public.availability_exceptions set reason = 'x'$$, '42501', null,
  '[availability_exceptions/anon/update] visitors cannot change exceptions');
select throws_ok($$delete from public.availability_exceptions$$, '42501', null,
  '[availability_exceptions/anon/delete] visitors cannot remove exceptions');

-- admin -------------------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select throws_ok(
  $$insert into public.schedules (user_id, timezone) values (tests.get_supabase_uid('stranger'), 'Europe/Londres')$$,
  '22023', null, 'admins too cannot create a schedule in an unknown timezone');
select lives_ok(
  $$insert into public.schedules (user_id, timezone) values (tests.get_supabase_uid('stranger'), 'Asia/Tokyo')$$,
  '[schedules/admin/insert] admins create a schedule for anyone (a collector)');
select is((select count(*) from public.schedules), 2::bigint, '[schedules/admin/select] admins read every schedule');
select isnt_empty($$update public.schedules set horizon_days = 90 where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[schedules/admin/update] admins change anyone''s schedule');
select lives_ok(
  $$insert into public.availability_rules (user_id, weekday, start_time, end_time)
    values (tests.get_supabase_uid('stranger'), 1, '09:00', '17:00')$$,
  '[availability_rules/admin/insert] admins add windows to anyone''s schedule');
select is((select count(*) from public.availability_rules), 4::bigint, '[availability_rules/admin/select] admins read every window');
select isnt_empty($$update public.availability_rules set end_time = '18:00' where user_id = tests.get_supabase_uid('stranger') returning 1$$,
  '[availability_rules/admin/update] admins change anyone''s windows');
select isnt_empty($$delete from public.availability_rules where user_id = tests.get_supabase_uid('stranger') returning 1$$,
  '[availability_rules/admin/delete] admins remove anyone''s windows');
select lives_ok(
  $$insert into public.availability_exceptions (user_id, on_date, is_available) values (tests.get_supabase_uid('stranger'), current_date + 5, false)$$,
  '[availability_exceptions/admin/insert] admins close anyone''s day');
select results_eq(
  $$select on_date - current_date from public.availability_exceptions order by on_date$$,
  $$values (5), (10), (11)$$,
  '[availability_exceptions/admin/select] admins read every user''s exceptions');
select isnt_empty($$update public.availability_exceptions set reason = 'Training' where on_date = current_date + 5 returning 1$$,
  '[availability_exceptions/admin/update] admins change anyone''s exceptions');
select isnt_empty($$delete from public.availability_exceptions where on_date = current_date + 5 returning 1$$,
  '[availability_exceptions/admin/delete] admins remove anyone''s exceptions');
select isnt_empty($$delete from public.schedules where user_id = tests.get_supabase_uid('stranger') returning 1$$,
  '[schedules/admin/delete] admins remove anyone''s schedule');

-- owner removes the schedule last: its windows and exceptions go with it. --------------------------------
select tests.authenticate_as('owner');
select isnt_empty($$delete from public.schedules where user_id = tests.get_supabase_uid('owner') returning 1$$,
  '[schedules/owner/delete] a provider removes their schedule');
select tests.clear_authentication();
select is(
  (select count(*) from public.availability_rules) + (select count(*) from public.availability_exceptions), 0::bigint,
  'removing a schedule removes its windows and exceptions');

select * from finish();
rollback;
