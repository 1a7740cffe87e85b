"""`marketbase dev`: the Lambda apps on one local port, plus a health check.

Each app is mounted at its prefix (the path API Gateway routes to its Lambda) and given the
local collaborators: the Postgres adapter logged in as `authenticator` instead of the
Supabase API, settings whose JWT secret is the local one unless SUPABASE_JWT_SECRET says
otherwise, and Stripe (test mode) as STRIPE_SECRET_KEY / STRIPE_API_BASE say, built on the
first payment request. With a Stripe key, the payments sweeper runs every minute as the
schedule runs it in AWS.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

import psycopg
from fastapi import FastAPI

from ..apps import APPS
from ..db.factory import get_database
from ..db.postgres_adapter import PostgresDatabase
from ..payments import sweeper
from ..payments.stripe_gateway import StripeGateway, get_stripe
from ..settings import Settings, get_settings

log = logging.getLogger("marketbase.dev")
SWEEP_SECONDS = 60


def build_app(owner_url: str, api_url: str, jwt_secret: str) -> FastAPI:
    settings = Settings(supabase_jwt_secret=jwt_secret)
    database = PostgresDatabase(api_url)

    @cache
    def stripe() -> StripeGateway:
        return StripeGateway(settings.require("stripe_secret_key"), api_base=settings.stripe_api_base)

    def sweep_every_minute(stop: threading.Event) -> None:
        while not stop.wait(SWEEP_SECONDS):
            try:
                sweeper.run(database, stripe())
            except Exception:  # the next minute tries again, as the schedule would
                log.exception("payments sweep failed")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        if settings.stripe_secret_key:
            threading.Thread(target=sweep_every_minute, args=(stop,), name="payments-sweeper", daemon=True).start()
        yield
        stop.set()

    root = FastAPI(title="marketbase (local)", lifespan=lifespan)

    @root.get("/health")
    def health() -> dict[str, object]:
        with psycopg.connect(owner_url, connect_timeout=3) as conn:
            row = conn.execute("select count(*) from supabase_migrations.schema_migrations").fetchone()
        migrations = row[0] if row else 0
        return {"database": "ok", "migrations": migrations, "apps": sorted(APPS)}

    for prefix, target in APPS.items():
        module, _, attribute = target.partition(":")
        app: FastAPI = getattr(importlib.import_module(module), attribute)
        app.dependency_overrides[get_settings] = lambda: settings
        app.dependency_overrides[get_database] = lambda: database
        app.dependency_overrides[get_stripe] = stripe
        root.mount(f"/{prefix}", app)
    return root
