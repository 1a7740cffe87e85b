-- identity / roles: who is admin, staff (with a sub-role), provider or client.
--
-- Roles are rows only admins grant or revoke. The custom access token hook copies them into
-- the JWT (claims user_roles and staff_roles); policies read them back through the helpers
-- below, wrapped in (select ...) so Postgres evaluates them once per query, not per row.
-- A change takes effect when the user's token is next issued or refreshed.

create type public.app_role as enum ('admin', 'staff', 'provider', 'client');
create type public.staff_role as enum ('collector', 'lab_tech', 'analyst', 'support');

comment on type public.app_role is 'A user''s role on the platform; a user may hold several.';
comment on type public.staff_role is 'The job of a staff member (pet lab: collector, lab_tech, analyst; support).';

create table public.user_roles (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.app_role not null,
  staff_role public.staff_role,
  granted_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint user_roles_staff_role_only_for_staff check ((role = 'staff') = (staff_role is not null)),
  constraint user_roles_unique unique nulls not distinct (user_id, role, staff_role)
);

create index user_roles_granted_by_idx on public.user_roles (granted_by);

comment on table public.user_roles is
  'Roles granted to users. Read: the user and admins. Insert / delete: admins. Carried into the JWT by the access token hook.';

-- Helpers the policies call ------------------------------------------------------------------

create function private.has_role(wanted public.app_role)
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce((auth.jwt() -> 'user_roles') ? wanted::text, false)
$$;

grant execute on function private.has_role(public.app_role) to anon, authenticated, service_role;

comment on function private.has_role(public.app_role) is
  'Whether the JWT of the current request carries the role. Wrap in (select ...) in policies.';

create function private.is_admin()
returns boolean
language sql
stable
set search_path = ''
as $$
  select private.has_role('admin')
$$;

grant execute on function private.is_admin() to anon, authenticated, service_role;

create function private.has_staff_role(wanted public.staff_role)
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce((auth.jwt() -> 'staff_roles') ? wanted::text, false)
$$;

grant execute on function private.has_staff_role(public.staff_role) to anon, authenticated, service_role;

create function private.is_staff()
returns boolean
language sql
stable
set search_path = ''
as $$
  select private.has_role('staff') or private.has_role('admin')
$$;

grant execute on function private.is_staff() to anon, authenticated, service_role;

comment on function private.is_staff() is 'Staff of any sub-role, or an admin.';

-- Who granted it ---------------------------------------------------------------------------

create function private.tg_user_roles_stamp_grantor()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.granted_by := auth.uid();
  return new;
end
$$;

create trigger stamp_grantor
  before insert on public.user_roles
  for each row execute function private.tg_user_roles_stamp_grantor();

-- Access --------------------------------------------------------------------------------------

alter table public.user_roles enable row level security;

revoke all on table public.user_roles from anon, authenticated;
-- Roles are granted and revoked, never edited in place: no UPDATE for anyone but the system.
grant select, delete on table public.user_roles to authenticated;
grant insert (user_id, role, staff_role) on table public.user_roles to authenticated;

create policy "users can read their own roles and admins all roles"
  on public.user_roles for select
  to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

create policy "admins can grant roles"
  on public.user_roles for insert
  to authenticated
  with check ((select private.is_admin()));

create policy "admins can revoke roles"
  on public.user_roles for delete
  to authenticated
  using ((select private.is_admin()));

-- Supabase Auth runs the access token hook as supabase_auth_admin.
grant select on table public.user_roles to supabase_auth_admin;

create policy "auth admin can read roles for the access token"
  on public.user_roles for select
  to supabase_auth_admin
  using (true);
