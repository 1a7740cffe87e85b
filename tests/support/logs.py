"""The log lines of a test, as Lambda writes them (functions/logs.py's JSON at INFO), and the check
every webhook and dispatch test runs over them (tests/payments/conftest.py,
tests/notifications/conftest.py): each line one JSON object, each line of our loggers with a
correlation id, and none with an email address, a phone number, a key or a token.

The patterns here are the test's own, not functions/logs.py's, so a gap in the redaction shows.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from functions.logs import JsonFormatter

PERSONAL_OR_SECRET = {
    "email": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+"),
    "phone": re.compile(r"\+\d{8,15}"),
    "stripe key": re.compile(r"(?:sk|rk)_(?:test|live)_[A-Za-z0-9]+"),
    "webhook secret": re.compile(r"whsec_[A-Za-z0-9]+"),
    "resend key": re.compile(r"\bre_[A-Za-z0-9_]{8,}"),
    "jwt": re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"),
}


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]


@contextmanager
def captured() -> Iterator[Lines]:
    """The root logger's lines at INFO while inside, formatted as on Lambda."""
    root, handler = logging.getLogger(), Lines()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def problems(lines: list[str]) -> list[str]:
    """What is wrong with these lines: not JSON, ours without a correlation id, personal data."""
    found = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            found.append(f"not JSON: {line}")
            continue
        if str(record.get("logger", "")).startswith("marketbase.") and not record.get("correlation_id"):
            found.append(f"no correlation id: {line}")
        found += [f"{kind}: {line}" for kind, pattern in PERSONAL_OR_SECRET.items() if pattern.search(line)]
    return found
