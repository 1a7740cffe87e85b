"""Email over SMTP against a real SMTP server (aiosmtpd, tests/support/smtp_sink.py): what goes
over the wire, the kept connection, and how every kind of refusal and failure is classified."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from functions.notifications.channels import Message
from functions.notifications.channels.smtp_email import SmtpEmail, is_bounce, is_content_refusal
from tests.support.smtp_sink import SmtpSink

SENDER = "Marketbase <no-reply@marketbase.test>"
KEY = "3f1c2b7e-8a4d-4c4e-9b1a-6d2f0e9c8b7a"


def message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "delivery_id": KEY,
        "idempotency_key": KEY,
        "channel": "email",
        "destination": "ana@example.com",
        "subject": "Booking confirmed: Deep tissue massage",
        "title": "Your booking is confirmed",
        "body": "Hi Ana,\nyour massage starts Tue 3 Mar, 10:00.",
        "html": "<p>Hi Ana,<br>\nyour massage starts Tue 3 Mar, 10:00.</p>",
        "action_url": None,
        "data": {},
        "priority": 6,
        "severity": "success",
    }
    fields.update(overrides)
    return Message(**fields)


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


@pytest.fixture
def smtp(sink: SmtpSink) -> Iterator[SmtpEmail]:
    with sink.adapter(SENDER, timeout=5) as adapter:
        yield adapter


def test_an_email_goes_out_as_multipart_text_and_html_with_its_idempotency_identity(
    sink: SmtpSink, smtp: SmtpEmail
) -> None:
    result = smtp.send(message())

    assert (result.outcome, result.provider, result.error) == ("sent", "smtp", None)
    assert result.provider_message_id == f"{KEY}@marketbase.test"
    [receipt] = sink.receipts
    assert receipt.helo == "marketbase.test"  # the sender's domain, not a DNS lookup of this host
    assert receipt.mail_from == "no-reply@marketbase.test"
    assert receipt.rcpt_tos == ["ana@example.com"]
    sent = receipt.message
    assert sent["From"] == SENDER
    assert sent["To"] == "ana@example.com"
    assert sent["Subject"] == "Booking confirmed: Deep tissue massage"
    assert sent["Message-ID"] == f"<{KEY}@marketbase.test>"
    assert sent["X-Idempotency-Key"] == KEY
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent["Date"]
    assert sent.get_content_type() == "multipart/alternative"
    text, html = sent.get_body(("plain",)), sent.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content() == "Hi Ana,\nyour massage starts Tue 3 Mar, 10:00.\n"
    assert html.get_content() == "<p>Hi Ana,<br>\nyour massage starts Tue 3 Mar, 10:00.</p>\n"


def test_non_ascii_text_and_subjects_arrive_intact(sink: SmtpSink, smtp: SmtpEmail) -> None:
    result = smtp.send(message(subject="Reserva confirmada: Massagem às 10h", body="Olá Ana — até já!", html=None))
    assert result.outcome == "sent"
    [sent] = sink.messages
    assert sent["Subject"] == "Reserva confirmada: Massagem às 10h"
    assert sent.get_content_type() == "text/plain"
    assert sent.get_content() == "Olá Ana — até já!\n"


def test_a_batch_of_sends_shares_one_connection(sink: SmtpSink, smtp: SmtpEmail) -> None:
    for index in range(5):
        key = f"00000000-0000-4000-8000-00000000000{index}"
        assert smtp.send(message(idempotency_key=key, delivery_id=key)).outcome == "sent"
    assert sink.connections == 1
    assert len(sink.messages) == 5


def test_a_connection_the_server_closed_while_idle_is_opened_again(sink: SmtpSink, smtp: SmtpEmail) -> None:
    assert smtp.send(message()).outcome == "sent"
    sink.drop_connections()

    result = smtp.send(message(idempotency_key="second", delivery_id="second"))

    assert result.outcome == "sent"
    assert sink.connections == 2
    assert [m["X-Idempotency-Key"] for m in sink.messages] == [KEY, "second"]


def test_a_mailbox_that_does_not_exist_is_a_bounce_without_the_address_in_the_error(
    sink: SmtpSink, smtp: SmtpEmail
) -> None:
    sink.reject("ghost@example.com")

    result = smtp.send(message(destination="ghost@example.com"))

    assert result.outcome == "rejected"
    assert result.provider_message_id is None
    assert result.error is not None and result.error.startswith("smtp recipient refused: 550 5.1.1")
    assert "ghost@example.com" not in result.error
    assert sink.receipts == []


def test_a_bounce_quoting_the_address_in_another_case_does_not_leak_it(sink: SmtpSink, smtp: SmtpEmail) -> None:
    # Mailbox names are matched without case: a server quotes the address as it stores it.
    sink.reject(
        "Bounced@Example.com", reply="550 5.1.1 <bounced@example.com>: Recipient address rejected: User unknown"
    )

    result = smtp.send(message(destination="Bounced@Example.com"))

    assert result.outcome == "rejected"
    assert result.error == "smtp recipient refused: 550 5.1.1 <<redacted>>: Recipient address rejected: User unknown"


def test_a_refused_recipient_leaves_the_connection_usable_for_the_next(sink: SmtpSink, smtp: SmtpEmail) -> None:
    sink.reject("ghost@example.com")
    assert smtp.send(message(destination="ghost@example.com")).outcome == "rejected"
    assert smtp.send(message()).outcome == "sent"
    assert sink.connections == 1


def test_a_deferred_recipient_is_retried_and_then_delivered(sink: SmtpSink, smtp: SmtpEmail) -> None:
    sink.fail_once("ana@example.com")

    first = smtp.send(message())
    second = smtp.send(message())

    assert first.outcome == "retry"
    assert first.error is not None and "451 4.3.0" in first.error
    assert second.outcome == "sent"
    assert len(sink.messages) == 1


@pytest.mark.parametrize(
    "reply",
    [
        "554 5.7.1 <ana@example.com>: Relay access denied",
        "530 5.7.0 Authentication required",
        "550 5.7.1 Message rejected due to local policy",
        "552 5.2.2 Mailbox full",
        "550 Relaying denied",
    ],
)
def test_a_refusal_about_us_rather_than_the_address_is_retried_not_a_bounce(
    sink: SmtpSink, smtp: SmtpEmail, reply: str
) -> None:
    sink.reject("ana@example.com", reply=reply)
    result = smtp.send(message())
    assert result.outcome == "retry"
    assert result.error is not None and "ana@example.com" not in result.error


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [
        ("451 4.3.0 Error: queue file write error", "retry"),
        ("554 5.6.0 Message content rejected", "undeliverable"),
        ("552 5.3.4 Message size exceeds fixed maximum message size", "undeliverable"),
        ("554 5.7.1 Message rejected as spam by Content Filtering", "undeliverable"),
        ("554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org", "retry"),
        ("550 5.7.26 Unauthenticated email from marketbase.test is not accepted due to domain's DMARC policy", "retry"),
        ("550 5.7.1 Message rejected due to local policy", "retry"),
        ("554 Transaction failed", "retry"),
        ("550 5.1.1 Recipient unknown (checked after DATA)", "rejected"),
    ],
)
def test_a_refusal_at_data_is_a_bounce_when_it_names_the_address_and_undeliverable_when_it_names_the_message(
    sink: SmtpSink, smtp: SmtpEmail, reply: str, outcome: str
) -> None:
    sink.fail_next_data(reply)
    result = smtp.send(message())
    assert result.outcome == outcome
    assert result.error is not None and result.error.startswith(f"smtp message refused: {reply[:3]}")
    assert smtp.send(message()).outcome == "sent"  # and the next attempt goes through


def test_a_server_that_answers_too_late_is_retried_and_a_deduplicating_one_keeps_one_copy() -> None:
    with SmtpSink(dedupe=True) as sink, sink.adapter(SENDER, timeout=0.5) as smtp:
        sink.stall_next_data(1.5)

        first = smtp.send(message())
        second = smtp.send(message())

        assert first.outcome == "retry"
        assert first.error == "smtp timed out after 0.5s"
        assert second.outcome == "sent"
        receipts = sink.receipts_of(f"<{KEY}@marketbase.test>")
        assert len(receipts) == 2  # the server did get the first one; the client never learned it
        assert [r.kept for r in receipts] == [True, False]
        assert len(sink.messages) == 1


def test_authentication_over_starttls() -> None:
    with SmtpSink(credentials=("mailer", "s3cret"), tls=True) as sink, sink.adapter(SENDER) as smtp:
        result = smtp.send(message())
        assert result.outcome == "sent"
        [receipt] = sink.receipts
        assert (receipt.tls, receipt.authenticated_as) == (True, "mailer")


def test_wrong_credentials_are_our_configuration_and_retried() -> None:
    with SmtpSink(credentials=("mailer", "s3cret"), tls=True) as sink, sink.adapter(SENDER, password="wrong") as smtp:
        result = smtp.send(message())
        assert result.outcome == "retry"
        assert result.error is not None and result.error.startswith("smtp authentication failed: 535")
        assert sink.failed_logins >= 1  # smtplib tries each mechanism the server offers
        assert sink.receipts == []


def test_a_server_that_is_not_listening_is_retried() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = SmtpEmail("127.0.0.1", port, SENDER, timeout=2)
    result = smtp.send(message())
    assert result.outcome == "retry"
    assert result.error is not None and "ConnectionRefusedError" in result.error


def test_only_email_messages_are_sent(smtp: SmtpEmail) -> None:
    with pytest.raises(ValueError, match="cannot send a sms message"):
        smtp.send(dataclasses.replace(message(), channel="sms"))


@pytest.mark.parametrize(
    ("code", "text", "bounce"),
    [
        (550, "5.1.1 <a@b.c>: Recipient address rejected: User unknown", True),
        (550, "5.1.2 Bad destination system address", True),
        (553, "5.1.3 Bad destination mailbox address syntax", True),
        (550, "5.2.1 Mailbox disabled, not accepting messages", True),
        (550, "Requested action not taken: mailbox unavailable", True),
        (551, "User not local", True),
        (552, "5.2.2 Mailbox full", False),
        (554, "5.7.1 Relay access denied", False),
        (550, "5.7.1 Message rejected as spam", False),
        (550, "Relaying denied", False),
        (554, "Transaction failed", False),
        (450, "4.2.0 Mailbox busy", False),
        (451, "4.1.1 Recipient temporarily unknown", False),
    ],
)
def test_is_bounce_follows_the_reply_and_enhanced_status_codes(code: int, text: str, bounce: bool) -> None:
    assert is_bounce(code, text) is bounce


@pytest.mark.parametrize(
    ("code", "text", "content"),
    [
        (554, "5.6.0 Message content rejected", True),
        (554, "5.6.1 Media not supported", True),
        (552, "5.3.4 Message size exceeds fixed maximum message size", True),
        (552, "5.2.3 Message length exceeds administrative limit", True),
        (550, "5.7.1 Message rejected as spam", True),
        (554, "Message contains a virus", True),
        (552, "Message size exceeds maximum permitted", True),
        (554, "5.7.1 Client host [203.0.113.9] blocked using zen.spamhaus.org", False),
        (550, "5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy", False),
        (554, "5.7.1 Relay access denied", False),
        (550, "5.7.1 Message rejected due to local policy", False),
        (552, "5.2.2 Mailbox full", False),
        (550, "5.1.1 User unknown", False),
        (554, "Transaction failed", False),
        (452, "4.3.4 Message size exceeds fixed limit", False),
    ],
)
def test_is_content_refusal_names_the_message_and_never_our_sending(code: int, text: str, content: bool) -> None:
    assert is_content_refusal(code, text) is content


def test_a_timeout_on_a_kept_connection_is_not_sent_again_on_a_new_one() -> None:
    with SmtpSink() as sink, sink.adapter(SENDER, timeout=0.5) as smtp:
        assert smtp.send(message(idempotency_key="first", delivery_id="first")).outcome == "sent"
        sink.stall_next_data(1.5)

        result = smtp.send(message())

        assert (result.outcome, result.error) == ("retry", "smtp timed out after 0.5s")
        assert len(sink.receipts_of(f"<{KEY}@marketbase.test>")) == 1
        assert sink.connections == 1
