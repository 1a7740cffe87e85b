"""The PayPal boundary: what PayPalGateway sends to PayPal's REST API (a fake speaking PayPal's wire
format over real HTTP), how it reads PayPal's answers and refusals, OAuth token reuse and renewal,
PayPal-Request-Id retries after lost answers, amounts per currency, and webhook verification by
postback; plus the fake's own promises that later tests of the PayPal routes will rely on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from functions.payments.paypal_gateway import (
    PayPalCapture,
    PayPalGateway,
    PayPalOrder,
    PayPalRefused,
    PayPalUnavailable,
    from_paypal_value,
    get_paypal,
    to_paypal_value,
)
from functions.settings import MissingSetting, get_settings
from tests.support.fake_paypal import FakePayPal

INVOICE = "0b4f0a5e-6a3c-4f55-9d0e-2d1b8e3f7a10"
PAYMENT = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
RETURN_URL = f"http://127.0.0.1:3000/invoices/{INVOICE}?paypal=return"
CANCEL_URL = f"http://127.0.0.1:3000/invoices/{INVOICE}?paypal=cancel"
ORDERS = "/v2/checkout/orders"
TOKEN = "/v1/oauth2/token"
VERIFY = "/v1/notifications/verify-webhook-signature"


@pytest.fixture
def fake() -> Iterator[FakePayPal]:
    with FakePayPal() as server:
        yield server


@pytest.fixture
def gateway(fake: FakePayPal) -> Iterator[PayPalGateway]:
    gateway: PayPalGateway = fake.gateway()
    yield gateway
    gateway.close()


def create(gateway: PayPalGateway, **overrides: Any) -> PayPalOrder:
    args: dict[str, Any] = {
        "request_id": f"order-{PAYMENT}",
        "amount_minor": 12050,
        "currency": "USD",
        "invoice_id": INVOICE,
        "invoice_number": "INV-2026-000042",
        "payment_id": PAYMENT,
        "description": "Invoice INV-2026-000042",
        "return_url": RETURN_URL,
        "cancel_url": CANCEL_URL,
    }
    args.update(overrides)
    return gateway.create_order(**args)


def captured(fake: FakePayPal, gateway: PayPalGateway, **overrides: Any) -> PayPalCapture:
    """An order created, approved by the buyer and captured."""
    order = create(gateway, **overrides)
    fake.approve(order.id)
    return gateway.capture_order(order_id=order.id, request_id=f"capture-{order.id}")


# --- OAuth ----------------------------------------------------------------------------------------


def test_one_token_serves_many_calls(fake: FakePayPal, gateway: PayPalGateway) -> None:
    order = create(gateway)
    gateway.get_order(order.id)
    gateway.get_order(order.id)

    tokens = fake.requests_for("POST", TOKEN)
    assert len(tokens) == 1
    assert tokens[0].basic_auth == (fake.client_id, fake.client_secret)
    assert tokens[0].form == {"grant_type": "client_credentials"}
    issued = tokens[0].response["access_token"]
    api_calls = fake.requests_for(path=r"/v2/.*")
    assert len(api_calls) == 3
    assert {r.bearer for r in api_calls} == {issued}


def test_a_token_is_renewed_before_it_expires() -> None:
    now = [1000.0]
    with FakePayPal(token_ttl=600) as fake:
        gateway = fake.gateway(clock=lambda: now[0])
        order = create(gateway)
        now[0] += 290  # 600 s tokens are renewed 300 s early: still good at +290
        gateway.get_order(order.id)
        assert len(fake.requests_for("POST", TOKEN)) == 1
        now[0] += 20
        gateway.get_order(order.id)
        tokens = fake.requests_for("POST", TOKEN)
        assert len(tokens) == 2
        assert fake.last_request("GET").bearer == tokens[1].response["access_token"]


def test_a_refused_token_is_renewed_once_and_the_call_repeated(fake: FakePayPal, gateway: PayPalGateway) -> None:
    order = create(gateway)
    fake.approve(order.id)
    fake.expire_tokens()  # PayPal forgot the token before its expires_in

    capture = gateway.capture_order(order_id=order.id, request_id="capture-after-401")

    assert capture.status == "COMPLETED"
    attempts = fake.requests_for("POST", f"{ORDERS}/{order.id}/capture")
    assert [a.status for a in attempts] == [401, 201]
    assert attempts[0].response == {"error": "invalid_token", "error_description": "Access Token not found in cache"}
    assert {a.headers["paypal-request-id"] for a in attempts} == {"capture-after-401"}
    assert len(fake.requests_for("POST", TOKEN)) == 2
    assert attempts[1].bearer == fake.requests_for("POST", TOKEN)[1].response["access_token"]


def test_a_401_that_persists_is_a_refusal(fake: FakePayPal, gateway: PayPalGateway) -> None:
    order = create(gateway)
    fake.fail_next(401, method="GET", times=2)

    with pytest.raises(PayPalRefused) as refused:
        gateway.get_order(order.id)

    assert refused.value.status == 401
    assert refused.value.name == "AUTHENTICATION_FAILURE"
    assert len(fake.requests_for("GET")) == 2  # one renewal, not a loop


def test_wrong_credentials_are_refused_at_the_token_endpoint(fake: FakePayPal) -> None:
    gateway = PayPalGateway(fake.client_id, "not-the-secret", base_url=fake.url)

    with pytest.raises(PayPalRefused) as refused:
        create(gateway)

    assert (refused.value.status, refused.value.name, refused.value.code) == (401, "invalid_client", "invalid_client")
    assert refused.value.message == "Client Authentication failed"
    assert fake.requests_for("POST", ORDERS) == []


def test_an_api_call_without_a_bearer_token_is_refused_by_the_fake(fake: FakePayPal) -> None:
    import httpx

    response = httpx.post(fake.url + ORDERS, json={"intent": "CAPTURE"})

    assert response.status_code == 401
    assert response.json()["name"] == "AUTHENTICATION_FAILURE"
    assert fake.orders == {}


# --- orders ---------------------------------------------------------------------------------------


def test_create_order_sends_one_purchase_unit_and_the_experience_context(
    fake: FakePayPal, gateway: PayPalGateway
) -> None:
    order = create(gateway)

    request = fake.last_request("POST", ORDERS)
    assert request.headers["paypal-request-id"] == f"order-{PAYMENT}"
    assert request.headers["prefer"] == "return=representation"
    assert request.json == {
        "intent": "CAPTURE",
        "purchase_units": [
            {
                "reference_id": INVOICE,
                "custom_id": PAYMENT,
                "invoice_id": "INV-2026-000042",
                "description": "Invoice INV-2026-000042",
                "amount": {"currency_code": "USD", "value": "120.50"},
            }
        ],
        "payment_source": {
            "paypal": {
                "experience_context": {
                    "payment_method_preference": "IMMEDIATE_PAYMENT_REQUIRED",
                    "shipping_preference": "NO_SHIPPING",
                    "user_action": "PAY_NOW",
                    "return_url": RETURN_URL,
                    "cancel_url": CANCEL_URL,
                }
            }
        },
    }
    assert order.status == "PAYER_ACTION_REQUIRED"
    assert order.approval_url == f"https://www.sandbox.paypal.com/checkoutnow?token={order.id}"
    assert (order.amount_minor, order.currency) == (12050, "USD")
    assert (order.reference_id, order.custom_id, order.invoice_id) == (INVOICE, PAYMENT, "INV-2026-000042")
    assert order.captures == ()


def test_create_approve_capture_refund(fake: FakePayPal, gateway: PayPalGateway) -> None:
    order = create(gateway)
    approved = fake.approve(order.id)
    assert approved["event_type"] == "CHECKOUT.ORDER.APPROVED"
    assert gateway.get_order(order.id).status == "APPROVED"
    assert gateway.get_order(order.id).approval_url is None

    capture = gateway.capture_order(order_id=order.id, request_id=f"capture-{PAYMENT}")

    assert fake.last_request("POST", f"{ORDERS}/{order.id}/capture").headers["paypal-request-id"] == (
        f"capture-{PAYMENT}"
    )
    assert capture.status == "COMPLETED"
    assert (capture.order_id, capture.order_status) == (order.id, "COMPLETED")
    assert (capture.amount_minor, capture.currency) == (12050, "USD")
    assert (capture.custom_id, capture.invoice_id) == (PAYMENT, "INV-2026-000042")
    assert capture.fee_minor == 470  # 3.49% + 0.49 of 120.50
    assert capture.id in fake.captures

    partial = gateway.refund_capture(
        capture_id=capture.id, request_id="refund-1", amount_minor=5000, currency="USD", note="Cancelled session"
    )
    request = fake.last_request("POST", f"/v2/payments/captures/{capture.id}/refund")
    assert request.json == {"amount": {"currency_code": "USD", "value": "50.00"}, "note_to_payer": "Cancelled session"}
    assert request.headers["paypal-request-id"] == "refund-1"
    assert (partial.status, partial.amount_minor, partial.currency, partial.capture_id) == (
        "COMPLETED",
        5000,
        "USD",
        capture.id,
    )
    assert gateway.get_order(order.id).captures[0].status == "PARTIALLY_REFUNDED"

    with pytest.raises(PayPalRefused) as refused:
        gateway.refund_capture(capture_id=capture.id, request_id="refund-2", amount_minor=7051, currency="USD")
    assert (refused.value.status, refused.value.issue) == (422, "REFUND_AMOUNT_EXCEEDED")

    rest = gateway.refund_capture(capture_id=capture.id, request_id="refund-3", amount_minor=7050, currency="USD")
    assert (rest.status, rest.amount_minor) == ("COMPLETED", 7050)
    assert gateway.get_order(order.id).captures[0].status == "REFUNDED"
    with pytest.raises(PayPalRefused) as again:
        gateway.refund_capture(capture_id=capture.id, request_id="refund-4", amount_minor=1, currency="USD")
    assert again.value.issue == "CAPTURE_FULLY_REFUNDED"


def test_capture_before_approval_and_a_second_capture_are_refused_distinguishably(
    fake: FakePayPal, gateway: PayPalGateway
) -> None:
    order = create(gateway)

    with pytest.raises(PayPalRefused) as early:
        gateway.capture_order(order_id=order.id, request_id="capture-1")
    assert (early.value.status, early.value.name, early.value.code) == (
        422,
        "UNPROCESSABLE_ENTITY",
        "ORDER_NOT_APPROVED",
    )
    assert early.value.debug_id

    fake.approve(order.id)
    # A refusal is not kept under its PayPal-Request-Id: the same id captures once approved.
    first = gateway.capture_order(order_id=order.id, request_id="capture-1")
    assert first.status == "COMPLETED"

    with pytest.raises(PayPalRefused) as twice:
        gateway.capture_order(order_id=order.id, request_id="capture-2")
    assert (twice.value.status, twice.value.code) == (422, "ORDER_ALREADY_CAPTURED")
    assert twice.value.details[0]["description"].startswith("Order already captured.")
    assert len(fake.captures) == 1


def test_an_unknown_order_is_not_found(gateway: PayPalGateway) -> None:
    with pytest.raises(PayPalRefused) as refused:
        gateway.get_order("5O190127TN364715T")

    assert (refused.value.status, refused.value.name, refused.value.issue) == (
        404,
        "RESOURCE_NOT_FOUND",
        "INVALID_RESOURCE_ID",
    )
    assert refused.value.details[0]["value"] == "5O190127TN364715T"


def test_a_declined_capture_is_an_answer_and_instrument_declined_a_refusal(
    fake: FakePayPal, gateway: PayPalGateway
) -> None:
    fake.decline_next_capture()
    declined = captured(fake, gateway)
    assert (declined.status, declined.order_status, declined.fee_minor) == ("DECLINED", "COMPLETED", None)
    assert fake.capture_event(declined.id)["event_type"] == "PAYMENT.CAPTURE.DECLINED"

    fake.decline_next_capture(instrument_declined=True)
    order = create(gateway, request_id="order-2", invoice_number="INV-2026-000043")
    fake.approve(order.id)
    with pytest.raises(PayPalRefused) as refused:
        gateway.capture_order(order_id=order.id, request_id="capture-2")
    assert refused.value.issue == "INSTRUMENT_DECLINED"
    assert gateway.get_order(order.id).status == "APPROVED"  # the buyer may pick another funding source


def test_a_pending_capture_completes_or_is_denied_later(fake: FakePayPal, gateway: PayPalGateway) -> None:
    fake.pend_next_capture()
    pending = captured(fake, gateway)
    assert (pending.status, pending.status_reason) == ("PENDING", "PENDING_REVIEW")
    assert fake.capture_event(pending.id)["event_type"] == "PAYMENT.CAPTURE.PENDING"
    with pytest.raises(PayPalRefused) as refused:
        gateway.refund_capture(capture_id=pending.id, request_id="refund-pending", amount_minor=100, currency="USD")
    assert refused.value.issue == "PENDING_CAPTURE"

    completed = fake.complete_capture(pending.id)
    assert completed["event_type"] == "PAYMENT.CAPTURE.COMPLETED"
    assert gateway.get_order(pending.order_id).captures[0].status == "COMPLETED"

    fake.pend_next_capture("ECHECK")
    other = captured(fake, gateway, request_id="order-2", invoice_number="INV-2026-000043")
    denied = fake.deny_capture(other.id)
    assert denied["event_type"] == "PAYMENT.CAPTURE.DENIED"
    assert denied["resource"]["status"] == "DECLINED"


def test_a_second_payment_with_the_same_invoice_number_is_refused_once_one_completed(
    fake: FakePayPal, gateway: PayPalGateway
) -> None:
    captured(fake, gateway)
    again = create(gateway, request_id="order-again")
    fake.approve(again.id)

    with pytest.raises(PayPalRefused) as refused:
        gateway.capture_order(order_id=again.id, request_id="capture-again")

    assert refused.value.issue == "DUPLICATE_INVOICE_ID"


# --- idempotency, outages ---------------------------------------------------------------------------


def test_a_lost_create_answer_is_retried_with_the_same_request_id(fake: FakePayPal, gateway: PayPalGateway) -> None:
    fake.fail_next(None, method="POST", path=ORDERS, after=True)

    with pytest.raises(PayPalUnavailable):
        create(gateway)
    assert len(fake.orders) == 1  # PayPal created it; only the answer was lost

    order = create(gateway)

    assert list(fake.orders) == [order.id]
    retry = fake.last_request("POST", ORDERS)
    assert (retry.status, retry.replayed) == (200, True)
    assert order.status == "PAYER_ACTION_REQUIRED"


def test_a_lost_capture_answer_is_retried_with_the_same_request_id(fake: FakePayPal, gateway: PayPalGateway) -> None:
    order = create(gateway)
    fake.approve(order.id)
    fake.fail_next(None, method="POST", path=rf"{ORDERS}/\w+/capture", after=True)

    with pytest.raises(PayPalUnavailable):
        gateway.capture_order(order_id=order.id, request_id="capture-lost")
    capture = gateway.capture_order(order_id=order.id, request_id="capture-lost")

    assert list(fake.captures) == [capture.id]
    assert capture.status == "COMPLETED"
    assert fake.last_request("POST", rf"{ORDERS}/\w+/capture").replayed


def test_a_lost_refund_answer_is_retried_with_the_same_request_id(fake: FakePayPal, gateway: PayPalGateway) -> None:
    capture = captured(fake, gateway)
    fake.fail_next(None, method="POST", path=r"/v2/payments/captures/\w+/refund", after=True)

    with pytest.raises(PayPalUnavailable):
        gateway.refund_capture(capture_id=capture.id, request_id="refund-lost", amount_minor=12050, currency="USD")
    refund = gateway.refund_capture(capture_id=capture.id, request_id="refund-lost", amount_minor=12050, currency="USD")

    assert list(fake.refunds) == [refund.id]
    assert (refund.status, refund.amount_minor) == ("COMPLETED", 12050)


@pytest.mark.parametrize("status", [500, 503, 429, 409])
def test_5xx_429_and_409_are_unavailable(fake: FakePayPal, gateway: PayPalGateway, status: int) -> None:
    fake.fail_next(status, method="POST", path=ORDERS)

    with pytest.raises(PayPalUnavailable) as unavailable:
        create(gateway)

    assert unavailable.value.status == status
    assert unavailable.value.debug_id
    assert fake.orders == {}


def test_retries_are_off_unless_asked_and_repeat_the_request_id(fake: FakePayPal) -> None:
    waits: list[float] = []
    gateway = fake.gateway(max_retries=2, retry_backoff=0.25, sleep=waits.append)
    fake.fail_next(503, method="POST", path=ORDERS)
    fake.fail_next(None, method="POST", path=ORDERS)

    order = create(gateway)

    attempts = fake.requests_for("POST", ORDERS)
    assert [a.status for a in attempts] == [503, 0, 201]
    assert {a.headers["paypal-request-id"] for a in attempts} == {f"order-{PAYMENT}"}
    assert waits == [0.25, 0.5]
    assert list(fake.orders) == [order.id]


def test_a_slow_answer_is_a_timeout(fake: FakePayPal) -> None:
    gateway = fake.gateway(timeout=0.2)
    gateway.get_order(create(gateway).id)  # the token is cached: the delay hits the API call
    fake.delay_next(1.0, method="GET")

    with pytest.raises(PayPalUnavailable, match="timed out after 0.2s"):
        gateway.get_order(next(iter(fake.orders)))


# --- amounts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount_minor", "currency", "value"),
    [(12050, "USD", "120.50"), (5, "EUR", "0.05"), (5000, "JPY", "5000"), (150000, "HUF", "1500")],
)
def test_amounts_go_out_with_the_currencys_decimals(
    fake: FakePayPal, gateway: PayPalGateway, amount_minor: int, currency: str, value: str
) -> None:
    order = create(gateway, amount_minor=amount_minor, currency=currency.lower())

    sent = fake.last_request("POST", ORDERS).json["purchase_units"][0]["amount"]
    assert sent == {"currency_code": currency, "value": value}
    assert (order.amount_minor, order.currency) == (amount_minor, currency)
    fake.approve(order.id)
    capture = gateway.capture_order(order_id=order.id, request_id=f"capture-{order.id}")
    assert (capture.amount_minor, capture.currency) == (amount_minor, currency)
    assert fake.captures[capture.id]["amount"] == sent


def test_an_amount_paypal_cannot_express_is_refused_before_any_call(fake: FakePayPal, gateway: PayPalGateway) -> None:
    with pytest.raises(ValueError, match="HUF"):
        create(gateway, amount_minor=150050, currency="HUF")  # 1500.50 Ft: PayPal takes whole forints

    assert fake.requests == []
    assert to_paypal_value(1, "USD") == "0.01"
    assert from_paypal_value("0.01", "USD") == 1
    assert from_paypal_value("1500", "HUF") == 150000


@pytest.mark.parametrize(
    ("value", "currency", "status", "issue"),
    [
        ("10.5", "JPY", 422, "DECIMAL_PRECISION"),
        ("10.00", "TWD", 422, "DECIMAL_PRECISION"),
        ("12.345", "USD", 422, "DECIMAL_PRECISION"),
        ("0.00", "USD", 422, "CANNOT_BE_ZERO_OR_NEGATIVE"),
        ("12,50", "EUR", 400, "INVALID_PARAMETER_SYNTAX"),
        ("12.50", "XYZ", 422, "INVALID_CURRENCY_CODE"),
    ],
)
def test_the_fake_checks_amounts_as_paypal_does(
    fake: FakePayPal, gateway: PayPalGateway, value: str, currency: str, status: int, issue: str
) -> None:
    body = {
        "intent": "CAPTURE",
        "purchase_units": [{"reference_id": "inv", "amount": {"currency_code": currency, "value": value}}],
    }

    with pytest.raises(PayPalRefused) as refused:
        gateway._call("create order", "POST", ORDERS, body, request_id="raw")

    assert (refused.value.status, refused.value.issue) == (status, issue)
    assert refused.value.name == ("INVALID_REQUEST" if status == 400 else "UNPROCESSABLE_ENTITY")
    detail = refused.value.details[0]
    assert detail["field"] == "/purchase_units/@reference_id=='inv'/amount/" + (
        "currency_code" if issue == "INVALID_CURRENCY_CODE" else "value"
    )
    assert detail["location"] == "body"
    assert fake.last_request("POST", ORDERS).response["links"][0]["rel"] == "information_link"
    assert fake.orders == {}


def test_an_order_without_a_payment_source_is_created_with_an_approve_link(
    fake: FakePayPal, gateway: PayPalGateway
) -> None:
    body = {"intent": "CAPTURE", "purchase_units": [{"amount": {"currency_code": "USD", "value": "1.00"}}]}

    answer = gateway._call("create order", "POST", ORDERS, body, request_id="no-source")

    assert answer["status"] == "CREATED"
    assert [link["rel"] for link in answer["links"]] == ["self", "approve", "update", "capture"]
    assert answer["purchase_units"][0]["reference_id"] == "default"


# --- refunds ----------------------------------------------------------------------------------------


def test_a_pending_refund_completes_later(fake: FakePayPal, gateway: PayPalGateway) -> None:
    capture = captured(fake, gateway)
    fake.pend_next_refund()

    refund = gateway.refund_capture(capture_id=capture.id, request_id="refund-e", amount_minor=2000, currency="USD")

    assert (refund.status, refund.status_reason) == ("PENDING", "ECHECK")
    event = fake.complete_refund(refund.id)
    assert event["event_type"] == "PAYMENT.CAPTURE.REFUNDED"
    assert event["resource"]["status"] == "COMPLETED"
    assert fake.refund_event(refund.id) == event


# --- webhooks ---------------------------------------------------------------------------------------


def capture_completed(fake: FakePayPal, gateway: PayPalGateway) -> dict[str, Any]:
    return fake.capture_event(captured(fake, gateway).id)


def test_a_genuine_delivery_is_verified(fake: FakePayPal, gateway: PayPalGateway) -> None:
    event = capture_completed(fake, gateway)
    body, headers = fake.delivery(event)

    assert gateway.verify_webhook_signature(headers=headers, event_body=json.loads(body), webhook_id=fake.webhook_id)

    request = fake.last_request("POST", VERIFY)
    assert request.json == {
        "auth_algo": "SHA256withRSA",
        "cert_url": headers["PAYPAL-CERT-URL"],
        "transmission_id": headers["PAYPAL-TRANSMISSION-ID"],
        "transmission_sig": headers["PAYPAL-TRANSMISSION-SIG"],
        "transmission_time": headers["PAYPAL-TRANSMISSION-TIME"],
        "webhook_id": fake.webhook_id,
        "webhook_event": event,
    }
    assert request.response == {"verification_status": "SUCCESS"}
    lower = {name.lower(): value for name, value in headers.items()}  # as a framework hands them over
    assert gateway.verify_webhook_signature(headers=lower, event_body=json.loads(body), webhook_id=fake.webhook_id)


def test_a_tampered_body_is_not_verified(fake: FakePayPal, gateway: PayPalGateway) -> None:
    body, headers = fake.delivery(capture_completed(fake, gateway))
    tampered = json.loads(body)
    tampered["resource"]["amount"]["value"] = "1200.50"

    assert not gateway.verify_webhook_signature(headers=headers, event_body=tampered, webhook_id=fake.webhook_id)
    assert fake.last_request("POST", VERIFY).response == {"verification_status": "FAILURE"}


@pytest.mark.parametrize(
    "header", ["PAYPAL-TRANSMISSION-SIG", "PAYPAL-TRANSMISSION-TIME", "PAYPAL-CERT-URL", "PAYPAL-AUTH-ALGO"]
)
def test_tampered_headers_are_not_verified(fake: FakePayPal, gateway: PayPalGateway, header: str) -> None:
    body, headers = fake.delivery(capture_completed(fake, gateway))
    headers[header] = "SHA256withDSA" if header == "PAYPAL-AUTH-ALGO" else headers[header][:-2] + "00"

    assert not gateway.verify_webhook_signature(
        headers=headers, event_body=json.loads(body), webhook_id=fake.webhook_id
    )


def test_a_delivery_for_another_webhook_is_not_verified(fake: FakePayPal, gateway: PayPalGateway) -> None:
    body, headers = fake.delivery(capture_completed(fake, gateway), webhook_id="8PT597110X687430L")

    assert not gateway.verify_webhook_signature(
        headers=headers, event_body=json.loads(body), webhook_id=fake.webhook_id
    )


def test_missing_transmission_headers_are_not_verified_and_paypal_is_not_asked(
    fake: FakePayPal, gateway: PayPalGateway
) -> None:
    event = capture_completed(fake, gateway)
    body, headers = fake.delivery(event)
    del headers["PAYPAL-TRANSMISSION-SIG"]
    fake.clear_requests()

    assert not gateway.verify_webhook_signature(headers=headers, event_body=event, webhook_id=fake.webhook_id)
    assert not gateway.verify_webhook_signature(
        headers={"Content-Type": "application/json"}, event_body=event, webhook_id=fake.webhook_id
    )
    assert fake.requests == []


def test_paypal_refusing_the_verification_request_means_not_verified(fake: FakePayPal, gateway: PayPalGateway) -> None:
    body, headers = fake.delivery(capture_completed(fake, gateway))
    fake.fail_next(400, method="POST", path=VERIFY)

    assert not gateway.verify_webhook_signature(
        headers=headers, event_body=json.loads(body), webhook_id=fake.webhook_id
    )

    fake.fail_next(503, method="POST", path=VERIFY)
    with pytest.raises(PayPalUnavailable):  # the route answers 5xx: PayPal delivers the event again
        gateway.verify_webhook_signature(headers=headers, event_body=json.loads(body), webhook_id=fake.webhook_id)


def test_events_have_paypals_envelope_and_resources(fake: FakePayPal, gateway: PayPalGateway) -> None:
    order = create(gateway)
    approved = fake.approve(order.id)
    capture = gateway.capture_order(order_id=order.id, request_id="capture")
    completed = fake.capture_event(capture.id)
    refund = gateway.refund_capture(capture_id=capture.id, request_id="refund", amount_minor=2050, currency="USD")
    refunded = fake.refund_event(refund.id)
    reversed_ = fake.reverse_capture(capture.id)

    for event, event_type, resource_type in [
        (approved, "CHECKOUT.ORDER.APPROVED", "checkout-order"),
        (completed, "PAYMENT.CAPTURE.COMPLETED", "capture"),
        (refunded, "PAYMENT.CAPTURE.REFUNDED", "refund"),
        (reversed_, "PAYMENT.CAPTURE.REVERSED", "refund"),
    ]:
        assert event["event_type"] == event_type
        assert event["resource_type"] == resource_type
        assert event["id"].startswith("WH-")
        assert (event["event_version"], event["resource_version"]) == ("1.0", "2.0")
        assert event["create_time"].endswith("Z") and event["summary"]
        assert [link["rel"] for link in event["links"]] == ["self", "resend"]

    assert approved["resource"]["id"] == order.id
    assert approved["resource"]["status"] == "APPROVED"
    assert approved["resource"]["purchase_units"][0]["custom_id"] == PAYMENT
    assert completed["resource"]["supplementary_data"] == {"related_ids": {"order_id": order.id}}
    assert completed["resource"]["custom_id"] == PAYMENT
    assert completed["summary"] == "Payment completed for $ 120.50 USD"
    assert refunded["resource"]["id"] == refund.id
    assert {link["rel"]: link["href"] for link in refunded["resource"]["links"]}["up"].endswith(capture.id)
    assert reversed_["resource"]["amount"] == {"currency_code": "USD", "value": "100.00"}
    assert reversed_["resource"]["note_to_payer"] == "Payment reversed"
    assert gateway.get_order(order.id).captures[0].status == "REFUNDED"
    assert [e["event_type"] for e in fake.events] == [
        "CHECKOUT.ORDER.APPROVED",
        "PAYMENT.CAPTURE.COMPLETED",
        "PAYMENT.CAPTURE.REFUNDED",
        "PAYMENT.CAPTURE.REVERSED",
    ]


def test_each_delivery_is_a_new_transmission(fake: FakePayPal, gateway: PayPalGateway) -> None:
    event = capture_completed(fake, gateway)
    first_body, first = fake.delivery(event)
    second_body, second = fake.delivery(event)

    assert first_body == second_body
    assert first["PAYPAL-TRANSMISSION-ID"] != second["PAYPAL-TRANSMISSION-ID"]
    for headers in (first, second):
        assert gateway.verify_webhook_signature(headers=headers, event_body=event, webhook_id=fake.webhook_id)


# --- settings -----------------------------------------------------------------------------------------


def test_get_paypal_is_built_from_settings(fake: FakePayPal, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in fake.env().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    get_paypal.cache_clear()
    try:
        gateway = get_paypal()
        assert gateway is get_paypal()
        assert gateway.base_url == fake.url
        assert create(gateway).status == "PAYER_ACTION_REQUIRED"
    finally:
        get_settings.cache_clear()
        get_paypal.cache_clear()


def test_get_paypal_names_a_missing_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAYPAL_CLIENT_ID", raising=False)
    monkeypatch.delenv("PAYPAL_CLIENT_SECRET", raising=False)
    get_settings.cache_clear()
    get_paypal.cache_clear()
    try:
        with pytest.raises(MissingSetting, match="PAYPAL_CLIENT_ID is not set"):
            get_paypal()
    finally:
        get_settings.cache_clear()
        get_paypal.cache_clear()
