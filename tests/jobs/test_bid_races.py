"""Acceptances under concurrency (issue 14): two acceptances of two bids, one bid accepted twice,
and an acceptance racing the bid's withdrawal, each on connections of their own released at the
same moment, as PostgREST runs them. Exactly one outcome wins every time: one accepted bid, one
booking and one invoice at most, the loser answered PT409, the job consistent with its bids."""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from devstack.impersonation import as_request
from tests.bookings.conftest import BARRIER_TIMEOUT, at_once
from tests.journeys.conftest import Journey

HANA = "homeowner@homeservices.local"
PAT = "plumber@homeservices.local"
ROSA = "rooter@homeservices.local"
PLUMBING = "d0000000-0000-4000-8000-000000000006"
ROUNDS = 3


def call(journey: Journey, email: str, sql: str, params: tuple[Any, ...], barrier: threading.Barrier) -> Any:
    with (
        journey.market.authenticator() as conn,
        as_request(conn, journey.claims(email)) as c,
        c.cursor(row_factory=dict_row) as cur,
    ):
        barrier.wait(BARRIER_TIMEOUT)
        return cur.execute(sql, params).fetchone()  # type: ignore[arg-type]


def accept(journey: Journey, bid_id: str, barrier: threading.Barrier) -> Any:
    return call(journey, HANA, "select public.accept_bid(%s) as result", (bid_id,), barrier)


def withdraw(journey: Journey, email: str, bid_id: str, barrier: threading.Barrier) -> Any:
    return call(journey, email, "select (public.withdraw_bid(%s)).status::text as result", (bid_id,), barrier)


def as_user(journey: Journey, email: str, sql: str, params: tuple[Any, ...] = ()) -> Any:
    with (
        journey.market.authenticator() as conn,
        as_request(conn, journey.claims(email), method="POST") as c,
        c.cursor(row_factory=dict_row) as cur,
    ):
        return cur.execute(sql, params).fetchone()  # type: ignore[arg-type]


def open_job(journey: Journey, days: int) -> tuple[str, str, str]:
    """A published job of Hana's with a bid from Pat and one from Rosa."""
    home = journey.select(HANA, "select id::text from addresses where is_default")[0]["id"]
    job = as_user(
        journey,
        HANA,
        "insert into jobs (title, description, category_id, address_id, service_date, service_time, timezone)"
        " values ('Race for the leak', 'Drips.', %s, %s, current_date + %s, '10:00', 'America/Chicago')"
        " returning id::text",
        (PLUMBING, home, days),
    )["id"]
    as_user(journey, HANA, "select public.transition_job(%s, 'published')", (job,))
    bids = [
        as_user(
            journey,
            who,
            "insert into bids (job_id, amount, description, estimated_minutes) values (%s, %s, 'Fix', 60)"
            " returning id::text",
            (job, amount),
        )["id"]
        for who, amount in ((PAT, 16000), (ROSA, 15000))
    ]
    return job, bids[0], bids[1]


def state(journey: Journey, job_id: str) -> dict[str, Any]:
    rows = journey.market.query(
        "select j.status::text, j.provider_id::text, j.bid_count,"
        " (select count(*) from public.bookings b where b.job_id = j.id),"
        " (select count(*) from public.invoices i join public.bookings b on b.id = i.booking_id where b.job_id = j.id),"
        " (select count(*) from public.job_assignments a where a.job_id = j.id),"
        " (select array_agg(b.status::text order by b.amount) from public.bids b where b.job_id = j.id)"
        " from public.jobs j where j.id = %s",
        (job_id,),
    )
    status, provider, live, bookings, invoices, assignments, bids = rows[0]
    return dict(
        status=status,
        provider=provider,
        live=live,
        bookings=bookings,
        invoices=invoices,
        assignments=assignments,
        bids=bids,
    )


def refused(outcome: Any) -> bool:
    return isinstance(outcome, psycopg.Error) and outcome.sqlstate == "PT409"


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_bids_accepted_at_once_one_wins(journey: Journey, round_: int) -> None:
    job, pats, rosas = open_job(journey, 3 + round_)
    barrier = threading.Barrier(2)
    outcomes = at_once([partial(accept, journey, pats, barrier), partial(accept, journey, rosas, barrier)])
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(winners) == 1 and sum(refused(o) for o in outcomes) == 1, outcomes
    won = winners[0]["result"]
    after = state(journey, job)
    assert after["status"] == "assigned" and after["live"] == 0
    assert (after["bookings"], after["invoices"], after["assignments"]) == (1, 1, 1)
    assert sorted(after["bids"]) == ["accepted", "rejected"]
    assert after["provider"] == journey.user(PAT if won["bid_id"] == pats else ROSA)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_bid_accepted_twice_at_once_books_once(journey: Journey, round_: int) -> None:
    job, _, rosas = open_job(journey, 3 + round_)
    barrier = threading.Barrier(2)
    outcomes = at_once([partial(accept, journey, rosas, barrier), partial(accept, journey, rosas, barrier)])
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1 and sum(refused(o) for o in outcomes) == 1, (
        outcomes
    )
    after = state(journey, job)
    assert (after["status"], after["bookings"], after["invoices"], after["assignments"]) == ("assigned", 1, 1, 1)
    assert after["bids"] == ["accepted", "rejected"]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_an_acceptance_racing_a_withdrawal_has_one_outcome(journey: Journey, round_: int) -> None:
    job, _, rosas = open_job(journey, 3 + round_)
    barrier = threading.Barrier(2)
    accepted, withdrawn = at_once(
        [partial(accept, journey, rosas, barrier), partial(withdraw, journey, ROSA, rosas, barrier)]
    )
    after = state(journey, job)
    if isinstance(accepted, BaseException):
        assert refused(accepted) and withdrawn == {"result": "withdrawn"}, (accepted, withdrawn)
        assert (after["status"], after["bookings"], after["assignments"], after["live"]) == ("published", 0, 0, 1)
        assert after["bids"] == ["withdrawn", "pending"]
    else:
        assert refused(withdrawn), withdrawn
        assert (after["status"], after["bookings"], after["assignments"], after["live"]) == ("assigned", 1, 1, 0)
        assert after["bids"] == ["accepted", "rejected"]
