"""Benchmark of issue 16's store reads through RLS: a store page (a category's products, best
rated first, with the signed-in user's favourite flag; by a product's own category and by its
second one), "my library", a seller's sales, at 100,000 products and 5,000,000 purchases, as
PostgREST runs them (logged in as `authenticator`, role and claims set), medians, with plans.

Uses bench/messaging's cluster, generation and measuring helpers.

    python bench/store/run.py                        # 100,000 products, 5,000,000 purchases
    python bench/store/run.py --purchases 200000 --keep
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
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

CLUSTER_DIR = Path("/var/tmp/marketbase-bench/store")
DATABASE = "marketbase_bench"
uid = messaging.uid
log = messaging.log
CATEGORY = "cf000000-0000-4000-8000-000000000003"
FAVORITE = (
    ", exists (select 1 from public.favorites f where f.offering_id = o.id and f.user_id = auth.uid()) as favorite"
)
STORE_PAGE = (
    "select o.id, o.title, o.price, o.rating, o.rating_count"
    + FAVORITE
    + " from public.offerings o where o.kind = 'digital' and o.status = 'active' and {where}"
    " order by o.rating desc, o.id limit 24"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=5_000_000)
    parser.add_argument("--buyers", type=int, default=200_000)
    parser.add_argument("--sellers", type=int, default=2_000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    args = parser.parse_args()
    sizes = {"products": args.products, "purchases": args.purchases, "buyers": args.buyers, "sellers": args.sellers}
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
            (purchases,) = conn.execute("select count(*) from public.purchases").fetchone() or (0,)
            (heavy_buyer, owned) = conn.execute(
                "select buyer_id::text, count(*) from public.purchases group by 1 order by 2 desc limit 1"
            ).fetchone() or ("", 0)
            (top_seller, sold) = conn.execute(
                "select seller_id::text, count(*) from public.purchases group by 1 order by 2 desc limit 1"
            ).fetchone() or ("", 0)
        api = cluster.url("authenticator", DATABASE)
        buyer = uid(2)
        second = (
            "exists (select 1 from public.offering_categories c"
            f" where c.offering_id = o.id and c.category_id = '{CATEGORY}')"
        )
        in_category = STORE_PAGE.format(where=f"o.category_id = '{CATEGORY}'")
        library = "select p.id, p.title, p.status, p.version, p.created_at from public.purchases p"
        newest = " order by p.created_at desc limit 50"
        cases = [
            ("a store page: a category's products, best rated, with my favourites", buyer, in_category),
            ("the same as a visitor (anon: no favourite flag)", None, in_category.replace(FAVORITE, "")),
            (
                "a store page by the products' second category, filtering offerings",
                buyer,
                STORE_PAGE.format(where=second),
            ),
            (
                "the same from offering_categories by its copy of the rating (`order=rating.desc&select=offerings(*)`)",
                buyer,
                "select c.offering_id, o.title, o.price, o.rating, o.rating_count"
                + FAVORITE.replace("o.id", "c.offering_id")
                + " from public.offering_categories c"
                " cross join lateral (select x.* from public.offerings x where x.id = c.offering_id) o"
                f" where c.category_id = '{CATEGORY}' and c.is_active"
                " order by c.rating desc, c.offering_id limit 24",
            ),
            (f"my library, newest first ({owned} purchases, RLS only)", heavy_buyer, library + newest),
            ("a typical buyer's library (RLS only)", buyer, library + newest),
            (
                f"a seller's sales, newest first ({sold} sales, `rpc/my_sales`)",
                top_seller,
                "select id, title, amount, created_at from public.my_sales(50)",
            ),
            (
                "my favourites, newest first",
                buyer,
                "select f.offering_id, f.created_at from public.favorites f order by f.created_at desc limit 50",
            ),
        ]
        results = []
        for name, user, sql in cases:
            median, rows, plan = measure(api, user, sql)
            results.append((name, median, rows, sql, plan))
            log(f"{median:7.2f} ms  {rows:3d} rows  {name}")
        write(sizes, purchases, timings, generated, results)
    finally:
        if not args.keep:
            cluster.stop()
            shutil.rmtree(CLUSTER_DIR, ignore_errors=True)


def measure(url: str, user: str | None, sql: str) -> tuple[float, int, str]:
    """messaging.measure as a signed-in user, or as anon."""
    if user is not None:
        result: tuple[float, int, str] = messaging.measure(url, user, sql)
        return result
    original = messaging.claims
    messaging.claims = lambda _user: {"role": "anon"}
    try:
        result = messaging.measure(url, "", sql)
    finally:
        messaging.claims = original
    return result


def write(
    sizes: dict[str, int], purchases: int, timings: list[tuple[str, float]], generated: float, results: list[Any]
) -> None:
    lines = [
        "# Store reads through RLS (issue 16)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python bench/store/run.py` on the shared 2-core machine.",
        f"Data: {sizes['products']:,} products in 20 categories (each in a second one too), {purchases:,} purchases,"
        f" {sizes['buyers']:,} buyers with ten favourites each, {sizes['sellers']:,} sellers;"
        f" generated in {generated:.0f} s ({', '.join(f'{n} {t:.0f} s' for n, t in timings)}).",
        "",
        f"Each read: logged in as `authenticator`, role and claims set as PostgREST does, median of {messaging.RUNS}"
        f" runs; target {messaging.TARGET_MS:.0f} ms.",
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
