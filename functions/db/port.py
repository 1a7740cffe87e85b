"""The one way the Lambdas reach the database: call a SQL function as PostgREST would.

Two adapters implement `Database`: PostgREST over HTTP (production, supabase_adapter.py) and
a direct Postgres connection that impersonates the caller as PostgREST does (`marketbase dev`
and tests, devstack/postgres_adapter.py). Both answer with the JSON PostgREST would send and
raise the same errors with the same statuses, so an app cannot tell which one it was given.

This module imports nothing heavy: apps import it at start-up, the adapters come later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

SERVICE_ROLE = "service_role"

# PostgREST's own error codes for a database it cannot reach: the function never ran.
UNREACHABLE_CODES = frozenset({"PGRST000", "PGRST001", "PGRST002", "PGRST003"})

# Statuses PostgREST answers for its own errors (PGRSTxxx) that an RPC call can meet.
_PGRST_STATUS = {
    "PGRST000": 503,  # could not connect to the database
    "PGRST001": 503,  # internal connection error
    "PGRST002": 503,  # schema cache not built
    "PGRST003": 504,  # timed out waiting for a pool connection
    "PGRST100": 400,  # unparsable query string
    "PGRST102": 400,  # invalid request body
    "PGRST116": 406,  # singular response expected
    "PGRST202": 404,  # no such function
    "PGRST203": 300,  # ambiguous overloaded function
    "PGRST301": 401,  # JWT invalid
    "PGRST302": 401,  # anonymous access refused
    "PGRST303": 401,  # JWT claims invalid
}


@dataclass(frozen=True)
class Caller:
    """A verified end user. `None` in its place means the service role."""

    token: str = field(repr=False)  # the raw JWT: the Supabase adapter forwards it as the Authorization header
    claims: dict[str, Any] = field(repr=False)  # its verified claims: the Postgres adapter impersonates them

    @property
    def user_id(self) -> str:
        return str(self.claims.get("sub", ""))

    @property
    def role(self) -> str:
        return str(self.claims.get("role", "authenticated"))


class Database(Protocol):
    def rpc(
        self,
        function: str,
        params: Mapping[str, Any] | None = None,
        *,
        schema: str = "public",
        caller: Caller | None = None,
    ) -> Any:
        """Call `schema.function` with named arguments, as `caller` (None: the service role).

        Returns what PostgREST would return as JSON: a scalar as its value, a composite as a
        dict, a set as a list, void as None. Params are JSON values (str, int, float, bool,
        None, dict, list). Raises DatabaseError for an error the database (or PostgREST)
        answered, DatabaseUnavailable when it could not be reached."""
        ...


# PostgREST's table of SQLSTATEs (v14: src/PostgREST/Error.hs, docs references/errors), exactly:
# a Lambda through an adapter answers an error with the status a frontend through PostgREST gets.
# tests/functions/test_port.py compares it with the fake PostgREST's own copy for every code the
# SQL raises. Codes PostgREST sends as a 5xx that are a client's answer (P0002, 23P01) do not
# leave the public RPCs (private.raise_for_postgrest; tests/database/test_error_codes.py).
_SQLSTATE_STATUS = {
    "23503": 409,  # foreign_key_violation
    "23505": 409,  # unique_violation
    "25006": 405,  # read_only_sql_transaction
    "42883": 404,  # undefined_function
    "42P01": 404,  # undefined_table
    "42P17": 500,  # infinite_recursion (a policy)
    "53400": 500,  # configuration_limit_exceeded
    "P0001": 400,  # raise_exception (a plain `raise exception`)
}
_SQLSTATE_CLASS_STATUS = {
    **dict.fromkeys(["08", "53"], 503),  # connection, insufficient resources
    **dict.fromkeys(["0L", "0P", "28"], 403),  # grantor, role specification, authorization
    **dict.fromkeys(["09", "25", "2D", "38", "39", "3B", "40", "54", "55", "57", "58", "F0", "HV", "P0", "XX"], 500),
}
# Serialization failure, deadlock, lock not available, statement timeout (500 from PostgREST):
# the same call may succeed if retried.
RETRYABLE_CODES = frozenset({"40001", "40P01", "55P03", "57014"})


def http_status_for(code: str, role: str = "authenticated") -> int:
    """The HTTP status PostgREST sends for an error code, for a caller of this role."""
    if code.startswith("PGRST"):
        return _PGRST_STATUS.get(code, 500)
    if code.startswith("PT") and code[2:].isdigit():
        return int(code[2:])
    if code == "42501":
        return 401 if role == "anon" else 403
    if code in _SQLSTATE_STATUS:
        return _SQLSTATE_STATUS[code]
    return _SQLSTATE_CLASS_STATUS.get(code[:2], 400)


class DatabaseError(Exception):
    """An error the database answered, shaped like PostgREST's error body plus its HTTP status."""

    def __init__(
        self,
        code: str,
        message: str,
        details: str | None = None,
        hint: str | None = None,
        status: int | None = None,
        *,
        role: str = "authenticated",
    ):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details
        self.hint = hint
        self.status = status if status is not None else http_status_for(code, role)

    @property
    def retryable(self) -> bool:
        """True when the same call may succeed later (serialization failure, deadlock, a lock or
        statement timeout, overload, PT503): the status alone does not say so, as PostgREST sends
        500 for a deadlock."""
        return self.status in (503, 504) or self.code in RETRYABLE_CODES

    def body(self) -> dict[str, str | None]:
        """The error as PostgREST's JSON body."""
        return {"code": self.code, "details": self.details, "hint": self.hint, "message": self.message}

    def __repr__(self) -> str:
        return f"DatabaseError(code={self.code!r}, message={self.message!r}, status={self.status})"


class DatabaseUnavailable(Exception):
    """The database could not be reached (refused, timed out, a 5xx without a PostgREST body).

    The function may not have run at all; a retry may succeed."""
