-- engagement / reviews of purchases (issues 13 and 16): a buyer with an active purchase of a
-- digital product reviews it, once, as a client reviews a completed booking. The review's target
-- is one nullable foreign key per kind, exactly one set: a booking or a purchase. Ratings follow
-- as before (the trigger moves the offering's and the seller's by the review's difference).

alter table public.reviews
  add column purchase_id uuid unique references public.purchases (id) on delete restrict,
  drop constraint reviews_one_target,
  add constraint reviews_one_target check (num_nonnulls(booking_id, purchase_id) = 1);

comment on column public.reviews.purchase_id is 'The purchase of a digital product the review is about (a booking''s review has booking_id). Exactly one is set.';

create function private.review_purchase(purchase_id uuid, rating integer, body text default null)
returns public.reviews
language plpgsql
security definer
set search_path = ''
as $$
declare
  purchase public.purchases;
  review public.reviews;
begin
  select * into purchase from public.purchases p where p.id = review_purchase.purchase_id;
  if not found or purchase.buyer_id is distinct from auth.uid() then
    raise exception 'purchase_id: purchase % not found among yours', review_purchase.purchase_id using errcode = 'PT404';
  end if;
  if purchase.status <> 'active' then
    raise exception 'purchase_id: only an active purchase can be reviewed (this one is %)', purchase.status using errcode = 'PT409';
  end if;
  if rating is null or rating not between 1 and 5 then
    raise exception 'rating: give 1 to 5 stars' using errcode = '22023';
  end if;
  if char_length(body) > 4000 then
    raise exception 'body: at most 4000 characters' using errcode = '22023';
  end if;
  insert into public.reviews (purchase_id, offering_id, provider_id, author_id, rating, body)
  values (purchase.id, purchase.offering_id, purchase.seller_id, purchase.buyer_id, rating, nullif(btrim(body), ''))
  on conflict on constraint reviews_purchase_id_key do nothing
  returning * into review;
  if review.id is null then
    raise exception 'purchase_id: this purchase already has your review; edit it instead' using errcode = 'PT409';
  end if;
  return review;
end
$$;

revoke all on function private.review_purchase(uuid, integer, text) from public, anon, authenticated, service_role;
grant execute on function private.review_purchase(uuid, integer, text) to authenticated;

create function public.review_purchase(purchase_id uuid, rating integer, body text default null)
returns public.reviews language sql security invoker set search_path = ''
as $$ select private.review_purchase(purchase_id, rating, body) $$;

revoke all on function public.review_purchase(uuid, integer, text) from public, anon;
grant execute on function public.review_purchase(uuid, integer, text) to authenticated, service_role;

comment on function public.review_purchase(uuid, integer, text) is
  'RPC: the buyer of an active purchase rates the product (1-5) with optional words, once (edit_review, delete_review as for bookings). Errors: PT404 not your purchase, PT409 not active (pending, rejected, revoked) or already reviewed, 22023 bad rating or text.';
