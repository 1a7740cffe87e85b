"""What Supabase's platform is today, as facts, each checked against the stand-in in sql/platform.

Recorded from Supabase's own repositories and changelog (the Postgres image's migrations,
storage-api, Supabase Auth, pg_net, the CLI 2.117 and the PostgREST it pins) on 2026-12-03.
When the platform changes, change the fact here first: the stand-in then fails in exactly
one place instead of production failing somewhere."""

from __future__ import annotations

import psycopg
import pytest

FACTS: dict[str, str] = {
    # Changelog, 2026-05-30 (new projects) and 2026-10-30 (new tables of every project).
    "objects postgres creates in public get no privileges for the API roles by default": """
        select not exists (
          select 1 from pg_default_acl d, aclexplode(d.defaclacl) a
          where d.defaclrole = 'postgres'::regrole and d.defaclnamespace = 'public'::regnamespace
            and a.grantee in ('anon'::regrole, 'authenticated'::regrole, 'service_role'::regrole))""",
    # The image ships pg_net in schema net (PostgreSQL 15+).
    "pg_net's net.http_post takes (url, body, params, headers, timeout_milliseconds) and returns a request id": """
        select exists (
          select 1 from pg_proc p where p.oid = 'net.http_post(text, jsonb, jsonb, jsonb, integer)'::regprocedure
            and p.prorettype = 'bigint'::regtype
            and p.proargnames[1:5] = array['url', 'body', 'params', 'headers', 'timeout_milliseconds'])""",
    "pg_net queues requests in net.http_request_queue (method, url, headers, body bytea, timeout)": """
        select array_agg(attname::text || ':' || format_type(atttypid, null) order by attnum)
               @> array['method:net.http_method', 'url:text', 'headers:jsonb', 'body:bytea',
                        'timeout_milliseconds:integer']
        from pg_attribute where attrelid = 'net.http_request_queue'::regclass and attnum > 0""",
    # storage-api: migration "protect deletes".
    "storage refuses direct deletes on objects and buckets unless storage.allow_delete_query is set": """
        select count(*) = 2 from pg_trigger
        where tgname in ('protect_objects_delete', 'protect_buckets_delete')
          and tgfoid = 'storage.protect_delete()'::regprocedure""",
    "postgres is not a member of supabase_storage_admin": """
        select not pg_has_role('postgres', 'supabase_storage_admin', 'member')""",
    # The image's role settings.
    "authenticator has an 8 s statement timeout and lock timeout": """
        select exists (
          select 1 from pg_db_role_setting s where s.setrole = 'authenticator'::regrole and s.setdatabase = 0
            and s.setconfig @> array['statement_timeout=8s', 'lock_timeout=8s'])""",
    "anon has a 3 s and authenticated an 8 s statement timeout": """
        select (select setconfig @> array['statement_timeout=3s'] from pg_db_role_setting
                 where setrole = 'anon'::regrole and setdatabase = 0)
           and (select setconfig @> array['statement_timeout=8s'] from pg_db_role_setting
                 where setrole = 'authenticated'::regrole and setdatabase = 0)""",
    "service_role bypasses RLS and the API roles cannot log in": """
        select (select rolbypassrls from pg_roles where rolname = 'service_role')
           and not exists (select 1 from pg_roles where rolname in ('anon', 'authenticated', 'service_role')
                           and rolcanlogin)""",
    # Supabase Auth: the token columns it scans into strings, without a default.
    "auth.users has Auth's token columns, four of them without a default": """
        select count(*) = 4 from information_schema.columns
        where table_schema = 'auth' and table_name = 'users' and column_default is null
          and column_name in ('confirmation_token', 'recovery_token', 'email_change_token_new', 'email_change')""",
    # Supabase Auth: a session is a row of auth.sessions (the JWT's session_id) until sign-out
    # deletes it; postgres reads it (register_push_token, 20260115000300).
    "auth.sessions has a row per session, keyed by the access token's session_id, readable by postgres": """
        select exists (
          select 1 from information_schema.columns
          where table_schema = 'auth' and table_name = 'sessions' and column_name = 'id' and data_type = 'uuid')
           and exists (
          select 1 from pg_constraint c
          where c.conrelid = 'auth.sessions'::regclass and c.contype = 'f' and c.confrelid = 'auth.users'::regclass
            and c.confdeltype = 'c')
           and has_table_privilege('postgres', 'auth.sessions', 'select')""",
}


@pytest.mark.parametrize("fact", sorted(FACTS))
def test_the_stand_in_matches_the_platform(db: psycopg.Connection, fact: str) -> None:
    assert db.execute(FACTS[fact]).fetchone() == (True,), fact


def test_the_storage_guard_answers_as_storage_api(db: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="Use the Storage API instead"):
        db.execute("delete from storage.objects")
    db.rollback()
    db.execute("select set_config('storage.allow_delete_query', 'true', true)")
    db.execute("delete from storage.objects")
