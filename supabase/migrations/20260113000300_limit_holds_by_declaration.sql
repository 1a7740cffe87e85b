-- payments / manual payments: what a declaration may hold, and for how long (abuse-proofing,
-- item 2).
--
-- declare_manual_payment(invoice, 'bank_transfer', 'trust me') stretched a 15-minute hold to
-- 48 hours, for each of the five holds an account may have, and accounts are free: a few of
-- them kept a provider fully booked until an admin rejected every declaration. A declaration
-- is still always recorded (the client may really have paid, and the admin needs the record
-- to match the money), but it extends its booking's hold only when all of these hold:
--
-- 1. it is the invoice's first declaration (as before: a rejected one cannot be repeated);
-- 2. the client has no other booking held by a declaration awaiting review
--    (payments.max_declared_holds_per_client, 1), so five holds are not five 24-hour holds;
-- 3. no declaration of the client was rejected in the last
--    payments.declaration_cooldown_days (30): an account caught once holds nothing more;
-- 4. the calendar the booking takes (its provider's, or its collector's) has fewer than
--    payments.max_declared_holds_per_calendar (2) other bookings held by declarations
--    awaiting review: however many accounts an attacker makes, a provider loses at most two
--    slots at a time to unpaid declarations;
-- 5. the review window is payments.manual_review_hours, now 24 (was 48).
--
-- Otherwise the booking keeps its ordinary hold (bookings.hold_minutes from booking) and the
-- declaration waits for review as any other: approved after the hold lapsed and the slot was
-- taken, it is refunded as unfulfillable (the existing late-approval path). The client sees
-- which it was in the booking's hold_expires_at and the invoice's due_at.
--
-- Why not a confirmed email: with enable_confirmations = false (supabase/config.toml)
-- Supabase Auth marks every address confirmed at sign-up, and with it on Auth issues no
-- session before the address is confirmed: auth.users.email_confirmed_at is set for every
-- caller either way, and tells nothing. (Turning confirmations on is still worth it: it
-- makes each account cost a working mailbox.)
-- The per-calendar cap is what bounds the damage regardless of how many accounts exist.
--
-- What counts: a declaration that did extend its hold (private.declared_holds), while its
-- payment awaits review and its booking is still held. One that did not extend anything
-- occupies no place, so short unpaid holds cannot crowd out an honest client's extension.
--
-- Concurrency: a client's declarations take the advisory lock of their bookings
-- (create_booking's), before the invoice's row lock as there; then the calendar's own lock,
-- which no other path takes. Two declarations at once cannot both take the last place.

update private.settings set value = '24',
  description = 'How long a declared manual payment keeps its booking held while an admin reviews it (when it may: see payments.max_declared_holds_*).'
where key = 'payments.manual_review_hours';

insert into private.settings (key, value, description) values
  ('payments.max_declared_holds_per_client', '1',
   'How many bookings one client may have held by manual payment declarations awaiting review at once.'),
  ('payments.max_declared_holds_per_calendar', '2',
   'How many bookings of one calendar (a provider''s, or a collector''s) may be held by manual payment declarations awaiting review at once.'),
  ('payments.declaration_cooldown_days', '30',
   'Days after an admin rejected one of a client''s manual payment declarations during which the client''s declarations hold nothing.');

-- Which declarations extended their booking's hold: what the limits count. A row counts while
-- its payment awaits review and its booking is still held. Private: nobody reads it but the
-- functions here.
create table private.declared_holds (
  payment_id uuid primary key references public.payments (id) on delete cascade,
  booking_id uuid not null references public.bookings (id) on delete cascade,
  client_id uuid not null,
  calendar_id uuid,
  held_until timestamptz not null,
  created_at timestamptz not null default now()
);

create index declared_holds_booking_id_idx on private.declared_holds (booking_id);
create index declared_holds_client_id_idx on private.declared_holds (client_id);
create index declared_holds_calendar_id_idx on private.declared_holds (calendar_id);

revoke all on table private.declared_holds from public, anon, authenticated, service_role;

comment on table private.declared_holds is
  'Manual payment declarations that extended their booking''s hold (20260113000300); counted against payments.max_declared_holds_* while the payment is pending and the booking held.';

-- A client's or a calendar's bookings held by declarations awaiting review now.
create function private.count_declared_holds(client_id uuid default null, calendar_id uuid default null)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select count(*)::integer
  from private.declared_holds d
  join public.payments p on p.id = d.payment_id and p.status = 'pending'
  join public.bookings b on b.id = d.booking_id and b.status = 'held' and b.hold_expires_at > now()
  where (count_declared_holds.client_id is null or d.client_id = count_declared_holds.client_id)
    and (count_declared_holds.calendar_id is null or d.calendar_id = count_declared_holds.calendar_id)
$$;

revoke all on function private.count_declared_holds(uuid, uuid) from public, anon, authenticated, service_role;

-- The full body of 20260107000400 (moved to private by 20260109000300), with the limits above.
-- Security definer: payments and bookings have no write privileges for any API role.
create or replace function private.declare_manual_payment(invoice_id uuid, method public.payment_method, reference text)
returns public.payments
language plpgsql
security definer
set search_path = ''
as $$
declare
  invoice public.invoices;
  booking public.bookings;
  payment public.payments;
  first_declaration boolean;
  calendar uuid;
  may_hold boolean;
  held_until timestamptz;
begin
  if method = 'stripe' then
    raise exception 'method: card payments go through Stripe Checkout' using errcode = 'P0001';
  end if;
  if coalesce(trim(reference), '') = '' then
    raise exception 'reference: say which transfer or transaction paid the invoice' using errcode = 'P0001';
  end if;
  select * into invoice from public.invoices i where i.id = declare_manual_payment.invoice_id;
  if invoice.id is null or not private.can_read_invoice(invoice.id) then
    raise exception 'invoice_id: invoice % not found', declare_manual_payment.invoice_id using errcode = 'P0002';
  end if;
  if invoice.client_id <> auth.uid() then
    raise exception 'invoice_id: only the client of invoice % can pay it', invoice.number using errcode = '42501';
  end if;

  -- One client's declarations and bookings one at a time (create_booking takes this lock too).
  perform pg_advisory_xact_lock(hashtext('marketbase.holds:' || invoice.client_id::text));
  invoice := private.lock_invoice(invoice.id);
  select * into booking from public.bookings b where b.id = invoice.booking_id;
  if booking.status = 'held' and booking.hold_expires_at <= now() then
    booking := private.expire_hold(booking);
    select * into invoice from public.invoices i where i.id = invoice.id;
  end if;
  if invoice.status <> 'open' then
    raise exception 'invoice_id: invoice % is % and cannot be paid', invoice.number, invoice.status using errcode = 'PT409';
  end if;
  if exists (select 1 from public.payments p where p.invoice_id = invoice.id and p.status in ('pending', 'processing')) then
    raise exception 'invoice_id: a payment of invoice % is already in progress', invoice.number using errcode = 'PT409';
  end if;

  -- Only the first declaration of an invoice extends its hold: rejected ones cannot be
  -- repeated to keep a slot forever.
  first_declaration := not exists (select 1 from public.payments p where p.invoice_id = invoice.id and p.method <> 'stripe');
  insert into public.payments (invoice_id, booking_id, client_id, provider_id, method, amount, currency, reference)
  values (invoice.id, invoice.booking_id, invoice.client_id, invoice.provider_id, method,
          invoice.total - invoice.amount_paid, invoice.currency, trim(reference))
  returning * into payment;

  if booking.status = 'held' and first_declaration then
    calendar := case booking.scheduled_on when 'provider' then booking.provider_id else booking.collector_id end;
    perform pg_advisory_xact_lock(hashtext('marketbase.declared_holds:' || coalesce(calendar::text, 'platform')));
    may_hold :=
      private.count_declared_holds(client_id => invoice.client_id)
        < (private.setting('payments.max_declared_holds_per_client'))::integer
      -- a declaration of theirs rejected lately
      and not exists (
        select 1 from public.payments p
        where p.client_id = invoice.client_id and p.method <> 'stripe' and p.status = 'failed' and p.reviewed_at is not null
          and p.reviewed_at > now() - make_interval(days => (private.setting('payments.declaration_cooldown_days'))::integer))
      and (calendar is null
           or private.count_declared_holds(calendar_id => calendar)
                < (private.setting('payments.max_declared_holds_per_calendar'))::integer);
    if may_hold then
      update public.bookings b
      set hold_expires_at = greatest(b.hold_expires_at,
            now() + make_interval(hours => (private.setting('payments.manual_review_hours'))::integer))
      where b.id = booking.id;
      update public.invoices i set due_at = (select b.hold_expires_at from public.bookings b where b.id = booking.id)
      where i.id = invoice.id
      returning i.due_at into held_until;
      insert into private.declared_holds (payment_id, booking_id, client_id, calendar_id, held_until)
      values (payment.id, booking.id, invoice.client_id, calendar, held_until);
    end if;
  end if;
  return payment;
end
$$;

revoke all on function private.declare_manual_payment(uuid, public.payment_method, text) from public, anon, authenticated, service_role;
grant execute on function private.declare_manual_payment(uuid, public.payment_method, text) to authenticated, service_role;

comment on function public.declare_manual_payment(uuid, public.payment_method, text) is
  'RPC for clients: declares a bank transfer, QR or cash payment of the whole open invoice for an admin to review. The booking stays held for payments.manual_review_hours (24) only for the invoice''s first declaration, while the client has no other booking held by a declaration, no declaration rejected in the last 30 days, and the calendar fewer than 2 such holds; otherwise it keeps its ordinary hold (see the booking''s hold_expires_at). Errors: P0001 stripe method or no reference, PT404 unknown invoice, 42501 not the client, PT409 invoice not open or a payment in progress.';
