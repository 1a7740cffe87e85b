"""A fake of Resend's email API at the HTTP boundary: a real local HTTP server that ResendEmail
talks to as it talks to api.resend.com.

    POST /emails   Authorization: Bearer re_...; Idempotency-Key: <1-256 chars>
      JSON {from, to (string or list), subject, html | text, headers, tags, ...}
      200 -> {"id": "<uuid>"}
      4xx/5xx -> {"statusCode", "name", "message"}

Idempotency as Resend honours it (24 hours, not modelled): the same key with the same payload ->
the first answer again (same id) and no second email; the same key with another payload -> 409
`invalid_idempotent_request`; a refused request keeps no key, so it can be corrected and sent
again under the same key. `concurrent_idempotent_requests` is injected with `fail_next`.

`emails` holds each email Resend accepted (once per key), for tests asserting exactly-once.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import uuid
from typing import Any

from tests.support.fake_http import FakeHttpServer, RecordedRequest, Reply

__all__ = ["FakeResend", "resend_error"]

_ADDRESS = re.compile(r"^(?:[^<>]*<)?([^@\s<>]+@[^@\s<>]+\.[^@\s<>]+)>?$")
ERRORS = {
    "missing_api_key": (401, "Missing API key in the authorization header"),
    "invalid_api_key": (403, "API key is invalid"),
    "invalid_idempotency_key": (400, "The key must be between 1-256 chars."),
    "invalid_idempotent_request": (
        409,
        "Same idempotency key used with a different request payload. Change your idempotency key or payload.",
    ),
    "concurrent_idempotent_requests": (
        409,
        "Same idempotency key used while original request is still in progress. Try the request again later.",
    ),
    "rate_limit_exceeded": (429, "Too many requests. You can only make 2 requests per second."),
    "daily_quota_exceeded": (429, "You have reached your daily email sending quota."),
    "application_error": (500, "An unexpected error occurred."),
}


def resend_error(name: str, message: str | None = None, status: int | None = None) -> dict[str, Any]:
    """Resend's error body."""
    default_status, default_message = ERRORS.get(name, (422, ""))
    return {"statusCode": status or default_status, "name": name, "message": message or default_message}


class FakeResend(FakeHttpServer):
    name = "fake Resend"

    def __init__(self, *, api_key: str | None = None) -> None:
        super().__init__()
        self.api_key = api_key or "re_" + secrets.token_urlsafe(24)
        self.sender = "Marketbase <notifications@marketbase.test>"
        self.emails: list[dict[str, Any]] = []  # what Resend accepted, with its id
        self._idempotent: dict[str, tuple[str, dict[str, Any]]] = {}  # key -> (payload, answer)

    def adapter(self, **options: Any) -> Any:
        """A ResendEmail pointed at this fake."""
        from functions.notifications.channels.resend_email import ResendEmail

        return ResendEmail(self.api_key, options.pop("sender", self.sender), base_url=self.url, **options)

    def fail_with(self, name: str, *, message: str | None = None, status: int | None = None, **options: Any) -> None:
        """The next request fails with one of Resend's named errors."""
        body = resend_error(name, message, status)
        self.fail_next(body["statusCode"], body=body, **options)

    def _error_body(self, status: int) -> Any:
        name = {429: "rate_limit_exceeded"}.get(status, "application_error" if status >= 500 else "validation_error")
        return resend_error(name, status=status, message=None if status >= 429 else "Injected failure")

    def _route(self, request: RecordedRequest) -> Reply:
        supplied = request.bearer
        if not supplied:
            return 401, resend_error("missing_api_key"), {}
        if supplied != self.api_key:
            return 403, resend_error("invalid_api_key"), {}
        if (request.method, request.path) != ("POST", "/emails"):
            return 404, resend_error("not_found", "The requested endpoint does not exist.", 404), {}
        key = request.idempotency_key
        if key is not None and not 1 <= len(key) <= 256:
            return 400, resend_error("invalid_idempotency_key"), {}
        payload = request.json if isinstance(request.json, dict) else None
        if payload is None:
            return 422, resend_error("validation_error", "Invalid JSON body.", 422), {}
        canonical = json.dumps(payload, sort_keys=True)
        if key is not None and key in self._idempotent:
            first, answer = self._idempotent[key]
            if first != canonical:
                return 409, resend_error("invalid_idempotent_request"), {}
            request.replayed = True
            return 200, copy.deepcopy(answer), {}
        refusal = self._validate(payload)
        if refusal is not None:
            return 422, refusal, {}
        answer = {"id": str(uuid.uuid4())}
        self.emails.append({"id": answer["id"], "idempotency_key": key, **copy.deepcopy(payload)})
        if key is not None:
            self._idempotent[key] = (canonical, answer)
        return 200, copy.deepcopy(answer), {}

    def _validate(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        for field in ("from", "to", "subject"):
            if not payload.get(field):
                return resend_error("missing_required_field", f"Missing `{field}` field.", 422)
        if not _ADDRESS.match(str(payload["from"])):
            return resend_error(
                "validation_error",
                "Invalid `from` field. The email address needs to follow the `email@example.com` or "
                "`Name <email@example.com>` format.",
                422,
            )
        recipients = payload["to"] if isinstance(payload["to"], list) else [payload["to"]]
        if len(recipients) > 50 or not all(isinstance(r, str) and _ADDRESS.match(r) for r in recipients):
            return resend_error(
                "validation_error",
                "Invalid `to` field. The email address needs to follow the `email@example.com` or "
                "`Name <email@example.com>` format.",
                422,
            )
        if not payload.get("html") and not payload.get("text"):
            return resend_error("validation_error", "Missing `html` or `text` field.", 422)
        for tag in payload.get("tags") or []:
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(tag.get("name", ""))) or not re.fullmatch(
                r"[A-Za-z0-9_-]{1,256}", str(tag.get("value", ""))
            ):
                return resend_error(
                    "validation_error", "Tags should only contain ASCII letters, numbers, underscores, or dashes.", 422
                )
        return None
