-- engagement / favorites (issue 13): a user keeps offerings (seed 003's favorite workflows) and
-- providers (seed 004's favorite pros) to come back to. Private to the user; one per user and
-- target; the target is a real foreign key, one column per kind, exactly one set.

create table public.favorites (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  offering_id uuid references public.offerings (id) on delete cascade,
  provider_id uuid references public.provider_profiles (user_id) on delete cascade,
  created_at timestamptz not null default now(),
  constraint favorites_one_target check (num_nonnulls(offering_id, provider_id) = 1),
  constraint favorites_offering_once unique (user_id, offering_id),
  constraint favorites_provider_once unique (user_id, provider_id)
);

create index favorites_user_listed_idx on public.favorites (user_id, created_at desc);
create index favorites_offering_id_idx on public.favorites (offering_id) where offering_id is not null;
create index favorites_provider_id_idx on public.favorites (provider_id) where provider_id is not null;
create index favorites_created_idx on public.favorites (created_at desc);

comment on table public.favorites is
  'Offerings and providers a user keeps, newest first. Read, add, remove: the user only (admins read).';

alter table public.favorites enable row level security;
revoke all on table public.favorites from anon, authenticated;
grant select, delete on table public.favorites to authenticated;
grant insert (user_id, offering_id, provider_id) on table public.favorites to authenticated;
grant select on table public.favorites to marketbase_admin;
grant select, insert, update, delete on table public.favorites to service_role;

create policy "users read their favorites"
  on public.favorites for select to authenticated using (user_id = (select auth.uid()));
create policy "users add their favorites"
  on public.favorites for insert to authenticated with check (user_id = (select auth.uid()));
create policy "users remove their favorites"
  on public.favorites for delete to authenticated using (user_id = (select auth.uid()));
create policy "admins read every favorite"
  on public.favorites for select to marketbase_admin using ((select private.is_admin()));
