"""The notify-dispatch app: the database's pg_net nudge runs a dispatch now.

    POST /dispatch   header x-marketbase-dispatch-secret: <NOTIFY_DISPATCH_SECRET>
                     200 the run's summary; 401 a missing or wrong secret (before anything else
                     is built); 503 no secret configured, or the database unreachable
    GET  /health     200 {"status": "ok", "channels": [...configured], "missing": [...]}

The nudge is a hint, not a queue: whatever it would have sent, the every-minute schedule sends
too. So a refused or failed nudge costs latency, never a message. API Gateway answers the
caller after 30 seconds at most, so a run started here stops claiming after HTTP_BUDGET_SECONDS.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse

from ..db.port import DatabaseUnavailable
from ..deps import DatabaseDep, SendersDep, SettingsDep
from ..logs import CorrelationMiddleware
from . import dispatcher
from .senders import CHANNELS

log = logging.getLogger("marketbase.notify")

SECRET_HEADER = "x-marketbase-dispatch-secret"
HTTP_BUDGET_SECONDS = 15.0  # + one send's worst case: within API Gateway's 30 s


app = FastAPI(title="marketbase notify dispatch", docs_url=None, redoc_url=None, openapi_url=None)
app.add_middleware(CorrelationMiddleware)


def verify_secret(settings: SettingsDep, secret: Annotated[str | None, Header(alias=SECRET_HEADER)] = None) -> None:
    """The nudge's shared secret, compared in constant time."""
    expected = settings.notify_dispatch_secret
    if not expected:
        log.error("notify dispatch refused: NOTIFY_DISPATCH_SECRET is not set")
        raise HTTPException(503, "the dispatch secret is not configured")
    if secret is None or not hmac.compare_digest(secret.encode(), expected.encode()):
        log.warning("notify dispatch refused: bad secret", extra={"secret_sent": secret is not None})
        raise HTTPException(401, "missing or wrong dispatch secret")


# The secret is checked first (decorator dependencies resolve before the endpoint's own): a
# refused request builds neither the database client nor the channels.
@app.post("/dispatch", dependencies=[Depends(verify_secret)])
def dispatch_now(request: Request, settings: SettingsDep, db: DatabaseDep, senders: SendersDep) -> JSONResponse:
    context = request.scope.get("aws.context")  # Mangum's Lambda context; None under `marketbase dev`
    try:
        summary = dispatcher.dispatch(
            db,
            senders,
            dispatcher.lambda_worker(context),
            budget_seconds=dispatcher.lambda_budget(context, cap=HTTP_BUDGET_SECONDS),
            batch_size=settings.notify_batch_size,
            lease_seconds=settings.notify_lease_seconds,
            site_url=settings.site_url,
        )
    except DatabaseUnavailable:
        log.warning("notify dispatch: database unavailable")
        return JSONResponse(status_code=503, content={"message": "database unavailable; the schedule retries"})
    return JSONResponse(status_code=200, content=summary)


@app.get("/health")
def health(senders: SendersDep) -> dict[str, Any]:
    return {
        "status": "ok",
        "channels": sorted(senders.channels),
        "missing": [name for name in CHANNELS if name not in senders.channels],
    }
