"""The database marketbase runs against: the local throwaway cluster, or $DATABASE_URL.

With DATABASE_URL (for example the Supabase CLI's local database) the platform already
provides roles, auth and storage, so the stand-in in sql/ is skipped and the cluster is
never touched.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from . import schema
from .cluster import SUPERUSER, Cluster, wait_for

DEFAULT_PORT = 54322  # the Supabase CLI's database port
DATABASE = "postgres"
# Schemas our migrations create; an external reset drops them (public is emptied instead).
OWN_SCHEMAS = ("private", "service")


@dataclass
class Stack:
    root: Path
    external_url: str | None = field(default_factory=lambda: os.environ.get("DATABASE_URL") or None)
    port: int = field(default_factory=lambda: int(os.environ.get("MARKETBASE_DB_PORT", DEFAULT_PORT)))
    cluster_dir: Path | None = None  # default: <root>/.local/postgres

    def __post_init__(self) -> None:
        base = self.cluster_dir or self.root / ".local" / "postgres"
        self.cluster = None if self.external_url else Cluster(base, self.port)

    @property
    def owner_url(self) -> str:
        if self.external_url:
            return self.external_url
        assert self.cluster is not None
        return self.cluster.url("postgres", DATABASE)

    @property
    def api_url(self) -> str:
        """Where the Lambdas' Postgres adapter logs in: as `authenticator`, like PostgREST
        (an external DATABASE_URL is used as given: its role can switch to the API roles too)."""
        if self.external_url:
            return self.external_url
        assert self.cluster is not None
        return self.cluster.url("authenticator", DATABASE)

    def start(self) -> bool:
        """Start the local cluster; True when its database was just created."""
        if self.cluster is None:
            wait_for(self.owner_url, timeout=5)
            return False
        fresh = not self.cluster.initialized
        self.cluster.start()
        wait_for(self.cluster.url(SUPERUSER, "template1"))
        return fresh

    def stop(self) -> None:
        if self.cluster:
            self.cluster.stop()

    def status(self) -> str:
        if self.cluster is None:
            try:
                with psycopg.connect(self.owner_url, connect_timeout=3) as conn:
                    version = conn.execute("show server_version").fetchone() or ("?",)
                return f"external database (DATABASE_URL), PostgreSQL {version[0]}"

            except psycopg.Error as error:
                return f"external database (DATABASE_URL) unreachable: {error}"
        if not self.cluster.initialized:
            return "not created (run: marketbase db start)"
        state = "running" if self.cluster.running() else "stopped"
        return f"{state}: {self.cluster.data_dir} on 127.0.0.1:{self.cluster.port}"

    def reset(self, seed: bool = True) -> float:
        """Recreate the database from nothing; return the seconds it took."""
        started = time.monotonic()
        if self.cluster is None:
            self._empty_external()
        else:
            self.start()
            superuser = self.cluster.url(SUPERUSER, "template1")
            schema.recreate_database(superuser, DATABASE)
            if self.cluster.runs_cron:
                # pg_cron's scheduler ends for good when its database is dropped: a restart
                # starts it again, waiting for the extension the stand-in creates.
                self.cluster.restart()
            schema.apply_platform(self.cluster.url(SUPERUSER, DATABASE), self.root)
        schema.apply_migrations(self.owner_url, self.root)
        if seed:
            schema.apply_seed(self.owner_url, self.root)
        return time.monotonic() - started

    def migrate(self) -> list[str]:
        return schema.apply_migrations(self.owner_url, self.root)

    def _empty_external(self) -> None:
        """What `supabase db reset` leaves: the platform, none of our objects or users."""
        with psycopg.connect(self.owner_url, autocommit=True) as conn, conn.transaction():
            for name in OWN_SCHEMAS:
                conn.execute(f'drop schema if exists "{name}" cascade')
            # Drop what we made in public, keeping the schema and its default privileges.
            for kind, name in conn.execute(
                """
                select case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
                                      when 'f' then 'foreign table' else 'table' end,
                       format('%I.%I', n.nspname, c.relname) from pg_class c
                  join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f')
                   and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
                union all
                select 'function', p.oid::regprocedure::text from pg_proc p
                  join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname = 'public'
                   and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
                union all
                select 'type', format('%I.%I', n.nspname, t.typname) from pg_type t
                  join pg_namespace n on n.oid = t.typnamespace
                 where n.nspname = 'public' and t.typtype in ('e', 'd', 'c') and t.typrelid = 0
                   and not exists (select 1 from pg_depend d where d.objid = t.oid and d.deptype = 'e')
                """
            ).fetchall():
                conn.execute(f"drop {kind} if exists {name} cascade")
            conn.execute("delete from auth.users")
            # Storage policies are ours too (Supabase ships storage.objects with none). Those that
            # call a function of ours went with its schema; the others are dropped with the rights
            # migrations have on storage policies.
            with schema.storage_policy_rights(conn):
                for (statement,) in conn.execute(
                    "select format('drop policy %I on %I.%I', policyname, schemaname, tablename)"
                    " from pg_policies where schemaname = 'storage'"
                ).fetchall():
                    conn.execute(statement)
            # storage-api refuses SQL deletes unless the session says they are meant.
            conn.execute("select set_config('storage.allow_delete_query', 'true', true)")
            conn.execute("delete from storage.objects")
            conn.execute("delete from storage.buckets")
            conn.execute("drop table if exists supabase_migrations.schema_migrations")
