"""The one way the Lambdas reach the database: call a SQL function as PostgREST would.

Two adapters implement `Database`: the Supabase client over HTTP (production) and a direct
Postgres connection that impersonates the caller exactly as PostgREST does (`marketbase dev`
and tests). Both answer with the JSON PostgREST would send and raise the same errors, so an
app cannot tell which one it was given.

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


def http_status_for(code: str, role: str = "authenticated") -> int:
    """The HTTP status for an error code, as PostgREST maps SQLSTATEs, with this project's choices.

    PostgREST's table (docs.postgrest.org, references/errors) with four deliberate differences,
    so that both adapters give the apps the same answer: P0002 (no_data_found, raised by our
    functions for "no such row you may see") is 404 not 500; 23P01 (exclusion violation, e.g. an
    overlapping booking) is 409 not 400; 40001/40P01 (serialization failure, deadlock) are 503
    because a retry may succeed; and an unlisted code is 500 (a bug on our side), not 400.
    """
    if code.startswith("PGRST"):
        return _PGRST_STATUS.get(code, 500)
    if code.startswith("PT") and code[2:].isdigit():
        status = int(code[2:])
        return status if 100 <= status <= 599 else 500
    if code == "42501":
        return 401 if role == "anon" else 403
    exact = {
        "P0001": 400,
        "P0002": 404,
        "23503": 409,
        "23505": 409,
        "23P01": 409,
        "23502": 400,
        "23514": 400,
        "25006": 405,
        "40001": 503,
        "40P01": 503,
        "42883": 404,
        "42P01": 404,
        "53400": 500,
    }
    if code in exact:
        return exact[code]
    prefix = {"08": 503, "0L": 403, "0P": 403, "22": 400, "28": 403, "53": 503}
    return prefix.get(code[:2], 500)


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
        """True when the same call may succeed later (serialization failure, deadlock, overload)."""
        return self.status in (503, 504)

    def body(self) -> dict[str, str | None]:
        """The error as PostgREST's JSON body."""
        return {"code": self.code, "details": self.details, "hint": self.hint, "message": self.message}

    def __repr__(self) -> str:
        return f"DatabaseError(code={self.code!r}, message={self.message!r}, status={self.status})"


class DatabaseUnavailable(Exception):
    """The database could not be reached (refused, timed out, a 5xx without a PostgREST body).

    The function may not have run at all; a retry may succeed."""
