"""Benchmark of issue 3: free slots, "my bookings", catalog browse and quotes at scale, through RLS.

Starts a throwaway PostgreSQL cluster of its own (under /var/tmp/marketbase-bench), applies
the platform stand-in and every migration, generates about 10,000 providers, 100,000
offerings and 2,000,000 bookings (bench/bookings/generate.sql), then times four requests
as PostgREST makes them (logged in as authenticator, `as_request` with a signed-in user's
claims) and the same requests as service_role with the visibility filter written by hand,
captures their plans, and writes bench/bookings/RESULTS.md. The catalog search runs a
fourth way too: through the public.search_offerings RPC, against the same hand-written query.

    python bench/bookings/run.py                 # the full benchmark (about 4 minutes)
    python bench/bookings/run.py --scale 0.05    # a small run while developing
    python bench/bookings/run.py --keep          # leave the cluster running afterwards
    python bench/bookings/run.py --reuse         # measure again on the data of a kept cluster
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devstack import schema  # noqa: E402
from devstack.claims import SERVICE_ROLE_CLAIMS, issue_claims  # noqa: E402
from devstack.cluster import SUPERUSER, Cluster, wait_for  # noqa: E402
from devstack.impersonation import as_request  # noqa: E402

HERE = Path(__file__).resolve().parent
GENERATE_SQL = HERE / "generate.sql"
RESULTS_MD = HERE / "RESULTS.md"
PLOT_PNG = HERE / "timings.png"
DEFAULT_DIR = Path("/var/tmp/marketbase-bench/bookings")
DATABASE = "marketbase_bench"
META_FILE = "bench-meta.json"

# Full scale, as issue 3 asks; --scale multiplies providers and clients.
PROVIDERS = 10_000
CLIENTS = 200_000

# Settings of the benchmark cluster, on top of the local stack's (fsync off and so on):
# memory for a 2-core, 20+ GB machine, SSD costs. The data does not change while we
# measure, and `vacuum (analyze)` runs right after loading, so autovacuum stays off.
SERVER_SETTINGS = {
    "shared_buffers": "'2GB'",
    "effective_cache_size": "'6GB'",
    "work_mem": "'16MB'",
    "maintenance_work_mem": "'1GB'",
    "random_page_cost": "1.1",
    "effective_io_concurrency": "200",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "'8GB'",
    "checkpoint_timeout": "'30min'",
    "autovacuum": "off",
    "track_io_timing": "on",
}

# Requests that call a function: the plans of the statements inside come from auto_explain.
RPCS = ("a", "c*", "c2", "d1", "d2")

# Tables whose sequential scan would be a finding (the others are small lookup tables).
BIG_TABLES = ("bookings", "offerings", "provider_profiles", "profiles", "users")
TARGET_MEDIAN_MS = 10.0
TARGET_RATIO = 1.5


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the cluster ---------------------------------------------------------------------------------


def start_cluster(base_dir: Path, reuse: bool) -> tuple[Cluster, bool]:
    """A running cluster; True when its database holds generated data already (--reuse)."""
    port = free_port()
    cluster = Cluster(base_dir, port)
    if reuse and cluster.initialized:
        cluster.stop()
        with open(cluster.data_dir / "postgresql.conf", "a") as conf:
            conf.write(f"port = {port}\n")
        cluster.start()
        wait_for(cluster.url(SUPERUSER, "template1"))
        with psycopg.connect(cluster.url(SUPERUSER, "template1")) as conn:
            exists = conn.execute("select 1 from pg_database where datname = %s", (DATABASE,)).fetchone()
        if exists and (cluster.base_dir / META_FILE).is_file():
            return cluster, True
    cluster.destroy()
    cluster.init()
    with open(cluster.data_dir / "postgresql.conf", "a") as conf:
        conf.write("\n# marketbase benchmark\n")
        conf.writelines(f"{key} = {value}\n" for key, value in SERVER_SETTINGS.items())
    cluster.start()
    wait_for(cluster.url(SUPERUSER, "template1"))
    return cluster, False


def build_schema(cluster: Cluster) -> float:
    started = time.monotonic()
    schema.recreate_database(cluster.url(SUPERUSER, "template1"), DATABASE)
    schema.apply_platform(cluster.url(SUPERUSER, DATABASE), ROOT)
    applied = schema.apply_migrations(cluster.url("postgres", DATABASE), ROOT)
    log(f"schema: platform + {len(applied)} migrations")
    return time.monotonic() - started


# -- generation ----------------------------------------------------------------------------------


def sql_steps(text: str) -> list[tuple[str, str]]:
    """The file cut at its `-- step: <name>` lines."""
    parts = re.split(r"^-- step: (.+)$", text, flags=re.M)
    return [(parts[i].strip(), parts[i + 1]) for i in range(1, len(parts), 2)]


def generate(cluster: Cluster, scale: float) -> list[tuple[str, float]]:
    """Run generate.sql step by step on one session (its settings and temp tables carry
    over), each step in its own transaction; then vacuum and analyze. Seconds per step."""
    settings = {
        "bench.providers": max(10, round(PROVIDERS * scale)),
        "bench.clients": max(100, round(CLIENTS * scale)),
    }
    timings: list[tuple[str, float]] = []
    with psycopg.connect(cluster.url(SUPERUSER, DATABASE), autocommit=True) as conn:
        for key, value in settings.items():
            conn.execute(f"set {key} = {int(value)}")
        for name, body in sql_steps(GENERATE_SQL.read_text()):
            started = time.monotonic()
            try:
                with conn.transaction():
                    conn.execute(body)
            except psycopg.Error as error:
                raise SystemExit(f"generate.sql, step {name!r}: {error}") from None
            timings.append((name, time.monotonic() - started))
            log(f"generate: {name} {timings[-1][1]:.1f}s")
        started = time.monotonic()
        conn.execute("vacuum (analyze)")
        timings.append(("vacuum (analyze)", time.monotonic() - started))
        log(f"generate: vacuum (analyze) {timings[-1][1]:.1f}s")
    return timings


# -- describing the data -------------------------------------------------------------------------

COUNTED = (
    "auth.users",
    "public.profiles",
    "public.user_roles",
    "public.provider_profiles",
    "public.categories",
    "public.offerings",
    "public.offering_addons",
    "public.lab_test_details",
    "public.addresses",
    "public.service_areas",
    "public.schedules",
    "public.availability_rules",
    "public.availability_exceptions",
    "public.offers",
    "public.bookings",
)


def describe_data(conn: psycopg.Connection) -> dict[str, Any]:
    tables = []
    for name in COUNTED:
        (rows,) = conn.execute(f"select count(*) from {name}").fetchone()  # type: ignore[misc]
        heap, indexes, total = conn.execute(
            "select pg_relation_size(%(t)s::regclass), pg_indexes_size(%(t)s::regclass),"
            " pg_total_relation_size(%(t)s::regclass)",
            {"t": name},
        ).fetchone()  # type: ignore[misc]
        tables.append({"table": name, "rows": rows, "heap": heap, "indexes": indexes, "total": total})
    statuses = conn.execute(
        "select status::text, (starts_at > now()) as upcoming, count(*)"
        " from public.bookings group by 1, 2 order by 2, 3 desc"
    ).fetchall()
    per_client = conn.execute(
        "select avg(n)::numeric(8, 1), percentile_disc(0.5) within group (order by n), max(n), count(*)"
        " from (select count(*) as n from public.bookings group by client_id) t"
    ).fetchone()
    offerings = conn.execute(
        "select status::text, count(*) from public.offerings group by 1 order by 2 desc"
    ).fetchall()
    (database_size,) = conn.execute("select pg_database_size(current_database())").fetchone()  # type: ignore[misc]
    return {
        "tables": tables,
        "booking_statuses": [list(r) for r in statuses],
        "bookings_per_client": [str(v) for v in per_client] if per_client else [],
        "offering_statuses": [list(r) for r in offerings],
        "database_size": database_size,
    }


def machine() -> dict[str, str]:
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu or platform.processor() or "unknown",
        "ram": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
    }


# -- the requests --------------------------------------------------------------------------------

FREE_SLOTS_SQL = (
    "select starts_at, ends_at, local_starts_at, local_ends_at"
    " from public.free_slots(%(offering_id)s, %(from_date)s, %(to_date)s, %(timezone)s)"
)

MY_BOOKINGS_SQL = (
    "select id, offering_id, provider_id, starts_at, ends_at, status, total_amount, currency"
    " from public.bookings where client_id = %(client_id)s order by starts_at desc limit 20"
)

# The visibility filter an anonymous or signed-in browser needs is `status = 'active'`:
# written in the query, as a frontend does, so the service_role run is the same text.
BROWSE_SQL = (
    "select o.id, o.title, o.price, o.currency, o.duration_minutes, o.provider_id, p.rating, p.rating_count"
    " from public.offerings o"
    " join public.provider_profiles p on p.user_id = o.provider_id"
    " where o.status = 'active' and o.category_id = %(category_id)s"
    " and o.price between %(min_price)s and %(max_price)s"
    " and p.rating >= %(min_rating)s"
    " and o.search @@ websearch_to_tsquery('simple', %(query)s)"
    " order by p.rating desc, o.id limit 20"
)

# The catalog search RPC: security definer, it applies `status = 'active'` itself, so the
# full-text (GIN) index serves it, which RLS rules out for a plain select (`@@` is not
# leakproof). (c*) searches all categories, (c2) browses the category of (c).
SEARCH_ALL_SQL = (
    "select id, title, price, currency, duration_minutes, provider_id"
    " from public.search_offerings(query => %(query)s, min_price => %(min_price)s,"
    " max_price => %(max_price)s, min_rating => %(min_rating)s)"
)
SEARCH_CATEGORY_SQL = (
    "select id, title, price, currency, duration_minutes, provider_id"
    " from public.search_offerings(query => %(query)s, category_id => %(category_id)s,"
    " min_price => %(min_price)s, max_price => %(max_price)s, min_rating => %(min_rating)s)"
)

# The same searches written by hand, run as service_role: what search_offerings does, in its
# order (`min_rating` given, its left join to provider_profiles is an inner one).
SEARCH_ALL_SERVICE_SQL = (
    "select o.id, o.title, o.price, o.currency, o.duration_minutes, o.provider_id"
    " from public.offerings o"
    " join public.provider_profiles p on p.user_id = o.provider_id"
    " where o.status = 'active'"
    " and o.price between %(min_price)s and %(max_price)s"
    " and p.rating >= %(min_rating)s"
    " and o.search @@ websearch_to_tsquery('simple', %(query)s)"
    " order by p.rating desc nulls last, o.created_at desc, o.id limit 20"
)
SEARCH_CATEGORY_SERVICE_SQL = (
    "select o.id, o.title, o.price, o.currency, o.duration_minutes, o.provider_id"
    " from public.offerings o"
    " join public.provider_profiles p on p.user_id = o.provider_id"
    " where o.status = 'active'"
    " and o.category_id in (select c.id from public.categories c"
    " where c.is_active and (c.id = %(category_id)s or c.parent_id = %(category_id)s))"
    " and o.price between %(min_price)s and %(max_price)s"
    " and p.rating >= %(min_rating)s"
    " and o.search @@ websearch_to_tsquery('simple', %(query)s)"
    " order by p.rating desc nulls last, o.created_at desc, o.id limit 20"
)

# Not timed: the search of (c*) as a plain select through RLS, whose plan shows why the RPC
# exists (see "Findings" in RESULTS.md).
SEARCH_ALL_PLAIN_SQL = SEARCH_ALL_SERVICE_SQL

QUOTE_SQL = "select public.quote_booking(%(items)s::jsonb, %(addons)s::jsonb, null, null, %(address_id)s)"


@dataclass
class Sample:
    user_id: uuid.UUID
    args: dict[str, Any]


# Two ways of sending a request. PostgREST prepares its statements (db-prepared-statements,
# on by default), so Postgres plans a statement a few times and then may keep a generic
# plan; "planned" sends every statement unprepared, paying parse and plan on every run.
MODES = {"prepared": 0, "planned": None}  # psycopg prepare_threshold


@dataclass
class Timings:
    rls: list[float] = field(default_factory=list)
    service: list[float] = field(default_factory=list)


@dataclass
class Case:
    key: str
    title: str
    sql: str
    samples: list[Sample]
    # What the service_role run sends, when not the same statement (the RPCs of the search).
    service_sql: str | None = None
    # Claims of the service_role run: the service key's, or with the user as `sub` where
    # the function asks who is calling.
    service_claims: Callable[[Sample], dict[str, Any]] = lambda sample: SERVICE_ROLE_CLAIMS
    service_note: str = ""
    required: bool = True
    timings: dict[str, Timings] = field(default_factory=lambda: {mode: Timings() for mode in MODES})
    rows: list[int] = field(default_factory=list)
    compared: int = 0
    mismatches: int = 0


def pick_samples(conn: psycopg.Connection, count: int, seed: int) -> list[Case]:
    """Parameters for `count` runs of each request, drawn from the generated data."""
    rng = random.Random(seed)
    conn.execute("select setseed(%s)", (rng.random() * 2 - 1,))
    clients = [
        r[0]
        for r in conn.execute(
            "select id from auth.users where email like 'client%%' order by random() limit %s", (count * 4,)
        ).fetchall()
    ]
    tomorrow = date.today() + timedelta(days=1)
    timezones = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]

    offerings = [
        r[0]
        for r in conn.execute(
            "select id from public.offerings where status = 'active' and scheduled_on = 'provider'"
            " order by random() limit %s",
            (count,),
        ).fetchall()
    ]
    free_slots = Case(
        "a",
        "free slots of one offering, 30 days",
        FREE_SLOTS_SQL,
        [
            Sample(
                clients[i],
                {
                    "offering_id": offerings[i],
                    "from_date": tomorrow,
                    "to_date": tomorrow + timedelta(days=29),
                    "timezone": rng.choice(timezones),
                },
            )
            for i in range(count)
        ],
        service_note="the same security definer function: it reads bookings as its owner, without RLS, whoever calls",
    )

    my_bookings = Case(
        "b",
        "my bookings, newest 20",
        MY_BOOKINGS_SQL,
        [Sample(clients[count + i], {"client_id": clients[count + i]}) for i in range(count)],
        service_note="the same query; `client_id = <me>` is the ownership filter written by hand",
    )

    browse_rows = conn.execute(
        """
        select o.category_id, w.words, o.price
        from (select * from public.offerings where status = 'active' order by random() limit %s) o
        cross join lateral (
          select array_agg(word) as words
          from regexp_split_to_table(lower(o.title), '[^a-z]+') word
          where length(word) >= 4 and word <> o.title
        ) w
        """,
        (count,),
    ).fetchall()
    browse_samples = []
    for i, (category_id, words, price) in enumerate(browse_rows):
        words = words or ["panel"]
        query = " ".join(rng.sample(words, k=min(len(words), rng.choice([1, 1, 2]))))
        min_rating = Decimal(rng.choice(["0", "3", "3.5", "4", "4.5"]))
        browse_samples.append(
            Sample(
                clients[2 * count + i],
                {
                    "category_id": category_id,
                    "min_price": rng.choice([0, price // 2, max(0, price - 5000)]),
                    "max_price": price + rng.choice([0, 2000, 10000, price]),
                    "min_rating": min_rating,
                    "query": query,
                },
            )
        )
    browse = Case(
        "c",
        "catalog browse: category, price range, rating, text search",
        BROWSE_SQL,
        browse_samples,
        service_note="the same query; `o.status = 'active'` is the visibility filter written by hand",
    )
    search_note = (
        "the query search_offerings runs, written by hand: `o.status = 'active'`, its categories and its order"
    )
    search_all = Case(
        "c*",
        "search_offerings: text, price range, rating, all categories",
        SEARCH_ALL_SQL,
        [Sample(s.user_id, {k: v for k, v in s.args.items() if k != "category_id"}) for s in browse_samples],
        service_sql=SEARCH_ALL_SERVICE_SQL,
        service_note=search_note,
    )
    search_category = Case(
        "c2",
        "search_offerings: the category browse of (c)",
        SEARCH_CATEGORY_SQL,
        [Sample(s.user_id, dict(s.args)) for s in browse_samples],
        service_sql=SEARCH_CATEGORY_SERVICE_SQL,
        service_note=search_note,
    )

    lab_rows = conn.execute(
        """
        select (array_agg(o.id order by random()))[1:3]
        from public.offerings o
        join public.provider_profiles p on p.user_id = o.provider_id and p.kind = 'lab'
        where o.status = 'active'
        group by o.provider_id
        having count(*) >= 3
        order by random()
        limit %s
        """,
        (count,),
    ).fetchall()
    quote_labs = Case(
        "d1",
        "quote: 3 lab tests of one lab",
        QUOTE_SQL,
        [
            Sample(
                clients[3 * count + i],
                {
                    "items": json.dumps([{"offering_id": str(o), "quantity": rng.choice([1, 1, 2])} for o in ids]),
                    "addons": "[]",
                    "address_id": None,
                },
            )
            for i, (ids,) in enumerate(lab_rows)
        ],
        service_claims=lambda sample: {**SERVICE_ROLE_CLAIMS, "sub": str(sample.user_id)},
        service_note="the same security definer function, called as service_role with the client as `sub`",
    )

    # A home service at the client's address: service area, travel fee and tax are priced too.
    service_rows = conn.execute(
        """
        select o.id, array_agg(array[a.id::text, a.max_quantity::text] order by a.name), pa.city
        from (select * from public.offerings where status = 'active' and kind = 'home_service'
              order by random() limit %s) o
        join public.offering_addons a on a.offering_id = o.id
        join public.addresses pa on pa.user_id = o.provider_id
        group by o.id, pa.city
        """,
        (count,),
    ).fetchall()
    homes: dict[str, list[tuple[uuid.UUID, uuid.UUID]]] = {}
    for city in {row[2] for row in service_rows}:
        homes[city] = [
            (r[0], r[1])
            for r in conn.execute(
                "select user_id, id from public.addresses where city = %s and label = 'Home'"
                " and user_id in (select id from auth.users where email like 'client%%')"
                " order by random() limit %s",
                (city, count),
            ).fetchall()
        ]
    service_samples = []
    for offering_id, addon_ids, city in service_rows:
        client_id, address_id = rng.choice(homes[city])
        service_samples.append(
            Sample(
                client_id,
                {
                    "items": json.dumps([{"offering_id": str(offering_id), "quantity": 1}]),
                    "addons": json.dumps(
                        [{"addon_id": a, "quantity": rng.randint(1, int(most))} for a, most in addon_ids]
                    ),
                    "address_id": address_id,
                },
            )
        )
    quote_service = Case(
        "d2",
        "quote: home service + 2 add-ons at the client's address",
        QUOTE_SQL,
        service_samples,
        service_claims=lambda sample: {**SERVICE_ROLE_CLAIMS, "sub": str(sample.user_id)},
        service_note="the same security definer function, called as service_role with the client as `sub`",
    )
    return [free_slots, my_bookings, browse, search_all, search_category, quote_labs, quote_service]


# -- measuring -----------------------------------------------------------------------------------


def timed(conn: psycopg.Connection, claims: dict[str, Any], sql: str, args: dict[str, Any]) -> tuple[float, list]:
    """One request as PostgREST makes it: a transaction with the role and claims set; the
    time of the statement itself (execute and fetch), in milliseconds."""
    with as_request(conn, claims) as c:
        started = time.perf_counter_ns()
        rows = c.execute(sql, args).fetchall()
        elapsed = (time.perf_counter_ns() - started) / 1e6
    return elapsed, rows


def measure(
    case: Case, mode: str, rls: psycopg.Connection, service: psycopg.Connection, claims: dict, warmup: int
) -> None:
    """Warm up, then alternate the RLS and the service_role run of each sample (which goes
    first alternates too), on two connections so neither's plan cache serves the other."""
    service_sql = case.service_sql or case.sql
    for sample in case.samples[:warmup]:
        timed(rls, claims[sample.user_id], case.sql, sample.args)
        timed(service, case.service_claims(sample), service_sql, sample.args)
    timings = case.timings[mode]
    for i, sample in enumerate(case.samples[warmup:]):
        runs = [
            ("rls", rls, claims[sample.user_id], case.sql),
            ("service", service, case.service_claims(sample), service_sql),
        ]
        if i % 2:
            runs.reverse()
        results = {which: timed(conn, who, sql, sample.args) for which, conn, who, sql in runs}
        timings.rls.append(results["rls"][0])
        timings.service.append(results["service"][0])
        rls_rows, service_rows = results["rls"][1], results["service"][1]
        if mode == "prepared":
            case.rows.append(len(rls_rows) if not case.key.startswith("d") else len(rls_rows[0][0]["lines"]))
            case.compared += 1
            case.mismatches += rls_rows != service_rows


# The free slots as the per-slot definition computes them: every slot of the grid, kept
# when no live booking of the provider overlaps it (widened by the buffers). Checks private.schedule_slots
# (supabase/migrations/20260104000100_create_free_slots.sql), which reads the live bookings
# once and tests the slots against their union instead.
REFERENCE_SLOTS_SQL = """
select r.starts_at, r.ends_at
from public.offerings o
join public.schedules s on s.user_id = o.provider_id
cross join lateral private.schedule_slots(
  o.provider_id, 'provider', make_interval(mins => o.duration_minutes),
  %(from_date)s::timestamp at time zone %(timezone)s, (%(to_date)s + 1)::timestamp at time zone %(timezone)s, false) r
where o.id = %(offering_id)s
  and not exists (
    select 1 from public.bookings b
    where b.provider_id = o.provider_id and b.scheduled_on = 'provider'
      and b.status in ('held', 'confirmed', 'in_progress')
      and (b.status <> 'held' or b.hold_expires_at > now())
      and b.blocked_during && tstzrange(r.starts_at - make_interval(mins => s.buffer_before_minutes),
                                        r.ends_at + make_interval(mins => s.buffer_after_minutes)))
order by 1
"""


def check_free_slots(conn: psycopg.Connection, case: Case) -> tuple[int, int]:
    """(samples checked, samples whose free slots differ from the reference)."""
    differ = 0
    for sample in case.samples:
        got = conn.execute(
            "select starts_at, ends_at"
            " from public.free_slots(%(offering_id)s, %(from_date)s, %(to_date)s, %(timezone)s)",
            sample.args,
        ).fetchall()
        differ += got != conn.execute(REFERENCE_SLOTS_SQL, sample.args).fetchall()
    return len(case.samples), differ


def execution_ms(plan: str) -> str:
    match = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return f"{float(match.group(1)):.1f} ms" if match else "an unknown time"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


# -- plans ---------------------------------------------------------------------------------------

AUTO_EXPLAIN = {
    "log_min_duration": "0",
    "log_analyze": "on",
    "log_buffers": "on",
    "log_timing": "on",
    "log_nested_statements": "on",
    "log_format": "text",
    "log_level": "notice",
}


def explain(conn: psycopg.Connection, claims: dict[str, Any], sql: str, args: dict[str, Any]) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the request as that user, planned with its values."""
    with as_request(conn, claims) as c:
        c.execute(sql, args).fetchall()  # warm
        cur = psycopg.ClientCursor(c)
        cur.execute("explain (analyze, buffers) " + sql, args)
        return "\n".join(r[0] for r in cur.fetchall())


def explain_prepared(url: str, case: Case, claims: dict, warmup: list[Sample], sample: Sample) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) EXECUTE of the request prepared as PostgREST prepares it,
    after it ran for the warm-up samples: the plan Postgres settled on (generic when it
    shows $n parameters)."""
    names: list[str] = []

    def placeholder(match: re.Match) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    text = re.sub(r"%\((\w+)\)s", placeholder, case.sql)
    execute = "execute bench_request(" + ", ".join(f"%({n})s" for n in names) + ")"
    with psycopg.connect(url, autocommit=True) as conn:
        cur = psycopg.ClientCursor(conn)
        with as_request(conn, claims[sample.user_id]):
            conn.execute("prepare bench_request as " + text)
        for s in warmup:
            with as_request(conn, claims[s.user_id]):
                cur.execute(execute, s.args)
                cur.fetchall()
        with as_request(conn, claims[sample.user_id]):
            cur.execute("explain (analyze, buffers) " + execute, sample.args)
            return "\n".join(r[0] for r in cur.fetchall())


def nested_plans(
    superuser_url: str, claims: dict, warmup: list[Sample], sql: str, sample: Sample
) -> list[tuple[int, str]]:
    """Plans of the statements a function runs inside, through auto_explain, as the user;
    after the warm-up samples, so PL/pgSQL's plan cache is as in the measured runs.
    Identical plans (numbers aside) are grouped: (times run, first plan)."""
    notices: list[str] = []
    with psycopg.connect(superuser_url, autocommit=True) as conn:
        for s in warmup:
            with as_request(conn, claims[s.user_id]) as c:
                c.execute(sql, s.args).fetchall()
        conn.execute("load 'auto_explain'")
        for key, value in AUTO_EXPLAIN.items():
            conn.execute(f"set auto_explain.{key} = {value}")
        conn.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
        with as_request(conn, claims[sample.user_id]) as c:
            c.execute(sql, sample.args).fetchall()
        conn.execute("set auto_explain.log_min_duration = -1")
    groups: dict[str, list] = {}
    for notice in notices:
        if "set_config(" in notice or "plan:" not in notice:
            continue
        body = notice.split("plan:", 1)[1].strip("\n")
        shape = re.sub(r"\d+(\.\d+)?", "#", body)
        shape = re.sub(r"'[^']*'", "'…'", shape)
        if shape in groups:
            groups[shape][0] += 1
        else:
            groups[shape] = [1, body]
    return [(n, body) for n, body in groups.values()]


def seq_scans(plan: str) -> list[str]:
    return re.findall(r"Seq Scan on (\w+)", plan)


# -- reporting -----------------------------------------------------------------------------------


def size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def git_state() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "supabase", "bench"], cwd=ROOT, capture_output=True, text=True
        ).stdout
        return commit.strip() + (" with uncommitted changes in supabase/ or bench/" if dirty.strip() else "")
    except OSError:
        return "unknown"


def write_plot(cases: list[Case]) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(10, 4.5))
    data, labels = [], []
    for case in cases:
        t = case.timings["prepared"]
        data += [t.rls, t.service]
        labels += [f"({case.key}) RLS", f"({case.key}) service"]
    ax.boxplot(data, labels=labels, showfliers=False)
    ax.axhline(TARGET_MEDIAN_MS, linestyle="--", linewidth=1)
    ax.set_ylabel("ms per request")
    ax.set_title("issue 3 benchmark, prepared statements (whiskers 1.5 IQR, outliers hidden)")
    fig.tight_layout()
    fig.savefig(PLOT_PNG, dpi=110)
    return True


def stats(t: Timings) -> tuple[float, float, float, float, float]:
    rm, sm = statistics.median(t.rls), statistics.median(t.service)
    return rm, percentile(t.rls, 0.95), sm, percentile(t.service, 0.95), rm / sm


def timings_table(cases: list[Case], mode: str, w: Callable[[str], None]) -> None:
    w("| request | RLS median | RLS p95 | service_role median | service_role p95 | ratio | target |")
    w("|---|---:|---:|---:|---:|---:|---|")
    for case in cases:
        rm, rp, sm, sp, ratio = stats(case.timings[mode])
        ok = rm < TARGET_MEDIAN_MS and ratio < TARGET_RATIO
        verdict = ("met" if ok else "**missed**") if case.required else "not a target"
        w(
            f"| ({case.key}) {case.title} | {rm:.2f} ms | {rp:.2f} ms | {sm:.2f} ms | {sp:.2f} ms | {ratio:.2f} | "
            f"{verdict} |"
        )


def code_block(w: Callable[[str], None], label: str, text: str) -> None:
    w("")
    if label:
        w(label)
        w("")
    w("```")
    w(text)
    w("```")


def sql_block(w: Callable[[str], None], sql: str) -> None:
    w("")
    w("```sql")
    w(re.sub(r" (from|join|where|and o\.(?:search|category_id)|order by) ", r"\n\1 ", sql))
    w("```")


def write_results(meta: dict[str, Any], cases: list[Case], plans: dict[str, Any], args: argparse.Namespace) -> None:
    data = meta["data"]
    by_key = {case.key: case for case in cases}
    out: list[str] = []
    w = out.append
    w("# Benchmark: free slots, my bookings, catalog browse and quotes at scale (issue 3)")
    w("")
    scale = f" --scale {args.scale}" if args.scale != 1 else ""
    w(f"Written by `python bench/bookings/run.py{scale}` on {meta['measured_at']}, commit {meta['git']}.")
    w("How to run it: [bench/README.md](../README.md).")
    w("")
    w("Every request runs as PostgREST runs it: a connection logged in as `authenticator`, one transaction per")
    w("request with `role` and `request.jwt.claims` set by `devstack.impersonation.as_request`, the claims")
    w("issued by the real access token hook for a generated user. The time is the statement alone (execute and")
    w(f"fetch over a local TCP connection, not the `set_config` before it). Each request: {args.warmup} warm-up runs,")
    w(f"then {args.runs} runs with different users and parameters; the RLS run and the service_role run of each")
    w("sample alternate, on two connections so that plans cached for one role never serve the other.")
    w("Ratio = RLS median / service_role median.")
    w("")
    w("## Results")
    w("")
    w("As PostgREST sends them: prepared statements (its default, `db-prepared-statements`); Postgres plans the")
    w("first runs with their values and then may keep a generic plan.")
    w("")
    timings_table(cases, "prepared", w)
    w("")
    w("Planned on every run (no prepared statements, as behind a pooler in transaction mode): parse and plan are")
    w("paid each time, and RLS adds the planning of its policy's subqueries.")
    w("")
    timings_table(cases, "planned", w)
    w("")
    w(f"Targets: median under {TARGET_MEDIAN_MS:.0f} ms, ratio under {TARGET_RATIO}.")
    w("")
    w("| request | rows returned (mean) | RLS result = service_role result |")
    w("|---|---:|---:|")
    for case in cases:
        unit = "quote lines" if case.key.startswith("d") else "rows"
        same = f"{case.compared - case.mismatches}/{case.compared}"
        w(f"| ({case.key}) | {statistics.mean(case.rows):.1f} {unit} | {same} |")
    w("")
    checked, differ = meta["slots_check"]
    w(f"The free slots of all {checked} samples of (a) were compared with the per-slot definition (every slot of")
    w("the grid, kept unless a live booking of the provider overlaps it; `private.schedule_slots` reads")
    w(
        "the live bookings once and tests each slot against their union instead): "
        f"{checked - differ} identical, {differ} different."
    )
    w("")
    w("What the service_role run is:")
    w("")
    for case in cases:
        w(f"- ({case.key}) {case.service_note}.")
    w("")
    if meta.get("plot"):
        w(f"![timings]({PLOT_PNG.name})")
        w("")
    w("## Findings")
    w("")
    star, plain = by_key["c*"].timings["prepared"], plans["c*"]["plain"]
    rm, rp, sm, sp, ratio = stats(star)
    c_median, c2_median = (statistics.median(by_key[k].timings["prepared"].rls) for k in ("c", "c2"))
    gin_inside = any("offerings_search_idx" in body for _, body in plans["c*"].get("nested", []))
    plain_ms, rpc_ms = execution_ms(plain), execution_ms(plans["c*"]["top"])
    w("- **Search goes through `public.search_offerings`.** A plain select on `offerings` cannot use the full-text")
    w("  index through RLS: `@@` (`ts_match_vq`) is not leakproof, so Postgres must not evaluate it before the")
    w("  policy's condition, which rules it out as an index condition. For the sample under (c*), the same search")
    if "offerings_search_idx" in plain:
        w(f"  as a plain select through RLS did use `offerings_search_idx` ({plain_ms}), against expectation;")
    else:
        w(f"  as a plain select through RLS reads every active offering of its price range ({plain_ms}, plan there);")
    w(f"  search_offerings, which runs as its owner and applies `status = 'active'` itself, takes {rpc_ms}")
    w(
        f"  {'through the GIN index' if gin_inside else 'without the GIN index (unexpected)'}. Over the samples, "
        f"(c*) takes {rm:.1f} ms against {sm:.1f} ms for the same query"
    )
    w(
        f"  written by hand as service_role (ratio {ratio:.2f}); (c2), the category browse of (c) through it, "
        f"{c2_median:.1f} ms against"
    )
    w(f"  {c_median:.1f} ms for (c) as a plain select through RLS.")
    if rp > TARGET_MEDIAN_MS:
        w(f"- (c*) has a p95 of {rp:.0f} ms ({sp:.0f} ms as service_role): to put the best rated first, the search")
        w("  reads every active offering that matches its words, and this catalog's vocabulary is small (20 topics × 8")
        w("  variants per kind), so a title word matches a thousand offerings or more for most samples. Tried on")
        w("  this data, not kept: an index on `provider_profiles (rating desc nulls last)` lets the planner walk the")
        w("  providers best rated first and stop at 20 ((c*) median 6.3 → 4.1 ms, p95 22 → 9 ms), but where it")
        w("  misjudges how many offerings match, the walk goes long ((c*) worst 28 → 45 ms, for a rare word; (c2)")
        w("  p95 5.3 → 6.3 ms, worst 6.7 → 14 ms).")
    c_prepared, c_planned = by_key["c"].timings["prepared"], by_key["c"].timings["planned"]
    if percentile(c_prepared.rls, 0.95) > 1.3 * percentile(c_planned.rls, 0.95):
        w(
            f"- (c) prepared has a p95 of {percentile(c_prepared.rls, 0.95):.1f} ms against "
            f"{percentile(c_planned.rls, 0.95):.1f} ms planned each time, with"
        )
        w("  service_role alike: once Postgres keeps the generic plan, `websearch_to_tsquery('simple', $5)` is no")
        w("  longer a constant and is parsed again for every row the category index returns (the prepared plan below).")
    b_planned_ratio = stats(by_key["b"].timings["planned"])[4]
    w(f"- (b) planned on every run has a ratio of {b_planned_ratio:.2f} on a fraction of a millisecond: executing")
    w("  costs about the same, planning does not, as the bookings policy adds four `(select ...)` subqueries (three")
    w("  `auth.uid()`, one `private.is_admin()`), each planned on its own. Prepared, the plan is reused across users.")
    w("- (d2) reads `service_areas` and `travel_fee_policies` sequentially (3,000 rows here, 0.1-0.3 ms): both are")
    w("  looked up with `provider_id is not distinct from ...`, which no index can serve (`private.price_booking`,")
    w("  `private.distance_to_service_area`). `(provider_id = x or (x is null and provider_id is null))` could; left")
    w("  as is, being small and outside the big tables.")
    w("")
    w("## Machine")
    w("")
    m = meta["machine"]
    w(f"- {m['nproc']} CPUs ({m['cpu']}), {m['ram']} RAM, {m['os']}")
    w(f"- {meta['server_version']}")
    w(
        "- server settings on top of the local stack's (`fsync`, `synchronous_commit`, `full_page_writes` off): "
        + ", ".join(f"`{k} = {v.strip(chr(39))}`" for k, v in SERVER_SETTINGS.items())
        + "; the rest default (JIT on)"
    )
    w("")
    w("## Data")
    w("")
    w(
        f"Generated by `bench/bookings/generate.sql` in **{meta['generation_seconds']:.0f} s** (the schema took "
        f"{meta['schema_seconds']:.0f} s before that); database size {size(data['database_size'])}."
    )
    w("")
    w("| step | seconds |")
    w("|---|---:|")
    for name, seconds in meta["generation_steps"]:
        w(f"| {name} | {seconds:.1f} |")
    w("")
    w("| table | rows | heap | indexes | total |")
    w("|---|---:|---:|---:|---:|")
    for t in data["tables"]:
        w(f"| {t['table']} | {t['rows']:,} | {size(t['heap'])} | {size(t['indexes'])} | {size(t['total'])} |")
    w("")
    statuses = ", ".join(f"{st} {'upcoming' if up else 'past'} {n:,}" for st, up, n in data["booking_statuses"])
    w(f"Bookings by status: {statuses}.")
    avg, p50, mx, clients = data["bookings_per_client"]
    w(
        f"Bookings per client (of {int(clients):,} with any): mean {avg}, median {p50}, max {mx}. "
        "Offerings by status: " + ", ".join(f"{s} {n:,}" for s, n in data["offering_statuses"]) + "."
    )
    w("")
    w("## No sequential scan on big tables")
    w("")
    found = plans["seq_scans"]
    big = sorted({t for t in found if t in BIG_TABLES})
    if big:
        w(f"**Sequential scans on big tables: {', '.join(big)}.**")
    else:
        w(f"None of the plans of (a) to (d2), top-level or nested, scans {', '.join(BIG_TABLES)} sequentially.")
    small = sorted({t for t in found if t not in BIG_TABLES})
    if small:
        w(f"Sequential scans on small tables: {', '.join(small)}.")
    w("JIT compilation in any of these plans: " + ("**yes**" if plans["jit"] else "none") + ".")
    w("Not counted: the search of (c*) as a plain select through RLS, shown for evidence (see Findings).")
    w("")
    w("## Plans")
    w("")
    w("EXPLAIN (ANALYZE, BUFFERS) of the first measured sample of each request, as the signed-in user through RLS.")
    w("(b) and (c) show the statement prepared as PostgREST prepares it, after warm-up samples ran (a generic")
    w("plan shows `$n` parameters), then planned with its values, then as service_role. The RPCs (a), (c*), (c2) and")
    w("(d) show a Function Scan at the top; the statements they run inside are captured with auto_explain")
    w("(`log_nested_statements`, `log_analyze`, `log_buffers`) in a superuser session that impersonates the same user")
    w("in the same way, after warm-up samples; identical plans are shown once, with how many times they ran.")
    w("(c*) and (c2) also show the hand-written query as service_role, and (c*) the same search as a plain select")
    w("through RLS.")
    for case in cases:
        p = plans[case.key]
        w("")
        w(f"### ({case.key}) {case.title}")
        w("")
        w("Parameters: `" + json.dumps(p["args"], default=str) + "`")
        sql_block(w, case.sql)
        if p.get("prepared"):
            code_block(w, "As the user, through RLS, prepared:", p["prepared"])
        code_block(w, "As the user, through RLS:", p["top"])
        for n, body in p.get("nested", []):
            code_block(w, f"Inside, run {n} time{'s' if n > 1 else ''}:", body)
        if p.get("service"):
            if case.service_sql:
                w("")
                w("As service_role, the same search written by hand:")
                sql_block(w, case.service_sql)
                code_block(w, "", p["service"])
            else:
                code_block(w, "As service_role:", p["service"])
        if p.get("plain"):
            w("")
            w("For comparison, not timed: the same search as a plain select through RLS, as the user.")
            sql_block(w, SEARCH_ALL_PLAIN_SQL)
            code_block(w, "", p["plain"])
    RESULTS_MD.write_text("\n".join(out) + "\n")


# -- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full data (default 1)")
    parser.add_argument("--runs", type=int, default=200, help="measured runs per request (default 200)")
    parser.add_argument("--warmup", type=int, default=30, help="warm-up runs per request (default 30)")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"cluster directory (default {DEFAULT_DIR})")
    parser.add_argument("--keep", action="store_true", help="leave the cluster and its data in place, running")
    parser.add_argument("--reuse", action="store_true", help="measure on the data of a kept cluster, if there is one")
    parser.add_argument("--seed", type=int, default=3, help="seed of the parameter choice")
    args = parser.parse_args()

    cluster, reused = start_cluster(args.dir, args.reuse)
    meta_path = cluster.base_dir / META_FILE
    try:
        if reused:
            meta = json.loads(meta_path.read_text())
            log(f"reusing the data generated on {meta['generated_at']}")
            schema.apply_migrations(cluster.url("postgres", DATABASE), ROOT)
        else:
            meta = {"schema_seconds": build_schema(cluster)}
            steps = generate(cluster, args.scale)
            meta.update(
                generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
                scale=args.scale,
                generation_steps=steps,
                generation_seconds=sum(s for _, s in steps),
            )
            meta_path.write_text(json.dumps(meta))
        owner_url = cluster.url("postgres", DATABASE)
        with psycopg.connect(owner_url, autocommit=True) as conn:
            meta["data"] = describe_data(conn)
            meta["server_version"] = conn.execute("select version()").fetchone()[0]  # type: ignore[index]
            cases = pick_samples(conn, args.warmup + args.runs, args.seed)
            users = {s.user_id for case in cases for s in case.samples}
            claims = {u: issue_claims(conn, str(u)) for u in users}
        log(f"parameters for {len(cases)} requests, claims for {len(users)} users")

        api_url = cluster.url("authenticator", DATABASE)
        for mode, threshold in MODES.items():
            with (
                psycopg.connect(api_url, autocommit=True, prepare_threshold=threshold) as rls,
                psycopg.connect(api_url, autocommit=True, prepare_threshold=threshold) as service,
            ):
                for case in cases:
                    measure(case, mode, rls, service, claims, args.warmup)
                    rm, _, sm, _, ratio = stats(case.timings[mode])
                    log(f"{mode} ({case.key}) median {rm:.2f} ms RLS, {sm:.2f} ms service_role, ratio {ratio:.2f}")

        with psycopg.connect(owner_url, autocommit=True) as conn:
            meta["slots_check"] = check_free_slots(conn, cases[0])
        log(f"free slots against the per-slot definition: {meta['slots_check']}")

        plans: dict[str, Any] = {"seq_scans": [], "jit": False}
        superuser_url = cluster.url(SUPERUSER, DATABASE)
        with psycopg.connect(api_url, autocommit=True) as rls, psycopg.connect(api_url, autocommit=True) as service:
            for case in cases:
                sample, warm = case.samples[args.warmup], case.samples[: min(args.warmup, 10)]
                entry: dict[str, Any] = {"args": sample.args}
                entry["top"] = explain(rls, claims[sample.user_id], case.sql, sample.args)
                if case.key in RPCS:
                    entry["nested"] = nested_plans(superuser_url, claims, warm, case.sql, sample)
                else:
                    entry["prepared"] = explain_prepared(api_url, case, claims, warm, sample)
                if case.key not in ("a", "d1", "d2"):
                    service_sql = case.service_sql or case.sql
                    entry["service"] = explain(service, case.service_claims(sample), service_sql, sample.args)
                if case.key == "c*":
                    # Evidence, not counted: the same search as a plain select through RLS.
                    entry["plain"] = explain(rls, claims[sample.user_id], SEARCH_ALL_PLAIN_SQL, sample.args)
                texts = [entry["top"], entry.get("prepared", ""), entry.get("service", "")]
                texts += [body for _, body in entry.get("nested", [])]
                if case.required:
                    for text in texts:
                        plans["seq_scans"] += seq_scans(text)
                        plans["jit"] = plans["jit"] or "JIT:" in text
                plans[case.key] = entry

        meta["measured_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        meta["machine"] = machine()
        meta["git"] = git_state()
        meta["plot"] = write_plot(cases)
        write_results(meta, cases, plans, args)
        log(f"wrote {RESULTS_MD.relative_to(ROOT)}")
        for mode in MODES:
            for case in cases:
                rm, rp, sm, sp, ratio = stats(case.timings[mode])
                print(
                    f"  {mode:8} ({case.key}) RLS median {rm:.2f} ms p95 {rp:.2f} ms | "
                    f"service_role median {sm:.2f} ms p95 {sp:.2f} ms | ratio {ratio:.2f}"
                )
    finally:
        if args.keep:
            log(f"cluster kept: {cluster.url('postgres', DATABASE)} (data in {cluster.base_dir})")
        else:
            cluster.destroy()


if __name__ == "__main__":
    main()
