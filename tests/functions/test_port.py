"""The database port's error mapping, the adapter choice, and what importing it costs."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from devstack.postgres_adapter import PostgresDatabase
from functions.db import factory
from functions.db.port import Caller, DatabaseError, http_status_for
from functions.db.supabase_adapter import SupabaseDatabase
from functions.settings import MissingSetting, Settings
from tests.functions.fake_postgrest import postgrest_status
from tests.support.database import ROOT


@pytest.mark.parametrize(
    ("code", "role", "status"),
    [
        ("P0001", "authenticated", 400),
        ("P0002", "authenticated", 500),
        ("42501", "authenticated", 403),
        ("42501", "service_role", 403),
        ("42501", "anon", 401),
        ("23505", "authenticated", 409),
        ("23503", "authenticated", 409),
        ("23P01", "authenticated", 400),
        ("22023", "authenticated", 400),
        ("22P02", "authenticated", 400),
        ("23502", "authenticated", 400),
        ("23514", "authenticated", 400),
        ("PT409", "authenticated", 409),
        ("PT402", "authenticated", 402),
        ("PTabc", "authenticated", 400),
        ("40001", "authenticated", 500),
        ("40P01", "authenticated", 500),
        ("08006", "authenticated", 503),
        ("53300", "authenticated", 503),
        ("42883", "authenticated", 404),
        ("PGRST202", "authenticated", 404),
        ("PGRST203", "authenticated", 300),
        ("PGRST303", "authenticated", 401),
        ("XX000", "authenticated", 500),
        ("42703", "authenticated", 400),
    ],
)
def test_http_status_for(code: str, role: str, status: int) -> None:
    assert http_status_for(code, role) == status


# Codes Postgres raises by itself in what the SQL functions do: constraint violations, bad input,
# serialization failures and deadlocks, a statement timeout, lost connections, too many clients.
RAISED_BY_POSTGRES = ["23502", "23503", "23505", "23514", "22P02", "22003", "40001", "40P01", "57014", "08006", "53300"]


def codes_the_sql_raises() -> set[str]:
    """Every SQLSTATE a migration raises by name, and P0001 (a `raise exception` without one)."""
    text = "\n".join(path.read_text() for path in sorted((ROOT / "supabase" / "migrations").glob("*.sql")))
    return set(re.findall(r"errcode\s*=\s*'([0-9A-Z]{5})'", text)) | {"P0001"}


def test_the_adapters_answer_every_code_the_sql_raises_with_postgrest_status() -> None:
    codes = codes_the_sql_raises()
    assert {"22023", "42501", "P0002", "PT404", "PT409", "PT429", "PT503"} <= codes  # the scan finds them
    differences = {
        (code, role): (http_status_for(code, role), postgrest_status(code, authenticated=role != "anon"))
        for code in sorted(codes | set(RAISED_BY_POSTGRES))
        for role in ("anon", "authenticated", "service_role")
        if http_status_for(code, role) != postgrest_status(code, authenticated=role != "anon")
    }
    assert differences == {}


def test_database_error_computes_its_status_from_code_and_role() -> None:
    assert DatabaseError("42501", "permission denied", role="anon").status == 401
    assert DatabaseError("PT404", "no such invoice").status == 404
    assert DatabaseError("40P01", "deadlock detected").retryable
    assert DatabaseError("PT503", "try again").retryable
    assert DatabaseError("40001", "could not serialize").retryable
    assert not DatabaseError("P0001", "already paid").retryable


def test_caller_keeps_its_token_and_claims_out_of_repr() -> None:
    caller = Caller("header.payload.signature", {"sub": "u1", "email": "someone@test.local"})
    assert "signature" not in repr(caller)
    assert "someone" not in repr(caller)
    assert (caller.user_id, caller.role) == ("u1", "authenticated")


@pytest.fixture
def no_cache() -> Iterator[None]:
    factory.get_database.cache_clear()
    yield
    factory.get_database.cache_clear()


def test_database_url_selects_the_postgres_adapter(no_cache: None) -> None:
    db = factory.database_for(Settings(database_url="postgresql://authenticator:postgres@127.0.0.1:1/postgres"))
    assert isinstance(db, PostgresDatabase)


def test_otherwise_the_supabase_adapter(no_cache: None) -> None:
    db = factory.database_for(Settings(supabase_url="https://abc.supabase.co", supabase_service_role_key="k"))
    assert isinstance(db, SupabaseDatabase)


def test_the_supabase_adapter_needs_its_url_and_key(no_cache: None) -> None:
    with pytest.raises(MissingSetting, match="SUPABASE_SERVICE_ROLE_KEY"):
        factory.database_for(Settings(supabase_url="https://abc.supabase.co"))


def test_get_database_is_one_per_process(no_cache: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://authenticator:postgres@127.0.0.1:1/postgres")
    assert factory.get_database() is factory.get_database()


def test_importing_the_port_settings_and_caller_dependency_loads_no_heavy_package() -> None:
    code = (
        "import sys\n"
        "import functions.db.port, functions.db.factory, functions.settings, functions.auth.dependencies\n"
        "heavy = ('jwt', 'psycopg', 'psycopg_pool', 'supabase', 'postgrest', 'stripe', 'httpx')\n"
        "print(','.join(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == ""
