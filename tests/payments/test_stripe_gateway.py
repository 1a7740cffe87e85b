"""The Stripe boundary: what the gateway sends to Stripe's API (through the official SDK, to a fake
speaking Stripe's wire format), how it reads Stripe's answers and refusals, and webhook signature
verification; plus the fake's own promises (idempotency, failures, events consistent with the
objects it holds) and the API Gateway event builder the handler tests rely on."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import stripe
from fastapi import FastAPI, Request
from mangum import Mangum

from functions.payments.stripe_gateway import (
    CheckoutSession,
    InvalidPayload,
    InvalidSignature,
    Refund,
    StripeGateway,
    StripeRefused,
    StripeUnavailable,
    construct_event,
    get_stripe,
)
from tests.support.apigw import http_api_event, lambda_context, response_json
from tests.support.fake_stripe import EVENT_TYPES, FakeStripe, decode_form, encode_event, event_template
from tests.support.stripe_signing import sign

INVOICE = "0b4f0a5e-6a3c-4f55-9d0e-2d1b8e3f7a10"
PAYMENT = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
BOOKING = "5f2d8c1e-9b7a-4e3d-8c6b-1a2f3e4d5c6b"
PROVIDER = "7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928"
SUCCESS_URL = f"http://127.0.0.1:3000/invoices/{INVOICE}?checkout=success"
CANCEL_URL = f"http://127.0.0.1:3000/invoices/{INVOICE}?checkout=cancelled"


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


@pytest.fixture
def gateway(fake: FakeStripe) -> StripeGateway:
    gateway: StripeGateway = fake.gateway()
    return gateway


def checkout(gateway: StripeGateway, **overrides: Any) -> CheckoutSession:
    args: dict[str, Any] = {
        "idempotency_key": f"checkout-{PAYMENT}",
        "amount": 12000,
        "currency": "EUR",
        "description": "Invoice INV-2026-000042",
        "invoice_id": INVOICE,
        "payment_id": PAYMENT,
        "booking_id": BOOKING,
        "customer_email": "client@example.com",
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        "expires_at": int(time.time()) + 3600,
        "destination": None,
        "application_fee": None,
    }
    args.update(overrides)
    return gateway.create_checkout_session(**args)


def paid_session(fake: FakeStripe, gateway: StripeGateway, **overrides: Any) -> tuple[CheckoutSession, str]:
    """A session paid by card; returns it and its payment intent."""
    session = checkout(gateway, **overrides)
    event = fake.complete_checkout(session.id)
    intent: str = event["data"]["object"]["payment_intent"]
    return session, intent


# --- Checkout: what is sent ---------------------------------------------------------------------


def test_checkout_session_sends_amount_fee_destination_metadata_and_idempotency_key(
    fake: FakeStripe, gateway: StripeGateway
) -> None:
    destination = fake.add_account()
    expires_at = int(time.time()) + 45 * 60

    session = checkout(gateway, destination=destination, application_fee=1800, expires_at=expires_at)

    sent = fake.last_request("POST", "/v1/checkout/sessions")
    ids = {"invoice_id": INVOICE, "payment_id": PAYMENT, "booking_id": BOOKING}
    assert sent.params == {
        "mode": "payment",
        "line_items": [
            {
                "quantity": "1",
                "price_data": {
                    "currency": "eur",
                    "unit_amount": "12000",
                    "product_data": {"name": "Invoice INV-2026-000042"},
                },
            }
        ],
        "client_reference_id": INVOICE,
        "metadata": ids,
        "payment_intent_data": {
            "description": "Invoice INV-2026-000042",
            "metadata": ids,
            "transfer_data": {"destination": destination},
            "application_fee_amount": "1800",
        },
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        "expires_at": str(expires_at),
        "customer_email": "client@example.com",
    }
    assert sent.idempotency_key == f"checkout-{PAYMENT}"
    assert sent.authorization == f"Bearer {fake.api_key}"
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    stored = fake.sessions[session.id]
    assert session == CheckoutSession(
        id=stored["id"], url=stored["url"], expires_at=expires_at, status="open", payment_status="unpaid"
    )
    assert session.id.startswith("cs_test_") and session.url and session.url.startswith("https://checkout.stripe.com/")
    assert (stored["amount_total"], stored["currency"], stored["metadata"]) == (12000, "eur", ids)


def test_checkout_session_for_a_platform_offering_sends_no_transfer_or_fee(
    fake: FakeStripe, gateway: StripeGateway
) -> None:
    checkout(gateway, booking_id=None, customer_email=None)

    sent = fake.last_request("POST", "/v1/checkout/sessions").params
    assert sent["payment_intent_data"] == {
        "description": "Invoice INV-2026-000042",
        "metadata": {"invoice_id": INVOICE, "payment_id": PAYMENT},
    }
    assert sent["metadata"] == {"invoice_id": INVOICE, "payment_id": PAYMENT}
    assert "customer_email" not in sent


def test_the_same_idempotency_key_replays_the_first_session(fake: FakeStripe, gateway: StripeGateway) -> None:
    expires_at = int(time.time()) + 3600
    first = checkout(gateway, expires_at=expires_at)
    again = checkout(gateway, expires_at=expires_at)

    assert again == first
    assert len(fake.sessions) == 1
    replay = fake.last_request("POST", "/v1/checkout/sessions")
    assert replay.replayed and replay.original_request == fake.requests_for("POST")[0].request_id


def test_the_same_idempotency_key_with_other_params_is_refused(fake: FakeStripe, gateway: StripeGateway) -> None:
    checkout(gateway)
    with pytest.raises(StripeRefused) as refused:
        checkout(gateway, amount=9900)
    assert (refused.value.status, refused.value.type) == (400, "idempotency_error")
    assert len(fake.sessions) == 1


@pytest.mark.parametrize("seconds", [29 * 60, 24 * 3600 + 120], ids=["under-30-minutes", "over-24-hours"])
def test_an_expiry_outside_30_minutes_to_24_hours_is_refused(gateway: StripeGateway, seconds: int) -> None:
    with pytest.raises(StripeRefused) as refused:
        checkout(gateway, expires_at=int(time.time()) + seconds)
    assert (refused.value.status, refused.value.param) == (400, "expires_at")


@pytest.mark.parametrize("seconds", [31 * 60, 24 * 3600 - 120], ids=["31-minutes", "almost-24-hours"])
def test_an_expiry_inside_30_minutes_to_24_hours_is_accepted(gateway: StripeGateway, seconds: int) -> None:
    expires_at = int(time.time()) + seconds
    assert checkout(gateway, expires_at=expires_at).expires_at == expires_at


def test_a_refusal_at_validation_is_not_saved_under_the_idempotency_key(
    fake: FakeStripe, gateway: StripeGateway
) -> None:
    with pytest.raises(StripeRefused):
        checkout(gateway, expires_at=int(time.time()) + 60)
    session = checkout(gateway)  # same key, corrected params: Stripe kept nothing for the refused one
    assert session.status == "open" and len(fake.sessions) == 1


def test_a_fee_without_a_destination_is_refused(gateway: StripeGateway) -> None:
    with pytest.raises(StripeRefused) as refused:
        checkout(gateway, application_fee=1800)
    assert refused.value.param == "payment_intent_data[application_fee_amount]"


def test_a_destination_that_cannot_receive_transfers_is_refused(fake: FakeStripe, gateway: StripeGateway) -> None:
    with pytest.raises(StripeRefused) as unknown:
        checkout(gateway, destination="acct_1NoSuchAccount00", application_fee=100)
    assert unknown.value.code == "resource_missing"
    with pytest.raises(StripeRefused) as not_onboarded:
        checkout(gateway, destination=fake.add_account(onboarded=False), application_fee=100, idempotency_key="k2")
    assert not_onboarded.value.code == "insufficient_capabilities_for_transfer"


# --- Checkout: expiring -------------------------------------------------------------------------


def test_expiring_an_open_session_answers_expired(fake: FakeStripe, gateway: StripeGateway) -> None:
    session = checkout(gateway)
    assert gateway.expire_checkout_session(session.id) == "expired"
    assert fake.sessions[session.id]["status"] == "expired"
    [event] = fake.events_of_type("checkout.session.expired")
    sent = fake.last_request("POST", f"/v1/checkout/sessions/{session.id}/expire")
    assert event["request"] == {"id": sent.request_id, "idempotency_key": sent.idempotency_key}


def test_expiring_a_completed_session_answers_complete(fake: FakeStripe, gateway: StripeGateway) -> None:
    session, _ = paid_session(fake, gateway)

    assert gateway.expire_checkout_session(session.id) == "complete"
    refused, looked_up = fake.requests[-2:]
    assert (refused.method, refused.path, refused.status) == ("POST", f"/v1/checkout/sessions/{session.id}/expire", 400)
    assert (looked_up.method, looked_up.path, looked_up.status) == ("GET", f"/v1/checkout/sessions/{session.id}", 200)
    assert fake.sessions[session.id]["status"] == "complete"


def test_expiring_a_session_twice_answers_expired(fake: FakeStripe, gateway: StripeGateway) -> None:
    session = checkout(gateway)
    fake.expire_session(session.id)
    assert gateway.expire_checkout_session(session.id) == "expired"


def test_expiring_an_unknown_session_is_refused(gateway: StripeGateway) -> None:
    with pytest.raises(StripeRefused) as refused:
        gateway.expire_checkout_session("cs_test_a1nope")
    assert (refused.value.status, refused.value.code) == (404, "resource_missing")


# --- Refunds ------------------------------------------------------------------------------------


def test_refund_sends_amount_reversal_fee_refund_metadata_and_idempotency_key(
    fake: FakeStripe, gateway: StripeGateway
) -> None:
    _, intent = paid_session(fake, gateway, destination=fake.add_account(), application_fee=1800)

    refund = gateway.create_refund(
        idempotency_key="refund-1",
        payment_intent=intent,
        amount=5000,
        reverse_transfer=True,
        refund_application_fee=True,
        metadata={"refund_id": "3b1f7c2e", "invoice_id": INVOICE},
    )

    sent = fake.last_request("POST", "/v1/refunds")
    assert sent.params == {
        "payment_intent": intent,
        "amount": "5000",
        "reverse_transfer": "true",
        "refund_application_fee": "true",
        "metadata": {"refund_id": "3b1f7c2e", "invoice_id": INVOICE},
    }
    assert sent.idempotency_key == "refund-1"
    assert refund == Refund(id=refund.id, status="succeeded", amount=5000, failure_reason=None)
    stored = fake.refunds[refund.id]
    assert stored["transfer_reversal"].startswith("trr_")
    assert fake.charges[stored["charge"]]["amount_refunded"] == 5000


def test_refund_without_a_transfer_sends_no_reversal_flags(fake: FakeStripe, gateway: StripeGateway) -> None:
    _, intent = paid_session(fake, gateway)
    gateway.create_refund(idempotency_key="refund-2", payment_intent=intent, amount=12000)
    assert fake.last_request("POST", "/v1/refunds").params == {"payment_intent": intent, "amount": "12000"}


def test_refund_answers_pending_when_stripe_does(fake: FakeStripe, gateway: StripeGateway) -> None:
    _, intent = paid_session(fake, gateway)
    fake.refund_status = "pending"
    refund = gateway.create_refund(idempotency_key="refund-3", payment_intent=intent, amount=100)
    assert refund.status == "pending"


def test_refund_above_what_is_left_is_refused(fake: FakeStripe, gateway: StripeGateway) -> None:
    _, intent = paid_session(fake, gateway)
    gateway.create_refund(idempotency_key="refund-a", payment_intent=intent, amount=10000)
    with pytest.raises(StripeRefused) as refused:
        gateway.create_refund(idempotency_key="refund-b", payment_intent=intent, amount=2001)
    assert (refused.value.status, refused.value.code, refused.value.param) == (400, "amount_too_large", "amount")
    assert len(fake.refunds) == 1


def test_refund_replayed_with_its_key_creates_one_refund(fake: FakeStripe, gateway: StripeGateway) -> None:
    _, intent = paid_session(fake, gateway)
    first = gateway.create_refund(idempotency_key="refund-x", payment_intent=intent, amount=4000)
    again = gateway.create_refund(idempotency_key="refund-x", payment_intent=intent, amount=4000)
    assert again == first and len(fake.refunds) == 1
    assert fake.charges[fake.refunds[first.id]["charge"]]["amount_refunded"] == 4000


# --- Connect ------------------------------------------------------------------------------------


def test_express_account_and_onboarding_link_are_requested_as_sent(fake: FakeStripe, gateway: StripeGateway) -> None:
    account = gateway.create_express_account(
        idempotency_key=f"connect-{PROVIDER}", email="provider@example.com", country="gb", provider_id=PROVIDER
    )
    url = gateway.create_account_link(
        account=account, refresh_url="http://127.0.0.1:3000/payouts/refresh", return_url="http://127.0.0.1:3000/payouts"
    )

    created = fake.last_request("POST", "/v1/accounts")
    assert created.params == {
        "type": "express",
        "capabilities": {"card_payments": {"requested": "true"}, "transfers": {"requested": "true"}},
        "metadata": {"provider_id": PROVIDER},
        "email": "provider@example.com",
        "country": "GB",
    }
    assert created.idempotency_key == f"connect-{PROVIDER}"
    assert fake.last_request("POST", "/v1/account_links").params == {
        "account": account,
        "type": "account_onboarding",
        "refresh_url": "http://127.0.0.1:3000/payouts/refresh",
        "return_url": "http://127.0.0.1:3000/payouts",
    }
    assert account.startswith("acct_") and url.startswith(f"https://connect.stripe.com/setup/e/{account}/")
    stored = fake.accounts[account]
    assert (stored["charges_enabled"], stored["payouts_enabled"], stored["details_submitted"]) == (False, False, False)
    assert stored["default_currency"] == "gbp"


def test_an_onboarding_link_for_an_unknown_account_is_refused(gateway: StripeGateway) -> None:
    with pytest.raises(StripeRefused) as refused:
        gateway.create_account_link(account="acct_1Unknown000000", refresh_url="http://x/r", return_url="http://x/s")
    assert (refused.value.status, refused.value.param) == (400, "account")


# --- errors and retries -------------------------------------------------------------------------


def test_a_wrong_api_key_is_refused(fake: FakeStripe) -> None:
    with pytest.raises(StripeRefused) as refused:
        checkout(StripeGateway("sk_test_wrong", api_base=fake.url, max_network_retries=0))
    assert refused.value.status == 401


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_server_error_or_rate_limit_is_unavailable(fake: FakeStripe, gateway: StripeGateway, status: int) -> None:
    fake.fail_next(status, path="/v1/checkout/sessions")
    with pytest.raises(StripeUnavailable) as unavailable:
        checkout(gateway)
    assert unavailable.value.status == status
    assert len(fake.requests) == 1 and not fake.sessions


def test_a_lost_connection_is_unavailable(fake: FakeStripe, gateway: StripeGateway) -> None:
    fake.fail_next(None)
    with pytest.raises(StripeUnavailable) as unavailable:
        checkout(gateway)
    assert unavailable.value.status is None


def test_a_retry_after_a_lost_response_gets_the_session_created_the_first_time(
    fake: FakeStripe, gateway: StripeGateway
) -> None:
    expires_at = int(time.time()) + 3600
    fake.fail_next(None, after=True)  # Stripe created the session; the answer never arrived
    with pytest.raises(StripeUnavailable):
        checkout(gateway, expires_at=expires_at)

    session = checkout(gateway, expires_at=expires_at)

    assert list(fake.sessions) == [session.id]
    assert fake.last_request().replayed


def test_the_sdk_retries_a_5xx_with_the_same_idempotency_key_when_asked(fake: FakeStripe) -> None:
    fake.fail_next(503)
    session = checkout(fake.gateway(max_network_retries=1))

    first, retry = fake.requests_for("POST", "/v1/checkout/sessions")
    assert (first.status, retry.status) == (503, 200)
    assert first.idempotency_key == retry.idempotency_key == f"checkout-{PAYMENT}"
    assert list(fake.sessions) == [session.id]


def test_get_stripe_builds_the_gateway_from_settings(fake: FakeStripe, monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.settings import get_settings

    for name, value in fake.env().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    get_stripe.cache_clear()
    try:
        assert get_stripe() is get_stripe()
        session = checkout(get_stripe())
        assert fake.sessions[session.id]["status"] == "open"
    finally:
        get_settings.cache_clear()
        get_stripe.cache_clear()


# --- webhook signatures -------------------------------------------------------------------------

SECRET = "whsec_test_0123456789abcdef"


def signed_event(event_type: str = "checkout.session.completed") -> bytes:
    return encode_event(event_template(event_type))


def test_a_correctly_signed_event_is_accepted() -> None:
    body = signed_event()
    event = construct_event(body, sign(body, SECRET), SECRET, 300)
    assert event == json.loads(body)


def test_a_header_signed_with_a_rolled_secret_among_others_is_accepted() -> None:
    body = signed_event()
    header = sign(body, "whsec_old_secret", extra_secrets=(SECRET,))
    assert construct_event(body, header, SECRET, 300)["type"] == "checkout.session.completed"


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(lambda body: sign(body, "whsec_someone_else"), id="wrong-secret"),
        pytest.param(lambda body: sign(body + b" ", SECRET), id="body-changed-after-signing"),
        pytest.param(lambda body: sign(body, SECRET, int(time.time()) - 301), id="stale-timestamp"),
        pytest.param(lambda body: None, id="missing-header"),
        pytest.param(lambda body: "", id="empty-header"),
        pytest.param(lambda body: "not-a-stripe-signature", id="malformed-header"),
        pytest.param(lambda body: sign(body, SECRET).replace("v1=", "v0="), id="no-v1-signature"),
    ],
)
def test_a_bad_signature_is_refused(header: Any) -> None:
    body = signed_event()
    with pytest.raises(InvalidSignature):
        construct_event(body, header(body), SECRET, 300)


def test_a_timestamp_within_the_tolerance_is_accepted() -> None:
    body = signed_event()
    assert construct_event(body, sign(body, SECRET, int(time.time()) - 290), SECRET, 300)


@pytest.mark.parametrize(
    "body",
    [b'{"id": "evt_1", "object": "event", ', b"\xff\xfe not utf-8", b'{"hello": "world"}', b"[]"],
    ids=["truncated-json", "not-utf-8", "not-an-event", "not-an-object"],
)
def test_a_signed_body_that_is_not_an_event_is_refused(body: bytes) -> None:
    with pytest.raises(InvalidPayload):
        construct_event(body, sign(body, SECRET), SECRET, 300)


# --- the fake's events --------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_every_event_template_is_a_full_stripe_envelope(event_type: str) -> None:
    event = event_template(event_type)
    assert event["type"] == event_type and event["object"] == "event"
    assert {"id", "api_version", "created", "data", "livemode", "pending_webhooks", "request"} <= set(event)
    assert event["api_version"] >= "2024-06-20" and event["id"].startswith("evt_")
    prefix = "charge.dispute" if event_type.startswith("charge.dispute.") else event_type.split(".")[0]
    expected = {"checkout": "checkout.session", "charge.dispute": "dispute"}.get(prefix, prefix)
    assert event["data"]["object"]["object"] == expected
    parsed = stripe.Event.construct_from(event, "sk_test_x")
    assert parsed.data.object.object == expected


def test_paid_checkout_event_carries_what_the_gateway_sent(fake: FakeStripe, gateway: StripeGateway) -> None:
    destination = fake.add_account()
    session = checkout(gateway, destination=destination, application_fee=1800)

    event = fake.complete_checkout(session.id)

    paid = event["data"]["object"]
    assert (paid["id"], paid["status"], paid["payment_status"]) == (session.id, "complete", "paid")
    assert (paid["amount_total"], paid["currency"], paid["url"]) == (12000, "eur", None)
    assert paid["metadata"] == {"invoice_id": INVOICE, "payment_id": PAYMENT, "booking_id": BOOKING}
    intent = fake.payment_intents[paid["payment_intent"]]
    assert intent["id"].startswith("pi_") and intent["status"] == "succeeded"
    assert intent["metadata"] == paid["metadata"]
    assert (intent["application_fee_amount"], intent["transfer_data"]) == (1800, {"destination": destination})
    charge = fake.charges[intent["latest_charge"]]
    assert (charge["status"], charge["paid"], charge["transfer_data"]["destination"]) == (
        "succeeded",
        True,
        destination,
    )
    assert event["request"] == {"id": None, "idempotency_key": None}


def test_unpaid_completion_then_async_success_or_failure(fake: FakeStripe, gateway: StripeGateway) -> None:
    settles = checkout(gateway)
    fails = checkout(gateway, idempotency_key="other", payment_id="p2")

    completed = fake.complete_checkout(settles.id, paid=False)
    fake.complete_checkout(fails.id, paid=False)
    succeeded = fake.settle_async_payment(settles.id)
    failed = fake.settle_async_payment(fails.id, succeeded=False)

    assert (completed["data"]["object"]["status"], completed["data"]["object"]["payment_status"]) == (
        "complete",
        "unpaid",
    )
    assert succeeded["type"] == "checkout.session.async_payment_succeeded"
    assert succeeded["data"]["object"]["payment_status"] == "paid"
    assert failed["type"] == "checkout.session.async_payment_failed"
    assert failed["data"]["object"]["payment_status"] == "unpaid"
    failed_intent = fake.payment_intents[failed["data"]["object"]["payment_intent"]]
    assert failed_intent["status"] == "requires_payment_method"
    assert failed_intent["last_payment_error"]["payment_method"]["type"] == "us_bank_account"


def test_a_declined_card_leaves_the_session_open_and_the_retry_reuses_the_intent(
    fake: FakeStripe, gateway: StripeGateway
) -> None:
    session = checkout(gateway)

    failed = fake.fail_payment(session.id)
    paid = fake.complete_checkout(session.id)

    intent = failed["data"]["object"]
    assert failed["type"] == "payment_intent.payment_failed" and intent["status"] == "requires_payment_method"
    assert intent["metadata"] == {"invoice_id": INVOICE, "payment_id": PAYMENT, "booking_id": BOOKING}
    assert intent["last_payment_error"]["code"] == "card_declined"
    assert paid["data"]["object"]["payment_intent"] == intent["id"]
    assert fake.charges[intent["latest_charge"]]["status"] == "failed"


def test_refund_events_follow_the_refund_and_restore_the_charge_when_it_fails(
    fake: FakeStripe, gateway: StripeGateway
) -> None:
    _, intent = paid_session(fake, gateway)
    fake.refund_status = "pending"
    refund = gateway.create_refund(idempotency_key="refund-e", payment_intent=intent, amount=3000)

    failed = fake.settle_refund(refund.id, status="failed")

    refunded, created = fake.events_of_type("charge.refunded"), fake.events_of_type("refund.created")
    assert refunded[0]["data"]["object"]["amount_refunded"] == 3000
    assert refunded[0]["data"]["previous_attributes"] == {"amount_refunded": 0, "refunded": False}
    assert created[0]["data"]["object"]["status"] == "pending"
    assert created[0]["request"]["idempotency_key"] == "refund-e"
    [updated] = fake.events_of_type("refund.updated")
    assert updated["data"]["object"]["status"] == "failed"
    assert updated["data"]["previous_attributes"]["status"] == "pending"
    assert failed["type"] == "refund.failed"
    assert failed["data"]["object"]["failure_reason"] == "expired_or_canceled_card"
    assert fake.charges[failed["data"]["object"]["charge"]]["amount_refunded"] == 0


def test_dispute_events_move_from_created_to_closed(fake: FakeStripe, gateway: StripeGateway) -> None:
    _, intent = paid_session(fake, gateway)

    created = fake.open_dispute(intent, reason="product_not_received")
    dispute_id = created["data"]["object"]["id"]
    updated = fake.update_dispute(dispute_id, evidence="Session delivered on 2026-01-05.")
    closed = fake.close_dispute(dispute_id, status="lost")

    opened = created["data"]["object"]
    assert dispute_id.startswith("du_") and opened["payment_intent"] == intent
    assert (opened["status"], opened["amount"], opened["reason"]) == ("needs_response", 12000, "product_not_received")
    assert opened["evidence_details"]["due_by"] > opened["created"]
    assert updated["data"]["object"]["status"] == "under_review"
    assert updated["data"]["previous_attributes"]["status"] == "needs_response"
    assert closed["type"] == "charge.dispute.closed" and closed["data"]["object"]["status"] == "lost"
    with pytest.raises(StripeRefused) as refused:
        gateway.create_refund(idempotency_key="after-dispute", payment_intent=intent, amount=100)
    assert refused.value.status == 400


def test_account_updated_is_a_connect_event_signed_with_the_connect_secret(fake: FakeStripe) -> None:
    account = fake.add_account(onboarded=False)

    event = fake.update_account(account)
    body, headers = fake.delivery(event)

    assert event["account"] == account
    stored = event["data"]["object"]
    assert (stored["charges_enabled"], stored["payouts_enabled"], stored["details_submitted"]) == (True, True, True)
    assert event["data"]["previous_attributes"]["charges_enabled"] is False
    assert construct_event(body, headers["stripe-signature"], fake.connect_webhook_secret, 300)["id"] == event["id"]
    with pytest.raises(InvalidSignature):
        construct_event(body, headers["stripe-signature"], fake.webhook_secret, 300)


def test_every_event_the_fake_sends_verifies_and_parses_with_the_sdk(fake: FakeStripe, gateway: StripeGateway) -> None:
    session, intent = paid_session(fake, gateway)
    fake.complete_checkout(checkout(gateway, idempotency_key="k2").id, paid=False)
    fake.expire_session(checkout(gateway, idempotency_key="k3").id)
    fake.fail_payment(checkout(gateway, idempotency_key="k4").id)
    fake.refund_status = "pending"
    fake.settle_refund(gateway.create_refund(idempotency_key="r", payment_intent=intent, amount=10).id)
    fake.close_dispute(fake.open_dispute(intent)["data"]["object"]["id"])
    fake.update_account(fake.add_account(onboarded=False))
    fake.customer_created()
    payee = fake.add_account()
    fake.fail_payout(payee, fake.pay_out(payee, 5000)["data"]["object"]["id"])
    customer = gateway.create_customer(idempotency_key="cus", email="client@example.com", user_id="u1")
    setup = gateway.create_setup_intent(idempotency_key="seti", customer=customer, user_id="u1")
    card = fake.save_card(customer, setup_intent_id=setup.id)[0]["data"]["object"]["id"]
    fake.update_card(card, 1, 2031)
    gateway.set_default_payment_method(customer=customer, payment_method_id=card)
    gateway.charge_saved_method(
        idempotency_key="pi", amount=5000, currency="usd", customer=customer, payment_method=card,
        description="Invoice", invoice_id=INVOICE, payment_id=PAYMENT, booking_id=None, destination=None,
        application_fee=None,
    )  # fmt: skip
    gateway.detach_payment_method(card)

    assert {e["type"] for e in fake.events} >= set(EVENT_TYPES) - {
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "refund.failed",
        "charge.dispute.updated",
    }
    for event in fake.events:
        body, headers = fake.delivery(event)
        secret = fake.connect_webhook_secret if "account" in event else fake.webhook_secret
        assert construct_event(body, headers["stripe-signature"], secret, 300) == event
        parsed = stripe.Webhook.construct_event(body, headers["stripe-signature"], secret)
        assert parsed.type == event["type"] and parsed.data.object.id == event["data"]["object"]["id"]


def test_decode_form_rebuilds_nested_params() -> None:
    body = "a[b][0][c]=1&a[b][1][c]=2&e[]=x&e[]=y&f=&g[h]=%5Bliteral%5D"
    assert decode_form(body) == {
        "a": {"b": [{"c": "1"}, {"c": "2"}]},
        "e": ["x", "y"],
        "f": "",
        "g": {"h": "[literal]"},
    }


# --- API Gateway events through Mangum ----------------------------------------------------------

echo = FastAPI()


@echo.post("/stripe/webhook")
async def echo_request(request: Request) -> dict[str, Any]:
    raw = await request.body()
    return {
        "body": base64.b64encode(raw).decode(),
        "path": request.url.path,
        "query": dict(request.query_params),
        "client": request.client.host if request.client else None,
        "cookies": dict(request.cookies),
        "signature": request.headers.get("stripe-signature"),
        "content_type": request.headers.get("content-type"),
    }


@pytest.mark.parametrize("base64_encoded", [False, True], ids=["plain-body", "base64-body"])
def test_http_api_events_reach_the_app_with_the_exact_body(base64_encoded: bool) -> None:
    body, headers = encode_event(event_template("refund.updated")), {"Stripe-Signature": "t=1,v1=abc"}
    event = http_api_event(
        "POST",
        "/stripe/webhook",
        body=body,
        base64_encoded=base64_encoded,
        headers={**headers, "Content-Type": "application/json; charset=utf-8", "Cookie": "a=1; b=2"},
        query={"source": "stripe"},
        source_ip="203.0.113.9",
    )

    assert event["version"] == "2.0" and event["routeKey"] == "POST /stripe/webhook"
    assert event["isBase64Encoded"] is base64_encoded and event["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in event["headers"] and event["headers"]["stripe-signature"] == "t=1,v1=abc"
    assert event["requestContext"]["http"]["method"] == "POST"
    answer = Mangum(echo, lifespan="off")(event, lambda_context())
    assert answer["statusCode"] == 200
    seen = response_json(answer)
    assert base64.b64decode(seen["body"]) == body
    assert seen["path"] == "/stripe/webhook" and seen["query"] == {"source": "stripe"}
    assert seen["client"] == "203.0.113.9" and seen["cookies"] == {"a": "1", "b": "2"}
    assert seen["signature"] == "t=1,v1=abc" and seen["content_type"] == "application/json; charset=utf-8"


def test_an_event_without_body_has_no_body_key() -> None:
    event = http_api_event("GET", "/payouts/return")
    assert "body" not in event and event["isBase64Encoded"] is False and event["rawQueryString"] == ""
    assert lambda_context().get_remaining_time_in_millis() > 0
