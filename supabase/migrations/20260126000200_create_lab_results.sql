-- lab / results (issue 15): each lab test declares its analytes (name, unit, reference range per
-- species, optional critical limits); an analyst enters the values of a sample in analysis and
-- the database flags each one (low, normal, high, critical). A critical value tells the lab's
-- staff at once (report.critical, urgent).
--
-- * public.lab_analytes: of a lab test (offering), written by admins (the lab is the platform).
-- * public.lab_reference_ranges: per analyte and species (or any species: species null), with
--   optional critical limits outside the normal range.
-- * public.lab_results: one value per sample and analyte, written only through
--   public.enter_lab_results; an analyte the test does not declare is refused.
-- * Read: the pet's owner once the sample is released (the values of a report not yet checked
--   by a second analyst are the lab's), the lab's staff through their queues and the report
--   functions, admins.

create type public.lab_flag as enum ('low', 'normal', 'high', 'critical');

create table public.lab_analytes (
  id uuid primary key default gen_random_uuid(),
  offering_id uuid not null references public.offerings (id) on delete cascade,
  code text not null constraint lab_analytes_code_format check (code ~ '^[a-z0-9_]{1,40}$'),
  name text not null constraint lab_analytes_name_length check (char_length(name) between 1 and 120),
  unit text not null constraint lab_analytes_unit_length check (char_length(unit) between 1 and 30),
  decimals smallint not null default 1 constraint lab_analytes_decimals_range check (decimals between 0 and 4),
  sort_order integer not null default 0,
  constraint lab_analytes_code_key unique (offering_id, code)
);

create index lab_analytes_offering_idx on public.lab_analytes (offering_id, sort_order);

comment on table public.lab_analytes is 'What a lab test measures (name, unit, decimals shown). Read: everyone who reads the test. Written by admins.';

create table public.lab_reference_ranges (
  id uuid primary key default gen_random_uuid(),
  analyte_id uuid not null references public.lab_analytes (id) on delete cascade,
  species public.pet_species,
  low numeric not null,
  high numeric not null,
  critical_low numeric,
  critical_high numeric,
  constraint lab_reference_ranges_order check (low <= high),
  constraint lab_reference_ranges_critical_outside check (
    (critical_low is null or critical_low <= low) and (critical_high is null or critical_high >= high))
);

create unique index lab_reference_ranges_species_idx on public.lab_reference_ranges (analyte_id, species) nulls not distinct;

comment on table public.lab_reference_ranges is
  'The normal range of an analyte for a species (species null: any species without its own), and the critical limits beyond which a value is critical. Read: everyone who reads the test. Written by admins.';

create table public.lab_results (
  booking_item_id uuid not null references public.lab_samples (booking_item_id) on delete cascade,
  analyte_id uuid not null references public.lab_analytes (id) on delete restrict,
  value numeric not null,
  flag public.lab_flag not null,
  low numeric,
  high numeric,
  entered_by uuid references public.profiles (id) on delete set null,
  entered_at timestamptz not null default now(),
  primary key (booking_item_id, analyte_id)
);

create index lab_results_analyte_idx on public.lab_results (analyte_id);
create index lab_results_entered_by_idx on public.lab_results (entered_by) where entered_by is not null;

comment on table public.lab_results is
  'The values of a sample, each flagged in SQL against the range for the pet''s species (low and high kept as they were applied). Read: the owner once released, admins; staff through the report functions. Written through enter_lab_results.';

-- The flag of a value: critical beyond a critical limit, else low / high outside the range.
create function private.lab_flag(value numeric, range public.lab_reference_ranges)
returns public.lab_flag
language sql
immutable
set search_path = ''
as $$
  select case
    when range.id is null then 'normal'::public.lab_flag
    when value < range.critical_low or value > range.critical_high then 'critical'
    when value < range.low then 'low'
    when value > range.high then 'high'
    else 'normal' end
$$;

create function private.enter_lab_results(booking_item_id uuid, results jsonb)
returns setof public.lab_results
language plpgsql
security definer
set search_path = ''
as $$
declare
  sample public.lab_samples;
  pet_species public.pet_species;
  unknown text;
  critical record;
begin
  if not (private.has_staff_role('analyst') or private.is_admin()) then
    raise exception 'analysts only' using errcode = '42501';
  end if;
  select * into sample from public.lab_samples s where s.booking_item_id = enter_lab_results.booking_item_id for update;
  if sample.booking_item_id is null then
    raise exception 'booking_item_id: sample % not found', enter_lab_results.booking_item_id using errcode = 'PT404';
  end if;
  if sample.status <> 'in_analysis' then
    raise exception 'status: results are entered while the sample is in analysis (it is %)', sample.status using errcode = 'PT409';
  end if;
  results := private.json_list(results, 'results', 100, 65536, '{"analyte": "creatinine", "value": 1.2}');
  -- Every entry names an analyte of this test (by code) with a number.
  select coalesce(r ->> 'analyte', '(no analyte)') into unknown
  from jsonb_array_elements(results) r
  where jsonb_typeof(r -> 'value') is distinct from 'number'
     or not exists (select 1 from public.lab_analytes a where a.offering_id = sample.offering_id and a.code = r ->> 'analyte')
  limit 1;
  if unknown is not null then
    raise exception 'results: % is not an analyte of this test with a numeric value', unknown using errcode = '22023';
  end if;
  select p.species into pet_species from public.pets p where p.id = sample.pet_id;

  insert into public.lab_results (booking_item_id, analyte_id, value, flag, low, high, entered_by)
  select sample.booking_item_id, a.id, (r ->> 'value')::numeric, private.lab_flag((r ->> 'value')::numeric, rr), rr.low, rr.high, auth.uid()
  from jsonb_array_elements(results) r
  join public.lab_analytes a on a.offering_id = sample.offering_id and a.code = r ->> 'analyte'
  left join lateral (select x.* from public.lab_reference_ranges x
                     where x.analyte_id = a.id and (x.species = pet_species or x.species is null)
                     order by x.species nulls last limit 1) rr on true
  on conflict on constraint lab_results_pkey do update
    set value = excluded.value, flag = excluded.flag, low = excluded.low, high = excluded.high,
        entered_by = excluded.entered_by, entered_at = now();

  -- A critical value: the lab's staff at once, one notification per value entered.
  for critical in
    select a.name, r.value, a.unit, a.code from public.lab_results r join public.lab_analytes a on a.id = r.analyte_id
    where r.booking_item_id = sample.booking_item_id and r.flag = 'critical'
      and a.code in (select x ->> 'analyte' from jsonb_array_elements(results) x)
  loop
    perform private.enqueue_notification('report.critical',
      format('report.critical:%s:%s:%s', sample.booking_item_id, critical.code, critical.value),
      array(select u.user_id from public.user_roles u
            where (u.role = 'staff' and u.staff_role in ('analyst', 'lab_tech')) or u.role = 'admin'),
      private.lab_notification_data(sample) || jsonb_build_object(
        'analyte', critical.name, 'value', trim_scale(critical.value) || ' ' || critical.unit),
      now(), sample.booking_id);
  end loop;

  return query select * from public.lab_results r where r.booking_item_id = sample.booking_item_id;
end
$$;

revoke all on function private.enter_lab_results(uuid, jsonb) from public, anon, authenticated, service_role;
grant execute on function private.enter_lab_results(uuid, jsonb) to authenticated;

create function public.enter_lab_results(booking_item_id uuid, results jsonb)
returns setof public.lab_results language sql security invoker set search_path = ''
as $$ select * from private.enter_lab_results(booking_item_id, results) $$;

revoke all on function public.enter_lab_results(uuid, jsonb) from public, anon;
grant execute on function public.enter_lab_results(uuid, jsonb) to authenticated, service_role;

comment on function public.enter_lab_results(uuid, jsonb) is
  'RPC (analysts): the values of a sample in analysis, [{"analyte": "<code>", "value": 1.2}, ...] (entering one again replaces it); each is flagged in SQL against the range for the pet''s species; a critical one notifies the lab''s staff (report.critical). Answers every result of the sample. Errors: 42501, PT404, PT409 not in analysis, 22023 an analyte the test does not declare.';

-- Grants and policies --------------------------------------------------------------------------------------

alter table public.lab_analytes enable row level security;
alter table public.lab_reference_ranges enable row level security;
alter table public.lab_results enable row level security;
revoke all on table public.lab_analytes, public.lab_reference_ranges, public.lab_results from anon, authenticated;
grant all on table public.lab_analytes, public.lab_reference_ranges, public.lab_results to service_role;
grant select on table public.lab_analytes, public.lab_reference_ranges to anon, authenticated;
grant insert, update, delete on table public.lab_analytes, public.lab_reference_ranges to marketbase_admin;
grant select on table public.lab_results to authenticated;

create policy "anyone reads the analytes of tests they can read"
  on public.lab_analytes for select to anon, authenticated using ((select private.can_read_offering(offering_id)));
create policy "admins write analytes"
  on public.lab_analytes for insert to marketbase_admin with check ((select private.is_admin()));
create policy "admins change analytes"
  on public.lab_analytes for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins remove analytes"
  on public.lab_analytes for delete to marketbase_admin using ((select private.is_admin()));

create policy "anyone reads the ranges of analytes they can read"
  on public.lab_reference_ranges for select to anon, authenticated
  using (exists (select 1 from public.lab_analytes a where a.id = lab_reference_ranges.analyte_id));
create policy "admins write ranges"
  on public.lab_reference_ranges for insert to marketbase_admin with check ((select private.is_admin()));
create policy "admins change ranges"
  on public.lab_reference_ranges for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins remove ranges"
  on public.lab_reference_ranges for delete to marketbase_admin using ((select private.is_admin()));

create policy "owners read the results of their released samples"
  on public.lab_results for select to authenticated
  using (exists (select 1 from public.lab_samples s
                 where s.booking_item_id = lab_results.booking_item_id and s.status = 'released'
                   and s.owner_id = (select auth.uid())));
create policy "admins read every result"
  on public.lab_results for select to marketbase_admin using ((select private.is_admin()));
