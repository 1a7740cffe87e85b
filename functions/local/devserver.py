"""`marketbase dev`: the Lambda apps on one local port, plus a health check."""

from __future__ import annotations

import importlib

import psycopg
from fastapi import FastAPI

from ..apps import APPS


def build_app(database_url: str) -> FastAPI:
    root = FastAPI(title="marketbase (local)")

    @root.get("/health")
    def health() -> dict[str, object]:
        with psycopg.connect(database_url, connect_timeout=3) as conn:
            row = conn.execute("select count(*) from supabase_migrations.schema_migrations").fetchone()
        migrations = row[0] if row else 0
        return {"database": "ok", "migrations": migrations, "apps": sorted(APPS)}

    for name, target in APPS.items():
        module, _, attribute = target.partition(":")
        root.mount(f"/{name}", getattr(importlib.import_module(module), attribute))
    return root
