"""The real Supabase CLI (node_modules/.bin/supabase, pinned in package.json) on our files:
`supabase db push --db-url` builds a database from supabase/migrations and the seed that the
whole pgTAP suite passes on, and it agrees with our own loader about what is applied."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from devstack import paths, schema
from devstack.cluster import SUPERUSER
from tests.database.test_pgtap_suite import run_pg_prove
from tests.support.database import ROOT, TestDatabase

CLI = ROOT / "node_modules" / ".bin" / "supabase"


def supabase(*args: str, db_url: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI on this project against `db_url`; fail with its output when it fails."""
    assert CLI.exists(), f"{CLI} not found: run scripts/setup (npm ci)"
    env = {**os.environ, "SUPABASE_TELEMETRY_DISABLED": "1", "DO_NOT_TRACK": "1"}
    command = [str(CLI), *args, "--db-url", f"{db_url}?sslmode=disable", "--workdir", str(ROOT), "--agent", "no"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"supabase {' '.join(args)} failed:\n{result.stdout[-3000:]}{result.stderr[-5000:]}"
    return result


def local_versions() -> list[str]:
    return [path.name.partition("_")[0] for path in paths.migration_files(ROOT)]


def assert_every_migration_applied(db_url: str) -> None:
    listed = json.loads(supabase("migration", "list", "--output-format", "json", db_url=db_url).stdout)
    rows = listed["migrations"]
    assert [row["local"] for row in rows] == local_versions()
    not_applied = [row["local"] for row in rows if row["remote"] != row["local"]]
    assert not not_applied, f"local migrations the CLI sees as not applied: {not_applied}"


@pytest.fixture
def empty_database(test_database: TestDatabase) -> Iterator[str]:
    """A database with the platform stand-in only, as a Supabase project starts; its URL as postgres."""
    if test_database.external:
        pytest.skip("needs the throwaway cluster: db push builds a database of its own")
    name = f"cli_{uuid.uuid4().hex[:12]}"
    schema.recreate_database(test_database.url("template1", SUPERUSER), name)
    schema.apply_platform(test_database.url(name, SUPERUSER), ROOT)
    yield test_database.url(name)
    test_database.drop(name)


def test_db_push_applies_every_migration_and_the_seed_and_the_pgtap_suite_passes(empty_database: str) -> None:
    # The stand-in has no supautils: postgres gets its storage policy rights for the push,
    # as it does for a migration run of our own.
    with psycopg.connect(empty_database, autocommit=True) as conn, schema.storage_policy_rights(conn):
        supabase("db", "push", "--include-seed", "--yes", db_url=empty_database)

    assert_every_migration_applied(empty_database)
    with psycopg.connect(empty_database) as conn:
        assert conn.execute("select path from supabase_migrations.seed_files").fetchall() == [("supabase/seed.sql",)]
        assert conn.execute("select count(*) from auth.users").fetchone() != (0,), "the seed's demo users"
    run_pg_prove(empty_database)


def test_the_cli_finds_nothing_to_push_on_a_database_built_by_our_loader(
    test_database: TestDatabase, fresh_db: str
) -> None:
    url = test_database.url(fresh_db)
    assert_every_migration_applied(url)
    pushed = json.loads(supabase("db", "push", "--dry-run", "--yes", "--output-format", "json", db_url=url).stdout)
    assert pushed["upToDate"] is True, pushed
