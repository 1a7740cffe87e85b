"""Seed 004's chat: Hana and Pat talk about the leak repair he is doing now, in the room the
database opened with the booking. Hana sends a photo, Pat answers, Hana mutes the room, Pat
finishes the job; a stranger reads and writes nothing. Every request as PostgREST makes it."""

from __future__ import annotations

from typing import Any, LiteralString

import psycopg
import pytest
from psycopg.rows import dict_row

from devstack.impersonation import as_request
from tests.journeys.conftest import Journey

HANA = "homeowner@homeservices.local"
PAT = "plumber@homeservices.local"
STRANGER = "petowner@petlab.local"
MY_UNREAD: LiteralString = "select unread_count from chat_participants where user_id = auth.uid() and room_id = %s"


def write(journey: Journey, email: str, query: LiteralString, params: Any = ()) -> list[dict[str, Any]]:
    """POST / PATCH on a table (or Storage's own insert of an upload) as `email`, RLS deciding."""
    with (
        journey.market.authenticator() as conn,
        as_request(conn, journey.claims(email), method="POST") as c,
        c.cursor(row_factory=dict_row) as cur,
    ):
        cur.execute(query, params)
        return cur.fetchall() if cur.description else []


def chat_events_for(journey: Journey, email: str) -> list[str]:
    rows = journey.market.query(
        "select data ->> 'preview' from private.notification_outbox"
        " where event_type = 'chat.message_received' and %s::uuid = any (recipient_ids) order by id",
        (journey.user(email),),
    )
    return [row[0] for row in rows]


def test_hana_and_pat_talk_about_the_leak_repair(journey: Journey) -> None:
    # Hana opens the chat of the booking under way: the room came with it.
    (room,) = journey.select(
        HANA,
        "select r.id::text from chat_rooms r join bookings b on b.id = r.booking_id where b.status = 'in_progress'",
    )
    room_id = room["id"]
    people = journey.select(
        HANA, "select role::text from chat_participants where room_id = %s order by role", (room_id,)
    )
    assert [p["role"] for p in people] == ["client", "provider"]

    # She uploads a photo of the leak into the room's folder and sends it.
    path = f"{room_id}/sink.jpg"
    write(
        journey,
        HANA,
        "insert into storage.objects (bucket_id, name, owner_id, metadata)"
        ' values (\'chat-attachments\', %s, auth.uid()::text, \'{"size": 482113, "mimetype": "image/jpeg"}\')',
        (path,),
    )
    (photo,) = write(
        journey,
        HANA,
        "insert into chat_messages (room_id, body, attachment_path) values (%s, 'This is the drip under the sink', %s)"
        " returning id, kind::text, attachment_type, attachment_size",
        (room_id, path),
    )
    assert (photo["kind"], photo["attachment_type"], photo["attachment_size"]) == ("attachment", "image/jpeg", 482113)
    assert chat_events_for(journey, PAT)[-1] == "This is the drip under the sink", "Pat is told of it"

    # Pat reads the latest 50 messages and the photo, and answers it.
    latest = journey.select(
        PAT,
        "select id, body, kind::text from chat_messages where room_id = %s order by created_at desc, id desc limit 50",
        (room_id,),
    )
    assert latest[0]["id"] == photo["id"]
    assert journey.select(PAT, "select name from storage.objects where bucket_id = 'chat-attachments'") == [
        {"name": path}
    ]
    (unread,) = journey.select(PAT, MY_UNREAD, (room_id,))
    assert unread["unread_count"] == 1
    write(
        journey,
        PAT,
        "insert into chat_messages (room_id, body, reply_to_id) values (%s, 'Got it: a worn valve. Ten minutes.', %s)",
        (room_id, photo["id"]),
    )
    journey.rpc(PAT, "mark_chat_read", room_id=room_id)
    assert chat_events_for(journey, HANA)[-1] == "Got it: a worn valve. Ten minutes."

    # Hana mutes the room for the evening: Pat's next message reaches her chat, not her phone.
    write(
        journey,
        HANA,
        "update chat_participants set muted_until = now() + interval '8 hours'"
        " where room_id = %s and user_id = auth.uid()",
        (room_id,),
    )
    told_before = chat_events_for(journey, HANA)
    write(
        journey,
        PAT,
        "insert into chat_messages (room_id, body) values (%s, 'Valve replaced, testing now.')",
        (room_id,),
    )
    assert chat_events_for(journey, HANA) == told_before, "a muted room notifies nobody"
    (mine,) = journey.select(HANA, MY_UNREAD, (room_id,))
    assert mine["unread_count"] == 3, "the seed's answer, Pat's reply and his last message are unread"

    # She reads them: Pat sees her read receipt on his last message.
    journey.rpc(HANA, "mark_chat_read", room_id=room_id)
    (receipt,) = journey.select(
        PAT,
        "select p.unread_count, p.last_read_message_id = (select max(id) from chat_messages where room_id = %s) as seen"
        " from chat_participants p where p.room_id = %s and p.role = 'client'",
        (room_id, room_id),
    )
    assert receipt == {"unread_count": 0, "seen": True}

    # Pat finishes: the database writes it in the chat.
    booking = journey.select(PAT, "select booking_id::text from chat_rooms where id = %s", (room_id,))[0]["booking_id"]
    journey.rpc(PAT, "transition_booking", booking_id=booking, to_status="completed")
    (last,) = journey.select(
        HANA,
        "select kind::text, system_event from chat_messages where room_id = %s order by id desc limit 1",
        (room_id,),
    )
    assert last == {"kind": "system", "system_event": "booking.completed"}

    # A stranger (the pet lab's Pia) sees no room, message or photo, and cannot write there.
    assert journey.select(STRANGER, "select id from chat_rooms where id = %s", (room_id,)) == []
    assert journey.select(STRANGER, "select id from chat_messages where room_id = %s", (room_id,)) == []
    assert journey.select(STRANGER, "select name from storage.objects where name = %s", (path,)) == []
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        write(journey, STRANGER, "insert into chat_messages (room_id, body) values (%s, 'hello?')", (room_id,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        write(
            journey,
            STRANGER,
            "insert into storage.objects (bucket_id, name, owner_id, metadata)"
            ' values (\'chat-attachments\', %s, auth.uid()::text, \'{"size": 10, "mimetype": "image/png"}\')',
            (f"{room_id}/spam.png",),
        )
