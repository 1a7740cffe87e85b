"""Seed 002, CultureBridge: a client signs up, answers the 20-factor quiz with her wishes and
budget, gets five coaches with the reasons they fit, changes one answer and sees the ranking move,
books the coach now first from the free slots, pays by card (Checkout and Stripe's webhook, faked
at its HTTP boundary), and after the session the coach's total sessions has grown. The coach
learns she was matched with them only once she booked, and never reads her answers. Every
request as PostgREST or API Gateway makes it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, LiteralString

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from devstack.impersonation import as_request
from tests.journeys.conftest import Journey
from tests.support.actors import sign_up

LUCIA = "lucia@coaching.local"
ANSWERS = [3, 3, 4, 2, 3, 4, 4, 2, 3, 3, 4, 3, 3, 4, 2, 4, 4, 3, 3, 5]  # in factor order


def write(journey: Journey, email: str, query: LiteralString, params: Any = ()) -> list[dict[str, Any]]:
    with (
        journey.market.authenticator() as conn,
        as_request(conn, journey.claims(email), method="POST") as c,
        c.cursor(row_factory=dict_row) as cur,
    ):
        cur.execute(query, params)
        return cur.fetchall() if cur.description else []


def names(matches: dict[str, Any]) -> list[str]:
    return [m["display_name"] for m in matches["matches"]]


def onboarded_at_stripe(journey: Journey, email: str) -> None:
    """The coach's Connect account exists at (fake) Stripe: the seed's ids exist only in the demo."""
    account = journey.payments.stripe.add_account(email=email, provider_id=journey.user(email))
    with journey.market.owner() as conn:
        conn.execute(
            "update public.provider_payout_accounts set stripe_account_id = %s where provider_id = %s",
            (account, journey.user(email)),
        )


def test_a_client_is_matched_with_coaches_books_the_best_and_the_coach_counts_the_session(journey: Journey) -> None:
    # Zara signs up and answers the quiz: English, the UK, careers, up to $130 an hour.
    with journey.market.owner() as conn:
        zara_id = sign_up(conn, "Zara")
    zara = journey.market.query("select email from auth.users where id = %s", (zara_id,))[0][0]
    factors = journey.select(zara, "select key from matching_factors order by sort_order")
    assert len(factors) == 20
    quiz = {f["key"]: answer for f, answer in zip(factors, ANSWERS, strict=True)}
    (profile,) = write(
        journey,
        zara,
        "insert into client_profiles (user_id, timezone, quiz_answers, wanted_languages, wanted_countries,"
        " wanted_topics, max_hourly_rate) values (auth.uid(), 'Europe/London', %s, '{en}', '{GB}', '{career}', 13000)"
        " returning quiz_completed_at is not null as completed",
        (Jsonb(quiz),),
    )
    assert profile["completed"]

    # Five coaches, best first, each with the three reasons that counted most.
    first = journey.rpc(zara, "match_coaches", top=5)
    assert first["from_cache"] is False
    assert names(first) == ["Priya Nair", "Seun Adeyemi", "Lucía Romero", "Kenji Coach", "Amélie Dubois"]
    assert [m["rank"] for m in first["matches"]] == [1, 2, 3, 4, 5]
    scores = [m["score"] for m in first["matches"]]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] < scores[0] <= 100
    priya = first["matches"][0]
    assert [r["reason"] for r in priya["reasons"]] == [
        "Knows the countries you work across",
        "Coaches on your topics",
        "Speaks your language",
    ]
    assert priya["reasons"][0]["shared"] == ["GB"]
    assert all(m["hourly_rate"] <= 13000 for m in first["matches"]), "Wei and Hans are over her budget"
    assert journey.rpc(zara, "match_coaches", top=5)["from_cache"] is True

    # She says a shared background hardly matters: the ranking moves, Lucía first.
    write(
        journey,
        zara,
        "update client_profiles set quiz_answers = quiz_answers || '{\"shared_background_importance\": 1}'"
        " where user_id = auth.uid()",
    )
    moved = journey.rpc(zara, "match_coaches", top=5)
    assert moved["from_cache"] is False
    assert names(moved)[:3] == ["Lucía Romero", "Priya Nair", "Seun Adeyemi"]
    best = moved["matches"][0]
    assert "Knows the countries you work across" not in [r["reason"] for r in best["reasons"]]

    # Lucía knows nothing of Zara yet, and never reads her answers.
    assert journey.rpc(LUCIA, "my_matched_clients") == []
    assert journey.select(LUCIA, "select quiz_answers from client_profiles") == []

    # She books Lucía's session at the first free slot next week and pays by card.
    today = date.today()
    slots = journey.rpc(
        zara,
        "free_slots",
        offering_id=best["offering_id"],
        from_date=today + timedelta(days=7),
        to_date=today + timedelta(days=14),
        timezone="Europe/London",
    )
    assert slots, "Lucía has open hours next week"
    booking = journey.rpc(
        zara,
        "create_booking",
        items=[{"offering_id": best["offering_id"]}],
        starts_at=slots[0]["starts_at"],
    )
    onboarded_at_stripe(journey, LUCIA)
    session = journey.lambda_as(zara, "checkout", "POST", "/checkout/sessions", {"invoice_id": booking["invoice_id"]})
    assert session.status == 201, session.body
    delivered = journey.payments.deliver(journey.payments.stripe.complete_checkout(session.body["session_id"]))
    assert delivered.status == 200 and delivered.body["outcome"] == "paid", delivered.body
    (paid,) = journey.select(zara, "select status::text from bookings where id = %s", (booking["booking_id"],))
    assert paid["status"] == "confirmed"

    # Now Lucía sees that Zara was matched with her, and where she ranked; still not her answers.
    (matched,) = journey.rpc(LUCIA, "my_matched_clients")
    assert (matched["display_name"], matched["rank"]) == ("Zara", 1)
    assert journey.select(LUCIA, "select quiz_answers from client_profiles") == []

    # The session takes place; Lucía's total sessions grows, and Zara's matches show it.
    (before,) = journey.select(
        None, "select completed_sessions from provider_profiles where user_id = %s", (journey.user(LUCIA),)
    )
    with journey.market.owner() as conn:
        conn.execute(
            "update public.bookings set starts_at = now() + interval '10 minutes',"
            " ends_at = now() + interval '70 minutes',"
            " blocked_during = tstzrange(now() + interval '10 minutes', now() + interval '70 minutes') where id = %s",
            (booking["booking_id"],),
        )
    journey.rpc(LUCIA, "transition_booking", booking_id=booking["booking_id"], to_status="in_progress")
    journey.rpc(LUCIA, "transition_booking", booking_id=booking["booking_id"], to_status="completed")
    (after,) = journey.select(
        None, "select completed_sessions from provider_profiles where user_id = %s", (journey.user(LUCIA),)
    )
    assert after["completed_sessions"] == before["completed_sessions"] + 1
    again = journey.rpc(zara, "match_coaches", top=5)
    lucia = next(m for m in again["matches"] if m["display_name"] == "Lucía Romero")
    assert lucia["total_sessions"] == after["completed_sessions"]
