"""One run of the geocode Lambda: locate the addresses waiting for it, within the time it has.

The database queues an address when it is saved without coordinates or its text changes
(service.addresses_to_geocode claims them with a lease); each answer is recorded at once with
service.record_geocode: located, not_found, or failed (tried again until the attempts are spent).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from ..db.port import Database
from .port import AddressQuery, Geocoder, GeocoderError

log = logging.getLogger("marketbase.geocode")


def run(
    db: Database,
    geocoder: Geocoder,
    *,
    budget_seconds: float = 40.0,
    batch: int = 10,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    deadline = clock() + budget_seconds
    counts = {"located": 0, "not_found": 0, "failed": 0, "retry": 0}
    while clock() < deadline:
        claimed = (
            db.rpc(
                "addresses_to_geocode", {"max_rows": batch, "lease_seconds": int(budget_seconds) + 20}, schema="service"
            )
            or []
        )
        if not claimed:
            break
        for row in claimed:
            if clock() >= deadline:
                break  # the lease lapses and the next run takes the rest
            status, location = locate(geocoder, row)
            recorded = db.rpc(
                "record_geocode",
                {
                    "address_id": row["address_id"],
                    "status": status,
                    "latitude": location.latitude if location else None,
                    "longitude": location.longitude if location else None,
                    "geocoder": geocoder.name,
                },
                schema="service",
            )
            counts["retry" if recorded == "pending" else status] += 1
    log.info("geocode run", extra=counts)
    return counts


def locate(geocoder: Geocoder, row: dict[str, Any]) -> tuple[str, Any]:
    query = AddressQuery(
        line1=row["line1"],
        line2=row.get("line2"),
        city=row["city"],
        region=row.get("region"),
        postal_code=row.get("postal_code"),
        country_code=row["country_code"],
    )
    try:
        location = geocoder.locate(query)
    except GeocoderError as error:
        log.warning("geocoder error", extra={"address_id": row["address_id"], "error": str(error)})
        return "failed", None
    return ("located", location) if location else ("not_found", None)
