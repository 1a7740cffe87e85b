-- Our own run of the rules behind Supabase's database advisors (the splinter lints), on the
-- whole schema. One row per finding: (lint, object, detail); no rows means clean.
-- The exposed schemas come from supabase/config.toml through the setting
-- marketbase.exposed_schemas (comma-separated), set by whoever runs this.
with
exposed as (
  select unnest(string_to_array(current_setting('marketbase.exposed_schemas'), ',')) as nspname
),
-- Schemas whose objects are ours (not the platform's, not an extension's).
own as (
  select n.oid, n.nspname from pg_namespace n
  where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'auth', 'storage', 'extensions',
                          'realtime', 'graphql', 'graphql_public', 'supabase_migrations', 'cron', 'vault',
                          'pgsodium', 'net', 'supabase_functions', 'tests')
    and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'
),
own_relations as (
  select c.*, n.nspname from pg_class c join own n on n.oid = c.relnamespace
  where not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
),
own_functions as (
  select p.*, n.nspname from pg_proc p join own n on n.oid = p.pronamespace
  where not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
),
policies as (
  select p.schemaname, p.tablename, p.policyname, p.permissive, p.roles, p.cmd,
         coalesce(p.qual, '') as qual, coalesce(p.with_check, '') as with_check
  from pg_policies p join own n on n.nspname = p.schemaname
)
-- 0013 rls_disabled_in_public
select 'rls_disabled_in_public' as lint, format('%I.%I', c.nspname, c.relname) as object, 'RLS is off' as detail
from own_relations c
where c.relkind in ('r', 'p') and c.nspname in (select nspname from exposed) and not c.relrowsecurity
union all
-- 0007 policy_exists_rls_disabled
select 'policy_exists_rls_disabled', format('%I.%I', c.nspname, c.relname), 'policies exist but RLS is off'
from own_relations c
where c.relkind in ('r', 'p') and not c.relrowsecurity
  and exists (select 1 from pg_policy pol where pol.polrelid = c.oid)
union all
-- 0011 function_search_path_mutable
select 'function_search_path_mutable', p.oid::regprocedure::text, 'no search_path set'
from own_functions p
where not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) cfg where cfg like 'search_path=%')
union all
-- 0010 security_definer_view
select 'security_definer_view', format('%I.%I', c.nspname, c.relname), 'view runs with its owner''s rights'
from own_relations c
where c.relkind = 'v' and c.nspname in (select nspname from exposed)
  and not coalesce(c.reloptions @> array['security_invoker=true'] or c.reloptions @> array['security_invoker=on'], false)
union all
-- 0003 auth_rls_initplan: auth.*() / current_setting() / our private helpers called per row
select 'auth_rls_initplan', format('%I.%I: %s', p.schemaname, p.tablename, p.policyname), 'call not wrapped in (select ...)'
from policies p
where regexp_replace(p.qual || ' ' || p.with_check,
                     '\(\s*SELECT\s+(auth|private)\.\w+\([^()]*\)\s+AS\s+\w+\)', '', 'gi')
      ~* '((auth|private)\.\w+\(|current_setting\()'
union all
-- 0006 multiple_permissive_policies
select 'multiple_permissive_policies', format('%I.%I', x.schemaname, x.tablename),
       format('%s policies for role %s, %s: %s', count(*), x.role, x.action, string_agg(x.policyname, ', '))
from (
  select p.schemaname, p.tablename, p.policyname, r.role, a.action
  from policies p
  cross join lateral unnest(case when p.roles = '{public}' then array['anon', 'authenticated', 'service_role'] else p.roles end) r (role)
  cross join lateral unnest(case when p.cmd = 'ALL' then array['SELECT', 'INSERT', 'UPDATE', 'DELETE'] else array[p.cmd] end) a (action)
  where p.permissive = 'PERMISSIVE'
) x
group by x.schemaname, x.tablename, x.role, x.action
having count(*) > 1
union all
-- 0001 unindexed_foreign_keys
select 'unindexed_foreign_keys', format('%I.%I', c.nspname, c.relname), con.conname
from pg_constraint con join own_relations c on c.oid = con.conrelid
where con.contype = 'f'
  and not exists (
    select 1 from pg_index i
    where i.indrelid = con.conrelid
      and (i.indkey::int2[])[0:cardinality(con.conkey) - 1] @> con.conkey
      and (i.indkey::int2[])[0:cardinality(con.conkey) - 1] <@ con.conkey
  )
union all
-- 0009 duplicate_index
select 'duplicate_index', format('%I.%I', c.nspname, c.relname),
       string_agg(i.indexrelid::regclass::text, ', ')
from pg_index i join own_relations c on c.oid = i.indrelid
group by c.nspname, c.relname, i.indrelid, i.indkey::text, i.indclass::text, coalesce(pg_get_expr(i.indexprs, i.indrelid), ''),
         coalesce(pg_get_expr(i.indpred, i.indrelid), '')
having count(*) > 1
union all
-- 0014 extension_in_public
select 'extension_in_public', e.extname, 'installed in schema public'
from pg_extension e where e.extnamespace = 'public'::regnamespace
union all
-- 0024 rls_policy_always_true (writes)
select 'rls_policy_always_true', format('%I.%I: %s', p.schemaname, p.tablename, p.policyname), p.cmd
from policies p
where p.cmd in ('INSERT', 'UPDATE', 'DELETE', 'ALL')
  and (btrim(p.qual) = 'true' or btrim(p.with_check) = 'true')
union all
-- 0002 auth_users_exposed (and 0016 materialized_view_in_api)
select 'auth_users_exposed', format('%I.%I', c.nspname, c.relname), 'view in an exposed schema reads auth.users'
from own_relations c
join pg_rewrite rw on rw.ev_class = c.oid
join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = rw.oid and d.refobjid = 'auth.users'::regclass
where c.relkind in ('v', 'm') and c.nspname in (select nspname from exposed)
union all
select 'materialized_view_in_api', format('%I.%I', c.nspname, c.relname), 'materialized views ignore RLS'
from own_relations c
where c.relkind = 'm' and c.nspname in (select nspname from exposed)
union all
-- 0028 anon_security_definer_function_executable / 0029 authenticated_...: a SECURITY DEFINER
-- function in an exposed schema that the API role may execute (PUBLIC's grant counts). No
-- comment exempts it: the body belongs in `private` behind an invoker wrapper (README).
select r.role || '_security_definer_function_executable', p.oid::regprocedure::text,
       format('SECURITY DEFINER and executable by %s through /rest/v1/rpc/%s', r.role, p.proname)
from own_functions p
cross join (values ('anon'), ('authenticated')) r (role)
where p.prosecdef and p.nspname in (select nspname from exposed)
  and has_function_privilege(r.role, p.oid, 'execute')
union all
-- 0025 public_bucket_allows_listing: a public bucket is served by URL; a broad SELECT policy on
-- storage.objects (no condition, `true`, or only `bucket_id = '<the bucket>'`) lets anyone
-- list every file in it.
select 'public_bucket_allows_listing', b.id, format('policy %s', pol.policyname)
from storage.buckets b
join pg_policies pol
  on pol.schemaname = 'storage' and pol.tablename = 'objects' and pol.cmd in ('SELECT', 'ALL')
 and pol.permissive = 'PERMISSIVE' and pol.roles && array['public', 'anon', 'authenticated']::name[]
where b.public
  and (pol.qual is null
       or regexp_replace(lower(pol.qual), '\s', '', 'g') in ('true', '(true)', '1=1', '(1=1)')
       or regexp_replace(pol.qual, '\s', '', 'g')
          ~ ('^\(*bucket_id=' || quote_literal(b.id) || '(::[a-z_. ]+)?\)*$'))
