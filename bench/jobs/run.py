"""Benchmark of issue 14's job portal reads through RLS: a provider's "jobs near me" feed (with the
job embedded as PostgREST embeds it), jobs read directly, a client's jobs, the bids on one job, a
provider's own bids, the latest messages of a bid's room and unread counts, as PostgREST runs them
(logged in as `authenticator`, role and claims set by `devstack.impersonation.as_request`), medians
of repeated runs, with their plans.

Self-contained: a throwaway cluster under /var/tmp/marketbase-bench/jobs, the schema (platform +
every migration), then generate.sql at the sizes below, then the reads.

    python bench/jobs/run.py                  # generate, measure, write RESULTS.md
    python bench/jobs/run.py --jobs 20000 --bids 200000 --messages 1000000 --keep
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from messaging.run import DATABASE, RUNS, TARGET_MS, free_port, log  # noqa: E402

from devstack import schema  # noqa: E402
from devstack.cluster import SUPERUSER, Cluster, wait_for  # noqa: E402
from devstack.impersonation import as_request  # noqa: E402

HERE = Path(__file__).resolve().parent
CLUSTER_DIR = Path("/var/tmp/marketbase-bench/jobs")
TABLES = ("jobs", "job_matches", "job_status_changes", "bids", "chat_rooms", "chat_participants", "chat_messages")


def claims(user: str, role: str) -> dict[str, Any]:
    return {"sub": user, "role": "authenticated", "aud": "authenticated", "user_roles": [role], "staff_roles": []}


def generate(cluster: Cluster, sizes: dict[str, int]) -> list[tuple[str, float]]:
    parts = re.split(r"^-- step: (.+)$", (HERE / "generate.sql").read_text(), flags=re.M)
    timings = []
    with psycopg.connect(cluster.url(SUPERUSER, DATABASE), autocommit=True) as conn:
        for key, value in sizes.items():
            conn.execute(f"set bench.{key} = {int(value)}")
        for i in range(1, len(parts), 2):
            name, body = parts[i].strip(), parts[i + 1]
            started = time.monotonic()
            with conn.transaction():
                conn.execute(body)  # type: ignore[arg-type]
            timings.append((name, time.monotonic() - started))
            log(f"generate {name}: {timings[-1][1]:.1f} s")
        started = time.monotonic()
        conn.execute(f"vacuum (analyze) {', '.join('public.' + t for t in TABLES)}")  # type: ignore[arg-type]
        timings.append(("vacuum", time.monotonic() - started))
    return timings


def measure(url: str, who: dict[str, Any], sql: str) -> tuple[float, int, str]:
    """Median milliseconds over RUNS, rows returned, and the plan (EXPLAIN ANALYZE) as the user."""
    times = []
    rows = 0
    with psycopg.connect(url) as conn:
        for _ in range(RUNS):
            with as_request(conn, who, method="GET"):
                started = time.perf_counter()
                rows = len(conn.execute(sql).fetchall())  # type: ignore[arg-type]
                times.append((time.perf_counter() - started) * 1000)
        with as_request(conn, who, method="GET"):
            plan = "\n".join(r[0] for r in conn.execute(f"explain (analyze, buffers, costs off) {sql}").fetchall())  # type: ignore[arg-type]
    return statistics.median(times), rows, plan


def one(conn: psycopg.Connection, sql: str) -> tuple[Any, ...]:
    row = conn.execute(sql).fetchone()  # type: ignore[arg-type]
    assert row is not None, sql
    return row


def cases(conn: psycopg.Connection) -> list[tuple[str, dict[str, Any], str]]:
    """The reads, with their personas drawn from the data."""
    per_provider = "select provider_id::text, count(*) from public.job_matches group by 1 order by 2"
    feeds = conn.execute(per_provider).fetchall()  # type: ignore[arg-type]
    typical, busiest = feeds[len(feeds) // 2], feeds[-1]
    bidder = one(conn, "select provider_id::text, count(*) from public.bids group by 1 order by 2 desc limit 1")
    client = one(conn, "select client_id::text, count(*) from public.jobs group by 1 order by 2 desc limit 1")
    client_rooms = one(conn, f"select count(*) from public.chat_participants where user_id = '{client[0]}'")
    bid_job = one(
        conn, "select job_id::text, client_id::text, count(*) from public.bids group by 1, 2 order by 3 desc limit 1"
    )
    room = one(conn, "select room_id::text, count(*) from public.chat_messages group by 1 order by 2 desc limit 1")
    room_client = one(
        conn, f"select user_id::text from public.chat_participants where room_id = '{room[0]}' and role = 'client'"
    )
    accepted = one(
        conn,
        "select r.id::text, j.client_id::text, (select count(*) from public.chat_messages m where m.room_id = r.id)"
        " from public.jobs j join public.chat_rooms r on r.job_id = j.id and r.bidder_id = j.provider_id"
        " where j.status = 'completed' order by j.id limit 1 offset 1000",
    )
    feed = (
        'select "job_matches".*, row_to_json("job_matches_jobs_1".*) as "jobs" from "public"."job_matches"'
        ' left join lateral (select "jobs_1"."title", "jobs_1"."city", "jobs_1"."service_date", "jobs_1"."urgency",'
        ' "jobs_1"."budget_min", "jobs_1"."budget_max", "jobs_1"."bid_count" from "public"."jobs" as "jobs_1"'
        ' where "jobs_1"."id" = "job_matches"."job_id") as "job_matches_jobs_1" on true'
        ' order by "job_matches"."published_at" desc limit 50'
    )
    latest = "select * from public.chat_messages where room_id = '{}' order by created_at desc limit 50"
    # chat_participants?user_id=eq.<me>: supabase-js sends the user's id as a value (RLS alone would
    # return the other participant of each room too).
    unread = "select room_id, unread_count, muted_until from public.chat_participants where user_id = '{}'"
    provider, busy, heavy = (claims(p, "provider") for p in (typical[0], busiest[0], bidder[0]))
    return [
        (f"1. provider's feed, jobs embedded ({typical[1]} matches: the median provider)", provider, feed),
        (f"2. busiest provider's feed, jobs embedded ({busiest[1]} matches)", busy, feed),
        (f"3. jobs read directly by the busiest provider, newest published 50 ({busiest[1]} matched)", busy,
         "select * from public.jobs order by published_at desc limit 50"),
        ("3b. the same, published jobs only (`status=eq.published`)", busy,
         "select * from public.jobs where status = 'published' order by published_at desc limit 50"),
        (f"4. busiest client's jobs, newest 20 ({client[1]} jobs)", claims(client[0], "client"),
         "select * from public.jobs order by created_at desc limit 20"),
        (f"5. bids on the job with the most bids ({bid_job[2]}), its client, by amount", claims(bid_job[1], "client"),
         f"select * from public.bids where job_id = '{bid_job[0]}' order by amount"),
        (f"6. busiest bidder's own bids, newest 50 ({bidder[1]} bids)", heavy,
         "select * from public.bids order by created_at desc limit 50"),
        (f"7a. latest 50 messages of the busiest bid room ({room[1]} messages), its client",
         claims(room_client[0], "client"), latest.format(room[0])),
        (f"7b. latest 50 messages of an accepted bid's room ({accepted[2]} messages), its client",
         claims(accepted[1], "client"), latest.format(accepted[0])),
        (f"7c. busiest bidder's unread counts ({bidder[1]} rooms)", heavy, unread.format(bidder[0])),
        ("7c'. the same filtered by `user_id = auth.uid()` (auth.uid() evaluated per row)", heavy,
         "select room_id, unread_count, muted_until from public.chat_participants where user_id = auth.uid()"),
        ("7d. busiest bidder's total unread (`select=unread_count.sum()`)", heavy,
         f"select sum(unread_count) from public.chat_participants where user_id = '{bidder[0]}'"),
        (f"7e. busiest client's unread counts ({client_rooms[0]} rooms)", claims(client[0], "client"),
         unread.format(client[0])),
        ("7f. busiest bidder's rooms, newest message first (RLS only)", heavy,
         "select * from public.chat_rooms order by last_message_at desc nulls last limit 20"),
        ("7g. busiest bidder's rooms with unread counts, newest first (`rpc/my_chat_rooms`)", heavy,
         "select * from public.my_chat_rooms(20)"),
        ("7h. busiest bidder's unread badge (`rpc/my_chat_unread_total`)", heavy,
         "select public.my_chat_unread_total()"),
    ]  # fmt: skip


def sizes_of(conn: psycopg.Connection) -> list[tuple[str, int, str]]:
    return [
        (t, *one(conn, f"select count(*), pg_size_pretty(pg_total_relation_size('public.{t}')) from public.{t}"))  # type: ignore[misc]
        for t in TABLES
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--providers", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--jobs", type=int, default=200_000)
    parser.add_argument("--bids", type=int, default=2_000_000)
    parser.add_argument("--messages", type=int, default=20_000_000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    args = parser.parse_args()
    sizes = {k: getattr(args, k) for k in ("providers", "clients", "jobs", "bids", "messages")}

    shutil.rmtree(CLUSTER_DIR, ignore_errors=True)
    cluster = Cluster(CLUSTER_DIR, free_port())
    cluster.init()
    cluster.start()
    try:
        wait_for(cluster.url(SUPERUSER, "template1"))
        schema.recreate_database(cluster.url(SUPERUSER, "template1"), DATABASE)
        schema.apply_platform(cluster.url(SUPERUSER, DATABASE), ROOT)
        schema.apply_migrations(cluster.url("postgres", DATABASE), ROOT)
        started = time.monotonic()
        timings = generate(cluster, sizes)
        generated = time.monotonic() - started
        with psycopg.connect(cluster.url(SUPERUSER, DATABASE)) as conn:
            data = sizes_of(conn)
            statuses = conn.execute(
                "select status::text, count(*) from public.jobs group by 1 order by 2 desc"
            ).fetchall()
            todo = cases(conn)
        log("data: " + ", ".join(f"{t} {n:,} ({s})" for t, n, s in data))
        api = cluster.url("authenticator", DATABASE)
        results = []
        for name, who, sql in todo:
            median, rows, plan = measure(api, who, sql)
            results.append((name, median, rows, sql, plan))
            log(f"{median:8.2f} ms  {rows:4d} rows  {name}")
        write(sizes, data, statuses, timings, generated, results)
        if args.keep:
            log(f"cluster kept: {cluster.url(SUPERUSER, DATABASE)}")
    finally:
        if not args.keep:
            cluster.stop()
            shutil.rmtree(CLUSTER_DIR, ignore_errors=True)


def write(
    sizes: dict[str, int], data: list[Any], statuses: list[Any], timings: list[tuple[str, float]], generated: float,
    results: list[Any],
) -> None:  # fmt: skip
    lines = [
        "# Job portal reads through RLS (issue 14)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python bench/jobs/run.py` on the shared 2-core machine.",
        f"Data: {sizes['providers']:,} providers, {sizes['clients']:,} clients; jobs by status: "
        + ", ".join(f"{s} {n:,}" for s, n in statuses)
        + ".",
        f"Generated in {generated:.0f} s ({', '.join(f'{n} {t:.0f} s' for n, t in timings)}).",
        "",
        "| table | rows | size (with indexes) |",
        "|---|---:|---:|",
        *(f"| {t} | {n:,} | {s} |" for t, n, s in data),
        "",
        "Each read: logged in as `authenticator`, role and claims set as PostgREST does, no owner filter where the",
        f"frontend writes none (RLS decides), median of {RUNS} runs; target {TARGET_MS:.0f} ms.",
        "",
        "| read | median ms | rows |",
        "|---|---:|---:|",
        *(f"| {name} | {median:.2f} | {rows} |" for name, median, rows, _, _ in results),
        "",
        "## Plans",
        "",
    ]
    for name, _, _, sql, plan in results:
        lines += [f"### {name}", "", "```sql", sql, "```", "", "```", plan, "```", ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
