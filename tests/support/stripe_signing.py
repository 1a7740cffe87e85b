"""Signing webhook bodies the way Stripe does, written out from Stripe's documented scheme rather
than borrowed from the `stripe` package, so the tests check the package's verification against an
independent implementation.

Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed by the endpoint secret>
(several v1 entries during secret rotation; a v0 entry in test mode that verifiers ignore).
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["signature", "sign"]


def signature(payload: bytes, secret: str, timestamp: int) -> str:
    """The hex v1 signature of a body at a timestamp."""
    signed = f"{timestamp}.".encode() + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(payload: bytes, secret: str, timestamp: int | None = None, *, extra_secrets: tuple[str, ...] = ()) -> str:
    """The Stripe-Signature header value for `payload` (now unless `timestamp` is given).

    `extra_secrets` adds one more v1 entry per secret, as Stripe does while an endpoint's secret is
    being rolled: a verifier must accept the header if any entry matches.
    """
    ts = int(time.time()) if timestamp is None else int(timestamp)
    parts = [f"t={ts}"] + [f"v1={signature(payload, key, ts)}" for key in (secret, *extra_secrets)]
    return ",".join(parts)
