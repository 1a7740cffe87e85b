"""The stripe-webhook Lambda: Stripe's events about payments, refunds and disputes."""

from __future__ import annotations

from fastapi import FastAPI

from . import errors, events, webhooks

app = errors.install(FastAPI(title="marketbase stripe webhook", docs_url=None, redoc_url=None))
app.post("/webhook")(webhooks.endpoint("stripe_webhook_secret", events.PLATFORM))
