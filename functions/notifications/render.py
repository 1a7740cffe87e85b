"""Templates to text: the `{{ name }}` grammar the database validates, filled with a delivery's data.

The grammar is the one `private.template_placeholders` parses (same regular expression): a
placeholder is `{{`, optional spaces, a lowercase identifier, optional spaces, `}}`. Anything else
is literal text (the database refuses stray braces when a template is saved, so none should
arrive). A template naming a variable the data does not carry is an error, `MissingVariable`,
never an empty string: the dispatcher records it as a permanent failure of that delivery rather
than sending a message with a hole in it.

Values are written simply: strings as they are, None as nothing, lists one item per line (the
daily digest's `items`, each `{title, body}` as "title: body"), anything else with `str`. HTML
rendering escapes the template text and the values alike, and turns newlines into `<br>`.

Every value is user text (a display name, an offering title, ...) and is written by
`sanitize_user_text` unless the platform composes it (`TRUSTED_VARIABLES`: the action URL, the
digest's items, an announcement's title and body): no invisible characters, no line breaks, no
links (`https[:]//evil[.]example`), at most 100 characters. The platform's sender must not carry a
stranger's link (a client named "Claim refund at https://..." who books and cancels in a loop).
The database's renderer of the inbox and the digests applies the same rules with the same
expressions (`private.sanitize_user_text`, 20260115000000).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from .channels import Message

__all__ = [
    "PLACEHOLDER",
    "TRUSTED_VARIABLES",
    "MissingVariable",
    "TemplateError",
    "format_variable",
    "placeholders",
    "push_data",
    "render",
    "render_html",
    "render_message",
    "sanitize_user_text",
]

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
CHANNELS = ("email", "sms", "push")
# FCM refuses these data keys (reserved) and a data payload over 4 KB.
_RESERVED_DATA_KEYS = frozenset({"from", "notification", "message_type", "collapse_key"})

# The variables the platform composes; every other value is user text (private.format_template_variable).
TRUSTED_VARIABLES = frozenset({"action_url", "items", "title", "body"})
USER_TEXT_MAX_LENGTH = 100
# The expressions of private.sanitize_user_text, one for one.
_PLAIN_WORDS = re.compile(r"[A-Za-z0-9,'_-]+( [A-Za-z0-9,'_-]+)*")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_IDNA_DOTS = re.compile("[\u3002\uff0e\uff61\u2024\ufe52]")
# \x00 too: Postgres text cannot hold it, a JSON string can.
_SPACES = re.compile("[\x00-\x1f\x7f-\x9f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000 ]+")
_LABEL = "A-Za-z0-9\u00c0-\U0010ffff"
_HOST_DOT = re.compile(f"(?<=[{_LABEL}-])\\.(?=[A-Za-z\u00c0-\U0010ffff][{_LABEL}-])")
_IPV4 = re.compile(r"(?<![0-9])([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})(?![0-9])")


class TemplateError(ValueError):
    """A template or a claimed delivery that cannot be rendered: a permanent failure."""


class MissingVariable(TemplateError):
    """The template names variables the delivery's data does not carry."""

    def __init__(self, names: Iterable[str], *, field: str | None = None) -> None:
        self.names = sorted(set(names))
        self.field = field
        noun = "variables" if len(self.names) > 1 else "variable"
        where = f" in the {field}" if field else ""
        super().__init__(f"undefined template {noun}{where}: {', '.join(self.names)}")


def placeholders(text: str) -> list[str]:
    """The variable names a template uses, each once, in order of first use."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def render(text: str, data: Mapping[str, Any]) -> str:
    """The template with every placeholder replaced by its value, as plain text."""
    return _render(text, data, escape=False)


def render_html(text: str, data: Mapping[str, Any]) -> str:
    """The template as HTML: the template text and the values escaped, newlines as `<br>`."""
    return _render(text, data, escape=True)


def _render(text: str, data: Mapping[str, Any], *, escape: bool) -> str:
    missing = [name for name in placeholders(text) if name not in data]
    if missing:
        raise MissingVariable(missing)
    out: list[str] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        out.append(_literal(text[position : match.start()], escape))
        value = format_variable(match.group(1), data[match.group(1)])
        out.append(_literal(value, escape))
        position = match.end()
    out.append(_literal(text[position:], escape))
    return "".join(out)


def _literal(text: str, escape: bool) -> str:
    if not escape:
        return text
    return html.escape(text, quote=True).replace("\r\n", "\n").replace("\n", "<br>\n")


def format_variable(name: str, value: Any) -> str:
    """A variable's value as it goes into a message: user text (sanitised) unless the platform
    composes it."""
    text = format_value(value)
    return text if name in TRUSTED_VARIABLES else sanitize_user_text(text)


def sanitize_user_text(text: str, max_length: int = USER_TEXT_MAX_LENGTH) -> str:
    """User text made safe to send from the platform, as private.sanitize_user_text makes it:
    invisible characters removed, whitespace and control characters one space, links neutralised
    (`https[:]//evil[.]example`, `10[.]0[.]0[.]1`), at most `max_length` characters."""
    if _PLAIN_WORDS.fullmatch(text) and len(text) <= max_length:
        return text
    clean = _INVISIBLE.sub("", text)
    clean = _IDNA_DOTS.sub(".", clean)
    clean = _SPACES.sub(" ", clean).strip(" ")
    clean = clean.replace("://", "[:]//")
    clean = _HOST_DOT.sub("[.]", clean)
    clean = _IPV4.sub(r"\1[.]\2[.]\3[.]\4", clean)
    if len(clean) > max_length:
        clean = clean[: max(max_length - 1, 0)] + "\u2026"
    return clean


def format_value(value: Any) -> str:
    """One variable's value as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "\n".join(_item(item) for item in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _item(item: Any) -> str:
    if isinstance(item, Mapping) and ("title" in item or "body" in item):
        title, body = format_value(item.get("title")), format_value(item.get("body"))
        return f"{title}: {body}" if title and body else title or body
    return format_value(item)


# --- a claimed delivery to a Message ------------------------------------------------------------


def render_message(row: Mapping[str, Any], *, site_url: str | None = None) -> Message:
    """One element of `service.claim_deliveries`' result, rendered for its channel.

    The row carries the template texts (subject, title, body, action_url) and `data` (the outbox
    data plus `recipient_name`). `site_url`, when given, makes a relative action URL absolute
    (a link in an email must be). Raises `TemplateError` (`MissingVariable`) for a delivery that
    can never be rendered.
    """
    channel = str(row.get("channel") or "")
    if channel not in CHANNELS:
        raise TemplateError(f"unknown channel {channel!r}")
    data = _data(row.get("data"))
    delivery_id = str(row["delivery_id"])
    idempotency_key = str(row.get("idempotency_key") or delivery_id)

    title = _field(row, "title", data)
    body = _field(row, "body", data)
    action_url = _safe_url(_field(row, "action_url", data), site_url) if row.get("action_url") else None
    subject = html_body = None
    if channel == "email":
        subject = " ".join((_field(row, "subject", data) or title).split())  # one line: a header
        html_body = _email_html(row, data, title, action_url)
        if action_url and action_url not in body:
            body = f"{body}\n\n{action_url}"
        if title:
            body = f"{title}\n\n{body}"
    priority = int(row.get("priority") or 0)
    severity = str(row.get("severity") or "info")
    return Message(
        delivery_id=delivery_id,
        idempotency_key=idempotency_key,
        channel=channel,
        destination=str(row["destination"]),
        subject=subject,
        title=title,
        body=body,
        html=html_body,
        action_url=action_url,
        data=push_data(row, data, action_url, priority, severity) if channel == "push" else {},
        priority=priority,
        severity=severity,
    )


def _data(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    if isinstance(raw, str | bytes):
        raw = json.loads(raw)
    if not isinstance(raw, Mapping):
        raise TemplateError("the delivery's data is not a JSON object")
    return dict(raw)


def _field(row: Mapping[str, Any], name: str, data: Mapping[str, Any]) -> str:
    template = row.get(name)
    if template is None:
        return ""
    try:
        return render(str(template), data)
    except MissingVariable as error:
        raise MissingVariable(error.names, field=name) from None


def _email_html(row: Mapping[str, Any], data: Mapping[str, Any], title: str, action_url: str | None) -> str:
    try:
        body = render_html(str(row.get("body") or ""), data)
    except MissingVariable as error:
        raise MissingVariable(error.names, field="body") from None
    parts = [
        "<!doctype html>",
        '<html><head><meta charset="utf-8"></head>',
        '<body style="font-family: sans-serif; line-height: 1.5">',
    ]
    if title:
        parts.append(f'<h1 style="font-size: 1.25em">{html.escape(title)}</h1>')
    parts.append(f"<p>{body}</p>")
    if action_url:
        href = html.escape(action_url, quote=True)
        parts.append(f'<p><a href="{href}">{href}</a></p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _safe_url(url: str, site_url: str | None) -> str | None:
    """An http(s) URL, or a path (made absolute when the site URL is known); anything else
    (`javascript:`, `data:`, blank) is dropped rather than put in a link."""
    url = url.strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme or url.startswith("//"):
        return url if parts.scheme in ("http", "https") and parts.netloc else None
    if site_url:
        return urljoin(site_url.rstrip("/") + "/", url.lstrip("/"))
    return url if url.startswith("/") else None


def push_data(
    row: Mapping[str, Any], data: Mapping[str, Any], action_url: str | None, priority: int, severity: str
) -> dict[str, str]:
    """The push message's data payload: string values only (FCM's rule), and only what an app
    needs to route the tap — the delivery, the event, the link and the ids the event names —
    never the personal values the text was rendered with."""
    payload: dict[str, str] = {
        "delivery_id": str(row["delivery_id"]),
        "event_type": str(row.get("event_type") or ""),
        "severity": severity,
        "priority": str(priority),
    }
    if action_url:
        payload["action_url"] = action_url
    for key, value in data.items():
        if (
            key.endswith("_id")
            and isinstance(value, str | int)
            and not isinstance(value, bool)
            and key not in _RESERVED_DATA_KEYS
            and not key.startswith(("google", "gcm"))
        ):
            payload.setdefault(key, str(value))
    return payload
