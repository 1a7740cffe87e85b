"""Sign-in abused, as Supabase Auth meets it (issue "Abuse-proofing", item 8; 20260114000100).

Auth calls the hooks as supabase_auth_admin, each call in its own committed transaction, and
several at once when requests arrive together. An attacker who knows someone's email makes
Auth call the password hook with `valid: false` as often as they like:

- the victim's sessions survive any number of failures: the access-token hook answers every
  refresh (admins' too) with claims that conform to Auth's schema, never an error;
- parallel guesses queue on the victim's row: once a failure opens a wait, the guesses sent
  with it are refused, a right one too, and not counted;
- the password hook's answers are what Auth reads (decision, message, should_logout_user) and
  never ask Auth to log the victim out.
"""

from __future__ import annotations

import json
import threading
import time

import psycopg

from tests.identity.test_auth_compatibility import conformance_errors, gotrue_event
from tests.identity.test_auth_hooks_as_supabase_auth import auth_connection, password_hook, sign_up
from tests.support.database import TestDatabase

# Supabase Auth's PasswordVerificationAttemptOutput: the keys it reads, and their JSON types.
PASSWORD_HOOK_OUTPUT = {"decision": str, "message": str, "should_logout_user": bool}


def token_hook(conn: psycopg.Connection, user_id: str, email: str, method: str) -> dict:
    event = gotrue_event(user_id, email, method)
    return conn.execute("select public.custom_access_token_hook(%s::jsonb)", (json.dumps(event),)).fetchone()[0]


def let_the_wait_pass(owner_url: str, user_id: str) -> None:
    """Time passes for the user's sign-in state: the current wait is over."""
    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute(
            "update private.login_states set last_failed_at = last_failed_at - (locked_until - now()),"
            " locked_until = now() where user_id = %s and locked_until > now()",
            (user_id,),
        )


def failed_attempts(owner_url: str, user_id: str) -> int:
    with psycopg.connect(owner_url) as owner:
        query = "select failed_attempts from private.login_states where user_id = %s"
        return owner.execute(query, (user_id,)).fetchone()[0]


def test_no_number_of_wrong_passwords_ends_a_session(test_database: TestDatabase, fresh_db: str) -> None:
    owner_url = test_database.url(fresh_db)
    with auth_connection(test_database, fresh_db) as auth:
        client, admin = sign_up(auth, {}), sign_up(auth, {})
        with psycopg.connect(owner_url, autocommit=True) as owner:
            owner.execute("insert into public.user_roles (user_id, role) values (%s, 'admin')", (admin,))
        for user_id, role in ((client, "authenticated"), (admin, "marketbase_admin")):
            for _ in range(30):
                let_the_wait_pass(owner_url, user_id)
                password_hook(auth, user_id, valid=False)
            assert password_hook(auth, user_id, valid=True)["decision"] == "reject", "the victim's password waits"
            for method in ("token_refresh", "token_refresh", "oauth"):
                output = token_hook(auth, user_id, f"{user_id[:8]}@example.com", method)
                assert set(output) == {"claims"}, output
                assert conformance_errors(output["claims"]) == []
                assert output["claims"]["role"] == role


def test_parallel_guesses_cannot_slip_through_a_wait(test_database: TestDatabase, fresh_db: str) -> None:
    owner_url = test_database.url(fresh_db)
    with auth_connection(test_database, fresh_db) as auth:
        victim = sign_up(auth, {})
        for _ in range(4):
            password_hook(auth, victim, valid=False)

    answers: dict[int, dict] = {}

    def guess(i: int, valid: bool) -> None:
        with auth_connection(test_database, fresh_db) as conn:
            answers[i] = password_hook(conn, victim, valid)

    # The fifth failure is being answered (its transaction still open) while four more
    # attempts arrive, one of them with the right password.
    first = psycopg.connect(test_database.url(fresh_db, user="supabase_auth_admin"))
    try:
        fifth = first.execute(
            "select public.password_verification_attempt_hook(%s::jsonb)",
            (json.dumps({"user_id": victim, "valid": False}),),
        ).fetchone()[0]
        threads = [threading.Thread(target=guess, args=(i, i == 3)) for i in range(4)]
        for thread in threads:
            thread.start()
        with psycopg.connect(owner_url, autocommit=True) as owner:
            deadline = time.monotonic() + 10
            query = "select count(*) from pg_stat_activity where datname = %s and wait_event_type = 'Lock'"
            while owner.execute(query, (fresh_db,)).fetchone()[0] < 4 and time.monotonic() < deadline:
                time.sleep(0.05)
        first.commit()
    finally:
        first.close()
    for thread in threads:
        thread.join(10)

    assert fifth["decision"] == "reject"
    assert [answers[i]["decision"] for i in range(4)] == ["reject"] * 4, "the right password too waits"
    assert len({json.dumps(answers[i], sort_keys=True) for i in range(4)}) == 1, "right or wrong, one answer"
    assert failed_attempts(owner_url, victim) == 5, "attempts during the wait are not counted"


def test_the_password_hook_answers_what_auth_reads(test_database: TestDatabase, fresh_db: str) -> None:
    owner_url = test_database.url(fresh_db)
    with auth_connection(test_database, fresh_db) as auth:
        user_id = sign_up(auth, {})
        outputs = [password_hook(auth, user_id, valid=False) for _ in range(5)]
        outputs += [password_hook(auth, user_id, valid=True), password_hook(auth, user_id, valid=False)]
        let_the_wait_pass(owner_url, user_id)
        outputs.append(password_hook(auth, user_id, valid=True))
    assert {o["decision"] for o in outputs} == {"continue", "reject"}
    for output in outputs:
        assert set(output) <= set(PASSWORD_HOOK_OUTPUT), output
        assert all(isinstance(output[key], kind) for key, kind in PASSWORD_HOOK_OUTPUT.items() if key in output)
        assert output["decision"] in ("continue", "reject")
        assert output.get("should_logout_user", False) is False
        if output["decision"] == "reject":
            assert output["message"].startswith("Too many failed sign-in attempts: try again in ")
