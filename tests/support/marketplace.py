"""A committed marketplace in a database of its own, for tests that need several
connections (concurrency, the Lambda apps end to end): connections as the table owner and
as `authenticator` (like PostgREST), and clients with their access token claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, LiteralString

import psycopg

from tests.support.actors import claims_for, sign_up
from tests.support.database import TestDatabase


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


def create_marketplace(test_database: TestDatabase, name: str) -> Marketplace:
    """A committed marketplace in database `name`: one consultant selling a 30-minute call for
    100.00 USD in a 10% commission category, open 06:00-22:00 UTC every day."""
    m = Marketplace(test_database, name)
    with m.owner() as conn:
        m.provider_id = sign_up(conn, "provider", account_type="provider")
        conn.execute(
            "insert into public.provider_profiles (user_id, kind, headline, hourly_rate, currency)"
            " values (%s, 'consultant', 'Concurrency consultant', 20000, 'USD')",  # 30 minutes: 100.00
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
