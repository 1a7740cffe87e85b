"""The channel adapters the dispatcher sends through, built from the settings once per process.

A channel is configured when its settings are there: email through SMTP (SMTP_HOST) or Resend
(RESEND_API_KEY), as NOTIFY_EMAIL_PROVIDER says, both with EMAIL_FROM; SMS through Twilio
(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID);
push through FCM (FCM_SERVICE_ACCOUNT_JSON). A channel left unset, or set half-way, is not
built: `Senders.missing` says why, and the dispatcher records that reason on each of its
deliveries (retried, then dead) instead of failing every other channel with it.

The adapters are imported only when built: this module is imported at cold start.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..settings import MissingSetting, Settings, get_settings

if TYPE_CHECKING:
    from .channels import Channel

log = logging.getLogger("marketbase.notify")

CHANNELS = ("email", "sms", "push")
# What to set, per channel, for the error recorded on deliveries of a channel that is not configured.
HOW_TO_CONFIGURE = {
    "email": "set EMAIL_FROM and SMTP_HOST (NOTIFY_EMAIL_PROVIDER=smtp) or RESEND_API_KEY (=resend)",
    "sms": "set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID",
    "push": "set FCM_SERVICE_ACCOUNT_JSON",
}


class NotConfigured(Exception):
    """A channel's settings are not there at all (as opposed to set half-way: MissingSetting)."""


@dataclass(frozen=True)
class Senders:
    """The configured channels by name ('email', 'sms', 'push') and, for the others, why not."""

    channels: Mapping[str, Channel] = field(default_factory=dict)
    missing: Mapping[str, str] = field(default_factory=dict)

    def get(self, channel: str) -> Channel | None:
        return self.channels.get(channel)

    def why_missing(self, channel: str) -> str:
        if channel not in CHANNELS:
            return f"no channel {channel!r}: the dispatcher sends email, sms and push"
        reason = self.missing.get(channel) or HOW_TO_CONFIGURE[channel]
        return f"{channel} is not configured on the dispatcher: {reason}"


def build_email(settings: Settings) -> Channel:
    if settings.notify_email_provider == "resend":
        if not settings.resend_api_key:
            raise NotConfigured("NOTIFY_EMAIL_PROVIDER is resend but RESEND_API_KEY is not set")
        from .channels.resend_email import ResendEmail

        return ResendEmail(
            settings.resend_api_key,
            settings.require("email_from"),
            base_url=(settings.resend_api_base or "https://api.resend.com").rstrip("/"),
        )
    if not settings.smtp_host:
        raise NotConfigured("SMTP_HOST is not set (NOTIFY_EMAIL_PROVIDER=smtp)")
    from .channels.smtp_email import SmtpEmail

    return SmtpEmail(
        settings.smtp_host,
        settings.smtp_port,
        settings.require("email_from"),
        username=settings.smtp_user,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
    )


def build_sms(settings: Settings) -> Channel:
    if not settings.twilio_account_sid:
        raise NotConfigured("TWILIO_ACCOUNT_SID is not set")
    if not (settings.twilio_from_number or settings.twilio_messaging_service_sid):
        raise MissingSetting("TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID is not set")
    from .channels.twilio_sms import TwilioSms

    return TwilioSms(
        settings.twilio_account_sid,
        settings.require("twilio_auth_token"),
        from_number=settings.twilio_from_number,
        messaging_service_sid=settings.twilio_messaging_service_sid,
        base_url=(settings.twilio_api_base or "https://api.twilio.com").rstrip("/"),
    )


def service_account(value: str) -> dict[str, Any]:
    """FCM_SERVICE_ACCOUNT_JSON: the key file's JSON itself (as stored in SSM) or a path to it."""
    text = value if value.lstrip().startswith("{") else Path(value).expanduser().read_text()
    account = json.loads(text)
    if not isinstance(account, dict) or not {"client_email", "private_key"} <= account.keys():
        raise MissingSetting("FCM_SERVICE_ACCOUNT_JSON is not a service account key (client_email, private_key)")
    return account


def build_push(settings: Settings) -> Channel:
    if not settings.fcm_service_account_json:
        if settings.fcm_project_id:
            raise MissingSetting("FCM_PROJECT_ID is set but FCM_SERVICE_ACCOUNT_JSON is not")
        raise NotConfigured("FCM_SERVICE_ACCOUNT_JSON is not set")
    try:
        account = service_account(settings.fcm_service_account_json)
    except (OSError, ValueError) as error:
        raise MissingSetting(f"FCM_SERVICE_ACCOUNT_JSON cannot be read: {type(error).__name__}") from None
    project_id = settings.fcm_project_id or account.get("project_id")
    if not project_id:
        raise MissingSetting("FCM_PROJECT_ID is not set and the service account names no project_id")
    from .channels.fcm_push import FcmPush

    options: dict[str, Any] = {"base_url": (settings.fcm_api_base or "https://fcm.googleapis.com").rstrip("/")}
    if settings.fcm_token_url:
        options["token_url"] = settings.fcm_token_url
    return FcmPush(str(project_id), account, **options)


BUILDERS: dict[str, Callable[[Settings], Channel]] = {"email": build_email, "sms": build_sms, "push": build_push}


def build_senders(settings: Settings) -> Senders:
    """Every channel these settings configure. A channel set half-way is left out and logged."""
    channels: dict[str, Channel] = {}
    missing: dict[str, str] = {}
    for name, build in BUILDERS.items():
        try:
            channels[name] = build(settings)
        except NotConfigured as reason:
            missing[name] = str(reason)
        except (MissingSetting, ValueError) as reason:  # set half-way, or refused by the adapter
            missing[name] = str(reason)
            log.error("notification channel misconfigured", extra={"channel": name, "reason": str(reason)})
    return Senders(channels, missing)


@cache
def get_senders() -> Senders:
    """The process's channels (a FastAPI dependency; tests override it or call build_senders)."""
    return build_senders(get_settings())
