"""Loading SQL: the platform stand-in, the migrations, the seed.

Each file runs in one transaction, as one simple-protocol query, so a file is applied
whole or not at all; an error names the file and the line it happened on. Applied
migrations are recorded in supabase_migrations.schema_migrations, the table the Supabase
CLI keeps, so a database prepared here and one prepared by the CLI agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from . import paths


class SqlFileError(RuntimeError):
    def __init__(self, path: Path, line: int | None, error: psycopg.Error):
        self.path, self.line, self.error = path, line, error
        diag = error.diag
        where = f"{path}:{line}" if line else str(path)
        detail = "".join(
            f"\n  {label}: {value}"
            for label, value in (
                ("detail", diag.message_detail),
                ("hint", diag.message_hint),
                ("context", diag.context),
            )
            if value
        )
        super().__init__(f"{where}: ERROR {diag.sqlstate}: {diag.message_primary}{detail}")


def _error_line(text: str, error: psycopg.Error) -> int | None:
    position = error.diag.statement_position
    if not position:
        return None
    return text.count("\n", 0, int(position) - 1) + 1


def run_file(
    conn: psycopg.Connection,
    path: Path,
    display_root: Path | None = None,
    then: Callable[[psycopg.Connection, str], object] | None = None,
) -> None:
    """Run one SQL file in its own transaction, and `then(conn, text)` in the same one;
    raise SqlFileError naming file and line."""
    text = path.read_text()
    shown = path.relative_to(display_root) if display_root else path
    try:
        with conn.transaction():
            conn.execute(text)  # no parameters: psycopg sends it as one simple query
            if then:
                then(conn, text)
    except psycopg.Error as error:
        raise SqlFileError(shown, _error_line(text, error), error) from None


def apply_platform(superuser_url: str, root: Path) -> None:
    with psycopg.connect(superuser_url, autocommit=True) as conn:
        for path in paths.platform_files(root):
            run_file(conn, path, root)


def _ensure_migrations_table(conn: psycopg.Connection) -> None:
    conn.execute(
        """
        create schema if not exists supabase_migrations;
        create table if not exists supabase_migrations.schema_migrations (
          version text primary key,
          statements text[],
          name text
        );
        """
    )


def applied_versions(conn: psycopg.Connection) -> set[str]:
    _ensure_migrations_table(conn)
    return {row[0] for row in conn.execute("select version from supabase_migrations.schema_migrations")}


def _recorder(version: str, name: str) -> Callable[[psycopg.Connection, str], object]:
    """Records a migration in the same transaction that applies it."""

    def record(conn: psycopg.Connection, text: str) -> object:
        return conn.execute(
            "insert into supabase_migrations.schema_migrations (version, statements, name) values (%s, %s, %s)",
            (version, [text], name),
        )

    return record


@contextmanager
def storage_policy_rights(conn: psycopg.Connection) -> Iterator[None]:
    """supautils' `policy_grants`, emulated on the stand-in for the length of a migration run.

    On Supabase, postgres is not a member of supabase_storage_admin, yet may create, alter
    and drop policies on storage.objects: supautils allows exactly that. The stand-in has
    no supautils, so postgres (CREATEROLE) takes the membership for the run and gives it
    back after; outside migrations it holds nothing on storage that the platform does not
    give it. Where supautils is loaded (a real Supabase database) this does nothing."""
    emulate = conn.execute(
        """
        select current_setting('supautils.policy_grants', true) is null
           and exists (select 1 from pg_roles where rolname = 'supabase_storage_admin')
           and not pg_has_role(current_user, 'supabase_storage_admin', 'member')
           and (select rolcreaterole from pg_roles where rolname = current_user)
        """
    ).fetchone() == (True,)
    if emulate:
        conn.execute("grant supabase_storage_admin to current_user")
    try:
        yield
    finally:
        if emulate:
            conn.execute("revoke supabase_storage_admin from current_user")


def apply_migrations(owner_url: str, root: Path) -> list[str]:
    """Apply every migration not yet recorded, in order; return the names applied."""
    applied: list[str] = []
    with psycopg.connect(owner_url, autocommit=True) as conn, storage_policy_rights(conn):
        done = applied_versions(conn)
        for path in paths.migration_files(root):
            version, _, name = path.stem.partition("_")
            if version in done:
                continue
            run_file(conn, path, root, then=_recorder(version, name))
            applied.append(path.name)
    return applied


def apply_seed(owner_url: str, root: Path) -> None:
    seed = paths.seed_file(root)
    if seed.is_file():
        with psycopg.connect(owner_url, autocommit=True) as conn:
            run_file(conn, seed, root)


def recreate_database(superuser_url: str, name: str, template: str = "template0") -> None:
    """Drop `name` (ending its sessions) and create it again, owned by postgres (database
    privileges are not copied from a template, ownership is given anew)."""
    with psycopg.connect(superuser_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("create database {} template {}").format(sql.Identifier(name), sql.Identifier(template)))
        if conn.execute("select 1 from pg_roles where rolname = 'postgres'").fetchone():
            conn.execute(sql.SQL("alter database {} owner to postgres").format(sql.Identifier(name)))
