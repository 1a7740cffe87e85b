"""Benchmark of issue 4: Stripe webhook events processed per second, end to end, on one process.

Each event goes the whole way a real one goes: a body signed with Stripe's scheme, wrapped in an
API Gateway HTTP API (2.0) event (half of them base64-encoded), into the stripe-webhook Lambda's
handler (`handlers.stripe_webhook.handler`: Mangum, FastAPI, signature verification), through
the Postgres adapter (logged in as `authenticator`, service role claims, as PostgREST would) to
the service RPC, and back as the handler's response. The process is configured the way
`marketbase dev` runs it: from environment variables (DATABASE_URL, STRIPE_WEBHOOK_SECRET), no
test overrides.

The database is a throwaway cluster of its own (bench/bookings/run.py's helpers) holding a
marketplace of production size: bench/bookings/generate.sql at --scale (default 0.05: 500
providers, 10,000 clients, 100,000 bookings) and bench/payments/generate.sql on top (an invoice
per booking, about 100,000 payments, refunds, disputes and 125,000 ledger events), so every
lookup runs on full tables. The measured events act on rows the apps would have left: held
bookings with an open invoice and a pending payment whose Checkout Session is attached, pending
refunds submitted to Stripe.

The mix of each measured pass (--events scales it): new checkout.session.completed (paid: the
invoice settles, the booking is confirmed), refund.updated (a pending refund succeeds: the
invoice is partly refunded), charge.refunded, refund.created of refunds made in Stripe's
dashboard (recorded as new rows), duplicates (half re-deliveries of this pass's events, half of
events already in the ledger before the run), and an event type the app ignores. Passes run
one at a time and on 4 threads, with the cluster as the local stack runs it (fsync and
synchronous_commit off) and durable (both on); the four take turns for --rounds rounds, so that
other work on the machine falls on all of them alike, and are reported pooled.

    python bench/payments/webhook_throughput.py                # about 6 minutes on 2 cores
    python bench/payments/webhook_throughput.py --events 200 --rounds 1 --no-write   # a quick look
    python bench/payments/webhook_throughput.py --keep         # leave the cluster running afterwards
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import string
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]


def _code_root() -> Path:
    """--code-root DIR: measure the apps, migrations and devstack of another checkout (the
    baseline of --baseline), with this file's data and measurements."""
    if "--code-root" in sys.argv:
        return Path(sys.argv[sys.argv.index("--code-root") + 1]).resolve()
    return ROOT


CODE_ROOT = _code_root()
for _path in (ROOT, CODE_ROOT):  # CODE_ROOT ends up first
    if str(_path) in sys.path:
        sys.path.remove(str(_path))
    sys.path.insert(0, str(_path))

from bench.bookings import run as bookings  # noqa: E402  (its cluster, schema and marketplace helpers)
from devstack.cluster import SUPERUSER, Cluster, wait_for  # noqa: E402
from tests.support.apigw import http_api_event, lambda_context  # noqa: E402
from tests.support.fake_stripe import encode_event, event_template  # noqa: E402
from tests.support.stripe_signing import sign  # noqa: E402

HERE = Path(__file__).resolve().parent
GENERATE_SQL = HERE / "generate.sql"
RESULTS_MD = HERE / "RESULTS.md"
DEFAULT_DIR = Path("/var/tmp/marketbase-bench/payments")
RAW_JSON = Path("/var/tmp/marketbase-bench/payments-measurements.json")  # outside the cluster's directory
BASELINE_JSON = Path("/var/tmp/marketbase-bench/payments-baseline.json")
BASELINE_SRC = Path("/var/tmp/marketbase-bench/baseline-src")
BASELINE_DIR = Path("/var/tmp/marketbase-bench/payments-baseline")
DEFAULT_BASELINE = "67d277e^"  # the commit before issue 24's work
DB_TIME_EVENTS = 200  # events of each kind in the database-time phase
OPEN_INVOICES = 300  # held bookings with an open invoice and no payment, for the checkout hot path
DATABASE = bookings.DATABASE
WEBHOOK_SECRET = "whsec_bench_" + "x" * 32
POOL_SIZE = 4

# Events of each kind in one measured pass at --events 800 (the number of new checkouts).
MIX = {"checkout": 1.0, "refund.updated": 0.5, "charge.refunded": 0.5, "dashboard refund": 0.25, "ignored": 0.125}
DUPLICATES = 0.5  # re-deliveries per original event: half of this pass's events, half of older ones
PASSES = [  # (threads, durable)
    (1, False),
    (POOL_SIZE, False),
    (1, True),
    (POOL_SIZE, True),
]
WARMUP_SHARE = 0.1  # a first pass, not reported, to open the pool's connections and warm its plans

# What each kind of event should answer (the webhook's `outcome`).
EXPECTED = {
    "checkout.session.completed": "paid",
    "refund.updated": "refund_succeeded",
    "charge.refunded": "charge_refunded",
    "refund.created (dashboard)": "refund_succeeded",
    "duplicate (this pass)": "duplicate",
    "duplicate (before the run)": "duplicate",
    "customer.created (ignored)": "ignored",
}

log = bookings.log


@dataclass
class Delivery:
    kind: str
    event: dict[str, Any]
    base64: bool = False


@dataclass
class Result:
    kind: str
    event_id: str
    status: int
    outcome: str | None
    seconds: float


@dataclass
class Pass:
    threads: int
    durable: bool
    deliveries: list[Delivery]
    results: list[Result] = field(default_factory=list)
    wall: float = 0.0
    load: float = 0.0  # the machine's 1-minute load average before the pass (other work skews it)
    rates: list[float] = field(default_factory=list)  # events/s of each round, when passes are merged
    steal: float = 0.0  # % of CPU time the hypervisor took from this VM during the pass
    prep: float = 0.0  # seconds spent on Stripe's and API Gateway's side, before the timed loop

    @property
    def label(self) -> str:
        return f"{'1 thread' if self.threads == 1 else f'{self.threads} threads'}, " + (
            "durable (fsync, synchronous_commit on)" if self.durable else "local stack (fsync, synchronous_commit off)"
        )


# -- the data --------------------------------------------------------------------------------------


def generate_payments(cluster: Cluster, pending_payments: int, pending_refunds: int) -> list[tuple[str, float]]:
    timings = []
    with psycopg.connect(cluster.url(SUPERUSER, DATABASE), autocommit=True) as conn:
        conn.execute(f"set bench.pending_payments = {int(pending_payments)}")
        conn.execute(f"set bench.pending_refunds = {int(pending_refunds)}")
        conn.execute(f"set bench.open_invoices = {OPEN_INVOICES}")
        for name, body in bookings.sql_steps(GENERATE_SQL.read_text()):
            started = time.monotonic()
            try:
                with conn.transaction():
                    conn.execute(body)
            except psycopg.Error as error:
                raise SystemExit(f"payments/generate.sql, step {name!r}: {error}") from None
            timings.append((name, time.monotonic() - started))
            log(f"generate payments: {name} {timings[-1][1]:.1f}s")
        started = time.monotonic()
        conn.execute("vacuum (analyze)")
        timings.append(("vacuum (analyze)", time.monotonic() - started))
    return timings


COUNTED = (
    "public.bookings",
    "public.invoices",
    "public.payments",
    "public.refunds",
    "public.disputes",
    "private.stripe_events",
)


def describe(conn: psycopg.Connection) -> list[dict[str, Any]]:
    tables = []
    for name in COUNTED:
        (rows,) = conn.execute(f"select count(*) from {name}").fetchone()  # type: ignore[misc]
        (total,) = conn.execute("select pg_total_relation_size(%s::regclass)", (name,)).fetchone()  # type: ignore[misc]
        tables.append({"table": name, "rows": rows, "total": total})
    return tables


# -- the events ------------------------------------------------------------------------------------


class Events:
    """Stripe event envelopes about the generated rows, built from the real payload templates."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def token(self, length: int) -> str:
        return "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(length))

    def envelope(
        self, event_type: str, obj: dict[str, Any], *, event_id: str | None = None, previous: Any = None
    ) -> dict[str, Any]:
        event = event_template(event_type)
        event.update(id=event_id or "evt_1" + self.token(23), created=int(time.time()), livemode=False)
        event["data"] = {"object": obj}
        if previous is not None:
            event["data"]["previous_attributes"] = previous
        event["request"] = {"id": None, "idempotency_key": None}
        return event

    def checkout_completed(self, payment: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
        session = event_template("checkout.session.completed")["data"]["object"]
        metadata = {k: str(payment[k]) for k in ("invoice_id", "payment_id", "booking_id")}
        session.update(
            id=payment["session_id"],
            amount_subtotal=payment["amount"],
            amount_total=payment["amount"],
            currency=payment["currency"].lower(),
            metadata=metadata,
            payment_intent=payment.get("intent_id") or "pi_3" + self.token(24),
            payment_status="paid",
            status="complete",
            url=None,
        )
        return self.envelope("checkout.session.completed", session, event_id=event_id)

    def refund(self, event_type: str, refund: dict[str, Any], status: str, *, ours: bool) -> dict[str, Any]:
        obj = event_template(event_type)["data"]["object"]
        obj.update(
            id=refund["stripe_refund_id"],
            amount=refund["amount"],
            charge=refund["charge_id"],
            currency=refund["currency"].lower(),
            metadata={"refund_id": str(refund["refund_id"])} if ours else {},  # dashboard refunds carry none of ours
            payment_intent=refund["intent_id"],
            status=status,
        )
        previous = {"status": "pending"} if event_type == "refund.updated" else None
        return self.envelope(event_type, obj, previous=previous)

    def charge_refunded(self, refund: dict[str, Any]) -> dict[str, Any]:
        charge = event_template("charge.refunded")["data"]["object"]
        charge.update(
            id=refund["charge_id"],
            amount=refund["payment_amount"],
            amount_captured=refund["payment_amount"],
            amount_refunded=refund["amount"],
            currency=refund["currency"].lower(),
            payment_intent=refund["intent_id"],
            refunded=refund["amount"] >= refund["payment_amount"],
        )
        previous = {"amount_refunded": 0, "refunded": False}
        return self.envelope("charge.refunded", charge, previous=previous)

    def ignored(self) -> dict[str, Any]:
        customer = event_template("customer.created")["data"]["object"]
        customer.update(id="cus_" + self.token(14), created=int(time.time()))
        return self.envelope("customer.created", customer)


def historical_event_id(kind: str, ref: str) -> str:
    """The id generate.sql gave an event already in the ledger."""
    return "evt_1" + hashlib.md5(f"{kind}:{ref}".encode()).hexdigest()[:23]


def fetch_pools(conn: psycopg.Connection, seed: int) -> dict[str, list[dict[str, Any]]]:
    """The rows the measured events act on, in a seeded random order."""
    from psycopg.rows import dict_row

    conn.execute("select setseed(%s)", (random.Random(seed).random() * 2 - 1,))
    cur = conn.cursor(row_factory=dict_row)
    pools = {
        "checkout": cur.execute(
            "select p.id as payment_id, p.invoice_id, p.booking_id, p.stripe_checkout_session_id as session_id,"
            " p.amount, p.currency from public.payments p where p.status = 'pending' order by random()"
        ).fetchall(),
        "refund": cur.execute(
            "select r.id as refund_id, r.stripe_refund_id, r.amount, r.currency, p.amount as payment_amount,"
            " p.stripe_payment_intent_id as intent_id, p.stripe_charge_id as charge_id"
            " from public.refunds r join public.payments p on p.id = r.payment_id"
            " where r.status = 'pending' and r.reason = 'bench' order by random()"
        ).fetchall(),
        # Paid, never refunded or disputed: refunded in Stripe's dashboard during the run.
        "dashboard": cur.execute(
            "select p.amount as payment_amount, p.currency, p.stripe_payment_intent_id as intent_id,"
            " p.stripe_charge_id as charge_id"
            " from public.payments p join public.invoices i on i.id = p.invoice_id and i.status = 'paid'"
            " where p.status = 'succeeded'"
            " and not exists (select 1 from public.refunds r where r.payment_id = p.id)"
            " and not exists (select 1 from public.disputes d where d.payment_id = p.id)"
            " order by random() limit 20000"
        ).fetchall(),
        # Held bookings with an open invoice and no payment yet: the checkout hot path.
        "open": cur.execute(
            "select i.id as invoice_id, i.client_id from public.invoices i"
            " join public.bookings b on b.id = i.booking_id and b.status = 'held'"
            " and b.hold_expires_at > now() + interval '1 hour'"
            " where i.status = 'open' and not exists (select 1 from public.payments p where p.invoice_id = i.id)"
            " order by random()"
        ).fetchall(),
        # Paid before the run: their checkout.session.completed is in the ledger already.
        "history": cur.execute(
            "select p.id as payment_id, p.invoice_id, p.booking_id, p.stripe_checkout_session_id as session_id,"
            " p.stripe_payment_intent_id as intent_id, p.amount, p.currency"
            " from public.payments p where p.status = 'succeeded' order by random() limit 20000"
        ).fetchall(),
    }
    return pools


def take(pool: list[dict[str, Any]], count: int, what: str) -> list[dict[str, Any]]:
    if len(pool) < count:
        raise SystemExit(f"not enough {what} rows left for the run ({len(pool)} < {count}): lower --events")
    taken = pool[:count]
    del pool[:count]
    return taken


def build_pass(
    events: Events, pools: dict[str, list[dict[str, Any]]], originals: int, rng: random.Random
) -> list[Delivery]:
    """One pass's deliveries: the mix shuffled, duplicates placed after what they repeat."""
    counts = {kind: max(1, round(originals * share)) for kind, share in MIX.items()}
    items: list[Delivery] = []
    for payment in take(pools["checkout"], counts["checkout"], "pending payment"):
        items.append(Delivery("checkout.session.completed", events.checkout_completed(payment)))
    refunds = take(pools["refund"], max(counts["refund.updated"], counts["charge.refunded"]), "pending refund")
    for refund in refunds[: counts["refund.updated"]]:
        items.append(Delivery("refund.updated", events.refund("refund.updated", refund, "succeeded", ours=True)))
    for refund in refunds[: counts["charge.refunded"]]:
        items.append(Delivery("charge.refunded", events.charge_refunded(refund)))
    for payment in take(pools["dashboard"], counts["dashboard refund"], "refundable payment"):
        refund = {
            **payment,
            "stripe_refund_id": "re_3" + events.token(24),
            "amount": max(payment["payment_amount"] // 3, 1),
        }
        items.append(
            Delivery("refund.created (dashboard)", events.refund("refund.created", refund, "succeeded", ours=False))
        )
    for _ in range(counts["ignored"]):
        items.append(Delivery("customer.created (ignored)", events.ignored()))
    rng.shuffle(items)

    duplicates = round(len(items) * DUPLICATES)
    for _ in range(duplicates // 2):  # a re-delivery of one of this pass's events, some time after it
        original = rng.randrange(len(items))
        while items[original].kind.startswith("duplicate"):
            original = rng.randrange(len(items))
        items.insert(rng.randint(original + 1, len(items)), Delivery("duplicate (this pass)", items[original].event))
    for payment in take(pools["history"], duplicates - duplicates // 2, "paid payment"):
        event = events.checkout_completed(
            payment, event_id=historical_event_id("completed", str(payment["payment_id"]))
        )
        items.insert(rng.randint(0, len(items)), Delivery("duplicate (before the run)", event))
    for index, item in enumerate(items):
        item.base64 = index % 2 == 1
    return items


# -- delivering ------------------------------------------------------------------------------------


Prepared = tuple[Delivery, dict[str, Any]]


def prepare(item: Delivery) -> Prepared:
    """Stripe's and API Gateway's side of a delivery: the body, its signature, the Lambda event."""
    body = encode_event(item.event)
    headers = {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        "stripe-signature": sign(body, WEBHOOK_SECRET),
    }
    return item, http_api_event("POST", "/stripe/webhook", body=body, headers=headers, base64_encoded=item.base64)


def deliverer() -> Callable[[Prepared], Result]:
    """The Lambda handler, imported as Lambda imports it (settings from the environment)."""
    from handlers.stripe_webhook import handler

    context = lambda_context("marketbase-bench-stripe-webhook")

    def deliver(prepared: Prepared) -> Result:
        item, request = prepared
        started = time.perf_counter()
        response = handler(request, context)
        seconds = time.perf_counter() - started
        outcome = json.loads(response.get("body") or "{}").get("outcome")
        return Result(item.kind, item.event["id"], response["statusCode"], outcome, seconds)

    return deliver


def cpu_times() -> list[int]:
    """The machine's CPU time counters (user, nice, system, idle, iowait, irq, softirq, steal)."""
    with open("/proc/stat") as stat:
        return [int(n) for n in stat.readline().split()[1:9]]


def run_pass(deliver: Callable[[Prepared], Result], measured: Pass) -> None:
    started = time.perf_counter()
    prepared = [prepare(item) for item in measured.deliveries]  # well within Stripe's 300 s tolerance
    measured.prep = time.perf_counter() - started
    measured.load = os.getloadavg()[0]
    before = cpu_times()
    started = time.perf_counter()
    if measured.threads == 1:
        measured.results = [deliver(item) for item in prepared]
    else:
        loops: list[asyncio.AbstractEventLoop] = []

        def own_loop() -> None:  # Mangum runs the app on the calling thread's event loop
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            loops.append(loop)

        with ThreadPoolExecutor(measured.threads, initializer=own_loop) as pool:
            measured.results = list(pool.map(deliver, prepared))
        for loop in loops:
            loop.close()
    measured.wall = time.perf_counter() - started
    spent = [b - a for a, b in zip(before, cpu_times(), strict=True)]
    measured.steal = 100 * spent[7] / max(1, sum(spent))


def breakdown(cluster: Cluster, events: Events, pools: dict[str, list[dict[str, Any]]], runs: int) -> dict[str, float]:
    """Medians (ms) of the parts of a duplicate's path, measured alone, one at a time: the
    signature check and JSON parse; the service RPC through the Postgres adapter; one bare
    statement round trip on a psycopg connection; and, for comparison, the whole handler."""
    from functions.db.factory import get_database
    from functions.payments import events as apply
    from functions.payments.stripe_gateway import construct_event

    db = get_database()
    deliver = deliverer()
    samples: dict[str, list[float]] = defaultdict(list)
    payments = take(pools["history"], runs, "paid payment")
    with psycopg.connect(cluster.url("authenticator", DATABASE), autocommit=True) as conn:
        for payment in payments:
            event = events.checkout_completed(
                payment, event_id=historical_event_id("completed", str(payment["payment_id"]))
            )
            body = encode_event(event)
            header = sign(body, WEBHOOK_SECRET)
            started = time.perf_counter()
            construct_event(body, header, WEBHOOK_SECRET, 300)
            samples["signature check and JSON parse"].append(time.perf_counter() - started)
            started = time.perf_counter()
            outcome = apply.checkout_session(db, event)
            samples["the RPC through the Postgres adapter (a duplicate)"].append(time.perf_counter() - started)
            assert outcome == "duplicate", outcome
            started = time.perf_counter()
            conn.execute("select 1").fetchone()
            samples["one `select 1` round trip (psycopg, autocommit)"].append(time.perf_counter() - started)
            samples["the whole handler (the same duplicate)"].append(
                deliver(prepare(Delivery("duplicate", event))).seconds
            )
            samples["the whole handler, an ignored type (no database)"].append(
                deliver(prepare(Delivery("ignored", events.ignored()))).seconds
            )
    return {name: percentile(values, 0.5) * 1000 for name, values in samples.items()}


def enable_statement_stats(cluster: Cluster) -> None:
    """pg_stat_statements on the bench cluster (as Supabase has it): the database time per event."""
    libraries = ["pg_cron", "pg_stat_statements"] if getattr(cluster, "runs_cron", False) else ["pg_stat_statements"]
    with psycopg.connect(cluster.url(SUPERUSER, DATABASE), autocommit=True) as conn:
        conn.execute(f"alter system set shared_preload_libraries = {', '.join(libraries)}")
    cluster.restart()
    wait_for(cluster.url(SUPERUSER, DATABASE))
    with psycopg.connect(cluster.url(SUPERUSER, DATABASE), autocommit=True) as conn:
        conn.execute("create extension if not exists pg_stat_statements with schema extensions")


STATEMENTS = """
select coalesce(sum(total_exec_time), 0), coalesce(sum(calls), 0)
from extensions.pg_stat_statements
where toplevel and query not like '%%pg_stat_statements%%'
"""


class StatementClock:
    """Server time of the top-level statements between reset() and read(), from pg_stat_statements:
    what a request costs the one database every Lambda shares (BEGIN, the request's settings, the
    call with every trigger it fires, COMMIT)."""

    def __init__(self, cluster: Cluster) -> None:
        self.conn = psycopg.connect(cluster.url(SUPERUSER, DATABASE), autocommit=True)

    def reset(self) -> None:
        self.conn.execute("select extensions.pg_stat_statements_reset()")

    def read(self) -> tuple[float, int]:
        time.sleep(0.05)  # the last backend's stats reach the shared table at the end of its statement
        ms, calls = self.conn.execute(STATEMENTS).fetchone()  # type: ignore[misc]
        return float(ms), int(calls)

    def close(self) -> None:
        self.conn.close()


def db_times(
    cluster: Cluster, events: Events, pools: dict[str, list[dict[str, Any]]], deliver: Callable[[Prepared], Result]
) -> list[dict[str, Any]]:
    """Per kind of request, one at a time: the handler's mean time and the database's time per
    request (pg_stat_statements, top-level statements), with the statements each one sent."""
    from functions.db.factory import get_database
    from functions.db.port import Caller

    n = DB_TIME_EVENTS
    rows: list[dict[str, Any]] = []
    clock = StatementClock(cluster)

    def webhook(kind: str, deliveries: list[Delivery]) -> None:
        prepared = [prepare(d) for d in deliveries]
        clock.reset()
        results = [deliver(p) for p in prepared]
        ms, calls = clock.read()
        wrong = Counter(r.outcome for r in results if r.outcome != EXPECTED[kind])
        if wrong:
            raise SystemExit(f"db time of {kind}: unexpected outcomes {dict(wrong)}")
        handler = sum(r.seconds for r in results) / len(results) * 1000
        rows.append({"path": f"webhook: {kind}", "db_ms": ms / n, "statements": calls / n, "handler_ms": handler})

    checkouts = [
        Delivery("checkout.session.completed", events.checkout_completed(p))
        for p in take(pools["checkout"], n, "pending payment")
    ]
    webhook("checkout.session.completed", checkouts)
    webhook("duplicate (this pass)", [Delivery("duplicate (this pass)", d.event) for d in checkouts])
    history = take(pools["history"], n, "paid payment")
    webhook(
        "duplicate (before the run)",
        [
            Delivery(
                "duplicate (before the run)",
                events.checkout_completed(p, event_id=historical_event_id("completed", str(p["payment_id"]))),
            )
            for p in history
        ],
    )
    refunds = take(pools["refund"], n, "pending refund")
    webhook(
        "refund.updated",
        [Delivery("refund.updated", events.refund("refund.updated", r, "succeeded", ours=True)) for r in refunds],
    )
    webhook("charge.refunded", [Delivery("charge.refunded", events.charge_refunded(r)) for r in refunds])
    webhook("customer.created (ignored)", [Delivery("customer.created (ignored)", events.ignored()) for _ in range(n)])

    # The other hot paths, through the same adapter as their Lambdas (their HTTP side not timed).
    db = get_database()

    def rpc_path(path: str, calls: list[Callable[[], Any]], per: int | None = None) -> list[Any]:
        clock.reset()
        started = time.perf_counter()
        answers = [call() for call in calls]
        seconds = time.perf_counter() - started
        ms, statements = clock.read()
        count = per or len(calls)
        rows.append(
            {"path": path, "db_ms": ms / count, "statements": statements / count, "adapter_ms": seconds * 1000 / count}
        )
        return answers

    opened = take(pools["open"], min(n, len(pools["open"])), "open invoice")

    def begin(invoice: dict[str, Any]) -> Callable[[], Any]:
        claims = {"sub": str(invoice["client_id"]), "role": "authenticated", "aud": "authenticated"}
        return lambda: db.rpc(
            "begin_checkout", {"invoice_id": str(invoice["invoice_id"])}, caller=Caller("bench", claims)
        )

    terms = rpc_path("checkout: begin_checkout (the client, a new payment)", [begin(i) for i in opened])

    def attach(term: dict[str, Any]) -> Callable[[], Any]:
        params = {
            "payment_id": term["payment_id"],
            "session_id": "cs_test_b1" + events.token(58),
            "session_url": "https://checkout.stripe.com/c/pay/cs_test_bench",
            "expires_at": term["expires_at"],
        }
        return lambda: db.rpc("attach_checkout_session", params, schema="service")

    rpc_path("checkout: attach_checkout_session", [attach(t) for t in terms])

    # Dispatch: build the events of the changes the measured events recorded (issue 24: after
    # commit; a run with max_rows 0 builds them and expands nothing), expand the outbox, claim
    # deliveries, record each sent.
    pending = "select count(*) from private.notification_changes where failed_at is null"
    if clock.conn.execute("select to_regclass('private.notification_changes')").fetchone()[0] is not None:  # type: ignore[index]
        before = clock.conn.execute(pending).fetchone()[0]  # type: ignore[index]
        build = [lambda: db.rpc("expand_notifications", {"max_rows": 0}, schema="service") for _ in range(4)]
        rpc_path("dispatch: expand_notifications(0), building the events of 500 changes", build)
        built = before - clock.conn.execute(pending).fetchone()[0]  # type: ignore[index]
        if built:
            rows[-1]["per_change_ms"] = rows[-1]["db_ms"] * len(build) / built
        while clock.conn.execute(pending).fetchone()[0]:  # type: ignore[index]  # the rest, not measured
            db.rpc("expand_notifications", {"max_rows": 0}, schema="service")
    expand = [lambda: db.rpc("expand_notifications", {"max_rows": 20}, schema="service") for _ in range(20)]
    rpc_path("dispatch: expand_notifications(20)", expand)
    worker = "bench-" + events.token(6)
    claim = [
        lambda: db.rpc("claim_deliveries", {"worker": worker, "max_rows": 50, "lease_seconds": 120}, schema="service")
        for _ in range(10)
    ]
    claimed = [row for batch in rpc_path("dispatch: claim_deliveries(50)", claim) for row in batch]
    if claimed:
        rows[-1]["per_delivery_ms"] = rows[-1]["db_ms"] * len(claim) / len(claimed)

    def record(row: dict[str, Any]) -> Callable[[], Any]:
        params = {"delivery_id": row["delivery_id"], "worker": worker, "outcome": "sent", "provider": "bench"}
        return lambda: db.rpc("record_delivery", params, schema="service")

    if claimed:
        rpc_path("dispatch: record_delivery (one sent)", [record(r) for r in claimed])
    clock.close()
    return rows


def set_durable(cluster: Cluster, durable: bool) -> None:
    value = "on" if durable else "off"
    with psycopg.connect(cluster.url(SUPERUSER, DATABASE), autocommit=True) as conn:
        for name in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"alter system set {name} = {value}")
        conn.execute("select pg_reload_conf()")
    time.sleep(0.5)
    with psycopg.connect(cluster.url("authenticator", DATABASE)) as conn:
        shown = [conn.execute(f"show {n}").fetchone()[0] for n in ("fsync", "synchronous_commit")]  # type: ignore[index]
    if shown != [value, value]:
        raise SystemExit(f"durability settings not applied: {shown}")


def check(measured: Pass) -> dict[str, Any]:
    """Every delivery answered 200; every event id applied exactly once; outcomes as expected."""
    statuses = Counter(r.status for r in measured.results)
    applied: dict[str, int] = defaultdict(int)
    for r in measured.results:
        if r.outcome not in ("duplicate", "ignored"):  # ignored types are not in the ledger
            applied[r.event_id] += 1
    twice = sum(1 for n in applied.values() if n > 1)
    # Under threads a re-delivery can win the race against its original: count by event, not by kind.
    # An event already in the ledger before the run has no original to race: always 'duplicate'.
    unexpected = Counter(
        (r.kind, r.outcome)
        for r in measured.results
        if r.outcome != EXPECTED[r.kind]
        and (r.kind == "duplicate (before the run)" or not (r.kind.startswith("duplicate") or r.outcome == "duplicate"))
    )
    return {"statuses": dict(statuses), "applied_twice": twice, "unexpected": dict(unexpected)}


# -- reporting -------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    return bookings.percentile(values, p)


def summary(measured: Pass) -> list[tuple[str, int, float, float, float]]:
    by_kind: dict[str, list[float]] = defaultdict(list)
    for r in measured.results:
        by_kind[r.kind].append(r.seconds * 1000)
    rows = []
    for kind in EXPECTED:
        values = by_kind.get(kind, [])
        if values:
            rows.append(
                (kind, len(values), percentile(values, 0.5), percentile(values, 0.95), sum(values) / len(values))
            )
    everything = [r.seconds * 1000 for r in measured.results]
    rows.append(
        (
            "all",
            len(everything),
            percentile(everything, 0.5),
            percentile(everything, 0.95),
            sum(everything) / len(everything),
        )
    )
    return rows


def merge(passes: list[Pass]) -> list[Pass]:
    """One pass per configuration, its rounds pooled (rates kept per round)."""
    merged = []
    for threads, durable in PASSES:
        rounds = [p for p in passes if (p.threads, p.durable) == (threads, durable)]
        pooled = Pass(threads, durable, [d for p in rounds for d in p.deliveries])
        pooled.results = [r for p in rounds for r in p.results]
        pooled.wall = sum(p.wall for p in rounds)
        pooled.load = max(p.load for p in rounds)
        pooled.rates = [len(p.results) / p.wall for p in rounds]
        pooled.steal = max(p.steal for p in rounds)
        pooled.prep = sum(p.prep for p in rounds)
        merged.append(pooled)
    return merged


def mean_ms(measured: Pass, kind: str | None = None) -> float:
    values = [r.seconds * 1000 for r in measured.results if kind is None or r.kind == kind]
    return sum(values) / len(values)


def median_ms(measured: Pass, kind: str | None = None) -> float:
    return percentile([r.seconds * 1000 for r in measured.results if kind is None or r.kind == kind], 0.5)


def findings(meta: dict[str, Any], passes: list[Pass]) -> list[str]:
    """What the measured numbers say, computed from them."""
    one = next(p for p in passes if p.threads == 1 and not p.durable)
    many = next(p for p in passes if p.threads > 1 and not p.durable)
    durable = next(p for p in passes if p.threads == 1 and p.durable)
    rates = {p.label: rate(p) for p in passes}
    ignored = mean_ms(one, "customer.created (ignored)")
    duplicate = mean_ms(one, "duplicate (before the run)")
    checkout = mean_ms(one, "checkout.session.completed")
    parts = meta["breakdown"]
    rpc = parts["the RPC through the Postgres adapter (a duplicate)"]
    trip = parts["one `select 1` round trip (psycopg, autocommit)"]
    one_rate, many_rate, durable_rate = rates[one.label], rates[many.label], rates[durable.label]
    local_checkout = median_ms(one, "checkout.session.completed")
    durable_checkout = median_ms(durable, "checkout.session.completed")
    spread = max((max(p.rates) / min(p.rates) - 1) * 100 for p in passes if p.rates)
    signature = parts["signature check and JSON parse"]
    return [
        f"- One process, one event at a time (as a Lambda instance runs): **{one_rate:.0f} events/s** on this mix, "
        f"{mean_ms(one):.1f} ms per event on average. A Lambda instance takes one event at a time, so this is "
        "one instance's ceiling; Stripe's deliveries spread over as many instances as arrive at once.",
        f"- The floor is the app itself: an ignored event (no database call) costs {ignored:.1f} ms (Mangum, "
        f"FastAPI, and {signature:.2f} ms of signature check and JSON parse). A duplicate adds one RPC: "
        f"{duplicate:.1f} ms in all, the RPC alone {rpc:.1f} ms through the adapter, {rpc / trip:.0f} times one "
        f"bare statement round trip ({trip:.2f} ms): the adapter sends the request's settings and the call as "
        "one message, one round trip and one implicit transaction (PostgREST's one transaction per request), "
        "and checks a pooled connection only when it idled for long or the server wrote to it. A new paid "
        "checkout (settle the invoice, confirm the booking, write the payment once) costs "
        f"{checkout:.1f} ms, {checkout - duplicate:.1f} ms more than a duplicate.",
        f"- Durable commits (fsync, synchronous_commit on): a new checkout's median {durable_checkout:.2f} ms "
        f"against {local_checkout:.2f} ms ({durable_checkout - local_checkout:+.2f} ms), every event's median "
        f"{median_ms(durable):.2f} against {median_ms(one):.2f} ms; {durable_rate:.0f} against {one_rate:.0f} "
        "events/s: each event that writes waits for its commit's WAL flush. This machine's disk flushes fast; "
        "a network disk would add its flush time to every event that writes.",
        f"- {many.threads} threads in one process: {many_rate:.0f} events/s, {many_rate / one_rate:.1f}× one "
        f"thread, with latency {mean_ms(many) / mean_ms(one):.1f}× longer: the benchmark and Postgres share "
        f"{meta['machine']['nproc']} cores, so more threads mostly queue for CPU.",
        "- Production reaches the database through the Supabase adapter (PostgREST over HTTPS), not measured "
        "here: its network round trip replaces the adapter's several local ones.",
        f"- Rounds of the same pass differed by up to {spread:.0f}% in events/s: this is a VM whose 2 cores "
        "are shared (the CPU time the hypervisor took during the rounds and the load average before them are "
        "given with each pass); the pooled numbers average the rounds out.",
    ]


def save_raw(meta: dict[str, Any], passes: list[Pass], path: Path = RAW_JSON) -> None:
    """The measurements, so that --report-only can write RESULTS.md again without measuring."""
    raw = {
        "meta": meta,
        "passes": [
            {
                "threads": p.threads,
                "durable": p.durable,
                "wall": p.wall,
                "load": p.load,
                "steal": p.steal,
                "prep": p.prep,
                "results": [[r.kind, r.event_id, r.status, r.outcome, r.seconds] for r in p.results],
            }
            for p in passes
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(raw, default=str))


def load_raw(path: Path = RAW_JSON) -> tuple[dict[str, Any], list[Pass]]:
    raw = json.loads(path.read_text())
    passes = []
    for p in raw["passes"]:
        measured = Pass(
            p["threads"], p["durable"], [], wall=p["wall"], load=p["load"], steal=p["steal"], prep=p.get("prep", 0.0)
        )
        measured.results = [Result(*r) for r in p["results"]]
        passes.append(measured)
    return raw["meta"], passes


def rate(measured: Pass) -> float:
    """Events per second of the handler calls: what one Lambda instance gets through."""
    return len(measured.results) / measured.wall


def rate_with_stripe(measured: Pass) -> float:
    """Events per second counting Stripe's and API Gateway's side too (signing, the Lambda event)."""
    return len(measured.results) / (measured.wall + measured.prep)


def before_and_after(
    meta: dict[str, Any], passes: list[Pass], baseline: tuple[dict[str, Any], list[Pass]]
) -> list[str]:
    old_meta, old_passes = baseline
    out = [
        "## Before and after",
        "",
        f"Before: commit {old_meta['git']} measured at {old_meta['measured_at']}; after: commit {meta['git']} at "
        f"{meta['measured_at']}; one run of this script, the same data, event mix and passes, one after the other "
        "on the same machine (each on a cluster of its own).",
        "",
        "| pass | before: events/s | after: events/s | before: with Stripe's side | after: with Stripe's side |",
        "|---|---:|---:|---:|---:|",
    ]
    for new, old in zip(passes, old_passes, strict=True):
        out.append(
            f"| {new.label} | {rate(old):,.0f} | **{rate(new):,.0f}** | {rate_with_stripe(old):,.0f} | "
            f"{rate_with_stripe(new):,.0f} |"
        )
    one_new, one_old = passes[0], old_passes[0]
    out += ["", f"Mean handler time per event, {one_new.label}:", ""]
    out += ["| event | before | after |", "|---|---:|---:|"]
    for kind in EXPECTED:
        if any(r.kind == kind for r in one_new.results) and any(r.kind == kind for r in one_old.results):
            out.append(f"| {kind} | {mean_ms(one_old, kind):.2f} ms | {mean_ms(one_new, kind):.2f} ms |")
    out.append(f"| all | {mean_ms(one_old):.2f} ms | {mean_ms(one_new):.2f} ms |")
    out += ["", *db_time_table(meta, old_meta)]
    return out


def db_time_table(meta: dict[str, Any], old_meta: dict[str, Any] | None) -> list[str]:
    old_rows = {r["path"]: r for r in (old_meta or {}).get("db_times", [])}
    out = [
        "### Database time per request (pg_stat_statements)",
        "",
        f"{DB_TIME_EVENTS} requests of each kind, one at a time, the cluster as the local stack runs it. Database "
        "time: the server's execution time of the top-level statements the request sent (before: BEGIN, the "
        "request's settings, the call with every trigger it fires, COMMIT; after: the settings and the call, "
        "one message and one implicit transaction), from pg_stat_statements, per request. Client: "
        "the webhook handler's time (Mangum, FastAPI, signature, adapter, database), or for the other Lambdas' "
        "paths the adapter call alone (their Stripe call and HTTP side are not in it).",
        "",
        "| path | target | database before | database after | statements after | client before | client after |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    targets = {"webhook: duplicate (this pass)": "≤ 1 ms", "webhook: duplicate (before the run)": "≤ 1 ms",
               "webhook: checkout.session.completed": "≤ 2 ms"}  # fmt: skip
    for row in meta.get("db_times", []):
        old = old_rows.get(row["path"], {})
        client_key = "handler_ms" if "handler_ms" in row else "adapter_ms"
        old_db = f"{old['db_ms']:.3f} ms" if old else "–"
        old_client = f"{old[client_key]:.2f} ms" if old.get(client_key) is not None else "–"
        per_delivery = f" ({row['per_delivery_ms']:.3f} ms per delivery)" if "per_delivery_ms" in row else ""
        per_delivery += f" ({row['per_change_ms']:.3f} ms per change)" if "per_change_ms" in row else ""
        out.append(
            f"| {row['path']} | {targets.get(row['path'], '')} | {old_db} | **{row['db_ms']:.3f} ms**{per_delivery} "
            f"| {row['statements']:.1f} | {old_client} | {row[client_key]:.2f} ms |"
        )
    return out


def write_results(
    meta: dict[str, Any], passes: list[Pass], baseline: tuple[dict[str, Any], list[Pass]] | None = None
) -> None:
    out: list[str] = []
    w = out.append
    w("# Benchmark: Stripe webhook events per second, end to end, one process (issues 4 and 24)")
    w("")
    w(f"Written by `python bench/payments/webhook_throughput.py` on {meta['measured_at']}, commit {meta['git']}.")
    w("How it works: the docstring of [webhook_throughput.py](webhook_throughput.py).")
    w("")
    if baseline is not None:
        out.extend(before_and_after(meta, passes, baseline))
        w("")
    else:
        out.extend(db_time_table(meta, None))
        w("")
    w("Each event: a Stripe event body (the real payload templates of tests/payments/events) signed with Stripe's")
    w("scheme, in an API Gateway HTTP API 2.0 event (every other one base64-encoded), through")
    w("`handlers.stripe_webhook.handler` (Mangum, FastAPI, signature verification with the `stripe` package), the")
    w(f"Postgres adapter (pool of {POOL_SIZE}, logged in as `authenticator`, service role claims) and the service RPC,")
    first = passes[0]
    outside = first.prep / len(first.results) * 1000
    w("and back. Latency: the handler call alone. Events per second: all events of the pass over the wall time of")
    w("its handler calls (one Lambda instance's throughput). Stripe's and API Gateway's side (encoding and signing")
    w(
        "the body, building the API Gateway event) is done before the timed loop: "
        f'{outside:.2f} ms per event in the first pass below, given apart as "with Stripe\'s side".'
    )
    w("Every pass acts on rows nothing touched before (new pending payments and refunds each time).")
    w("")
    w("## Results")
    for measured in passes:
        outcome = check(measured)
        w("")
        w(f"### {measured.label}")
        w("")
        answers = ", ".join(f"{n:,} × {s}" for s, n in sorted(outcome["statuses"].items()))
        w(
            f"**{rate(measured):,.0f} events/s** ({rate_with_stripe(measured):,.0f} with Stripe's side): "
            f"{len(measured.results):,} events in {measured.wall:.1f} s, in {len(measured.rates)} rounds of "
            f"{' / '.join(f'{r:.0f}' for r in measured.rates)} events/s (load average at most {measured.load:.2f} "
            f"before a round, CPU steal at most {measured.steal:.1f}%). Answers: {answers};"
            f" events applied more than once: {outcome['applied_twice']}; unexpected outcomes: "
            f"{outcome['unexpected'] or 'none'}."
        )
        w("")
        w("| event | count | p50 | p95 | mean |")
        w("|---|---:|---:|---:|---:|")
        for kind, count, p50, p95, mean in summary(measured):
            w(f"| {kind} | {count:,} | {p50:.2f} ms | {p95:.2f} ms | {mean:.2f} ms |")
    w("")
    w("What each kind does: **checkout.session.completed** claims the event id, finds the payment by the id in its")
    w("metadata, settles the invoice and confirms the held booking (the exclusion constraint checks its slot)")
    w("and records the outcome, in one transaction; **refund.updated** moves a pending refund to succeeded and")
    w("recomputes the payment's and the invoice's refunded amounts; **charge.refunded** records the charge's")
    w("refunded total; **refund.created (dashboard)** records a refund made outside the apps as a new row;")
    w("**duplicate** finds the event id in the ledger and changes nothing; **customer.created** is a type the app")
    w("ignores (signature verification and the answer only, no database call).")
    w("")
    w("## Reading the numbers")
    w("")
    for line in findings(meta, passes):
        w(line)
    w("")
    w("## Where a duplicate's time goes")
    w("")
    w("Medians of 300 duplicates of events already in the ledger, each part measured alone, one at a time, the")
    w("cluster as the local stack runs it:")
    w("")
    w("| part | median |")
    w("|---|---:|")
    for name, ms in meta["breakdown"].items():
        w(f"| {name} | {ms:.3f} ms |")
    w("")
    w("## Machine")
    w("")
    m = meta["machine"]
    w(f"- {m['nproc']} CPUs ({m['cpu']}), {m['ram']} RAM, {m['os']}, Python {m['python']}")
    w(f"- {meta['server_version']}, on the same machine (TCP over 127.0.0.1)")
    w(
        "- server settings: those of bench/bookings (`"
        + "`, `".join(f"{k} = {v.strip(chr(39))}" for k, v in bookings.SERVER_SETTINGS.items())
        + "`), plus fsync, synchronous_commit and full_page_writes as each pass says"
    )
    w("- the benchmark process and Postgres share the 2 cores: a Lambda would run the handler elsewhere")
    w("")
    w("## Data")
    w("")
    w(
        f"bench/bookings/generate.sql at scale {meta['scale']} and bench/payments/generate.sql, in "
        f"{meta['generation_seconds']:.0f} s; `vacuum (analyze)` after loading, autovacuum off while measuring."
    )
    w("")
    w("| table | rows before the run | total size |")
    w("|---|---:|---:|")
    for t in meta["tables"]:
        w(f"| {t['table']} | {t['rows']:,} | {bookings.size(t['total'])} |")
    RESULTS_MD.write_text("\n".join(out) + "\n")


# -- the baseline ----------------------------------------------------------------------------------


def measure_baseline(args: argparse.Namespace) -> tuple[dict[str, Any], list[Pass]]:
    """The same measurements of an earlier commit (its apps, devstack and migrations; this file's
    data and events), in a worktree and a cluster of its own, before this checkout's."""
    subprocess.run(["git", "worktree", "remove", "--force", str(BASELINE_SRC)], cwd=ROOT, capture_output=True)
    subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(BASELINE_SRC), args.baseline], cwd=ROOT, check=True)
    try:
        command = [sys.executable, str(Path(__file__).resolve()), "--code-root", str(BASELINE_SRC)]
        command += ["--raw-out", str(BASELINE_JSON), "--dir", str(BASELINE_DIR), "--no-write"]
        command += ["--scale", str(args.scale), "--events", str(args.events), "--rounds", str(args.rounds)]
        command += ["--seed", str(args.seed)]
        log(f"baseline {args.baseline}: " + " ".join(command))
        subprocess.run(command, check=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(BASELINE_SRC)], cwd=ROOT, capture_output=True)
    measured = load_baseline()
    if measured is None:
        raise SystemExit("the baseline left no measurements")
    return measured


def load_raw_merged() -> tuple[dict[str, Any], list[Pass]]:
    meta, passes = load_raw()
    return meta, merge(passes)


def load_baseline() -> tuple[dict[str, Any], list[Pass]] | None:
    if not BASELINE_JSON.is_file():
        return None
    meta, passes = load_raw(BASELINE_JSON)
    return meta, merge(passes)


# -- main ------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.05, help="of bench/bookings (default 0.05: 100,000 bookings)")
    parser.add_argument("--events", type=int, default=800, help="new checkouts per pass; the mix scales (default 800)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the four passes, interleaved (default 3)")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"cluster directory (default {DEFAULT_DIR})")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running afterwards")
    parser.add_argument("--no-write", action="store_true", help="print the results, do not write RESULTS.md")
    parser.add_argument("--seed", type=int, default=4, help="seed of the event mix")
    parser.add_argument("--report-only", action="store_true", help=f"write RESULTS.md again from {RAW_JSON}")
    parser.add_argument(
        "--baseline",
        default=DEFAULT_BASELINE,
        help=f"first measure this commit the same way, for the before/after table (default {DEFAULT_BASELINE}; "
        "'none' to skip)",
    )
    parser.add_argument("--code-root", type=Path, help="measure the checkout in this directory (set by --baseline)")
    parser.add_argument("--raw-out", type=Path, default=RAW_JSON, help=f"where to save the measurements ({RAW_JSON})")
    args = parser.parse_args()
    if args.report_only:
        write_results(*load_raw_merged(), load_baseline())
        log(f"wrote {RESULTS_MD.relative_to(ROOT)} from {RAW_JSON}")
        return
    baseline = None
    if args.code_root is None and args.baseline != "none":
        baseline = measure_baseline(args)

    warmup = max(10, round(args.events * WARMUP_SHARE))
    per_pass = [args.events] * len(PASSES) * args.rounds
    pending_payments = warmup + sum(per_pass) + DB_TIME_EVENTS + 100
    pending_refunds = (
        round((warmup + sum(per_pass)) * max(MIX["refund.updated"], MIX["charge.refunded"])) + DB_TIME_EVENTS + 100
    )

    cluster, _ = bookings.start_cluster(args.dir, reuse=False)
    try:
        meta: dict[str, Any] = {"scale": args.scale, "schema_seconds": bookings.build_schema(cluster)}
        steps = bookings.generate(cluster, args.scale)
        steps += generate_payments(cluster, pending_payments, pending_refunds)
        meta["generation_seconds"] = sum(s for _, s in steps)
        enable_statement_stats(cluster)
        with psycopg.connect(cluster.url("postgres", DATABASE), autocommit=True) as conn:
            meta["tables"] = describe(conn)
            meta["server_version"] = conn.execute("select version()").fetchone()[0]  # type: ignore[index]
            pools = fetch_pools(conn, args.seed)
        for t in meta["tables"]:
            log(f"{t['table']}: {t['rows']:,} rows")

        os.environ.update(
            DATABASE_URL=cluster.url("authenticator", DATABASE),
            DATABASE_POOL_SIZE=str(POOL_SIZE),
            STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        )
        rng = random.Random(args.seed)
        events = Events(rng)
        deliver = deliverer()

        set_durable(cluster, False)
        warm = Pass(POOL_SIZE, False, build_pass(events, pools, warmup, rng))
        run_pass(deliver, warm)
        log(f"warm-up: {len(warm.results)} events, {check(warm)}")

        passes = []
        for (threads, durable), originals in zip(PASSES * args.rounds, per_pass, strict=True):
            set_durable(cluster, durable)
            measured = Pass(threads, durable, build_pass(events, pools, originals, rng))
            run_pass(deliver, measured)
            passes.append(measured)
            rate = len(measured.results) / measured.wall
            log(
                f"{measured.label}: {len(measured.results)} events in {measured.wall:.1f} s, {rate:.0f} events/s"
                f" (load {measured.load:.2f}, steal {measured.steal:.1f}%)"
            )
            for kind, count, p50, p95, _ in summary(measured):
                log(f"    {kind:30} {count:6} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms")
            log(f"    check: {check(measured)}")

        set_durable(cluster, False)
        meta["breakdown"] = breakdown(cluster, events, pools, runs=300)
        for name, ms in meta["breakdown"].items():
            log(f"    {name}: {ms:.3f} ms")
        meta["db_times"] = db_times(cluster, events, pools, deliver)
        for row in meta["db_times"]:
            log(f"    {row}")

        meta["measured_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        meta["machine"] = bookings.machine()
        meta["git"] = bookings.git_state()
        save_raw(meta, passes, args.raw_out)
        if not args.no_write:
            write_results(meta, merge(passes), baseline)
            log(f"wrote {RESULTS_MD.relative_to(ROOT)}")
    finally:
        if args.keep:
            log(f"cluster kept: {cluster.url('postgres', DATABASE)} (data in {cluster.base_dir})")
        else:
            cluster.destroy()


if __name__ == "__main__":
    main()
