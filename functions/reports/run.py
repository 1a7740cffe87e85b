"""One run of the reports Lambda: render the PDFs of the released lab reports waiting for one,
within the time it has.

service.reports_to_render claims reports with a lease and gives everything the PDF shows and the
object name; each PDF goes to the private bucket `reports` and is recorded at once with
service.record_report_pdf (which tells the owner: report.ready). A failure is recorded
(service.record_report_render_failed) and retried by a later run until lab.render_max_attempts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from ..db.port import Database
from ..storage.port import ObjectStore, StorageError
from .render import render_report

log = logging.getLogger("marketbase.reports")
BUCKET = "reports"


def run(
    db: Database,
    store: ObjectStore,
    *,
    budget_seconds: float = 40.0,
    batch: int = 10,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    deadline = clock() + budget_seconds
    counts: dict[str, Any] = {"rendered": 0, "failed": 0, "seconds": []}
    while clock() < deadline:
        claimed = (
            db.rpc(
                "reports_to_render", {"max_rows": batch, "lease_seconds": int(budget_seconds) + 20}, schema="service"
            )
            or []
        )
        if not claimed:
            break
        for report in claimed:
            if clock() >= deadline:
                break  # the lease lapses and the next run takes the rest
            started = clock()
            try:
                pdf = render_report(report)
                store.upload(BUCKET, report["path"], pdf, "application/pdf")
            except (StorageError, ValueError, KeyError, TypeError) as error:
                log.warning("report render failed", extra={"report_id": report["report_id"], "error": str(error)})
                db.rpc(
                    "record_report_render_failed",
                    {"report_id": report["report_id"], "error": str(error)},
                    schema="service",
                )
                counts["failed"] += 1
                continue
            db.rpc(
                "record_report_pdf",
                {"report_id": report["report_id"], "path": report["path"], "size": len(pdf)},
                schema="service",
            )
            counts["rendered"] += 1
            counts["seconds"].append(round(clock() - started, 3))
    log.info("reports run", extra={"rendered": counts["rendered"], "failed": counts["failed"]})
    return counts
