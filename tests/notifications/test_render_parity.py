"""The two renderers of the `{{ name }}` templates agree (issue 23, item 2).

The database renders the inbox and the digests (private.render_template); the dispatcher renders
email, SMS and push (functions/notifications/render.py). Until one of them is gone, this holds
them to the same output: every seeded template (every event, channel and locale; subject,
title, body and action URL), filled with the variables its event declares, from a set of values
that exercise each rule (user text with markup, links, IP addresses, invisible characters,
control characters, long text; numbers, booleans, null, JSON objects, the digest's list of
items), rendered by both."""

from __future__ import annotations

import itertools
import json
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from functions.notifications import render as render_module
from functions.notifications.render import render

# Values a variable may carry, as the outbox's jsonb holds them; each template is rendered with
# every variable taking each of these in turn (rotated, so neighbours differ).
VALUES: list[Any] = [
    "Zoë O'Brien",
    "Claim refund at https://evil.example/r?id=1\u200b\nwww.evil.example",
    '<b>Deep clean</b> & "windows"',
    "120.00",
    "Tue 13 Jan 2026, 10:00",
    "  two\tspaces\r\nand a line  ",
    "call 10.0.0.1 or evil\u3002example\uff0ecom",
    "x" * 150,
    "plain words only",
    "",
    42,
    12.5,
    True,
    None,
    {"nested": "object", "n": 1},
]
ITEMS = [
    {"title": "Booking confirmed", "body": "Advice on Tue 13 Jan"},
    {"title": "Payment received", "body": ""},
    "plain",
]


def templates(conn: psycopg.Connection) -> list[tuple[str, str, str, str, str, list[str]]]:
    return conn.execute(
        """
        select t.event_type, t.channel::text, t.locale, f.field, f.text, e.variables
        from public.notification_templates t
        join public.notification_event_types e on e.key = t.event_type
        cross join lateral (values ('subject', t.subject), ('title', t.title), ('body', t.body),
                                   ('action_url', t.action_url)) f (field, text)
        where f.text is not null
        order by 1, 2, 3, 4
        """
    ).fetchall()


def data_for(variables: list[str], turn: int) -> dict[str, Any]:
    names = [*variables, "recipient_name"]
    data: dict[str, Any] = {}
    for offset, name in enumerate(names):
        data[name] = ITEMS if name == "items" else VALUES[(turn + offset) % len(VALUES)]
    return data


def differences(db: psycopg.Connection, rows: list[Any]) -> tuple[int, list[str]]:
    found, compared = [], 0
    for (event, channel, locale, field, text, variables), turn in itertools.product(rows, range(len(VALUES))):
        data = data_for(variables, turn)
        (in_sql,) = db.execute("select private.render_template(%s, %s)", (text, Jsonb(data))).fetchone()
        in_python = render(text, json.loads(json.dumps(data)))
        compared += 1
        if in_sql != in_python:
            found.append(
                f"{event}/{channel}/{locale}/{field} with {data}:\n  sql:    {in_sql!r}\n  python: {in_python!r}"
            )
    return compared, found


def test_every_seeded_template_renders_the_same_in_sql_and_in_python(db: psycopg.Connection) -> None:
    rows = templates(db)
    assert len(rows) > 300, "every event, channel and field of the seeded templates"
    compared, found = differences(db, rows)
    assert not found, f"{len(found)} of {compared} renderings differ:\n" + "\n".join(found[:5])


def test_the_comparison_catches_a_renderer_that_drifts(db: psycopg.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the dispatcher to stop neutralising links in user text, the comparison would say so."""
    monkeypatch.setattr(render_module, "sanitize_user_text", lambda text, max_length=100: text)
    compared, found = differences(db, [r for r in templates(db) if r[0] == "booking.confirmed"])
    assert compared and found
