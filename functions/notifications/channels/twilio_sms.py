"""SMS over Twilio's Programmable Messaging API.

`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded `To`, `Body` and either
`From` (a Twilio number) or `MessagingServiceSid`, HTTP basic auth with the account SID and auth
token. Twilio answers 201 with the Message resource (`sid` "SM...", `status` queued or accepted)
or an error `{code, message, more_info, status}`, classified by its code:

- the number itself is wrong or refuses us (21211 invalid, 21214 unreachable, 21408 region not
  enabled, 21608 unverified on a trial account, 21610 unsubscribed with STOP, 21612 not reachable
  by SMS, 21614 not a mobile number) -> `rejected`;
- the message can never be sent, to any number (21602 no body, 21617 body over 1600
  characters, 21619 neither body nor media) -> `undeliverable`: dead at once, the number not blamed;
- rate limits and queue overflow (HTTP 429, 20429, 21611), 5xx, timeouts, connection errors and
  our own configuration (20003 authentication, 20404 unknown account, 21606/21659 a From that
  cannot send, 21603/21705 no valid sender) -> `retry`;
- any other 4xx -> `undeliverable`: the same request would be refused again, and nothing says the
  number is why.

Twilio's Messages API takes no idempotency key: a retry after a lost response may send a second
SMS. The dispatcher records each result as soon as it has it, which keeps that window small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import Message, Outcome, SendResult, redact

if TYPE_CHECKING:
    import httpx

__all__ = ["MAX_BODY", "MESSAGE_CODES", "PERMANENT_CODES", "RETRYABLE_CODES", "TwilioSms"]

PROVIDER = "twilio"
MAX_BODY = 1600  # Twilio refuses longer bodies (21617)

PERMANENT_CODES = {  # the number
    21211: "invalid 'To' phone number",
    21214: "'To' phone number cannot be reached",
    21408: "sending to this region is not enabled",
    21608: "'To' number is unverified (trial account)",
    21610: "recipient has unsubscribed (STOP)",
    21612: "'To' number is not reachable via SMS",
    21614: "'To' number is not a mobile number",
}
MESSAGE_CODES = {  # the message
    21602: "message body is required",
    21617: "message body exceeds 1600 characters",
    21619: "a text message body or media url is required",
}
RETRYABLE_CODES = {
    20003: "authentication failed (check TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN)",
    20005: "account not active",
    20404: "resource not found (check TWILIO_ACCOUNT_SID)",
    20429: "too many requests",
    21603: "a 'From' number or MessagingServiceSid is required",
    21606: "the 'From' number cannot send SMS",
    21611: "the 'From' number's queue is full",
    21659: "the 'From' number is not a Twilio number",
    21705: "the messaging service is invalid",
}


class TwilioSms:
    provider = PROVIDER

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        base_url: str = "https://api.twilio.com",
        client: httpx.Client | None = None,
        *,
        timeout: float = 10.0,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("TwilioSms needs a from_number or a messaging_service_sid")
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._client = client

    @property
    def url(self) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0)))
        return self._client

    def form(self, message: Message) -> dict[str, str]:
        body = message.body if len(message.body) <= MAX_BODY else message.body[: MAX_BODY - 1] + "…"
        form = {"To": message.destination, "Body": body}
        # A messaging service picks the sender itself (and handles opt-outs, geo-matching).
        if self.messaging_service_sid:
            form["MessagingServiceSid"] = self.messaging_service_sid
        else:
            form["From"] = self.from_number or ""
        return form

    def send(self, message: Message) -> SendResult:
        if message.channel != "sms":
            raise ValueError(f"TwilioSms cannot send a {message.channel} message")
        import httpx

        try:
            response = self.client.post(
                self.url,
                data=self.form(message),
                auth=(self.account_sid, self.auth_token),
                headers={"Accept": "application/json"},
            )
        except httpx.TimeoutException:
            return _result("retry", f"timed out after {self.timeout:g}s")
        except httpx.HTTPError as error:
            return _result("retry", f"{type(error).__name__}: {redact(str(error))}")
        body = _json(response)
        if response.status_code in (200, 201):
            sid = body.get("sid") if isinstance(body, dict) else None
            if not sid:
                return _result("retry", f"HTTP {response.status_code} without a message sid")
            if body.get("status") in ("failed", "undelivered"):
                code = body.get("error_code")
                return SendResult("rejected", PROVIDER, sid, f"twilio: message {body['status']} (error {code})")
            return SendResult("sent", PROVIDER, sid)
        return classify_error(response.status_code, body, message.destination)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def classify_error(status: int, body: Any, destination: str | None = None) -> SendResult:
    """A Twilio error response (`{code, message, more_info, status}`) as an outcome."""
    code = body.get("code") if isinstance(body, dict) else None
    code = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
    if code in PERMANENT_CODES:
        return _result("rejected", f"{code} {PERMANENT_CODES[code]}")
    if code in MESSAGE_CODES:
        return _result("undeliverable", f"{code} {MESSAGE_CODES[code]}")
    if code in RETRYABLE_CODES:
        return _result("retry", f"{code} {RETRYABLE_CODES[code]}")
    described = f"{code} error (HTTP {status})" if code else f"error (HTTP {status})"
    if status in (401, 403, 408, 409, 429) or status >= 500:
        return _result("retry", described)
    if 400 <= status < 500:
        message = body.get("message") if isinstance(body, dict) else None
        detail = f": {redact(str(message), destination)}" if message else ""
        return _result("undeliverable", f"{described}{detail}")
    return _result("retry", f"unexpected HTTP {status}")


def _result(outcome: Outcome, error: str) -> SendResult:
    return SendResult(outcome, PROVIDER, None, f"twilio {error}")


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
