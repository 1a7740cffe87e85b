"""Sending what the database queued to Stripe and PayPal: refunds (each to the gateway that took
the payment), and the expiry of Checkout Sessions whose booking hold lapsed. Used by the refunds
app right after a decision and by the sweeper for whatever is left (a crash, a cancellation made
straight through PostgREST).
"""

from __future__ import annotations

import logging
from typing import Any

from ..db.port import Database
from .paypal_gateway import PayPalGateway, PayPalRefused, PayPalUnavailable
from .stripe_gateway import StripeGateway, StripeRefused, StripeUnavailable

log = logging.getLogger("marketbase.payments")


def submit_refunds(
    db: Database,
    stripe: StripeGateway,
    *,
    paypal: PayPalGateway | None = None,
    invoice_id: str | None = None,
    booking_id: str | None = None,
) -> list[dict[str, Any]]:
    """Claims the queued refunds (of one invoice or booking, or all) and creates them at
    Stripe, the refund's id as idempotency key; with a PayPal gateway, PayPal's too. Returns one
    result per refund."""
    results = submit_stripe_refunds(db, stripe, invoice_id=invoice_id, booking_id=booking_id)
    if paypal is not None:
        results += submit_paypal_refunds(db, paypal, invoice_id=invoice_id, booking_id=booking_id)
    return results


def submit_stripe_refunds(
    db: Database, stripe: StripeGateway, *, invoice_id: str | None = None, booking_id: str | None = None
) -> list[dict[str, Any]]:
    claimed: list[dict[str, Any]] = db.rpc(
        "refunds_to_submit", {"invoice_id": invoice_id, "booking_id": booking_id}, schema="service"
    )
    results = []
    for queued in claimed:
        ids = {"refund_id": queued["refund_id"]}
        try:
            refund = stripe.create_refund(
                idempotency_key=queued["idempotency_key"],
                payment_intent=queued["payment_intent_id"],
                amount=queued["amount"],
                reverse_transfer=queued["reverse_transfer"],
                refund_application_fee=queued["refund_application_fee"],
                metadata={"refund_id": queued["refund_id"]},
            )
        except StripeUnavailable as exc:
            outcome = record_failure(db, queued, str(exc), retryable=True)
        except StripeRefused as exc:
            outcome = record_failure(db, queued, f"{exc.code}: {exc.message}", retryable=exc.status == 429)
        else:
            outcome = db.rpc(
                "record_refund_submitted",
                {
                    "refund_id": queued["refund_id"],
                    "stripe_refund_id": refund.id,
                    "status": refund.status,
                    "failure_reason": refund.failure_reason,
                },
                schema="service",
            )
        log.info("refund submitted", extra={**ids, "outcome": outcome})
        results.append({"refund_id": queued["refund_id"], "amount": queued["amount"], "outcome": outcome})
    return results


def submit_paypal_refunds(
    db: Database, paypal: PayPalGateway, *, invoice_id: str | None = None, booking_id: str | None = None
) -> list[dict[str, Any]]:
    """Claims the queued refunds of PayPal payments and refunds their captures at PayPal, the
    refund's id as PayPal-Request-Id (a retry gets the same refund)."""
    claimed: list[dict[str, Any]] = db.rpc(
        "paypal_refunds_to_submit", {"invoice_id": invoice_id, "booking_id": booking_id}, schema="service"
    )
    results = []
    for queued in claimed:
        try:
            refund = paypal.refund_capture(
                capture_id=queued["capture_id"],
                request_id=queued["request_id"],
                amount_minor=queued["amount"],
                currency=queued["currency"],
            )
        except PayPalUnavailable as exc:
            outcome = record_failure(db, queued, str(exc), retryable=True)
        except PayPalRefused as exc:
            outcome = record_failure(db, queued, f"{exc.code}: {exc.message}", retryable=False)
        except ValueError as exc:  # an amount PayPal cannot express in the currency
            outcome = record_failure(db, queued, str(exc), retryable=False)
        else:
            outcome = db.rpc(
                "record_paypal_refund_submitted",
                {"refund_id": queued["refund_id"], "paypal_refund_id": refund.id, "refund_status": refund.status},
                schema="service",
            )
        log.info("paypal refund submitted", extra={"refund_id": queued["refund_id"], "outcome": outcome})
        results.append({"refund_id": queued["refund_id"], "amount": queued["amount"], "outcome": outcome})
    return results


def record_failure(db: Database, queued: dict[str, Any], error: str, *, retryable: bool) -> str:
    outcome: str = db.rpc(
        "record_refund_submission_failed",
        {"refund_id": queued["refund_id"], "error": error, "retryable": retryable},
        schema="service",
    )
    return outcome


def expire_lapsed_checkouts(db: Database, stripe: StripeGateway) -> list[dict[str, Any]]:
    """Ends at Stripe the sessions whose booking hold lapsed before Stripe's 30 minutes."""
    results = []
    for lapsed in db.rpc("lapsed_checkouts", schema="service"):
        try:
            status = stripe.expire_checkout_session(lapsed["session_id"])
        except StripeUnavailable as exc:
            log.warning("session expiry retry later", extra={"payment_id": lapsed["payment_id"], "error": str(exc)})
            continue
        outcome = db.rpc(
            "record_checkout_expired", {"payment_id": lapsed["payment_id"], "session_status": status}, schema="service"
        )
        results.append({"payment_id": lapsed["payment_id"], "outcome": outcome})
    return results
