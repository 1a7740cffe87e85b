-- contact messages: anyone writes (anon too), within hourly limits per e-mail and per IP; only
-- admins read and triage; a signed-in sender reads their own; admins are told.
begin;
select plan(27);
select tests.start_with_empty_marketplace();

select tests.open_marketplace();
select tests.create_supabase_user('stranger');
update private.settings set value = '2' where key = 'contact.max_per_email_per_hour';
update private.settings set value = '3' where key = 'contact.max_per_ip_per_hour';

-- anon ---------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select set_config('request.headers', '{"x-forwarded-for": "203.0.113.7, 10.0.0.1"}', true);
select lives_ok(
  $$insert into public.contact_messages (name, email, subject, body, topic, severity)
    values ('Vera Visitor', 'vera@example.com', 'Custom workflow?', 'Can you build one for us?', 'partnership', 'low')$$,
  '[contact_messages/anon/insert] a visitor writes to the platform');
select throws_ok($$select * from public.contact_messages$$, '42501', null, '[contact_messages/anon/select] and cannot read it back');
select throws_ok($$update public.contact_messages set status = 'resolved'$$, '42501', null, '[contact_messages/anon/update] nor triage');
select throws_ok($$delete from public.contact_messages$$, '42501', null, '[contact_messages/anon/delete] nor delete');
select throws_ok(
  $$insert into public.contact_messages (name, email, subject, body, status) values ('V', 'vera@example.com', 'x', 'y', 'resolved')$$,
  '42501', null, 'a sender cannot choose the status');
select lives_ok($$insert into public.contact_messages (name, email, subject, body) values ('Vera', 'VERA@example.com ', 'Again', 'Second')$$,
  'a second message from the same address');
select throws_ok($$insert into public.contact_messages (name, email, subject, body) values ('Vera', 'vera@example.com', 'Third', 'Third')$$,
  'PT429', 'email: at most 2 messages an hour from one address; try again later', 'the third within the hour is refused');
select lives_ok($$insert into public.contact_messages (name, email, subject, body) values ('Walt', 'walt@example.com', 'Hi', 'One')$$,
  'another address from the same network still gets through');
select throws_ok($$insert into public.contact_messages (name, email, subject, body) values ('Xena', 'xena@example.com', 'Hi', 'Two')$$,
  'PT429', 'too many messages from your network in the last hour; try again later', 'until the network''s own limit');
select set_config('request.headers', '{"cf-connecting-ip": "198.51.100.4"}', true);
select throws_ok($$insert into public.contact_messages (name, email, subject, body) values ('Y', 'not-an-address', 'Hi', 'x')$$,
  '23514', null, 'an e-mail must look like one');
select throws_ok(format($$insert into public.contact_messages (name, email, subject, body) values ('Z', 'z@example.com', 'Hi', %L)$$, repeat('x', 5001)),
  '23514', null, 'a body over 5000 characters is refused');

-- a signed-in sender, and strangers ------------------------------------------------------------------------
select tests.authenticate_as('client');
select lives_ok($$insert into public.contact_messages (name, email, subject, body, topic, severity)
  values ('Chris', 'chris@example.com', 'Invoice question', 'Where is my invoice?', 'billing', 'high')$$,
  '[contact_messages/owner/insert] a client writes too');
select results_eq($$select subject, status::text, user_id = auth.uid() from public.contact_messages$$,
  $$values ('Invoice question', 'new', true)$$, '[contact_messages/owner/select] and reads only their own message');
select throws_ok($$update public.contact_messages set body = 'changed'$$, '42501', null,
  '[contact_messages/owner/update] but cannot change it');
select throws_ok($$delete from public.contact_messages$$, '42501', null, '[contact_messages/owner/delete] nor delete it');
select tests.authenticate_as('stranger');
select is_empty($$select * from public.contact_messages$$, '[contact_messages/stranger/select] a stranger reads none');
select lives_ok($$insert into public.contact_messages (name, email, subject, body) values ('S', 's@example.com', 'Hi', 'x')$$,
  '[contact_messages/stranger/insert] and writes their own');
select throws_ok($$update public.contact_messages set status = 'spam'$$, '42501', null, '[contact_messages/stranger/update] and triages none');
select throws_ok($$delete from public.contact_messages$$, '42501', null, '[contact_messages/stranger/delete] nor deletes');

-- admins ----------------------------------------------------------------------------------------------------------
select tests.clear_authentication();
select results_eq($$select host(source_ip), count(*)::integer from public.contact_messages group by 1 order by 1$$,
  $$values ('198.51.100.4', 2), ('203.0.113.7', 3)$$, 'each message keeps the address it came from, as the gateway reported it');
select tests.authenticate_as('admin');
select is((select count(*)::integer from public.contact_messages), 5, '[contact_messages/admin/select] admins read every message');
select lives_ok(
  $$update public.contact_messages set status = 'in_progress', assignee_id = auth.uid(), admin_note = 'Sent the invoice link'
    where subject = 'Invoice question'$$,
  '[contact_messages/admin/update] an admin triages a message');
select throws_ok($$update public.contact_messages set body = 'rewritten'$$, '42501', null, 'but cannot rewrite what the sender wrote');
select throws_ok($$delete from public.contact_messages$$, '42501', null, '[contact_messages/admin/delete] messages are kept');
select lives_ok($$insert into public.contact_messages (name, email, subject, body) values ('A', 'a@example.com', 'x', 'y')$$,
  '[contact_messages/admin/insert] an admin may write through the form like anyone');
select tests.clear_authentication();
select is((select count(*)::integer from private.notification_outbox o where o.event_type = 'contact.received'
           and o.recipient_ids = array[tests.get_supabase_uid('admin')]), 6, 'the admins are told of each message');
select is((select o.data ->> 'urgency' from private.notification_outbox o
           where o.event_type = 'contact.received' and o.data ->> 'subject' = 'Invoice question'), 'high',
  'with its topic and severity');

select * from finish();
rollback;
