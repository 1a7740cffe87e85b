"""The Docker-free local stack: reset from nothing, errors that name file and line, the
seed, the dev server and its demo tokens, DATABASE_URL mode."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import jwt
import psycopg
import pytest
from fastapi.testclient import TestClient

from devstack import schema
from devstack.cli import LOCAL_JWT_SECRET, demo_tokens
from devstack.cluster import SUPERUSER, ClusterError
from devstack.devserver import build_app
from devstack.stack import Stack
from tests.support.database import ROOT, TestDatabase, free_port


def test_reset_builds_the_database_from_nothing(tmp_path: Path) -> None:
    stack = Stack(ROOT, external_url=None, port=free_port(), cluster_dir=tmp_path / "pg")
    try:
        seconds = stack.reset()
        with psycopg.connect(stack.owner_url) as conn:
            migrations = conn.execute("select count(*) from supabase_migrations.schema_migrations").fetchone()[0]
            users = conn.execute("select count(*) from auth.users").fetchone()[0]
            is_super = conn.execute("select rolsuper from pg_roles where rolname = current_user").fetchone()[0]
        assert migrations == len(list((ROOT / "supabase" / "migrations").glob("*.sql")))
        assert users == 22, "the seed's demo users"
        assert is_super is False, "migrations run as a postgres role without superuser, as on Supabase"
        assert seconds < 120
        # A second reset starts over rather than piling up.
        stack.reset()
        with psycopg.connect(stack.owner_url) as conn:
            assert conn.execute("select count(*) from auth.users").fetchone()[0] == 22
    finally:
        stack.cluster.destroy()


def test_a_broken_migration_stops_with_its_file_and_line(
    tmp_path: Path, test_database: TestDatabase, fresh_db: str
) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "supabase", root / "supabase")
    (root / "supabase" / "migrations" / "29990101000000_break_things.sql").write_text(
        "-- a comment\ncreate table private.ok (id int);\nselect * from no_such_table;\n"
    )
    with pytest.raises(schema.SqlFileError) as error:
        schema.apply_migrations(test_database.url(fresh_db), root)
    assert "supabase/migrations/29990101000000_break_things.sql:3" in str(error.value)
    assert "no_such_table" in str(error.value)
    with psycopg.connect(test_database.url(fresh_db)) as conn:
        assert conn.execute("select to_regclass('private.ok')").fetchone() == (None,), "nothing half-applied"


def test_seed_demo_users_get_tokens_with_their_roles(test_database: TestDatabase, fresh_db: str) -> None:
    url = test_database.url(fresh_db)
    schema.apply_seed(url, ROOT)
    tokens = {email: (roles, token) for email, roles, token in demo_tokens(Stack(ROOT, external_url=url))}
    roles, token = tokens["collector@petlab.local"]
    claims = jwt.decode(token, LOCAL_JWT_SECRET, algorithms=["HS256"], audience="authenticated")
    assert roles == "staff" and claims["staff_roles"] == ["collector"]
    assert jwt.decode(tokens["anon key"][1], LOCAL_JWT_SECRET, algorithms=["HS256"])["role"] == "anon"
    assert tokens["admin@marketbase.local"][0] == "admin"


def test_dev_server_reports_database_health(test_database: TestDatabase, fresh_db: str) -> None:
    app = build_app(test_database.url(fresh_db), test_database.url(fresh_db, user="authenticator"), "x" * 32)
    response = TestClient(app).get("/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["migrations"] == len(list((ROOT / "supabase" / "migrations").glob("*.sql")))


def test_dev_server_serves_the_lambda_apps_at_their_prefixes(
    test_database: TestDatabase, fresh_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET", raising=False)
    app = build_app(test_database.url(fresh_db), test_database.url(fresh_db, user="authenticator"), "x" * 32)
    client = TestClient(app)

    assert client.post("/checkout/sessions", json={"invoice_id": str(uuid.uuid4())}).status_code == 401
    assert client.post("/refunds/requests", json={"invoice_id": str(uuid.uuid4())}).status_code == 401
    assert client.post("/connect/onboarding").status_code == 401
    # No STRIPE_WEBHOOK_SECRET in this environment: the webhook says what is missing.
    unconfigured = client.post("/stripe/webhook", content=b"{}", headers={"stripe-signature": "t=1,v1=x"})
    assert unconfigured.status_code == 503
    assert "STRIPE_WEBHOOK_SECRET" in unconfigured.json()["message"]


def test_cli_uses_database_url_when_set(test_database: TestDatabase, fresh_db: str) -> None:
    url = test_database.url(fresh_db)
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "devstack.cli", "db"]
    assert subprocess.run([*run, "url"], env=env, cwd=ROOT, capture_output=True, text=True).stdout.strip() == url
    status = subprocess.run([*run, "status"], env=env, cwd=ROOT, capture_output=True, text=True).stdout
    assert "external database" in status and "PostgreSQL 15" in status
    migrate = subprocess.run([*run, "migrate"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert migrate.stdout.strip() == "no pending migrations", migrate.stderr


def test_reset_of_an_external_database_keeps_the_platform(test_database: TestDatabase, fresh_db: str) -> None:
    stack = Stack(ROOT, external_url=test_database.url(fresh_db))
    stack.reset()
    stack.reset()  # twice: the second one must find and drop everything the first made
    with psycopg.connect(stack.owner_url) as conn:
        assert conn.execute("select count(*) from auth.users").fetchone()[0] == 22
        assert conn.execute("select count(*) from public.profiles").fetchone()[0] == 22
        assert conn.execute("select to_regprocedure('auth.uid()') is not null").fetchone()[0]


def test_a_changed_port_is_followed_at_the_next_start(tmp_path: Path) -> None:
    """MARKETBASE_DB_PORT changed after the cluster was made: the cluster moves with it."""
    first, second = free_port(), free_port()
    old = Stack(ROOT, external_url=None, port=first, cluster_dir=tmp_path / "pg")
    old.start()
    try:
        moved = Stack(ROOT, external_url=None, port=second, cluster_dir=tmp_path / "pg")
        assert moved.cluster is not None
        with pytest.raises(ClusterError, match=f"running on port {first}, not {second}.*marketbase db stop"):
            moved.start()
        old.stop()
        moved.start()
        with psycopg.connect(moved.cluster.url(SUPERUSER, "template1")) as conn:
            assert conn.execute("show port").fetchone() == (str(second),)
    finally:
        assert old.cluster is not None
        old.cluster.destroy()
