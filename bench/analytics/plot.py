"""The main analytics series as PNGs, from the rollup rows run.py saved (series.json).

    python bench/analytics/plot.py                  # series.json beside this file -> four PNGs
    python bench/analytics/plot.py --series other.json --out /tmp

Draws: orders per day (placed, completed, cancelled), revenue per day per currency (GMV
collected, net revenue, order value booked), retention by sign-up cohort (day 1 / 7 / 30, per
user type, weekly averages), and searches with their zero-result and conversion rates. Money
is drawn per currency, never added across currencies. Needs matplotlib (a dev dependency).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).resolve().parent


def complete(rows: list[dict[str, Any]], key: str = "day") -> list[dict[str, Any]]:
    """The rows of days that are over: the latest day of the series (today, still running; in
    the generated data also the day every upcoming booking was created) is left out."""
    last = max((r[key] for r in rows), default=None)
    return [r for r in rows if r[key] != last]


def days(rows: list[dict[str, Any]], key: str = "day") -> list[date]:
    return [date.fromisoformat(r[key]) for r in rows]


def style(ax: Any, title: str, ylabel: str) -> None:
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))
    ax.legend(loc="upper left", fontsize=8, frameon=False)


def orders(data: dict[str, Any], out: Path) -> Path:
    per_day: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in complete(data["orders"]):  # all currencies: counts add up, money does not
        for k in ("orders_placed", "completed_orders", "cancelled_orders", "no_show_orders", "new_orders"):
            per_day[r["day"]][k] += r[k]
    x = [date.fromisoformat(d) for d in sorted(per_day)]
    fig, ax = plt.subplots(figsize=(10, 4))
    for key, label in (("orders_placed", "placed"), ("completed_orders", "completed"),
                       ("cancelled_orders", "cancelled"), ("new_orders", "first orders of new clients")):  # fmt: skip
        ax.plot(x, [per_day[d][key] for d in sorted(per_day)], label=label, linewidth=1.4)
    style(ax, "Orders per day (all currencies; days that are over)", "orders")
    return save(fig, out / "orders_per_day.png")


def revenue(data: dict[str, Any], out: Path) -> Path:
    currencies = sorted({r["currency"] for r in data["business"]})
    fig, axes = plt.subplots(len(currencies), 1, figsize=(10, 3.6 * len(currencies)), squeeze=False)
    booked = {(r["day"], r["currency"]): r["order_value"] for r in data["orders"]}
    for ax, currency in zip(axes[:, 0], currencies, strict=True):
        rows = [r for r in complete(data["business"]) if r["currency"] == currency]
        x = days(rows)
        ax.plot(x, [r["gmv"] / 100 for r in rows], label="GMV collected (payments that succeeded)", linewidth=1.4)
        ax.plot(x, [booked.get((r["day"], currency), 0) / 100 for r in rows], label="order value booked", linewidth=1,
                alpha=0.8)  # fmt: skip
        ax.plot(x, [r["net_revenue"] / 100 for r in rows], label="net revenue (platform fees less refunded fees)",
                linewidth=1.4)  # fmt: skip
        style(ax, f"Revenue per day, {currency}", currency)
    return save(fig, out / "revenue_per_day.png")


def retention(data: dict[str, Any], out: Path) -> Path:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, user_type in zip(axes, ("client", "provider"), strict=True):
        rows = [r for r in data["retention"] if r["user_type"] == user_type]
        weeks: dict[date, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            d = date.fromisoformat(r["cohort_day"])
            weeks[date.fromordinal(d.toordinal() - d.weekday())].append(r)
        x = sorted(weeks)
        for key, label in (("day_1_retention", "day 1"), ("day_7_retention", "day 7"), ("day_30_retention", "day 30")):
            y = []
            for w in x:
                known = [(r[key], r["cohort_size"]) for r in weeks[w] if r[key] is not None]
                size = sum(n for _, n in known)
                y.append(100 * sum(v * n for v, n in known) / size if size else None)
            ax.plot(x, y, marker="o", markersize=3, label=label, linewidth=1.2)
        sizes = sum(r["cohort_size"] for r in rows)
        quiet = "" if any(r["day_1_retention"] for r in rows) else ", no activity of theirs"
        style(ax, f"Retention of {user_type}s by sign-up week ({sizes:,} sign-ups{quiet})", "% of the cohort active")
    return save(fig, out / "retention_cohorts.png")


def search(data: dict[str, Any], out: Path) -> Path:
    rows = complete(data["search"])
    x = days(rows)
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.bar(x, [r["searches"] for r in rows], color="#c9d7e8", label="searches")
    ax.bar(x, [r["zero_result_searches"] for r in rows], color="#e07b5a", label="found nothing")
    style(ax, "Searches per day, and how many led to a booking", "searches")
    rates = ax.twinx()
    rates.plot(x, [100 * (r["conversion_rate"] or 0) for r in rows], color="#2a6f3e", linewidth=1.6,
               label="signed-in searches followed by a booking within 24 h (%)")  # fmt: skip
    rates.set_ylim(0, 100)
    rates.set_ylabel("%")
    rates.legend(loc="upper right", fontsize=8, frameon=False)
    return save(fig, out / "search_conversion.png")


def save(fig: Any, path: Path) -> Path:
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=Path, default=HERE / "series.json")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    data = json.loads(args.series.read_text())
    for draw in (orders, revenue, retention, search):
        print(draw(data, args.out))


if __name__ == "__main__":
    main()
