-- engagement / Storage behind posts and resources (issue 13): posts.cover_path and
-- resources.file_path named objects in buckets that did not exist.
--
-- * Bucket `post-covers` (private; jpeg, png or webp up to 5 MB), objects `<post id>/<file>`.
--   A cover is read by whoever reads its post (private.can_read_post: anon the published public
--   ones, signed-in users the published private ones too, the author their drafts, admins all),
--   one primary-key lookup per object. The post's author uploads, replaces and deletes files in
--   the post's folder; admins in any. The flow: create the post, upload the image to
--   `<post id>/`, then set cover_path: a trigger refuses a path outside the post's folder, one
--   naming no uploaded object, or a file the bucket does not take (22023). Deleting the object
--   does not clear cover_path: clear it first.
-- * Bucket `resource-files` (private; pdf, images, text and office documents up to 25 MB) holds
--   the library's files; resources already have file_path (exactly one of url and file_path,
--   resources_url_or_file). Signed-in users read the files of the resources they read (the
--   published ones, by the resources' own policy); staff and admins read, upload, replace and
--   delete every file, as they keep the library.
--
-- Storage policies are per bucket, as in 20260102000300: storage.objects is not in an exposed
-- schema, so several permissive policies per action there cost one bucket test each.

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('post-covers', 'post-covers', false, 5242880, '{image/jpeg,image/png,image/webp}'),
       ('resource-files', 'resource-files', false, 26214400,
        '{application/pdf,image/jpeg,image/png,image/webp,text/plain,text/markdown,text/csv,application/msword,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.ms-excel,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-powerpoint,application/vnd.openxmlformats-officedocument.presentationml.presentation}')
on conflict (id) do nothing;

comment on column public.posts.cover_path is
  'The cover image: an object in bucket post-covers under `<post id>/` (jpeg, png or webp, 5 MB), uploaded before it is set; null for none. 22023 otherwise.';
comment on column public.resources.file_path is
  'The file of a resource that is not a URL: an object name in bucket resource-files. Exactly one of url and file_path is set.';

-- The library's files are read through their resource: the bucket's policy looks it up by path.
create index resources_file_path_idx on public.resources (file_path) where file_path is not null;

-- The first folder of an object name as a uuid (20260106000300): the cover policy for anon reads it too.
grant execute on function private.storage_booking_id(text) to anon;

-- Who writes a post's covers ------------------------------------------------------------------------

-- Security invoker: the posts' own policy lets an author read their posts, drafts included.
create function private.is_post_author(post_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (select 1 from public.posts p where p.id = is_post_author.post_id and p.author_id = (select auth.uid()))
$$;

revoke all on function private.is_post_author(uuid) from public, anon;
grant execute on function private.is_post_author(uuid) to authenticated, service_role;

comment on function private.is_post_author(uuid) is 'Whether the signed-in user wrote the post (the post-covers bucket''s policies).';

-- Security definer: reads storage.objects (the cover's size and type as Storage recorded them)
-- whoever sets the path, the author or an admin.
create function private.tg_posts_check_cover()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  object record;
begin
  if new.cover_path is null or (tg_op = 'UPDATE' and new.cover_path is not distinct from old.cover_path) then
    return new;
  end if;
  if new.cover_path not like new.id::text || '/_%' then
    raise exception 'cover_path: a post''s cover is stored in post-covers under %/', new.id using errcode = '22023';
  end if;
  select o.metadata into object from storage.objects o where o.bucket_id = 'post-covers' and o.name = new.cover_path;
  if not found then
    raise exception 'cover_path: upload the image to post-covers/%/ first', new.id using errcode = '22023';
  end if;
  if not private.fits_storage_bucket('post-covers', object.metadata) or object.metadata ->> 'mimetype' is null then
    raise exception 'cover_path: a cover is a jpeg, png or webp image of at most 5 MB' using errcode = '22023';
  end if;
  return new;
end
$$;

revoke all on function private.tg_posts_check_cover() from public, anon, authenticated, service_role;

create trigger check_cover
  before insert or update of cover_path on public.posts
  for each row execute function private.tg_posts_check_cover();

-- post-covers: read with the post, written by its author --------------------------------------------
create policy "whoever reads the post reads its cover"
  on storage.objects for select to anon, authenticated
  using (bucket_id = 'post-covers' and private.can_read_post(private.storage_booking_id(name)));
create policy "authors upload covers of their posts"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'post-covers' and private.is_post_author(private.storage_booking_id(name))
              and private.fits_storage_bucket(bucket_id, metadata));
create policy "authors replace covers of their posts"
  on storage.objects for update to authenticated
  using (bucket_id = 'post-covers' and private.is_post_author(private.storage_booking_id(name)))
  with check (bucket_id = 'post-covers' and private.is_post_author(private.storage_booking_id(name))
              and private.fits_storage_bucket(bucket_id, metadata));
create policy "authors delete covers of their posts"
  on storage.objects for delete to authenticated
  using (bucket_id = 'post-covers' and private.is_post_author(private.storage_booking_id(name)));
create policy "admins upload any post's cover"
  on storage.objects for insert to marketbase_admin
  with check (bucket_id = 'post-covers' and (select private.is_admin()) and private.fits_storage_bucket(bucket_id, metadata));
create policy "admins replace any post's cover"
  on storage.objects for update to marketbase_admin
  using (bucket_id = 'post-covers' and (select private.is_admin()))
  with check (bucket_id = 'post-covers' and (select private.is_admin()) and private.fits_storage_bucket(bucket_id, metadata));
create policy "admins delete any post's cover"
  on storage.objects for delete to marketbase_admin
  using (bucket_id = 'post-covers' and (select private.is_admin()));

-- resource-files: read with the resource, kept by staff and admins -----------------------------------
-- The members' arm asks public.resources under its own policy (published ones; staff: all), by
-- resources_file_path_idx.
create policy "members read the files of the library"
  on storage.objects for select to authenticated
  using (bucket_id = 'resource-files'
         and ((select private.has_role('staff')) or exists (select 1 from public.resources r where r.file_path = objects.name)));
create policy "staff upload library files"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'resource-files' and (select private.has_role('staff')) and private.fits_storage_bucket(bucket_id, metadata));
create policy "staff replace library files"
  on storage.objects for update to authenticated
  using (bucket_id = 'resource-files' and (select private.has_role('staff')))
  with check (bucket_id = 'resource-files' and (select private.has_role('staff')) and private.fits_storage_bucket(bucket_id, metadata));
create policy "staff delete library files"
  on storage.objects for delete to authenticated
  using (bucket_id = 'resource-files' and (select private.has_role('staff')));
create policy "admins read every library file"
  on storage.objects for select to marketbase_admin
  using (bucket_id = 'resource-files' and (select private.is_admin()));
create policy "admins upload library files"
  on storage.objects for insert to marketbase_admin
  with check (bucket_id = 'resource-files' and (select private.is_admin()) and private.fits_storage_bucket(bucket_id, metadata));
create policy "admins replace library files"
  on storage.objects for update to marketbase_admin
  using (bucket_id = 'resource-files' and (select private.is_admin()))
  with check (bucket_id = 'resource-files' and (select private.is_admin()) and private.fits_storage_bucket(bucket_id, metadata));
create policy "admins delete library files"
  on storage.objects for delete to marketbase_admin
  using (bucket_id = 'resource-files' and (select private.is_admin()));
