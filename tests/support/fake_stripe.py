"""A fake of Stripe's API at the HTTP boundary: a real local HTTP server, in a thread, that the
official `stripe` package talks to as it talks to api.stripe.com.

It speaks the requests the payment apps make, in Stripe's wire format (form-encoded bracket
params in, JSON objects and `{"error": {...}}` bodies out, Request-Id and Idempotent-Replayed
headers), keeps the objects it created, and answers as Stripe does where the apps depend on it:

- POST /v1/checkout/sessions, GET /v1/checkout/sessions/{id}, POST /v1/checkout/sessions/{id}/expire
  (expires_at must be 30 minutes to 24 hours after creation; only an open session can be expired);
- POST /v1/refunds (not more than what is left on the charge), POST /v1/accounts, GET /v1/accounts/{id},
  POST /v1/account_links;
- saved payment methods: POST /v1/customers, GET and POST /v1/customers/{id} (an update of
  invoice_settings.default_payment_method to a method attached to that customer, customer.updated),
  POST /v1/setup_intents, POST /v1/payment_methods/{id}/detach (payment_method.detached; a method
  not attached is refused with 400), POST /v1/payment_intents confirmed off session with a saved
  method: succeeded with a charge that can be refunded later (payment_intent.succeeded), or 402
  authentication_required / card_declined with the failed intent in the error
  (payment_intent.payment_failed), as the card saved with `save_card` behaves;
- Idempotency-Key as Stripe honours it: same key and same request -> the first response replayed;
  same key with other params or another endpoint -> 400 idempotency_error; requests refused at
  parameter validation are not saved, so they can be corrected and retried under the same key;
- `fail_next(...)`: the next matching call fails with a given status (or loses its connection),
  before or after the fake has done the work, for testing retries.

What Stripe does later on its own (a customer paying, a customer saving a card through Stripe.js,
a bank debit settling, a refund failing, a chargeback, a provider finishing onboarding) is driven
by the test through methods that change the stored objects and return the webhook event Stripe
would send, built from the templates in tests/payments/events/<type>.json with the stored object
as data.object. Every event is also kept in `fake.events`, in order, for storms of duplicated and
reordered deliveries.

    with FakeStripe() as fake:
        gateway = fake.gateway()                       # StripeGateway pointed at the fake
        session = gateway.create_checkout_session(...)
        fake.last_request("POST", "/v1/checkout/sessions").params
        event = fake.complete_checkout(session.id)      # checkout.session.completed, paid
        body, headers = fake.delivery(event)            # signed like Stripe: Stripe-Signature header
"""

from __future__ import annotations

import copy
import json
import random
import re
import string
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.support.fake_http import RequestLog
from tests.support.stripe_signing import sign

__all__ = [
    "EVENT_TYPES",
    "EVENTS_DIR",
    "FakeStripe",
    "RecordedRequest",
    "decode_form",
    "encode_event",
    "event_template",
]

EVENTS_DIR = Path(__file__).resolve().parents[1] / "payments" / "events"
EVENT_TYPES = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "payment_intent.payment_failed",
    "charge.refunded",
    "refund.created",
    "refund.updated",
    "refund.failed",
    "charge.dispute.created",
    "charge.dispute.updated",
    "charge.dispute.closed",
    "account.updated",
    "customer.created",
    "payout.paid",
    "payout.failed",
    "customer.updated",
    "payment_method.attached",
    "payment_method.detached",
    "payment_method.updated",
    "setup_intent.succeeded",
    "payment_intent.succeeded",
)
DEFAULT_EVENT_API_VERSION = "2025-06-30.basil"

MIN_SESSION_SECONDS = 30 * 60
MAX_SESSION_SECONDS = 24 * 60 * 60
ACCOUNT_LINK_SECONDS = 300
DISPUTE_RESPONSE_SECONDS = 21 * 24 * 60 * 60

# Stripe's minimum charge amounts, in the currency's smallest unit.
MINIMUM_AMOUNTS = {
    "usd": 50, "aud": 50, "brl": 50, "cad": 50, "chf": 50, "eur": 50, "inr": 50, "nzd": 50, "sgd": 50,
    "gbp": 30, "jpy": 50, "dkk": 250, "hkd": 400, "mxn": 1000, "nok": 300, "pln": 200, "sek": 300,
}  # fmt: skip
COUNTRY_CURRENCIES = {
    "US": "usd", "GB": "gbp", "CA": "cad", "AU": "aud", "NZ": "nzd", "JP": "jpy", "CH": "chf", "DK": "dkk",
    "SE": "sek", "NO": "nok", "PL": "pln", "SG": "sgd", "HK": "hkd", "IN": "inr", "MX": "mxn", "BR": "brl",
}  # fmt: skip
ONBOARDING_REQUIREMENTS = [
    "business_profile.url",
    "external_account",
    "individual.dob.day",
    "individual.dob.month",
    "individual.dob.year",
    "individual.first_name",
    "individual.last_name",
    "tos_acceptance.date",
    "tos_acceptance.ip",
]
_ALPHANUMERIC = string.ascii_letters + string.digits
_UPPER_ALPHANUMERIC = string.ascii_uppercase + string.digits
CARD_BRANDS = ("amex", "cartes_bancaires", "diners", "discover", "eftpos_au", "interac", "jcb", "link", "mastercard",
               "unionpay", "unknown", "visa")  # fmt: skip
CARD_WALLETS = ("amex_express_checkout", "apple_pay", "google_pay", "link", "masterpass", "samsung_pay",
                "visa_checkout")  # fmt: skip
_REDIRECT_MESSAGE = (
    "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these "
    "payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't "
    "want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and "
    "`automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents."
)
_DETACHED_MESSAGE = (
    "The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a "
    "connected account without Customer attachment, or was detached from a Customer. It may not be used again. To "
    "use a PaymentMethod multiple times, you must attach it to a Customer first."
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- wire format --------------------------------------------------------------------------------


def decode_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding back to nested values: `a[b][0][c]=x` -> {"a": {"b": [{"c": "x"}]}}.

    Values stay the strings that were sent (amounts, booleans and timestamps included): tests
    assert exactly what went over the wire.
    """
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head, _, rest = key.partition("[")
        path = [head] + (re.findall(r"([^\[\]]*)\]", "[" + rest) if rest else [])
        node: dict[str, Any] = root
        for index, part in enumerate(path):
            last = index == len(path) - 1
            if part == "":  # a[]=x: append to a list
                part = str(sum(1 for k in node if k.isdigit()))
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        converted = {key: _lists(item) for key, item in value.items()}
        if converted and all(key.isdigit() for key in converted):
            return [converted[key] for key in sorted(converted, key=int)]
        return converted
    return value


def encode_event(event: Mapping[str, Any]) -> bytes:
    """An event body as Stripe sends it (pretty-printed JSON, two-space indent)."""
    return json.dumps(event, indent=2).encode()


def event_template(event_type: str) -> dict[str, Any]:
    """A fresh copy of the stored payload for one event type."""
    path = EVENTS_DIR / f"{event_type}.json"
    template: dict[str, Any] = json.loads(path.read_text())
    return template


# --- recorded requests and injected failures ----------------------------------------------------


@dataclass
class RecordedRequest:
    """One request as the fake received it, and what it answered."""

    method: str
    path: str
    query: dict[str, Any]
    headers: dict[str, str]  # lower-cased names
    params: dict[str, Any]  # decoded form body (POST) or query (GET)
    raw_body: str
    status: int = 0
    response: Any = None
    replayed: bool = False  # answered from a saved idempotent result
    original_request: str | None = None  # the request id whose result was replayed
    request_id: str = ""

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")

    @property
    def stripe_account(self) -> str | None:
        return self.headers.get("stripe-account")

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")

    @property
    def stripe_version(self) -> str | None:
        return self.headers.get("stripe-version")


@dataclass
class _Failure:
    status: int | None  # None: drop the connection without answering
    body: dict[str, Any] | None
    method: str | None
    path: str | None
    after: bool  # do the work first, then fail (the response is lost)
    headers: dict[str, str] = field(default_factory=dict)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or re.fullmatch(self.path, path) is not None
        )


class _ApiError(Exception):
    """A Stripe error response. `saved`: whether an idempotency key remembers it (Stripe saves
    results once an endpoint began executing, not refusals at parameter validation)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        saved: bool = True,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message, "type": type}
        if code:
            self.body["code"] = code
            self.body["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        if param:
            self.body["param"] = param
        self.body.update(extra or {})
        self.saved = saved


def _invalid(message: str, *, param: str | None = None, code: str | None = None) -> _ApiError:
    return _ApiError(400, message, param=param, code=code, saved=False)


def _missing(param: str) -> _ApiError:
    return _invalid(f"Missing required param: {param}.", param=param, code="parameter_missing")


def _no_such(kind: str, object_id: str, param: str, status: int = 404) -> _ApiError:
    return _ApiError(status, f"No such {kind}: '{object_id}'", code="resource_missing", param=param, saved=False)


def _integer(params: Mapping[str, Any], name: str, param: str | None = None, *, minimum: int | None = None) -> int:
    param = param or name
    raw = params.get(name)
    if raw is None or raw == "":
        raise _missing(param)
    try:
        value = int(str(raw))
    except ValueError:
        raise _invalid(f"Invalid integer: {raw}", param=param, code="parameter_invalid_integer") from None
    if minimum is not None and value < minimum:
        raise _invalid(
            f"This value must be greater than or equal to {minimum}.", param=param, code="parameter_invalid_integer"
        )
    return value


def _boolean(value: Any, param: str) -> bool:
    if value in (None, "", "false"):
        return False
    if value == "true":
        return True
    raise _invalid(f"Invalid boolean: {value}", param=param)


# --- the fake -----------------------------------------------------------------------------------


class FakeStripe(RequestLog):
    """Stripe's API on 127.0.0.1:<free port>, with the objects it created and the events it sent."""

    name = "fake Stripe"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        webhook_secret: str | None = None,
        connect_webhook_secret: str | None = None,
        event_api_version: str = DEFAULT_EVENT_API_VERSION,
        seed: int | None = None,
    ) -> None:
        self._random = random.Random(seed)
        self.api_key = api_key or "sk_test_fake_" + self._token(24)
        self.webhook_secret = webhook_secret or "whsec_fake_" + self._token(32)
        self.connect_webhook_secret = connect_webhook_secret or "whsec_fake_connect_" + self._token(32)
        self.event_api_version = event_api_version
        self.refund_status = "succeeded"  # what a new refund starts as: succeeded | pending | requires_action
        self.clock_offset = 0

        self.sessions: dict[str, dict[str, Any]] = {}
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.disputes: dict[str, dict[str, Any]] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.payouts: dict[str, dict[str, Any]] = {}
        self.account_links: list[dict[str, Any]] = []
        self.customers: dict[str, dict[str, Any]] = {}
        self.setup_intents: dict[str, dict[str, Any]] = {}
        self.payment_methods: dict[str, dict[str, Any]] = {}
        self._card_outcomes: dict[str, str] = {}  # pm id -> succeeds | requires_3ds | declines (off session)
        self.events: list[dict[str, Any]] = []

        self._session_params: dict[str, dict[str, Any]] = {}  # what created each session
        self._requests: list[RecordedRequest] = []
        self._failures: list[_Failure] = []
        self._idempotent: dict[tuple[str, str, str], tuple[RecordedRequest, int, Any]] = {}
        self.server_errors: list[BaseException] = []  # bugs in the fake: answered 500, raised by stop()
        self._current: RecordedRequest | None = None
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-stripe", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
        if self.server_errors:
            raise RuntimeError("the fake Stripe failed while answering a request") from self.server_errors[0]

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def gateway(self, *, max_network_retries: int = 0, **options: Any) -> Any:
        """A StripeGateway pointed at this fake (no SDK retries unless asked)."""
        from functions.payments.stripe_gateway import StripeGateway

        return StripeGateway(self.api_key, api_base=self.url, max_network_retries=max_network_retries, **options)

    def env(self) -> dict[str, str]:
        """The settings' environment variables for apps that should talk to this fake."""
        return {
            "STRIPE_SECRET_KEY": self.api_key,
            "STRIPE_API_BASE": self.url,
            "STRIPE_WEBHOOK_SECRET": self.webhook_secret,
            "STRIPE_CONNECT_WEBHOOK_SECRET": self.connect_webhook_secret,
        }

    # --- clock ----------------------------------------------------------------------------------

    def now(self) -> int:
        """Stripe's clock: real time plus whatever `advance` added."""
        return int(time.time()) + self.clock_offset

    def advance(self, seconds: int) -> None:
        self.clock_offset += int(seconds)

    def fail_next(
        self,
        status: int | None = 500,
        *,
        method: str | None = None,
        path: str | None = None,
        body: dict[str, Any] | None = None,
        times: int = 1,
        after: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Make the next `times` matching requests fail.

        `status` None drops the connection without an answer (a network failure). `after` does
        the work first and then fails, as when Stripe succeeded but the response was lost: a retry
        with the same idempotency key then gets the saved result. Without `after`, nothing is done
        and nothing is saved. The default body is Stripe's api_error for 5xx, rate_limit for 429.
        """
        for _ in range(times):
            failure = _Failure(status, body, method.upper() if method else None, path, after, dict(headers or {}))
            with self._lock:
                self._failures.append(failure)

    # --- HTTP -----------------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], raw_body: str
    ) -> tuple[RecordedRequest, int | None, Any, dict[str, str]]:
        """One request: its record, the status (None: drop the connection), the JSON body and any
        extra response headers."""
        split = urlsplit(target)
        query = decode_form(split.query)
        params = decode_form(raw_body) if method == "POST" else query
        request = RecordedRequest(method, split.path, query, dict(headers), params, raw_body)
        request.request_id = "req_" + self._token(14)
        with self._lock:
            self._requests.append(request)
            failure = next((f for f in self._failures if f.matches(method, split.path)), None)
            if failure is not None:
                self._failures.remove(failure)
            status: int | None
            if failure is None or failure.after:
                status, body = self._execute(request)
            if failure is not None:
                status, body = self._failure_response(failure)
            request.status = status or 0
            request.response = copy.deepcopy(body)
            return request, status, body, dict(failure.headers) if failure else {}

    def _failure_response(self, failure: _Failure) -> tuple[int | None, Any]:
        if failure.status is None:
            return None, None
        if failure.body is not None:
            return failure.status, failure.body
        if failure.status == 429:
            error = _ApiError(
                429, "Too many requests hit the API too quickly.", type="invalid_request_error", code="rate_limit"
            )
        elif failure.status >= 500:
            error = _ApiError(failure.status, "An unknown error occurred", type="api_error")
        else:
            error = _ApiError(failure.status, "Injected failure")
        return failure.status, {"error": error.body}

    def _execute(self, request: RecordedRequest) -> tuple[int, Any]:
        try:
            self._authenticate(request)
        except _ApiError as error:
            return error.status, {"error": error.body}
        # Keys are scoped to the account making the request (the API key, and a Stripe-Account header).
        key = request.idempotency_key if request.method == "POST" else None
        scope = (request.authorization or "", request.stripe_account or "", key or "")
        if key and (saved := self._idempotent.get(scope)) is not None:
            return self._replay(request, key, *saved)
        self._current = request
        try:
            status, body = 200, self._route(request)
            keep = True
        except _ApiError as error:
            status, body, keep = error.status, {"error": error.body}, error.saved
        except Exception as error:  # a bug in the fake: answer like Stripe's 500, fail the test at stop()
            self.server_errors.append(error)
            status, body, keep = 500, {"error": {"message": f"fake Stripe bug: {error!r}", "type": "api_error"}}, False
        finally:
            self._current = None
        if key and keep:
            self._idempotent[scope] = (request, status, copy.deepcopy(body))
        return status, body

    def _replay(
        self, request: RecordedRequest, key: str, first: RecordedRequest, status: int, body: Any
    ) -> tuple[int, Any]:
        if (first.method, first.path) != (request.method, request.path):
            error = _ApiError(
                400,
                "Keys for idempotent requests can only be used for the same endpoint they were first used for "
                f"('{first.method} {first.path}' vs '{request.method} {request.path}'). Try using a key other "
                f"than '{key}' if you meant to execute a different request.",
                type="idempotency_error",
            )
            return 400, {"error": error.body}
        if first.params != request.params:
            error = _ApiError(
                400,
                "Keys for idempotent requests can only be used with the same parameters they were first used with. "
                f"Try using a key other than '{key}' if you meant to execute a different request.",
                type="idempotency_error",
            )
            return 400, {"error": error.body}
        request.replayed = True
        request.original_request = first.request_id
        return status, copy.deepcopy(body)

    def _authenticate(self, request: RecordedRequest) -> None:
        header = request.authorization or ""
        if not header:
            raise _ApiError(
                401,
                "You did not provide an API key. You need to provide your API key in the Authorization header, "
                "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
            )
        supplied = header.removeprefix("Bearer ").strip()
        if supplied != self.api_key:
            raise _ApiError(401, f"Invalid API Key provided: {supplied[:8]}{'*' * 8}{supplied[-4:]}")

    def _route(self, request: RecordedRequest) -> dict[str, Any]:
        method, path, params = request.method, request.path, request.params
        routes: list[tuple[str, str, Callable[..., dict[str, Any]]]] = [
            ("POST", r"/v1/checkout/sessions", self._create_session),
            ("GET", r"/v1/checkout/sessions/(?P<id>[^/]+)", self._retrieve_session),
            ("POST", r"/v1/checkout/sessions/(?P<id>[^/]+)/expire", self._expire_session),
            ("POST", r"/v1/refunds", self._create_refund),
            ("POST", r"/v1/accounts", self._create_account),
            ("GET", r"/v1/accounts/(?P<id>[^/]+)", self._retrieve_account),
            ("POST", r"/v1/account_links", self._create_account_link),
            ("POST", r"/v1/customers", self._create_customer),
            ("GET", r"/v1/customers/(?P<id>[^/]+)", self._retrieve_customer),
            ("POST", r"/v1/customers/(?P<id>[^/]+)", self._update_customer),
            ("POST", r"/v1/setup_intents", self._create_setup_intent),
            ("POST", r"/v1/payment_methods/(?P<id>[^/]+)/detach", self._detach_payment_method),
            ("POST", r"/v1/payment_intents", self._create_payment_intent),
        ]
        for route_method, pattern, action in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                return action(params, **match.groupdict())
        raise _ApiError(
            404,
            f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at "
            "https://support.stripe.com/.",
            saved=False,
        )

    # --- endpoints ------------------------------------------------------------------------------

    def _create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        now = self.now()
        mode = params.get("mode")
        if not mode:
            raise _missing("mode")
        if mode != "payment":
            raise _invalid(f"The fake Stripe only models mode=payment, not {mode}.", param="mode")
        line_items = params.get("line_items")
        if not isinstance(line_items, list) or not line_items:
            raise _missing("line_items")
        total, currency = 0, None
        for index, item in enumerate(line_items):
            where = f"line_items[{index}]"
            quantity = _integer(item, "quantity", f"{where}[quantity]", minimum=1)
            price_data = item.get("price_data")
            if not isinstance(price_data, dict):
                raise _missing(f"{where}[price_data]")
            item_currency = price_data.get("currency")
            if not item_currency:
                raise _missing(f"{where}[price_data][currency]")
            if not re.fullmatch(r"[a-zA-Z]{3}", item_currency):
                raise _invalid(f"Invalid currency: {item_currency}.", param=f"{where}[price_data][currency]")
            item_currency = item_currency.lower()
            if currency is not None and item_currency != currency:
                raise _invalid("All line items must use the same currency.", param=f"{where}[price_data][currency]")
            currency = item_currency
            unit_amount = _integer(price_data, "unit_amount", f"{where}[price_data][unit_amount]", minimum=0)
            product_data = price_data.get("product_data")
            if not isinstance(product_data, dict) or not product_data.get("name"):
                raise _missing(f"{where}[price_data][product_data][name]")
            total += unit_amount * quantity
        assert currency is not None
        minimum = MINIMUM_AMOUNTS.get(currency)
        if minimum is not None and total < minimum:
            raise _invalid(
                f"The Checkout Session's total amount due must add up to at least {minimum} "
                f"(in the smallest unit of {currency}).",
                code="amount_too_small",
            )
        expires_at = now + MAX_SESSION_SECONDS
        if params.get("expires_at") not in (None, ""):
            expires_at = _integer(params, "expires_at")
            if expires_at - now < MIN_SESSION_SECONDS:
                raise _invalid(
                    "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
                    param="expires_at",
                )
            if expires_at - now > MAX_SESSION_SECONDS:
                raise _invalid(
                    "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
                    param="expires_at",
                )
        email = params.get("customer_email")
        if email and not _EMAIL.match(email):
            raise _invalid(f"Invalid email address: {email}", param="customer_email", code="email_invalid")
        metadata = self._metadata(params.get("metadata"), "metadata")
        intent_data = params.get("payment_intent_data") or {}
        self._metadata(intent_data.get("metadata"), "payment_intent_data[metadata]")
        self._check_destination(intent_data, total, "payment_intent_data")

        session_id = "cs_test_a1" + self._token(56)
        session = event_template("checkout.session.completed")["data"]["object"]
        session.update(
            id=session_id,
            amount_subtotal=total,
            amount_total=total,
            cancel_url=params.get("cancel_url") or None,
            client_reference_id=params.get("client_reference_id") or None,
            created=now,
            currency=currency,
            customer_details=None,
            customer_email=email or None,
            expires_at=expires_at,
            livemode=False,
            metadata=metadata,
            mode=mode,
            payment_intent=None,
            payment_method_configuration_details={"id": "pmc_" + self._token(24), "parent": None},
            payment_method_types=["card", "link"],
            payment_status="unpaid",
            status="open",
            success_url=params.get("success_url") or None,
            total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            url=f"https://checkout.stripe.com/c/pay/{session_id}#fid{self._token(40)}",
        )
        self.sessions[session_id] = session
        self._session_params[session_id] = copy.deepcopy(params)
        return copy.deepcopy(session)

    def _check_destination(self, intent_data: Mapping[str, Any], total: int, prefix: str | None) -> None:
        """transfer_data[destination] and application_fee_amount of a payment intent: in
        `payment_intent_data` for a Checkout Session (prefix), at the top of a payment intent."""
        transfer_data = intent_data.get("transfer_data") or {}
        destination = transfer_data.get("destination") if isinstance(transfer_data, dict) else None
        param = f"{prefix}[transfer_data][destination]" if prefix else "transfer_data[destination]"
        if destination:
            account = self.accounts.get(destination)
            if account is None:
                raise _invalid(f"No such destination: '{destination}'", param=param, code="resource_missing")
            if account["capabilities"].get("transfers") != "active":
                raise _invalid(
                    "Your destination account needs to have at least one of the following capabilities enabled: "
                    "transfers, crypto_transfers, legacy_payments",
                    param=param,
                    code="insufficient_capabilities_for_transfer",
                )
        if intent_data.get("application_fee_amount") not in (None, ""):
            fee_param = f"{prefix}[application_fee_amount]" if prefix else "application_fee_amount"
            fee = _integer(intent_data, "application_fee_amount", fee_param, minimum=0)
            if not destination and not (self._current and self._current.stripe_account):
                raise _invalid(
                    "Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment "
                    "(using an OAuth key or Stripe-Account header) or destination payment (using "
                    "`transfer_data[destination]`).",
                    param=fee_param,
                )
            if fee > total:
                raise _invalid(
                    "The application fee amount cannot be greater than the amount of the payment.", param=fee_param
                )

    def _retrieve_session(self, params: dict[str, Any], id: str) -> dict[str, Any]:
        return copy.deepcopy(self._session(id))

    def _expire_session(self, params: dict[str, Any], id: str) -> dict[str, Any]:
        session = self._session(id)
        if session["status"] != "open":
            raise _ApiError(
                400,
                'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status '
                f"of `{session['status']}`.",
            )
        self._expire(session)
        return copy.deepcopy(session)

    def _session(self, session_id: str) -> dict[str, Any]:
        session = self.sessions.get(session_id)
        if session is None:
            raise _no_such("checkout.session", session_id, "session")
        return session

    def _create_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        intent_id, charge_id = params.get("payment_intent"), params.get("charge")
        if not intent_id and not charge_id:
            raise _invalid("One of the following params should be provided for this request: payment_intent or charge.")
        if intent_id:
            intent = self.payment_intents.get(intent_id)
            if intent is None:
                raise _no_such("payment_intent", intent_id, "payment_intent", status=400)
            charge = self.charges.get(intent.get("latest_charge") or "")
            if charge is None or charge["status"] != "succeeded":
                raise _ApiError(
                    400,
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                    code="charge_not_refundable",
                )
        else:
            charge = self.charges.get(charge_id or "")
            if charge is None:
                raise _no_such("charge", str(charge_id), "charge", status=400)
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise _ApiError(400, f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
        amount = _integer(params, "amount", minimum=1) if params.get("amount") not in (None, "") else remaining
        if amount > remaining:
            raise _ApiError(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
                code="amount_too_large",
                param="amount",
            )
        if charge["disputed"] and any(
            d["charge"] == charge["id"] and d["status"] in ("needs_response", "under_review", "lost")
            for d in self.disputes.values()
        ):
            raise _ApiError(
                400, f"Charge {charge['id']} has been charged back; it cannot be refunded.", code="charge_disputed"
            )
        reverse_transfer = _boolean(params.get("reverse_transfer"), "reverse_transfer")
        if reverse_transfer and not charge.get("transfer"):
            raise _invalid("Cannot reverse the transfer of a charge without a transfer.", param="reverse_transfer")
        refund_fee = _boolean(params.get("refund_application_fee"), "refund_application_fee")
        if refund_fee and not charge.get("application_fee"):
            raise _invalid("This charge has no application fee to refund.", param="refund_application_fee")
        metadata = self._metadata(params.get("metadata"), "metadata")
        status = self.refund_status
        if status not in ("succeeded", "pending", "requires_action"):
            raise ValueError(f"a refund cannot start as {status}")

        refund = event_template("refund.created")["data"]["object"]
        refund.update(
            id="re_" + self._token(24),
            amount=amount,
            balance_transaction="txn_" + self._token(24),
            charge=charge["id"],
            created=self.now(),
            currency=charge["currency"],
            metadata=metadata,
            payment_intent=charge["payment_intent"],
            status=status,
            transfer_reversal=("trr_" + self._token(24)) if reverse_transfer else None,
        )
        refund["destination_details"]["card"]["reference_status"] = "available" if status == "succeeded" else "pending"
        if status == "succeeded":
            refund["destination_details"]["card"]["reference"] = self._digits(23)
        self.refunds[refund["id"]] = refund
        previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        self.emit("charge.refunded", charge, previous_attributes=previous)
        self.emit("refund.created", refund)
        return copy.deepcopy(refund)

    def _create_account(self, params: dict[str, Any]) -> dict[str, Any]:
        kind = params.get("type") or "standard"
        if kind not in ("standard", "express", "custom"):
            raise _invalid("Invalid type: must be one of standard, express, or custom", param="type")
        country = (params.get("country") or "US").upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise _invalid(f"Invalid country: {country}", param="country")
        email = params.get("email")
        if email and not _EMAIL.match(email):
            raise _invalid(f"Invalid email address: {email}", param="email", code="email_invalid")
        requested = params.get("capabilities") or {}
        capabilities = {
            name: "inactive" for name, wanted in requested.items() if _boolean(wanted.get("requested"), name)
        }
        account = self._new_account(
            kind=kind,
            country=country,
            email=email,
            capabilities=capabilities,
            metadata=self._metadata(params.get("metadata"), "metadata"),
        )
        return copy.deepcopy(account)

    def _retrieve_account(self, params: dict[str, Any], id: str) -> dict[str, Any]:
        account = self.accounts.get(id)
        if account is None:
            raise _ApiError(
                403,
                f"The provided key does not have access to account '{id}' (or that account does not exist). "
                "Application access may have been revoked.",
                type="invalid_request_error",
                code="account_invalid",
                saved=False,
            )
        return copy.deepcopy(account)

    def _create_account_link(self, params: dict[str, Any]) -> dict[str, Any]:
        account_id = params.get("account")
        if not account_id:
            raise _missing("account")
        if account_id not in self.accounts:
            raise _no_such("account", account_id, "account", status=400)
        kind = params.get("type")
        if not kind:
            raise _missing("type")
        if kind not in ("account_onboarding", "account_update"):
            raise _invalid(f"Invalid type: {kind}", param="type")
        for name in ("refresh_url", "return_url"):
            if not params.get(name):
                raise _missing(name)
        now = self.now()
        link = {
            "object": "account_link",
            "created": now,
            "expires_at": now + ACCOUNT_LINK_SECONDS,
            "url": f"https://connect.stripe.com/setup/e/{account_id}/{self._token(12)}",
        }
        self.account_links.append(
            {
                **link,
                "account": account_id,
                "type": kind,
                **{name: params[name] for name in ("refresh_url", "return_url")},
            }
        )
        return link

    # --- customers and saved payment methods ----------------------------------------------------

    def _create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        _known(params, ("description", "email", "metadata", "name", "phone"))
        email = params.get("email") or None
        if email and not _EMAIL.match(email):
            raise _invalid(f"Invalid email address: {email}", param="email", code="email_invalid")
        customer = event_template("customer.created")["data"]["object"]
        customer.update(
            id="cus_" + self._token(14),
            created=self.now(),
            description=params.get("description") or None,
            email=email,
            invoice_prefix="".join(self._random.choice(_UPPER_ALPHANUMERIC) for _ in range(8)),
            metadata=self._metadata(params.get("metadata"), "metadata"),
            name=params.get("name") or None,
            phone=params.get("phone") or None,
        )
        self.customers[customer["id"]] = customer
        self.emit("customer.created", customer)
        return copy.deepcopy(customer)

    def _retrieve_customer(self, params: dict[str, Any], id: str) -> dict[str, Any]:
        return copy.deepcopy(self._customer(id))

    def _update_customer(self, params: dict[str, Any], id: str) -> dict[str, Any]:
        """Update a customer; customer.updated names the earlier values of what changed."""
        customer = self._customer(id)
        _known(params, ("description", "email", "invoice_settings", "metadata", "name", "phone"))
        settings = params.get("invoice_settings") or {}
        if not isinstance(settings, dict):
            raise _invalid("Invalid object", param="invoice_settings")
        _known(settings, ("default_payment_method",), "invoice_settings")
        email = params.get("email") or None
        if email and not _EMAIL.match(email):
            raise _invalid(f"Invalid email address: {email}", param="email", code="email_invalid")
        default = settings.get("default_payment_method") or None
        if default is not None:
            param = "invoice_settings[default_payment_method]"
            method = self.payment_methods.get(default)
            if method is None:
                raise _no_such("PaymentMethod", default, param, status=400)
            if method["customer"] != id:
                raise _invalid(
                    f"The customer does not have a payment method with the ID {default}. The payment method must be "
                    "attached to the customer.",
                    param=param,
                    code="resource_missing",
                )
        metadata = params.get("metadata")
        self._metadata(metadata, "metadata")  # validation only: "" removes a key here

        before = copy.deepcopy(customer)
        for name in ("description", "email", "name", "phone"):
            if name in params:
                customer[name] = params[name] or None
        if "default_payment_method" in settings:
            customer["invoice_settings"]["default_payment_method"] = default
        if metadata == "":
            customer["metadata"] = {}
        elif isinstance(metadata, dict):
            for key, value in metadata.items():
                if value == "":
                    customer["metadata"].pop(key, None)
                else:
                    customer["metadata"][key] = value
        previous = _changed(before, customer)
        if previous:
            self.emit("customer.updated", customer, previous_attributes=previous)
        return copy.deepcopy(customer)

    def _customer(self, customer_id: str, param: str = "id", status: int = 404) -> dict[str, Any]:
        customer = self.customers.get(customer_id)
        if customer is None:
            raise _no_such("customer", customer_id, param, status=status)
        return customer

    def _create_setup_intent(self, params: dict[str, Any]) -> dict[str, Any]:
        _known(
            params,
            ("automatic_payment_methods", "customer", "description", "metadata", "payment_method_types", "usage"),
        )
        customer_id = params.get("customer") or None
        if customer_id is not None:
            self._customer(customer_id, "customer", status=400)
        usage = params.get("usage") or "off_session"
        if usage not in ("off_session", "on_session"):
            raise _invalid("Invalid usage: must be one of off_session or on_session", param="usage")
        types = params.get("payment_method_types") or None
        automatic = params.get("automatic_payment_methods") or {}
        if types and automatic:
            raise _invalid(
                "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.",
                param="automatic_payment_methods",
            )
        allow_redirects = automatic.get("allow_redirects") or "always"
        if allow_redirects not in ("always", "never"):
            raise _invalid(
                "Invalid automatic_payment_methods[allow_redirects]: must be one of always or never",
                param="automatic_payment_methods[allow_redirects]",
            )
        metadata = self._metadata(params.get("metadata"), "metadata")
        intent = event_template("setup_intent.succeeded")["data"]["object"]
        intent_id = "seti_1" + self._token(23)
        intent.update(
            id=intent_id,
            automatic_payment_methods=None if types else {"allow_redirects": allow_redirects, "enabled": True},
            client_secret=f"{intent_id}_secret_{self._token(32)}",
            created=self.now(),
            customer=customer_id,
            description=params.get("description") or None,
            latest_attempt=None,
            metadata=metadata,
            payment_method=None,
            payment_method_configuration_details=None if types else {"id": "pmc_" + self._token(24), "parent": None},
            payment_method_types=list(types) if types else ["card"],
            status="requires_payment_method",
            usage=usage,
        )
        self.setup_intents[intent_id] = intent
        return copy.deepcopy(intent)

    def _detach_payment_method(self, params: dict[str, Any], id: str) -> dict[str, Any]:
        _known(params, ())
        method = self.payment_methods.get(id)
        if method is None:
            raise _no_such("PaymentMethod", id, "payment_method")
        if method["customer"] is None:
            raise _invalid("The payment method you provided is not attached to a customer so detachment is impossible.")
        self._detach(method)
        return copy.deepcopy(method)

    def _detach(self, method: dict[str, Any]) -> dict[str, Any]:
        """The method leaves its customer for good. The customer's invoice_settings keep naming it
        if it was the default (Stripe does not clear default_payment_method on detach)."""
        previous = {"customer": method["customer"]}
        method["customer"] = None
        return self.emit("payment_method.detached", method, previous_attributes=previous)

    def _create_payment_intent(self, params: dict[str, Any]) -> dict[str, Any]:
        """A payment intent confirmed at creation with a saved payment method (off session, or with
        the customer present); the card behaves as `save_card` said: it succeeds, asks for 3-D
        Secure (402 authentication_required) or is declined (402 card_declined). A 402 is saved
        under the idempotency key like any result of an endpoint that began executing."""
        _known(
            params,
            (
                "amount", "application_fee_amount", "automatic_payment_methods", "confirm", "currency", "customer",
                "description", "metadata", "off_session", "payment_method", "payment_method_types", "receipt_email",
                "return_url", "setup_future_usage", "transfer_data",
            ),
        )  # fmt: skip
        amount = _integer(params, "amount", minimum=1)
        currency = params.get("currency")
        if not currency:
            raise _missing("currency")
        if not re.fullmatch(r"[a-zA-Z]{3}", currency):
            raise _invalid(f"Invalid currency: {currency}.", param="currency")
        currency = currency.lower()
        minimum = MINIMUM_AMOUNTS.get(currency)
        if minimum is not None and amount < minimum:
            raise _invalid(
                f"Amount must be at least {minimum} in the smallest unit of {currency}.",
                param="amount",
                code="amount_too_small",
            )
        confirm = _boolean(params.get("confirm"), "confirm")
        off_session = _boolean(params.get("off_session"), "off_session")
        if off_session and not confirm:
            raise _invalid("You can only pass `off_session` when `confirm` is set to true.", param="off_session")
        if not confirm:
            raise _invalid("The fake Stripe only models payment intents confirmed at creation.", param="confirm")
        customer_id = params.get("customer") or None
        if customer_id is not None:
            self._customer(customer_id, "customer", status=400)
        method_id = params.get("payment_method") or None
        if method_id is None:
            raise _invalid(
                "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update "
                "the PaymentIntent with a payment method and then confirm it again, or confirm it again directly "
                "with a payment method or ConfirmationToken.",
                param="payment_method",
            )
        method = self.payment_methods.get(method_id)
        if method is None:
            raise _no_such("PaymentMethod", method_id, "payment_method", status=400)
        if method["customer"] is None:
            raise _invalid(_DETACHED_MESSAGE, param="payment_method")
        if method["customer"] != customer_id:
            raise _invalid(
                f"The provided PaymentMethod {method_id} is attached to another Customer than the one provided "
                f"({customer_id}). A PaymentMethod can only be used with the Customer it is attached to.",
                param="payment_method",
            )
        types = params.get("payment_method_types") or None
        automatic = params.get("automatic_payment_methods") or {}
        if types and automatic:
            raise _invalid(
                "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.",
                param="automatic_payment_methods",
            )
        if types and method["type"] not in types:
            raise _invalid(
                f"The PaymentMethod provided ({method['type']}) is not allowed for this PaymentIntent.",
                param="payment_method",
            )
        allow_redirects = automatic.get("allow_redirects") or "always"
        if allow_redirects not in ("always", "never"):
            raise _invalid(
                "Invalid automatic_payment_methods[allow_redirects]: must be one of always or never",
                param="automatic_payment_methods[allow_redirects]",
            )
        if not types and allow_redirects != "never" and not params.get("return_url"):
            raise _invalid(_REDIRECT_MESSAGE)
        metadata = self._metadata(params.get("metadata"), "metadata")
        self._check_destination(params, amount, None)
        transfer = params.get("transfer_data") or {}
        fee = params.get("application_fee_amount")

        now = self.now()
        intent = event_template("payment_intent.succeeded")["data"]["object"]
        intent_id = "pi_3" + self._token(23)
        intent.update(
            id=intent_id,
            amount=amount,
            amount_received=0,
            application_fee_amount=int(fee) if fee not in (None, "") else None,
            automatic_payment_methods=None if types else {"allow_redirects": allow_redirects, "enabled": True},
            client_secret=f"{intent_id}_secret_{self._token(25)}",
            created=now,
            currency=currency,
            customer=customer_id,
            description=params.get("description") or None,
            last_payment_error=None,
            latest_charge=None,
            metadata=metadata,
            payment_method=method_id,
            payment_method_configuration_details=None if types else {"id": "pmc_" + self._token(24), "parent": None},
            payment_method_types=list(types) if types else ["card"],
            receipt_email=params.get("receipt_email") or None,
            setup_future_usage=params.get("setup_future_usage") or None,
            status="processing",
            transfer_data={"destination": transfer["destination"]} if transfer.get("destination") else None,
            transfer_group=None,
        )
        self.payment_intents[intent_id] = intent
        outcome = self._card_outcomes.get(method_id, "succeeds")
        if outcome == "succeeds":
            charge = self._card_charge(intent, method, status="succeeded")
            intent.update(status="succeeded", amount_received=amount, latest_charge=charge["id"])
            self.emit("payment_intent.succeeded", intent)
            return copy.deepcopy(intent)

        if outcome == "requires_3ds":
            code = decline_code = "authentication_required"
            message = "Your card was declined. This transaction requires authentication."
            seller_message = "The bank returned the decline code `authentication_required`."
        else:
            code, decline_code, message = "card_declined", "generic_decline", "Your card was declined."
            seller_message = "The bank did not return any further details with this decline."
        charge = self._card_charge(intent, method, status="failed")
        charge.update(failure_code=code, failure_message=message)
        charge["outcome"].update(
            network_status="declined_by_network", reason=decline_code, seller_message=seller_message,
            type="issuer_declined",
        )  # fmt: skip
        error = self._payment_error(
            intent, charge, code=code, message=message, decline_code=decline_code, kind="card_error"
        )
        error["payment_method"] = copy.deepcopy(method)
        intent.update(
            status="requires_payment_method", latest_charge=charge["id"], last_payment_error=error, payment_method=None
        )
        self.emit("payment_intent.payment_failed", intent)
        request_id = self._current.request_id if self._current else "req_" + self._token(14)
        raise _ApiError(
            402,
            message,
            type="card_error",
            code=code,
            extra={
                "charge": charge["id"],
                "decline_code": decline_code,
                "payment_intent": copy.deepcopy(intent),
                "payment_method": copy.deepcopy(method),
                "request_log_url": f"https://dashboard.stripe.com/test/logs/{request_id}?t={now}",
            },
        )

    def _card_charge(self, intent: Mapping[str, Any], method: Mapping[str, Any], *, status: str) -> dict[str, Any]:
        """A charge of `intent` on a saved card: succeeded, or failed (declined)."""
        charge = self._new_charge({"customer_email": intent.get("receipt_email")}, intent, status=status, method="card")
        card = method["card"]
        succeeded = status == "succeeded"
        charge.update(
            billing_details=copy.deepcopy(method["billing_details"]),
            customer=intent.get("customer"),
            payment_method=method["id"],
        )
        details = charge["payment_method_details"]["card"]
        details.update(
            amount_authorized=charge["amount"] if succeeded else None,
            authorization_code=self._digits(6) if succeeded else None,
            brand=card["brand"],
            country=card["country"],
            exp_month=card["exp_month"],
            exp_year=card["exp_year"],
            fingerprint=card["fingerprint"],
            funding=card["funding"],
            last4=card["last4"],
            network=card["networks"]["available"][0] if card["networks"]["available"] else None,
            network_transaction_id=self._digits(15) if succeeded else None,
            wallet=copy.deepcopy(card["wallet"]),
        )
        details["overcapture"]["maximum_amount_capturable"] = charge["amount"]
        return charge

    def _metadata(self, value: Any, param: str) -> dict[str, str]:
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise _invalid("Invalid object", param=param)
        if len(value) > 50:
            raise _invalid("Metadata can have up to 50 keys.", param=param)
        for key, item in value.items():
            if len(key) > 40:
                raise _invalid("Metadata keys can have up to 40 characters.", param=f"{param}[{key}]")
            if not isinstance(item, str) or len(item) > 500:
                raise _invalid("Metadata values can have up to 500 characters.", param=f"{param}[{key}]")
        return {key: item for key, item in value.items() if item != ""}

    # --- Stripe's side of the story: each changes the stored objects and returns the event ------

    def complete_checkout(self, session_id: str, *, paid: bool = True) -> dict[str, Any]:
        """The customer finishes the hosted page. `paid`: a card payment (payment_status paid);
        otherwise a delayed method (a bank debit) that settles later through `settle_async_payment`."""
        with self._lock:
            session = self._open_session(session_id)
            intent = self._intent_for(session)
            charge = self._new_charge(
                session, intent, status="succeeded" if paid else "pending", method="card" if paid else "us_bank_account"
            )
            intent.update(
                status="succeeded" if paid else "processing",
                amount_received=intent["amount"] if paid else 0,
                last_payment_error=None,
                latest_charge=charge["id"],
                payment_method=charge["payment_method"],
                payment_method_types=["card"] if paid else ["us_bank_account"],
            )
            session.update(
                status="complete",
                payment_status="paid" if paid else "unpaid",
                payment_intent=intent["id"],
                customer_details=self._customer_details(session),
                url=None,
            )
            if not paid:
                template = event_template("checkout.session.async_payment_succeeded")["data"]["object"]
                session.update(
                    payment_method_types=template["payment_method_types"],
                    payment_method_options=template["payment_method_options"],
                )
            return self.emit("checkout.session.completed", session)

    def settle_async_payment(self, session_id: str, *, succeeded: bool = True) -> dict[str, Any]:
        """A delayed payment of a completed, unpaid session clears or fails."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] != "complete" or session["payment_status"] != "unpaid":
                raise ValueError(f"{session_id} has no payment waiting to settle")
            intent = self.payment_intents[session["payment_intent"]]
            charge = self.charges[intent["latest_charge"]]
            if succeeded:
                session["payment_status"] = "paid"
                intent.update(status="succeeded", amount_received=intent["amount"])
                charge.update(
                    status="succeeded",
                    paid=True,
                    captured=True,
                    amount_captured=charge["amount"],
                    balance_transaction="txn_" + self._token(24),
                )
                charge["outcome"].update(
                    network_status="approved_by_network", seller_message="Payment complete.", type="authorized"
                )
                return self.emit("checkout.session.async_payment_succeeded", session)
            code, message = "insufficient_funds", "The customer's account has insufficient funds to cover this payment."
            charge.update(status="failed", failure_code=code, failure_message=message)
            error = self._payment_error(
                intent, charge, code=code, message=message, decline_code=None, kind="invalid_request_error"
            )
            error["payment_method"] = self._bank_payment_method(charge)
            intent.update(status="requires_payment_method", last_payment_error=error, payment_method=None)
            return self.emit("checkout.session.async_payment_failed", session)

    def fail_payment(
        self,
        session_id: str,
        *,
        code: str = "card_declined",
        decline_code: str | None = "generic_decline",
        message: str = "Your card was declined.",
    ) -> dict[str, Any]:
        """A payment attempt on the hosted page is declined: payment_intent.payment_failed. The
        session stays open and can still be completed (the customer tries another card)."""
        with self._lock:
            session = self._open_session(session_id)
            intent = self._intent_for(session)
            charge = self._new_charge(session, intent, status="failed", method="card")
            charge.update(failure_code=code, failure_message=message)
            charge["outcome"].update(
                network_status="declined_by_network",
                reason=decline_code,
                seller_message="The bank did not return any further details with this decline.",
                type="issuer_declined",
            )
            intent.update(
                status="requires_payment_method",
                latest_charge=charge["id"],
                last_payment_error=self._payment_error(
                    intent, charge, code=code, message=message, decline_code=decline_code, kind="card_error"
                ),
            )
            session["payment_intent"] = intent["id"]
            return self.emit("payment_intent.payment_failed", intent)

    def expire_session(self, session_id: str) -> dict[str, Any]:
        """Stripe expires an open session at its expires_at (no API request involved)."""
        with self._lock:
            return self._expire(self._open_session(session_id))

    def expire_lapsed_sessions(self) -> list[dict[str, Any]]:
        """Every open session whose expires_at has passed on the fake's clock expires."""
        with self._lock:
            lapsed = [s for s in self.sessions.values() if s["status"] == "open" and s["expires_at"] <= self.now()]
            return [self._expire(session) for session in lapsed]

    def settle_refund(
        self, refund_id: str, *, status: str = "succeeded", failure_reason: str = "expired_or_canceled_card"
    ) -> dict[str, Any]:
        """A pending refund ends: refund.updated, plus refund.failed when it fails (the charge's
        amount_refunded goes back down for failed and canceled refunds). Returns the last event."""
        if status not in ("succeeded", "failed", "canceled"):
            raise ValueError(f"a refund cannot settle as {status}")
        with self._lock:
            refund = self.refunds[refund_id]
            if refund["status"] not in ("pending", "requires_action"):
                raise ValueError(f"{refund_id} is already {refund['status']}")
            previous: dict[str, Any] = {"status": refund["status"]}
            card = refund["destination_details"]["card"]
            if status == "succeeded":
                previous["destination_details"] = {"card": {"reference": None, "reference_status": "pending"}}
                card.update(reference=self._digits(23), reference_status="available")
            else:
                charge = self.charges[refund["charge"]]
                charge["amount_refunded"] -= refund["amount"]
                charge["refunded"] = False
                card["reference_status"] = "unavailable"
            if status == "failed":
                previous.update(failure_balance_transaction=None, failure_reason=None)
                refund.update(failure_balance_transaction="txn_" + self._token(24), failure_reason=failure_reason)
            refund["status"] = status
            event = self.emit("refund.updated", refund, previous_attributes=previous)
            if status == "failed":
                event = self.emit("refund.failed", refund)
            return event

    def open_dispute(
        self,
        payment_intent: str,
        *,
        reason: str = "fraudulent",
        status: str = "needs_response",
        amount: int | None = None,
    ) -> dict[str, Any]:
        """The cardholder disputes the payment intent's charge: charge.dispute.created.
        `status` warning_needs_response makes it an inquiry (no funds withdrawn yet)."""
        if status not in ("needs_response", "warning_needs_response"):
            raise ValueError(f"a dispute cannot open as {status}")
        with self._lock:
            intent = self.payment_intents[payment_intent]
            charge = self.charges[intent["latest_charge"]]
            dispute = event_template("charge.dispute.created")["data"]["object"]
            dispute_id = "du_" + self._token(24)
            now = self.now()
            disputed = charge["amount"] if amount is None else amount
            inquiry = status.startswith("warning_")
            withdrawal = dispute["balance_transactions"][0]
            withdrawal.update(
                id="txn_" + self._token(24),
                amount=-disputed,
                net=-disputed - withdrawal["fee"],
                available_on=now,
                created=now,
                source=dispute_id,
                currency=charge["currency"],
                description=f"Chargeback withdrawal for {charge['id']}",
            )
            for fee in withdrawal["fee_details"]:
                fee["currency"] = charge["currency"]
            dispute.update(
                id=dispute_id,
                amount=disputed,
                balance_transactions=[] if inquiry else [withdrawal],
                charge=charge["id"],
                created=now,
                currency=charge["currency"],
                is_charge_refundable=inquiry,
                payment_intent=intent["id"],
                reason=reason,
                status=status,
            )
            dispute["evidence_details"]["due_by"] = now + DISPUTE_RESPONSE_SECONDS
            self.disputes[dispute_id] = dispute
            charge["disputed"] = True
            return self.emit("charge.dispute.created", dispute)

    def update_dispute(
        self, dispute_id: str, *, status: str = "under_review", evidence: str | None = None
    ) -> dict[str, Any]:
        """Evidence submitted, or the status moves on: charge.dispute.updated."""
        if status not in ("needs_response", "under_review", "warning_needs_response", "warning_under_review"):
            raise ValueError(f"use close_dispute for {status}")
        with self._lock:
            dispute = self.disputes[dispute_id]
            previous: dict[str, Any] = {"status": dispute["status"]}
            if evidence is not None:
                previous["evidence"] = {"uncategorized_text": dispute["evidence"]["uncategorized_text"]}
                details = dispute["evidence_details"]
                previous["evidence_details"] = {
                    "has_evidence": details["has_evidence"],
                    "submission_count": details["submission_count"],
                }
                dispute["evidence"]["uncategorized_text"] = evidence
                details.update(has_evidence=True, submission_count=details["submission_count"] + 1)
            dispute["status"] = status
            return self.emit("charge.dispute.updated", dispute, previous_attributes=previous)

    def close_dispute(self, dispute_id: str, *, status: str = "won") -> dict[str, Any]:
        """The dispute ends won, lost, or (an inquiry) warning_closed: charge.dispute.closed."""
        if status not in ("won", "lost", "warning_closed"):
            raise ValueError(f"a dispute cannot close as {status}")
        with self._lock:
            dispute = self.disputes[dispute_id]
            dispute["status"] = status
            if status == "won" and dispute["balance_transactions"]:
                reversal = copy.deepcopy(
                    event_template("charge.dispute.closed")["data"]["object"]["balance_transactions"][-1]
                )
                reversal.update(
                    id="txn_" + self._token(24),
                    amount=dispute["amount"],
                    net=dispute["amount"] - reversal["fee"],
                    available_on=self.now(),
                    created=self.now(),
                    source=dispute_id,
                    currency=dispute["currency"],
                    description=f"Chargeback reversal for {dispute['charge']}",
                )
                dispute["balance_transactions"].append(reversal)
            return self.emit("charge.dispute.closed", dispute)

    def add_account(
        self, *, email: str | None = None, country: str = "US", onboarded: bool = True, provider_id: str | None = None
    ) -> str:
        """A connected Express account made directly (no request recorded), onboarded by default,
        so a destination charge to it is accepted."""
        with self._lock:
            account = self._new_account(
                kind="express",
                country=country,
                email=email,
                capabilities={"card_payments": "inactive", "transfers": "inactive"},
                metadata={"provider_id": provider_id} if provider_id else {},
            )
            if onboarded:
                self._onboard(account)
            account_id: str = account["id"]
            return account_id

    def update_account(
        self,
        account_id: str,
        *,
        charges_enabled: bool = True,
        payouts_enabled: bool = True,
        details_submitted: bool = True,
    ) -> dict[str, Any]:
        """The provider's onboarding moves on (or Stripe disables the account): account.updated,
        a Connect event (its envelope names the account)."""
        with self._lock:
            account = self.accounts[account_id]
            keys = ("capabilities", "charges_enabled", "payouts_enabled", "details_submitted", "requirements")
            before = copy.deepcopy({key: account[key] for key in keys})
            state = "active" if charges_enabled else "inactive"
            account["capabilities"] = {name: state for name in account["capabilities"]}
            due = [] if details_submitted and charges_enabled else list(ONBOARDING_REQUIREMENTS)
            account["requirements"].update(
                currently_due=due,
                eventually_due=list(due),
                past_due=list(due),
                disabled_reason=None if charges_enabled else "requirements.past_due",
            )
            account.update(
                charges_enabled=charges_enabled, payouts_enabled=payouts_enabled, details_submitted=details_submitted
            )
            if details_submitted:
                account["tos_acceptance"]["date"] = account["tos_acceptance"].get("date") or self.now()
            previous = _changed(before, {key: account[key] for key in keys})
            return self.emit("account.updated", account, previous_attributes=previous, account=account_id)

    def onboard_account(self, account_id: str) -> dict[str, Any]:
        return self.update_account(account_id)

    def pay_out(self, account_id: str, amount: int, currency: str = "usd") -> dict[str, Any]:
        """Stripe pays a connected account's balance out to its bank: payout.paid, a Connect
        event (the account's automatic payout schedule; no API request involved)."""
        with self._lock:
            payout = event_template("payout.paid")["data"]["object"]
            now = self.now()
            payout.update(
                id="po_" + self._token(24), amount=amount, currency=currency.lower(), created=now,
                arrival_date=now + 2 * 24 * 60 * 60, balance_transaction="txn_" + self._token(24),
            )  # fmt: skip
            self.payouts[payout["id"]] = payout
            return self.emit("payout.paid", payout, account=account_id)

    def fail_payout(self, account_id: str, payout_id: str) -> dict[str, Any]:
        """The bank returns a paid payout (a closed account): payout.failed, the money back in
        the connected account's balance."""
        with self._lock:
            payout = self.payouts[payout_id]
            payout.update(
                status="failed", failure_code="account_closed", failure_message="The bank account has been closed.",
                failure_balance_transaction="txn_" + self._token(24),
            )  # fmt: skip
            return self.emit("payout.failed", payout, previous_attributes={"status": "paid"}, account=account_id)

    def customer_created(self, email: str = "client@example.com") -> dict[str, Any]:
        """An event the apps do not handle (they must answer 2xx and change nothing)."""
        with self._lock:
            customer = event_template("customer.created")["data"]["object"]
            customer.update(id="cus_" + self._token(14), created=self.now(), email=email)
            return self.emit("customer.created", customer)

    def save_card(
        self,
        customer_id: str,
        *,
        brand: str = "visa",
        last4: str = "4242",
        exp_month: int = 12,
        exp_year: int = 2030,
        wallet: str | None = None,
        requires_3ds: bool = False,
        decline: bool = False,
        setup_intent_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """The customer saves a card in the browser (Stripe.js confirms the setup intent, when one is
        given): a card PaymentMethod attached to the customer. Returns the events, in order:
        payment_method.attached, then setup_intent.succeeded when there is a setup intent.

        `wallet` ("apple_pay", "google_pay", "link"...) makes it a wallet's card (card.wallet.type).
        Charged off session later, the card succeeds, or asks for 3-D Secure (`requires_3ds`, like
        4000 0027 6000 3184) or is declined (`decline`, like 4000 0000 0000 0341, which attaches
        fine but fails every charge)."""
        if brand not in CARD_BRANDS:
            raise ValueError(f"not a card brand Stripe reports: {brand}")
        if wallet is not None and wallet not in CARD_WALLETS:
            raise ValueError(f"not a card wallet Stripe reports: {wallet}")
        if not re.fullmatch(r"\d{4}", last4):
            raise ValueError(f"last4 must be four digits, not {last4!r}")
        if requires_3ds and decline:
            raise ValueError("a card either asks for authentication or is declined")
        with self._lock:
            customer = self.customers[customer_id]
            intent = self.setup_intents[setup_intent_id] if setup_intent_id is not None else None
            if intent is not None:
                if intent["customer"] != customer_id:
                    raise ValueError(f"{setup_intent_id} belongs to {intent['customer']}, not {customer_id}")
                if intent["status"] != "requires_payment_method":
                    raise ValueError(f"{setup_intent_id} is {intent['status']}")
            method = event_template("payment_method.attached")["data"]["object"]
            method_id = "pm_1" + self._token(23)
            method.update(
                id=method_id, allow_redisplay="unspecified", created=self.now(), customer=customer_id, metadata={}
            )
            method["billing_details"].update(email=customer["email"], name=customer["name"])
            method["card"].update(
                brand=brand,
                display_brand=brand,
                exp_month=int(exp_month),
                exp_year=int(exp_year),
                fingerprint=self._token(16),
                last4=last4,
                networks={"available": [brand], "preferred": None},
                wallet=self._wallet(wallet),
            )
            self.payment_methods[method_id] = method
            self._card_outcomes[method_id] = "requires_3ds" if requires_3ds else "declines" if decline else "succeeds"
            events = [self.emit("payment_method.attached", method)]
            if intent is not None:
                intent.update(
                    status="succeeded", payment_method=method_id, latest_attempt="setatt_1" + self._token(23),
                    last_setup_error=None, next_action=None,
                )  # fmt: skip
                events.append(self.emit("setup_intent.succeeded", intent))
            return events

    def update_card(self, pm_id: str, exp_month: int, exp_year: int) -> dict[str, Any]:
        """The card's expiry changes (the customer edits it, POST /v1/payment_methods/{id}):
        payment_method.updated, previous_attributes naming the old expiry."""
        with self._lock:
            card = self.payment_methods[pm_id]["card"]
            before = {"exp_month": card["exp_month"], "exp_year": card["exp_year"]}
            card.update(exp_month=int(exp_month), exp_year=int(exp_year))
            previous = {"card": {key: old for key, old in before.items() if card[key] != old}}
            return self.emit("payment_method.updated", self.payment_methods[pm_id], previous_attributes=previous)

    def remove_card(self, pm_id: str) -> dict[str, Any]:
        """The card is detached outside the apps (the Dashboard, a customer portal): payment_method.detached."""
        with self._lock:
            method = self.payment_methods[pm_id]
            if method["customer"] is None:
                raise ValueError(f"{pm_id} is not attached")
            return self._detach(method)

    def authenticate_payment(self, payment_intent_id: str) -> dict[str, Any]:
        """The customer comes back and passes 3-D Secure for an intent refused with
        authentication_required (Stripe.js confirmCardPayment with the saved card, on session):
        the intent succeeds with a new charge, payment_intent.succeeded."""
        with self._lock:
            intent = self.payment_intents[payment_intent_id]
            error = intent.get("last_payment_error") or {}
            if intent["status"] != "requires_payment_method" or error.get("code") != "authentication_required":
                raise ValueError(f"{payment_intent_id} is not waiting for authentication")
            method = self.payment_methods[error["payment_method"]["id"]]
            charge = self._card_charge(intent, method, status="succeeded")
            charge["payment_method_details"]["card"]["three_d_secure"] = {
                "authentication_flow": "challenge", "electronic_commerce_indicator": "05", "exemption_indicator": None,
                "result": "authenticated", "result_reason": None, "transaction_id": self._token(36),
                "version": "2.2.0",
            }  # fmt: skip
            intent.update(
                status="succeeded", amount_received=intent["amount"], last_payment_error=None,
                latest_charge=charge["id"], payment_method=method["id"],
            )  # fmt: skip
            return self.emit("payment_intent.succeeded", intent)

    def _wallet(self, wallet: str | None) -> dict[str, Any] | None:
        if wallet is None:
            return None
        details: dict[str, Any] = {}
        if wallet in ("masterpass", "visa_checkout"):
            details = {"billing_address": None, "email": None, "name": None, "shipping_address": None}
        return {wallet: details, "dynamic_last4": self._digits(4), "type": wallet}

    # --- events ---------------------------------------------------------------------------------

    def emit(
        self,
        event_type: str,
        obj: Mapping[str, Any],
        *,
        previous_attributes: Mapping[str, Any] | None = None,
        account: str | None = None,
        created: int | None = None,
    ) -> dict[str, Any]:
        """An event of `event_type` about a snapshot of `obj`, in Stripe's envelope, recorded in
        `events`. Events caused by an API request name it and its idempotency key, like Stripe."""
        envelope = event_template(event_type)
        event: dict[str, Any] = {"id": "evt_" + self._token(24), "object": "event"}
        if account is not None:
            event["account"] = account
        event.update(api_version=self.event_api_version, created=self.now() if created is None else created)
        event["data"] = {"object": copy.deepcopy(dict(obj))}
        if previous_attributes is not None:
            event["data"]["previous_attributes"] = copy.deepcopy(dict(previous_attributes))
        request = self._current
        event.update(
            livemode=False,
            pending_webhooks=envelope.get("pending_webhooks", 1),
            request={
                "id": request.request_id if request else None,
                "idempotency_key": request.idempotency_key if request else None,
            },
            type=event_type,
        )
        with self._lock:
            self.events.append(event)
        return copy.deepcopy(event)

    def events_of_type(self, event_type: str) -> list[dict[str, Any]]:
        with self._lock:
            return [copy.deepcopy(e) for e in self.events if e["type"] == event_type]

    def delivery(
        self, event: Mapping[str, Any], *, secret: str | None = None, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of Stripe's POST to a webhook endpoint: Connect events (with an
        `account`) signed with the Connect endpoint's secret, others with the account endpoint's."""
        body = encode_event(event)
        if secret is None:
            secret = self.connect_webhook_secret if event.get("account") else self.webhook_secret
        headers = {
            "content-type": "application/json; charset=utf-8",
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "stripe-signature": sign(body, secret, timestamp),
        }
        return body, headers

    # --- helpers --------------------------------------------------------------------------------

    def _token(self, length: int) -> str:
        return "".join(self._random.choice(_ALPHANUMERIC) for _ in range(length))

    def _digits(self, length: int) -> str:
        return "".join(self._random.choice(string.digits) for _ in range(length))

    def _open_session(self, session_id: str) -> dict[str, Any]:
        session = self.sessions[session_id]
        if session["status"] != "open":
            raise ValueError(f"{session_id} is {session['status']}, not open")
        return session

    def _expire(self, session: dict[str, Any]) -> dict[str, Any]:
        session.update(status="expired", url=None)
        return self.emit("checkout.session.expired", session)

    def _customer_details(self, session: Mapping[str, Any]) -> dict[str, Any]:
        details: dict[str, Any] = event_template("checkout.session.completed")["data"]["object"]["customer_details"]
        details["email"] = session.get("customer_email") or details["email"]
        return details

    def _intent_for(self, session: dict[str, Any]) -> dict[str, Any]:
        """The session's payment intent, created on the first payment attempt (as Checkout does)."""
        if session.get("payment_intent"):
            intent: dict[str, Any] = self.payment_intents[session["payment_intent"]]
            return intent
        params = self._session_params[session["id"]]
        data = params.get("payment_intent_data") or {}
        transfer = data.get("transfer_data") or {}
        fee = data.get("application_fee_amount")
        intent = event_template("payment_intent.payment_failed")["data"]["object"]
        intent_id = "pi_3" + self._token(23)
        intent.update(
            id=intent_id,
            amount=session["amount_total"],
            amount_received=0,
            application_fee_amount=int(fee) if fee not in (None, "") else None,
            client_secret=f"{intent_id}_secret_{self._token(25)}",
            created=self.now(),
            currency=session["currency"],
            description=data.get("description") or None,
            last_payment_error=None,
            latest_charge=None,
            metadata=dict(data.get("metadata") or {}),
            status="requires_payment_method",
            transfer_data={"destination": transfer["destination"]} if transfer.get("destination") else None,
            transfer_group=None,
        )
        self.payment_intents[intent_id] = intent
        return intent

    def _new_charge(
        self, session: Mapping[str, Any], intent: Mapping[str, Any], *, status: str, method: str
    ) -> dict[str, Any]:
        """A charge of the intent: succeeded (card), pending (a bank debit on its way) or failed."""
        succeeded = status == "succeeded"
        charge = event_template("charge.refunded")["data"]["object"]
        charge_id = "ch_" + intent["id"][3:20] + self._token(7)
        destination = (intent.get("transfer_data") or {}).get("destination")
        fee = intent.get("application_fee_amount")
        charge.update(
            id=charge_id,
            amount=intent["amount"],
            amount_captured=intent["amount"] if succeeded else 0,
            amount_refunded=0,
            application_fee=("fee_" + self._token(24)) if fee is not None and succeeded else None,
            application_fee_amount=fee,
            balance_transaction=("txn_" + self._token(24)) if succeeded else None,
            captured=succeeded,
            created=self.now(),
            currency=intent["currency"],
            description=intent.get("description"),
            disputed=False,
            failure_code=None,
            failure_message=None,
            metadata=dict(intent.get("metadata") or {}),
            paid=succeeded,
            payment_intent=intent["id"],
            payment_method="pm_" + self._token(24),
            receipt_email=session.get("customer_email"),
            refunded=False,
            status=status,
            transfer=("tr_" + self._token(24)) if destination and succeeded else None,
            transfer_data={"amount": None, "destination": destination} if destination else None,
            transfer_group=f"group_{intent['id']}" if destination else None,
        )
        charge["billing_details"]["email"] = session.get("customer_email")
        if method == "us_bank_account":
            bank = self._bank_payment_method(charge)["us_bank_account"]
            charge["payment_method_details"] = {
                "type": "us_bank_account",
                "us_bank_account": {
                    key: bank[key]
                    for key in (
                        "account_holder_type",
                        "account_type",
                        "bank_name",
                        "fingerprint",
                        "last4",
                        "routing_number",
                    )
                },
            }
            charge["outcome"].update(
                network_status="approved_by_network", seller_message="Payment pending.", type="authorized"
            )
        self.charges[charge_id] = charge
        return charge

    def _bank_payment_method(self, charge: Mapping[str, Any]) -> dict[str, Any]:
        """A US bank account payment method (ACH debit: a delayed notification method)."""
        return {
            "id": charge["payment_method"],
            "object": "payment_method",
            "allow_redisplay": "limited",
            "billing_details": copy.deepcopy(charge["billing_details"]),
            "created": charge["created"],
            "customer": None,
            "livemode": False,
            "metadata": {},
            "type": "us_bank_account",
            "us_bank_account": {
                "account_holder_type": "individual",
                "account_type": "checking",
                "bank_name": "STRIPE TEST BANK",
                "financial_connections_account": None,
                "fingerprint": "FFDMA0xfhBjWSZLu",
                "last4": "6789",
                "networks": {"preferred": "ach", "supported": ["ach"]},
                "routing_number": "110000000",
                "status_details": {},
            },
        }

    def _payment_error(
        self,
        intent: Mapping[str, Any],
        charge: Mapping[str, Any],
        *,
        code: str,
        message: str,
        decline_code: str | None,
        kind: str,
    ) -> dict[str, Any]:
        error: dict[str, Any] = event_template("payment_intent.payment_failed")["data"]["object"]["last_payment_error"]
        error.update(
            charge=charge["id"],
            code=code,
            doc_url=f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}",
            message=message,
            type=kind,
        )
        if decline_code is None:
            error.pop("decline_code", None)
        else:
            error["decline_code"] = decline_code
        error["payment_method"].update(id=charge["payment_method"], created=self.now())
        return error

    def _new_account(
        self,
        *,
        kind: str,
        country: str,
        email: str | None,
        capabilities: dict[str, str],
        metadata: dict[str, str],
    ) -> dict[str, Any]:
        account = event_template("account.updated")["data"]["object"]
        account_id = "acct_1" + self._token(15)
        account.update(
            id=account_id,
            capabilities=capabilities,
            charges_enabled=False,
            country=country,
            created=self.now(),
            default_currency=COUNTRY_CURRENCIES.get(country, "eur"),
            details_submitted=False,
            email=email,
            metadata=metadata,
            payouts_enabled=False,
            tos_acceptance={"date": None},
            type=kind,
        )
        account["business_profile"]["url"] = None
        account["external_accounts"].update(total_count=0, url=f"/v1/accounts/{account_id}/external_accounts")
        account["requirements"].update(
            currently_due=list(ONBOARDING_REQUIREMENTS),
            eventually_due=list(ONBOARDING_REQUIREMENTS),
            past_due=list(ONBOARDING_REQUIREMENTS),
            disabled_reason="requirements.past_due",
        )
        account["settings"]["dashboard"]["display_name"] = None
        account["settings"]["payments"]["statement_descriptor"] = None
        self.accounts[account_id] = account
        return account

    def _onboard(self, account: dict[str, Any]) -> None:
        account["capabilities"] = {name: "active" for name in account["capabilities"]}
        account["requirements"].update(currently_due=[], eventually_due=[], past_due=[], disabled_reason=None)
        account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True)
        account["tos_acceptance"]["date"] = self.now()


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Stripe's previous_attributes: the earlier values of what changed, nested objects reduced to
    their changed keys (a key that was not there before: null)."""
    changed: dict[str, Any] = {}
    for key, old in before.items():
        new = after.get(key)
        if old == new:
            continue
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            changed[key] = _changed(old, new)
        else:
            changed[key] = copy.deepcopy(old)
    for key in after:
        if key not in before:
            changed[key] = None
    return changed


def _known(params: Mapping[str, Any], names: tuple[str, ...], parent: str | None = None) -> None:
    """Stripe refuses a parameter it does not know (a typo in the gateway shows up here)."""
    for name in params:
        if name not in names:
            full = f"{parent}[{name}]" if parent else name
            raise _invalid(f"Received unknown parameter: {full}", param=full, code="parameter_unknown")


# --- the HTTP server ----------------------------------------------------------------------------


def _handler_for(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nginx"
        sys_version = ""

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            headers = {name.lower(): value for name, value in self.headers.items()}
            request, status, body, extra = fake.handle(method, self.path, headers, raw)
            if status is None:  # a lost connection: no status line at all
                self.close_connection = True
                return
            payload = json.dumps(body, indent=2).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", request.request_id)
            self.send_header("Stripe-Version", headers.get("stripe-version", fake.event_api_version))
            if key := headers.get("idempotency-key"):
                self.send_header("Idempotency-Key", key)
                if request.replayed:
                    self.send_header("Idempotent-Replayed", "true")
                    self.send_header("Original-Request", request.original_request or "")
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
            pass

    return Handler
