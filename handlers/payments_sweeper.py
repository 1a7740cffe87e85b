"""Lambda entry point of the payments sweeper (an EventBridge schedule, every minute)."""

from __future__ import annotations

from handlers import lambda_init, request_id

with lambda_init():
    from typing import Any

    from functions import logs
    from functions.payments import sweeper


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    with logs.correlated(request_id(context)):
        return sweeper.run()
