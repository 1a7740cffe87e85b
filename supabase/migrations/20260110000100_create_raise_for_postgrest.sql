-- platform: the errors a frontend can get carry the HTTP status it expects, through PostgREST.
--
-- Frontends call RPCs through PostgREST, whose table maps SQLSTATEs to statuses: P0001 and
-- class 22/23 → 400, 42501 → 403 (401 for anon), PTxyz → xyz, and every other P0* → 500.
-- Two of our codes came out wrong there: P0002 "not found" (500, should be 404) and 23P01
-- "slot taken" (400, should be 409). The public RPCs now answer them as PT404 and PT409,
-- with the message, detail and hint unchanged; PostgREST then sends 404 and 409.
--
-- The bodies in `private` keep P0002 / 23P01 (the Lambdas' service RPCs and their tests map
-- them in functions/db/port.py); the translation happens once, at the API boundary: each
-- public wrapper of 20260109* becomes a plpgsql function that forwards its arguments and
-- re-raises those two codes through private.raise_for_postgrest. An exception block costs a
-- subtransaction per call, microseconds next to the body. begin_checkout, the one public RPC
-- with a body of its own, raises PT404 itself.

create function private.raise_for_postgrest(code text, message text, detail text, hint text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  status_code constant text := case code when 'P0002' then 'PT404' when '23P01' then 'PT409' else code end;
begin
  -- RAISE refuses a null option: name only the parts the original error had.
  if detail is null and hint is null then
    raise exception using errcode = status_code, message = message;
  elsif hint is null then
    raise exception using errcode = status_code, message = message, detail = detail;
  elsif detail is null then
    raise exception using errcode = status_code, message = message, hint = hint;
  end if;
  raise exception using errcode = status_code, message = message, detail = detail, hint = hint;
end
$$;

revoke all on function private.raise_for_postgrest(text, text, text, text) from public;
grant execute on function private.raise_for_postgrest(text, text, text, text) to anon, authenticated, service_role;

comment on function private.raise_for_postgrest(text, text, text, text) is
  'Raises an error again with the SQLSTATE PostgREST maps to the status a frontend expects: P0002 as PT404, 23P01 as PT409, others unchanged.';

-- begin_checkout -------------------------------------------------------------------------------
create or replace function public.begin_checkout(invoice_id uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  invoice public.invoices;
begin
  select * into invoice from public.invoices i where i.id = begin_checkout.invoice_id;
  if invoice.id is null then
    raise exception 'invoice_id: invoice % not found', begin_checkout.invoice_id using errcode = 'PT404';
  end if;
  if invoice.client_id is distinct from auth.uid() then
    raise exception 'invoice_id: only the client of invoice % can pay it', invoice.number using errcode = '42501';
  end if;
  return private.open_checkout_payment(invoice.id);
end
$$;

comment on function public.begin_checkout(uuid) is
  'RPC for the checkout Lambda, as the client: the payment to open a Stripe Checkout Session for (amount, currency, application_fee, destination, expires_at), or the open session to reuse (session_id, session_url). Errors: PT404 unknown invoice, 42501 not the client, PT409 invoice not open / manual payment pending / provider cannot take payments.';
