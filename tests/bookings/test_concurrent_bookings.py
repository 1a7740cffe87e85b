"""Concurrency guarantees of bookings (issue 3), on real Postgres with parallel connections.

Every request runs as PostgREST runs it: its own connection as `authenticator`, the role and
claims set in its transaction. The requests of one test are released together by a barrier once
each is inside its transaction, so they race on the constraints and locks in SQL.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

import psycopg
import pytest
from psycopg import errors

from tests.bookings.conftest import ClientGaveUp, LabTest, Marketplace, at_once, book, settle, value


def split(outcomes: list[Any]) -> tuple[list[dict[str, Any]], list[BaseException]]:
    wins = [o for o in outcomes if isinstance(o, dict)]
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    return wins, failures


def assert_slot_taken(failures: list[BaseException]) -> None:
    for failure in failures:
        # create_booking answers a lost race as PT409, which PostgREST sends as 409.
        assert isinstance(failure, psycopg.Error) and failure.sqlstate == "PT409", repr(failure)
        assert "slot taken" in str(failure)


def live_bookings(market: Marketplace) -> list[tuple[Any, ...]]:
    return market.query(
        "select id, client_id, collector_id from public.bookings"
        " where status in ('held', 'confirmed', 'in_progress') order by created_at"
    )


def test_of_simultaneous_bookings_of_one_slot_exactly_one_wins(market: Marketplace) -> None:
    clients = market.add_clients(12)
    barrier = threading.Barrier(len(clients))
    outcomes = at_once([partial(book, market, client, market.slot(), barrier) for client in clients])

    wins, failures = split(outcomes)
    assert len(wins) == 1, outcomes
    assert len(failures) == len(clients) - 1
    assert_slot_taken(failures)

    (booking,) = live_bookings(market)
    assert str(booking[0]) == wins[0]["booking_id"]
    assert market.query("select count(*) from public.bookings") == [(1,)]
    invoices = market.query("select booking_id, number_sequence from public.invoices")
    assert [(str(b), n) for b, n in invoices] == [(wins[0]["booking_id"], 1)]


# The code is matched case-insensitively (citext): "launch5" redeems LAUNCH5.
@pytest.mark.parametrize("code", ["LAUNCH5", "launch5"])
def test_a_coupon_limited_to_n_uses_admits_exactly_n_simultaneous_bookings(market: Marketplace, code: str) -> None:
    limit = 5
    with market.owner() as conn:
        offer_id = value(conn, "insert into public.offers (name, percent_off) values ('Launch week', 10) returning id")
        conn.execute(
            "insert into public.coupons (offer_id, code, max_redemptions, max_per_user) values (%s, 'LAUNCH5', %s, 1)",
            (offer_id, limit),
        )
    clients = market.add_clients(3 * limit)
    barrier = threading.Barrier(len(clients))
    outcomes = at_once(
        [partial(book, market, c, market.slot(i), barrier, coupon_code=code) for i, c in enumerate(clients)]
    )

    wins, failures = split(outcomes)
    assert len(wins) == limit, outcomes
    assert all(w["total"] == 9000 for w in wins)
    assert len(failures) == 2 * limit
    for failure in failures:
        assert isinstance(failure, errors.InvalidParameterValue), repr(failure)
        assert failure.sqlstate == "22023"
        assert "has been used up" in str(failure)
    redemptions = market.query("select booking_id, status from public.coupon_redemptions")
    assert sorted((str(b), s) for b, s in redemptions) == sorted((w["booking_id"], "reserved") for w in wins)
    assert market.query("select count(*) from public.bookings") == [(limit,)]

    # Payment lands twice for each booking at the same moment (a webhook retried): each use counts once.
    invoice_ids = [w["invoice_id"] for w in wins] * 2
    barrier = threading.Barrier(len(invoice_ids))
    settled = at_once([partial(settle, market, invoice_id, barrier) for invoice_id in invoice_ids])
    assert all(isinstance(s, dict) and s["status"] == "paid" and s["amount_paid"] == 9000 for s in settled), settled

    redemptions = market.query("select status, count(*), count(redeemed_at) from public.coupon_redemptions group by 1")
    assert redemptions == [("redeemed", limit, limit)]
    assert market.query("select status, count(*) from public.bookings group by 1") == [("confirmed", limit)]
    confirmations = market.query(
        "select booking_id, count(*) from public.booking_status_changes where to_status = 'confirmed' group by 1"
    )
    assert sorted((str(b), n) for b, n in confirmations) == sorted((w["booking_id"], 1) for w in wins)
    assert market.query("select sum(amount_paid) from public.invoices") == [(limit * 9000,)]


def test_invoice_numbers_stay_gapless_when_concurrent_bookings_roll_back(market: Marketplace) -> None:
    clients = market.add_clients(20)
    gives_up = {i for i in range(len(clients)) if i % 3 == 1}
    barrier = threading.Barrier(len(clients))
    outcomes = at_once(
        [
            partial(book, market, client, market.slot(i), barrier, then_fail=i in gives_up)
            for i, client in enumerate(clients)
        ]
    )

    wins, failures = split(outcomes)
    assert len(failures) == len(gives_up) and all(isinstance(f, ClientGaveUp) for f in failures), outcomes
    committed = len(wins)
    rows = market.query("select number_year, number_sequence, number from public.invoices order by number_sequence")
    assert [r[1] for r in rows] == list(range(1, committed + 1))
    assert all(number == f"INV-{year}-{sequence:06d}" for year, sequence, number in rows)
    assert sorted(w["invoice_number"] for w in wins) == [r[2] for r in rows]
    assert market.query("select count(*) from public.bookings") == [(committed,)]
    assert market.query("select last_number from private.invoice_counters") == [(committed,)]


def test_a_collector_scheduled_slot_is_shared_by_the_pool_of_collectors(market: Marketplace, lab_test: LabTest) -> None:
    clients = market.add_clients(3, with_address=True)
    barrier = threading.Barrier(len(clients))
    outcomes = at_once(
        [
            partial(
                book,
                market,
                client,
                market.slot(),
                barrier,
                offering_id=lab_test.offering_id,
                address_id=market.addresses[client],
            )
            for client in clients
        ]
    )

    wins, failures = split(outcomes)
    assert len(wins) == 2, outcomes
    assert sorted(w["collector_id"] for w in wins) == lab_test.collectors
    assert len(failures) == 1
    assert_slot_taken(failures)
    live = live_bookings(market)
    assert sorted(str(collector) for _, _, collector in live) == lab_test.collectors
    assert market.query("select count(*) from public.invoices") == [(2,)]


def test_a_lapsed_hold_frees_its_slot_for_exactly_one_of_two_simultaneous_bookings(market: Marketplace) -> None:
    first, *rivals = market.add_clients(3)
    lapsed = book(market, first, market.slot(), threading.Barrier(1))
    with market.owner() as conn:
        conn.execute(
            "update public.bookings set hold_expires_at = now() - interval '1 minute' where id = %s",
            (lapsed["booking_id"],),
        )

    barrier = threading.Barrier(len(rivals))
    outcomes = at_once([partial(book, market, client, market.slot(), barrier) for client in rivals])

    wins, failures = split(outcomes)
    assert len(wins) == 1, outcomes
    assert_slot_taken(failures)
    (booking,) = live_bookings(market)
    assert str(booking[0]) == wins[0]["booking_id"]
    assert market.query("select status from public.bookings where id = %s", (lapsed["booking_id"],)) == [("expired",)]
    assert market.query("select status from public.invoices where id = %s", (lapsed["invoice_id"],)) == [("void",)]
    expiries = market.query(
        "select count(*) from public.booking_status_changes where booking_id = %s and to_status = 'expired'",
        (lapsed["booking_id"],),
    )
    assert expiries == [(1,)]
