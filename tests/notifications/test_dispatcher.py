"""The dispatcher (functions/notifications/dispatcher.py) against the real database and the real
SMTP sink, Twilio and FCM faked at the HTTP boundary: a domain change reaches every channel and
the inbox; failures retry with backoff, bounce, lose their token or wait for configuration
without blocking anyone else; a worker records only what it still holds."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from functions.db.port import Caller, Database, DatabaseError
from functions.notifications import dispatcher
from functions.notifications.channels import Channel, Message, SendResult
from functions.notifications.senders import build_senders
from tests.notifications.conftest import MAIL_DOMAIN, Notify, notify_settings
from tests.support.actors import as_request, claims_for
from tests.support.fake_resend import FakeResend

ALL_SENT = {"email": "sent", "sms": "sent", "push": "sent"}
ANNOUNCEMENT = {"title": "Maintenance tonight", "body": "We are down 02:00-03:00 UTC.", "action_url": "/status"}


def plain(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


def seconds_until(row: dict[str, Any], now: Any) -> float:
    return float((row["next_attempt_at"] - now).total_seconds())


def db_now(notify: Notify) -> Any:
    return notify.row("select now() as now")["now"]


def payment_failed(invoice: str = "INV-0001") -> dict[str, Any]:
    """payment.failed's data: a critical event (payments), so no quiet hours or digest apply."""
    return {
        "booking_id": "b0b0b0b0-0000-0000-0000-000000000001",
        "invoice_number": invoice,
        "offering_title": "Strategy call",
        "amount": "100.00",
        "currency": "USD",
        "reason": "card declined",
        "action_url": "https://market.example/invoices/1",
    }


# --- the whole path ------------------------------------------------------------------------------


def test_a_confirmed_booking_reaches_email_sms_push_and_the_inbox(notify: Notify) -> None:
    client = notify.person("client", phone="+14155550123", push_tokens=1, channels={"bookings": ["sms"]})
    admin = notify.admin()
    booking = notify.book(client)
    notify.transition(booking, "confirmed", admin)  # the database records the booking held, then confirmed
    # Nothing is built in the booking's transaction: the dispatcher's run makes the events first.
    assert notify.rows("select id from private.notification_outbox where booking_id = %s", (booking,)) == []

    summary = notify.dispatch()
    outbox = notify.rows("select id, event_type from private.notification_outbox where booking_id = %s", (booking,))
    confirmed = next(o["id"] for o in outbox if o["event_type"] == "booking.confirmed")

    # held (the client) and confirmed (the client and the provider); the reminders wait for their time
    assert summary["expanded"] == 2
    assert summary["claimed"] == summary["sent"] == 7, summary
    assert {k: summary[k] for k in ("retry", "rejected", "gone", "dead", "stale", "unsent")} == dict.fromkeys(
        ("retry", "rejected", "gone", "dead", "stale", "unsent"), 0
    )
    email = notify.delivery(confirmed, "email", client.id)
    sms = notify.delivery(confirmed, "sms", client.id)
    push = notify.delivery(confirmed, "push", client.id)
    for delivery in (email, sms, push):
        assert delivery["status"] == "sent" and delivery["attempts"] == 1 and delivery["sent_at"] is not None
        assert delivery["claimed_by"] == "worker-a" and delivery["lease_expires_at"] is None
    # Email: at the SMTP server, its Message-ID the delivery's idempotency key.
    (mail,) = [m for m in notify.sink.messages_to(client.email) if m["Message-ID"] == f"<{email['id']}@{MAIL_DOMAIN}>"]
    assert mail["Subject"].startswith("Confirmed: Strategy call")
    assert mail["X-Idempotency-Key"] == str(email["id"])
    assert f"/bookings/{booking}" in plain(mail)
    assert email["provider"] == "smtp" and email["provider_message_id"] == f"{email['id']}@{MAIL_DOMAIN}"
    # SMS: at Twilio, to the client's phone.
    (text,) = [m for m in notify.twilio.sent if m["sid"] == sms["provider_message_id"]]
    assert text["to"] == client.phone and "Strategy call" in text["body"]
    # Push: at FCM, to the device, with the ids an app routes by.
    (sent_push,) = [m for m in notify.fcm.delivered if m["data"]["delivery_id"] == str(push["id"])]
    assert sent_push["token"] == client.push_tokens[0] and sent_push["data"]["booking_id"] == booking
    assert push["provider_message_id"].startswith("projects/marketbase-test/messages/")
    # The inbox: the client's two, the provider's one.
    assert sorted(n["event_type"] for n in notify.inbox(client.id)) == ["booking.confirmed", "booking.held"]
    (provider_note,) = notify.inbox(notify.market.provider_id)
    assert provider_note["event_type"] == "booking.confirmed" and provider_note["severity"] == "success"
    assert len(notify.sink.messages) == 3  # held + confirmed to the client, confirmed to the provider
    # Nothing is sent twice.
    again = notify.dispatch()
    assert again["claimed"] == 0 and len(notify.sink.messages) == 3 and len(notify.twilio.sent) == 2


def test_a_digest_users_email_waits_and_goes_out_as_one_digest(notify: Notify) -> None:
    user = notify.person("digest-reader")
    notify.execute(
        "insert into public.notification_settings (user_id, digest_enabled, digest_hour) values (%s, true, 8)",
        (user.id,),
    )
    first = notify.enqueue("booking.completed", [user.id], booking_data("Yoga class"))
    second = notify.enqueue("booking.completed", [user.id], booking_data("Pilates class"))

    waiting = notify.dispatch()

    assert waiting["claimed"] == 0 and notify.sink.messages == []
    assert {notify.delivery(o, "email")["digest"] for o in (first, second)} == {True}
    # The digest hour comes.
    notify.execute("update public.notification_deliveries set next_attempt_at = now() where digest")

    summary = notify.dispatch()

    assert summary["digests"] == 1 and summary["sent"] == 1
    (digest,) = notify.sink.messages_to(user.email)
    body = plain(digest)
    assert "Yoga class" in body and "Pilates class" in body
    assert {notify.delivery(o, "email")["status"] for o in (first, second)} == {"digested"}


def booking_data(title: str) -> dict[str, Any]:
    return {
        "booking_id": "b0b0b0b0-0000-0000-0000-000000000002",
        "offering_title": title,
        "provider_name": "Ana",
        "client_name": "Bo",
        "starts_at": "Tue 13 Jan 2026, 10:00",
        "timezone": "UTC",
        "action_url": "https://market.example/bookings/2",
    }


# --- failures ------------------------------------------------------------------------------------


def test_a_deferred_email_is_retried_with_growing_backoff_then_sent(notify: Notify) -> None:
    user = notify.person("deferred")
    outbox = notify.enqueue("payment.failed", [user.id], payment_failed())
    notify.sink.fail_once(user.email)  # 451 4.3.0, try again later

    first = notify.dispatch()

    email = notify.delivery(outbox, "email")
    assert first["retry"] == 1 and first["dead"] == 0
    assert email["status"] == "failed" and email["attempts"] == 1
    assert email["last_error"].startswith("smtp recipient refused: 451")
    assert user.email not in email["last_error"], "no address in last_error"
    assert 15 - 1 <= seconds_until(email, db_now(notify)) <= 30, "30 s × (0.5..1)"
    assert notify.dispatch()["claimed"] == 0, "not due before its backoff"

    notify.sink.fail_once(user.email)
    notify.make_due()
    second = notify.dispatch()

    email = notify.delivery(outbox, "email")
    assert second["retry"] == 1 and email["attempts"] == 2
    assert 30 - 1 <= seconds_until(email, db_now(notify)) <= 60, "60 s × (0.5..1)"

    notify.make_due()
    third = notify.dispatch()

    email = notify.delivery(outbox, "email")
    assert third["sent"] == 1 and email["status"] == "sent" and email["attempts"] == 3
    (mail,) = notify.sink.messages_to(user.email)
    assert mail["Message-ID"] == f"<{email['id']}@{MAIL_DOMAIN}>"
    assert notify.inbox(user.id)[0]["event_type"] == "payment.failed"


def test_an_email_that_keeps_failing_is_dead_after_its_attempts(notify: Notify) -> None:
    user = notify.person("always-deferred")
    outbox = notify.enqueue("payment.failed", [user.id], payment_failed())
    notify.expand()
    notify.execute("update public.notification_deliveries set max_attempts = 3 where outbox_id = %s", (outbox,))

    statuses = []
    for _ in range(3):
        notify.sink.fail_once(user.email)
        notify.make_due()
        notify.dispatch()
        statuses.append(notify.delivery(outbox, "email")["status"])

    assert statuses == ["failed", "failed", "dead"]
    assert notify.make_due() == 0 and notify.dispatch()["claimed"] == 0, "never retried forever"
    assert notify.rows("select * from private.email_suppressions") == [], "a deferral is not a bounce"


def test_a_bounce_is_dead_suppressed_and_blocks_nobody_else(notify: Notify) -> None:
    bouncing = notify.person("bouncing", push_tokens=1)
    fine = notify.person("fine")
    outbox = notify.enqueue("payment.failed", [bouncing.id, fine.id], payment_failed())
    notify.sink.reject(bouncing.email)  # 550 5.1.1 user unknown

    summary = notify.dispatch()

    assert summary["rejected"] == 1 and summary["sent"] == 2 and summary["dead"] == 1
    bounced = notify.delivery(outbox, "email", bouncing.id)
    assert bounced["status"] == "dead" and bounced["attempts"] == 1
    assert "550" in bounced["last_error"] and bouncing.email not in bounced["last_error"]
    assert notify.delivery(outbox, "email", fine.id)["status"] == "sent"
    assert notify.delivery(outbox, "push", bouncing.id)["status"] == "sent", "the other channels still go"
    assert [m["To"] for m in notify.sink.messages] == [fine.email]
    (suppressed,) = notify.rows("select address from private.email_suppressions")
    assert suppressed["address"] == bouncing.email.lower()
    # The next event skips the address at expansion: nothing is sent to it again.
    later = notify.enqueue("payment.failed", [bouncing.id], payment_failed("INV-0002"))
    assert notify.dispatch()["claimed"] == 1  # the push
    assert notify.delivery(later, "email")["status"] == "skipped"
    assert [m["To"] for m in notify.sink.messages] == [fine.email]


def test_a_push_token_that_is_gone_is_removed_and_the_others_still_get_it(notify: Notify) -> None:
    user = notify.person("two-phones", push_tokens=2)
    old, current = user.push_tokens
    notify.fcm.unregister(old)  # the app was uninstalled from the old phone
    outbox = notify.enqueue("payment.failed", [user.id], payment_failed())

    summary = notify.dispatch()

    assert summary["gone"] == 1 and summary["sent"] == 2  # the current phone and the email
    by_token = {d["destination"]: d for d in notify.deliveries(outbox) if d["channel"] == "push"}
    assert by_token[old]["status"] == "dead" and "UNREGISTERED" in by_token[old]["last_error"]
    assert by_token[current]["status"] == "sent"
    tokens = notify.rows("select token from public.push_tokens where user_id = %s", (user.id,))
    assert [t["token"] for t in tokens] == [current]
    assert [m["token"] for m in notify.fcm.delivered] == [current]
    # The next event goes to the remaining device only.
    later = notify.enqueue("payment.failed", [user.id], payment_failed("INV-0002"))
    notify.dispatch()
    assert [d["destination"] for d in notify.deliveries(later) if d["channel"] == "push"] == [current]


def test_an_unconfigured_channel_waits_through_its_attempts_and_says_what_to_set(notify: Notify) -> None:
    settings = notify_settings(notify.sink, notify.twilio, notify.fcm, twilio_account_sid=None)
    senders = build_senders(settings)
    assert "sms" not in senders.channels
    user = notify.person("texter", phone="+14155550188", channels={"payments": ["sms"]})
    outbox = notify.enqueue("payment.failed", [user.id], payment_failed())
    notify.expand()
    notify.execute("update public.notification_deliveries set max_attempts = 2 where channel = 'sms'")

    first = notify.dispatch(senders=senders)

    sms = notify.delivery(outbox, "sms")
    assert first["unconfigured"] == 1 and first["retry"] == 1 and first["sent"] == 1  # the email went
    assert sms["status"] == "failed"
    assert sms["last_error"].startswith("sms is not configured on the dispatcher: TWILIO_ACCOUNT_SID is not set")
    assert notify.delivery(outbox, "email")["status"] == "sent"

    notify.make_due()
    second = notify.dispatch(senders=senders)

    assert second["unconfigured"] == 1 and second["dead"] == 1
    assert notify.delivery(outbox, "sms")["status"] == "dead"
    assert notify.twilio.requests == [], "nothing reached Twilio"


def test_an_event_whose_data_cannot_fill_its_templates_fails_whole_and_stops_nobody(notify: Notify) -> None:
    user = notify.person("half-data", phone="+14155550177", push_tokens=1, channels={"payments": ["sms"]})
    data = payment_failed()
    del data["offering_title"]  # every template of the event needs it
    holey = notify.enqueue("payment.failed", [user.id], data)
    fine = notify.enqueue("payment.failed", [user.id], payment_failed("INV-0003"))

    summary = notify.dispatch()

    # The database fails the event it cannot expand, and expands the next one in the same call.
    assert summary["expanded"] == 2 and summary["expand_errors"] == 0
    failed = notify.row("select status, error from private.notification_outbox where id = %s", (holey,))
    assert failed["status"] == "failed"
    assert "needs offering_title, which the event's data does not carry" in failed["error"]
    assert notify.deliveries(holey) == [], "nothing of it was written: no message with a hole to send"
    assert [n["outbox_id"] for n in notify.inbox(user.id)] == [fine], "and no inbox row with a hole"
    # The user's address, number and device are not blamed: the next event reaches them all.
    assert summary["sent"] == 3 and summary["dead"] == 0
    assert {d["channel"]: d["status"] for d in notify.deliveries(fine)} == ALL_SENT
    assert notify.rows("select * from private.email_suppressions") == []
    assert [t["token"] for t in notify.rows("select token from public.push_tokens where user_id = %s", (user.id,))] == (
        list(user.push_tokens)
    )


def test_a_template_changed_after_expansion_to_need_what_the_event_lacks_is_dead_at_once_blaming_nobody(
    notify: Notify,
) -> None:
    user = notify.person("half-data", phone="+14155550177", push_tokens=1, channels={"payments": ["sms"]})
    data = payment_failed()
    del data["booking_id"]  # no template uses it, yet
    outbox = notify.enqueue("payment.failed", [user.id], data)
    notify.expand()
    # An admin adds the booking to the words while the deliveries wait.
    notify.execute(
        "update public.notification_templates set body = body || ' (booking {{ booking_id }})'"
        " where event_type = 'payment.failed' and channel in ('email', 'sms', 'push')"
    )

    summary = notify.dispatch()

    assert summary["unrenderable"] == 3 and summary["undeliverable"] == 3
    assert summary["dead"] == 3 and summary["sent"] == 0
    for channel in ("email", "sms", "push"):
        delivery = notify.delivery(outbox, channel)
        assert (delivery["status"], delivery["attempts"]) == ("dead", 1), f"{channel}: not retried"
        assert delivery["last_error"].startswith("template error:") and "booking_id" in delivery["last_error"]
    assert notify.rows("select * from private.email_suppressions") == []
    assert [t["token"] for t in notify.rows("select token from public.push_tokens where user_id = %s", (user.id,))] == (
        list(user.push_tokens)
    )
    assert notify.sink.messages == [] and notify.fcm.delivered == [] and notify.twilio.sent == []
    assert notify.make_due() == 0 and notify.dispatch()["claimed"] == 0, "nothing waits for another attempt"
    # The next event, which carries the booking, reaches the same address, number and device.
    fine = notify.enqueue("payment.failed", [user.id], payment_failed("INV-0003"))
    notify.dispatch()
    assert {d["channel"]: d["status"] for d in notify.deliveries(fine)} == ALL_SENT


class FailingStep:
    """The database, except that one service function fails as a statement timeout does."""

    def __init__(self, inner: Database, function: str) -> None:
        self.inner, self.function = inner, function

    def rpc(
        self,
        function: str,
        params: Mapping[str, Any] | None = None,
        *,
        schema: str = "public",
        caller: Caller | None = None,
    ) -> Any:
        if function == self.function:
            raise DatabaseError("57014", "canceling statement due to statement timeout")
        return self.inner.rpc(function, params, schema=schema, caller=caller)


@pytest.mark.parametrize("failing", ["expand_notifications", "compose_digests"])
def test_a_failing_expansion_is_logged_and_what_is_due_is_still_sent(
    notify: Notify, caplog: pytest.LogCaptureFixture, failing: str
) -> None:
    people = [notify.person(f"waiting{i}") for i in range(3)]
    notify.enqueue("payment.failed", [p.id for p in people], payment_failed())
    notify.expand()
    later = notify.enqueue("payment.failed", [people[0].id], payment_failed("INV-0002"))

    summary = dispatcher.dispatch(
        FailingStep(notify.database, failing),
        notify.senders,
        "worker-a",
        budget_seconds=30,
        site_url="https://x.example",
    )

    # Expansion failed: what was due before goes. Digests failed: the new event was expanded and goes too.
    expanded_first = failing == "compose_digests"
    assert summary["expand_errors"] == 1 and summary["sent"] == 3 + expanded_first
    assert sorted(m["To"] for m in notify.sink.messages) == sorted(
        [p.email for p in people] + [people[0].email] * expanded_first
    )
    (record,) = [r for r in caplog.records if r.getMessage() == "notify expansion failed; claiming what is due anyway"]
    assert record.__dict__["step"] == failing
    assert record.__dict__["error"] == "57014: canceling statement due to statement timeout"
    # The next run, its database well, picks up what was left.
    assert notify.dispatch()["sent"] == (not expanded_first)
    assert notify.delivery(later, "email")["status"] == "sent"


def test_an_email_the_relay_refuses_for_its_content_is_dead_at_once_and_the_address_kept(notify: Notify) -> None:
    user = notify.person("flagged")
    outbox = notify.enqueue("payment.failed", [user.id], payment_failed())
    waiting = notify.enqueue("payment.failed", [user.id], payment_failed("INV-0004"))
    notify.expand()
    notify.execute(
        "update public.notification_deliveries set next_attempt_at = now() + interval '1 hour' where outbox_id = %s",
        (waiting,),
    )
    notify.sink.fail_next_data("554 5.7.1 Message rejected as spam by Content Filtering")

    summary = notify.dispatch()

    assert summary["undeliverable"] == 1 and summary["dead"] == 1 and summary["retry"] == 0
    email = notify.delivery(outbox, "email")
    assert (email["status"], email["attempts"]) == ("dead", 1)
    assert email["last_error"] == "smtp message refused: 554 5.7.1 Message rejected as spam by Content Filtering"
    assert notify.rows("select * from private.email_suppressions") == [], "the address did nothing wrong"
    assert notify.delivery(waiting, "email")["status"] == "queued", "its other mail is not skipped"
    notify.execute("update public.notification_deliveries set next_attempt_at = now() where outbox_id = %s", (waiting,))
    notify.dispatch()
    assert notify.delivery(waiting, "email")["status"] == "sent"
    assert [m["To"] for m in notify.sink.messages] == [user.email]


class Raising:
    """An adapter with a bug: it raises instead of classifying."""

    provider = "smtp"

    def send(self, message: Message) -> SendResult:
        raise RuntimeError(f"boom for {message.destination}")


def test_an_adapter_that_raises_does_not_lose_the_delivery_or_stop_the_batch(
    notify: Notify, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = notify.person("first", push_tokens=1), notify.person("second", push_tokens=1)
    outbox = notify.enqueue("payment.failed", [first.id, second.id], payment_failed())
    channels: dict[str, Channel] = {"email": Raising(), "push": notify.senders.channels["push"]}

    summary = notify.dispatch(senders=channels)

    assert summary["retry"] == 2 and summary["sent"] == 2
    assert {d["status"] for d in notify.deliveries(outbox) if d["channel"] == "email"} == {"failed"}
    assert {d["last_error"] for d in notify.deliveries(outbox) if d["channel"] == "email"} == {
        "smtp adapter raised RuntimeError"
    }
    assert first.email not in caplog.text and second.email not in caplog.text, "no address in the logs"


# --- claims --------------------------------------------------------------------------------------


class TakenOverMidSend:
    """Sends, but meanwhile the lease lapses and another worker claims the delivery."""

    provider = "smtp"

    def __init__(self, notify: Notify, inner: Channel) -> None:
        self.notify, self.inner = notify, inner

    def send(self, message: Message) -> SendResult:
        self.notify.execute(
            "update public.notification_deliveries set lease_expires_at = now() - interval '1 second' where id = %s",
            (message.delivery_id,),
        )
        taken = self.notify.database.rpc("claim_deliveries", {"worker": "worker-b", "max_rows": 10}, schema="service")
        assert [row["delivery_id"] for row in taken] == [message.delivery_id]
        return self.inner.send(message)


def test_a_worker_whose_claim_was_taken_over_records_nothing(notify: Notify) -> None:
    user = notify.person("contested")
    outbox = notify.enqueue("payment.failed", [user.id], payment_failed())

    summary = notify.dispatch(senders={"email": TakenOverMidSend(notify, notify.senders.channels["email"])})

    assert summary["sent"] == 1 and summary["stale"] == 1
    email = notify.delivery(outbox, "email")
    assert email["status"] == "sending" and email["claimed_by"] == "worker-b" and email["attempts"] == 2
    assert email["sent_at"] is None, "worker-a's record was refused"


class Clock:
    """The dispatcher's clock, moved by the sends: time in these tests is exact."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Slow:
    """Every send takes `seconds` on the clock."""

    def __init__(self, inner: Channel, clock: Clock, seconds: float) -> None:
        self.inner, self.clock, self.seconds, self.provider = inner, clock, seconds, inner.provider

    def send(self, message: Message) -> SendResult:
        self.clock.now += self.seconds
        return self.inner.send(message)


def test_a_run_out_of_time_leaves_the_rest_of_its_batch_to_the_lease(notify: Notify) -> None:
    people = [notify.person(f"reader{i}") for i in range(6)]
    notify.enqueue("payment.failed", [p.id for p in people], payment_failed())
    clock = Clock()
    slow = {"email": Slow(notify.senders.channels["email"], clock, 0.3)}

    summary = notify.dispatch(senders=slow, budget_seconds=0.7, batch_size=4, clock=clock)

    # Sends start at 0.0, 0.3 and 0.6 s; at 0.9 s the budget is spent with one claimed left.
    assert (summary["claimed"], summary["sent"], summary["unsent"], summary["batches"]) == (4, 3, 1, 1)
    (left,) = notify.rows("select * from public.notification_deliveries where status = 'sending'")
    assert left["claimed_by"] == "worker-a" and left["attempts"] == 1
    # Another worker does not take it while the lease holds...
    assert notify.dispatch("worker-b")["sent"] == 2
    assert len(notify.sink.messages) == 5
    # ...and takes it once the lease has lapsed (as after a crash).
    notify.execute("update public.notification_deliveries set lease_expires_at = now() - interval '1 second'")
    assert notify.dispatch("worker-c")["sent"] == 1
    assert sorted(m["To"] for m in notify.sink.messages) == sorted(p.email for p in people)
    assert notify.row("select attempts from public.notification_deliveries where id = %s", (left["id"],)) == {
        "attempts": 2
    }


def test_the_next_batch_is_sized_to_the_time_left(notify: Notify) -> None:
    people = [notify.person(f"reader{i}") for i in range(10)]
    notify.enqueue("payment.failed", [p.id for p in people], payment_failed())
    clock = Clock()
    slow = {"email": Slow(notify.senders.channels["email"], clock, 0.3)}

    summary = notify.dispatch(senders=slow, budget_seconds=1.3, batch_size=4, clock=clock)

    # Four sends took 1.2 s; 0.1 s is left, enough to start one more: a batch of one, not four.
    assert (summary["batches"], summary["claimed"], summary["sent"], summary["unsent"]) == (2, 5, 5, 0)
    assert notify.rows("select id from public.notification_deliveries where status = 'sending'") == []


def test_the_lease_covers_the_whole_run(notify: Notify) -> None:
    user = notify.person("leased")
    outbox = notify.enqueue("payment.failed", [user.id], payment_failed())
    during: list[dict[str, Any]] = []
    email = notify.senders.channels["email"]

    class Watch:
        provider = "smtp"

        def send(self, message: Message) -> SendResult:
            during.append(notify.delivery(outbox, "email"))
            return email.send(message)

    notify.dispatch(senders={"email": Watch()}, budget_seconds=200, lease_seconds=30)

    (claimed,) = during
    lease = (claimed["lease_expires_at"] - db_now(notify)).total_seconds()
    assert lease > 200, "a claim never lapses while its run may still send it"


# --- the email provider: Resend ---------------------------------------------------------------


def test_email_through_resend_carries_the_idempotency_key(notify: Notify) -> None:
    user = notify.person("resend-reader")
    with FakeResend() as resend:
        settings = notify_settings(
            notify.sink,
            notify.twilio,
            notify.fcm,
            notify_email_provider="resend",
            resend_api_key=resend.api_key,
            resend_api_base=resend.url,
        )
        outbox = notify.enqueue("payment.failed", [user.id], payment_failed())

        summary = notify.dispatch(senders=build_senders(settings))

        email = notify.delivery(outbox, "email")
        assert summary["sent"] == 1 and email["provider"] == "resend"
        request = resend.last_request("POST", "/emails")
        assert request.idempotency_key == str(email["id"])
        assert request.json["to"] in (user.email, [user.email])
        assert email["provider_message_id"] == resend.emails[0]["id"]
    assert notify.sink.messages == [], "not through SMTP"


def test_the_summary_and_the_logs_name_deliveries_never_addresses(
    notify: Notify, caplog: pytest.LogCaptureFixture
) -> None:
    user = notify.person("private-person", phone="+14155550199", channels={"payments": ["sms"]})
    notify.enqueue("payment.failed", [user.id], payment_failed())
    caplog.set_level("INFO", logger="marketbase.notify")

    summary = notify.dispatch()

    ours = [r for r in caplog.records if r.name.startswith("marketbase")]
    logged = json.dumps([r.__dict__ for r in ours], default=str)
    assert user.phone is not None
    assert user.email not in logged and user.phone not in logged and "card declined" not in logged
    delivery_ids = {str(d["id"]) for d in notify.deliveries()}
    sent = [r for r in caplog.records if r.getMessage() == "notification sent"]
    assert {r.__dict__["delivery_id"] for r in sent} == delivery_ids
    assert summary["sent"] == 2


def test_an_event_due_later_is_not_expanded_before_its_time(notify: Notify) -> None:
    user = notify.person("patient")
    later = notify.enqueue(
        "payment.failed", [user.id], payment_failed(), deliver_after=db_now(notify) + timedelta(hours=1)
    )
    assert notify.dispatch()["expanded"] == 0
    assert notify.deliveries(later) == [] and notify.inbox(user.id) == []


# --- whom a message reaches -------------------------------------------------------------------


def test_a_push_waiting_for_a_device_that_left_the_account_is_never_sent(notify: Notify) -> None:
    seller = notify.person("seller", push_tokens=2)
    phone, tablet = seller.push_tokens
    outbox = notify.enqueue("payment.failed", [seller.id], payment_failed())
    notify.expand()
    # Before the dispatcher runs, the seller signs out on the phone, sells it and it signs in to
    # the buyer's account (a device is bound to its account until then: 20260115000300), and the
    # seller signs the tablet out.
    buyer = notify.person("buyer")
    with notify.market.authenticator() as conn:
        with as_request(conn, seller.claims):
            conn.execute("select public.unregister_push_token(%s)", (phone,))
        with as_request(conn, buyer.claims):
            conn.execute("select public.register_push_token(%s, 'android')", (phone,))
        with as_request(conn, seller.claims):
            conn.execute("delete from public.push_tokens where token = %s", (tablet,))

    summary = notify.dispatch()

    assert notify.fcm.delivered == [], "the buyer never sees the seller's payment failure"
    pushes = {d["destination"]: d for d in notify.deliveries(outbox) if d["channel"] == "push"}
    assert {token: d["status"] for token, d in pushes.items()} == {phone: "skipped", tablet: "skipped"}
    assert {d["last_error"] for d in pushes.values()} == {"push token removed from the account"}
    assert summary["sent"] == 1 and [m["To"] for m in notify.sink.messages] == [seller.email]
    # The phone now gets the buyer's own messages.
    mine = notify.enqueue("payment.failed", [buyer.id], payment_failed("INV-0002"))
    notify.dispatch()
    assert notify.delivery(mine, "push")["status"] == "sent"
    assert [m["token"] for m in notify.fcm.delivered] == [phone]


def test_an_announcement_without_a_link_reaches_the_inbox_and_email(notify: Notify) -> None:
    reader = notify.person("reader", channels={"announcements": ["email"]})
    admin = notify.admin()
    with notify.market.owner() as conn:
        claims = claims_for(conn, admin)
    outbox = notify.database.rpc(
        "send_announcement",
        {"topic": "all_users", "title": "New office", "body": "Same app, new address."},
        caller=Caller(token="test", claims=claims),
    )

    summary = notify.dispatch()

    assert summary["sent"] == 1 and summary["unrenderable"] == 0
    (note,) = [n for n in notify.inbox(reader.id) if n["outbox_id"] == outbox]
    assert (note["title"], note["body"], note["action_url"]) == ("New office", "Same app, new address.", None)
    assert "sent_by" not in note["data"], "who sent it is not in every recipient's data"
    (mail,) = notify.sink.messages_to(reader.email)
    assert mail["Subject"] == "New office" and "Same app, new address." in plain(mail)
