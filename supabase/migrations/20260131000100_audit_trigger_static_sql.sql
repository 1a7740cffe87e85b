-- Issue 24: the audit trigger (20260130001000) without dynamic SQL.
--
-- tg_audit built its INSERT ... SELECT with format() and ran it with EXECUTE, so Postgres parsed
-- and planned it on every statement: 0.26 ms of a refund.updated event's 1.5 ms of database time
-- (pg_stat_statements, track = all, bench/payments' data), a dashboard refund paying it twice.
-- The same queries are now static SQL. PL/pgSQL compiles a trigger function once per trigger
-- (the trigger's OID is part of its cache key), so each audited table's queries are planned
-- once per session over that table's transition tables, and reused.
--
-- What differed between tables moves from the query text into the data: the primary key and the
-- kept columns are the trigger's arguments, read into arrays, and the row key and the recorded
-- part of a row are expressions over to_jsonb(row) (written out in each query rather than in
-- helper functions: a function with `set search_path` is not inlined, and would cost a call per
-- row of a bulk update). The log's rows are the same as before.

create or replace function private.tg_audit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
-- The audited table's columns are in scope in the queries below: these names are the variables.
#variable_conflict use_variable
declare
  key_columns constant text[] := string_to_array(tg_argv[0], ',');
  keep_only constant boolean := tg_argv[1] = 'only';
  columns constant text[] := coalesce(string_to_array(nullif(tg_argv[2], ''), ','), '{}');
  claims constant jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  actor constant uuid := nullif(claims ->> 'sub', '')::uuid;
  actor_role_name constant text := coalesce(claims ->> 'role', session_user);
  audited_table constant text := tg_table_schema || '.' || tg_table_name;
begin
  if tg_op = 'UPDATE' then
    -- The rows before and after, paired by key; per pair only the recorded columns that changed.
    -- offset 0: each side's jsonb is computed once per row, not once per column compared.
    insert into public.audit_log (actor_id, actor_role, operation, table_name, row_id, old_values, new_values)
    select actor, actor_role_name, 'update', audited_table, n.row_id, d.old_values, d.new_values
    from (select case when cardinality(key_columns) = 1 then j.r ->> key_columns[1]
                       else (select jsonb_object_agg(k, j.r -> k) from unnest(key_columns) k)::text end as row_id,
                 case when keep_only then (select jsonb_object_agg(c, j.r -> c) from unnest(columns) c where j.r ? c)
                       else j.r - columns - 'updated_at'::text end as kept
          from new_rows x cross join lateral (select to_jsonb(x) as r) j
          offset 0) n
    join (select case when cardinality(key_columns) = 1 then j.r ->> key_columns[1]
                       else (select jsonb_object_agg(k, j.r -> k) from unnest(key_columns) k)::text end as row_id,
                 case when keep_only then (select jsonb_object_agg(c, j.r -> c) from unnest(columns) c where j.r ? c)
                       else j.r - columns - 'updated_at'::text end as kept
          from old_rows x cross join lateral (select to_jsonb(x) as r) j
          offset 0) o using (row_id)
    cross join lateral (
      select jsonb_object_agg(c.key, o.kept -> c.key) as old_values, jsonb_object_agg(c.key, c.value) as new_values
      from jsonb_each(n.kept) c
      where c.value is distinct from o.kept -> c.key
    ) d
    where d.new_values is not null;
  elsif tg_op = 'INSERT' then
    insert into public.audit_log (actor_id, actor_role, operation, table_name, row_id, old_values, new_values)
    select actor, actor_role_name, 'insert', audited_table,
           case when cardinality(key_columns) = 1 then j.r ->> key_columns[1]
                       else (select jsonb_object_agg(k, j.r -> k) from unnest(key_columns) k)::text end,
           null,
           case when keep_only then (select jsonb_object_agg(c, j.r -> c) from unnest(columns) c where j.r ? c)
                       else j.r - columns - 'updated_at'::text end
    from new_rows x cross join lateral (select to_jsonb(x) as r) j;
  else
    insert into public.audit_log (actor_id, actor_role, operation, table_name, row_id, old_values, new_values)
    select actor, actor_role_name, 'delete', audited_table,
           case when cardinality(key_columns) = 1 then j.r ->> key_columns[1]
                       else (select jsonb_object_agg(k, j.r -> k) from unnest(key_columns) k)::text end,
           case when keep_only then (select jsonb_object_agg(c, j.r -> c) from unnest(columns) c where j.r ? c)
                       else j.r - columns - 'updated_at'::text end,
           null
    from old_rows x cross join lateral (select to_jsonb(x) as r) j;
  end if;
  return null;
end
$$;
