"""The checkout Lambda: a Stripe Checkout Session for an invoice the caller may pay.

The database decides everything (`public.begin_checkout`, run as the caller so RLS decides
whether the invoice is theirs): the amount, the currency, the platform's fee, the provider's
account and when the session must end. This app only turns that into a session at Stripe.
The idempotency key is the payment's id, so a retry after a crash gets the same session.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import FastAPI, Response
from pydantic import BaseModel, ConfigDict

from ..db.port import Caller, Database
from ..deps import CallerDep, DatabaseDep, SettingsDep, StripeDep
from ..settings import Settings
from . import errors
from .stripe_gateway import CheckoutSession as StripeSession
from .stripe_gateway import StripeGateway, StripeRefused

log = logging.getLogger("marketbase.checkout")

app = errors.install(FastAPI(title="marketbase checkout", docs_url=None, redoc_url=None))


class CheckoutRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invoice_id: UUID


class CheckoutSession(BaseModel):
    payment_id: UUID
    invoice_id: UUID
    session_id: str
    url: str
    amount: int
    currency: str
    expires_at: datetime
    reused: bool = False


@app.post("/sessions", status_code=201)
def create_session(
    request: CheckoutRequest,
    response: Response,
    caller: CallerDep,
    db: DatabaseDep,
    stripe: StripeDep,
    settings: SettingsDep,
) -> CheckoutSession:
    session = open_checkout(db, stripe, settings, caller, str(request.invoice_id))
    if session.reused:
        response.status_code = 200
    return session


def open_checkout(
    db: Database, stripe: StripeGateway, settings: Settings, caller: Caller, invoice_id: str
) -> CheckoutSession:
    """The invoice's Checkout Session: the open one, or a new one (also the fallback of a saved
    card that asks for 3-D Secure)."""
    terms: dict[str, Any] = db.rpc("begin_checkout", {"invoice_id": invoice_id}, caller=caller)
    if terms["session_id"]:
        log.info("checkout reused", extra={"invoice_id": terms["invoice_id"], "payment_id": terms["payment_id"]})
        return session_of(terms, terms["session_id"], terms["session_url"], terms["expires_at"], reused=True)

    expires_at = datetime.fromisoformat(terms["expires_at"])
    try:
        session = open_session(stripe, settings, terms, expires_at)
    except StripeRefused as refused:
        # Every try of a payment asks for the same expiry, so Stripe replays a session it created
        # for a lost answer. Long after a try that never reached Stripe that expiry is too close:
        # Stripe refuses it at validation, which saves nothing under the key, so ask again.
        if refused.param != "expires_at":
            raise
        expires_at = datetime.fromisoformat(terms["expires_at_now"])
        session = open_session(stripe, settings, terms, expires_at)
    db.rpc(
        "attach_checkout_session",
        {
            "payment_id": terms["payment_id"],
            "session_id": session.id,
            "session_url": session.url,
            "expires_at": datetime.fromtimestamp(session.expires_at, expires_at.tzinfo).isoformat(),
        },
        schema="service",
    )
    log.info("checkout opened", extra={"invoice_id": terms["invoice_id"], "payment_id": terms["payment_id"]})
    return session_of(terms, session.id, session.url, expires_at)


def open_session(
    stripe: StripeGateway, settings: Settings, terms: dict[str, Any], expires_at: datetime
) -> StripeSession:
    return stripe.create_checkout_session(
        idempotency_key=f"checkout-{terms['payment_id']}",
        amount=terms["amount"],
        currency=terms["currency"],
        description=terms["description"],
        invoice_id=terms["invoice_id"],
        payment_id=terms["payment_id"],
        booking_id=terms["booking_id"],
        customer_email=terms["customer_email"],
        success_url=f"{settings.site_url}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=f"{settings.site_url}/checkout/cancelled?invoice_id={terms['invoice_id']}",
        expires_at=int(expires_at.timestamp()),
        destination=terms["destination"],
        application_fee=terms["application_fee"],
    )


def session_of(
    terms: dict[str, Any], session_id: str, url: str, expires_at: Any, *, reused: bool = False
) -> CheckoutSession:
    return CheckoutSession(
        payment_id=terms["payment_id"],
        invoice_id=terms["invoice_id"],
        session_id=session_id,
        url=url,
        amount=terms["amount"],
        currency=terms["currency"],
        expires_at=expires_at,
        reused=reused,
    )


# Saved payment methods: their routes share this Lambda (imported last: they call open_checkout).
from . import saved_methods  # noqa: E402

app.include_router(saved_methods.router)
