"""Ratings under concurrent reviews (issue 13): twelve clients review the same provider at the
same moment, each on a connection of its own as PostgREST runs it; then an admin hides one while
another client edits theirs. The provider's and the offering's rating and count equal what the
visible reviews say, every time."""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

from tests.bookings.conftest import BARRIER_TIMEOUT, Marketplace, at_once, book
from tests.support.actors import as_request, claims_for, grant_role, sign_up
from tests.support.marketplace import value


def review(market: Marketplace, client_id: str, booking_id: str, rating: int, barrier: threading.Barrier) -> Any:
    with market.authenticator() as conn, as_request(conn, market.claims[client_id], path="/rpc/write_review"):
        barrier.wait(BARRIER_TIMEOUT)
        return value(conn, "select (public.write_review(%s, %s, 'Concurrent words')).id", (booking_id, rating))


def hide(market: Marketplace, admin_claims: dict[str, Any], review_id: str, barrier: threading.Barrier) -> Any:
    with market.authenticator() as conn, as_request(conn, admin_claims, path="/rpc/hide_review"):
        barrier.wait(BARRIER_TIMEOUT)
        return value(conn, "select (public.hide_review(%s, true, 'Off topic')).id", (review_id,))


def edit(market: Marketplace, client_id: str, review_id: str, rating: int, barrier: threading.Barrier) -> Any:
    with market.authenticator() as conn, as_request(conn, market.claims[client_id], path="/rpc/edit_review"):
        barrier.wait(BARRIER_TIMEOUT)
        return value(conn, "select (public.edit_review(%s, %s)).id", (review_id, rating))


def aggregates(market: Marketplace) -> dict[str, tuple[Any, ...]]:
    truth = market.query(
        "select count(*), coalesce(round(avg(rating), 2), 0) from public.reviews"
        " where hidden_at is null and deleted_at is null and provider_id = %s",
        (market.provider_id,),
    )[0]
    provider = market.query(
        "select rating_count, rating from public.provider_profiles where user_id = %s", (market.provider_id,)
    )[0]
    offering = market.query("select rating_count, rating from public.offerings where id = %s", (market.offering_id,))[0]
    return {"visible reviews": truth, "provider": provider, "offering": offering}


def test_concurrent_reviews_hides_and_edits_keep_the_ratings_exact(market: Marketplace) -> None:
    clients = market.add_clients(12)
    bookings = []
    for index, client in enumerate(clients):
        booked = book(market, client, market.slot(index * 2), threading.Barrier(1))
        bookings.append(booked["booking_id"])
    market.query("update public.bookings set status = 'completed' where id = any(%s::uuid[]) returning id", (bookings,))
    ratings = [1 + (index * 7) % 5 for index in range(len(clients))]

    barrier = threading.Barrier(len(clients))
    ids = at_once(
        [partial(review, market, c, b, r, barrier) for c, b, r in zip(clients, bookings, ratings, strict=True)]
    )
    assert all(isinstance(i, str) or i is not None for i in ids), ids
    after_writes = aggregates(market)
    assert after_writes["provider"] == after_writes["offering"] == after_writes["visible reviews"]
    assert after_writes["provider"][0] == len(clients)

    with market.owner() as conn:
        admin = sign_up(conn, "admin")
        grant_role(conn, admin, "admin")
        admin_claims = claims_for(conn, admin)
    barrier = threading.Barrier(3)
    at_once(
        [
            partial(hide, market, admin_claims, str(ids[0]), barrier),
            partial(edit, market, clients[1], str(ids[1]), 5, barrier),
            partial(edit, market, clients[2], str(ids[2]), 1, barrier),
        ]
    )
    after_moderation = aggregates(market)
    assert after_moderation["provider"] == after_moderation["offering"] == after_moderation["visible reviews"]
    assert after_moderation["provider"][0] == len(clients) - 1
