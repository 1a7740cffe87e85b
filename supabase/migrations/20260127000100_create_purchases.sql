-- purchases (issue 16, seed 003's Workflow, Category many to many, WorkflowAsset, Purchase):
-- digital products bought without a time slot, paid by card or by an approved QR / bank
-- transfer, downloaded from a private bucket by their buyers only.
--
-- * A digital product is an offering of kind `digital`. public.offering_categories puts it in
--   more categories than its own (each pair once); its features are offerings.features; its
--   previews are its offering_media (the public bucket, as every offering's); its deliverables are
--   public.product_files in the private bucket `product-files` as `<offering id>/v<version>/<file>`,
--   each upload a new version of the product (the latest is what a new buyer gets).
-- * public.purchase_products(offering_ids, coupon_code) is the one way to buy: one invoice per
--   seller (the platform or a provider) priced in SQL by private.price_booking (offers, coupons,
--   tax by the buyer's country, commission), numbered like every invoice, and one pending purchase
--   per product. No booking: checkout, webhooks and manual payments work on the invoice.
-- * The invoice decides the purchase: paid → active (purchase.completed, success); its manual
--   payment rejected → rejected (purchase.rejected, error) and the invoice voided; refunded in full
--   or a dispute lost → revoked, in the same transaction (purchase.refunded); a partial refund
--   leaves it active.
-- * Downloads: public.request_download(file_id) checks an active purchase (a file of the version
--   bought or later), counts it and bounds it per day (purchases.max_downloads_per_day); the
--   bucket's policy lets a buyer read the object under the same rule (the frontend then asks
--   Storage for a signed URL); sellers and admins read their files.
-- * Who reads purchases: the buyer and the seller (their sales list); admins. Sales by day and
--   month are billing_records (invoices), now split by source (bookings, purchases).

insert into private.settings (key, value, description) values
  ('purchases.max_downloads_per_day', '20', 'Downloads of one purchase''s files per UTC day; beyond it PT429.'),
  ('purchases.max_cart_items', '20', 'Products in one purchase_products call.');

-- The platform sells workflows of its own: an offering without a provider is the collectors'
-- (a lab test) or a digital product, which needs no calendar.
alter table public.offerings
  drop constraint offerings_platform_items_use_collectors,
  add constraint offerings_platform_items_use_collectors check (provider_id is not null or scheduled_on = 'collector' or kind = 'digital');

-- Categories, many to many ---------------------------------------------------------------------------

create table public.offering_categories (
  offering_id uuid not null references public.offerings (id) on delete cascade,
  category_id uuid not null references public.categories (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (offering_id, category_id)
);

create index offering_categories_category_idx on public.offering_categories (category_id, offering_id);

comment on table public.offering_categories is
  'More categories of an offering than its own category_id (seed 003: a workflow in several categories), each pair once. Read: whoever reads the offering. Written by its manager (the provider, admins for the platform''s).';

-- Deliverables ------------------------------------------------------------------------------------------

create table public.product_files (
  id uuid primary key default gen_random_uuid(),
  offering_id uuid not null references public.offerings (id) on delete cascade,
  version integer not null constraint product_files_version_positive check (version >= 1),
  path text not null,
  name text not null constraint product_files_name_length check (char_length(name) between 1 and 255),
  mimetype text,
  size bigint,
  notes text constraint product_files_notes_length check (char_length(notes) <= 2000),
  created_at timestamptz not null default now(),
  constraint product_files_path_key unique (path),
  constraint product_files_path_in_folder check (path like offering_id::text || '/v' || version || '/%')
);

create index product_files_offering_idx on public.product_files (offering_id, version desc);

comment on table public.product_files is
  'The files a buyer gets (the workflow itself), in bucket product-files as `<offering id>/v<version>/<file>`. Read: everyone who reads the product (names and versions; the bytes are the bucket''s to guard). Insert: the product''s manager, after uploading.';

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('product-files', 'product-files', false, 52428800,
        '{application/json,application/zip,application/pdf,text/plain,text/markdown,application/octet-stream}')
on conflict (id) do nothing;

-- Purchases ---------------------------------------------------------------------------------------------

create type public.purchase_status as enum ('pending', 'active', 'rejected', 'revoked');

create table public.purchases (
  id uuid primary key default gen_random_uuid(),
  buyer_id uuid not null references public.profiles (id) on delete restrict,
  offering_id uuid not null references public.offerings (id) on delete restrict,
  seller_id uuid references public.provider_profiles (user_id) on delete restrict,
  invoice_id uuid not null references public.invoices (id) on delete restrict,
  title text not null,
  amount bigint not null constraint purchases_amount_positive check (amount >= 0),
  currency character(3) not null,
  version integer not null default 1,
  status public.purchase_status not null default 'pending',
  activated_at timestamptz,
  rejected_at timestamptz,
  revoked_at timestamptz,
  status_reason text constraint purchases_status_reason_length check (char_length(status_reason) <= 500),
  download_count integer not null default 0,
  downloads_day date,
  downloads_that_day integer not null default 0,
  last_download_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One live purchase (pending or active) per buyer and product: buying twice is refused.
create unique index purchases_one_live_idx on public.purchases (buyer_id, offering_id) where status in ('pending', 'active');
create index purchases_buyer_idx on public.purchases (buyer_id, created_at desc);
create index purchases_seller_idx on public.purchases (seller_id, created_at desc) where seller_id is not null;
create index purchases_invoice_idx on public.purchases (invoice_id);
create index purchases_offering_idx on public.purchases (offering_id, status);
create index purchases_created_at_idx on public.purchases (created_at desc);

create trigger set_updated_at
  before update on public.purchases
  for each row execute function private.tg_set_updated_at();

comment on table public.purchases is
  'A buyer''s purchase of a digital product (seed 003''s Purchase: PENDING, ACTIVE, REJECT; revoked by a refund or a lost dispute). Read: the buyer (their library), the seller (their sales), admins. Written through purchase_products and the invoice''s payments only.';
comment on column public.purchases.version is 'The product''s latest file version when bought: the buyer downloads it and every later version.';

-- Coupons of purchases: a redemption belongs to a booking or to an invoice.
alter table public.coupon_redemptions
  alter column booking_id drop not null,
  add column invoice_id uuid references public.invoices (id) on delete cascade,
  add constraint coupon_redemptions_has_target check (num_nonnulls(booking_id, invoice_id) >= 1);

create index coupon_redemptions_invoice_id_idx on public.coupon_redemptions (invoice_id) where invoice_id is not null;

-- Buying -----------------------------------------------------------------------------------------------------

create function private.purchase_products(offering_ids uuid[], coupon_code text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  buyer uuid := auth.uid();
  seller record;
  quote jsonb;
  invoice public.invoices;
  stand_in public.bookings;
  address uuid;
  owned text;
  coupon_used boolean := false;
  field text;
  quotes jsonb := '[]';
  priced jsonb;
  orders jsonb := '[]';
begin
  if buyer is null then
    raise exception 'sign in to buy' using errcode = '42501';
  end if;
  offering_ids := array(select distinct unnest(offering_ids));
  if coalesce(cardinality(offering_ids), 0) = 0
     or cardinality(offering_ids) > (private.setting('purchases.max_cart_items'))::integer then
    raise exception 'offering_ids: give 1 to % products', (private.setting('purchases.max_cart_items'))::integer
      using errcode = '22023';
  end if;
  -- One buyer's purchases one at a time: "already owned" holds under concurrency.
  perform pg_advisory_xact_lock(hashtext('marketbase.purchases:' || buyer::text));
  if exists (select 1 from unnest(offering_ids) i
             where not exists (select 1 from public.offerings o where o.id = i and o.kind = 'digital' and o.status = 'active')) then
    raise exception 'offering_ids: % is not a product on sale',
      (select i from unnest(offering_ids) i
       where not exists (select 1 from public.offerings o where o.id = i and o.kind = 'digital' and o.status = 'active') limit 1)
      using errcode = 'PT404';
  end if;
  select string_agg(o.title, ', ') into owned
  from public.purchases p join public.offerings o on o.id = p.offering_id
  where p.buyer_id = buyer and p.offering_id = any (offering_ids) and p.status in ('pending', 'active');
  if owned is not null then
    raise exception 'offering_ids: you already own or are paying for %', owned using errcode = 'PT409';
  end if;
  if exists (select 1 from public.offerings o where o.id = any (offering_ids) and o.provider_id = buyer) then
    raise exception 'offering_ids: you sell one of these products' using errcode = '22023';
  end if;
  if coupon_code is not null then
    perform private.check_coupon_guesses(buyer);
    perform 1 from public.coupons c where c.code operator(extensions.=) coupon_code::extensions.citext for update;
  end if;
  -- Tax follows the buyer's country: their default address, when they have one.
  select a.id into address from public.addresses a where a.user_id = buyer and a.is_default;

  -- One invoice per seller and currency, all priced before anything is written: a coupon that
  -- fits none of them is refused (and counted) with nothing bought.
  for seller in
    select o.provider_id, o.currency, array_agg(o.id order by o.title) as ids
    from public.offerings o where o.id = any (offering_ids)
    group by o.provider_id, o.currency
    order by o.provider_id nulls first, o.currency
  loop
    quote := null;
    if coupon_code is not null then
      begin
        quote := private.price_booking(buyer, (select jsonb_agg(jsonb_build_object('offering_id', i)) from unnest(seller.ids) i),
                                       '[]', null, coupon_code, address, now());
        coupon_used := true;
      exception when invalid_parameter_value then
        get stacked diagnostics field = column_name;
        if field is distinct from 'coupon_code' then
          raise;
        end if;
      end;
    end if;
    if quote is null then
      quote := private.price_booking(buyer, (select jsonb_agg(jsonb_build_object('offering_id', i)) from unnest(seller.ids) i),
                                     '[]', null, null, address, now());
    end if;
    quotes := quotes || jsonb_build_object('provider_id', seller.provider_id, 'ids', to_jsonb(seller.ids), 'quote', quote);
  end loop;
  if coupon_code is not null and not coupon_used then
    return private.refuse_coupon(buyer, coupon_code,
                                 format('coupon_code: %s is not a valid coupon for these products', left(coupon_code, 40)));
  end if;

  for priced in select q from jsonb_array_elements(quotes) q loop
    quote := priced -> 'quote';
    -- The invoice of a purchase has no booking: create_invoice reads the client, the provider
    -- and the due date from the row it is given.
    stand_in := null;
    stand_in.client_id := buyer;
    stand_in.provider_id := (priced ->> 'provider_id')::uuid;
    stand_in.hold_expires_at := now() + interval '7 days';
    invoice := private.create_invoice(stand_in, quote);
    if quote ->> 'coupon_id' is not null then
      insert into public.coupon_redemptions (coupon_id, invoice_id, user_id, discount_amount, status, redeemed_at)
      values ((quote ->> 'coupon_id')::uuid, invoice.id, buyer, (quote ->> 'discount')::bigint,
              case when invoice.total = 0 then 'redeemed'::public.redemption_status else 'reserved' end,
              case when invoice.total = 0 then now() end);
    end if;
    insert into public.purchases (buyer_id, offering_id, seller_id, invoice_id, title, amount, currency, version, status, activated_at)
    select buyer, o.id, o.provider_id, invoice.id, o.title,
           coalesce((select (l ->> 'amount')::bigint from jsonb_array_elements(quote -> 'lines') l
                     where l ->> 'kind' = 'item' and (l ->> 'offering_id')::uuid = o.id), o.price),
           o.currency,
           coalesce((select max(f.version) from public.product_files f where f.offering_id = o.id), 1),
           case when invoice.total = 0 then 'active'::public.purchase_status else 'pending' end,
           case when invoice.total = 0 then now() end
    from public.offerings o where o.id in (select (jsonb_array_elements_text(priced -> 'ids'))::uuid);
    orders := orders || jsonb_build_object(
      'invoice_id', invoice.id, 'invoice_number', invoice.number, 'seller_id', invoice.provider_id,
      'currency', invoice.currency, 'total', invoice.total, 'status', invoice.status,
      'purchase_ids', (select jsonb_agg(p.id order by p.title) from public.purchases p where p.invoice_id = invoice.id));
  end loop;

  return jsonb_build_object('orders', orders);
end
$$;

revoke all on function private.purchase_products(uuid[], text) from public, anon, authenticated, service_role;
grant execute on function private.purchase_products(uuid[], text) to authenticated;

-- P0002 from the pricing underneath answers as PT404.
create function public.purchase_products(offering_ids uuid[], coupon_code text default null)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.purchase_products(purchase_products.offering_ids, purchase_products.coupon_code);
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

revoke all on function public.purchase_products(uuid[], text) from public, anon;
grant execute on function public.purchase_products(uuid[], text) to authenticated, service_role;

comment on function public.purchase_products(uuid[], text) is
  'RPC: buys digital products (a cart): one invoice per seller priced in SQL (offers, the coupon where it applies, tax by the buyer''s country), one pending purchase per product; pay each invoice by card (checkout) or by transfer (declare_manual_payment). Answers {"orders": [{invoice_id, invoice_number, total, purchase_ids, ...}]}. Errors: 42501 signed out, PT404 not a product on sale, PT409 already owned or being paid, 22023 a bad cart or coupon.';

-- The invoice decides the purchase --------------------------------------------------------------------------

create function private.tg_invoices_move_purchases()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  purchase public.purchases;
  event text;
  reason text;
begin
  if new.status = 'paid' then
    update public.coupon_redemptions r set status = 'redeemed', redeemed_at = now()
    where r.invoice_id = new.id and r.status = 'reserved';
    for purchase in
      update public.purchases p set status = 'active', activated_at = now()
      where p.invoice_id = new.id and p.status = 'pending' returning *
    loop
      perform private.enqueue_notification('purchase.completed', 'purchase.completed:' || purchase.id, array[purchase.buyer_id],
        private.purchase_notification_data(purchase, new));
    end loop;
  elsif new.status = 'refunded' or new.status = 'void' then
    event := case new.status when 'refunded' then 'purchase.refunded' else 'purchase.rejected' end;
    reason := case new.status when 'refunded' then 'refunded' else 'the invoice was voided' end;
    update public.coupon_redemptions r set status = 'released', released_at = now()
    where r.invoice_id = new.id and r.status = 'reserved';
    for purchase in
      update public.purchases p
      set status = case when p.status = 'active' then 'revoked'::public.purchase_status else 'rejected' end,
          revoked_at = case when p.status = 'active' then now() end,
          rejected_at = case when p.status = 'pending' then now() end,
          status_reason = coalesce(p.status_reason, reason)
      where p.invoice_id = new.id and p.status in ('pending', 'active') returning *
    loop
      perform private.enqueue_notification(case when purchase.status = 'revoked' then 'purchase.refunded' else event end,
        format('%s:%s', case when purchase.status = 'revoked' then 'purchase.refunded' else event end, purchase.id),
        array[purchase.buyer_id], private.purchase_notification_data(purchase, new));
    end loop;
  end if;
  return null;
end
$$;

revoke all on function private.tg_invoices_move_purchases() from public, anon, authenticated, service_role;

create trigger move_purchases
  after update of status on public.invoices
  for each row when (new.booking_id is null and new.status is distinct from old.status)
  execute function private.tg_invoices_move_purchases();

create function private.purchase_notification_data(purchase public.purchases, invoice public.invoices)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'purchase_id', purchase.id,
    'offering_title', purchase.title,
    'amount', private.format_amount(purchase.amount, purchase.currency),
    'currency', purchase.currency,
    'invoice_number', invoice.number,
    'reason', coalesce(purchase.status_reason, ''),
    'action_url', private.app_link('/library/' || purchase.id))
$$;

revoke all on function private.purchase_notification_data(public.purchases, public.invoices) from public, anon, authenticated, service_role;

-- A rejected transfer or QR payment rejects the purchases it was for (the seed's REJECT) and
-- voids their invoice; a new purchase starts over.
create function private.tg_payments_reject_purchases()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.purchases p set status_reason = coalesce(new.review_note, new.failure_message, 'payment rejected')
  where p.invoice_id = new.invoice_id and p.status = 'pending';
  update public.invoices i set status = 'void', voided_at = now()
  where i.id = new.invoice_id and i.status = 'open' and i.booking_id is null
    and exists (select 1 from public.purchases p where p.invoice_id = i.id);
  return null;
end
$$;

revoke all on function private.tg_payments_reject_purchases() from public, anon, authenticated, service_role;

create trigger reject_purchases
  after update of reviewed_at on public.payments
  for each row when (new.method <> 'stripe' and new.status = 'failed' and new.reviewed_at is not null and new.booking_id is null)
  execute function private.tg_payments_reject_purchases();

-- A dispute lost takes the access away, in the transaction that records it.
create function private.tg_disputes_revoke_purchases()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.purchases p
  set status = 'revoked', revoked_at = now(), status_reason = 'payment disputed and lost'
  where p.invoice_id = new.invoice_id and p.status = 'active';
  return null;
end
$$;

revoke all on function private.tg_disputes_revoke_purchases() from public, anon, authenticated, service_role;

create trigger revoke_purchases
  after insert or update of status on public.disputes
  for each row when (new.status = 'lost')
  execute function private.tg_disputes_revoke_purchases();

-- Downloads ----------------------------------------------------------------------------------------------------

-- Security definer: the bucket's policy and request_download ask it with the caller's id. A
-- buyer reads a file of their product of the version they bought or later, while the purchase
-- is active and within the day's downloads; the seller and admins read every file of theirs.
create function private.can_download_product_file(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.is_admin()
      or exists (
        select 1 from public.product_files f
        join public.offerings o on o.id = f.offering_id
        where f.path = object_name
          and (o.provider_id = (select auth.uid())
               or exists (select 1 from public.purchases p
                          where p.buyer_id = (select auth.uid()) and p.offering_id = f.offering_id and p.status = 'active'
                            and f.version >= p.version
                            and (p.downloads_day is distinct from (now() at time zone 'UTC')::date
                                 or p.downloads_that_day <= (private.setting('purchases.max_downloads_per_day'))::integer))))
$$;

revoke all on function private.can_download_product_file(text) from public;
grant execute on function private.can_download_product_file(text) to authenticated, service_role;

create function private.request_download(file_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  file public.product_files;
  purchase public.purchases;
  limit_per_day integer := (private.setting('purchases.max_downloads_per_day'))::integer;
  today date := (now() at time zone 'UTC')::date;
begin
  select * into file from public.product_files f where f.id = request_download.file_id;
  if file.id is null then
    raise exception 'file_id: file % not found', request_download.file_id using errcode = 'PT404';
  end if;
  select * into purchase from public.purchases p
  where p.buyer_id = auth.uid() and p.offering_id = file.offering_id and p.status = 'active'
  for update;
  if purchase.id is null then
    if private.can_download_product_file(file.path) then
      return jsonb_build_object('bucket', 'product-files', 'path', file.path, 'name', file.name, 'counted', false);
    end if;
    raise exception 'file_id: buy % to download it', (select o.title from public.offerings o where o.id = file.offering_id)
      using errcode = '42501';
  end if;
  if file.version < purchase.version then
    raise exception 'file_id: version % came before your purchase; download version % or later', file.version, purchase.version
      using errcode = '42501';
  end if;
  if purchase.downloads_day = today and purchase.downloads_that_day >= limit_per_day then
    raise exception 'too many downloads today: at most % a day', limit_per_day using errcode = 'PT429', hint = 'Try again tomorrow.';
  end if;
  update public.purchases p
  set download_count = p.download_count + 1,
      downloads_that_day = case when p.downloads_day = today then p.downloads_that_day + 1 else 1 end,
      downloads_day = today,
      last_download_at = now()
  where p.id = purchase.id
  returning * into purchase;
  return jsonb_build_object('bucket', 'product-files', 'path', file.path, 'name', file.name, 'counted', true,
                            'downloads_today', purchase.downloads_that_day, 'downloads_left_today', limit_per_day - purchase.downloads_that_day);
end
$$;

revoke all on function private.request_download(uuid) from public, anon, authenticated, service_role;
grant execute on function private.request_download(uuid) to authenticated;

create function public.request_download(file_id uuid)
returns jsonb language sql security invoker set search_path = ''
as $$ select private.request_download(file_id) $$;

revoke all on function public.request_download(uuid) from public, anon;
grant execute on function public.request_download(uuid) to authenticated, service_role;

comment on function public.request_download(uuid) is
  'RPC: a buyer asks to download a file of their product (of the version they bought or later): the download is counted and bounded per day; answers the bucket and path to ask Storage for a signed URL (createSignedUrl). Sellers and admins get their files uncounted. Errors: PT404 no such file, 42501 not bought (or pending, rejected, revoked) or an earlier version, PT429 the day''s downloads are used up.';

-- Product files are written after their upload, by the product's manager, one version each.
create function private.tg_product_files_check()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  object record;
begin
  if not exists (select 1 from public.offerings o where o.id = new.offering_id and o.kind = 'digital') then
    raise exception 'offering_id: files belong to digital products' using errcode = '22023';
  end if;
  select o.metadata into object from storage.objects o where o.bucket_id = 'product-files' and o.name = new.path;
  if not found then
    raise exception 'path: upload the file to product-files/%/v%/ first', new.offering_id, new.version using errcode = '22023';
  end if;
  new.mimetype := object.metadata ->> 'mimetype';
  new.size := (object.metadata ->> 'size')::bigint;
  return new;
end
$$;

revoke all on function private.tg_product_files_check() from public, anon, authenticated, service_role;

create trigger check_file
  before insert or update of path on public.product_files
  for each row execute function private.tg_product_files_check();

-- Sales by source ---------------------------------------------------------------------------------------------------

-- billing_records as 20260106000000 made it, with the source of each invoice (a booking's or a
-- purchase's) as a last column and part of the grouping.
create or replace view public.billing_records
with (security_invoker = true)
as
select
  g.period, g.period_start, i.currency,
  count(*) as invoices,
  count(*) filter (where i.status in ('paid', 'partially_refunded', 'refunded')) as paid_invoices,
  sum(i.subtotal) as subtotal,
  sum(i.discount_total) as discounts,
  sum(i.travel_fee) as travel_fees,
  sum(i.tax_total) as taxes,
  sum(i.total) as invoiced,
  sum(i.amount_paid) as paid,
  sum(i.amount_refunded) as refunded,
  coalesce(sum(i.commission) filter (where i.status in ('paid', 'partially_refunded', 'refunded')), 0) as commission,
  case when i.booking_id is null then 'purchases' else 'bookings' end as source
from public.invoices i
cross join lateral (values
  ('day', date_trunc('day', i.issued_at at time zone 'UTC')::date),
  ('month', date_trunc('month', i.issued_at at time zone 'UTC')::date)
) as g (period, period_start)
where i.status <> 'void'
group by g.period, g.period_start, i.currency, case when i.booking_id is null then 'purchases' else 'bookings' end;

comment on view public.billing_records is
  'Invoice totals per UTC day and month (period = day | month), currency and source (bookings | purchases), void invoices left out. Read: admins (everything), providers (their own invoices).';

-- Grants and policies ------------------------------------------------------------------------------------------------

alter table public.offering_categories enable row level security;
alter table public.product_files enable row level security;
alter table public.purchases enable row level security;
revoke all on table public.offering_categories, public.product_files, public.purchases from anon, authenticated;
grant all on table public.offering_categories, public.product_files, public.purchases to service_role;
grant select on table public.offering_categories, public.product_files to anon, authenticated;
grant insert (offering_id, category_id), delete on table public.offering_categories to authenticated;
grant insert (offering_id, version, path, name, notes), delete on table public.product_files to authenticated;
grant select on table public.purchases to authenticated;

create policy "anyone reads the categories of offerings they can read"
  on public.offering_categories for select to anon, authenticated using ((select private.can_read_offering(offering_id)));
create policy "managers put their offerings in categories"
  on public.offering_categories for insert to authenticated with check ((select private.can_manage_offering(offering_id)));
create policy "managers take their offerings out of categories"
  on public.offering_categories for delete to authenticated using ((select private.can_manage_offering(offering_id)));

create policy "anyone reads the file list of products they can read"
  on public.product_files for select to anon, authenticated using ((select private.can_read_offering(offering_id)));
create policy "managers add files to their products"
  on public.product_files for insert to authenticated with check ((select private.can_manage_offering(offering_id)));
create policy "managers remove files of their products"
  on public.product_files for delete to authenticated using ((select private.can_manage_offering(offering_id)));

create policy "buyers read their purchases, sellers their sales"
  on public.purchases for select to authenticated
  using (buyer_id = (select auth.uid()) or seller_id = (select auth.uid()));
create policy "admins read every purchase"
  on public.purchases for select to marketbase_admin using ((select private.is_admin()));

create policy "buyers, sellers and admins read product files"
  on storage.objects for select to authenticated
  using (bucket_id = 'product-files' and private.can_download_product_file(name));
create policy "managers upload their products' files"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'product-files' and private.can_manage_offering(private.storage_booking_id(name))
              and private.fits_storage_bucket(bucket_id, metadata));

-- Notifications --------------------------------------------------------------------------------------------------------

insert into public.notification_event_types (key, category, variables, severity, priority, description) values
  ('purchase.rejected', 'purchases', '{purchase_id,offering_title,amount,currency,invoice_number,reason,action_url}', 'error', 6,
   'The transfer or QR payment of a purchase was rejected: the purchase is rejected (seed 003''s REJECT).');

insert into public.notification_templates (event_type, channel, subject, title, body, action_url) values
  ('purchase.rejected', 'in_app', null, 'Purchase rejected', 'Your purchase of {{ offering_title }} was rejected: {{ reason }}.',
   '{{ action_url }}'),
  ('purchase.rejected', 'email', 'Purchase rejected: {{ offering_title }}', 'Your purchase was rejected',
   E'Hi {{ recipient_name }},\n\nYour purchase of {{ offering_title }} ({{ amount }} {{ currency }}, invoice {{ invoice_number }}) was rejected: the payment was not accepted ({{ reason }}).\n\nYou can buy it again: {{ action_url }}',
   '{{ action_url }}'),
  ('purchase.rejected', 'sms', null, 'Purchase rejected', 'Purchase of {{ offering_title }} rejected: {{ reason }}. {{ action_url }}',
   '{{ action_url }}'),
  ('purchase.rejected', 'push', null, 'Purchase rejected', '{{ offering_title }}: {{ reason }}', '{{ action_url }}');
