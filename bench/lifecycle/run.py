"""Benchmark of issue 19's soft delete: a user's account soft-deleted with the rows beneath
them (their jobs, the bids on them, one chat room per bid and its messages) and restored,
through the API as PostgREST runs it (logged in as `authenticator`, role and claims set by
`devstack.impersonation.as_request`): `rpc/soft_delete_account`, then `rpc/restore_deletion`
(the owner's undo). Each round is one transaction, committed; the time of each and the rows
touched, over a few rounds, with the rest of the marketplace around the user.

Self-contained: a throwaway cluster under /var/tmp/marketbase-bench/lifecycle, the schema
(platform + every migration), then generate.sql at the sizes below. The defaults give the
user 200 jobs x 5 bids (+ 5 rooms) x 8 messages = 10,200 rows, among 10 other clients alike.

    python bench/lifecycle/run.py                   # generate, measure, write RESULTS.md
    python bench/lifecycle/run.py --clients 50 --keep
"""

from __future__ import annotations

import argparse
import json
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
CLUSTER_DIR = Path("/var/tmp/marketbase-bench/lifecycle")
DATABASE = "marketbase_bench"
USER = "00000000-0000-4000-8000-000000000001"
TABLES = ("public.jobs", "public.bids", "public.chat_rooms", "public.chat_messages")


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def claims(user: str) -> dict[str, Any]:
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
        conn.execute("vacuum (analyze) public.jobs, public.bids, public.chat_rooms, public.chat_messages")
    return timings


def timed_call(api: str, sql: str, params: tuple[Any, ...]) -> tuple[float, dict[str, Any]]:
    """One request in its own transaction, committed: the milliseconds and the RPC's answer."""
    with psycopg.connect(api) as conn:
        started = time.perf_counter()
        with as_request(conn, claims(USER)):
            row = conn.execute(sql, params).fetchone()
        conn.commit()
        elapsed = (time.perf_counter() - started) * 1000
    assert row is not None
    answer = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    return elapsed, answer


def live_rows(cluster: Cluster) -> dict[str, int]:
    with psycopg.connect(cluster.url(SUPERUSER, DATABASE)) as conn:
        return {
            t: int(conn.execute(f"select count(*) from {t} where deleted_at is null").fetchone()[0])  # type: ignore[index]
            for t in TABLES
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=11, help="clients alike, the first one deleted")
    parser.add_argument("--jobs", type=int, default=200, help="jobs per client")
    parser.add_argument("--bids", type=int, default=5, help="bids (and rooms) per job")
    parser.add_argument("--messages", type=int, default=8, help="messages per room")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    args = parser.parse_args()
    sizes = {"clients": args.clients, "jobs": args.jobs, "bids": args.bids, "messages": args.messages}

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
        before = live_rows(cluster)
        api = cluster.url("authenticator", DATABASE)
        rounds = []
        for n in range(args.rounds):
            delete_ms, deleted = timed_call(api, "select public.soft_delete_account()", ())
            during = live_rows(cluster)
            restore_ms, restored = timed_call(api, "select public.restore_deletion(%s)", (deleted["deletion_id"],))
            after = live_rows(cluster)
            assert after == before, (before, after)
            taken = sum(deleted["row_counts"].values())
            assert taken == sum(before[t] - during[t] for t in TABLES), (deleted, before, during)
            rounds.append((delete_ms, restore_ms, deleted["row_counts"]))
            log(f"round {n + 1}: soft delete {delete_ms:.0f} ms, restore {restore_ms:.0f} ms, {taken} rows")
        write(sizes, timings, generated, before, rounds)
    finally:
        if not args.keep:
            cluster.stop()
            shutil.rmtree(CLUSTER_DIR, ignore_errors=True)


def write(
    sizes: dict[str, int],
    timings: list[tuple[str, float]],
    generated: float,
    before: dict[str, int],
    rounds: list[tuple[float, float, dict[str, int]]],
) -> None:
    counts = rounds[0][2]
    taken = sum(counts.values())
    lines = [
        "# Soft delete and restore of a user's account (issue 19)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python bench/lifecycle/run.py` on the shared 2-core machine.",
        f"Data: {sizes['clients']} clients with {sizes['jobs']} jobs each, {sizes['bids']} bids (and chat rooms) "
        f"per job, {sizes['messages']} messages per room; the first client is deleted and restored.",
        f"Generated in {generated:.0f} s ({', '.join(f'{n} {s:.0f} s' for n, s in timings)}).",
        "",
        "| table | live rows in all | rows the deletion takes |",
        "|---|---:|---:|",
        *[f"| {t} | {before[t]:,} | {counts.get(t, 0):,} |" for t in TABLES],
        f"| total | {sum(before.values()):,} | {taken:,} |",
        "",
        "Each round: `rpc/soft_delete_account` as the user, committed; then `rpc/restore_deletion` with the",
        "deletion it answered (the owner's undo), committed; both through `authenticator` with the user's",
        "claims, as PostgREST runs them. After each round every table holds exactly the live rows it had.",
        "",
        "| round | soft delete ms | restore ms | rows touched (each) |",
        "|---:|---:|---:|---:|",
        *[f"| {i + 1} | {d:.0f} | {r:.0f} | {sum(c.values()):,} |" for i, (d, r, c) in enumerate(rounds)],
        f"| median | {statistics.median(d for d, _, _ in rounds):.0f} "
        f"| {statistics.median(r for _, r, _ in rounds):.0f} | |",
        "",
        "The cascade is one UPDATE per edge (user -> jobs -> bids, rooms -> messages), each finding its rows",
        "by the parent rows marked with the deletion's id (partial index on deleted_by_deletion); the",
        "restore is one UPDATE per table the deletion reached, by the same index.",
        "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
