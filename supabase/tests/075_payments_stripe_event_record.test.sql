-- The Stripe event record (issue 21, item 6): failed deliveries kept with their error, attempts and
-- a trimmed payload until one applies; applied events never applied twice; admins read the
-- record through public.stripe_webhook_events, nobody else; old payloads and records go.
begin;
set local time zone 'UTC';
select plan(20);
select tests.start_with_empty_marketplace();

select tests.open_marketplace();
select tests.create_supabase_user('stranger');

-- What Stripe sends about a completed session, with the customer's details.
select set_config('t.payload', $json${
  "id": "evt_075", "type": "checkout.session.completed", "created": 1764806400,
  "data": {"object": {"id": "cs_075", "object": "checkout.session", "amount_total": 10000, "currency": "eur",
    "metadata": {"payment_id": "00000000-0000-4000-8000-000000000075"},
    "customer_details": {"email": "pia@example.com", "name": "Pia Petowner", "phone": "+447700900075",
                         "address": {"line1": "12 Baker Street", "postal_code": "NW1 6XE"}},
    "customer_email": "pia@example.com",
    "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
    "line_items": [{"description": "Advice", "billing_details": {"name": "Pia"}, "amount": 10000}]}}
}$json$, true);

-- The service role records failures ----------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(service.record_stripe_event_failure('evt_075', 'checkout.session.completed', '2026-12-04 00:00+00',
                                              'value out of range', '22003', current_setting('t.payload')::jsonb),
  1, 'a refused delivery is recorded: first attempt');
select is(service.record_stripe_event_failure('evt_075', 'checkout.session.completed', '2026-12-04 00:00+00',
                                              'still out of range', '22003', current_setting('t.payload')::jsonb),
  2, 'the next refused delivery counts a second attempt');
select results_eq(
  $$select processed_at is null, attempts, last_error, last_error_code from private.stripe_events where id = 'evt_075'$$,
  $$values (true, 2, 'still out of range', '22003')$$,
  'the record keeps the last error and its code, and is not processed');
select is(
  (select payload #>> '{data,object,metadata,payment_id}' from private.stripe_events where id = 'evt_075'),
  '00000000-0000-4000-8000-000000000075', 'the payload keeps ids and our metadata');
select ok(
  (select not (payload::text ~ '(pia@|Petowner|Baker|7700900075|billing_details|customer_details)')
   from private.stripe_events where id = 'evt_075'),
  'the payload keeps no e-mail, name, phone, address or billing details, at any depth');
select is((select payload #>> '{data,object,payment_method_options,card}' from private.stripe_events where id = 'evt_075'), null,
  'nor anything under a card key');

-- A failed event is applied by the next delivery; an applied one never again --------------------------
select ok(private.claim_stripe_event('evt_075', 'checkout.session.completed', '2026-12-04 00:00+00'),
  'the next delivery claims the failing event and applies it');
select results_eq($$select processed_at is not null, attempts from private.stripe_events where id = 'evt_075'$$,
  $$values (true, 3)$$, 'it is processed at the third attempt');
select ok(not private.claim_stripe_event('evt_075', 'checkout.session.completed', '2026-12-04 00:00+00'),
  'a replay of an applied event is a duplicate');
select is(service.record_stripe_event_failure('evt_075', 'checkout.session.completed', now(), 'late failure'), 0,
  'a failed replay of an applied event changes nothing');
select ok(private.claim_stripe_event('evt_075b', 'charge.refunded', now()), 'a new event is claimed at once');
select results_eq($$select processed_at is not null, attempts, last_error from private.stripe_events where id = 'evt_075b'$$,
  $$values (true, 1, null::text)$$, 'processed at its first attempt');

-- Who reads it -----------------------------------------------------------------------------------------
select tests.authenticate_as('admin');
select results_eq($$select id, processed, attempts from public.stripe_webhook_events order by id$$,
  $$values ('evt_075', true, 3), ('evt_075b', true, 1)$$, '[stripe_webhook_events/admin/select] admins read the record');
select throws_ok($$delete from public.stripe_webhook_events$$, '42501', null,
  '[stripe_webhook_events/admin/delete] nobody deletes through the API');
select tests.authenticate_as('client');
select throws_ok($$select * from public.stripe_webhook_events$$, '42501', null,
  '[stripe_webhook_events/stranger/select] a signed-in user cannot read it');
select throws_ok($$select * from private.stripe_events$$, '42501', null, 'nor the private table');
select tests.authenticate_as_anon();
select throws_ok($$select * from public.stripe_webhook_events$$, '42501', null,
  '[stripe_webhook_events/anon/select] anon cannot read it');
select tests.authenticate_as('client');
select throws_ok($$select service.record_stripe_event_failure('evt_x', 'x', now(), 'forged')$$, '42501', null,
  'only the service role records failures');
select tests.clear_authentication();

-- Retention --------------------------------------------------------------------------------------------
update private.stripe_events set received_at = now() - interval '31 days' where id = 'evt_075';
insert into private.stripe_events (id, type, created, received_at, processed_at)
values ('evt_ancient', 'charge.refunded', now() - interval '401 days', now() - interval '401 days', now() - interval '401 days');
select service.record_stripe_event_failure('evt_recent', 'charge.refunded', now(), 'refused', 'P0001', '{"id": "evt_recent"}');
select is(private.trim_stripe_events(), 2, 'the daily job trims one record and removes one');
select results_eq($$select id, payload is null and last_error is null from private.stripe_events order by id$$,
  $$values ('evt_075', true), ('evt_075b', true), ('evt_recent', false)$$,
  'after 30 days the payload and error are gone, after 400 days the record; recent ones stay');

select * from finish();
rollback;
