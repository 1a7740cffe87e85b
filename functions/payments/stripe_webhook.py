"""The stripe-webhook Lambda's app (handlers/stripe_webhook.py): Stripe's events about payments,
refunds and disputes."""

from __future__ import annotations

from fastapi import FastAPI

from . import errors, events, webhook_receiver

app = errors.install(FastAPI(title="marketbase stripe webhook", docs_url=None, redoc_url=None))
app.post("/webhook")(webhook_receiver.endpoint("stripe_webhook_secret", events.PLATFORM))
