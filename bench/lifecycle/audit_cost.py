"""Benchmark of issue 19's audit log: what the generic audit trigger adds to a booking write.

Bookings are not audited (the audit log holds roles, verification, prices, offers, coupons,
refunds, disputes, settings, blocks and deletions), so this answers "what would auditing the
busiest table cost?" and, by the same measure, what an audited write pays. On bench/bookings'
marketplace (generate.sql at --scale), two writes, each in its own committed transaction:

- a cancellation as the apps make it: `private.change_booking_status(booking, 'cancelled', ...)`,
  which fires every trigger of a booking's status change (history, notifications, chat, ledger);
- a one-column update (`hold_expires_at` of a held booking), the cheapest write there is.

Each is timed on its own bookings without the audit triggers, then with them
(`private.audit_table('public.bookings')`), then without again, alternating in rounds, so that
other work on the machine falls on both. Medians per write and their ratio go to
AUDIT_RESULTS.md.

    python bench/lifecycle/audit_cost.py              # about a minute
    python bench/lifecycle/audit_cost.py --scale 0.05 --writes 300
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bookings import run as bookings  # noqa: E402
from devstack.cluster import SUPERUSER  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS_MD = HERE / "AUDIT_RESULTS.md"
CLUSTER_DIR = Path("/var/tmp/marketbase-bench/audit")

CANCEL = """
select private.change_booking_status(b, 'cancelled', 'system', 'bench')
from public.bookings b where b.id = %s
"""
TOUCH = "update public.bookings set hold_expires_at = hold_expires_at + interval '1 minute' where id = %s"
ATTACH = "select private.audit_table('public.bookings')"
DETACH = """
drop trigger if exists audit_inserts on public.bookings;
drop trigger if exists audit_changes on public.bookings;
drop trigger if exists audit_deletes on public.bookings
"""


def timed(conn: psycopg.Connection, statement: str, ids: list[str]) -> list[float]:
    """Milliseconds of each write, one committed transaction each."""
    times = []
    for booking_id in ids:
        started = time.perf_counter()
        with conn.transaction():
            conn.execute(statement, (booking_id,))
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.02, help="of bench/bookings (default 0.02: 40,000 bookings)")
    parser.add_argument("--writes", type=int, default=100, help="writes of each kind per variant and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running afterwards")
    args = parser.parse_args()

    cluster, _ = bookings.start_cluster(CLUSTER_DIR, reuse=False)
    try:
        bookings.build_schema(cluster)
        bookings.generate(cluster, args.scale)
        url = cluster.url(SUPERUSER, bookings.DATABASE)
        with psycopg.connect(url, autocommit=True) as conn:
            (total,) = conn.execute("select count(*) from public.bookings").fetchone()  # type: ignore[misc]
            needed = args.writes * args.rounds * 3
            future = [
                str(r[0])
                for r in conn.execute(
                    "select id from public.bookings where status = 'confirmed'"
                    " and starts_at > now() + interval '2 days' order by random() limit %s",
                    (needed,),
                ).fetchall()
            ]
            held = [
                str(r[0])
                for r in conn.execute(
                    "select id from public.bookings where status = 'held' order by random() limit %s", (needed,)
                ).fetchall()
            ]
            if len(future) < needed or len(held) < needed:
                raise SystemExit(f"not enough bookings ({len(future)} confirmed, {len(held)} held < {needed})")
            conn.execute("set session_replication_role = origin")
            samples: dict[tuple[str, bool], list[float]] = {}
            audit_rows_before = conn.execute("select count(*) from public.audit_log").fetchone()[0]  # type: ignore[index]
            for _ in range(args.rounds):
                for audited in (False, True, False):
                    conn.execute(ATTACH if audited else DETACH)
                    for name, statement, pool in (("cancel", CANCEL, future), ("touch", TOUCH, held)):
                        batch, pool[:] = pool[: args.writes], pool[args.writes :]
                        samples.setdefault((name, audited), []).extend(timed(conn, statement, batch))
                    bookings.log(f"round: audited={audited}")
            conn.execute(DETACH)
            audit_rows = conn.execute("select count(*) from public.audit_log").fetchone()[0] - audit_rows_before  # type: ignore[index]
        write(args, total, samples, audit_rows)
    finally:
        if args.keep:
            bookings.log(f"cluster kept: {cluster.url('postgres', bookings.DATABASE)}")
        else:
            cluster.destroy()


def write(args: argparse.Namespace, total: int, samples: dict[tuple[str, bool], list[float]], audit_rows: int) -> None:
    names = {
        "cancel": "a cancellation (`change_booking_status`, every status trigger)",
        "touch": "a one-column update (`hold_expires_at`)",
    }
    out = [
        "# The audit trigger's cost on a booking write (issue 19)",
        "",
        f"Written by `python bench/lifecycle/audit_cost.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"commit {bookings.git_state()}. How it works: the script's docstring.",
        "",
        f"bench/bookings' marketplace at scale {args.scale} ({total:,} bookings); {args.rounds} rounds of "
        f"without / with / without the audit triggers, {args.writes} writes of each kind per variant and round, "
        "each write its own committed transaction (as `postgres`, fsync off as on the local stack). "
        f"The audited writes added {audit_rows:,} rows to the audit log (one per write).",
        "",
        "| write | without audit: median | with audit: median | ratio | without: p95 | with: p95 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in ("cancel", "touch"):
        plain, audited = samples[(name, False)], samples[(name, True)]
        p50, a50 = statistics.median(plain), statistics.median(audited)
        p95, a95 = bookings.percentile(plain, 0.95), bookings.percentile(audited, 0.95)
        out.append(f"| {names[name]} | {p50:.3f} ms | {a50:.3f} ms | {a50 / p50:.2f}× | {p95:.3f} ms | {a95:.3f} ms |")
    out += [
        "",
        "The trigger runs once per statement over its transition tables and writes one row per changed row "
        "with only the changed columns; its cost is mostly that insert and the log's three indexes. A "
        "one-column update is the worst case in relative terms (the write itself costs almost nothing); a "
        "write that fires the rest of a booking's triggers barely notices it.",
    ]
    RESULTS_MD.write_text("\n".join(out) + "\n")
    bookings.log(f"wrote {RESULTS_MD.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
