"""`Database` over a direct Postgres connection that behaves as PostgREST does for an RPC call.

Logged in as `authenticator` (as PostgREST is), each call is one transaction, sent as one
message in one round trip, that impersonates the caller exactly as devstack/impersonation.py
does (role, request.jwt.claims, search_path, request.method/path), applies the impersonated
role's own settings (PostgREST 11.1+ does: e.g. statement_timeout), then calls the function
with named arguments typed from pg_proc, the way PostgREST's query builder does:

    select coalesce(json_agg(pgrst_call.pgrst_scalar) -> 0, 'null')
    from json_to_record($1::json) as pgrst_body("a" integer, "b" text),
         lateral (select "schema"."fn"("a" := pgrst_body."a", "b" := pgrst_body."b") pgrst_scalar) pgrst_call

so the arguments get PostgREST's JSON-to-SQL conversions, overloads and defaults resolve the
same way, and the result is the JSON PostgREST would send: a scalar as its value, a composite
as an object, a set as an array, void as None. Errors carry PostgREST's body and status.

Used by `marketbase dev` and the tests, where no PostgREST can run.
"""

from __future__ import annotations

import json
import select
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from functions.db.port import SERVICE_ROLE, Caller, DatabaseError, DatabaseUnavailable

from .impersonation import API_ROLES, request_settings

if TYPE_CHECKING:
    from psycopg import Connection

SERVICE_ROLE_CLAIMS: dict[str, Any] = {"role": SERVICE_ROLE}
SINGLE_JSON_TYPES = ("json", "jsonb")
# SQLSTATEs that mean the database, not the call, failed: the connection or the server went away.
UNREACHABLE_SQLSTATES = ("57P01", "57P02", "57P03", "53300")
# A connection lent by the pool is checked with an empty round trip only when it may be dead: it
# sat idle this long (a Lambda thawed after minutes finds dead sockets) or the server wrote to it
# while idle (a terminated backend's last words). A busy, healthy one pays no check per call.
CHECK_AFTER_IDLE_SECONDS = 30.0

ROUTINES_QUERY = """
select p.proretset,
       t.oid = 'pg_catalog.void'::pg_catalog.regtype as returns_void,
       (t.typtype = 'c' or coalesce(p.proargmodes::text[] && '{t,b,o}', false)) as returns_composite,
       p.pronargdefaults,
       coalesce(p.proargnames, '{}') as names,
       coalesce(p.proargmodes::text[], '{}') as modes,
       array(select pg_catalog.format_type(a.type, null)
             from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality as a(type, n)
             order by a.n) as types
from pg_catalog.pg_proc p
join pg_catalog.pg_namespace n on n.oid = p.pronamespace
join pg_catalog.pg_type t on t.oid = p.prorettype
where n.nspname = %s and p.proname = %s and p.prokind = 'f'
"""

# PostgREST applies the settings of the role it impersonates (`alter role ... set`), those a
# non-superuser may set, inside the request's transaction.
ROLE_SETTINGS_QUERY = """
select s.key, s.value
from pg_catalog.pg_roles r,
     lateral (select split_part(c, '=', 1) as key, substr(c, strpos(c, '=') + 1) as value
              from unnest(r.rolconfig) as c) s
join pg_catalog.pg_settings ps on ps.name = s.key and ps.context = 'user'
where r.rolname = %s and s.key <> 'default_transaction_isolation'
"""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # as format_type() spells it with an empty search_path: schema-qualified where needed
    required: bool
    variadic: bool


@dataclass(frozen=True)
class Routine:
    schema: str
    name: str
    parameters: tuple[Parameter, ...]
    returns_set: bool
    returns_void: bool
    returns_composite: bool

    @property
    def single_json_parameter(self) -> bool:
        """One unnamed json/jsonb parameter: PostgREST passes it the whole body."""
        return (
            len(self.parameters) == 1 and not self.parameters[0].name and self.parameters[0].type in SINGLE_JSON_TYPES
        )

    def accepts(self, keys: frozenset[str]) -> bool:
        names = {p.name for p in self.parameters}
        if "" in names:
            return False
        required = {p.name for p in self.parameters if p.required}
        return required <= keys <= names

    def signature(self) -> str:
        args = ", ".join(f"{p.name} => {p.type}" if p.name else p.type for p in self.parameters)
        return f"{self.schema}.{self.name}({args})"


# The request's settings, a JSON object (in order: json_each_text keeps it), set for the transaction.
SETTINGS_STATEMENT = "select pg_catalog.set_config(s.key, s.value, true) from pg_catalog.json_each_text(%s::json) as s"


@dataclass(frozen=True)
class Plan:
    text: str  # the settings statement and the call, with %s for the settings and the arguments
    parameters: tuple[str, ...]  # body keys passed to json_to_record; empty when none
    whole_body: bool  # the body goes to a single unnamed json parameter
    returns_void: bool


class PostgresDatabase:
    def __init__(self, dsn: str, *, pool_size: int = 4, timeout: float = 10.0):
        self._dsn = dsn
        self._pool_size = pool_size
        self._timeout = timeout
        self._pool: ConnectionPool | None = None
        self._lock = threading.Lock()
        self._routines: dict[tuple[str, str], list[Routine]] = {}
        self._plans: dict[tuple[str, str, frozenset[str]], Plan] = {}
        self._role_settings: dict[str, list[tuple[str, str]]] = {}

    # -- the port ---------------------------------------------------------------------------

    def rpc(
        self,
        function: str,
        params: Mapping[str, Any] | None = None,
        *,
        schema: str = "public",
        caller: Caller | None = None,
    ) -> Any:
        body = dict(params or {})
        claims = caller.claims if caller is not None else SERVICE_ROLE_CLAIMS
        role = str(claims.get("role"))
        if role not in API_ROLES:  # PostgREST answers 401 before touching the database
            raise DatabaseError("42501", f"JWT role {role!r} is not an API role", role=role)
        try:
            with self._connection() as conn:
                plan = self._plan(conn, schema, function, frozenset(body))
                names, values = request_settings(claims, schema, f"/rpc/{function}", self._settings_of(conn, role))
                # One message, one round trip, one transaction, as PostgREST sends its request: the
                # request's settings (as_request's, plus the role's own), then the call. Statements
                # sent together in one simple query run as one implicit transaction: committed
                # after the last, rolled back whole on an error, the settings local to it.
                cursor = psycopg.ClientCursor(conn)
                cursor.execute(plan.text, (json.dumps(dict(zip(names, values, strict=True))), *_arguments(plan, body)))
                cursor.nextset()
                row = cursor.fetchone()
                _last_used[conn] = time.monotonic()
        except PoolTimeout as error:
            raise DatabaseUnavailable(f"rpc {schema}.{function}: no connection within {self._timeout}s") from error
        except psycopg.Error as error:
            if error.sqlstate == "42883":  # the function changed under the cache
                self.reload_schema_cache()
            raise _mapped(error, role, f"{schema}.{function}") from error
        if plan.returns_void or row is None:
            return None
        return row[0]

    def reload_schema_cache(self) -> None:
        """Forget the functions and role settings read so far (PostgREST: NOTIFY pgrst, 'reload schema')."""
        self._routines.clear()
        self._plans.clear()
        self._role_settings.clear()

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    # -- connections --------------------------------------------------------------------------

    def _connection(self) -> Any:
        pool = self._pool
        if pool is None:
            with self._lock:
                if self._pool is None:
                    self._pool = ConnectionPool(
                        self._dsn,
                        min_size=1,
                        max_size=self._pool_size,
                        kwargs={"autocommit": True, "connect_timeout": max(1, round(self._timeout))},
                        check=_check_if_suspect,
                        timeout=self._timeout,
                        name="marketbase-db",
                        open=True,
                    )
                pool = self._pool
        return pool.connection()

    # -- the schema cache ---------------------------------------------------------------------

    def _plan(self, conn: Connection, schema: str, function: str, keys: frozenset[str]) -> Plan:
        cached = self._plans.get((schema, function, keys))
        if cached is not None:
            return cached
        routine = self._choose(self._routines_named(conn, schema, function), schema, function, keys)
        plan = _plan_for(routine, keys, conn)
        self._plans[(schema, function, keys)] = plan
        return plan

    def _routines_named(self, conn: Connection, schema: str, function: str) -> list[Routine]:
        cached = self._routines.get((schema, function))
        if cached is not None:
            return cached
        with conn.transaction():
            # An empty search_path makes format_type() qualify every type outside pg_catalog.
            conn.execute("select pg_catalog.set_config('search_path', '', true)")
            rows = conn.execute(ROUTINES_QUERY, (schema, function)).fetchall()
        routines = [_routine(schema, function, *row) for row in rows]
        if routines:  # a function created later is found on a later call
            self._routines[(schema, function)] = routines
        return routines

    @staticmethod
    def _choose(routines: list[Routine], schema: str, function: str, keys: frozenset[str]) -> Routine:
        matches = [r for r in routines if r.accepts(keys)]
        if not matches:
            matches = [r for r in routines if r.single_json_parameter]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            listed = ", ".join(sorted(keys))
            with_params = f"with parameters {listed}" if keys else "without parameters"
            raise DatabaseError(
                "PGRST202",
                f"Could not find the function {schema}.{function}({listed}) in the schema cache",
                f"Searched for the function {schema}.{function} {with_params} or with a single unnamed "
                "json/jsonb parameter, but no matches were found in the schema cache.",
                f"Perhaps you meant to call the function {routines[0].signature()}" if routines else None,
            )
        raise DatabaseError(
            "PGRST203",
            "Could not choose the best candidate function between: " + ", ".join(r.signature() for r in matches),
            None,
            "Try renaming the parameters or the function itself in the database so function overloading can be "
            "resolved",
        )

    def _settings_of(self, conn: Connection, role: str) -> list[tuple[str, str]]:
        cached = self._role_settings.get(role)
        if cached is None:
            cached = [(str(k), str(v)) for k, v in conn.execute(ROLE_SETTINGS_QUERY, (role,)).fetchall()]
            self._role_settings[role] = cached
        return cached


# When each pooled connection last answered a call (the pool's own reset callback would return
# connections through a worker thread: a hand-off per call).
_last_used: weakref.WeakKeyDictionary[Connection, float] = weakref.WeakKeyDictionary()


def _check_if_suspect(conn: Connection) -> None:
    """The pool's check on lending a connection (a failed check makes it open another one)."""
    idle = time.monotonic() - _last_used.get(conn, 0.0)
    server_wrote, _, _ = select.select([conn.fileno()], [], [], 0)
    if idle > CHECK_AFTER_IDLE_SECONDS or server_wrote:
        ConnectionPool.check_connection(conn)


def _routine(
    schema: str,
    function: str,
    returns_set: bool,
    returns_void: bool,
    returns_composite: bool,
    defaults: int,
    names: list[str],
    modes: list[str],
    types: list[str],
) -> Routine:
    inputs: list[tuple[str, str, bool]] = []
    for index, type_name in enumerate(types):
        mode = modes[index] if modes else "i"
        if mode in ("i", "b", "v"):
            inputs.append((names[index] if index < len(names) else "", type_name, mode == "v"))
    required = len(inputs) - defaults
    parameters = tuple(
        Parameter(name, type_name, index < required, variadic)
        for index, (name, type_name, variadic) in enumerate(inputs)
    )
    return Routine(schema, function, parameters, returns_set, returns_void, returns_composite)


def _plan_for(routine: Routine, keys: frozenset[str], conn: Connection) -> Plan:
    qualified = sql.Identifier(routine.schema, routine.name)
    whole_body = not routine.accepts(keys) and routine.single_json_parameter
    used = [] if whole_body else [p for p in routine.parameters if p.name in keys]
    source: sql.Composable
    arguments: sql.Composable
    if whole_body:
        source = sql.SQL("")
        arguments = sql.SQL("%s::{}").format(sql.SQL(routine.parameters[0].type))
    elif used:
        columns = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(p.name), sql.SQL(p.type)) for p in used)
        source = sql.SQL("json_to_record(%s::json) as pgrst_body({}), ").format(columns)
        arguments = sql.SQL(", ").join(
            sql.SQL("{}{} := pgrst_body.{}").format(
                sql.SQL("variadic " if p.variadic else ""), sql.Identifier(p.name), sql.Identifier(p.name)
            )
            for p in used
        )
    else:
        source, arguments = sql.SQL(""), sql.SQL("")

    if routine.returns_composite:
        call = sql.SQL("lateral {}({}) pgrst_call").format(qualified, arguments)
        row = sql.SQL("pgrst_call")
    else:
        call = sql.SQL("lateral (select {}({}) pgrst_scalar) pgrst_call").format(qualified, arguments)
        row = sql.SQL("pgrst_call.pgrst_scalar")
    if routine.returns_set:
        shape = sql.SQL("coalesce(json_agg({}), '[]')").format(row)
    else:
        shape = sql.SQL("coalesce(json_agg({}) -> 0, 'null')").format(row)
    query = sql.SQL("select {} from {}{}").format(shape, source, call)
    text = f"{SETTINGS_STATEMENT}; {query.as_string(conn)}"
    return Plan(text, tuple(p.name for p in used), whole_body, routine.returns_void)


def _arguments(plan: Plan, body: dict[str, Any]) -> tuple[str, ...]:
    if plan.whole_body:
        return (json.dumps(body),)
    if plan.parameters:
        return (json.dumps({name: body[name] for name in plan.parameters}),)
    return ()


def _mapped(error: psycopg.Error, role: str, target: str) -> Exception:
    """PostgREST's body and status for a Postgres error, or DatabaseUnavailable when the server went away."""
    sqlstate = error.sqlstate
    if sqlstate is None or sqlstate.startswith("08") or sqlstate in UNREACHABLE_SQLSTATES:
        return DatabaseUnavailable(f"rpc {target}: {sqlstate or type(error).__name__}: {error}")
    diag = error.diag
    return DatabaseError(
        sqlstate,
        diag.message_primary or str(error),
        diag.message_detail,
        diag.message_hint,
        role=role,
    )
