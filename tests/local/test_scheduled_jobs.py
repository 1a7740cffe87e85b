"""Scheduled jobs really run: pg_cron in the local stack executes every job our migrations
schedule, and each run ends `succeeded` in cron.job_run_details.

pg_cron 1.4 (Debian 12) schedules by the minute, so the proof waits for the next minute
boundary: at most a little over 60 s. Every job is run through a twin scheduled every minute
with the same command, as the same user, so that a job due hourly or nightly is proven too."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Jsonb

from devstack.cluster import postgres_bindir
from devstack.stack import Stack
from tests.support.actors import as_request, claims_for, sign_up
from tests.support.database import ROOT, free_port
from tests.support.marketplace import add_schedule, value

pytestmark = pytest.mark.skipif(
    not (postgres_bindir().parent / "lib" / "pg_cron.so").is_file(),
    reason="pg_cron is not installed (Debian: postgresql-15-cron; scripts/setup installs it)",
)

PROOF_SUFFIX = " (run proof)"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    stack = Stack(ROOT, external_url=None, port=free_port(), cluster_dir=tmp_path / "pg")
    stack.reset(seed=False)
    yield stack
    assert stack.cluster is not None
    stack.cluster.destroy()


def lapsed_hold(owner_url: str) -> str:
    """A booking held through create_booking as its client, whose hold has run out."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        provider = sign_up(conn, "provider", account_type="provider")
        client = sign_up(conn, "client")
        conn.execute(
            "insert into public.provider_profiles (user_id, kind, headline, hourly_rate, currency)"
            " values (%s, 'consultant', 'Cron consultant', 10000, 'USD')",
            (provider,),
        )
        category = value(conn, "insert into public.categories (slug, name) values ('calls', 'Calls') returning id")
        offering = value(
            conn,
            "insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes,"
            " status) values (%s, %s, 'session', 'Call', 10000, 'USD', 30, 'active') returning id",
            (provider, category),
        )
        add_schedule(conn, provider)
        starts_at = value(conn, "select date_trunc('day', now(), 'UTC') + interval '2 days 10 hours'")
        claims = claims_for(conn, client)
        conn.autocommit = False
        with as_request(conn, claims):
            booking = value(
                conn,
                "select public.create_booking(items => %s, starts_at => %s)",
                (Jsonb([{"offering_id": str(offering)}]), starts_at),
            )["booking_id"]
        conn.execute(
            "update public.bookings set hold_expires_at = now() - interval '1 minute' where id = %s", (booking,)
        )
        conn.commit()
    return str(booking)


def test_every_scheduled_job_runs_and_succeeds(stack: Stack) -> None:
    booking = lapsed_hold(stack.owner_url)
    with psycopg.connect(stack.owner_url, autocommit=True) as conn:
        jobs = conn.execute("select jobname, schedule, command from cron.job order by jobname").fetchall()
        assert ("expire-booking-holds", "* * * * *", "select service.expire_holds()") in jobs
        assert ("rollup-analytics", "7 * * * *", "select service.rollup_recent_days()") in jobs
        assert ("purge-soft-deleted", "41 * * * *", "select private.purge_deleted()") in jobs
        for name, _, command in jobs:
            conn.execute("select cron.schedule(%s, '* * * * *', %s)", (name + PROOF_SUFFIX, command))
        # Every job's one-minute twin must succeed; the jobs themselves too when they run every minute
        # (a daily one, such as trim-stripe-events, is proven by its twin running the same command).
        expected = {name for name, schedule, _ in jobs if schedule == "* * * * *"} | {
            name + PROOF_SUFFIX for name, _, _ in jobs
        }

        deadline = time.monotonic() + 75
        while True:
            runs = conn.execute(
                """
                select j.jobname, d.status, d.return_message
                  from cron.job_run_details d join cron.job j using (jobid)
                 where d.status in ('succeeded', 'failed')
                """
            ).fetchall()
            failed = [run for run in runs if run[1] == "failed"]
            assert not failed, f"a scheduled job failed: {failed}"
            done = {name for name, status, _ in runs if status == "succeeded"}
            if expected <= done:
                break
            assert time.monotonic() < deadline, f"no successful run within 75 s of {sorted(expected - done)}"
            time.sleep(1)

        status = value(conn, "select status from public.bookings where id = %s", (booking,))
        assert status == "expired", "the hold job ran the real service.expire_holds()"
        today = "(now() at time zone 'UTC')::date"
        orders = value(conn, f"select orders_placed from public.analytics_order_days where day = {today}")
        assert orders == 1, "the rollup job's twin ran the real service.rollup_recent_days(): today's booking counts"
