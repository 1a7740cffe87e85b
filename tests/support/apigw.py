"""API Gateway HTTP API events (payload format 2.0) and a Lambda context, to invoke the handlers
the way AWS does: `handler(http_api_event("POST", "/stripe/webhook", body=raw, headers=...), lambda_context())`.

The shape follows AWS's documented 2.0 payload: header names lower-cased, repeated headers and
query values joined with commas, cookies moved out of the headers into `cookies`, no `body` key
when there is no body, and the body base64-encoded with `isBase64Encoded` when API Gateway treats
it as binary (`base64_encoded=True`; Stripe webhooks can arrive either way).
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

__all__ = ["LambdaContext", "http_api_event", "lambda_context", "response_body", "response_json"]

ACCOUNT_ID = "123456789012"
API_ID = "r3pmxmplak"
REGION = "eu-west-1"

HeaderValue = str | Sequence[str]
QueryValue = str | Sequence[str]


def http_api_event(
    method: str,
    path: str,
    *,
    body: bytes | str | Mapping[str, Any] | Sequence[Any] | None = None,
    base64_encoded: bool = False,
    headers: Mapping[str, HeaderValue] | None = None,
    query: Mapping[str, QueryValue] | str | None = None,
    cookies: Sequence[str] | None = None,
    source_ip: str = "198.51.100.23",
    user_agent: str = "Mozilla/5.0 (X11; Linux x86_64) marketbase-tests",
    route_key: str | None = None,
    path_parameters: Mapping[str, str] | None = None,
    stage: str = "$default",
    time_epoch_ms: int | None = None,
) -> dict[str, Any]:
    """An HTTP API (v2.0 payload) Lambda proxy event.

    `body`: raw bytes/str sent as is (the exact bytes matter for Stripe's signature), or a JSON
    value serialised with content-type application/json. `headers` values may be lists (repeated
    headers). A `cookie` header is split into `cookies` as API Gateway does. `route_key` defaults
    to "<METHOD> <path>" (an explicit route, as serverless.yml declares them).
    """
    method = method.upper()
    epoch_ms = int(time.time() * 1000) if time_epoch_ms is None else time_epoch_ms
    domain = f"{API_ID}.execute-api.{REGION}.amazonaws.com"

    merged: dict[str, list[str]] = {}
    for name, value in (headers or {}).items():
        values = [value] if isinstance(value, str) else list(value)
        merged.setdefault(name.lower(), []).extend(values)
    all_cookies = list(cookies or [])
    for value in merged.pop("cookie", []):
        all_cookies.extend(part.strip() for part in value.split(";") if part.strip())

    raw: bytes | None
    if body is None:
        raw = None
    elif isinstance(body, bytes):
        raw = body
    elif isinstance(body, str):
        raw = body.encode()
    else:
        raw = json.dumps(body).encode()
        merged.setdefault("content-type", ["application/json"])

    defaults = {
        "host": domain,
        "user-agent": user_agent,
        "x-amzn-trace-id": f"Root=1-{epoch_ms // 1000:08x}-{uuid.uuid4().hex[:24]}",
        "x-forwarded-for": source_ip,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    for name, value in defaults.items():
        merged.setdefault(name, [value])
    if raw is not None:
        merged["content-length"] = [str(len(raw))]

    raw_query, query_parameters = _query(query)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key or f"{method} {path}",
        "rawPath": path,
        "rawQueryString": raw_query,
    }
    if all_cookies:
        event["cookies"] = all_cookies
    event["headers"] = {name: ",".join(values) for name, values in merged.items()}
    if query_parameters:
        event["queryStringParameters"] = query_parameters
    event["requestContext"] = {
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": domain,
        "domainPrefix": API_ID,
        "http": {
            "method": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": merged["user-agent"][0],
        },
        "requestId": base64_id(),
        "routeKey": route_key or f"{method} {path}",
        "stage": stage,
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch_ms / 1000)),
        "timeEpoch": epoch_ms,
    }
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if raw is not None:
        event["body"] = _b64(raw) if base64_encoded else raw.decode()
    event["isBase64Encoded"] = bool(base64_encoded and raw is not None)
    return event


def _query(query: Mapping[str, QueryValue] | str | None) -> tuple[str, dict[str, str]]:
    if not query:
        return "", {}
    if isinstance(query, str):
        pairs = parse_qsl(query, keep_blank_values=True)
        raw = query
    else:
        pairs = [(k, v) for k, value in query.items() for v in ([value] if isinstance(value, str) else value)]
        raw = urlencode(pairs, quote_via=quote)
    joined: dict[str, list[str]] = {}
    for key, value in pairs:
        joined.setdefault(key, []).append(value)
    return raw, {key: ",".join(values) for key, values in joined.items()}


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def base64_id() -> str:
    """An API Gateway request id (e.g. "JKJaXmPLvHcESHA=")."""
    return _b64(uuid.uuid4().bytes[:10])


@dataclass
class LambdaContext:
    """The attributes of the Python runtime's context object that handlers and Mangum read."""

    function_name: str = "marketbase-dev-stripe-webhook"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    timeout_seconds: float = 10.0
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = ""
    log_group_name: str = ""
    log_stream_name: str = ""
    identity: Any = None  # Cognito identity: only for mobile SDK invocations
    client_context: Any = None  # only for mobile SDK invocations
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"
        self.invoked_function_arn = self.invoked_function_arn or arn
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"
        self.log_stream_name = self.log_stream_name or time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def lambda_context(function_name: str = "marketbase-dev-stripe-webhook", **options: Any) -> LambdaContext:
    return LambdaContext(function_name=function_name, **options)


def response_body(response: Mapping[str, Any]) -> bytes:
    """The body bytes of a handler's API Gateway response (decoding base64 when flagged)."""
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        return base64.b64decode(body)
    return str(body).encode()


def response_json(response: Mapping[str, Any]) -> Any:
    return json.loads(response_body(response))
