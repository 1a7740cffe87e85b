"""Benchmark of issue 17's coach matching: one client matched against 10,000 coaches through
`rpc/match_coaches` as PostgREST runs it (logged in as `authenticator`, role and claims set),
cold (the cache stale: every coach scored) and warm (from the cache), median and p95, with the
ranking's plan; and what invalidation costs in the coach's own transaction when a popular coach
changes their rate (or gains a rating) with 100,000 cached clients.

Caches for --computed clients are computed by private.compute_matches, then copied to every
other client (their own ids), so that 100,000 caches hold coaches as real ones would.
Uses bench/messaging's cluster and logging helpers.

    python bench/matching/run.py                       # 10,000 coaches, 100,000 cached clients
    python bench/matching/run.py --clients 20000 --keep
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_messaging", HERE.parent / "messaging" / "run.py")
assert _spec and _spec.loader
messaging = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(messaging)

from devstack import schema  # noqa: E402
from devstack.cluster import SUPERUSER, Cluster, wait_for  # noqa: E402
from devstack.impersonation import as_request  # noqa: E402

CLUSTER_DIR = Path("/var/tmp/marketbase-bench/matching")
DATABASE = "marketbase_bench"
uid = messaging.uid
log = messaging.log
RUNS = 40
CHANGES = 5

RANKING = """
select c.user_id,
       100 * (q.style_weight - (v.vector operator(extensions.<#>) q.vector)
              + case when c.languages && q.languages then q.languages_weight else 0 end
              + case when c.countries && q.countries then q.countries_weight else 0 end
              + case when c.expertise && q.topics then q.topics_weight else 0 end
              + q.rating_weight * c.rating::float8 / 5
              + q.sessions_weight * least(1, c.completed_sessions / q.sessions_full)
             ) / greatest(q.total_weight, 1e-9) as score
from private.coach_vectors v
join public.provider_profiles c on c.user_id = v.coach_id
cross join (select ('{query}'::private.match_queries).*) q
where c.kind = 'coach'
  and (not q.only_my_languages or c.languages && q.languages)
  and (q.max_hourly_rate is null or (c.currency = q.rate_currency and c.hourly_rate <= q.max_hourly_rate))
  and (not q.verified_only or c.is_verified)
order by score desc, c.rating desc, c.user_id
limit 20"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--coaches", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--computed", type=int, default=2_000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    args = parser.parse_args()
    sizes = {"coaches": args.coaches, "clients": args.clients}
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
        owner = cluster.url(SUPERUSER, DATABASE)
        fill_caches(owner, args.coaches, args.clients, args.computed, timings)
        generated = time.monotonic() - started
        api = cluster.url("authenticator", DATABASE)
        clients = [uid(args.coaches + 1 + i * (args.clients // RUNS)) for i in range(RUNS)]
        cold, warm = match(owner, api, clients)
        log(f"cold {statistics.median(cold):.2f} ms, warm {statistics.median(warm):.2f} ms")
        with psycopg.connect(owner) as conn:
            # As inside compute_matches: the client's inputs are a value (a PL/pgSQL variable), not a join.
            (query,) = conn.execute(
                "select private.match_query_of(p)::text from public.client_profiles p where p.user_id = %s",
                (clients[1],),
            ).fetchone()  # type: ignore[misc]
            ranking = RANKING.format(query=query.replace("'", "''"))
            plan = "\n".join(r[0] for r in conn.execute(f"explain (analyze, buffers, costs off) {ranking}"))  # type: ignore[arg-type]
        changes = invalidations(owner)
        write(sizes, args.computed, timings, generated, cold, warm, plan, changes)
    finally:
        if not args.keep:
            cluster.stop()
            shutil.rmtree(CLUSTER_DIR, ignore_errors=True)


def fill_caches(url: str, coaches: int, clients: int, computed: int, timings: list[tuple[str, float]]) -> None:
    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        for i in range(computed):
            conn.execute("select private.compute_matches(%s)", (uid(coaches + 1 + i * (clients // computed)),))
        timings.append((f"{computed:,} caches computed", time.monotonic() - started))
        log(f"computed {computed} caches: {timings[-1][1]:.1f} s")
        started = time.monotonic()
        with conn.transaction():
            conn.execute(
                "create temporary table model as"
                " select row_number() over (order by client_id) - 1 as k, m.client_id, m.results, m.coach_ids"
                " from public.match_cache m"
            )
            conn.execute(
                "insert into public.match_cache (client_id, results, coach_ids, computed_at, expires_at)"
                " select c.user_id, m.results, m.coach_ids, now(), now() + interval '1 day'"
                " from (select p.user_id, row_number() over (order by p.user_id) as n from public.client_profiles p) c"
                " join model m on m.k = c.n %% %s"
                " on conflict (client_id) do nothing",
                (computed,),
            )
            conn.execute(
                "insert into private.match_queries"
                " select (jsonb_populate_record(q, jsonb_build_object('client_id', c.user_id))).*"
                " from (select p.user_id, row_number() over (order by p.user_id) as n from public.client_profiles p) c"
                " join model m on m.k = c.n %% %s"
                " join private.match_queries q on q.client_id = m.client_id"
                " on conflict (client_id) do nothing",
                (computed,),
            )
        conn.execute("vacuum (analyze) public.match_cache, private.match_queries")
        timings.append(("caches copied", time.monotonic() - started))
        log(f"copied caches: {timings[-1][1]:.1f} s")


def match(owner: str, api: str, clients: list[str]) -> tuple[list[float], list[float]]:
    cold: list[float] = []
    warm: list[float] = []
    with psycopg.connect(owner, autocommit=True) as admin, psycopg.connect(api) as conn:
        for client in clients:
            admin.execute("update public.match_cache set invalidated_at = now() where client_id = %s", (client,))
            for times in (cold, warm):
                with as_request(conn, messaging.claims(client), method="POST"):
                    started = time.perf_counter()
                    (answer,) = conn.execute("select public.match_coaches(5)").fetchone()  # type: ignore[misc]
                    times.append((time.perf_counter() - started) * 1000)
                assert answer["from_cache"] is (times is warm), answer
    return cold, warm


def invalidations(url: str) -> list[tuple[str, float, float, int]]:
    """(change, median ms, p95 ms, caches made stale) of each change of the most held coach."""
    with psycopg.connect(url, autocommit=True) as conn:
        (coach, held) = conn.execute(
            "select c::text, count(*) from public.match_cache, unnest(coach_ids) c group by 1 order by 2 desc limit 1"
        ).fetchone()  # type: ignore[misc]
        log(f"the most held coach is in {held} caches")
        results = []
        cases = [
            (f"rate raised by $10 (in {held:,} caches: those only)", "hourly_rate = hourly_rate + 1000", "- 1000"),
            (
                "rate lowered by $10 (those, and a scan for where they would enter)",
                "hourly_rate = hourly_rate - 1000",
                "+ 1000",
            ),
            ("rating up by 0.01 (likewise)", "rating = rating + 0.01", "- 0.01"),
        ]
        for name, change, back in cases:
            times, stale = [], 0
            for _ in range(CHANGES):
                with conn.transaction():
                    started = time.perf_counter()
                    conn.execute(f"update public.provider_profiles set {change} where user_id = %s", (coach,))  # type: ignore[arg-type]
                    times.append((time.perf_counter() - started) * 1000)
                (stale,) = conn.execute(
                    "select count(*) from public.match_cache where invalidated_at is not null"
                ).fetchone()  # type: ignore[misc]
                # Back as it was, triggers off: every cache fresh again for the next run.
                with conn.transaction():
                    conn.execute("set local session_replication_role = replica")
                    undo = change.split(" = ")[0] + " = " + change.split(" = ")[0] + " " + back
                    conn.execute(f"update public.provider_profiles set {undo} where user_id = %s", (coach,))  # type: ignore[arg-type]
                    conn.execute(
                        "update public.match_cache set invalidated_at = null, invalidated_by = null"
                        " where invalidated_at is not null"
                    )
            results.append((name, statistics.median(times), p95(times), stale))
            log(f"{name}: {statistics.median(times):.1f} ms, {stale} caches stale")
    return results


def p95(times: list[float]) -> float:
    return sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def write(
    sizes: dict[str, int],
    computed: int,
    timings: list[tuple[str, float]],
    generated: float,
    cold: list[float],
    warm: list[float],
    plan: str,
    changes: list[tuple[str, float, float, int]],
) -> None:
    lines = [
        "# Coach matching (issue 17)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python bench/matching/run.py` on the shared 2-core machine.",
        f"Data: {sizes['coaches']:,} coaches (styles, languages, countries, topics, rates, ratings, open hours),"
        f" {sizes['clients']:,} clients with answers and wishes (half with a budget, a quarter verified only), every"
        f" one cached ({computed:,} computed, copied to the rest); generated in {generated:.0f} s"
        f" ({', '.join(f'{n} {t:.0f} s' for n, t in timings)}).",
        "",
        f"`rpc/match_coaches(5)` as {len(cold)} different clients, each logged in as `authenticator` with role and"
        " claims set as PostgREST does: cold right after their cache was made stale, then warm.",
        "",
        "| call | median ms | p95 ms | target |",
        "|---|---:|---:|---:|",
        f"| cold: every coach scored, the top 20 explained and cached | {statistics.median(cold):.2f}"
        f" | {p95(cold):.2f} | 50 |",
        f"| warm: from the cache | {statistics.median(warm):.2f} | {p95(warm):.2f} | 5 |",
        "",
        f"Invalidation in the coach's own transaction (`update provider_profiles`, {CHANGES} runs each), with"
        f" {sizes['clients']:,} fresh caches:",
        "",
        "| change of the most held coach | median ms | p95 ms | caches made stale |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {median:.1f} | {high:.1f} | {stale:,} |" for name, median, high, stale in changes),
        "",
        "## The ranking's plan (the statement inside private.compute_matches, for one client)",
        "",
        "```sql",
        RANKING.strip().replace("{query}", "<the client's inputs>"),
        "```",
        "",
        "```",
        plan,
        "```",
        "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
