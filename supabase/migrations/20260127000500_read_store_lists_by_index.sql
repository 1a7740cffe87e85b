-- purchases / store reads at scale (issue 16's benchmark: 100,000 products, 5,000,000 purchases).
--
-- * "My library": the purchases policy read "buyer or seller". With the two owners OR-ed, the
--   planner served `purchases order by created_at desc limit 50` by walking the created_at index
--   and filtering, expecting a seller's thousands of rows: a buyer with 25 purchases waited for
--   the walk over all five million (1.2 s). The table's policy is now the buyer's alone, read by
--   (buyer_id, created_at); sellers list their sales through public.my_sales, by their own index.
-- * Store pages sort a category's active products by rating: an index in that order per category,
--   and one over all active products by rating (a page of a second category walks it and keeps
--   the members, about one in twenty).

drop policy "buyers read their purchases, sellers their sales" on public.purchases;
create policy "buyers read their purchases"
  on public.purchases for select to authenticated using (buyer_id = (select auth.uid()));

create function private.my_sales(max_rows integer default 50, before timestamptz default null)
returns setof public.purchases
language sql
stable
security definer
set search_path = ''
as $$
  select p.* from public.purchases p
  where p.seller_id = (select auth.uid()) and (before is null or p.created_at < before)
  order by p.created_at desc, p.id
  limit least(greatest(coalesce(max_rows, 50), 1), 200)
$$;

revoke all on function private.my_sales(integer, timestamptz) from public, anon, service_role;
grant execute on function private.my_sales(integer, timestamptz) to authenticated;

create function public.my_sales(max_rows integer default 50, before timestamptz default null)
returns setof public.purchases language sql stable security invoker set search_path = ''
as $$ select * from private.my_sales(max_rows, before) $$;

revoke all on function public.my_sales(integer, timestamptz) from public, anon;
grant execute on function public.my_sales(integer, timestamptz) to authenticated, service_role;

comment on function public.my_sales(integer, timestamptz) is
  'RPC: the signed-in seller''s sales (purchases of their products), newest first (max_rows, at most 200; the next page with before = the last row''s created_at).';
comment on table public.purchases is
  'A buyer''s purchase of a digital product (seed 003''s Purchase: PENDING, ACTIVE, REJECT; revoked by a refund or a lost dispute). Read: the buyer (their library), admins; sellers through my_sales. Written through purchase_products and the invoice''s payments only.';

create index offerings_category_rating_idx on public.offerings (category_id, rating desc, id) where status = 'active';
create index offerings_rating_idx on public.offerings (rating desc, id) where status = 'active';
