"""The notification path end to end: a committed marketplace in a database of its own (real
Postgres, every migration), a real SMTP server (aiosmtpd, tests/support/smtp_sink.py), Twilio and
FCM faked at the HTTP boundary (real local HTTP servers speaking their APIs), and the dispatcher
with the channels built from settings by functions/notifications/senders.py, as the Lambda
builds them. The Postgres adapter is logged in as `authenticator` and calls the service
functions as service_role, as the Supabase client does with the service-role key."""

from __future__ import annotations

import importlib
import json
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, LiteralString

import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from devstack.postgres_adapter import PostgresDatabase
from functions.db.factory import get_database
from functions.notifications import dispatcher
from functions.notifications.channels import Channel
from functions.notifications.senders import Senders, build_senders, get_senders
from functions.settings import Settings, get_settings
from tests.support import logs
from tests.support.actors import as_request, claims_for, grant_role, sign_up
from tests.support.database import TestDatabase
from tests.support.fake_fcm import FakeFcm, device_token
from tests.support.fake_twilio import FakeTwilio
from tests.support.marketplace import Marketplace, create_marketplace, value
from tests.support.smtp_sink import SmtpSink

DISPATCH_SECRET = "notify-test-dispatch-secret-0123456789"
EMAIL_FROM = "Marketbase <no-reply@marketbase.test>"
MAIL_DOMAIN = "marketbase.test"


@dataclass
class Person:
    id: str
    email: str
    phone: str | None = None
    push_tokens: list[str] = field(default_factory=list)
    claims: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Notify:
    market: Marketplace
    database: PostgresDatabase
    settings: Settings
    senders: Senders
    sink: SmtpSink
    twilio: FakeTwilio
    fcm: FakeFcm

    # --- the database -------------------------------------------------------------------------

    def rows(self, query: LiteralString, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.market.owner() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(query, params).fetchall()

    def row(self, query: LiteralString, params: Sequence[Any] = ()) -> dict[str, Any]:
        rows = self.rows(query, params)
        assert len(rows) == 1, rows
        return rows[0]

    def execute(self, query: LiteralString, params: Sequence[Any] = ()) -> None:
        with self.market.owner() as conn:
            conn.execute(query, params)

    # --- people -------------------------------------------------------------------------------

    def person(
        self,
        name: str,
        *,
        phone: str | None = None,
        phone_verified: bool = True,
        push_tokens: int = 0,
        locale: str | None = None,
        channels: dict[str, Sequence[str]] | None = None,
    ) -> Person:
        """A user with an email address (auth.users), and on demand a phone, push tokens (as the
        app registers them), a locale and channel choices per category ({"bookings": ["sms"]}).
        The phone is typed into profile_details and, unless phone_verified=False, verified with
        Supabase Auth (auth.users.phone without its '+', phone_confirmed_at), where SMS go."""
        with self.market.owner() as conn:
            user_id = sign_up(conn, name)
            email = str(value(conn, "select email from auth.users where id = %s", (user_id,)))
            if phone or locale:
                conn.execute(
                    "insert into public.profile_details (user_id, phone, locale) values (%s, %s, coalesce(%s, 'en'))"
                    " on conflict (user_id) do update set phone = excluded.phone, locale = excluded.locale",
                    (user_id, phone, locale),
                )
            if phone and phone_verified:
                conn.execute(
                    "update auth.users set phone = ltrim(%s, '+'), phone_confirmed_at = now() where id = %s",
                    (phone, user_id),
                )
            for category, wanted in (channels or {}).items():
                for channel in wanted:
                    conn.execute(
                        "insert into public.notification_preferences (user_id, category, channel, enabled)"
                        " values (%s, %s, %s, true)",
                        (user_id, category, channel),
                    )
            claims = claims_for(conn, user_id)
        tokens = [device_token() for _ in range(push_tokens)]
        with self.market.authenticator() as conn:
            for token in tokens:
                with as_request(conn, claims):
                    conn.execute("select public.register_push_token(%s, 'android')", (token,))
        return Person(user_id, email, phone, tokens, claims)

    def admin(self) -> str:
        with self.market.owner() as conn:
            user_id = sign_up(conn, "admin")
            grant_role(conn, user_id, "admin")
        return user_id

    # --- bookings, as the apps make them ---------------------------------------------------------

    def book(self, client: Person, slot: int = 0) -> str:
        """create_booking as the client through PostgREST: a held booking; its id."""
        with self.market.authenticator() as conn, as_request(conn, client.claims):
            result = value(
                conn,
                "select public.create_booking(items => %s, starts_at => %s)",
                (Jsonb([{"offering_id": self.market.offering_id}]), self.market.slot(slot)),
            )
        return str(result["booking_id"])

    def transition(self, booking_id: str, status: str, as_admin: str) -> None:
        """transition_booking as an admin through PostgREST."""
        with self.market.owner() as conn:
            claims = claims_for(conn, as_admin)
        with self.market.authenticator() as conn, as_request(conn, claims):
            conn.execute("select public.transition_booking(%s, %s)", (booking_id, status))

    # --- events and dispatch ------------------------------------------------------------------

    def enqueue(
        self,
        event_type: str,
        recipients: Sequence[str],
        data: dict[str, Any],
        *,
        dedup_key: str | None = None,
        deliver_after: datetime | None = None,
        topic: str | None = None,
    ) -> int:
        """An event in the outbox, as a domain trigger writes it (private.enqueue_notification)."""
        with self.market.owner() as conn:
            outbox_id = value(
                conn,
                "select private.enqueue_notification(%s, %s, %s::uuid[], %s, coalesce(%s, now()), null, %s)",
                (
                    event_type,
                    dedup_key or f"{event_type}:{uuid.uuid4()}",
                    list(recipients),
                    Jsonb(data),
                    deliver_after,
                    topic,
                ),
            )
        assert outbox_id is not None
        return int(outbox_id)

    def expand(self) -> int:
        """Expand due outbox events into deliveries now (before a dispatch), to adjust them."""
        return int(self.database.rpc("expand_notifications", {"max_rows": 100}, schema="service"))

    def dispatch(
        self, worker: str = "worker-a", senders: Senders | Mapping[str, Channel] | None = None, **options: Any
    ) -> dict[str, Any]:
        """One dispatch run, as the schedule runs it."""
        options.setdefault("budget_seconds", 30)
        options.setdefault("site_url", "https://market.example")
        return dispatcher.dispatch(self.database, senders or self.senders, worker, **options)

    def deliveries(self, outbox_id: int | None = None) -> list[dict[str, Any]]:
        return self.rows(
            "select * from public.notification_deliveries where %s::bigint is null or outbox_id = %s"
            " order by channel, destination",
            (outbox_id, outbox_id),
        )

    def delivery(self, outbox_id: int, channel: str, user_id: str | None = None) -> dict[str, Any]:
        found = [
            d
            for d in self.deliveries(outbox_id)
            if d["channel"] == channel and (user_id is None or str(d["user_id"]) == user_id)
        ]
        assert len(found) == 1, found
        return found[0]

    def make_due(self) -> int:
        """Deliveries waiting for their backoff become due now (the test does not wait minutes)."""
        with self.market.owner() as conn:
            cur = conn.execute(
                "update public.notification_deliveries set next_attempt_at = now() where status = 'failed'"
            )
            return cur.rowcount

    def inbox(self, user_id: str) -> list[dict[str, Any]]:
        return self.rows("select * from public.notifications where user_id = %s order by created_at", (user_id,))


def notify_settings(sink: SmtpSink, twilio: FakeTwilio, fcm: FakeFcm, **overrides: Any) -> Settings:
    """Settings as the Lambda reads them from its environment, pointed at the sink and the fakes."""
    values: dict[str, Any] = {
        "notify_email_provider": "smtp",
        "email_from": EMAIL_FROM,
        "smtp_host": sink.host,
        "smtp_port": sink.port,
        "smtp_starttls": False,
        "twilio_account_sid": twilio.account_sid,
        "twilio_auth_token": twilio.auth_token,
        "twilio_from_number": twilio.from_number,
        "twilio_api_base": twilio.url,
        "fcm_service_account_json": json.dumps(fcm.service_account()),
        "fcm_api_base": fcm.url,
        "notify_dispatch_secret": DISPATCH_SECRET,
        "site_url": "https://market.example",
    }
    values.update(overrides)
    return Settings(**values)


def wait_until(condition: Callable[[], bool], timeout: float = 20.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(interval)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink(dedupe=False) as sink:
        yield sink


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def fake_fcm() -> Iterator[FakeFcm]:
    with FakeFcm() as fake:
        yield fake


@pytest.fixture
def notify(
    test_database: TestDatabase, fresh_db: str, smtp_sink: SmtpSink, fake_twilio: FakeTwilio, fake_fcm: FakeFcm
) -> Iterator[Notify]:
    market = create_marketplace(test_database, fresh_db)
    settings = notify_settings(smtp_sink, fake_twilio, fake_fcm)
    database = PostgresDatabase(test_database.url(fresh_db, user="authenticator"), pool_size=4)
    senders = build_senders(settings)
    assert sorted(senders.channels) == ["email", "push", "sms"], senders.missing
    app = importlib.import_module("functions.notifications.app").app
    app.dependency_overrides[get_settings] = lambda: settings
    app.dependency_overrides[get_database] = lambda: database
    app.dependency_overrides[get_senders] = lambda: senders
    yield Notify(market, database, settings, senders, smtp_sink, fake_twilio, fake_fcm)
    app.dependency_overrides.clear()
    database.close()


@pytest.fixture(autouse=True)
def clean_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every line a dispatch test logs is JSON with a correlation id and holds no personal data
    or secret (tests/support/logs.py)."""
    if not request.node.module.__name__.rsplit(".", 1)[-1].startswith(("test_dispatcher", "test_handler", "test_app")):
        yield
        return
    with logs.captured() as lines:
        yield
    assert logs.problems(lines.lines) == []
