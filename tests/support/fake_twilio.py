"""A fake of Twilio's Programmable Messaging API at the HTTP boundary: a real local HTTP server
that TwilioSms talks to as it talks to api.twilio.com.

    POST /2010-04-01/Accounts/{AccountSid}/Messages.json
      form: To, Body, and From or MessagingServiceSid; HTTP basic auth AccountSid:AuthToken
      201 -> the Message resource (sid "SM" + 32 hex, status "queued", or "accepted" with a
             messaging service, num_segments, uri, ...)
      4xx/5xx -> {"code", "message", "more_info", "status"}

It validates as Twilio does where the adapter depends on it: 20003 for bad credentials, 20404
for another account's path, 21604 without To, 21211 for a To that is not E.164, 21602 without
Body, 21617 over 1600 characters, 21603 without a sender. Numbers can be made to answer as a
carrier would (`unsubscribe(number)` -> 21610, `landline(number)` -> 21614), and `sent` holds
every message Twilio accepted.
"""

from __future__ import annotations

import re
import secrets
from email.utils import formatdate
from typing import Any

from tests.support.fake_http import FakeHttpServer, RecordedRequest, Reply

__all__ = ["FakeTwilio", "twilio_error"]

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
GSM_CHARS = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)
MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource {path} was not found",
    20429: "Too Many Requests",
    21211: "The 'To' number {to} is not a valid phone number.",
    21602: "Message body is required.",
    21603: "A 'From' or 'MessagingServiceSid' parameter is required to send a message.",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
}


def twilio_error(status: int, code: int, message: str | None = None, **values: str) -> dict[str, Any]:
    """Twilio's error body."""
    text = message or MESSAGES.get(code, "Error").format(**{"to": "", "path": "", **values})
    return {"code": code, "message": text, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


def segments(body: str) -> int:
    """How many SMS segments a body takes (GSM-7: 160, or 153 each when split; UCS-2: 70 / 67)."""
    single, multi = (160, 153) if set(body) <= GSM_CHARS else (70, 67)
    return 1 if len(body) <= single else -(-len(body) // multi)


class FakeTwilio(FakeHttpServer):
    name = "fake Twilio"

    def __init__(self, *, account_sid: str | None = None, auth_token: str | None = None) -> None:
        super().__init__()
        self.account_sid = account_sid or "AC" + secrets.token_hex(16)
        self.auth_token = auth_token or secrets.token_hex(16)
        self.from_number = "+15005550006"
        self.messaging_service_sid = "MG" + secrets.token_hex(16)
        self.sent: list[dict[str, Any]] = []
        self.unsubscribed: set[str] = set()
        self.landlines: set[str] = set()

    @property
    def messages_path(self) -> str:
        return f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def adapter(self, **options: Any) -> Any:
        """A TwilioSms pointed at this fake (a From number unless told otherwise)."""
        from functions.notifications.channels.twilio_sms import TwilioSms

        options.setdefault("from_number", None if options.get("messaging_service_sid") else self.from_number)
        return TwilioSms(self.account_sid, self.auth_token, base_url=self.url, **options)

    def unsubscribe(self, number: str) -> None:
        """The number replied STOP: Twilio refuses to send to it (21610)."""
        self.unsubscribed.add(number)

    def landline(self, number: str) -> None:
        """The number is a landline: Twilio refuses SMS to it (21614)."""
        self.landlines.add(number)

    def _error_body(self, status: int) -> Any:
        if status == 429:
            return twilio_error(429, 20429)
        if status >= 500:
            return twilio_error(status, 20500, "Internal Server Error")
        return twilio_error(status, 21000 + status, "Injected failure")

    def _route(self, request: RecordedRequest) -> Reply:
        headers = {"Twilio-Request-Id": "RQ" + secrets.token_hex(16)}
        auth = request.basic_auth
        if auth != (self.account_sid, self.auth_token):
            return 401, twilio_error(401, 20003), {**headers, "WWW-Authenticate": 'Basic realm="Twilio API"'}
        match = re.fullmatch(r"/2010-04-01/Accounts/([^/]+)/Messages\.json", request.path)
        if request.method != "POST" or match is None or match.group(1) != self.account_sid:
            return 404, twilio_error(404, 20404, path=request.path), headers
        form = request.form
        to, body = form.get("To", ""), form.get("Body", "")
        sender, service = form.get("From") or None, form.get("MessagingServiceSid") or None
        if not to:
            return 400, twilio_error(400, 21604), headers
        if not E164.match(to):
            return 400, twilio_error(400, 21211, to=to), headers
        if not body:
            return 400, twilio_error(400, 21602), headers
        if len(body) > 1600:
            return 400, twilio_error(400, 21617), headers
        if not sender and not service:
            return 400, twilio_error(400, 21603), headers
        if to in self.unsubscribed:
            return 400, twilio_error(400, 21610), headers
        if to in self.landlines:
            return 400, twilio_error(400, 21614), headers
        sid = "SM" + secrets.token_hex(16)
        now = formatdate(usegmt=True).replace("GMT", "+0000")
        resource = {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": sender,
            "messaging_service_sid": service,
            "num_media": "0",
            "num_segments": str(segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if service else "queued",
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"},
            "to": to,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }
        self.sent.append(resource)
        return 201, resource, headers
