"""The Stripe event record (issue 21, item 6): a delivery the database refuses is kept for
admins to debug (error, attempts, the payload without personal or card data) until a later
delivery applies it; admins read it through the API, nobody else does."""

from __future__ import annotations

import copy
from typing import Any

import psycopg
import pytest

from tests.payments.conftest import Payments, opened, payment_of
from tests.support.actors import as_request, claims_for
from tests.support.marketplace import Marketplace


def read_as(market: Marketplace, user_id: str, query: Any) -> list[tuple[Any, ...]]:
    """A GET as PostgREST runs it for the user (their token's role: admins run as marketbase_admin)."""
    with market.owner() as owner:
        claims = claims_for(owner, user_id)
    with market.authenticator() as conn, as_request(conn, claims, method="GET") as request:
        return request.execute(query).fetchall()


def test_a_refused_delivery_is_recorded_for_admins_until_a_retry_applies_it(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    event = payments.stripe.complete_checkout(booking["session_id"])
    broken = copy.deepcopy(event)
    broken["data"]["object"]["amount_total"] = 10**20  # beyond any amount the database takes

    first = payments.deliver(broken)
    second = payments.deliver(broken)

    assert (first.status, second.status) == (422, 422), (first.body, second.body)
    rows = read_as(
        payments.market,
        payments.admin_id,
        "select id, processed, attempts, last_error_code, last_error, payload from public.stripe_webhook_events",
    )
    assert len(rows) == 1
    event_id, processed, attempts, code, error, payload = rows[0]
    assert (event_id, processed, attempts, code) == (event["id"], False, 2, "22003")
    assert "out of range" in error
    session = payload["data"]["object"]
    assert session["id"] == booking["session_id"] and session["metadata"]["payment_id"] == booking["payment_id"]
    assert "customer_details" in event["data"]["object"], "Stripe sent the customer's details"
    assert "customer_details" not in session and "@" not in str(payload), "the record keeps no e-mail or name"

    # Stripe's next delivery is the event as it was: it is applied, and the record says so.
    applied = payments.deliver(event)
    assert applied.status == 200 and applied.body["outcome"] == "paid", applied.body
    assert payment_of(payments, booking["invoice_id"])["status"] == "succeeded"
    (row,) = read_as(
        payments.market, payments.admin_id, "select processed, attempts, outcome from public.stripe_webhook_events"
    )
    assert row == (True, 3, "paid")
    replay = payments.deliver(event)
    assert replay.body["outcome"] == "duplicate"


def test_only_admins_read_the_record(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    assert payments.deliver(payments.stripe.complete_checkout(booking["session_id"])).status == 200

    assert len(read_as(payments.market, payments.admin_id, "select id from public.stripe_webhook_events")) == 1
    client = payments.client(0)
    with payments.market.owner() as owner:
        claims = claims_for(owner, client)
    with (
        payments.market.authenticator() as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
        as_request(conn, claims, method="GET") as request,
    ):
        request.execute("select id from public.stripe_webhook_events")
