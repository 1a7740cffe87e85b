-- engagement / reviews (issue 13, reviews and ratings): a client rates a completed booking once;
-- the provider answers once; admins hide what breaks the rules; ratings on provider profiles
-- and offerings always equal what the visible reviews say.
--
-- * A review's target is a real foreign key, one column per kind of target with exactly one set
--   (num_nonnulls): a booking today; a digital purchase joins as purchase_id when purchases exist
--   (issue 16).
-- * Nobody writes the table: public.write_review / edit_review / delete_review (the author),
--   answer_review (the provider), hide_review (admins) decide who may do what, in SQL. The
--   author's delete is soft (deleted_at): the provider's answer and the thread keep their shape.
-- * Aggregates: rating_sum and rating_count on provider_profiles and offerings, moved by a
--   trigger by the difference each change makes (+1 / -1, + / - the rating). An increment applies
--   to the row as it is when the lock is taken, so concurrent reviews of one provider add up
--   exactly, where a recount from the statement's snapshot would miss the other's. A review
--   counts while it is neither hidden nor deleted. The rating (two decimals) is derived from them
--   in the same statement, so catalog search's minimum-rating filter reads it as before.

alter table public.provider_profiles add column rating_sum bigint not null default 0 check (rating_sum >= 0);
alter table public.offerings
  add column rating numeric(3, 2) not null default 0 constraint offerings_rating_range check (rating between 0 and 5),
  add column rating_count integer not null default 0 constraint offerings_rating_count_positive check (rating_count >= 0),
  add column rating_sum bigint not null default 0 constraint offerings_rating_sum_positive check (rating_sum >= 0);

comment on column public.provider_profiles.rating is
  'Average of the visible reviews (two decimals; 0 without any), kept by the database from public.reviews. Written by nobody else.';
comment on column public.offerings.rating is
  'Average of the offering''s visible reviews (two decimals; 0 without any), kept by the database. Written by nobody else.';

create table public.reviews (
  id uuid primary key default gen_random_uuid(),
  booking_id uuid unique references public.bookings (id) on delete restrict,
  offering_id uuid not null references public.offerings (id) on delete restrict,
  provider_id uuid references public.provider_profiles (user_id) on delete restrict,
  author_id uuid not null references public.profiles (id) on delete cascade,
  rating smallint not null constraint reviews_rating_range check (rating between 1 and 5),
  body text constraint reviews_body_length check (char_length(body) <= 4000),
  response text constraint reviews_response_length check (char_length(response) between 1 and 4000),
  responded_at timestamptz,
  hidden_at timestamptz,
  hidden_by uuid references public.profiles (id) on delete set null,
  hidden_reason text constraint reviews_hidden_reason_length check (char_length(hidden_reason) <= 500),
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint reviews_one_target check (num_nonnulls(booking_id) = 1),
  constraint reviews_response_dated check ((response is null) = (responded_at is null))
);

-- A provider's and an offering's pages read newest first under their filter; the indexes are
-- whole (not partial on visibility): the signed-in readers' policy is "visible, or mine", which
-- a partial index cannot serve, and the policy is then a filter on the ordered scan.
create index reviews_provider_idx on public.reviews (provider_id, created_at desc);
create index reviews_offering_idx on public.reviews (offering_id, created_at desc);
create index reviews_author_idx on public.reviews (author_id, created_at desc);
create index reviews_created_idx on public.reviews (created_at desc);
create index reviews_hidden_by_idx on public.reviews (hidden_by) where hidden_by is not null;

comment on table public.reviews is
  'A client''s rating (1-5) and words about a completed booking, one per booking, with the provider''s one answer. Read: everyone, visible ones; the author and the provider also their hidden or deleted ones; admins all. Written only through write_review, edit_review, delete_review, answer_review and hide_review.';

create trigger set_updated_at
  before update on public.reviews
  for each row execute function private.tg_set_updated_at();

-- Aggregates -------------------------------------------------------------------------------------
-- Security definer: provider_profiles and offerings are not writable by the callers of the RPCs.
create function private.tg_reviews_move_ratings()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  was_counted boolean := tg_op <> 'INSERT' and old.hidden_at is null and old.deleted_at is null;
  is_counted boolean := tg_op <> 'DELETE' and new.hidden_at is null and new.deleted_at is null;
begin
  if was_counted then
    update public.provider_profiles p
    set rating_count = p.rating_count - 1, rating_sum = p.rating_sum - old.rating,
        rating = case when p.rating_count > 1 then round((p.rating_sum - old.rating)::numeric / (p.rating_count - 1), 2) else 0 end
    where p.user_id = old.provider_id;
    update public.offerings o
    set rating_count = o.rating_count - 1, rating_sum = o.rating_sum - old.rating,
        rating = case when o.rating_count > 1 then round((o.rating_sum - old.rating)::numeric / (o.rating_count - 1), 2) else 0 end
    where o.id = old.offering_id;
  end if;
  if is_counted then
    update public.provider_profiles p
    set rating_count = p.rating_count + 1, rating_sum = p.rating_sum + new.rating,
        rating = round((p.rating_sum + new.rating)::numeric / (p.rating_count + 1), 2)
    where p.user_id = new.provider_id;
    update public.offerings o
    set rating_count = o.rating_count + 1, rating_sum = o.rating_sum + new.rating,
        rating = round((o.rating_sum + new.rating)::numeric / (o.rating_count + 1), 2)
    where o.id = new.offering_id;
  end if;
  return null;
end
$$;

revoke all on function private.tg_reviews_move_ratings() from public, anon, authenticated, service_role;

create trigger move_ratings
  after insert or delete or update of rating, hidden_at, deleted_at on public.reviews
  for each row execute function private.tg_reviews_move_ratings();

-- The RPCs -----------------------------------------------------------------------------------------
-- Security definer bodies (the table has no write privilege for any API role); each decides who
-- may act from auth.uid(), never from an argument.

create function private.write_review(booking_id uuid, rating integer, body text default null)
returns public.reviews
language plpgsql
security definer
set search_path = ''
as $$
declare
  booking public.bookings;
  review public.reviews;
begin
  select * into booking from public.bookings b where b.id = write_review.booking_id;
  if not found or booking.client_id is distinct from auth.uid() then
    raise exception 'booking_id: booking % not found among yours', write_review.booking_id using errcode = 'PT404';
  end if;
  if booking.status <> 'completed' then
    raise exception 'booking_id: only a completed booking can be reviewed (this one is %)', booking.status
      using errcode = 'PT409';
  end if;
  if rating is null or rating not between 1 and 5 then
    raise exception 'rating: give 1 to 5 stars' using errcode = '22023';
  end if;
  if char_length(body) > 4000 then
    raise exception 'body: at most 4000 characters' using errcode = '22023';
  end if;
  insert into public.reviews (booking_id, offering_id, provider_id, author_id, rating, body)
  values (booking.id, booking.offering_id, booking.provider_id, booking.client_id, rating, nullif(btrim(body), ''))
  on conflict on constraint reviews_booking_id_key do nothing
  returning * into review;
  if review.id is null then
    raise exception 'booking_id: this booking already has your review; edit it instead' using errcode = 'PT409';
  end if;
  return review;
end
$$;

create function private.edit_review(review_id uuid, rating integer, body text default null)
returns public.reviews
language plpgsql
security definer
set search_path = ''
as $$
declare
  review public.reviews;
begin
  if rating is null or rating not between 1 and 5 then
    raise exception 'rating: give 1 to 5 stars' using errcode = '22023';
  end if;
  if char_length(body) > 4000 then
    raise exception 'body: at most 4000 characters' using errcode = '22023';
  end if;
  update public.reviews r set rating = edit_review.rating, body = nullif(btrim(edit_review.body), '')
  where r.id = edit_review.review_id and r.author_id = auth.uid() and r.deleted_at is null
  returning * into review;
  if review.id is null then
    raise exception 'review_id: review % not found among yours', review_id using errcode = 'PT404';
  end if;
  return review;
end
$$;

create function private.delete_review(review_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.reviews r set deleted_at = now()
  where r.id = delete_review.review_id and r.author_id = auth.uid() and r.deleted_at is null;
  if not found then
    raise exception 'review_id: review % not found among yours', review_id using errcode = 'PT404';
  end if;
end
$$;

create function private.answer_review(review_id uuid, response text)
returns public.reviews
language plpgsql
security definer
set search_path = ''
as $$
declare
  review public.reviews;
begin
  if coalesce(btrim(response), '') = '' or char_length(response) > 4000 then
    raise exception 'response: 1 to 4000 characters' using errcode = '22023';
  end if;
  select * into review from public.reviews r
  where r.id = answer_review.review_id and r.provider_id = auth.uid() and r.deleted_at is null
  for update;
  if not found then
    raise exception 'review_id: review % not found among your reviews', review_id using errcode = 'PT404';
  end if;
  if review.response is not null then
    raise exception 'review_id: you have answered this review already' using errcode = 'PT409';
  end if;
  update public.reviews r set response = btrim(answer_review.response), responded_at = now()
  where r.id = review.id
  returning * into review;
  return review;
end
$$;

create function private.hide_review(review_id uuid, hidden boolean default true, reason text default null)
returns public.reviews
language plpgsql
security definer
set search_path = ''
as $$
declare
  review public.reviews;
begin
  if not private.is_admin() then
    raise exception 'only admins hide or show reviews' using errcode = '42501';
  end if;
  if hidden and coalesce(btrim(reason), '') = '' then
    raise exception 'reason: say why the review is hidden (the author and the provider see it)' using errcode = '22023';
  end if;
  update public.reviews r
  set hidden_at = case when hidden then coalesce(r.hidden_at, now()) end,
      hidden_by = case when hidden then auth.uid() end,
      hidden_reason = case when hidden then left(btrim(reason), 500) end
  where r.id = hide_review.review_id
  returning * into review;
  if review.id is null then
    raise exception 'review_id: review % not found', review_id using errcode = 'PT404';
  end if;
  return review;
end
$$;

revoke all on function private.write_review(uuid, integer, text), private.edit_review(uuid, integer, text),
  private.delete_review(uuid), private.answer_review(uuid, text), private.hide_review(uuid, boolean, text)
  from public, anon, authenticated, service_role;
grant execute on function private.write_review(uuid, integer, text), private.edit_review(uuid, integer, text),
  private.delete_review(uuid), private.answer_review(uuid, text), private.hide_review(uuid, boolean, text)
  to authenticated;

create function public.write_review(booking_id uuid, rating integer, body text default null)
returns public.reviews language sql security invoker set search_path = ''
as $$ select private.write_review(booking_id, rating, body) $$;
create function public.edit_review(review_id uuid, rating integer, body text default null)
returns public.reviews language sql security invoker set search_path = ''
as $$ select private.edit_review(review_id, rating, body) $$;
create function public.delete_review(review_id uuid)
returns void language sql security invoker set search_path = ''
as $$ select private.delete_review(review_id) $$;
create function public.answer_review(review_id uuid, response text)
returns public.reviews language sql security invoker set search_path = ''
as $$ select private.answer_review(review_id, response) $$;
create function public.hide_review(review_id uuid, hidden boolean default true, reason text default null)
returns public.reviews language sql security invoker set search_path = ''
as $$ select private.hide_review(review_id, hidden, reason) $$;

revoke all on function public.write_review(uuid, integer, text), public.edit_review(uuid, integer, text),
  public.delete_review(uuid), public.answer_review(uuid, text), public.hide_review(uuid, boolean, text)
  from public, anon;
grant execute on function public.write_review(uuid, integer, text), public.edit_review(uuid, integer, text),
  public.delete_review(uuid), public.answer_review(uuid, text), public.hide_review(uuid, boolean, text)
  to authenticated, service_role;

comment on function public.write_review(uuid, integer, text) is
  'RPC: the client of a completed booking rates it (1-5) with optional words, once. Errors: PT404 not your booking, PT409 not completed or already reviewed, 22023 bad rating or text.';
comment on function public.edit_review(uuid, integer, text) is
  'RPC: the author changes their rating and words. Errors: PT404 not your review, 22023 bad rating or text.';
comment on function public.delete_review(uuid) is
  'RPC: the author withdraws their review (kept, marked deleted: the provider''s answer keeps its place; it stops counting). Errors: PT404.';
comment on function public.answer_review(uuid, text) is
  'RPC: the provider answers a review of theirs, once. Errors: PT404 not your review, PT409 answered already, 22023 empty or too long.';
comment on function public.hide_review(uuid, boolean, text) is
  'RPC (admins): hides a review with a reason (it stops counting) or shows it again (hidden => false). Errors: 42501 not an admin, PT404, 22023 no reason.';

-- Access ---------------------------------------------------------------------------------------------
alter table public.reviews enable row level security;
revoke all on table public.reviews from anon, authenticated;
grant select on table public.reviews to anon, authenticated, marketbase_admin;
grant select, insert, update, delete on table public.reviews to service_role;

create policy "anyone can read visible reviews"
  on public.reviews for select to anon
  using (hidden_at is null and deleted_at is null);
create policy "users read visible reviews and their own"
  on public.reviews for select to authenticated
  using ((hidden_at is null and deleted_at is null) or author_id = (select auth.uid()) or provider_id = (select auth.uid()));
create policy "admins read every review"
  on public.reviews for select to marketbase_admin using ((select private.is_admin()));

-- Notifications ---------------------------------------------------------------------------------------
insert into public.notification_categories (key, critical, default_channels, description) values
  ('reviews', false, '{in_app,email}', 'Reviews of your work and answers to yours.');
insert into public.notification_event_types (key, category, variables, severity, priority, description) values
  ('review.received', 'reviews', '{review_id,offering_title,client_name,rating,action_url}', 'info', 4,
   'A client reviewed a provider''s completed work.');
insert into public.notification_templates (event_type, channel, subject, title, body, action_url) values
  ('review.received', 'in_app', null, 'New review', '{{ client_name }} gave {{ offering_title }} {{ rating }} of 5 stars.',
   '{{ action_url }}'),
  ('review.received', 'email', '{{ client_name }} reviewed {{ offering_title }}', 'You have a new review',
   E'Hi {{ recipient_name }},\n\n{{ client_name }} gave {{ offering_title }} {{ rating }} of 5 stars.\n\nRead it and answer: {{ action_url }}',
   '{{ action_url }}'),
  ('review.received', 'sms', null, 'New review', '{{ client_name }} rated {{ offering_title }} {{ rating }}/5. {{ action_url }}',
   '{{ action_url }}'),
  ('review.received', 'push', null, 'New review', '{{ client_name }} rated {{ offering_title }} {{ rating }}/5.', '{{ action_url }}');

create function private.tg_reviews_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.provider_id is not null then
    perform private.enqueue_notification('review.received', 'review.received:' || new.id, array[new.provider_id],
      jsonb_build_object(
        'review_id', new.id,
        'offering_title', (select o.title from public.offerings o where o.id = new.offering_id),
        'client_name', (select p.display_name from public.profiles p where p.id = new.author_id),
        'rating', new.rating::text,
        'action_url', '/reviews/' || new.id));
  end if;
  return null;
end
$$;

revoke all on function private.tg_reviews_notify() from public, anon, authenticated, service_role;

create trigger notify
  after insert on public.reviews
  for each row execute function private.tg_reviews_notify();
