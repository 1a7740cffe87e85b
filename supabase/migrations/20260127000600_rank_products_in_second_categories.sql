-- purchases / a second category's store page by its own index (issue 16's benchmark).
--
-- A product's extra categories live in offering_categories; a page of such a category ("best
-- rated first") had to find the category's members and sort them by the products' rating, and
-- the planner walked every active product by rating to keep the members (49 ms at 100,000
-- products). Each pair now carries its product's rating and whether it is on sale, kept by the
-- database, with an index in page order: the page is an index range of 24 rows
-- (`offering_categories?category_id=eq.<id>&is_active=is.true&order=rating.desc&select=offerings(*)`).
-- The overall rating index of 20260127000500, which invited that walk, goes.

drop index public.offerings_rating_idx;

alter table public.offering_categories
  add column rating numeric(3, 2) not null default 0,
  add column is_active boolean not null default false;

update public.offering_categories c set rating = o.rating, is_active = o.status = 'active'
from public.offerings o where o.id = c.offering_id;

create index offering_categories_rank_idx on public.offering_categories (category_id, rating desc, offering_id) where is_active;

comment on column public.offering_categories.rating is 'The product''s rating, copied by the database (a second category''s page sorts by it).';
comment on column public.offering_categories.is_active is 'Whether the product is on sale (status active), copied by the database.';

-- Security definer: copies from the product whoever places it.
create function private.tg_offering_categories_copy()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  select o.rating, o.status = 'active' into new.rating, new.is_active from public.offerings o where o.id = new.offering_id;
  return new;
end
$$;

revoke all on function private.tg_offering_categories_copy() from public, anon, authenticated, service_role;

create trigger copy_product
  before insert on public.offering_categories
  for each row execute function private.tg_offering_categories_copy();

-- Security definer: a review moves the rating for whichever author.
create function private.tg_offerings_rank_in_categories()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.offering_categories c set rating = new.rating, is_active = new.status = 'active'
  where c.offering_id = new.id;
  return null;
end
$$;

revoke all on function private.tg_offerings_rank_in_categories() from public, anon, authenticated, service_role;

create trigger rank_in_categories
  after update of rating, status on public.offerings
  for each row when (new.rating is distinct from old.rating or new.status is distinct from old.status)
  execute function private.tg_offerings_rank_in_categories();
