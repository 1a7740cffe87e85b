"""`marketbase dev`: the Lambda apps on one local port, plus a health check.

Each app is mounted at its prefix (the path API Gateway routes to its Lambda) and given the
local collaborators: the Postgres adapter logged in as `authenticator` instead of the
Supabase API, settings whose JWT secret is the local one unless SUPABASE_JWT_SECRET says
otherwise, and Stripe (test mode) as STRIPE_SECRET_KEY / STRIPE_API_BASE say, built on the
first payment request. With a Stripe key, the payments sweeper runs every minute as the
schedule runs it in AWS; with GEOCODER_USER_AGENT set, so does the geocoder (Nominatim's
usage policy wants an identifying User-Agent; GEOCODER_URL picks the server).

Notifications: unless the environment configures email (SMTP_HOST, or
NOTIFY_EMAIL_PROVIDER=resend), email goes to a local SMTP server (devstack/mailbox.py)
on 127.0.0.1:1025 that keeps each message under .local/mail/ and prints a line; the dispatcher
runs every few seconds, as the schedule and the database's nudge run it in AWS, and
POST /notify/dispatch takes the header x-marketbase-dispatch-secret: LOCAL_DISPATCH_SECRET
unless NOTIFY_DISPATCH_SECRET says otherwise.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Any

import psycopg
from fastapi import FastAPI

from functions.db.factory import get_database
from functions.geocoding import run as geocoding
from functions.geocoding.nominatim import Nominatim
from functions.notifications import dispatcher
from functions.notifications.channels import OUTCOMES
from functions.notifications.senders import build_senders, get_senders
from functions.payments import sweeper
from functions.payments.stripe_gateway import StripeGateway, get_stripe
from functions.settings import Settings, get_settings

from .apps import APPS
from .mailbox import DEFAULT_HOST, DEFAULT_PORT, Mailbox
from .postgres_adapter import PostgresDatabase

log = logging.getLogger("marketbase.dev")
SWEEP_SECONDS = 60
NOTIFY_SECONDS = 5.0
NOTIFY_BUDGET_SECONDS = 20.0
LOCAL_DISPATCH_SECRET = "local-dispatch-secret"
LOCAL_EMAIL_FROM = "marketbase <no-reply@marketbase.local>"


def local_settings(jwt_secret: str, smtp_port: int = DEFAULT_PORT) -> tuple[Settings, bool]:
    """The environment's settings with local defaults; True when email goes to the local mailbox."""
    settings = Settings(supabase_jwt_secret=jwt_secret)
    local: dict[str, Any] = {}
    use_mailbox = settings.notify_email_provider == "smtp" and not settings.smtp_host
    if use_mailbox:
        local.update(smtp_host=DEFAULT_HOST, smtp_port=smtp_port, smtp_starttls=False, smtp_user=None)
    if not settings.email_from:
        local["email_from"] = LOCAL_EMAIL_FROM
    if not settings.notify_dispatch_secret:
        local["notify_dispatch_secret"] = LOCAL_DISPATCH_SECRET
    return (settings.model_copy(update=local) if local else settings), use_mailbox


def build_app(
    owner_url: str,
    api_url: str,
    jwt_secret: str,
    *,
    mail_dir: Path | None = None,
    smtp_port: int = DEFAULT_PORT,
    echo: Callable[[str], None] = print,
) -> FastAPI:
    """The root app. Its lifespan (uvicorn runs it) starts the background work: the payments
    sweeper (with a Stripe key), the local mailbox (with `mail_dir`, when the environment does not
    configure email) and the notification dispatcher."""
    settings, use_mailbox = local_settings(jwt_secret, smtp_port)
    database = PostgresDatabase(api_url)
    senders = build_senders(settings)

    @cache
    def stripe() -> StripeGateway:
        return StripeGateway(settings.require("stripe_secret_key"), api_base=settings.stripe_api_base)

    def sweep_every_minute(stop: threading.Event) -> None:
        while not stop.wait(SWEEP_SECONDS):
            try:
                sweeper.run(database, stripe())
            except Exception:  # the next minute tries again, as the schedule would
                log.exception("payments sweep failed")

    def geocode_every_minute(stop: threading.Event) -> None:
        geocoder = Nominatim(
            settings.require("geocoder_user_agent"), base_url=settings.geocoder_url, email=settings.geocoder_email
        )
        while not stop.wait(SWEEP_SECONDS):
            try:
                geocoding.run(database, geocoder, budget_seconds=SWEEP_SECONDS / 2)
            except Exception:  # the next minute tries again, as the schedule would
                log.exception("geocoding failed")

    def dispatch_every_few_seconds(stop: threading.Event) -> None:
        worker = f"dev:{dispatcher.default_worker()}"
        while not stop.wait(NOTIFY_SECONDS):
            try:
                summary = dispatcher.dispatch(
                    database,
                    senders,
                    worker,
                    budget_seconds=NOTIFY_BUDGET_SECONDS,
                    batch_size=settings.notify_batch_size,
                    lease_seconds=settings.notify_lease_seconds,
                    site_url=settings.site_url,
                )
            except Exception:  # the next round tries again, as the schedule would
                log.exception("notification dispatch failed")
                continue
            if summary["claimed"] or summary["expanded"]:
                echo(describe(summary))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        mailbox = Mailbox(mail_dir, port=smtp_port, echo=echo) if use_mailbox and mail_dir else None
        if mailbox is not None:
            try:
                mailbox.start()
            except OSError as error:  # the port is taken: email is retried until it is free
                log.warning("local mailbox not started on %s:%s: %s", DEFAULT_HOST, smtp_port, error)
                mailbox = None
        if settings.stripe_secret_key:
            threading.Thread(target=sweep_every_minute, args=(stop,), name="payments-sweeper", daemon=True).start()
        if settings.geocoder_user_agent:
            threading.Thread(target=geocode_every_minute, args=(stop,), name="geocode", daemon=True).start()
        notifier = threading.Thread(target=dispatch_every_few_seconds, args=(stop,), name="notify", daemon=True)
        notifier.start()
        yield
        stop.set()
        notifier.join(timeout=NOTIFY_BUDGET_SECONDS + 15)
        if mailbox is not None:
            mailbox.stop()

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
        app.dependency_overrides[get_senders] = lambda: senders
        root.mount(f"/{prefix}", app)
    return root


def describe(summary: dict[str, Any]) -> str:
    """One line about a dispatch run that did something."""
    counts = ", ".join(
        f"{summary[key]} {key}"
        for key in ("expanded", "digests", *OUTCOMES, "dead", "unconfigured")
        if summary.get(key)
    )
    return f"notify {counts}"
