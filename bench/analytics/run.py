"""Benchmark of issue 19: one day's analytics rollup (service.rollup_day) at scale.

Builds the bookings benchmark's data (bench/bookings/generate.sql, --scale of its 2,000,000
bookings) in a throwaway cluster, adds what the rollup reads (bench/analytics/generate.sql:
invoices, payments, refunds, status changes, sign-ins and searches over the same two years),
then times:

- the rollup of a typical past day (30 days ago) and of today (the generator creates every
  upcoming booking "now": about a third of all bookings fall on today, the worst day);
- the same past day without the indexes 20260130003300 adds, to justify each of them;
- a backfill of 120 days (service.rollup_days), the series the plots draw;
- the search RPC with its recording against the same search unrecorded (what one activity
  row costs a search);
- the plans of the statements inside one rollup (auto_explain).

    python bench/analytics/run.py --scale 0.25     # about 4 minutes on 2 shared cores
    python bench/analytics/run.py --scale 0.05 --no-write   # a quick look
    python bench/analytics/run.py --keep / --reuse  # keep the cluster / measure its data again
    python bench/analytics/plot.py                 # the PNGs from series.json

Writes RESULTS.md and series.json beside this file; plot.py draws the PNGs from series.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bookings import run as bookings  # noqa: E402
from devstack import schema  # noqa: E402
from devstack.cluster import SUPERUSER  # noqa: E402
from devstack.impersonation import as_request  # noqa: E402

HERE = Path(__file__).resolve().parent
GENERATE_SQL = HERE / "generate.sql"
RESULTS_MD = HERE / "RESULTS.md"
SERIES_JSON = HERE / "series.json"
DEFAULT_DIR = Path("/var/tmp/marketbase-bench/analytics")
DATABASE = bookings.DATABASE
# The indexes of 20260130003300, each dropped in turn to see what it saves.
NEW_INDEXES = (
    "public.booking_status_changes_changed_at_brin",
    "public.payments_succeeded_at_idx",
    "public.refunds_succeeded_at_idx",
    "public.profiles_created_at_idx",
)
COUNTED = (
    "public.bookings",
    "public.invoices",
    "public.payments",
    "public.refunds",
    "public.booking_status_changes",
    "public.profiles",
    "private.activity_events",
)
log = bookings.log


def generate(url: str) -> list[tuple[str, float]]:
    timings: list[tuple[str, float]] = []
    with psycopg.connect(url, autocommit=True) as conn:
        for name, body in bookings.sql_steps(GENERATE_SQL.read_text()):
            started = time.monotonic()
            with conn.transaction():
                conn.execute(body)
            timings.append((name, time.monotonic() - started))
            log(f"generate analytics: {name} {timings[-1][1]:.1f}s")
        started = time.monotonic()
        conn.execute("vacuum (analyze)")
        timings.append(("vacuum (analyze)", time.monotonic() - started))
    return timings


def rollup_ms(conn: psycopg.Connection, day: date) -> tuple[float, dict[str, int]]:
    with conn.transaction():
        started = time.perf_counter()
        (written,) = conn.execute("select service.rollup_day(%s)", (day,)).fetchone()  # type: ignore[misc]
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, written


def time_day(conn: psycopg.Connection, day: date, runs: int) -> dict[str, Any]:
    rollup_ms(conn, day)  # warm-up: caches and PL/pgSQL plans
    times = []
    written: dict[str, int] = {}
    for _ in range(runs):
        ms, written = rollup_ms(conn, day)
        times.append(ms)
    return {"day": day.isoformat(), "median": statistics.median(times), "min": min(times), "max": max(times),
            "runs": runs, "written": written}  # fmt: skip


def without_index(conn: psycopg.Connection, index: str | None, day: date, runs: int) -> float:
    """The median rollup of the day in one transaction, rolled back, with one index dropped
    first (None: none, the baseline measured the same way)."""
    conn.execute("begin")
    try:
        if index:
            conn.execute(f"drop index {index}")
        conn.execute("select service.rollup_day(%s)", (day,))
        times = []
        for _ in range(runs):
            conn.execute("savepoint run")
            started = time.perf_counter()
            conn.execute("select service.rollup_day(%s)", (day,))
            times.append((time.perf_counter() - started) * 1000)
            conn.execute("rollback to savepoint run")
    finally:
        conn.execute("rollback")
    return statistics.median(times)


def search_cost(conn: psycopg.Connection, runs: int) -> dict[str, float]:
    """A visitor's search through the RPC (recorded) against the same body unrecorded."""
    terms = ["advice", "dog walking", "blood test", "zebra grooming", "yoga coach", "plumber"]
    recorded, unrecorded = [], []
    for i in range(runs):
        for fn, into in (("public.search_offerings", recorded), ("private.search_offerings", unrecorded)):
            with as_request(conn, {"role": "anon"}) as c:
                started = time.perf_counter()
                c.execute(f"select count(*) from {fn}(query => %s)", (terms[i % len(terms)],)).fetchone()
                into.append((time.perf_counter() - started) * 1000)
    return {"recorded": statistics.median(recorded), "unrecorded": statistics.median(unrecorded), "runs": runs}


def nested_plans(url: str, day: date) -> list[str]:
    notices: list[str] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("select service.rollup_day(%s)", (day,))
        conn.execute("load 'auto_explain'")
        for key, value in {"log_min_duration": 0, "log_analyze": "on", "log_buffers": "on", "log_timing": "on",
                           "log_nested_statements": "on", "log_level": "notice"}.items():  # fmt: skip
            conn.execute(f"set auto_explain.{key} = {value}")
        conn.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
        conn.execute("select service.rollup_day(%s)", (day,))
        conn.execute("set auto_explain.log_min_duration = -1")
    return [n.split("plan:", 1)[1].strip("\n") for n in notices if "plan:" in n and "insert into public.analytics" in n]


def series(conn: psycopg.Connection) -> dict[str, Any]:
    def rows(sql: str) -> list[dict[str, Any]]:
        cur = conn.execute(sql)
        names = [d.name for d in cur.description or []]
        return [{k: v.isoformat() if isinstance(v, date) else float(v) if isinstance(v, Decimal) else v
                 for k, v in zip(names, r, strict=True)} for r in cur.fetchall()]  # fmt: skip

    return {
        "orders": rows("select day, currency, orders_placed, new_orders, completed_orders, cancelled_orders,"
                       " no_show_orders, order_value, average_order_value, fees"
                       " from public.analytics_order_days order by day"),
        "business": rows("select day, currency, gmv, refunds, net_revenue, fulfilment_rate,"
                         " month_over_month_growth from public.analytics_business_days order by day"),
        "retention": rows("select cohort_day, user_type, cohort_size, day_1_retention, day_7_retention,"
                          " day_30_retention from public.analytics_retention_days order by cohort_day"),
        "search": rows("select day, searches, zero_result_searches, zero_result_rate, signed_in_searches,"
                       " searches_leading_to_bookings, conversion_rate from public.analytics_search_days order by day"),
    }  # fmt: skip


def write_results(meta: dict[str, Any]) -> None:
    lines: list[str] = []
    w = lines.append
    m = meta
    w("# Analytics rollup benchmark (issue 19)\n")
    w(f"Run {m['run_at']} on {m['machine']['cpu']} ({m['machine']['nproc']} cores shared with other agents,"
      f" {m['machine']['ram']}), {m['server_version'].split(',')[0]}; commit {m['git']}.\n")  # fmt: skip
    w(f"**Scale {m['scale']}** of the bookings benchmark (its full scale, 1.0, is 2,000,000 bookings), on this"
      " shared 2-core machine. Server settings: bench/bookings' (shared_buffers 2GB,"
      " work_mem 16MB, random_page_cost 1.1, autovacuum off after `vacuum (analyze)`).\n")  # fmt: skip
    w("## Data\n\n| table | rows |\n|---|---:|")
    for table, n in m["rows"].items():
        w(f"| {table} | {n:,} |")
    w(f"\nGenerated in {m['generation_seconds']:.0f} s (bookings {m['bookings_seconds']:.0f} s, analytics"
      f" {m['analytics_seconds']:.0f} s).\n")  # fmt: skip
    w("## One day's rollup\n")
    w("`select service.rollup_day(day)` in its own transaction (all six tables of that day), after one warm-up run:\n")
    w("| day | median ms | min | max | runs | rows written |\n|---|---:|---:|---:|---:|---|")
    for label, r in m["days"].items():
        written = ", ".join(f"{k} {v}" for k, v in r["written"].items())
        w(f"| {label} ({r['day']}) | {r['median']:.1f} | {r['min']:.1f} | {r['max']:.1f} | {r['runs']} | {written} |")
    w(f"\nA backfill of {m['backfill']['days']} days (`service.rollup_days`) took {m['backfill']['seconds']:.1f} s:"
      f" {m['backfill']['seconds'] * 1000 / m['backfill']['days']:.0f} ms a day on average. The hourly job"
      " (`service.rollup_recent_days`: today, yesterday, the day before) costs about three days' rollups."
      "\n")  # fmt: skip
    w("## What each new index saves\n")
    w("The past day's rollup with one of the indexes of 20260130003300 dropped, in a transaction rolled back"
      " afterwards (each run in a savepoint rolled back, so every run starts from the same rows), against the same"
      " measurement with nothing dropped:\n")  # fmt: skip
    w("| index dropped | median ms | × |\n|---|---:|---:|")
    base = next(iter(m["without"].values()))
    for index, ms in m["without"].items():
        w(f"| {index} | {ms:.1f} | {ms / base:.1f} |")
    w("\nEach costs writes little (see the migration's header): the BRIN on the append-only status changes is a"
      " summary per 128 pages; the two partial indexes get one entry per payment or refund that succeeds, on an"
      " update that is not HOT anyway; profiles get one entry per sign-up. The rollup reads invoices, jobs, bids and"
      " the provider ledger through indexes that were there already (`issued_at`, `created_at`, `occurred_at`)."
      "\n")  # fmt: skip
    s = m["search"]
    w("## What recording a search costs\n")
    w(f"A visitor's search (one word, first page) through `public.search_offerings`, which records it, against"
      f" `private.search_offerings` (the same query, unrecorded), alternating, {s['runs']} each: median"
      f" **{s['recorded']:.2f} ms** against **{s['unrecorded']:.2f} ms** (+{s['recorded'] - s['unrecorded']:.2f} ms"
      " for the activity row and the RPC's own statement).\n")  # fmt: skip
    w("## Plots\n")
    w("Drawn by `plot.py` from `series.json` (the backfilled days of this data): ")
    w("![orders per day](orders_per_day.png) ![revenue per day](revenue_per_day.png)"
      " ![retention cohorts](retention_cohorts.png) ![search conversion](search_conversion.png)\n")  # fmt: skip
    w("The generated bookings come in spikes (bench/bookings books each provider's past bookings about every"
      " fifth day), and so do the searches that lead to them and their conversion; every upcoming booking is"
      " created \"now\", so the plots leave out the latest day (today). Provider retention is zero: the generated"
      " activity is the clients'.\n")  # fmt: skip
    w("## Plans inside one past day's rollup (auto_explain)\n")
    for plan in m["plans"]:
        first = plan.split("\n", 1)
        w("```")
        w(plan if len(plan) < 6000 else first[0] + "\n" + first[1][:6000] + "\n…")
        w("```\n")
    RESULTS_MD.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.25, help="fraction of the 2,000,000 bookings (default 0.25)")
    parser.add_argument("--runs", type=int, default=5, help="measured rollups per day (default 5)")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"cluster directory (default {DEFAULT_DIR})")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure again on a kept cluster's data")
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md and series.json")
    args = parser.parse_args()

    cluster, reused = bookings.start_cluster(args.dir, args.reuse)
    meta_path = cluster.base_dir / bookings.META_FILE
    try:
        if reused:
            meta = json.loads(meta_path.read_text())
            schema.apply_migrations(cluster.url("postgres", DATABASE), ROOT)
        else:
            bookings.build_schema(cluster)
            steps = bookings.generate(cluster, args.scale)
            more = generate(cluster.url(SUPERUSER, DATABASE))
            meta = {"scale": args.scale, "bookings_seconds": sum(s for _, s in steps),
                    "analytics_seconds": sum(s for _, s in more)}  # fmt: skip
            meta["generation_seconds"] = meta["bookings_seconds"] + meta["analytics_seconds"]
            meta_path.write_text(json.dumps(meta))
        superuser = cluster.url(SUPERUSER, DATABASE)
        with psycopg.connect(superuser, autocommit=True) as conn:
            meta["rows"] = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in COUNTED}  # type: ignore[index]
            meta["server_version"] = conn.execute("select version()").fetchone()[0]  # type: ignore[index]
            today = conn.execute("select (now() at time zone 'UTC')::date").fetchone()[0]  # type: ignore[index]
            past = today - timedelta(days=30)
            meta["days"] = {}
            for label, day in (("past day", past), ("today (a third of all bookings)", today)):
                meta["days"][label] = r = time_day(conn, day, args.runs)
                log(f"rollup of {label}: median {r['median']:.1f} ms {r['written']}")
            meta["without"] = {
                "(none: the baseline, measured the same way)": without_index(conn, None, past, args.runs)
            }
            for index in NEW_INDEXES:
                meta["without"][index] = without_index(conn, index, past, args.runs)
                log(f"without {index}: {meta['without'][index]:.1f} ms")
            started = time.monotonic()
            conn.execute("select service.rollup_days(%s, %s)", (today - timedelta(days=120), today))
            meta["backfill"] = {"days": 121, "seconds": time.monotonic() - started}
            log(f"backfill of 121 days: {meta['backfill']['seconds']:.1f} s")
            data = series(conn)
        with psycopg.connect(cluster.url("authenticator", DATABASE), autocommit=True) as conn:
            meta["search"] = search_cost(conn, 200)
        log(f"search: {meta['search']}")
        meta["plans"] = nested_plans(superuser, past)
        meta["machine"] = bookings.machine()
        meta["git"] = bookings.git_state()
        meta["run_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        if args.no_write:
            print(json.dumps({k: v for k, v in meta.items() if k != "plans"}, indent=1, default=str))
        else:
            SERIES_JSON.write_text(json.dumps(data, indent=0, default=str) + "\n")
            write_results(meta)
            log(f"wrote {RESULTS_MD.relative_to(ROOT)} and {SERIES_JSON.relative_to(ROOT)}")
    finally:
        if args.keep:
            log(f"cluster kept: {cluster.url(SUPERUSER, DATABASE)}")
        else:
            cluster.destroy()


if __name__ == "__main__":
    main()
