"""The one place that talks to PayPal's REST API: Orders v2, refunds of captures (Payments v2) and
webhook signature verification.

The apps see a small client with our own vocabulary (an order paying one invoice, its capture, a
refund of the capture) and two error types that say what to do next, as in stripe_gateway:
`PayPalRefused` (PayPal said no: the same request would be refused again; `issue` names why, e.g.
ORDER_NOT_APPROVED, ORDER_ALREADY_CAPTURED, REFUND_AMOUNT_EXCEEDED) and `PayPalUnavailable`
(network error, timeout, 5xx, 429, 409 "a previous call with this id is in progress": a retry may
succeed).

Why plain httpx and not PayPal's server SDK: the SDK and its generated models are heavy to import
at a Lambda's cold start, and we use five JSON endpoints. httpx is imported on the first call, not
at module import, so importing this module (functions/deps.py does) costs nothing.

Authentication: an OAuth2 client-credentials token (`POST /v1/oauth2/token`, HTTP Basic
client_id:secret), kept until shortly before its `expires_in` (PayPal's are valid about nine
hours, so a warm Lambda asks rarely). A 401 on an API call (a token PayPal revoked or forgot)
drops it, fetches a new one and repeats the call once; a 401 that persists is a refusal.

Idempotency: every creating call carries the caller's `PayPal-Request-Id`. PayPal keeps the id
for 6 hours (up to 72 on request) and answers a repeat with the latest state of what the first
request did, so a retry after a lost answer gets the same order, capture or refund instead of a
second one. There are no automatic retries unless `max_retries` says so; a retry repeats the id.

Approval: orders are created with `payment_source.paypal.experience_context` (return_url,
cancel_url, user_action PAY_NOW, shipping NO_SHIPPING, IMMEDIATE_PAYMENT_REQUIRED so no eCheck
funding leaves a capture pending for days). That is what Orders v2 recommends today: the spec
marks every field of the older `application_context` DEPRECATED in favour of the payment source's
`experience_context`. PayPal then answers PAYER_ACTION_REQUIRED with a `payer-action` link, the
page the buyer must visit; an order created without a payment source answers CREATED with an
`approve` link instead. `PayPalOrder.approval_url` is whichever of the two is present.

Amounts: our amounts are integer minor units as Stripe and the database count them (JPY has no
decimals; HUF and TWD have two). PayPal wants a decimal string in major units with PayPal's own
number of decimals, and PayPal documents HUF, JPY and TWD as not supporting decimals at all
(https://developer.paypal.com/docs/api/reference/currency-codes/). So 12050 USD -> "120.50",
500 JPY -> "500", 150000 HUF (1500.00 Ft) -> "1500"; 150050 HUF cannot be sent and is refused
here with ValueError rather than by PayPal.

Webhooks: verified by asking PayPal (`POST /v1/notifications/verify-webhook-signature` with the
PAYPAL-* transmission headers, our webhook id and the event as received), not by checking the
signature locally. The local check means downloading PayPal's certificate from PAYPAL-CERT-URL,
validating that URL and the certificate chain, computing a CRC32 of the raw body and verifying an
RSA-SHA256 signature: certificate handling and crypto code in the Lambda, each a place to get
security wrong. The postback is what PayPal recommends for server integrations; its cost is one
extra HTTPS call per delivered event.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = [
    "SANDBOX_URL",
    "LIVE_URL",
    "PayPalCapture",
    "PayPalError",
    "PayPalGateway",
    "PayPalOrder",
    "PayPalRefund",
    "PayPalRefused",
    "PayPalUnavailable",
    "from_paypal_value",
    "get_paypal",
    "minor_unit_decimals",
    "paypal_decimals",
    "to_paypal_value",
]

log = logging.getLogger(__name__)

SANDBOX_URL = "https://api-m.sandbox.paypal.com"
LIVE_URL = "https://api-m.paypal.com"

# Currencies PayPal refuses decimals for (https://developer.paypal.com/docs/api/reference/currency-codes/,
# note 1: "This currency does not support decimals. If you pass a decimal amount, an error occurs.").
PAYPAL_ZERO_DECIMAL = frozenset({"HUF", "JPY", "TWD"})
# Our minor units, as Stripe counts them (the same table as the database's private.format_amount).
ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})

# A token is renewed this long before PayPal says it expires (at most half its lifetime), so that
# a request never leaves with a token that lapses on the way.
TOKEN_MARGIN_SECONDS = 300.0
# Statuses where waiting and asking again can succeed: 409 is a previous request with the same
# PayPal-Request-Id still in progress, 429 a rate limit.
_RETRYABLE_STATUSES = frozenset({409, 429})
_REQUIRED_WEBHOOK_HEADERS = {
    "auth_algo": "paypal-auth-algo",
    "cert_url": "paypal-cert-url",
    "transmission_id": "paypal-transmission-id",
    "transmission_sig": "paypal-transmission-sig",
    "transmission_time": "paypal-transmission-time",
}


# --- errors -------------------------------------------------------------------------------------


class PayPalError(Exception):
    """Either of the two below."""


class PayPalRefused(PayPalError):
    """PayPal refused the request (4xx): the same request would be refused again.

    `name` is PayPal's error name (UNPROCESSABLE_ENTITY, INVALID_REQUEST, RESOURCE_NOT_FOUND, or the
    OAuth `error` such as invalid_client), `issue` the first `details[].issue` (ORDER_NOT_APPROVED,
    ORDER_ALREADY_CAPTURED, DECIMAL_PRECISION, ...), `code` the issue when there is one, else the
    name: what callers branch on. `debug_id` is what PayPal's support asks for.
    """

    def __init__(
        self,
        status: int,
        name: str | None,
        message: str,
        *,
        debug_id: str | None = None,
        issue: str | None = None,
        description: str | None = None,
        field: str | None = None,
        details: tuple[Mapping[str, Any], ...] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.name = name
        self.message = message
        self.debug_id = debug_id
        self.issue = issue
        self.description = description
        self.field = field
        self.details = details

    @property
    def code(self) -> str | None:
        return self.issue or self.name

    def __repr__(self) -> str:
        return (
            f"PayPalRefused(status={self.status}, name={self.name!r}, issue={self.issue!r}, "
            f"debug_id={self.debug_id!r}, message={self.message!r})"
        )


class PayPalUnavailable(PayPalError):
    """PayPal could not be reached or failed on its side (network, timeout, 5xx, 409, 429): a
    retry with the same PayPal-Request-Id may succeed."""

    def __init__(
        self, message: str, *, status: int | None = None, name: str | None = None, debug_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.name = name
        self.debug_id = debug_id


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayPalCapture:
    id: str
    status: str  # COMPLETED | PENDING | DECLINED | PARTIALLY_REFUNDED | REFUNDED | FAILED
    amount_minor: int
    currency: str
    order_id: str
    order_status: str  # COMPLETED once captured (even when the capture was declined)
    status_reason: str | None = None  # status_details.reason of a PENDING capture (PENDING_REVIEW, ...)
    custom_id: str | None = None
    invoice_id: str | None = None
    fee_minor: int | None = None  # seller_receivable_breakdown.paypal_fee, once known


@dataclass(frozen=True)
class PayPalOrder:
    id: str
    status: str  # CREATED | PAYER_ACTION_REQUIRED | APPROVED | COMPLETED | VOIDED | SAVED
    approval_url: str | None  # the payer-action (or approve) link the buyer must visit; None after approval
    amount_minor: int | None = None  # None when PayPal answered minimally (no purchase units)
    currency: str | None = None
    reference_id: str | None = None
    custom_id: str | None = None
    invoice_id: str | None = None
    captures: tuple[PayPalCapture, ...] = ()


@dataclass(frozen=True)
class PayPalRefund:
    id: str
    status: str  # COMPLETED | PENDING | FAILED | CANCELLED
    amount_minor: int | None
    currency: str | None
    capture_id: str | None  # from the refund's `up` link
    status_reason: str | None = None  # status_details.reason of a PENDING refund (ECHECK)


# --- amounts ------------------------------------------------------------------------------------


def minor_unit_decimals(currency: str) -> int:
    """How many decimals our minor units have for `currency` (as Stripe and the database count)."""
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    return 3 if code in THREE_DECIMAL else 2


def paypal_decimals(currency: str) -> int:
    """How many decimals PayPal accepts for `currency`: none for HUF, JPY and TWD, else two."""
    code = currency.upper()
    if code in PAYPAL_ZERO_DECIMAL or code in ZERO_DECIMAL:
        return 0
    return 2


def to_paypal_value(amount_minor: int, currency: str) -> str:
    """Our minor units as PayPal's `value`: 12050 USD -> "120.50", 500 JPY -> "500",
    150000 HUF -> "1500". An amount PayPal cannot express (a fraction of a forint) is a ValueError."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError("amount_minor must be an int")
    if amount_minor < 0:
        raise ValueError("amount_minor must not be negative")
    major = Decimal(amount_minor).scaleb(-minor_unit_decimals(currency))
    places = paypal_decimals(currency)
    quantum = Decimal(1).scaleb(-places)
    value = major.quantize(quantum)
    if value != major:
        raise ValueError(f"{amount_minor} minor units of {currency.upper()} need decimals PayPal does not accept")
    return f"{value:f}"


def from_paypal_value(value: str, currency: str) -> int:
    """PayPal's `value` back to our minor units: "120.50" USD -> 12050, "1500" HUF -> 150000."""
    try:
        minor = Decimal(value).scaleb(minor_unit_decimals(currency))
    except (InvalidOperation, TypeError) as error:
        raise ValueError(f"not a PayPal amount: {value!r}") from error
    if minor != minor.to_integral_value():
        raise ValueError(f"{value} {currency.upper()} is not a whole number of minor units")
    return int(minor)


# --- the client ---------------------------------------------------------------------------------


class PayPalGateway:
    """PayPal's REST API as the payment apps use it.

    `base_url` is PayPal's sandbox by default (LIVE_URL in production, the test fake in tests);
    `timeout` bounds each HTTP call; `max_retries` repeats calls that failed in a way a retry may
    fix (0: the caller decides), with the same PayPal-Request-Id, after `retry_backoff` seconds,
    doubled each time. `clock` and `sleep` are for tests.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        base_url: str = SANDBOX_URL,
        timeout: float = 20.0,
        max_retries: int = 0,
        retry_backoff: float = 0.5,
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not client_id or not client_secret:
            raise ValueError("a PayPal client id and secret are required")
        self._client_id = client_id
        self._client_secret = client_secret
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_backoff = retry_backoff
        self._client = client
        self._clock = clock
        self._sleep = sleep
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_lock = threading.Lock()

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0)))
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    # --- orders ---------------------------------------------------------------------------------

    def create_order(
        self,
        *,
        request_id: str,
        amount_minor: int,
        currency: str,
        invoice_id: str,
        invoice_number: str,
        payment_id: str,
        description: str,
        return_url: str,
        cancel_url: str,
    ) -> PayPalOrder:
        """An order paying `amount_minor` of one invoice, to be approved by the buyer at
        `approval_url` and then captured.

        The purchase unit's `reference_id` is our invoice id, `custom_id` our payment id (both come
        back on captures and in webhook events), `invoice_id` the invoice number people read (PayPal
        shows it to the buyer and, with the account's default "block duplicate invoice ids", refuses
        a second completed payment with the same number).
        """
        body = {
            "intent": "CAPTURE",
            "purchase_units": [
                {
                    "reference_id": invoice_id,
                    "custom_id": payment_id,
                    "invoice_id": invoice_number,
                    "description": description[:127],
                    "amount": {"currency_code": currency.upper(), "value": to_paypal_value(amount_minor, currency)},
                }
            ],
            "payment_source": {
                "paypal": {
                    "experience_context": {
                        "payment_method_preference": "IMMEDIATE_PAYMENT_REQUIRED",
                        "shipping_preference": "NO_SHIPPING",
                        "user_action": "PAY_NOW",
                        "return_url": return_url,
                        "cancel_url": cancel_url,
                    }
                }
            },
        }
        answer = self._call("create order", "POST", "/v2/checkout/orders", body=body, request_id=request_id)
        order = _order(answer)
        log.info(
            "paypal order created",
            extra={"order_id": order.id, "status": order.status, "invoice_id": invoice_id, "payment_id": payment_id},
        )
        return order

    def get_order(self, order_id: str) -> PayPalOrder:
        """The order as PayPal has it now (for reconciliation: approved? captured? refunded?)."""
        return _order(self._call("get order", "GET", f"/v2/checkout/orders/{_segment(order_id)}"))

    def capture_order(self, *, order_id: str, request_id: str) -> PayPalCapture:
        """Capture an approved order's payment.

        A capture PayPal accepted but could not complete is an answer, not an error: DECLINED (the
        funding source said no; the order is COMPLETED all the same) or PENDING (PayPal is
        reviewing it; PAYMENT.CAPTURE.COMPLETED or .DENIED follows). Refusals to know apart:
        `issue` ORDER_NOT_APPROVED (the buyer has not approved yet), ORDER_ALREADY_CAPTURED (a
        capture under another request id got there first: read the order), INSTRUMENT_DECLINED
        (send the buyer back to the approval page to choose another funding source).
        """
        path = f"/v2/checkout/orders/{_segment(order_id)}/capture"
        answer = self._call("capture order", "POST", path, body={}, request_id=request_id)
        capture = _capture_of(answer)
        log.info(
            "paypal order captured",
            extra={"order_id": capture.order_id, "capture_id": capture.id, "status": capture.status},
        )
        return capture

    # --- refunds --------------------------------------------------------------------------------

    def refund_capture(
        self, *, capture_id: str, request_id: str, amount_minor: int, currency: str, note: str | None = None
    ) -> PayPalRefund:
        """Refund `amount_minor` of a completed capture (all of it or part; PayPal refuses more than
        what is left with REFUND_AMOUNT_EXCEEDED). `note` reaches the buyer (note_to_payer)."""
        body: dict[str, Any] = {
            "amount": {"currency_code": currency.upper(), "value": to_paypal_value(amount_minor, currency)}
        }
        if note:
            body["note_to_payer"] = note[:255]
        path = f"/v2/payments/captures/{_segment(capture_id)}/refund"
        answer = self._call("refund capture", "POST", path, body=body, request_id=request_id)
        refund = _refund(answer, capture_id)
        log.info(
            "paypal refund created",
            extra={"refund_id": refund.id, "capture_id": capture_id, "status": refund.status},
        )
        return refund

    # --- webhooks -------------------------------------------------------------------------------

    def verify_webhook_signature(
        self, *, headers: Mapping[str, str], event_body: dict[str, Any], webhook_id: str
    ) -> bool:
        """Whether PayPal sent this event to our webhook `webhook_id`: PayPal checks the
        transmission headers and the event against what it signed.

        True only for verification_status SUCCESS. A delivery without the PAYPAL-* transmission
        headers is not PayPal's: False without asking. PayPal refusing the verification request
        itself (400/422: a malformed header) is also False. Network trouble and 5xx raise
        PayPalUnavailable: the route should answer 5xx so that PayPal delivers the event again.
        """
        if not webhook_id:
            raise ValueError("a PayPal webhook id is required (PAYPAL_WEBHOOK_ID)")
        received = {name.lower(): value for name, value in headers.items()}
        fields = {field: received.get(header, "").strip() for field, header in _REQUIRED_WEBHOOK_HEADERS.items()}
        missing = sorted(header for field, header in _REQUIRED_WEBHOOK_HEADERS.items() if not fields[field])
        if missing:
            log.warning("paypal webhook without transmission headers", extra={"missing": missing})
            return False
        body = {**fields, "webhook_id": webhook_id, "webhook_event": event_body}
        try:
            answer = self._call("verify webhook signature", "POST", "/v1/notifications/verify-webhook-signature", body)
        except PayPalRefused as refused:
            if refused.status not in (400, 422):
                raise
            log.warning(
                "paypal refused to verify a webhook",
                extra={"status": refused.status, "issue": refused.code, "debug_id": refused.debug_id},
            )
            return False
        status = answer.get("verification_status")
        verified = status == "SUCCESS"
        log.info(
            "paypal webhook verified" if verified else "paypal webhook not verified",
            extra={
                "transmission_id": fields["transmission_id"],
                "event_id": event_body.get("id"),
                "verification_status": status,
            },
        )
        return verified

    # --- HTTP -----------------------------------------------------------------------------------

    def _call(
        self,
        what: str,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        request_id: str | None = None,
    ) -> dict[str, Any]:
        """One API call, repeated `max_retries` times at most while PayPal is unavailable."""
        attempt = 0
        while True:
            try:
                return self._authorized(what, method, path, body, request_id)
            except PayPalUnavailable:
                if attempt >= self.max_retries:
                    raise
                self._sleep(self.retry_backoff * 2**attempt)
                attempt += 1

    def _authorized(
        self, what: str, method: str, path: str, body: dict[str, Any] | None, request_id: str | None
    ) -> dict[str, Any]:
        """The call with a bearer token; after a 401, once more with a fresh token."""
        token = self._access_token()
        response = self._send(what, method, path, body, request_id, token)
        if response.status_code == 401:
            log.info("paypal token refused, renewing it", extra={"call": what})
            self._forget_token(token)
            response = self._send(what, method, path, body, request_id, self._access_token())
        return _answer(what, response)

    def _send(
        self, what: str, method: str, path: str, body: dict[str, Any] | None, request_id: str | None, token: str
    ) -> httpx.Response:
        import httpx

        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if method == "POST":
            # The whole resource in the answer (amounts, purchase units), not only id, status, links.
            headers["Prefer"] = "return=representation"
            headers["Content-Type"] = "application/json"
        if request_id is not None:
            if not request_id:
                raise ValueError("a PayPal-Request-Id must not be empty")
            headers["PayPal-Request-Id"] = request_id
        try:
            return self.client.request(method, self.base_url + path, json=body, headers=headers)
        except httpx.TimeoutException as error:
            log.warning("paypal unavailable", extra={"call": what, "reason": "timeout"})
            raise PayPalUnavailable(f"{what}: timed out after {self.timeout:g}s") from error
        except httpx.HTTPError as error:
            log.warning("paypal unavailable", extra={"call": what, "reason": type(error).__name__})
            raise PayPalUnavailable(f"{what}: {type(error).__name__}: {error}") from error

    # --- OAuth ----------------------------------------------------------------------------------

    def _access_token(self) -> str:
        """The cached token, or a new one when it is about to expire."""
        with self._token_lock:
            if self._token is not None and self._clock() < self._token_expires_at:
                return self._token
            self._token, self._token_expires_at = self._fetch_token()
            return self._token

    def _forget_token(self, token: str) -> None:
        with self._token_lock:
            if self._token == token:
                self._token = None

    def _fetch_token(self) -> tuple[str, float]:
        import httpx

        started = self._clock()
        try:
            response = self.client.post(
                self.base_url + "/v1/oauth2/token",
                data={"grant_type": "client_credentials"},
                auth=(self._client_id, self._client_secret),
                headers={"Accept": "application/json"},
            )
        except httpx.TimeoutException as error:
            log.warning("paypal unavailable", extra={"call": "oauth token", "reason": "timeout"})
            raise PayPalUnavailable(f"oauth token: timed out after {self.timeout:g}s") from error
        except httpx.HTTPError as error:
            log.warning("paypal unavailable", extra={"call": "oauth token", "reason": type(error).__name__})
            raise PayPalUnavailable(f"oauth token: {type(error).__name__}: {error}") from error
        answer = _answer("oauth token", response)
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise PayPalUnavailable("oauth token: PayPal answered without an access_token", status=response.status_code)
        lifetime = float(answer.get("expires_in") or 0)
        expires_at = started + lifetime - min(TOKEN_MARGIN_SECONDS, lifetime / 2)
        log.info("paypal token obtained", extra={"expires_in": lifetime, "app_id": answer.get("app_id")})
        return token, expires_at


# --- answers ------------------------------------------------------------------------------------


def _answer(what: str, response: httpx.Response) -> dict[str, Any]:
    """A 2xx answer's JSON object, or the error it means."""
    body = _json(response)
    status = response.status_code
    if 200 <= status < 300:
        return body
    debug_id = body.get("debug_id") or response.headers.get("paypal-debug-id")
    name = body.get("name") or body.get("error")
    message = str(body.get("message") or body.get("error_description") or f"HTTP {status}")
    if status >= 500 or status in _RETRYABLE_STATUSES:
        log.warning("paypal unavailable", extra={"call": what, "status": status, "error": name, "debug_id": debug_id})
        raise PayPalUnavailable(f"{what}: {message}", status=status, name=name, debug_id=debug_id)
    details = tuple(d for d in body.get("details") or () if isinstance(d, Mapping))
    first: Mapping[str, Any] = details[0] if details else {}
    refused = PayPalRefused(
        status,
        name,
        message,
        debug_id=debug_id,
        issue=first.get("issue"),
        description=first.get("description"),
        field=first.get("field"),
        details=details,
    )
    log.info(
        "paypal refused",
        extra={"call": what, "status": status, "error": name, "issue": refused.issue, "debug_id": debug_id},
    )
    raise refused


def _json(response: httpx.Response) -> dict[str, Any]:
    if not response.content:
        return {}
    try:
        value = response.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _segment(value: str) -> str:
    """An id as one path segment: PayPal's ids are alphanumeric; anything else is a bug here."""
    if not value or not value.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"not a PayPal id: {value!r}")
    return value


def _link(resource: Mapping[str, Any], *rels: str) -> str | None:
    for rel in rels:
        for link in resource.get("links") or ():
            if isinstance(link, Mapping) and link.get("rel") == rel and link.get("href"):
                return str(link["href"])
    return None


def _money(money: Any) -> tuple[int | None, str | None]:
    if not isinstance(money, Mapping) or not money.get("currency_code") or money.get("value") is None:
        return None, None
    currency = str(money["currency_code"])
    return from_paypal_value(str(money["value"]), currency), currency


def _capture(capture: Mapping[str, Any], order_id: str, order_status: str) -> PayPalCapture:
    amount, currency = _money(capture.get("amount"))
    breakdown = capture.get("seller_receivable_breakdown")
    fee, _ = _money(breakdown.get("paypal_fee") if isinstance(breakdown, Mapping) else None)
    details = capture.get("status_details")
    return PayPalCapture(
        id=str(capture["id"]),
        status=str(capture.get("status") or ""),
        amount_minor=amount or 0,
        currency=currency or "",
        order_id=order_id,
        order_status=order_status,
        status_reason=details.get("reason") if isinstance(details, Mapping) else None,
        custom_id=capture.get("custom_id"),
        invoice_id=capture.get("invoice_id"),
        fee_minor=fee,
    )


def _purchase_unit(order: Mapping[str, Any]) -> Mapping[str, Any]:
    units = order.get("purchase_units") or ()
    return units[0] if units and isinstance(units[0], Mapping) else {}


def _order(order: Mapping[str, Any]) -> PayPalOrder:
    order_id, status = str(order["id"]), str(order.get("status") or "")
    unit = _purchase_unit(order)
    amount, currency = _money(unit.get("amount"))
    payments = unit.get("payments")
    captures = payments.get("captures") if isinstance(payments, Mapping) else None
    return PayPalOrder(
        id=order_id,
        status=status,
        approval_url=_link(order, "payer-action", "approve"),
        amount_minor=amount,
        currency=currency,
        reference_id=unit.get("reference_id"),
        custom_id=unit.get("custom_id"),
        invoice_id=unit.get("invoice_id"),
        captures=tuple(_capture(c, order_id, status) for c in captures or () if isinstance(c, Mapping)),
    )


def _capture_of(order: Mapping[str, Any]) -> PayPalCapture:
    """The capture in a capture-order answer (an order's only one: intent CAPTURE captures once)."""
    captured = _order(order)
    if not captured.captures:
        raise PayPalUnavailable(f"capture order: PayPal answered {captured.status} without a capture")
    return captured.captures[0]


def _refund(refund: Mapping[str, Any], capture_id: str) -> PayPalRefund:
    amount, currency = _money(refund.get("amount"))
    up = _link(refund, "up")
    details = refund.get("status_details")
    return PayPalRefund(
        id=str(refund["id"]),
        status=str(refund.get("status") or ""),
        amount_minor=amount,
        currency=currency,
        capture_id=up.rstrip("/").rsplit("/", 1)[-1] if up else capture_id,
        status_reason=details.get("reason") if isinstance(details, Mapping) else None,
    )


# --- the apps' dependency -----------------------------------------------------------------------


@functools.cache
def get_paypal() -> PayPalGateway:
    """The process's gateway, built from settings on first use (a FastAPI dependency; tests
    override it with `app.dependency_overrides[get_paypal]`). A missing PAYPAL_CLIENT_ID or
    PAYPAL_CLIENT_SECRET fails here, on the first PayPal request, naming the variable."""
    from functions.settings import get_settings

    settings = get_settings()
    return PayPalGateway(
        settings.require("paypal_client_id"),
        settings.require("paypal_client_secret"),
        base_url=settings.paypal_base_url,
    )


def get_paypal_if_configured() -> PayPalGateway | None:
    """The gateway when PayPal is configured, else None: for the apps that also handle PayPal
    (refunds of PayPal payments) but work without it."""
    from functions.settings import get_settings

    settings = get_settings()
    if not (settings.paypal_client_id and settings.paypal_client_secret):
        return None
    return get_paypal()
