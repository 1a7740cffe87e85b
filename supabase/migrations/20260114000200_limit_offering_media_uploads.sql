-- catalog / media: only those who manage offerings publish files in the public offering-media
-- bucket, and only files the bucket takes (issue "Abuse-proofing", item 13).
--
-- Until now any signed-in user, a client too, could upload into their own folder of the public
-- bucket: free hosting under our domain for anything up to 10 MB, served to anyone by URL.
-- Uploading and replacing now take
--
-- * the provider role (a provider writes their own folder, `<user id>/...`), or an admin
--   (anywhere in the bucket, as before);
-- * a file the bucket takes, as far as the row says: Storage enforces the bucket's
--   file_size_limit and allowed_mime_types on the bytes it receives, and the policies enforce
--   them on metadata->>'size' and metadata->>'mimetype' wherever a row written as the user
--   carries them (Storage's permission check before an upload carries none; a row written
--   with metadata that does not fit is refused). The limits are read from the bucket itself
--   (private.fits_storage_bucket), so they are stated once, in storage.buckets.
--
-- Reading (owners and admins) and deleting (one's own folder, admins) do not change: a client
-- who uploaded before this keeps the right to remove their files.

-- Security definer: the policies of storage.objects run as the uploader, who may not read
-- storage.buckets (RLS there, no policy for API roles); this reads one bucket's limits only.
create function private.fits_storage_bucket(bucket_id text, metadata jsonb)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select
      -- size: absent, or a number of bytes within the bucket's limit (case: no cast of a non-number)
      case jsonb_typeof(fits_storage_bucket.metadata -> 'size')
        when 'number' then (fits_storage_bucket.metadata ->> 'size')::numeric between 0 and coalesce(b.file_size_limit, 'Infinity'::numeric)
        else coalesce(jsonb_typeof(fits_storage_bucket.metadata -> 'size'), 'null') = 'null'
      end
      -- mimetype: absent, or one the bucket allows (exactly, or by a type/* entry), as Storage matches it
      and case jsonb_typeof(fits_storage_bucket.metadata -> 'mimetype')
        when 'string' then coalesce(cardinality(b.allowed_mime_types), 0) = 0
                           or (fits_storage_bucket.metadata ->> 'mimetype') = any (b.allowed_mime_types)
                           or split_part(fits_storage_bucket.metadata ->> 'mimetype', '/', 1) || '/*' = any (b.allowed_mime_types)
        else coalesce(jsonb_typeof(fits_storage_bucket.metadata -> 'mimetype'), 'null') = 'null'
      end
    from storage.buckets b
    where b.id = fits_storage_bucket.bucket_id
  ), false)
$$;

revoke all on function private.fits_storage_bucket(text, jsonb) from public, anon, authenticated, service_role;
grant execute on function private.fits_storage_bucket(text, jsonb) to authenticated, service_role;

comment on function private.fits_storage_bucket(text, jsonb) is
  'Whether a storage object''s metadata fits its bucket: size (bytes) within file_size_limit and mimetype among allowed_mime_types, each where present. False for an unknown bucket.';

drop policy "owners can upload offering media to their own folder" on storage.objects;
drop policy "owners can replace offering media in their own folder" on storage.objects;

create policy "providers can upload offering media to their own folder"
  on storage.objects for insert to authenticated
  with check (
    bucket_id = 'offering-media'
    and (((select private.has_role('provider')) and private.is_own_storage_folder(name)) or (select private.is_admin()))
    and private.fits_storage_bucket(bucket_id, metadata)
  );

create policy "providers can replace offering media in their own folder"
  on storage.objects for update to authenticated
  using (
    bucket_id = 'offering-media'
    and (((select private.has_role('provider')) and private.is_own_storage_folder(name)) or (select private.is_admin()))
  )
  with check (
    bucket_id = 'offering-media'
    and (((select private.has_role('provider')) and private.is_own_storage_folder(name)) or (select private.is_admin()))
    and private.fits_storage_bucket(bucket_id, metadata)
  );
