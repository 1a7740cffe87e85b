"""types/database.types.ts, the frontends' TypeScript types, is what Supabase's generator
(postgres-meta, as `supabase gen types typescript` runs it) makes of the migrated schema."""

from __future__ import annotations

from pathlib import Path

from devstack import types
from tests.support.database import ROOT, TestDatabase


def test_committed_types_match_the_migrations(test_database: TestDatabase, fresh_db: str) -> None:
    generated = types.generate(test_database.url(fresh_db), ROOT)
    diff = types.stale_diff(ROOT / types.TYPES_FILE, generated)
    assert diff is None, f"{types.TYPES_FILE} is stale: run `marketbase types` and commit it.\n{diff}"


def test_a_stale_types_file_is_shown_as_a_diff(tmp_path: Path) -> None:
    committed = tmp_path / "database.types.ts"
    committed.write_text("export type Database = {\n  public: {}\n}\n")
    diff = types.stale_diff(committed, "export type Database = {\n  public: { Tables: {} }\n}\n")
    assert diff is not None and "-  public: {}\n+  public: { Tables: {} }\n" in diff
    assert types.stale_diff(committed, committed.read_text()) is None
    assert types.stale_diff(tmp_path / "missing.ts", "x") == f"{types.TYPES_FILE} does not exist\n"


def test_frontend_types_leave_out_the_service_schema() -> None:
    schemas = types.frontend_schemas(ROOT)
    assert schemas[0] == "public"
    assert "graphql_public" in schemas, "as the CLI: every schema config.toml exposes"
    assert "service" not in schemas, "its functions are the service role's alone"
