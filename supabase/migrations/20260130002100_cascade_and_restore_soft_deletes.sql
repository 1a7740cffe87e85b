-- lifecycle / soft delete: the engine. A deletion cascades along the declared edges in one
-- transaction; its restore brings back the rows that carry its id; the purge deletes for good
-- what was deleted longer ago than soft_delete.retention_days, in batches, children first.
--
-- All of it runs as the tables' owner (security definer, or a cron job): the callers' rights
-- are checked by the public RPCs (20260130002200) or, for a plain DELETE, by the table's RLS
-- DELETE policy, which decides which rows reach the trigger.

-- The tables a deletion reaches from its root, with the depth of the longest path to each:
-- an edge is followed once every row of its parent table is marked (the graph has no loops).
create function private.soft_delete_plan(root_table text)
returns table (parent_table text, child_table text, fk_column text, fk_type text, depth integer)
language sql
stable
set search_path = ''
as $$
  with recursive reach (table_name, depth) as (
    select root_table, 0
    union all
    select e.child_table, r.depth + 1
    from reach r join private.soft_delete_edges e on e.parent_table = r.table_name
    where r.depth < 16
  ), depths as (
    select r.table_name, max(r.depth) as depth from reach r group by r.table_name
  )
  select e.parent_table, e.child_table, e.fk_column, e.fk_type, d.depth
  from private.soft_delete_edges e join depths d on d.table_name = e.parent_table
  order by d.depth, e.parent_table, e.child_table
$$;

create function private.soft_delete(root_table text, root_id text, reason text default null)
returns private.deletions
language plpgsql
security definer -- marks rows of every table the cascade reaches, whoever the caller
set search_path = ''
as $$
declare
  deletion private.deletions;
  root private.soft_delete_tables;
  edge record;
  counts jsonb := '{}';
  touched bigint;
  stamp timestamptz := now();
begin
  insert into private.deletions (root_table, root_id, deleted_by, deleted_by_role, reason)
  values (root_table, root_id, auth.uid(), coalesce(nullif(auth.role(), ''), current_user), left(reason, 500))
  returning * into deletion;

  select * into root from private.soft_delete_tables t where t.table_name = soft_delete.root_table;
  if found then
    execute format('update %s r set deleted_at = $1, deleted_by_deletion = $2 where r.%I = $3::%s and r.deleted_at is null',
                   root.table_name, root.key_column, root.key_type)
      using stamp, deletion.id, root_id;
    get diagnostics touched = row_count;
    if touched = 0 then
      raise exception '% % not found, or deleted already', root_table, root_id using errcode = 'PT404';
    end if;
    counts := jsonb_build_object(root_table, touched);
  elsif root_table <> 'auth.users' then
    raise exception '% is not soft-deletable', root_table using errcode = '22023';
  end if;

  for edge in select * from private.soft_delete_plan(root_table) loop
    if edge.parent_table = root_table and root.table_name is null then
      -- The root is a user's account: its edges point at the user id itself.
      execute format('update %s c set deleted_at = $1, deleted_by_deletion = $2 where c.%I = $3::%s and c.deleted_at is null',
                     edge.child_table, edge.fk_column, edge.fk_type)
        using stamp, deletion.id, root_id;
    else
      execute format('update %s c set deleted_at = $1, deleted_by_deletion = $2 where c.deleted_at is null and c.%I in '
                     '(select p.%I from %s p where p.deleted_by_deletion = $2)',
                     edge.child_table, edge.fk_column,
                     (select t.key_column from private.soft_delete_tables t where t.table_name = edge.parent_table),
                     edge.parent_table)
        using stamp, deletion.id;
    end if;
    get diagnostics touched = row_count;
    if touched > 0 then
      counts := jsonb_set(counts, array[edge.child_table], to_jsonb(coalesce((counts ->> edge.child_table)::bigint, 0) + touched));
    end if;
  end loop;

  update private.deletions d set row_counts = counts where d.id = deletion.id returning * into deletion;
  return deletion;
end
$$;

revoke all on function private.soft_delete(text, text, text) from public;

comment on function private.soft_delete(text, text, text) is
  'Soft-deletes a root row (or a user''s account: auth.users) and, along the declared edges, every live row beneath it, in one transaction; records the deletion with its row counts. No rights check: callers check.';

create function private.restore_deletion(deletion_id uuid)
returns private.deletions
language plpgsql
security definer -- restores rows of every table the deletion reached
set search_path = ''
as $$
declare
  deletion private.deletions;
  table_name text;
  parent record;
  stamp timestamptz := now();
begin
  select * into deletion from private.deletions d where d.id = deletion_id for update;
  if not found then
    raise exception 'deletion % not found', deletion_id using errcode = 'PT404';
  elsif deletion.purged_at is not null then
    raise exception 'deletion % was purged on %: nothing is left to restore', deletion_id, deletion.purged_at using errcode = 'PT409';
  elsif deletion.restored_at is not null then
    raise exception 'deletion % was restored already', deletion_id using errcode = 'PT409';
  end if;
  -- A row comes back under a live parent only: restore the parent's deletion first.
  for parent in
    select e.* from private.soft_delete_edges e
    where e.child_table in (select jsonb_object_keys(deletion.row_counts)) and e.parent_table <> 'auth.users'
  loop
    if private.has_deleted_parent(parent.parent_table, parent.child_table, parent.fk_column, deletion.id) then
      raise exception 'rows of this deletion belong to a deleted %: restore that first', parent.parent_table
        using errcode = 'PT409';
    end if;
  end loop;
  for table_name in select jsonb_object_keys(deletion.row_counts) loop
    execute format('update %s r set deleted_at = null, restored_at = $1, deleted_by_deletion = null where r.deleted_by_deletion = $2',
                   table_name)
      using stamp, deletion.id;
  end loop;
  update private.deletions d set restored_at = stamp, restored_by = auth.uid() where d.id = deletion.id returning * into deletion;
  return deletion;
end
$$;

revoke all on function private.restore_deletion(uuid) from public;

comment on function private.restore_deletion(uuid) is
  'Brings back exactly the rows one deletion took (those carrying its id), not rows deleted before on their own. Refused (PT409) when restored or purged already, or when a parent of its rows is still deleted by another deletion.';

create function private.has_deleted_parent(parent_table text, child_table text, fk_column text, deletion_id uuid)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
declare
  found_one boolean;
begin
  -- Written as an anti-join on the parent's key: one index probe per row of the deletion (a
  -- join on the parents' deleted_at index would scan every deleted parent per row).
  execute format('select exists (select 1 from %s c where c.deleted_by_deletion = $1 and c.%I is not null and not exists '
                 '(select 1 from %s p where p.%I = c.%I and (p.deleted_at is null or p.deleted_by_deletion = $1)))',
                 child_table, fk_column, parent_table,
                 (select t.key_column from private.soft_delete_tables t where t.table_name = parent_table), fk_column)
    into found_one using deletion_id;
  return found_one;
end
$$;

-- A plain DELETE on a soft-deletable table ---------------------------------------------------------

create function private.tg_soft_delete()
returns trigger
language plpgsql
security definer -- the cascade updates rows the caller's policies may not reach
set search_path = ''
as $$
declare
  registered private.soft_delete_tables;
begin
  -- A hard delete asked for by the purge or an admin's hard delete, or a delete that a foreign
  -- key or another trigger cascades from a delete already decided (e.g. an account erased).
  if current_setting('marketbase.hard_delete', true) = 'on' or pg_catalog.pg_trigger_depth() > 1 then
    return old;
  end if;
  if old.deleted_at is not null then
    return null; -- deleted already: nothing more to take
  end if;
  select * into registered from private.soft_delete_tables t where t.table_name = tg_relid::regclass::text;
  if not found then
    raise exception '% has the soft delete trigger but is not registered', tg_relid::regclass using errcode = '55000';
  end if;
  -- The RLS DELETE policy let this row through: the caller may delete it. It becomes a root.
  perform private.soft_delete(registered.table_name, to_jsonb(old) ->> registered.key_column, 'DELETE');
  return null;
end
$$;

comment on function private.tg_soft_delete() is
  'Trigger (BEFORE DELETE) of every soft-deletable table: a DELETE becomes a soft delete of the row as a root (with its cascade), unless marketbase.hard_delete is on or the delete is cascaded from another one.';
