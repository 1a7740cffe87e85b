-- pets keep their history (issue 21, item 5): a pet that has bookings is archived, not deleted.
--
-- Seed 001 cascades bookings from pets; the core set the booking's pet to NULL instead. Both
-- lose which animal a booking (and later its samples and report) was for. Now:
--   * bookings.pet_id refuses the deletion of a pet it names (on delete restrict);
--   * an owner's (or admin's) DELETE of a pet with bookings archives it instead: the row stays,
--     archived_at is set, and the DELETE reports no row removed. A pet without bookings is
--     deleted as before;
--   * an archived pet cannot be booked again; its owner restores it by clearing archived_at.
-- The owner keeps reading archived pets (their bookings embed them); lists of "my pets" filter
-- `archived_at=is.null`.

alter table public.pets add column archived_at timestamptz;

comment on column public.pets.archived_at is
  'Set when the owner removed a pet that has bookings: the pet stays for their history and cannot be booked again. Clear it to restore the pet.';

grant update (archived_at) on table public.pets to authenticated;

create index pets_owner_listed_idx on public.pets (owner_id, created_at) where archived_at is null;

alter table public.bookings drop constraint bookings_pet_id_fkey;
alter table public.bookings
  add constraint bookings_pet_id_fkey foreign key (pet_id) references public.pets (id) on delete restrict;

-- Runs as the caller: whoever may delete the pet may archive it (same owner or admin policies),
-- and the caller sees the pet's bookings (they are the pet owner's or an admin's).
create function private.tg_archive_booked_pet()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if exists (select 1 from public.bookings b where b.pet_id = old.id) then
    update public.pets set archived_at = coalesce(archived_at, now()) where id = old.id;
    return null;
  end if;
  return old;
end
$$;

comment on function private.tg_archive_booked_pet() is
  'Before DELETE on pets: a pet named by a booking is archived instead of deleted.';

create trigger archive_booked_pet
  before delete on public.pets
  for each row execute function private.tg_archive_booked_pet();

-- A booking may not name an archived pet. Security definer: create_booking runs as the client,
-- who reads their own pets anyway; the check must hold for every writer.
create function private.tg_bookings_pet_not_archived()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  pet_name text;
begin
  select p.name into pet_name from public.pets p where p.id = new.pet_id and p.archived_at is not null;
  if found then
    raise exception 'pet_id: % is archived; restore the pet to book for it', pet_name using errcode = '22023';
  end if;
  return new;
end
$$;

comment on function private.tg_bookings_pet_not_archived() is
  'Before INSERT on bookings (and UPDATE of pet_id): refuses an archived pet.';

revoke all on function private.tg_archive_booked_pet(), private.tg_bookings_pet_not_archived()
  from public, anon, authenticated, service_role;

create trigger pet_not_archived
  before insert or update of pet_id on public.bookings
  for each row when (new.pet_id is not null)
  execute function private.tg_bookings_pet_not_archived();
