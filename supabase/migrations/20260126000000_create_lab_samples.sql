-- lab / samples (issue 15, seed 001's BookingItem status and Staff roles at work): every test
-- booked for a pet is a sample that travels booked → collected → received → in_analysis →
-- reported → released, or is rejected (unusable: re-collection needed) or cancelled with its
-- booking.
--
-- * public.lab_samples: one row per booking item of a lab test (not its add-on lines), made by
--   the database with the item. It carries who did each step and when.
-- * public.transition_lab_sample is the one way to move a sample, with an audit row in
--   public.lab_sample_status_changes; private.lab_sample_transition_rules says which staff role
--   may make which move: the booking's own collector collects; a lab_tech receives, rejects and
--   starts analysis; an analyst reports; another analyst (or an admin) releases. Batches move
--   many samples in one statement (next migration), through the same rules.
-- * The booking follows its samples: in progress at the first collection, completed when every
--   sample is released or rejected; a cancelled booking cancels its samples.
-- * Who reads what: the pet's owner reads their samples; the collector the samples of the
--   bookings they collect; admins all (their own role). The lab's staff work through their
--   queues (collector_route, lab_queue, analyst_queue: definer RPCs that check the staff role),
--   so that no policy carries a "staff sees all" arm that would make the owners' lists scan.

create type public.lab_sample_status as enum (
  'booked', 'collected', 'received', 'in_analysis', 'reported', 'released', 'rejected', 'cancelled'
);

create table public.lab_samples (
  booking_item_id uuid primary key references public.booking_items (id) on delete cascade,
  booking_id uuid not null references public.bookings (id) on delete cascade,
  offering_id uuid not null references public.offerings (id) on delete restrict,
  pet_id uuid references public.pets (id) on delete restrict,
  owner_id uuid not null references public.profiles (id) on delete restrict,
  collector_id uuid references public.profiles (id) on delete restrict,
  scheduled_at timestamptz not null,
  status public.lab_sample_status not null default 'booked',
  collected_at timestamptz,
  collected_by uuid references public.profiles (id) on delete set null,
  tube_count smallint constraint lab_samples_tube_count_range check (tube_count between 1 and 20),
  collection_notes text constraint lab_samples_collection_notes_length check (char_length(collection_notes) <= 2000),
  received_at timestamptz,
  received_by uuid references public.profiles (id) on delete set null,
  sample_condition text constraint lab_samples_sample_condition_length check (char_length(sample_condition) <= 500),
  analysis_started_at timestamptz,
  reported_at timestamptz,
  reported_by uuid references public.profiles (id) on delete set null,
  released_at timestamptz,
  released_by uuid references public.profiles (id) on delete set null,
  rejected_at timestamptz,
  rejected_by uuid references public.profiles (id) on delete set null,
  rejection_reason text constraint lab_samples_rejection_reason_length check (char_length(rejection_reason) <= 500),
  recollection_needed boolean,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint lab_samples_rejection_explained check (status <> 'rejected' or rejection_reason is not null),
  constraint lab_samples_released_by_another check (released_by is null or released_by is distinct from reported_by)
);

-- The owner's and the pet's lists, the collector's route, the staff queues (partial: the few
-- samples waiting at each step among millions released).
create index lab_samples_owner_idx on public.lab_samples (owner_id, scheduled_at desc);
create index lab_samples_pet_idx on public.lab_samples (pet_id, scheduled_at desc);
create index lab_samples_collector_idx on public.lab_samples (collector_id, scheduled_at) where collector_id is not null;
create index lab_samples_booking_idx on public.lab_samples (booking_id);
create index lab_samples_offering_idx on public.lab_samples (offering_id);
create index lab_samples_waiting_idx on public.lab_samples (status, received_at)
  where status in ('collected', 'received', 'in_analysis', 'reported');
create index lab_samples_scheduled_idx on public.lab_samples (scheduled_at desc);
-- Who did each step (profiles' deletes set them null).
create index lab_samples_reported_by_idx on public.lab_samples (reported_by) where reported_by is not null;
create index lab_samples_collected_by_idx on public.lab_samples (collected_by) where collected_by is not null;
create index lab_samples_received_by_idx on public.lab_samples (received_by) where received_by is not null;
create index lab_samples_released_by_idx on public.lab_samples (released_by) where released_by is not null;
create index lab_samples_rejected_by_idx on public.lab_samples (rejected_by) where rejected_by is not null;

create trigger set_updated_at
  before update on public.lab_samples
  for each row execute function private.tg_set_updated_at();

comment on table public.lab_samples is
  'One sample per lab test booked for a pet (a booking item), with its status and who did each step. Read: the owner, the booking''s collector, admins; the lab''s staff through collector_route, lab_queue and analyst_queue. Moved only by transition_lab_sample and the batch functions.';

create table public.lab_sample_status_changes (
  id bigint generated always as identity primary key,
  booking_item_id uuid not null references public.lab_samples (booking_item_id) on delete cascade,
  from_status public.lab_sample_status,
  to_status public.lab_sample_status not null,
  changed_by uuid references auth.users (id) on delete set null,
  actor text not null constraint lab_sample_status_changes_actor_known
    check (actor in ('collector', 'lab_tech', 'analyst', 'admin', 'system')),
  note text constraint lab_sample_status_changes_note_length check (char_length(note) <= 500),
  created_at timestamptz not null default now()
);

create index lab_sample_status_changes_item_idx on public.lab_sample_status_changes (booking_item_id, created_at);
create index lab_sample_status_changes_changed_by_idx on public.lab_sample_status_changes (changed_by) where changed_by is not null;

comment on table public.lab_sample_status_changes is 'Audit of every sample status change. Read: whoever reads the sample. Written by the database.';

create table private.lab_sample_transition_rules (
  from_status public.lab_sample_status not null,
  to_status public.lab_sample_status not null,
  actor text not null,
  primary key (from_status, to_status, actor)
);

insert into private.lab_sample_transition_rules (from_status, to_status, actor) values
  ('booked', 'collected', 'collector'), ('booked', 'collected', 'admin'),
  ('collected', 'received', 'lab_tech'), ('collected', 'received', 'admin'),
  ('collected', 'rejected', 'lab_tech'), ('collected', 'rejected', 'admin'),
  ('received', 'rejected', 'lab_tech'), ('received', 'rejected', 'admin'),
  ('received', 'in_analysis', 'lab_tech'), ('received', 'in_analysis', 'analyst'), ('received', 'in_analysis', 'admin'),
  ('in_analysis', 'rejected', 'analyst'), ('in_analysis', 'rejected', 'admin'),
  ('in_analysis', 'reported', 'analyst'), ('in_analysis', 'reported', 'admin'),
  ('reported', 'in_analysis', 'analyst'), ('reported', 'in_analysis', 'admin'),  -- sent back before release
  ('reported', 'released', 'analyst'), ('reported', 'released', 'admin'),
  ('released', 'in_analysis', 'analyst'), ('released', 'in_analysis', 'admin');  -- a correction: a new report version

comment on table private.lab_sample_transition_rules is 'Which staff role may move a sample from one status to another (system: the booking''s own moves).';

-- Samples come with their booking's items -------------------------------------------------------------------

-- Security definer: written by the database for whoever books (the client cannot write samples).
create function private.tg_booking_items_open_sample()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.lab_samples (booking_item_id, booking_id, offering_id, pet_id, owner_id, collector_id, scheduled_at)
  select new.id, b.id, new.offering_id, b.pet_id, b.client_id, b.collector_id, b.starts_at
  from public.bookings b
  join public.offerings o on o.id = new.offering_id and o.kind = 'lab_test'
  where b.id = new.booking_id and new.addon_id is null;
  return null;
end
$$;

revoke all on function private.tg_booking_items_open_sample() from public, anon, authenticated, service_role;

create trigger open_sample
  after insert on public.booking_items
  for each row execute function private.tg_booking_items_open_sample();

-- The samples of the lab bookings made before this migration.
insert into public.lab_samples (booking_item_id, booking_id, offering_id, pet_id, owner_id, collector_id, scheduled_at, status,
                                collected_at)
select i.id, b.id, i.offering_id, b.pet_id, b.client_id, b.collector_id, b.starts_at,
       case b.status when 'cancelled' then 'cancelled' when 'expired' then 'cancelled' when 'in_progress' then 'collected'
                     when 'completed' then 'collected' else 'booked' end::public.lab_sample_status,
       case when b.status in ('in_progress', 'completed') then b.starts_at end
from public.booking_items i
join public.bookings b on b.id = i.booking_id
join public.offerings o on o.id = i.offering_id and o.kind = 'lab_test'
where i.addon_id is null;

-- The transition function ----------------------------------------------------------------------------------

-- The staff roles the caller acts as for samples, most specific first.
create function private.lab_actors(sample public.lab_samples)
returns text[]
language sql
stable
set search_path = ''
as $$
  select array_remove(array[
    case when auth.role() = 'service_role' then 'system' end,
    case when private.has_staff_role('collector') and sample.collector_id = auth.uid() then 'collector' end,
    case when private.has_staff_role('lab_tech') then 'lab_tech' end,
    case when private.has_staff_role('analyst') then 'analyst' end,
    case when private.is_admin() then 'admin' end], null)
$$;

-- Every status change of a sample: the row, who and when, the audit row, the booking's move,
-- and the owner told of a collection. Callers decided the actor and checked the rule.
create function private.change_lab_sample_status(
  sample public.lab_samples,
  to_status public.lab_sample_status,
  actor text,
  note text default null,
  tube_count integer default null,
  sample_condition text default null,
  recollection_needed boolean default null
)
returns public.lab_samples
language plpgsql
security definer
set search_path = ''
as $$
declare
  result public.lab_samples;
  booking public.bookings;
  who uuid := case when actor <> 'system' then auth.uid() end;
  owner_zone text;
begin
  update public.lab_samples s
  set status = to_status,
      collected_at = case when to_status = 'collected' then now() else s.collected_at end,
      collected_by = case when to_status = 'collected' then who else s.collected_by end,
      tube_count = case when to_status = 'collected' then change_lab_sample_status.tube_count else s.tube_count end,
      collection_notes = case when to_status = 'collected' then note else s.collection_notes end,
      received_at = case when to_status = 'received' then now() else s.received_at end,
      received_by = case when to_status = 'received' then who else s.received_by end,
      sample_condition = case when to_status = 'received' then change_lab_sample_status.sample_condition else s.sample_condition end,
      analysis_started_at = case when to_status = 'in_analysis' then now() else s.analysis_started_at end,
      reported_at = case when to_status = 'reported' then now() when to_status = 'in_analysis' then null else s.reported_at end,
      reported_by = case when to_status = 'reported' then who when to_status = 'in_analysis' then null else s.reported_by end,
      released_at = case when to_status = 'released' then now() when to_status = 'in_analysis' then null else s.released_at end,
      released_by = case when to_status = 'released' then who when to_status = 'in_analysis' then null else s.released_by end,
      rejected_at = case when to_status = 'rejected' then now() else s.rejected_at end,
      rejected_by = case when to_status = 'rejected' then who else s.rejected_by end,
      rejection_reason = case when to_status = 'rejected' then note else s.rejection_reason end,
      recollection_needed = case when to_status = 'rejected' then coalesce(change_lab_sample_status.recollection_needed, true)
                                 else s.recollection_needed end
  where s.booking_item_id = sample.booking_item_id
  returning * into result;

  insert into public.lab_sample_status_changes (booking_item_id, from_status, to_status, changed_by, actor, note)
  values (sample.booking_item_id, sample.status, to_status, who, actor, left(note, 500));

  perform private.move_booking_with_samples(sample.booking_id);

  if to_status = 'collected' then
    owner_zone := coalesce((select c.timezone from public.client_profiles c where c.user_id = sample.owner_id), 'UTC');
    perform private.enqueue_notification('sample.collected', 'sample.collected:' || sample.booking_item_id,
      array[sample.owner_id], private.lab_notification_data(result) || jsonb_build_object(
        'collected_at', to_char(result.collected_at at time zone owner_zone, 'YYYY-MM-DD HH24:MI'), 'timezone', owner_zone),
      now(), sample.booking_id);
  end if;
  return result;
end
$$;

revoke all on function private.change_lab_sample_status(public.lab_samples, public.lab_sample_status, text, text, integer, text, boolean)
  from public, anon, authenticated, service_role;

-- What the lab's notifications say about a sample.
create function private.lab_notification_data(sample public.lab_samples)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'booking_id', sample.booking_id,
    'pet_name', coalesce((select p.name from public.pets p where p.id = sample.pet_id), 'your pet'),
    'test_title', (select o.title from public.offerings o where o.id = sample.offering_id),
    'action_url', private.app_link('/bookings/' || sample.booking_id || '/samples/' || sample.booking_item_id))
$$;

revoke all on function private.lab_notification_data(public.lab_samples) from public, anon, authenticated, service_role;

-- The booking follows its samples: in progress once one is collected, completed when every one
-- is released or rejected (cancelled ones aside). System moves, audited as the booking's.
create function private.move_booking_with_samples(booking_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  booking public.bookings;
begin
  select * into booking from public.bookings b where b.id = move_booking_with_samples.booking_id for update;
  if booking.status = 'confirmed'
     and exists (select 1 from public.lab_samples s where s.booking_id = booking.id and s.status not in ('booked', 'cancelled')) then
    booking := private.change_booking_status(booking, 'in_progress', 'system', 'first sample collected');
  end if;
  if booking.status = 'in_progress'
     and not exists (select 1 from public.lab_samples s
                     where s.booking_id = booking.id and s.status not in ('released', 'rejected', 'cancelled'))
     and exists (select 1 from public.lab_samples s where s.booking_id = booking.id and s.status = 'released') then
    perform private.change_booking_status(booking, 'completed', 'system', 'every sample reported');
  end if;
end
$$;

revoke all on function private.move_booking_with_samples(uuid) from public, anon, authenticated, service_role;

-- A booking cancelled or lapsed takes its samples not yet collected with it.
create function private.tg_bookings_cancel_samples()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  with cancelled as (
    update public.lab_samples s set status = 'cancelled'
    where s.booking_id = new.id and s.status = 'booked'
    returning s.booking_item_id
  )
  insert into public.lab_sample_status_changes (booking_item_id, from_status, to_status, changed_by, actor, note)
  select c.booking_item_id, 'booked', 'cancelled', null, 'system', 'booking ' || new.status from cancelled c;
  return null;
end
$$;

revoke all on function private.tg_bookings_cancel_samples() from public, anon, authenticated, service_role;

create trigger cancel_samples
  after update of status on public.bookings
  for each row when (new.status in ('cancelled', 'expired', 'no_show') and new.status is distinct from old.status)
  execute function private.tg_bookings_cancel_samples();

create function private.transition_lab_sample(
  booking_item_id uuid,
  to_status public.lab_sample_status,
  note text default null,
  tube_count integer default null,
  sample_condition text default null,
  recollection_needed boolean default null
)
returns public.lab_samples
language plpgsql
security definer
set search_path = ''
as $$
declare
  sample public.lab_samples;
  actors text[];
  chosen text;
begin
  select * into sample from public.lab_samples s where s.booking_item_id = transition_lab_sample.booking_item_id for update;
  if sample.booking_item_id is null then
    raise exception 'booking_item_id: sample % not found', transition_lab_sample.booking_item_id using errcode = 'PT404';
  end if;
  actors := private.lab_actors(sample);
  if cardinality(actors) = 0 then
    if auth.uid() = sample.owner_id then
      raise exception 'status: the lab moves samples, not their owners' using errcode = '42501';
    end if;
    raise exception 'booking_item_id: sample % not found', transition_lab_sample.booking_item_id using errcode = 'PT404';
  end if;
  if not exists (select 1 from private.lab_sample_transition_rules r
                 where r.from_status = sample.status and r.to_status = transition_lab_sample.to_status) then
    raise exception 'status: a % sample cannot become %', sample.status, to_status using errcode = 'PT409';
  end if;
  select r.actor into chosen from private.lab_sample_transition_rules r
  where r.from_status = sample.status and r.to_status = transition_lab_sample.to_status and r.actor = any (actors)
  order by array_position(actors, r.actor) limit 1;
  if chosen is null then
    raise exception 'status: as % you cannot move a % sample to %', array_to_string(actors, ' or '), sample.status, to_status
      using errcode = '42501';
  end if;

  if to_status = 'collected' then
    if (select b.status from public.bookings b where b.id = sample.booking_id) not in ('confirmed', 'in_progress') then
      raise exception 'status: the booking is not confirmed (paid); nothing to collect yet' using errcode = 'PT409';
    end if;
    if tube_count is null then
      raise exception 'tube_count: say how many tubes were filled' using errcode = '22023';
    end if;
  elsif to_status = 'received' and nullif(btrim(sample_condition), '') is null then
    raise exception 'sample_condition: say in what state the sample arrived' using errcode = '22023';
  elsif to_status = 'rejected' and nullif(btrim(note), '') is null then
    raise exception 'note: say why the sample is rejected' using errcode = '22023';
  elsif to_status = 'reported' and not exists (select 1 from public.lab_results r where r.booking_item_id = sample.booking_item_id) then
    raise exception 'status: enter the results before reporting' using errcode = 'PT409';
  elsif to_status = 'released' and chosen = 'analyst' and sample.reported_by = auth.uid() then
    raise exception 'status: another analyst releases what you reported' using errcode = '42501';
  end if;
  return private.change_lab_sample_status(sample, to_status, chosen, note, tube_count, sample_condition, recollection_needed);
end
$$;

revoke all on function private.transition_lab_sample(uuid, public.lab_sample_status, text, integer, text, boolean)
  from public, anon, authenticated, service_role;
grant execute on function private.transition_lab_sample(uuid, public.lab_sample_status, text, integer, text, boolean) to authenticated;

create function public.transition_lab_sample(
  booking_item_id uuid,
  to_status public.lab_sample_status,
  note text default null,
  tube_count integer default null,
  sample_condition text default null,
  recollection_needed boolean default null
)
returns public.lab_samples language sql security invoker set search_path = ''
as $$ select private.transition_lab_sample(booking_item_id, to_status, note, tube_count, sample_condition, recollection_needed) $$;

revoke all on function public.transition_lab_sample(uuid, public.lab_sample_status, text, integer, text, boolean) from public, anon;
grant execute on function public.transition_lab_sample(uuid, public.lab_sample_status, text, integer, text, boolean)
  to authenticated, service_role;

comment on function public.transition_lab_sample(uuid, public.lab_sample_status, text, integer, text, boolean) is
  'RPC (the lab''s staff): moves a sample. collected: the booking''s collector, with tube_count and notes; received (sample_condition), rejected (note: why; recollection_needed) and in_analysis: a lab_tech; reported: an analyst, once results are entered; released: another analyst or an admin; in_analysis from reported or released: sent back or corrected. Errors: PT404, PT409 not from this status, 42501 not your role (or your own report), 22023 a missing detail.';

-- Staff queues ----------------------------------------------------------------------------------------------

-- Security definer: the lab's staff see every sample at their step; each queue checks the role.
create function private.collector_route(day date default null)
returns table (
  booking_item_id uuid, booking_id uuid, scheduled_at timestamptz, status public.lab_sample_status, test_title text,
  tube_type text, pet_name text, species public.pet_species, owner_name text, address text, city text, postal_code text,
  instructions text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  zone text := coalesce((select s.timezone from public.schedules s where s.user_id = auth.uid()), 'UTC');
  chosen date := coalesce(day, (now() at time zone zone)::date);
begin
  if not (private.has_staff_role('collector') or private.is_admin()) then
    raise exception 'collectors only' using errcode = '42501';
  end if;
  return query
  select s.booking_item_id, s.booking_id, s.scheduled_at, s.status, o.title, d.tube_type, p.name, p.species,
         pr.display_name, concat_ws(', ', a.line1, a.line2), a.city, a.postal_code, d.collection_instructions
  from public.lab_samples s
  join public.offerings o on o.id = s.offering_id
  left join public.lab_test_details d on d.offering_id = s.offering_id
  left join public.pets p on p.id = s.pet_id
  join public.profiles pr on pr.id = s.owner_id
  join public.bookings b on b.id = s.booking_id
  left join public.addresses a on a.id = b.address_id
  where s.collector_id = auth.uid()
    and s.scheduled_at >= (chosen::timestamp at time zone zone)
    and s.scheduled_at < ((chosen + 1)::timestamp at time zone zone)
    and s.status <> 'cancelled'
  order by s.scheduled_at, s.booking_item_id;
end
$$;

create function private.lab_queue(max_rows integer default 100)
returns setof public.lab_samples
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not (private.has_staff_role('lab_tech') or private.is_admin()) then
    raise exception 'lab technicians only' using errcode = '42501';
  end if;
  -- Collected (to receive), and received but in no open or running batch (to batch).
  return query
  select s.* from public.lab_samples s
  where s.status = 'collected'
  union all
  (select s.* from public.lab_samples s
   where s.status = 'received'
     and not exists (select 1 from public.lab_batch_items bi join public.lab_batches lb on lb.id = bi.batch_id
                     where bi.booking_item_id = s.booking_item_id and lb.status in ('open', 'running')))
  order by status, received_at nulls first, collected_at
  limit least(greatest(max_rows, 1), 500);
end
$$;

create function private.analyst_queue(max_rows integer default 100)
returns setof public.lab_samples
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not (private.has_staff_role('analyst') or private.is_admin()) then
    raise exception 'analysts only' using errcode = '42501';
  end if;
  -- In analysis (to report), then reported by someone else (to release).
  return query
  select s.* from public.lab_samples s
  where s.status = 'in_analysis'
     or (s.status = 'reported' and s.reported_by is distinct from auth.uid())
  order by s.status, coalesce(s.reported_at, s.analysis_started_at), s.booking_item_id
  limit least(greatest(max_rows, 1), 500);
end
$$;

revoke all on function private.collector_route(date), private.lab_queue(integer), private.analyst_queue(integer)
  from public, anon, authenticated, service_role;
grant execute on function private.collector_route(date), private.lab_queue(integer), private.analyst_queue(integer) to authenticated;

create function public.collector_route(day date default null)
returns table (
  booking_item_id uuid, booking_id uuid, scheduled_at timestamptz, status public.lab_sample_status, test_title text,
  tube_type text, pet_name text, species public.pet_species, owner_name text, address text, city text, postal_code text,
  instructions text
)
language sql stable security invoker set search_path = ''
as $$ select * from private.collector_route(day) $$;
create function public.lab_queue(max_rows integer default 100)
returns setof public.lab_samples language sql stable security invoker set search_path = ''
as $$ select * from private.lab_queue(max_rows) $$;
create function public.analyst_queue(max_rows integer default 100)
returns setof public.lab_samples language sql stable security invoker set search_path = ''
as $$ select * from private.analyst_queue(max_rows) $$;

revoke all on function public.collector_route(date), public.lab_queue(integer), public.analyst_queue(integer) from public, anon;
grant execute on function public.collector_route(date), public.lab_queue(integer), public.analyst_queue(integer)
  to authenticated, service_role;

comment on function public.collector_route(date) is
  'RPC (collectors): the signed-in collector''s collections of a day (default today, in their schedule''s time zone), by time, with the test, tube, pet, owner and address. 42501 not a collector.';
comment on function public.lab_queue(integer) is
  'RPC (lab technicians): samples collected and waiting to be received, then received ones in no open or running batch. 42501 not a lab technician.';
comment on function public.analyst_queue(integer) is
  'RPC (analysts): samples in analysis (to report), then samples reported by another analyst (to release). 42501 not an analyst.';

-- Grants and policies --------------------------------------------------------------------------------------

alter table public.lab_samples enable row level security;
alter table public.lab_sample_status_changes enable row level security;
revoke all on table public.lab_samples, public.lab_sample_status_changes from anon, authenticated;
grant all on table public.lab_samples, public.lab_sample_status_changes to service_role;
grant usage, select on sequence public.lab_sample_status_changes_id_seq to service_role;
grant select on table public.lab_samples, public.lab_sample_status_changes to authenticated;

create policy "owners and their collector read samples"
  on public.lab_samples for select to authenticated
  using (owner_id = (select auth.uid()) or collector_id = (select auth.uid()));
create policy "admins read every sample"
  on public.lab_samples for select to marketbase_admin using ((select private.is_admin()));

create policy "whoever reads the sample reads its history"
  on public.lab_sample_status_changes for select to authenticated
  using (exists (select 1 from public.lab_samples s where s.booking_item_id = lab_sample_status_changes.booking_item_id));
create policy "admins read every sample's history"
  on public.lab_sample_status_changes for select to marketbase_admin using ((select private.is_admin()));
