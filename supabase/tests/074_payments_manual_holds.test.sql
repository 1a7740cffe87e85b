-- What a manual payment declaration may hold, and for how long (abuse-proofing, item 2):
-- declare_manual_payment(invoice, 'bank_transfer', 'trust me') used to stretch every 15-minute
-- hold to 48 hours, five per free account. Now a declaration is always recorded but extends
-- its booking's hold (24 hours) only while the client has no other booking held that way, had
-- no declaration rejected in 30 days, and the calendar has fewer than two such holds.
-- Every attack is made as an API role.
begin;
set local time zone 'UTC';
select plan(22);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('attacker');
select tests.create_supabase_user('sock_1');
select tests.create_supabase_user('sock_2');
select tests.create_supabase_user('honest');
select tests.create_supabase_user('admin');
select tests.grant_role('admin', 'admin');
select tests.create_provider('provider');
select tests.create_provider('other_provider');
insert into public.categories (id, slug, name) values (tests.consulting(), 'consulting', 'Consulting');
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
values
  (tests.advice(), tests.get_supabase_uid('provider'), tests.consulting(), 'service', 'Advice', 10000, 'EUR', 60, 'active', 'online'),
  ('0f000000-0000-4000-8000-000000000002', tests.get_supabase_uid('other_provider'), tests.consulting(),
   'service', 'Second opinion', 10000, 'EUR', 60, 'active', 'online');

create function pg_temp.declare(name text) returns uuid language sql as $$
  select (public.declare_manual_payment(tests.invoice(name), 'bank_transfer', 'trust me')).id
$$;
-- How long booking <name> is held from now, and until when its invoice is due.
create function pg_temp.held_for(name text) returns interval language sql stable security definer as $$
  select b.hold_expires_at - now() from public.bookings b join public.invoices i on i.booking_id = b.id
  where i.id = tests.invoice(name) and i.due_at = b.hold_expires_at
$$;
grant execute on function pg_temp.declare(text), pg_temp.held_for(text) to anon, authenticated, service_role;

-- One free account, five holds, five declarations -------------------------------------------------------
select tests.authenticate_as('attacker');
select tests.book('a' || n, tests.slot(2, make_time(8 + 2 * n, 0, 0))) from generate_series(1, 5) n;
select lives_ok($$select pg_temp.declare('a1')$$, 'the attacker declares a transfer for their first hold');
select is(pg_temp.held_for('a1'), interval '24 hours',
  'a client''s first declaration keeps its slot for the review, 24 hours (no longer 48)');
select lives_ok($$select pg_temp.declare('a' || n) from generate_series(2, 5) n$$,
  'the attacker declares "trust me" for the four other holds: each declaration is recorded for review');
select results_eq(
  $$select pg_temp.held_for('a' || n) from generate_series(2, 5) n$$,
  $$values (interval '15 minutes'), (interval '15 minutes'), (interval '15 minutes'), (interval '15 minutes')$$,
  'but while one booking of theirs is held by a declaration, the others keep their ordinary 15-minute hold');
select results_eq(
  $$select count(*)::integer from public.payments where method = 'bank_transfer' and status = 'pending'$$,
  $$values (5)$$, 'all five declarations await an admin, who can still approve any of them');

-- More accounts against the same calendar ---------------------------------------------------------------
select tests.authenticate_as('sock_1');
select tests.book('s1', tests.slot(3, '10:00'));
select lives_ok($$select pg_temp.declare('s1')$$, 'a second account declares for the same provider');
select is(pg_temp.held_for('s1'), interval '24 hours', 'the provider''s second place for a declared hold is taken');
select tests.authenticate_as('sock_2');
select tests.book('s2', tests.slot(3, '12:00'));
select tests.book('s2_elsewhere', tests.slot(3, '12:00'), '0f000000-0000-4000-8000-000000000002');
select lives_ok($$select pg_temp.declare('s2')$$, 'a third account declares for the same provider');
select is(pg_temp.held_for('s2'), interval '15 minutes',
  'a calendar holds at most two bookings for declarations awaiting review: the third keeps its ordinary hold');
select lives_ok($$select pg_temp.declare('s2_elsewhere')$$, 'the same account declares for another provider');
select is(pg_temp.held_for('s2_elsewhere'), interval '24 hours',
  'another provider''s calendar has its own places; a declaration that held nothing takes none of the client''s');

-- The slots not held by a declaration free up as any unpaid hold does -----------------------------------------
select tests.clear_authentication();
update public.bookings b set hold_expires_at = now() - interval '1 minute'
from public.invoices i where i.booking_id = b.id and i.id = tests.invoice('s2');
select tests.authenticate_as('honest');
select lives_ok($$select tests.book('taken_over', tests.slot(3, '12:00'))$$,
  'once the ordinary hold of a declared booking lapses, another client books its slot');
select tests.authenticate_as('admin');
select results_eq(
  $$select p.status::text, p.applied, p.review_note from public.review_manual_payment(
      (select p.id from public.payments p where p.invoice_id = tests.invoice('s2')), true) p$$,
  $$values ('succeeded', false, 'refund_queued')$$,
  'a declaration that did hold nothing and turns out paid after its slot was taken is refunded, not double-booked');

-- Rejected: the account holds nothing more for 30 days ------------------------------------------------------
select results_eq(
  $$select status::text from public.review_manual_payment(
      (select p.id from public.payments p where p.invoice_id = tests.invoice('s1')), false, 'no such transfer')$$,
  $$values ('failed')$$, 'an admin rejects the second account''s declaration');
select is(pg_temp.held_for('s1'), interval '15 minutes', 'its booking falls back to an ordinary hold from now');
select tests.authenticate_as('sock_1');
select tests.book('s1_again', tests.slot(4, '10:00'));
select lives_ok($$select pg_temp.declare('s1_again')$$, 'the rejected account declares again for a new booking');
select is(pg_temp.held_for('s1_again'), interval '15 minutes',
  'a client whose declaration was rejected in the last 30 days holds nothing by declaring, though a place is free');

-- An honest client gets the free place ----------------------------------------------------------------------
select tests.authenticate_as('honest');
select tests.book('h1', tests.slot(4, '12:00'));
select lives_ok($$select pg_temp.declare('h1')$$, 'an honest client declares a real transfer');
select is(pg_temp.held_for('h1'), interval '24 hours',
  'the place the rejection freed goes to them: their booking is held for the review');
select tests.authenticate_as('admin');
select public.review_manual_payment((select p.id from public.payments p where p.invoice_id = tests.invoice('h1')), true);
select results_eq(
  $$select i.status::text, b.status::text from public.invoices i join public.bookings b on b.id = i.booking_id
    where i.id = tests.invoice('h1')$$,
  $$values ('paid', 'confirmed')$$, 'and the approval confirms it as before');

-- The settings, and who may change them ----------------------------------------------------------------------
select tests.authenticate_as('attacker');
select throws_ok($$update private.settings set value = '100' where key = 'payments.max_declared_holds_per_calendar'$$,
  '42501', null, 'a client cannot raise the limits (private settings are out of the API''s reach)');
select tests.clear_authentication();
select results_eq(
  $$select key, value #>> '{}' from private.settings where key in ('payments.manual_review_hours', 'payments.max_declared_holds_per_client',
      'payments.max_declared_holds_per_calendar', 'payments.declaration_cooldown_days') order by key$$,
  $$values ('payments.declaration_cooldown_days', '30'), ('payments.manual_review_hours', '24'),
           ('payments.max_declared_holds_per_calendar', '2'), ('payments.max_declared_holds_per_client', '1')$$,
  'the limits are settings: review window 24 hours, one held booking per client, two per calendar, 30 days after a rejection');

select * from finish();
rollback;
