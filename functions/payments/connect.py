"""The connect Lambda: Stripe Connect onboarding links for providers, and the Connect
webhook (its own endpoint and signing secret) that records whether they can be paid."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from ..deps import CallerDep, DatabaseDep, SettingsDep, StripeDep
from . import errors, events, webhook_receiver

log = logging.getLogger("marketbase.connect")

app = errors.install(FastAPI(title="marketbase connect", docs_url=None, redoc_url=None))


class OnboardingLink(BaseModel):
    account_id: str
    url: str


@app.post("/onboarding")
def onboarding(caller: CallerDep, db: DatabaseDep, stripe: StripeDep, settings: SettingsDep) -> OnboardingLink:
    provider: dict[str, Any] = db.rpc("begin_payout_onboarding", caller=caller)
    account_id = provider["stripe_account_id"]
    if account_id is None:
        created = stripe.create_express_account(
            idempotency_key=f"connect-account-{provider['provider_id']}",
            email=provider["email"],
            country=provider["country"],
            provider_id=provider["provider_id"],
        )
        saved = db.rpc(
            "save_connect_account", {"provider_id": provider["provider_id"], "account_id": created}, schema="service"
        )
        account_id = saved["stripe_account_id"]
        log.info("connect account created", extra={"provider_id": provider["provider_id"]})
    url = stripe.create_account_link(
        account=account_id,
        refresh_url=f"{settings.site_url}/payouts/onboarding?refresh=1",
        return_url=f"{settings.site_url}/payouts/onboarding?done=1",
    )
    return OnboardingLink(account_id=account_id, url=url)


# Events of the providers' accounts: their own endpoint and signing secret.
app.post("/webhook")(webhook_receiver.endpoint("stripe_connect_webhook_secret", events.CONNECT))
