"""Notifications abused through the API, end to end (the apps' RPCs as PostgREST runs them, the
dispatcher, the SMTP sink, Twilio and FCM faked at the HTTP boundary), and what reaches people:

* the relay: a client named after a phishing link books and cancels in a loop. The provider's
  email, SMS and push carry no link from the name, and beyond the per-actor limit only the inbox
  hears of it (20260115000000, 20260115000200, render.py);
* SMS to a typed number: nothing is sent to a number Supabase Auth did not verify, and a verified
  one gets at most the daily cap (20260115000200);
* push token takeover: another account cannot register a known token; the owner keeps getting
  their pushes until they sign the device out (20260115000300).

And the two renderers of user text, the database's and render.py's, write the same."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from functions.db.port import Caller, DatabaseError
from functions.notifications.render import render, sanitize_user_text
from tests.notifications.conftest import Notify, Person
from tests.support.actors import as_request, claims_for
from tests.support.fake_fcm import device_token
from tests.support.marketplace import value

PHISH = "Claim refund at https://evil.example/refund?id=1"
LINKISH = re.compile(r"evil\.example|https?://evil", re.IGNORECASE)


def payment_failed(invoice: str) -> dict[str, Any]:
    return {
        "booking_id": None,
        "invoice_number": invoice,
        "offering_title": "Strategy call",
        "amount": "100.00",
        "currency": "USD",
        "reason": "card declined",
        "action_url": "https://market.example/invoices/1",
    }


def texts(message: EmailMessage) -> str:
    """Everything a mail client shows: subject, plain text and HTML."""
    parts = [str(message["Subject"])]
    for kind in ("plain", "html"):
        part = message.get_body((kind,))
        assert isinstance(part, EmailMessage)
        parts.append(str(part.get_content()))
    return "\n".join(parts)


def as_user(notify: Notify, person: Person | dict[str, Any], query: Any, params: Any = ()) -> Any:
    """One statement as the user, through PostgREST's impersonation; its first value."""
    claims = person.claims if isinstance(person, Person) else person
    with notify.market.authenticator() as conn, as_request(conn, claims):
        row = conn.execute(query, params).fetchone()
    return None if row is None else row[0]


def caller(person: Person) -> Caller:
    return Caller(token="test", claims=person.claims)


def set_limit(notify: Notify, key: str, limit: int) -> None:
    notify.execute("update private.settings set value = to_jsonb(%s::integer) where key = %s", (limit, key))


# --- 9. the relay --------------------------------------------------------------------------------


def test_a_client_named_after_a_link_who_books_and_cancels_in_a_loop_relays_no_link_and_soon_only_the_inbox(
    notify: Notify,
) -> None:
    set_limit(notify, "notifications.max_per_actor_per_hour", 2)
    provider_phone, provider_token = "+14155550186", device_token()
    with notify.market.owner() as conn:
        provider_claims = claims_for(conn, notify.market.provider_id)
        provider_email = str(value(conn, "select email from auth.users where id = %s", (notify.market.provider_id,)))
        conn.execute(
            "update auth.users set phone = ltrim(%s, '+'), phone_confirmed_at = now() where id = %s",
            (provider_phone, notify.market.provider_id),
        )
        conn.execute(
            "insert into public.notification_preferences (user_id, category, channel, enabled)"
            " values (%s, 'bookings', 'sms', true)",
            (notify.market.provider_id,),
        )
    as_user(notify, provider_claims, "select public.register_push_token(%s, 'android')", (provider_token,))
    relay = notify.person("relay")
    as_user(notify, relay, "update public.profiles set display_name = %s where id = auth.uid() returning 1", (PHISH,))

    cancelled = []
    for cycle in range(3):
        booking = notify.book(relay, slot=cycle)
        as_user(notify, relay, "select public.transition_booking(%s, 'cancelled')", (booking,))
        cancelled.append(booking)
    summary = notify.dispatch()

    # Two cancellations reach the provider by email, SMS and push; the third only the inbox.
    mails = notify.sink.messages_to(provider_email)
    assert len(mails) == 2 and all(m["Subject"].startswith("Cancelled: ") for m in mails)
    assert [m["to"] for m in notify.twilio.sent] == [provider_phone] * 2
    assert [m["token"] for m in notify.fcm.delivered] == [provider_token] * 2
    outbox = {
        row["booking_id"]: row["id"]
        for row in notify.rows(
            "select id, booking_id::text from private.notification_outbox where event_type = 'booking.cancelled'"
        )
    }
    third = [d for d in notify.deliveries(outbox[cancelled[2]]) if str(d["user_id"]) == notify.market.provider_id]
    assert sorted((d["channel"], d["status"]) for d in third) == [
        ("email", "skipped"),
        ("push", "skipped"),
        ("sms", "skipped"),
    ]
    assert {d["last_error"] for d in third} == {
        "rate limited: 2 notifications from the same person in the last hour; the inbox has it"
    }
    inbox = [n for n in notify.inbox(notify.market.provider_id) if n["event_type"] == "booking.cancelled"]
    assert len(inbox) == 3
    # What did arrive names the client without a link: not in the subject, the text or the HTML.
    for mail in mails:
        shown = texts(mail)
        assert LINKISH.search(shown) is None, shown
        assert "Claim refund at https[:]//evil[.]example/refund?id=1" in shown
        html = mail.get_body(("html",))
        assert isinstance(html, EmailMessage)
        (href,) = re.findall(r'href="([^"]*)"', str(html.get_content()))
        assert href in {f"http://localhost:3000/bookings/{b}" for b in cancelled}, "the one link is the platform's"
    assert all(LINKISH.search(m["body"]) is None for m in notify.twilio.sent)
    # The client's own messages greet them by their name, made harmless too (render.py's recipient_name).
    (held, *_) = [m for m in notify.sink.messages_to(relay.email) if "is held" in m["Subject"]]
    assert "Hi Claim refund at https[:]//evil[.]example/refund?id=1," in texts(held)
    assert LINKISH.search(texts(held)) is None
    # Nothing of the client's own is limited.
    assert all(d["status"] != "skipped" for d in notify.deliveries() if str(d["user_id"]) == relay.id)
    assert summary["unrenderable"] == 0 and summary["dead"] == 0


# --- 10. SMS --------------------------------------------------------------------------------------


def test_no_sms_goes_to_a_number_a_user_typed_and_a_verified_one_gets_at_most_the_daily_cap(notify: Notify) -> None:
    stranger = "+14155550199"
    typist = notify.person("typist")
    as_user(
        notify,
        typist,
        "update public.profile_details set phone = %s where user_id = auth.uid() returning 1",
        (stranger,),
    )
    assert as_user(notify, typist, "select public.set_notification_preference('payments', 'sms', true)") is True
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_user(notify, typist, "update auth.users set phone_confirmed_at = now() where id = auth.uid()")

    texter = notify.person("texter", phone="+14155550123", channels={"payments": ["sms"]})
    set_limit(notify, "notifications.max_sms_per_day", 2)
    typed = notify.enqueue("payment.failed", [typist.id], payment_failed("INV-0100"))
    verified = [notify.enqueue("payment.failed", [texter.id], payment_failed(f"INV-01{n}")) for n in range(1, 4)]

    summary = notify.dispatch()

    assert [m["to"] for m in notify.twilio.sent] == [texter.phone] * 2, "nothing to the stranger's number"
    assert [d["channel"] for d in notify.deliveries(typed)] == ["email"]
    assert notify.delivery(typed, "email")["status"] == "sent"
    capped = notify.delivery(verified[2], "sms")
    assert (capped["status"], capped["last_error"]) == (
        "skipped",
        "sms daily cap: 2 SMS sent to this user in the last 24 hours",
    )
    assert [notify.delivery(o, "email")["status"] for o in verified] == ["sent"] * 3
    assert summary["sent"] == 4 + 2


# --- 11. push tokens ------------------------------------------------------------------------------


def test_a_known_push_token_cannot_be_taken_over_and_the_owners_pushes_keep_coming(notify: Notify) -> None:
    owner = notify.person("owner", push_tokens=1)
    (token,) = owner.push_tokens
    waiting = notify.enqueue("payment.failed", [owner.id], payment_failed("INV-0200"))
    notify.expand()
    thief = notify.person("thief")

    with pytest.raises(DatabaseError) as refused:
        notify.database.rpc("register_push_token", {"token": token, "platform": "ios"}, caller=caller(thief))
    assert (refused.value.code, refused.value.status) == ("PT409", 409)
    said = " ".join(str(part) for part in refused.value.body().values())
    assert owner.id not in said and owner.email not in said and "owner" not in said, said
    assert notify.database.rpc("unregister_push_token", {"token": token}, caller=caller(thief)) is False

    notify.dispatch()

    assert [m["token"] for m in notify.fcm.delivered] == [token]
    assert notify.delivery(waiting, "push")["status"] == "sent"
    # The owner signs out on the device; then it may sign in to another account.
    assert notify.database.rpc("unregister_push_token", {"token": token}, caller=caller(owner)) is True
    assert notify.database.rpc("register_push_token", {"token": token, "platform": "ios"}, caller=caller(thief))
    theirs = notify.enqueue("payment.failed", [thief.id], payment_failed("INV-0201"))
    mine = notify.enqueue("payment.failed", [owner.id], payment_failed("INV-0202"))
    notify.dispatch()
    assert notify.delivery(theirs, "push")["destination"] == token
    assert [d["channel"] for d in notify.deliveries(mine)] == ["email"], "the owner no longer gets pushes on it"


# --- the two renderers ----------------------------------------------------------------------------

CORPUS = [
    "Ana",
    "Ana Silva-Costa, O'Neil_2",
    "José Ñúñez",
    "  Ana \n\t Silva  ",
    PHISH,
    "hxxp://a.b",
    "www.evil.example/x",
    "EVIL.COM and Node.js and e.g. and i.e. and J.R.R. Tolkien",
    "v2.0, 120.50 EUR, 10.0.0.1, 1.2.3, 999.999.999.999",
    "evil\u3002example evil\uff0eexample evil\uff61example evil\u2024example",
    "evil\u200b.example e\u202evil\u202c.com soft\u00adhyphen",
    "line\u2028break\u2029para\x85next\x7fdel\x01ctl",
    "пример.рф and 例え.テスト and ex\u00e1mple.com",
    "mailto:pay@evil.example",
    "javascript:alert(1)",
    '<a href="https://evil.example">x</a>',
    "{{ recipient_name }}",
    "x" * 100,
    "x" * 101,
    "ab " * 50,
    "é" * 120,
    "evil[.]example https[:]//already",
    "",
    " ",
]


def test_the_database_and_render_py_sanitise_user_text_alike(db: psycopg.Connection) -> None:
    database = [
        row[0] for row in db.execute("select private.sanitize_user_text(t) from unnest(%s::text[]) t", (CORPUS,))
    ]
    assert database == [sanitize_user_text(text) for text in CORPUS]
    for clean in database:
        assert "://" not in clean and not re.search(r"[a-z0-9]\.[a-z][a-z0-9]", clean, re.IGNORECASE), clean
        assert len(clean) <= 100
        assert sanitize_user_text(clean) == clean, "sanitising twice changes nothing"


def test_the_database_and_render_py_fill_templates_alike(db: psycopg.Connection) -> None:
    template = "{{ client_name }} | {{ offering_title }} | {{ title }} | {{ action_url }} | {{ items }}"
    data = {
        "client_name": PHISH,
        "offering_title": "Massage\nat www.spa.example",
        "title": "Admin news at https://market.example",
        "action_url": "https://market.example/x",
        "items": [{"title": "Booking confirmed", "body": "Massage"}, "plain"],
    }
    in_sql = value(db, "select private.render_template(%s, %s)", (template, Jsonb(data)))
    assert in_sql == render(template, data)
    assert in_sql == (
        "Claim refund at https[:]//evil[.]example/refund?id=1 | Massage at www[.]spa[.]example"
        " | Admin news at https://market.example | https://market.example/x | Booking confirmed: Massage\nplain"
    )
