"""A real HTTP server on 127.0.0.1 that answers RPC calls as Supabase's PostgREST does and records
every request, so the Supabase adapter is tested at the HTTP boundary: what it sends (path,
apikey, Authorization, profile headers, JSON body) and how it reads PostgREST's answers.

It applies PostgREST's own rules, not the test's: the HTTP status of an error comes from
PostgREST's SQLSTATE table (`postgrest_status`, written from PostgREST v14's source and docs,
independent of functions/db/port.py); the body has PostgREST's keys in its order
(`{"code", "details", "hint", "message"}`) with `Content-Type: application/json; charset=utf-8`
and `Proxy-Status: PostgREST; error=<code>`; a schema outside the exposed ones is refused
with 406 PGRST106; and a call whose named arguments do not match the function's parameters
(the real signatures, read from the migrated database when given) is PGRST202, 404, as
PostgREST's schema cache answers it. Results are scripted per function: a JSON value with
200, 204 and no body for a void function.
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


# PostgREST's own errors (PGRST*) carry their status in PostgREST's code table.
PGRST_STATUS = {
    "PGRST000": 503, "PGRST001": 503, "PGRST002": 503, "PGRST003": 504,
    "PGRST106": 406, "PGRST116": 406, "PGRST202": 404, "PGRST203": 300,
    "PGRST301": 401, "PGRST302": 401, "PGRST303": 401,
}  # fmt: skip


def postgrest_status(code: str, authenticated: bool = True) -> int:
    """The HTTP status PostgREST v14 sends for a SQLSTATE (its Error.hs / references/errors)."""
    if code in PGRST_STATUS:
        return PGRST_STATUS[code]
    if code.startswith("PT") and code[2:].isdigit():
        return int(code[2:])
    exact = {"23503": 409, "23505": 409, "25006": 405, "53400": 500, "P0001": 400, "42883": 404, "42P01": 404,
             "42P17": 500}  # fmt: skip
    if code in exact:
        return exact[code]
    if code == "42501":
        return 403 if authenticated else 401
    prefixes = {"08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500, "38": 500, "39": 500,
                "3B": 500, "40": 500, "53": 503, "54": 500, "55": 500, "57": 500, "58": 500, "F0": 500, "HV": 500,
                "P0": 500, "XX": 500}  # fmt: skip
    return prefixes.get(code[:2], 400)


def error(code: str, message: str, details: str | None = None, hint: str | None = None, *,
          authenticated: bool = True) -> Reply:  # fmt: skip
    """An error exactly as PostgREST writes it: its status for the code, its keys in its order."""
    body = {"code": code, "details": details, "hint": hint, "message": message}
    headers = {"Content-Type": JSON_TYPE, "Proxy-Status": f"PostgREST; error={code}"}
    return Reply(postgrest_status(code, authenticated), json.dumps(body).encode(), headers)


@dataclass
class Signature:
    """A function's parameters as PostgREST's schema cache knows them."""

    parameters: list[str]
    required: set[str]

    def accepts(self, arguments: set[str]) -> bool:
        return self.required <= arguments <= set(self.parameters)


def load_signatures(url: str, schemas: list[str]) -> dict[tuple[str, str], Signature]:
    """The RPC signatures of a migrated database: named input parameters, and those without a default."""
    import psycopg

    query = """
        select n.nspname, p.proname, coalesce(p.proargnames, '{}'), coalesce(p.proargmodes::text[], '{}'),
               p.pronargs, p.pronargdefaults
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = any (%s) and p.prokind = 'f'
    """
    signatures = {}
    with psycopg.connect(url) as conn:
        for schema, name, names, modes, nargs, ndefaults in conn.execute(query, (schemas,)):
            inputs = [n for i, n in enumerate(names) if not modes or modes[i] in ("i", "b")][:nargs]
            signatures[(schema, name)] = Signature(inputs, set(inputs[: nargs - ndefaults]))
    return signatures


class FakePostgrest:
    def __init__(
        self,
        signatures: dict[tuple[str, str], Signature] | None = None,
        schemas: tuple[str, ...] = ("public", "graphql_public", "service"),
    ) -> None:
        self.requests: list[Recorded] = []
        self.replies: dict[str, Reply] = {}
        self.signatures = signatures or {}
        self.schemas = schemas
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

    def answer(self, schema: str, function: str, arguments: object) -> Reply:
        """What PostgREST answers a POST /rpc/<function> with this body, before and after the call."""
        if schema not in self.schemas:
            return error("PGRST106", f"Invalid schema: {schema}", None,
                         f"Only the following schemas are exposed: {', '.join(self.schemas)}")  # fmt: skip
        names = set(arguments) if isinstance(arguments, dict) else set()
        signature = self.signatures.get((schema, function))
        known = function in self.replies and (signature is None or signature.accepts(names))
        if not known:
            listed = ", ".join(sorted(names))
            return error(
                "PGRST202",
                f"Could not find the function {schema}.{function}({listed}) in the schema cache",
                f"Searched for the function {schema}.{function} with parameters {listed} or with a single unnamed "
                "json/jsonb parameter, but no matches were found in the schema cache."
                if names
                else f"Searched for the function {schema}.{function} without parameters or with a single unnamed "
                "json/jsonb parameter, but no matches were found in the schema cache.",
                None,
            )
        return self.replies[function]

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
                arguments = json.loads(raw) if raw else {}
                reply = fake.answer(self.headers.get("Content-Profile") or "public", function, arguments)
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
