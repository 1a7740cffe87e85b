"""The payments apps over real HTTP, as `marketbase dev` serves them: each app mounted at its
Lambda's prefix in one root app, served by uvicorn on a free port, called with httpx. Stripe's
webhook POSTs are the exact bytes and headers Stripe sends."""

from __future__ import annotations

import importlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from tests.payments.conftest import APPS, Payments, booking_of, invoice_of, payment_of
from tests.support.stripe_signing import sign

PREFIXES = dict(zip(("checkout", "stripe", "connect", "refunds", "paypal"), APPS, strict=True))


@pytest.fixture
def http(payments: Payments) -> Iterator[httpx.Client]:
    """An httpx client for the apps (with the `payments` fixture's collaborators) on uvicorn."""
    root = FastAPI()
    for prefix, module in PREFIXES.items():
        root.mount(f"/{prefix}", importlib.import_module(module).app)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(root, lifespan="off", log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="payments-http", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def bearer(payments: Payments, user: str) -> dict[str, str]:
    return {"authorization": f"Bearer {payments.token(user)}"}


def post_event(http: httpx.Client, payments: Payments, event: dict[str, Any], **signing: Any) -> httpx.Response:
    body, headers = payments.stripe.delivery(event, **signing)
    path = "/connect/webhook" if event.get("account") else "/stripe/webhook"
    return http.post(path, content=body, headers=headers)


def test_checkout_webhook_and_refund_over_http(payments: Payments, http: httpx.Client) -> None:
    client = payments.client(0)
    booking = payments.book(client)

    opened = http.post(
        "/checkout/sessions", json={"invoice_id": booking["invoice_id"]}, headers=bearer(payments, client)
    )

    assert opened.status_code == 201, opened.text
    session_id = opened.json()["session_id"]
    assert (
        payments.stripe.last_request("POST", "/v1/checkout/sessions").params["metadata"]["invoice_id"]
        == (booking["invoice_id"])
    )

    paid = post_event(http, payments, payments.stripe.complete_checkout(session_id))

    assert paid.status_code == 200, paid.text
    assert paid.json()["outcome"] == "paid"
    assert booking_of(payments, booking["booking_id"])["status"] == "confirmed"
    assert invoice_of(payments, booking["invoice_id"])["status"] == "paid"

    refunded = http.post(
        "/refunds/requests",
        json={"invoice_id": booking["invoice_id"], "amount": 2500},
        headers=bearer(payments, payments.admin_id),
    )

    assert refunded.status_code == 201, refunded.text
    (refund,) = payments.rows("select * from public.refunds")
    sent = payments.stripe.last_request("POST", "/v1/refunds")
    assert sent.params["amount"] == "2500"
    assert sent.params["payment_intent"] == payment_of(payments, booking["invoice_id"])["stripe_payment_intent_id"]
    assert sent.idempotency_key == f"refund-{refund['id']}"
    outcomes = [
        post_event(http, payments, event).json()["outcome"]
        for event in payments.stripe.events
        if event["type"] in ("charge.refunded", "refund.created")
    ]
    assert outcomes == ["charge_refunded", "stale"]  # the refund was already succeeded from Stripe's answer
    invoice = invoice_of(payments, booking["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("partially_refunded", 2500)


def test_refusals_over_http(payments: Payments, http: httpx.Client) -> None:
    client = payments.client(0)
    booking = payments.book(client)

    anonymous = http.post("/checkout/sessions", json={"invoice_id": booking["invoice_id"]})
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")

    opened = http.post(
        "/checkout/sessions", json={"invoice_id": booking["invoice_id"]}, headers=bearer(payments, client)
    )
    body, headers = payments.stripe.delivery(payments.stripe.complete_checkout(opened.json()["session_id"]))
    forged = http.post("/stripe/webhook", content=body, headers={**headers, "stripe-signature": sign(body, "whsec_x")})
    unsigned = http.post("/stripe/webhook", content=body, headers={"content-type": "application/json"})
    assert (forged.status_code, unsigned.status_code) == (400, 400)
    assert payment_of(payments, booking["invoice_id"])["status"] == "pending"
    assert payments.rows("select id from private.stripe_events") == []

    not_admin = http.post(
        "/refunds/requests", json={"invoice_id": booking["invoice_id"]}, headers=bearer(payments, client)
    )
    assert not_admin.status_code == 403
    assert payments.stripe.requests_for("POST", "/v1/refunds") == []


def test_connect_onboarding_and_webhook_over_http(payments: Payments, http: httpx.Client) -> None:
    link = http.post("/connect/onboarding", headers=bearer(payments, payments.market.provider_id))

    assert link.status_code == 200, link.text
    assert link.json()["account_id"] == payments.account_id

    updated = post_event(http, payments, payments.stripe.update_account(payments.account_id, payouts_enabled=False))

    assert updated.status_code == 200, updated.text
    assert updated.json()["outcome"] == "account_updated"
    account = payments.row(
        "select payouts_enabled from public.provider_payout_accounts where stripe_account_id = %s",
        (payments.account_id,),
    )
    assert account["payouts_enabled"] is False
