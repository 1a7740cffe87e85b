"""Email over Resend's HTTP API.

`POST https://api.resend.com/emails` with `Authorization: Bearer <api key>`, an `Idempotency-Key`
header (the delivery's key: Resend answers a repeat within 24 hours with the first email's id and
sends nothing) and JSON `{from, to, subject, html, text, headers, tags}`. Resend answers 200
`{"id"}` or an error `{statusCode, name, message}`, classified by `name`:

- `invalid_idempotent_request` (409, the key was already used with another payload: the template
  changed between two attempts of one delivery) -> `sent`: an email went out under this key;
- `concurrent_idempotent_requests` (409), `rate_limit_exceeded` / `daily_quota_exceeded` /
  `monthly_quota_exceeded` (429), `application_error` / `internal_server_error` (5xx), timeouts
  and connection errors -> `retry`;
- our configuration (`missing_api_key`, `invalid_api_key`, `restricted_api_key`,
  `invalid_from_address`, `invalid_idempotency_key`, 401/403) -> `retry`: never blamed on the
  recipient, and it may be fixed while the delivery waits;
- a `to` address Resend finds invalid (`validation_error` naming the `to` field) -> `rejected`,
  which suppresses the address;
- other validation errors of the email (400 / 422: `missing_required_field`, `invalid_parameter`,
  `invalid_attachment`, a `validation_error` about another field) -> `undeliverable`: the same email
  would be refused again, so the delivery dies at once, without suppressing an address that did
  nothing wrong;
- any other 4xx (404, 405: our base URL or a changed API) -> `retry`, as our configuration.

Bounces Resend learns of later arrive as webhooks, outside this adapter.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import Message, Outcome, SendResult, redact

if TYPE_CHECKING:
    import httpx

__all__ = ["ResendEmail", "classify_error"]

PROVIDER = "resend"
USER_AGENT = "marketbase-notifications/1.0"
# Ours, not the email's: the key, the sender, the idempotency key we make of the delivery id.
_CONFIG_ERRORS = frozenset(
    {
        "missing_api_key",
        "invalid_api_key",
        "invalid_api_Key",
        "restricted_api_key",
        "invalid_from_address",
        "invalid_idempotency_key",
    }
)
_RETRYABLE_ERRORS = frozenset(
    {
        "concurrent_idempotent_requests",
        "rate_limit_exceeded",
        "daily_quota_exceeded",
        "monthly_quota_exceeded",
        "application_error",
        "internal_server_error",
        "service_unavailable",
    }
)
_TO_FIELD = re.compile(r"`to`|\bto\b field|'to'", re.IGNORECASE)


class ResendEmail:
    provider = PROVIDER

    def __init__(
        self,
        api_key: str,
        sender: str,
        base_url: str = "https://api.resend.com",
        client: httpx.Client | None = None,
        *,
        timeout: float = 10.0,
    ) -> None:
        self.api_key = api_key
        self.sender = sender
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._client = client

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0)))
        return self._client

    def payload(self, message: Message) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "from": self.sender,
            "to": [message.destination],
            "subject": message.subject or message.title,
            "text": message.body,
            "headers": {"X-Idempotency-Key": message.idempotency_key},
            # Tag values allow only ASCII letters, digits, underscores and dashes: a uuid fits.
            "tags": [{"name": "delivery_id", "value": _tag(message.delivery_id)}],
        }
        if message.html:
            payload["html"] = message.html
        return payload

    def send(self, message: Message) -> SendResult:
        if message.channel != "email":
            raise ValueError(f"ResendEmail cannot send a {message.channel} message")
        import httpx

        try:
            response = self.client.post(
                f"{self.base_url}/emails",
                json=self.payload(message),
                headers={
                    "Authorization": f"Bearer {self.api_key}",
                    "Idempotency-Key": message.idempotency_key,
                    "User-Agent": USER_AGENT,
                },
            )
        except httpx.TimeoutException:
            return _result("retry", f"timed out after {self.timeout:g}s")
        except httpx.HTTPError as error:
            return _result("retry", f"{type(error).__name__}: {redact(str(error))}")
        body = _json(response)
        if response.status_code == 200:
            email_id = body.get("id") if isinstance(body, dict) else None
            if not email_id:
                return _result("retry", "HTTP 200 without an email id")
            return SendResult("sent", PROVIDER, str(email_id))
        return classify_error(response.status_code, body, message.destination)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def classify_error(status: int, body: Any, destination: str | None = None) -> SendResult:
    """A Resend error response (`{statusCode, name, message}`) as an outcome."""
    name = str(body.get("name") or "") if isinstance(body, dict) else ""
    text = str(body.get("message") or "") if isinstance(body, dict) else ""
    described = f"{name or 'error'} (HTTP {status})"
    if text:
        described += f": {redact(text, destination)}"
    if name == "invalid_idempotent_request":
        # Resend keeps a key only for a request it processed: an email already went out for this
        # delivery (with the payload of an earlier attempt). Sending again would be the duplicate.
        return SendResult("sent", PROVIDER, None, f"resend {described}")
    if name in _RETRYABLE_ERRORS or name in _CONFIG_ERRORS or status in (401, 403, 408, 409, 429) or status >= 500:
        return _result("retry", described)
    if name == "validation_error" and _TO_FIELD.search(text):
        return _result("rejected", described)
    if status in (400, 422):
        return _result("undeliverable", described)
    if 400 <= status < 500:
        return _result("retry", described)
    return _result("retry", f"unexpected HTTP {status}")


def _result(outcome: Outcome, error: str) -> SendResult:
    return SendResult(outcome, PROVIDER, None, f"resend {error}")


def _tag(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", value)[:256]


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
