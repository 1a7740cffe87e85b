"""FastAPI dependencies for the apps' callers: `CallerDep` in a route's signature yields the
verified end user as a `Caller`, or the request ends with 401 and `WWW-Authenticate: Bearer`
(RFC 6750) before the route runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..db.port import Caller
from ..settings import Settings, get_settings
from .verify import InvalidToken, KeysUnavailable, verify_token

# auto_error=False: a missing header is answered below, with 401 and the challenge, not FastAPI's default.
bearer = HTTPBearer(auto_error=False, description="A Supabase access token (the signed-in user's JWT).")


def _challenge(error_description: str | None = None) -> dict[str, str]:
    if error_description is None:
        return {"WWW-Authenticate": "Bearer"}
    # RFC 6750 3: quoted-string without quotes or backslashes in it.
    safe = error_description.replace('"', "'").replace("\\", "/")
    return {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{safe}"'}


def current_caller(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Caller:
    """The signed-in user who made the request."""
    if credentials is None or not credentials.credentials:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="missing bearer token", headers=_challenge())
    token = credentials.credentials
    try:
        claims = verify_token(token, settings)
    except InvalidToken as error:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail=error.message, headers=_challenge(error.message)
        ) from error
    except KeysUnavailable as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, detail="cannot verify tokens right now", headers={"Retry-After": "5"}
        ) from error
    return Caller(token=token, claims=claims)
