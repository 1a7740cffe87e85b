-- jobs / disputes (issue 14, seed 004's OrderDispute): either party of an assigned, started or
-- completed job opens a dispute; admins review it and resolve it with an outcome that goes
-- through the payments path (a full or partial refund queued for the refunds Lambda, or none).
--
-- * public.job_disputes: opened by the job's client or provider through PostgREST (insert of
--   job_id, kind, description); one dispute in progress (open, under_review) per job. The other
--   party and the admins are told. Status open → under_review → resolved | rejected, only
--   through public.review_job_dispute (admins); resolving names the outcome, and a refund is
--   queued by private.refund_invoice on the job's invoice (the refunds Lambda sends it to Stripe).
-- * Evidence: files in the private bucket dispute-evidence, `<dispute id>/<file>`, readable by
--   the two parties and admins, added by the parties while the dispute is in progress.
-- * An admin who takes a dispute under review joins the job's chat room (join_chat_room).
-- * Stripe's own disputes (chargebacks) stay in public.disputes (payments module).

create type public.job_dispute_kind as enum ('quality', 'no_show', 'damage', 'pricing', 'payment', 'other');
create type public.job_dispute_status as enum ('open', 'under_review', 'resolved', 'rejected');
create type public.job_dispute_outcome as enum ('full_refund', 'partial_refund', 'no_refund');

create table public.job_disputes (
  id uuid primary key default gen_random_uuid(),
  job_id uuid not null references public.jobs (id) on delete restrict,
  opened_by uuid not null default auth.uid() references public.profiles (id) on delete restrict,
  respondent_id uuid not null references public.profiles (id) on delete restrict,
  invoice_id uuid references public.invoices (id) on delete restrict,
  kind public.job_dispute_kind not null,
  description text not null constraint job_disputes_description_length check (char_length(description) between 10 and 4000),
  status public.job_dispute_status not null default 'open',
  resolution text constraint job_disputes_resolution_length check (char_length(resolution) <= 4000),
  outcome public.job_dispute_outcome,
  refund_amount bigint constraint job_disputes_refund_amount_positive check (refund_amount >= 0),
  admin_notes text constraint job_disputes_admin_notes_length check (char_length(admin_notes) <= 4000),
  resolved_by uuid references public.profiles (id) on delete set null,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint job_disputes_decided check ((status in ('resolved', 'rejected')) = (resolved_at is not null)),
  constraint job_disputes_resolution_has_outcome check (status <> 'resolved' or (outcome is not null and resolution is not null))
);

create unique index job_disputes_one_in_progress_idx on public.job_disputes (job_id) where status in ('open', 'under_review');
create index job_disputes_job_idx on public.job_disputes (job_id, created_at desc);
create index job_disputes_opened_by_idx on public.job_disputes (opened_by, created_at desc);
create index job_disputes_respondent_idx on public.job_disputes (respondent_id, created_at desc);
create index job_disputes_invoice_id_idx on public.job_disputes (invoice_id) where invoice_id is not null;
create index job_disputes_resolved_by_idx on public.job_disputes (resolved_by) where resolved_by is not null;
create index job_disputes_created_at_idx on public.job_disputes (created_at desc);
create index job_disputes_queue_idx on public.job_disputes (created_at) where status in ('open', 'under_review');

create trigger set_updated_at
  before update on public.job_disputes
  for each row execute function private.tg_set_updated_at();

comment on table public.job_disputes is
  'A dispute about a job between its client and provider (seed 004''s OrderDispute). Read: the two parties, admins. Insert (job_id, kind, description): a party of an assigned, started or completed job. Decided by admins through review_job_dispute.';
comment on column public.job_disputes.invoice_id is 'The invoice of the job''s booking, which a refund goes against; set by the database.';
comment on column public.job_disputes.refund_amount is 'The refund queued when resolved with full_refund or partial_refund (minor units, the invoice''s currency).';

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('dispute-evidence', 'dispute-evidence', false, 10485760,
        '{image/jpeg,image/png,image/webp,image/heic,application/pdf,video/mp4}')
on conflict (id) do nothing;

-- Security definer: the bucket's policies ask it (parties and admins, by primary key).
create function private.can_read_job_dispute(dispute_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.job_disputes d
    where d.id = can_read_job_dispute.dispute_id
      and ((select auth.uid()) in (d.opened_by, d.respondent_id) or private.is_admin())
  )
$$;

create function private.can_add_dispute_evidence(dispute_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.job_disputes d
    where d.id = can_add_dispute_evidence.dispute_id
      and (select auth.uid()) in (d.opened_by, d.respondent_id)
      and d.status in ('open', 'under_review')
  )
$$;

revoke all on function private.can_read_job_dispute(uuid), private.can_add_dispute_evidence(uuid) from public;
grant execute on function private.can_read_job_dispute(uuid), private.can_add_dispute_evidence(uuid)
  to anon, authenticated, service_role;

-- Opening: a party of a job that has begun (assigned, in progress, completed), one at a time;
-- the database fills in who answers and tells them and the admins. Security definer: reads the
-- job and writes the outbox for the party.
create function private.tg_job_disputes_open()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  job public.jobs;
  admins uuid[];
begin
  select * into job from public.jobs j where j.id = new.job_id for no key update;
  if job.id is null or new.opened_by not in (job.client_id, coalesce(job.provider_id, job.client_id)) then
    raise exception 'job_id: job % not found among yours', new.job_id using errcode = 'PT404';
  end if;
  if job.status not in ('assigned', 'in_progress', 'completed') then
    raise exception 'job_id: a dispute is opened on an assigned, started or completed job (this one is %)', job.status
      using errcode = 'PT409';
  end if;
  if exists (select 1 from public.job_disputes d where d.job_id = job.id and d.status in ('open', 'under_review')) then
    raise exception 'job_id: this job has a dispute in progress already' using errcode = 'PT409';
  end if;
  new.invoice_id := (select i.id from public.invoices i join public.bookings b on b.id = i.booking_id where b.job_id = job.id);
  new.respondent_id := case when new.opened_by = job.client_id then job.provider_id else job.client_id end;
  new.status := 'open';
  new.resolution := null;
  new.outcome := null;
  new.refund_amount := null;
  new.admin_notes := null;
  new.resolved_by := null;
  new.resolved_at := null;
  new.description := btrim(new.description);
  return new;
end
$$;

revoke all on function private.tg_job_disputes_open() from public, anon, authenticated, service_role;

create trigger open_dispute
  before insert on public.job_disputes
  for each row execute function private.tg_job_disputes_open();

create function private.tg_job_disputes_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  job public.jobs;
  data jsonb;
begin
  select * into job from public.jobs j where j.id = new.job_id;
  data := private.job_notification_data(job) || jsonb_build_object(
    'dispute_id', new.id,
    'kind', replace(new.kind::text, '_', ' '),
    'opened_by_name', coalesce((select p.display_name from public.profiles p where p.id = new.opened_by), 'A party'),
    'status', replace(new.status::text, '_', ' '),
    'resolution', coalesce(new.resolution, ''),
    'action_url', private.app_link('/jobs/' || job.id || '/disputes/' || new.id));
  if tg_op = 'INSERT' then
    perform private.enqueue_notification('job.dispute_opened', 'job.dispute_opened:' || new.id,
      array[new.respondent_id] || array(select r.user_id from public.user_roles r where r.role = 'admin'), data);
  elsif new.status in ('resolved', 'rejected') then
    perform private.enqueue_notification('job.dispute_resolved', 'job.dispute_resolved:' || new.id,
      array[new.opened_by, new.respondent_id], data);
  end if;
  return null;
end
$$;

revoke all on function private.tg_job_disputes_notify() from public, anon, authenticated, service_role;

create trigger notify
  after insert or update of status on public.job_disputes
  for each row execute function private.tg_job_disputes_notify();

-- Review -------------------------------------------------------------------------------------------------

create function private.review_job_dispute(
  dispute_id uuid,
  status public.job_dispute_status,
  resolution text default null,
  outcome public.job_dispute_outcome default null,
  refund_amount bigint default null,
  admin_notes text default null
)
returns public.job_disputes
language plpgsql
security definer
set search_path = ''
as $$
declare
  dispute public.job_disputes;
  invoice public.invoices;
  available bigint;
  amount bigint;
  room uuid;
begin
  if not private.is_admin() then
    raise exception 'only admins review disputes' using errcode = '42501';
  end if;
  select * into dispute from public.job_disputes d where d.id = review_job_dispute.dispute_id for update;
  if not found then
    raise exception 'dispute_id: dispute % not found', review_job_dispute.dispute_id using errcode = 'PT404';
  end if;
  if dispute.status in ('resolved', 'rejected') then
    raise exception 'dispute_id: this dispute was % already', dispute.status using errcode = 'PT409';
  end if;
  if status is null or status = 'open' then
    raise exception 'status: under_review, resolved or rejected' using errcode = '22023';
  end if;
  if status = 'resolved' and (outcome is null or nullif(btrim(resolution), '') is null) then
    raise exception 'resolution: resolving a dispute needs an outcome and a resolution' using errcode = '22023';
  end if;
  if status <> 'resolved' and (outcome is not null or refund_amount is not null) then
    raise exception 'outcome: only a resolved dispute has an outcome' using errcode = '22023';
  end if;

  if status = 'resolved' and outcome <> 'no_refund' then
    select * into invoice from public.invoices i where i.id = dispute.invoice_id;
    select coalesce(sum(private.refundable_amount(p)), 0) into available
    from public.payments p where p.invoice_id = invoice.id and p.applied;
    amount := case when outcome = 'full_refund' then available else refund_amount end;
    if outcome = 'partial_refund' and (refund_amount is null or refund_amount <= 0 or refund_amount >= available) then
      raise exception 'refund_amount: a partial refund is more than 0 and less than the % % paid and not yet refunded',
        private.format_amount(available, invoice.currency), invoice.currency using errcode = '22023';
    end if;
    if amount is null or amount <= 0 then
      raise exception 'outcome: nothing was paid on this job to refund' using errcode = 'PT409';
    end if;
    perform private.refund_invoice(invoice.id, amount, 'admin', left('Dispute: ' || btrim(resolution), 500));
  end if;

  update public.job_disputes d
  set status = review_job_dispute.status,
      resolution = nullif(btrim(review_job_dispute.resolution), ''),
      outcome = review_job_dispute.outcome,
      refund_amount = amount,
      admin_notes = coalesce(review_job_dispute.admin_notes, d.admin_notes),
      resolved_by = case when review_job_dispute.status in ('resolved', 'rejected') then auth.uid() end,
      resolved_at = case when review_job_dispute.status in ('resolved', 'rejected') then now() end
  where d.id = dispute.id
  returning * into dispute;

  -- The admin reviewing it joins the job's conversation (the accepted bid's room).
  if status = 'under_review' then
    select r.id into room from public.chat_rooms r
    join public.jobs j on j.id = r.job_id and r.bidder_id = j.provider_id
    where j.id = dispute.job_id;
    if room is not null and not exists (select 1 from public.chat_participants p where p.room_id = room and p.user_id = auth.uid()) then
      perform private.join_chat_room(room);
    end if;
  end if;
  return dispute;
end
$$;

revoke all on function private.review_job_dispute(uuid, public.job_dispute_status, text, public.job_dispute_outcome, bigint, text)
  from public, anon, authenticated, service_role;
grant execute on function private.review_job_dispute(uuid, public.job_dispute_status, text, public.job_dispute_outcome, bigint, text)
  to authenticated;

create function public.review_job_dispute(
  dispute_id uuid,
  status public.job_dispute_status,
  resolution text default null,
  outcome public.job_dispute_outcome default null,
  refund_amount bigint default null,
  admin_notes text default null
)
returns public.job_disputes
language plpgsql
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.review_job_dispute(review_job_dispute.dispute_id, review_job_dispute.status, review_job_dispute.resolution,
                                    review_job_dispute.outcome, review_job_dispute.refund_amount, review_job_dispute.admin_notes);
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

revoke all on function public.review_job_dispute(uuid, public.job_dispute_status, text, public.job_dispute_outcome, bigint, text)
  from public, anon;
grant execute on function public.review_job_dispute(uuid, public.job_dispute_status, text, public.job_dispute_outcome, bigint, text)
  to authenticated, service_role;

comment on function public.review_job_dispute(uuid, public.job_dispute_status, text, public.job_dispute_outcome, bigint, text) is
  'RPC (admins): takes a dispute under review (and joins the job''s chat), or decides it: rejected, or resolved with a resolution and an outcome: full_refund (what is left to refund), partial_refund (refund_amount) or no_refund; refunds are queued for the refunds Lambda. Errors: 42501 not an admin, PT404, PT409 decided already or nothing paid, 22023 missing outcome, resolution or a bad amount.';

-- Grants and policies --------------------------------------------------------------------------------------

alter table public.job_disputes enable row level security;
revoke all on table public.job_disputes from anon, authenticated;
grant all on table public.job_disputes to service_role;
grant select, insert (job_id, kind, description) on table public.job_disputes to authenticated;

create policy "the parties read their disputes"
  on public.job_disputes for select to authenticated
  using (opened_by = (select auth.uid()) or respondent_id = (select auth.uid()));
create policy "a party opens a dispute as themselves"
  on public.job_disputes for insert to authenticated
  with check (opened_by = (select auth.uid()));
create policy "admins read every dispute"
  on public.job_disputes for select to marketbase_admin using ((select private.is_admin()));

create policy "the parties and admins read dispute evidence"
  on storage.objects for select to authenticated
  using (bucket_id = 'dispute-evidence' and (select private.can_read_job_dispute(private.storage_booking_id(name))));
create policy "the parties add evidence while the dispute is in progress"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'dispute-evidence'
              and private.can_add_dispute_evidence(private.storage_booking_id(name))
              and private.fits_storage_bucket(bucket_id, metadata));

-- Notifications ---------------------------------------------------------------------------------------------

insert into public.notification_event_types (key, category, variables, severity, priority, description) values
  ('job.dispute_opened', 'jobs',
   '{job_id,job_title,city,service_date,client_name,provider_name,dispute_id,kind,opened_by_name,status,resolution,action_url}',
   'warning', 7, 'A party opened a dispute about a job: the other party and the admins are told.'),
  ('job.dispute_resolved', 'jobs',
   '{job_id,job_title,city,service_date,client_name,provider_name,dispute_id,kind,opened_by_name,status,resolution,action_url}',
   'info', 6, 'An admin decided a dispute (resolved with an outcome, or rejected): both parties are told.');

insert into public.notification_templates (event_type, channel, subject, title, body, action_url) values
  ('job.dispute_opened', 'in_app', null, 'Dispute opened', '{{ opened_by_name }} opened a {{ kind }} dispute about {{ job_title }}.',
   '{{ action_url }}'),
  ('job.dispute_opened', 'email', 'Dispute about {{ job_title }}', 'A dispute was opened',
   E'Hi {{ recipient_name }},\n\n{{ opened_by_name }} opened a {{ kind }} dispute about "{{ job_title }}". An administrator will review it; you can add your side and evidence.\n\n{{ action_url }}',
   '{{ action_url }}'),
  ('job.dispute_opened', 'sms', null, 'Dispute opened', 'A {{ kind }} dispute was opened about {{ job_title }}. {{ action_url }}', '{{ action_url }}'),
  ('job.dispute_opened', 'push', null, 'Dispute opened', '{{ job_title }}: {{ kind }} dispute', '{{ action_url }}'),
  ('job.dispute_resolved', 'in_app', null, 'Dispute {{ status }}', 'The dispute about {{ job_title }} was {{ status }}. {{ resolution }}',
   '{{ action_url }}'),
  ('job.dispute_resolved', 'email', 'Dispute {{ status }}: {{ job_title }}', 'The dispute was decided',
   E'Hi {{ recipient_name }},\n\nThe dispute about "{{ job_title }}" was {{ status }}.\n\n{{ resolution }}\n\nDetails: {{ action_url }}',
   '{{ action_url }}'),
  ('job.dispute_resolved', 'sms', null, 'Dispute {{ status }}', 'The dispute about {{ job_title }} was {{ status }}. {{ action_url }}',
   '{{ action_url }}'),
  ('job.dispute_resolved', 'push', null, 'Dispute {{ status }}', '{{ job_title }}', '{{ action_url }}');
