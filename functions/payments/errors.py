"""How the payments apps answer when the database or Stripe says no.

The database decides every refusal (PostgREST's status for its SQLSTATE, with its message);
Stripe refusing a request we built is a bad gateway; anything that a retry could fix is 503.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ..db.port import DatabaseError, DatabaseUnavailable
from ..logs import CorrelationMiddleware
from ..settings import MissingSetting
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
    log.error("stripe refused: status=%s code=%s", exc.status, exc.code)
    return JSONResponse(status_code=502, content={"code": exc.code, "message": f"Stripe refused: {exc.message}"})


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
    app.add_exception_handler(MissingSetting, not_configured)
    return app
