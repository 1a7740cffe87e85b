"""Access token claims shaped like Supabase Auth's, completed by our access token hook.

Supabase Auth builds these claims, then calls public.custom_access_token_hook as
supabase_auth_admin and signs what it returns. `issue_claims` does the same against the
database so that local tokens and test impersonation carry the claims production
tokens carry (the hook's own, and the standard ones as Auth shapes them).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import psycopg
from psycopg.rows import dict_row

LOCAL_ISSUER = "http://127.0.0.1:54321/auth/v1"
ANON_CLAIMS = {"iss": "supabase-demo", "role": "anon"}
SERVICE_ROLE_CLAIMS = {"iss": "supabase-demo", "role": "service_role"}


class HookRefused(Exception):
    """The access token hook answered with an error: Supabase Auth would issue no token."""

    def __init__(self, http_code: int, message: str):
        super().__init__(f"{http_code}: {message}")
        self.http_code, self.message = http_code, message


def base_claims(
    user: dict[str, Any],
    *,
    method: str = "password",
    ttl: int = 3600,
    issuer: str = LOCAL_ISSUER,
    now: int | None = None,
) -> dict[str, Any]:
    """The claims Supabase Auth puts in an access token before the hook runs."""
    now = now or int(time.time())
    return {
        "iss": issuer,
        "sub": str(user["id"]),
        "aud": "authenticated",
        "exp": now + ttl,
        "iat": now,
        "email": user.get("email") or "",
        "phone": user.get("phone") or "",
        "app_metadata": user.get("raw_app_meta_data") or {"provider": "email", "providers": ["email"]},
        "user_metadata": user.get("raw_user_meta_data") or {},
        "role": "authenticated",
        "aal": "aal1",
        "amr": [{"method": method, "timestamp": now}],
        "session_id": str(uuid.uuid4()),
        "is_anonymous": bool(user.get("is_anonymous")),
    }


def issue_claims(conn: psycopg.Connection, user_id: str, *, method: str = "password", **kwargs: Any) -> dict[str, Any]:
    """Claims for a user's new access token, as Supabase Auth would issue them.

    `conn` must be able to read auth.users and execute the hook (supabase_auth_admin, or
    the owner role postgres)."""
    user = (
        conn.cursor(row_factory=dict_row)
        .execute(
            "select id, email, phone, raw_app_meta_data, raw_user_meta_data, is_anonymous"
            " from auth.users where id = %s",
            (user_id,),
        )
        .fetchone()
    )
    if user is None:
        raise LookupError(f"no auth.users row {user_id}")
    claims = base_claims(user, method=method, **kwargs)
    event = {"user_id": str(user_id), "claims": claims, "authentication_method": method}
    row = conn.execute("select public.custom_access_token_hook(%s::jsonb)", (json.dumps(event),)).fetchone()
    assert row is not None
    result = row[0]
    if "error" in result:
        raise HookRefused(result["error"]["http_code"], result["error"]["message"])
    return result["claims"]


def sign(claims: dict[str, Any], secret: str) -> str:
    """An HS256 token, as Supabase signs with the project's JWT secret."""
    import jwt  # PyJWT: only the paths that mint tokens pay for the import

    return jwt.encode(claims, secret, algorithm="HS256")
