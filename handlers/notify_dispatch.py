"""Lambda entry point of the notify-dispatch function: an EventBridge schedule (every minute)
runs the dispatcher directly; the database's pg_net nudge (POST /notify/dispatch) and
GET /notify/health go through the app."""

from __future__ import annotations

from handlers import lambda_init, request_id

with lambda_init():
    from typing import Any

    from mangum import Mangum

    from functions import logs
    from functions.notifications import dispatcher
    from functions.notifications.app import app


def is_scheduled(event: Any) -> bool:
    """An EventBridge scheduled event (a schedule rule's target), not an HTTP request."""
    return isinstance(event, dict) and event.get("source") == "aws.events" and "requestContext" not in event


class NotifyHandler(Mangum):
    def __call__(self, event: Any, context: Any) -> dict[str, Any]:
        if is_scheduled(event):
            with logs.correlated(request_id(context)):
                return dispatcher.run(context)
        return super().__call__(event, context)


handler = NotifyHandler(app, lifespan="off", api_gateway_base_path="/notify")
