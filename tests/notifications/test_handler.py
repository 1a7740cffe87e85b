"""The notify-dispatch Lambda entry point (handlers/notify_dispatch.py), invoked as AWS invokes it:
an EventBridge scheduled event (stored as JSON) runs the dispatcher directly, with the
invocation's remaining time as its budget; API Gateway HTTP API (v2.0) events, such as the
database's pg_net nudge (stored as JSON), go through Mangum to the app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from functions.notifications import dispatcher
from handlers.notify_dispatch import handler, is_scheduled
from tests.notifications.conftest import Notify
from tests.support.apigw import http_api_event, lambda_context, response_json

EVENTS = Path(__file__).parent / "events"


def stored(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


@pytest.fixture
def scheduled(notify: Notify, monkeypatch: pytest.MonkeyPatch) -> Notify:
    """The scheduled path's collaborators: the test's database, channels and settings."""
    monkeypatch.setattr(dispatcher, "get_database", lambda: notify.database)
    monkeypatch.setattr(dispatcher, "get_senders", lambda: notify.senders)
    monkeypatch.setattr(dispatcher, "get_settings", lambda: notify.settings)
    return notify


def payment_failed() -> dict[str, Any]:
    return {
        "booking_id": "b0b0b0b0-0000-0000-0000-000000000001",
        "invoice_number": "INV-0001",
        "offering_title": "Strategy call",
        "amount": "100.00",
        "currency": "USD",
        "reason": "card declined",
        "action_url": "https://market.example/invoices/1",
    }


def test_the_schedule_runs_the_dispatcher_as_its_own_worker(scheduled: Notify) -> None:
    user = scheduled.person("scheduled", push_tokens=1)
    outbox = scheduled.enqueue("payment.failed", [user.id], payment_failed())
    context = lambda_context("marketbase-dev-notify-dispatch", timeout_seconds=50)

    summary = handler(stored("scheduled_event.json"), context)

    assert summary["worker"] == f"lambda:{context.aws_request_id}"
    assert summary["expanded"] == 1 and summary["sent"] == 2
    assert {d["claimed_by"] for d in scheduled.deliveries(outbox)} == {summary["worker"]}
    (mail,) = scheduled.sink.messages_to(user.email)
    assert "INV-0001" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_scheduled_run_without_time_for_one_send_claims_nothing(scheduled: Notify) -> None:
    user = scheduled.person("late")
    outbox = scheduled.enqueue("payment.failed", [user.id], payment_failed())
    context = lambda_context("marketbase-dev-notify-dispatch", timeout_seconds=dispatcher.SEND_MARGIN_SECONDS - 1)

    summary = handler(stored("scheduled_event.json"), context)

    assert summary["expanded"] == 1 and summary["claimed"] == 0
    assert {d["status"] for d in scheduled.deliveries(outbox)} == {"queued"}, "left for the next run, not leased"


def test_the_pg_net_nudge_goes_through_mangum_to_the_app(notify: Notify) -> None:
    user = notify.person("nudged")
    outbox = notify.enqueue("payment.failed", [user.id], payment_failed())
    context = lambda_context("marketbase-dev-notify-dispatch", timeout_seconds=50)

    response = handler(stored("pg_net_nudge.json"), context)

    assert response["statusCode"] == 200
    summary = response_json(response)
    assert summary["sent"] == 1 and summary["worker"] == f"lambda:{context.aws_request_id}"
    assert notify.delivery(outbox, "email")["status"] == "sent"


def test_a_nudge_with_a_wrong_secret_is_401(notify: Notify) -> None:
    event = stored("pg_net_nudge.json")
    event["headers"]["x-marketbase-dispatch-secret"] = "guessed"
    user = notify.person("not-nudged")
    notify.enqueue("payment.failed", [user.id], payment_failed())

    response = handler(event, lambda_context("marketbase-dev-notify-dispatch"))

    assert response["statusCode"] == 401
    assert notify.deliveries() == [], "nothing was expanded"


def test_health_over_api_gateway(notify: Notify) -> None:
    response = handler(http_api_event("GET", "/notify/health"), lambda_context("marketbase-dev-notify-dispatch"))
    assert response["statusCode"] == 200
    assert response_json(response)["channels"] == ["email", "push", "sms"]


def test_only_eventbridge_events_are_taken_for_the_schedule() -> None:
    assert is_scheduled(stored("scheduled_event.json"))
    assert not is_scheduled(stored("pg_net_nudge.json"))
    # A request that claims to come from EventBridge in its body is still an HTTP request.
    assert not is_scheduled(http_api_event("POST", "/notify/dispatch", body={"source": "aws.events"}))
