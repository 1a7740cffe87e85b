-- identity / provider verifications: what an admin has checked about a provider, one row per
-- requirement a category can set (licence, insurance, background check), with who, when and
-- until when (abuse-proofing, item 3).
--
-- Categories have always said what a provider must prove before selling there
-- (requires_license, requires_insurance, requires_background_check), and nothing read it: a
-- fresh, unverified account published an active plumbing offering at once. This table is the
-- proof; 20260113000200 checks it when an offering goes live and when it is booked, and takes
-- offerings off the market when a proof lapses or is revoked.
--
-- Only admins write it, through set_provider_requirement (there is no write privilege for
-- any API role): a provider reads their own rows, admins all. A requirement is met while its
-- row is `verified` and not past `expires_at`. Revoking keeps the row (status `revoked`, who
-- and when), so the last decision stays on record.

create type public.provider_requirement as enum ('license', 'insurance', 'background_check');
create type public.provider_verification_status as enum ('verified', 'revoked');

create table public.provider_verifications (
  id uuid primary key default gen_random_uuid(),
  provider_id uuid not null references public.provider_profiles (user_id) on delete cascade,
  requirement public.provider_requirement not null,
  status public.provider_verification_status not null,
  reference text constraint provider_verifications_reference_length check (char_length(reference) <= 200),
  note text constraint provider_verifications_note_length check (char_length(note) <= 2000),
  verified_by uuid references auth.users (id) on delete set null,
  verified_at timestamptz,
  expires_at timestamptz,
  revoked_by uuid references auth.users (id) on delete set null,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint provider_verifications_one_per_requirement unique (provider_id, requirement),
  constraint provider_verifications_verified_when check (status <> 'verified' or verified_at is not null),
  constraint provider_verifications_revoked_when check (status <> 'revoked' or revoked_at is not null),
  constraint provider_verifications_expiry_after_verification check (expires_at is null or verified_at is null or expires_at > verified_at)
);

-- The unique (provider_id, requirement) index serves the owner's policy and the foreign key.
create index provider_verifications_verified_by_idx on public.provider_verifications (verified_by);
create index provider_verifications_revoked_by_idx on public.provider_verifications (revoked_by);
create index provider_verifications_updated_at_idx on public.provider_verifications (updated_at);
create index provider_verifications_expiry_idx on public.provider_verifications (expires_at) where status = 'verified';

comment on table public.provider_verifications is
  'What an admin verified about a provider, per requirement a category can set. Read: the provider (own), admins. Write: admins through set_provider_requirement.';
comment on column public.provider_verifications.status is
  'verified: the requirement is met until expires_at (if set); revoked: it is not.';
comment on column public.provider_verifications.reference is 'Licence, policy or certificate number the admin checked.';
comment on column public.provider_verifications.expires_at is 'When the proof lapses (a licence''s or policy''s end); empty: no end.';

create trigger set_updated_at
  before update on public.provider_verifications
  for each row execute function private.tg_set_updated_at();

-- Whether a provider meets a requirement now. Security definer: asked about any provider by
-- checks that run for another user (a client's booking).
create function private.has_verified_requirement(provider_id uuid, requirement public.provider_requirement)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.provider_verifications v
    where v.provider_id = has_verified_requirement.provider_id
      and v.requirement = has_verified_requirement.requirement
      and v.status = 'verified'
      and (v.expires_at is null or v.expires_at > now())
  )
$$;

revoke all on function private.has_verified_requirement(uuid, public.provider_requirement) from public, anon, authenticated, service_role;
grant execute on function private.has_verified_requirement(uuid, public.provider_requirement) to authenticated, service_role;

-- The requirements of a category (its parent's included) that a provider does not meet now.
create function private.missing_requirements(provider_id uuid, category_id uuid)
returns public.provider_requirement[]
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(array_agg(r.requirement order by r.requirement), '{}')
  from private.category_rules(missing_requirements.category_id) c
  cross join lateral (values
    ('license'::public.provider_requirement, c.requires_license),
    ('insurance', c.requires_insurance),
    ('background_check', c.requires_background_check)
  ) r (requirement, required)
  where r.required and not private.has_verified_requirement(missing_requirements.provider_id, r.requirement)
$$;

revoke all on function private.missing_requirements(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function private.missing_requirements(uuid, uuid) to authenticated, service_role;

comment on function private.missing_requirements(uuid, uuid) is
  'Requirements of a category (and its parent) that the provider has no current verification for; empty when they may sell there.';

-- set_provider_requirement ------------------------------------------------------------------------

-- Security definer: provider_verifications has no write privilege for any API role.
create function private.set_provider_requirement(
  provider_id uuid,
  requirement public.provider_requirement,
  verified boolean,
  expires_at timestamptz default null,
  reference text default null,
  note text default null
)
returns public.provider_verifications
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  result public.provider_verifications;
begin
  if not private.is_admin() then
    raise exception 'only admins can verify provider requirements' using errcode = '42501';
  end if;
  if verified is null then
    raise exception 'verified: say whether the requirement is met (true) or not (false)' using errcode = '22023';
  end if;
  if not exists (select 1 from public.provider_profiles p where p.user_id = set_provider_requirement.provider_id) then
    raise exception 'provider_id: provider % not found', set_provider_requirement.provider_id using errcode = 'P0002';
  end if;
  if verified and set_provider_requirement.expires_at <= now() then
    raise exception 'expires_at: % is already past', set_provider_requirement.expires_at using errcode = '22023';
  end if;

  insert into public.provider_verifications as v (
    provider_id, requirement, status, reference, note, verified_by, verified_at, expires_at, revoked_by, revoked_at
  )
  values (
    set_provider_requirement.provider_id, set_provider_requirement.requirement,
    case when verified then 'verified' else 'revoked' end::public.provider_verification_status,
    nullif(trim(set_provider_requirement.reference), ''), set_provider_requirement.note,
    case when verified then auth.uid() end, case when verified then now() end,
    case when verified then set_provider_requirement.expires_at end,
    case when not verified then auth.uid() end, case when not verified then now() end
  )
  on conflict on constraint provider_verifications_one_per_requirement do update
  set status = excluded.status,
      reference = coalesce(excluded.reference, v.reference),
      note = excluded.note,
      verified_by = case when verified then excluded.verified_by else v.verified_by end,
      verified_at = case when verified then excluded.verified_at else v.verified_at end,
      expires_at = case when verified then excluded.expires_at else v.expires_at end,
      revoked_by = excluded.revoked_by,
      revoked_at = excluded.revoked_at
  returning * into result;
  return result;
end
$$;

revoke all on function private.set_provider_requirement(uuid, public.provider_requirement, boolean, timestamptz, text, text)
  from public, anon, authenticated, service_role;
grant execute on function private.set_provider_requirement(uuid, public.provider_requirement, boolean, timestamptz, text, text)
  to authenticated, service_role;

create function public.set_provider_requirement(
  provider_id uuid,
  requirement public.provider_requirement,
  verified boolean,
  expires_at timestamptz default null,
  reference text default null,
  note text default null
)
returns public.provider_verifications
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  message text; detail text; hint text;
begin
  return private.set_provider_requirement(
    provider_id => set_provider_requirement.provider_id,
    requirement => set_provider_requirement.requirement,
    verified => set_provider_requirement.verified,
    expires_at => set_provider_requirement.expires_at,
    reference => set_provider_requirement.reference,
    note => set_provider_requirement.note
  );
exception when no_data_found or exclusion_violation then
  get stacked diagnostics message = message_text, detail = pg_exception_detail, hint = pg_exception_hint;
  perform private.raise_for_postgrest(sqlstate, message, detail, hint);
end
$$;

revoke all on function public.set_provider_requirement(uuid, public.provider_requirement, boolean, timestamptz, text, text)
  from public, anon, authenticated, service_role;
grant execute on function public.set_provider_requirement(uuid, public.provider_requirement, boolean, timestamptz, text, text)
  to authenticated, service_role;
comment on function public.set_provider_requirement(uuid, public.provider_requirement, boolean, timestamptz, text, text) is
  'RPC for admins: records that a provider''s licence, insurance or background check is verified (until expires_at, if given) or revoked, with who and when. Revoking takes the provider''s live offerings in categories that require it back to draft. Errors: 42501 not an admin, PT404 unknown provider, 22023 expires_at already past.';

-- Access ----------------------------------------------------------------------------------------

alter table public.provider_verifications enable row level security;

revoke all on table public.provider_verifications from anon, authenticated, service_role;
grant select on table public.provider_verifications to authenticated;
grant select, insert, update, delete on table public.provider_verifications to service_role;

create policy "providers can read their own verifications"
  on public.provider_verifications for select to authenticated
  using (provider_id = (select auth.uid()));
create policy "admins can read any provider verifications"
  on public.provider_verifications for select to marketbase_admin
  using ((select private.is_admin()));
