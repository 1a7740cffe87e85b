-- jobs (issue 14, seed 004's Order, OrderAddon, OrderPhoto): a client posts a job; providers
-- who offer its category and serve its address see it and bid (next migration).
--
-- * public.jobs: written by its client through PostgREST while a draft (column grants); every
--   status change through public.transition_job (one function, one audit row in
--   public.job_status_changes, rules in private.job_transition_rules, as bookings do). A job is
--   assigned only by accepting a bid (accept_bid); once assigned its progress follows the
--   booking made from the bid (next migration).
-- * Who sees a job: its client; while published, the providers it was matched with; the
--   assigned provider; admins. Nobody else. Matching happens in SQL when a job is published:
--   public.job_matches holds one row per (provider, published job) for providers with an active
--   offering in the job's category whose service area covers the job's address
--   (private.quoted_area: radius or postcode). It is also the providers' "jobs near me" feed,
--   indexed by (provider_id, published_at desc), and RLS of jobs reads it as an array computed
--   once per query (private.my_matched_job_ids), so no policy scans jobs. A provider's matches are
--   recomputed when their offerings or service areas change.
-- * The exact address stays hidden from providers until they are assigned: a job carries only
--   the city, region, postal code and country (copied from the client's address when published);
--   the address row itself is readable by a provider once a booking at it is theirs (the
--   addresses policy of the identity module).
-- * Add-ons are the platform's add-ons of the job's category or its parent (offering_addons with
--   category_id, issue 21), with a quantity; they are priced when a bid is accepted.
-- * Photos and attachments: bucket job-files, `<job id>/<file>`, readable by whoever reads the
--   job, written by its client; public.job_files lists them (one primary photo).

insert into private.settings (key, value, description) values
  ('jobs.publish_days', '30',
   'A published job without an accepted bid expires this many days after publication (or when its service date has passed).'),
  ('jobs.payment_hold_minutes', '60',
   'How long the booking made by accepting a bid waits for payment before it expires (and the job is cancelled).'),
  ('jobs.max_open_per_client', '20', 'Draft and published jobs one client may have at once; beyond it 22023.');

create type public.job_status as enum ('draft', 'published', 'assigned', 'in_progress', 'completed', 'cancelled', 'expired');
create type public.job_urgency as enum ('flexible', 'normal', 'urgent', 'emergency');
create type public.job_file_kind as enum ('photo', 'attachment');

-- Jobs -----------------------------------------------------------------------------------------------

create table public.jobs (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null default auth.uid() references public.profiles (id) on delete restrict,
  category_id uuid not null references public.categories (id) on delete restrict,
  title text not null constraint jobs_title_length check (char_length(title) between 3 and 200),
  description text not null constraint jobs_description_length check (char_length(description) between 1 and 10000),
  address_id uuid references public.addresses (id) on delete set null,
  city text,
  region text,
  postal_code text,
  country_code character(2),
  service_date date not null,
  service_time time,
  timezone text not null default 'UTC',
  service_starts_at timestamptz not null,
  urgency public.job_urgency not null default 'normal',
  currency character(3) not null,
  budget_min bigint constraint jobs_budget_min_positive check (budget_min >= 0),
  budget_max bigint constraint jobs_budget_max_bounded check (budget_max <= private.max_amount()),
  special_requirements text constraint jobs_special_requirements_length check (char_length(special_requirements) <= 4000),
  is_featured boolean not null default false,
  status public.job_status not null default 'draft',
  provider_id uuid references public.provider_profiles (user_id) on delete restrict,
  final_price bigint,
  bid_count integer not null default 0 constraint jobs_bid_count_positive check (bid_count >= 0),
  published_at timestamptz,
  expires_at timestamptz,
  assigned_at timestamptz,
  started_at timestamptz,
  completed_at timestamptz,
  cancelled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint jobs_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint jobs_budget_order check (budget_min is null or budget_max is null or budget_min <= budget_max),
  constraint jobs_assigned_has_provider check (status not in ('assigned', 'in_progress', 'completed') or provider_id is not null)
);

-- The client's list, the assigned provider's list, expiry sweeps and the category's published jobs
-- (rematching a provider).
create index jobs_client_created_idx on public.jobs (client_id, created_at desc);
create index jobs_provider_assigned_idx on public.jobs (provider_id, assigned_at desc) where provider_id is not null;
create index jobs_published_expiry_idx on public.jobs (expires_at) where status = 'published';
create index jobs_published_category_idx on public.jobs (category_id, published_at desc) where status = 'published';
create index jobs_category_id_idx on public.jobs (category_id);
create index jobs_address_id_idx on public.jobs (address_id) where address_id is not null;
create index jobs_created_at_idx on public.jobs (created_at desc);

create trigger set_updated_at
  before update on public.jobs
  for each row execute function private.tg_set_updated_at();

comment on table public.jobs is
  'A client''s job request (seed 004''s Order). Read: its client; the providers it is matched with while published (public.job_matches); the assigned provider; admins. Insert and update (title, description, category_id, address_id, service_date, service_time, timezone, urgency, budget_min, budget_max, special_requirements): the client, while a draft. Status: public.transition_job and public.accept_bid only.';
comment on column public.jobs.city is 'Copied from the client''s address when published: what providers see before they are assigned (never the street).';
comment on column public.jobs.service_starts_at is 'service_date at service_time (09:00 when none is given) in the job''s timezone; set by the database.';
comment on column public.jobs.provider_id is 'The provider whose bid was accepted; set by accept_bid.';
comment on column public.jobs.final_price is 'The total of the invoice priced from the accepted bid (minor units).';
comment on column public.jobs.bid_count is 'Live (pending) bids; kept by the database.';

-- Add-ons, files, audit --------------------------------------------------------------------------------

create table public.job_addons (
  job_id uuid not null references public.jobs (id) on delete cascade,
  addon_id uuid not null references public.offering_addons (id) on delete restrict,
  quantity integer not null default 1 constraint job_addons_quantity_range check (quantity between 1 and 100),
  created_at timestamptz not null default now(),
  primary key (job_id, addon_id)
);

create index job_addons_addon_id_idx on public.job_addons (addon_id);

comment on table public.job_addons is
  'Add-ons the client wants with the job (seed 004''s OrderAddon): the platform''s add-ons of the job''s category or its parent, priced when a bid is accepted. Read: whoever reads the job. Written by the client while the job is a draft.';

create table public.job_files (
  id uuid primary key default gen_random_uuid(),
  job_id uuid not null references public.jobs (id) on delete cascade,
  kind public.job_file_kind not null default 'photo',
  path text not null,
  caption text constraint job_files_caption_length check (char_length(caption) <= 300),
  is_primary boolean not null default false,
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  constraint job_files_path_in_job_folder check (path like job_id::text || '/%'),
  constraint job_files_primary_is_photo check (not is_primary or kind = 'photo'),
  constraint job_files_path_key unique (path)
);

create unique index job_files_one_primary_idx on public.job_files (job_id) where is_primary;
create index job_files_job_idx on public.job_files (job_id, sort_order);

comment on table public.job_files is
  'Photos (one primary) and attachments of a job (seed 004''s OrderPhoto and attachments), stored in bucket job-files under `<job id>/`. Read: whoever reads the job. Written by its client while the job is a draft or published.';

create table public.job_status_changes (
  id bigint generated always as identity primary key,
  job_id uuid not null references public.jobs (id) on delete cascade,
  from_status public.job_status,
  to_status public.job_status not null,
  changed_by uuid references auth.users (id) on delete set null,
  actor text not null constraint job_status_changes_actor_known check (actor in ('client', 'provider', 'admin', 'system')),
  reason text constraint job_status_changes_reason_length check (char_length(reason) <= 500),
  created_at timestamptz not null default now()
);

create index job_status_changes_job_idx on public.job_status_changes (job_id, created_at);
create index job_status_changes_changed_by_idx on public.job_status_changes (changed_by) where changed_by is not null;

comment on table public.job_status_changes is 'Audit of every job status change: who, as what, why. Read: whoever reads the job. Written by the database.';

create table private.job_transition_rules (
  from_status public.job_status not null,
  to_status public.job_status not null,
  actor text not null,
  primary key (from_status, to_status, actor)
);

insert into private.job_transition_rules (from_status, to_status, actor) values
  ('draft', 'published', 'client'), ('draft', 'published', 'admin'),
  ('draft', 'cancelled', 'client'), ('draft', 'cancelled', 'admin'),
  ('published', 'cancelled', 'client'), ('published', 'cancelled', 'admin'),
  ('published', 'expired', 'system'),
  ('published', 'assigned', 'client'),  -- accept_bid only
  ('assigned', 'in_progress', 'provider'), ('assigned', 'in_progress', 'admin'),
  ('assigned', 'cancelled', 'client'), ('assigned', 'cancelled', 'provider'), ('assigned', 'cancelled', 'admin'),
  ('assigned', 'cancelled', 'system'),  -- the booking lapsed unpaid, or was cancelled
  ('in_progress', 'completed', 'provider'), ('in_progress', 'completed', 'admin'),
  ('in_progress', 'cancelled', 'admin'), ('in_progress', 'cancelled', 'system');

comment on table private.job_transition_rules is 'Which actor may move a job from one status to another.';

-- Matches: the providers' feed ---------------------------------------------------------------------------

create table public.job_matches (
  provider_id uuid not null references public.provider_profiles (user_id) on delete cascade,
  job_id uuid not null references public.jobs (id) on delete cascade,
  area_id uuid references public.service_areas (id) on delete cascade,
  distance_km numeric(8, 2),
  published_at timestamptz not null,
  matched_at timestamptz not null default now(),
  primary key (provider_id, job_id)
);

create index job_matches_feed_idx on public.job_matches (provider_id, published_at desc);
create index job_matches_job_idx on public.job_matches (job_id);
create index job_matches_area_idx on public.job_matches (area_id);
create index job_matches_published_at_idx on public.job_matches (published_at desc);

comment on table public.job_matches is
  'Published jobs a provider may see and bid on: they offer the job''s category and a service area of theirs covers its address. The "jobs near me" feed (order by published_at desc). Kept by the database while the job is published. Read: the provider, admins.';

-- Storage ---------------------------------------------------------------------------------------------------

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('job-files', 'job-files', false, 10485760,
        '{image/jpeg,image/png,image/webp,image/heic,application/pdf}')
on conflict (id) do nothing;

-- Who is who ------------------------------------------------------------------------------------------------

-- Security definer: the jobs policy reads it as the provider; it reads only the caller's own
-- matches (by the feed index), once per query inside (select ...). Matches exist only for
-- published jobs, so the array stays the size of the provider's open feed.
create function private.my_matched_job_ids()
returns uuid[]
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(array_agg(m.job_id), '{}') from public.job_matches m where m.provider_id = (select auth.uid())
$$;

revoke all on function private.my_matched_job_ids() from public;
grant execute on function private.my_matched_job_ids() to authenticated, service_role;

comment on function private.my_matched_job_ids() is 'Published jobs matched with the signed-in provider (RLS of jobs).';

-- Security definer: policies of the job's satellites (add-ons, files, audit, bucket) and of the
-- bids ask it with one primary-key look-up.
create function private.can_read_job(job_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.jobs j
    where j.id = can_read_job.job_id
      and ((select auth.uid()) in (j.client_id, j.provider_id)
           or private.is_admin()
           or exists (select 1 from public.job_matches m where m.job_id = j.id and m.provider_id = (select auth.uid())))
  )
$$;

revoke all on function private.can_read_job(uuid) from public;
grant execute on function private.can_read_job(uuid) to anon, authenticated, service_role;

comment on function private.can_read_job(uuid) is 'Whether the caller may read the job: its client, a matched provider while it is published, the assigned provider, an admin.';

-- Security definer: the client's own job, any status (writes to add-ons and files check the status themselves).
create function private.is_job_client(job_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.jobs j where j.id = is_job_client.job_id and j.client_id = (select auth.uid()))
$$;

revoke all on function private.is_job_client(uuid) from public;
grant execute on function private.is_job_client(uuid) to authenticated, service_role;

-- Matching --------------------------------------------------------------------------------------------------

-- The providers who may see a job: an active offering in its category (active implies verified
-- for the category's requirements), a service area covering the address, not the client.
create function private.job_candidates(job public.jobs)
returns table (provider_id uuid, area_id uuid, distance_km numeric)
language sql
stable
security definer
set search_path = ''
as $$
  select p.provider_id, q.area_id, round(q.distance, 2)
  from (select distinct o.provider_id from public.offerings o
        where o.category_id = job.category_id and o.status = 'active' and o.provider_id is not null
          and o.currency = job.currency and o.provider_id <> job.client_id) p
  cross join lateral private.quoted_area(p.provider_id, job.address_id) q
  where q.area_id is not null
$$;

revoke all on function private.job_candidates(public.jobs) from public, anon, authenticated, service_role;

create function private.match_job(job public.jobs)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  matched integer;
begin
  delete from public.job_matches m where m.job_id = job.id;
  insert into public.job_matches (provider_id, job_id, area_id, distance_km, published_at)
  select c.provider_id, job.id, c.area_id, c.distance_km, job.published_at
  from private.job_candidates(job) c;
  get diagnostics matched = row_count;
  return matched;
end
$$;

revoke all on function private.match_job(public.jobs) from public, anon, authenticated, service_role;

-- A provider's offerings or areas changed: their feed is recomputed against the published jobs
-- of the categories they now offer.
create function private.rematch_provider(provider uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.job_matches m where m.provider_id = provider;
  insert into public.job_matches (provider_id, job_id, area_id, distance_km, published_at)
  select provider, j.id, q.area_id, round(q.distance, 2), j.published_at
  from public.jobs j
  cross join lateral private.quoted_area(provider, j.address_id) q
  where j.status = 'published'
    and j.client_id <> provider
    and q.area_id is not null
    and exists (select 1 from public.offerings o
                where o.provider_id = provider and o.category_id = j.category_id and o.status = 'active'
                  and o.currency = j.currency);
end
$$;

revoke all on function private.rematch_provider(uuid) from public, anon, authenticated, service_role;

create function private.tg_rematch_provider()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op <> 'INSERT' and old.provider_id is not null then
    perform private.rematch_provider(old.provider_id);
  end if;
  if tg_op <> 'DELETE' and new.provider_id is not null and new.provider_id is distinct from old.provider_id then
    perform private.rematch_provider(new.provider_id);
  end if;
  return null;
end
$$;

revoke all on function private.tg_rematch_provider() from public, anon, authenticated, service_role;

-- tg_op INSERT: `old` is null, so the second branch runs for the new provider.
create trigger rematch_jobs
  after insert or delete or update of status, category_id, currency, provider_id on public.offerings
  for each row execute function private.tg_rematch_provider();
create trigger rematch_jobs
  after insert or delete or update of is_active, address_id, radius_km, country_code, postal_codes, provider_id
  on public.service_areas
  for each row execute function private.tg_rematch_provider();

-- The job's rules -------------------------------------------------------------------------------------------

-- Security invoker: a write through the API runs it as the client (current_user authenticated),
-- who reads their own addresses and jobs; the database's own writes (definer functions: the
-- transitions, accept_bid, counters) run it as the owner and may change any column.
create function private.tg_jobs_check()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  category public.categories;
  bounds record;
  open_jobs integer;
  from_api boolean := current_user in ('authenticated', 'marketbase_admin');
begin
  if tg_op = 'UPDATE' and from_api and old.status <> 'draft' and not private.is_admin() then
    raise exception 'a % job cannot be edited; only a draft can', old.status using errcode = 'PT409';
  end if;
  if tg_op = 'INSERT' and from_api then
    new.status := 'draft';
    new.provider_id := null;
    new.final_price := null;
    new.bid_count := 0;
    new.published_at := null;
    new.assigned_at := null;
    new.started_at := null;
    new.completed_at := null;
    new.cancelled_at := null;
    if not private.is_admin() then
      new.is_featured := false;
      perform pg_advisory_xact_lock(hashtext('marketbase.jobs:' || new.client_id::text));
      select count(*) into open_jobs from public.jobs j
      where j.client_id = new.client_id and j.status in ('draft', 'published');
      if open_jobs >= (private.setting('jobs.max_open_per_client'))::integer then
        raise exception 'you have % open jobs; publish, finish or cancel one first', open_jobs using errcode = '22023';
      end if;
    end if;
  end if;

  if tg_op = 'INSERT' or new.category_id is distinct from old.category_id then
    select * into category from public.categories c where c.id = new.category_id and c.is_active;
    if not found or not ('home_service' = any (category.offering_kinds)) then
      raise exception 'category_id: % is not a category that takes jobs', new.category_id using errcode = '22023';
    end if;
  end if;
  -- The category (or its parent) prices in one currency: the job's, by default.
  select c.currency, c.min_price, c.max_price into bounds
  from public.categories c
  where c.id in (new.category_id, (select x.parent_id from public.categories x where x.id = new.category_id))
    and c.currency is not null
  order by c.id = new.category_id desc
  limit 1;
  new.currency := coalesce(bounds.currency, new.currency);
  if new.currency is null then
    raise exception 'currency: the category sets none; give the job''s currency' using errcode = '22023';
  end if;
  if new.budget_max is not null and bounds.min_price is not null and new.budget_max < bounds.min_price then
    raise exception 'budget_max: % is below the category''s minimum of % %', new.budget_max, bounds.min_price, new.currency
      using errcode = '22023';
  end if;

  if new.address_id is not null and (tg_op = 'INSERT' or new.address_id is distinct from old.address_id)
     and not exists (select 1 from public.addresses a where a.id = new.address_id and a.user_id = new.client_id) then
    raise exception 'address_id: address % not found', new.address_id using errcode = '22023';
  end if;
  if (tg_op = 'INSERT' or new.timezone is distinct from old.timezone) and not exists (
    select 1 from private.timezone_names t where t.name = new.timezone) then
    raise exception 'timezone: % is not a time zone name', new.timezone using errcode = '22023';
  end if;
  new.service_starts_at := (new.service_date + coalesce(new.service_time, '09:00')) at time zone new.timezone;
  return new;
end
$$;

revoke all on function private.tg_jobs_check() from public, anon;

create trigger check_job
  before insert or update on public.jobs
  for each row execute function private.tg_jobs_check();

-- Add-ons: the platform's of the job's category or its parent, within their quantities; files:
-- an uploaded object of the client's in the job's folder. Only while the client may still edit.
-- Security definer: reads the job and storage.objects whoever writes.
create function private.tg_job_addons_check()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  job public.jobs;
  addon public.offering_addons;
begin
  select * into job from public.jobs j where j.id = new.job_id;
  if job.status <> 'draft' then
    raise exception 'job_id: add-ons are chosen while the job is a draft (it is %)', job.status using errcode = 'PT409';
  end if;
  select * into addon from public.offering_addons a
  where a.id = new.addon_id and a.is_active
    and a.category_id in (job.category_id, (select c.parent_id from public.categories c where c.id = job.category_id));
  if not found then
    raise exception 'addon_id: add-on % is not one of the job''s category', new.addon_id using errcode = '22023';
  end if;
  if new.quantity < greatest(addon.min_quantity, 1) or new.quantity > addon.max_quantity then
    raise exception 'quantity: % of "%" is outside %..%', new.quantity, addon.name, greatest(addon.min_quantity, 1), addon.max_quantity
      using errcode = '22023';
  end if;
  return new;
end
$$;

revoke all on function private.tg_job_addons_check() from public, anon, authenticated, service_role;

create trigger check_addon
  before insert or update on public.job_addons
  for each row execute function private.tg_job_addons_check();

-- Security invoker: a client removing an add-on reads their own job; a job's own deletion
-- (a draft, cascading as the owner) passes.
create function private.tg_job_addons_frozen()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if current_user in ('authenticated', 'marketbase_admin')
     and (select j.status from public.jobs j where j.id = old.job_id) <> 'draft' then
    raise exception 'job_id: add-ons are chosen while the job is a draft' using errcode = 'PT409';
  end if;
  return old;
end
$$;

revoke all on function private.tg_job_addons_frozen() from public, anon;

create trigger frozen_addons
  before delete on public.job_addons
  for each row execute function private.tg_job_addons_frozen();

create function private.tg_job_files_check()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  job public.jobs;
  object record;
begin
  select * into job from public.jobs j where j.id = new.job_id;
  if job.status not in ('draft', 'published') then
    raise exception 'job_id: files are added while the job is a draft or published (it is %)', job.status using errcode = 'PT409';
  end if;
  select o.metadata, o.owner_id into object
  from storage.objects o where o.bucket_id = 'job-files' and o.name = new.path;
  if not found or object.owner_id is distinct from job.client_id::text or new.path not like new.job_id::text || '/%' then
    raise exception 'path: upload the file to job-files/%/ first', new.job_id using errcode = '22023';
  end if;
  if new.kind = 'photo' and coalesce(object.metadata ->> 'mimetype', '') not like 'image/%' then
    raise exception 'path: a photo must be an image' using errcode = '22023';
  end if;
  return new;
end
$$;

revoke all on function private.tg_job_files_check() from public, anon, authenticated, service_role;

create trigger check_file
  before insert or update of path, kind, job_id on public.job_files
  for each row execute function private.tg_job_files_check();

-- The transition function ----------------------------------------------------------------------------------

-- Every status change of a job: the row, its timestamps, the audit row and what follows from
-- the new status (matches, pending bids, notifications). Called by transition_job, accept_bid,
-- the bookings' trigger and the expiry sweep; each has decided the actor and checked the rule.
create function private.change_job_status(job public.jobs, to_status public.job_status, actor text, reason text)
returns public.jobs
language plpgsql
security definer
set search_path = ''
as $$
declare
  result public.jobs;
  matched uuid[];
begin
  update public.jobs j
  set status = to_status,
      published_at = case when to_status = 'published' then now() else j.published_at end,
      expires_at = case when to_status = 'published'
                        then least(now() + make_interval(days => (private.setting('jobs.publish_days'))::integer),
                                   greatest(j.service_starts_at, now() + interval '1 hour'))
                        else j.expires_at end,
      assigned_at = case when to_status = 'assigned' then now() else j.assigned_at end,
      started_at = case when to_status = 'in_progress' then now() else j.started_at end,
      completed_at = case when to_status = 'completed' then now() else j.completed_at end,
      cancelled_at = case when to_status in ('cancelled', 'expired') then now() else j.cancelled_at end
  where j.id = job.id
  returning * into result;

  insert into public.job_status_changes (job_id, from_status, to_status, changed_by, actor, reason)
  values (job.id, job.status, to_status, case when actor <> 'system' then auth.uid() end, actor, reason);

  if to_status = 'published' then
    perform private.match_job(result);
    select array_agg(m.provider_id) into matched from public.job_matches m where m.job_id = job.id;
    if matched is not null then
      perform private.enqueue_notification('job.posted_nearby', 'job.posted_nearby:' || job.id, matched,
        private.job_notification_data(result));
    end if;
  elsif job.status = 'published' then
    -- No longer open: off every feed; live bids that were not accepted are declined.
    delete from public.job_matches m where m.job_id = job.id;
    perform private.decline_pending_bids(result, case when to_status = 'assigned' then 'another bid was accepted'
                                                      else 'the job was ' || to_status end);
  end if;
  if to_status = 'cancelled' and job.status <> 'draft' then
    perform private.enqueue_notification('job.cancelled', 'job.cancelled:' || job.id,
      array(select u from unnest(array[result.client_id, result.provider_id]) u
            where u is not null and u is distinct from auth.uid()),
      private.job_notification_data(result) || jsonb_build_object('reason', coalesce(reason, 'no reason given')));
  end if;
  return result;
end
$$;

revoke all on function private.change_job_status(public.jobs, public.job_status, text, text) from public, anon, authenticated, service_role;

-- What job notifications say.
create function private.job_notification_data(job public.jobs)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'job_id', job.id,
    'job_title', job.title,
    'city', coalesce(job.city, ''),
    'service_date', job.service_date::text,
    'client_name', coalesce((select p.display_name from public.profiles p where p.id = job.client_id), 'A client'),
    'provider_name', coalesce((select p.display_name from public.profiles p where p.id = job.provider_id), ''),
    'action_url', private.app_link('/jobs/' || job.id))
$$;

revoke all on function private.job_notification_data(public.jobs) from public, anon, authenticated, service_role;

-- Pending bids are declined when a job closes; bids arrive with the next migration, which
-- replaces this with the real thing.
create function private.decline_pending_bids(job public.jobs, reason text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  null;
end
$$;

revoke all on function private.decline_pending_bids(public.jobs, text) from public, anon, authenticated, service_role;

-- Security definer: the caller writes no job row directly once it left draft.
create function private.transition_job(job_id uuid, to_status public.job_status, reason text default null)
returns public.jobs
language plpgsql
security definer
set search_path = ''
as $$
declare
  job public.jobs;
  address public.addresses;
  actors text[] := '{}';
  chosen text;
begin
  select * into job from public.jobs j where j.id = transition_job.job_id for update;
  if private.is_admin() then actors := actors || 'admin'::text; end if;
  if auth.uid() = job.client_id then actors := actors || 'client'::text; end if;
  if auth.uid() = job.provider_id then actors := actors || 'provider'::text; end if;
  if job.id is null or cardinality(actors) = 0 then
    raise exception 'job_id: job % not found', transition_job.job_id using errcode = 'PT404';
  end if;
  if to_status = 'assigned' then
    raise exception 'status: a job is assigned by accepting a bid (accept_bid)' using errcode = 'PT409';
  end if;
  if not exists (select 1 from private.job_transition_rules r where r.from_status = job.status and r.to_status = transition_job.to_status) then
    raise exception 'status: a % job cannot become %', job.status, to_status using errcode = 'PT409';
  end if;
  select r.actor into chosen from private.job_transition_rules r
  where r.from_status = job.status and r.to_status = transition_job.to_status and r.actor = any (actors)
  order by array_position(actors, r.actor)
  limit 1;
  if chosen is null then
    raise exception 'status: as % you cannot move a % job to %', array_to_string(actors, ' or '), job.status, to_status
      using errcode = '42501';
  end if;

  if to_status = 'published' then
    select * into address from public.addresses a where a.id = job.address_id;
    if address.id is null then
      raise exception 'address_id: give the job''s address before publishing it' using errcode = '22023';
    end if;
    if address.latitude is null and address.geocode_status = 'pending' then
      raise exception 'address_id: the address is being located on the map; publish again in a minute' using errcode = 'PT409';
    end if;
    if job.service_starts_at <= now() then
      raise exception 'service_date: % is in the past', job.service_date using errcode = '22023';
    end if;
    update public.jobs j
    set city = address.city, region = address.region, postal_code = address.postal_code, country_code = address.country_code
    where j.id = job.id
    returning * into job;
  end if;

  -- Once assigned, the job moves with its booking (the bookings' trigger calls change_job_status).
  if job.status in ('assigned', 'in_progress') then
    perform private.move_job_booking(job, to_status, reason);
    select * into job from public.jobs j where j.id = job.id;
    return job;
  end if;
  return private.change_job_status(job, to_status, chosen, reason);
end
$$;

revoke all on function private.transition_job(uuid, public.job_status, text) from public, anon, authenticated, service_role;
grant execute on function private.transition_job(uuid, public.job_status, text) to authenticated;

-- Replaced by the bids migration, which makes the bookings.
create function private.move_job_booking(job public.jobs, to_status public.job_status, reason text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'job % has no booking', job.id using errcode = 'P0001';
end
$$;

revoke all on function private.move_job_booking(public.jobs, public.job_status, text) from public, anon, authenticated, service_role;

-- P0002 and 23P01 from the booking underneath answer as PostgREST statuses (PT404, PT409).
create function public.transition_job(job_id uuid, to_status public.job_status, reason text default null)
returns public.jobs
language plpgsql
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.transition_job(transition_job.job_id, transition_job.to_status, transition_job.reason);
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

revoke all on function public.transition_job(uuid, public.job_status, text) from public, anon;
grant execute on function public.transition_job(uuid, public.job_status, text) to authenticated, service_role;

comment on function public.transition_job(uuid, public.job_status, text) is
  'RPC: moves a job: the client publishes (draft → published: matched providers are told) or cancels it; the assigned provider starts (assigned → in_progress, once paid) and completes it; admins may do all. Assigned comes from accept_bid. Errors: PT404 not your job, PT409 not from this status, 42501 not as you, 22023 no address or a past date.';

-- Expiry: published jobs past expires_at, each through the transition function.
create function service.expire_jobs()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  job public.jobs;
  expired integer := 0;
begin
  for job in
    select * from public.jobs j where j.status = 'published' and j.expires_at <= now()
    order by j.expires_at limit 500
    for update skip locked
  loop
    perform private.change_job_status(job, 'expired', 'system', 'no bid was accepted in time');
    expired := expired + 1;
  end loop;
  return expired;
end
$$;

revoke all on function service.expire_jobs() from public, anon, authenticated;
grant execute on function service.expire_jobs() to service_role;

comment on function service.expire_jobs() is 'Expires published jobs past their expires_at (500 a run); pg_cron runs it every minute.';

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('expire-jobs', '* * * * *', 'select service.expire_jobs()');
  end if;
end
$$;

-- Grants and policies --------------------------------------------------------------------------------------

alter table public.jobs enable row level security;
alter table public.job_addons enable row level security;
alter table public.job_files enable row level security;
alter table public.job_status_changes enable row level security;
alter table public.job_matches enable row level security;

revoke all on table public.jobs, public.job_addons, public.job_files, public.job_status_changes, public.job_matches
  from anon, authenticated;
grant all on table public.jobs, public.job_addons, public.job_files, public.job_status_changes, public.job_matches
  to service_role;
grant usage, select on sequence public.job_status_changes_id_seq to service_role;

grant select, delete on table public.jobs to authenticated;
grant insert (title, description, category_id, address_id, service_date, service_time, timezone, urgency, budget_min,
              budget_max, special_requirements),
      update (title, description, category_id, address_id, service_date, service_time, timezone, urgency, budget_min,
              budget_max, special_requirements)
  on table public.jobs to authenticated;
grant insert (client_id, is_featured), update (is_featured) on table public.jobs to marketbase_admin;
grant select, insert (job_id, addon_id, quantity), update (quantity), delete on table public.job_addons to authenticated;
grant select, insert (job_id, kind, path, caption, is_primary, sort_order), update (caption, is_primary, sort_order), delete
  on table public.job_files to authenticated;
grant select on table public.job_status_changes to authenticated;
grant select on table public.job_matches to authenticated;

create policy "clients, matched and assigned providers read jobs"
  on public.jobs for select to authenticated
  using (client_id = (select auth.uid())
         or provider_id = (select auth.uid())
         or id = any ((select private.my_matched_job_ids())::uuid[]));
create policy "clients post their own jobs"
  on public.jobs for insert to authenticated
  with check (client_id = (select auth.uid()) and (select private.has_role('client')));
create policy "clients edit their own jobs"
  on public.jobs for update to authenticated
  using (client_id = (select auth.uid())) with check (client_id = (select auth.uid()));
create policy "clients delete their own drafts"
  on public.jobs for delete to authenticated
  using (client_id = (select auth.uid()) and status = 'draft');
create policy "admins read every job"
  on public.jobs for select to marketbase_admin using ((select private.is_admin()));
create policy "admins post jobs for clients"
  on public.jobs for insert to marketbase_admin with check ((select private.is_admin()));
create policy "admins edit every job"
  on public.jobs for update to marketbase_admin using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins delete drafts"
  on public.jobs for delete to marketbase_admin using ((select private.is_admin()) and status = 'draft');

create policy "whoever reads the job reads its add-ons"
  on public.job_addons for select to authenticated using ((select private.can_read_job(job_id)));
create policy "clients choose their jobs' add-ons"
  on public.job_addons for insert to authenticated with check ((select private.is_job_client(job_id)));
create policy "clients change their jobs' add-ons"
  on public.job_addons for update to authenticated
  using ((select private.is_job_client(job_id))) with check ((select private.is_job_client(job_id)));
create policy "clients remove their jobs' add-ons"
  on public.job_addons for delete to authenticated using ((select private.is_job_client(job_id)));
create policy "admins read every job's add-ons"
  on public.job_addons for select to marketbase_admin using ((select private.is_admin()));

create policy "whoever reads the job reads its files"
  on public.job_files for select to authenticated using ((select private.can_read_job(job_id)));
create policy "clients add files to their jobs"
  on public.job_files for insert to authenticated with check ((select private.is_job_client(job_id)));
create policy "clients change their jobs' files"
  on public.job_files for update to authenticated
  using ((select private.is_job_client(job_id))) with check ((select private.is_job_client(job_id)));
create policy "clients remove their jobs' files"
  on public.job_files for delete to authenticated using ((select private.is_job_client(job_id)));
create policy "admins read every job's files"
  on public.job_files for select to marketbase_admin using ((select private.is_admin()));

create policy "whoever reads the job reads its history"
  on public.job_status_changes for select to authenticated using ((select private.can_read_job(job_id)));
create policy "admins read every job's history"
  on public.job_status_changes for select to marketbase_admin using ((select private.is_admin()));

create policy "providers read their feed"
  on public.job_matches for select to authenticated using (provider_id = (select auth.uid()));
create policy "admins read every match"
  on public.job_matches for select to marketbase_admin using ((select private.is_admin()));

-- Storage: whoever reads the job reads its files; its client uploads while it is open.
create policy "whoever reads the job reads its stored files"
  on storage.objects for select to authenticated
  using (bucket_id = 'job-files' and (select private.can_read_job(private.storage_booking_id(name))));
create policy "clients upload files of their open jobs"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'job-files'
              and private.is_job_client(private.storage_booking_id(name))
              and private.fits_storage_bucket(bucket_id, metadata));
create policy "clients delete their jobs' stored files"
  on storage.objects for delete to authenticated
  using (bucket_id = 'job-files' and owner_id = (select auth.uid())::text);

-- Notifications ---------------------------------------------------------------------------------------------

insert into public.notification_event_types (key, category, variables, severity, priority, description) values
  ('job.posted_nearby', 'jobs', '{job_id,job_title,city,service_date,client_name,provider_name,action_url}', 'info', 4,
   'A job was published in a provider''s category and area: they may bid.'),
  ('job.cancelled', 'jobs', '{job_id,job_title,city,service_date,client_name,provider_name,reason,action_url}', 'warning', 6,
   'A job one is assigned to (or posted) was cancelled by the other side, an admin, or because its booking lapsed.');

insert into public.notification_templates (event_type, channel, subject, title, body, action_url) values
  ('job.posted_nearby', 'in_app', null, 'New job near you', '{{ job_title }} in {{ city }} on {{ service_date }}.', '{{ action_url }}'),
  ('job.posted_nearby', 'email', 'New job near you: {{ job_title }}', 'A new job near you',
   E'Hi {{ recipient_name }},\n\n{{ client_name }} posted "{{ job_title }}" in {{ city }} for {{ service_date }}.\n\nSee it and bid: {{ action_url }}',
   '{{ action_url }}'),
  ('job.posted_nearby', 'sms', null, 'New job', 'New job near you: {{ job_title }} ({{ city }}, {{ service_date }}). {{ action_url }}', '{{ action_url }}'),
  ('job.posted_nearby', 'push', null, 'New job near you', '{{ job_title }} in {{ city }}', '{{ action_url }}'),
  ('job.cancelled', 'in_app', null, 'Job cancelled', '{{ job_title }} was cancelled: {{ reason }}.', '{{ action_url }}'),
  ('job.cancelled', 'email', 'Cancelled: {{ job_title }}', 'A job was cancelled',
   E'Hi {{ recipient_name }},\n\n"{{ job_title }}" ({{ service_date }}) was cancelled: {{ reason }}.\n\nDetails: {{ action_url }}',
   '{{ action_url }}'),
  ('job.cancelled', 'sms', null, 'Job cancelled', '{{ job_title }} was cancelled: {{ reason }}. {{ action_url }}', '{{ action_url }}'),
  ('job.cancelled', 'push', null, 'Job cancelled', '{{ job_title }}: {{ reason }}', '{{ action_url }}');
