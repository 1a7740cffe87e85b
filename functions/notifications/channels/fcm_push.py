"""Push over Firebase Cloud Messaging's HTTP v1 API.

`POST https://fcm.googleapis.com/v1/projects/{project}/messages:send` with `{"message": {token,
notification: {title, body}, data: {string: string}, android, apns, webpush}}` and an OAuth 2
access token. FCM answers `{"name": "projects/{project}/messages/{id}"}` or a google.rpc.Status
error `{"error": {code, message, status, details: [...]}}` whose details may hold a
`type.googleapis.com/google.firebase.fcm.v1.FcmError` with an `errorCode`, classified:

- `UNREGISTERED` (404: the app was uninstalled or the token expired) and `INVALID_ARGUMENT`
  about the token itself ("not a valid FCM registration token", a `message.token` field
  violation) -> `gone`: the token is deleted;
- `INVALID_ARGUMENT` about anything else (the payload: too big, a bad data value) and any other
  4xx but those below -> `undeliverable`: the same message would be refused again, so it dies at once;
  the token is kept;
- `SENDER_ID_MISMATCH` (403, the token belongs to another Firebase project than ours) -> `retry`,
  neither `gone` nor dead at once: most likely our FCM_PROJECT_ID or service account is the wrong
  one, which would otherwise delete (or drop the pushes of) every token it touched; a stale token
  of an old project dies after its attempts;
- `QUOTA_EXCEEDED` (429), `UNAVAILABLE` (503), `INTERNAL` (500), timeouts, connection errors,
  `THIRD_PARTY_AUTH_ERROR` (401, the APNs certificate or web push key) and other auth or
  permission errors -> `retry`. A 401 for our access token gets one immediate new token first.

The access token comes from the service account by the JWT bearer grant (RFC 7523): an RS256
JWT `{iss: client_email, scope: firebase.messaging, aud: token_uri, iat, exp}` signed with the
account's private key, posted to its `token_uri`. It is cached until a minute before it expires.

FCM takes no idempotency key. A retried push carries the delivery's key as the notification's
Android tag, APNs collapse id and Web Push topic, so a duplicate replaces the first on the device
instead of showing twice.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from . import Message, Outcome, SendResult, redact

if TYPE_CHECKING:
    import httpx

__all__ = ["FCM_SCOPE", "FcmPush", "TokenError", "classify_error"]

PROVIDER = "fcm"
FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"
FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
ASSERTION_LIFETIME = 3600  # Google's maximum
EXPIRY_MARGIN = 60  # renew the access token this long before it expires
HIGH_PRIORITY = 5  # deliveries at or above this priority wake the device


class TokenError(Exception):
    """The OAuth token endpoint did not give an access token."""


class FcmPush:
    provider = PROVIDER

    def __init__(
        self,
        project_id: str,
        service_account: Mapping[str, Any],
        base_url: str = "https://fcm.googleapis.com",
        token_url: str | None = None,
        client: httpx.Client | None = None,
        *,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        for key in ("client_email", "private_key"):
            if not service_account.get(key):
                raise ValueError(f"the FCM service account has no {key}")
        self.project_id = project_id
        self.service_account = dict(service_account)
        self.base_url = base_url.rstrip("/")
        self.token_url = token_url or self.service_account.get("token_uri") or DEFAULT_TOKEN_URL
        self.timeout = timeout
        self.clock = clock
        self._client = client
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"{self.base_url}/v1/projects/{self.project_id}/messages:send"

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0)))
        return self._client

    # --- the OAuth 2 access token ---------------------------------------------------------------

    def assertion(self) -> str:
        """The signed JWT the token endpoint exchanges for an access token."""
        import jwt

        now = int(self.clock())
        claims = {
            "iss": self.service_account["client_email"],
            "scope": FCM_SCOPE,
            "aud": self.token_url,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME,
        }
        headers = (
            {"kid": self.service_account["private_key_id"]} if self.service_account.get("private_key_id") else None
        )
        return jwt.encode(claims, self.service_account["private_key"], algorithm="RS256", headers=headers)

    def access_token(self) -> str:
        """A cached access token, or a new one when it is missing or about to expire."""
        with self._lock:
            if self._token and self.clock() < self._token_expires_at - EXPIRY_MARGIN:
                return self._token
            requested_at = self.clock()
            response = self.client.post(
                self.token_url,
                data={"grant_type": JWT_BEARER, "assertion": self.assertion()},
                headers={"Accept": "application/json"},
            )
            body = _json(response)
            if response.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
                error = body.get("error") if isinstance(body, dict) else None
                description = body.get("error_description") if isinstance(body, dict) else None
                detail = f"{error}: {description}" if error else f"HTTP {response.status_code}"
                raise TokenError(f"token endpoint refused: {redact(str(detail))}")
            self._token = str(body["access_token"])
            self._token_expires_at = requested_at + float(body.get("expires_in") or 3600)
            return self._token

    def forget_token(self) -> None:
        with self._lock:
            self._token, self._token_expires_at = None, 0.0

    # --- the message ----------------------------------------------------------------------------

    def payload(self, message: Message) -> dict[str, Any]:
        high = message.priority >= HIGH_PRIORITY
        key = message.idempotency_key
        fcm: dict[str, Any] = {
            "token": message.destination,
            "notification": {"title": message.title, "body": message.body},
            "data": {str(k): str(v) for k, v in message.data.items()},
            "android": {"priority": "high" if high else "normal", "notification": {"tag": key}},
            "apns": {"headers": {"apns-priority": "10" if high else "5", "apns-collapse-id": _collapse_id(key)}},
            "webpush": {"headers": {"Urgency": "high" if high else "normal", "Topic": _topic(key)}},
        }
        if message.action_url and message.action_url.startswith("https://"):
            fcm["webpush"]["fcm_options"] = {"link": message.action_url}  # FCM takes only HTTPS links
        return {"message": fcm}

    def send(self, message: Message) -> SendResult:
        if message.channel != "push":
            raise ValueError(f"FcmPush cannot send a {message.channel} message")
        import httpx

        payload = self.payload(message)
        try:
            for attempt in range(2):
                response = self.client.post(
                    self.url, json=payload, headers={"Authorization": f"Bearer {self.access_token()}"}
                )
                if response.status_code == 401 and attempt == 0 and _token_refused(_json(response)):
                    self.forget_token()  # revoked or expired early: one new token, one more try
                    continue
                break
        except TokenError as error:
            return _result("retry", str(error))
        except httpx.TimeoutException:
            return _result("retry", f"timed out after {self.timeout:g}s")
        except httpx.HTTPError as error:
            return _result("retry", f"{type(error).__name__}: {redact(str(error))}")
        body = _json(response)
        if response.status_code == 200:
            name = body.get("name") if isinstance(body, dict) else None
            if not name:
                return _result("retry", "HTTP 200 without a message name")
            return SendResult("sent", PROVIDER, str(name))
        return classify_error(response.status_code, body, message.destination)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def classify_error(status: int, body: Any, token: str | None = None) -> SendResult:
    """An FCM error response (google.rpc.Status with FcmError details) as an outcome."""
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    details = [d for d in error.get("details") or [] if isinstance(d, dict)]
    fcm_code = next((str(d.get("errorCode")) for d in details if d.get("@type") == FCM_ERROR_TYPE), None)
    rpc_status = str(error.get("status") or "")
    message = str(error.get("message") or "")
    code = fcm_code or rpc_status or f"HTTP {status}"
    described = f"{code} (HTTP {status})" + (f": {redact(message, token)}" if message else "")

    if code == "UNREGISTERED":
        return _result("gone", described)
    if code == "INVALID_ARGUMENT":
        fields = [
            str(violation.get("field") or "")
            for d in details
            if d.get("@type") == BAD_REQUEST_TYPE
            for violation in d.get("fieldViolations") or []
            if isinstance(violation, dict)
        ]
        about_token = (bool(fields) and all(f == "message.token" for f in fields)) or (
            not fields and "registration token" in message.lower()
        )
        return _result("gone" if about_token else "undeliverable", described)
    if code == "SENDER_ID_MISMATCH" or status in (401, 403, 404, 408, 409, 429) or status >= 500:
        return _result("retry", described)
    if 400 <= status < 500:
        return _result("undeliverable", described)
    return _result("retry", f"unexpected HTTP {status}")


def _result(outcome: Outcome, error: str) -> SendResult:
    return SendResult(outcome, PROVIDER, None, f"fcm {error}")


def _token_refused(body: Any) -> bool:
    """A 401 about our access token (UNAUTHENTICATED without an FcmError), not about the APNs or
    web push credentials (THIRD_PARTY_AUTH_ERROR, also 401)."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or error.get("status") != "UNAUTHENTICATED":
        return False
    details = error.get("details") or []
    return not any(isinstance(d, dict) and d.get("@type") == FCM_ERROR_TYPE for d in details)


def _collapse_id(key: str) -> str:
    """APNs collapse ids are at most 64 bytes."""
    return key if len(key.encode()) <= 64 else hashlib.sha256(key.encode()).hexdigest()


def _topic(key: str) -> str:
    """Web Push topics are at most 32 characters of the URL-safe base64 alphabet."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
