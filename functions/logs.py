"""Log lines that explain a production failure: one JSON object per line, at INFO, with the
`extra=` fields of the call, the request's correlation id and the ids bound for it.

- `correlation_id`: the API Gateway request id of an HTTP request (`CorrelationMiddleware`), the
  Lambda request id of a scheduled run; every line logged while it is set carries it.
- `bind(stripe_event_id=...)`, `bind(delivery_id=...)`: ids that every line of a block carries.
- No secret or personal data: whatever a line holds (a provider's error message, an exception),
  email addresses, phone numbers, API keys, webhook secrets and bearer tokens are replaced by
  "[redacted]" before it is written.

On Lambda (serverless.yml: `logs.lambda`, LogFormat JSON, ApplicationLogLevel INFO)
`handlers.lambda_init` calls `configure()`; `marketbase dev` calls `configure(readable=True)`
for the same lines as text. Standard library only: Powertools' Logger would cost a cold start
more for what these 100 lines do (bench/handlers/RESULTS.md).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
_bound: ContextVar[Mapping[str, Any] | None] = ContextVar("log_fields", default=None)

# The attributes every LogRecord has: anything else on a record came from `extra=`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

REDACTED = "[redacted]"
_SECRETS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an email address
    r"|\+\d[\d ().-]{6,18}\d"  # a phone number (E.164 or written with separators)
    r"|\b(?:sk|rk|pk)_(?:live|test)_\w+"  # Stripe keys
    r"|\bwhsec_\w+"  # webhook signing secrets
    r"|\bre_\w{8,}"  # Resend API keys
    r"|\beyJ[\w-]+\.[\w-]+\.[\w-]*"  # a JWT (access token, service-role key)
    r"|(?i:bearer)\s+[\w.~+/-]+=*"  # an Authorization header's credentials
)


def redact(text: str) -> str:
    """The text with every email address, phone number, key and token replaced."""
    return _SECRETS.sub(REDACTED, text)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def correlated(value: str | None) -> Iterator[str]:
    """Every line logged inside carries this correlation id (a new one when None)."""
    value = value or new_correlation_id()
    token = correlation_id.set(value)
    try:
        yield value
    finally:
        correlation_id.reset(token)


@contextmanager
def bind(**fields: Any) -> Iterator[None]:
    """Every line logged inside carries these fields (ids: never personal data)."""
    token = _bound.set({**(_bound.get() or {}), **fields})
    try:
        yield
    finally:
        _bound.reset(token)


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    """The correlation id, the bound fields and the record's own `extra=` fields."""
    fields: dict[str, Any] = {}
    if (value := correlation_id.get()) is not None:
        fields["correlation_id"] = value
    fields.update(_bound.get() or {})
    fields.update((key, value) for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES)
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per record: timestamp, level, logger, message, then the fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **fields_of(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(line, default=str, ensure_ascii=False))


class ReadableFormatter(logging.Formatter):
    """The same lines for a terminal (`marketbase dev`): time, level, logger, message, key=value."""

    def format(self, record: logging.LogRecord) -> str:
        moment = time.strftime("%H:%M:%S", time.localtime(record.created))
        fields = " ".join(f"{key}={json.dumps(value, default=str)}" for key, value in fields_of(record).items())
        text = f"{moment} {record.levelname:<7} {record.name}: {record.getMessage()}"
        text += f"  {fields}" if fields else ""
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return redact(text)


def configure(*, readable: bool = False, level: int = logging.INFO) -> None:
    """The root logger at `level`, every handler (Lambda's own included) formatting our way."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler(sys.stderr if readable else sys.stdout))
    formatter = ReadableFormatter() if readable else JsonFormatter()
    for handler in root.handlers:
        handler.setFormatter(formatter)
    root.setLevel(level)


class CorrelationMiddleware:
    """ASGI middleware: each HTTP request runs with its API Gateway request id as correlation id
    (Mangum's `aws.event`), else the `x-request-id` header, else a new id."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        event = scope.get("aws.event") or {}
        request_id = (event.get("requestContext") or {}).get("requestId") if isinstance(event, dict) else None
        if not request_id:
            headers = dict(scope.get("headers") or [])
            request_id = (headers.get(b"x-request-id") or b"").decode("latin-1")[:100] or None
        with correlated(request_id):
            await self.app(scope, receive, send)
