"""FOR UPDATE SKIP LOCKED under real concurrency: workers on their own connections (as PostgREST
runs each call: logged in as authenticator, service_role for the request's transaction) claim
deliveries, and expand outbox events, at the same moment. Nothing is claimed or expanded twice,
and a worker whose rows another holds in an open transaction takes the others without waiting:
each connection has a lock_timeout, so a wait would fail the test rather than hang it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, LiteralString

import psycopg
from psycopg.rows import dict_row

from tests.notifications.conftest import Notify
from tests.support.actors import SERVICE_ROLE_CLAIMS, as_request

LOCK_TIMEOUT = "3s"  # a worker that waited for another's locks fails with 55P03 instead of returning
NO_WAIT_SECONDS = 1.5  # what a call that did not wait takes at most, on a slow machine
HOLD_SECONDS = 30.0  # how long a worker keeps its transaction open at most (it is released sooner)


def payment_failed(invoice: str) -> dict[str, Any]:
    return {
        "booking_id": "b0b0b0b0-0000-0000-0000-000000000009",
        "invoice_number": invoice,
        "offering_title": "Strategy call",
        "amount": "100.00",
        "currency": "USD",
        "reason": "card declined",
        "action_url": "https://market.example/invoices/9",
    }


def in_service_transaction(
    notify: Notify,
    query: LiteralString,
    params: tuple[Any, ...],
    *,
    before: Callable[[], None] | None = None,
    holding: Callable[[list[dict[str, Any]]], None] | None = None,
) -> list[dict[str, Any]]:
    """One service call in its own transaction on its own connection, as PostgREST makes it:
    `before` runs just before the call (a barrier), `holding` after it, with the transaction
    still open (its row locks held) until it returns."""
    with notify.market.authenticator() as conn:
        with as_request(conn, SERVICE_ROLE_CLAIMS, schema="service"):
            conn.execute(f"set local lock_timeout = '{LOCK_TIMEOUT}'")
            if before:
                before()
            with conn.cursor(row_factory=dict_row) as cur:
                rows = cur.execute(query, params).fetchall()
            if holding:
                holding(rows)
        return rows


def claim(notify: Notify, worker: str, max_rows: int, **hooks: Any) -> list[str]:
    rows = in_service_transaction(notify, "select * from service.claim_deliveries(%s, %s)", (worker, max_rows), **hooks)
    return [str(r["delivery_id"]) for r in rows]


def expand(notify: Notify, max_rows: int, **hooks: Any) -> int:
    (row,) = in_service_transaction(notify, "select service.expand_notifications(%s) as n", (max_rows,), **hooks)
    return int(row["n"])


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def due_emails(notify: Notify, count: int) -> list[str]:
    """`count` email deliveries due now (a critical event: no quiet hours, no digest)."""
    people = [notify.person(f"reader{i}") for i in range(count)]
    notify.enqueue("payment.failed", [p.id for p in people], payment_failed("INV-0001"))
    assert notify.expand() == 1
    ids = [str(d["id"]) for d in notify.deliveries() if d["status"] == "queued"]
    assert len(ids) == count
    return ids


# --- claim_deliveries ---------------------------------------------------------------------------


def test_workers_claiming_at_the_same_moment_never_share_a_delivery(notify: Notify) -> None:
    due = due_emails(notify, 48)
    workers = 4
    start = threading.Barrier(workers)
    claimed_together = threading.Barrier(workers)

    def work(n: int) -> list[str]:
        # Each claims a batch with the others, all holding their claims until all have claimed;
        # then again until nothing is left.
        together = claimed_together.wait
        first = claim(notify, f"worker-{n}", 5, before=start.wait, holding=lambda _: together(HOLD_SECONDS))
        rest: list[str] = []
        while batch := claim(notify, f"worker-{n}", 5):
            rest += batch
        return first + rest

    with ThreadPoolExecutor(workers) as pool:
        claims = [f.result() for f in [pool.submit(work, n) for n in range(workers)]]

    everything = [delivery for batch in claims for delivery in batch]
    assert sorted(everything) == sorted(due), "every delivery claimed exactly once"
    assert all(len(batch) > 0 for batch in claims), "every worker got a share"
    rows = notify.rows("select claimed_by, attempts, status from public.notification_deliveries")
    assert {(r["attempts"], r["status"]) for r in rows} == {(1, "sending")}
    assert {r["claimed_by"] for r in rows} == {f"worker-{n}" for n in range(workers)}


def test_a_claim_held_open_does_not_make_the_next_worker_wait(notify: Notify) -> None:
    due = due_emails(notify, 10)
    held = threading.Event()
    release = threading.Event()
    holder: list[str] = []

    def hold(rows: list[dict[str, Any]]) -> None:
        holder.extend(str(r["delivery_id"]) for r in rows)
        held.set()
        assert release.wait(HOLD_SECONDS)

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(claim, notify, "worker-a", 4, holding=hold)
        assert held.wait(HOLD_SECONDS)
        try:
            # worker-a's claims are not committed: to everyone else its rows are still queued, and locked.
            assert notify.row("select count(*) as n from public.notification_deliveries where status = 'queued'") == {
                "n": 10
            }
            second, seconds = timed(lambda: claim(notify, "worker-b", 50))
        finally:
            release.set()
        assert first.result() == holder

    assert seconds < NO_WAIT_SECONDS, f"worker-b waited {seconds:.2f}s for worker-a's locks"
    assert len(holder) == 4 and len(second) == 6
    assert sorted(holder + second) == sorted(due), "the second took every other one, none of the first's"
    assert claim(notify, "worker-c", 50) == [], "and then all are held"


# --- expand_notifications -----------------------------------------------------------------------


def test_workers_expanding_at_the_same_moment_expand_each_event_once(notify: Notify) -> None:
    people = [notify.person(f"member{i}") for i in range(3)]
    recipients = [p.id for p in people]
    events = [notify.enqueue("payment.failed", recipients, payment_failed(f"INV-{i:04}")) for i in range(12)]
    workers = 4
    start = threading.Barrier(workers)
    expanded_together = threading.Barrier(workers)

    def work() -> int:
        total = expand(notify, 2, before=start.wait, holding=lambda _: expanded_together.wait(HOLD_SECONDS))
        while n := expand(notify, 2):
            total += n
        return total

    with ThreadPoolExecutor(workers) as pool:
        counts = [f.result() for f in [pool.submit(work) for _ in range(workers)]]

    assert sum(counts) == len(events) and all(counts), counts
    outbox = notify.rows("select id, status, recipient_count from private.notification_outbox order by id")
    assert [(o["id"], o["status"], o["recipient_count"]) for o in outbox] == [(e, "expanded", 3) for e in events]
    # One inbox row and one email per event and person: nothing written twice.
    per_event = notify.rows(
        "select (select count(*) from public.notifications n where n.outbox_id = o.id) as inbox,"
        " (select count(*) from public.notification_deliveries d where d.outbox_id = o.id) as emails"
        " from private.notification_outbox o order by o.id"
    )
    assert [(r["inbox"], r["emails"]) for r in per_event] == [(3, 3)] * len(events)


def test_an_expansion_held_open_does_not_make_the_next_worker_wait(notify: Notify) -> None:
    reader = notify.person("reader")
    events = [notify.enqueue("payment.failed", [reader.id], payment_failed(f"INV-{i:04}")) for i in range(4)]
    held = threading.Event()
    release = threading.Event()

    def hold(_: list[dict[str, Any]]) -> None:
        held.set()
        assert release.wait(HOLD_SECONDS)

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(expand, notify, 1, holding=hold)
        assert held.wait(HOLD_SECONDS)
        try:
            second, seconds = timed(lambda: expand(notify, 20))
            pending = notify.rows("select id from private.notification_outbox where status = 'pending'")
        finally:
            release.set()
        assert first.result() == 1

    assert seconds < NO_WAIT_SECONDS, f"the second expansion waited {seconds:.2f}s for the first's locks"
    assert second == 3, "the second expanded every event but the one the first holds"
    assert [p["id"] for p in pending] == [events[0]], "which, until the first commits, is still pending to others"
    assert sorted(n["outbox_id"] for n in notify.inbox(reader.id)) == events, "each expanded once"
    assert expand(notify, 20) == 0


def test_the_second_worker_would_wait_without_skip_locked(notify: Notify) -> None:
    """The lock_timeout the tests above rely on does catch a wait: a plain FOR UPDATE on a row
    another transaction holds fails with 55P03 rather than returning."""
    due_emails(notify, 1)
    held = threading.Event()
    release = threading.Event()

    def hold(_: list[dict[str, Any]]) -> None:
        held.set()
        assert release.wait(HOLD_SECONDS)

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(claim, notify, "worker-a", 1, holding=hold)
        assert held.wait(HOLD_SECONDS)
        try:
            with notify.market.owner() as conn, conn.transaction():
                conn.execute("set local lock_timeout = '200ms'")
                try:
                    conn.execute("select id from public.notification_deliveries for update")
                except psycopg.errors.LockNotAvailable:
                    waited = True
                else:
                    waited = False
        finally:
            release.set()
        assert len(first.result()) == 1
    assert waited
