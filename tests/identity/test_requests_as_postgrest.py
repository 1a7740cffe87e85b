"""Requests impersonated exactly as PostgREST makes them (role and request.jwt.claims set
locally in the request's transaction), with claims issued by the real access token hook."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from tests.support.actors import ANON_CLAIMS, SERVICE_ROLE_CLAIMS, as_request, claims_for, grant_role, sign_up


@pytest.fixture
def people(db: psycopg.Connection) -> dict[str, str]:
    ids = {name: sign_up(db, name) for name in ("owner", "stranger", "admin")}
    grant_role(db, ids["admin"], "admin")
    return ids


def test_user_reads_own_private_details_only(db: psycopg.Connection, people: dict[str, str]) -> None:
    with as_request(db, claims_for(db, people["owner"])):
        rows = db.execute("select user_id from public.profile_details").fetchall()
    assert [str(r[0]) for r in rows] == [people["owner"]]


def test_access_token_claims_are_shaped_like_supabase_auth(db: psycopg.Connection, people: dict[str, str]) -> None:
    claims = claims_for(db, people["admin"])
    # An admin's token names the admins' own role (issue 12); audience as for every user.
    assert claims["role"] == "marketbase_admin" and claims["aud"] == "authenticated"
    assert claims["sub"] == people["admin"]
    assert {"exp", "iat", "iss", "email", "session_id", "aal", "amr", "app_metadata", "user_metadata"} <= set(claims)
    assert claims["user_roles"] == ["admin", "client"]


def test_update_of_someone_elses_row_changes_nothing(db: psycopg.Connection, people: dict[str, str]) -> None:
    with as_request(db, claims_for(db, people["stranger"])):
        updated = db.execute(
            "update public.profiles set display_name = 'Hacked' where id = %s returning id", (people["owner"],)
        ).fetchall()
    assert updated == []
    assert db.execute("select display_name from public.profiles where id = %s", (people["owner"],)).fetchone() == (
        "owner",
    )


def test_protected_column_is_refused_with_42501(db: psycopg.Connection, people: dict[str, str]) -> None:
    # PostgREST answers 42501 with 403 for a signed-in user.
    with pytest.raises(errors.InsufficientPrivilege), as_request(db, claims_for(db, people["owner"])):
        db.execute("update public.provider_profiles set is_verified = true")


def test_forged_owner_id_is_refused(db: psycopg.Connection, people: dict[str, str]) -> None:
    with (
        pytest.raises(errors.InsufficientPrivilege, match="row-level security"),
        as_request(db, claims_for(db, people["stranger"])),
    ):
        db.execute(
            "insert into public.addresses (user_id, line1, city, country_code) values (%s, 'x', 'x', 'US')",
            (people["owner"],),
        )


def test_missing_claims_act_as_anon_and_are_refused(db: psycopg.Connection, people: dict[str, str]) -> None:
    # No Authorization header: PostgREST uses the anon role; 42501 then becomes 401.
    with pytest.raises(errors.InsufficientPrivilege), as_request(db, ANON_CLAIMS):
        db.execute("select * from public.profile_details")


def test_claims_with_a_wrong_role_are_refused_before_the_database(db: psycopg.Connection) -> None:
    with pytest.raises(PermissionError), as_request(db, {"role": "postgres", "sub": "x"}):
        pass


def test_claims_for_an_unknown_user_see_nothing(db: psycopg.Connection, people: dict[str, str]) -> None:
    # A forged sub for a user who does not exist sees nobody's private data.
    forged = claims_for(db, people["owner"]) | {"sub": "00000000-0000-0000-0000-000000000000"}
    with as_request(db, forged):
        assert db.execute("select * from public.profile_details").fetchall() == []


def test_service_role_calls_service_functions(db: psycopg.Connection, people: dict[str, str]) -> None:
    with as_request(db, SERVICE_ROLE_CLAIMS, schema="service"):
        (state,) = db.execute("select service.record_failed_login(%s)", (people["owner"],)).fetchone()
    assert state["failed_attempts"] == 1


def test_settings_are_cleared_after_a_request(db: psycopg.Connection, people: dict[str, str]) -> None:
    with as_request(db, claims_for(db, people["owner"])):
        pass
    assert db.execute("select current_user, auth.uid()").fetchone() == ("postgres", None)
