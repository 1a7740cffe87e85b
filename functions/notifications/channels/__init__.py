"""What a channel adapter takes and returns, shared by every provider.

A `Message` is one delivery rendered and ready to send; a `SendResult` is what the provider made
of it, in the vocabulary of `service.record_delivery`:

- `sent`: the provider accepted it (an SMTP relay's 250, Twilio's 201, FCM's message name);
- `delivered`: the provider confirmed delivery to the person (reserved for delivery receipts);
- `retry`: it may work later (timeouts, connection errors, 4xx SMTP replies, HTTP 429 and 5xx,
  and our own misconfiguration, which must never be blamed on the recipient and may be fixed
  while the delivery waits);
- `undeliverable`: this message will never be sent, and that is not the destination's fault (its
  content refused by the provider: too big, flagged, a required field empty; a template that
  cannot be rendered): the delivery dies at once, the address and the device are kept;
- `rejected`: it will never work for this destination (a bounced mailbox, an invalid or
  unsubscribed phone number): the delivery dies, and an email address is suppressed;
- `gone`: the push token no longer exists: the delivery dies and the token is deleted.

When in doubt between them: `retry` ends dead too, after its attempts, without blaming anyone.

Adapters never raise for what a provider answers or for the network failing: every such case is
classified. They raise only for programming errors (a message for another channel).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, Protocol

__all__ = ["OUTCOMES", "Channel", "Message", "Outcome", "SendResult", "redact"]

Outcome = Literal["sent", "delivered", "retry", "undeliverable", "rejected", "gone"]
OUTCOMES: tuple[Outcome, ...] = ("sent", "delivered", "retry", "undeliverable", "rejected", "gone")


@dataclass(frozen=True)
class Message:
    """One rendered delivery, ready to send."""

    delivery_id: str
    idempotency_key: str  # stable across retries of the same delivery
    channel: str  # 'email' | 'sms' | 'push'
    destination: str  # email address | E.164 phone | push token
    subject: str | None  # email only
    title: str
    body: str  # plain text
    html: str | None  # email only: rendered with html-escaped values
    action_url: str | None
    data: dict[str, Any]  # for push data payload (string values only, as FCM requires)
    priority: int
    severity: str


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    provider: str  # 'smtp' | 'resend' | 'twilio' | 'fcm'
    provider_message_id: str | None = None
    error: str | None = None  # short, no personal data beyond what is needed


class Channel(Protocol):
    provider: str

    def send(self, message: Message) -> SendResult: ...  # never raises for provider errors: classifies them


def redact(text: str, *secrets: str | None, limit: int = 200) -> str:
    """A provider's message made fit for `last_error`: the destination (and anything else named)
    replaced in any letter case (an SMTP server may quote `Ana@Example.com` as
    `<ana@example.com>`), whitespace folded, cut to `limit` characters."""
    for secret in secrets:
        if secret and secret.strip():
            text = re.sub(re.escape(secret.strip()), "<redacted>", text, flags=re.IGNORECASE)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
