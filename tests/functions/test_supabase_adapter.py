"""The Supabase adapter at the HTTP boundary: the requests it makes of PostgREST and how it reads
PostgREST's answers, against a real local HTTP server (tests/functions/fake_postgrest.py)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from functions.db.port import Caller, DatabaseError, DatabaseUnavailable
from functions.db.supabase_adapter import SupabaseDatabase
from tests.functions.fake_postgrest import (
    FakePostgrest,
    Reply,
    Signature,
    error,
    load_signatures,
    no_content,
    ok,
    postgrest_status,
)
from tests.support.database import TestDatabase

SERVICE_KEY = "service-role-key-for-tests"
USER_TOKEN = "header.user-claims.signature"
# service.apply_checkout_event's named arguments, as the webhook Lambda sends them.
EVENT_ARGUMENTS = {
    "event_id": "evt_1", "event_type": "checkout.session.completed", "event_created": "2025-01-01T00:00:00+00:00",
    "session_id": "cs_1", "payment_id": "6f1c1bfa-0000-4000-8000-0000000000aa", "payment_status": "paid",
    "payment_intent_id": "pi_1", "amount_total": 5000, "currency": "usd",
}  # fmt: skip
CALLER = Caller(USER_TOKEN, {"sub": "6f1c1bfa-0000-4000-8000-000000000001", "role": "authenticated"})


@pytest.fixture(scope="session")
def signatures(test_database: TestDatabase) -> dict[tuple[str, str], Signature]:
    """The real RPC signatures of the migrated schema, as PostgREST's schema cache has them."""
    return load_signatures(test_database.owner_url, ["public", "service"])


@pytest.fixture
def postgrest(signatures: dict[tuple[str, str], Signature]) -> Iterator[FakePostgrest]:
    server = FakePostgrest(signatures).start()
    yield server
    server.stop()


@pytest.fixture
def database(postgrest: FakePostgrest) -> Iterator[SupabaseDatabase]:
    db = SupabaseDatabase(postgrest.url, SERVICE_KEY, timeout=2.0)
    yield db
    db.close()


# -- what is sent -------------------------------------------------------------------------


def test_service_call_posts_to_the_rpc_path_with_the_service_key_and_the_service_profile(
    postgrest: FakePostgrest, database: SupabaseDatabase
) -> None:
    postgrest.reply("apply_checkout_event", ok("applied"))

    database.rpc(
        "apply_checkout_event",
        EVENT_ARGUMENTS,
        schema="service",
    )

    [request] = postgrest.requests
    assert request.method == "POST"
    assert request.path == "/rest/v1/rpc/apply_checkout_event"
    assert request.headers["apikey"] == SERVICE_KEY
    assert request.headers["authorization"] == f"Bearer {SERVICE_KEY}"
    assert request.headers["content-profile"] == "service"
    assert request.headers["accept-profile"] == "service"
    assert request.headers["content-type"] == "application/json"
    assert request.body == EVENT_ARGUMENTS


def test_caller_call_forwards_the_callers_token_and_keeps_the_service_key_as_apikey(
    postgrest: FakePostgrest, database: SupabaseDatabase
) -> None:
    postgrest.reply("begin_checkout", ok({"payment_id": "p1"}))

    database.rpc("begin_checkout", {"invoice_id": "i1"}, caller=CALLER)

    [request] = postgrest.requests
    assert request.path == "/rest/v1/rpc/begin_checkout"
    assert request.headers["apikey"] == SERVICE_KEY
    assert request.headers["authorization"] == f"Bearer {USER_TOKEN}"
    assert request.headers["content-profile"] == "public"
    assert request.body == {"invoice_id": "i1"}


def test_a_callers_token_does_not_leak_into_the_next_service_call(
    postgrest: FakePostgrest, database: SupabaseDatabase
) -> None:
    postgrest.reply("begin_checkout", ok(None))
    postgrest.reply("lapsed_checkouts", ok([]))

    database.rpc("begin_checkout", {"invoice_id": "i1"}, caller=CALLER)
    database.rpc("lapsed_checkouts", schema="service")

    assert [r.headers["authorization"] for r in postgrest.requests] == [f"Bearer {USER_TOKEN}", f"Bearer {SERVICE_KEY}"]
    assert [r.headers["content-profile"] for r in postgrest.requests] == ["public", "service"]


def test_a_call_without_params_sends_an_empty_object(postgrest: FakePostgrest, database: SupabaseDatabase) -> None:
    postgrest.reply("begin_payout_onboarding", ok({"account": None}))

    database.rpc("begin_payout_onboarding", caller=CALLER)

    assert postgrest.requests[0].body == {}


# -- results ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (ok(42), 42),
        (ok("applied"), "applied"),
        (ok(None), None),
        (ok({"payment_id": "p1", "amount": 5000}), {"payment_id": "p1", "amount": 5000}),
        (ok([{"id": "r1"}, {"id": "r2"}]), [{"id": "r1"}, {"id": "r2"}]),
        (ok([]), []),
        (no_content(), None),
    ],
    ids=["scalar", "text", "null", "composite", "setof", "empty-setof", "void-204"],
)
def test_results_are_the_json_postgrest_sent(
    postgrest: FakePostgrest, database: SupabaseDatabase, reply: Reply, expected: object
) -> None:
    postgrest.reply("fn", reply)
    assert database.rpc("fn", {}, schema="service") == expected


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "code", "status"),
    [
        (error("P0001", "invoice is already paid"), "P0001", 400),
        # PostgREST answers 500 for P0002 (a service RPC's "not found") and so does the adapter:
        # one table. The public RPCs raise PT404, which PostgREST sends as 404.
        (error("P0002", "no invoice you may pay"), "P0002", 500),
        (error("PT404", "invoice_id: invoice i1 not found"), "PT404", 404),
        (error("42501", "permission denied for function apply_checkout_event"), "42501", 403),
        (error("PT409", "a checkout is already open"), "PT409", 409),
        (error("23505", 'duplicate key value violates unique constraint "payments_pkey"'), "23505", 409),
        (error("23P01", "conflicting key value violates exclusion constraint"), "23P01", 400),
        (error("22023", "amount must be positive"), "22023", 400),
        (error("40001", "could not serialize access due to concurrent update"), "40001", 500),
        (error("PGRST303", "JWT expired"), "PGRST303", 401),
    ],
)
def test_postgrest_error_bodies_become_database_errors(
    postgrest: FakePostgrest, database: SupabaseDatabase, reply: Reply, code: str, status: int
) -> None:
    postgrest.reply("fn", reply)

    with pytest.raises(DatabaseError) as raised:
        database.rpc("fn", {"invoice_id": "i1"}, caller=CALLER)

    assert (raised.value.code, raised.value.status) == (code, status)
    assert raised.value.message == json.loads(reply.body)["message"]


def test_an_error_keeps_postgrest_message_details_and_hint(
    postgrest: FakePostgrest, database: SupabaseDatabase
) -> None:
    postgrest.reply("fn", error("P0001", "refund above what was paid", "paid 5000, asked 6000", "ask for less"))

    with pytest.raises(DatabaseError) as raised:
        database.rpc("fn", caller=CALLER)

    assert raised.value.body() == {
        "code": "P0001",
        "details": "paid 5000, asked 6000",
        "hint": "ask for less",
        "message": "refund above what was paid",
    }
    assert not raised.value.retryable


def test_unknown_function_is_postgrests_404(postgrest: FakePostgrest, database: SupabaseDatabase) -> None:
    with pytest.raises(DatabaseError) as raised:
        database.rpc("no_such_function", schema="service")

    assert (raised.value.code, raised.value.status) == ("PGRST202", 404)
    assert "no_such_function" in raised.value.message


def test_permission_denied_for_the_service_role_is_403(postgrest: FakePostgrest, database: SupabaseDatabase) -> None:
    postgrest.reply("fn", error("42501", "permission denied for function fn"))

    with pytest.raises(DatabaseError) as raised:
        database.rpc("fn", schema="service")

    assert raised.value.status == 403


def test_503_without_body_is_unavailable(postgrest: FakePostgrest, database: SupabaseDatabase) -> None:
    postgrest.reply("fn", Reply(503))

    with pytest.raises(DatabaseUnavailable):
        database.rpc("fn", schema="service")


def test_gateway_error_page_is_unavailable(postgrest: FakePostgrest, database: SupabaseDatabase) -> None:
    postgrest.reply("fn", Reply(502, b"<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"}))

    with pytest.raises(DatabaseUnavailable):
        database.rpc("fn", schema="service")


@pytest.mark.parametrize(
    "reply",
    [
        error("PGRST000",
            "Could not connect with the database due to an incorrect db-uri or the database is down.",
        ),
        error("PGRST003", "Timed out acquiring connection from connection pool."),
    ],
)
def test_postgrest_that_cannot_reach_the_database_is_unavailable(
    postgrest: FakePostgrest, database: SupabaseDatabase, reply: Reply
) -> None:
    postgrest.reply("fn", reply)

    with pytest.raises(DatabaseUnavailable):
        database.rpc("fn", schema="service")


def test_gateway_refusing_the_api_key_is_a_401_database_error(
    postgrest: FakePostgrest, database: SupabaseDatabase
) -> None:
    postgrest.reply("fn", Reply(401, b'{"message":"Invalid API key"}', {"Content-Type": "application/json"}))

    with pytest.raises(DatabaseError) as raised:
        database.rpc("fn", schema="service")

    assert (raised.value.status, raised.value.message) == (401, "Invalid API key")


def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens once the socket is closed
    db = SupabaseDatabase(f"http://127.0.0.1:{port}", SERVICE_KEY, timeout=2.0)

    with pytest.raises(DatabaseUnavailable):
        db.rpc("fn", schema="service")


def test_a_reply_slower_than_the_timeout_is_unavailable(postgrest: FakePostgrest) -> None:
    postgrest.reply("fn", Reply(200, b"1", {"Content-Type": "application/json"}, delay=1.0))
    db = SupabaseDatabase(postgrest.url, SERVICE_KEY, timeout=0.2)

    with pytest.raises(DatabaseUnavailable):
        db.rpc("fn", schema="service")
    db.close()


# -- PostgREST's own rules, which the fake applies ------------------------------------------------


def test_arguments_the_function_does_not_take_are_postgrests_404(
    postgrest: FakePostgrest, database: SupabaseDatabase
) -> None:
    postgrest.reply("begin_checkout", ok({"payment_id": "p1"}))

    with pytest.raises(DatabaseError) as raised:
        database.rpc("begin_checkout", {"invoice": "i1"}, caller=CALLER)

    assert (raised.value.code, raised.value.status) == ("PGRST202", 404)
    assert "public.begin_checkout(invoice)" in raised.value.message


def test_a_missing_required_argument_is_postgrests_404(postgrest: FakePostgrest, database: SupabaseDatabase) -> None:
    postgrest.reply("begin_checkout", ok({"payment_id": "p1"}))

    with pytest.raises(DatabaseError) as raised:
        database.rpc("begin_checkout", {}, caller=CALLER)

    assert raised.value.code == "PGRST202"


def test_a_schema_postgrest_does_not_expose_is_406(postgrest: FakePostgrest, database: SupabaseDatabase) -> None:
    postgrest.reply("is_admin", ok(True))

    with pytest.raises(DatabaseError) as raised:
        database.rpc("is_admin", schema="private")

    assert (raised.value.code, raised.value.status) == ("PGRST106", 406)


@pytest.mark.parametrize(
    ("code", "authenticated", "status"),
    [
        ("P0001", True, 400), ("P0002", True, 500), ("P0003", True, 500), ("PT404", True, 404), ("PT409", True, 409),
        ("23P01", True, 400), ("23505", True, 409), ("23503", True, 409), ("22023", True, 400), ("42501", True, 403),
        ("42501", False, 401), ("42883", True, 404), ("40001", True, 500), ("53300", True, 503), ("XX000", True, 500),
    ],
)  # fmt: skip
def test_the_fake_sends_postgrests_status_for_each_code(code: str, authenticated: bool, status: int) -> None:
    """PostgREST v14's table (docs.postgrest.org, references/errors): what a frontend gets."""
    assert postgrest_status(code, authenticated) == status
