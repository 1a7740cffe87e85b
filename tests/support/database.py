"""The database under test: one throwaway cluster per pytest run, or $DATABASE_URL.

A template database holds the platform stand-in, every migration and the pgTAP helpers
(no seed). Tests get either a connection inside a transaction that is rolled back
(`db`), or a whole database cloned from the template (`fresh_db`) when they need commits
or several connections.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from devstack import paths, schema
from devstack.cluster import SUPERUSER, Cluster, wait_for

ROOT = paths.project_root()
TEMPLATE = "marketbase_template"
HELPERS = ROOT / "supabase" / "tests" / "000_setup_test_helpers.test.sql"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class TestDatabase:
    __test__ = False
    owner_url: str  # as postgres: the role migrations and `supabase test db` use
    cluster: Cluster | None

    @property
    def external(self) -> bool:
        return self.cluster is None

    def url(self, database: str, user: str = "postgres") -> str:
        assert self.cluster is not None
        return self.cluster.url(user, database)

    def clone(self) -> str:
        """A new database from the template; returns its name."""
        name = f"test_{uuid.uuid4().hex[:12]}"
        schema.recreate_database(self.url("template1", SUPERUSER), name, template=TEMPLATE)
        return name

    def drop(self, name: str) -> None:
        with psycopg.connect(self.url("template1", SUPERUSER), autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def start(base_dir: Path) -> TestDatabase:
    if url := os.environ.get("DATABASE_URL"):
        schema.apply_migrations(url, ROOT)
        with psycopg.connect(url, autocommit=True) as conn:
            schema.run_file(conn, HELPERS, ROOT)
        return TestDatabase(url, None)
    cluster = Cluster(base_dir, free_port())
    cluster.start()
    wait_for(cluster.url(SUPERUSER, "template1"))
    schema.recreate_database(cluster.url(SUPERUSER, "template1"), TEMPLATE)
    schema.apply_platform(cluster.url(SUPERUSER, TEMPLATE), ROOT)
    schema.apply_migrations(cluster.url("postgres", TEMPLATE), ROOT)
    with psycopg.connect(cluster.url("postgres", TEMPLATE), autocommit=True) as conn:
        schema.run_file(conn, HELPERS, ROOT)
    return TestDatabase(cluster.url("postgres", TEMPLATE), cluster)
