"""A fake of Firebase Cloud Messaging's HTTP v1 API and of Google's OAuth 2 token endpoint, at the
HTTP boundary: a real local HTTP server that FcmPush talks to as it talks to fcm.googleapis.com
and oauth2.googleapis.com.

    POST /token   form grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer, assertion=<JWT>
      The assertion is verified as Google does: RS256 with the service account's public key (found
      by the `kid` header), iss = the account's client_email, aud = the token URI, the FCM scope,
      exp - iat at most an hour. 200 -> {access_token, expires_in: 3599, token_type: "Bearer"};
      400 -> {error: invalid_grant | invalid_scope | unsupported_grant_type, error_description}.

    POST /v1/projects/{project}/messages:send   Authorization: Bearer <access token>
      JSON {"message": {token, notification, data (strings only), android, apns, webpush}}
      200 -> {"name": "projects/{project}/messages/0:..."}
      errors -> google.rpc.Status {"error": {code, message, status, details: [FcmError |
      BadRequest]}}: 401 UNAUTHENTICATED for a missing, unknown or expired access token,
      UNREGISTERED for `unregister(token)`, INVALID_ARGUMENT for a malformed token or payload,
      SENDER_ID_MISMATCH for `other_sender(token)`; `fail_with(errorCode)` injects the others.

`service_account()` is a service account JSON whose token_uri points here, with a fresh RSA key;
`delivered` holds each message FCM accepted.
"""

from __future__ import annotations

import copy
import re
import secrets
import time
from collections.abc import Callable
from functools import cache
from typing import Any

from tests.support.fake_http import FakeHttpServer, RecordedRequest, Reply

__all__ = ["FakeFcm", "device_token", "fcm_error"]

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
RPC_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
FCM_ERRORS = {  # errorCode -> (HTTP status, message)
    "UNREGISTERED": (404, "Requested entity was not found."),
    "INVALID_ARGUMENT": (400, "The registration token is not a valid FCM registration token"),
    "SENDER_ID_MISMATCH": (403, "SenderId mismatch"),
    "QUOTA_EXCEEDED": (429, "Quota exceeded for quota metric 'Send requests' of service 'fcm.googleapis.com'."),
    "UNAVAILABLE": (503, "The service is currently unavailable."),
    "INTERNAL": (500, "Internal error encountered."),
    "THIRD_PARTY_AUTH_ERROR": (401, "Auth error from APNS or Web Push Service"),
}
UNAUTHENTICATED = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid "
    "authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{11,}:[A-Za-z0-9_-]{100,}$")
_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def fcm_error(error_code: str, message: str | None = None, status: int | None = None) -> dict[str, Any]:
    """FCM's error body: a google.rpc.Status with an FcmError detail."""
    default_status, default_message = FCM_ERRORS.get(error_code, (400, "Request contains an invalid argument."))
    status = status or default_status
    return {
        "error": {
            "code": status,
            "message": message or default_message,
            "status": RPC_STATUS.get(status, "UNKNOWN"),
            "details": [{"@type": FCM_ERROR_TYPE, "errorCode": error_code}],
        }
    }


def bad_request(field: str, description: str) -> dict[str, Any]:
    """FCM's answer to an invalid field: INVALID_ARGUMENT with a google.rpc.BadRequest detail."""
    return {
        "error": {
            "code": 400,
            "message": description,
            "status": "INVALID_ARGUMENT",
            "details": [{"@type": BAD_REQUEST_TYPE, "fieldViolations": [{"field": field, "description": description}]}],
        }
    }


def device_token() -> str:
    """A registration token shaped like the ones the Firebase SDKs hand to apps."""
    return secrets.token_urlsafe(16)[:22] + ":APA91b" + secrets.token_urlsafe(120)[:134]


@cache
def _private_key_pem() -> tuple[str, str]:
    """One RSA key per test run (generating one takes a while): private PEM, public PEM."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class FakeFcm(FakeHttpServer):
    name = "fake FCM"
    server_header = "ESF"

    def __init__(
        self, *, project_id: str = "marketbase-test", token_lifetime: int = 3599, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__()
        self.project_id = project_id
        self.clock = clock  # Google's clock: share the adapter's to move both through an hour
        self.token_lifetime = token_lifetime
        self.private_key, self.public_key = _private_key_pem()
        self.private_key_id = secrets.token_hex(20)
        self.client_email = f"firebase-adminsdk-fbsvc@{project_id}.iam.gserviceaccount.com"
        self.access_tokens: dict[str, float] = {}  # token -> expires at (epoch seconds)
        self.assertions: list[dict[str, Any]] = []  # the verified JWT claims, in order
        self.delivered: list[dict[str, Any]] = []
        self.unregistered: set[str] = set()
        self.other_senders: set[str] = set()

    # --- the test's handles ---------------------------------------------------------------------

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    @property
    def send_path(self) -> str:
        return f"/v1/projects/{self.project_id}/messages:send"

    def service_account(self) -> dict[str, str]:
        """The service account JSON a Firebase console download holds, its token_uri this fake."""
        return {
            "type": "service_account",
            "project_id": self.project_id,
            "private_key_id": self.private_key_id,
            "private_key": self.private_key,
            "client_email": self.client_email,
            "client_id": "1" + "".join(secrets.choice("0123456789") for _ in range(20)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{self.client_email}",
            "universe_domain": "googleapis.com",
        }

    def adapter(self, **options: Any) -> Any:
        """An FcmPush pointed at this fake."""
        from functions.notifications.channels.fcm_push import FcmPush

        return FcmPush(
            self.project_id, options.pop("service_account", self.service_account()), base_url=self.url, **options
        )

    def unregister(self, token: str) -> None:
        """The app was uninstalled: FCM answers UNREGISTERED for this token."""
        self.unregistered.add(token)

    def other_sender(self, token: str) -> None:
        """The token belongs to another Firebase project: SENDER_ID_MISMATCH."""
        self.other_senders.add(token)

    def revoke_tokens(self) -> None:
        """Every access token issued so far stops working (401 UNAUTHENTICATED)."""
        with self._lock:
            self.access_tokens.clear()

    def fail_with(
        self, error_code: str, *, message: str | None = None, status: int | None = None, **options: Any
    ) -> None:
        """The next send fails with an FcmError."""
        body = fcm_error(error_code, message, status)
        options.setdefault("path", re.escape(self.send_path))
        self.fail_next(body["error"]["code"], body=body, **options)

    def _error_body(self, status: int) -> Any:
        code = {400: "INVALID_ARGUMENT", 401: "THIRD_PARTY_AUTH_ERROR", 403: "SENDER_ID_MISMATCH"}.get(status)
        code = code or {404: "UNREGISTERED", 429: "QUOTA_EXCEEDED", 503: "UNAVAILABLE"}.get(status, "INTERNAL")
        return fcm_error(code, status=status)

    # --- HTTP -----------------------------------------------------------------------------------

    def _route(self, request: RecordedRequest) -> Reply:
        if (request.method, request.path) == ("POST", "/token"):
            return self._token(request)
        match = re.fullmatch(r"/v1/projects/([^/]+)/messages:send", request.path)
        if request.method == "POST" and match:
            return self._send(request, match.group(1))
        return 404, {"error": {"code": 404, "message": "Not Found", "status": "NOT_FOUND"}}, {}

    def _token(self, request: RecordedRequest) -> Reply:
        import jwt

        def refuse(error: str, description: str) -> Reply:
            return 400, {"error": error, "error_description": description}, {}

        if request.form.get("grant_type") != JWT_BEARER:
            return refuse("unsupported_grant_type", f"Invalid grant_type: {request.form.get('grant_type', '')}")
        assertion = request.form.get("assertion", "")
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.InvalidTokenError:
            return refuse("invalid_request", "Invalid JWT: malformed token")
        if header.get("alg") != "RS256" or header.get("kid") not in (None, self.private_key_id):
            return refuse("invalid_grant", "Invalid JWT Signature.")
        try:
            claims = jwt.decode(
                assertion,
                self.public_key,
                algorithms=["RS256"],
                audience=self.token_uri,
                options={"require": ["iss", "aud", "iat", "exp"], "verify_exp": False, "verify_iat": False},
            )
        except jwt.InvalidSignatureError:
            return refuse("invalid_grant", "Invalid JWT Signature.")
        except jwt.InvalidAudienceError:
            expected = f"Invalid JWT: Failed audience check. The expected audience is {self.token_uri}."
            return refuse("invalid_grant", expected)
        except jwt.InvalidTokenError:
            return refuse(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
                "Check your iat and exp values in the JWT claim.",
            )
        if claims["iss"] != self.client_email:
            return refuse("invalid_grant", "Invalid grant: account not found")
        now = self.clock()
        if not (int(claims["iat"]) - 60 <= now < int(claims["exp"])) or int(claims["exp"]) - int(claims["iat"]) > 3600:
            return refuse(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
                "Check your iat and exp values in the JWT claim.",
            )
        if FCM_SCOPE not in str(claims.get("scope", "")).split():
            return refuse("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        self.assertions.append(dict(claims))
        access_token = "ya29.c." + secrets.token_urlsafe(90)
        self.access_tokens[access_token] = now + self.token_lifetime
        return 200, {"access_token": access_token, "expires_in": self.token_lifetime, "token_type": "Bearer"}, {}

    def _send(self, request: RecordedRequest, project: str) -> Reply:
        bearer = request.bearer
        if not bearer or self.access_tokens.get(bearer, 0) <= self.clock():
            unauthenticated = {"error": {"code": 401, "message": UNAUTHENTICATED, "status": "UNAUTHENTICATED"}}
            return 401, unauthenticated, {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
        if project != self.project_id:
            denied = (
                f"Permission 'cloudmessaging.messages.create' denied on resource "
                f"'//cloudresourcemanager.googleapis.com/projects/{project}' (or it may not exist)."
            )
            return 403, {"error": {"code": 403, "message": denied, "status": "PERMISSION_DENIED"}}, {}
        body = request.json if isinstance(request.json, dict) else {}
        message = body.get("message")
        if not isinstance(message, dict):
            root = 'Invalid JSON payload received. Unknown name "": Root element must be a message.'
            return 400, bad_request("message", root), {}
        refusal = self._validate(message)
        if refusal is not None:
            return 400, refusal, {}
        token = message["token"]
        if not _TOKEN.match(token):
            return 400, fcm_error("INVALID_ARGUMENT"), {}
        if token in self.unregistered:
            return 404, fcm_error("UNREGISTERED"), {}
        if token in self.other_senders:
            return 403, fcm_error("SENDER_ID_MISMATCH"), {}
        name = f"projects/{self.project_id}/messages/0:{int(self.clock() * 1000)}%{secrets.token_hex(8)}"
        self.delivered.append({"name": name, **copy.deepcopy(message)})
        return 200, {"name": name}, {}

    def _validate(self, message: dict[str, Any]) -> dict[str, Any] | None:
        targets = [key for key in ("token", "topic", "condition") if key in message]
        if targets != ["token"] or not isinstance(message["token"], str):
            return bad_request("message", "Invalid value at 'message' (oneof field 'target' is already set or missing)")
        data = message.get("data") or {}
        for index, (key, value) in enumerate(data.items()):
            if not isinstance(value, str):
                return bad_request(
                    f"message.data[{index}].value",
                    f"Invalid value at 'message.data[{index}].value' (TYPE_STRING), {value}",
                )
            if key in ("from", "notification", "message_type") or key.startswith(("google", "gcm")):
                return fcm_error("INVALID_ARGUMENT", f"Invalid data payload key: {key}")
        if sum(len(k.encode()) + len(v.encode()) for k, v in data.items()) > 4096:
            return fcm_error("INVALID_ARGUMENT", "Message is too big")
        android = message.get("android") or {}
        if str(android.get("priority", "normal")).lower() not in ("normal", "high"):
            return bad_request("message.android.priority", "Invalid value at 'message.android.priority'")
        for name, value in ((message.get("apns") or {}).get("headers") or {}).items():
            if not isinstance(value, str):
                return bad_request(f"message.apns.headers[{name}]", "Invalid value: APNs header values must be strings")
        webpush = message.get("webpush") or {}
        topic = (webpush.get("headers") or {}).get("Topic")
        if topic is not None and not _TOPIC.match(str(topic)):
            return bad_request("message.webpush.headers", "Invalid Topic header")
        link = (webpush.get("fcm_options") or {}).get("link")
        if link is not None and not str(link).startswith("https://"):
            return fcm_error("INVALID_ARGUMENT", "The link must be a HTTPS URL")
        return None
