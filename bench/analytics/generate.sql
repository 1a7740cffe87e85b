-- Benchmark data for the daily analytics rollup (issue 19), on top of
-- bench/bookings/generate.sql: for each booking its invoice (issued when it was booked, 10 %
-- commission), the payment of a paid one (ten minutes later), its status changes (booked;
-- completed or no-show when it ended; cancelled when it was), a refund of about 2 % of the
-- payments two days later, and the activity a client leaves around a booking: a sign-in and a
-- search shortly before it, the booking itself, plus more sign-ins and searches (signed-in
-- and visitors', about 15 % finding nothing) spread over the same two years. Run as the
-- superuser with triggers off (session_replication_role = replica), rows in time order as
-- they would arrive. Steps are cut at `-- step:` lines, each its own transaction.

-- step: settings
set session_replication_role = replica;
set maintenance_work_mem = '1GB';
set work_mem = '256MB';
set synchronous_commit = off;
select setseed(0.19);

create temporary table bench_terms (n, term, hits) as
select n - 1, t.term, t.hits
from unnest(array[
  'advice', 'tax advice', 'dog walking', 'blood test', 'yoga coach', 'plumber', 'electrician', 'cleaning',
  'deep cleaning', 'career coaching', 'visa consulting', 'thyroid panel', 'vitamin d', 'cat grooming', 'painting',
  'moving help', 'garden care', 'piano lessons', 'math tutor', 'english lessons', 'wedding photographer',
  'handyman', 'roof repair', 'ac repair', 'cholesterol', 'pet sitting', 'startup advice', 'legal advice',
  'zebra grooming', 'underwater welding', 'falconry lessons', 'yak shaving'],
  array[true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true,
        true, true, true, true, true, true, true, true, true, true, false, false, false, false])
  with ordinality as t (term, hits, n);

-- step: invoices
insert into public.invoices (booking_id, client_id, provider_id, number, number_year, number_sequence, currency,
                             subtotal, total, commission, amount_paid, status, issued_at, paid_at, voided_at, updated_at)
select b.id, b.client_id, b.provider_id, format('INV-%s-%s', y, lpad(n::text, 7, '0')), y, n, b.currency,
       b.total_amount, b.total_amount, b.total_amount / 10,
       case when b.status in ('confirmed', 'in_progress', 'completed', 'no_show') then b.total_amount else 0 end,
       case when b.status in ('confirmed', 'in_progress', 'completed', 'no_show') then 'paid'
            when b.status in ('cancelled', 'expired') then 'void' else 'open' end::public.invoice_status,
       b.created_at,
       case when b.status in ('confirmed', 'in_progress', 'completed', 'no_show') then b.created_at + interval '10 minutes' end,
       case when b.status in ('cancelled', 'expired') then b.created_at + interval '1 day' end,
       b.created_at
from (
  select b.*, extract(year from b.created_at)::integer as y,
         row_number() over (partition by extract(year from b.created_at) order by b.created_at, b.id)::integer as n
  from public.bookings b
) b
order by b.created_at;

-- step: payments
insert into public.payments (invoice_id, booking_id, client_id, provider_id, method, status, amount, currency,
                             application_fee, destination_account, applied, succeeded_at, created_at, updated_at)
select i.id, i.booking_id, i.client_id, i.provider_id, 'stripe', 'succeeded', i.total, i.currency, i.commission,
       'acct_bench', true, i.paid_at, i.issued_at, i.paid_at
from public.invoices i
where i.status = 'paid' and i.total > 0
order by i.paid_at;

-- step: refunds
insert into public.refunds (payment_id, invoice_id, booking_id, client_id, provider_id, kind, status, amount, currency,
                            succeeded_at, created_at, updated_at)
select p.id, p.invoice_id, p.booking_id, p.client_id, p.provider_id, 'admin', 'succeeded', greatest(1, p.amount / 2),
       p.currency, p.succeeded_at + interval '2 days', p.succeeded_at + interval '2 days', p.succeeded_at + interval '2 days'
from public.payments p
where p.succeeded_at < now() - interval '2 days' and random() < 0.02
order by p.succeeded_at;

-- step: status changes
insert into public.booking_status_changes (booking_id, from_status, to_status, actor, changed_at)
select c.booking_id, c.from_status::public.booking_status, c.to_status::public.booking_status, c.actor, c.changed_at
from (
  select b.id as booking_id, null as from_status, case when b.status = 'held' then 'held' else 'confirmed' end as to_status,
         'client' as actor, b.created_at as changed_at
  from public.bookings b
  union all
  select b.id, 'in_progress', b.status::text, 'provider', b.ends_at
  from public.bookings b where b.status in ('completed', 'no_show')
  union all
  select b.id, 'confirmed', 'cancelled', 'client', b.cancelled_at
  from public.bookings b where b.status = 'cancelled'
  union all
  select b.id, 'held', 'expired', 'system', b.hold_expires_at
  from public.bookings b where b.status = 'expired'
) c
where c.changed_at <= now()
order by c.changed_at;

-- step: activity
-- Per booking: its client's sign-in (0-6 h before) and a search that found it (0-3 h before),
-- the booking; about 1.5 more sign-ins and 2.5 more searches per booking at random moments
-- of the two years, by random clients (a fifth of the searches by visitors, with a session).
insert into private.activity_events (kind, user_id, session_id, occurred_at, booking_id, offering_id, term, result_count)
with v as (
  select array_agg(term order by n) as terms, array_agg(hits order by n) as hits,
         (select count(*) from public.user_roles where role = 'client')::integer as clients,
         (select count(*) from public.bookings)::integer as bookings
  from bench_terms
),
extra_searches as (
  select case when random() < 0.2 then null
              else md5('client:' || (1 + floor(v.clients * random()))::integer)::uuid end as user_id,
         1 + floor(random() * array_length(v.terms, 1))::integer as t,
         now() - random() * interval '730 days' as occurred_at
  from v cross join generate_series(1, (v.bookings * 2.5)::integer)
)
select e.kind::private.activity_kind, e.user_id, e.session_id, e.occurred_at, e.booking_id, e.offering_id, e.term, e.result_count
from (
  select 'sign_in' as kind, b.client_id as user_id, null::text as session_id, b.created_at - random() * interval '6 hours' as occurred_at,
         null::uuid as booking_id, null::uuid as offering_id, null::text as term, null::integer as result_count
  from public.bookings b
  union all
  select 'search', b.client_id, null, b.created_at - random() * interval '3 hours', null, null,
         v.terms[1 + floor(random() * 28)::integer], 1 + floor(random() * 20)::integer
  from public.bookings b cross join v
  union all
  select 'booking', b.client_id, null, b.created_at, b.id, b.offering_id, null, null
  from public.bookings b
  union all
  select 'sign_in', md5('client:' || (1 + floor(v.clients * random()))::integer)::uuid, null,
         now() - random() * interval '730 days', null, null, null, null
  from v cross join generate_series(1, (v.bookings * 1.5)::integer)
  union all
  select 'search', s.user_id, case when s.user_id is null then 'visitor-' || floor(random() * 1000000)::text end,
         s.occurred_at, null, null, v.terms[s.t], case when v.hits[s.t] then 1 + floor(random() * 20)::integer else 0 end
  from extra_searches s cross join v
) e
where e.occurred_at <= now()
order by e.occurred_at;
