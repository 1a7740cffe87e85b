"""The stripe-webhook Lambda: Stripe's events about payments, refunds and disputes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Header
from fastapi.responses import JSONResponse

from . import errors, events, webhooks
from .deps import LazyDatabaseDep, SettingsDep

app = errors.install(FastAPI(title="marketbase stripe webhook", docs_url=None, redoc_url=None))


@app.post("/webhook")
def stripe_webhook(
    payload: Annotated[bytes, Depends(webhooks.raw_body)],
    settings: SettingsDep,
    database: LazyDatabaseDep,
    stripe_signature: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    return webhooks.receive(
        payload,
        stripe_signature,
        secret=settings.require("stripe_webhook_secret"),
        tolerance=settings.stripe_webhook_tolerance_seconds,
        table=events.PLATFORM,
        database=database,
    )
