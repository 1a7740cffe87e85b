-- account deletion and data export (issue 19): a user exports everything that is theirs (and
-- nobody else's), cannot delete their account while a booking or an invoice is still running,
-- and after deletion nothing personal of theirs is left in any table but the invoices' billing
-- snapshot, while bookings, invoices and payments are intact. A provider deleted by an admin
-- (Auth's Admin API: a delete of auth.users) is erased the same way.
begin;
set local time zone 'UTC';
select plan(31);
select tests.start_with_empty_marketplace();
select tests.open_marketplace();
select tests.create_supabase_user('leaver', 'leonora@example.test', '+4915112345678',
                                  '{"display_name": "Leonora", "full_name": "Leonora Quist"}');
select tests.create_supabase_user('quitter');

-- Every table (ours and Auth's) whose rows mention the text anywhere.
create function pg_temp.tables_mentioning(needle text) returns text[] language plpgsql as $$
declare
  t text;
  found boolean;
  tables text[] := '{}';
begin
  for t in select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname in ('public', 'private', 'auth') and c.relkind in ('r', 'p') order by 1 loop
    execute format('select exists (select 1 from %s r where r::text ilike %L)', t, '%' || needle || '%') into found;
    if found then
      tables := tables || t;
    end if;
  end loop;
  return tables;
end
$$;

-- Leonora's life on the platform: an address, a device, quiz answers, a favorite, a post and a
-- comment, a completed and paid booking she reviewed and talked about, and a booking next week.
insert into public.addresses (user_id, line1, city, country_code) values (tests.get_supabase_uid('leaver'), '7 Quist Lane', 'Leonora City', 'DE');
insert into public.push_tokens (user_id, token, platform) values (tests.get_supabase_uid('leaver'), 'device-of-leonora', 'ios');
insert into public.client_profiles (user_id, preferences) values (tests.get_supabase_uid('leaver'), '{"goal": "Leonora wants calm"}');
insert into public.favorites (user_id, offering_id) values (tests.get_supabase_uid('leaver'), tests.advice());
select tests.authenticate_as('leaver');
insert into public.posts (kind, author_id, title, body, status) values ('discussion', auth.uid(), 'Leonora asks', 'How do I start?', 'published');
insert into public.comments (post_id, author_id, body) values ((select id from public.posts), auth.uid(), 'Leonora again');
select tests.book('past', tests.slot(2, '10:00'));
select tests.pay_by_card('past');
select tests.authenticate_as('leaver');
insert into public.chat_messages (room_id, body)
values ((select id from public.chat_rooms where booking_id = tests.booking('past')), 'Call me on +4915112345678, Leonora');
select tests.clear_authentication();
update public.bookings set status = 'completed', notes = 'Leonora''s gate code 1234' where id = tests.booking('past');
select tests.authenticate_as('leaver');
select public.write_review(tests.booking('past'), 4, 'Leonora liked it');
select tests.book('next', tests.slot(7, '10:00'));
select tests.clear_authentication();
select set_config('t.money', (select format('%s invoices, %s payments, %s lines', (select count(*) from public.invoices),
                                            (select count(*) from public.payments), (select count(*) from public.invoice_lines))), true);

-- Export -----------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select public.export_my_data()$$, '42501', null, 'visitors have nothing to export');
select tests.authenticate_as('leaver');
select set_config('t.export', public.export_my_data()::text, true);
select results_eq(
  $$select e -> 'account' ->> 'email', e -> 'profile' ->> 'display_name', e -> 'profile_details' ->> 'full_name',
           e -> 'client_profile' -> 'preferences' ->> 'goal', jsonb_array_length(e -> 'addresses'), jsonb_array_length(e -> 'push_tokens'),
           e -> 'push_tokens' -> 0 ? 'token'
    from (select current_setting('t.export')::jsonb e) x$$,
  $$values ('leonora@example.test'::text, 'Leonora'::text, 'Leonora Quist'::text, 'Leonora wants calm'::text, 1, 1, false)$$,
  'the export holds her account, profile, details, client profile (wishes), address and device (not the device''s token)');
select results_eq(
  $$select jsonb_array_length(e -> 'bookings'), jsonb_array_length(e -> 'invoices'), jsonb_array_length(e -> 'invoices' -> 0 -> 'lines'),
           jsonb_array_length(e -> 'payments'), e -> 'reviews' -> 0 ->> 'body', e -> 'chat_messages' -> 0 ->> 'body',
           jsonb_array_length(e -> 'favorites'), e -> 'posts' -> 0 ->> 'title', e -> 'comments' -> 0 ->> 'body'
    from (select current_setting('t.export')::jsonb e) x$$,
  $$values (2, 2, 1, 1, 'Leonora liked it'::text, 'Call me on +4915112345678, Leonora'::text, 1, 'Leonora asks'::text, 'Leonora again'::text)$$,
  'and her bookings, invoices with their lines, payment, review, message, favorite, post and comment');
select tests.authenticate_as('provider');
select is((select jsonb_array_length(e -> 'chat_messages') from (select public.export_my_data() e) x), 0,
  'the provider''s export does not take the messages she wrote in their room');
select is((select (e -> 'profile' ->> 'display_name') || ' / ' || jsonb_array_length(e -> 'bookings') from (select public.export_my_data() e) x),
  'provider / 2', 'but holds their own profile and the bookings they are party to');
select tests.authenticate_as('quitter');
select is((select jsonb_array_length(e -> 'bookings') + jsonb_array_length(e -> 'addresses') from (select public.export_my_data() e) x), 0,
  'another user''s export holds nothing of hers');

-- Deletion waits for what is running ----------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select public.delete_my_account()$$, '42501', null, 'a visitor has no account to delete');
select tests.authenticate_as('leaver');
select throws_ok($$select public.delete_my_account()$$, 'PT409',
  'Your account cannot be deleted yet: 1 booking(s) held, confirmed or in progress, 1 unpaid invoice(s). Finish or cancel them first.',
  'a held booking with its unpaid invoice stops the deletion, and says so');
select tests.clear_authentication();
select isnt_empty($$select 1 from auth.users where id = tests.get_supabase_uid('leaver')$$, 'the account is still there');
update public.bookings set status = 'cancelled', cancelled_at = now() where id = tests.booking('next');
update public.invoices set status = 'void', voided_at = now() where id = tests.invoice('next');

-- Deletion ----------------------------------------------------------------------------------------------------
select tests.authenticate_as('leaver');
select set_config('t.leaver', auth.uid()::text, true);
select is((public.delete_my_account() - 'erased_at'), '{"deleted": true, "records_kept": true}'::jsonb,
  'with nothing running she deletes her account; records keep an emptied profile');
select tests.clear_authentication();
select is_empty($$select 1 from auth.users where id = current_setting('t.leaver')::uuid$$, 'her auth user is gone');
select is_empty($$select 1 from auth.sessions where user_id = current_setting('t.leaver')::uuid
                  union all select 1 from auth.identities where user_id = current_setting('t.leaver')::uuid
                  union all select 1 from public.user_roles where user_id = current_setting('t.leaver')::uuid$$,
  'with her sessions, identities and roles');
select is(pg_temp.tables_mentioning('leonora@example.test'), array['public.invoices'], 'her email is nowhere but on her invoices');
select is(pg_temp.tables_mentioning('Leonora'), array['public.invoices'], 'nor her name');
select is(pg_temp.tables_mentioning('4915112345678'), '{}'::text[], 'her phone number is nowhere');
select is(pg_temp.tables_mentioning('device-of-leonora') || pg_temp.tables_mentioning('Quist Lane') || pg_temp.tables_mentioning('gate code'),
  '{}'::text[], 'nor her device, address or booking notes');
select results_eq($$select display_name, avatar_url, erased_at is not null from public.profiles where id = current_setting('t.leaver')::uuid$$,
  $$values ('Deleted user'::text, null::text, true)$$, 'her profile stays as "Deleted user", for the records that point at it');
select results_eq($$select full_name, phone from public.profile_details where user_id = current_setting('t.leaver')::uuid$$,
  $$values (null::text, null::text)$$, 'its private half emptied');

-- Money and records --------------------------------------------------------------------------------------------
select is((select format('%s invoices, %s payments, %s lines', (select count(*) from public.invoices),
                         (select count(*) from public.payments), (select count(*) from public.invoice_lines))),
  current_setting('t.money'), 'every invoice, payment and invoice line is still there');
select results_eq($$select billing_parties -> 'client' ->> 'name', billing_parties -> 'client' ->> 'email', total, status::text
                    from public.invoices where id = tests.invoice('past')$$,
  $$values ('Leonora Quist'::text, 'leonora@example.test'::text, 10000::bigint, 'paid'::text)$$,
  'her paid invoice keeps who was billed, the amount and the status');
select results_eq($$select rating, body from public.reviews where booking_id = tests.booking('past')$$,
  $$values (4::smallint, null::text)$$, 'her review keeps its rating for the provider''s average, not her words');
select is((select rating_count from public.provider_profiles where user_id = tests.get_supabase_uid('provider')), 1,
  'the provider''s rating is unchanged');
select results_eq($$select is_deleted, body from public.chat_messages where sender_id is null and kind = 'text'$$,
  $$values (true, null::text)$$, 'her message shows as deleted to the provider');
select results_eq($$select title, deleted_at is not null from public.posts$$, $$values ('[deleted]'::text, true)$$,
  'her post is emptied and deleted');
select is((select erased.profile_kept from private.erased_accounts erased where erased.user_id = current_setting('t.leaver')::uuid), true,
  'the erasure is recorded, without anything personal');

-- Someone nothing refers to leaves no trace --------------------------------------------------------------------
select tests.authenticate_as('quitter');
select set_config('t.quitter', auth.uid()::text, true);
select is((public.delete_my_account() ->> 'records_kept'), 'false', 'a user with no records deletes their account');
select tests.clear_authentication();
select is_empty($$select 1 from public.profiles where id = current_setting('t.quitter')::uuid
                  union all select 1 from public.profile_details where user_id = current_setting('t.quitter')::uuid$$,
  'and their profile is gone entirely');

-- An admin deletes a provider (the Admin API deletes the auth user) ------------------------------------------------
select lives_ok($$delete from auth.users where id = tests.get_supabase_uid('provider')$$,
  'deleting a provider with bookings and payouts is not refused by any record');
select results_eq($$select p.display_name, o.status::text from public.profiles p join public.offerings o on o.provider_id = p.id
                    where o.id = tests.advice()$$,
  $$values ('Deleted user'::text, 'archived'::text)$$, 'their offering is archived, their profile emptied');
select is((select count(*)::int from public.bookings where provider_id = (select provider_id from public.offerings where id = tests.advice())), 2,
  'and the bookings they gave are kept');
select is((select billing_parties -> 'provider' ->> 'name' from public.invoices where id = tests.invoice('past')), 'provider',
  'the invoice keeps who billed it');

select * from finish();
rollback;
