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
-- Cheap by construction: the trigger runs once per statement over its transition tables and
-- does no per-column work in plpgsql; one set-based query makes the diff for all the rows.
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

-- Per statement, with the statement's rows as transition tables (old_rows / new_rows): one
-- INSERT ... SELECT writes the entries of the whole statement, the diff made by jsonb_each in
-- that query. Measured on a 20,000-row update of a bookings-shaped table (PG 15, this machine):
-- 0.1 s without audit, 1.5 s with it; a row-level plpgsql trigger took 2.4-3.4 s (a call and an
-- SPI insert per row). What remains is mostly the log's own insert and indexes. A one-row write
-- pays one trigger call and one insert.
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
  columns constant text[] := coalesce(string_to_array(nullif(tg_argv[2], ''), ','), '{}');
  claims constant jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  -- The recorded part of a row r (jsonb), and its key as text.
  kept constant text := case when tg_argv[1] = 'only'
    then '(select jsonb_object_agg(c, %1$s -> c) from unnest($4) c where %1$s ? c)'
    else '(%1$s - $4 - ''updated_at'')' end;
  row_key constant text := case when cardinality(key_columns) = 1
    then format('%%1$s ->> %L', key_columns[1])
    else '(select jsonb_object_agg(k, %1$s -> k) from unnest($5) k)::text' end;
  joined text;
begin
  if tg_op = 'UPDATE' then
    select string_agg(format('n.%1$I = o.%1$I', k), ' and ') into joined from unnest(key_columns) k;
    execute format(
      'insert into public.audit_log (actor_id, actor_role, operation, table_name, row_id, old_values, new_values) '
      'select $1, $2, ''update'', $3, %s, d.old_values, d.new_values '
      'from (select to_jsonb(n) as nj, %s as nk, %s as ok from new_rows n join old_rows o on %s offset 0) r '
      'cross join lateral (select jsonb_object_agg(x.key, r.ok -> x.key) as old_values, jsonb_object_agg(x.key, x.value) as new_values '
      '                    from jsonb_each(r.nk) x where x.value is distinct from r.ok -> x.key) d '
      'where d.new_values is not null',
      format(row_key, 'r.nj'), format(kept, 'to_jsonb(n)'), format(kept, 'to_jsonb(o)'), joined)
    using nullif(claims ->> 'sub', '')::uuid, coalesce(claims ->> 'role', session_user),
          tg_table_schema || '.' || tg_table_name, columns, key_columns;
  else
    execute format(
      'insert into public.audit_log (actor_id, actor_role, operation, table_name, row_id, old_values, new_values) '
      'select $1, $2, %L, $3, %s, %s, %s from %s r',
      lower(tg_op), format(row_key, 'to_jsonb(r)'),
      case when tg_op = 'DELETE' then format(kept, 'to_jsonb(r)') else 'null' end,
      case when tg_op = 'INSERT' then format(kept, 'to_jsonb(r)') else 'null' end,
      case when tg_op = 'DELETE' then 'old_rows' else 'new_rows' end)
    using nullif(claims ->> 'sub', '')::uuid, coalesce(claims ->> 'role', session_user),
          tg_table_schema || '.' || tg_table_name, columns, key_columns;
  end if;
  return null;
end
$$;

revoke all on function private.tg_audit() from public, anon, authenticated, service_role;

comment on function private.tg_audit() is
  'Trigger (after insert / update / delete, per statement, with transition tables old_rows / new_rows): writes the changes into public.audit_log. Attach it with private.audit_table.';

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
  args text;
  name text;
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

  -- Run again: the columns change.
  foreach name in array array['audit_inserts', 'audit_changes', 'audit_deletes'] loop
    if exists (select 1 from pg_catalog.pg_trigger t where t.tgrelid = target and t.tgname = name) then
      execute format('drop trigger %I on %s', name, target);
    end if;
  end loop;
  -- Transition tables take one event per trigger, and no column list: an update that touches
  -- none of only_columns costs one statement-level call whose diff finds nothing.
  args := format('%L, %L, %L', key_columns, case when only_columns is null then 'except' else 'only' end,
                 array_to_string(coalesce(only_columns, ignored_columns), ','));
  execute format('create trigger audit_inserts after insert on %s referencing new table as new_rows '
                 'for each statement execute function private.tg_audit(%s)', target, args);
  execute format('create trigger audit_changes after update on %s referencing old table as old_rows new table as new_rows '
                 'for each statement execute function private.tg_audit(%s)', target, args);
  execute format('create trigger audit_deletes after delete on %s referencing old table as old_rows '
                 'for each statement execute function private.tg_audit(%s)', target, args);
end
$$;

revoke all on function private.audit_table(regclass, text[], text[]) from public, anon, authenticated, service_role;

comment on function private.audit_table(regclass, text[], text[]) is
  'Attaches the audit triggers to a table (migrations only): every column but ignored_columns, or only only_columns. Run again to change the columns.';
