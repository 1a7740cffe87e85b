-- catalog / media: the public bucket serves its files by URL, without a listing policy.
--
-- Supabase advisor 0025 (public_bucket_allows_listing): `offering-media` is a public bucket,
-- so Storage serves every file at its public URL without reading storage.objects; the broad
-- SELECT policy of 20260102000300 served only to let anyone list every file in the bucket.
-- Owners still read their own folder (Storage needs it to replace a file: upsert reads the row
-- before it updates it) and admins read all; offering pages show media through
-- public.offering_media, whose policies are unchanged.

drop policy "anyone can read offering media" on storage.objects;

create policy "owners and admins can read offering media files"
  on storage.objects for select to authenticated
  using (bucket_id = 'offering-media' and (private.is_own_storage_folder(name) or (select private.is_admin())));
