"""Seeds 000 and 002, the community: on the demo marketplace, as the seed's people do it through
PostgREST-style requests. Amara asks the forum a question, Kenji answers, she hears of it, a
member upvotes; anyone reads the public blog, only members the private talk; Chris's review of
Carla stands beside Pia's of the lab; a visitor writes through the contact form and an admin
triages it."""

from __future__ import annotations

from typing import Any

from tests.journeys.conftest import Journey
from tests.support.actors import as_request

AMARA = "coachee@coaching.local"
KENJI = "coach@coaching.local"
CHRIS = "client@consulting.local"
ADMIN = "admin@marketbase.local"


def write(journey: Journey, email: str | None, statement: Any, params: Any = ()) -> list[tuple[Any, ...]]:
    """A POST/PATCH as PostgREST runs it for `email` (None: anon), returning what it returns."""
    with journey.market.authenticator() as conn, as_request(conn, journey.claims(email)) as request:
        cursor = request.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def test_the_forum_the_blog_reviews_and_the_contact_form(journey: Journey) -> None:
    amara, kenji = journey.user(AMARA), journey.user(KENJI)

    # Amara asks; Kenji answers; she is told; Chris upvotes.
    (question,) = write(
        journey,
        AMARA,
        "insert into public.posts (kind, author_id, title, body, status, tags)"
        " values ('question', %s, 'Feedback across cultures?', 'How direct can I be with a Japanese team?',"
        " 'published', '{culture}') returning id",
        (amara,),
    )
    write(
        journey,
        KENJI,
        "insert into public.comments (post_id, author_id, body) values (%s, %s, 'Start with the relationship.')",
        (question[0], kenji),
    )
    write(
        journey,
        CHRIS,
        "insert into public.reactions (user_id, post_id, kind) values (%s, %s, 'upvote')",
        (journey.user(CHRIS), question[0]),
    )
    (counts,) = journey.select(
        None, "select comment_count, reaction_count from public.posts where id = %s", (question[0],)
    )
    assert counts == {"comment_count": 1, "reaction_count": 1}
    answered = journey.market.query(
        "select recipient_ids::text[] from private.notification_outbox where event_type = 'question.answered'"
    )
    assert answered == [([amara],)], "Amara hears that her question has an answer"

    # A private discussion: members read it, anon does not; anyone finds the public question.
    write(
        journey,
        AMARA,
        "insert into public.posts (kind, author_id, title, body, status, is_private)"
        " values ('discussion', %s, 'Members: our rates', 'What do you charge?', 'published', true)",
        (amara,),
    )
    anon_titles = {r["title"] for r in journey.select(None, "select title from public.posts")}
    member_titles = {r["title"] for r in journey.select(CHRIS, "select title from public.posts")}
    assert "Members: our rates" not in anon_titles and "Members: our rates" in member_titles
    found = journey.rpc(None, "search_posts", query="culture OR direct")
    assert [row["title"] for row in found] == ["Feedback across cultures?"]

    # Reviews: the seed's (Chris's with Carla's answer, Pia's of the lab, Ben's of a workflow); an
    # admin hides an abusive one and the rating follows.
    reviews = journey.select(
        None, "select rating, response is not null as answered from public.reviews order by rating, answered"
    )
    assert reviews == [
        {"rating": 4, "answered": True},
        {"rating": 5, "answered": False},
        {"rating": 5, "answered": False},
    ]
    carla = journey.user("consultant@consulting.local")
    rating = "select rating, rating_count from public.provider_profiles where user_id = %s"
    assert journey.select(None, rating, (carla,)) == [{"rating": 4, "rating_count": 1}]
    (chris_review,) = journey.select(CHRIS, "select id from public.reviews where author_id = auth.uid()")
    journey.rpc(ADMIN, "hide_review", review_id=chris_review["id"], hidden=True, reason="Names a member of staff")
    assert journey.select(None, rating, (carla,)) == [{"rating": 0, "rating_count": 0}], (
        "a hidden review stops counting"
    )
    assert journey.select(None, "select count(*) as n from public.reviews") == [{"n": 2}], "anon reads the two others"

    # A visitor writes; an admin triages; the visitor cannot read it back.
    write(
        journey,
        None,
        "insert into public.contact_messages (name, email, subject, body, topic) values"
        " ('Ola', 'ola@example.com', 'Group coaching?', 'Do you coach teams of five?', 'general')",
    )
    triaged = write(
        journey,
        ADMIN,
        "update public.contact_messages set status = 'in_progress', assignee_id = auth.uid()"
        " where email = 'ola@example.com' returning status::text",
    )
    assert triaged == [("in_progress",)]
