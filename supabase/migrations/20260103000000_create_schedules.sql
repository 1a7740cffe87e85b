-- scheduling / schedules: when a provider or a collector can be booked.
--
-- A schedule belongs to the person whose time a booking takes (provider_id of a provider
-- offering, or a collector for home sample collections) and is written in that person's
-- IANA timezone: weekly rules in local wall-clock time, date exceptions that close a day
-- (or part of it) or add extra hours, buffers kept free around every booking, the minimum
-- notice before a start and the horizon beyond which nothing can be booked.

-- Valid zone names. pg_timezone_names parses every zone file of the tz database on each
-- read (55 ms, measured in bench/bookings), so the names are copied into a table when this
-- migration runs; a name not found there (a zone added to the tz database since) is still
-- checked against pg_timezone_names itself.
create table private.timezone_names (
  name text primary key
);

comment on table private.timezone_names is
  'The names pg_timezone_names listed when the migration ran: a fast path for private.is_valid_timezone.';

insert into private.timezone_names (name)
select z.name from pg_catalog.pg_timezone_names z;

grant select on table private.timezone_names to anon, authenticated, service_role;

-- The table first; pg_timezone_names only for a name it does not know.
create function private.is_valid_timezone(name text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (select 1 from private.timezone_names t where t.name = is_valid_timezone.name)
      or exists (select 1 from pg_catalog.pg_timezone_names z where z.name = is_valid_timezone.name)
$$;

grant execute on function private.is_valid_timezone(text) to anon, authenticated, service_role;

create table public.schedules (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  timezone text not null,
  slot_step_minutes integer not null default 30 constraint schedules_slot_step_range check (slot_step_minutes between 5 and 240),
  buffer_before_minutes integer not null default 0 constraint schedules_buffer_before_range check (buffer_before_minutes between 0 and 240),
  buffer_after_minutes integer not null default 0 constraint schedules_buffer_after_range check (buffer_after_minutes between 0 and 240),
  min_notice_minutes integer not null default 120 constraint schedules_min_notice_range check (min_notice_minutes between 0 and 43200),
  horizon_days integer not null default 60 constraint schedules_horizon_range check (horizon_days between 1 and 730),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.schedules is
  'Booking settings of a provider or collector: timezone, slot step, buffers, notice, horizon. Read: everyone. Write: the owner and admins.';
comment on column public.schedules.slot_step_minutes is 'Slots start every this many minutes from the start of each available window.';

create trigger set_updated_at
  before update on public.schedules
  for each row execute function private.tg_set_updated_at();

create function private.tg_schedules_check_timezone()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not private.is_valid_timezone(new.timezone) then
    raise exception 'timezone: % is not an IANA time zone name (e.g. Europe/London)', new.timezone using errcode = '22023';
  end if;
  return new;
end
$$;

create trigger check_timezone
  before insert or update of timezone on public.schedules
  for each row execute function private.tg_schedules_check_timezone();

create table public.availability_rules (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.schedules (user_id) on delete cascade,
  weekday smallint not null constraint availability_rules_weekday_range check (weekday between 1 and 7),
  start_time time not null,
  end_time time not null,
  created_at timestamptz not null default now(),
  constraint availability_rules_order check (start_time < end_time),
  constraint availability_rules_no_overlap exclude using gist (
    user_id with =, weekday with =, tsrange('2000-01-01'::date + start_time, '2000-01-01'::date + end_time) with &&
  )
);

comment on table public.availability_rules is
  'Weekly open hours in the schedule''s timezone; weekday 1 = Monday (ISO). Read: everyone. Write: the owner and admins.';

create table public.availability_exceptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.schedules (user_id) on delete cascade,
  on_date date not null,
  is_available boolean not null,
  start_time time,
  end_time time,
  reason text constraint availability_exceptions_reason_length check (char_length(reason) <= 200),
  created_at timestamptz not null default now(),
  constraint availability_exceptions_times_together check ((start_time is null) = (end_time is null)),
  constraint availability_exceptions_order check (start_time < end_time),
  constraint availability_exceptions_extra_hours_have_times check (not is_available or start_time is not null)
);

create index availability_exceptions_user_date_idx on public.availability_exceptions (user_id, on_date);

comment on table public.availability_exceptions is
  'Date exceptions in the schedule''s timezone: closed (the whole day without times, or the given hours) or extra hours (is_available). Read: the owner and admins. Write: the owner and admins.';

-- Access --------------------------------------------------------------------------------------

alter table public.schedules enable row level security;
alter table public.availability_rules enable row level security;
alter table public.availability_exceptions enable row level security;

revoke all on table public.schedules, public.availability_rules, public.availability_exceptions from anon, authenticated;
grant select on table public.schedules, public.availability_rules to anon, authenticated;
grant select on table public.availability_exceptions to authenticated;
grant insert, update, delete on table public.schedules, public.availability_rules, public.availability_exceptions
  to authenticated;

create policy "anyone can read schedules"
  on public.schedules for select to anon, authenticated using (true);
create policy "owners can create their schedule and admins any"
  on public.schedules for insert to authenticated
  with check (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "owners can change their schedule and admins any"
  on public.schedules for update to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()))
  with check (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "owners can remove their schedule and admins any"
  on public.schedules for delete to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

create policy "anyone can read weekly availability"
  on public.availability_rules for select to anon, authenticated using (true);
create policy "owners can add weekly availability and admins any"
  on public.availability_rules for insert to authenticated
  with check (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "owners can change weekly availability and admins any"
  on public.availability_rules for update to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()))
  with check (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "owners can remove weekly availability and admins any"
  on public.availability_rules for delete to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

create policy "owners can read their exceptions and admins all"
  on public.availability_exceptions for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "owners can add exceptions and admins any"
  on public.availability_exceptions for insert to authenticated
  with check (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "owners can change exceptions and admins any"
  on public.availability_exceptions for update to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()))
  with check (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "owners can remove exceptions and admins any"
  on public.availability_exceptions for delete to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
