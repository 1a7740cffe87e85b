"""The Postgres adapter against the real cluster: logged in as `authenticator`, it must call
functions as PostgREST would (role, claims, named and typed arguments, defaults, overloads) and
answer with PostgREST's JSON and errors."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from devstack.cluster import SUPERUSER
from devstack.postgres_adapter import PostgresDatabase
from functions.db.port import Caller, DatabaseError, DatabaseUnavailable
from tests.support.database import TestDatabase

SCHEMA_SQL = """
create schema adapter_test;
grant usage on schema adapter_test to anon, authenticated, service_role;
create type adapter_test.pair as (left_value integer, right_value text);
create type public.adapter_test_mood as enum ('happy', 'sad');
create table adapter_test.writes (value text not null);
grant insert, select on adapter_test.writes to authenticated, service_role;

create function adapter_test.add(a integer, b integer default 10) returns integer
language sql as $$ select a + b $$;

create function adapter_test.echo(t text, n numeric, flag boolean, ids uuid[], doc jsonb, at timestamptz,
                                  tags text[] default '{}') returns jsonb
language sql as $$
  select jsonb_build_object('t', t, 'n', n, 'flag', flag, 'ids', to_jsonb(ids), 'doc', doc,
                            'at', to_jsonb(at), 'tags', to_jsonb(tags),
                            'types', jsonb_build_array(pg_typeof(n)::text, pg_typeof(ids)::text, pg_typeof(at)::text))
$$;

create function adapter_test.mood_of(m public.adapter_test_mood) returns text
language sql as $$ select 'feeling ' || m::text $$;

create function adapter_test.pair_of(n integer) returns adapter_test.pair
language sql as $$ select (n, 'n=' || n)::adapter_test.pair $$;

create function adapter_test.no_pair() returns adapter_test.pair
language plpgsql as $$ begin return null; end $$;

create function adapter_test.pairs(n integer) returns setof adapter_test.pair
language sql as $$ select (i, 'i=' || i)::adapter_test.pair from generate_series(1, n) i $$;

create function adapter_test.numbers(n integer) returns setof integer
language sql as $$ select generate_series(1, n) $$;

create function adapter_test.table_of(n integer) returns table (i integer, label text)
language sql as $$ select i, 'label ' || i from generate_series(1, n) i $$;

create function adapter_test.nothing() returns void
language plpgsql as $$ begin end $$;

create function adapter_test.null_text() returns text
language sql as $$ select null::text $$;

create function adapter_test.at_noon() returns timestamptz
language sql as $$ select '2026-01-07 12:00:00+00'::timestamptz $$;

create function adapter_test.total(variadic xs integer[]) returns integer
language sql as $$ select sum(x)::integer from unnest(xs) x $$;

create function adapter_test.whole(jsonb) returns jsonb
language sql as $$ select $1 $$;

create function adapter_test.over(a integer) returns text language sql as $$ select 'integer' $$;
create function adapter_test.over(a text) returns text language sql as $$ select 'text' $$;

create function adapter_test.whoami() returns jsonb
language sql as $$
  select jsonb_build_object(
    'current_user', current_user,
    'uid', auth.uid(),
    'jwt_role', auth.jwt() ->> 'role',
    'search_path', current_setting('search_path'),
    'path', current_setting('request.path'),
    'method', current_setting('request.method'),
    'statement_timeout', current_setting('statement_timeout'))
$$;

create function adapter_test.fail(code text, message text) returns void
language plpgsql as $$
begin
  raise exception using errcode = code, message = message, detail = 'detail of ' || code, hint = 'hint of ' || code;
end
$$;

create function adapter_test.write_then_fail(value text, fail boolean) returns void
language plpgsql as $$
begin
  insert into adapter_test.writes (value) values (value);
  if fail then
    raise exception 'changed my mind' using errcode = 'P0001';
  end if;
end
$$;

create function adapter_test.service_only() returns text
language sql as $$ select 'secret' $$;

-- The migrations' default privileges give functions to no one: grant as the migrations do.
grant execute on all functions in schema adapter_test to anon, authenticated, service_role;
revoke execute on function adapter_test.service_only() from public, anon, authenticated;
"""

USER_ID = "6f1c1bfa-0000-4000-8000-000000000001"
CALLER = Caller("a.b.c", {"sub": USER_ID, "role": "authenticated", "aud": "authenticated", "email": "u@test.local"})


@pytest.fixture(scope="module")
def database_name(test_database: TestDatabase) -> Iterator[str]:
    if test_database.external:
        pytest.skip("needs the throwaway cluster: creates a database of its own")
    name = test_database.clone()
    with psycopg.connect(test_database.url(name), autocommit=True) as conn:
        conn.execute(SCHEMA_SQL)
    yield name
    test_database.drop(name)


@pytest.fixture(scope="module")
def database(test_database: TestDatabase, database_name: str) -> Iterator[PostgresDatabase]:
    db = PostgresDatabase(test_database.url(database_name, user="authenticator"), pool_size=2, timeout=5.0)
    yield db
    db.close()


def rows(test_database: TestDatabase, name: str, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(test_database.url(name)) as conn:
        return conn.execute(query).fetchall()  # type: ignore[arg-type]


# -- arguments ------------------------------------------------------------------------------


def test_named_arguments_with_a_default_left_out(database: PostgresDatabase) -> None:
    assert database.rpc("add", {"a": 1}, schema="adapter_test") == 11
    assert database.rpc("add", {"b": 2, "a": 1}, schema="adapter_test") == 3


def test_arguments_are_typed_from_the_function_signature(database: PostgresDatabase) -> None:
    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    result = database.rpc(
        "echo",
        {
            "t": "text",
            "n": 12.50,
            "flag": True,
            "ids": ids,
            "doc": {"nested": [1, {"x": None}]},
            "at": "2026-01-07T10:00:00Z",
        },
        schema="adapter_test",
    )
    assert result == {
        "t": "text",
        "n": 12.50,
        "flag": True,
        "ids": ids,
        "doc": {"nested": [1, {"x": None}]},
        "at": "2026-01-07T10:00:00+00:00",
        "tags": [],
        "types": ["numeric", "uuid[]", "timestamp with time zone"],
    }


def test_a_type_from_another_schema_resolves_whatever_the_search_path(database: PostgresDatabase) -> None:
    assert database.rpc("mood_of", {"m": "happy"}, schema="adapter_test") == "feeling happy"


def test_a_variadic_parameter_takes_an_array(database: PostgresDatabase) -> None:
    assert database.rpc("total", {"xs": [1, 2, 3]}, schema="adapter_test") == 6


def test_a_single_unnamed_jsonb_parameter_gets_the_whole_body(database: PostgresDatabase) -> None:
    body = {"anything": [1, 2], "at": "all"}
    assert database.rpc("whole", body, schema="adapter_test") == body


# -- result shapes ----------------------------------------------------------------------------


def test_scalar(database: PostgresDatabase) -> None:
    assert database.rpc("add", {"a": 40, "b": 2}, schema="adapter_test") == 42


def test_null_scalar_is_none(database: PostgresDatabase) -> None:
    assert database.rpc("null_text", schema="adapter_test") is None


def test_timestamps_come_back_as_postgrest_writes_them(database: PostgresDatabase) -> None:
    assert database.rpc("at_noon", schema="adapter_test") == "2026-01-07T12:00:00+00:00"


def test_composite_is_an_object(database: PostgresDatabase) -> None:
    assert database.rpc("pair_of", {"n": 7}, schema="adapter_test") == {"left_value": 7, "right_value": "n=7"}


def test_null_composite_is_an_object_of_nulls_as_postgrest_answers(database: PostgresDatabase) -> None:
    assert database.rpc("no_pair", schema="adapter_test") == {"left_value": None, "right_value": None}


def test_setof_composite_is_a_list_of_objects(database: PostgresDatabase) -> None:
    assert database.rpc("pairs", {"n": 2}, schema="adapter_test") == [
        {"left_value": 1, "right_value": "i=1"},
        {"left_value": 2, "right_value": "i=2"},
    ]


def test_returns_table_is_a_list_of_objects(database: PostgresDatabase) -> None:
    assert database.rpc("table_of", {"n": 2}, schema="adapter_test") == [
        {"i": 1, "label": "label 1"},
        {"i": 2, "label": "label 2"},
    ]


def test_setof_scalar_is_a_list_of_values(database: PostgresDatabase) -> None:
    assert database.rpc("numbers", {"n": 3}, schema="adapter_test") == [1, 2, 3]


def test_empty_set_is_an_empty_list(database: PostgresDatabase) -> None:
    assert database.rpc("numbers", {"n": 0}, schema="adapter_test") == []


def test_void_is_none(database: PostgresDatabase) -> None:
    assert database.rpc("nothing", schema="adapter_test") is None


# -- who the function sees --------------------------------------------------------------------


def test_a_caller_is_impersonated_as_postgrest_does(database: PostgresDatabase) -> None:
    seen = database.rpc("whoami", schema="adapter_test", caller=CALLER)
    assert seen == {
        "current_user": "authenticated",
        "uid": USER_ID,
        "jwt_role": "authenticated",
        "search_path": '"adapter_test", "extensions"',
        "path": "/rpc/whoami",
        "method": "POST",
        "statement_timeout": "8s",  # the role's own setting, applied as PostgREST applies it
    }


def test_no_caller_is_the_service_role(database: PostgresDatabase) -> None:
    seen = database.rpc("whoami", schema="adapter_test")
    assert (seen["current_user"], seen["uid"], seen["jwt_role"]) == ("service_role", None, "service_role")


def test_the_connection_is_back_to_authenticator_after_a_call(
    database: PostgresDatabase, test_database: TestDatabase, database_name: str
) -> None:
    database.rpc("whoami", schema="adapter_test", caller=CALLER)
    with database._connection() as conn:
        row = conn.execute(
            "select current_user, current_setting('request.jwt.claims', true), current_setting('statement_timeout')"
        ).fetchone()
        # authenticator's own setting, as on Supabase (8 s, like authenticated's: see test_platform_facts)
        own = conn.execute(
            "select s from pg_db_role_setting, unnest(setconfig) s"
            " where setrole = 'authenticator'::regrole and s like 'statement_timeout=%'"
        ).fetchone()
    assert row is not None and own is not None
    assert row[0] == "authenticator"
    assert not row[1]
    assert row[2] == own[0].split("=", 1)[1]


# -- transactions -----------------------------------------------------------------------------


def test_a_call_commits_and_a_failed_call_changes_nothing(
    database: PostgresDatabase, test_database: TestDatabase, database_name: str
) -> None:
    database.rpc("write_then_fail", {"value": "kept", "fail": False}, schema="adapter_test", caller=CALLER)
    with pytest.raises(DatabaseError):
        database.rpc("write_then_fail", {"value": "dropped", "fail": True}, schema="adapter_test", caller=CALLER)

    values = [r[0] for r in rows(test_database, database_name, "select value from adapter_test.writes")]
    assert "kept" in values
    assert "dropped" not in values


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status"),
    [("P0001", 400), ("P0002", 500), ("PT409", 409), ("23505", 409), ("23P01", 400), ("22023", 400), ("40001", 500)],
)
def test_raised_errors_carry_postgrest_body_and_status(database: PostgresDatabase, code: str, status: int) -> None:
    with pytest.raises(DatabaseError) as raised:
        database.rpc("fail", {"code": code, "message": f"refused with {code}"}, schema="adapter_test", caller=CALLER)

    assert raised.value.status == status
    assert raised.value.body() == {
        "code": code,
        "details": f"detail of {code}",
        "hint": f"hint of {code}",
        "message": f"refused with {code}",
    }


def test_permission_denied_is_403_for_a_user(database: PostgresDatabase) -> None:
    with pytest.raises(DatabaseError) as raised:
        database.rpc("service_only", schema="adapter_test", caller=CALLER)
    assert (raised.value.code, raised.value.status) == ("42501", 403)


def test_permission_denied_is_401_for_anon(database: PostgresDatabase) -> None:
    anon = Caller("a.b.c", {"role": "anon"})
    with pytest.raises(DatabaseError) as raised:
        database.rpc("service_only", schema="adapter_test", caller=anon)
    assert (raised.value.code, raised.value.status) == ("42501", 401)


def test_service_role_may_call_a_service_only_function(database: PostgresDatabase) -> None:
    assert database.rpc("service_only", schema="adapter_test") == "secret"


def test_unknown_function_is_pgrst202(database: PostgresDatabase) -> None:
    with pytest.raises(DatabaseError) as raised:
        database.rpc("no_such_function", {"a": 1}, schema="adapter_test")
    assert (raised.value.code, raised.value.status) == ("PGRST202", 404)


def test_unknown_argument_name_is_pgrst202_with_a_hint(database: PostgresDatabase) -> None:
    with pytest.raises(DatabaseError) as raised:
        database.rpc("add", {"a": 1, "c": 2}, schema="adapter_test")
    assert (raised.value.code, raised.value.status) == ("PGRST202", 404)
    assert raised.value.hint is not None and "adapter_test.add(a => integer, b => integer)" in raised.value.hint


def test_missing_required_argument_is_pgrst202(database: PostgresDatabase) -> None:
    with pytest.raises(DatabaseError) as raised:
        database.rpc("add", {"b": 2}, schema="adapter_test")
    assert raised.value.code == "PGRST202"


def test_ambiguous_overload_is_pgrst203(database: PostgresDatabase) -> None:
    with pytest.raises(DatabaseError) as raised:
        database.rpc("over", {"a": 1}, schema="adapter_test")
    assert (raised.value.code, raised.value.status) == ("PGRST203", 300)


def test_a_value_of_the_wrong_type_is_400(database: PostgresDatabase) -> None:
    with pytest.raises(DatabaseError) as raised:
        database.rpc("add", {"a": "not a number"}, schema="adapter_test")
    assert (raised.value.code, raised.value.status) == ("22P02", 400)


def test_a_function_created_after_a_miss_is_found(
    database: PostgresDatabase, test_database: TestDatabase, database_name: str
) -> None:
    with pytest.raises(DatabaseError):
        database.rpc("late", schema="adapter_test")
    with psycopg.connect(test_database.url(database_name), autocommit=True) as conn:
        conn.execute("create function adapter_test.late() returns text language sql as $$ select 'here' $$")
        conn.execute("grant execute on function adapter_test.late() to service_role")
    assert database.rpc("late", schema="adapter_test") == "here"


def test_unreachable_database_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = PostgresDatabase(f"postgresql://authenticator:postgres@127.0.0.1:{port}/postgres", timeout=1.0)
    try:
        with pytest.raises(DatabaseUnavailable):
            db.rpc("anything")
    finally:
        db.close()


def test_a_connection_killed_between_calls_is_replaced(
    database: PostgresDatabase, test_database: TestDatabase, database_name: str
) -> None:
    database.rpc("nothing", schema="adapter_test")
    with psycopg.connect(test_database.url(database_name, SUPERUSER), autocommit=True) as conn:
        killed = conn.execute(  # waits until the backend is gone
            "select pg_terminate_backend(pid, 5000) from pg_stat_activity"
            " where usename = 'authenticator' and datname = current_database()"
        ).fetchall()
    assert killed and all(ok for (ok,) in killed)
    assert database.rpc("add", {"a": 1}, schema="adapter_test") == 11


def test_a_connection_idle_for_long_is_checked_before_use(
    database: PostgresDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy connection is lent without a check (no round trip); one idle past the limit is
    checked first, so a socket that died silently (a thawed Lambda's) is replaced, not used."""
    from devstack import postgres_adapter

    checked: list[object] = []
    real_check = postgres_adapter.ConnectionPool.check_connection
    monkeypatch.setattr(
        postgres_adapter.ConnectionPool,
        "check_connection",
        staticmethod(lambda conn: checked.append(conn) or real_check(conn)),
    )
    database.rpc("nothing", schema="adapter_test")
    checked.clear()
    database.rpc("nothing", schema="adapter_test")
    assert checked == []
    monkeypatch.setattr(postgres_adapter, "CHECK_AFTER_IDLE_SECONDS", 0.0)
    database.rpc("nothing", schema="adapter_test")
    assert len(checked) == 1
