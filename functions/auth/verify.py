"""Verify a Supabase access token locally, without a round trip to Supabase Auth.

Supabase signs access tokens either with the project's shared JWT secret (HS256, the legacy
scheme) or with an asymmetric key (ES256 or RS256) whose public half it publishes as a JWKS at
<project>/auth/v1/.well-known/jwks.json. The token's header says which; both are accepted,
each only with its own kind of key, so an attacker cannot choose the algorithm. Audience and
expiry are checked, and only end users pass (role "authenticated", or "marketbase_admin", the
role the access-token hook gives admins): an anon or service-role key is not a user.

PyJWT is imported on first use: start-up does not pay for it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jwt import PyJWKClient

    from ..settings import Settings

ASYMMETRIC_ALGORITHMS = ("ES256", "RS256")
REQUIRED_CLAIMS = ["exp", "sub", "aud", "role"]
USER_ROLES = frozenset({"authenticated", "marketbase_admin"})
JWKS_TIMEOUT_SECONDS = 5
# How long a fetched key set is trusted: a key Supabase revokes stops verifying after this; a new
# kid triggers a refetch sooner (at most once per PyJWKClient's cooldown).
JWKS_LIFESPAN_SECONDS = 300
LEEWAY_SECONDS = 5  # clock skew between Supabase Auth and the Lambda


class InvalidToken(Exception):
    """The token is missing, malformed, badly signed, expired, for another audience or not a user's."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class KeysUnavailable(Exception):
    """The JWKS could not be fetched: the token may well be valid, so this is no reason for a 401."""


def verify_token(token: str, settings: Settings) -> dict[str, Any]:
    """The token's verified claims; raises InvalidToken (or KeysUnavailable)."""
    import jwt

    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise InvalidToken(f"malformed token: {error}") from error
    algorithm = header.get("alg")
    key: Any
    if algorithm == "HS256":
        if not settings.supabase_jwt_secret:
            raise InvalidToken("HS256 tokens are not accepted here (no JWT secret configured)")
        key = settings.supabase_jwt_secret
    elif algorithm in ASYMMETRIC_ALGORITHMS:
        if not settings.supabase_jwks_url:
            raise InvalidToken(f"{algorithm} tokens are not accepted here (no JWKS URL configured)")
        key = _signing_key(token, settings.supabase_jwks_url)
    else:
        raise InvalidToken(f"unsupported signing algorithm {algorithm!r}")

    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=settings.jwt_audience,
            leeway=LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as error:
        raise InvalidToken("token expired") from error
    except jwt.InvalidAudienceError as error:
        raise InvalidToken("token is for another audience") from error
    except jwt.InvalidSignatureError as error:
        raise InvalidToken("bad token signature") from error
    except jwt.PyJWTError as error:
        raise InvalidToken(f"invalid token: {error}") from error
    if claims.get("role") not in USER_ROLES:
        raise InvalidToken(f"a {claims.get('role')!r} token is not a signed-in user's")
    return claims


def _signing_key(token: str, jwks_url: str) -> Any:
    import jwt

    try:
        return jwks_client(jwks_url).get_signing_key_from_jwt(token).key
    except jwt.PyJWKClientConnectionError as error:
        raise KeysUnavailable(f"could not fetch the signing keys: {error}") from error
    except (jwt.PyJWKClientError, jwt.PyJWKError, jwt.DecodeError) as error:
        raise InvalidToken(f"no published key verifies this token: {error}") from error


@lru_cache(maxsize=4)
def jwks_client(url: str) -> PyJWKClient:
    """One client per JWKS URL for the process: it keeps the key set between requests.

    Only the key set is cached (for its lifespan), not individual keys: PyJWKClient's key cache
    never expires, so a revoked key would verify for as long as the Lambda stays warm."""
    from jwt import PyJWKClient

    return PyJWKClient(url, cache_keys=False, lifespan=JWKS_LIFESPAN_SECONDS, timeout=JWKS_TIMEOUT_SECONDS)
