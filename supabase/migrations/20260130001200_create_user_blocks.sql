-- identity / blocking (issue 19, seed 004's `blocked`): an admin blocks a user, with a reason;
-- the user gets no token and their live content disappears from everyone else's reads.
--
-- * public.user_blocks: one row per blocked user (reason, who, when). Admins read it; it is
--   written only by block_user / unblock_user (admins), and audited.
-- * tokens: the access-token hook refuses a blocked user ({"error": {"http_code": 403}}):
--   no sign-in, no refresh. Their sessions are deleted on blocking, as Auth's global sign-out
--   does. An access token issued before the block stays valid at Supabase Auth until it expires
--   (the JWT is only checked for its signature), so PostgREST's pre-request function
--   (pgrst.db_pre_request, run before every API request) refuses it: one primary-key lookup in
--   a small table per request. Storage and Realtime do not run it: a blocked user's old token
--   reaches them until it expires (auth.jwt_expiry, one hour by default).
-- * content: a table whose rows someone owns joins with one line,
--     select private.hide_when_owner_blocked('public.posts', 'author_id');
--   which gives it owner_blocked_at, stamped on the owner's rows while they are blocked, and a
--   RESTRICTIVE select policy `owner_blocked_at is null` for everyone but admins. The read is a
--   column of the row itself (no per-row lookup of the block), and restrictive policies are
--   and-ed with the table's own, which stay as they are. Blocking and unblocking update the
--   owner's rows once, through the owner column's index. Joined here: the catalog (offerings,
--   provider profiles), posts, comments, reviews and jobs. The definer search
--   (private.search_offerings) bypasses RLS and filters the column itself.

create table public.user_blocks (
  user_id uuid primary key references auth.users (id) on delete cascade,
  reason text not null
    constraint user_blocks_reason_length check (char_length(btrim(reason)) between 1 and 1000),
  blocked_by uuid references auth.users (id) on delete set null,
  blocked_at timestamptz not null default now()
);

create index user_blocks_blocked_at_idx on public.user_blocks (blocked_at desc);
create index user_blocks_blocked_by_idx on public.user_blocks (blocked_by);

comment on table public.user_blocks is
  'Blocked users: no token, content hidden. Read: admins. Written by block_user / unblock_user (admins).';

alter table public.user_blocks enable row level security;

revoke all on table public.user_blocks from anon, authenticated, service_role;
grant select on table public.user_blocks to authenticated, service_role;

create policy "admins read the blocks"
  on public.user_blocks for select
  to marketbase_admin
  using ((select private.is_admin()));

select private.audit_table('public.user_blocks');

-- Security definer: the access-token hook (supabase_auth_admin) and every API request ask it,
-- and none of them may read the table.
create function private.is_blocked(user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.user_blocks b where b.user_id = is_blocked.user_id)
$$;

revoke all on function private.is_blocked(uuid) from public, anon, authenticated, service_role;
grant execute on function private.is_blocked(uuid) to anon, authenticated, service_role, supabase_auth_admin;

comment on function private.is_blocked(uuid) is 'Whether an admin has blocked the user.';

-- PostgREST's pre-request function ---------------------------------------------------------------

create function private.check_request()
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  caller constant uuid := auth.uid();
begin
  if caller is not null and private.is_blocked(caller) then
    raise exception 'This account has been blocked.' using errcode = '42501';
  end if;
end
$$;

revoke all on function private.check_request() from public, anon, authenticated, service_role;
grant execute on function private.check_request() to anon, authenticated, service_role;

comment on function private.check_request() is
  'PostgREST db-pre-request: refuses a blocked user''s access token issued before the block (403).';

-- As in the Supabase docs (the SQL editor runs as postgres). Where postgres may not set the
-- parameter (the local stand-in: its postgres is no superuser), say so: the hook still refuses
-- new tokens, and `alter role authenticator set pgrst.db_pre_request = 'private.check_request'`
-- run by a superuser (or with `grant set on parameter`) completes it.
do $$
begin
  alter role authenticator set pgrst.db_pre_request = 'private.check_request';
  notify pgrst, 'reload config';
exception when insufficient_privilege then
  raise notice 'pgrst.db_pre_request could not be set: tokens issued before a block work until they expire';
end
$$;

-- Hiding content ---------------------------------------------------------------------------------

create table private.blockable_tables (
  table_name regclass primary key,
  owner_column name not null
);

comment on table private.blockable_tables is
  'Tables whose rows are hidden while their owner is blocked (private.hide_when_owner_blocked).';

create function private.hide_when_owner_blocked(target regclass, owner_column name)
returns void
language plpgsql
set search_path = ''
as $$
declare
  relation constant text := (select c.relname from pg_catalog.pg_class c where c.oid = target);
begin
  if not exists (select 1 from pg_catalog.pg_attribute a
                 where a.attrelid = target and a.attname = owner_column and not a.attisdropped) then
    raise exception 'hide_when_owner_blocked: % has no column %', target, owner_column using errcode = '22023';
  end if;
  insert into private.blockable_tables (table_name, owner_column) values (target, owner_column)
  on conflict (table_name) do update set owner_column = excluded.owner_column;

  execute format('alter table %s add column if not exists owner_blocked_at timestamptz', target);
  execute format('comment on column %s.owner_blocked_at is %L', target,
                 'Set while the row''s owner is blocked: hidden from everyone but admins.');
  -- The hidden rows of an owner, for unblocking and for admins; tiny (only blocked owners).
  execute format('create index if not exists %I on %s (%I) where owner_blocked_at is not null',
                 relation || '_owner_blocked_idx', target, owner_column);
  if exists (select 1 from pg_catalog.pg_policy p
             where p.polrelid = target and p.polname = 'content of blocked users is hidden') then
    execute format('drop policy "content of blocked users is hidden" on %s', target);
  end if;
  execute format('create policy "content of blocked users is hidden" on %s as restrictive for select '
                 'to anon, authenticated using (owner_blocked_at is null or (select private.is_admin()))', target);
end
$$;

revoke all on function private.hide_when_owner_blocked(regclass, name) from public, anon, authenticated, service_role;

comment on function private.hide_when_owner_blocked(regclass, name) is
  'Migrations: hides a table''s rows from non-admins while their owner (owner_column) is blocked.';

select private.hide_when_owner_blocked('public.offerings', 'provider_id');
select private.hide_when_owner_blocked('public.provider_profiles', 'user_id');
select private.hide_when_owner_blocked('public.posts', 'author_id');
select private.hide_when_owner_blocked('public.comments', 'author_id');
select private.hide_when_owner_blocked('public.reviews', 'author_id');
select private.hide_when_owner_blocked('public.jobs', 'client_id');

-- Stamps (or clears) owner_blocked_at on every joined table's rows of the user.
create function private.mark_owner_blocked(user_id uuid, blocked_at timestamptz)
returns void
language plpgsql
set search_path = ''
as $$
declare
  t private.blockable_tables;
begin
  for t in select * from private.blockable_tables loop
    if blocked_at is null then
      execute format('update %s set owner_blocked_at = null where %I = $1 and owner_blocked_at is not null',
                     t.table_name, t.owner_column) using user_id;
    else
      execute format('update %s set owner_blocked_at = $2 where %I = $1 and owner_blocked_at is null',
                     t.table_name, t.owner_column) using user_id, blocked_at;
    end if;
  end loop;
end
$$;

revoke all on function private.mark_owner_blocked(uuid, timestamptz) from public, anon, authenticated, service_role;

-- block_user / unblock_user -----------------------------------------------------------------------

-- Security definer: writes the blocks, the owners' rows of every joined table and Auth's sessions.
create function private.block_user(user_id uuid, reason text)
returns public.user_blocks
language plpgsql
security definer
set search_path = ''
as $$
declare
  block public.user_blocks;
begin
  if not private.is_admin() then
    raise exception 'only admins block users' using errcode = '42501';
  end if;
  if block_user.user_id = auth.uid() then
    raise exception 'user_id: admins cannot block themselves' using errcode = '22023';
  end if;
  if nullif(btrim(reason), '') is null then
    raise exception 'reason: say why the user is blocked' using errcode = '22023';
  end if;
  perform 1 from auth.users u where u.id = block_user.user_id for update;
  if not found then
    raise exception 'user_id: user % not found', block_user.user_id using errcode = 'PT404';
  end if;

  insert into public.user_blocks as b (user_id, reason, blocked_by)
  values (block_user.user_id, btrim(reason), auth.uid())
  on conflict on constraint user_blocks_pkey do update
    set reason = excluded.reason, blocked_by = excluded.blocked_by
  returning * into block;

  perform private.mark_owner_blocked(block.user_id, block.blocked_at);
  -- Auth's global sign-out: no refresh token of theirs works any more.
  delete from auth.sessions s where s.user_id = block.user_id;
  return block;
end
$$;

revoke all on function private.block_user(uuid, text) from public, anon, authenticated, service_role;
grant execute on function private.block_user(uuid, text) to authenticated;

create function public.block_user(user_id uuid, reason text)
returns public.user_blocks
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.block_user(user_id => block_user.user_id, reason => block_user.reason)
$$;

revoke all on function public.block_user(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.block_user(uuid, text) to authenticated;

comment on function public.block_user(uuid, text) is
  'RPC for admins: blocks a user (no token; their offerings, provider profile, posts, comments, reviews and jobs hidden; sessions ended). Blocking again changes the reason. Errors: 42501 not an admin, 22023 no reason or oneself, PT404 unknown user.';

create function private.unblock_user(user_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not private.is_admin() then
    raise exception 'only admins unblock users' using errcode = '42501';
  end if;
  delete from public.user_blocks b where b.user_id = unblock_user.user_id;
  if not found then
    return false;
  end if;
  perform private.mark_owner_blocked(unblock_user.user_id, null);
  return true;
end
$$;

revoke all on function private.unblock_user(uuid) from public, anon, authenticated, service_role;
grant execute on function private.unblock_user(uuid) to authenticated;

create function public.unblock_user(user_id uuid)
returns boolean
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.unblock_user(user_id => unblock_user.user_id)
$$;

revoke all on function public.unblock_user(uuid) from public, anon, authenticated, service_role;
grant execute on function public.unblock_user(uuid) to authenticated;

comment on function public.unblock_user(uuid) is
  'RPC for admins: lifts a block (content visible again, tokens issued again); false when the user was not blocked. Errors: 42501 not an admin.';

-- The access-token hook refuses a blocked user --------------------------------------------------

-- Unchanged from 20260114000100 but for the refusal first.
create or replace function public.custom_access_token_hook(event jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  token_user_id constant uuid := (event ->> 'user_id')::uuid;
  claims jsonb := event -> 'claims';
begin
  -- Supabase Auth answers the sign-in or the refresh with this status and message.
  if private.is_blocked(token_user_id) then
    return jsonb_build_object('error', jsonb_build_object(
      'http_code', 403,
      'message', 'This account has been blocked. Contact support if you think this is a mistake.'));
  end if;

  -- Failed passwords never refuse a token: a refresh keeps a session alive, and a magic link,
  -- OAuth or a password recovery still signs the owner in while their password is slowed.
  claims := claims
    || jsonb_build_object('user_roles', coalesce((
         select jsonb_agg(distinct r.role order by r.role)
         from public.user_roles r where r.user_id = token_user_id), '[]'))
    || jsonb_build_object('staff_roles', coalesce((
         select jsonb_agg(r.staff_role order by r.staff_role)
         from public.user_roles r where r.user_id = token_user_id and r.staff_role is not null), '[]'));

  -- Admins act as marketbase_admin: PostgREST, Storage and Realtime switch to the role the
  -- token names. Only a signed-in (not anonymous) user's role changes.
  if claims ->> 'role' = 'authenticated' and claims -> 'user_roles' ? 'admin' then
    claims := claims || jsonb_build_object('role', 'marketbase_admin');
  end if;

  -- A refresh is not a sign-in. A sign-in is the owner's: it ends the count and the window.
  if coalesce(event ->> 'authentication_method', '') <> 'token_refresh' then
    insert into private.login_states as s (user_id, last_sign_in_at)
    values (token_user_id, now())
    on conflict (user_id) do update set last_sign_in_at = now(), failed_attempts = 0, locked_until = null;
  end if;

  return jsonb_build_object('claims', claims);
end
$$;

revoke execute on function public.custom_access_token_hook(jsonb) from public, anon, authenticated;
grant execute on function public.custom_access_token_hook(jsonb) to service_role, supabase_auth_admin;

comment on function public.custom_access_token_hook(jsonb) is
  'Supabase Auth custom access token hook: refuses blocked users (403), adds user_roles and staff_roles claims, makes an admin''s role marketbase_admin, records the sign-in. Never refuses a token for failed passwords.';

-- The catalog search reads as its owner: it leaves blocked providers' offerings out itself ------

-- Unchanged from 20260109000500 but for `o.owner_blocked_at is null`.
create or replace function private.search_offerings(
  query text default null,
  category_id uuid default null,
  min_price bigint default null,
  max_price bigint default null,
  currency char(3) default null,
  min_rating numeric default null,
  kind public.offering_kind default null,
  result_limit integer default 20,
  result_offset integer default 0
)
returns setof public.offerings
language plpgsql
stable
security definer
set search_path = ''
-- Each optional filter is `(x is null or ...)`: planned with the actual values, those fold
-- away and the indexes on what is given serve; a generic plan could not use them.
set plan_cache_mode = force_custom_plan
as $$
declare
  category_ids uuid[];
begin
  -- websearch_to_tsquery recurses per word: 100 KB of words exhausts the stack (54001) after
  -- 300 ms of work. No search a person types comes near the bound.
  if length(query) > 200 then
    raise exception 'query must be at most 200 characters' using errcode = '22023';
  end if;
  -- A null limit would mean no limit: refused like any other out-of-range page.
  if result_limit is null or result_offset is null
     or result_limit not between 1 and 100 or result_offset not between 0 and 10000 then
    raise exception 'result_limit must be 1..100 and result_offset 0..10000' using errcode = '22023';
  end if;
  if min_price > max_price then
    raise exception 'min_price must not exceed max_price' using errcode = '22023';
  end if;
  -- The category and its active subcategories, looked up first so the query below sees their
  -- ids as values: a subquery under `(category_id is null or ...)` stays a filter, which the
  -- category index cannot serve (a browse without words would read every active offering).
  if search_offerings.category_id is not null then
    category_ids := array(
      select c.id from public.categories c
      where c.is_active and (c.id = search_offerings.category_id or c.parent_id = search_offerings.category_id));
  end if;
  return query
  select o.*
  from public.offerings o
  left join public.provider_profiles p on p.user_id = o.provider_id
  where o.status = 'active'
    and o.owner_blocked_at is null
    and (category_ids is null or o.category_id = any (category_ids))
    and (min_price is null or o.price >= min_price)
    and (max_price is null or o.price <= max_price)
    and (search_offerings.currency is null or o.currency = search_offerings.currency)
    and (search_offerings.kind is null or o.kind = search_offerings.kind)
    and (min_rating is null or p.rating >= min_rating)
    and (nullif(trim(query), '') is null or o.search @@ websearch_to_tsquery('simple', query))
  order by p.rating desc nulls last, o.created_at desc, o.id
  limit result_limit offset result_offset;
end
$$;
