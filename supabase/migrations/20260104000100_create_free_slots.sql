-- scheduling / free slots: the times an offering can be booked.
--
-- Open windows are computed per local date in the schedule's timezone and only then turned
-- into instants (`(date + time) at time zone tz`), so 09:00-17:00 stays 09:00-17:00 on both
-- sides of a daylight-saving change; the night of the change simply has one hour more or
-- less. Closures are subtracted with multirange arithmetic. A slot is free when its range,
-- widened by the buffers, overlaps no live booking; a hold past its expiry no longer counts.

-- Open windows of one schedule that overlap two instants (rules + extra hours − closures).
-- Windows are returned whole, not cut at from_ts / to_ts: slots step from a window's real
-- start, so the grid is the same whatever range (or caller's timezone) asks for it.
create function private.open_windows(schedule_user_id uuid, from_ts timestamptz, to_ts timestamptz)
returns table (window_start timestamptz, window_end timestamptz)
language sql
stable
set search_path = ''
as $$
  with schedule as (
    select s.timezone from public.schedules s where s.user_id = schedule_user_id
  ),
  days as (
    select d::date as on_date, schedule.timezone
    from schedule,
      generate_series((from_ts at time zone schedule.timezone)::date - 1,
                      (to_ts at time zone schedule.timezone)::date + 1, interval '1 day') d
  ),
  exceptions as (
    select e.* from public.availability_exceptions e
    where e.user_id = schedule_user_id
      and e.on_date between (select min(on_date) from days) and (select max(on_date) from days)
  ),
  open_hours as (
    select days.on_date, tstzrange((days.on_date + r.start_time) at time zone days.timezone,
                                   (days.on_date + r.end_time) at time zone days.timezone) as hours
    from days
    join public.availability_rules r
      on r.user_id = schedule_user_id and r.weekday = extract(isodow from days.on_date)
    where not exists (
      select 1 from exceptions e where e.on_date = days.on_date and not e.is_available and e.start_time is null
    )
    union all
    select days.on_date, tstzrange((days.on_date + e.start_time) at time zone days.timezone,
                                   (days.on_date + e.end_time) at time zone days.timezone)
    from days join exceptions e on e.on_date = days.on_date and e.is_available
  ),
  closed_hours as (
    select tstzrange((days.on_date + e.start_time) at time zone days.timezone,
                     (days.on_date + e.end_time) at time zone days.timezone) as hours
    from days join exceptions e on e.on_date = days.on_date and not e.is_available and e.start_time is not null
  ),
  windows as (
    select unnest(
      range_agg(o.hours) - coalesce((select range_agg(c.hours) from closed_hours c), '{}'::tstzmultirange)
    ) as w
    from open_hours o
  )
  select lower(w), upper(w) from windows where w && tstzrange(from_ts, to_ts)
$$;

grant execute on function private.open_windows(uuid, timestamptz, timestamptz) to authenticated, service_role;

-- Slots of one schedule for a duration: aligned to the step from each window's start,
-- inside notice and horizon, optionally only the free ones ("free": no overlap with the
-- held, confirmed and in-progress bookings of the owner, a hold only until it expires, the
-- slot widened by the schedule's buffers). The live bookings that can touch the range are
-- read once, through the exclusion constraint's index, merged into one multirange and each
-- slot tested against it in memory: a slot overlaps a booking exactly when it overlaps
-- their union. Testing each slot with its own bookings query cost 35-55 ms a month (bench/bookings).
create function private.schedule_slots(
  owner_id uuid,
  owner_kind public.schedule_owner,
  duration interval,
  from_ts timestamptz,
  to_ts timestamptz,
  only_free boolean default true
)
returns table (starts_at timestamptz, ends_at timestamptz)
language sql
stable
set search_path = ''
as $$
  with schedule as (
    select s.* from public.schedules s where s.user_id = owner_id
  ),
  -- Every slot's widened range lies within this one.
  reach as (
    select tstzrange(from_ts - make_interval(mins => s.buffer_before_minutes),
                     greatest(from_ts - make_interval(mins => s.buffer_before_minutes),
                              to_ts + duration + make_interval(mins => s.buffer_after_minutes))) as span
    from schedule s
  ),
  taken as (
    select coalesce(range_agg(b.blocked_during), '{}'::tstzmultirange) as ranges
    from public.bookings b
    where only_free is not false
      and ((owner_kind = 'provider' and b.provider_id = owner_id and b.scheduled_on = 'provider')
           or (owner_kind is distinct from 'provider' and b.collector_id = owner_id))
      and b.status in ('held', 'confirmed', 'in_progress')
      and (b.status <> 'held' or b.hold_expires_at > now())
      and b.blocked_during && (select reach.span from reach)
  )
  select slot, slot + duration
  from schedule s
  cross join taken
  cross join lateral private.open_windows(s.user_id, from_ts - duration, to_ts + duration) w
  cross join lateral generate_series(w.window_start, w.window_end - duration, make_interval(mins => s.slot_step_minutes)) slot
  where slot >= from_ts and slot < to_ts
    and slot >= now() + make_interval(mins => s.min_notice_minutes)
    and slot < now() + make_interval(days => s.horizon_days)
    and (not only_free or not (
      tstzrange(slot - make_interval(mins => s.buffer_before_minutes), slot + duration + make_interval(mins => s.buffer_after_minutes))
      && taken.ranges
    ))
$$;

grant execute on function private.schedule_slots(uuid, public.schedule_owner, interval, timestamptz, timestamptz, boolean)
  to authenticated, service_role;

-- Collectors are staff with the collector sub-role and a schedule.
create function private.collector_ids()
returns setof uuid
language sql
stable
set search_path = ''
as $$
  select r.user_id from public.user_roles r join public.schedules s on s.user_id = r.user_id
  where r.role = 'staff' and r.staff_role = 'collector'
  order by r.user_id
$$;

grant execute on function private.collector_ids() to authenticated, service_role;

-- Security definer: free time is computed from everyone's bookings, which RLS hides.
create function public.free_slots(
  offering_id uuid,
  from_date date,
  to_date date,
  timezone text default 'UTC'
)
returns table (starts_at timestamptz, ends_at timestamptz, local_starts_at timestamp, local_ends_at timestamp)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  offering public.offerings;
  from_ts timestamptz;
  to_ts timestamptz;
begin
  select * into offering from public.offerings o where o.id = free_slots.offering_id;
  if not found or not (offering.status = 'active' or private.can_manage_offering(offering.id)) then
    raise exception 'offering_id: offering % not found', free_slots.offering_id using errcode = 'P0002';
  end if;
  if not private.is_valid_timezone(timezone) then
    raise exception 'timezone: % is not an IANA time zone name', timezone using errcode = '22023';
  end if;
  if from_date > to_date or to_date - from_date > 92 then
    raise exception 'to_date must be on or after from_date and at most 92 days later' using errcode = '22023';
  end if;

  from_ts := from_date::timestamp at time zone timezone;
  to_ts := (to_date + 1)::timestamp at time zone timezone;

  return query
  with slots as (
    select s.starts_at, s.ends_at
    from private.schedule_slots(offering.provider_id, 'provider', make_interval(mins => offering.duration_minutes), from_ts, to_ts) s
    where offering.scheduled_on = 'provider'
    union
    select s.starts_at, s.ends_at
    from private.collector_ids() c (id)
    cross join lateral private.schedule_slots(c.id, 'collector', make_interval(mins => offering.duration_minutes), from_ts, to_ts) s
    where offering.scheduled_on = 'collector'
  )
  select slots.starts_at, slots.ends_at, slots.starts_at at time zone timezone, slots.ends_at at time zone timezone
  from slots
  order by 1;
end
$$;

grant execute on function public.free_slots(uuid, date, date, text) to anon, authenticated;

comment on function public.free_slots(uuid, date, date, text) is
  'RPC: free start times of an offering from from_date to to_date inclusive, dates read in the caller''s timezone (IANA name). Returns instants and the same times on the caller''s wall clock. Excludes held (unexpired), confirmed and in-progress bookings with their buffers, and honours minimum notice and horizon.';
