"""What the fakes of HTTP providers share: a real local HTTP server in a thread (as fake_stripe
runs), every request recorded as it arrived, and failures the test programs.

A subclass answers `_route(request)` with `(status, body, headers)` in the provider's wire format
and `_error_body(status)` with the provider's error shape for injected failures. The test then
asserts exactly what went over the wire:

    with FakeTwilio() as fake:
        ...
        request = fake.last_request("POST", r"/2010-04-01/Accounts/\\w+/Messages.json")
        request.form["To"], request.basic_auth, request.headers["idempotency-key"]

Failures:
- `fail_next(status)`: the next matching request is answered `status` with the provider's error
  body, and nothing is done; `status=None` drops the connection without an answer;
- `fail_next(None, after=True)`: the work is done, then the connection drops (a lost response);
- `delay_next(seconds)`: the work is done and the answer comes late (a client timeout).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["FakeHttpServer", "RecordedRequest", "Reply"]

Reply = tuple[int, Any, dict[str, str]]


@dataclass
class RecordedRequest:
    """One request as the fake received it, and what it answered."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    raw_body: str
    form: dict[str, str] = field(default_factory=dict)  # a form-encoded body, decoded
    json: Any = None  # a JSON body, parsed
    status: int = 0  # 0: no answer (the connection was dropped)
    response: Any = None
    replayed: bool = False  # answered from an idempotency key's saved result

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")

    @property
    def bearer(self) -> str | None:
        header = self.authorization or ""
        return header[7:] if header.lower().startswith("bearer ") else None

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        header = self.authorization or ""
        if not header.lower().startswith("basic "):
            return None
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return None
        return user, password


@dataclass
class _Failure:
    status: int | None  # None: drop the connection
    body: Any
    headers: dict[str, str]
    method: str | None
    path: str | None
    after: bool  # do the work, then fail (the answer is lost)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or re.fullmatch(self.path, path) is not None
        )


@dataclass
class _Delay:
    seconds: float
    method: str | None
    path: str | None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or re.fullmatch(self.path, path) is not None
        )


class RequestLog:
    """What reached a fake, for tests to assert on: every request recorded, by method and path.
    Shared by the provider fakes here and the fake Stripe; a subclass sets `name` and keeps
    `_requests` under `_lock`."""

    name = "fake"
    _lock: threading.RLock
    _requests: list[Any]

    @property
    def requests(self) -> list[Any]:
        with self._lock:
            return list(self._requests)

    def requests_for(self, method: str | None = None, path: str | None = None) -> list[Any]:
        """Recorded requests by method and path (a regular expression matched in full)."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper()) and (path is None or re.fullmatch(path, r.path))
        ]

    def last_request(self, method: str | None = None, path: str | None = None) -> Any:
        found = self.requests_for(method, path)
        if not found:
            raise AssertionError(f"no {method or ''} {path or ''} request reached the {self.name}")
        return found[-1]

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()


class FakeHttpServer(RequestLog):
    """An HTTP provider on 127.0.0.1:<free port>."""

    name = "fake"
    server_header = "nginx"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._requests: list[RecordedRequest] = []
        self._failures: list[_Failure] = []
        self._delays: list[_Delay] = []
        self.server_errors: list[BaseException] = []  # bugs in the fake: answered 500, raised by stop()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- to implement ---------------------------------------------------------------------------

    def _route(self, request: RecordedRequest) -> Reply:
        raise NotImplementedError

    def _error_body(self, status: int) -> Any:
        return {"message": f"injected failure {status}"}

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeHttpServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name=self.name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
        if self.server_errors:
            raise RuntimeError(f"the {self.name} failed while answering a request") from self.server_errors[0]

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- failures -------------------------------------------------------------------------------

    def fail_next(
        self,
        status: int | None = 500,
        *,
        body: Any = None,
        method: str | None = None,
        path: str | None = None,
        times: int = 1,
        after: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """The next `times` matching requests fail with `status` (None: the connection drops) and
        `body` (default: the provider's error body for that status)."""
        with self._lock:
            for _ in range(times):
                self._failures.append(
                    _Failure(status, body, dict(headers or {}), method.upper() if method else None, path, after)
                )

    def delay_next(self, seconds: float, *, method: str | None = None, path: str | None = None) -> None:
        """The next matching request is done, and answered `seconds` late."""
        with self._lock:
            self._delays.append(_Delay(seconds, method.upper() if method else None, path))

    # --- HTTP -----------------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], raw_body: str
    ) -> tuple[RecordedRequest, int | None, Any, dict[str, str], float]:
        """One request: its record, the status (None: drop the connection), the JSON body, extra
        response headers and how long to wait before answering."""
        split = urlsplit(target)
        request = RecordedRequest(method, split.path, dict(parse_qsl(split.query)), dict(headers), raw_body)
        content_type = request.headers.get("content-type", "")
        if "application/x-www-form-urlencoded" in content_type:
            request.form = dict(parse_qsl(raw_body, keep_blank_values=True))
        elif "json" in content_type and raw_body:
            try:
                request.json = json.loads(raw_body)
            except ValueError:
                request.json = None
        with self._lock:
            self._requests.append(request)
            failure = next((f for f in self._failures if f.matches(method, split.path)), None)
            if failure is not None:
                self._failures.remove(failure)
            delay = next((d for d in self._delays if d.matches(method, split.path)), None)
            if delay is not None:
                self._delays.remove(delay)
            status: int | None = None
            body: Any = None
            extra: dict[str, str] = {}
            if failure is None or failure.after:
                status, body, extra = self._execute(request)
            if failure is not None:
                status = failure.status
                body = failure.body if failure.body is not None or status is None else self._error_body(status)
                extra = dict(failure.headers)
            request.status = status or 0
            request.response = body
        return request, status, body, extra, delay.seconds if delay else 0.0

    def _execute(self, request: RecordedRequest) -> Reply:
        try:
            return self._route(request)
        except Exception as error:  # a bug in the fake: answer 500, fail the test at stop()
            self.server_errors.append(error)
            return 500, {"message": f"{self.name} bug: {error!r}"}, {}


def _handler_for(fake: FakeHttpServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm holds
        # the body until the client's delayed ACK, about 40 ms a request.
        disable_nagle_algorithm = True
        server_version = fake.server_header
        sys_version = ""

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            headers = {name.lower(): value for name, value in self.headers.items()}
            _, status, body, extra, delay = fake.handle(method, self.path, headers, raw)
            if delay:
                time.sleep(delay)
            if status is None:  # a lost connection: no status line at all
                self.close_connection = True
                return
            payload = b"" if body is None else json.dumps(body, indent=2).encode()
            try:
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
            pass

    return Handler
