"""Benchmark of issue 15's lab reads through RLS and the reports Lambda's render time: the staff
queues (collector's route, lab tech's queue, analyst's queue), an owner's "reports of my pet" and
their samples, at five million samples, as PostgREST runs them (logged in as `authenticator`,
role and claims set), medians of repeated runs, with plans; and the median time to render one
report's PDF (functions/reports/render.py).

Uses bench/messaging's cluster, generation and measuring helpers, with staff claims.

    python bench/lab/run.py                         # 5,000,000 samples
    python bench/lab/run.py --samples 200000 --keep
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_messaging", HERE.parent / "messaging" / "run.py")
assert _spec and _spec.loader
messaging = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(messaging)

from devstack import schema  # noqa: E402
from devstack.cluster import SUPERUSER, Cluster, wait_for  # noqa: E402
from functions.reports.render import render_report  # noqa: E402

CLUSTER_DIR = Path("/var/tmp/marketbase-bench/lab")
DATABASE = "marketbase_bench"
uid = messaging.uid
log = messaging.log
STAFF: dict[str, list[str]] = {}


def claims(user: str) -> dict[str, Any]:
    """A client's claims, or a staff member's with their staff role (the access-token hook's)."""
    staff = STAFF.get(user)
    return {"sub": user, "role": "authenticated", "aud": "authenticated",
            "user_roles": ["staff"] if staff else ["client"], "staff_roles": staff or []}  # fmt: skip


def render_times(runs: int = 30) -> float:
    report = {
        "report_id": "bench", "booking_id": "b", "booking_item_id": "i", "version": 1, "path": "b/i.v1.pdf",
        "test_title": "Complete blood count", "tube_type": "EDTA (lavender)", "pet_name": "Biscuit", "species": "dog",
        "breed": "Beagle", "owner_name": "Pia", "collected_at": "2026-12-04T09:00:00+00:00",
        "received_at": "2026-12-04T12:00:00+00:00", "reported_by": "Ana", "released_by": "Happy Paws Lab",
        "released_at": "2026-12-04T16:00:00+00:00", "comments": "Very high white count: call the vet today.",
        "results": [
            {"analyte": name, "code": code, "unit": unit, "decimals": decimals, "value": value, "flag": flag,
             "low": low, "high": high}
            for name, code, unit, decimals, value, flag, low, high in (
                ("White blood cells", "wbc", "10^9/L", 1, 55.2, "critical", 6, 17),
                ("Red blood cells", "rbc", "10^12/L", 2, 6.9, "normal", 5.5, 8.5),
                ("Haematocrit", "hct", "%", 1, 36, "low", 37, 55),
                ("Platelets", "plt", "10^9/L", 0, 310, "normal", 200, 500),
            )
        ],
        "lab": {"name": "Happy Paws Lab", "address_line1": "1 Lab Lane", "city": "London", "phone": "+44 20 7946 0018"},
        "timezone": "Europe/London",
    }  # fmt: skip
    render_report(report)  # warm: fonts and modules
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render_report(report)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=5_000_000)
    parser.add_argument("--owners", type=int, default=200_000)
    parser.add_argument("--waiting", type=int, default=1_500)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    args = parser.parse_args()
    sizes = {"samples": args.samples, "owners": args.owners, "waiting": args.waiting}
    for s in range(1, 11):
        STAFF[uid(args.owners + s)] = ["collector"] if s <= 4 else ["lab_tech"] if s <= 7 else ["analyst"]
    messaging.claims = claims
    messaging.HERE = HERE

    shutil.rmtree(CLUSTER_DIR, ignore_errors=True)
    cluster = Cluster(CLUSTER_DIR, messaging.free_port())
    cluster.init()
    cluster.start()
    try:
        wait_for(cluster.url(SUPERUSER, "template1"))
        schema.recreate_database(cluster.url(SUPERUSER, "template1"), DATABASE)
        schema.apply_platform(cluster.url(SUPERUSER, DATABASE), messaging.ROOT)
        schema.apply_migrations(cluster.url("postgres", DATABASE), messaging.ROOT)
        started = time.monotonic()
        timings = messaging.generate(cluster, sizes)
        generated = time.monotonic() - started
        with psycopg.connect(cluster.url(SUPERUSER, DATABASE)) as conn:
            (samples, reports) = conn.execute(
                "select (select count(*) from public.lab_samples), (select count(*) from public.lab_reports)"
            ).fetchone() or (0, 0)
            (busy_pet, pet_reports) = conn.execute(
                "select pet_id::text, count(*) from public.lab_reports group by 1 order by 2 desc limit 1"
            ).fetchone() or ("", 0)
            (pet_owner,) = conn.execute(
                "select owner_id::text from public.pets where id = %s", (busy_pet,)
            ).fetchone() or ("",)
            (route_day,) = conn.execute(
                "select (scheduled_at at time zone 'UTC')::date::text from public.lab_samples"
                " where collector_id = %s order by scheduled_at desc limit 1",
                (uid(args.owners + 1),),
            ).fetchone() or ("",)
        api = cluster.url("authenticator", DATABASE)
        collector, tech, analyst = uid(args.owners + 1), uid(args.owners + 5), uid(args.owners + 8)
        cases = [
            ("a collector's route of a day", collector, f"select * from public.collector_route('{route_day}')"),
            ("the lab tech's queue (to receive, to batch)", tech, "select * from public.lab_queue()"),
            ("the analyst's queue (to report, to release)", analyst, "select * from public.analyst_queue()"),
            (f"reports of my pet, newest first ({pet_reports} reports)", pet_owner,
             f"select * from public.lab_reports where pet_id = '{busy_pet}' order by released_at desc limit 20"),
            ("all my reports, newest first (RLS only)", pet_owner,
             "select * from public.lab_reports order by released_at desc limit 20"),
            ("my pet's samples, newest first", pet_owner,
             f"select * from public.lab_samples where pet_id = '{busy_pet}' order by scheduled_at desc limit 20"),
        ]  # fmt: skip
        results = []
        for name, user, sql in cases:
            median, rows, plan = messaging.measure(api, user, sql)
            results.append((name, median, rows, sql, plan))
            log(f"{median:7.2f} ms  {rows:3d} rows  {name}")
        render_ms = render_times()
        log(f"render: {render_ms:.1f} ms per report")
        write(sizes, samples, reports, timings, generated, results, render_ms)
    finally:
        if not args.keep:
            cluster.stop()
            shutil.rmtree(CLUSTER_DIR, ignore_errors=True)


def write(
    sizes: dict[str, int], samples: int, reports: int, timings: list[tuple[str, float]], generated: float,
    results: list[Any], render_ms: float,
) -> None:  # fmt: skip
    lines = [
        "# Lab reads through RLS, and the PDF render (issue 15)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python bench/lab/run.py` on the shared 2-core machine.",
        f"Data: {samples:,} samples ({sizes['waiting']:,} waiting at a step, the rest released), {reports:,} reports,"
        f" {sizes['owners']:,} owners with two pets each; generated in {generated:.0f} s"
        f" ({', '.join(f'{n} {t:.0f} s' for n, t in timings)}).",
        "",
        f"Each read: logged in as `authenticator`, role and claims set as PostgREST does, median of {messaging.RUNS}"
        f" runs; target {messaging.TARGET_MS:.0f} ms. The staff queues are definer RPCs that check the staff role.",
        "",
        "| read | median ms | rows |",
        "|---|---:|---:|",
        *(f"| {name} | {median:.2f} | {rows} |" for name, median, rows, _, _ in results),
        "",
        f"Rendering one report's PDF (a four-analyte panel, reportlab, functions/reports/render.py): median"
        f" {render_ms:.1f} ms over 30 renders on this machine (one core of it).",
        "",
        "## Plans",
        "",
    ]
    for name, _, _, sql, plan in results:
        lines += [f"### {name}", "", "```sql", sql, "```", "", "```", plan, "```", ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
