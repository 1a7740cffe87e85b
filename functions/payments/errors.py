"""How the payments apps answer when the database, Stripe or PayPal says no.

The database decides every refusal (PostgREST's status for its SQLSTATE, with its message);
a card the bank declined is 402 with the decline's code; Stripe or PayPal refusing a request we
built is a bad gateway; anything that a retry could fix is 503.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ..db.port import DatabaseError, DatabaseUnavailable
from ..logs import CorrelationMiddleware
from ..settings import MissingSetting
from .paypal_gateway import PayPalRefused, PayPalUnavailable
from .stripe_gateway import StripeRefused, StripeUnavailable

log = logging.getLogger("marketbase.payments")


def database_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DatabaseError)
    body = {"code": exc.code, "message": exc.message, "details": exc.details, "hint": exc.hint}
    return JSONResponse(status_code=exc.status, content=body)


def unavailable(_: Request, exc: Exception) -> JSONResponse:
    log.warning("dependency unavailable: %s", exc)
    return JSONResponse(status_code=503, content={"message": "temporarily unavailable, try again"})


def stripe_refused(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StripeRefused)
    if exc.type == "card_error":
        # The client's bank said no (a saved card charged off-session): theirs to act on.
        log.info("card declined: code=%s", exc.code)
        return JSONResponse(status_code=402, content={"code": exc.code, "message": exc.message})
    log.error("stripe refused: status=%s code=%s", exc.status, exc.code)
    return JSONResponse(status_code=502, content={"code": exc.code, "message": f"Stripe refused: {exc.message}"})


def paypal_refused(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PayPalRefused)
    log.error("paypal refused: status=%s code=%s debug_id=%s", exc.status, exc.code, exc.debug_id)
    return JSONResponse(status_code=502, content={"code": exc.code, "message": f"PayPal refused: {exc.message}"})


def not_configured(_: Request, exc: Exception) -> JSONResponse:
    log.error("not configured: %s", exc)
    return JSONResponse(status_code=503, content={"message": f"not configured: {exc}"})


def install(app: FastAPI) -> FastAPI:
    """The app's error answers, and a correlation id on every log line of a request."""
    app.add_middleware(CorrelationMiddleware)
    app.add_exception_handler(DatabaseError, database_error)
    app.add_exception_handler(DatabaseUnavailable, unavailable)
    app.add_exception_handler(StripeUnavailable, unavailable)
    app.add_exception_handler(StripeRefused, stripe_refused)
    app.add_exception_handler(PayPalUnavailable, unavailable)
    app.add_exception_handler(PayPalRefused, paypal_refused)
    app.add_exception_handler(MissingSetting, not_configured)
    return app
