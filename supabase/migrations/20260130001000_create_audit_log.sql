-- lifecycle / audit: one log of the changes to the tables that matter, written by one generic
-- trigger that any table joins with a line of SQL (issue 19, "Audit").
--
--   select private.audit_table('public.offers');                                   -- every column
--   select private.audit_table('public.provider_profiles',
--                              only_columns => '{is_verified, verified_at, hourly_rate}');  -- some
--   select private.audit_table('public.coupons', ignored_columns => '{times_redeemed}');   -- all but
--
-- A row of public.audit_log says who (the user's id and the role of their token; with no token
-- the database role of the session: postgres for migrations and pg_cron, supabase_auth_admin for
-- the auth hooks), when (the transaction's time), what (insert / update / delete), which table
-- and row (the primary key as text; a composite key as a JSON object), and the values: for an
-- update only the columns that changed, old and new; for an insert the new row, for a delete
-- the old one. updated_at is never recorded (it changes with everything). An update that changes
-- nothing recorded writes nothing.
--
-- Cheap by construction: the trigger is plpgsql but does no per-column work itself; one
-- set-based query over the two rows' jsonb makes the diff. With only_columns the update trigger
-- is declared `after update of <columns>`, so updates that do not name them do not fire it.
--
-- Nobody writes the log through the API, admins included: no INSERT / UPDATE / DELETE privilege
-- for any API role, and a trigger refuses UPDATE and DELETE even to the owner. The trigger
-- function is SECURITY DEFINER in private (the writers of audited tables have no right on the
-- log). Admins read it (marketbase_admin policy), newest first by index.

create table public.audit_log (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default now(),
  actor_id uuid,
  actor_role text not null,
  operation text not null
    constraint audit_log_operation_values check (operation in ('insert', 'update', 'delete')),
  table_name text not null,
  row_id text not null,
  old_values jsonb,
  new_values jsonb,
  transaction_id bigint not null default txid_current()
);

-- Admin lists: newest first, a table's rows' history, what one person did.
create index audit_log_occurred_at_idx on public.audit_log (occurred_at desc, id desc);
create index audit_log_row_idx on public.audit_log (table_name, row_id, occurred_at desc);
create index audit_log_actor_idx on public.audit_log (actor_id, occurred_at desc) where actor_id is not null;

comment on table public.audit_log is
  'Changes to audited tables (roles, verification, prices, offers, coupons, refunds, disputes, settings, blocks): who, when, which row, the changed values. Read: admins. Written only by private.tg_audit.';
comment on column public.audit_log.actor_id is 'The user whose token made the change (auth.uid()); empty for the service role and the database''s own jobs.';
comment on column public.audit_log.actor_role is 'The token''s role (authenticated, marketbase_admin, service_role, anon) or, without a token, the database role of the session (postgres, supabase_auth_admin).';
comment on column public.audit_log.row_id is 'The primary key of the row, as text (a composite key as a JSON object).';
comment on column public.audit_log.old_values is 'Update: the changed columns before; delete: the row. Empty for inserts.';
comment on column public.audit_log.new_values is 'Update: the changed columns after; insert: the row. Empty for deletes.';
comment on column public.audit_log.transaction_id is 'The writing transaction: the changes one request made together share it.';

-- Access ----------------------------------------------------------------------------------------

alter table public.audit_log enable row level security;

revoke all on table public.audit_log from anon, authenticated, service_role;
grant select on table public.audit_log to authenticated, service_role;
-- The id sequence: readable, never advanced by an API role (nobody inserts).
revoke all on sequence public.audit_log_id_seq from anon, authenticated, service_role;
grant select on sequence public.audit_log_id_seq to service_role;

create policy "admins read the audit log"
  on public.audit_log for select
  to marketbase_admin
  using ((select private.is_admin()));

-- Not even the owner rewrites history (a retention job would have to drop this trigger, in the
-- open, in a migration). TRUNCATE, which tests use to start empty, is not a row change.
create function private.tg_audit_log_refuse_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'the audit log cannot be changed' using errcode = '42501';
end
$$;

create trigger refuse_change
  before update or delete on public.audit_log
  for each row execute function private.tg_audit_log_refuse_change();

-- The trigger ------------------------------------------------------------------------------------

-- TG_ARGV: [0] the primary key columns, comma-separated; [1] 'only' or 'except'; [2] the
-- columns (comma-separated) kept (only) or left out (except), updated_at always left out.
-- Security definer: whoever changes an audited table writes the log, which only its owner may.
create function private.tg_audit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  key_columns constant text[] := string_to_array(tg_argv[0], ',');
  mode constant text := tg_argv[1];
  columns constant text[] := string_to_array(nullif(tg_argv[2], ''), ',');
  claims constant jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  old_row jsonb;
  new_row jsonb;
  keyed jsonb;
begin
  if tg_op <> 'INSERT' then
    old_row := to_jsonb(old);
  end if;
  if tg_op <> 'DELETE' then
    new_row := to_jsonb(new);
  end if;
  keyed := coalesce(new_row, old_row);

  if mode = 'only' then
    old_row := (select jsonb_object_agg(c, old_row -> c) from unnest(columns) c where old_row ? c);
    new_row := (select jsonb_object_agg(c, new_row -> c) from unnest(columns) c where new_row ? c);
  else
    old_row := old_row - coalesce(columns, '{}') - 'updated_at';
    new_row := new_row - coalesce(columns, '{}') - 'updated_at';
  end if;

  if tg_op = 'UPDATE' then
    select jsonb_object_agg(n.key, o.value), jsonb_object_agg(n.key, n.value)
    into old_row, new_row
    from jsonb_each(new_row) n
    join jsonb_each(old_row) o on o.key = n.key
    where n.value is distinct from o.value;
    if new_row is null then
      return null;
    end if;
  end if;

  insert into public.audit_log (actor_id, actor_role, operation, table_name, row_id, old_values, new_values)
  values (
    nullif(claims ->> 'sub', '')::uuid,
    coalesce(claims ->> 'role', session_user),
    lower(tg_op),
    tg_table_schema || '.' || tg_table_name,
    case when cardinality(key_columns) = 1 then keyed ->> key_columns[1]
         else (select jsonb_object_agg(k, keyed -> k) from unnest(key_columns) k)::text end,
    old_row,
    new_row
  );
  return null;
end
$$;

revoke all on function private.tg_audit() from public, anon, authenticated, service_role;

comment on function private.tg_audit() is
  'Trigger (after insert / update / delete, per row): writes the change into public.audit_log. Attach it with private.audit_table.';

-- The one line a table needs --------------------------------------------------------------------

create function private.audit_table(
  target regclass,
  ignored_columns text[] default '{}',
  only_columns text[] default null
)
returns void
language plpgsql
set search_path = ''
as $$
declare
  key_columns text;
  unknown text;
  listed text;
  args text;
begin
  if only_columns is not null and cardinality(ignored_columns) > 0 then
    raise exception 'audit_table: give only_columns or ignored_columns, not both' using errcode = '22023';
  end if;
  select string_agg(a.attname, ',' order by k.ord) into key_columns
  from pg_catalog.pg_index i
  cross join lateral unnest(i.indkey) with ordinality k (attnum, ord)
  join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
  where i.indrelid = target and i.indisprimary;
  if key_columns is null then
    raise exception 'audit_table: % has no primary key', target using errcode = '22023';
  end if;
  select string_agg(c, ', ') into unknown
  from unnest(coalesce(only_columns, ignored_columns)) c
  where not exists (select 1 from pg_catalog.pg_attribute a
                    where a.attrelid = target and a.attname = c and a.attnum > 0 and not a.attisdropped);
  if unknown is not null then
    raise exception 'audit_table: % has no column %', target, unknown using errcode = '22023';
  end if;

  args := format('%L, %L, %L', key_columns, case when only_columns is null then 'except' else 'only' end,
                 array_to_string(coalesce(only_columns, ignored_columns), ','));
  -- Run again: the columns change.
  if exists (select 1 from pg_catalog.pg_trigger t where t.tgrelid = target and t.tgname = 'audit_changes') then
    execute format('drop trigger audit_changes on %s', target);
  end if;
  if exists (select 1 from pg_catalog.pg_trigger t where t.tgrelid = target and t.tgname = 'audit_rows') then
    execute format('drop trigger audit_rows on %s', target);
  end if;
  if only_columns is null then
    execute format('create trigger audit_changes after insert or update or delete on %s '
                   'for each row execute function private.tg_audit(%s)', target, args);
  else
    select string_agg(format('%I', c), ', ') into listed from unnest(only_columns) c;
    execute format('create trigger audit_rows after insert or delete on %s '
                   'for each row execute function private.tg_audit(%s)', target, args);
    execute format('create trigger audit_changes after update of %s on %s '
                   'for each row execute function private.tg_audit(%s)', listed, target, args);
  end if;
end
$$;

revoke all on function private.audit_table(regclass, text[], text[]) from public, anon, authenticated, service_role;

comment on function private.audit_table(regclass, text[], text[]) is
  'Attaches the audit trigger to a table (migrations only): every column but ignored_columns, or only only_columns. Run again to change the columns.';
