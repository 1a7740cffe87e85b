"""Lambda entry point of the reports function: an EventBridge schedule (every minute) renders the
released lab reports waiting for their PDF; the database's pg_net nudge after a release
(POST /reports/render) and GET /reports/health go through the app (functions/reports)."""

from __future__ import annotations

from handlers import lambda_init, request_id

with lambda_init():
    from typing import Any

    from mangum import Mangum

    from functions import logs
    from functions.db.factory import get_database
    from functions.reports.app import app
    from functions.reports.run import run
    from functions.storage.factory import get_object_store

# Seconds kept back from the invocation's remaining time: one render and upload's worst case.
RENDER_MARGIN_SECONDS = 10.0


def is_scheduled(event: Any) -> bool:
    """An EventBridge scheduled event (a schedule rule's target), not an HTTP request."""
    return isinstance(event, dict) and event.get("source") == "aws.events" and "requestContext" not in event


class ReportsHandler(Mangum):
    def __call__(self, event: Any, context: Any) -> dict[str, Any]:
        if is_scheduled(event):
            with logs.correlated(request_id(context)):
                remaining = getattr(context, "get_remaining_time_in_millis", None)
                budget = remaining() / 1000 - RENDER_MARGIN_SECONDS if remaining else 30.0
                return run(get_database(), get_object_store(), budget_seconds=max(budget, 1.0))
        return super().__call__(event, context)


handler = ReportsHandler(app, lifespan="off", api_gateway_base_path="/reports")
