-- lab / batches (issue 15, seed 001's TestBatchGroup): a lab_tech groups received samples of one
-- test into a batch (code, instrument or run name) and moves the whole batch at once: open →
-- running (every sample goes in_analysis) → done. A sample is in at most one open or running
-- batch. Bulk moves are one statement over the batch's samples, with one audit row each, not a
-- loop calling the transition function: the rule is checked once for the whole set.

create type public.lab_batch_status as enum ('open', 'running', 'done');

create table public.lab_batches (
  id uuid primary key default gen_random_uuid(),
  code text not null constraint lab_batches_code_format check (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$'),
  offering_id uuid not null references public.offerings (id) on delete restrict,
  instrument text constraint lab_batches_instrument_length check (char_length(instrument) between 1 and 120),
  status public.lab_batch_status not null default 'open',
  created_by uuid references public.profiles (id) on delete set null,
  started_at timestamptz,
  done_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint lab_batches_code_key unique (code)
);

create index lab_batches_offering_idx on public.lab_batches (offering_id, created_at desc);
create index lab_batches_active_idx on public.lab_batches (created_at desc) where status in ('open', 'running');
create index lab_batches_created_at_idx on public.lab_batches (created_at desc);
create index lab_batches_created_by_idx on public.lab_batches (created_by) where created_by is not null;

create trigger set_updated_at
  before update on public.lab_batches
  for each row execute function private.tg_set_updated_at();

comment on table public.lab_batches is
  'A run of one test over several samples (seed 001''s TestBatchGroup). Read: the lab''s staff (lab_tech, analyst) and admins. Written through create_lab_batch, add_to_lab_batch and move_lab_batch.';

create table public.lab_batch_items (
  batch_id uuid not null references public.lab_batches (id) on delete cascade,
  booking_item_id uuid not null references public.lab_samples (booking_item_id) on delete cascade,
  -- the batch is open or running: at most one such batch per sample (unique below)
  is_active boolean not null default true,
  added_at timestamptz not null default now(),
  primary key (batch_id, booking_item_id)
);

create unique index lab_batch_items_one_active_idx on public.lab_batch_items (booking_item_id) where is_active;

comment on table public.lab_batch_items is
  'The samples of a batch. is_active while the batch is open or running: a sample is in at most one active batch (unique index). Read: the lab''s staff and admins.';

-- Security definer: staff screens read batches by role (no owner column); the check is a
-- constant per query, and the tables are the lab's internal lists (hundreds of open rows).
create function private.is_lab_staff()
returns boolean
language sql
stable
set search_path = ''
as $$
  select private.has_staff_role('lab_tech') or private.has_staff_role('analyst') or private.is_admin()
$$;

grant execute on function private.is_lab_staff() to authenticated, service_role;

create function private.create_lab_batch(code text, offering_id uuid, booking_item_ids uuid[], instrument text default null)
returns public.lab_batches
language plpgsql
security definer
set search_path = ''
as $$
declare
  batch public.lab_batches;
begin
  if not (private.has_staff_role('lab_tech') or private.is_admin()) then
    raise exception 'lab technicians only' using errcode = '42501';
  end if;
  if not exists (select 1 from public.offerings o where o.id = create_lab_batch.offering_id and o.kind = 'lab_test') then
    raise exception 'offering_id: % is not a lab test', offering_id using errcode = '22023';
  end if;
  insert into public.lab_batches (code, offering_id, instrument, created_by)
  values (create_lab_batch.code, create_lab_batch.offering_id, create_lab_batch.instrument, auth.uid())
  on conflict on constraint lab_batches_code_key do nothing
  returning * into batch;
  if batch.id is null then
    raise exception 'code: a batch % exists already', code using errcode = 'PT409';
  end if;
  perform private.add_to_lab_batch(batch, booking_item_ids);
  return batch;
end
$$;

-- Samples join a batch: received, of the batch's test, in no other active batch. All or none.
create function private.add_to_lab_batch(batch public.lab_batches, booking_item_ids uuid[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  unfit uuid;
begin
  if batch.status <> 'open' then
    raise exception 'batch_id: batch % is %; samples join open batches', batch.code, batch.status using errcode = 'PT409';
  end if;
  if coalesce(cardinality(booking_item_ids), 0) = 0 or cardinality(booking_item_ids) > 500 then
    raise exception 'booking_item_ids: give 1 to 500 samples' using errcode = '22023';
  end if;
  perform 1 from public.lab_samples s where s.booking_item_id = any (booking_item_ids) order by s.booking_item_id for update;
  select i into unfit from unnest(booking_item_ids) i
  where not exists (select 1 from public.lab_samples s
                    where s.booking_item_id = i and s.status = 'received' and s.offering_id = batch.offering_id)
  limit 1;
  if unfit is not null then
    raise exception 'booking_item_ids: sample % is not a received sample of this test', unfit using errcode = '22023';
  end if;
  begin
    insert into public.lab_batch_items (batch_id, booking_item_id)
    select batch.id, i from (select distinct unnest(booking_item_ids) as i) x;
  exception when unique_violation then
    raise exception 'booking_item_ids: a sample is in another open or running batch already' using errcode = 'PT409';
  end;
end
$$;

create function private.add_to_lab_batch(batch_id uuid, booking_item_ids uuid[])
returns public.lab_batches
language plpgsql
security definer
set search_path = ''
as $$
declare
  batch public.lab_batches;
begin
  if not (private.has_staff_role('lab_tech') or private.is_admin()) then
    raise exception 'lab technicians only' using errcode = '42501';
  end if;
  select * into batch from public.lab_batches b where b.id = add_to_lab_batch.batch_id for update;
  if batch.id is null then
    raise exception 'batch_id: batch % not found', batch_id using errcode = 'PT404';
  end if;
  perform private.add_to_lab_batch(batch, booking_item_ids);
  return batch;
end
$$;

-- The whole batch moves in one statement per table: running puts every received sample
-- in_analysis; done closes the batch (its samples go on one by one: reported, released).
create function private.move_lab_batch(batch_id uuid, to_status public.lab_batch_status)
returns public.lab_batches
language plpgsql
security definer
set search_path = ''
as $$
declare
  batch public.lab_batches;
  actor text := case when private.has_staff_role('lab_tech') then 'lab_tech' when private.is_admin() then 'admin' end;
begin
  if actor is null then
    raise exception 'lab technicians only' using errcode = '42501';
  end if;
  select * into batch from public.lab_batches b where b.id = move_lab_batch.batch_id for update;
  if batch.id is null then
    raise exception 'batch_id: batch % not found', batch_id using errcode = 'PT404';
  end if;
  if not ((batch.status = 'open' and to_status = 'running') or (batch.status = 'running' and to_status = 'done')) then
    raise exception 'status: a % batch cannot become %', batch.status, to_status using errcode = 'PT409';
  end if;

  if to_status = 'running' then
    with moved as (
      update public.lab_samples s set status = 'in_analysis', analysis_started_at = now()
      from public.lab_batch_items bi
      where bi.batch_id = batch.id and bi.booking_item_id = s.booking_item_id and s.status = 'received'
      returning s.booking_item_id
    )
    insert into public.lab_sample_status_changes (booking_item_id, from_status, to_status, changed_by, actor, note)
    select m.booking_item_id, 'received', 'in_analysis', auth.uid(), actor, 'batch ' || batch.code from moved m;
  else
    update public.lab_batch_items bi set is_active = false where bi.batch_id = batch.id;
  end if;

  update public.lab_batches b
  set status = to_status,
      started_at = case when to_status = 'running' then now() else b.started_at end,
      done_at = case when to_status = 'done' then now() else b.done_at end
  where b.id = batch.id
  returning * into batch;
  return batch;
end
$$;

revoke all on function private.create_lab_batch(text, uuid, uuid[], text), private.add_to_lab_batch(public.lab_batches, uuid[]),
  private.add_to_lab_batch(uuid, uuid[]), private.move_lab_batch(uuid, public.lab_batch_status)
  from public, anon, authenticated, service_role;
grant execute on function private.create_lab_batch(text, uuid, uuid[], text), private.add_to_lab_batch(uuid, uuid[]),
  private.move_lab_batch(uuid, public.lab_batch_status) to authenticated;

create function public.create_lab_batch(code text, offering_id uuid, booking_item_ids uuid[], instrument text default null)
returns public.lab_batches language sql security invoker set search_path = ''
as $$ select private.create_lab_batch(code, offering_id, booking_item_ids, instrument) $$;
create function public.add_to_lab_batch(batch_id uuid, booking_item_ids uuid[])
returns public.lab_batches language sql security invoker set search_path = ''
as $$ select private.add_to_lab_batch(batch_id, booking_item_ids) $$;
create function public.move_lab_batch(batch_id uuid, to_status public.lab_batch_status)
returns public.lab_batches language sql security invoker set search_path = ''
as $$ select private.move_lab_batch(batch_id, to_status) $$;

revoke all on function public.create_lab_batch(text, uuid, uuid[], text), public.add_to_lab_batch(uuid, uuid[]),
  public.move_lab_batch(uuid, public.lab_batch_status) from public, anon;
grant execute on function public.create_lab_batch(text, uuid, uuid[], text), public.add_to_lab_batch(uuid, uuid[]),
  public.move_lab_batch(uuid, public.lab_batch_status) to authenticated, service_role;

comment on function public.create_lab_batch(text, uuid, uuid[], text) is
  'RPC (lab technicians): a batch of one test with its received samples. Errors: 42501 not a lab technician, PT409 the code exists or a sample is in another open batch, 22023 a sample not received or of another test.';
comment on function public.add_to_lab_batch(uuid, uuid[]) is
  'RPC (lab technicians): more received samples into an open batch. Errors as create_lab_batch, PT404 no such batch.';
comment on function public.move_lab_batch(uuid, public.lab_batch_status) is
  'RPC (lab technicians): open → running (every sample of the batch goes in_analysis, in one statement) → done. Errors: 42501, PT404, PT409.';

alter table public.lab_batches enable row level security;
alter table public.lab_batch_items enable row level security;
revoke all on table public.lab_batches, public.lab_batch_items from anon, authenticated;
grant all on table public.lab_batches, public.lab_batch_items to service_role;
grant select on table public.lab_batches, public.lab_batch_items to authenticated;

create policy "the lab's staff read batches"
  on public.lab_batches for select to authenticated using ((select private.is_lab_staff()));
create policy "admins read every batch"
  on public.lab_batches for select to marketbase_admin using ((select private.is_admin()));
create policy "the lab's staff read the samples of batches"
  on public.lab_batch_items for select to authenticated using ((select private.is_lab_staff()));
create policy "admins read every batch's samples"
  on public.lab_batch_items for select to marketbase_admin using ((select private.is_admin()));
