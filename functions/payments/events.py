"""Stripe events, as a table from event type to the one service RPC that applies it.

Each function picks the fields its RPC needs out of the event's object; the RPC records the
event id in the same transaction as its effects and decides what changes (a replay is
'duplicate', an older event than the state it would overwrite is 'stale'). Types not in a
table are answered 2xx and otherwise ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from ..db.port import Database

Event = dict[str, Any]
Apply = Callable[[Database, Event], str]


def envelope(event: Event) -> dict[str, Any]:
    return {
        "event_id": event["id"],
        "event_type": event["type"],
        "event_created": datetime.fromtimestamp(event["created"], UTC).isoformat(),
    }


def object_of(event: Event) -> dict[str, Any]:
    obj: dict[str, Any] = event["data"]["object"]
    return obj


def our_id(obj: dict[str, Any], key: str) -> str | None:
    """A uuid we put in the object's metadata, or None when absent or not ours."""
    value = (obj.get("metadata") or {}).get(key)
    try:
        return str(UUID(value)) if value else None
    except (TypeError, ValueError):
        return None


def id_of(value: Any) -> str | None:
    """Stripe fields that point at another object are its id, or the object when expanded."""
    if isinstance(value, dict):
        return value.get("id")
    return value


def timestamp(value: int | None) -> str | None:
    return datetime.fromtimestamp(value, UTC).isoformat() if value else None


def checkout_session(db: Database, event: Event) -> str:
    session = object_of(event)
    return db.rpc(
        "apply_checkout_event",
        {
            **envelope(event),
            "session_id": session["id"],
            "payment_id": our_id(session, "payment_id"),
            "payment_status": session.get("payment_status"),
            "payment_intent_id": id_of(session.get("payment_intent")),
            "amount_total": session.get("amount_total"),
            "currency": session.get("currency"),
        },
        schema="service",
    )


def payment_intent_failed(db: Database, event: Event) -> str:
    intent = object_of(event)
    error = intent.get("last_payment_error") or {}
    return db.rpc(
        "apply_payment_intent_failed",
        {
            **envelope(event),
            "payment_intent_id": intent["id"],
            "payment_id": our_id(intent, "payment_id"),
            "failure_message": error.get("message") or error.get("code"),
        },
        schema="service",
    )


def charge_refunded(db: Database, event: Event) -> str:
    charge = object_of(event)
    return db.rpc(
        "apply_charge_refunded",
        {
            **envelope(event),
            "payment_intent_id": id_of(charge.get("payment_intent")),
            "charge_id": charge["id"],
            "amount_refunded": charge["amount_refunded"],
            "currency": charge["currency"],
        },
        schema="service",
    )


def refund(db: Database, event: Event) -> str:
    obj = object_of(event)
    return db.rpc(
        "apply_refund_event",
        {
            **envelope(event),
            "stripe_refund_id": obj["id"],
            "refund_id": our_id(obj, "refund_id"),
            "payment_intent_id": id_of(obj.get("payment_intent")),
            "amount": obj["amount"],
            "currency": obj["currency"],
            "status": obj["status"],
            "failure_reason": obj.get("failure_reason"),
        },
        schema="service",
    )


def dispute(db: Database, event: Event) -> str:
    obj = object_of(event)
    return db.rpc(
        "apply_dispute_event",
        {
            **envelope(event),
            "dispute_id": obj["id"],
            "payment_intent_id": id_of(obj.get("payment_intent")),
            "charge_id": id_of(obj.get("charge")),
            "amount": obj["amount"],
            "currency": obj["currency"],
            "status": obj["status"],
            "reason": obj.get("reason"),
            "evidence_due_by": timestamp((obj.get("evidence_details") or {}).get("due_by")),
        },
        schema="service",
    )


def account_updated(db: Database, event: Event) -> str:
    account = object_of(event)
    return db.rpc(
        "apply_account_event",
        {
            **envelope(event),
            "account_id": account["id"],
            "charges_enabled": bool(account.get("charges_enabled")),
            "payouts_enabled": bool(account.get("payouts_enabled")),
            "details_submitted": bool(account.get("details_submitted")),
        },
        schema="service",
    )


def payment_method(db: Database, event: Event) -> str:
    """payment_method.attached / .updated / .detached: the owner's saved methods."""
    method = object_of(event)
    kind = str(method.get("type") or "card")
    details: dict[str, Any] = method.get(kind) or {}
    wallet = details.get("wallet") or {}
    return db.rpc(
        "apply_payment_method_event",
        {
            **envelope(event),
            "payment_method_id": method["id"],
            "customer_id": id_of(method.get("customer")),
            "method_type": kind,
            "brand": details.get("brand"),
            "last4": details.get("last4"),
            "exp_month": details.get("exp_month"),
            "exp_year": details.get("exp_year"),
            "wallet": wallet.get("type"),
            "bank_name": details.get("bank_name"),
        },
        schema="service",
    )


def customer_updated(db: Database, event: Event) -> str:
    """customer.updated: the default method for off-session payments."""
    customer = object_of(event)
    settings = customer.get("invoice_settings") or {}
    return db.rpc(
        "apply_customer_event",
        {
            **envelope(event),
            "customer_id": customer["id"],
            "default_payment_method": id_of(settings.get("default_payment_method")),
        },
        schema="service",
    )


def payment_intent_succeeded(db: Database, event: Event) -> str:
    """payment_intent.succeeded: an off-session payment by a saved method (a Checkout one's
    session event settles it too, whichever comes first)."""
    intent = object_of(event)
    return db.rpc(
        "apply_payment_intent_succeeded",
        {
            **envelope(event),
            "payment_id": our_id(intent, "payment_id"),
            "payment_intent_id": intent["id"],
            "amount": intent.get("amount_received") or intent.get("amount"),
            "currency": intent.get("currency"),
        },
        schema="service",
    )


def payout(db: Database, event: Event) -> str:
    """payout.paid / payout.failed of a provider's Connect account: their ledger."""
    paid_out = object_of(event)
    return db.rpc(
        "apply_payout_event",
        {
            **envelope(event),
            "account_id": event.get("account"),
            "payout_id": paid_out["id"],
            "amount": paid_out["amount"],
            "currency": paid_out["currency"],
            "payout_status": paid_out.get("status"),
        },
        schema="service",
    )


# The platform endpoint (POST /stripe/webhook).
PLATFORM: dict[str, Apply] = {
    "checkout.session.completed": checkout_session,
    "checkout.session.async_payment_succeeded": checkout_session,
    "checkout.session.async_payment_failed": checkout_session,
    "checkout.session.expired": checkout_session,
    "payment_intent.payment_failed": payment_intent_failed,
    "charge.refunded": charge_refunded,
    "refund.created": refund,
    "refund.updated": refund,
    "refund.failed": refund,
    "charge.dispute.created": dispute,
    "charge.dispute.updated": dispute,
    "charge.dispute.closed": dispute,
    "payment_intent.succeeded": payment_intent_succeeded,
    "payment_method.attached": payment_method,
    "payment_method.updated": payment_method,
    "payment_method.detached": payment_method,
    "customer.updated": customer_updated,
}

# The Connect endpoint (POST /connect/webhook): events of the providers' accounts.
CONNECT: dict[str, Apply] = {
    "account.updated": account_updated,
    "payout.paid": payout,
    "payout.failed": payout,
}
