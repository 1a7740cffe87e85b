"""A worker killed mid-batch: its claims expire and another worker finishes the batch, so every
message reaches the SMTP server exactly once by its idempotency key (Message-ID) and none is lost.

Worker A is a process of its own (tests/notifications/worker_process.py) with settings from its
environment, against the same database and a slow SMTP sink (each message's 250 comes late, so
A is killed while a message is in flight). SIGKILL: no cleanup, no finally, as a Lambda that
times out or a machine that dies. The message in flight when A died may have reached the sink
without A recording it; B sends it again with the same Message-ID, and the sink, deduplicating by
Message-ID as a provider honouring idempotency does, keeps one copy.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.notifications.conftest import EMAIL_FROM, MAIL_DOMAIN, Notify, wait_until
from tests.support.database import ROOT, TestDatabase
from tests.support.smtp_sink import SmtpSink

RECIPIENTS = 12
STALL_SECONDS = 0.3  # each message's 250 comes this late
LEASE_SECONDS = 4


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """Keeps one copy per Message-ID (and counts every copy it got)."""
    with SmtpSink(dedupe=True) as sink:
        yield sink


def start_worker(notify: Notify, test_database: TestDatabase, fresh_db: str, worker: str) -> subprocess.Popen[str]:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": test_database.url(fresh_db, user="authenticator"),
        "SMTP_HOST": notify.sink.host,
        "SMTP_PORT": str(notify.sink.port),
        "SMTP_STARTTLS": "false",
        "EMAIL_FROM": EMAIL_FROM,
    }
    # Budget 3 s, lease 4 s (margin 1 s): the lease outlives the run, and lapses soon after it.
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.notifications.worker_process", worker, "3", str(LEASE_SECONDS), "1"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready", process.stderr.read() if process.stderr else ""
    return process


@pytest.mark.slow
def test_a_worker_killed_mid_batch_leaves_nothing_lost_and_nothing_twice(
    notify: Notify, test_database: TestDatabase, fresh_db: str
) -> None:
    people = [notify.person(f"reader{i:02d}") for i in range(RECIPIENTS)]
    outbox = notify.enqueue(
        "payment.failed",
        [p.id for p in people],
        {
            "booking_id": "b0b0b0b0-0000-0000-0000-000000000001",
            "invoice_number": "INV-0001",
            "offering_title": "Strategy call",
            "amount": "100.00",
            "currency": "USD",
            "reason": "card declined",
            "action_url": "https://market.example/invoices/1",
        },
    )
    for _ in range(RECIPIENTS + 1):
        notify.sink.stall_next_data(STALL_SECONDS)

    worker_a = start_worker(notify, test_database, fresh_db, "worker-a")
    try:
        wait_until(lambda: len(notify.sink.receipts) >= 4, timeout=30)
    finally:
        worker_a.send_signal(signal.SIGKILL)
        worker_a.wait(timeout=10)
    assert worker_a.returncode == -signal.SIGKILL

    deliveries = notify.deliveries(outbox)
    emails = {str(d["id"]): d for d in deliveries if d["channel"] == "email"}
    assert len(emails) == RECIPIENTS
    statuses = Counter(d["status"] for d in emails.values())
    assert statuses["sending"] > 0 and statuses["sent"] >= 3, statuses
    assert set(statuses) <= {"sent", "sending"}
    assert {d["claimed_by"] for d in emails.values()} == {"worker-a"}, "A claimed the whole batch"

    # While A's leases hold, another worker leaves its claims alone (it may still be alive).
    early = notify.dispatch("worker-b", budget_seconds=5)
    assert early["claimed"] == 0
    # Once they lapse, it takes them.
    wait_until(
        lambda: notify.row(
            "select bool_and(lease_expires_at < now()) as lapsed from public.notification_deliveries"
            " where status = 'sending'"
        )["lapsed"],
        timeout=LEASE_SECONDS + 5,
        interval=0.2,
    )
    finished = notify.dispatch("worker-b", budget_seconds=30)

    assert finished["claimed"] == statuses["sending"] == finished["sent"], finished
    after = {str(d["id"]): d for d in notify.deliveries(outbox) if d["channel"] == "email"}
    assert {d["status"] for d in after.values()} == {"sent"}
    taken_over = {i for i, d in after.items() if d["claimed_by"] == "worker-b"}
    assert {after[i]["attempts"] for i in taken_over} == {2}
    assert {d["attempts"] for i, d in after.items() if i not in taken_over} == {1}

    # At the sink: every delivery exactly once by Message-ID, none lost, none foreign.
    expected = {f"<{i}@{MAIL_DOMAIN}>" for i in after}
    kept = Counter(m["Message-ID"] for m in notify.sink.messages)
    assert set(kept) == expected and set(kept.values()) == {1}
    assert sorted(m["To"] for m in notify.sink.messages) == sorted(p.email for p in people)
    # On the wire, only the message in flight when A died can have come twice, with the same id.
    wire = Counter(r.message_id for r in notify.sink.receipts)
    twice = [message_id for message_id, count in wire.items() if message_id and count > 1]
    assert len(twice) <= 1 and all(count <= 2 for count in wire.values())
    for message_id in twice:
        first, second = notify.sink.receipts_of(message_id)
        assert first.kept and not second.kept
        delivery_id = message_id.strip("<>").split("@")[0]
        assert delivery_id in taken_over, "the copy in flight was one A never recorded"
