"""Saved payment methods at the Stripe boundary: the gateway's customers, setup intents, off-session
charges, detaching and default methods, against the fake Stripe (a real HTTP server speaking
Stripe's wire format), and the events the fake sends when a customer saves or changes a card."""

from __future__ import annotations

from typing import Any

import pytest

from functions.payments.stripe_gateway import (
    AuthenticationRequired,
    PaymentIntent,
    SetupIntent,
    StripeGateway,
    StripeRefused,
    StripeUnavailable,
)
from tests.support.fake_stripe import FakeStripe

USER = "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a98"
INVOICE = "0b4f0a5e-6a3c-4f55-9d0e-2d1b8e3f7a10"
PAYMENT = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
BOOKING = "5f2d8c1e-9b7a-4e3d-8c6b-1a2f3e4d5c6b"
IDS = {"invoice_id": INVOICE, "payment_id": PAYMENT, "booking_id": BOOKING}


@pytest.fixture
def gateway(stripe_fake: FakeStripe) -> StripeGateway:
    gateway: StripeGateway = stripe_fake.gateway()
    return gateway


def customer_of(gateway: StripeGateway, user_id: str = USER, email: str | None = "client@example.com") -> str:
    return gateway.create_customer(idempotency_key=f"customer-{user_id}", email=email, user_id=user_id)


def saved_card(fake: FakeStripe, customer: str, **card: Any) -> str:
    [attached] = fake.save_card(customer, **card)
    method_id: str = attached["data"]["object"]["id"]
    return method_id


def charge(gateway: StripeGateway, customer: str, method: str, **overrides: Any) -> PaymentIntent:
    args: dict[str, Any] = {
        "idempotency_key": f"charge-{PAYMENT}",
        "amount": 12000,
        "currency": "EUR",
        "customer": customer,
        "payment_method": method,
        "description": "Invoice INV-2026-000042",
        "invoice_id": INVOICE,
        "payment_id": PAYMENT,
        "booking_id": BOOKING,
        "destination": None,
        "application_fee": None,
    }
    args.update(overrides)
    return gateway.charge_saved_method(**args)


# --- customers ----------------------------------------------------------------------------------


def test_a_customer_is_created_with_the_users_id_and_email(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    customer = customer_of(gateway)

    sent = stripe_fake.last_request("POST", "/v1/customers")
    assert sent.params == {"metadata": {"user_id": USER}, "email": "client@example.com"}
    assert sent.idempotency_key == f"customer-{USER}"
    stored = stripe_fake.customers[customer]
    assert customer.startswith("cus_") and stored["object"] == "customer"
    assert (stored["email"], stored["metadata"], stored["invoice_settings"]["default_payment_method"]) == (
        "client@example.com",
        {"user_id": USER},
        None,
    )
    [created] = stripe_fake.events_of_type("customer.created")
    assert created["data"]["object"]["id"] == customer
    assert created["request"] == {"id": sent.request_id, "idempotency_key": f"customer-{USER}"}


def test_a_customer_without_an_email_sends_none(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    customer = customer_of(gateway, email=None)
    assert stripe_fake.last_request("POST", "/v1/customers").params == {"metadata": {"user_id": USER}}
    assert stripe_fake.customers[customer]["email"] is None


def test_a_retry_after_a_lost_answer_gets_the_customer_created_the_first_time(
    stripe_fake: FakeStripe, gateway: StripeGateway
) -> None:
    stripe_fake.fail_next(None, path="/v1/customers", after=True)  # created at Stripe, the answer lost
    with pytest.raises(StripeUnavailable):
        customer_of(gateway)

    customer = customer_of(gateway)

    assert list(stripe_fake.customers) == [customer]
    first, retry = stripe_fake.requests_for("POST", "/v1/customers")
    assert (first.status, retry.status, retry.replayed) == (0, 200, True)
    assert retry.original_request == first.request_id
    assert len(stripe_fake.events_of_type("customer.created")) == 1


# --- setup intents and saving a card ------------------------------------------------------------


def test_a_setup_intent_saves_for_off_session_use(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    customer = customer_of(gateway)

    intent = gateway.create_setup_intent(idempotency_key=f"setup-{USER}-1", customer=customer, user_id=USER)

    sent = stripe_fake.last_request("POST", "/v1/setup_intents")
    assert sent.params == {
        "customer": customer,
        "usage": "off_session",
        "automatic_payment_methods": {"enabled": "true"},
        "metadata": {"user_id": USER},
    }
    assert sent.idempotency_key == f"setup-{USER}-1"
    stored = stripe_fake.setup_intents[intent.id]
    assert intent == SetupIntent(
        id=stored["id"], client_secret=stored["client_secret"], status="requires_payment_method"
    )
    assert intent.id.startswith("seti_") and intent.client_secret.startswith(f"{intent.id}_secret_")
    assert (stored["customer"], stored["usage"], stored["metadata"]) == (customer, "off_session", {"user_id": USER})
    assert stored["automatic_payment_methods"] == {"allow_redirects": "always", "enabled": True}


def test_a_setup_intent_for_an_unknown_customer_is_refused(gateway: StripeGateway) -> None:
    with pytest.raises(StripeRefused) as refused:
        gateway.create_setup_intent(idempotency_key="setup-x", customer="cus_NoSuchCustomer", user_id=USER)
    assert (refused.value.status, refused.value.code, refused.value.param) == (400, "resource_missing", "customer")


def test_saving_a_card_attaches_it_and_completes_the_setup_intent(
    stripe_fake: FakeStripe, gateway: StripeGateway
) -> None:
    customer = customer_of(gateway)
    setup = gateway.create_setup_intent(idempotency_key="setup-1", customer=customer, user_id=USER)

    attached, succeeded = stripe_fake.save_card(
        customer, brand="mastercard", last4="4444", exp_month=3, exp_year=2031, setup_intent_id=setup.id
    )

    method = attached["data"]["object"]
    assert attached["type"] == "payment_method.attached"
    assert method["id"].startswith("pm_") and (method["object"], method["type"]) == ("payment_method", "card")
    assert method["customer"] == customer
    card = method["card"]
    assert (card["brand"], card["last4"], card["exp_month"], card["exp_year"], card["wallet"]) == (
        "mastercard",
        "4444",
        3,
        2031,
        None,
    )
    assert card["networks"]["available"] == ["mastercard"] and card["fingerprint"]
    assert method["billing_details"]["email"] == "client@example.com"
    intent = succeeded["data"]["object"]
    assert succeeded["type"] == "setup_intent.succeeded"
    assert (intent["id"], intent["status"], intent["payment_method"]) == (setup.id, "succeeded", method["id"])
    assert (intent["customer"], intent["metadata"]) == (customer, {"user_id": USER})
    assert stripe_fake.setup_intents[setup.id]["status"] == "succeeded"
    assert stripe_fake.payment_methods[method["id"]] == method
    assert attached["request"] == {"id": None, "idempotency_key": None}  # Stripe.js, not the gateway


def test_a_wallet_card_names_its_wallet(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    [attached] = stripe_fake.save_card(customer_of(gateway), last4="0005", wallet="apple_pay")

    wallet = attached["data"]["object"]["card"]["wallet"]
    assert wallet["type"] == "apple_pay" and wallet["apple_pay"] == {}
    assert len(wallet["dynamic_last4"]) == 4
    assert attached["data"]["object"]["card"]["last4"] == "0005"


def test_a_new_expiry_is_announced_with_the_old_one(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    method = saved_card(stripe_fake, customer_of(gateway), exp_month=12, exp_year=2030)

    updated = stripe_fake.update_card(method, 12, 2033)

    assert updated["type"] == "payment_method.updated"
    assert (updated["data"]["object"]["card"]["exp_month"], updated["data"]["object"]["card"]["exp_year"]) == (12, 2033)
    assert updated["data"]["previous_attributes"] == {"card": {"exp_year": 2030}}


# --- charging a saved method off session --------------------------------------------------------


def test_a_saved_card_is_charged_off_session(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    customer = customer_of(gateway)
    method = saved_card(stripe_fake, customer, last4="4242")

    intent = charge(gateway, customer, method)

    sent = stripe_fake.last_request("POST", "/v1/payment_intents")
    assert sent.params == {
        "amount": "12000",
        "currency": "eur",
        "customer": customer,
        "payment_method": method,
        "confirm": "true",
        "off_session": "true",
        "automatic_payment_methods": {"enabled": "true", "allow_redirects": "never"},
        "description": "Invoice INV-2026-000042",
        "metadata": IDS,
    }
    assert sent.idempotency_key == f"charge-{PAYMENT}"
    stored = stripe_fake.payment_intents[intent.id]
    assert intent == PaymentIntent(
        id=stored["id"], status="succeeded", amount=12000, currency="eur", latest_charge=stored["latest_charge"]
    )
    assert (stored["customer"], stored["payment_method"], stored["amount_received"]) == (customer, method, 12000)
    paid = stripe_fake.charges[intent.latest_charge or ""]
    assert intent.latest_charge and intent.latest_charge.startswith("ch_")
    assert (paid["status"], paid["paid"], paid["amount"], paid["payment_intent"]) == (
        "succeeded",
        True,
        12000,
        intent.id,
    )
    assert (paid["customer"], paid["payment_method"], paid["metadata"]) == (customer, method, IDS)
    assert paid["payment_method_details"]["card"]["last4"] == "4242"
    [succeeded] = stripe_fake.events_of_type("payment_intent.succeeded")
    assert succeeded["data"]["object"]["id"] == intent.id and succeeded["data"]["object"]["metadata"] == IDS
    assert succeeded["request"]["idempotency_key"] == f"charge-{PAYMENT}"


def test_a_charge_of_a_saved_card_can_be_refunded(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    customer = customer_of(gateway)
    intent = charge(gateway, customer, saved_card(stripe_fake, customer))

    refund = gateway.create_refund(idempotency_key="refund-1", payment_intent=intent.id, amount=5000)

    assert refund.status == "succeeded" and refund.amount == 5000
    assert stripe_fake.refunds[refund.id]["charge"] == intent.latest_charge
    assert stripe_fake.charges[intent.latest_charge or ""]["amount_refunded"] == 5000


def test_a_destination_charge_sends_the_provider_and_the_fee(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    destination = stripe_fake.add_account()
    customer = customer_of(gateway)

    intent = charge(gateway, customer, saved_card(stripe_fake, customer), destination=destination, application_fee=1800)

    sent = stripe_fake.last_request("POST", "/v1/payment_intents").params
    assert (sent["transfer_data"], sent["application_fee_amount"]) == ({"destination": destination}, "1800")
    stored = stripe_fake.payment_intents[intent.id]
    assert (stored["transfer_data"], stored["application_fee_amount"]) == ({"destination": destination}, 1800)
    paid = stripe_fake.charges[intent.latest_charge or ""]
    assert paid["transfer"].startswith("tr_") and paid["application_fee"].startswith("fee_")
    refund = gateway.create_refund(
        idempotency_key="refund-2",
        payment_intent=intent.id,
        amount=12000,
        reverse_transfer=True,
        refund_application_fee=True,
    )
    assert stripe_fake.refunds[refund.id]["transfer_reversal"].startswith("trr_")


def test_a_card_that_needs_3ds_raises_authentication_required_with_the_intent(
    stripe_fake: FakeStripe, gateway: StripeGateway
) -> None:
    customer = customer_of(gateway)
    method = saved_card(stripe_fake, customer, requires_3ds=True)

    with pytest.raises(AuthenticationRequired) as needed:
        charge(gateway, customer, method)

    error = needed.value
    [intent_id] = list(stripe_fake.payment_intents)
    stored = stripe_fake.payment_intents[intent_id]
    assert isinstance(error, StripeRefused)
    assert (error.status, error.type, error.code, error.decline_code) == (
        402,
        "card_error",
        "authentication_required",
        "authentication_required",
    )
    assert (error.payment_intent_id, error.client_secret, error.payment_method_id) == (
        intent_id,
        stored["client_secret"],
        method,
    )
    assert stored["status"] == "requires_payment_method" and stored["metadata"] == IDS
    assert stored["last_payment_error"]["code"] == "authentication_required"
    assert stored["last_payment_error"]["payment_method"]["id"] == method
    assert stripe_fake.charges[stored["latest_charge"]]["status"] == "failed"
    [failed] = stripe_fake.events_of_type("payment_intent.payment_failed")
    assert failed["data"]["object"]["id"] == intent_id
    assert failed["data"]["object"]["last_payment_error"]["decline_code"] == "authentication_required"
    assert not stripe_fake.events_of_type("payment_intent.succeeded")


def test_the_customer_completes_3ds_on_the_same_intent(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    customer = customer_of(gateway)
    method = saved_card(stripe_fake, customer, requires_3ds=True)
    with pytest.raises(AuthenticationRequired) as needed:
        charge(gateway, customer, method)

    succeeded = stripe_fake.authenticate_payment(needed.value.payment_intent_id)

    intent = succeeded["data"]["object"]
    assert succeeded["type"] == "payment_intent.succeeded"
    assert (intent["id"], intent["status"], intent["payment_method"]) == (
        needed.value.payment_intent_id,
        "succeeded",
        method,
    )
    assert intent["metadata"] == IDS and intent["last_payment_error"] is None
    paid = stripe_fake.charges[intent["latest_charge"]]
    assert paid["status"] == "succeeded"
    assert paid["payment_method_details"]["card"]["three_d_secure"]["result"] == "authenticated"
    refund = gateway.create_refund(idempotency_key="refund-3ds", payment_intent=intent["id"], amount=12000)
    assert refund.status == "succeeded"


def test_a_retried_3ds_charge_replays_the_same_intent(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    customer = customer_of(gateway)
    method = saved_card(stripe_fake, customer, requires_3ds=True)
    with pytest.raises(AuthenticationRequired) as first:
        charge(gateway, customer, method)

    with pytest.raises(AuthenticationRequired) as again:
        charge(gateway, customer, method)  # same idempotency key: Stripe saved the 402

    assert again.value.payment_intent_id == first.value.payment_intent_id
    assert len(stripe_fake.payment_intents) == 1
    assert stripe_fake.last_request("POST", "/v1/payment_intents").replayed


def test_a_declined_card_raises_card_declined(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    customer = customer_of(gateway)
    method = saved_card(stripe_fake, customer, decline=True)

    with pytest.raises(StripeRefused) as refused:
        charge(gateway, customer, method)

    assert not isinstance(refused.value, AuthenticationRequired)
    assert (refused.value.status, refused.value.type, refused.value.code, refused.value.decline_code) == (
        402,
        "card_error",
        "card_declined",
        "generic_decline",
    )
    [failed] = stripe_fake.events_of_type("payment_intent.payment_failed")
    assert failed["data"]["object"]["status"] == "requires_payment_method"
    assert failed["data"]["object"]["last_payment_error"]["code"] == "card_declined"
    assert failed["data"]["object"]["metadata"] == IDS


def test_a_card_of_another_customer_cannot_be_charged(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    mine, theirs = customer_of(gateway), customer_of(gateway, user_id="someone-else")
    with pytest.raises(StripeRefused) as refused:
        charge(gateway, mine, saved_card(stripe_fake, theirs))
    assert (refused.value.status, refused.value.param) == (400, "payment_method")
    assert not stripe_fake.payment_intents


# --- detaching and the default ------------------------------------------------------------------


def test_detaching_twice_is_fine(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    customer = customer_of(gateway)
    method = saved_card(stripe_fake, customer)

    gateway.detach_payment_method(method)
    gateway.detach_payment_method(method)

    first, second = stripe_fake.requests_for("POST", f"/v1/payment_methods/{method}/detach")
    assert first.idempotency_key == second.idempotency_key == f"detach-{method}"
    assert (first.status, second.status, second.replayed) == (200, 200, True)
    assert stripe_fake.payment_methods[method]["customer"] is None
    [detached] = stripe_fake.events_of_type("payment_method.detached")
    assert detached["data"]["object"]["id"] == method and detached["data"]["object"]["customer"] is None
    assert detached["data"]["previous_attributes"] == {"customer": customer}
    with pytest.raises(StripeRefused) as refused:
        charge(gateway, customer, method)
    assert (refused.value.status, refused.value.param) == (400, "payment_method")


def test_detaching_a_card_removed_elsewhere_counts_as_done(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    method = saved_card(stripe_fake, customer_of(gateway))
    stripe_fake.remove_card(method)  # the Dashboard or a customer portal

    gateway.detach_payment_method(method)

    refused = stripe_fake.last_request("POST", f"/v1/payment_methods/{method}/detach")
    assert refused.status == 400 and "not attached" in refused.response["error"]["message"]
    assert len(stripe_fake.events_of_type("payment_method.detached")) == 1


def test_detaching_is_retried_by_the_caller_when_stripe_is_down(
    stripe_fake: FakeStripe, gateway: StripeGateway
) -> None:
    method = saved_card(stripe_fake, customer_of(gateway))
    stripe_fake.fail_next(503, path=f"/v1/payment_methods/{method}/detach")
    with pytest.raises(StripeUnavailable):
        gateway.detach_payment_method(method)
    assert stripe_fake.payment_methods[method]["customer"] is not None


def test_changing_the_default_announces_the_previous_one(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    customer = customer_of(gateway)
    first, second = saved_card(stripe_fake, customer), saved_card(stripe_fake, customer, last4="1881")

    gateway.set_default_payment_method(customer=customer, payment_method_id=first)
    gateway.set_default_payment_method(customer=customer, payment_method_id=second)

    sent = stripe_fake.last_request("POST", f"/v1/customers/{customer}")
    assert sent.params == {"invoice_settings": {"default_payment_method": second}}
    set_first, set_second = stripe_fake.events_of_type("customer.updated")
    assert set_first["data"]["object"]["invoice_settings"]["default_payment_method"] == first
    assert set_first["data"]["previous_attributes"] == {"invoice_settings": {"default_payment_method": None}}
    assert set_second["data"]["object"]["invoice_settings"]["default_payment_method"] == second
    assert set_second["data"]["previous_attributes"] == {"invoice_settings": {"default_payment_method": first}}
    assert set_second["data"]["object"]["metadata"] == {"user_id": USER}
    assert stripe_fake.customers[customer]["invoice_settings"]["default_payment_method"] == second


def test_setting_the_same_default_again_sends_no_event(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    customer = customer_of(gateway)
    method = saved_card(stripe_fake, customer)
    gateway.set_default_payment_method(customer=customer, payment_method_id=method)
    gateway.set_default_payment_method(customer=customer, payment_method_id=method)
    assert len(stripe_fake.events_of_type("customer.updated")) == 1


def test_a_default_must_be_attached_to_the_customer(stripe_fake: FakeStripe, gateway: StripeGateway) -> None:
    mine, theirs = customer_of(gateway), customer_of(gateway, user_id="someone-else")
    with pytest.raises(StripeRefused) as refused:
        gateway.set_default_payment_method(customer=mine, payment_method_id=saved_card(stripe_fake, theirs))
    assert (refused.value.status, refused.value.param) == (400, "invoice_settings[default_payment_method]")
    assert not stripe_fake.events_of_type("customer.updated")
