"""The PayPal Lambda through Mangum, against the fake PayPal (a real HTTP server speaking PayPal's
REST API): an order for an invoice, the buyer's approval, the capture (asked by the frontend or by
the CHECKOUT.ORDER.APPROVED webhook, once either way), webhook verification, refunds of PayPal
payments through the refunds Lambda, and what a client may not do."""

from __future__ import annotations

from typing import Any

import pytest

from tests.payments.conftest import Payments, invoice_of
from tests.support.fake_paypal import FakePayPal


@pytest.fixture(autouse=True)
def paypal_on(payments: Payments) -> None:
    with payments.market.owner() as conn:
        conn.execute("update public.payment_gateways set is_active = true where gateway = 'paypal'")


def fake(payments: Payments) -> FakePayPal:
    assert payments.paypal is not None
    return payments.paypal


def order(payments: Payments, client: str, invoice_id: str) -> Any:
    return payments.invoke("paypal", "POST", "/paypal/orders", body={"invoice_id": invoice_id}, as_user=client)


def capture(payments: Payments, client: str, order_id: str) -> Any:
    return payments.invoke("paypal", "POST", f"/paypal/orders/{order_id}/capture", as_user=client)


def payment_of(payments: Payments, invoice_id: str) -> dict[str, Any]:
    return payments.row(
        "select * from public.payments where invoice_id = %s and method = 'paypal' order by created_at desc limit 1",
        (invoice_id,),
    )


def test_a_client_pays_an_invoice_with_paypal(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)

    created = order(payments, client, booking["invoice_id"])
    again = order(payments, client, booking["invoice_id"])
    fake(payments).approve(created.body["order_id"])
    captured = capture(payments, client, created.body["order_id"])

    assert (created.status, again.status) == (201, 200), (created.body, again.body)
    assert again.body["order_id"] == created.body["order_id"], "a second ask gets the same order"
    assert created.body["approve_url"].startswith(fake(payments).url) or "paypal" in created.body["approve_url"]
    sent = fake(payments).last_request("POST", r"/v2/checkout/orders")
    unit = sent.json["purchase_units"][0]
    assert unit["amount"] == {"currency_code": "USD", "value": "100.00"}, "the invoice's amount, from the database"
    assert unit["custom_id"] == created.body["payment_id"]
    assert sent.headers["paypal-request-id"] == f"order-{created.body['payment_id']}"
    assert captured.status == 200, captured.body
    assert (captured.body["status"], captured.body["outcome"]) == ("COMPLETED", "paid")
    assert invoice_of(payments, booking["invoice_id"])["status"] == "paid"
    payment = payment_of(payments, booking["invoice_id"])
    assert (payment["status"], payment["paypal_capture_id"]) == ("succeeded", captured.body["capture_id"])


def test_the_approval_webhook_captures_for_a_buyer_who_never_came_back(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)
    created = order(payments, client, booking["invoice_id"])

    delivered = payments.deliver_paypal(fake(payments).approve(created.body["order_id"]))
    late = capture(payments, client, created.body["order_id"])  # the buyer comes back after all
    completed = fake(payments).events_of_type("PAYMENT.CAPTURE.COMPLETED")
    echoed = payments.deliver_paypal(completed[-1])

    assert delivered.status == 200 and delivered.body["outcome"] == "processing", delivered.body
    assert invoice_of(payments, booking["invoice_id"])["status"] == "paid"
    assert late.status == 200 and late.body["outcome"] == "already_succeeded", late.body
    assert len(fake(payments).captures) == 1, "captured once: the same PayPal-Request-Id"
    assert echoed.body["outcome"] == "already_succeeded"


def test_a_capture_before_the_buyer_approved_is_refused(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)
    created = order(payments, client, booking["invoice_id"])

    early = capture(payments, client, created.body["order_id"])

    assert early.status == 409, early.body
    assert payment_of(payments, booking["invoice_id"])["status"] == "pending"


def test_someone_elses_order_is_not_found(payments: Payments) -> None:
    booking = payments.book(payments.client(0))
    created = order(payments, payments.client(0), booking["invoice_id"])
    fake(payments).approve(created.body["order_id"])

    stolen = capture(payments, payments.client(1), created.body["order_id"])
    foreign = order(payments, payments.client(1), booking["invoice_id"])

    assert stolen.status == 404, stolen.body
    assert foreign.status == 404, foreign.body
    assert fake(payments).captures == {}


def test_a_declined_capture_fails_the_payment_and_a_new_order_can_follow(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)
    first = order(payments, client, booking["invoice_id"])
    fake(payments).approve(first.body["order_id"])
    fake(payments).decline_next_capture()

    declined = capture(payments, client, first.body["order_id"])
    second = order(payments, client, booking["invoice_id"])

    assert declined.status == 200 and declined.body["outcome"] == "failed", declined.body
    assert second.status == 201 and second.body["order_id"] != first.body["order_id"]


def test_a_forged_or_tampered_webhook_is_refused_and_changes_nothing(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)
    created = order(payments, client, booking["invoice_id"])
    event = fake(payments).approve(created.body["order_id"])
    body, headers = fake(payments).delivery(event)

    tampered = payments.invoke("paypal", "POST", "/paypal/webhook", body=body.replace(b"APPROVED", b"COMPLETED"),
                               headers=headers)  # fmt: skip
    other_hook = payments.deliver_paypal(event, webhook_id="WH-SOMEONE-ELSES")
    plain = {"content-type": "application/json"}
    unsigned = payments.invoke("paypal", "POST", "/paypal/webhook", body=body, headers=plain)

    assert (tampered.status, other_hook.status, unsigned.status) == (400, 400, 400)
    assert payment_of(payments, booking["invoice_id"])["status"] == "pending"


def test_a_refund_of_a_paypal_payment_goes_to_paypal(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)
    created = order(payments, client, booking["invoice_id"])
    fake(payments).approve(created.body["order_id"])
    captured = capture(payments, client, created.body["order_id"])

    refunded = payments.invoke(
        "refunds",
        "POST",
        "/refunds/requests",
        body={"invoice_id": booking["invoice_id"], "amount": 2500, "reason": "goodwill"},
        as_user=payments.admin_id,
    )
    event = fake(payments).refund_event(next(iter(fake(payments).refunds)))
    echoed = payments.deliver_paypal(event)

    assert refunded.status == 201, refunded.body
    assert [s["outcome"] for s in refunded.body["submitted"]] == ["refund_succeeded"]
    sent = fake(payments).last_request("POST", rf"/v2/payments/captures/{captured.body['capture_id']}/refund")
    assert sent.json["amount"] == {"currency_code": "USD", "value": "25.00"}
    assert echoed.status == 200 and echoed.body["outcome"] == "stale", echoed.body
    invoice = invoice_of(payments, booking["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("partially_refunded", 2500)
    assert payments.stripe.requests_for("POST", "/v1/refunds") == [], "nothing went to Stripe"
