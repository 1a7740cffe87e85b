"""The rules of Supabase's database advisors (splinter), run by sql/checks/advisors.sql:
the schema is clean, and each rule catches what it is for."""

from __future__ import annotations

import json
import subprocess

import psycopg
import pytest
from psycopg import sql

from devstack.cluster import SUPERUSER
from tests.database.test_access_coverage import exposed_schemas
from tests.support.database import ROOT, TestDatabase

CHECKS = (ROOT / "sql" / "checks" / "advisors.sql").read_text()


def findings(conn: psycopg.Connection) -> list[tuple[str, str, str]]:
    conn.execute("select set_config('marketbase.exposed_schemas', %s, true)", (",".join(exposed_schemas()),))
    return conn.execute(CHECKS).fetchall()


def test_schema_passes_every_advisor_rule(db: psycopg.Connection) -> None:
    assert findings(db) == []


VIOLATIONS = {
    "rls_disabled_in_public": "create table public.loose (id int primary key)",
    "policy_exists_rls_disabled": """
        create table private.half (id int primary key);
        create policy "p" on private.half for select to authenticated using (true)""",
    "function_search_path_mutable": "create function public.f() returns int language sql as 'select 1'",
    "security_definer_view": """
        create table public.t (id int primary key); alter table public.t enable row level security;
        create view public.v as select * from public.t""",
    "auth_rls_initplan": """
        create table public.t (id uuid primary key); alter table public.t enable row level security;
        create policy "per row" on public.t for select to authenticated using (id = auth.uid())""",
    "multiple_permissive_policies": """
        create table public.t (id uuid primary key); alter table public.t enable row level security;
        create policy "a" on public.t for select to authenticated using (id = (select auth.uid()));
        create policy "b" on public.t for all to authenticated using ((select private.is_admin()))""",
    "unindexed_foreign_keys": """
        create table private.child (id int primary key, user_id uuid references auth.users (id))""",
    "duplicate_index": "create index addresses_user_id_again on public.addresses (user_id)",
    "extension_in_public": "create extension hstore with schema public",
    "rls_policy_always_true": """
        create table public.t (id int primary key); alter table public.t enable row level security;
        create policy "open" on public.t for insert to authenticated with check (true)""",
    "auth_users_exposed": """
        create view public.emails with (security_invoker = true) as select id, email from auth.users""",
    "anon_security_definer_function_executable": """
        create function public.g() returns int language sql security definer set search_path = '' as 'select 1';
        revoke execute on function public.g() from public;
        grant execute on function public.g() to anon""",
    "authenticated_security_definer_function_executable": """
        create function public.g() returns int language sql security definer set search_path = '' as 'select 1';
        revoke execute on function public.g() from public;
        grant execute on function public.g() to authenticated;
        comment on function public.g() is 'RPC: a comment does not make it safe'""",
    "public_bucket_allows_listing": """
        grant supabase_storage_admin to postgres;  -- as a migration run has it (schema.storage_policy_rights)
        insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);
        create policy "anyone lists avatars" on storage.objects for select to anon using (bucket_id = 'avatars')""",
}


def test_a_definer_reached_only_through_an_invoker_wrapper_is_clean(db: psycopg.Connection) -> None:
    """The README's rule for definer functions: the body in private, the API an invoker wrapper."""
    db.execute("""
        create function private.g() returns int language sql security definer set search_path = '' as 'select 1';
        grant execute on function private.g() to authenticated;
        create function public.g() returns int language sql security invoker set search_path = ''
          as 'select private.g()';
        grant execute on function public.g() to authenticated""")
    assert findings(db) == []


def test_a_private_read_policy_on_a_public_bucket_is_clean(db: psycopg.Connection) -> None:
    db.execute("""
        grant supabase_storage_admin to postgres;  -- as a migration run has it (schema.storage_policy_rights)
        insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);
        create policy "owners list their avatars" on storage.objects for select to authenticated
          using (bucket_id = 'avatars' and owner_id = (select auth.uid())::text)""")
    assert findings(db) == []


@pytest.mark.parametrize("lint", sorted(VIOLATIONS))
def test_advisor_rule_catches_its_violation(db: psycopg.Connection, lint: str) -> None:
    db.execute(VIOLATIONS[lint])
    assert lint in {row[0] for row in findings(db)}


# -- Supabase's own advisors, as the CLI runs them ------------------------------------------------

SUPABASE_CLI = ROOT / "node_modules" / ".bin" / "supabase"


def cli_advisors(test_database: TestDatabase, database: str) -> list[dict]:
    """`supabase db advisors` (the splinter lints the CLI ships) on a database, at WARN and up.

    The lints read the exposed schemas from the setting `pgrst.db_schemas` (PostgREST's
    in-database configuration), else take `public` alone; the CLI passes no settings of its
    own, so the database carries ours (config.toml's [api] schemas)."""
    assert SUPABASE_CLI.exists(), "the Supabase CLI is missing: run scripts/setup (npm ci)"
    with psycopg.connect(test_database.url(database, SUPERUSER), autocommit=True) as conn:
        conn.execute(
            sql.SQL("alter database {} set pgrst.db_schemas = {}").format(
                sql.Identifier(database), sql.Literal(",".join(["graphql_public", *exposed_schemas()]))
            )
        )
    result = subprocess.run(
        [SUPABASE_CLI, "db", "advisors", "--db-url", f"{test_database.url(database)}?sslmode=disable",
         "--type", "all", "--level", "warn", "--fail-on", "none", "-o", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip().startswith("[") else []


def test_supabase_cli_advisors_find_nothing_at_warn_or_error(test_database: TestDatabase, fresh_db: str) -> None:
    lints = cli_advisors(test_database, fresh_db)
    assert [(x["name"], x["detail"]) for x in lints] == []


def test_supabase_cli_advisors_see_our_exposed_schemas(test_database: TestDatabase, fresh_db: str) -> None:
    with psycopg.connect(test_database.url(fresh_db), autocommit=True) as conn:
        conn.execute("create table service.loose (id int primary key); grant select on service.loose to authenticated")
    lints = cli_advisors(test_database, fresh_db)
    assert ("rls_disabled_in_public", "service") in {(x["name"], x["metadata"]["schema"]) for x in lints}
