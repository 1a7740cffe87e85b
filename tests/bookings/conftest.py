"""A committed marketplace in a database of its own, and requests made at the same moment
from parallel connections, each logged in as `authenticator` like PostgREST."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from tests.support.actors import SERVICE_ROLE_CLAIMS, as_request, grant_role, sign_up
from tests.support.database import TestDatabase
from tests.support.marketplace import Marketplace, add_schedule, create_marketplace, value

T = TypeVar("T")
BARRIER_TIMEOUT = 30.0


@pytest.fixture
def market(test_database: TestDatabase, fresh_db: str) -> Marketplace:
    return create_marketplace(test_database, fresh_db)


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
