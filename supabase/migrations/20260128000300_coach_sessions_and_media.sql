-- matching / around it (issue 17, seed 002): a coach's total sessions kept by the database, and
-- their photo and intro video in Storage.
--
-- * provider_profiles.completed_sessions is seed 002's total_sessions: completed bookings of
--   the provider, counted when a booking enters (or, by an admin's correction, leaves)
--   'completed'. Only the database writes it (no API role holds UPDATE on it).
-- * Bucket `coach-media` is public: everyone reads, a coach writes only under their own folder
--   (`<user id>/<file>`, an image or video within the bucket's limits), admins anywhere.
--   provider_profiles.photo_path (an image) and intro_video_path (a video) name uploaded objects
--   of the provider's own folder that the profile shows.

create function private.tg_bookings_count_completed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.provider_profiles p
  set completed_sessions = p.completed_sessions + case when new.status = 'completed' then 1 else -1 end
  where p.user_id = new.provider_id;
  return null;
end
$$;

comment on function private.tg_bookings_count_completed() is
  'Security definer: completed_sessions has no UPDATE privilege for any API role, and bookings change status as their client, provider or staff.';

create trigger count_completed
  after update of status on public.bookings
  for each row
  when ((new.status = 'completed') is distinct from (old.status = 'completed') and new.provider_id is not null)
  execute function private.tg_bookings_count_completed();

-- Bookings completed before this migration.
update public.provider_profiles p
set completed_sessions = (select count(*) from public.bookings b where b.provider_id = p.user_id and b.status = 'completed');

comment on column public.provider_profiles.completed_sessions is
  'Completed bookings of the provider (seed 002''s total_sessions), kept by the database.';

-- Photo and intro video -------------------------------------------------------------------------------

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('coach-media', 'coach-media', true, 104857600, '{image/jpeg,image/png,image/webp,video/mp4,video/webm}')
on conflict (id) do nothing;

alter table public.provider_profiles
  add column photo_path text
    constraint provider_profiles_photo_path_in_own_folder check (photo_path like user_id::text || '/_%'),
  add column intro_video_path text
    constraint provider_profiles_intro_video_path_in_own_folder check (intro_video_path like user_id::text || '/_%');

comment on column public.provider_profiles.photo_path is 'Object in the public bucket coach-media, `<user id>/<file>`.';
comment on column public.provider_profiles.intro_video_path is 'Object in the public bucket coach-media, `<user id>/<file>`.';

grant update (photo_path, intro_video_path) on table public.provider_profiles to authenticated;

-- Security definer: reads storage.objects (the file's type and size as Storage recorded them)
-- whoever sets the path, the coach or an admin.
create function private.tg_provider_profiles_check_media()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  photo jsonb;
  video jsonb;
begin
  if new.photo_path is not null and new.photo_path is distinct from old.photo_path then
    select o.metadata into photo from storage.objects o where o.bucket_id = 'coach-media' and o.name = new.photo_path;
    if photo is null or coalesce(photo ->> 'mimetype', '') not like 'image/%' then
      raise exception 'photo_path: upload a jpeg, png or webp image to coach-media/%/ first', new.user_id
        using errcode = '22023';
    end if;
  end if;
  if new.intro_video_path is not null and new.intro_video_path is distinct from old.intro_video_path then
    select o.metadata into video from storage.objects o where o.bucket_id = 'coach-media' and o.name = new.intro_video_path;
    if video is null or coalesce(video ->> 'mimetype', '') not like 'video/%' then
      raise exception 'intro_video_path: upload an mp4 or webm video to coach-media/%/ first', new.user_id
        using errcode = '22023';
    end if;
  end if;
  return new;
end
$$;

revoke all on function private.tg_provider_profiles_check_media() from public, anon, authenticated, service_role;

create trigger check_media
  before update of photo_path, intro_video_path on public.provider_profiles
  for each row execute function private.tg_provider_profiles_check_media();

-- coach-media: everyone fetches a file by its public URL (a public bucket needs no read policy,
-- and one would let anyone list every coach's files); a coach lists and writes their own folder,
-- within the bucket's limits; admins any.
create policy "coaches list their own media"
  on storage.objects for select to authenticated
  using (bucket_id = 'coach-media' and private.is_own_storage_folder(name));
create policy "admins list any coach's media"
  on storage.objects for select to marketbase_admin
  using (bucket_id = 'coach-media' and (select private.is_admin()));
-- Coaches only: a public bucket of 100 MB files is not free hosting for every signed-in user.
create function private.is_coach()
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (select 1 from public.provider_profiles p where p.user_id = auth.uid() and p.kind = 'coach')
$$;

grant execute on function private.is_coach() to authenticated, service_role;

create policy "coaches upload media to their own folder"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'coach-media' and private.is_own_storage_folder(name) and (select private.is_coach())
              and private.fits_storage_bucket(bucket_id, metadata));
create policy "coaches replace media in their own folder"
  on storage.objects for update to authenticated
  using (bucket_id = 'coach-media' and private.is_own_storage_folder(name))
  with check (bucket_id = 'coach-media' and private.is_own_storage_folder(name) and (select private.is_coach())
              and private.fits_storage_bucket(bucket_id, metadata));
create policy "coaches delete media from their own folder"
  on storage.objects for delete to authenticated
  using (bucket_id = 'coach-media' and private.is_own_storage_folder(name));
create policy "admins upload any coach's media"
  on storage.objects for insert to marketbase_admin
  with check (bucket_id = 'coach-media' and (select private.is_admin()) and private.fits_storage_bucket(bucket_id, metadata));
create policy "admins replace any coach's media"
  on storage.objects for update to marketbase_admin
  using (bucket_id = 'coach-media' and (select private.is_admin()))
  with check (bucket_id = 'coach-media' and (select private.is_admin()) and private.fits_storage_bucket(bucket_id, metadata));
create policy "admins delete any coach's media"
  on storage.objects for delete to marketbase_admin
  using (bucket_id = 'coach-media' and (select private.is_admin()));
