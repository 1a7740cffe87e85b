-- pricing / coupon codes cannot be guessed: a wrong code and a code that exists but does not
-- apply get the same answer, and each user has a few wrong answers an hour.
--
-- Before: quote_booking answered an unknown code "is not a valid coupon", and an existing one by
-- what stopped it: "has expired or is not valid yet", "does not apply to these offerings", "needs
-- an order of at least 30000 EUR minor units". A script could try codes without limit, learn
-- which exist and what they are for, and wait for one "not valid yet" to start.
--
-- Now (price_booking, 20260112000400):
-- * every refusal that could reveal a code, its window, scope, currency or minimum order is one
--   message, 22023 'coupon_code: <code> is not a valid coupon for this booking'. "has been used
--   up" and "you have already used ..." stay: they only follow a code that is valid now, and
--   say nothing a guesser could use (the one to a user who has redeemed it themselves).
-- * each such refusal is counted in private.coupon_failures; a user with
--   pricing.max_coupon_failures_per_hour (10) in the last hour gets PT429 (HTTP 429) for any
--   code, valid or not, before it is looked at, so the limit itself tells nothing.
--
-- How the count survives: PostgREST rolls back a request that raises. So quote_booking and
-- create_booking do not raise for a refused code: they record the failure, set
-- response.status to 400 and return PostgREST's error body ({"code": "22023", "details": null,
-- "hint": null, "message": ...}); PostgREST commits and sends the status and body a raised 22023
-- gave, which supabase-js reads as `error` (code, message) as before. Called from SQL, the functions
-- return that body instead of raising. Nothing else is written: create_booking refuses the code
-- before it writes anything.

insert into private.settings (key, value, description) values
  ('pricing.max_coupon_failures_per_hour', '10',
   'Coupon codes a user may try in one hour that turn out not to apply; beyond it every code is refused with PT429 until the hour has passed.');

create table private.coupon_failures (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  code text not null,
  failed_at timestamptz not null default now()
);

create index coupon_failures_user_id_failed_at_idx on private.coupon_failures (user_id, failed_at);

revoke all on table private.coupon_failures from public, anon, authenticated, service_role;

comment on table private.coupon_failures is
  'Coupon codes a user tried that did not apply (20260112000300), counted against pricing.max_coupon_failures_per_hour.';

-- Refuses any code with PT429 when the user has used up their failures for the hour. Takes the
-- user's lock first, held to the end of the transaction: parallel requests of one user are
-- counted one after the other, so they cannot all pass the limit together.
create function private.check_coupon_guesses(user_id uuid)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  max_failures integer := (private.setting('pricing.max_coupon_failures_per_hour'))::integer;
  failures integer;
  oldest timestamptz;
begin
  perform pg_advisory_xact_lock(hashtext('marketbase.coupon_guesses:' || check_coupon_guesses.user_id::text));
  select count(*), min(f.failed_at) into failures, oldest
  from private.coupon_failures f
  where f.user_id = check_coupon_guesses.user_id and f.failed_at > now() - interval '1 hour';
  if failures >= max_failures then
    raise exception 'coupon_code: % coupon codes did not apply in the last hour; try again after %', max_failures, oldest + interval '1 hour'
      using errcode = 'PT429';
  end if;
end
$$;

revoke all on function private.check_coupon_guesses(uuid) from public;

comment on function private.check_coupon_guesses(uuid) is
  'Raises PT429 when the user has had pricing.max_coupon_failures_per_hour coupon codes refused in the last hour; serialises the user''s coupon attempts until commit. Reads private.coupon_failures: call it from a definer body.';

-- A refused coupon code, counted, answered as PostgREST answers a raised 22023 (status 400,
-- its error body), in a transaction that commits.
create function private.refuse_coupon(user_id uuid, code text, message text)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
begin
  insert into private.coupon_failures (user_id, code) values (refuse_coupon.user_id, left(code, 40));
  -- A week of a user's failures is kept for admins to look into; older ones go as new ones come.
  delete from private.coupon_failures f where f.user_id = refuse_coupon.user_id and f.failed_at < now() - interval '7 days';
  perform set_config('response.status', '400', true);
  return jsonb_build_object('code', '22023', 'details', null, 'hint', null, 'message', message);
end
$$;

revoke all on function private.refuse_coupon(uuid, text, text) from public;

comment on function private.refuse_coupon(uuid, text, text) is
  'Records a coupon code that did not apply and returns the error body of a 22023 with HTTP status 400 (response.status), so that the record is committed. Writes private.coupon_failures: call it from a definer body.';
