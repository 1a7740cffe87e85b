-- payments: begin_checkout answers every "not found" as PT404, also one raised on its way.
--
-- It checks the invoice itself (PT404), then private.open_checkout_payment locks it through
-- private.lock_invoice, which raises P0002 when the row is gone (an invoice deleted between
-- the two): PostgREST would send that as 500. tests/database/test_error_codes.py found it;
-- the handler is the one every public wrapper has (20260110*).

create or replace function public.begin_checkout(invoice_id uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  invoice public.invoices;
  message text; detail text; hint text;
begin
  select * into invoice from public.invoices i where i.id = begin_checkout.invoice_id;
  if invoice.id is null then
    raise exception 'invoice_id: invoice % not found', begin_checkout.invoice_id using errcode = 'PT404';
  end if;
  if invoice.client_id is distinct from auth.uid() then
    raise exception 'invoice_id: only the client of invoice % can pay it', invoice.number using errcode = '42501';
  end if;
  return private.open_checkout_payment(invoice.id);
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;
