"""The payments sweeper (functions.payments.sweeper.run, the scheduled Lambda): holds that
lapse with a Checkout Session open end it at Stripe, a payment that beat the sweeper is left
to its webhook, and a payment that arrives after the slot was re-booked is refunded."""

from __future__ import annotations

from typing import Any

import pytest

from functions.payments import sweeper
from tests.payments.conftest import Payments, booking_of, invoice_of, opened, payment_of

REFUNDS = "/v1/refunds"


@pytest.fixture
def sweep(payments: Payments, monkeypatch: pytest.MonkeyPatch) -> Any:
    """sweeper.run with the test's database and Stripe in place of the process's."""
    gateway = payments.stripe.gateway()
    monkeypatch.setattr(sweeper, "get_database", lambda: payments.database)
    monkeypatch.setattr(sweeper, "get_stripe", lambda: gateway)
    return sweeper.run


def lapse_hold(payments: Payments, booking_id: str) -> None:
    with payments.market.owner() as conn:
        conn.execute(
            "update public.bookings set hold_expires_at = now() - interval '1 second' where id = %s", (booking_id,)
        )


def expire_path(session_id: str) -> str:
    return f"/v1/checkout/sessions/{session_id}/expire"


def test_a_lapsed_hold_expires_its_checkout_session_at_stripe(payments: Payments, sweep: Any) -> None:
    booking = opened(payments, payments.client(0))
    lapse_hold(payments, booking["booking_id"])

    summary = sweep()

    assert summary == {"expired_holds": 1, "expired_sessions": 1, "refunds": 0}
    assert len(payments.stripe.requests_for("POST", expire_path(booking["session_id"]))) == 1
    assert payments.stripe.sessions[booking["session_id"]]["status"] == "expired"
    payment = payment_of(payments, booking["invoice_id"])
    assert payment["status"] == "cancelled"
    assert payment["checkout_expire_requested_at"] is not None
    assert booking_of(payments, booking["booking_id"])["status"] == "expired"
    assert invoice_of(payments, booking["invoice_id"])["status"] == "void"
    (expired_event,) = payments.stripe.events_of_type("checkout.session.expired")
    assert payments.deliver(expired_event).status == 200
    assert payment_of(payments, booking["invoice_id"])["status"] == "cancelled"
    assert sweep() == {"expired_holds": 0, "expired_sessions": 0, "refunds": 0}
    assert len(payments.stripe.requests_for("POST", expire_path(booking["session_id"]))) == 1


def test_a_held_booking_whose_hold_has_not_lapsed_keeps_its_session(payments: Payments, sweep: Any) -> None:
    booking = opened(payments, payments.client(0))

    summary = sweep()

    assert summary == {"expired_holds": 0, "expired_sessions": 0, "refunds": 0}
    assert payments.stripe.requests_for("POST", r"/v1/checkout/sessions/.*/expire") == []
    assert payments.stripe.sessions[booking["session_id"]]["status"] == "open"
    assert payment_of(payments, booking["invoice_id"])["status"] == "pending"


def test_a_session_paid_before_the_sweeper_came_is_left_for_the_webhook(payments: Payments, sweep: Any) -> None:
    booking = opened(payments, payments.client(0))
    completed = payments.stripe.complete_checkout(booking["session_id"])  # the webhook is on its way
    lapse_hold(payments, booking["booking_id"])

    summary = sweep()

    (refused,) = payments.stripe.requests_for("POST", expire_path(booking["session_id"]))
    assert refused.status == 400
    assert summary["expired_sessions"] == 1
    payment = payment_of(payments, booking["invoice_id"])
    assert payment["status"] == "pending"
    assert payment["checkout_expire_requested_at"] is not None
    response = payments.deliver(completed)
    assert response.body["outcome"] == "paid"  # the slot was still free: the late payment keeps it
    assert payment_of(payments, booking["invoice_id"])["status"] == "succeeded"
    assert booking_of(payments, booking["booking_id"])["status"] == "confirmed"
    assert invoice_of(payments, booking["invoice_id"])["status"] == "paid"
    assert payments.stripe.requests_for("POST", REFUNDS) == []


def test_a_late_payment_for_a_slot_booked_again_is_refunded_in_full(payments: Payments, sweep: Any) -> None:
    first = opened(payments, payments.client(0))
    completed = payments.stripe.complete_checkout(first["session_id"])
    lapse_hold(payments, first["booking_id"])
    second = payments.book(payments.client(1))  # the lapsed hold frees the slot for someone else

    response = payments.deliver(completed)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "refund_queued"
    payment = payment_of(payments, first["invoice_id"])
    assert (payment["status"], payment["applied"]) == ("succeeded", False)
    assert booking_of(payments, first["booking_id"])["status"] == "expired"
    assert invoice_of(payments, first["invoice_id"])["status"] == "void"
    assert booking_of(payments, second["booking_id"])["status"] == "held"
    (queued,) = payments.rows("select * from public.refunds")
    assert (queued["kind"], queued["status"], queued["amount"]) == ("unfulfillable", "requested", 10000)

    summary = sweep()

    assert summary["refunds"] == 1
    (sent,) = payments.stripe.requests_for("POST", REFUNDS)
    assert sent.params["payment_intent"] == payments.stripe.sessions[first["session_id"]]["payment_intent"]
    assert sent.params["amount"] == "10000"
    assert (sent.params["reverse_transfer"], sent.params["refund_application_fee"]) == ("true", "true")
    assert sent.idempotency_key == f"refund-{queued['id']}"
    (refund,) = payments.rows("select * from public.refunds")
    assert refund["status"] == "succeeded"
    assert payment_of(payments, first["invoice_id"])["amount_refunded"] == 10000


def test_stripe_down_while_expiring_a_session_is_retried_on_the_next_sweep(payments: Payments, sweep: Any) -> None:
    booking = opened(payments, payments.client(0))
    lapse_hold(payments, booking["booking_id"])
    payments.stripe.fail_next(503, method="POST", path=expire_path(booking["session_id"]))

    first = sweep()

    assert (first["expired_holds"], first["expired_sessions"]) == (1, 0)
    assert payments.stripe.sessions[booking["session_id"]]["status"] == "open"
    payment = payment_of(payments, booking["invoice_id"])
    assert (payment["status"], payment["checkout_expire_requested_at"]) == ("pending", None)

    second = sweep()

    assert second["expired_sessions"] == 1
    assert len(payments.stripe.requests_for("POST", expire_path(booking["session_id"]))) == 2
    assert payments.stripe.sessions[booking["session_id"]]["status"] == "expired"
    assert payment_of(payments, booking["invoice_id"])["status"] == "cancelled"


def test_a_cancelled_held_booking_ends_its_checkout_session(payments: Payments, sweep: Any) -> None:
    client = payments.client(0)
    booking = opened(payments, client)
    cancelled = payments.invoke(
        "refunds", "POST", "/refunds/cancellations", body={"booking_id": booking["booking_id"]}, as_user=client
    )
    assert cancelled.status == 200, cancelled.body

    summary = sweep()

    assert summary["expired_sessions"] == 1
    assert payments.stripe.sessions[booking["session_id"]]["status"] == "expired"
    assert payment_of(payments, booking["invoice_id"])["status"] == "cancelled"
