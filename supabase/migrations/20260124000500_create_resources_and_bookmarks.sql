-- engagement / resources, bookmarks, post search (issue 13; seed 002's resource library).
--
-- * Resources: an article, video or document (a URL, or a file in Storage), with tags, written
--   by admins and staff, read by signed-in users.
-- * Bookmarks: a user keeps posts and resources, privately; one per target, a foreign key per
--   kind of target, exactly one set.
-- * search_posts: web-style search over the posts a caller may read (RLS decides), best match
--   first, through the posts' GIN index.

create type public.resource_kind as enum ('article', 'video', 'document');

create table public.resources (
  id uuid primary key default gen_random_uuid(),
  kind public.resource_kind not null,
  title text not null constraint resources_title_length check (char_length(title) between 1 and 200),
  description text constraint resources_description_length check (char_length(description) <= 2000),
  url text constraint resources_url_format check (url ~ '^https://' and char_length(url) <= 2000),
  file_path text constraint resources_file_path_length check (char_length(file_path) <= 400),
  tags text[] not null default '{}' constraint resources_tags_bounds check (cardinality(tags) <= 10),
  created_by uuid not null default auth.uid() references public.profiles (id) on delete restrict,
  is_published boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint resources_url_or_file check (num_nonnulls(url, file_path) = 1)
);

create index resources_listed_idx on public.resources (created_at desc) where is_published;
create index resources_created_idx on public.resources (created_at desc);
create index resources_created_by_idx on public.resources (created_by);
create index resources_tags_idx on public.resources using gin (tags);

comment on table public.resources is
  'The library: articles, videos and documents (a URL or a Storage file) with tags. Read: signed-in users, published ones. Write: admins and staff.';

create trigger set_updated_at before update on public.resources for each row execute function private.tg_set_updated_at();

create table public.bookmarks (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  post_id uuid references public.posts (id) on delete cascade,
  resource_id uuid references public.resources (id) on delete cascade,
  created_at timestamptz not null default now(),
  constraint bookmarks_one_target check (num_nonnulls(post_id, resource_id) = 1),
  constraint bookmarks_post_once unique (user_id, post_id),
  constraint bookmarks_resource_once unique (user_id, resource_id)
);

create index bookmarks_user_listed_idx on public.bookmarks (user_id, created_at desc);
create index bookmarks_created_idx on public.bookmarks (created_at desc);
create index bookmarks_post_idx on public.bookmarks (post_id) where post_id is not null;
create index bookmarks_resource_idx on public.bookmarks (resource_id) where resource_id is not null;

comment on table public.bookmarks is 'Posts and resources a user keeps to read later. Read, add, remove: the user only (admins read).';

-- Access ---------------------------------------------------------------------------------------------
alter table public.resources enable row level security;
alter table public.bookmarks enable row level security;

revoke all on table public.resources, public.bookmarks from anon, authenticated;
grant select on table public.resources to authenticated;
grant insert (kind, title, description, url, file_path, tags, is_published) on table public.resources to authenticated;
grant update (kind, title, description, url, file_path, tags, is_published) on table public.resources to authenticated;
grant delete on table public.resources to authenticated;
grant select, delete on table public.bookmarks to authenticated;
grant insert (user_id, post_id, resource_id) on table public.bookmarks to authenticated;
grant select on table public.bookmarks to marketbase_admin;
grant select, insert, update, delete on table public.resources, public.bookmarks to service_role;

-- Staff and admins keep the library; its policies name them by their role claims.
create policy "members read the library"
  on public.resources for select to authenticated
  using (is_published or (select private.is_admin()) or (select private.has_role('staff')));
create policy "staff add to the library"
  on public.resources for insert to authenticated
  with check (((select private.is_admin()) or (select private.has_role('staff'))) and created_by = (select auth.uid()));
create policy "staff change the library"
  on public.resources for update to authenticated
  using ((select private.is_admin()) or (select private.has_role('staff')))
  with check ((select private.is_admin()) or (select private.has_role('staff')));
create policy "staff remove from the library"
  on public.resources for delete to authenticated
  using ((select private.is_admin()) or (select private.has_role('staff')));

create policy "users read their bookmarks"
  on public.bookmarks for select to authenticated using (user_id = (select auth.uid()));
create policy "users add their bookmarks"
  on public.bookmarks for insert to authenticated with check (user_id = (select auth.uid()));
create policy "users remove their bookmarks"
  on public.bookmarks for delete to authenticated using (user_id = (select auth.uid()));
create policy "admins read every bookmark"
  on public.bookmarks for select to marketbase_admin using ((select private.is_admin()));

-- Post search ----------------------------------------------------------------------------------------
create function public.search_posts(query text, max_rows integer default 20)
returns setof public.posts
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if coalesce(btrim(query), '') = '' or char_length(query) > 200 then
    raise exception 'query: 1 to 200 characters' using errcode = '22023';
  end if;
  return query
    select p.* from public.posts p
    where p.search @@ websearch_to_tsquery('simple', query)
      and p.status = 'published' and p.hidden_at is null and p.deleted_at is null
    order by ts_rank(p.search, websearch_to_tsquery('simple', query)) desc, p.published_at desc
    limit least(greatest(max_rows, 1), 100);
end
$$;

revoke all on function public.search_posts(text, integer) from public;
grant execute on function public.search_posts(text, integer) to anon, authenticated, service_role;

comment on function public.search_posts(text, integer) is
  'RPC: published posts the caller may read (private ones for signed-in users) matching a web-style query (websearch_to_tsquery, simple configuration) over title and body, best match first, at most 100. Errors: 22023 empty or longer than 200 characters.';
