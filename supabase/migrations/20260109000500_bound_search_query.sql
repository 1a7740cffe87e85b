-- catalog / search: a search query has a length bound.
--
-- Found on the way: search_offerings(query => <100 KB of words>) as anon ended in
-- `54001 stack depth limit exceeded` after 300 ms. The body (in `private` since
-- 20260109000100) now refuses a query longer than 200 characters with 22023, before any work;
-- the rest is unchanged from 20260102000600. Security definer: as before, it returns only
-- what the select policy shows to anyone, and runs as its owner so the GIN index serves it.

create or replace function private.search_offerings(
  query text default null,
  category_id uuid default null,
  min_price bigint default null,
  max_price bigint default null,
  currency char(3) default null,
  min_rating numeric default null,
  kind public.offering_kind default null,
  result_limit integer default 20,
  result_offset integer default 0
)
returns setof public.offerings
language plpgsql
stable
security definer
set search_path = ''
-- Each optional filter is `(x is null or ...)`: planned with the actual values, those fold
-- away and the indexes on what is given serve; a generic plan could not use them.
set plan_cache_mode = force_custom_plan
as $$
declare
  category_ids uuid[];
begin
  -- websearch_to_tsquery recurses per word: 100 KB of words exhausts the stack (54001) after
  -- 300 ms of work. No search a person types comes near the bound.
  if length(query) > 200 then
    raise exception 'query must be at most 200 characters' using errcode = '22023';
  end if;
  -- A null limit would mean no limit: refused like any other out-of-range page.
  if result_limit is null or result_offset is null
     or result_limit not between 1 and 100 or result_offset not between 0 and 10000 then
    raise exception 'result_limit must be 1..100 and result_offset 0..10000' using errcode = '22023';
  end if;
  if min_price > max_price then
    raise exception 'min_price must not exceed max_price' using errcode = '22023';
  end if;
  -- The category and its active subcategories, looked up first so the query below sees their
  -- ids as values: a subquery under `(category_id is null or ...)` stays a filter, which the
  -- category index cannot serve (a browse without words would read every active offering).
  if search_offerings.category_id is not null then
    category_ids := array(
      select c.id from public.categories c
      where c.is_active and (c.id = search_offerings.category_id or c.parent_id = search_offerings.category_id));
  end if;
  return query
  select o.*
  from public.offerings o
  left join public.provider_profiles p on p.user_id = o.provider_id
  where o.status = 'active'
    and (category_ids is null or o.category_id = any (category_ids))
    and (min_price is null or o.price >= min_price)
    and (max_price is null or o.price <= max_price)
    and (search_offerings.currency is null or o.currency = search_offerings.currency)
    and (search_offerings.kind is null or o.kind = search_offerings.kind)
    and (min_rating is null or p.rating >= min_rating)
    and (nullif(trim(query), '') is null or o.search @@ websearch_to_tsquery('simple', query))
  order by p.rating desc nulls last, o.created_at desc, o.id
  limit result_limit offset result_offset;
end
$$;
