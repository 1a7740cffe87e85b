"""A dispatch worker in a process of its own, for tests/notifications/test_worker_crash.py: it reads
its settings from the environment as the Lambda does (DATABASE_URL, SMTP_HOST, ...), builds its
database and channels the same way, runs one dispatch and prints the summary. The test kills it.

    python -m tests.notifications.worker_process WORKER BUDGET_SECONDS LEASE_SECONDS LEASE_MARGIN
"""

from __future__ import annotations

import json
import sys

from functions.db.factory import get_database
from functions.notifications import dispatcher
from functions.notifications.senders import get_senders


def main(worker: str, budget_seconds: str, lease_seconds: str, lease_margin: str) -> None:
    # The test's lease is seconds, not minutes: a margin to match (the run's budget is short too).
    dispatcher.LEASE_MARGIN_SECONDS = int(lease_margin)
    print("ready", flush=True)
    summary = dispatcher.dispatch(
        get_database(), get_senders(), worker, budget_seconds=float(budget_seconds), lease_seconds=int(lease_seconds)
    )
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
