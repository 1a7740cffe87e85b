-- lifecycle / soft delete: deleting for good. The retention job (pg_cron, hourly) purges rows
-- soft-deleted longer ago than soft_delete.retention_days; an admin hard-deletes one deletion's
-- rows at once. Children before parents (the deepest tables of the edge graph first), in
-- statements of soft_delete.purge_batch_size rows that lock only their batch and skip rows
-- locked by others: no long lock on a table anyone uses.

-- Registered tables, children first: a table's rank is the longest path from it to a leaf.
create function private.soft_delete_tables_children_first()
returns table (table_name text, key_column text)
language sql
stable
set search_path = ''
as $$
  with recursive below (table_name, height) as (
    select t.table_name, 0 from private.soft_delete_tables t
    union all
    select e.parent_table, b.height + 1
    from below b join private.soft_delete_edges e on e.child_table = b.table_name
    where b.height < 16 and e.parent_table <> 'auth.users'
  )
  select t.table_name, t.key_column
  from private.soft_delete_tables t join below b using (table_name)
  group by t.table_name, t.key_column
  order by max(b.height), t.table_name
$$;

-- One batch of one table; a foreign key outside the mechanism may refuse a row (a job a
-- booking names): then the batch is retried row by row and refused rows are set aside.
create function private.purge_batch(table_name text, key_column text, cutoff timestamptz, deletion_id uuid, batch_size integer)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  purged integer;
  key_value text;
  due text := format(
    'select y.%2$I from %1$s y where y.deleted_at is not null and ($1::uuid is null or y.deleted_by_deletion = $1) '
    'and ($2::timestamptz is null or y.deleted_at < $2) '
    'and not exists (select 1 from private.purge_blocked b where b.table_name = %3$L and b.row_id = y.%2$I::text) '
    'order by y.deleted_at limit $3 for update skip locked', table_name, key_column, table_name);
begin
  perform set_config('marketbase.hard_delete', 'on', true);
  begin
    execute format('delete from %s x where x.%I in (%s)', table_name, key_column, due)
      using deletion_id, cutoff, batch_size;
    get diagnostics purged = row_count;
  exception when foreign_key_violation or insufficient_privilege or raise_exception then
    purged := 0;
    for key_value in execute format('select z.%I::text from (%s) z', key_column, due) using deletion_id, cutoff, batch_size loop
      begin
        execute format('delete from %s x where x.%I::text = $1', table_name, key_column) using key_value;
        purged := purged + 1;
      exception when foreign_key_violation or insufficient_privilege or raise_exception then
        insert into private.purge_blocked (table_name, row_id, reason) values (table_name, key_value, sqlerrm)
        on conflict do nothing;
      end;
    end loop;
  end;
  perform set_config('marketbase.hard_delete', 'off', true);
  return purged;
end
$$;

revoke all on function private.purge_batch(text, text, timestamptz, uuid, integer) from public;

create function private.purge_deleted(batch_size integer default null, max_batches integer default 100)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  cutoff timestamptz := now() - make_interval(days => (private.setting('soft_delete.retention_days') #>> '{}')::integer);
  size integer := coalesce(batch_size, (private.setting('soft_delete.purge_batch_size') #>> '{}')::integer, 1000);
  target record;
  purged bigint := 0;
  batches integer := 0;
  last integer;
begin
  for target in select * from private.soft_delete_tables_children_first() loop
    loop
      exit when batches >= max_batches;
      last := private.purge_batch(target.table_name, target.key_column, cutoff, null, size);
      batches := batches + 1;
      purged := purged + last;
      exit when last < size;
    end loop;
  end loop;
  if batches < max_batches then
    update private.deletions d set purged_at = now()
    where d.purged_at is null and d.restored_at is null and d.deleted_at < cutoff;
  end if;
  return purged;
end
$$;

revoke all on function private.purge_deleted(integer, integer) from public;

comment on function private.purge_deleted(integer, integer) is
  'Retention: deletes for good the rows soft-deleted before now() - soft_delete.retention_days, children first, batch_size rows per statement (soft_delete.purge_batch_size), at most max_batches statements per run (the next run goes on). Answers the rows purged. pg_cron runs it hourly.';

create function private.hard_delete_deletion(deletion_id uuid)
returns private.deletions
language plpgsql
security definer -- deletes rows of every table the deletion reached
set search_path = ''
as $$
declare
  deletion private.deletions;
  target record;
  removed bigint;
begin
  select * into deletion from private.deletions d where d.id = deletion_id for update;
  if not found then
    raise exception 'deletion % not found', deletion_id using errcode = 'PT404';
  elsif deletion.restored_at is not null or deletion.purged_at is not null then
    raise exception 'deletion % was restored or purged already', deletion_id using errcode = 'PT409';
  end if;
  perform set_config('marketbase.hard_delete', 'on', true);
  for target in select * from private.soft_delete_tables_children_first() t
                where t.table_name in (select jsonb_object_keys(deletion.row_counts)) loop
    execute format('delete from %s x where x.deleted_by_deletion = $1', target.table_name) using deletion.id;
    get diagnostics removed = row_count;
  end loop;
  perform set_config('marketbase.hard_delete', 'off', true);
  update private.deletions d set purged_at = now() where d.id = deletion.id returning * into deletion;
  return deletion;
end
$$;

revoke all on function private.hard_delete_deletion(uuid) from public;

comment on function private.hard_delete_deletion(uuid) is
  'Deletes for good every row one deletion took (children first). A foreign key outside the mechanism that still names one (a booking of the job...) refuses it: 23503.';

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('purge-soft-deleted', '41 * * * *', 'select private.purge_deleted()');
  end if;
end
$$;
