-- Benchmark data for frontend reads (issue 12), on top of bench/bookings/generate.sql:
-- for each of its 2,000,000 bookings one item, one invoice with one line, a payment where
-- the booking was paid, and an in-app inbox of notifications for every user. Run as the
-- superuser with triggers off (session_replication_role = replica): the rows are written as
-- the booking functions would leave them, without their side effects (outbox, counters).
-- Steps are cut at `-- step:` lines and run in order, each in its own transaction.

-- step: settings
set session_replication_role = replica;

-- step: booking items
insert into public.booking_items (booking_id, line_number, offering_id, description, quantity, unit_price, amount,
                                  created_at)
select b.id, 1, b.offering_id, o.title, 1, b.total_amount, b.total_amount, b.created_at
from public.bookings b
join public.offerings o on o.id = b.offering_id;

-- step: invoices
-- One invoice per booking, numbered per year of its booking's creation.
insert into public.invoices (booking_id, client_id, provider_id, number, number_year, number_sequence, currency,
                             subtotal, total, commission, amount_paid, status, issued_at, paid_at, voided_at,
                             updated_at)
select b.id, b.client_id, b.provider_id,
       format('INV-%s-%s', y, lpad(n::text, 7, '0')), y, n, b.currency, b.total_amount, b.total_amount,
       b.total_amount / 10,
       case when b.status in ('confirmed', 'in_progress', 'completed', 'no_show') then b.total_amount else 0 end,
       case when b.status in ('confirmed', 'in_progress', 'completed', 'no_show') then 'paid'
            when b.status in ('cancelled', 'expired') then 'void'
            else 'open' end::public.invoice_status,
       b.created_at,
       case when b.status in ('confirmed', 'in_progress', 'completed', 'no_show') then b.created_at end,
       case when b.status in ('cancelled', 'expired') then b.created_at + interval '1 day' end,
       b.created_at
from (
  select b.*, extract(year from b.created_at)::integer as y,
         row_number() over (partition by extract(year from b.created_at) order by b.created_at, b.id)::integer as n
  from public.bookings b
) b;

-- step: invoice lines
insert into public.invoice_lines (invoice_id, line_number, kind, description, quantity, unit_amount, amount,
                                  offering_id)
select i.id, 1, 'item', bi.description, 1, bi.unit_price, bi.amount, bi.offering_id
from public.invoices i
join public.booking_items bi on bi.booking_id = i.booking_id and bi.line_number = 1;

-- step: payments
insert into public.payments (invoice_id, booking_id, client_id, provider_id, method, status, amount, currency,
                             applied, succeeded_at, created_at, updated_at)
select i.id, i.booking_id, i.client_id, i.provider_id, 'stripe', 'succeeded', i.total, i.currency, true,
       i.paid_at, i.issued_at, i.paid_at
from public.invoices i
where i.status = 'paid' and i.total > 0;

-- step: notifications
-- Five inbox entries per user, the newest unread, over the last 60 days.
insert into public.notifications (user_id, outbox_id, event_type, category, title, body, created_at, read_at)
select u.id, k, 'booking.confirmed', 'bookings', 'Booking confirmed', 'Your booking is confirmed.',
       now() - make_interval(days => k * 12), case when k > 1 then now() - make_interval(days => k * 12 - 1) end
from auth.users u
cross join generate_series(1, 5) k;

-- step: triggers back on
set session_replication_role = origin;
