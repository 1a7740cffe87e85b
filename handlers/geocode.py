"""Lambda entry point of the geocoder (an EventBridge schedule, every minute): locates the
addresses saved without coordinates (functions/geocoding)."""

from __future__ import annotations

from handlers import lambda_init, request_id

with lambda_init():
    from typing import Any

    from functions import logs
    from functions.db.factory import get_database
    from functions.geocoding.nominatim import Nominatim
    from functions.geocoding.run import run
    from functions.settings import get_settings

# Seconds kept back from the invocation's remaining time: one lookup's worst case (timeout 10 s).
LOOKUP_MARGIN_SECONDS = 12.0


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    with logs.correlated(request_id(context)):
        settings = get_settings()
        geocoder = Nominatim(
            settings.require("geocoder_user_agent"), base_url=settings.geocoder_url, email=settings.geocoder_email
        )
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        budget = remaining() / 1000 - LOOKUP_MARGIN_SECONDS if remaining else 30.0
        return run(get_database(), geocoder, budget_seconds=max(budget, 1.0))
