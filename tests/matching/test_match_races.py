"""A stale match cache asked for by many requests at once (issue 17): each on a connection of its
own, released together, as PostgREST runs them. The matches are computed once: every answer
carries the same computed_at, the cache's computation count grows by one, and all but the
first answer from the cache."""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

from psycopg.rows import dict_row

from devstack.impersonation import as_request
from tests.bookings.conftest import BARRIER_TIMEOUT, at_once
from tests.journeys.conftest import Journey

AMARA = "coachee@coaching.local"
PARALLEL = 6
ROUNDS = 3


def ask(journey: Journey, barrier: threading.Barrier) -> Any:
    with (
        journey.market.authenticator() as conn,
        as_request(conn, journey.claims(AMARA), method="POST") as c,
        c.cursor(row_factory=dict_row) as cur,
    ):
        barrier.wait(BARRIER_TIMEOUT)
        row = cur.execute("select public.match_coaches(5) as result").fetchone()
        assert row is not None
        return row["result"]


def computations(journey: Journey) -> int:
    rows = journey.market.query(
        "select computations from public.match_cache where client_id = %s", (journey.user(AMARA),)
    )
    return int(rows[0][0]) if rows else 0


def test_concurrent_requests_for_a_stale_cache_compute_it_once(journey: Journey) -> None:
    for round_ in range(ROUNDS):
        # Stale: her answers changed (or, the first time, never computed).
        journey.market.query(
            "update public.client_profiles set wanted_topics = %s where user_id = %s returning 1",
            (["career"] if round_ % 2 else ["career", "relocation"], journey.user(AMARA)),
        )
        before = computations(journey)
        barrier = threading.Barrier(PARALLEL)

        answers = at_once([partial(ask, journey, barrier) for _ in range(PARALLEL)])

        assert all(not isinstance(a, BaseException) for a in answers), answers
        assert computations(journey) == before + 1, f"round {round_}"
        assert len({a["computed_at"] for a in answers}) == 1
        assert sorted(a["from_cache"] for a in answers) == [False] + [True] * (PARALLEL - 1)
        assert len({str(a["matches"]) for a in answers}) == 1
