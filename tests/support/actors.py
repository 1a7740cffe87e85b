"""Users and requests as Supabase makes them: sign-up rows in auth.users, access token
claims from the real hook, and requests impersonated as PostgREST does."""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg

from devstack.claims import ANON_CLAIMS, SERVICE_ROLE_CLAIMS, issue_claims
from devstack.impersonation import as_request

__all__ = ["ANON_CLAIMS", "SERVICE_ROLE_CLAIMS", "as_request", "claims_for", "sign_up", "grant_role"]


def sign_up(conn: psycopg.Connection, name: str, **metadata: Any) -> str:
    """Insert an auth.users row as Supabase Auth does at sign-up; return the user id."""
    user_id = str(uuid.uuid4())
    conn.execute(
        "insert into auth.users (id, aud, role, email, email_confirmed_at, confirmation_token, recovery_token,"
        " email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)"
        " values (%s, 'authenticated', 'authenticated', %s, now(), '', '', '', '',"
        ' \'{"provider": "email", "providers": ["email"]}\', %s, now(), now())',
        (user_id, f"{name}-{user_id[:8]}@test.local", json.dumps({"display_name": name, **metadata})),
    )
    return user_id


def grant_role(conn: psycopg.Connection, user_id: str, role: str, staff_role: str | None = None) -> None:
    conn.execute(
        "insert into public.user_roles (user_id, role, staff_role) values (%s, %s, %s)", (user_id, role, staff_role)
    )


def claims_for(conn: psycopg.Connection, user_id: str) -> dict[str, Any]:
    """The claims Supabase Auth would put in the user's access token now."""
    return issue_claims(conn, user_id)
