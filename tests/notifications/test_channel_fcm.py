"""Push over FCM HTTP v1 against a fake of FCM and of Google's OAuth token endpoint at the HTTP
boundary (tests/support/fake_fcm.py): the service-account JWT grant (verified with the account's
public key), the cached access token, the exact message, and how FCM's errors (stored as
documented under payloads/fcm/) are classified — a token FCM no longer knows is `gone`."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from functions.notifications.channels import Message
from functions.notifications.channels.fcm_push import FCM_SCOPE, JWT_BEARER, FcmPush
from tests.support.fake_fcm import FakeFcm, device_token

PAYLOADS = Path(__file__).parent / "payloads" / "fcm"
KEY = "3f1c2b7e-8a4d-4c4e-9b1a-6d2f0e9c8b7a"
TOKEN = device_token()
BOOKING = "5f2d8c1e-9b7a-4e3d-8c6b-1a2f3e4d5c6b"


def message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "delivery_id": KEY,
        "idempotency_key": KEY,
        "channel": "push",
        "destination": TOKEN,
        "subject": None,
        "title": "Booking confirmed",
        "body": "Your massage starts Tue 3 Mar, 10:00.",
        "html": None,
        "action_url": f"https://app.marketbase.test/bookings/{BOOKING}",
        "data": {"delivery_id": KEY, "event_type": "booking.confirmed", "booking_id": BOOKING, "priority": "6"},
        "priority": 6,
        "severity": "success",
    }
    fields.update(overrides)
    return Message(**fields)


def payload(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return document


class Clock:
    """A clock the test moves, shared by the adapter and the fake (Google refuses assertions
    whose iat / exp are far from its own clock)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeFcm]:
    with FakeFcm() as server:
        yield server


@pytest.fixture
def push(fake: FakeFcm) -> FcmPush:
    adapter: FcmPush = fake.adapter(timeout=2)
    return adapter


def test_a_push_gets_an_access_token_by_the_jwt_grant_then_posts_the_message(fake: FakeFcm, push: FcmPush) -> None:
    result = push.send(message())

    token_request, send_request = fake.requests
    assert (token_request.method, token_request.path) == ("POST", "/token")
    assert token_request.form["grant_type"] == JWT_BEARER
    assert token_request.status == 200
    [claims] = fake.assertions  # the fake verified the RS256 signature with the account's public key
    assert claims["iss"] == fake.client_email
    assert claims["scope"] == FCM_SCOPE
    assert claims["aud"] == fake.token_uri
    assert claims["exp"] - claims["iat"] == 3600

    assert (send_request.method, send_request.path) == ("POST", "/v1/projects/marketbase-test/messages:send")
    assert send_request.bearer in fake.access_tokens
    assert send_request.json == {
        "message": {
            "token": TOKEN,
            "notification": {"title": "Booking confirmed", "body": "Your massage starts Tue 3 Mar, 10:00."},
            "data": {"delivery_id": KEY, "event_type": "booking.confirmed", "booking_id": BOOKING, "priority": "6"},
            "android": {"priority": "high", "notification": {"tag": KEY}},
            "apns": {"headers": {"apns-priority": "10", "apns-collapse-id": KEY}},
            "webpush": {
                "headers": {"Urgency": "high", "Topic": send_request.json["message"]["webpush"]["headers"]["Topic"]},
                "fcm_options": {"link": f"https://app.marketbase.test/bookings/{BOOKING}"},
            },
        }
    }
    assert re.fullmatch(r"[0-9a-f]{32}", send_request.json["message"]["webpush"]["headers"]["Topic"])
    [delivered] = fake.delivered
    assert (result.outcome, result.provider, result.provider_message_id, result.error) == (
        "sent",
        "fcm",
        delivered["name"],
        None,
    )
    assert re.fullmatch(r"projects/marketbase-test/messages/0:\d+%[0-9a-f]{16}", result.provider_message_id or "")


def test_a_retried_push_carries_the_same_collapse_identity(fake: FakeFcm, push: FcmPush) -> None:
    push.send(message())
    push.send(message())
    first, second = (m for m in fake.delivered)
    for field in ("android", "apns", "webpush"):
        assert first[field] == second[field]


def test_a_low_priority_push_does_not_wake_the_device_and_a_relative_link_is_not_a_web_link(
    fake: FakeFcm, push: FcmPush
) -> None:
    push.send(message(priority=2, action_url="/bookings/1"))
    sent = fake.last_request(path=r".*messages:send").json["message"]
    assert sent["android"]["priority"] == "normal"
    assert sent["apns"]["headers"]["apns-priority"] == "5"
    assert sent["webpush"]["headers"]["Urgency"] == "normal"
    assert "fcm_options" not in sent["webpush"]


def test_the_access_token_is_cached_until_a_minute_before_it_expires(fake: FakeFcm) -> None:
    clock = Clock()
    fake.clock = clock
    push: FcmPush = fake.adapter(clock=clock)

    for _ in range(3):
        assert push.send(message()).outcome == "sent"
    assert len(fake.requests_for("POST", "/token")) == 1

    clock.now += 3599 - 61
    assert push.send(message()).outcome == "sent"
    assert len(fake.requests_for("POST", "/token")) == 1

    clock.now += 2  # now inside the last minute of the token's life
    assert push.send(message()).outcome == "sent"
    assert len(fake.requests_for("POST", "/token")) == 2
    tokens = {r.bearer for r in fake.requests_for("POST", r".*messages:send")}
    assert len(tokens) == 2


def test_a_revoked_access_token_is_replaced_once_and_the_push_goes_out(fake: FakeFcm, push: FcmPush) -> None:
    assert push.send(message()).outcome == "sent"
    fake.revoke_tokens()

    result = push.send(message())

    assert result.outcome == "sent"
    statuses = [(r.path, r.status) for r in fake.requests]
    assert statuses[-3:] == [(fake.send_path, 401), ("/token", 200), (fake.send_path, 200)]


def test_an_access_token_refused_twice_is_retried_later(fake: FakeFcm, push: FcmPush) -> None:
    body = payload("error_unauthenticated")
    fake.fail_next(401, body=body["body"], path=re.escape(fake.send_path), times=2)
    result = push.send(message())
    assert result.outcome == "retry"
    assert result.error is not None and result.error.startswith("fcm UNAUTHENTICATED (HTTP 401)")
    assert len(fake.requests_for("POST", "/token")) == 2


def test_a_service_account_key_google_does_not_know_is_retried(fake: FakeFcm) -> None:
    other = FakeFcm(project_id=fake.project_id)  # same key material, another key id
    account = {**fake.service_account(), "private_key_id": other.private_key_id}
    push: FcmPush = fake.adapter(service_account=account)

    result = push.send(message())

    assert (result.outcome, result.error) == (
        "retry",
        "fcm token endpoint refused: invalid_grant: Invalid JWT Signature.",
    )
    assert fake.requests_for(path=r".*messages:send") == []


def test_an_uninstalled_app_is_gone(fake: FakeFcm, push: FcmPush) -> None:
    fake.unregister(TOKEN)
    result = push.send(message())
    assert (result.outcome, result.provider_message_id) == ("gone", None)
    assert result.error == "fcm UNREGISTERED (HTTP 404): Requested entity was not found."


def test_a_token_that_is_not_a_registration_token_is_gone(fake: FakeFcm, push: FcmPush) -> None:
    result = push.send(message(destination="not-a-token"))
    assert result.outcome == "gone"
    assert (
        result.error == "fcm INVALID_ARGUMENT (HTTP 400): The registration token is not a valid FCM registration token"
    )


def test_a_token_of_another_project_is_retried_not_deleted_our_project_may_be_the_wrong_one(
    fake: FakeFcm, push: FcmPush
) -> None:
    fake.other_sender(TOKEN)
    result = push.send(message())
    assert result.outcome == "retry"
    assert result.error is not None and result.error.startswith("fcm SENDER_ID_MISMATCH (HTTP 403)")


def test_a_push_fcm_refuses_for_its_content_is_undeliverable_and_the_token_kept(fake: FakeFcm, push: FcmPush) -> None:
    result = push.send(message(data={"report": "x" * 5000}))
    assert fake.requests_for(path=r".*messages:send")[-1].status == 400
    assert (result.outcome, result.error) == ("undeliverable", "fcm INVALID_ARGUMENT (HTTP 400): Message is too big")
    assert fake.delivered == []
    assert push.send(message()).outcome == "sent", "the device still gets the next push"


def test_another_refusal_of_the_request_is_undeliverable(fake: FakeFcm, push: FcmPush) -> None:
    fake.fail_next(
        400,
        body={"error": {"code": 400, "message": "Precondition check failed.", "status": "FAILED_PRECONDITION"}},
        path=re.escape(fake.send_path),
    )
    assert push.send(message()).outcome == "undeliverable"


def test_the_token_never_appears_in_an_error(fake: FakeFcm, push: FcmPush) -> None:
    fake.fail_with("INVALID_ARGUMENT", message=f"The registration token {TOKEN} is not valid")
    result = push.send(message())
    assert result.outcome == "gone"
    assert result.error is not None and TOKEN not in result.error and "<redacted>" in result.error


@pytest.mark.parametrize("error_code", ["QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL", "THIRD_PARTY_AUTH_ERROR"])
def test_quota_outages_and_our_apns_credentials_are_retried(fake: FakeFcm, push: FcmPush, error_code: str) -> None:
    fake.fail_with(error_code)
    result = push.send(message())
    assert result.outcome == "retry"
    assert result.error is not None and result.error.startswith(f"fcm {error_code} ")
    assert push.send(message()).outcome == "sent"


def test_a_dropped_connection_is_retried(fake: FakeFcm, push: FcmPush) -> None:
    push.access_token()
    fake.fail_next(None, path=re.escape(fake.send_path))
    result = push.send(message())
    assert result.outcome == "retry"
    assert result.error is not None and result.error.startswith("fcm RemoteProtocolError")


def test_a_timeout_is_retried(fake: FakeFcm) -> None:
    push: FcmPush = fake.adapter(timeout=0.3)
    push.access_token()
    fake.delay_next(1.0, path=re.escape(fake.send_path))
    assert (push.send(message()).outcome, push.send(message()).outcome) == ("retry", "sent")


def test_a_token_endpoint_that_is_down_is_retried(fake: FakeFcm, push: FcmPush) -> None:
    fake.fail_next(503, body={"error": "internal_failure", "error_description": "Backend error"}, path="/token")
    result = push.send(message())
    assert (result.outcome, result.error) == ("retry", "fcm token endpoint refused: internal_failure: Backend error")
    assert push.send(message()).outcome == "sent"


@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        ("error_unregistered", "gone"),
        ("error_invalid_registration_token", "gone"),
        ("error_invalid_token_field", "gone"),
        ("error_invalid_data_value", "undeliverable"),
        ("error_message_too_big", "undeliverable"),
        ("error_sender_id_mismatch", "retry"),
        ("error_quota_exceeded", "retry"),
        ("error_unavailable", "retry"),
        ("error_internal", "retry"),
        ("error_third_party_auth", "retry"),
        ("error_permission_denied", "retry"),
    ],
)
def test_fcms_documented_errors_are_classified(fake: FakeFcm, push: FcmPush, name: str, outcome: str) -> None:
    stored = payload(name)
    fake.fail_next(stored["http_status"], body=stored["body"], path=re.escape(fake.send_path))
    result = push.send(message())
    assert result.outcome == outcome
    assert result.error is not None and f"(HTTP {stored['http_status']})" in result.error


def test_fcms_documented_success_is_sent(fake: FakeFcm, push: FcmPush) -> None:
    stored = payload("send_ok")
    fake.fail_next(stored["http_status"], body=stored["body"], path=re.escape(fake.send_path))
    assert push.send(message()).provider_message_id == stored["body"]["name"]


def test_a_service_account_needs_its_key_and_email() -> None:
    with pytest.raises(ValueError, match="no private_key"):
        FcmPush("p", {"client_email": "x@p.iam.gserviceaccount.com"})


def test_only_push_messages_are_sent(push: FcmPush) -> None:
    with pytest.raises(ValueError, match="cannot send a email message"):
        push.send(message(channel="email"))


# --- the fake's own promises: it refuses what Google refuses -------------------------------------


def _grant(fake: FakeFcm, assertion: str, grant_type: str = JWT_BEARER) -> tuple[int, dict[str, Any]]:
    import httpx

    response = httpx.post(fake.token_uri, data={"grant_type": grant_type, "assertion": assertion})
    return response.status_code, response.json()


def _assertion(fake: FakeFcm, key: str | None = None, **claims: Any) -> str:
    import jwt

    now = int(time.time())
    body = {"iss": fake.client_email, "scope": FCM_SCOPE, "aud": fake.token_uri, "iat": now, "exp": now + 3600}
    body.update(claims)
    return jwt.encode(body, key or fake.private_key, algorithm="RS256", headers={"kid": fake.private_key_id})


def test_the_fake_token_endpoint_refuses_an_assertion_signed_with_another_key(fake: FakeFcm) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    assert _grant(fake, _assertion(fake, key=pem)) == (
        400,
        {"error": "invalid_grant", "error_description": "Invalid JWT Signature."},
    )


@pytest.mark.parametrize(
    ("claims", "error"),
    [
        ({"aud": "https://oauth2.googleapis.com/token"}, "invalid_grant"),
        ({"iss": "someone@else.iam.gserviceaccount.com"}, "invalid_grant"),
        ({"scope": "https://www.googleapis.com/auth/cloud-platform.read-only"}, "invalid_scope"),
        ({"exp": int(time.time()) + 7200}, "invalid_grant"),
        ({"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}, "invalid_grant"),
    ],
)
def test_the_fake_token_endpoint_checks_the_claims(fake: FakeFcm, claims: dict[str, Any], error: str) -> None:
    status, body = _grant(fake, _assertion(fake, **claims))
    assert (status, body["error"]) == (400, error)
    assert fake.access_tokens == {}


def test_the_fake_token_endpoint_only_speaks_the_jwt_bearer_grant(fake: FakeFcm) -> None:
    status, body = _grant(fake, _assertion(fake), grant_type="client_credentials")
    assert (status, body["error"]) == (400, "unsupported_grant_type")


def test_the_fake_refuses_data_values_that_are_not_strings(fake: FakeFcm, push: FcmPush) -> None:
    import httpx

    response = httpx.post(
        f"{fake.url}{fake.send_path}",
        json={"message": {"token": TOKEN, "data": {"count": 12}}},
        headers={"Authorization": f"Bearer {push.access_token()}"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["fieldViolations"][0]["field"] == "message.data[0].value"
