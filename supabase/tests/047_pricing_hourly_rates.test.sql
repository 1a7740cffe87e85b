-- A coach's hourly rate prices their sessions (issue 21, item 3): a session offering of a provider
-- with an hourly rate costs rate x duration, in the catalog and in every quote and booking.
begin;
set local time zone 'UTC';
select plan(11);
select tests.start_with_empty_marketplace();

-- Fixture -------------------------------------------------------------------------------------------
select tests.create_supabase_user('client');
select tests.create_provider('coach', kind => 'coach');
select tests.create_provider('novice', kind => 'coach');
update public.provider_profiles set hourly_rate = 9000, currency = 'USD' where user_id = tests.get_supabase_uid('coach');
insert into public.categories (id, slug, name, currency, min_price, max_price, offering_kinds)
values ('ca000000-0000-4000-8000-000000000047', 'coaching', 'Coaching', 'USD', 1000, 50000, '{session,service}');

-- The coach lists 30 minutes at $500 and a 90-minute session at $1; the novice has no rate yet.
insert into public.offerings (id, provider_id, category_id, kind, title, price, currency, duration_minutes, status, location)
values
  ('0f000000-0000-4000-8000-000000000471', tests.get_supabase_uid('coach'), 'ca000000-0000-4000-8000-000000000047',
   'session', 'Half hour', 50000, 'USD', 30, 'active', 'online'),
  ('0f000000-0000-4000-8000-000000000472', tests.get_supabase_uid('coach'), 'ca000000-0000-4000-8000-000000000047',
   'session', 'Deep dive', 100, 'USD', 90, 'active', 'online'),
  ('0f000000-0000-4000-8000-000000000473', tests.get_supabase_uid('coach'), 'ca000000-0000-4000-8000-000000000047',
   'service', 'Written plan', 20000, 'USD', 60, 'active', 'online'),
  ('0f000000-0000-4000-8000-000000000474', tests.get_supabase_uid('novice'), 'ca000000-0000-4000-8000-000000000047',
   'session', 'Intro', 3000, 'USD', 60, 'active', 'online');

-- The catalog ----------------------------------------------------------------------------------------
select results_eq($$select title, price from public.offerings order by title$$,
  $$values ('Deep dive', 13500::bigint), ('Half hour', 4500::bigint), ('Intro', 3000::bigint), ('Written plan', 20000::bigint)$$,
  'a $90/h coach''s sessions cost $45 for 30 minutes and $135 for 90, whatever was written; other kinds and rateless providers keep their price');

select tests.authenticate_as('coach');
select lives_ok($$update public.offerings set price = 99 where title = 'Half hour'$$, 'the coach may write a price...');
select is((select price from public.offerings where title = 'Half hour'), 4500::bigint, '...but the session still costs its rate');
select lives_ok($$update public.offerings set duration_minutes = 45 where title = 'Half hour'$$, 'a longer session...');
select is((select price from public.offerings where title = 'Half hour'), 6750::bigint, '...costs its time at the rate');
select throws_ok($$update public.offerings set currency = 'EUR' where title = 'Half hour'$$, '22023',
  'currency: sessions are sold in the currency of the provider''s hourly rate (USD)',
  'a session cannot be sold in another currency than the rate');

-- A new rate reprices the sessions -------------------------------------------------------------------
select lives_ok($$update public.provider_profiles set hourly_rate = 12000 where user_id = auth.uid()$$, 'the coach raises the rate to $120/h');
select results_eq($$select title, price from public.offerings where provider_id = auth.uid() order by title$$,
  $$values ('Deep dive', 18000::bigint), ('Half hour', 9000::bigint), ('Written plan', 20000::bigint)$$,
  'every session follows the new rate at once; the written plan keeps its price');
select throws_ok($$update public.provider_profiles set hourly_rate = 40000 where user_id = auth.uid()$$, '22023', null,
  'a rate that would put a session above the category''s bounds is refused');

-- The quote and the booking charge it ------------------------------------------------------------------
select tests.authenticate_as('client');
select is((public.quote_booking('[{"offering_id": "0f000000-0000-4000-8000-000000000472"}]') ->> 'subtotal')::bigint, 18000::bigint,
  'a quote of the deep dive charges 90 minutes at $120/h');
select is((tests.book('dive', tests.slot(2, '10:00'), '0f000000-0000-4000-8000-000000000472') ->> 'total')::bigint, 18000::bigint,
  'and so does the booking');

select * from finish();
rollback;
