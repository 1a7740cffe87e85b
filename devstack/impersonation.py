"""Act on Postgres exactly as PostgREST does for one request.

PostgREST runs each request in one transaction on a connection logged in as
`authenticator`, after

    select set_config('search_path', <schema, extensions>, true),
           set_config('role', <jwt role>, true),
           set_config('request.jwt.claims', <claims json>, true),
           set_config('request.method', ..., true), set_config('request.path', ..., true)

so that auth.uid(), auth.jwt() and the policies see the caller. `as_request` does the same,
either as the whole transaction or, inside an open one, as a savepoint whose settings are
cleared on the way out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

# The roles PostgREST may switch to: Supabase's three, and the admins' own (20260111000000).
API_ROLES = ("anon", "authenticated", "service_role", "marketbase_admin")


def request_settings(
    claims: dict[str, Any],
    schema: str = "public",
    path: str = "/",
    extra: list[tuple[str, str]] | None = None,
    method: str = "POST",
) -> tuple[list[str], list[str]]:
    """The settings PostgREST makes for a request, as (names, values) for one
    `select set_config(k, v, true) from unnest(names, values)`; `extra`: the role's own settings
    (ALTER ROLE ... SET), which PostgREST applies too."""
    pairs = [
        ("search_path", f'"{schema}", "extensions"'),
        ("role", str(claims.get("role"))),
        ("request.jwt.claims", json.dumps(claims)),
        ("request.method", method),
        ("request.path", path),
        *(extra or []),
    ]
    return [k for k, _ in pairs], [v for _, v in pairs]


@contextmanager
def as_request(
    conn: psycopg.Connection,
    claims: dict[str, Any],
    *,
    schema: str = "public",
    method: str = "POST",
    path: str = "/",
) -> Iterator[psycopg.Connection]:
    role = claims.get("role")
    if role not in API_ROLES:
        # PostgREST answers 401 before touching the database.
        raise PermissionError(f"JWT role {role!r} is not an API role")
    with conn.transaction():
        conn.execute(
            "select set_config('search_path', %s, true), set_config('role', %s, true), "
            "set_config('request.jwt.claims', %s, true), set_config('request.method', %s, true), "
            "set_config('request.path', %s, true)",
            (f'"{schema}", "extensions"', role, json.dumps(claims), method, path),
        )
        yield conn
        conn.execute(
            "select set_config('role', 'none', true), set_config('request.jwt.claims', '', true), "
            "set_config('search_path', '\"$user\", public, extensions', true)"
        )
