"""A fake of PayPal's REST API at the HTTP boundary: a real local HTTP server that PayPalGateway
talks to as it talks to api-m.sandbox.paypal.com, in PayPal's wire format.

    POST /v1/oauth2/token                       Basic client_id:secret, grant_type=client_credentials
    POST /v2/checkout/orders                    create (PayPal-Request-Id, Prefer)
    GET  /v2/checkout/orders/{id}
    POST /v2/checkout/orders/{id}/capture       (PayPal-Request-Id, Prefer)
    GET  /v2/payments/captures/{id}
    POST /v2/payments/captures/{id}/refund      (PayPal-Request-Id, Prefer)
    GET  /v2/payments/refunds/{id}
    POST /v1/notifications/verify-webhook-signature

Shapes are PayPal's: the Orders v2, Payments v2 and Webhooks v1 OpenAPI documents
(github.com/paypal/paypal-rest-api-specifications, openapi/*.json: request and response schemas,
the error names, messages and `details[].issue` values per endpoint) and the sample events of
developer.paypal.com's webhook pages. What it promises, as PayPal does:

- OAuth: a token for the configured credentials (else 401 invalid_client); every API call needs
  `Authorization: Bearer <token>` (missing: 401 AUTHENTICATION_FAILURE; unknown or expired: 401
  invalid_token). `expire_tokens()` forgets the issued tokens, as PayPal may before expires_in.
- Orders: created PAYER_ACTION_REQUIRED with a `payer-action` link when the request has
  `payment_source.paypal.experience_context`, else CREATED with an `approve` link; the buyer's
  approval on PayPal's page is `approve(order_id)`; capture makes the order COMPLETED. Capture
  before approval: 422 ORDER_NOT_APPROVED; a second capture: 422 ORDER_ALREADY_CAPTURED; a
  completed capture with the same `invoice_id` as another one: 422 DUPLICATE_INVOICE_ID (the
  account setting "block duplicate invoice ids", on by default; `block_duplicate_invoice_ids=False`).
- Amounts: `value` with at most PayPal's decimals for the currency (none for HUF, JPY, TWD, two
  otherwise): a malformed value is 400 INVALID_REQUEST / INVALID_PARAMETER_SYNTAX, too many
  decimals 422 DECIMAL_PRECISION, zero or less 422 CANNOT_BE_ZERO_OR_NEGATIVE, an unsupported
  currency 422 INVALID_CURRENCY_CODE.
- Refunds: of a COMPLETED (or partly refunded) capture, all that is left without an amount, never
  more than what is left (422 REFUND_AMOUNT_EXCEEDED; nothing left: CAPTURE_FULLY_REFUNDED).
- PayPal-Request-Id: a repeated id on the same endpoint answers the latest state of what the first
  request created (200 for orders, "PayPal returns the latest status of the previous request"),
  without doing anything again; PayPal does not compare bodies. Only successes are kept, so a
  request refused (ORDER_NOT_APPROVED) can be repeated under its id once the refusal is fixed.
- Prefer: return=representation answers the whole resource; otherwise PayPal's minimal answer.
- Failures from fake_http: `fail_next(status)` (PayPal's error body for the status), `fail_next(None)`
  (connection dropped), `fail_next(None, after=True)` (done, then the answer lost), `delay_next`.

Every webhook event PayPal would send is built in PayPal's envelope and kept in `events`, in
order: a capture emits PAYMENT.CAPTURE.COMPLETED (or .PENDING, .DECLINED), a completed refund
PAYMENT.CAPTURE.REFUNDED; `capture_event(id)` / `refund_event(id)` return the latest one about a
capture / refund. What PayPal or the buyer does on their own is driven by the test, each step
returning its event: `approve` (CHECKOUT.ORDER.APPROVED), `complete_capture` / `deny_capture` of a
pending capture (PAYMENT.CAPTURE.COMPLETED / .DENIED), `complete_refund` (PAYMENT.CAPTURE.REFUNDED),
`reverse_capture` (PAYMENT.CAPTURE.REVERSED); the next capture's or refund's outcome is set with
`decline_next_capture`, `pend_next_capture`, `pend_next_refund`. `delivery(event)` is the body and
headers of PayPal's POST to a webhook; verify-webhook-signature answers SUCCESS only for exactly
such a delivery (headers and event unchanged) to the webhook id it was made for.

    with FakePayPal() as fake:
        gateway = fake.gateway()
        order = gateway.create_order(...)
        fake.approve(order.id)
        capture = gateway.capture_order(order_id=order.id, request_id="...")
        body, headers = fake.delivery(fake.capture_event(capture.id))
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import re
import secrets
import string
import uuid
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tests.support.fake_http import FakeHttpServer, RecordedRequest, Reply

__all__ = ["FakePayPal", "PAYPAL_CURRENCIES", "paypal_error"]

# https://developer.paypal.com/docs/api/reference/currency-codes/
PAYPAL_CURRENCIES = frozenset({
    "AUD", "BRL", "CAD", "CNY", "CZK", "DKK", "EUR", "HKD", "HUF", "ILS", "JPY", "MYR", "MXN",
    "TWD", "NZD", "NOK", "PHP", "PLN", "GBP", "RUB", "SGD", "SEK", "CHF", "THB", "USD",
})  # fmt: skip
NO_DECIMALS = frozenset({"HUF", "JPY", "TWD"})
VALUE = re.compile(r"^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$")  # the `money.value` pattern of the spec
MAX_VALUE = Decimal("999999999999999.99")
CHECKOUT_PAGE = "https://www.sandbox.paypal.com/checkoutnow?token="
CERT_URL = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-"
AUTH_ALGO = "SHA256withRSA"
SELLER_PROTECTION = {"status": "ELIGIBLE", "dispute_categories": ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"]}
TOKEN_SCOPE = (
    "https://uri.paypal.com/services/invoicing https://uri.paypal.com/services/payments/futurepayments "
    "https://uri.paypal.com/services/payments/refund https://uri.paypal.com/services/payments/payment/authcapture "
    "https://uri.paypal.com/services/applications/webhooks openid"
)

# Names and messages of PayPal's error responses (the specs' error_4xx/5xx schemas).
ERRORS = {
    400: ("INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema."),
    401: (
        "AUTHENTICATION_FAILURE",
        "Authentication failed due to missing authorization header, or invalid authentication credentials.",
    ),
    403: ("NOT_AUTHORIZED", "Authorization failed due to insufficient permissions."),
    404: ("RESOURCE_NOT_FOUND", "The specified resource does not exist."),
    409: ("RESOURCE_CONFLICT", "The server has detected a conflict while processing this request."),
    422: (
        "UNPROCESSABLE_ENTITY",
        "The requested action could not be performed, semantically incorrect, or failed business validation.",
    ),
    429: ("RATE_LIMIT_REACHED", "Too many requests. Blocked due to rate limiting."),
    500: ("INTERNAL_SERVER_ERROR", "An internal server error occurred."),
    503: ("SERVICE_UNAVAILABLE", "Service Unavailable."),
}
# The `details[].description` PayPal gives for each issue (the specs' per-endpoint enums).
ISSUES = {
    "MALFORMED_REQUEST_JSON": "The request JSON is not well formed.",
    "MISSING_REQUIRED_PARAMETER": "A required field / parameter is missing.",
    "INVALID_PARAMETER_VALUE": "The value of a field is invalid.",
    "INVALID_PARAMETER_SYNTAX": "The value of a field does not conform to the expected format.",
    "INVALID_STRING_LENGTH": "The value of a field is either too short or too long.",
    "INVALID_ARRAY_MIN_ITEMS": "The number of items in an array parameter is too small.",
    "INVALID_RESOURCE_ID": "Specified resource ID does not exist. Please check the resource ID and try again.",
    "INVALID_CURRENCY_CODE": "Currency code is invalid or is not currently supported. Please refer "
    "https://developer.paypal.com/docs/api/reference/currency-codes/ for list of supported currency codes.",
    "DECIMAL_PRECISION": "If the currency supports decimals, only two decimal place precision is supported.",
    "CANNOT_BE_ZERO_OR_NEGATIVE": "Must be greater than zero. If the currency supports decimals, only two decimal "
    "place precision is supported.",
    "MAX_VALUE_EXCEEDED": "Should be less than or equal to 999999999999999.99.",
    "UNSUPPORTED_INTENT": "`intent=AUTHORIZE` is not supported by this fake; use CAPTURE.",
    "ORDER_NOT_APPROVED": "Payer has not yet approved the Order for payment. Please redirect the payer to the "
    "'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid "
    "`payment_source` in the request.",
    "ORDER_ALREADY_CAPTURED": "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.",
    "DUPLICATE_INVOICE_ID": "Duplicate Invoice ID detected. To avoid a potential duplicate transaction your account "
    "setting requires that Invoice Id be unique for each transaction.",
    "INSTRUMENT_DECLINED": "The instrument presented  was either declined by the processor or bank, or it can't be "
    "used for this payment.",
    "REFUND_AMOUNT_EXCEEDED": "The refund amount must be less than or equal to the capture amount that has not yet "
    "been refunded.",
    "CAPTURE_FULLY_REFUNDED": "The capture has already been fully refunded",
    "REFUND_CAPTURE_CURRENCY_MISMATCH": "Refund must be in the same currency as the capture",
    "PENDING_CAPTURE": "Cannot initiate a refund as the capture is pending. Capture is typically pending when the "
    "payer has funded the transaction using e-check/bank funded.",
    "REFUND_NOT_ALLOWED": "Capture cannot be refunded.",
}
_ID_CHARS = string.ascii_uppercase + string.digits


def paypal_error(
    status: int,
    *,
    issue: str | None = None,
    field: str | None = None,
    value: str | None = None,
    location: str = "body",
    description: str | None = None,
    api: str = "orders/v2",
    debug_id: str | None = None,
) -> dict[str, Any]:
    """PayPal's error body: name, message, debug_id, details[{field, value, location, issue,
    description}] and an information_link to the issue's documentation."""
    name, message = ERRORS.get(status, ("UNKNOWN_ERROR", "An unknown error has occurred."))
    body: dict[str, Any] = {"name": name}
    if issue is not None:
        detail: dict[str, Any] = {}
        if field is not None:
            detail["field"] = field
        if value is not None:
            detail["value"] = value
        if field is not None:
            detail["location"] = location
        detail["issue"] = issue
        detail["description"] = description or ISSUES.get(issue, issue)
        body["details"] = [detail]
    body["message"] = message
    body["debug_id"] = debug_id or secrets.token_hex(7)[:13]
    anchor = issue or name
    body["links"] = [
        {
            "href": f"https://developer.paypal.com/docs/api/{api}/#error-{anchor}",
            "rel": "information_link",
            "method": "GET",
        }
    ]
    return body


class _Refusal(Exception):
    """An error answer; not saved under the request's PayPal-Request-Id."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("name") or body.get("error"))
        self.status = status
        self.body = body


def _refuse(status: int, issue: str | None = None, **kwargs: Any) -> _Refusal:
    return _Refusal(status, paypal_error(status, issue=issue, **kwargs))


@dataclass
class _Transmission:
    """One webhook delivery as the fake made it: what verify-webhook-signature compares against."""

    webhook_id: str
    transmission_id: str
    transmission_time: str
    cert_url: str
    signature: str
    body: bytes


class FakePayPal(FakeHttpServer):
    name = "fake PayPal"
    server_header = "nginx"

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        webhook_id: str | None = None,
        token_ttl: int = 32400,
        block_duplicate_invoice_ids: bool = True,
    ) -> None:
        super().__init__()
        self.client_id = client_id or "A" + secrets.token_urlsafe(60)[:79]
        self.client_secret = client_secret or "E" + secrets.token_urlsafe(60)[:79]
        self.webhook_id = webhook_id or self.new_id()
        self.token_ttl = token_ttl
        self.block_duplicate_invoice_ids = block_duplicate_invoice_ids
        self.app_id = "APP-" + self.new_id()
        self.merchant_id = self.new_id(13)
        self.merchant_email = "sb-merchant@business.example.com"
        self.tokens: dict[str, datetime] = {}  # access token -> when it expires
        self.orders: dict[str, dict[str, Any]] = {}
        self.captures: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.transmissions: dict[str, _Transmission] = {}
        self._order_of_capture: dict[str, str] = {}  # capture id -> order id
        self._denied: set[str] = set()  # captures declined after being pending (DENIED, not DECLINED)
        self._saved: dict[tuple[str, str, str], tuple[str, str]] = {}  # (method, path, id) -> (kind, object id)
        self._next_captures: list[tuple[str, str | None]] = []  # (outcome, reason) for the next captures
        self._next_refunds: list[str | None] = []  # pending reasons for the next refunds
        self._signing_key = secrets.token_bytes(32)

    # --- for tests ------------------------------------------------------------------------------

    def gateway(self, **options: Any) -> Any:
        """A PayPalGateway pointed at this fake (no retries unless asked)."""
        from functions.payments.paypal_gateway import PayPalGateway

        return PayPalGateway(self.client_id, self.client_secret, base_url=self.url, **options)

    def env(self) -> dict[str, str]:
        """The settings' environment variables for apps that should talk to this fake."""
        return {
            "PAYPAL_CLIENT_ID": self.client_id,
            "PAYPAL_CLIENT_SECRET": self.client_secret,
            "PAYPAL_WEBHOOK_ID": self.webhook_id,
            "PAYPAL_BASE_URL": self.url,
        }

    def new_id(self, length: int = 17) -> str:
        """An id in PayPal's style: 17 upper-case letters and digits (5O190127TN364715T)."""
        return "".join(secrets.choice(_ID_CHARS) for _ in range(length))

    def expire_tokens(self) -> None:
        """PayPal forgets every token it issued: the next API call with one is 401 invalid_token."""
        with self._lock:
            self.tokens.clear()

    def approve(
        self, order_id: str, *, email: str = "buyer@example.com", given_name: str = "John", surname: str = "Doe"
    ) -> dict[str, Any]:
        """The buyer approves the order on PayPal's page: APPROVED, with the payer and the PayPal
        account as payment source. Returns CHECKOUT.ORDER.APPROVED."""
        with self._lock:
            order = self._order(order_id)
            if order["status"] not in ("CREATED", "PAYER_ACTION_REQUIRED"):
                raise ValueError(f"order {order_id} is {order['status']}: only a new order can be approved")
            payer_id = self.new_id(13)
            name = {"given_name": given_name, "surname": surname}
            order["status"] = "APPROVED"
            order["payer"] = {
                "name": name,
                "email_address": email,
                "payer_id": payer_id,
                "address": {"country_code": "US"},
            }
            order["payment_source"] = {
                "paypal": {
                    "email_address": email,
                    "account_id": payer_id,
                    "account_status": "VERIFIED",
                    "name": name,
                    "address": {"country_code": "US"},
                }
            }
            order["update_time"] = self._now()
            order["links"] = self._order_links(order_id, "APPROVED")
            return self._event(
                "CHECKOUT.ORDER.APPROVED", "checkout-order", "An order has been approved by buyer", order
            )

    def decline_next_capture(self, *, instrument_declined: bool = False) -> None:
        """The next capture is declined by the funding source: a capture with status DECLINED in a
        COMPLETED order (as for a card); with `instrument_declined`, a 422 INSTRUMENT_DECLINED and
        the order stays APPROVED (as for a PayPal wallet: the buyer must choose another source)."""
        with self._lock:
            self._next_captures.append(("INSTRUMENT_DECLINED" if instrument_declined else "DECLINED", None))

    def pend_next_capture(self, reason: str = "PENDING_REVIEW") -> None:
        """The next capture is PENDING with `status_details.reason` (PayPal reviewing it)."""
        with self._lock:
            self._next_captures.append(("PENDING", reason))

    def complete_capture(self, capture_id: str) -> dict[str, Any]:
        """PayPal completes a pending capture. Returns PAYMENT.CAPTURE.COMPLETED."""
        with self._lock:
            capture = self._capture(capture_id)
            if capture["status"] != "PENDING":
                raise ValueError(f"capture {capture_id} is {capture['status']}, not PENDING")
            capture["status"] = "COMPLETED"
            capture.pop("status_details", None)
            capture["seller_receivable_breakdown"] = self._receivable(capture["amount"])
            capture["update_time"] = self._now()
            self._sync_order(capture_id)
            return self._capture_event(capture)

    def deny_capture(self, capture_id: str) -> dict[str, Any]:
        """PayPal denies a pending capture: DECLINED. Returns PAYMENT.CAPTURE.DENIED."""
        with self._lock:
            capture = self._capture(capture_id)
            if capture["status"] != "PENDING":
                raise ValueError(f"capture {capture_id} is {capture['status']}, not PENDING")
            capture["status"] = "DECLINED"
            capture.pop("status_details", None)
            capture["update_time"] = self._now()
            self._denied.add(capture_id)
            self._sync_order(capture_id)
            return self._capture_event(capture)

    def capture_event(self, capture_id: str) -> dict[str, Any]:
        """The latest event PayPal sent about the capture: PAYMENT.CAPTURE.COMPLETED, .PENDING or
        .DECLINED when it was captured, .COMPLETED or .DENIED when a pending one was decided.
        The resource is the capture as it was then, as in a late or repeated delivery."""
        return self._latest_event("capture", capture_id)

    def pend_next_refund(self, reason: str = "ECHECK") -> None:
        """The next refund is PENDING with `status_details.reason`."""
        with self._lock:
            self._next_refunds.append(reason)

    def complete_refund(self, refund_id: str) -> dict[str, Any]:
        """PayPal completes a pending refund. Returns PAYMENT.CAPTURE.REFUNDED."""
        with self._lock:
            self._refund(refund_id)
            refund = self.refunds[refund_id]
            if refund["status"] != "PENDING":
                raise ValueError(f"refund {refund_id} is {refund['status']}, not PENDING")
            refund["status"] = "COMPLETED"
            refund.pop("status_details", None)
            refund["update_time"] = self._now()
            self._sync_order(refund["_capture"])
            return self._refund_event(refund)

    def refund_event(self, refund_id: str) -> dict[str, Any]:
        """The event PayPal sent about the refund: PAYMENT.CAPTURE.REFUNDED once it completed
        (PAYMENT.CAPTURE.REVERSED for a reversal). The refund is the resource."""
        return self._latest_event("refund", refund_id)

    def reverse_capture(self, capture_id: str) -> dict[str, Any]:
        """PayPal takes back what is left of a capture (a chargeback, a reversed funding source):
        a refund-shaped reversal, the capture REFUNDED. Returns PAYMENT.CAPTURE.REVERSED."""
        with self._lock:
            capture = self._capture(capture_id)
            left = self._refundable(capture_id)
            if capture["status"] not in ("COMPLETED", "PARTIALLY_REFUNDED") or left <= 0:
                raise ValueError(f"capture {capture_id} is {capture['status']}: nothing to reverse")
            currency = capture["amount"]["currency_code"]
            reversal = self._new_refund(capture, _money(currency, left), "Payment reversed", None)
            return self._event(
                "PAYMENT.CAPTURE.REVERSED", "refund", f"A {_amount(reversal)} capture payment was reversed", reversal
            )

    def delivery(
        self, event: Mapping[str, Any], *, webhook_id: str | None = None, transmission_time: str | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of PayPal's POST of `event` to the webhook `webhook_id` (default:
        this fake's). Each delivery is a new transmission (PayPal's retries are too), signed over
        "<transmission id>|<time>|<webhook id>|<CRC32 of the body>" as PayPal signs."""
        webhook_id = webhook_id or self.webhook_id
        body = json.dumps(event, separators=(",", ":")).encode()
        transmission_id = str(uuid.uuid1())
        when = transmission_time or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        cert_url = CERT_URL + secrets.token_hex(4)
        signature = self._sign(transmission_id, when, webhook_id, body)
        with self._lock:
            self.transmissions[transmission_id] = _Transmission(
                webhook_id, transmission_id, when, cert_url, signature, body
            )
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "PayPal/AUHD-214.0-58842358",
            "PAYPAL-AUTH-ALGO": AUTH_ALGO,
            "PAYPAL-AUTH-VERSION": "v2",
            "PAYPAL-CERT-URL": cert_url,
            "PAYPAL-TRANSMISSION-ID": transmission_id,
            "PAYPAL-TRANSMISSION-SIG": signature,
            "PAYPAL-TRANSMISSION-TIME": when,
            "correlation-id": secrets.token_hex(7)[:13],
        }
        return body, headers

    def events_of_type(self, event_type: str) -> list[dict[str, Any]]:
        with self._lock:
            return [copy.deepcopy(e) for e in self.events if e["event_type"] == event_type]

    # --- HTTP -----------------------------------------------------------------------------------

    def _error_body(self, status: int) -> Any:
        return paypal_error(status)

    def _route(self, request: RecordedRequest) -> Reply:
        headers = {"Paypal-Debug-Id": secrets.token_hex(7)[:13]}
        try:
            if request.method == "POST" and request.path == "/v1/oauth2/token":
                status, body = self._issue_token(request)
                return status, body, headers
            self._authenticate(request)
            status, body = self._dispatch(request)
        except _Refusal as refusal:
            if "debug_id" in refusal.body:
                headers["Paypal-Debug-Id"] = refusal.body["debug_id"]
            return refusal.status, refusal.body, headers
        return status, body, headers

    def _dispatch(self, request: RecordedRequest) -> tuple[int, Any]:
        routes: list[tuple[str, str, str, Callable[..., tuple[int, dict[str, Any]]]]] = [
            ("POST", r"/v2/checkout/orders", "order", self._create_order),
            ("GET", r"/v2/checkout/orders/(?P<id>[^/]+)", "", self._get_order),
            ("POST", r"/v2/checkout/orders/(?P<id>[^/]+)/capture", "order", self._capture_order),
            ("GET", r"/v2/payments/captures/(?P<id>[^/]+)", "", self._get_capture),
            ("POST", r"/v2/payments/captures/(?P<id>[^/]+)/refund", "refund", self._refund_capture),
            ("GET", r"/v2/payments/refunds/(?P<id>[^/]+)", "", self._get_refund),
            ("POST", r"/v1/notifications/verify-webhook-signature", "", self._verify),
        ]
        for method, pattern, kind, action in routes:
            match = re.fullmatch(pattern, request.path)
            if match is None or method != request.method:
                continue
            request_id = request.headers.get("paypal-request-id") if kind else None
            key = (request.method, request.path, request_id or "")
            if request_id and key in self._saved:
                request.replayed = True
                return self._replay(request, *self._saved[key])
            status, body = action(request, **match.groupdict())
            if request_id:
                self._saved[key] = (kind, body["id"])
            return status, self._shape(request, kind, body)
        raise _refuse(404)

    def _replay(self, request: RecordedRequest, kind: str, object_id: str) -> tuple[int, Any]:
        """A repeated PayPal-Request-Id: the latest state of what the first request made."""
        if kind == "refund":
            return 201, self._shape(request, kind, self._refund(object_id))
        return 200, self._shape(request, kind, self.orders[object_id])

    def _shape(self, request: RecordedRequest, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """The whole resource for Prefer: return=representation, else PayPal's minimal answer."""
        if not kind or "return=representation" in request.headers.get("prefer", ""):
            return copy.deepcopy(body)
        if kind == "refund":
            return {key: copy.deepcopy(body[key]) for key in ("id", "status", "links")}
        minimal: dict[str, Any] = {
            key: copy.deepcopy(body[key]) for key in ("id", "status", "payment_source") if key in body
        }
        if body["status"] == "COMPLETED":  # a capture's minimal answer still holds the captures
            minimal["purchase_units"] = [
                {"reference_id": unit["reference_id"], "payments": copy.deepcopy(unit.get("payments", {}))}
                for unit in body["purchase_units"]
            ]
            if "payer" in body:
                minimal["payer"] = copy.deepcopy(body["payer"])
        minimal["links"] = copy.deepcopy(body["links"])
        return minimal

    # --- OAuth ----------------------------------------------------------------------------------

    def _issue_token(self, request: RecordedRequest) -> tuple[int, dict[str, Any]]:
        if request.basic_auth != (self.client_id, self.client_secret):
            return 401, {"error": "invalid_client", "error_description": "Client Authentication failed"}
        if request.form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type", "error_description": "unsupported grant_type"}
        token = "A21AA" + secrets.token_urlsafe(72)
        now = datetime.now(UTC)
        self.tokens[token] = datetime.fromtimestamp(now.timestamp() + self.token_ttl, UTC)
        return 200, {
            "scope": TOKEN_SCOPE,
            "access_token": token,
            "token_type": "Bearer",
            "app_id": self.app_id,
            "expires_in": self.token_ttl,
            "nonce": now.strftime("%Y-%m-%dT%H:%M:%SZ") + secrets.token_urlsafe(32),
        }

    def _authenticate(self, request: RecordedRequest) -> None:
        token = request.bearer
        if not token:
            raise _Refusal(401, paypal_error(401))
        expires = self.tokens.get(token)
        if expires is None or expires <= datetime.now(UTC):
            raise _Refusal(401, {"error": "invalid_token", "error_description": "Access Token not found in cache"})

    # --- orders ---------------------------------------------------------------------------------

    def _create_order(self, request: RecordedRequest) -> tuple[int, dict[str, Any]]:
        body = _json_body(request)
        intent = body.get("intent")
        if intent is None:
            raise _refuse(400, "MISSING_REQUIRED_PARAMETER", field="/intent")
        if intent not in ("CAPTURE", "AUTHORIZE"):
            raise _refuse(400, "INVALID_PARAMETER_VALUE", field="/intent", value=str(intent))
        if intent == "AUTHORIZE":
            raise _refuse(422, "UNSUPPORTED_INTENT", field="/intent", value=intent)
        units = body.get("purchase_units")
        if not isinstance(units, list) or not units:
            raise _refuse(400, "MISSING_REQUIRED_PARAMETER", field="/purchase_units")
        if len(units) != 1:
            raise NotImplementedError("the fake PayPal handles orders of one purchase unit")
        unit = self._purchase_unit(units[0])
        order_id = self.new_id()
        experience = ((body.get("payment_source") or {}).get("paypal") or {}).get("experience_context")
        status = "PAYER_ACTION_REQUIRED" if experience is not None else "CREATED"
        order: dict[str, Any] = {"id": order_id, "intent": "CAPTURE", "status": status}
        if experience is not None:
            order["payment_source"] = {"paypal": {}}
        order.update(purchase_units=[unit], create_time=self._now(), links=self._order_links(order_id, status))
        self.orders[order_id] = order
        return 201, order

    def _purchase_unit(self, requested: Any) -> dict[str, Any]:
        if not isinstance(requested, dict):
            raise _refuse(400, "INVALID_PARAMETER_SYNTAX", field="/purchase_units/0")
        reference = str(requested.get("reference_id") or "default")
        where = f"/purchase_units/@reference_id=='{reference}'"
        amount = requested.get("amount")
        if not isinstance(amount, dict):
            raise _refuse(400, "MISSING_REQUIRED_PARAMETER", field=f"{where}/amount")
        _check_amount(amount, f"{where}/amount")
        unit: dict[str, Any] = {
            "reference_id": reference,
            "amount": {"currency_code": amount["currency_code"], "value": amount["value"]},
            "payee": {"email_address": self.merchant_email, "merchant_id": self.merchant_id},
        }
        for name in ("description", "custom_id", "invoice_id", "soft_descriptor"):
            if requested.get(name) is None:
                continue
            value = str(requested[name])
            if not 1 <= len(value) <= (22 if name == "soft_descriptor" else 127):
                raise _refuse(400, "INVALID_STRING_LENGTH", field=f"{where}/{name}", value=value)
            unit[name] = value
        return unit

    def _get_order(self, request: RecordedRequest, id: str) -> tuple[int, dict[str, Any]]:  # noqa: A002
        return 200, self._order(id)

    def _capture_order(self, request: RecordedRequest, id: str) -> tuple[int, dict[str, Any]]:  # noqa: A002
        order = self._order(id)
        _json_body(request, empty_ok=True)  # a capture body holds at most a payment_source
        if order["status"] == "COMPLETED":
            raise _refuse(422, "ORDER_ALREADY_CAPTURED")
        if order["status"] != "APPROVED":
            raise _refuse(422, "ORDER_NOT_APPROVED")
        unit = order["purchase_units"][0]
        if self.block_duplicate_invoice_ids and unit.get("invoice_id") and self._invoice_paid(unit["invoice_id"]):
            raise _refuse(422, "DUPLICATE_INVOICE_ID")
        outcome, reason = self._next_captures.pop(0) if self._next_captures else ("COMPLETED", None)
        if outcome == "INSTRUMENT_DECLINED":
            error = paypal_error(422, issue="INSTRUMENT_DECLINED")
            error["links"].insert(0, {"href": CHECKOUT_PAGE + id, "rel": "redirect", "method": "GET"})
            raise _Refusal(422, error)
        capture = self._new_capture(order, outcome, reason)
        unit["payments"] = {"captures": [self._embedded(capture)]}
        order["status"] = "COMPLETED"
        order["update_time"] = capture["update_time"]
        order["links"] = self._order_links(id, "COMPLETED")
        self._capture_event(capture)
        return 201, order

    def _new_capture(self, order: dict[str, Any], status: str, reason: str | None) -> dict[str, Any]:
        unit = order["purchase_units"][0]
        capture_id = self.new_id()
        now = self._now()
        capture: dict[str, Any] = {"id": capture_id, "status": status}
        if reason is not None:
            capture["status_details"] = {"reason": reason}
        capture["amount"] = dict(unit["amount"])
        capture["final_capture"] = True
        capture["seller_protection"] = copy.deepcopy(SELLER_PROTECTION)
        if status == "COMPLETED":
            capture["seller_receivable_breakdown"] = self._receivable(unit["amount"])
        capture["disbursement_mode"] = "INSTANT"
        for name in ("invoice_id", "custom_id"):
            if name in unit:
                capture[name] = unit[name]
        capture["supplementary_data"] = {"related_ids": {"order_id": order["id"]}}
        capture.update(create_time=now, update_time=now)
        capture["links"] = [
            {"href": f"{self.url}/v2/payments/captures/{capture_id}", "rel": "self", "method": "GET"},
            {"href": f"{self.url}/v2/payments/captures/{capture_id}/refund", "rel": "refund", "method": "POST"},
            {"href": f"{self.url}/v2/checkout/orders/{order['id']}", "rel": "up", "method": "GET"},
        ]
        self.captures[capture_id] = capture
        self._order_of_capture[capture_id] = order["id"]
        return capture

    def _embedded(self, capture: dict[str, Any]) -> dict[str, Any]:
        """A capture as an order shows it: without supplementary_data (GET capture and webhook
        events carry it). Shares nothing with the stored capture: the order is re-read from it."""
        shown = copy.deepcopy(capture)
        shown.pop("supplementary_data", None)
        return shown

    def _invoice_paid(self, invoice_id: str) -> bool:
        return any(
            c.get("invoice_id") == invoice_id and c["status"] != "DECLINED" and c["status"] != "FAILED"
            for c in self.captures.values()
        )

    # --- captures and refunds -------------------------------------------------------------------

    def _get_capture(self, request: RecordedRequest, id: str) -> tuple[int, dict[str, Any]]:  # noqa: A002
        return 200, self._capture(id)

    def _get_refund(self, request: RecordedRequest, id: str) -> tuple[int, dict[str, Any]]:  # noqa: A002
        return 200, self._refund(id)

    def _refund_capture(self, request: RecordedRequest, id: str) -> tuple[int, dict[str, Any]]:  # noqa: A002
        capture = self._capture(id, api="payments/v2")
        body = _json_body(request, api="payments/v2", empty_ok=True)
        if capture["status"] == "PENDING":
            raise _refuse(422, "PENDING_CAPTURE", api="payments/v2")
        if capture["status"] == "REFUNDED":
            raise _refuse(422, "CAPTURE_FULLY_REFUNDED", api="payments/v2")
        if capture["status"] not in ("COMPLETED", "PARTIALLY_REFUNDED"):
            raise _refuse(422, "REFUND_NOT_ALLOWED", api="payments/v2")
        currency = capture["amount"]["currency_code"]
        left = self._refundable(id)
        amount = body.get("amount")
        if amount is None:
            requested = left
        else:
            if not isinstance(amount, dict):
                raise _refuse(400, "INVALID_PARAMETER_SYNTAX", field="/amount", api="payments/v2")
            _check_amount(amount, "/amount", api="payments/v2")
            if amount["currency_code"] != currency:
                raise _refuse(422, "REFUND_CAPTURE_CURRENCY_MISMATCH", field="/amount/currency_code", api="payments/v2")
            requested = Decimal(amount["value"])
        if requested > left:
            raise _refuse(422, "REFUND_AMOUNT_EXCEEDED", api="payments/v2")
        note = body.get("note_to_payer")
        if note is not None and not 1 <= len(str(note)) <= 255:
            raise _refuse(400, "INVALID_STRING_LENGTH", field="/note_to_payer", api="payments/v2")
        reason = self._next_refunds.pop(0) if self._next_refunds else None
        refund = self._new_refund(capture, _money(currency, requested), note, reason)
        if refund["status"] == "COMPLETED":
            self._refund_event(refund)
        return 201, refund

    def _new_refund(
        self, capture: dict[str, Any], amount: dict[str, str], note: str | None, pending: str | None
    ) -> dict[str, Any]:
        refund_id = self.new_id()
        currency = amount["currency_code"]
        now = self._now()
        refund: dict[str, Any] = {"id": refund_id, "amount": amount}
        if note is not None:
            refund["note_to_payer"] = str(note)
        refund["seller_payable_breakdown"] = {
            "gross_amount": dict(amount),
            "paypal_fee": _money(currency, Decimal(0)),
            "net_amount": dict(amount),
            "total_refunded_amount": _money(currency, self._refunded(capture["id"]) + Decimal(amount["value"])),
        }
        if "invoice_id" in capture:
            refund["invoice_id"] = capture["invoice_id"]
        if "custom_id" in capture:
            refund["custom_id"] = capture["custom_id"]
        refund["status"] = "PENDING" if pending else "COMPLETED"
        if pending:
            refund["status_details"] = {"reason": pending}
        refund.update(create_time=now, update_time=now)
        refund["links"] = [
            {"href": f"{self.url}/v2/payments/refunds/{refund_id}", "rel": "self", "method": "GET"},
            {"href": f"{self.url}/v2/payments/captures/{capture['id']}", "rel": "up", "method": "GET"},
        ]
        refund["_capture"] = capture["id"]  # the store's own key: `_public` leaves it out of answers
        self.refunds[refund_id] = refund
        left = self._refundable(capture["id"])
        capture["status"] = "REFUNDED" if left <= 0 else "PARTIALLY_REFUNDED"
        capture["update_time"] = now
        self._sync_order(capture["id"])
        return self._public(refund)

    def _refunded(self, capture_id: str) -> Decimal:
        return sum(
            (
                Decimal(r["amount"]["value"])
                for r in self.refunds.values()
                if r.get("_capture") == capture_id and r["status"] in ("COMPLETED", "PENDING")
            ),
            Decimal(0),
        )

    def _refundable(self, capture_id: str) -> Decimal:
        return Decimal(self.captures[capture_id]["amount"]["value"]) - self._refunded(capture_id)

    def _sync_order(self, capture_id: str) -> None:
        """The order shows its capture as it is now, and its refunds."""
        order = self.orders[self._order_of_capture[capture_id]]
        payments = order["purchase_units"][0].setdefault("payments", {})
        payments["captures"] = [self._embedded(self.captures[capture_id])]
        refunds = [self._public(r) for r in self.refunds.values() if r.get("_capture") == capture_id]
        if refunds:
            payments["refunds"] = refunds

    # --- webhook verification -------------------------------------------------------------------

    def _verify(self, request: RecordedRequest) -> tuple[int, dict[str, Any]]:
        body = _json_body(request, api="webhooks/v1")
        required = ("auth_algo", "cert_url", "transmission_id", "transmission_sig", "transmission_time", "webhook_id")
        missing = [name for name in (*required, "webhook_event") if not body.get(name)]
        if missing:
            raise _Refusal(
                400,
                {
                    "name": "VALIDATION_ERROR",
                    "message": "Invalid request - see details",
                    "debug_id": secrets.token_hex(7)[:13],
                    "information_link": "https://developer.paypal.com/docs/api/webhooks/v1/#error-VALIDATION_ERROR",
                    "details": [
                        {"field": name, "location": "body", "issue": "Required field is missing."} for name in missing
                    ],
                    "links": [],
                },
            )
        sent = self.transmissions.get(str(body["transmission_id"]))
        genuine = (
            sent is not None
            and body["webhook_id"] == sent.webhook_id
            and body["auth_algo"] == AUTH_ALGO
            and body["cert_url"] == sent.cert_url
            and body["transmission_time"] == sent.transmission_time
            and hmac.compare_digest(str(body["transmission_sig"]), sent.signature)
            and body["webhook_event"] == json.loads(sent.body)
        )
        return 200, {"verification_status": "SUCCESS" if genuine else "FAILURE"}

    def _sign(self, transmission_id: str, when: str, webhook_id: str, body: bytes) -> str:
        """A stand-in for PayPal's RSA signature, over the same string PayPal signs."""
        message = f"{transmission_id}|{when}|{webhook_id}|{zlib.crc32(body)}".encode()
        return base64.b64encode(hashlib.shake_256(self._signing_key + message).digest(256)).decode()

    # --- events ---------------------------------------------------------------------------------

    def _capture_event(self, capture: Mapping[str, Any]) -> dict[str, Any]:
        """The event PayPal sends for a capture in its present state."""
        status, value = capture["status"], _amount(capture)
        if status == "COMPLETED":
            return self._event("PAYMENT.CAPTURE.COMPLETED", "capture", f"Payment completed for {value}", capture)
        if status == "PENDING":
            return self._event("PAYMENT.CAPTURE.PENDING", "capture", f"Payment pending for {value}", capture)
        if status == "DECLINED" and capture["id"] in self._denied:
            return self._event("PAYMENT.CAPTURE.DENIED", "capture", f"Payment denied for {value}", capture)
        if status == "DECLINED":
            return self._event("PAYMENT.CAPTURE.DECLINED", "capture", f"Payment declined for {value}", capture)
        raise ValueError(f"capture {capture['id']} is {status}: PayPal sends no capture event for that")

    def _refund_event(self, refund: Mapping[str, Any]) -> dict[str, Any]:
        summary = f"A {_amount(refund)} capture payment was refunded"
        return self._event("PAYMENT.CAPTURE.REFUNDED", "refund", summary, refund)

    def _latest_event(self, resource_type: str, resource_id: str) -> dict[str, Any]:
        with self._lock:
            for event in reversed(self.events):
                if event["resource_type"] == resource_type and event["resource"].get("id") == resource_id:
                    return copy.deepcopy(event)
        raise ValueError(f"PayPal sent no event about {resource_type} {resource_id}")

    def _event(self, event_type: str, resource_type: str, summary: str, resource: Mapping[str, Any]) -> dict[str, Any]:
        """An event in PayPal's envelope, about a snapshot of `resource`, recorded in `events`."""
        event_id = f"WH-{self.new_id()}-{self.new_id()}"
        now = datetime.now(UTC)
        event = {
            "id": event_id,
            "event_version": "1.0",
            "create_time": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
            "resource_type": resource_type,
            "resource_version": "2.0",
            "event_type": event_type,
            "summary": summary,
            "resource": self._public(resource),
            "links": [
                {"href": f"{self.url}/v1/notifications/webhooks-events/{event_id}", "rel": "self", "method": "GET"},
                {
                    "href": f"{self.url}/v1/notifications/webhooks-events/{event_id}/resend",
                    "rel": "resend",
                    "method": "POST",
                },
            ],
        }
        self.events.append(event)
        return copy.deepcopy(event)

    # --- helpers --------------------------------------------------------------------------------

    def _order(self, order_id: str) -> dict[str, Any]:
        order = self.orders.get(order_id)
        if order is None:
            raise _refuse(404, "INVALID_RESOURCE_ID", field="order_id", value=order_id, location="path")
        return order

    def _capture(self, capture_id: str, *, api: str = "payments/v2") -> dict[str, Any]:
        capture = self.captures.get(capture_id)
        if capture is None:
            raise _refuse(404, "INVALID_RESOURCE_ID", field="capture_id", value=capture_id, location="path", api=api)
        return capture

    def _refund(self, refund_id: str) -> dict[str, Any]:
        refund = self.refunds.get(refund_id)
        if refund is None:
            raise _refuse(
                404, "INVALID_RESOURCE_ID", field="refund_id", value=refund_id, location="path", api="payments/v2"
            )
        return self._public(refund)

    def _public(self, resource: Mapping[str, Any]) -> dict[str, Any]:
        return copy.deepcopy({key: value for key, value in resource.items() if not key.startswith("_")})

    def _order_links(self, order_id: str, status: str) -> list[dict[str, str]]:
        links = [{"href": f"{self.url}/v2/checkout/orders/{order_id}", "rel": "self", "method": "GET"}]
        if status == "PAYER_ACTION_REQUIRED":
            links.append({"href": CHECKOUT_PAGE + order_id, "rel": "payer-action", "method": "GET"})
        elif status in ("CREATED", "APPROVED"):
            if status == "CREATED":
                links.append({"href": CHECKOUT_PAGE + order_id, "rel": "approve", "method": "GET"})
            links.append({"href": f"{self.url}/v2/checkout/orders/{order_id}", "rel": "update", "method": "PATCH"})
            links.append(
                {"href": f"{self.url}/v2/checkout/orders/{order_id}/capture", "rel": "capture", "method": "POST"}
            )
        return links

    def _receivable(self, amount: Mapping[str, str]) -> dict[str, Any]:
        """What the merchant receives: PayPal's fee (3.49% + a fixed 0.49, or 49 without decimals)."""
        currency = amount["currency_code"]
        gross = Decimal(amount["value"])
        places = Decimal(1) if currency in NO_DECIMALS else Decimal("0.01")
        fixed = Decimal(49) if currency in NO_DECIMALS else Decimal("0.49")
        fee = min(gross, (gross * Decimal("0.0349") + fixed).quantize(places))
        return {
            "gross_amount": _money(currency, gross),
            "paypal_fee": _money(currency, fee),
            "net_amount": _money(currency, gross - fee),
        }

    def _now(self) -> str:
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- wire format --------------------------------------------------------------------------------


def _json_body(request: RecordedRequest, *, api: str = "orders/v2", empty_ok: bool = False) -> dict[str, Any]:
    """The request's JSON object, or PayPal's 400 MALFORMED_REQUEST_JSON. PayPal wants
    `Content-Type: application/json` on every POST, even one without a body (else 415)."""
    if "application/json" not in request.headers.get("content-type", ""):
        raise _Refusal(
            415,
            {
                "name": "UNSUPPORTED_MEDIA_TYPE",
                "message": "The requested resource does not support the content type provided.",
                "debug_id": secrets.token_hex(7)[:13],
            },
        )
    if empty_ok and not request.raw_body.strip():
        return {}
    try:
        body = json.loads(request.raw_body or "null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise _refuse(400, "MALFORMED_REQUEST_JSON", api=api)
    return body


def _check_amount(amount: Mapping[str, Any], where: str, *, api: str = "orders/v2") -> None:
    """PayPal's checks of a `money` object: present, well-formed, a supported currency, no more
    decimals than the currency has, above zero, not above the maximum."""
    currency, value = amount.get("currency_code"), amount.get("value")
    if currency is None:
        raise _refuse(400, "MISSING_REQUIRED_PARAMETER", field=f"{where}/currency_code", api=api)
    if value is None:
        raise _refuse(400, "MISSING_REQUIRED_PARAMETER", field=f"{where}/value", api=api)
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise _refuse(400, "INVALID_PARAMETER_SYNTAX", field=f"{where}/currency_code", value=str(currency), api=api)
    if not isinstance(value, str) or not VALUE.match(value) or len(value) > 32:
        raise _refuse(400, "INVALID_PARAMETER_SYNTAX", field=f"{where}/value", value=str(value), api=api)
    if currency not in PAYPAL_CURRENCIES:
        raise _refuse(422, "INVALID_CURRENCY_CODE", field=f"{where}/currency_code", value=currency, api=api)
    decimals = len(value.partition(".")[2])
    if (currency in NO_DECIMALS and "." in value) or decimals > 2:
        raise _refuse(422, "DECIMAL_PRECISION", field=f"{where}/value", value=value, api=api)
    try:
        number = Decimal(value)
    except InvalidOperation as error:  # pragma: no cover - the pattern already refused it
        raise _refuse(400, "INVALID_PARAMETER_SYNTAX", field=f"{where}/value", value=value, api=api) from error
    if number <= 0:
        raise _refuse(422, "CANNOT_BE_ZERO_OR_NEGATIVE", field=f"{where}/value", value=value, api=api)
    if number > MAX_VALUE:
        raise _refuse(422, "MAX_VALUE_EXCEEDED", field=f"{where}/value", value=value, api=api)


def _money(currency: str, value: Decimal) -> dict[str, str]:
    places = Decimal(1) if currency in NO_DECIMALS else Decimal("0.01")
    return {"currency_code": currency, "value": f"{value.quantize(places):f}"}


def _amount(resource: Mapping[str, Any]) -> str:
    """A resource's amount as PayPal's event summaries write it: "$ 10.00 USD", "EUR 5.00 EUR"."""
    currency, value = resource["amount"]["currency_code"], resource["amount"]["value"]
    return f"{'$' if currency == 'USD' else currency} {value} {currency}"
