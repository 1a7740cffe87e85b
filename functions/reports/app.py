"""The reports Lambda's HTTP side: the database's pg_net nudge after a release (POST
/reports/render, with the shared secret header) renders what is waiting now; GET /reports/health
answers that the function runs. The EventBridge schedule runs the same `run` directly (handlers/render_reports.py)."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException

from ..deps import DatabaseDep, SettingsDep
from ..storage.factory import get_object_store
from ..storage.port import ObjectStore
from .run import run

SECRET_HEADER = "x-marketbase-render-secret"
# API Gateway gives a request 30 s: a nudge's run stops claiming well before.
HTTP_BUDGET_SECONDS = 20.0

app = FastAPI(title="marketbase reports", docs_url=None, redoc_url=None)
StoreDep = Annotated[ObjectStore, Depends(get_object_store)]


def verify_secret(settings: SettingsDep, secret: Annotated[str | None, Header(alias=SECRET_HEADER)] = None) -> None:
    expected = settings.reports_render_secret
    if not expected or not secret or not hmac.compare_digest(secret, expected):
        raise HTTPException(status_code=401, detail="missing or wrong render secret")


@app.post("/render", dependencies=[Depends(verify_secret)])
def render_now(db: DatabaseDep, store: StoreDep) -> dict[str, Any]:
    return run(db, store, budget_seconds=HTTP_BUDGET_SECONDS)


@app.get("/health")
def health() -> dict[str, Any]:
    return {"ok": True}
