-- catalog: an offering sells only while its provider meets what its category requires
-- (abuse-proofing, item 3). Builds on 20260113000000 (category rules) and 20260113000100
-- (provider_verifications).
--
-- Going live. When an offering of a provider becomes active (created active, set active, or
-- moved to another category while active) through the API, its provider must be verified
-- (provider_profiles.is_verified, set by admins through set_provider_verification; the
-- setting catalog.require_verified_providers) and hold a current verification for every
-- requirement of the category and its parent. Otherwise 42501, naming what is missing.
-- Admins are held to it too: they verify the provider first. The database owner (migrations,
-- seed, the SQL editor) is not, as for the other catalog checks.
--
-- Losing it. Whatever takes a requirement away sends the affected active offerings back to
-- draft in the same transaction: a verification revoked or set to lapse, a provider
-- unverified, a category that starts requiring something or stops taking a kind. A
-- verification that simply runs out is caught at booking time (every booked item's provider
-- must meet its category's requirements then: PT409) and by the job
-- `suspend-lapsed-offerings`, which drafts those offerings every minute. The provider sees the
-- offering as a draft, and going live again names what to renew. Bookings already made are
-- kept: cancelling them is an admin's decision.

insert into private.settings (key, value, description) values
  ('catalog.require_verified_providers', 'true',
   'Whether a provider must be verified by an admin (provider_profiles.is_verified) before any offering of theirs goes live.');

create function private.requirement_names(requirements public.provider_requirement[])
returns text
language sql
immutable
set search_path = ''
as $$
  select string_agg(replace(r::text, '_', ' '), ', ' order by r) from unnest(requirements) r
$$;

-- Going live -----------------------------------------------------------------------------------

-- Security definer: reads the provider's verifications, which only they and admins may read,
-- and the rules of categories the caller may not see.
create function private.tg_offerings_check_requirements()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  missing public.provider_requirement[];
  field text := 'status';
begin
  if new.status <> 'active' or new.provider_id is null or auth.role() is null then
    return new;
  end if;
  if tg_op = 'UPDATE' and old.status = 'active' then
    if new.category_id = old.category_id and new.provider_id = old.provider_id then
      return new;
    end if;
    field := 'category_id'; -- a live offering moving to another category
  end if;
  if coalesce((private.setting('catalog.require_verified_providers'))::boolean, true)
     and not exists (select 1 from public.provider_profiles p where p.user_id = new.provider_id and p.is_verified) then
    raise exception '%: offerings go live once an admin has verified their provider', field
      using errcode = '42501', hint = 'Keep it a draft until your profile is verified.';
  end if;
  missing := private.missing_requirements(new.provider_id, new.category_id);
  if cardinality(missing) > 0 then
    raise exception '%: category % requires a verified %', field, (select r.slug from private.category_rules(new.category_id) r),
      private.requirement_names(missing)
      using errcode = '42501', hint = 'An admin verifies each requirement (set_provider_requirement); keep it a draft until then.';
  end if;
  return new;
end
$$;

revoke all on function private.tg_offerings_check_requirements() from public, anon, authenticated, service_role;

create trigger check_requirements
  before insert or update of status, category_id, provider_id on public.offerings
  for each row execute function private.tg_offerings_check_requirements();

-- Losing it ------------------------------------------------------------------------------------

-- Drafts the active offerings that no longer qualify, of one provider or in one category (and
-- its subcategories): a provider's that miss a requirement, anyone's whose kind the category
-- no longer takes. Returns how many. Security definer: runs from triggers and the schedule
-- whoever caused them, and changes offerings that are not the caller's.
create function private.suspend_unqualified_offerings(provider_id uuid default null, category_id uuid default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  suspended integer;
begin
  update public.offerings o
  set status = 'draft'
  where o.status = 'active'
    and (suspend_unqualified_offerings.provider_id is null or o.provider_id = suspend_unqualified_offerings.provider_id)
    and (suspend_unqualified_offerings.category_id is null
         or o.category_id = suspend_unqualified_offerings.category_id
         or o.category_id in (select c.id from public.categories c where c.parent_id = suspend_unqualified_offerings.category_id))
    and ((o.provider_id is not null and cardinality(private.missing_requirements(o.provider_id, o.category_id)) > 0)
         or not exists (select 1 from private.category_rules(o.category_id) r where o.kind = any (r.offering_kinds)));
  get diagnostics suspended = row_count;
  return suspended;
end
$$;

revoke all on function private.suspend_unqualified_offerings(uuid, uuid) from public, anon, authenticated, service_role;

comment on function private.suspend_unqualified_offerings(uuid, uuid) is
  'Sets back to draft the active offerings (of one provider, or in one category and its subcategories) whose provider misses a requirement of the category or whose kind it no longer takes.';

create function private.tg_provider_verifications_suspend_offerings()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status <> 'verified' or (new.expires_at is not null and new.expires_at <= now()) then
    perform private.suspend_unqualified_offerings(provider_id => new.provider_id);
  end if;
  return null;
end
$$;

revoke all on function private.tg_provider_verifications_suspend_offerings() from public, anon, authenticated, service_role;

create trigger suspend_offerings
  after insert or update of status, expires_at on public.provider_verifications
  for each row execute function private.tg_provider_verifications_suspend_offerings();

-- An unverified provider keeps no live offering (while the setting asks for verification).
create function private.tg_provider_profiles_suspend_offerings()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.is_verified and not new.is_verified
     and coalesce((private.setting('catalog.require_verified_providers'))::boolean, true) then
    update public.offerings o set status = 'draft' where o.provider_id = new.user_id and o.status = 'active';
  end if;
  return null;
end
$$;

revoke all on function private.tg_provider_profiles_suspend_offerings() from public, anon, authenticated, service_role;

create trigger suspend_offerings
  after update of is_verified on public.provider_profiles
  for each row execute function private.tg_provider_profiles_suspend_offerings();

create function private.tg_categories_suspend_offerings()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if (new.requires_license and not old.requires_license)
     or (new.requires_insurance and not old.requires_insurance)
     or (new.requires_background_check and not old.requires_background_check)
     or not (new.offering_kinds @> old.offering_kinds)
     or new.parent_id is distinct from old.parent_id then
    perform private.suspend_unqualified_offerings(category_id => new.id);
  end if;
  return null;
end
$$;

revoke all on function private.tg_categories_suspend_offerings() from public, anon, authenticated, service_role;

create trigger suspend_offerings
  after update of requires_license, requires_insurance, requires_background_check, offering_kinds, parent_id
  on public.categories
  for each row execute function private.tg_categories_suspend_offerings();

-- Booking time ---------------------------------------------------------------------------------

-- A verification that ran out since the last scheduled run still stops a booking. Only for
-- requests through the API (the database owner's own inserts, e.g. generated data, are not
-- checked). Security definer: the client cannot read the provider's verifications.
create function private.tg_booking_items_check_requirements()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  offering record;
  missing public.provider_requirement[];
begin
  if new.offering_id is null or auth.role() is null then
    return new;
  end if;
  select o.id, o.title, o.provider_id, o.category_id into offering from public.offerings o where o.id = new.offering_id;
  if offering.provider_id is null then
    return new;
  end if;
  missing := private.missing_requirements(offering.provider_id, offering.category_id);
  if cardinality(missing) > 0 then
    raise exception 'offering_id: % cannot be booked until its provider''s % is verified again', offering.title,
      private.requirement_names(missing)
      using errcode = 'PT409';
  end if;
  return new;
end
$$;

revoke all on function private.tg_booking_items_check_requirements() from public, anon, authenticated, service_role;

create trigger check_requirements
  before insert on public.booking_items
  for each row execute function private.tg_booking_items_check_requirements();

-- The schedule -----------------------------------------------------------------------------------

-- Drafts the live offerings of providers whose verification of a requirement their category
-- sets has run out. Starts from the lapsed verifications (an index on expires_at) that still
-- have a live offering, so a run reads only the providers concerned: cheap enough for every
-- minute, like expire-booking-holds.
create function private.suspend_lapsed_offerings()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  lapsed uuid;
  suspended integer := 0;
begin
  for lapsed in
    select distinct v.provider_id from public.provider_verifications v
    where v.status = 'verified' and v.expires_at <= now()
      and exists (select 1 from public.offerings o where o.provider_id = v.provider_id and o.status = 'active')
  loop
    suspended := suspended + private.suspend_unqualified_offerings(provider_id => lapsed);
  end loop;
  return suspended;
end
$$;

revoke all on function private.suspend_lapsed_offerings() from public, anon, authenticated, service_role;

comment on function private.suspend_lapsed_offerings() is
  'Scheduled (suspend-lapsed-offerings, every minute): sets back to draft the live offerings whose provider''s verification of a required licence, insurance or background check has run out. Returns how many.';

-- Where pg_cron is enabled (on Supabase: Database → Extensions; enabled later, run this
-- statement again). Without it the booking-time check still refuses such offerings.
do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.schedule('suspend-lapsed-offerings', '* * * * *', 'select private.suspend_lapsed_offerings()');
  end if;
end
$$;
