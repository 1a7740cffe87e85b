"""The stripe-webhook Lambda through Mangum: every handled event type, signed like Stripe,
and what it does to payments, invoices, bookings, refunds and disputes; what it refuses."""

from __future__ import annotations

import importlib
import json
import socket
import time
from typing import Any

from devstack.postgres_adapter import PostgresDatabase
from functions.db.factory import get_database
from tests.payments.conftest import Payments, booking_of, invoice_of, opened, payment_of
from tests.support.stripe_signing import sign

WEBHOOK = "/stripe/webhook"


# --- helpers ------------------------------------------------------------------------------------


def ledger(payments: Payments) -> list[dict[str, Any]]:
    """The events applied (a refused delivery is recorded for debugging, unprocessed: not applied)."""
    return payments.rows(
        "select id, type, outcome from private.stripe_events where processed_at is not null order by received_at, id"
    )


def state(payments: Payments) -> dict[str, Any]:
    """Everything a webhook could change, to compare before and after a refused delivery."""
    return {
        "ledger": ledger(payments),
        "payments": payments.rows("select * from public.payments order by id"),
        "invoices": payments.rows("select * from public.invoices order by id"),
        "bookings": payments.rows("select * from public.bookings order by id"),
        "refunds": payments.rows("select * from public.refunds order by id"),
        "disputes": payments.rows("select * from public.disputes order by id"),
    }


def post_raw(payments: Payments, body: bytes, headers: dict[str, str]) -> Any:
    return payments.invoke("stripe", "POST", WEBHOOK, body=body, headers=headers)


def admin_refund(payments: Payments, invoice_id: str, amount: int | None = None) -> Any:
    body: dict[str, Any] = {"invoice_id": invoice_id}
    if amount is not None:
        body["amount"] = amount
    response = payments.invoke("refunds", "POST", "/refunds/requests", body=body, as_user=payments.admin_id)
    assert response.status == 201, response.body
    return response


# --- checkout.session.* -------------------------------------------------------------------------


def test_paid_checkout_completed_pays_the_invoice_and_confirms_the_booking(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    event = payments.stripe.complete_checkout(booking["session_id"])

    response = payments.deliver(event)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "paid"
    assert response.body["event_id"] == event["id"]
    payment = payment_of(payments, booking["invoice_id"])
    assert payment["status"] == "succeeded"
    assert payment["applied"] is True
    assert payment["stripe_payment_intent_id"] == payments.stripe.sessions[booking["session_id"]]["payment_intent"]
    invoice = invoice_of(payments, booking["invoice_id"])
    assert (invoice["status"], invoice["amount_paid"]) == ("paid", 10000)
    assert booking_of(payments, booking["booking_id"])["status"] == "confirmed"
    assert ledger(payments) == [{"id": event["id"], "type": "checkout.session.completed", "outcome": "paid"}]


def test_unpaid_checkout_completed_leaves_the_payment_processing_and_the_booking_held(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))

    response = payments.deliver(payments.stripe.complete_checkout(booking["session_id"], paid=False))

    assert response.status == 200, response.body
    assert response.body["outcome"] == "processing"
    assert payment_of(payments, booking["invoice_id"])["status"] == "processing"
    invoice = invoice_of(payments, booking["invoice_id"])
    assert (invoice["status"], invoice["amount_paid"]) == ("open", 0)
    assert booking_of(payments, booking["booking_id"])["status"] == "held"


def test_async_payment_succeeded_pays_a_processing_checkout(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    payments.deliver(payments.stripe.complete_checkout(booking["session_id"], paid=False))

    response = payments.deliver(payments.stripe.settle_async_payment(booking["session_id"]))

    assert response.status == 200, response.body
    assert response.body["outcome"] == "paid"
    assert payment_of(payments, booking["invoice_id"])["status"] == "succeeded"
    assert invoice_of(payments, booking["invoice_id"])["status"] == "paid"
    assert booking_of(payments, booking["booking_id"])["status"] == "confirmed"


def test_async_payment_failed_fails_the_payment_and_leaves_the_invoice_open(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    payments.deliver(payments.stripe.complete_checkout(booking["session_id"], paid=False))

    response = payments.deliver(payments.stripe.settle_async_payment(booking["session_id"], succeeded=False))

    assert response.status == 200, response.body
    assert response.body["outcome"] == "failed"
    payment = payment_of(payments, booking["invoice_id"])
    assert payment["status"] == "failed"
    assert payment["failure_message"] == "the delayed payment failed"
    assert invoice_of(payments, booking["invoice_id"])["status"] == "open"
    assert booking_of(payments, booking["booking_id"])["status"] == "held"


def test_checkout_expired_cancels_the_payment_and_a_new_checkout_opens_a_new_session(payments: Payments) -> None:
    client = payments.client(0)
    booking = opened(payments, client)

    response = payments.deliver(payments.stripe.expire_session(booking["session_id"]))

    assert response.status == 200, response.body
    assert response.body["outcome"] == "cancelled"
    assert payment_of(payments, booking["invoice_id"])["status"] == "cancelled"
    assert invoice_of(payments, booking["invoice_id"])["status"] == "open"
    again = payments.checkout(client, booking["invoice_id"])
    assert again.status == 201, again.body
    assert again.body["session_id"] != booking["session_id"]


def test_payment_intent_failed_records_the_decline_and_a_later_success_still_pays(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))

    declined = payments.deliver(payments.stripe.fail_payment(booking["session_id"]))

    assert declined.status == 200, declined.body
    assert declined.body["outcome"] == "failed"
    payment = payment_of(payments, booking["invoice_id"])
    assert payment["status"] == "failed"
    assert payment["failure_message"] == "Your card was declined."
    assert payment["stripe_payment_intent_id"] is not None
    paid = payments.deliver(payments.stripe.complete_checkout(booking["session_id"]))
    assert paid.body["outcome"] == "paid"
    assert payment_of(payments, booking["invoice_id"])["status"] == "succeeded"
    assert booking_of(payments, booking["booking_id"])["status"] == "confirmed"


def test_a_decline_delivered_after_the_success_does_not_undo_it(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    declined = payments.stripe.fail_payment(booking["session_id"])
    payments.deliver(payments.stripe.complete_checkout(booking["session_id"]))

    response = payments.deliver(declined)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "stale"
    assert payment_of(payments, booking["invoice_id"])["status"] == "succeeded"
    assert invoice_of(payments, booking["invoice_id"])["status"] == "paid"


def test_async_success_delivered_before_the_unpaid_completion_stays_paid(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    completed = payments.stripe.complete_checkout(booking["session_id"], paid=False)
    succeeded = payments.stripe.settle_async_payment(booking["session_id"])

    first = payments.deliver(succeeded)
    second = payments.deliver(completed)

    assert first.body["outcome"] == "paid"
    assert second.status == 200, second.body
    assert second.body["outcome"] == "stale"
    assert payment_of(payments, booking["invoice_id"])["status"] == "succeeded"
    assert booking_of(payments, booking["booking_id"])["status"] == "confirmed"


def test_a_completed_session_that_took_another_amount_is_refunded_in_full(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    event = payments.stripe.complete_checkout(booking["session_id"])
    event["data"]["object"]["amount_total"] = 5000  # not what the invoice asked for

    response = payments.deliver(event)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "refund_queued"
    payment = payment_of(payments, booking["invoice_id"])
    assert (payment["status"], payment["applied"], payment["amount"]) == ("succeeded", False, 5000)
    refund = payments.row("select * from public.refunds")
    assert (refund["kind"], refund["status"], refund["amount"]) == ("unfulfillable", "requested", 5000)
    invoice = invoice_of(payments, booking["invoice_id"])
    assert (invoice["status"], invoice["amount_paid"]) == ("open", 0)
    assert booking_of(payments, booking["booking_id"])["status"] == "held"


def test_a_delayed_payment_landing_after_the_client_cancelled_is_refunded_in_full(payments: Payments) -> None:
    client = payments.client(0)
    booking = opened(payments, client)
    payments.deliver(payments.stripe.complete_checkout(booking["session_id"], paid=False))
    cancelled = payments.invoke(
        "refunds", "POST", "/refunds/cancellations", body={"booking_id": booking["booking_id"]}, as_user=client
    )
    assert cancelled.status == 200, cancelled.body

    response = payments.deliver(payments.stripe.settle_async_payment(booking["session_id"]))

    assert response.status == 200, response.body
    assert response.body["outcome"] == "refund_queued"
    assert payment_of(payments, booking["invoice_id"])["applied"] is False
    assert booking_of(payments, booking["booking_id"])["status"] == "cancelled"
    assert invoice_of(payments, booking["invoice_id"])["status"] == "void"
    refund = payments.row("select * from public.refunds")
    assert (refund["kind"], refund["status"], refund["amount"]) == ("unfulfillable", "requested", 10000)


def test_a_completed_session_that_is_not_ours_is_acknowledged_and_changes_nothing(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    event = payments.stripe.complete_checkout(booking["session_id"])
    session = event["data"]["object"]
    session.update(id="cs_test_another_system", payment_intent="pi_another_system", metadata={})
    before = state(payments)

    response = payments.deliver(event)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "unknown_payment"
    after = state(payments)
    assert after["ledger"] == [
        *before["ledger"],
        {"id": event["id"], "type": event["type"], "outcome": "unknown_payment"},
    ]
    assert {k: v for k, v in after.items() if k != "ledger"} == {k: v for k, v in before.items() if k != "ledger"}


# --- refunds ------------------------------------------------------------------------------------


def test_charge_refunded_records_the_charges_total_and_leaves_the_invoice_to_the_refund_rows(
    payments: Payments,
) -> None:
    paid = payments.paid_booking(payments.client(0))
    payments.stripe.gateway().create_refund(
        idempotency_key="dashboard-1", payment_intent=paid["payment_intent"], amount=3000, reverse_transfer=True
    )
    (charge_refunded,) = payments.stripe.events_of_type("charge.refunded")

    response = payments.deliver(charge_refunded)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "charge_refunded"
    payment = payment_of(payments, paid["invoice_id"])
    assert payment["charge_amount_refunded"] == 3000
    assert int(payment["charge_refunded_at"].timestamp()) == charge_refunded["created"]
    assert payment["stripe_charge_id"] == charge_refunded["data"]["object"]["id"]
    assert payment["amount_refunded"] == 0  # counted once, from the refund row that refund.created brings
    invoice = invoice_of(payments, paid["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("paid", 0)
    (refund_created,) = payments.stripe.events_of_type("refund.created")
    assert payments.deliver(refund_created).body["outcome"] == "refund_succeeded"
    invoice = invoice_of(payments, paid["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("partially_refunded", 3000)


def test_an_older_charge_refunded_after_a_newer_one_is_stale(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    gateway = payments.stripe.gateway()
    gateway.create_refund(idempotency_key="dashboard-a", payment_intent=paid["payment_intent"], amount=3000)
    payments.stripe.advance(60)
    gateway.create_refund(idempotency_key="dashboard-b", payment_intent=paid["payment_intent"], amount=2000)
    older, newer = payments.stripe.events_of_type("charge.refunded")

    assert payments.deliver(newer).body["outcome"] == "charge_refunded"
    response = payments.deliver(older)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "stale"
    assert payment_of(payments, paid["invoice_id"])["charge_amount_refunded"] == 5000


def test_refund_created_from_the_dashboard_is_recorded_as_external_and_counted_once(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    refund = payments.stripe.gateway().create_refund(
        idempotency_key="dashboard-2", payment_intent=paid["payment_intent"], amount=2500
    )
    (charge_refunded,) = payments.stripe.events_of_type("charge.refunded")
    (refund_created,) = payments.stripe.events_of_type("refund.created")

    first = payments.deliver(refund_created)
    second = payments.deliver(charge_refunded)

    assert first.status == 200, first.body
    assert first.body["outcome"] == "refund_succeeded"
    assert second.body["outcome"] == "charge_refunded"
    row = payments.row("select * from public.refunds where invoice_id = %s", (paid["invoice_id"],))
    assert (row["kind"], row["status"], row["amount"]) == ("external", "succeeded", 2500)
    assert row["stripe_refund_id"] == refund.id
    invoice = invoice_of(payments, paid["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("partially_refunded", 2500)


def test_refund_updated_settles_a_pending_refund(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    payments.stripe.refund_status = "pending"
    admin_refund(payments, paid["invoice_id"])
    refund = payments.row("select * from public.refunds where invoice_id = %s", (paid["invoice_id"],))
    assert refund["status"] == "pending"
    assert invoice_of(payments, paid["invoice_id"])["status"] == "paid"

    (created,) = payments.stripe.events_of_type("refund.created")

    response = payments.deliver(payments.stripe.settle_refund(refund["stripe_refund_id"]))
    late_created = payments.deliver(created)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "refund_succeeded"
    assert late_created.body["outcome"] == "stale"
    refund = payments.row("select * from public.refunds where id = %s", (refund["id"],))
    assert refund["status"] == "succeeded"
    assert refund["succeeded_at"] is not None
    invoice = invoice_of(payments, paid["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("refunded", 10000)


def test_refund_failed_marks_the_refund_failed_and_gives_the_invoice_back_its_payment(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    payments.stripe.refund_status = "pending"
    admin_refund(payments, paid["invoice_id"])
    refund = payments.row("select * from public.refunds where invoice_id = %s", (paid["invoice_id"],))
    payments.stripe.settle_refund(refund["stripe_refund_id"], status="failed")
    updated = payments.stripe.events_of_type("refund.updated")[-1]
    failed = payments.stripe.events_of_type("refund.failed")[-1]

    first = payments.deliver(failed)
    second = payments.deliver(updated)

    assert first.status == 200, first.body
    assert first.body["outcome"] == "refund_failed"
    assert second.body["outcome"] == "stale"
    refund = payments.row("select * from public.refunds where id = %s", (refund["id"],))
    assert (refund["status"], refund["failure_reason"]) == ("failed", "expired_or_canceled_card")
    invoice = invoice_of(payments, paid["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("paid", 0)


def test_refund_that_fails_after_charge_refunded_was_delivered_leaves_the_money_refundable(
    payments: Payments,
) -> None:
    """Stripe sends charge.refunded when a refund is created, pending ones included, and lowers
    the charge's amount_refunded again when the refund fails (charge.refund.updated, which we do
    not handle). The failed refund must not leave the invoice counted as refunded."""
    paid = payments.paid_booking(payments.client(0))
    payments.stripe.refund_status = "pending"
    admin_refund(payments, paid["invoice_id"])
    (charge_refunded,) = payments.stripe.events_of_type("charge.refunded")
    payments.deliver(charge_refunded)
    refund = payments.row("select * from public.refunds where invoice_id = %s", (paid["invoice_id"],))

    response = payments.deliver(payments.stripe.settle_refund(refund["stripe_refund_id"], status="failed"))

    assert response.body["outcome"] == "refund_failed"
    invoice = invoice_of(payments, paid["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("paid", 0)
    again = payments.invoke(
        "refunds", "POST", "/refunds/requests", body={"invoice_id": paid["invoice_id"]}, as_user=payments.admin_id
    )
    assert again.status == 201, again.body


# --- disputes -----------------------------------------------------------------------------------


def test_dispute_created_updated_and_closed_are_recorded_in_order(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))

    created = payments.deliver(payments.stripe.open_dispute(paid["payment_intent"], reason="fraudulent"))
    dispute = payments.row("select * from public.disputes")
    stripe_dispute = payments.stripe.disputes[dispute["stripe_dispute_id"]]
    assert created.status == 200, created.body
    assert created.body["outcome"] == "dispute_needs_response"
    assert (dispute["status"], dispute["amount"], dispute["reason"]) == ("needs_response", 10000, "fraudulent")
    assert dispute["currency"] == "USD"
    assert dispute["invoice_id"] == payment_of(payments, paid["invoice_id"])["invoice_id"]
    assert int(dispute["evidence_due_by"].timestamp()) == stripe_dispute["evidence_details"]["due_by"]
    assert dispute["closed_at"] is None

    updated = payments.deliver(payments.stripe.update_dispute(stripe_dispute["id"], evidence="Session delivered"))
    assert updated.body["outcome"] == "dispute_under_review"
    assert payments.row("select status from public.disputes")["status"] == "under_review"

    closed = payments.deliver(payments.stripe.close_dispute(stripe_dispute["id"], status="won"))
    assert closed.body["outcome"] == "dispute_won"
    dispute = payments.row("select * from public.disputes")
    assert dispute["status"] == "won"
    assert dispute["closed_at"] is not None


def test_a_dispute_update_delivered_after_it_closed_is_stale(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    payments.deliver(payments.stripe.open_dispute(paid["payment_intent"]))
    dispute_id = payments.row("select stripe_dispute_id from public.disputes")["stripe_dispute_id"]
    late_update = payments.stripe.update_dispute(dispute_id)
    payments.deliver(payments.stripe.close_dispute(dispute_id, status="lost"))

    response = payments.deliver(late_update)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "stale"
    assert payments.row("select status from public.disputes")["status"] == "lost"


# --- how the body arrives -----------------------------------------------------------------------


def test_a_base64_encoded_body_is_verified_on_its_decoded_bytes(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))

    response = payments.deliver(payments.stripe.complete_checkout(booking["session_id"]), base64_encoded=True)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "paid"
    assert invoice_of(payments, booking["invoice_id"])["status"] == "paid"


def test_an_unhandled_event_type_is_acknowledged_and_changes_nothing(payments: Payments) -> None:
    payments.paid_booking(payments.client(0))
    before = state(payments)

    response = payments.deliver(payments.stripe.customer_created())

    assert response.status == 200, response.body
    assert response.body["outcome"] == "ignored"
    assert state(payments) == before


def test_a_duplicate_delivery_is_acknowledged_and_counted_once(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    payments.stripe.gateway().create_refund(
        idempotency_key="dashboard-3", payment_intent=paid["payment_intent"], amount=1000
    )
    (refund_created,) = payments.stripe.events_of_type("refund.created")
    (completed,) = payments.stripe.events_of_type("checkout.session.completed")
    payments.deliver(refund_created)
    before = state(payments)

    replayed_refund = payments.deliver(refund_created)
    replayed_payment = payments.deliver(completed)

    assert (replayed_refund.status, replayed_payment.status) == (200, 200)
    assert replayed_refund.body["outcome"] == "duplicate"
    assert replayed_payment.body["outcome"] == "duplicate"
    assert state(payments) == before
    invoice = invoice_of(payments, paid["invoice_id"])
    assert (invoice["amount_paid"], invoice["amount_refunded"]) == (10000, 1000)
    assert len(payments.rows("select id from public.refunds")) == 1
    confirmations = payments.rows(
        "select id from public.booking_status_changes where booking_id = %s and to_status = 'confirmed'",
        (paid["booking_id"],),
    )
    assert len(confirmations) == 1


# --- refused deliveries -------------------------------------------------------------------------


def test_a_bad_signature_is_refused_and_changes_nothing(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    body, headers = payments.stripe.delivery(payments.stripe.complete_checkout(booking["session_id"]))
    headers["stripe-signature"] = sign(body, "whsec_not_the_endpoint_secret")
    before = state(payments)

    response = post_raw(payments, body, headers)

    assert response.status == 400
    assert "signature" in response.body["message"].lower()
    assert state(payments) == before


def test_a_body_changed_after_signing_is_refused(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    event = payments.stripe.complete_checkout(booking["session_id"])
    body, headers = payments.stripe.delivery(event)
    tampered = body.replace(b'"amount_total": 10000', b'"amount_total": 1')
    assert tampered != body
    before = state(payments)

    response = post_raw(payments, tampered, headers)

    assert response.status == 400
    assert state(payments) == before


def test_a_missing_signature_header_is_refused(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    body, headers = payments.stripe.delivery(payments.stripe.complete_checkout(booking["session_id"]))
    del headers["stripe-signature"]
    before = state(payments)

    response = post_raw(payments, body, headers)

    assert response.status == 400
    assert response.body["message"]
    assert state(payments) == before


def test_a_stale_timestamp_is_refused(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    event = payments.stripe.complete_checkout(booking["session_id"])
    before = state(payments)

    response = payments.deliver(event, timestamp=int(time.time()) - 301)

    assert response.status == 400
    assert "tolerance" in response.body["message"].lower() or "timestamp" in response.body["message"].lower()
    assert state(payments) == before
    assert payments.deliver(event, timestamp=int(time.time()) - 240).body["outcome"] == "paid"


def test_a_signed_body_that_is_not_json_is_refused(payments: Payments) -> None:
    opened(payments, payments.client(0))
    body = b'{"id": "evt_1", "object": "event", "type": "checkout.session.completed", "data": '
    headers = {"content-type": "application/json", "stripe-signature": sign(body, payments.stripe.webhook_secret)}
    before = state(payments)

    response = post_raw(payments, body, headers)

    assert response.status == 400
    assert "json" in response.body["message"].lower()
    assert state(payments) == before


def test_a_signed_event_without_the_fields_its_type_needs_is_refused(payments: Payments) -> None:
    opened(payments, payments.client(0))
    event = {"id": "evt_incomplete", "object": "event", "type": "charge.refunded", "created": 1, "data": {"object": {}}}
    body = json.dumps(event).encode()
    headers = {"content-type": "application/json", "stripe-signature": sign(body, payments.stripe.webhook_secret)}
    before = state(payments)

    response = post_raw(payments, body, headers)

    assert response.status == 400
    assert state(payments) == before


def test_a_signature_header_from_a_secret_rotation_is_accepted(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    body, headers = payments.stripe.delivery(payments.stripe.complete_checkout(booking["session_id"]))
    headers["stripe-signature"] = sign(body, "whsec_the_old_secret", extra_secrets=(payments.stripe.webhook_secret,))

    response = post_raw(payments, body, headers)

    assert response.status == 200, response.body
    assert response.body["outcome"] == "paid"


def test_an_event_signed_with_the_connect_secret_is_refused_at_the_platform_endpoint(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    event = payments.stripe.complete_checkout(booking["session_id"])
    before = state(payments)

    response = payments.deliver(event, secret=payments.stripe.connect_webhook_secret)

    assert response.status == 400
    assert state(payments) == before


# --- answers Stripe should retry ----------------------------------------------------------------


def test_a_refund_for_a_payment_not_linked_yet_is_retried_until_the_checkout_event_arrives(
    payments: Payments,
) -> None:
    booking = opened(payments, payments.client(0))
    completed = payments.stripe.complete_checkout(booking["session_id"])
    intent = payments.stripe.sessions[booking["session_id"]]["payment_intent"]
    payments.stripe.gateway().create_refund(idempotency_key="dashboard-early", payment_intent=intent, amount=10000)
    (refund_created,) = payments.stripe.events_of_type("refund.created")
    (charge_refunded,) = payments.stripe.events_of_type("charge.refunded")
    before = state(payments)

    early_refund = payments.deliver(refund_created)
    early_charge = payments.deliver(charge_refunded)

    assert (early_refund.status, early_charge.status) == (503, 503)
    assert state(payments) == before
    assert payments.deliver(completed).body["outcome"] == "paid"
    retried = payments.deliver(refund_created)
    assert retried.status == 200, retried.body
    assert retried.body["outcome"] == "refund_succeeded"
    assert payments.deliver(charge_refunded).body["outcome"] == "charge_refunded"
    refund = payments.row("select * from public.refunds")
    assert (refund["kind"], refund["status"], refund["amount"]) == ("external", "succeeded", 10000)
    invoice = invoice_of(payments, booking["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("refunded", 10000)


def test_an_unreachable_database_answers_503_so_stripe_retries(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    event = payments.stripe.complete_checkout(booking["session_id"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    unreachable = PostgresDatabase(f"postgresql://authenticator:x@127.0.0.1:{closed_port}/postgres", timeout=1)
    app = importlib.import_module("functions.payments.stripe_webhook").app
    restore = app.dependency_overrides[get_database]
    app.dependency_overrides[get_database] = lambda: unreachable
    try:
        response = payments.deliver(event)
    finally:
        app.dependency_overrides[get_database] = restore
        unreachable.close()

    assert response.status == 503, response.body
    assert ledger(payments) == []
    assert payments.deliver(event).body["outcome"] == "paid"
