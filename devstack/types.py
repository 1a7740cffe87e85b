"""TypeScript types for the frontends, made by Supabase's own generator.

`supabase gen types typescript` runs postgres-meta in a Docker container. The same
postgres-meta, pinned in package.json at the version the CLI's image carries, is in
node_modules: we run it with the environment the CLI gives it, so its output is what the
CLI prints. It reads the schema of a database built from the migrations alone (stand-in
and migrations, no seed) in a throwaway database on the local cluster, or of the local
database as it is (`--local`).

Schemas: the ones the CLI picks (`public` and config.toml's `api.schemas`), less those
whose functions only the service role may execute: the frontends never get to call them.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import shutil
import subprocess
import time
import tomllib
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import psycopg
from psycopg import sql

from . import schema
from .cluster import SUPERUSER
from .stack import Stack

TYPES_FILE = Path("types") / "database.types.ts"
GENERATOR = Path("node_modules") / "@supabase" / "postgres-meta" / "dist" / "server" / "server.js"
# Exposed to PostgREST for the Lambdas (service_role), not for browsers.
SERVICE_ONLY_SCHEMAS = frozenset({"service"})
TIMEOUT_SECONDS = 120


class TypesError(RuntimeError):
    pass


def frontend_schemas(root: Path) -> list[str]:
    """`public`, then config.toml's exposed schemas, less the service-only ones."""
    with open(root / "supabase" / "config.toml", "rb") as config:
        exposed = tomllib.load(config).get("api", {}).get("schemas", [])
    return [name for name in dict.fromkeys(["public", *exposed]) if name not in SERVICE_ONLY_SCHEMAS]


def generate(db_url: str, root: Path, schemas: Sequence[str] | None = None) -> str:
    """The TypeScript types of `db_url`'s schemas, exactly as postgres-meta prints them."""
    generator = root / GENERATOR
    node = shutil.which("node")
    if not generator.is_file() or not node:
        raise TypesError(f"{GENERATOR} or node not found: run scripts/setup (npm ci)")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG_META_")}
    env.update(
        {
            # What the CLI sets for `gen types typescript` (PostgREST 10 and newer).
            "PG_META_DB_URL": db_url,
            "PG_META_GENERATE_TYPES": "typescript",
            "PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS": ",".join(schemas or frontend_schemas(root)),
            "PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS": "true",
            "NODE_NO_WARNINGS": "1",
        }
    )
    try:
        result = subprocess.run(
            [node, str(generator)], cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        raise TypesError(f"postgres-meta gave no types within {TIMEOUT_SECONDS}s") from None
    if result.returncode != 0 or "export type Database" not in result.stdout:
        raise TypesError(f"postgres-meta failed (exit {result.returncode}):\n{result.stderr.strip()[-2000:]}")
    return result.stdout


@contextlib.contextmanager
def throwaway_database(stack: Stack) -> Iterator[str]:
    """A database of its own on the local cluster, built from the stand-in and the
    migrations (no seed), dropped afterwards; yields its URL as postgres."""
    if stack.cluster is None:
        raise TypesError(
            "DATABASE_URL is set, so there is no local cluster to build a throwaway database on: "
            "use `marketbase types --local` to read that database (migrated: `marketbase db migrate`)"
        )
    stack.start()
    name = f"marketbase_types_{uuid.uuid4().hex[:8]}"
    template1 = stack.cluster.url(SUPERUSER, "template1")
    schema.recreate_database(template1, name)
    try:
        schema.apply_platform(stack.cluster.url(SUPERUSER, name), stack.root)
        schema.apply_migrations(stack.cluster.url("postgres", name), stack.root)
        yield stack.cluster.url("postgres", name)
    finally:
        with psycopg.connect(template1, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def regenerate(stack: Stack, local: bool = False) -> tuple[str, float]:
    """The types of the migrated schema (or of the local database); and the seconds taken."""
    started = time.monotonic()
    if local:
        return generate(stack.owner_url, stack.root), time.monotonic() - started
    with throwaway_database(stack) as url:
        return generate(url, stack.root), time.monotonic() - started


def stale_diff(committed: Path, generated: str, context_lines: int = 60) -> str | None:
    """None when `committed` holds `generated`; else the start of a unified diff."""
    if not committed.is_file():
        return f"{TYPES_FILE} does not exist\n"
    current = committed.read_text()
    if current == generated:
        return None
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        generated.splitlines(keepends=True),
        fromfile=f"{TYPES_FILE} (committed)",
        tofile=f"{TYPES_FILE} (generated)",
    )
    lines = list(diff)
    shown = "".join(lines[:context_lines])
    if len(lines) > context_lines:
        shown += f"... {len(lines) - context_lines} more diff lines\n"
    return shown
