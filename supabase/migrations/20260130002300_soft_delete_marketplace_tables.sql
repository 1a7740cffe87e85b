-- lifecycle / soft delete: the marketplace's tables join (issue 19). Jobs take their bids, files
-- and chat rooms; rooms their messages; posts their comments; a user's account their jobs,
-- bids, posts, comments and reviews. Tables that already had deleted_at (posts, comments,
-- reviews, chat_messages) keep it: their earlier deletions carry no deletion id, so no restore
-- brings them back.
--
-- A plain DELETE from the API becomes a soft delete where a DELETE policy lets the caller
-- through (a client's draft job, a client's job file, now an author's post or comment); where
-- none does (bids, messages, rooms) it stays refused. Reads through the API hide deleted rows
-- from everyone but admins. Offerings stay out for now: their DELETE is a hard delete that
-- bookings restrict, and search and booking functions read them by status.

select private.soft_deletable('public.jobs', 'client_id');
select private.soft_deletable('public.bids', 'provider_id');
select private.soft_deletable('public.job_files');
select private.soft_deletable('public.chat_rooms');
select private.soft_deletable('public.chat_messages', 'sender_id');
select private.soft_deletable('public.posts', 'author_id');
select private.soft_deletable('public.comments', 'author_id');
select private.soft_deletable('public.reviews', 'author_id');

select private.soft_delete_edge('public.jobs', 'public.bids', 'job_id');
select private.soft_delete_edge('public.jobs', 'public.job_files', 'job_id');
select private.soft_delete_edge('public.jobs', 'public.chat_rooms', 'job_id');
select private.soft_delete_edge('public.chat_rooms', 'public.chat_messages', 'room_id');
select private.soft_delete_edge('public.posts', 'public.comments', 'post_id');
select private.soft_delete_edge('auth.users', 'public.jobs', 'client_id');
select private.soft_delete_edge('auth.users', 'public.bids', 'provider_id');
select private.soft_delete_edge('auth.users', 'public.posts', 'author_id');
select private.soft_delete_edge('auth.users', 'public.comments', 'author_id');
select private.soft_delete_edge('auth.users', 'public.reviews', 'author_id');

-- A message its sender withdrew (is_deleted: text cleared, deleted_at set) stays readable as a
-- placeholder so replies keep their place; a message a deletion took (deleted_at, not
-- is_deleted) keeps its text for a restore and is hidden.
alter table public.chat_messages drop constraint chat_messages_deleted_at;
alter table public.chat_messages add constraint chat_messages_deleted_at check (not is_deleted or deleted_at is not null);

-- Checks that refuse changes to decided rows (a published job, a decided bid, a system
-- message) do not judge a deletion or a restore: they run when deleted_at stays as it was.
drop trigger check_job on public.jobs;
create trigger check_job before insert on public.jobs
  for each row execute function private.tg_jobs_check();
create trigger check_job_update before update on public.jobs
  for each row when (old.deleted_at is not distinct from new.deleted_at) execute function private.tg_jobs_check();
drop trigger check_bid on public.bids;
create trigger check_bid before insert on public.bids
  for each row execute function private.tg_bids_check();
create trigger check_bid_update before update on public.bids
  for each row when (old.deleted_at is not distinct from new.deleted_at) execute function private.tg_bids_check();
-- On the columns a sender edits only (20260130001300: a sender's erasure sets sender_id null).
drop trigger edit_message on public.chat_messages;
create trigger edit_message
  before update of body, is_deleted, kind, attachment_path, attachment_name, attachment_type, attachment_size
  on public.chat_messages
  for each row when (old.deleted_at is not distinct from new.deleted_at) execute function private.tg_chat_messages_edit();

-- Unique keys ignore deleted rows: a deleted article's slug is free again; a deleted pending
-- bid does not stop its provider bidding anew.
alter table public.posts drop constraint posts_slug_unique;
create unique index posts_slug_unique on public.posts (slug) where deleted_at is null;
drop index public.bids_one_live_per_provider_idx;
create unique index bids_one_live_per_provider_idx on public.bids (job_id, provider_id)
  where status = 'pending' and deleted_at is null;

-- Reads: deleted rows are for admins (whose own policies read every row) -------------------------

drop policy "clients, matched and assigned providers read jobs" on public.jobs;
create policy "clients, matched and assigned providers read live jobs"
  on public.jobs for select to authenticated
  using (deleted_at is null and (client_id = (select auth.uid()) or provider_id = (select auth.uid())
                                 or id = any ((select private.my_matched_job_ids())::uuid[])));

drop policy "providers read their bids, clients the bids on their jobs" on public.bids;
create policy "providers read their live bids, clients the live bids on their jobs"
  on public.bids for select to authenticated
  using (deleted_at is null and (provider_id = (select auth.uid()) or client_id = (select auth.uid())));

drop policy "whoever reads the job reads its files" on public.job_files;
create policy "whoever reads the job reads its live files"
  on public.job_files for select to authenticated
  using (deleted_at is null and (select private.can_read_job(job_id)));

drop policy "participants can read their rooms" on public.chat_rooms;
create policy "participants can read their live rooms"
  on public.chat_rooms for select to authenticated
  using (deleted_at is null and id = any ((select private.my_chat_room_ids())::uuid[]));

drop policy "participants can read their rooms' messages" on public.chat_messages;
create policy "participants can read their rooms' live and withdrawn messages"
  on public.chat_messages for select to authenticated
  using ((deleted_at is null or is_deleted) and room_id = any ((select private.my_chat_room_ids())::uuid[]));

drop policy "users read published posts and their own" on public.posts;
create policy "users read published posts and their own live ones"
  on public.posts for select to authenticated
  using (deleted_at is null and ((status = 'published' and hidden_at is null) or author_id = (select auth.uid())));

drop policy "comments are read with their post" on public.comments;
create policy "live comments are read with their post"
  on public.comments for select to anon, authenticated
  using (deleted_at is null and (hidden_at is null or author_id = (select auth.uid())) and (select private.can_read_post(post_id)));

drop policy "users read visible reviews and their own" on public.reviews;
create policy "users read visible reviews and their own live ones"
  on public.reviews for select to authenticated
  using (deleted_at is null and (hidden_at is null or author_id = (select auth.uid()) or provider_id = (select auth.uid())));

-- The helpers the policies call see live rows only: no message of a deleted room, no file of a
-- deleted job, no comment under a deleted post (admins excepted, as before).
create or replace function private.my_chat_room_ids()
returns uuid[]
language sql
stable
security definer -- reads the participants behind their own policies
set search_path = ''
as $$
  select coalesce(array_agg(p.room_id), '{}')
  from public.chat_participants p join public.chat_rooms r on r.id = p.room_id and r.deleted_at is null
  where p.user_id = (select auth.uid())
$$;

create or replace function private.can_read_job(job_id uuid)
returns boolean
language sql
stable
security definer -- reads the job and the matches behind their own policies
set search_path = ''
as $$
  select exists (
    select 1 from public.jobs j
    where j.id = can_read_job.job_id
      and (private.is_admin()
           or (j.deleted_at is null
               and ((select auth.uid()) in (j.client_id, j.provider_id)
                    or exists (select 1 from public.job_matches m where m.job_id = j.id and m.provider_id = (select auth.uid())))))
  )
$$;

create or replace function private.can_read_post(post_id uuid)
returns boolean
language sql
stable
security definer -- reads the post behind its own policies
set search_path = ''
as $$
  select exists (
    select 1 from public.posts p
    where p.id = can_read_post.post_id
      and (private.is_admin()
           or (p.deleted_at is null
               and ((p.status = 'published' and p.hidden_at is null and (not p.is_private or auth.uid() is not null))
                    or p.author_id = auth.uid())))
  )
$$;

-- Authors delete their posts and comments with a plain DELETE (a soft delete now): the old way,
-- an update of deleted_at, would leave a row its own author may no longer read.
revoke update (deleted_at) on table public.posts, public.comments from authenticated;
grant delete on table public.posts, public.comments to authenticated;

create policy "authors delete their own posts"
  on public.posts for delete to authenticated using (author_id = (select auth.uid()));
create policy "admins delete any post"
  on public.posts for delete to marketbase_admin using ((select private.is_admin()));
create policy "authors delete their own comments"
  on public.comments for delete to authenticated using (author_id = (select auth.uid()));
create policy "admins delete any comment"
  on public.comments for delete to marketbase_admin using ((select private.is_admin()));

-- Money rows are never deleted, soft or hard ----------------------------------------------------

select private.never_deleted('public.invoices');
select private.never_deleted('public.invoice_lines');
select private.never_deleted('public.payments');
select private.never_deleted('public.refunds');
select private.never_deleted('public.provider_ledger');
select private.never_deleted('public.disputes');
select private.never_deleted('public.job_disputes');
