"""Saved payment methods, routes of the checkout Lambda: saving a card (a SetupIntent the
frontend confirms with Stripe.js: the card never reaches us), paying an invoice with a saved one
(an off-session PaymentIntent), removing one and choosing the default.

The database decides, as for Checkout: `begin_saving_payment_method`,
`begin_saved_method_payment` and `begin_removing_payment_method` run as the caller. Stripe's
webhook keeps `payment_methods` in step (payment_method.*, customer.updated); the routes that
change a method also say so at once, so the frontend's next read agrees.

A card that needs 3-D Secure cannot be charged off-session: the payment is recorded as failed
and the client is sent to a Checkout Session for the invoice, where Stripe asks for it.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict

from ..db.port import Caller, Database
from ..deps import CallerDep, DatabaseDep, SettingsDep, StripeDep
from ..settings import Settings
from .stripe_gateway import AuthenticationRequired, StripeGateway, StripeRefused

log = logging.getLogger("marketbase.saved_methods")

router = APIRouter()


class SetupIntentAnswer(BaseModel):
    customer_id: str
    setup_intent_id: str
    client_secret: str


class SavedMethodPaymentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invoice_id: UUID
    payment_method_id: UUID


class SavedMethodPayment(BaseModel):
    payment_id: UUID
    invoice_id: UUID
    outcome: str
    requires_action: bool = False
    checkout_url: str | None = None


@router.post("/setup-intents", status_code=201)
def create_setup_intent(caller: CallerDep, db: DatabaseDep, stripe: StripeDep) -> SetupIntentAnswer:
    customer = stripe_customer(db, stripe, caller)
    # A new intent per request (a second card is a second intent); an unused one costs nothing.
    intent = stripe.create_setup_intent(idempotency_key=f"setup-{uuid4()}", customer=customer, user_id=caller.user_id)
    return SetupIntentAnswer(customer_id=customer, setup_intent_id=intent.id, client_secret=intent.client_secret)


def stripe_customer(db: Database, stripe: StripeGateway, caller: Caller) -> str:
    """The caller's Stripe customer, created once: the idempotency key is their id, and the
    database keeps the first one recorded if two requests raced past Stripe's key window."""
    me: dict[str, Any] = db.rpc("begin_saving_payment_method", {}, caller=caller)
    if me["customer_id"]:
        return str(me["customer_id"])
    created = stripe.create_customer(
        idempotency_key=f"customer-{me['user_id']}", email=me["email"], user_id=me["user_id"]
    )
    recorded: str = db.rpc("save_stripe_customer", {"user_id": me["user_id"], "customer_id": created}, schema="service")
    return recorded


@router.post("/saved-method-payments", status_code=201)
def pay_with_saved_method(
    request: SavedMethodPaymentRequest,
    response: Response,
    caller: CallerDep,
    db: DatabaseDep,
    stripe: StripeDep,
    settings: SettingsDep,
) -> SavedMethodPayment:
    terms: dict[str, Any] = db.rpc(
        "begin_saved_method_payment",
        {"invoice_id": str(request.invoice_id), "payment_method_id": str(request.payment_method_id)},
        caller=caller,
    )
    try:
        intent = stripe.charge_saved_method(
            idempotency_key=f"saved-{terms['payment_id']}",
            amount=terms["amount"],
            currency=terms["currency"],
            customer=terms["customer_id"],
            payment_method=terms["stripe_payment_method_id"],
            description=terms["description"],
            invoice_id=terms["invoice_id"],
            payment_id=terms["payment_id"],
            booking_id=terms["booking_id"],
            destination=terms["destination"],
            application_fee=terms["application_fee"],
        )
    except AuthenticationRequired as needs_3ds:
        record(db, terms, needs_3ds.payment_intent_id, "requires_action", "the card asks for 3-D Secure: use Checkout")
        response.status_code = 402
        return SavedMethodPayment(
            payment_id=terms["payment_id"],
            invoice_id=terms["invoice_id"],
            outcome="requires_action",
            requires_action=True,
            checkout_url=checkout_url(db, stripe, settings, caller, terms["invoice_id"]),
        )
    except StripeRefused as declined:
        record(db, terms, None, "declined", f"{declined.code}: {declined.message}")
        raise
    outcome = record(db, terms, intent.id, intent.status, None)
    log.info("saved method charged", extra={"payment_id": terms["payment_id"], "outcome": outcome})
    return SavedMethodPayment(payment_id=terms["payment_id"], invoice_id=terms["invoice_id"], outcome=outcome)


def record(db: Database, terms: dict[str, Any], intent_id: str | None, status: str, message: str | None) -> str:
    outcome: str = db.rpc(
        "record_payment_intent",
        {
            "payment_id": terms["payment_id"],
            "payment_intent_id": intent_id,
            "intent_status": status,
            "amount": terms["amount"],
            "currency": terms["currency"],
            "message": message,
        },
        schema="service",
    )
    return outcome


def checkout_url(db: Database, stripe: StripeGateway, settings: Settings, caller: Caller, invoice_id: str) -> str:
    """A Checkout Session for the invoice, as POST /checkout/sessions opens one."""
    from .checkout import open_checkout

    return open_checkout(db, stripe, settings, caller, invoice_id).url


@router.post("/payment-methods/{payment_method_id}/detach")
def detach(payment_method_id: UUID, caller: CallerDep, db: DatabaseDep, stripe: StripeDep) -> dict[str, str]:
    method: dict[str, Any] = db.rpc(
        "begin_removing_payment_method", {"payment_method_id": str(payment_method_id)}, caller=caller
    )
    stripe.detach_payment_method(method["stripe_payment_method_id"])
    outcome: str = db.rpc(
        "record_payment_method_detached",
        {"stripe_payment_method_id": method["stripe_payment_method_id"]},
        schema="service",
    )
    return {"outcome": outcome}


@router.post("/payment-methods/{payment_method_id}/default")
def make_default(payment_method_id: UUID, caller: CallerDep, db: DatabaseDep, stripe: StripeDep) -> dict[str, str]:
    method: dict[str, Any] = db.rpc(
        "begin_removing_payment_method", {"payment_method_id": str(payment_method_id)}, caller=caller
    )
    stripe.set_default_payment_method(
        customer=method["customer_id"], payment_method_id=method["stripe_payment_method_id"]
    )
    return {"outcome": "default_requested"}
