-- lifecycle / soft delete (issue 19, seed 004's cascading soft delete): one mechanism that every
-- table joins with a line of SQL, not a copy per table.
--
-- * `select private.soft_deletable('public.jobs', 'client_id')` gives a table deleted_at,
--   restored_at and deleted_by_deletion (the deletion that took the row), two partial indexes,
--   the BEFORE DELETE trigger that turns a plain DELETE into a soft delete, and registers it
--   (with the column naming the row's owner, who may delete and undo it).
-- * `select private.soft_delete_edge('public.jobs', 'public.bids', 'job_id')` declares that
--   deleting a job takes its bids (seed 004's get_cascade_fields). The parent may be
--   'auth.users': a user's account is a root whose edges reach their jobs, posts, bids...
-- * private.soft_delete(root, id) cascades along the edges, level by level, in one statement
--   per edge, and records a deletion (root, who, when, rows per table). Every row it takes
--   carries the deletion's id, so private.restore_deletion brings back exactly those rows and
--   not the ones deleted earlier on their own (they carry another deletion, or none).
-- * `select private.never_deleted('public.invoices')`: money rows refuse DELETE, from anyone
--   (postgres and service_role included). TRUNCATE (the test cleanup) is not a DELETE.
-- * A hard delete (retention purge, an admin's hard delete) sets marketbase.hard_delete for its
--   transaction; a delete cascaded by a foreign key or another trigger (trigger depth > 1) is
--   the consequence of a delete already decided and passes too.

create table private.soft_delete_tables (
  table_name text primary key,
  key_column text not null,
  key_type text not null,
  owner_column text,
  created_at timestamptz not null default now()
);

comment on table private.soft_delete_tables is
  'Tables that joined the soft delete (private.soft_deletable): their single-column key, and the column naming the row''s owner (null: only admins delete and restore).';

create table private.soft_delete_edges (
  parent_table text not null,
  child_table text not null references private.soft_delete_tables (table_name) on delete cascade,
  fk_column text not null,
  fk_type text not null,
  primary key (parent_table, child_table, fk_column),
  constraint soft_delete_edges_no_loop check (parent_table <> child_table)
);

create index soft_delete_edges_child_idx on private.soft_delete_edges (child_table);

comment on table private.soft_delete_edges is
  'Cascade edges (seed 004''s get_cascade_fields): deleting a parent row soft-deletes the live child rows whose fk_column points at it. parent_table auth.users: a user''s account.';

create table private.deletions (
  id uuid primary key default gen_random_uuid(),
  root_table text not null,
  root_id text not null,
  deleted_by uuid,
  deleted_by_role text not null,
  reason text constraint deletions_reason_length check (char_length(reason) <= 500),
  deleted_at timestamptz not null default now(),
  row_counts jsonb not null default '{}',
  restored_at timestamptz,
  restored_by uuid,
  purged_at timestamptz
);

create index deletions_root_idx on private.deletions (root_table, root_id, deleted_at desc);
create index deletions_deleted_at_idx on private.deletions (deleted_at desc);
create index deletions_deleted_by_idx on private.deletions (deleted_by, deleted_at desc) where deleted_by is not null;

comment on table private.deletions is
  'One row per soft delete of a root (a job, a post, a chat room, a user''s account...): who (auth.uid(), null for the service) in which role, when, and the rows it took per table. restored_at / purged_at: what became of them.';

-- Rows the purge could not remove (a foreign key of a table outside the mechanism restricts
-- them, e.g. a job a booking still names): kept, listed for admins, skipped by later runs.
create table private.purge_blocked (
  table_name text not null,
  row_id text not null,
  reason text not null,
  blocked_at timestamptz not null default now(),
  primary key (table_name, row_id)
);

insert into private.settings (key, value, description, category, value_type, min_value, max_value) values
  ('soft_delete.retention_days', '30',
   'Soft-deleted rows are purged (deleted for good) this many days after their deletion by the hourly retention job.',
   'lifecycle', 'integer', 1, 3650),
  ('soft_delete.owner_restore_hours', '72',
   'An owner may undo a deletion they made themselves for this many hours; after that (or for an admin''s deletion) only admins restore.',
   'lifecycle', 'integer', 0, 8760),
  ('soft_delete.purge_batch_size', '1000',
   'Rows the retention job deletes per statement (each statement locks only its batch, skipping locked rows).',
   'lifecycle', 'integer', 10, 100000);

-- The declarations -------------------------------------------------------------------------------

create function private.soft_deletable(target regclass, owner_column text default null)
returns void
language plpgsql
set search_path = ''
as $$
declare
  table_name text := target::text;
  relname text := (select c.relname from pg_catalog.pg_class c where c.oid = target);
  key_column text;
  key_type text;
begin
  if exists (select 1 from pg_catalog.pg_trigger t where t.tgrelid = target and t.tgname = 'never_deleted') then
    raise exception '% holds money rows: they are never deleted, soft or hard', table_name using errcode = '22023';
  end if;
  select a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) into key_column, key_type
  from pg_catalog.pg_index i join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
  where i.indrelid = target and i.indisprimary and i.indnatts = 1;
  if key_column is null then
    raise exception '% needs a single-column primary key to be soft-deletable', table_name using errcode = '22023';
  end if;
  if owner_column is not null and not exists (
    select 1 from pg_catalog.pg_attribute a where a.attrelid = target and a.attname = owner_column and not a.attisdropped) then
    raise exception 'owner_column: % has no column %', table_name, owner_column using errcode = '22023';
  end if;

  -- No foreign key on deleted_by_deletion: a cascade marks thousands of rows and each would
  -- check it; the deletion rows are never deleted.
  execute format('alter table %s add column if not exists deleted_at timestamptz, '
                 'add column if not exists restored_at timestamptz, add column if not exists deleted_by_deletion uuid', target);
  execute format('comment on column %s.deleted_at is %L', target,
                 'Soft-deleted at (hidden from everyone but admins); null while live.');
  execute format('comment on column %s.restored_at is %L', target, 'Last brought back by a restore.');
  execute format('comment on column %s.deleted_by_deletion is %L', target,
                 'The deletion (root delete) that took this row: its restore brings it back. Null for rows deleted on their own before the mechanism.');
  -- The cascade and the restore find a deletion's rows by it; the purge and the admins' lists
  -- find old deleted rows by the other.
  execute format('create index if not exists %I on %s (deleted_by_deletion) where deleted_by_deletion is not null',
                 relname || '_deleted_by_deletion_idx', target);
  execute format('create index if not exists %I on %s (deleted_at) where deleted_at is not null',
                 relname || '_deleted_at_idx', target);
  execute format('drop trigger if exists soft_delete on %s', target);
  execute format('create trigger soft_delete before delete on %s for each row execute function private.tg_soft_delete()', target);

  insert into private.soft_delete_tables as t (table_name, key_column, key_type, owner_column)
  values (table_name, key_column, key_type, soft_deletable.owner_column)
  on conflict on constraint soft_delete_tables_pkey do update
    set key_column = excluded.key_column, key_type = excluded.key_type, owner_column = excluded.owner_column;
end
$$;

revoke all on function private.soft_deletable(regclass, text) from public;

comment on function private.soft_deletable(regclass, text) is
  'Declaration: the table joins the soft delete (columns deleted_at, restored_at, deleted_by_deletion; indexes; the BEFORE DELETE trigger; the registry). owner_column: who owns a row. Its read policies must still hide deleted_at rows from non-admins.';

create function private.soft_delete_edge(parent regclass, child regclass, fk_column text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  fk_type text;
begin
  if not exists (select 1 from private.soft_delete_tables t where t.table_name = child::text) then
    raise exception '% is not soft-deletable: declare it first', child using errcode = '22023';
  end if;
  if parent::text <> 'auth.users' and not exists (select 1 from private.soft_delete_tables t where t.table_name = parent::text) then
    raise exception '% is not soft-deletable: declare it first', parent using errcode = '22023';
  end if;
  select pg_catalog.format_type(a.atttypid, a.atttypmod) into fk_type
  from pg_catalog.pg_attribute a where a.attrelid = child and a.attname = fk_column and not a.attisdropped;
  if fk_type is null then
    raise exception 'fk_column: % has no column %', child, fk_column using errcode = '22023';
  end if;
  insert into private.soft_delete_edges (parent_table, child_table, fk_column, fk_type)
  values (parent::text, child::text, fk_column, fk_type)
  on conflict do nothing;
end
$$;

revoke all on function private.soft_delete_edge(regclass, regclass, text) from public;

comment on function private.soft_delete_edge(regclass, regclass, text) is
  'Declaration: deleting a row of parent (or a user''s account: auth.users) soft-deletes the live rows of child whose fk_column points at it, in the same deletion.';

create function private.tg_never_deleted()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception '% rows are money records and are never deleted', tg_table_name
    using errcode = '42501', hint = 'void, refund or credit them instead';
end
$$;

comment on function private.tg_never_deleted() is
  'Trigger: refuses DELETE on money rows, whoever asks (postgres and service_role included).';

create function private.never_deleted(target regclass)
returns void
language plpgsql
set search_path = ''
as $$
begin
  if exists (select 1 from private.soft_delete_tables t where t.table_name = target::text) then
    raise exception '% is soft-deletable: money rows are never deleted', target using errcode = '22023';
  end if;
  execute format('drop trigger if exists never_deleted on %s', target);
  execute format('create trigger never_deleted before delete on %s for each row execute function private.tg_never_deleted()', target);
end
$$;

revoke all on function private.never_deleted(regclass) from public;

comment on function private.never_deleted(regclass) is
  'Declaration: the table holds money rows; DELETE is refused for everyone, soft-deleting it is refused too.';
