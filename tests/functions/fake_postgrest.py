"""A real HTTP server on 127.0.0.1 that answers RPC calls as Supabase's PostgREST does and records
every request, so the Supabase adapter is tested at the HTTP boundary: what it sends (path,
apikey, Authorization, profile headers, JSON body) and how it reads PostgREST's answers.

Answers are scripted per function with PostgREST's real shapes: a JSON value with 200, 204 and
no body for a void function, and errors as PostgREST writes them,
`{"code": ..., "details": ..., "hint": ..., "message": ...}` with `Content-Type:
application/json; charset=utf-8` and (PostgREST 13) `Proxy-Status: PostgREST; error=<code>`.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JSON_TYPE = "application/json; charset=utf-8"
RPC_PREFIX = "/rest/v1/rpc/"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def ok(value: Any) -> Reply:
    """A function's result, as PostgREST sends it for POST /rpc/<fn>."""
    return Reply(200, json.dumps(value).encode(), {"Content-Type": JSON_TYPE, "Content-Range": "0-0/*"})


def no_content() -> Reply:
    """A void function (PostgREST 11+: 204 without Content-Type)."""
    return Reply(204)


def error(status: int, code: str, message: str, details: str | None = None, hint: str | None = None) -> Reply:
    """An error body exactly as PostgREST writes it (keys in its order)."""
    body = {"code": code, "details": details, "hint": hint, "message": message}
    headers = {"Content-Type": JSON_TYPE, "Proxy-Status": f"PostgREST; error={code}"}
    return Reply(status, json.dumps(body).encode(), headers)


class FakePostgrest:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.replies: dict[str, Reply] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        """The Supabase project URL (PostgREST lives under /rest/v1)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def reply(self, function: str, reply: Reply) -> None:
        self.replies[function] = reply

    def start(self) -> FakePostgrest:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as PostgREST behind Supabase's gateway

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                fake.requests.append(
                    Recorded(
                        "POST",
                        self.path,
                        {name.lower(): value for name, value in self.headers.items()},
                        json.loads(raw) if raw else None,
                    )
                )
                function = self.path.removeprefix(RPC_PREFIX).split("?")[0]
                reply = fake.replies.get(function) or error(
                    404,
                    "PGRST202",
                    f"Could not find the function public.{function} without parameters in the schema cache",
                    f"Searched for the function public.{function} without parameters or with a single unnamed "
                    "json/jsonb parameter, but no matches were found in the schema cache.",
                    None,
                )
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.status != 204:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.body:
                    self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        return Handler
