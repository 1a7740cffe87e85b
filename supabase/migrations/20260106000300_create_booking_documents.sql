-- bookings / documents: prescriptions, intake forms and photos attached to a booking.
--
-- Files live in the private Storage bucket `booking-documents` under `<booking id>/<file>`;
-- only the booking's client, provider, collector and admins can read or add them (the
-- same rule as the booking row, through private.can_read_booking). booking_documents
-- records what each file is and who uploaded it.

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('booking-documents', 'booking-documents', false, 20971520,
        '{application/pdf,image/jpeg,image/png,image/heic}')
on conflict (id) do nothing;

create type public.document_kind as enum ('prescription', 'intake_form', 'photo', 'report', 'other');

create table public.booking_documents (
  id uuid primary key default gen_random_uuid(),
  booking_id uuid not null references public.bookings (id) on delete cascade,
  kind public.document_kind not null,
  object_path text not null unique,
  file_name text not null constraint booking_documents_file_name_length check (char_length(file_name) between 1 and 255),
  uploaded_by uuid not null default auth.uid() references auth.users (id) on delete restrict,
  created_at timestamptz not null default now(),
  constraint booking_documents_path_in_booking_folder check (object_path like booking_id::text || '/%')
);

create index booking_documents_booking_id_idx on public.booking_documents (booking_id);
create index booking_documents_uploaded_by_idx on public.booking_documents (uploaded_by);

comment on table public.booking_documents is
  'Files attached to a booking (bucket booking-documents, path `<booking id>/<file>`). Read and add: the booking''s participants and admins. Remove: the uploader and admins.';

-- The booking a document object belongs to: its first folder, when that is a uuid.
create function private.storage_booking_id(object_name text)
returns uuid
language sql
immutable
set search_path = ''
as $$
  select case when split_part(object_name, '/', 1) ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
              then split_part(object_name, '/', 1)::uuid end
$$;

grant execute on function private.storage_booking_id(text) to authenticated, service_role;

alter table public.booking_documents enable row level security;

revoke all on table public.booking_documents from anon, authenticated;
grant select, delete on table public.booking_documents to authenticated;
grant insert (booking_id, kind, object_path, file_name) on table public.booking_documents to authenticated;

create policy "participants can read the documents of their bookings"
  on public.booking_documents for select to authenticated using ((select private.can_read_booking(booking_id)));
create policy "participants can attach documents to their bookings"
  on public.booking_documents for insert to authenticated
  with check (uploaded_by = (select auth.uid()) and (select private.can_read_booking(booking_id)));
create policy "uploaders and admins can remove documents"
  on public.booking_documents for delete to authenticated
  using (uploaded_by = (select auth.uid()) or (select private.is_admin()));

-- Storage ------------------------------------------------------------------------------------

create policy "participants can read their bookings' files"
  on storage.objects for select to authenticated
  using (bucket_id = 'booking-documents' and private.can_read_booking(private.storage_booking_id(name)));
create policy "participants can upload files to their bookings"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'booking-documents' and private.can_read_booking(private.storage_booking_id(name)));
create policy "uploaders and admins can delete booking files"
  on storage.objects for delete to authenticated
  using (bucket_id = 'booking-documents' and (owner_id = (select auth.uid())::text or (select private.is_admin())));
