"""The one place that talks to Stripe's API and verifies Stripe's webhook signatures.

The apps see a small gateway with our own vocabulary (a checkout session for an invoice, a refund of
a payment intent, an Express account for a provider) and two error types that say what to do next:
`StripeRefused` (Stripe said no: a retry with the same request will fail again) and
`StripeUnavailable` (network, 5xx, rate limit, a concurrent request on the same idempotency key:
a retry may succeed). Every creating call carries the caller's idempotency key, so a retry after a
lost response replays Stripe's first answer instead of creating a second session or refund.

The `stripe` package costs ~200 ms to import, so it is imported on first use, never at module
import: the webhook Lambda's cold start does not pay for it before the first event arrives.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import stripe

__all__ = [
    "AuthenticationRequired",
    "CheckoutSession",
    "InvalidPayload",
    "InvalidSignature",
    "PaymentIntent",
    "Refund",
    "SetupIntent",
    "StripeGateway",
    "StripeRefused",
    "StripeUnavailable",
    "construct_event",
    "get_stripe",
]

log = logging.getLogger(__name__)

# Statuses Stripe answers when waiting and asking again can succeed: 409 is another request in
# flight with the same idempotency key (or a lock timeout), 429 is a rate limit.
_RETRYABLE_STATUSES = frozenset({409, 429})


class StripeRefused(Exception):
    """Stripe refused the request (4xx): the same request would be refused again."""

    def __init__(
        self,
        status: int,
        code: str | None,
        message: str,
        *,
        param: str | None = None,
        type: str | None = None,
        request_id: str | None = None,
        decline_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param
        self.type = type
        self.request_id = request_id
        self.decline_code = decline_code  # a card error's reason from the issuer (card_declined: generic_decline...)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, code={self.code!r}, decline_code={self.decline_code!r}, "
            f"param={self.param!r}, message={self.message!r})"
        )


class AuthenticationRequired(StripeRefused):
    """An off-session charge of a saved card that the issuer wants authenticated (3-D Secure).

    Stripe answers 402 card_error `authentication_required` and leaves the payment intent in
    `requires_payment_method`: the customer has to come back on session and confirm that same
    intent (Stripe.js `confirmCardPayment(client_secret, {payment_method})`) rather than be charged
    again off session. `payment_intent_id` and `client_secret` are that intent's."""

    def __init__(
        self,
        status: int,
        code: str | None,
        message: str,
        *,
        payment_intent_id: str,
        client_secret: str | None = None,
        payment_method_id: str | None = None,
        param: str | None = None,
        type: str | None = None,
        request_id: str | None = None,
        decline_code: str | None = None,
    ) -> None:
        super().__init__(
            status, code, message, param=param, type=type, request_id=request_id, decline_code=decline_code
        )
        self.payment_intent_id = payment_intent_id
        self.client_secret = client_secret
        self.payment_method_id = payment_method_id


class StripeUnavailable(Exception):
    """Stripe could not be reached or failed on its side (5xx, 409, 429, network): a retry may succeed."""

    def __init__(self, message: str, *, status: int | None = None, request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.request_id = request_id


class InvalidSignature(Exception):
    """The Stripe-Signature header is missing, malformed, stale or does not match the body."""


class InvalidPayload(Exception):
    """The signed body is not a Stripe event (not UTF-8, not JSON, not an event object)."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str  # the hosted page; "" once the session is no longer open (Stripe answers null then)
    expires_at: int
    status: str  # open | complete | expired
    payment_status: str = "unpaid"  # unpaid | paid | no_payment_required
    payment_intent: str | None = None


@dataclass(frozen=True)
class Refund:
    id: str
    status: str  # pending | requires_action | succeeded | failed | canceled
    amount: int
    failure_reason: str | None = None


@dataclass(frozen=True)
class SetupIntent:
    id: str
    client_secret: str  # for Stripe.js confirmSetup in the browser; never logged, never stored
    status: str  # requires_payment_method | requires_confirmation | requires_action | processing | succeeded | canceled


@dataclass(frozen=True)
class PaymentIntent:
    id: str
    status: str  # succeeded | processing | requires_action | requires_payment_method | ...
    amount: int
    currency: str
    latest_charge: str | None = None


class StripeGateway:
    """Stripe's API as the payment apps use it, over the official `stripe` package's StripeClient.

    `api_base` points the client at another server speaking Stripe's API (the test fake,
    stripe-mock); `max_network_retries` is the SDK's own retry of network errors, 409 and 5xx
    (with backoff, reusing the idempotency key), 0 in tests that count requests.
    """

    def __init__(
        self,
        api_key: str,
        *,
        api_base: str | None = None,
        max_network_retries: int = 2,
        timeout: float = 20.0,
        stripe_version: str | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("a Stripe secret key is required")
        self._api_key = api_key
        self._api_base = api_base.rstrip("/") if api_base else None
        self._max_network_retries = max_network_retries
        self._timeout = timeout
        self._stripe_version = stripe_version

    @cached_property
    def _client(self) -> stripe.StripeClient:
        import stripe

        return stripe.StripeClient(
            self._api_key,
            base_addresses={"api": self._api_base} if self._api_base else None,
            max_network_retries=self._max_network_retries,
            stripe_version=self._stripe_version,
            http_client=stripe.RequestsClient(timeout=self._timeout),
        )

    # --- Checkout -------------------------------------------------------------------------------

    def create_checkout_session(
        self,
        *,
        idempotency_key: str,
        amount: int,
        currency: str,
        description: str,
        invoice_id: str,
        payment_id: str,
        booking_id: str | None,
        customer_email: str | None,
        success_url: str,
        cancel_url: str,
        expires_at: int,
        destination: str | None = None,
        application_fee: int | None = None,
    ) -> CheckoutSession:
        """A hosted Checkout Session paying `amount` for one invoice.

        The ids go into the session's metadata (read by checkout.session.* events) and the payment
        intent's metadata (read by payment_intent.* and charge.* events, which carry no session).
        With a `destination`, the charge is a destination charge: the provider's account receives
        the amount less `application_fee`, which stays with the platform.
        """
        metadata = _metadata(invoice_id=invoice_id, payment_id=payment_id, booking_id=booking_id)
        payment_intent_data: dict[str, Any] = {"description": description, "metadata": metadata}
        if destination is not None:
            payment_intent_data["transfer_data"] = {"destination": destination}
        if application_fee is not None:
            payment_intent_data["application_fee_amount"] = application_fee
        params: Any = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": amount,
                        "product_data": {"name": description},
                    },
                }
            ],
            "client_reference_id": invoice_id,
            "metadata": metadata,
            "payment_intent_data": payment_intent_data,
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": expires_at,
        }
        if customer_email:
            params["customer_email"] = customer_email
        session = self._call(
            "create checkout session",
            lambda: self._client.v1.checkout.sessions.create(params, {"idempotency_key": idempotency_key}),
        )
        result = _checkout_session(session)
        log.info(
            "stripe checkout session created",
            extra={"session_id": result.id, "invoice_id": invoice_id, "payment_id": payment_id},
        )
        return result

    def retrieve_checkout_session(self, session_id: str) -> CheckoutSession:
        session = self._call(
            "retrieve checkout session", lambda: self._client.v1.checkout.sessions.retrieve(session_id)
        )
        return _checkout_session(session)

    def expire_checkout_session(self, session_id: str) -> str:
        """Expire an open session; answer the session's status afterwards.

        Stripe refuses (400) to expire a session that is no longer open, because it completed
        (the client paid just before the hold lapsed) or expired already (a retried sweep). That
        is an answer, not an error: the session's current status is returned ("complete" or
        "expired") so the caller can act on it.
        """
        try:
            session = self._call(
                "expire checkout session", lambda: self._client.v1.checkout.sessions.expire(session_id)
            )
        except StripeRefused as refused:
            if refused.status != 400:
                raise
            current = self.retrieve_checkout_session(session_id)
            if current.status == "open":
                raise
            log.info("stripe checkout session not open", extra={"session_id": session_id, "status": current.status})
            return current.status
        return _checkout_session(session).status

    # --- Refunds --------------------------------------------------------------------------------

    def create_refund(
        self,
        *,
        idempotency_key: str,
        payment_intent: str,
        amount: int,
        reverse_transfer: bool = False,
        refund_application_fee: bool = False,
        metadata: Mapping[str, str | None] | None = None,
    ) -> Refund:
        """Refund `amount` of a payment intent's charge.

        For destination charges `reverse_transfer` pulls the amount back from the provider's account
        and `refund_application_fee` returns the platform's fee proportionally; both are sent only
        when true, since Stripe refuses them on charges without a transfer.
        """
        params: Any = {"payment_intent": payment_intent, "amount": amount}
        if reverse_transfer:
            params["reverse_transfer"] = True
        if refund_application_fee:
            params["refund_application_fee"] = True
        if metadata:
            params["metadata"] = _metadata(**metadata)
        refund = self._call(
            "create refund", lambda: self._client.v1.refunds.create(params, {"idempotency_key": idempotency_key})
        )
        values = _values(refund)
        result = Refund(
            id=values["id"],
            status=values.get("status") or "pending",
            amount=int(values["amount"]),
            failure_reason=values.get("failure_reason"),
        )
        log.info(
            "stripe refund created",
            extra={"refund": result.id, "payment_intent": payment_intent, "status": result.status},
        )
        return result

    # --- Connect --------------------------------------------------------------------------------

    def create_express_account(
        self, *, idempotency_key: str, email: str | None, country: str | None, provider_id: str
    ) -> str:
        """An Express connected account for a provider, asking for card payments and transfers."""
        params: Any = {
            "type": "express",
            "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
            "metadata": {"provider_id": provider_id},
        }
        if email:
            params["email"] = email
        if country:
            params["country"] = country.upper()
        account = self._call(
            "create express account",
            lambda: self._client.v1.accounts.create(params, {"idempotency_key": idempotency_key}),
        )
        account_id: str = _values(account)["id"]
        log.info("stripe express account created", extra={"account": account_id, "provider_id": provider_id})
        return account_id

    def create_account_link(self, *, account: str, refresh_url: str, return_url: str) -> str:
        """A short-lived onboarding URL for a connected account (single use, a few minutes)."""
        params: Any = {
            "account": account,
            "type": "account_onboarding",
            "refresh_url": refresh_url,
            "return_url": return_url,
        }
        link = self._call("create account link", lambda: self._client.v1.account_links.create(params))
        url: str = _values(link)["url"]
        return url

    # --- saved payment methods ------------------------------------------------------------------

    def create_customer(self, *, idempotency_key: str, email: str | None, user_id: str) -> str:
        """A Stripe Customer for one of our users (saved payment methods hang off it); the user's
        id goes into its metadata so customer.* events name the user."""
        params: Any = {"metadata": _metadata(user_id=user_id)}
        if email:
            params["email"] = email
        customer = self._call(
            "create customer",
            lambda: self._client.v1.customers.create(params, {"idempotency_key": idempotency_key}),
        )
        customer_id: str = _values(customer)["id"]
        log.info("stripe customer created", extra={"customer": customer_id, "user_id": user_id})
        return customer_id

    def create_setup_intent(self, *, idempotency_key: str, customer: str, user_id: str) -> SetupIntent:
        """A SetupIntent saving a payment method to `customer` for later off-session charges; the
        browser confirms it with its client secret (Stripe.js), and Stripe attaches the method
        (payment_method.attached, setup_intent.succeeded)."""
        params: Any = {
            "customer": customer,
            "usage": "off_session",
            "automatic_payment_methods": {"enabled": True},
            "metadata": _metadata(user_id=user_id),
        }
        intent = self._call(
            "create setup intent",
            lambda: self._client.v1.setup_intents.create(params, {"idempotency_key": idempotency_key}),
        )
        values = _values(intent)
        result = SetupIntent(
            id=values["id"],
            client_secret=values.get("client_secret") or "",
            status=values.get("status") or "requires_payment_method",
        )
        log.info("stripe setup intent created", extra={"setup_intent": result.id, "customer": customer})
        return result

    def detach_payment_method(self, payment_method_id: str) -> None:
        """Detach a saved payment method from its customer (it cannot be charged or reattached
        afterwards). Detaching one that is no longer attached (a retry, or removed elsewhere)
        counts as done: Stripe refuses it with a 400 saying it is not attached."""
        try:
            self._call(
                "detach payment method",
                lambda: self._client.v1.payment_methods.detach(
                    payment_method_id, None, {"idempotency_key": f"detach-{payment_method_id}"}
                ),
            )
        except StripeRefused as refused:
            if not _not_attached(refused):
                raise
            log.info(
                "stripe payment method already detached",
                extra={"payment_method": payment_method_id, "status": refused.status, "code": refused.code},
            )
            return
        log.info("stripe payment method detached", extra={"payment_method": payment_method_id})

    def set_default_payment_method(self, *, customer: str, payment_method_id: str) -> None:
        """Make an attached payment method the customer's default (invoice_settings), which
        Stripe announces with customer.updated."""
        params: Any = {"invoice_settings": {"default_payment_method": payment_method_id}}
        self._call("set default payment method", lambda: self._client.v1.customers.update(customer, params))
        log.info("stripe default payment method set", extra={"customer": customer, "payment_method": payment_method_id})

    def charge_saved_method(
        self,
        *,
        idempotency_key: str,
        amount: int,
        currency: str,
        customer: str,
        payment_method: str,
        description: str,
        invoice_id: str,
        payment_id: str,
        booking_id: str | None,
        destination: str | None,
        application_fee: int | None,
    ) -> PaymentIntent:
        """Charge a saved payment method now, without the customer (a PaymentIntent confirmed off
        session). Same metadata, destination and fee as a checkout session's payment intent.

        Redirect-based methods are turned off (`allow_redirects=never`): nobody is there to follow
        a redirect, and Stripe would otherwise want a return_url. A card whose issuer asks for
        3-D Secure raises `AuthenticationRequired` (the intent waits for the customer); any other
        decline raises `StripeRefused` with the card error's code and decline_code.
        """
        metadata = _metadata(invoice_id=invoice_id, payment_id=payment_id, booking_id=booking_id)
        params: Any = {
            "amount": amount,
            "currency": currency.lower(),
            "customer": customer,
            "payment_method": payment_method,
            "confirm": True,
            "off_session": True,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
            "description": description,
            "metadata": metadata,
        }
        if destination is not None:
            params["transfer_data"] = {"destination": destination}
        if application_fee is not None:
            params["application_fee_amount"] = application_fee
        intent = self._call(
            "charge saved payment method",
            lambda: self._client.v1.payment_intents.create(params, {"idempotency_key": idempotency_key}),
        )
        values = _values(intent)
        result = PaymentIntent(
            id=values["id"],
            status=values.get("status") or "requires_payment_method",
            amount=int(values["amount"]),
            currency=values.get("currency") or currency.lower(),
            latest_charge=_expandable_id(values.get("latest_charge")),
        )
        log.info(
            "stripe saved payment method charged",
            extra={"payment_intent": result.id, "payment_id": payment_id, "status": result.status},
        )
        return result

    # --- errors ---------------------------------------------------------------------------------

    def _call(self, what: str, request: Callable[[], Any]) -> Any:
        import stripe

        try:
            return request()
        except stripe.StripeError as error:
            raise _translate(what, error) from error


def _translate(what: str, error: Any) -> StripeRefused | StripeUnavailable:
    import stripe

    body = error.json_body.get("error") if isinstance(error.json_body, dict) else None
    details: dict[str, Any] = body if isinstance(body, dict) else {}
    message = str(details.get("message") or error.user_message or error.__class__.__name__)
    status = error.http_status
    request_id = error.request_id
    if isinstance(error, stripe.APIConnectionError) or status is None or status >= 500 or status in _RETRYABLE_STATUSES:
        log.warning("stripe unavailable", extra={"call": what, "status": status, "request_id": request_id})
        return StripeUnavailable(f"{what}: {message}", status=status, request_id=request_id)
    code = details.get("code") or error.code
    decline_code = details.get("decline_code")
    log.info(
        "stripe refused",
        extra={"call": what, "status": status, "code": code, "decline_code": decline_code, "request_id": request_id},
    )
    intent = details.get("payment_intent")
    if code == "authentication_required" and isinstance(intent, Mapping) and isinstance(intent.get("id"), str):
        return AuthenticationRequired(
            int(status),
            code,
            message,
            payment_intent_id=intent["id"],
            client_secret=intent.get("client_secret"),
            payment_method_id=_expandable_id(details.get("payment_method")),
            param=details.get("param"),
            type=details.get("type"),
            request_id=request_id,
            decline_code=decline_code,
        )
    return StripeRefused(
        int(status),
        code,
        message,
        param=details.get("param"),
        type=details.get("type"),
        request_id=request_id,
        decline_code=decline_code,
    )


def _not_attached(refused: StripeRefused) -> bool:
    """Stripe's answer to detaching a payment method that is not attached (anymore): a 400 saying
    so (no code), or resource_missing."""
    if refused.code == "resource_missing" and refused.status in (400, 404):
        return True
    return refused.status == 400 and "not attached" in refused.message.lower()


def _values(obj: Any) -> dict[str, Any]:
    values: dict[str, Any] = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    return values


def _expandable_id(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    found = value.get("id") if isinstance(value, Mapping) else getattr(value, "id", None)
    return str(found) if found is not None else None


def _checkout_session(obj: Any) -> CheckoutSession:
    values = _values(obj)
    return CheckoutSession(
        id=values["id"],
        url=values.get("url") or "",
        expires_at=int(values["expires_at"]),
        status=values.get("status") or "open",
        payment_status=values.get("payment_status") or "unpaid",
        payment_intent=_expandable_id(values.get("payment_intent")),
    )


def _metadata(**values: str | None) -> dict[str, str]:
    """Stripe metadata: strings only; a key with no value is left out rather than sent empty
    (an empty string would mean "delete this key" to Stripe)."""
    return {key: str(value) for key, value in values.items() if value is not None}


# --- webhooks -----------------------------------------------------------------------------------


def construct_event(payload: bytes, sig_header: str | None, secret: str, tolerance: int = 300) -> dict[str, Any]:
    """The verified event in a webhook body, as a plain dict.

    Verification is the `stripe` package's own (`WebhookSignature.verify_header`: HMAC-SHA256 of
    "<t>.<raw body>", constant-time compare against every v1 signature, timestamp older than
    `tolerance` seconds refused), on the raw bytes exactly as received: re-serialising the JSON
    first would break the signature.
    """
    import stripe

    try:
        payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidPayload("the webhook body is not UTF-8") from error
    try:
        stripe.WebhookSignature.verify_header(payload, sig_header, secret, tolerance)
    except stripe.SignatureVerificationError as error:
        raise InvalidSignature(error.user_message or "invalid Stripe-Signature header") from error
    try:
        event = json.loads(payload)
    except ValueError as error:
        raise InvalidPayload(f"the webhook body is not JSON: {error}") from error
    if not isinstance(event, dict) or event.get("object") != "event":
        raise InvalidPayload("the webhook body is not a Stripe event")
    if not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise InvalidPayload("the Stripe event has no id or type")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise InvalidPayload("the Stripe event has no data.object")
    return event


# --- the apps' dependency -----------------------------------------------------------------------


@functools.cache
def get_stripe() -> StripeGateway:
    """The process's gateway, built from settings on first use (a FastAPI dependency; tests
    override it with `app.dependency_overrides[get_stripe]`). A missing STRIPE_SECRET_KEY fails
    here, on the first payment request, with the settings' own error naming the variable."""
    from functions.settings import get_settings

    settings = get_settings()
    return StripeGateway(settings.require("stripe_secret_key"), api_base=settings.stripe_api_base)
