-- lifecycle / soft delete: the API. One RPC per kind of root (a job, a post, a chat room, a
-- user's account), restore, and for admins the list of deletions and the hard delete.
--
-- Who may: owners delete their own roots (the registry's owner column; a user their own
-- account), admins and the service any. A restore is the admins' (and the service's); an owner
-- may undo a deletion they made themselves within soft_delete.owner_restore_hours, not one an
-- admin made (moderation stays). Admins read deleted rows through their own read policies
-- (`deleted_at is not null`); the deletions through list_deletions.

create function private.is_privileged()
returns boolean
language sql
stable
set search_path = ''
as $$
  -- service_role requests and the database itself carry no user id; admins are admins.
  select auth.uid() is null or private.is_admin()
$$;

create function private.delete_root(root_table text, root_id text, reason text default null)
returns jsonb
language plpgsql
security definer -- reads the root's owner whatever the caller's policies; private.soft_delete marks the rows
set search_path = ''
as $$
declare
  registered private.soft_delete_tables;
  owner_id uuid;
  deletion private.deletions;
begin
  if not private.is_privileged() then
    if root_table = 'auth.users' then
      owner_id := root_id::uuid;
    else
      select * into registered from private.soft_delete_tables t where t.table_name = delete_root.root_table;
      if registered.owner_column is not null then
        execute format('select r.%I::text::uuid from %s r where r.%I = $1::%s and r.deleted_at is null',
                       registered.owner_column, registered.table_name, registered.key_column, registered.key_type)
          into owner_id using root_id;
      end if;
    end if;
    if owner_id is distinct from auth.uid() then
      raise exception '% % not found among yours', root_table, root_id using errcode = 'PT404';
    end if;
  end if;
  deletion := private.soft_delete(root_table, root_id, reason);
  return jsonb_build_object('deletion_id', deletion.id, 'root_table', deletion.root_table, 'root_id', deletion.root_id,
                            'deleted_at', deletion.deleted_at, 'row_counts', deletion.row_counts);
end
$$;

revoke all on function private.delete_root(text, text, text) from public;
grant execute on function private.delete_root(text, text, text) to authenticated, service_role;

create function private.delete_job(job_id uuid, reason text default null)
returns jsonb
language plpgsql
security definer -- reads the job whatever the caller's policies
set search_path = ''
as $$
declare
  job public.jobs;
begin
  select * into job from public.jobs j where j.id = delete_job.job_id and j.deleted_at is null for update;
  if found and job.status in ('assigned', 'in_progress') and not private.is_privileged() then
    raise exception 'a job % is under way: cancel it first', job.status using errcode = 'PT409';
  end if;
  return private.delete_root('public.jobs', job_id::text, reason);
end
$$;

revoke all on function private.delete_job(uuid, text) from public;
grant execute on function private.delete_job(uuid, text) to authenticated, service_role;

create function private.restore_root(deletion_id uuid)
returns jsonb
language plpgsql
security definer -- reads the deletion record, private to the API
set search_path = ''
as $$
declare
  deletion private.deletions;
begin
  select * into deletion from private.deletions d where d.id = restore_root.deletion_id;
  if not private.is_privileged() and not coalesce(
    found and deletion.deleted_by = auth.uid() and deletion.deleted_by_role = 'authenticated'
    and deletion.deleted_at > now() - make_interval(hours => (private.setting('soft_delete.owner_restore_hours') #>> '{}')::integer),
    false
  ) then
    raise exception 'deletion % not found among the ones you may undo', restore_root.deletion_id using errcode = 'PT404';
  end if;
  deletion := private.restore_deletion(restore_root.deletion_id);
  return jsonb_build_object('deletion_id', deletion.id, 'root_table', deletion.root_table, 'root_id', deletion.root_id,
                            'restored_at', deletion.restored_at, 'row_counts', deletion.row_counts);
end
$$;

revoke all on function private.restore_root(uuid) from public;
grant execute on function private.restore_root(uuid) to authenticated, service_role;

create function private.admin_hard_delete(deletion_id uuid)
returns jsonb
language plpgsql
security definer -- deletes rows of every table the deletion reached
set search_path = ''
as $$
declare
  deletion private.deletions;
begin
  if not private.is_privileged() then
    raise exception 'only admins delete for good' using errcode = '42501';
  end if;
  deletion := private.hard_delete_deletion(admin_hard_delete.deletion_id);
  return jsonb_build_object('deletion_id', deletion.id, 'purged_at', deletion.purged_at, 'row_counts', deletion.row_counts);
end
$$;

revoke all on function private.admin_hard_delete(uuid) from public;
grant execute on function private.admin_hard_delete(uuid) to authenticated, service_role;

create function private.list_deletions(of_table text default null, only_open boolean default true, max_rows integer default 100)
returns table (id uuid, root_table text, root_id text, deleted_by uuid, deleted_by_role text, reason text,
               deleted_at timestamptz, row_counts jsonb, restored_at timestamptz, restored_by uuid, purged_at timestamptz)
language plpgsql
stable
security definer -- the deletions are private; admins only
set search_path = ''
as $$
begin
  if not private.is_privileged() then
    raise exception 'only admins list deletions' using errcode = '42501';
  end if;
  return query
    select d.id, d.root_table, d.root_id, d.deleted_by, d.deleted_by_role, d.reason, d.deleted_at, d.row_counts,
           d.restored_at, d.restored_by, d.purged_at
    from private.deletions d
    where (of_table is null or d.root_table = of_table)
      and (not only_open or (d.restored_at is null and d.purged_at is null))
    order by d.deleted_at desc
    limit least(greatest(max_rows, 1), 1000);
end
$$;

revoke all on function private.list_deletions(text, boolean, integer) from public;
grant execute on function private.list_deletions(text, boolean, integer) to authenticated, service_role;

-- The public wrappers ---------------------------------------------------------------------------

create function public.delete_job(job_id uuid, reason text default null)
returns jsonb language sql security invoker set search_path = ''
as $$ select private.delete_job(job_id, reason) $$;

create function public.delete_post(post_id uuid, reason text default null)
returns jsonb language sql security invoker set search_path = ''
as $$ select private.delete_root('public.posts', post_id::text, reason) $$;

create function public.delete_chat_room(room_id uuid, reason text default null)
returns jsonb language sql security invoker set search_path = ''
as $$ select private.delete_root('public.chat_rooms', room_id::text, reason) $$;

create function public.soft_delete_account(user_id uuid default null, reason text default null)
returns jsonb language sql security invoker set search_path = ''
as $$ select private.delete_root('auth.users', coalesce(user_id, auth.uid())::text, reason) $$;

create function public.restore_deletion(deletion_id uuid)
returns jsonb language sql security invoker set search_path = ''
as $$ select private.restore_root(deletion_id) $$;

create function public.hard_delete_deletion(deletion_id uuid)
returns jsonb language sql security invoker set search_path = ''
as $$ select private.admin_hard_delete(deletion_id) $$;

create function public.list_deletions(of_table text default null, only_open boolean default true, max_rows integer default 100)
returns table (id uuid, root_table text, root_id text, deleted_by uuid, deleted_by_role text, reason text,
               deleted_at timestamptz, row_counts jsonb, restored_at timestamptz, restored_by uuid, purged_at timestamptz)
language sql stable security invoker set search_path = ''
as $$ select * from private.list_deletions(of_table, only_open, max_rows) $$;

revoke all on function public.delete_job(uuid, text), public.delete_post(uuid, text), public.delete_chat_room(uuid, text),
  public.soft_delete_account(uuid, text), public.restore_deletion(uuid), public.hard_delete_deletion(uuid),
  public.list_deletions(text, boolean, integer) from public, anon;
grant execute on function public.delete_job(uuid, text), public.delete_post(uuid, text), public.delete_chat_room(uuid, text),
  public.soft_delete_account(uuid, text), public.restore_deletion(uuid), public.hard_delete_deletion(uuid),
  public.list_deletions(text, boolean, integer) to authenticated, service_role;

comment on function public.delete_job(uuid, text) is
  'RPC: soft-deletes a job with its bids, files and chat rooms (and their messages). The client (not while assigned or in progress: PT409) or an admin. Answers deletion_id and row_counts (keep deletion_id to undo). Errors: PT404 not a live job of yours.';
comment on function public.delete_post(uuid, text) is
  'RPC: soft-deletes a post with its comments. The author or an admin. Answers deletion_id and row_counts. Errors: PT404 not a live post of yours.';
comment on function public.delete_chat_room(uuid, text) is
  'RPC: soft-deletes a chat room with its messages. Admins. Answers deletion_id and row_counts. Errors: PT404.';
comment on function public.soft_delete_account(uuid, text) is
  'RPC: soft-deletes a user''s content (jobs and what hangs on them, bids, posts, comments, reviews): restorable, unlike the erasure of the account. Oneself (user_id null) or, for admins, anyone. Answers deletion_id and row_counts.';
comment on function public.restore_deletion(uuid) is
  'RPC: brings back exactly what one deletion took. Admins; the owner who deleted, within soft_delete.owner_restore_hours. Errors: PT404 not a deletion you may undo, PT409 restored or purged already, or a parent is still deleted.';
comment on function public.hard_delete_deletion(uuid) is
  'RPC (admins): deletes for good what one deletion took. Errors: 42501 not an admin, PT404, PT409 restored or purged, 23503 a booking or invoice still names a row.';
comment on function public.list_deletions(text, boolean, integer) is
  'RPC (admins): the latest deletions (root, who, when, rows per table), open ones only by default. The deleted rows themselves are read from their tables (deleted_at is not null) through the admins'' policies.';
