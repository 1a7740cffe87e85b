-- lab / reports (issue 15, seed 001's TestReport and "report generation (PDF, status tracking)"):
-- one report per sample, versioned. Reporting a sample writes a version (the values as they
-- stand, the analyst's comments); releasing it (another analyst) makes it the current one and
-- queues its PDF; the reports Lambda renders the PDF, stores it in the private bucket `reports`
-- and records it, and then the owner is told (report.ready, with the link). A correction sends
-- the released sample back to analysis and releases a new version: the earlier one stays,
-- marked superseded.
--
-- * public.lab_reports: written by the database only (the sample's transitions and the render
--   queue). Read: the owner, released versions only; admins. The lab's staff read reports and
--   PDFs through Storage and their queues.
-- * The render queue: service.reports_to_render (claims with a lease, like the geocoding queue),
--   service.record_report_pdf, service.record_report_render_failed; a release nudges the Lambda
--   through pg_net (lab.render_url) once per transaction, and its schedule runs every minute.
-- * Storage: bucket `reports`, object names `<booking id>/<booking item id>.v<version>.pdf`;
--   readable by the booking's client for released reports, the lab's staff and admins; written
--   by the service role (the Lambda) only.

insert into private.settings (key, value, description) values
  ('lab.render_max_attempts', '5', 'Render attempts of a report''s PDF before it is left for an admin (render_error kept).'),
  ('lab.render_url', 'null',
   'URL of the reports Lambda (POST /reports/render) that pg_net nudges when a report is released; null: no nudge, its schedule renders it within a minute.'),
  ('lab.render_secret', 'null', 'Sent as x-marketbase-render-secret with the nudge; the Lambda''s REPORTS_RENDER_SECRET.');

-- Security definer: reads the secret (private.settings) and calls pg_net, which the roles that
-- release reports may not execute. Dynamic SQL: pg_net is not installed everywhere. Once per
-- transaction; a nudge that fails is a warning, never the release's error (the schedule runs).
create function private.nudge_renderer()
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  url text := private.setting('lab.render_url') #>> '{}';
begin
  if current_setting('marketbase.render_nudged', true) = 'on' or coalesce(url, '') = '' or not exists (
    select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'net' and p.proname = 'http_post') then
    return false;
  end if;
  begin
    execute 'select net.http_post(url => $1, body => $2, headers => $3)'
      using url, '{}'::jsonb, jsonb_strip_nulls(jsonb_build_object(
        'Content-Type', 'application/json', 'x-marketbase-render-secret', private.setting('lab.render_secret') #>> '{}'));
  exception when others then
    raise warning 'reports: the render nudge failed: % (%)', sqlerrm, sqlstate;
    return false;
  end;
  perform set_config('marketbase.render_nudged', 'on', true);
  return true;
end
$$;

revoke all on function private.nudge_renderer() from public, anon, authenticated, service_role;

create type public.lab_report_status as enum ('draft', 'released', 'superseded', 'withdrawn');

create table public.lab_reports (
  id uuid primary key default gen_random_uuid(),
  booking_item_id uuid not null references public.lab_samples (booking_item_id) on delete cascade,
  booking_id uuid not null references public.bookings (id) on delete cascade,
  owner_id uuid not null references public.profiles (id) on delete restrict,
  pet_id uuid references public.pets (id) on delete restrict,
  version integer not null constraint lab_reports_version_positive check (version >= 1),
  status public.lab_report_status not null default 'draft',
  is_current boolean not null default false,
  comments text constraint lab_reports_comments_length check (char_length(comments) <= 4000),
  results jsonb not null,
  reported_by uuid references public.profiles (id) on delete set null,
  reported_at timestamptz not null default now(),
  released_by uuid references public.profiles (id) on delete set null,
  released_at timestamptz,
  pdf_path text,
  pdf_size bigint,
  pdf_rendered_at timestamptz,
  render_attempts integer not null default 0,
  render_claimed_until timestamptz,
  render_error text constraint lab_reports_render_error_length check (char_length(render_error) <= 1000),
  created_at timestamptz not null default now(),
  constraint lab_reports_version_key unique (booking_item_id, version),
  constraint lab_reports_current_is_released check (not is_current or status = 'released'),
  constraint lab_reports_released_dated check ((status in ('released', 'superseded')) = (released_at is not null))
);

create unique index lab_reports_one_current_idx on public.lab_reports (booking_item_id) where is_current;
create index lab_reports_owner_idx on public.lab_reports (owner_id, released_at desc);
create index lab_reports_pet_idx on public.lab_reports (pet_id, released_at desc);
create index lab_reports_booking_idx on public.lab_reports (booking_id);
create index lab_reports_to_render_idx on public.lab_reports (released_at) where status = 'released' and pdf_path is null;
create index lab_reports_created_at_idx on public.lab_reports (created_at desc);
create index lab_reports_reported_by_idx on public.lab_reports (reported_by) where reported_by is not null;
create index lab_reports_released_by_idx on public.lab_reports (released_by) where released_by is not null;

comment on table public.lab_reports is
  'The report of a sample, one row per version: the values and flags as reported (results), the analyst''s comments, who reported and released it, its PDF in bucket reports. Read: the owner (released and superseded versions), admins. Written by the database only.';
comment on column public.lab_reports.is_current is 'The version the owner should read: the latest released one.';

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('reports', 'reports', false, 5242880, '{application/pdf}')
on conflict (id) do nothing;

-- The results of a sample as a report shows them.
create function private.lab_report_results(booking_item_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'analyte', a.name, 'code', a.code, 'unit', a.unit, 'decimals', a.decimals, 'value', r.value, 'flag', r.flag,
           'low', r.low, 'high', r.high) order by a.sort_order, a.name), '[]')
  from public.lab_results r join public.lab_analytes a on a.id = r.analyte_id
  where r.booking_item_id = lab_report_results.booking_item_id
$$;

revoke all on function private.lab_report_results(uuid) from public, anon, authenticated, service_role;

-- The sample's transitions write the report: reported → a draft version with the values and
-- comments; released → that version current (the earlier one superseded) and queued for its
-- PDF; sent back to analysis before release → the draft withdrawn. It runs from the audit row's
-- insert, which carries the analyst's comments and comes after the sample's own update.
create function private.tg_lab_samples_report_for(sample public.lab_samples, from_status public.lab_sample_status)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  draft public.lab_reports;
begin
  if sample.status = 'reported' then
    insert into public.lab_reports (booking_item_id, booking_id, owner_id, pet_id, version, comments, results, reported_by,
                                    reported_at)
    values (sample.booking_item_id, sample.booking_id, sample.owner_id, sample.pet_id,
            coalesce((select max(r.version) from public.lab_reports r where r.booking_item_id = sample.booking_item_id), 0) + 1,
            (select c.note from public.lab_sample_status_changes c
             where c.booking_item_id = sample.booking_item_id and c.to_status = 'reported' order by c.id desc limit 1),
            private.lab_report_results(sample.booking_item_id), sample.reported_by, sample.reported_at);
  elsif sample.status = 'released' then
    select * into draft from public.lab_reports r
    where r.booking_item_id = sample.booking_item_id and r.status = 'draft' order by r.version desc limit 1 for update;
    update public.lab_reports r set is_current = false, status = 'superseded'
    where r.booking_item_id = sample.booking_item_id and r.is_current;
    update public.lab_reports r
    set status = 'released', is_current = true, released_by = sample.released_by, released_at = sample.released_at
    where r.id = draft.id;
    perform private.nudge_renderer();
  elsif sample.status = 'in_analysis' and from_status = 'reported' then
    update public.lab_reports r set status = 'withdrawn'
    where r.booking_item_id = sample.booking_item_id and r.status = 'draft';
  end if;
end
$$;

revoke all on function private.tg_lab_samples_report_for(public.lab_samples, public.lab_sample_status)
  from public, anon, authenticated, service_role;

create function private.tg_lab_sample_status_changes_report()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  sample public.lab_samples;
begin
  select * into sample from public.lab_samples s where s.booking_item_id = new.booking_item_id;
  perform private.tg_lab_samples_report_for(sample, new.from_status);
  return null;
end
$$;

revoke all on function private.tg_lab_sample_status_changes_report() from public, anon, authenticated, service_role;

create trigger write_report
  after insert on public.lab_sample_status_changes
  for each row when (new.to_status in ('reported', 'released', 'in_analysis'))
  execute function private.tg_lab_sample_status_changes_report();

-- The render queue --------------------------------------------------------------------------------------------

-- What the PDF shows, for the reports Lambda: claimed with a lease so that two runs do not
-- render one report twice; a lapsed lease is claimed again.
create function service.reports_to_render(max_rows integer default 10, lease_seconds integer default 120)
returns table (
  report_id uuid, booking_id uuid, booking_item_id uuid, version integer, path text, test_title text, tube_type text,
  pet_name text, species text, breed text, owner_name text, collected_at timestamptz, received_at timestamptz,
  reported_by text, released_by text, released_at timestamptz, comments text, results jsonb, lab jsonb, timezone text
)
language plpgsql
security definer
set search_path = ''
as $$
begin
  return query
  with claimed as (
    update public.lab_reports r
    set render_claimed_until = now() + make_interval(secs => greatest(lease_seconds, 10)), render_attempts = r.render_attempts + 1
    where r.id in (
      select x.id from public.lab_reports x
      where x.status = 'released' and x.pdf_path is null
        and (x.render_claimed_until is null or x.render_claimed_until < now())
        and x.render_attempts < (private.setting('lab.render_max_attempts'))::integer
      order by x.released_at
      limit least(greatest(max_rows, 1), 100)
      for update skip locked)
    returning r.*
  )
  select c.id, c.booking_id, c.booking_item_id, c.version,
         format('%s/%s.v%s.pdf', c.booking_id, c.booking_item_id, c.version),
         o.title, d.tube_type, p.name, p.species::text, p.breed, pr.display_name, s.collected_at, s.received_at,
         rep.display_name, rel.display_name, c.released_at, c.comments, c.results,
         (select to_jsonb(ci) - 'id' - 'updated_at' from public.clinic_info ci limit 1),
         coalesce((select cp.timezone from public.client_profiles cp where cp.user_id = c.owner_id), 'UTC')
  from claimed c
  join public.lab_samples s on s.booking_item_id = c.booking_item_id
  join public.offerings o on o.id = s.offering_id
  left join public.lab_test_details d on d.offering_id = s.offering_id
  left join public.pets p on p.id = c.pet_id
  join public.profiles pr on pr.id = c.owner_id
  left join public.profiles rep on rep.id = c.reported_by
  left join public.profiles rel on rel.id = c.released_by
  order by c.released_at;
end
$$;

-- The Lambda stored the PDF: the report records it and its owner is told.
create function service.record_report_pdf(report_id uuid, path text, size bigint)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  report public.lab_reports;
  sample public.lab_samples;
begin
  if not exists (select 1 from storage.objects o where o.bucket_id = 'reports' and o.name = record_report_pdf.path) then
    raise exception 'path: % is not in bucket reports', path using errcode = '22023';
  end if;
  update public.lab_reports r
  set pdf_path = record_report_pdf.path, pdf_size = record_report_pdf.size, pdf_rendered_at = now(),
      render_claimed_until = null, render_error = null
  where r.id = record_report_pdf.report_id and r.pdf_path is null
  returning * into report;
  if report.id is null then
    return 'already recorded';
  end if;
  select * into sample from public.lab_samples s where s.booking_item_id = report.booking_item_id;
  perform private.enqueue_notification('report.ready', format('report.ready:%s:v%s', report.booking_item_id, report.version),
    array[report.owner_id], private.lab_notification_data(sample), now(), report.booking_id);
  return 'recorded';
end
$$;

create function service.record_report_render_failed(report_id uuid, error text)
returns text
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.lab_reports r set render_error = left(error, 1000), render_claimed_until = null
  where r.id = record_report_render_failed.report_id and r.pdf_path is null;
  return case when found then 'recorded' else 'unknown report' end;
end
$$;

revoke all on function service.reports_to_render(integer, integer), service.record_report_pdf(uuid, text, bigint),
  service.record_report_render_failed(uuid, text) from public, anon, authenticated;
grant execute on function service.reports_to_render(integer, integer), service.record_report_pdf(uuid, text, bigint),
  service.record_report_render_failed(uuid, text) to service_role;

comment on function service.reports_to_render(integer, integer) is
  'The reports Lambda''s queue: released reports without a PDF, claimed for lease_seconds, with everything the PDF shows and the object name to store it under.';
comment on function service.record_report_pdf(uuid, text, bigint) is
  'The PDF is in bucket reports: the report records it and the owner is told (report.ready). Idempotent.';
comment on function service.record_report_render_failed(uuid, text) is 'A render failed: the error is kept; the lease ends so that the next run retries (lab.render_max_attempts).';

-- Grants and policies --------------------------------------------------------------------------------------

alter table public.lab_reports enable row level security;
revoke all on table public.lab_reports from anon, authenticated;
grant all on table public.lab_reports to service_role;
grant select on table public.lab_reports to authenticated;

create policy "owners read their pets' released reports"
  on public.lab_reports for select to authenticated
  using (owner_id = (select auth.uid()) and status in ('released', 'superseded'));
create policy "admins read every report"
  on public.lab_reports for select to marketbase_admin using ((select private.is_admin()));

-- Security definer: the bucket's policy reads the report by its object name.
create function private.can_read_report_pdf(object_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.is_lab_staff()
      or exists (select 1 from public.lab_reports r
                 where r.pdf_path = object_name and r.owner_id = (select auth.uid()) and r.status in ('released', 'superseded'))
$$;

revoke all on function private.can_read_report_pdf(text) from public;
grant execute on function private.can_read_report_pdf(text) to authenticated, service_role;

create index lab_reports_pdf_path_idx on public.lab_reports (pdf_path) where pdf_path is not null;

create policy "owners, the lab's staff and admins read report PDFs"
  on storage.objects for select to authenticated
  using (bucket_id = 'reports' and private.can_read_report_pdf(name));
