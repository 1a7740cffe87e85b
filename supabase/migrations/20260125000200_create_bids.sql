-- jobs / bids and assignments (issue 14, seed 004's Bid and OrderAssignment): providers bid on
-- the published jobs they were matched with; the client accepts one; the bid becomes a booking
-- on the provider's calendar with an invoice priced in SQL, and the job then moves with it.
--
-- * public.bids: written by the provider through PostgREST (insert; revise amount and terms while
--   pending), withdrawn by public.withdraw_bid, decided by public.accept_bid. One live (pending)
--   bid per provider and job (a unique partial index). The amount is in the job's currency and
--   within the category's price bounds (or its parent's).
-- * A chat room per bid (the job's client and the bidding provider: bidders never see each
--   other) opens with the first bid; the accepted bid's room becomes the booking's room.
-- * public.accept_bid: the job row is locked first (FOR UPDATE), by acceptances and withdrawals
--   alike, so two acceptances (two bids, or one bid twice) and an acceptance racing a withdrawal
--   are decided one after the other: exactly one outcome wins, the other answers PT409. It makes
--   the booking (held until paid, bookings.job_id), its items and the invoice through
--   private.price_booking with the bid as agreed price (plus the job's add-ons, the travel fee of
--   the area covering the address, tax, commission) and private.create_invoice: checkout,
--   webhooks and refunds work unchanged. Every other pending bid is declined.
-- * public.job_assignments (the seed's OrderAssignment): the accepted bid, the booking, start,
--   the provider's progress and completion notes, the client's confirmation.
-- * From then on the booking drives the job: a trigger on bookings moves the job to in_progress,
--   completed or cancelled through private.change_job_status; transition_job moves the booking.
-- * public.confirm_job_completion: the client confirms and rates; the rating is the review of
--   the engagement module (public.reviews, one per booking), the provider's rating follows.

alter table public.bookings add column job_id uuid unique references public.jobs (id) on delete restrict;

comment on column public.bookings.job_id is 'The job whose accepted bid this booking is (jobs module); null for bookings made from the catalog.';

create type public.bid_status as enum ('pending', 'accepted', 'rejected', 'withdrawn');

create table public.bids (
  id uuid primary key default gen_random_uuid(),
  job_id uuid not null references public.jobs (id) on delete cascade,
  provider_id uuid not null default auth.uid() references public.provider_profiles (user_id) on delete cascade,
  client_id uuid not null references public.profiles (id) on delete cascade,
  offering_id uuid references public.offerings (id) on delete set null,
  amount bigint not null constraint bids_amount_positive check (amount > 0),
  currency character(3) not null,
  description text not null constraint bids_description_length check (char_length(description) between 1 and 4000),
  estimated_minutes integer not null constraint bids_estimated_minutes_range check (estimated_minutes between 15 and 10080),
  proposed_start timestamptz,
  terms text constraint bids_terms_length check (char_length(terms) <= 4000),
  is_negotiable boolean not null default false,
  status public.bid_status not null default 'pending',
  revision integer not null default 1,
  accepted_at timestamptz,
  rejected_at timestamptz,
  withdrawn_at timestamptz,
  decision_reason text constraint bids_decision_reason_length check (char_length(decision_reason) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create unique index bids_one_live_per_provider_idx on public.bids (job_id, provider_id) where status = 'pending';
create index bids_job_created_idx on public.bids (job_id, created_at desc);
create index bids_provider_created_idx on public.bids (provider_id, created_at desc);
create index bids_client_created_idx on public.bids (client_id, created_at desc);
create index bids_offering_id_idx on public.bids (offering_id) where offering_id is not null;
create index bids_created_at_idx on public.bids (created_at desc);

create trigger set_updated_at
  before update on public.bids
  for each row execute function private.tg_set_updated_at();

comment on table public.bids is
  'A provider''s offer for a job (seed 004''s Bid). Read: the bidding provider, the job''s client, admins. Insert (job_id, offering_id, amount, description, estimated_minutes, proposed_start, terms, is_negotiable): a provider matched with the published job. Update (the same but job_id): the provider while pending. Decided by accept_bid and withdraw_bid.';
comment on column public.bids.client_id is 'The job''s client, copied by the database (the client''s read of the bids on their job is a filter on an indexed column).';
comment on column public.bids.offering_id is 'Which of the provider''s active offerings in the job''s category the work is booked as (their first one when not given).';
comment on column public.bids.proposed_start is 'When the provider would start; the job''s service date and time when null.';

create table public.job_assignments (
  job_id uuid primary key references public.jobs (id) on delete cascade,
  bid_id uuid not null unique references public.bids (id) on delete restrict,
  provider_id uuid not null references public.provider_profiles (user_id) on delete restrict,
  client_id uuid not null references public.profiles (id) on delete restrict,
  booking_id uuid not null unique references public.bookings (id) on delete restrict,
  starts_at timestamptz not null,
  progress_notes text constraint job_assignments_progress_notes_length check (char_length(progress_notes) <= 4000),
  completion_notes text constraint job_assignments_completion_notes_length check (char_length(completion_notes) <= 4000),
  client_confirmed_at timestamptz,
  assigned_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index job_assignments_provider_idx on public.job_assignments (provider_id, assigned_at desc);
create index job_assignments_client_idx on public.job_assignments (client_id, assigned_at desc);
create index job_assignments_assigned_at_idx on public.job_assignments (assigned_at desc);

create trigger set_updated_at
  before update on public.job_assignments
  for each row execute function private.tg_set_updated_at();

comment on table public.job_assignments is
  'The accepted bid of a job and its booking (seed 004''s OrderAssignment). Read: the job''s client and provider, admins. Update (progress_notes, completion_notes): the provider. The client confirms through confirm_job_completion.';

-- Chat rooms of bids ------------------------------------------------------------------------------

alter table public.chat_rooms
  add column job_id uuid references public.jobs (id) on delete cascade,
  add column bidder_id uuid references public.provider_profiles (user_id) on delete cascade,
  drop constraint chat_rooms_one_target,
  -- A booking's room, a bid's room, or the accepted bid's room that became its booking's.
  add constraint chat_rooms_has_target check (num_nonnulls(booking_id, job_id) >= 1),
  add constraint chat_rooms_job_room_has_bidder check ((job_id is null) = (bidder_id is null)),
  add constraint chat_rooms_job_bidder_key unique (job_id, bidder_id);

create index chat_rooms_bidder_id_idx on public.chat_rooms (bidder_id) where bidder_id is not null;

comment on column public.chat_rooms.job_id is
  'The job the room is about: one room per bidding provider (bidder_id), so bidders never read each other. The accepted bid''s room also gets the booking_id.';

-- Bid rules ---------------------------------------------------------------------------------------------

-- Security definer: reads the job, the category's bounds and the provider's offerings, and locks
-- the job so that a bid cannot slip in while an acceptance is deciding.
create function private.tg_bids_check()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  job public.jobs;
  bounds record;
begin
  if tg_op = 'UPDATE' then
    if new.status is distinct from old.status then
      return new; -- a decision, made by the database (the API cannot write status)
    end if;
    if old.status <> 'pending' then
      raise exception 'this bid was % already; it can no longer be changed', old.status using errcode = 'PT409';
    end if;
    new.revision := old.revision + 1;
  end if;
  -- The job's row lock that its bid counter needs anyway, taken first: a bid waits for an
  -- acceptance deciding the job (FOR UPDATE) and then sees it closed.
  select * into job from public.jobs j where j.id = new.job_id for no key update;

  if tg_op = 'INSERT' then
    if job.status is distinct from 'published'
       or not exists (select 1 from public.job_matches m where m.job_id = new.job_id and m.provider_id = new.provider_id) then
      raise exception 'job_id: job % is not open to your bids', new.job_id using errcode = 'PT404';
    end if;
    new.status := 'pending';
    new.revision := 1;
    new.accepted_at := null;
    new.rejected_at := null;
    new.withdrawn_at := null;
    new.decision_reason := null;
    new.client_id := job.client_id;
    new.currency := job.currency;
    -- One live bid per provider and job: a second one is a revision.
    if exists (select 1 from public.bids b where b.job_id = new.job_id and b.provider_id = new.provider_id and b.status = 'pending') then
      raise exception 'job_id: you already have a live bid on this job; revise or withdraw it' using errcode = 'PT409';
    end if;
  end if;

  if new.status = 'pending' then
    if new.offering_id is null then
      select o.id into new.offering_id from public.offerings o
      where o.provider_id = new.provider_id and o.category_id = job.category_id and o.status = 'active' and o.currency = job.currency
      order by o.created_at, o.id limit 1;
    end if;
    if not exists (select 1 from public.offerings o
                   where o.id = new.offering_id and o.provider_id = new.provider_id and o.category_id = job.category_id
                     and o.status = 'active' and o.currency = job.currency) then
      raise exception 'offering_id: bid as one of your active offerings in the job''s category' using errcode = '22023';
    end if;
    select c.min_price, c.max_price, c.slug into bounds
    from public.categories c
    where c.id in (job.category_id, (select x.parent_id from public.categories x where x.id = job.category_id))
      and (c.min_price is not null or c.max_price is not null)
    order by c.id = job.category_id desc
    limit 1;
    if new.amount < coalesce(bounds.min_price, 1) or new.amount > coalesce(bounds.max_price, private.max_amount()) then
      raise exception 'amount: % % is outside %..% % (category %)', new.amount, new.currency,
        coalesce(bounds.min_price, 1), coalesce(bounds.max_price, private.max_amount()), new.currency, coalesce(bounds.slug, 'any')
        using errcode = '22023';
    end if;
    if new.proposed_start is not null and new.proposed_start <= now() then
      raise exception 'proposed_start: % is in the past', new.proposed_start using errcode = '22023';
    end if;
  end if;
  return new;
end
$$;

revoke all on function private.tg_bids_check() from public, anon, authenticated, service_role;

create trigger check_bid
  before insert or update on public.bids
  for each row execute function private.tg_bids_check();

-- After a bid: the job's live-bid count, the bid's chat room (with its two participants), and
-- the client is told. Security definer: writes the job, rooms and the outbox for the provider.
create function private.tg_bids_after()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  room uuid;
  job public.jobs;
begin
  update public.jobs j
  set bid_count = j.bid_count
                  + case when new.status = 'pending' then 1 else 0 end
                  - case when tg_op = 'UPDATE' and old.status = 'pending' then 1 else 0 end
  where j.id = new.job_id
    and (tg_op = 'INSERT' or new.status is distinct from old.status)
  returning * into job;

  if tg_op = 'INSERT' then
    insert into public.chat_rooms (job_id, bidder_id) values (new.job_id, new.provider_id)
    on conflict on constraint chat_rooms_job_bidder_key do nothing
    returning id into room;
    if room is not null then
      insert into public.chat_participants (room_id, user_id, role)
      values (room, new.client_id, 'client'), (room, new.provider_id, 'provider')
      on conflict do nothing;
    end if;
    perform private.enqueue_notification('job.bid_received', 'job.bid_received:' || new.id, array[new.client_id],
      private.job_notification_data(job) || jsonb_build_object(
        'provider_name', coalesce((select p.display_name from public.profiles p where p.id = new.provider_id), 'A provider'),
        'amount', private.format_amount(new.amount, new.currency),
        'currency', new.currency));
  end if;
  return null;
end
$$;

revoke all on function private.tg_bids_after() from public, anon, authenticated, service_role;

create trigger after_bid
  after insert or update of status on public.bids
  for each row execute function private.tg_bids_after();

-- A system message in a bid's room.
create function private.tell_bid_room(job_id uuid, bidder_id uuid, body text, event text)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into public.chat_messages (room_id, sender_id, body, system_event)
  select r.id, null, body, event from public.chat_rooms r where r.job_id = tell_bid_room.job_id and r.bidder_id = tell_bid_room.bidder_id
$$;

revoke all on function private.tell_bid_room(uuid, uuid, text, text) from public, anon, authenticated, service_role;

-- The job closed (assigned to another bid, cancelled, expired): every pending bid is declined
-- and its provider told. Replaces the placeholder of 20260125000000.
create or replace function private.decline_pending_bids(job public.jobs, reason text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  bid public.bids;
begin
  for bid in
    update public.bids b set status = 'rejected', rejected_at = now(), decision_reason = reason
    where b.job_id = job.id and b.status = 'pending'
    returning *
  loop
    perform private.tell_bid_room(job.id, bid.provider_id, 'This job is closed to bids: ' || reason || '.', 'bid.rejected');
    perform private.enqueue_notification('job.bid_rejected', 'job.bid_rejected:' || bid.id, array[bid.provider_id],
      private.job_notification_data(job));
  end loop;
end
$$;

revoke all on function private.decline_pending_bids(public.jobs, text) from public, anon, authenticated, service_role;

-- Withdraw and accept -----------------------------------------------------------------------------------

create function private.withdraw_bid(bid_id uuid, reason text default null)
returns public.bids
language plpgsql
security definer
set search_path = ''
as $$
declare
  bid public.bids;
begin
  select * into bid from public.bids b where b.id = withdraw_bid.bid_id and b.provider_id = auth.uid();
  if not found then
    raise exception 'bid_id: bid % not found among yours', withdraw_bid.bid_id using errcode = 'PT404';
  end if;
  -- The job's lock first, as accept_bid takes it: a withdrawal and an acceptance are decided
  -- one after the other.
  perform 1 from public.jobs j where j.id = bid.job_id for update;
  select * into bid from public.bids b where b.id = bid.id for update;
  if bid.status <> 'pending' then
    raise exception 'bid_id: this bid was % already', bid.status using errcode = 'PT409';
  end if;
  update public.bids b set status = 'withdrawn', withdrawn_at = now(), decision_reason = left(reason, 500)
  where b.id = bid.id
  returning * into bid;
  perform private.tell_bid_room(bid.job_id, bid.provider_id, 'The provider withdrew their bid.', 'bid.withdrawn');
  return bid;
end
$$;

create function private.accept_bid(bid_id uuid, revision integer default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  bid public.bids;
  job public.jobs;
  offering public.offerings;
  schedule public.schedules;
  quote jsonb;
  starts_at timestamptz;
  booking public.bookings;
  invoice public.invoices;
  hold_minutes integer := (private.setting('jobs.payment_hold_minutes'))::integer;
begin
  select * into bid from public.bids b where b.id = accept_bid.bid_id and b.client_id = auth.uid();
  if not found then
    raise exception 'bid_id: bid % not found on your jobs', accept_bid.bid_id using errcode = 'PT404';
  end if;
  -- One decision per job at a time: the job's lock, then the bid as it is now.
  select * into job from public.jobs j where j.id = bid.job_id for update;
  select * into bid from public.bids b where b.id = bid.id for update;
  if job.status <> 'published' then
    raise exception 'job_id: the job is % already; no bid can be accepted', job.status using errcode = 'PT409';
  end if;
  if bid.status <> 'pending' then
    raise exception 'bid_id: this bid was % already', bid.status using errcode = 'PT409';
  end if;
  if accept_bid.revision is not null and accept_bid.revision <> bid.revision then
    raise exception 'revision: the provider revised this bid (now revision %, % %); look at it again', bid.revision,
      private.format_amount(bid.amount, bid.currency), bid.currency using errcode = 'PT409';
  end if;

  select * into offering from public.offerings o where o.id = bid.offering_id and o.status = 'active';
  if not found then
    raise exception 'bid_id: the provider no longer offers this work; choose another bid' using errcode = 'PT409';
  end if;
  select * into schedule from public.schedules s where s.user_id = bid.provider_id;
  starts_at := coalesce(bid.proposed_start, job.service_starts_at);
  if starts_at <= now() then
    raise exception 'bid_id: the bid''s start (%) has passed; ask the provider to revise it', starts_at using errcode = 'PT409';
  end if;

  -- The price, in SQL: the bid as agreed price of the provider's offering, the job's add-ons,
  -- the travel fee of the area covering the address, tax, commission.
  quote := private.price_booking(
    job.client_id,
    jsonb_build_array(jsonb_build_object('offering_id', offering.id, 'quantity', 1)),
    coalesce((select jsonb_agg(jsonb_build_object('addon_id', a.addon_id, 'quantity', a.quantity))
              from public.job_addons a where a.job_id = job.id), '[]'),
    null, null, job.address_id, now(), bid.amount, job.title);

  begin
    insert into public.bookings (
      offering_id, client_id, provider_id, scheduled_on, address_id, job_id,
      starts_at, ends_at, blocked_during, status, hold_expires_at, currency, total_amount, distance_km,
      notes, free_cancellation_hours, late_cancellation_fee_share
    )
    values (
      offering.id, job.client_id, bid.provider_id, 'provider', job.address_id, job.id,
      starts_at, starts_at + make_interval(mins => bid.estimated_minutes),
      tstzrange(starts_at - make_interval(mins => coalesce(schedule.buffer_before_minutes, 0)),
                starts_at + make_interval(mins => bid.estimated_minutes + coalesce(schedule.buffer_after_minutes, 0))),
      'held', now() + make_interval(mins => hold_minutes), quote ->> 'currency', (quote ->> 'total')::bigint,
      (quote ->> 'distance_km')::numeric, left(job.special_requirements, 4000),
      offering.free_cancellation_hours, offering.late_cancellation_fee_share
    )
    returning * into booking;
  exception when exclusion_violation then
    raise exception 'slot taken: the provider is booked at % already; ask them to revise the bid''s start', starts_at
      using errcode = 'PT409';
  end;

  insert into public.booking_items (booking_id, line_number, offering_id, addon_id, description, quantity, unit_price, amount)
  select booking.id, row_number() over (order by (l ->> 'line_number')::integer), (l ->> 'offering_id')::uuid,
         (l ->> 'addon_id')::uuid, l ->> 'description', (l ->> 'quantity')::integer, (l ->> 'unit_amount')::bigint,
         (l ->> 'amount')::bigint
  from jsonb_array_elements(quote -> 'lines') l
  where l ->> 'kind' in ('item', 'addon');
  insert into public.booking_status_changes (booking_id, from_status, to_status, changed_by, actor, reason)
  values (booking.id, null, 'held', auth.uid(), 'client', 'bid accepted');
  invoice := private.create_invoice(booking, quote);

  update public.bids b set status = 'accepted', accepted_at = now() where b.id = bid.id returning * into bid;
  insert into public.job_assignments (job_id, bid_id, provider_id, client_id, booking_id, starts_at)
  values (job.id, bid.id, bid.provider_id, job.client_id, booking.id, starts_at);
  update public.jobs j set provider_id = bid.provider_id, final_price = invoice.total where j.id = job.id
  returning * into job;
  job := private.change_job_status(job, 'assigned', 'client', 'bid accepted');

  perform private.tell_bid_room(job.id, bid.provider_id,
    format('Bid accepted: %s %s, starting %s. The job is booked once paid.',
           private.format_amount(invoice.total, invoice.currency), invoice.currency,
           to_char(starts_at at time zone job.timezone, 'YYYY-MM-DD HH24:MI')), 'bid.accepted');
  perform private.enqueue_notification('job.bid_accepted', 'job.bid_accepted:' || bid.id, array[bid.provider_id],
    private.job_notification_data(job) || jsonb_build_object(
      'amount', private.format_amount(bid.amount, bid.currency), 'currency', bid.currency,
      'starts_at', to_char(starts_at at time zone job.timezone, 'YYYY-MM-DD HH24:MI'), 'timezone', job.timezone));

  return jsonb_build_object(
    'job_id', job.id,
    'bid_id', bid.id,
    'booking_id', booking.id,
    'invoice_id', invoice.id,
    'invoice_number', invoice.number,
    'status', booking.status,
    'starts_at', booking.starts_at,
    'hold_expires_at', booking.hold_expires_at,
    'currency', invoice.currency,
    'total', invoice.total
  );
end
$$;

revoke all on function private.withdraw_bid(uuid, text), private.accept_bid(uuid, integer) from public, anon, authenticated, service_role;
grant execute on function private.withdraw_bid(uuid, text), private.accept_bid(uuid, integer) to authenticated;

create function public.withdraw_bid(bid_id uuid, reason text default null)
returns public.bids language sql security invoker set search_path = ''
as $$ select private.withdraw_bid(bid_id, reason) $$;
-- P0002 from the pricing underneath answers as PT404.
create function public.accept_bid(bid_id uuid, revision integer default null)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.accept_bid(accept_bid.bid_id, accept_bid.revision);
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

revoke all on function public.withdraw_bid(uuid, text), public.accept_bid(uuid, integer) from public, anon;
grant execute on function public.withdraw_bid(uuid, text), public.accept_bid(uuid, integer) to authenticated, service_role;

comment on function public.withdraw_bid(uuid, text) is
  'RPC: the provider withdraws their pending bid. Errors: PT404 not your bid, PT409 decided already (accepted, rejected, withdrawn).';
comment on function public.accept_bid(uuid, integer) is
  'RPC: the job''s client accepts a pending bid of their published job: the job is assigned, every other bid declined, a booking on the provider''s calendar held until paid (begin_checkout with invoice_id) and its invoice priced from the bid plus the job''s add-ons, travel fee and tax. Give the revision the client saw: a bid revised since is refused (PT409). Answers booking_id, invoice_id, invoice_number, total. Errors: PT404 not a bid on your jobs, PT409 the job or bid was decided already, or the provider is booked at that time.';

-- The job follows its booking -----------------------------------------------------------------------------

-- transition_job on an assigned or started job moves its booking (the booking's own rules and
-- refunds apply); the trigger below then moves the job. Replaces the placeholder of 20260125000000.
create or replace function private.move_job_booking(job public.jobs, to_status public.job_status, reason text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  booking public.bookings;
begin
  select * into booking from public.bookings b where b.job_id = job.id;
  if booking.id is null then
    raise exception 'job % has no booking', job.id using errcode = 'P0001';
  end if;
  if to_status = 'in_progress' and booking.status = 'held' then
    raise exception 'status: the job is not paid yet; it starts once the client has paid' using errcode = 'PT409';
  end if;
  perform private.transition_booking(booking.id, to_status::text::public.booking_status, reason);
end
$$;

revoke all on function private.move_job_booking(public.jobs, public.job_status, text) from public, anon, authenticated, service_role;

create function private.tg_bookings_move_job()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  job public.jobs;
  next_status public.job_status;
  actor_name text;
begin
  select * into job from public.jobs j where j.id = new.job_id for update;
  next_status := case new.status when 'in_progress' then 'in_progress'
                               when 'completed' then 'completed'
                               when 'cancelled' then 'cancelled'
                               when 'expired' then 'cancelled'
                               when 'no_show' then 'cancelled' end;
  if next_status is null or job.status = next_status or job.status in ('completed', 'cancelled', 'expired') then
    return null;
  end if;
  actor_name := case when auth.role() = 'service_role' or auth.uid() is null then 'system'
                when auth.uid() = job.client_id then 'client'
                when auth.uid() = job.provider_id then 'provider'
                when private.is_admin() then 'admin'
                else 'system' end;
  if not exists (select 1 from private.job_transition_rules r
                 where r.from_status = job.status and r.to_status = next_status and r.actor = actor_name) then
    actor_name := 'system';
  end if;
  perform private.change_job_status(job, next_status, actor_name,
    case new.status when 'expired' then 'not paid in time' when 'no_show' then 'no-show'
                    else 'booking ' || new.status end);
  if next_status = 'in_progress' then
    perform private.enqueue_notification('job.started', 'job.started:' || job.id, array[job.client_id],
      private.job_notification_data(job));
  elsif next_status = 'completed' then
    perform private.enqueue_notification('job.completed', 'job.completed:' || job.id, array[job.client_id],
      private.job_notification_data(job));
  end if;
  return null;
end
$$;

revoke all on function private.tg_bookings_move_job() from public, anon, authenticated, service_role;

create trigger move_job
  after update of status on public.bookings
  for each row when (new.job_id is not null and new.status is distinct from old.status)
  execute function private.tg_bookings_move_job();

-- A booking made from a bid keeps talking in the bid's room: the room gets the booking.
create or replace function private.tg_bookings_open_chat()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  room uuid;
begin
  if new.job_id is not null then
    update public.chat_rooms r set booking_id = new.id
    where r.job_id = new.job_id and r.bidder_id = new.provider_id
    returning r.id into room;
    if room is not null then
      return null;
    end if;
  end if;
  insert into public.chat_rooms (booking_id, job_id, bidder_id)
  values (new.id, new.job_id, case when new.job_id is not null then new.provider_id end)
  returning id into room;
  insert into public.chat_participants (room_id, user_id, role)
  select room, u.user_id, u.role
  from (values (new.client_id, 'client'::public.chat_participant_role),
               (new.provider_id, 'provider'), (new.collector_id, 'collector')) u (user_id, role)
  where u.user_id is not null
  on conflict do nothing;
  return null;
end
$$;

-- Confirmation and rating ---------------------------------------------------------------------------------

create function private.confirm_job_completion(job_id uuid, rating integer default null, review text default null)
returns public.job_assignments
language plpgsql
security definer
set search_path = ''
as $$
declare
  job public.jobs;
  assignment public.job_assignments;
begin
  select * into job from public.jobs j where j.id = confirm_job_completion.job_id and j.client_id = auth.uid() for update;
  if not found then
    raise exception 'job_id: job % not found among yours', confirm_job_completion.job_id using errcode = 'PT404';
  end if;
  if job.status <> 'completed' then
    raise exception 'job_id: only a completed job can be confirmed (this one is %)', job.status using errcode = 'PT409';
  end if;
  update public.job_assignments a set client_confirmed_at = coalesce(a.client_confirmed_at, now())
  where a.job_id = job.id
  returning * into assignment;
  -- The rating is the engagement module's review of the booking: one per booking, counted in the
  -- provider's and the offering's ratings.
  if rating is not null and not exists (select 1 from public.reviews r where r.booking_id = assignment.booking_id) then
    perform private.write_review(assignment.booking_id, rating, review);
  elsif rating is not null then
    raise exception 'rating: you rated this job already; edit your review instead' using errcode = 'PT409';
  end if;
  return assignment;
end
$$;

revoke all on function private.confirm_job_completion(uuid, integer, text) from public, anon, authenticated, service_role;
grant execute on function private.confirm_job_completion(uuid, integer, text) to authenticated;

create function public.confirm_job_completion(job_id uuid, rating integer default null, review text default null)
returns public.job_assignments language sql security invoker set search_path = ''
as $$ select private.confirm_job_completion(job_id, rating, review) $$;

revoke all on function public.confirm_job_completion(uuid, integer, text) from public, anon;
grant execute on function public.confirm_job_completion(uuid, integer, text) to authenticated, service_role;

comment on function public.confirm_job_completion(uuid, integer, text) is
  'RPC: the client confirms a completed job and may rate it (1-5, with words): the rating is the review of its booking (public.reviews). Errors: PT404 not your job, PT409 not completed or rated already, 22023 bad rating.';

-- Grants and policies --------------------------------------------------------------------------------------

alter table public.bids enable row level security;
alter table public.job_assignments enable row level security;

revoke all on table public.bids, public.job_assignments from anon, authenticated;
grant all on table public.bids, public.job_assignments to service_role;

grant select on table public.bids to authenticated;
grant insert (job_id, offering_id, amount, description, estimated_minutes, proposed_start, terms, is_negotiable),
      update (offering_id, amount, description, estimated_minutes, proposed_start, terms, is_negotiable)
  on table public.bids to authenticated;
grant select, update (progress_notes, completion_notes) on table public.job_assignments to authenticated;

create policy "providers read their bids, clients the bids on their jobs"
  on public.bids for select to authenticated
  using (provider_id = (select auth.uid()) or client_id = (select auth.uid()));
create policy "providers bid as themselves on jobs they were matched with"
  on public.bids for insert to authenticated
  with check (provider_id = (select auth.uid()) and job_id = any ((select private.my_matched_job_ids())::uuid[]));
create policy "providers revise their pending bids"
  on public.bids for update to authenticated
  using (provider_id = (select auth.uid()) and status = 'pending') with check (provider_id = (select auth.uid()));
create policy "admins read every bid"
  on public.bids for select to marketbase_admin using ((select private.is_admin()));

create policy "the job's client and provider read its assignment"
  on public.job_assignments for select to authenticated
  using (provider_id = (select auth.uid()) or client_id = (select auth.uid()));
create policy "providers write their progress notes"
  on public.job_assignments for update to authenticated
  using (provider_id = (select auth.uid())) with check (provider_id = (select auth.uid()));
create policy "admins read every assignment"
  on public.job_assignments for select to marketbase_admin using ((select private.is_admin()));

-- Realtime: a client watches bids arrive; RLS decides who receives which.
alter publication supabase_realtime add table public.bids;
