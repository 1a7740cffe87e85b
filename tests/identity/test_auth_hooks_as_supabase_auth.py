"""Supabase Auth's side, with its own role: sign-up inserts and hook calls made as
supabase_auth_admin over its own login, in committed transactions, as GoTrue makes them."""

from __future__ import annotations

import json
import uuid

import psycopg

from tests.support.database import TestDatabase


def auth_connection(test_database: TestDatabase, name: str) -> psycopg.Connection:
    return psycopg.connect(test_database.url(name, user="supabase_auth_admin"), autocommit=True)


def sign_up(conn: psycopg.Connection, metadata: dict) -> str:
    user_id = str(uuid.uuid4())
    conn.execute(
        "insert into auth.users (id, aud, role, email, raw_user_meta_data, confirmation_token, recovery_token,"
        " email_change_token_new, email_change, created_at, updated_at)"
        " values (%s, 'authenticated', 'authenticated', %s, %s, '', '', '', '', now(), now())",
        (user_id, f"{user_id[:8]}@example.com", json.dumps(metadata)),
    )
    return user_id


def token_hook(conn: psycopg.Connection, user_id: str, method: str = "password") -> dict:
    event = {
        "user_id": user_id,
        "authentication_method": method,
        "claims": {"sub": user_id, "role": "authenticated", "aud": "authenticated"},
    }
    return conn.execute("select public.custom_access_token_hook(%s::jsonb)", (json.dumps(event),)).fetchone()[0]


def password_hook(conn: psycopg.Connection, user_id: str, valid: bool) -> dict:
    event = json.dumps({"user_id": user_id, "valid": valid})
    return conn.execute("select public.password_verification_attempt_hook(%s::jsonb)", (event,)).fetchone()[0]


def test_sign_up_as_supabase_auth_creates_profile_and_role(test_database: TestDatabase, fresh_db: str) -> None:
    with auth_connection(test_database, fresh_db) as auth:
        user_id = sign_up(auth, {"display_name": "Kenji", "account_type": "provider"})
        assert token_hook(auth, user_id)["claims"]["user_roles"] == ["provider"]
    with psycopg.connect(test_database.url(fresh_db)) as owner:
        assert owner.execute("select display_name from public.profiles where id = %s", (user_id,)).fetchone() == (
            "Kenji",
        )


def test_lockout_through_the_hooks_as_supabase_auth(test_database: TestDatabase, fresh_db: str) -> None:
    """From the fifth wrong password in a row, password attempts wait (20260114000100): the
    password hook's `reject` is answered by Supabase Auth with 400 invalid_credentials and the
    hook's message, as a wrong password is. Failed passwords never refuse a token: a refresh
    keeps the session, a magic link (or OAuth) signs the owner in."""
    with auth_connection(test_database, fresh_db) as auth:
        user_id = sign_up(auth, {})
        decisions = [password_hook(auth, user_id, valid=False)["decision"] for _ in range(5)]
        assert decisions == ["continue"] * 4 + ["reject"]
        assert password_hook(auth, user_id, valid=True)["decision"] == "reject"
        assert "try again in" in password_hook(auth, user_id, valid=True)["message"]
        assert set(token_hook(auth, user_id, method="token_refresh")) == {"claims"}
        assert set(token_hook(auth, user_id, method="magiclink")) == {"claims"}
        assert password_hook(auth, user_id, valid=True)["decision"] == "continue"


def test_sign_in_is_recorded_but_a_refresh_is_not(test_database: TestDatabase, fresh_db: str) -> None:
    with auth_connection(test_database, fresh_db) as auth:
        user_id = sign_up(auth, {})
        token_hook(auth, user_id, method="token_refresh")
    with psycopg.connect(test_database.url(fresh_db)) as owner:
        query = "select last_sign_in_at from private.login_states where user_id = %s"
        assert owner.execute(query, (user_id,)).fetchone() is None
    with auth_connection(test_database, fresh_db) as auth:
        token_hook(auth, user_id, method="password")
    with psycopg.connect(test_database.url(fresh_db)) as owner:
        assert owner.execute(query, (user_id,)).fetchone()[0] is not None


def test_api_roles_cannot_run_the_hooks(test_database: TestDatabase, fresh_db: str) -> None:
    with psycopg.connect(test_database.url(fresh_db, user="authenticator")) as conn:
        for role in ("anon", "authenticated"):
            rows = conn.execute(
                "select has_function_privilege(%s, 'public.custom_access_token_hook(jsonb)', 'execute'),"
                " has_function_privilege(%s, 'public.password_verification_attempt_hook(jsonb)', 'execute')",
                (role, role),
            ).fetchone()
            assert rows == (False, False)


def test_sign_up_with_a_phone_as_supabase_auth_keeps_it_in_e164(
    test_database: TestDatabase, fresh_db: str
) -> None:
    """Auth stores numbers without the `+`; the details keep E.164, and junk is left out (no failed sign-up)."""
    with auth_connection(test_database, fresh_db) as auth:
        with_phone = str(uuid.uuid4())
        auth.execute(
            "insert into auth.users (id, aud, role, phone, raw_user_meta_data, confirmation_token, recovery_token,"
            " email_change_token_new, email_change, created_at, updated_at)"
            " values (%s, 'authenticated', 'authenticated', '14155550123', '{}', '', '', '', '', now(), now())",
            (with_phone,),
        )
        junk = sign_up(auth, {"phone": "call me maybe"})
    with psycopg.connect(test_database.url(fresh_db)) as owner:
        phones = dict(owner.execute("select user_id::text, phone from public.profile_details").fetchall())
    assert phones[with_phone] == "+14155550123"
    assert phones[junk] is None
