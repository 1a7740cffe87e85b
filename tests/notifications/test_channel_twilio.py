"""SMS over Twilio against a fake of its Messages API at the HTTP boundary (tests/support/
fake_twilio.py): the exact request, the answers Twilio gives, and how each is classified. The
stored responses under payloads/twilio/ are Twilio's documented shapes, served as they are."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from functions.notifications.channels import Message
from functions.notifications.channels.twilio_sms import TwilioSms
from tests.support.fake_twilio import FakeTwilio, twilio_error

PAYLOADS = Path(__file__).parent / "payloads" / "twilio"
KEY = "3f1c2b7e-8a4d-4c4e-9b1a-6d2f0e9c8b7a"
PHONE = "+351912345678"


def message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "delivery_id": KEY,
        "idempotency_key": KEY,
        "channel": "sms",
        "destination": PHONE,
        "subject": None,
        "title": "Booking confirmed",
        "body": "Marketbase: your massage is confirmed for Tue 3 Mar, 10:00.",
        "html": None,
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
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


@pytest.fixture
def sms(fake: FakeTwilio) -> TwilioSms:
    adapter: TwilioSms = fake.adapter(timeout=2)
    return adapter


def test_an_sms_is_posted_form_encoded_with_basic_auth_from_the_number(fake: FakeTwilio, sms: TwilioSms) -> None:
    result = sms.send(message())

    request = fake.last_request()
    assert (request.method, request.path) == ("POST", f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json")
    assert request.basic_auth == (fake.account_sid, fake.auth_token)
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["accept"] == "application/json"
    assert request.form == {
        "To": PHONE,
        "From": fake.from_number,
        "Body": "Marketbase: your massage is confirmed for Tue 3 Mar, 10:00.",
    }
    assert request.status == 201
    [sent] = fake.sent
    assert sent["status"] == "queued"
    assert result.outcome == "sent"
    assert result.provider == "twilio"
    assert result.provider_message_id == sent["sid"]
    assert re.fullmatch(r"SM[0-9a-f]{32}", result.provider_message_id or "")


def test_a_messaging_service_sends_instead_of_a_number(fake: FakeTwilio) -> None:
    sms: TwilioSms = fake.adapter(messaging_service_sid=fake.messaging_service_sid)

    result = sms.send(message())

    assert fake.last_request().form == {
        "To": PHONE,
        "MessagingServiceSid": fake.messaging_service_sid,
        "Body": "Marketbase: your massage is confirmed for Tue 3 Mar, 10:00.",
    }
    assert result.outcome == "sent"
    assert fake.sent[0]["status"] == "accepted"


def test_a_body_over_twilios_limit_is_cut_to_1600_characters(fake: FakeTwilio, sms: TwilioSms) -> None:
    result = sms.send(message(body="x" * 2000))
    body = fake.last_request().form["Body"]
    assert len(body) == 1600 and body.endswith("…")
    assert result.outcome == "sent"


@pytest.mark.parametrize(
    ("arrange", "destination", "code"),
    [
        (lambda fake: fake.unsubscribe(PHONE), PHONE, "21610 recipient has unsubscribed (STOP)"),
        (lambda fake: fake.landline(PHONE), PHONE, "21614 'To' number is not a mobile number"),
        (lambda fake: None, "912345678", "21211 invalid 'To' phone number"),
    ],
)
def test_a_number_twilio_will_never_reach_is_rejected_without_the_number_in_the_error(
    fake: FakeTwilio, sms: TwilioSms, arrange: Any, destination: str, code: str
) -> None:
    arrange(fake)
    result = sms.send(message(destination=destination))
    assert result == dataclasses.replace(result, outcome="rejected", provider="twilio", provider_message_id=None)
    assert result.error == f"twilio {code}"
    assert fake.sent == []


def test_wrong_credentials_are_our_configuration_and_retried(fake: FakeTwilio) -> None:
    sms = TwilioSms(fake.account_sid, "not-the-token", from_number=fake.from_number, base_url=fake.url)
    result = sms.send(message())
    assert fake.last_request().status == 401
    assert (result.outcome, result.error) == (
        "retry",
        "twilio 20003 authentication failed (check TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN)",
    )


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limits_and_server_errors_are_retried(fake: FakeTwilio, sms: TwilioSms, status: int) -> None:
    fake.fail_next(status)
    assert sms.send(message()).outcome == "retry"
    assert sms.send(message()).outcome == "sent"


def test_a_dropped_connection_is_retried(fake: FakeTwilio, sms: TwilioSms) -> None:
    fake.fail_next(None)
    result = sms.send(message())
    assert result.outcome == "retry"
    assert result.error is not None and result.error.startswith("twilio RemoteProtocolError")


def test_a_timeout_is_retried(fake: FakeTwilio) -> None:
    sms: TwilioSms = fake.adapter(timeout=0.3)
    fake.delay_next(1.0)
    result = sms.send(message())
    assert (result.outcome, result.error) == ("retry", "twilio timed out after 0.3s")


def test_a_message_resource_already_failed_is_rejected(fake: FakeTwilio, sms: TwilioSms) -> None:
    body = {**payload("message_created")["body"], "status": "failed", "error_code": 30006}
    fake.fail_next(201, body=body)
    result = sms.send(message())
    assert (result.outcome, result.provider_message_id) == ("rejected", body["sid"])
    assert result.error == "twilio: message failed (error 30006)"


@pytest.mark.parametrize("name", ["message_created", "message_accepted_by_service"])
def test_twilios_documented_success_answers_are_sent(fake: FakeTwilio, sms: TwilioSms, name: str) -> None:
    stored = payload(name)
    fake.fail_next(stored["http_status"], body=stored["body"])
    result = sms.send(message())
    assert (result.outcome, result.provider_message_id, result.error) == ("sent", stored["body"]["sid"], None)


@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        ("error_21211_invalid_to", "rejected"),
        ("error_21610_unsubscribed", "rejected"),
        ("error_21614_not_mobile", "rejected"),
        ("error_21408_region", "rejected"),
        ("error_21617_body_too_long", "undeliverable"),
        ("error_20003_authenticate", "retry"),
        ("error_20429_too_many_requests", "retry"),
        ("error_21606_from_not_sms_capable", "retry"),
        ("error_21611_queue_full", "retry"),
        ("error_20500_internal", "retry"),
    ],
)
def test_twilios_documented_errors_are_classified(fake: FakeTwilio, sms: TwilioSms, name: str, outcome: str) -> None:
    stored = payload(name)
    fake.fail_next(stored["http_status"], body=stored["body"])
    result = sms.send(message())
    assert result.outcome == outcome
    assert result.error is not None and result.error.startswith(f"twilio {stored['body']['code']} ")
    assert "+1555" not in result.error and "+234" not in result.error


def test_an_empty_message_is_undeliverable_without_blaming_the_number(fake: FakeTwilio, sms: TwilioSms) -> None:
    result = sms.send(message(body=""))
    assert fake.last_request().status == 400
    assert (result.outcome, result.error) == ("undeliverable", "twilio 21602 message body is required")
    assert fake.sent == []


def test_a_message_without_body_or_media_is_undeliverable(fake: FakeTwilio, sms: TwilioSms) -> None:
    fake.fail_next(400, body=twilio_error(400, 21619, "A text message body or media urls must be specified."))
    result = sms.send(message())
    assert (result.outcome, result.error) == (
        "undeliverable",
        "twilio 21619 a text message body or media url is required",
    )


def test_an_unknown_4xx_code_is_undeliverable_with_twilios_message(fake: FakeTwilio, sms: TwilioSms) -> None:
    fake.fail_next(400, body=twilio_error(400, 21999, f"Something about {PHONE} is wrong"))
    result = sms.send(message())
    assert (result.outcome, result.error) == (
        "undeliverable",
        "twilio 21999 error (HTTP 400): Something about <redacted> is wrong",
    )


def test_a_sender_is_required() -> None:
    with pytest.raises(ValueError, match="from_number or a messaging_service_sid"):
        TwilioSms("AC1", "token")


def test_only_sms_messages_are_sent(sms: TwilioSms) -> None:
    with pytest.raises(ValueError, match="cannot send a push message"):
        sms.send(message(channel="push"))
