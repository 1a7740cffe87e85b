-- insight / activity events (issue 19): what users do, recorded where the database sees it,
-- not by a client-side tracker.
--
--   sign_in   the access token hook records a sign-in in private.login_states (a refresh is
--             not one): a trigger there adds the event, so the hook itself is left alone
--   search    public.search_offerings records the first page of each search (20260130003100)
--   booking   a booking is created (create_booking, a bid accepted: any insert)
--   purchase  a payment succeeds (a booking's or a product purchase's invoice)
--
-- One narrow, append-only table in `private`: no API role reads or writes it; the daily
-- rollups (20260130003300) turn it into retention and search numbers that admins read.
-- Inserts must stay cheap (a search writes one row): two indexes only, a BRIN on the time
-- (rows arrive in time order, so each block range covers a short span: a few pages of index
-- for millions of rows, nothing to maintain per insert but the range summary) for a day's
-- slice, and (user_id, occurred_at) for "was this user active on day N" (retention) and
-- "did this searcher book within N hours" (conversion). A deleted account's events stay,
-- anonymised (user_id set null), so past days' totals do not change.

create type private.activity_kind as enum ('sign_in', 'search', 'booking', 'purchase');

create table private.activity_events (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default now(),
  kind private.activity_kind not null,
  user_id uuid references auth.users (id) on delete set null,
  -- The token's session (signed in) or the x-client-session header (a visitor's app session).
  session_id text constraint activity_events_session_id_length check (char_length(session_id) <= 64),
  booking_id uuid,
  payment_id uuid,
  offering_id uuid,
  category_id uuid,
  -- Searches: the normalised words (lower case, single spaces) and how many results came back.
  term text constraint activity_events_term_length check (char_length(term) <= 200),
  result_count integer,
  detail jsonb constraint activity_events_detail_small check (pg_column_size(detail) <= 2000),
  constraint activity_events_search_has_count check ((kind = 'search') = (result_count is not null))
);

create index activity_events_occurred_at_brin on private.activity_events using brin (occurred_at);
create index activity_events_user_idx on private.activity_events (user_id, occurred_at) where user_id is not null;

comment on table private.activity_events is
  'User activity seen by the database (sign-in, search, booking, purchase), append-only; rolled up daily into the analytics_* tables.';

-- Recording -------------------------------------------------------------------------------------

-- Security definer: the triggers below run as Supabase Auth (supabase_auth_admin), a client
-- booking, a webhook's service role or an admin; none of them may write this table.
create function private.tg_record_sign_in()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.activity_events (kind, user_id, occurred_at)
  values ('sign_in', new.user_id, new.last_sign_in_at);
  return null;
end
$$;

create trigger record_sign_in
  after insert on private.login_states
  for each row when (new.last_sign_in_at is not null)
  execute function private.tg_record_sign_in();

create trigger record_sign_in_again
  after update of last_sign_in_at on private.login_states
  for each row when (new.last_sign_in_at is distinct from old.last_sign_in_at and new.last_sign_in_at is not null)
  execute function private.tg_record_sign_in();

-- Security definer: as above.
create function private.tg_record_booking()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.activity_events (kind, user_id, occurred_at, booking_id, offering_id, session_id)
  values ('booking', new.client_id, new.created_at, new.id, new.offering_id,
          left(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'session_id', 64));
  return null;
end
$$;

create trigger record_booking
  after insert on public.bookings
  for each row execute function private.tg_record_booking();

-- Security definer: as above.
create function private.tg_record_purchase()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.activity_events (kind, user_id, occurred_at, booking_id, payment_id, detail)
  values ('purchase', new.client_id, coalesce(new.succeeded_at, now()), new.booking_id, new.id,
          jsonb_build_object('amount', new.amount, 'currency', new.currency, 'method', new.method));
  return null;
end
$$;

create trigger record_purchase
  after insert on public.payments
  for each row when (new.status = 'succeeded')
  execute function private.tg_record_purchase();

create trigger record_purchase_succeeded
  after update of status on public.payments
  for each row when (new.status = 'succeeded' and old.status is distinct from 'succeeded')
  execute function private.tg_record_purchase();

revoke all on function private.tg_record_sign_in() from public;
revoke all on function private.tg_record_booking() from public;
revoke all on function private.tg_record_purchase() from public;
