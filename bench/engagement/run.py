"""Benchmark of issue 13's community reads through RLS: a post list with its comment and
reaction counts, a thread's comments, a provider's page of reviews and a post search, as
PostgREST runs them (logged in as `authenticator`, role and claims set by
`devstack.impersonation.as_request`), for anon and a member, medians of repeated runs, with plans.

Self-contained: a throwaway cluster under /var/tmp/marketbase-bench/engagement, the schema
(platform + every migration), then generate.sql at the sizes below (default the issue's
1,000,000 comments and 5,000,000 reactions), then the reads.

    python bench/engagement/run.py                  # generate, measure, write RESULTS.md
    python bench/engagement/run.py --comments 100000 --reactions 500000 --keep
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devstack import schema  # noqa: E402
from devstack.cluster import SUPERUSER, Cluster, wait_for  # noqa: E402
from devstack.impersonation import as_request  # noqa: E402

HERE = Path(__file__).resolve().parent
CLUSTER_DIR = Path("/var/tmp/marketbase-bench/engagement")
DATABASE = "marketbase_bench"
TARGET_MS = 10.0
RUNS = 50


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012x}"


def post(n: int) -> str:
    return f"30000000-0000-4000-8000-{n:012x}"


def claims(user: str | None) -> dict[str, Any]:
    if user is None:
        return {"role": "anon"}
    return {"sub": user, "role": "authenticated", "aud": "authenticated", "user_roles": ["client"], "staff_roles": []}


def generate(cluster: Cluster, sizes: dict[str, int]) -> list[tuple[str, float]]:
    text = (HERE / "generate.sql").read_text()
    parts = re.split(r"^-- step: (.+)$", text, flags=re.M)
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
        conn.execute("vacuum (analyze) public.posts, public.comments, public.reactions, public.reviews")
    return timings


def measure(url: str, user: str | None, sql: str) -> tuple[float, int, str]:
    """Median milliseconds over RUNS, rows returned, and the plan (EXPLAIN ANALYZE) as the user."""
    times = []
    rows = 0
    with psycopg.connect(url) as conn:
        for _ in range(RUNS):
            with as_request(conn, claims(user), method="GET"):
                started = time.perf_counter()
                rows = len(conn.execute(sql).fetchall())  # type: ignore[arg-type]
                times.append((time.perf_counter() - started) * 1000)
        with as_request(conn, claims(user), method="GET"):
            plan = "\n".join(r[0] for r in conn.execute(f"explain (analyze, buffers, costs off) {sql}").fetchall())  # type: ignore[arg-type]
    return statistics.median(times), rows, plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--providers", type=int, default=200)
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--reactions", type=int, default=5_000_000)
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    args = parser.parse_args()
    sizes = {k: getattr(args, k) for k in ("users", "providers", "posts", "comments", "reactions", "reviews")}

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
        api = cluster.url("authenticator", DATABASE)
        with psycopg.connect(cluster.url(SUPERUSER, DATABASE)) as conn:
            busiest = conn.execute(
                "select id::text, comment_count from public.posts order by comment_count desc limit 1"
            ).fetchone()
            counts = conn.execute(
                "select (select count(*) from public.comments), (select count(*) from public.reactions),"
                " (select count(*) from public.reviews)"
            ).fetchone()
        assert busiest and counts
        member = uid(3)
        provider = uid(1)
        newest = (
            "select id, kind, title, comment_count, reaction_count, published_at from public.posts"
            " where status = 'published' and hidden_at is null and deleted_at is null"
            " order by published_at desc limit 20"
        )
        thread = f"select * from public.comments where post_id = '{busiest[0]}' order by created_at limit 50"
        page = (
            f"select r.*, p.rating as provider_rating, p.rating_count from public.reviews r"
            f" join public.provider_profiles p on p.user_id = r.provider_id"
            f" where r.provider_id = '{provider}' order by r.created_at desc limit 20"
        )
        search = "select id, title from public.search_posts('pricing or onboarding', 20)"
        cases = [
            ("anon: newest 20 published posts with comment and reaction counts", None, newest),
            ("member: the same (private posts included)", member, newest),
            (f"anon: the busiest thread's first 50 comments ({busiest[1]:,} comments)", None, thread),
            ("member: the busiest thread's first 50 comments", member, thread),
            (f"anon: a provider's page, newest 20 of {sizes['reviews'] // sizes['providers']:,} reviews", None, page),
            ("member: the same provider's page", member, page),
            ("anon: post search, 20 best", None, search),
        ]  # fmt: skip
        results = []
        for name, user, sql in cases:
            median, rows, plan = measure(api, user, sql)
            results.append((name, median, rows, sql, plan))
            log(f"{median:7.2f} ms  {rows:3d} rows  {name}")
        write(sizes, counts, timings, generated, results)
    finally:
        if not args.keep:
            cluster.stop()
            shutil.rmtree(CLUSTER_DIR, ignore_errors=True)


def write(
    sizes: dict[str, int], counts: Any, timings: list[tuple[str, float]], generated: float, results: list[Any]
) -> None:
    lines = [
        "# Community reads through RLS (issue 13)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python bench/engagement/run.py` on the shared 2-core machine.",
        f"Data: {sizes['users']:,} users, {sizes['posts']:,} posts, {counts[0]:,} comments, {counts[1]:,} reactions,"
        f" {counts[2]:,} reviews of {sizes['providers']:,} providers; generated in {generated:.0f} s"
        f" ({', '.join(f'{n} {t:.0f} s' for n, t in timings)}).",
        "The counts a post list shows are columns the triggers keep (comment_count, reaction_count), so the list",
        "reads 20 rows of posts, never the comments or reactions themselves.",
        "",
        f"Each read: logged in as `authenticator`, role and claims set as PostgREST does, median of {RUNS} runs;",
        f"target {TARGET_MS:.0f} ms.",
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
