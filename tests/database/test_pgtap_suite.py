"""The pgTAP suite in supabase/tests, run by pg_prove as `supabase test db` runs it: on an
empty database, and on one holding the demo seed (as `supabase db reset` leaves it)."""

from __future__ import annotations

import os
import shutil
import subprocess

import psycopg
import pytest

from devstack import paths, schema
from tests.support.database import ROOT, TestDatabase


def run_pg_prove(url: str) -> None:
    pg_prove = shutil.which("pg_prove")
    assert pg_prove, "pg_prove not found: apt-get install libtap-parser-sourcehandler-pgtap-perl"
    files = [str(p.relative_to(ROOT)) for p in paths.pgtap_files(ROOT)]
    assert len(files) >= 7, files
    # PGTAP_ONLY=020_ runs only the files whose name contains it (the helpers always run).
    only = os.environ.get("PGTAP_ONLY")
    if only:
        files = [f for f in files if only in f or f.endswith("000_setup_test_helpers.test.sql")]
    result = subprocess.run(
        [pg_prove, "--verbose", "--failures", "-d", url, *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    failing = [line for line in result.stdout.splitlines() if line.startswith("not ok") or line.startswith("#")]
    assert result.returncode == 0, (
        "pgTAP failures:\n" + "\n".join(failing) + "\n" + result.stdout[-3000:] + result.stderr
    )
    assert "All tests successful." in result.stdout


def test_pgtap_suite_passes_under_pg_prove(test_database: TestDatabase, fresh_db: str) -> None:
    run_pg_prove(test_database.url(fresh_db))


@pytest.mark.skipif(bool(os.environ.get("PGTAP_ONLY")), reason="PGTAP_ONLY: the empty-database run is enough")
def test_pgtap_suite_passes_on_the_seeded_database_and_keeps_it(test_database: TestDatabase, fresh_db: str) -> None:
    url = test_database.url(fresh_db)
    schema.apply_seed(url, ROOT)
    run_pg_prove(url)
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from public.offerings").fetchone() == (18,)
        assert conn.execute("select count(*) from auth.users").fetchone() == (22,)
