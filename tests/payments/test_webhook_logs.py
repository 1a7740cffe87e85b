"""The log lines of one Stripe webhook through its Lambda handler: JSON at INFO, every line with
the API Gateway request id as correlation id and the Stripe event id (tests/support/logs.py
checks every webhook test's lines for personal data and secrets)."""

from __future__ import annotations

import importlib

from tests.payments.conftest import Payments, opened
from tests.support import logs
from tests.support.apigw import http_api_event, lambda_context


def test_every_line_of_a_webhook_carries_its_request_id_and_event_id(payments: Payments) -> None:
    booking = opened(payments, payments.client(0))
    event = payments.stripe.complete_checkout(booking["session_id"])
    body, headers = payments.stripe.delivery(event)
    request = http_api_event("POST", "/stripe/webhook", body=body, headers=headers)
    handler = importlib.import_module("handlers.stripe_webhook").handler

    with logs.captured() as lines:
        result = handler(request, lambda_context("marketbase-test-stripe"))

    assert result["statusCode"] == 200
    ours = [record for record in lines.records() if record["logger"].startswith("marketbase.")]
    assert [record["message"] for record in ours if record["logger"] == "marketbase.webhooks"] == ["webhook applied"]
    for record in ours:
        assert record["level"] in ("INFO", "WARNING", "ERROR")
        assert record["correlation_id"] == request["requestContext"]["requestId"]
        assert record["stripe_event_id"] == event["id"]
    applied = next(record for record in ours if record["message"] == "webhook applied")
    assert (applied["event_type"], applied["outcome"]) == ("checkout.session.completed", "paid")
    assert logs.problems(lines.lines) == []
