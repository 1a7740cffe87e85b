"""One dispatch run: the outbox expanded into deliveries, then deliveries claimed, rendered, sent
and recorded until none is due or the time budget is spent.

    summary = dispatch(db, senders, worker="lambda:<request id>", budget_seconds=35)

1. `service.expand_notifications` turns due outbox rows into inbox rows and deliveries (set-based
   SQL; called until it takes fewer rows than asked), `service.compose_digests` folds each
   user's due digest deliveries into one 'digest.daily' outbox row (expanded at once). An event
   that cannot be expanded is failed by the database (outbox status 'failed', with its error) and
   the others go on; should the call itself fail (a timeout, a bug), the error is logged and the
   run goes on to claim what is already due: no outbox row can stop every delivery.
2. `service.claim_deliveries` claims a batch (`for update skip locked`, a lease of
   `lease_seconds`): several workers never take the same delivery, and a worker that dies leaves
   its claims to expire and be taken again.
3. Each delivery is rendered (render.render_message), sent through the adapter of its channel and
   recorded with `service.record_delivery` right after its send, so a crash loses at most the
   message in flight (sent but not recorded: sent again after the lease, with the same
   idempotency key). The database decides what an outcome means: 'retry' backs off with jitter up
   to max_attempts then dead, 'undeliverable' is dead at once (nothing else changes), 'rejected' is dead
   (a bounced address suppressed, its other waiting mail skipped), 'gone' deletes the push token.

An event whose data cannot fill the templates it needs is failed at expansion, whole (nothing of
it is written: no inbox row or message with a hole). Should a template change after expansion to
need a value the event did not carry, no retry renders it, and it is not the destination's fault:
'undeliverable' on every channel (UNRENDERABLE_OUTCOME), dead at once with the template error as
last_error; the address and the device keep getting the user's other messages.
A channel this dispatcher has no adapter for (its settings unset) is recorded 'retry' with the
settings to set as last_error: its deliveries wait through the backoff (8 to 15 minutes over the
default 6 attempts) for a fix, then are dead rather than sent hours late. An adapter that raises
instead of classifying its failure, or a renderer that breaks on a template, is a bug of ours:
the delivery is retried rather than lost.

Logs carry delivery ids, channels, outcomes and providers' message ids; never a destination, a
subject or a body.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import logs
from ..db.factory import get_database
from ..db.port import Database, DatabaseError, DatabaseUnavailable
from ..settings import get_settings
from .channels import OUTCOMES
from .render import TemplateError, render_message
from .senders import Senders, get_senders

if TYPE_CHECKING:
    from .channels import Channel

log = logging.getLogger("marketbase.notify")

EXPAND_ROWS = 20  # outbox rows per expand_notifications call (an announcement is one row)
LEASE_MARGIN_SECONDS = 15  # a claim is not sent this close to its lease's end: another worker may take it
SEND_MARGIN_SECONDS = 15  # one send's worst case (the adapters' 10 s timeout) and its record
RECORD_RETRIES = (0.5, 2.0)  # waits before recording again when the database is unreachable
# A delivery that cannot be rendered is the event's fault (or the template's), not the
# destination's, and no retry renders it: 'undeliverable', dead at once, on every channel. Never
# 'rejected': of an email, that would suppress the address and skip its other waiting mail.
UNRENDERABLE_OUTCOME = "undeliverable"


@dataclass(frozen=True)
class Attempt:
    """What happened to one delivery, as record_delivery takes it."""

    outcome: str
    provider: str | None = None
    provider_message_id: str | None = None
    error: str | None = None
    unsent_because: str | None = None  # 'unrenderable' | 'unconfigured': failed before any provider


def default_worker() -> str:
    """A worker name unique to this run: claims are recorded only by the worker that holds them."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def lambda_worker(context: Any) -> str:
    """The worker name of a Lambda invocation: unique to it, and findable in its logs."""
    request_id = getattr(context, "aws_request_id", None)
    return f"lambda:{request_id}" if request_id else default_worker()


def lambda_budget(context: Any, cap: float | None = None, default: float = 20.0) -> float:
    """Seconds a run may spend claiming: the invocation's remaining time less one send's worst
    case (SEND_MARGIN_SECONDS), so the last send and its record finish before the timeout."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    budget = remaining() / 1000 - SEND_MARGIN_SECONDS if remaining else default
    return max(0.0, budget if cap is None else min(budget, cap))


def empty_summary() -> dict[str, Any]:
    return {
        "worker": "",
        "expanded": 0,
        "digests": 0,
        "batches": 0,
        "claimed": 0,
        **dict.fromkeys(OUTCOMES, 0),
        "dead": 0,  # deliveries whose recorded status is dead (undeliverable, rejected, gone, or out of attempts)
        "unrenderable": 0,  # the template needs a variable the event lacks (undeliverable: dead at once)
        "unconfigured": 0,  # retried because this dispatcher has no adapter for the channel
        "stale": 0,  # recorded too late: the lease had expired and another worker holds the delivery
        "expand_errors": 0,  # expand_notifications or compose_digests calls that failed (logged); claiming went on
        "unsent": 0,  # claimed but left when the budget ran out: taken again after the lease
        "seconds": 0.0,
    }


def as_senders(channels: Senders | Mapping[str, Channel]) -> Senders:
    return channels if isinstance(channels, Senders) else Senders(dict(channels))


def count(result: Any) -> int:
    """An RPC's count: an integer, a set of rows, or nothing."""
    if isinstance(result, bool):
        return int(result)
    if isinstance(result, int):
        return result
    if isinstance(result, list):
        return len(result)
    return 0


def dispatch(
    db: Database,
    channels: Senders | Mapping[str, Channel],
    worker: str | None = None,
    *,
    budget_seconds: float = 30.0,
    batch_size: int = 50,
    lease_seconds: int = 120,
    max_batches: int | None = None,
    site_url: str | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """One run; returns its summary (counts per outcome). Raises DatabaseUnavailable when the
    database cannot be reached (what was recorded stays recorded). Its lines carry the request's
    correlation id, or one of the run's own."""
    with logs.correlated(logs.correlation_id.get()):
        return dispatch_run(
            db, channels, worker, budget_seconds, batch_size, lease_seconds, max_batches, site_url, clock
        )


def dispatch_run(
    db: Database,
    channels: Any,
    worker: str | None,
    budget_seconds: float,
    batch_size: int,
    lease_seconds: int,
    max_batches: int | None,
    site_url: str | None,
    clock: Callable[[], float],
) -> dict[str, Any]:
    started = clock()
    deadline = started + budget_seconds
    senders = as_senders(channels)
    summary = empty_summary()
    summary["worker"] = worker = worker or default_worker()
    try:
        prepare(db, summary, deadline, clock)
        # No claim may outlive the run: the lease covers the whole budget.
        lease = max(lease_seconds, math.ceil(budget_seconds) + LEASE_MARGIN_SECONDS)
        per_message: float | None = None  # seconds, measured: the next batch fits the time left
        while max_batches is None or summary["batches"] < max_batches:
            left = deadline - clock()
            if left <= 0:
                break
            size = batch_size if per_message is None else max(1, min(batch_size, int(left / per_message)))
            rows = db.rpc(
                "claim_deliveries",
                {"worker": worker, "max_rows": size, "lease_seconds": lease},
                schema="service",
            )
            if not rows:
                break
            claimed_at = clock()
            summary["batches"] += 1
            summary["claimed"] += len(rows)
            done = send_batch(
                db,
                senders,
                worker,
                rows,
                summary,
                min(deadline, claimed_at + lease - LEASE_MARGIN_SECONDS),
                clock,
                site_url,
            )
            if done:
                per_message = (clock() - claimed_at) / done
            if done < len(rows):
                summary["unsent"] += len(rows) - done
                log.warning(
                    "notify budget spent mid-batch",
                    extra={"worker": worker, "unsent": [str(r["delivery_id"]) for r in rows[done:]]},
                )
                break
    finally:
        summary["seconds"] = round(clock() - started, 3)
        log.info("notify dispatch", extra=summary)
    return summary


def run(context: Any = None, db: Database | None = None, senders: Senders | None = None) -> dict[str, Any]:
    """A scheduled run with the process's database, channels and settings (the Lambda's schedule,
    `marketbase dev`'s loop); `context` is the Lambda context, whose remaining time is the budget."""
    settings = get_settings()
    return dispatch(
        db or get_database(),
        senders or get_senders(),
        lambda_worker(context),
        budget_seconds=lambda_budget(context),
        batch_size=settings.notify_batch_size,
        lease_seconds=settings.notify_lease_seconds,
        site_url=settings.site_url,
    )


def prepare(db: Database, summary: dict[str, Any], deadline: float, clock: Callable[[], float]) -> None:
    """Expansion and digests before claiming. Their failure is logged and counted, never the end
    of the run: what is already due is claimed and sent anyway."""
    try:
        summary["expanded"] += expand(db, deadline, clock)
    except Exception as error:  # any failure here: the sending must not stop
        expansion_failed(summary, "expand_notifications", error)
    try:
        summary["digests"] = count(db.rpc("compose_digests", schema="service"))
        if summary["digests"]:
            summary["expanded"] += expand(db, deadline, clock)
    except Exception as error:
        expansion_failed(summary, "compose_digests", error)


def expansion_failed(summary: dict[str, Any], step: str, error: Exception) -> None:
    summary["expand_errors"] += 1
    # The code and the database's message (ours name events and variables, not people); for
    # anything else only its type: a library's message may carry data.
    detail = f"{error.code}: {error.message}"[:300] if isinstance(error, DatabaseError) else type(error).__name__
    log.error("notify expansion failed; claiming what is due anyway", extra={"step": step, "error": detail})


def expand(db: Database, deadline: float, clock: Callable[[], float]) -> int:
    expanded = 0
    while True:
        rows = count(db.rpc("expand_notifications", {"max_rows": EXPAND_ROWS}, schema="service"))
        expanded += rows
        if rows < EXPAND_ROWS or clock() >= deadline:
            return expanded


def send_batch(
    db: Database,
    senders: Senders,
    worker: str,
    rows: list[dict[str, Any]],
    summary: dict[str, Any],
    send_until: float,
    clock: Callable[[], float],
    site_url: str | None,
) -> int:
    """Sends and records the claimed rows in order until `send_until`; returns how many it did."""
    for done, row in enumerate(rows):
        if clock() >= send_until:
            return done
        with logs.bind(delivery_id=str(row["delivery_id"])):
            deliver_and_record(db, senders, worker, row, summary, site_url)
    return len(rows)


def deliver_and_record(
    db: Database, senders: Senders, worker: str, row: Mapping[str, Any], summary: dict[str, Any], site_url: str | None
) -> tuple[Attempt, str | None]:
    """One claimed delivery: sent, recorded, counted and logged (every line with its delivery id)."""
    attempt = deliver(senders, row, site_url)
    status = record(db, worker, str(row["delivery_id"]), attempt)
    summary[attempt.outcome] += 1
    summary["dead"] += status == "dead"
    summary["stale"] += status is None
    if attempt.unsent_because:
        summary[attempt.unsent_because] += 1
    fields = {
        "delivery_id": str(row["delivery_id"]),
        "channel": row.get("channel"),
        "event_type": row.get("event_type"),
        "attempt": row.get("attempt"),
        "outcome": attempt.outcome,
        "status": status,
        "provider": attempt.provider,
        "provider_message_id": attempt.provider_message_id,
    }
    if attempt.outcome in ("sent", "delivered"):
        log.info("notification sent", extra=fields)
    else:
        log.warning("notification not sent", extra={**fields, "error": attempt.error})
    if status is None:
        log.warning("notification claim lost: recorded by another worker", extra=fields)
    return attempt, status


def deliver(senders: Senders, row: Mapping[str, Any], site_url: str | None = None) -> Attempt:
    """Render and send one claimed delivery; never raises for the message's own failures."""
    channel = str(row.get("channel"))
    sender = senders.get(channel)
    if sender is None:
        return Attempt("retry", error=senders.why_missing(channel), unsent_because="unconfigured")
    try:
        message = render_message(row, site_url=site_url)
    except TemplateError as error:  # a variable the event lacks, an unknown channel: never renderable
        return Attempt(UNRENDERABLE_OUTCOME, error=f"template error: {error}"[:500], unsent_because="unrenderable")
    except Exception as error:  # a bug in rendering, not in the template: do not lose the delivery
        log.error(
            "notification render failed", extra={"delivery_id": str(row["delivery_id"]), "error": type(error).__name__}
        )
        return Attempt("retry", error=f"render failed: {type(error).__name__}", unsent_because="unrenderable")
    try:
        result = sender.send(message)
    except Exception as error:  # an adapter that did not classify a failure: try again later
        # Where it was raised, not its message: a provider library's message may name the address.
        where = traceback.extract_tb(error.__traceback__)[-1]
        log.error(
            "notification adapter raised",
            extra={
                "delivery_id": str(row["delivery_id"]),
                "error": type(error).__name__,
                "where": f"{where.filename}:{where.lineno} in {where.name}",
            },
        )
        return Attempt("retry", sender.provider, error=f"{sender.provider} adapter raised {type(error).__name__}")
    return Attempt(result.outcome, result.provider, result.provider_message_id, result.error)


def record(db: Database, worker: str, delivery_id: str, attempt: Attempt) -> str | None:
    """record_delivery; the new status, or None when this worker no longer holds the claim."""
    params = {
        "delivery_id": delivery_id,
        "worker": worker,
        "outcome": attempt.outcome,
        "provider": attempt.provider,
        "provider_message_id": attempt.provider_message_id,
        "error": attempt.error,
    }
    for wait in (*RECORD_RETRIES, None):
        try:
            status = db.rpc("record_delivery", params, schema="service")
            return None if status is None else str(status)
        except DatabaseUnavailable:
            if wait is None:
                log.error("notification sent but not recorded", extra={"delivery_id": delivery_id})
                raise
            time.sleep(wait)
    return None  # unreachable: the loop returns or raises
