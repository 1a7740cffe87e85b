"""Which channels the settings configure (functions/notifications/senders.py), read from the
environment as the Lambda reads them: a channel left unset or set half-way is not built, and says
what to set; the others are unaffected."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from functions.notifications.senders import build_senders, get_senders
from functions.settings import Settings, get_settings
from tests.support.fake_fcm import FakeFcm


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No setting leaks in from the developer's shell."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    get_settings.cache_clear()
    get_senders.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()
    get_senders.cache_clear()


def test_with_nothing_set_no_channel_is_configured_and_each_says_what_to_set() -> None:
    senders = build_senders(Settings())

    assert dict(senders.channels) == {}
    assert senders.why_missing("email") == (
        "email is not configured on the dispatcher: SMTP_HOST is not set (NOTIFY_EMAIL_PROVIDER=smtp)"
    )
    assert senders.why_missing("sms") == "sms is not configured on the dispatcher: TWILIO_ACCOUNT_SID is not set"
    assert senders.why_missing("push") == (
        "push is not configured on the dispatcher: FCM_SERVICE_ACCOUNT_JSON is not set"
    )
    assert senders.why_missing("fax") == "no channel 'fax': the dispatcher sends email, sms and push"


def test_every_channel_from_the_environment(env: pytest.MonkeyPatch) -> None:
    with FakeFcm() as fcm:
        env.setenv("EMAIL_FROM", "Marketbase <no-reply@market.example>")
        env.setenv("SMTP_HOST", "smtp.market.example")
        env.setenv("SMTP_USER", "mailer")
        env.setenv("SMTP_PASSWORD", "mail-password")
        env.setenv("TWILIO_ACCOUNT_SID", "AC0123")
        env.setenv("TWILIO_AUTH_TOKEN", "twilio-token")
        env.setenv("TWILIO_MESSAGING_SERVICE_SID", "MG0123")
        env.setenv("FCM_SERVICE_ACCOUNT_JSON", json.dumps(fcm.service_account()))

        senders = get_senders()

    assert get_senders() is senders, "built once per process"
    email, sms, push = (senders.channels[name] for name in ("email", "sms", "push"))
    assert (email.provider, sms.provider, push.provider) == ("smtp", "twilio", "fcm")
    assert vars(email)["host"] == "smtp.market.example" and vars(email)["port"] == 587
    assert vars(email)["starttls"] is True and vars(email)["username"] == "mailer"
    assert vars(email)["domain"] == "market.example", "Message-IDs in the sender's domain"
    assert dict(senders.missing) == {}


def test_a_channel_set_half_way_is_left_out_and_the_others_still_work(
    env: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    env.setenv("EMAIL_FROM", "no-reply@market.example")
    env.setenv("SMTP_HOST", "smtp.market.example")
    env.setenv("TWILIO_ACCOUNT_SID", "AC0123")  # no token, no sender

    senders = build_senders(Settings())

    assert sorted(senders.channels) == ["email"]
    assert senders.why_missing("sms") == (
        "sms is not configured on the dispatcher: TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID is not set"
    )
    assert "notification channel misconfigured" in caplog.text


def test_email_needs_a_sender(env: pytest.MonkeyPatch) -> None:
    env.setenv("SMTP_HOST", "smtp.market.example")
    assert build_senders(Settings()).why_missing("email").endswith("EMAIL_FROM is not set")


def test_resend_is_chosen_by_the_provider_setting(env: pytest.MonkeyPatch) -> None:
    env.setenv("NOTIFY_EMAIL_PROVIDER", "resend")
    env.setenv("EMAIL_FROM", "no-reply@market.example")
    env.setenv("SMTP_HOST", "smtp.market.example")  # ignored: the provider is Resend
    assert (
        build_senders(Settings())
        .why_missing("email")
        .endswith("NOTIFY_EMAIL_PROVIDER is resend but RESEND_API_KEY is not set")
    )

    env.setenv("RESEND_API_KEY", "re_live_key")
    email = build_senders(Settings()).channels["email"]
    assert email.provider == "resend"


def test_an_unknown_email_provider_is_refused_at_start_up(env: pytest.MonkeyPatch) -> None:
    env.setenv("NOTIFY_EMAIL_PROVIDER", "mailgun")
    with pytest.raises(ValidationError, match="notify_email_provider"):
        Settings()


def test_placeholders_from_env_example_are_refused(env: pytest.MonkeyPatch) -> None:
    env.setenv("TWILIO_AUTH_TOKEN", "replace-with-the-auth-token")
    with pytest.raises(ValidationError, match="TWILIO_AUTH_TOKEN still holds the placeholder"):
        Settings()


def test_secrets_stay_out_of_the_settings_repr(env: pytest.MonkeyPatch) -> None:
    for name, secret in {
        "SMTP_PASSWORD": "s3cret-smtp",
        "TWILIO_AUTH_TOKEN": "s3cret-twilio",
        "RESEND_API_KEY": "s3cret-resend",
        "FCM_SERVICE_ACCOUNT_JSON": '{"private_key": "s3cret-key"}',
        "NOTIFY_DISPATCH_SECRET": "s3cret-nudge",
    }.items():
        env.setenv(name, secret)
    assert "s3cret" not in repr(Settings())


def test_the_fcm_key_may_be_a_path_and_its_project_is_the_default(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with FakeFcm(project_id="marketbase-prod") as fcm:
        key = tmp_path / "service-account.json"
        key.write_text(json.dumps(fcm.service_account()))
        env.setenv("FCM_SERVICE_ACCOUNT_JSON", str(key))

        push = build_senders(Settings()).channels["push"]

    assert vars(push)["project_id"] == "marketbase-prod"


def test_an_unreadable_fcm_key_says_so_without_echoing_it(env: pytest.MonkeyPatch) -> None:
    # A service account's JSON cut off inside its key (no real key here: the text is only a PEM header).
    truncated_pem = "-----BEGIN " + "PRIVATE KEY----- trunc"
    env.setenv("FCM_SERVICE_ACCOUNT_JSON", '{"private_key": "' + truncated_pem)

    reason = build_senders(Settings()).why_missing("push")

    assert (
        reason == "push is not configured on the dispatcher: FCM_SERVICE_ACCOUNT_JSON cannot be read: JSONDecodeError"
    )
