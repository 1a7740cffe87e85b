"""The rules of Supabase's database advisors (splinter), run by sql/checks/advisors.sql:
the schema is clean, and each rule catches what it is for."""

from __future__ import annotations

import psycopg
import pytest

from tests.database.test_access_coverage import exposed_schemas
from tests.support.database import ROOT

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
    "security_definer_function_executable": """
        create function public.g() returns int language sql security definer set search_path = '' as 'select 1';
        grant execute on function public.g() to authenticated""",
}


@pytest.mark.parametrize("lint", sorted(VIOLATIONS))
def test_advisor_rule_catches_its_violation(db: psycopg.Connection, lint: str) -> None:
    db.execute(VIOLATIONS[lint])
    assert lint in {row[0] for row in findings(db)}
