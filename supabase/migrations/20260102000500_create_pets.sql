-- verticals / pets (pet lab): the animals a client books lab tests for. A booking may name
-- one of the client's pets; the pet lab's reports (a later module) hang on it.

create type public.pet_species as enum ('dog', 'cat', 'rabbit', 'bird', 'reptile', 'other');

create table public.pets (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references public.profiles (id) on delete cascade,
  name text not null constraint pets_name_length check (char_length(name) between 1 and 80),
  species public.pet_species not null,
  breed text constraint pets_breed_length check (char_length(breed) <= 80),
  sex text constraint pets_sex_values check (sex in ('male', 'female', 'unknown')),
  birth_date date constraint pets_birth_date_past check (birth_date <= current_date),
  weight_kg numeric(6, 2) constraint pets_weight_positive check (weight_kg > 0),
  notes text constraint pets_notes_length check (char_length(notes) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index pets_owner_id_idx on public.pets (owner_id);

comment on table public.pets is 'A client''s pets. Read and write: the owner and admins; staff of a booking read its pet through the booking.';

create trigger set_updated_at
  before update on public.pets
  for each row execute function private.tg_set_updated_at();

alter table public.pets enable row level security;

revoke all on table public.pets from anon, authenticated;
grant select, delete on table public.pets to authenticated;
grant insert (owner_id, name, species, breed, sex, birth_date, weight_kg, notes) on table public.pets to authenticated;
grant update (name, species, breed, sex, birth_date, weight_kg, notes) on table public.pets to authenticated;

create policy "owners can read their own pets and admins all"
  on public.pets for select to authenticated
  using (owner_id = (select auth.uid()) or (select private.is_admin()));
create policy "owners can add their own pets and admins any"
  on public.pets for insert to authenticated
  with check (owner_id = (select auth.uid()) or (select private.is_admin()));
create policy "owners can change their own pets and admins any"
  on public.pets for update to authenticated
  using (owner_id = (select auth.uid()) or (select private.is_admin()))
  with check (owner_id = (select auth.uid()) or (select private.is_admin()));
create policy "owners can remove their own pets and admins any"
  on public.pets for delete to authenticated
  using (owner_id = (select auth.uid()) or (select private.is_admin()));
