"""The PayPal Lambda: PayPal Checkout (Orders API v2) for an invoice, its capture, and PayPal's
webhook.

The database decides everything, as for Stripe: `public.begin_paypal_checkout` (as the caller,
so RLS decides whether the invoice is theirs) gives the amount, currency and the payment to
open an order for; the order's PayPal-Request-Id is derived from the payment's id, so a retry
after a crash gets the same order. After the buyer approves on PayPal, the frontend asks for the
capture; so does the CHECKOUT.ORDER.APPROVED webhook, so that a buyer who never comes back
still pays what they approved. Both captures carry the same PayPal-Request-Id: PayPal captures
once. Every outcome goes through the same SQL (`service.record_paypal_capture`,
`service.apply_paypal_event`) whichever comes first.

Webhook events are verified with PayPal's verify-webhook-signature call before anything is
applied (see paypal_gateway for why that scheme).
"""

from __future__ import annotations

import json
import logging
from typing import Any
from uuid import UUID

from fastapi import FastAPI, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict

from ..deps import CallerDep, DatabaseDep, PayPalDep, SettingsDep
from ..settings import Settings
from . import errors
from .paypal_gateway import PayPalCapture, PayPalGateway, PayPalOrder, PayPalRefused, from_paypal_value

log = logging.getLogger("marketbase.paypal")

app = errors.install(FastAPI(title="marketbase paypal", docs_url=None, redoc_url=None))


class OrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invoice_id: UUID


class Order(BaseModel):
    payment_id: UUID
    invoice_id: UUID
    order_id: str
    approve_url: str
    amount: int
    currency: str


class Capture(BaseModel):
    payment_id: UUID
    order_id: str
    capture_id: str | None
    status: str
    outcome: str


@app.post("/orders", status_code=201)
def create_order(
    request: OrderRequest,
    response: Response,
    caller: CallerDep,
    db: DatabaseDep,
    paypal: PayPalDep,
    settings: SettingsDep,
) -> Order:
    terms: dict[str, Any] = db.rpc("begin_paypal_checkout", {"invoice_id": str(request.invoice_id)}, caller=caller)
    if terms["order_id"]:
        response.status_code = 200
        return order_of(terms, terms["order_id"], terms["approve_url"])
    try:
        order = new_order(paypal, settings, terms)
    except ValueError as error:  # an amount PayPal cannot express in the currency (HUF, JPY, TWD cents)
        raise HTTPException(409, {"code": "PT409", "message": f"invoice_id: PayPal cannot take it: {error}"}) from error
    db.rpc(
        "attach_paypal_order",
        {"payment_id": terms["payment_id"], "order_id": order.id, "approve_url": order.approval_url},
        schema="service",
    )
    log.info("paypal order created", extra={"invoice_id": terms["invoice_id"], "payment_id": terms["payment_id"]})
    return order_of(terms, order.id, order.approval_url or "")


def new_order(paypal: PayPalGateway, settings: Settings, terms: dict[str, Any]) -> PayPalOrder:
    return paypal.create_order(
        request_id=f"order-{terms['payment_id']}",
        amount_minor=terms["amount"],
        currency=terms["currency"],
        invoice_id=terms["invoice_id"],
        invoice_number=terms["invoice_number"],
        payment_id=terms["payment_id"],
        description=terms["description"],
        return_url=f"{settings.site_url}/checkout/paypal/return?invoice_id={terms['invoice_id']}",
        cancel_url=f"{settings.site_url}/checkout/cancelled?invoice_id={terms['invoice_id']}",
    )


def order_of(terms: dict[str, Any], order_id: str, approve_url: str) -> Order:
    return Order(
        payment_id=terms["payment_id"],
        invoice_id=terms["invoice_id"],
        order_id=order_id,
        approve_url=approve_url,
        amount=terms["amount"],
        currency=terms["currency"],
    )


@app.post("/orders/{order_id}/capture")
def capture_order(order_id: str, caller: CallerDep, db: DatabaseDep, paypal: PayPalDep) -> Capture:
    rows: list[dict[str, Any]] = db.rpc("paypal_order_payment", {"order_id": order_id}, caller=caller)
    if not rows:
        raise HTTPException(404, {"code": "PT404", "message": f"order_id: PayPal order {order_id} not found"})
    if rows[0]["status"] == "succeeded":
        # Captured already (by the approval's webhook, or a retry): the buyer's return page says so.
        return Capture(payment_id=rows[0]["payment_id"], order_id=order_id, capture_id=None, status="COMPLETED",
                       outcome="already_succeeded")  # fmt: skip
    if rows[0]["status"] not in ("pending", "processing"):
        # Abandoned (the client paid another way) or failed: nothing more is taken.
        raise HTTPException(
            409, {"code": "PT409", "message": f"order_id: the payment of this order is {rows[0]['status']}"}
        )
    return capture(db, paypal, rows[0]["payment_id"], order_id)


def capture(db: Any, paypal: PayPalGateway, payment_id: str, order_id: str) -> Capture:
    """Captures an approved order (once, whoever asks: the same PayPal-Request-Id) and records
    the outcome. An order captured already (by the other path) is read back instead."""
    try:
        result = paypal.capture_order(order_id=order_id, request_id=f"capture-{payment_id}")
    except PayPalRefused as refused:
        if refused.code == "ORDER_ALREADY_CAPTURED":
            result = captured(paypal, order_id)
        elif refused.code == "ORDER_NOT_APPROVED":
            raise HTTPException(
                409, {"code": "PT409", "message": "order_id: the buyer has not approved this order on PayPal yet"}
            ) from refused
        else:
            raise
    outcome: str = db.rpc(
        "record_paypal_capture",
        {
            "payment_id": payment_id,
            "capture_id": result.id,
            "capture_status": result.status,
            "amount": result.amount_minor,
            "currency": result.currency,
        },
        schema="service",
    )
    log.info("paypal order captured", extra={"payment_id": payment_id, "status": result.status, "outcome": outcome})
    return Capture(
        payment_id=UUID(payment_id), order_id=order_id, capture_id=result.id, status=result.status, outcome=outcome
    )


def captured(paypal: PayPalGateway, order_id: str) -> PayPalCapture:
    """The capture of an order captured already (by the other path, or a retry after a lost answer)."""
    order = paypal.get_order(order_id)
    if not order.captures:
        raise HTTPException(409, {"code": "PT409", "message": f"order_id: PayPal order {order_id} has no capture"})
    return order.captures[-1]


# --- the webhook ---------------------------------------------------------------------------------

# What each event type carries in its resource: (the payment's custom_id, order id, capture id,
# resource id, resource status, amount) are read from the resource by `fields_of`.
APPLIED = frozenset(
    {
        "CHECKOUT.ORDER.APPROVED",
        "PAYMENT.CAPTURE.COMPLETED",
        "PAYMENT.CAPTURE.PENDING",
        "PAYMENT.CAPTURE.DENIED",
        "PAYMENT.CAPTURE.REFUNDED",
        "PAYMENT.CAPTURE.REVERSED",
    }
)


@app.post("/webhook")
async def webhook(request: Request, db: DatabaseDep, paypal: PayPalDep, settings: SettingsDep) -> dict[str, str]:
    body = await request.body()
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HTTPException(400, {"code": None, "message": "the body is not a PayPal event"}) from error
    if not isinstance(event, dict) or not isinstance(event.get("resource"), dict) or "id" not in event:
        raise HTTPException(400, {"code": None, "message": "the body is not a PayPal event"})
    if not verified(paypal, settings, dict(request.headers), event):
        log.warning("paypal webhook refused", extra={"event_id": str(event.get("id"))})
        raise HTTPException(400, {"code": None, "message": "the event's signature does not verify with PayPal"})
    event_type = str(event.get("event_type"))
    if event_type not in APPLIED:
        return {"outcome": "ignored"}
    try:
        fields = fields_of(event_type, event["resource"])
    except (KeyError, TypeError, ValueError) as error:
        # Verified, but not the shape PayPal documents: kept in the log, not retried forever.
        log.error("paypal event unreadable", extra={"event_id": event["id"], "error": repr(error)})
        return {"outcome": "unreadable"}
    outcome: str = db.rpc(
        "apply_paypal_event",
        {
            "event_id": event["id"],
            "event_type": event_type,
            "event_created": event["create_time"],
            **fields,
        },
        schema="service",
    )
    log.info("paypal event applied", extra={"event_id": event["id"], "event_type": event_type, "outcome": outcome})
    if event_type == "CHECKOUT.ORDER.APPROVED" and outcome == "processing" and fields["payment_id"]:
        capture(db, paypal, fields["payment_id"], fields["order_id"])
    return {"outcome": outcome}


def verified(paypal: PayPalGateway, settings: Settings, headers: dict[str, str], event: dict[str, Any]) -> bool:
    if not settings.paypal_webhook_id:
        log.error("paypal webhook id not configured")
        return False
    return paypal.verify_webhook_signature(headers=headers, event_body=event, webhook_id=settings.paypal_webhook_id)


def fields_of(event_type: str, resource: dict[str, Any]) -> dict[str, Any]:
    """The SQL's arguments from an event's resource: an order (CHECKOUT.ORDER.*), a capture
    (PAYMENT.CAPTURE.COMPLETED / PENDING / DENIED) or a refund (.REFUNDED / .REVERSED)."""
    amount = resource.get("amount") or {}
    if event_type.startswith("CHECKOUT.ORDER."):
        unit = (resource.get("purchase_units") or [{}])[0]
        amount = unit.get("amount") or {}
        return {
            "payment_id": unit.get("custom_id"),
            "order_id": resource.get("id"),
            "capture_id": None,
            "resource_id": resource.get("id"),
            "resource_status": resource.get("status"),
            "amount": from_paypal_value(amount["value"], amount["currency_code"]) if amount else None,
            "currency": amount.get("currency_code"),
        }
    related = (resource.get("supplementary_data") or {}).get("related_ids") or {}
    is_refund = event_type in ("PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED")
    capture_id = related.get("capture_id") if is_refund else resource.get("id")
    if is_refund and not capture_id:
        # A refund links its capture as rel "up": .../v2/payments/captures/<id>.
        up = next((link["href"] for link in resource.get("links", []) if link.get("rel") == "up"), "")
        capture_id = up.rsplit("/", 1)[-1] or None
    return {
        "payment_id": resource.get("custom_id"),
        "order_id": related.get("order_id"),
        "capture_id": capture_id,
        "resource_id": resource.get("id"),
        "resource_status": resource.get("status"),
        "amount": from_paypal_value(amount["value"], amount["currency_code"]) if amount else None,
        "currency": amount.get("currency_code"),
    }
