"""A committed marketplace in a database of its own, and requests made at the same moment
from parallel connections, each logged in as `authenticator` like PostgREST."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, LiteralString, TypeVar

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from tests.support.actors import SERVICE_ROLE_CLAIMS, as_request, claims_for, grant_role, sign_up
from tests.support.database import TestDatabase

T = TypeVar("T")
BARRIER_TIMEOUT = 30.0


def value(conn: psycopg.Connection, query: LiteralString, params: Sequence[Any] = ()) -> Any:
    """The first column of the one row a query returns."""
    row = conn.execute(query, params).fetchone()
    assert row is not None, query
    return row[0]


@dataclass
class Marketplace:
    """One provider with a bookable offering (and, on demand, a collector-scheduled lab test),
    open every day in UTC with no notice, and clients with their access token claims."""

    test_database: TestDatabase
    name: str
    provider_id: str = ""
    offering_id: str = ""
    category_id: str = ""
    day: datetime | None = None  # 10:00 UTC, two days from now: the first slot the tests book
    clients: list[str] = field(default_factory=list)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)

    def owner(self) -> psycopg.Connection:
        """A connection as postgres, the owner of the tables: bypasses RLS, for set-up and checks."""
        return psycopg.connect(self.test_database.url(self.name))

    def authenticator(self) -> psycopg.Connection:
        """A connection as PostgREST has it: logged in as authenticator, role switched per request."""
        return psycopg.connect(self.test_database.url(self.name, user="authenticator"))

    def slot(self, index: int = 0) -> datetime:
        """The index-th half-hour slot from 10:00 UTC two days from now."""
        assert self.day is not None
        return self.day + timedelta(minutes=30 * index)

    def add_clients(self, count: int, *, with_address: bool = False) -> list[str]:
        with self.owner() as conn:
            ids = [sign_up(conn, f"client{len(self.clients) + i}") for i in range(count)]
            for user_id in ids:
                self.claims[user_id] = claims_for(conn, user_id)
                if with_address:
                    self.addresses[user_id] = str(
                        value(
                            conn,
                            "insert into public.addresses (user_id, line1, city, postal_code, country_code)"
                            " values (%s, '1 Test Street', 'Testville', 'AB1 2CD', 'GB') returning id",
                            (user_id,),
                        )
                    )
        self.clients.extend(ids)
        return ids

    def query(self, sql: LiteralString, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.owner() as conn:
            return conn.execute(sql, params).fetchall()


def add_schedule(conn: psycopg.Connection, user_id: str) -> None:
    """Open 06:00-22:00 UTC every day, 30-minute steps, no buffers, no notice."""
    conn.execute(
        "insert into public.schedules (user_id, timezone, slot_step_minutes, min_notice_minutes, horizon_days)"
        " values (%s, 'UTC', 30, 0, 60)",
        (user_id,),
    )
    conn.execute(
        "insert into public.availability_rules (user_id, weekday, start_time, end_time)"
        " select %s, d, '06:00', '22:00' from generate_series(1, 7) d",
        (user_id,),
    )


@pytest.fixture
def market(test_database: TestDatabase, fresh_db: str) -> Marketplace:
    m = Marketplace(test_database, fresh_db)
    with m.owner() as conn:
        m.provider_id = sign_up(conn, "provider", account_type="provider")
        conn.execute(
            "insert into public.provider_profiles (user_id, kind, headline, hourly_rate, currency)"
            " values (%s, 'consultant', 'Concurrency consultant', 10000, 'USD')",
            (m.provider_id,),
        )
        m.category_id = str(
            value(
                conn,
                "insert into public.categories (slug, name, commission_rate)"
                " values ('consulting', 'Consulting', 0.1) returning id",
            )
        )
        m.offering_id = str(
            value(
                conn,
                "insert into public.offerings (provider_id, category_id, kind, title, price, currency,"
                " duration_minutes, status) values (%s, %s, 'session', 'Strategy call', 10000, 'USD', 30, 'active')"
                " returning id",
                (m.provider_id, m.category_id),
            )
        )
        add_schedule(conn, m.provider_id)
        m.day = value(conn, "select date_trunc('day', now(), 'UTC') + interval '2 days 10 hours'")
    return m


@dataclass
class LabTest:
    offering_id: str
    collectors: list[str]


@pytest.fixture
def lab_test(market: Marketplace) -> LabTest:
    """A platform lab test collected at the client's home by one of two collectors, each with a schedule,
    in a postcode area of the platform."""
    with market.owner() as conn:
        collectors = [sign_up(conn, f"collector{i}") for i in range(2)]
        for user_id in collectors:
            grant_role(conn, user_id, "staff", "collector")
            add_schedule(conn, user_id)
        offering_id = value(
            conn,
            "insert into public.offerings (provider_id, category_id, kind, title, price, currency, duration_minutes,"
            " status, location, scheduled_on) values (null, %s, 'lab_test', 'Blood panel', 5000, 'USD', 30,"
            " 'active', 'client_site', 'collector') returning id",
            (market.category_id,),
        )
        conn.execute(
            "insert into public.service_areas (provider_id, name, country_code, postal_codes)"
            " values (null, 'Testville', 'GB', array['AB1 2CD'])"
        )
    return LabTest(str(offering_id), sorted(collectors))


def at_once(tasks: Sequence[Callable[[], T]]) -> list[T | BaseException]:
    """Run every task in its own thread, released together; the result or the exception of each."""
    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        futures = [pool.submit(task) for task in tasks]
        outcomes: list[T | BaseException] = []
        for future in futures:
            error = future.exception(timeout=120)
            outcomes.append(error if error is not None else future.result())
    return outcomes


def book(
    market: Marketplace,
    client_id: str,
    starts_at: datetime,
    barrier: threading.Barrier,
    *,
    offering_id: str | None = None,
    coupon_code: str | None = None,
    address_id: str | None = None,
    then_fail: bool = False,
) -> dict[str, Any]:
    """public.create_booking as a client's POST /rpc/create_booking, on a connection of its own,
    called once every other thread of the barrier is inside its own request transaction."""
    with market.authenticator() as conn, as_request(conn, market.claims[client_id], path="/rpc/create_booking"):
        barrier.wait(BARRIER_TIMEOUT)
        result: dict[str, Any] = value(
            conn,
            "select public.create_booking(items => %s, starts_at => %s, coupon_code => %s, address_id => %s)",
            (Jsonb([{"offering_id": offering_id or market.offering_id}]), starts_at, coupon_code, address_id),
        )
        if then_fail:
            raise ClientGaveUp(result)
        return result


def settle(market: Marketplace, invoice_id: str, barrier: threading.Barrier) -> dict[str, Any]:
    """service.settle_invoice as the payments Lambda calls it (service_role, schema service)."""
    with market.authenticator() as conn, as_request(conn, SERVICE_ROLE_CLAIMS, schema="service", path="/rpc/settle"):
        barrier.wait(BARRIER_TIMEOUT)
        with conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute("select * from service.settle_invoice(%s)", (invoice_id,)).fetchone()
        assert row is not None
        return row


class ClientGaveUp(Exception):
    """Raised after create_booking succeeded, so that the request's transaction rolls back."""
