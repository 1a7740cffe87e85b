-- catalog / media: images, videos and documents of offerings, stored in Supabase Storage.
--
-- Bucket `offering-media` is public: everyone reads, and a user writes only under a folder
-- named by their own id (`<user id>/<file>`); admins write anywhere. offering_media lists
-- which stored objects show on which offering, in which order.

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('offering-media', 'offering-media', true, 10485760,
        '{image/jpeg,image/png,image/webp,video/mp4,application/pdf}')
on conflict (id) do nothing;

create type public.media_kind as enum ('image', 'video', 'document');

create table public.offering_media (
  id uuid primary key default gen_random_uuid(),
  offering_id uuid not null references public.offerings (id) on delete cascade,
  kind public.media_kind not null default 'image',
  object_path text not null constraint offering_media_object_path_format check (object_path ~ '^[0-9a-f-]{36}/.+'),
  alt_text text constraint offering_media_alt_text_length check (char_length(alt_text) <= 300),
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  unique (offering_id, object_path)
);

create index offering_media_offering_sort_idx on public.offering_media (offering_id, sort_order);

comment on table public.offering_media is
  'Media shown on an offering: paths in the public offering-media bucket. Read: as the offering. Write: its managers.';
comment on column public.offering_media.object_path is 'Object name in bucket offering-media, `<uploader id>/<file>`.';

alter table public.offering_media enable row level security;

revoke all on table public.offering_media from anon, authenticated;
grant select on table public.offering_media to anon, authenticated;
grant insert, update, delete on table public.offering_media to authenticated;

create policy "anyone can read media of offerings they can read"
  on public.offering_media for select to anon, authenticated using ((select private.can_read_offering(offering_id)));
create policy "managers can add media"
  on public.offering_media for insert to authenticated with check ((select private.can_manage_offering(offering_id)));
create policy "managers can change media"
  on public.offering_media for update to authenticated
  using ((select private.can_manage_offering(offering_id))) with check ((select private.can_manage_offering(offering_id)));
create policy "managers can remove media"
  on public.offering_media for delete to authenticated using ((select private.can_manage_offering(offering_id)));

-- Storage: the owner writes their own folder, everyone reads ------------------------------------
-- Storage policies are per bucket, as Supabase Storage documents them; storage.objects is not
-- in an exposed schema, so several permissive policies per action there cost one bucket test.

create function private.is_own_storage_folder(object_name text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select (storage.foldername(object_name))[1] = auth.uid()::text
$$;

grant execute on function private.is_own_storage_folder(text) to anon, authenticated, service_role;

create policy "anyone can read offering media"
  on storage.objects for select to anon, authenticated using (bucket_id = 'offering-media');
create policy "owners can upload offering media to their own folder"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'offering-media' and (private.is_own_storage_folder(name) or (select private.is_admin())));
create policy "owners can replace offering media in their own folder"
  on storage.objects for update to authenticated
  using (bucket_id = 'offering-media' and (private.is_own_storage_folder(name) or (select private.is_admin())))
  with check (bucket_id = 'offering-media' and (private.is_own_storage_folder(name) or (select private.is_admin())));
create policy "owners can delete offering media from their own folder"
  on storage.objects for delete to authenticated
  using (bucket_id = 'offering-media' and (private.is_own_storage_folder(name) or (select private.is_admin())));
