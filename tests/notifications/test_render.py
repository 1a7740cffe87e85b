"""Templates to messages: the `{{ name }}` grammar (the same regular expression the database uses
to refuse templates with undefined variables), plain and HTML rendering, and a claimed delivery
turned into the Message a channel sends."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.notifications.render import (
    PLACEHOLDER,
    MissingVariable,
    TemplateError,
    placeholders,
    render,
    render_html,
    render_message,
)

DELIVERY = "3f1c2b7e-8a4d-4c4e-9b1a-6d2f0e9c8b7a"
BOOKING = "5f2d8c1e-9b7a-4e3d-8c6b-1a2f3e4d5c6b"


def claimed(**overrides: Any) -> dict[str, Any]:
    """One row of service.claim_deliveries, as PostgREST returns it."""
    row: dict[str, Any] = {
        "delivery_id": DELIVERY,
        "channel": "email",
        "destination": "ana@example.com",
        "locale": "en",
        "attempt": 1,
        "idempotency_key": DELIVERY,
        "event_type": "booking.confirmed",
        "severity": "success",
        "priority": 6,
        "subject": "Booking confirmed: {{ offering_title }}",
        "title": "Your booking is confirmed",
        "body": "Hi {{ recipient_name }},\n{{offering_title}} starts {{ starts_at }} ({{ timezone }}).",
        "action_url": "/bookings/{{ booking_id }}",
        "data": {
            "booking_id": BOOKING,
            "offering_title": "Deep tissue massage",
            "starts_at": "Tue 3 Mar, 10:00",
            "timezone": "Europe/Lisbon",
            "recipient_name": "Ana",
        },
    }
    row.update(overrides)
    return row


# --- the grammar ----------------------------------------------------------------------------------


def test_the_placeholder_grammar_is_the_one_the_database_validates() -> None:
    assert PLACEHOLDER.pattern == r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}"


def test_placeholders_lists_each_name_once_in_order_of_first_use() -> None:
    text = "{{ b }} {{a}} {{  b  }} {{_private}} {{ c_2 }}"
    assert placeholders(text) == ["b", "a", "_private", "c_2"]


@pytest.mark.parametrize("text", ["{{ Name }}", "{{ 1st }}", "{{ a-b }}", "{ {a} }", "{{}}", "{{ a b }}", "{a}"])
def test_what_is_not_a_placeholder_is_no_variable(text: str) -> None:
    assert placeholders(text) == []


def test_render_replaces_every_placeholder_whatever_its_spacing() -> None:
    assert render("{{a}}-{{ a }}-{{\ta\n}}", {"a": "x"}) == "x-x-x"


def test_render_writes_values_simply() -> None:
    data = {"none": None, "number": 42, "amount": 12.5, "flag": True, "text": "plain"}
    assert render("[{{ none }}|{{ number }}|{{ amount }}|{{ flag }}|{{ text }}]", data) == "[|42|12.5|yes|plain]"


def test_render_writes_a_list_one_item_per_line_as_the_digest_needs() -> None:
    items = [
        {"title": "Booking confirmed", "body": "Massage on Tuesday", "action_url": "/b/1"},
        {"title": "Payment received", "body": None},
        "a plain line",
    ]
    assert (
        render("{{ items }}", {"items": items})
        == "Booking confirmed: Massage on Tuesday\nPayment received\na plain line"
    )


def test_a_missing_variable_is_an_error_naming_every_missing_name() -> None:
    with pytest.raises(MissingVariable) as raised:
        render("{{ zeta }} {{ present }} {{ alpha }} {{ zeta }}", {"present": 1})
    assert raised.value.names == ["alpha", "zeta"]
    assert str(raised.value) == "undefined template variables: alpha, zeta"
    assert isinstance(raised.value, TemplateError)


def test_a_variable_set_to_none_is_present_and_renders_empty() -> None:
    assert render("Hi {{ recipient_name }}!", {"recipient_name": None}) == "Hi !"


def test_a_value_is_never_rendered_again_as_a_template() -> None:
    assert render("{{ a }}", {"a": "{{ b }}", "b": "secret"}) == "{{ b }}"


def test_stray_braces_are_left_as_literal_text() -> None:
    assert render("{{ Name }} and {x} and {{ a }}", {"a": "1"}) == "{{ Name }} and {x} and 1"


def test_render_html_escapes_the_template_and_the_values_and_breaks_lines() -> None:
    html = render_html('Tom & Jerry\n<b>{{ name }}</b> said "{{ quote }}"', {"name": "<script>", "quote": "a\nb & c"})
    # The template's line breaks; a value's are user text, one space (20260115000000).
    assert html == "Tom &amp; Jerry<br>\n&lt;b&gt;&lt;script&gt;&lt;/b&gt; said &quot;a b &amp; c&quot;"


def test_render_html_also_refuses_missing_variables() -> None:
    with pytest.raises(MissingVariable):
        render_html("{{ nope }}", {})


# --- a claimed delivery to a Message ------------------------------------------------------------


def test_an_email_delivery_renders_subject_text_and_html() -> None:
    message = render_message(claimed(), site_url="https://app.marketbase.test")
    assert message.delivery_id == DELIVERY
    assert message.idempotency_key == DELIVERY
    assert message.channel == "email"
    assert message.destination == "ana@example.com"
    assert message.subject == "Booking confirmed: Deep tissue massage"
    assert message.title == "Your booking is confirmed"
    assert message.action_url == f"https://app.marketbase.test/bookings/{BOOKING}"
    assert message.body == (
        "Your booking is confirmed\n\n"
        "Hi Ana,\nDeep tissue massage starts Tue 3 Mar, 10:00 (Europe/Lisbon).\n\n"
        f"https://app.marketbase.test/bookings/{BOOKING}"
    )
    assert message.html is not None
    assert "<h1" in message.html and "Your booking is confirmed</h1>" in message.html
    assert "<p>Hi Ana,<br>\nDeep tissue massage starts Tue 3 Mar, 10:00 (Europe/Lisbon).</p>" in message.html
    assert f'<a href="https://app.marketbase.test/bookings/{BOOKING}">' in message.html
    assert (message.priority, message.severity, message.data) == (6, "success", {})


def test_email_html_escapes_values_that_look_like_markup() -> None:
    row = claimed()
    row["data"] = {**row["data"], "recipient_name": '<img src=x onerror="alert(1)">'}
    message = render_message(row)
    assert message.html is not None
    assert "<img" not in message.html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in message.html
    assert '<img src=x onerror="alert(1)">' in message.body  # plain text stays as written


def test_a_subject_is_one_line_even_when_a_value_has_newlines() -> None:
    row = claimed()
    row["data"] = {**row["data"], "offering_title": "Massage\r\nBcc: someone@example.com"}
    # (and the address in it is no link: user text, 20260115000000)
    assert render_message(row).subject == "Booking confirmed: Massage Bcc: someone@example[.]com"


def test_a_link_already_in_the_text_is_not_added_twice() -> None:
    row = claimed(body="Open {{ action_url }}", action_url="{{ action_url }}")
    row["data"] = {**row["data"], "action_url": "https://app.marketbase.test/x"}
    message = render_message(row)
    assert message.body == "Your booking is confirmed\n\nOpen https://app.marketbase.test/x"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,hi", "//evil.example/x", "ftp://x.example/y", " "]
)
def test_an_action_url_that_is_not_http_is_dropped(url: str) -> None:
    row = claimed(action_url="{{ action_url }}")
    row["data"] = {**row["data"], "action_url": url}
    message = render_message(row, site_url="https://app.marketbase.test")
    assert message.action_url is None
    assert message.html is not None and "<a " not in message.html


def test_a_relative_action_url_stays_a_path_without_a_site_url() -> None:
    assert render_message(claimed()).action_url == f"/bookings/{BOOKING}"


def test_an_sms_delivery_is_the_rendered_body_only() -> None:
    row = claimed(channel="sms", destination="+351912345678", subject=None, body="{{ offering_title }} confirmed.")
    message = render_message(row)
    assert (message.subject, message.html, message.body) == (None, None, "Deep tissue massage confirmed.")
    assert message.data == {}


def test_a_push_delivery_carries_string_data_for_routing_and_no_personal_values() -> None:
    row = claimed(channel="push", destination="token-1", subject=None, body="{{ offering_title }} is confirmed")
    row["data"] = {**row["data"], "invoice_id": 1234, "is_first": True, "nested_id": {"x": 1}}
    message = render_message(row, site_url="https://app.marketbase.test")
    assert message.title == "Your booking is confirmed"
    assert message.body == "Deep tissue massage is confirmed"
    assert message.data == {
        "delivery_id": DELIVERY,
        "event_type": "booking.confirmed",
        "severity": "success",
        "priority": "6",
        "action_url": f"https://app.marketbase.test/bookings/{BOOKING}",
        "booking_id": BOOKING,
        "invoice_id": "1234",
    }
    assert all(isinstance(value, str) for value in message.data.values())


def test_data_may_arrive_as_a_json_string() -> None:
    row = claimed()
    row["data"] = json.dumps(row["data"])
    assert render_message(row).subject == "Booking confirmed: Deep tissue massage"


def test_a_missing_variable_names_the_field_it_is_missing_from() -> None:
    row = claimed(subject="About {{ invoice_number }}")
    with pytest.raises(MissingVariable) as raised:
        render_message(row)
    assert (raised.value.names, raised.value.field) == (["invoice_number"], "subject")
    assert str(raised.value) == "undefined template variable in the subject: invoice_number"


def test_an_email_without_a_subject_template_uses_the_title() -> None:
    assert render_message(claimed(subject=None)).subject == "Your booking is confirmed"


def test_the_idempotency_key_defaults_to_the_delivery_id() -> None:
    assert render_message(claimed(idempotency_key=None)).idempotency_key == DELIVERY


@pytest.mark.parametrize("channel", ["in_app", "fax", None])
def test_an_unknown_channel_cannot_be_rendered(channel: str | None) -> None:
    with pytest.raises(TemplateError, match="unknown channel"):
        render_message(claimed(channel=channel))


def test_data_that_is_not_an_object_cannot_be_rendered() -> None:
    with pytest.raises(TemplateError, match="not a JSON object"):
        render_message(claimed(data=[1, 2]))
