"""The refunds Lambda through Mangum: an admin's full and partial refunds, cancellations by
the client (inside and after the free window) and by the provider, what is sent to Stripe,
and the refunds the sweeper submits when Stripe or the Lambda was not there."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from psycopg.rows import dict_row

from functions.payments import sweeper
from tests.payments.conftest import Payments, invoice_of
from tests.support.actors import as_request

REFUNDS = "/v1/refunds"


def refund_request(
    payments: Payments, invoice_id: str, amount: int | None = None, *, as_user: str | None = None
) -> Any:
    body: dict[str, Any] = {"invoice_id": invoice_id}
    if amount is not None:
        body["amount"] = amount
    return payments.invoke(
        "refunds", "POST", "/refunds/requests", body=body, as_user=payments.admin_id if as_user is None else as_user
    )


def cancel(payments: Payments, booking_id: str, as_user: str) -> Any:
    return payments.invoke(
        "refunds", "POST", "/refunds/cancellations", body={"booking_id": booking_id}, as_user=as_user
    )


def refunds_of(payments: Payments, invoice_id: str) -> list[dict[str, Any]]:
    return payments.rows("select * from public.refunds where invoice_id = %s order by created_at", (invoice_id,))


def deliver_refund_events(payments: Payments) -> list[str]:
    """Stripe's charge.refunded and refund.created for every refund made so far, in order."""
    kinds = ("charge.refunded", "refund.created")
    return [payments.deliver(e).body["outcome"] for e in payments.stripe.events if e["type"] in kinds]


def run_sweeper(payments: Payments, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    gateway = payments.stripe.gateway()
    monkeypatch.setattr(sweeper, "get_database", lambda: payments.database)
    monkeypatch.setattr(sweeper, "get_stripe", lambda: gateway)
    return sweeper.run()


# --- an admin's refunds -------------------------------------------------------------------------


def test_admin_refunds_everything_reversing_the_transfer_and_the_fee(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    payments.stripe.clear_requests()

    response = refund_request(payments, paid["invoice_id"])

    assert response.status == 201, response.body
    (refund,) = refunds_of(payments, paid["invoice_id"])
    (sent,) = payments.stripe.requests_for("POST", REFUNDS)
    assert sent.params == {
        "payment_intent": paid["payment_intent"],
        "amount": "10000",
        "reverse_transfer": "true",
        "refund_application_fee": "true",
        "metadata": {"refund_id": str(refund["id"])},
    }
    assert sent.idempotency_key == f"refund-{refund['id']}"
    assert (refund["kind"], refund["amount"], refund["requested_by"]) == ("admin", 10000, uuid.UUID(payments.admin_id))
    assert refund["stripe_refund_id"] == sent.response["id"]
    assert response.body["submitted"] == [
        {"refund_id": str(refund["id"]), "amount": 10000, "outcome": "refund_succeeded"}
    ]
    invoice = invoice_of(payments, paid["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("refunded", 10000)


def test_admin_refunds_in_part_then_the_rest_and_the_webhooks_count_each_once(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    payments.stripe.refund_status = "pending"

    first = refund_request(payments, paid["invoice_id"], 4000)

    assert first.status == 201, first.body
    assert payments.stripe.last_request("POST", REFUNDS).params["amount"] == "4000"
    assert invoice_of(payments, paid["invoice_id"])["status"] == "paid"  # pending at Stripe
    (partial,) = refunds_of(payments, paid["invoice_id"])
    deliver_refund_events(payments)
    payments.deliver(payments.stripe.settle_refund(partial["stripe_refund_id"]))
    invoice = invoice_of(payments, paid["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("partially_refunded", 4000)

    rest = refund_request(payments, paid["invoice_id"])

    assert rest.status == 201, rest.body
    assert payments.stripe.last_request("POST", REFUNDS).params["amount"] == "6000"
    _, remainder = refunds_of(payments, paid["invoice_id"])
    outcomes = deliver_refund_events(payments)
    assert outcomes.count("duplicate") == 2  # the first refund's events, delivered again
    payments.deliver(payments.stripe.settle_refund(remainder["stripe_refund_id"]))
    invoice = invoice_of(payments, paid["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("refunded", 10000)
    payment = payments.row("select amount_refunded from public.payments where invoice_id = %s", (paid["invoice_id"],))
    assert payment["amount_refunded"] == 10000
    assert [r["status"] for r in refunds_of(payments, paid["invoice_id"])] == ["succeeded", "succeeded"]


def test_a_refund_above_what_is_left_is_refused_and_nothing_is_sent(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    assert refund_request(payments, paid["invoice_id"], 7000).status == 201
    payments.stripe.clear_requests()

    response = refund_request(payments, paid["invoice_id"], 3001)

    assert response.status == 400
    assert "3001 is more than the 3000" in response.body["message"]
    assert payments.stripe.requests == []
    assert len(refunds_of(payments, paid["invoice_id"])) == 1


def test_a_refund_by_a_non_admin_is_forbidden(payments: Payments) -> None:
    client = payments.client(0)
    paid = payments.paid_booking(client)
    payments.stripe.clear_requests()

    for user in (client, payments.market.provider_id):
        response = refund_request(payments, paid["invoice_id"], as_user=user)
        assert response.status == 403, response.body
    assert payments.stripe.requests == []
    assert refunds_of(payments, paid["invoice_id"]) == []


def test_a_refund_of_an_unknown_invoice_finds_nothing(payments: Payments) -> None:
    response = refund_request(payments, str(uuid.uuid4()))

    assert response.status == 404
    assert response.body["code"] == "PT404"  # PostgREST answers it 404 too
    assert payments.stripe.requests_for("POST", REFUNDS) == []


def test_a_refund_of_an_unpaid_invoice_is_refused(payments: Payments) -> None:
    booking = payments.book(payments.client(0))

    response = refund_request(payments, booking["invoice_id"])

    assert response.status == 400
    assert payments.stripe.requests_for("POST", REFUNDS) == []


# --- cancellations ------------------------------------------------------------------------------


def set_policy(payments: Payments, free_hours: int, fee_share: str) -> None:
    with payments.market.owner() as conn:
        conn.execute(
            "update public.offerings set free_cancellation_hours = %s, late_cancellation_fee_share = %s where id = %s",
            (free_hours, Decimal(fee_share), payments.market.offering_id),
        )


def test_a_clients_cancellation_inside_the_free_window_refunds_everything(payments: Payments) -> None:
    set_policy(payments, 12, "0.3")
    client = payments.client(0)
    paid = payments.paid_booking(client)
    booking = payments.row("select * from public.bookings where id = %s", (paid["booking_id"],))
    assert (booking["free_cancellation_hours"], booking["late_cancellation_fee_share"]) == (12, Decimal("0.3"))
    payments.stripe.clear_requests()

    response = cancel(payments, paid["booking_id"], client)

    assert response.status == 200, response.body
    assert (response.body["status"], response.body["cancellation_fee"]) == ("cancelled", 0)
    (sent,) = payments.stripe.requests_for("POST", REFUNDS)
    assert sent.params["amount"] == "10000"
    assert sent.params["reverse_transfer"] == "true"
    (refund,) = refunds_of(payments, paid["invoice_id"])
    assert (refund["kind"], refund["amount"], refund["status"]) == ("cancellation", 10000, "succeeded")
    assert refund["requested_by"] == uuid.UUID(client)
    assert sent.idempotency_key == f"refund-{refund['id']}"
    assert invoice_of(payments, paid["invoice_id"])["status"] == "refunded"


def test_a_clients_late_cancellation_refunds_what_the_fee_does_not_keep(payments: Payments) -> None:
    set_policy(payments, 12, "0.3")
    client = payments.client(0)
    paid = payments.paid_booking(client)
    with payments.market.owner() as conn:  # the slot is ~2 days away: make the free window end earlier
        conn.execute("update public.bookings set free_cancellation_hours = 100 where id = %s", (paid["booking_id"],))
    payments.stripe.clear_requests()

    response = cancel(payments, paid["booking_id"], client)

    assert response.status == 200, response.body
    assert response.body["cancellation_fee"] == 3000
    (sent,) = payments.stripe.requests_for("POST", REFUNDS)
    assert sent.params["amount"] == "7000"
    (refund,) = refunds_of(payments, paid["invoice_id"])
    assert (refund["kind"], refund["amount"]) == ("cancellation", 7000)
    booking = payments.row("select status, cancellation_fee from public.bookings where id = %s", (paid["booking_id"],))
    assert (booking["status"], booking["cancellation_fee"]) == ("cancelled", 3000)
    invoice = invoice_of(payments, paid["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("partially_refunded", 7000)


def test_a_providers_cancellation_refunds_everything_even_late(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    with payments.market.owner() as conn:
        conn.execute("update public.bookings set free_cancellation_hours = 100 where id = %s", (paid["booking_id"],))
    payments.stripe.clear_requests()

    response = cancel(payments, paid["booking_id"], payments.market.provider_id)

    assert response.status == 200, response.body
    assert response.body["cancellation_fee"] == 0
    (sent,) = payments.stripe.requests_for("POST", REFUNDS)
    assert sent.params["amount"] == "10000"
    (refund,) = refunds_of(payments, paid["invoice_id"])
    assert (refund["kind"], refund["amount"]) == ("cancellation", 10000)
    assert refund["requested_by"] == uuid.UUID(payments.market.provider_id)
    assert invoice_of(payments, paid["invoice_id"])["status"] == "refunded"


def test_cancelling_someone_elses_booking_finds_nothing_and_refunds_nothing(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    payments.stripe.clear_requests()

    response = cancel(payments, paid["booking_id"], payments.client(1))

    assert response.status == 404
    assert payments.stripe.requests == []
    assert refunds_of(payments, paid["invoice_id"]) == []


# --- refunds the sweeper finishes ---------------------------------------------------------------


def test_stripe_down_during_submission_leaves_the_refund_queued_for_the_sweeper(
    payments: Payments, monkeypatch: pytest.MonkeyPatch
) -> None:
    paid = payments.paid_booking(payments.client(0))
    payments.stripe.clear_requests()
    payments.stripe.fail_next(503, method="POST", path=REFUNDS)

    response = refund_request(payments, paid["invoice_id"])

    assert response.status == 201, response.body
    assert response.body["submitted"][0]["outcome"] == "retry_later"
    (refund,) = refunds_of(payments, paid["invoice_id"])
    assert (refund["status"], refund["stripe_refund_id"], refund["attempts"]) == ("requested", None, 1)
    assert "unknown error" in refund["last_error"].lower()
    assert invoice_of(payments, paid["invoice_id"])["status"] == "paid"
    assert run_sweeper(payments, monkeypatch)["refunds"] == 0  # backing off
    with payments.market.owner() as conn:  # the back-off has passed
        conn.execute("update public.refunds set claimed_until = now() - interval '1 second'")

    summary = run_sweeper(payments, monkeypatch)

    assert summary["refunds"] == 1
    first, second = payments.stripe.requests_for("POST", REFUNDS)
    assert first.status == 503 and second.status == 200
    assert first.idempotency_key == second.idempotency_key == f"refund-{refund['id']}"
    assert first.params == second.params
    (refund,) = refunds_of(payments, paid["invoice_id"])
    assert refund["status"] == "succeeded"
    assert refund["stripe_refund_id"] == second.response["id"]
    assert invoice_of(payments, paid["invoice_id"])["status"] == "refunded"


def test_a_cancellation_made_straight_through_postgrest_is_refunded_by_the_sweeper(
    payments: Payments, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = payments.client(0)
    paid = payments.paid_booking(client)
    payments.stripe.clear_requests()

    with (
        payments.market.authenticator() as conn,
        as_request(conn, payments.market.claims[client]),
        conn.cursor(row_factory=dict_row) as cur,
    ):
        cancelled = cur.execute(
            "select * from public.transition_booking(booking_id => %s, to_status => 'cancelled')", (paid["booking_id"],)
        ).fetchone()

    assert cancelled is not None and cancelled["status"] == "cancelled"
    (queued,) = refunds_of(payments, paid["invoice_id"])
    assert (queued["status"], queued["kind"], queued["amount"]) == ("requested", "cancellation", 10000)
    assert payments.stripe.requests == []

    summary = run_sweeper(payments, monkeypatch)

    assert summary["refunds"] == 1
    (sent,) = payments.stripe.requests_for("POST", REFUNDS)
    assert sent.params["amount"] == "10000"
    assert sent.params["payment_intent"] == paid["payment_intent"]
    assert sent.idempotency_key == f"refund-{queued['id']}"
    (refund,) = refunds_of(payments, paid["invoice_id"])
    assert refund["status"] == "succeeded"
    assert invoice_of(payments, paid["invoice_id"])["status"] == "refunded"
    assert run_sweeper(payments, monkeypatch)["refunds"] == 0
    assert len(payments.stripe.requests_for("POST", REFUNDS)) == 1


def test_a_refund_whose_answer_was_lost_is_settled_by_its_webhook_and_never_sent_twice(
    payments: Payments, monkeypatch: pytest.MonkeyPatch
) -> None:
    paid = payments.paid_booking(payments.client(0))
    payments.stripe.fail_next(None, method="POST", path=REFUNDS, after=True)  # made at Stripe, answer lost

    response = refund_request(payments, paid["invoice_id"])

    assert response.status == 201, response.body
    assert response.body["submitted"][0]["outcome"] == "retry_later"
    assert len(payments.stripe.refunds) == 1
    (refund_created,) = payments.stripe.events_of_type("refund.created")
    delivered = payments.deliver(refund_created)
    assert delivered.body["outcome"] == "refund_succeeded"
    (refund,) = refunds_of(payments, paid["invoice_id"])
    assert (refund["kind"], refund["status"]) == ("admin", "succeeded")
    assert refund["stripe_refund_id"] == refund_created["data"]["object"]["id"]
    assert invoice_of(payments, paid["invoice_id"])["status"] == "refunded"
    with payments.market.owner() as conn:
        conn.execute("update public.refunds set claimed_until = now() - interval '1 second'")
    assert run_sweeper(payments, monkeypatch)["refunds"] == 0
    assert len(payments.stripe.requests_for("POST", REFUNDS)) == 1


def test_a_lost_answer_retried_by_the_sweeper_gets_the_same_refund_back(
    payments: Payments, monkeypatch: pytest.MonkeyPatch
) -> None:
    paid = payments.paid_booking(payments.client(0))
    payments.stripe.fail_next(None, method="POST", path=REFUNDS, after=True)
    refund_request(payments, paid["invoice_id"])
    with payments.market.owner() as conn:
        conn.execute("update public.refunds set claimed_until = now() - interval '1 second'")

    assert run_sweeper(payments, monkeypatch)["refunds"] == 1

    first, retried = payments.stripe.requests_for("POST", REFUNDS)
    assert retried.replayed and retried.idempotency_key == first.idempotency_key
    assert len(payments.stripe.refunds) == 1
    (refund,) = refunds_of(payments, paid["invoice_id"])
    assert refund["status"] == "succeeded"
    assert refund["stripe_refund_id"] == next(iter(payments.stripe.refunds))
    assert invoice_of(payments, paid["invoice_id"])["amount_refunded"] == 10000


def test_a_refund_stripe_refuses_fails_and_leaves_the_money_refundable(payments: Payments) -> None:
    paid = payments.paid_booking(payments.client(0))
    payments.deliver(payments.stripe.open_dispute(paid["payment_intent"]))  # Stripe refuses refunds of it

    response = refund_request(payments, paid["invoice_id"], 4000)

    assert response.status == 201, response.body
    assert response.body["submitted"][0]["outcome"] == "refund_failed"
    (refund,) = refunds_of(payments, paid["invoice_id"])
    assert refund["status"] == "failed"
    assert "charge_disputed" in refund["failure_reason"]
    invoice = invoice_of(payments, paid["invoice_id"])
    assert (invoice["status"], invoice["amount_refunded"]) == ("paid", 0)
    assert refund_request(payments, paid["invoice_id"], 10000).status == 201  # all of it is still refundable


def test_cancelling_an_unpaid_booking_voids_its_invoice_and_refunds_nothing(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)

    response = cancel(payments, booking["booking_id"], client)

    assert response.status == 200, response.body
    assert response.body["submitted"] == []
    assert invoice_of(payments, booking["invoice_id"])["status"] == "void"
    assert refunds_of(payments, booking["invoice_id"]) == []
    assert payments.stripe.requests == []
