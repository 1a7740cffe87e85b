-- engagement / posts, comments, reactions (issue 13): the consulting site's blog (seed 000),
-- the coaching forum (seed 002: discussions, questions, announcements; private posts), threaded
-- comments and likes / upvotes with exact counters.
--
-- * Blog articles and announcements are written by admins and staff; discussions and questions
--   by any signed-in user. A private post is read by signed-in users only; a public one by
--   everyone. Drafts and archived posts are read by their author (and admins).
-- * Comments thread (parent_id, same post, at most 5 deep). Authors change their own text and
--   delete softly (deleted_at: the thread keeps its shape; the text is no longer shown).
-- * Reactions: one per user per post or comment; the counters on posts and comments move by +1
--   and -1 in the same transaction (increments are exact under concurrency: each applies to the
--   row as it is when its lock is taken).
-- * Moderation (hidden_at) only by admins.

create type public.post_kind as enum ('article', 'discussion', 'question', 'announcement');
create type public.post_status as enum ('draft', 'published', 'archived');

create table public.posts (
  id uuid primary key default gen_random_uuid(),
  kind public.post_kind not null,
  author_id uuid not null references public.profiles (id) on delete cascade,
  title text not null constraint posts_title_length check (char_length(title) between 1 and 200),
  slug text constraint posts_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 120),
  body text not null constraint posts_body_length check (char_length(body) between 1 and 20000),
  tags text[] not null default '{}' constraint posts_tags_bounds check (cardinality(tags) <= 10),
  cover_path text constraint posts_cover_path_length check (char_length(cover_path) <= 400),
  status public.post_status not null default 'draft',
  is_private boolean not null default false,
  published_at timestamptz,
  comment_count integer not null default 0 constraint posts_comment_count_positive check (comment_count >= 0),
  reaction_count integer not null default 0 constraint posts_reaction_count_positive check (reaction_count >= 0),
  hidden_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  search tsvector generated always as (
    setweight(to_tsvector('simple', coalesce(title, '')), 'A') || setweight(to_tsvector('simple', coalesce(body, '')), 'B')
  ) stored,
  constraint posts_slug_unique unique (slug)
);

create index posts_listed_idx on public.posts (published_at desc)
  where status = 'published' and hidden_at is null and deleted_at is null;
create index posts_author_idx on public.posts (author_id, created_at desc);
create index posts_created_idx on public.posts (created_at desc);
create index posts_search_idx on public.posts using gin (search);

comment on table public.posts is
  'Blog articles, forum discussions, questions and announcements. Read: published, visible ones (private ones: signed-in users); the author their own; admins all. Write: the author (articles and announcements: admins and staff); hidden_at: admins.';

create table public.comments (
  id uuid primary key default gen_random_uuid(),
  post_id uuid not null references public.posts (id) on delete cascade,
  parent_id uuid references public.comments (id) on delete cascade,
  depth smallint not null default 0 constraint comments_depth_bound check (depth between 0 and 5),
  author_id uuid not null references public.profiles (id) on delete cascade,
  body text not null constraint comments_body_length check (char_length(body) between 1 and 5000),
  reaction_count integer not null default 0 constraint comments_reaction_count_positive check (reaction_count >= 0),
  hidden_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index comments_post_idx on public.comments (post_id, created_at);
create index comments_parent_idx on public.comments (parent_id) where parent_id is not null;
create index comments_author_idx on public.comments (author_id, created_at desc);
create index comments_created_idx on public.comments (created_at desc);

comment on table public.comments is
  'Threaded comments on posts (at most 5 deep). Read: with the post. Write: signed-in users on published posts they can read, their own text; deleted softly. hidden_at: admins.';

create table public.reactions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  post_id uuid references public.posts (id) on delete cascade,
  comment_id uuid references public.comments (id) on delete cascade,
  kind text not null default 'like' constraint reactions_kind_values check (kind in ('like', 'upvote')),
  created_at timestamptz not null default now(),
  constraint reactions_one_target check (num_nonnulls(post_id, comment_id) = 1),
  constraint reactions_post_once unique (user_id, post_id),
  constraint reactions_comment_once unique (user_id, comment_id)
);

create index reactions_user_idx on public.reactions (user_id, created_at desc);
create index reactions_post_idx on public.reactions (post_id) where post_id is not null;
create index reactions_comment_idx on public.reactions (comment_id) where comment_id is not null;
create index reactions_created_idx on public.reactions (created_at desc);

comment on table public.reactions is
  'A like or upvote of a post or a comment, one per user and target. Read and write: the user''s own; the counts are on posts and comments.';

create trigger set_updated_at before update on public.posts for each row execute function private.tg_set_updated_at();
create trigger set_updated_at before update on public.comments for each row execute function private.tg_set_updated_at();

-- Who reads a post (and so its comments) -------------------------------------------------------------
-- Security definer: the comments' policy asks about posts the caller might not read directly.
create function private.can_read_post(post_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.posts p
    where p.id = can_read_post.post_id
      and ((p.status = 'published' and p.hidden_at is null and p.deleted_at is null
            and (not p.is_private or auth.uid() is not null))
           or p.author_id = auth.uid() or private.is_admin())
  )
$$;

grant execute on function private.can_read_post(uuid) to anon, authenticated, service_role;

-- The post a reaction's target belongs to is one the caller reads.
create function private.can_read_reaction_target(post_id uuid, comment_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.can_read_post(coalesce(post_id, (select c.post_id from public.comments c where c.id = comment_id)))
$$;

grant execute on function private.can_read_reaction_target(uuid, uuid) to authenticated, service_role;

-- Posts: publication date, who writes which kind ------------------------------------------------------
create function private.tg_posts_check()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.kind in ('article', 'announcement') and auth.role() in ('authenticated', 'marketbase_admin')
     and not (private.is_admin() or private.has_role('staff')) then
    raise exception 'kind: only admins and staff write % posts', new.kind using errcode = '42501';
  end if;
  if new.kind = 'article' and new.slug is null then
    new.slug := trim(both '-' from left(regexp_replace(lower(new.title), '[^a-z0-9]+', '-', 'g'), 100))
                || '-' || left(replace(new.id::text, '-', ''), 6);
  end if;
  if new.status = 'published' and (tg_op = 'INSERT' or old.status <> 'published') then
    new.published_at := now();
  end if;
  if exists (select 1 from unnest(new.tags) t where char_length(t) not between 1 and 40) then
    raise exception 'tags: 1 to 40 characters each' using errcode = '22023';
  end if;
  return new;
end
$$;

revoke all on function private.tg_posts_check() from public, anon, authenticated, service_role;

create trigger check_post
  before insert or update of kind, title, slug, status, tags on public.posts
  for each row execute function private.tg_posts_check();

-- Comments: the thread, the counter, the notifications -------------------------------------------------
create function private.tg_comments_thread()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  parent public.comments;
begin
  if not exists (select 1 from public.posts p where p.id = new.post_id and p.status = 'published' and p.deleted_at is null) then
    raise exception 'post_id: comments go on published posts' using errcode = 'PT409';
  end if;
  if new.parent_id is not null then
    select * into parent from public.comments c where c.id = new.parent_id;
    if not found or parent.post_id <> new.post_id then
      raise exception 'parent_id: the comment answered is not on this post' using errcode = '22023';
    end if;
    if parent.depth >= 5 then
      raise exception 'parent_id: threads go at most 5 replies deep; answer higher up' using errcode = '22023';
    end if;
    new.depth := parent.depth + 1;
  else
    new.depth := 0;
  end if;
  return new;
end
$$;

create function private.tg_comments_count()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  was_counted boolean := tg_op <> 'INSERT' and old.deleted_at is null and old.hidden_at is null;
  is_counted boolean := tg_op <> 'DELETE' and new.deleted_at is null and new.hidden_at is null;
begin
  if was_counted and not is_counted then
    update public.posts p set comment_count = p.comment_count - 1 where p.id = old.post_id;
  elsif is_counted and not was_counted then
    update public.posts p set comment_count = p.comment_count + 1 where p.id = new.post_id;
  end if;
  return null;
end
$$;

create function private.tg_comments_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  post public.posts;
  parent_author uuid;
  commenter text := (select p.display_name from public.profiles p where p.id = new.author_id);
begin
  select * into post from public.posts p where p.id = new.post_id;
  if new.parent_id is not null then
    select c.author_id into parent_author from public.comments c where c.id = new.parent_id;
    if parent_author is distinct from new.author_id then
      perform private.enqueue_notification('comment.replied', 'comment.replied:' || new.id, array[parent_author],
        jsonb_build_object('post_title', post.title, 'commenter_name', commenter, 'action_url', '/posts/' || post.id));
    end if;
  elsif post.kind = 'question' and post.author_id <> new.author_id then
    perform private.enqueue_notification('question.answered', 'question.answered:' || new.id, array[post.author_id],
      jsonb_build_object('post_title', post.title, 'commenter_name', commenter, 'action_url', '/posts/' || post.id));
  end if;
  return null;
end
$$;

revoke all on function private.tg_comments_thread(), private.tg_comments_count(), private.tg_comments_notify()
  from public, anon, authenticated, service_role;

create trigger thread before insert on public.comments for each row execute function private.tg_comments_thread();
create trigger count_comments after insert or delete or update of deleted_at, hidden_at on public.comments
  for each row execute function private.tg_comments_count();
create trigger notify after insert on public.comments for each row execute function private.tg_comments_notify();

-- Reactions: the counters -----------------------------------------------------------------------------------
create function private.tg_reactions_count()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  step integer := case tg_op when 'INSERT' then 1 else -1 end;
  reaction public.reactions := case tg_op when 'INSERT' then new else old end;
begin
  if reaction.post_id is not null then
    update public.posts p set reaction_count = p.reaction_count + step where p.id = reaction.post_id;
  else
    update public.comments c set reaction_count = c.reaction_count + step where c.id = reaction.comment_id;
  end if;
  return null;
end
$$;

revoke all on function private.tg_reactions_count() from public, anon, authenticated, service_role;

create trigger count_reactions after insert or delete on public.reactions
  for each row execute function private.tg_reactions_count();

-- Notifications ------------------------------------------------------------------------------------------------
insert into public.notification_categories (key, critical, default_channels, description) values
  ('community', false, '{in_app,email}', 'Replies to your comments and answers to your questions.');
insert into public.notification_event_types (key, category, variables, severity, priority, description) values
  ('comment.replied', 'community', '{post_title,commenter_name,action_url}', 'info', 3, 'Someone replied to your comment.'),
  ('question.answered', 'community', '{post_title,commenter_name,action_url}', 'info', 4, 'Someone answered your question.');
insert into public.notification_templates (event_type, channel, subject, title, body, action_url) values
  ('comment.replied', 'in_app', null, 'New reply', '{{ commenter_name }} replied to your comment on {{ post_title }}.', '{{ action_url }}'),
  ('comment.replied', 'email', '{{ commenter_name }} replied on {{ post_title }}', 'A reply to your comment',
   E'Hi {{ recipient_name }},\n\n{{ commenter_name }} replied to your comment on {{ post_title }}.\n\nRead it: {{ action_url }}', '{{ action_url }}'),
  ('comment.replied', 'sms', null, 'New reply', '{{ commenter_name }} replied on {{ post_title }}: {{ action_url }}', '{{ action_url }}'),
  ('comment.replied', 'push', null, 'New reply', '{{ commenter_name }} replied on {{ post_title }}.', '{{ action_url }}'),
  ('question.answered', 'in_app', null, 'Your question has an answer', '{{ commenter_name }} answered {{ post_title }}.', '{{ action_url }}'),
  ('question.answered', 'email', '{{ commenter_name }} answered your question', 'Your question has an answer',
   E'Hi {{ recipient_name }},\n\n{{ commenter_name }} answered your question {{ post_title }}.\n\nRead it: {{ action_url }}', '{{ action_url }}'),
  ('question.answered', 'sms', null, 'Answered', '{{ commenter_name }} answered {{ post_title }}: {{ action_url }}', '{{ action_url }}'),
  ('question.answered', 'push', null, 'Your question has an answer', '{{ commenter_name }} answered {{ post_title }}.', '{{ action_url }}');

-- Access ---------------------------------------------------------------------------------------------------------
alter table public.posts enable row level security;
alter table public.comments enable row level security;
alter table public.reactions enable row level security;

revoke all on table public.posts, public.comments, public.reactions from anon, authenticated;
grant select on table public.posts, public.comments to anon, authenticated;
grant insert (kind, author_id, title, slug, body, tags, cover_path, status, is_private) on table public.posts to authenticated;
grant update (title, slug, body, tags, cover_path, status, is_private, deleted_at) on table public.posts to authenticated;
grant insert (post_id, parent_id, author_id, body) on table public.comments to authenticated;
grant update (body, deleted_at) on table public.comments to authenticated;
grant select, delete on table public.reactions to authenticated;
grant insert (user_id, post_id, comment_id, kind) on table public.reactions to authenticated;
grant select, update (hidden_at) on table public.posts, public.comments to marketbase_admin;
grant select on table public.reactions to marketbase_admin;
grant select, insert, update, delete on table public.posts, public.comments, public.reactions to service_role;

create policy "anyone reads published public posts"
  on public.posts for select to anon
  using (status = 'published' and not is_private and hidden_at is null and deleted_at is null);
create policy "users read published posts and their own"
  on public.posts for select to authenticated
  using ((status = 'published' and hidden_at is null and deleted_at is null) or author_id = (select auth.uid()));
create policy "admins read every post"
  on public.posts for select to marketbase_admin using ((select private.is_admin()));
create policy "users write their own posts"
  on public.posts for insert to authenticated with check (author_id = (select auth.uid()));
create policy "authors change their own posts"
  on public.posts for update to authenticated
  using (author_id = (select auth.uid())) with check (author_id = (select auth.uid()));
create policy "admins moderate posts"
  on public.posts for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));

create policy "comments are read with their post"
  on public.comments for select to anon, authenticated
  using ((hidden_at is null or author_id = (select auth.uid())) and (select private.can_read_post(post_id)));
create policy "admins read every comment"
  on public.comments for select to marketbase_admin using ((select private.is_admin()));
create policy "users comment on posts they read"
  on public.comments for insert to authenticated
  with check (author_id = (select auth.uid()) and (select private.can_read_post(post_id)));
create policy "authors change their own comments"
  on public.comments for update to authenticated
  using (author_id = (select auth.uid())) with check (author_id = (select auth.uid()));
create policy "admins moderate comments"
  on public.comments for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));

create policy "users read their reactions"
  on public.reactions for select to authenticated using (user_id = (select auth.uid()));
create policy "admins read every reaction"
  on public.reactions for select to marketbase_admin using ((select private.is_admin()));
create policy "users react to what they read"
  on public.reactions for insert to authenticated
  with check (user_id = (select auth.uid()) and (select private.can_read_reaction_target(post_id, comment_id)));
create policy "users take back their reactions"
  on public.reactions for delete to authenticated using (user_id = (select auth.uid()));
