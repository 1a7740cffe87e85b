"""The payments Lambdas end to end: a committed marketplace in its own database, the fake
Stripe (a real HTTP server speaking Stripe's API), and the handlers invoked as AWS does,
through Mangum with API Gateway v2 events, with the Postgres adapter logged in as
`authenticator` in place of the Supabase API."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from psycopg.types.json import Jsonb

from devstack.claims import sign
from devstack.postgres_adapter import PostgresDatabase
from functions.db.factory import get_database
from functions.payments.paypal_gateway import get_paypal, get_paypal_if_configured
from functions.payments.stripe_gateway import get_stripe
from functions.settings import Settings, get_settings
from tests.support import logs
from tests.support.actors import as_request, claims_for, grant_role, sign_up
from tests.support.apigw import http_api_event, lambda_context, response_json
from tests.support.database import TestDatabase
from tests.support.fake_paypal import FakePayPal
from tests.support.fake_stripe import FakeStripe
from tests.support.marketplace import Marketplace, create_marketplace, value

JWT_SECRET = "payments-test-jwt-secret-at-least-32-characters"
HANDLERS = {
    "checkout": "handlers.checkout",
    "stripe": "handlers.stripe_webhook",
    "connect": "handlers.connect",
    "refunds": "handlers.refunds",
    "paypal": "handlers.paypal",
}
APPS = (
    "functions.payments.checkout",
    "functions.payments.stripe_webhook",
    "functions.payments.connect",
    "functions.payments.refunds",
    "functions.payments.paypal",
)


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Payments:
    market: Marketplace
    stripe: FakeStripe
    settings: Settings
    database: PostgresDatabase
    paypal: FakePayPal | None = None
    admin_id: str = ""
    account_id: str = ""
    tokens: dict[str, str] = field(default_factory=dict)

    # --- people -------------------------------------------------------------------------------

    def token(self, user_id: str) -> str:
        if user_id not in self.tokens:
            with self.market.owner() as conn:
                self.tokens[user_id] = sign(claims_for(conn, user_id), JWT_SECRET)
        return self.tokens[user_id]

    def client(self, index: int = 0) -> str:
        while len(self.market.clients) <= index:
            self.market.add_clients(1)
        return self.market.clients[index]

    # --- calling the Lambdas ------------------------------------------------------------------

    def invoke(
        self,
        function: str,
        method: str,
        path: str,
        *,
        body: bytes | Mapping[str, Any] | None = None,
        as_user: str | None = None,
        headers: Mapping[str, str] | None = None,
        base64_encoded: bool = False,
    ) -> Response:
        """One request through the function's Lambda handler, as API Gateway delivers it."""
        all_headers = dict(headers or {})
        if as_user is not None:
            all_headers["authorization"] = f"Bearer {self.token(as_user)}"
        event = http_api_event(method, path, body=body, headers=all_headers, base64_encoded=base64_encoded)
        handler = importlib.import_module(HANDLERS[function]).handler
        result = handler(event, lambda_context(f"marketbase-test-{function}"))
        return Response(result["statusCode"], response_json(result), result.get("headers") or {})

    def deliver(self, event: Mapping[str, Any], *, base64_encoded: bool = False, **signing: Any) -> Response:
        """Stripe's POST of an event to its endpoint (Connect events to the Connect one)."""
        body, headers = self.stripe.delivery(event, **signing)
        path = "/connect/webhook" if event.get("account") else "/stripe/webhook"
        return self.invoke(
            "connect" if event.get("account") else "stripe",
            "POST",
            path,
            body=body,
            headers=headers,
            base64_encoded=base64_encoded,
        )

    def deliver_paypal(self, event: Mapping[str, Any], **delivery: Any) -> Response:
        """PayPal's POST of a webhook event to the PayPal Lambda, signed as PayPal sends it."""
        assert self.paypal is not None, "this test has no fake PayPal"
        body, headers = self.paypal.delivery(event, **delivery)
        return self.invoke("paypal", "POST", "/paypal/webhook", body=body, headers=headers)

    # --- the marketplace ----------------------------------------------------------------------

    def book(self, client_id: str, slot: int = 0) -> dict[str, Any]:
        """create_booking as the client through PostgREST: a held booking and its open invoice."""
        with self.market.authenticator() as conn, as_request(conn, self.market.claims[client_id]):
            result: dict[str, Any] = value(
                conn,
                "select public.create_booking(items => %s, starts_at => %s)",
                (Jsonb([{"offering_id": self.market.offering_id}]), self.market.slot(slot)),
            )
        return result

    def checkout(self, client_id: str, invoice_id: str) -> Response:
        return self.invoke("checkout", "POST", "/checkout/sessions", body={"invoice_id": invoice_id}, as_user=client_id)

    def paid_booking(self, client_id: str, slot: int = 0) -> dict[str, Any]:
        """A booking paid by card through Checkout and the webhook; its ids and Stripe's."""
        booking = self.book(client_id, slot)
        session = self.checkout(client_id, booking["invoice_id"])
        assert session.status == 201, session.body
        delivered = self.deliver(self.stripe.complete_checkout(session.body["session_id"]))
        assert delivered.body["outcome"] == "paid", delivered.body
        intent = self.stripe.sessions[session.body["session_id"]]["payment_intent"]
        return {**booking, **session.body, "payment_intent": intent}

    def row(self, query: Any, params: Any = ()) -> dict[str, Any]:
        rows = self.rows(query, params)
        assert len(rows) == 1, rows
        return rows[0]

    def rows(self, query: Any, params: Any = ()) -> list[dict[str, Any]]:
        from psycopg.rows import dict_row

        with self.market.owner() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(query, params).fetchall()


def opened(payments: Payments, client: str, slot: int = 0) -> dict[str, Any]:
    """A held booking with an open Checkout Session: its ids and the session's."""
    booking = payments.book(client, slot)
    session = payments.checkout(client, booking["invoice_id"])
    assert session.status == 201, session.body
    return {**booking, **session.body}


def payment_of(payments: Payments, invoice_id: str) -> dict[str, Any]:
    return payments.row("select * from public.payments where invoice_id = %s", (invoice_id,))


def invoice_of(payments: Payments, invoice_id: str) -> dict[str, Any]:
    return payments.row("select * from public.invoices where id = %s", (invoice_id,))


def booking_of(payments: Payments, booking_id: str) -> dict[str, Any]:
    return payments.row("select * from public.bookings where id = %s", (booking_id,))


@pytest.fixture
def stripe_fake() -> Iterator[FakeStripe]:
    with FakeStripe(seed=4) as fake:
        yield fake


@pytest.fixture
def paypal_fake() -> Iterator[FakePayPal]:
    with FakePayPal() as fake:
        yield fake


@contextmanager
def wired(market: Marketplace, stripe_fake: FakeStripe, paypal_fake: FakePayPal | None = None) -> Iterator[Payments]:
    """The payments Lambdas wired to `market`'s database (as authenticator, like the Supabase
    API), to the fake Stripe and (when given) the fake PayPal, for as long as the block runs."""
    settings = Settings(
        supabase_jwt_secret=JWT_SECRET,
        stripe_secret_key=stripe_fake.api_key,
        stripe_api_base=stripe_fake.url,
        stripe_webhook_secret=stripe_fake.webhook_secret,
        stripe_connect_webhook_secret=stripe_fake.connect_webhook_secret,
        site_url="https://market.example",
        paypal_client_id=paypal_fake.client_id if paypal_fake else None,
        paypal_client_secret=paypal_fake.client_secret if paypal_fake else None,
        paypal_webhook_id=paypal_fake.webhook_id if paypal_fake else None,
        paypal_base_url=paypal_fake.url if paypal_fake else "https://api-m.sandbox.paypal.com",
    )
    database = PostgresDatabase(market.test_database.url(market.name, user="authenticator"), pool_size=8)
    gateway = stripe_fake.gateway()
    paypal = paypal_fake.gateway() if paypal_fake else None
    apps: list[FastAPI] = [importlib.import_module(name).app for name in APPS]
    for app in apps:
        app.dependency_overrides[get_settings] = lambda: settings
        app.dependency_overrides[get_database] = lambda: database
        app.dependency_overrides[get_stripe] = lambda: gateway
        app.dependency_overrides[get_paypal] = lambda: paypal
        app.dependency_overrides[get_paypal_if_configured] = lambda: paypal
    try:
        yield Payments(market, stripe_fake, settings, database, paypal_fake)
    finally:
        for app in apps:
            app.dependency_overrides.clear()
        database.close()


@pytest.fixture
def payments(
    test_database: TestDatabase, fresh_db: str, stripe_fake: FakeStripe, paypal_fake: FakePayPal
) -> Iterator[Payments]:
    market = create_marketplace(test_database, fresh_db)
    market.add_clients(3)
    with wired(market, stripe_fake, paypal_fake) as p:
        with market.owner() as conn:
            p.admin_id = sign_up(conn, "admin")
            grant_role(conn, p.admin_id, "admin")
            p.account_id = stripe_fake.add_account(email="provider@example.com", provider_id=market.provider_id)
            conn.execute(
                "insert into public.provider_payout_accounts (provider_id, stripe_account_id, charges_enabled,"
                " payouts_enabled, details_submitted) values (%s, %s, true, true, true)",
                (market.provider_id, p.account_id),
            )
        yield p


@pytest.fixture(autouse=True)
def clean_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every line a webhook test logs is JSON with a correlation id and holds no personal data
    or secret (tests/support/logs.py)."""
    if not request.node.module.__name__.rsplit(".", 1)[-1].startswith(("test_webhook",)):
        yield
        return
    with logs.captured() as lines:
        yield
    assert logs.problems(lines.lines) == []
