-- purchases: a purchase left unpaid does not hold its product forever (issue 16). Its invoice is
-- due seven days after the purchase (purchase_products sets due_at); past that, with no payment
-- in flight, the sweep voids the invoice, which rejects its pending purchases and releases their
-- coupon use (the invoice trigger of 20260127000100), and the buyer may buy again.

create function service.expire_unpaid_purchases()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  expired integer;
begin
  update public.purchases p set status_reason = 'not paid in time'
  where p.status = 'pending'
    and p.invoice_id in (select i.id from public.invoices i
                         where i.booking_id is null and i.status = 'open' and i.due_at <= now());
  with lapsed as (
    update public.invoices i set status = 'void', voided_at = now()
    where i.booking_id is null and i.status = 'open' and i.due_at <= now()
      and exists (select 1 from public.purchases p where p.invoice_id = i.id)
      and not exists (select 1 from public.payments x where x.invoice_id = i.id and x.status in ('pending', 'processing'))
    returning 1
  )
  select count(*) into expired from lapsed;
  return expired;
end
$$;

revoke all on function service.expire_unpaid_purchases() from public, anon, authenticated;
grant execute on function service.expire_unpaid_purchases() to service_role;

comment on function service.expire_unpaid_purchases() is
  'Voids the purchases'' invoices past due with no payment in flight: their pending purchases are rejected (not paid in time) and coupon uses released. pg_cron runs it hourly.';

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('expire-unpaid-purchases', '23 * * * *', 'select service.expire_unpaid_purchases()');
  end if;
end
$$;
