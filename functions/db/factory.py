"""Which `Database` this process uses: a direct Postgres connection when DATABASE_URL is set
(`marketbase dev`, tests), otherwise the Supabase API with the service-role key (production).

The adapter module is imported only here, on first use, so that an app's import pays for
neither psycopg nor postgrest. The Postgres adapter lives in devstack/, which is not in the
Lambda zip (nor psycopg in the layer): DATABASE_URL is never set on Lambda.
"""

from __future__ import annotations

from functools import cache

from ..settings import Settings, get_settings
from .port import Database


def database_for(settings: Settings) -> Database:
    """A new adapter for these settings."""
    if settings.database_url:
        from devstack.postgres_adapter import PostgresDatabase  # the local stack and tests only

        return PostgresDatabase(
            settings.database_url, pool_size=settings.database_pool_size, timeout=settings.database_timeout_seconds
        )
    from .supabase_adapter import SupabaseDatabase

    return SupabaseDatabase(
        settings.require("supabase_url"),
        settings.require("supabase_service_role_key"),
        timeout=settings.database_timeout_seconds,
    )


@cache
def get_database() -> Database:
    """The process's database (a FastAPI dependency; tests override it or call database_for)."""
    return database_for(get_settings())
