"""Email over Resend's API against a fake at the HTTP boundary (tests/support/fake_resend.py):
the exact request, idempotency keys that make a retry after a lost answer send nothing twice, and
the classification of Resend's errors (stored as documented under payloads/resend/)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from functions.notifications.channels import Message
from functions.notifications.channels.resend_email import ResendEmail
from tests.support.fake_resend import FakeResend

PAYLOADS = Path(__file__).parent / "payloads" / "resend"
KEY = "3f1c2b7e-8a4d-4c4e-9b1a-6d2f0e9c8b7a"


def message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "delivery_id": KEY,
        "idempotency_key": KEY,
        "channel": "email",
        "destination": "ana@example.com",
        "subject": "Booking confirmed: Deep tissue massage",
        "title": "Your booking is confirmed",
        "body": "Hi Ana,\nyour massage starts Tue 3 Mar, 10:00.",
        "html": "<p>Hi Ana,<br>\nyour massage starts Tue 3 Mar, 10:00.</p>",
        "action_url": None,
        "data": {},
        "priority": 6,
        "severity": "success",
    }
    fields.update(overrides)
    return Message(**fields)


def payload(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return document


@pytest.fixture
def fake() -> Iterator[FakeResend]:
    with FakeResend() as server:
        yield server


@pytest.fixture
def resend(fake: FakeResend) -> ResendEmail:
    adapter: ResendEmail = fake.adapter(timeout=2)
    return adapter


def test_an_email_is_posted_as_json_with_bearer_auth_and_the_idempotency_key(
    fake: FakeResend, resend: ResendEmail
) -> None:
    result = resend.send(message())

    request = fake.last_request()
    assert (request.method, request.path) == ("POST", "/emails")
    assert request.authorization == f"Bearer {fake.api_key}"
    assert request.idempotency_key == KEY
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "marketbase-notifications/1.0"
    assert request.json == {
        "from": "Marketbase <notifications@marketbase.test>",
        "to": ["ana@example.com"],
        "subject": "Booking confirmed: Deep tissue massage",
        "text": "Hi Ana,\nyour massage starts Tue 3 Mar, 10:00.",
        "html": "<p>Hi Ana,<br>\nyour massage starts Tue 3 Mar, 10:00.</p>",
        "headers": {"X-Idempotency-Key": KEY},
        "tags": [{"name": "delivery_id", "value": KEY}],
    }
    [email] = fake.emails
    assert (result.outcome, result.provider, result.provider_message_id, result.error) == (
        "sent",
        "resend",
        email["id"],
        None,
    )


def test_a_text_only_email_sends_no_html(fake: FakeResend, resend: ResendEmail) -> None:
    assert resend.send(message(html=None)).outcome == "sent"
    assert "html" not in fake.last_request().json


def test_a_retry_after_a_lost_answer_gets_the_first_email_back_and_sends_nothing_twice(
    fake: FakeResend, resend: ResendEmail
) -> None:
    fake.fail_next(None, after=True)  # Resend sent it; the answer never arrived

    first = resend.send(message())
    second = resend.send(message())

    assert first.outcome == "retry"
    assert second.outcome == "sent"
    [email] = fake.emails
    assert second.provider_message_id == email["id"]
    assert [r.replayed for r in fake.requests] == [False, True]


def test_a_retry_after_a_timeout_sends_nothing_twice(fake: FakeResend) -> None:
    resend: ResendEmail = fake.adapter(timeout=0.3)
    fake.delay_next(1.0)

    first = resend.send(message())
    second = resend.send(message())

    assert (first.outcome, first.error) == ("retry", "resend timed out after 0.3s")
    assert second.outcome == "sent"
    assert len(fake.emails) == 1
    assert second.provider_message_id == fake.emails[0]["id"]


def test_a_retry_whose_text_changed_is_taken_as_already_sent(fake: FakeResend, resend: ResendEmail) -> None:
    assert resend.send(message()).outcome == "sent"

    again = resend.send(message(body="The template was edited between two attempts."))

    assert fake.last_request().status == 409
    assert again.outcome == "sent"
    assert again.provider_message_id is None
    assert again.error is not None and again.error.startswith("resend invalid_idempotent_request (HTTP 409)")
    assert len(fake.emails) == 1


def test_another_request_in_flight_with_the_same_key_is_retried(fake: FakeResend, resend: ResendEmail) -> None:
    fake.fail_with("concurrent_idempotent_requests")
    assert resend.send(message()).outcome == "retry"
    assert resend.send(message()).outcome == "sent"
    assert len(fake.emails) == 1


def test_an_address_resend_finds_invalid_is_rejected_without_the_address(fake: FakeResend, resend: ResendEmail) -> None:
    result = resend.send(message(destination="ana(at)example.com"))
    assert fake.last_request().status == 422
    assert result.outcome == "rejected"
    assert result.error is not None and result.error.startswith(
        "resend validation_error (HTTP 422): Invalid `to` field."
    )
    assert fake.emails == []


def test_an_email_resend_refuses_for_its_content_is_undeliverable_not_blamed_on_the_address(
    fake: FakeResend, resend: ResendEmail
) -> None:
    result = resend.send(message(subject="", title=""))
    assert fake.last_request().status == 422
    assert (result.outcome, result.error) == (
        "undeliverable",
        "resend missing_required_field (HTTP 422): Missing `subject` field.",
    )
    assert fake.emails == []


@pytest.mark.parametrize(
    ("name", "status"), [("invalid_idempotency_key", 400), ("not_found", 404), ("method_not_allowed", 405)]
)
def test_a_refusal_of_our_request_rather_than_the_email_is_retried(
    fake: FakeResend, resend: ResendEmail, name: str, status: int
) -> None:
    fake.fail_with(name, message="Injected failure", status=status)
    assert resend.send(message()).outcome == "retry"


def test_a_wrong_api_key_is_our_configuration_and_retried(fake: FakeResend) -> None:
    resend = ResendEmail("re_wrong", fake.sender, base_url=fake.url)
    result = resend.send(message())
    assert (result.outcome, result.error) == ("retry", "resend invalid_api_key (HTTP 403): API key is invalid")


@pytest.mark.parametrize("status", [429, 500, 502])
def test_rate_limits_and_server_errors_are_retried(fake: FakeResend, resend: ResendEmail, status: int) -> None:
    fake.fail_next(status)
    assert resend.send(message()).outcome == "retry"
    assert resend.send(message()).outcome == "sent"


def test_a_dropped_connection_before_resend_did_anything_is_retried(fake: FakeResend, resend: ResendEmail) -> None:
    fake.fail_next(None)
    assert resend.send(message()).outcome == "retry"
    assert fake.emails == []
    assert resend.send(message()).outcome == "sent"


@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        ("error_validation_to", "rejected"),
        ("error_missing_required_field", "undeliverable"),
        ("error_validation_testing_only", "retry"),
        ("error_invalid_from_address", "retry"),
        ("error_invalid_idempotent_request", "sent"),
        ("error_concurrent_idempotent_requests", "retry"),
        ("error_rate_limit_exceeded", "retry"),
        ("error_daily_quota_exceeded", "retry"),
        ("error_missing_api_key", "retry"),
        ("error_invalid_api_key", "retry"),
        ("error_application_error", "retry"),
    ],
)
def test_resends_documented_errors_are_classified(
    fake: FakeResend, resend: ResendEmail, name: str, outcome: str
) -> None:
    stored = payload(name)
    fake.fail_next(stored["http_status"], body=stored["body"])
    result = resend.send(message())
    assert result.outcome == outcome
    assert result.error is not None
    assert result.error.startswith(f"resend {stored['body']['name']} (HTTP {stored['http_status']})")


def test_resends_documented_success_is_sent(fake: FakeResend, resend: ResendEmail) -> None:
    stored = payload("email_sent")
    fake.fail_next(stored["http_status"], body=stored["body"])
    assert resend.send(message()).provider_message_id == "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"


def test_only_email_messages_are_sent(resend: ResendEmail) -> None:
    with pytest.raises(ValueError, match="cannot send a sms message"):
        resend.send(message(channel="sms"))
