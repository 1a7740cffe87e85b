"""What every channel adapter shares (functions/notifications/channels/__init__.py): `redact`,
which keeps destinations out of `last_error` and the logs."""

from __future__ import annotations

import pytest

from functions.notifications.channels import redact


@pytest.mark.parametrize(
    "quoted",
    ["bounced@example.com", "BOUNCED@EXAMPLE.COM", "Bounced@Example.com", "bOuNcEd@eXaMpLe.CoM"],
)
def test_a_destination_is_redacted_in_any_letter_case(quoted: str) -> None:
    text = f"550 5.1.1 <{quoted}>: Recipient address rejected; {quoted} unknown"

    redacted = redact(text, "Bounced@Example.com")

    assert redacted == "550 5.1.1 <<redacted>>: Recipient address rejected; <redacted> unknown"
    assert "bounced@example.com" not in redacted.lower()


def test_a_destination_is_redacted_literally_not_as_a_pattern() -> None:
    # A '+' or '.' in an address is itself, not a regular expression.
    assert redact("no such user a+b.c@x.io or aab@xxio", "a+b.c@x.io") == "no such user <redacted> or aab@xxio"


def test_every_secret_named_is_redacted_and_empty_ones_are_ignored() -> None:
    assert redact("to +14155550123 from +14155550000", "+14155550123", None, "", "+14155550000") == (
        "to <redacted> from <redacted>"
    )


def test_whitespace_is_folded_and_a_long_text_cut() -> None:
    assert redact("a\n\n  b\tc") == "a b c"
    assert redact("x" * 300, limit=10) == "x" * 9 + "…"
