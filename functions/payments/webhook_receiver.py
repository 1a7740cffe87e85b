"""Receiving a Stripe webhook: verify, dispatch, answer so that Stripe retries only what
a retry can fix.

    400  bad or missing signature, stale timestamp, malformed JSON or event
    200  applied, replayed ('duplicate'), older than the state ('stale'), or a type we ignore
    422  signed and well-formed, but the database refused it: a retry cannot help
    503  the database could not be reached or asked for a retry (serialization, deadlock)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from .. import logs
from ..db.factory import get_database
from ..db.port import Database, DatabaseError, DatabaseUnavailable
from ..settings import Settings, get_settings
from .events import Apply
from .stripe_gateway import InvalidPayload, InvalidSignature, construct_event

log = logging.getLogger("marketbase.webhooks")


def endpoint(secret_setting: str, table: Mapping[str, Apply]) -> Callable[..., Awaitable[JSONResponse]]:
    """A FastAPI route receiving Stripe's events signed with one endpoint's secret.

    The route is a coroutine that does its blocking work (the signature check, the database
    call) on the event loop, with no dependency run in FastAPI's thread pool: a Lambda serves one
    request at a time, and the three hand-offs to worker threads cost 1.7 ms of every event
    (bench/payments/RESULTS.md). Settings and the database factory are looked up as `Depends`
    would look them up, overrides included, and the database client is built only for an event
    whose signature holds. The Stripe-Signature header is read from the request rather than
    declared as a `Header` parameter, which FastAPI would analyse again on every request (0.1 ms
    of an event). (Under `marketbase dev`, other local requests wait for an event's few
    milliseconds.)"""

    async def receive_webhook(request: Request) -> JSONResponse:
        overrides = request.app.dependency_overrides
        settings: Settings = overrides.get(get_settings, get_settings)()
        database: Callable[[], Database] = overrides.get(get_database, get_database)
        payload = await request.body()  # exactly as Stripe signed it (Mangum decoded a base64 body)
        return receive(
            payload,
            request.headers.get("stripe-signature"),
            secret=settings.require(secret_setting),
            tolerance=settings.stripe_webhook_tolerance_seconds,
            table=table,
            database=database,
        )

    return receive_webhook


def receive(
    payload: bytes,
    signature: str | None,
    *,
    secret: str,
    tolerance: int,
    table: Mapping[str, Apply],
    database: Callable[[], Database],
) -> JSONResponse:
    try:
        event = construct_event(payload, signature, secret, tolerance)
    except (InvalidSignature, InvalidPayload) as exc:
        log.warning("webhook refused: %s", exc)
        return answer(400, message=str(exc))

    # Every line of this event carries its id (Stripe's dashboard finds the event by it).
    with logs.bind(stripe_event_id=event.get("id")):
        return apply_event(event, table, database)


def apply_event(event: dict[str, Any], table: Mapping[str, Apply], database: Callable[[], Database]) -> JSONResponse:
    ids = {"event_id": event.get("id"), "event_type": event.get("type")}
    apply = table.get(event.get("type", ""))
    if apply is None:
        return answer(200, received=True, outcome="ignored", **ids)
    try:
        outcome = apply(database(), event)
    except (KeyError, TypeError, ValueError) as exc:
        log.error("webhook malformed event", extra={**ids, "error": repr(exc)})
        message = f"malformed {event.get('type')} event: missing or invalid {exc}"
        record_failure(database, event, message, None)
        return answer(400, message=message)
    except DatabaseUnavailable as exc:
        log.warning("webhook retry: database unavailable", extra={**ids, "error": str(exc)})
        return answer(503, message="database unavailable, retry")
    except DatabaseError as exc:
        record_failure(database, event, exc.message, exc.code)
        if exc.retryable:
            log.warning("webhook retry", extra={**ids, "code": exc.code})
            return answer(503, message=f"retry: {exc.message}")
        log.error("webhook refused by the database", extra={**ids, "code": exc.code, "error": exc.message})
        return answer(422, message=exc.message, code=exc.code)
    log.info("webhook applied", extra={**ids, "outcome": outcome})
    return answer(200, received=True, outcome=outcome, **ids)


def record_failure(database: Callable[[], Database], event: dict[str, Any], error: str, code: str | None) -> None:
    """Keep the failed delivery for admins to debug (the event's own transaction rolled back):
    attempts, error, and the payload, which the database trims of personal and card data.
    Best effort: Stripe's retry comes whether or not this is recorded."""
    created = event.get("created")
    try:
        attempts = database().rpc(
            "record_stripe_event_failure",
            {
                "event_id": str(event.get("id") or "")[:255] or None,
                "event_type": str(event.get("type") or "")[:255] or None,
                "event_created": datetime.fromtimestamp(created, UTC).isoformat() if isinstance(created, int) else None,
                "error": error,
                "error_code": code,
                "payload": event,
            },
            schema="service",
        )
    except (DatabaseError, DatabaseUnavailable) as exc:
        log.warning("webhook failure not recorded: %s", exc, extra={"event_id": event.get("id")})
        return
    log.info("webhook failure recorded", extra={"event_id": event.get("id"), "attempts": attempts})


def answer(status: int, **body: Any) -> JSONResponse:
    return JSONResponse(status_code=status, content=body)
