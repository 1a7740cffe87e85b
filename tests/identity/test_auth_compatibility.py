"""What Supabase Auth (GoTrue) requires of our data and our hooks, checked as it checks it.

- Auth reads some auth.users columns into Go strings: a NULL there makes every password
  sign-in of that user fail with 500 (a known, open upstream bug). Every way we create users
  (the seed, the pgTAP helper, the pytest helper) leaves none of them NULL.
- Auth validates the custom access token hook's output against its claims schema
  (MinimumViableTokenSchema in supabase/auth: required claims and JSON types) and answers
  500 when it does not conform. The hook's output for every kind of user conforms.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import psycopg
import pytest

from devstack import schema
from tests.support.actors import sign_up
from tests.support.database import ROOT, TestDatabase

# auth.users columns Supabase Auth scans into non-pointer strings (models.User).
AUTH_STRING_COLUMNS = [
    "aud",
    "role",
    "confirmation_token",
    "recovery_token",
    "email_change_token_new",
    "email_change",
    "email_change_token_current",
    "phone_change",
    "phone_change_token",
    "reauthentication_token",
]

# Supabase Auth's claims schema for the hook's output: required claims, and the JSON types of
# the claims it knows (draft-07 types: integer, string, array, object, boolean).
REQUIRED_CLAIMS = ["aud", "exp", "iat", "sub", "email", "phone", "role", "aal", "session_id", "is_anonymous"]
CLAIM_TYPES: dict[str, tuple[type, ...]] = {
    "aud": (str, list),
    "exp": (int,),
    "jti": (str,),
    "iat": (int,),
    "iss": (str,),
    "nbf": (int,),
    "sub": (str,),
    "email": (str,),
    "phone": (str,),
    "app_metadata": (dict,),
    "user_metadata": (dict,),
    "role": (str,),
    "aal": (str,),
    "amr": (list,),
    "session_id": (str,),
}


def conformance_errors(claims: dict[str, Any]) -> list[str]:
    errors = [f"missing {name}" for name in REQUIRED_CLAIMS if name not in claims]
    for name, types in CLAIM_TYPES.items():
        value = claims.get(name)
        if name in claims and (not isinstance(value, types) or isinstance(value, bool)):
            errors.append(f"{name} is {type(value).__name__}, not {'/'.join(t.__name__ for t in types)}")
    if "amr" in claims and not all(isinstance(entry, dict) for entry in claims["amr"]):
        errors.append("amr items must be objects")
    return errors


def null_string_columns(conn: psycopg.Connection) -> list[tuple[str, str]]:
    checks = " union all ".join(
        f"select email, '{column}' from auth.users where {column} is null" for column in AUTH_STRING_COLUMNS
    )
    return conn.execute(checks).fetchall()


def test_no_user_we_create_has_a_null_column_auth_reads_as_a_string(test_database: TestDatabase, fresh_db: str) -> None:
    url = test_database.url(fresh_db)
    schema.apply_seed(url, ROOT)
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("select count(*) from auth.users").fetchone() == (22,)
        conn.execute("select tests.create_supabase_user('pgtap-user')")
        sign_up(conn, "pytest-user")
        assert null_string_columns(conn) == []


def test_the_check_sees_a_user_auth_could_not_sign_in(db: psycopg.Connection) -> None:
    db.execute(
        "insert into auth.users (id, aud, role, email) values (gen_random_uuid(), 'authenticated',"
        " 'authenticated', 'broken@example.com')"
    )
    assert ("broken@example.com", "confirmation_token") in null_string_columns(db)


def gotrue_event(user_id: str, email: str, method: str = "password") -> dict[str, Any]:
    """The hook's input as Supabase Auth sends it (CustomAccessTokenInput)."""
    now = int(time.time())
    return {
        "user_id": user_id,
        "authentication_method": method,
        "claims": {
            "iss": "http://127.0.0.1:54321/auth/v1",
            "aud": "authenticated",
            "exp": now + 3600,
            "iat": now,
            "sub": user_id,
            "email": email,
            "phone": "",
            "app_metadata": {"provider": "email", "providers": ["email"]},
            "user_metadata": {},
            "role": "authenticated",
            "aal": "aal1",
            "amr": [{"method": method, "timestamp": now}],
            "session_id": str(uuid.uuid4()),
            "is_anonymous": False,
        },
    }


@pytest.mark.parametrize(
    "email",
    [
        "admin@marketbase.local",
        "collector@petlab.local",
        "lab@petlab.local",
        "client@consulting.local",
        "coachee@coaching.local",
    ],
)
def test_the_access_token_hook_output_conforms_to_auth_claims_schema(
    test_database: TestDatabase, fresh_db: str, email: str
) -> None:
    schema.apply_seed(test_database.url(fresh_db), ROOT)
    with psycopg.connect(test_database.url(fresh_db, user="supabase_auth_admin"), autocommit=True) as auth:
        (user_id,) = auth.execute("select id::text from auth.users where email = %s", (email,)).fetchone()
        event = gotrue_event(user_id, email)
        output = auth.execute("select public.custom_access_token_hook(%s::jsonb)", (json.dumps(event),)).fetchone()[0]
    assert set(output) == {"claims"}, output
    assert conformance_errors(output["claims"]) == []
    passed = {k: output["claims"][k] for k in event["claims"] if k != "role"}
    assert passed == {k: v for k, v in event["claims"].items() if k != "role"}, "Auth's own claims pass through"
    assert isinstance(output["claims"]["user_roles"], list)
    # An admin's requests run as the admins' own Postgres role (issue 12), everyone else's as authenticated.
    admins = ("admin@marketbase.local", "lab@petlab.local")  # the pet lab's clinic administers the platform
    expected_role = "marketbase_admin" if email in admins else "authenticated"
    assert output["claims"]["role"] == expected_role


def test_the_conformance_check_catches_what_auth_refuses() -> None:
    claims = gotrue_event(str(uuid.uuid4()), "x@example.com")["claims"]
    assert conformance_errors(claims) == []
    assert conformance_errors({**claims, "exp": "soon"}) == ["exp is str, not int"]
    assert conformance_errors({k: v for k, v in claims.items() if k != "session_id"}) == ["missing session_id"]
    assert conformance_errors({**claims, "exp": True}) == ["exp is bool, not int"]
