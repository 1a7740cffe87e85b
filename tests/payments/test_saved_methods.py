"""Saved payment methods through the checkout Lambda and Stripe's webhook, against the fake
Stripe: a customer once per user, a card saved with a SetupIntent and kept in step by the
webhook, an invoice paid with it off-session, 3-D Secure sent to Checkout, a decline answered
402, removal (detached at Stripe) and the default."""

from __future__ import annotations

from typing import Any

from tests.payments.conftest import Payments, invoice_of


def setup_intent(payments: Payments, client: str) -> Any:
    return payments.invoke("checkout", "POST", "/checkout/setup-intents", as_user=client)


def saved_card(payments: Payments, client: str, **card: Any) -> dict[str, Any]:
    """The client saves a card: a SetupIntent confirmed by Stripe.js (the fake), its events delivered."""
    setup = setup_intent(payments, client)
    assert setup.status == 201, setup.body
    for event in payments.stripe.save_card(setup.body["customer_id"], setup_intent_id=setup.body["setup_intent_id"],
                                           **card):  # fmt: skip
        delivered = payments.deliver(event)
        assert delivered.status == 200, delivered.body
    return payments.row(
        "select * from public.payment_methods where user_id = %s order by created_at desc limit 1", (client,)
    )


def pay(payments: Payments, client: str, invoice_id: str, method_id: str) -> Any:
    return payments.invoke(
        "checkout",
        "POST",
        "/checkout/saved-method-payments",
        body={"invoice_id": invoice_id, "payment_method_id": str(method_id)},
        as_user=client,
    )


def test_a_client_saves_a_card_once_customer_and_pays_an_invoice_with_it(payments: Payments) -> None:
    client = payments.client(0)
    card = saved_card(payments, client, brand="mastercard", last4="4444", wallet="apple_pay")
    again = setup_intent(payments, client)
    booking = payments.book(client)

    paid = pay(payments, client, booking["invoice_id"], card["id"])

    assert (card["type"], card["brand"], card["last4"], card["wallet"], card["is_active"]) == (
        "card", "mastercard", "4444", "apple_pay", True,
    )  # fmt: skip
    assert len(payments.stripe.customers) == 1 and again.body["customer_id"] in payments.stripe.customers
    assert paid.status == 201 and paid.body["outcome"] == "paid", paid.body
    sent = payments.stripe.last_request("POST", "/v1/payment_intents")
    assert (sent.params["off_session"], sent.params["confirm"]) == ("true", "true")
    assert sent.params["amount"] == "10000" and sent.params["transfer_data"]["destination"] == payments.account_id
    assert invoice_of(payments, booking["invoice_id"])["status"] == "paid"
    (succeeded,) = [e for e in payments.stripe.events if e["type"] == "payment_intent.succeeded"]
    assert payments.deliver(succeeded).body["outcome"] == "already_succeeded", "its webhook after the answer"


def test_a_card_asking_for_3ds_is_sent_to_checkout(payments: Payments) -> None:
    client = payments.client(0)
    card = saved_card(payments, client, requires_3ds=True)
    booking = payments.book(client)

    answer = pay(payments, client, booking["invoice_id"], card["id"])

    assert answer.status == 402, answer.body
    assert answer.body["requires_action"] is True and answer.body["checkout_url"].startswith("https://")
    failed = payments.row("select status::text, failure_message from public.payments where id = %s",
                          (answer.body["payment_id"],))  # fmt: skip
    assert failed["status"] == "failed" and "3-D Secure" in failed["failure_message"]
    assert len(payments.stripe.sessions) == 1, "a Checkout Session for the invoice takes over"


def test_a_declined_card_is_answered_402_and_the_invoice_stays_open(payments: Payments) -> None:
    client = payments.client(0)
    card = saved_card(payments, client, decline=True)
    booking = payments.book(client)

    declined = pay(payments, client, booking["invoice_id"], card["id"])

    assert declined.status == 402 and declined.body["code"] == "card_declined", declined.body
    assert invoice_of(payments, booking["invoice_id"])["status"] == "open"


def test_someone_else_cannot_pay_with_or_remove_a_card(payments: Payments) -> None:
    owner, other = payments.client(0), payments.client(1)
    card = saved_card(payments, owner)
    booking = payments.book(other)

    stolen = pay(payments, other, booking["invoice_id"], card["id"])
    removed = payments.invoke("checkout", "POST", f"/checkout/payment-methods/{card['id']}/detach", as_user=other)

    assert stolen.status == 404 and removed.status == 404, (stolen.body, removed.body)
    assert payments.stripe.requests_for("POST", "/v1/payment_intents") == []


def test_a_card_removed_is_detached_at_stripe_and_a_default_follows_the_customer(payments: Payments) -> None:
    client = payments.client(0)
    first = saved_card(payments, client)
    second = saved_card(payments, client, last4="1881")

    made_default = payments.invoke(
        "checkout", "POST", f"/checkout/payment-methods/{second['id']}/default", as_user=client
    )
    for event in [e for e in payments.stripe.events if e["type"] == "customer.updated"]:
        payments.deliver(event)
    removed = payments.invoke("checkout", "POST", f"/checkout/payment-methods/{first['id']}/detach", as_user=client)
    for event in [e for e in payments.stripe.events if e["type"] == "payment_method.detached"]:
        payments.deliver(event)

    assert made_default.status == 200 and removed.status == 200, (made_default.body, removed.body)
    rows = payments.rows(
        "select last4, is_active, is_default from public.payment_methods where user_id = %s order by last4", (client,)
    )
    states = [(r["last4"], r["is_active"], r["is_default"]) for r in rows]
    assert states == [("1881", True, True), ("4242", False, False)]
    assert payments.stripe.payment_methods[first["stripe_payment_method_id"]]["customer"] is None
