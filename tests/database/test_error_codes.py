"""No RPC a frontend can call answers with an error PostgREST sends as a 5xx.

PostgREST maps SQLSTATEs to HTTP statuses (tests/functions/fake_postgrest.py has its table):
P0001 is 400, but every other P0* is 500, and 23P01 is 400 where a frontend expects 409. A
frontend reading a 500 sees an outage. So a function in `public`:

- raises none of those codes itself, and
- when it reaches a function in `private` that may raise them (directly or through other
  private functions), translates them (private.raise_for_postgrest: P0002 as PT404, 23P01 as
  PT409).

The service schema is exempt, and says why below: only the service role calls it, through
the Lambdas' adapter, which gives them PostgREST's status too (functions/db/port.py) but
decides retries by code (a P0002 from a webhook's RPC is answered 422, not retried), and its
own callers inside the database catch exclusion_violation by class.
"""

from __future__ import annotations

import re

import psycopg

from tests.functions.fake_postgrest import postgrest_status

RAISED = re.compile(r"errcode\s*=\s*'([0-9A-Z]{5})'")
CALLED = re.compile(r"\bprivate\.(\w+)\s*\(")
# Conditions a body may raise without naming the code (a unique or exclusion violation of its
# own statements is not in the text): checked by the pgTAP suite's assertions instead.


def bodies(conn: psycopg.Connection, schema: str) -> dict[str, str]:
    rows = conn.execute(
        "select p.proname, string_agg(p.prosrc, ' ') from pg_proc p where p.pronamespace = %s::regnamespace group by 1",
        (schema,),
    ).fetchall()
    return dict(rows)


def server_error_codes(source: str) -> set[str]:
    return {code for code in RAISED.findall(source) if postgrest_status(code) >= 500 or code == "23P01"}


def reachable_codes(name: str, private: dict[str, str], seen: set[str] | None = None) -> set[str]:
    """Codes a private function raises, itself or through the private functions it calls."""
    seen = seen if seen is not None else set()
    if name in seen or name not in private:
        return set()
    seen.add(name)
    codes = server_error_codes(private[name])
    for callee in CALLED.findall(private[name]):
        codes |= reachable_codes(callee, private, seen)
    return codes


def untranslated(conn: psycopg.Connection) -> list[tuple[str, set[str]]]:
    private = bodies(conn, "private")
    found = []
    for name, source in sorted(bodies(conn, "public").items()):
        own = server_error_codes(source)
        reached: set[str] = set()
        for callee in CALLED.findall(source):
            reached |= reachable_codes(callee, private)
        if "raise_for_postgrest" in source:
            reached -= {"P0002", "23P01"}
        if own | reached:
            found.append((name, own | reached))
    return found


def test_no_public_rpc_answers_with_a_server_error_code(db: psycopg.Connection) -> None:
    assert untranslated(db) == []


def test_the_check_catches_a_code_raised_in_public_and_one_reached_in_private(db: psycopg.Connection) -> None:
    db.execute("""
        create function private.find_thing(id uuid) returns int language plpgsql set search_path = '' as $$
        begin raise exception 'thing % not found', id using errcode = 'P0002'; end $$;
        create function public.get_thing(id uuid) returns int language sql set search_path = ''
          as 'select private.find_thing(id)';
        create function public.bad_thing() returns int language plpgsql set search_path = '' as $$
        begin raise exception 'nope' using errcode = 'P0003'; end $$""")
    assert dict(untranslated(db)) == {"bad_thing": {"P0003"}, "get_thing": {"P0002"}}


def test_the_service_schema_is_called_by_the_service_role_only(db: psycopg.Connection) -> None:
    """Why it may keep P0002 and 23P01: no frontend role can execute anything there."""
    rows = db.execute(
        """
        select p.oid::regprocedure::text from pg_proc p
        where p.pronamespace = 'service'::regnamespace
          and (has_function_privilege('anon', p.oid, 'execute')
               or has_function_privilege('authenticated', p.oid, 'execute'))
        """
    ).fetchall()
    assert rows == []
