"""The checkout Lambda through Mangum: what it sends Stripe, and what it refuses."""

from __future__ import annotations

import time
import uuid

from psycopg.types.json import Jsonb

from tests.payments.conftest import Payments
from tests.support.actors import as_request, grant_role, sign_up
from tests.support.marketplace import add_schedule, value

SESSIONS = "/v1/checkout/sessions"


def test_checkout_opens_a_destination_charge_for_what_the_database_says_is_owed(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)

    response = payments.checkout(client, booking["invoice_id"])

    assert response.status == 201, response.body
    payment = payments.row("select * from public.payments where invoice_id = %s", (booking["invoice_id"],))
    invoice = payments.row("select * from public.invoices where id = %s", (booking["invoice_id"],))
    sent = payments.stripe.last_request("POST", SESSIONS)
    item = sent.params["line_items"][0]
    assert item["price_data"]["unit_amount"] == str(invoice["total"]) == "10000"
    assert item["price_data"]["currency"] == "usd"
    assert sent.params["mode"] == "payment"
    assert sent.params["payment_intent_data"]["application_fee_amount"] == str(invoice["commission"]) == "1000"
    assert sent.params["payment_intent_data"]["transfer_data"]["destination"] == payments.account_id
    metadata = {
        "invoice_id": booking["invoice_id"],
        "payment_id": str(payment["id"]),
        "booking_id": booking["booking_id"],
    }
    assert sent.params["metadata"] == metadata
    assert sent.params["payment_intent_data"]["metadata"] == metadata
    assert sent.idempotency_key == f"checkout-{payment['id']}"
    assert sent.params["success_url"].startswith("https://market.example/checkout/success")
    # The hold is 15 minutes; Stripe's shortest session is 30: the sweeper ends it earlier.
    assert 30 * 60 < int(sent.params["expires_at"]) - time.time() < 32 * 60
    assert response.body["session_id"] == payment["stripe_checkout_session_id"]
    assert response.body["url"] == payment["checkout_url"]
    assert (response.body["amount"], response.body["currency"]) == (10000, "usd")


def test_checkout_asked_twice_reuses_the_open_session(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)

    first = payments.checkout(client, booking["invoice_id"])
    second = payments.checkout(client, booking["invoice_id"])

    assert (first.status, second.status) == (201, 200)
    assert second.body["session_id"] == first.body["session_id"]
    assert len(payments.stripe.requests_for("POST", SESSIONS)) == 1
    assert len(payments.rows("select id from public.payments")) == 1


def test_checkout_retried_after_stripe_lost_its_answer_gets_the_same_session(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)
    payments.stripe.fail_next(None, method="POST", path=SESSIONS, after=True)  # created, answer lost

    lost = payments.checkout(client, booking["invoice_id"])
    time.sleep(1.05 - time.time() % 1)  # a retry in another second asks for the same expiry
    retried = payments.checkout(client, booking["invoice_id"])

    assert lost.status == 503, lost.body
    assert retried.status == 201, retried.body
    assert len(payments.stripe.sessions) == 1
    keys = {r.idempotency_key for r in payments.stripe.requests_for("POST", SESSIONS)}
    assert len(keys) == 1


def test_checkout_retried_long_after_a_try_that_never_reached_stripe_asks_for_a_fresh_expiry(
    payments: Payments,
) -> None:
    client = payments.client(0)
    booking = payments.book(client)
    payments.stripe.fail_next(None, method="POST", path=SESSIONS)  # dropped: Stripe did nothing
    lost = payments.checkout(client, booking["invoice_id"])
    # Ten minutes later the payment's own expiry is 21 minutes away, too close for Stripe.
    payments.row(
        "update public.payments set created_at = created_at - interval '10 minutes' where invoice_id = %s returning id",
        (booking["invoice_id"],),
    )

    retried = payments.checkout(client, booking["invoice_id"])

    assert lost.status == 503, lost.body
    assert retried.status == 201, retried.body
    tries = payments.stripe.requests_for("POST", SESSIONS)
    assert [t.idempotency_key for t in tries] == [tries[0].idempotency_key] * 3
    assert int(tries[1].params["expires_at"]) == int(tries[0].params["expires_at"]) - 600  # the payment's own
    assert 30 * 60 < int(tries[2].params["expires_at"]) - time.time() < 32 * 60
    assert len(payments.stripe.sessions) == 1
    payment = payments.row("select * from public.payments where invoice_id = %s", (booking["invoice_id"],))
    assert payment["stripe_checkout_session_id"] == retried.body["session_id"]


def test_checkout_without_a_token_is_refused_and_nothing_is_sent(payments: Payments) -> None:
    booking = payments.book(payments.client(0))

    response = payments.invoke("checkout", "POST", "/checkout/sessions", body={"invoice_id": booking["invoice_id"]})

    assert response.status == 401
    assert response.headers.get("www-authenticate", "").startswith("Bearer")
    assert payments.stripe.requests == []


def test_checkout_with_a_forged_token_is_refused(payments: Payments) -> None:
    booking = payments.book(payments.client(0))
    forged = payments.token(payments.client(0))[:-4] + "AAAA"

    response = payments.invoke(
        "checkout",
        "POST",
        "/checkout/sessions",
        body={"invoice_id": booking["invoice_id"]},
        headers={"authorization": f"Bearer {forged}"},
    )

    assert response.status == 401
    assert payments.stripe.requests == []


def test_checkout_of_someone_elses_invoice_finds_nothing(payments: Payments) -> None:
    booking = payments.book(payments.client(0))

    response = payments.checkout(payments.client(1), booking["invoice_id"])

    assert response.status == 404
    assert response.body["code"] == "PT404"  # PostgREST answers it 404 too
    assert payments.stripe.requests == []
    assert payments.rows("select id from public.payments") == []


def test_checkout_by_the_provider_of_the_invoice_is_forbidden(payments: Payments) -> None:
    booking = payments.book(payments.client(0))

    response = payments.checkout(payments.market.provider_id, booking["invoice_id"])

    assert response.status == 403
    assert "only the client" in response.body["message"]
    assert payments.stripe.requests == []


def test_checkout_of_an_unknown_invoice_finds_nothing(payments: Payments) -> None:
    response = payments.checkout(payments.client(0), str(uuid.uuid4()))

    assert response.status == 404
    assert payments.stripe.requests == []


def test_checkout_with_a_malformed_body_is_refused(payments: Payments) -> None:
    client = payments.client(0)
    for body in ({"invoice_id": "not-a-uuid"}, {}, {"invoice_id": str(uuid.uuid4()), "amount": 1}):
        response = payments.invoke("checkout", "POST", "/checkout/sessions", body=body, as_user=client)
        assert response.status == 422, body
    response = payments.invoke(
        "checkout",
        "POST",
        "/checkout/sessions",
        body=b"{not json",
        as_user=client,
        headers={"content-type": "application/json"},
    )
    assert response.status == 422
    assert payments.stripe.requests == []


def test_checkout_of_a_paid_invoice_is_a_conflict(payments: Payments) -> None:
    client = payments.client(0)
    paid = payments.paid_booking(client)
    payments.stripe.clear_requests()

    response = payments.checkout(client, paid["invoice_id"])

    assert response.status == 409
    assert "is paid" in response.body["message"]
    assert payments.stripe.requests == []


def test_checkout_of_a_void_invoice_is_a_conflict(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)
    cancelled = payments.invoke(
        "refunds", "POST", "/refunds/cancellations", body={"booking_id": booking["booking_id"]}, as_user=client
    )
    assert cancelled.status == 200, cancelled.body

    response = payments.checkout(client, booking["invoice_id"])

    assert response.status == 409
    assert "is void" in response.body["message"]
    assert payments.stripe.requests_for("POST", SESSIONS) == []


def test_checkout_for_a_provider_who_cannot_take_payments_is_a_conflict(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)
    with payments.market.owner() as conn:
        conn.execute("update public.provider_payout_accounts set charges_enabled = false")

    response = payments.checkout(client, booking["invoice_id"])

    assert response.status == 409
    assert "cannot take payments" in response.body["message"]
    assert payments.stripe.requests == []


def test_stripe_refusing_the_session_is_a_bad_gateway_and_leaves_the_payment_to_retry(payments: Payments) -> None:
    client = payments.client(0)
    booking = payments.book(client)
    payments.stripe.fail_next(
        400,
        method="POST",
        path=SESSIONS,
        body={"error": {"type": "invalid_request_error", "message": "Invalid currency: xyz", "param": "currency"}},
    )

    refused = payments.checkout(client, booking["invoice_id"])
    retried = payments.checkout(client, booking["invoice_id"])

    assert refused.status == 502
    assert "Invalid currency" in refused.body["message"]
    assert retried.status == 201
    assert len(payments.rows("select id from public.payments")) == 1


def test_a_platform_lab_test_is_charged_to_the_platform_without_destination_or_fee(payments: Payments) -> None:
    market = payments.market
    [client] = market.add_clients(1, with_address=True)
    with market.owner() as conn:
        collector = sign_up(conn, "collector")
        grant_role(conn, collector, "staff", "collector")
        add_schedule(conn, collector)
        offering_id = str(
            value(
                conn,
                "insert into public.offerings (provider_id, category_id, kind, title, price, currency,"
                " duration_minutes, status, location, scheduled_on) values (null, %s, 'lab_test', 'Blood panel',"
                " 5000, 'USD', 30, 'active', 'client_site', 'collector') returning id",
                (market.category_id,),
            )
        )
        conn.execute(
            "insert into public.service_areas (provider_id, name, country_code, postal_codes)"
            " values (null, 'Testville', 'GB', array['AB1 2CD'])"
        )
    with market.authenticator() as conn, as_request(conn, market.claims[client]):
        booking = value(
            conn,
            "select public.create_booking(items => %s, starts_at => %s, address_id => %s)",
            (Jsonb([{"offering_id": offering_id}]), market.slot(0), market.addresses[client]),
        )

    response = payments.checkout(client, booking["invoice_id"])

    assert response.status == 201, response.body
    sent = payments.stripe.last_request("POST", SESSIONS)
    assert sent.params["line_items"][0]["price_data"]["unit_amount"] == "5000"
    assert "transfer_data" not in sent.params["payment_intent_data"]
    assert "application_fee_amount" not in sent.params["payment_intent_data"]
    payment = payments.row("select * from public.payments where invoice_id = %s", (booking["invoice_id"],))
    assert (payment["destination_account"], payment["application_fee"], payment["provider_id"]) == (None, 0, None)
