-- catalog: a category says which kinds of offering it takes, and whether only admins place
-- offerings in it (abuse-proofing, item 4).
--
-- Until now a provider could list anything anywhere: a consulting hour under the pet
-- diagnostics category, whose 0 % commission the platform keeps for its lab, paid no
-- commission at all. Two rules close that:
--
-- - `offering_kinds`: the kinds a category takes (all five by default, so a category an
--   admin has not narrowed keeps working as before). A subcategory takes only the kinds both
--   it and its parent take. Checked for every writer when an offering is created, changes
--   kind or category, or goes live; an admin who narrows a category sends its live offerings
--   that no longer fit back to draft (20260113000200).
-- - `is_platform_only`: only admins place offerings in the category or its subcategories
--   (the platform's own items, or a partner's such as the demo lab, set up by an admin). A
--   provider can neither create an offering there nor move one in. Not "no provider at all":
--   the pet lab vertical sells a partner lab's tests at the platform's terms.
--
-- The kind a provider declares is their own choice, so the kind rule alone would let a
-- consulting hour pose as a `lab_test`; the platform-only rule is what keeps the 0 %
-- category the platform's.

alter table public.categories
  add column offering_kinds public.offering_kind[] not null
    default '{service,session,home_service,lab_test,digital}'
    constraint categories_offering_kinds_not_empty check (cardinality(offering_kinds) > 0),
  add column is_platform_only boolean not null default false;

comment on column public.categories.offering_kinds is
  'Kinds of offering this category takes; a subcategory takes those it shares with its parent.';
comment on column public.categories.is_platform_only is
  'Only admins place offerings here (or in its subcategories): the platform''s own items, or a partner''s they set up. Providers'' own offerings are refused.';

-- What a category allows, its parent's rules included. Security definer: the rules of an
-- inactive category, which providers can no longer read, still bind the offerings in it.
create function private.category_rules(category_id uuid)
returns table (
  slug text,
  offering_kinds public.offering_kind[],
  is_platform_only boolean,
  requires_license boolean,
  requires_insurance boolean,
  requires_background_check boolean
)
language sql
stable
security definer
set search_path = ''
as $$
  select c.slug::text,
         array(select k from unnest(c.offering_kinds) k where p.id is null or k = any (p.offering_kinds) order by k),
         c.is_platform_only or coalesce(p.is_platform_only, false),
         c.requires_license or coalesce(p.requires_license, false),
         c.requires_insurance or coalesce(p.requires_insurance, false),
         c.requires_background_check or coalesce(p.requires_background_check, false)
  from public.categories c left join public.categories p on p.id = c.parent_id
  where c.id = category_rules.category_id
$$;

revoke all on function private.category_rules(uuid) from public, anon, authenticated, service_role;
grant execute on function private.category_rules(uuid) to authenticated, service_role;

comment on function private.category_rules(uuid) is
  'A category''s rules with its parent''s: the kinds both take, platform-only if either is, and every requirement either sets.';

-- Security definer: reads the rules of categories the caller may not see (see above).
create function private.tg_offerings_check_category_fit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  rules record;
  places boolean := true;
begin
  if tg_op = 'UPDATE' then
    places := new.category_id is distinct from old.category_id;
    if not (places or new.kind is distinct from old.kind or (new.status = 'active' and old.status <> 'active')) then
      return new;
    end if;
  end if;
  select * into rules from private.category_rules(new.category_id);
  if rules.slug is null then
    return new; -- the foreign key answers for a category that does not exist
  end if;
  -- Providers (signed-in users who are not admins) never place offerings in a platform-only
  -- category; admins, the service role and the database owner may.
  if places and rules.is_platform_only
     and auth.role() = 'authenticated' and not private.is_admin() then
    raise exception 'category_id: only admins place offerings in category %', rules.slug
      using errcode = '42501', hint = 'Choose a category open to providers.';
  end if;
  if not new.kind = any (rules.offering_kinds) then
    raise exception 'kind: category % takes % offerings, not %', rules.slug,
      array_to_string(rules.offering_kinds, ', '), new.kind
      using errcode = '22023';
  end if;
  return new;
end
$$;

revoke all on function private.tg_offerings_check_category_fit() from public, anon, authenticated, service_role;

create trigger check_category_fit
  before insert or update of category_id, kind, status on public.offerings
  for each row execute function private.tg_offerings_check_category_fit();
