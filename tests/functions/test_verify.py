"""Access token verification: HS256 with the project's JWT secret and ES256/RS256 with keys from a
JWKS served over real HTTP; audience, expiry and role checked."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from devstack.claims import ANON_CLAIMS, SERVICE_ROLE_CLAIMS, base_claims, sign
from functions.auth.verify import InvalidToken, KeysUnavailable, jwks_client, verify_token
from functions.settings import Settings
from tests.functions.jwks_server import JwksServer, SigningKey

SECRET = "test-jwt-secret-with-at-least-32-characters"
USER_ID = str(uuid.uuid4())


def user_claims(**overrides: Any) -> dict[str, Any]:
    """Claims as Supabase Auth issues them for a signed-in user."""
    return {**base_claims({"id": USER_ID, "email": "client@test.local"}), **overrides}


@pytest.fixture(scope="module")
def es256() -> SigningKey:
    return SigningKey.generate("ES256")


@pytest.fixture(scope="module")
def rs256() -> SigningKey:
    return SigningKey.generate("RS256")


@pytest.fixture
def jwks(es256: SigningKey, rs256: SigningKey) -> Iterator[JwksServer]:
    server = JwksServer([es256, rs256]).start()
    jwks_client.cache_clear()
    yield server
    server.stop()
    jwks_client.cache_clear()


@pytest.fixture
def settings(jwks: JwksServer) -> Settings:
    return Settings(supabase_url=jwks.url, supabase_jwt_secret=SECRET, jwt_audience="authenticated")


# -- HS256 (the project's JWT secret) --------------------------------------------------------


def test_hs256_token_of_a_signed_in_user_is_accepted(settings: Settings) -> None:
    claims = verify_token(sign(user_claims(), SECRET), settings)
    assert (claims["sub"], claims["role"], claims["email"]) == (USER_ID, "authenticated", "client@test.local")


def test_an_admins_token_with_the_admins_role_is_accepted(settings: Settings) -> None:
    """The access-token hook gives admins the role marketbase_admin (issue 12): still a user."""
    claims = verify_token(sign(user_claims(role="marketbase_admin", user_roles=["admin"]), SECRET), settings)
    assert claims["role"] == "marketbase_admin"


def test_expired_token_is_refused(settings: Settings) -> None:
    past = int(time.time()) - 7200
    with pytest.raises(InvalidToken, match="expired"):
        verify_token(sign(user_claims(iat=past, exp=past + 3600), SECRET), settings)


def test_token_for_another_audience_is_refused(settings: Settings) -> None:
    with pytest.raises(InvalidToken, match="audience"):
        verify_token(sign(user_claims(aud="some-other-app"), SECRET), settings)


def test_token_signed_with_another_secret_is_refused(settings: Settings) -> None:
    with pytest.raises(InvalidToken, match="signature"):
        verify_token(sign(user_claims(), "another-secret-of-at-least-32-characters!"), settings)


@pytest.mark.parametrize("key_claims", [ANON_CLAIMS, SERVICE_ROLE_CLAIMS], ids=["anon-key", "service-role-key"])
def test_api_keys_are_not_users(settings: Settings, key_claims: dict[str, Any]) -> None:
    now = int(time.time())
    token = sign({**key_claims, "aud": "authenticated", "sub": USER_ID, "iat": now, "exp": now + 60}, SECRET)
    with pytest.raises(InvalidToken, match="not a signed-in user"):
        verify_token(token, settings)


def test_the_anon_key_as_issued_is_refused(settings: Settings) -> None:
    with pytest.raises(InvalidToken):
        verify_token(sign(ANON_CLAIMS, SECRET), settings)


def test_token_without_expiry_is_refused(settings: Settings) -> None:
    claims = user_claims()
    del claims["exp"]
    with pytest.raises(InvalidToken, match="exp"):
        verify_token(sign(claims, SECRET), settings)


def test_hs256_is_refused_without_a_configured_secret(jwks: JwksServer) -> None:
    settings = Settings(supabase_url=jwks.url)
    with pytest.raises(InvalidToken, match="HS256"):
        verify_token(sign(user_claims(), SECRET), settings)


def test_unsigned_token_is_refused(settings: Settings) -> None:
    token = jwt.encode(user_claims(), "", algorithm="none")
    with pytest.raises(InvalidToken, match="unsupported"):
        verify_token(token, settings)


def test_garbage_is_refused(settings: Settings) -> None:
    with pytest.raises(InvalidToken, match="malformed"):
        verify_token("not-a-jwt", settings)


# -- asymmetric keys from the JWKS ------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["ES256", "RS256"])
def test_asymmetric_token_is_verified_with_the_published_key(
    settings: Settings, es256: SigningKey, rs256: SigningKey, algorithm: str
) -> None:
    key = es256 if algorithm == "ES256" else rs256
    claims = verify_token(key.sign(user_claims()), settings)
    assert claims["sub"] == USER_ID


def test_jwks_url_defaults_to_supabase_auths_path(settings: Settings, jwks: JwksServer) -> None:
    assert settings.supabase_jwks_url == jwks.jwks_url


def test_keys_are_fetched_once_for_many_tokens(settings: Settings, jwks: JwksServer, es256: SigningKey) -> None:
    for _ in range(5):
        verify_token(es256.sign(user_claims()), settings)
    assert jwks.fetches == 1


def test_expired_asymmetric_token_is_refused(settings: Settings, es256: SigningKey) -> None:
    past = int(time.time()) - 7200
    with pytest.raises(InvalidToken, match="expired"):
        verify_token(es256.sign(user_claims(iat=past, exp=past + 3600)), settings)


def test_asymmetric_token_for_another_audience_is_refused(settings: Settings, es256: SigningKey) -> None:
    with pytest.raises(InvalidToken, match="audience"):
        verify_token(es256.sign(user_claims(aud="other")), settings)


def test_token_signed_by_an_unpublished_key_is_refused(settings: Settings, es256: SigningKey) -> None:
    forger = SigningKey.generate("ES256")
    forger.kid = es256.kid  # claims to be the published key
    with pytest.raises(InvalidToken, match="signature"):
        verify_token(forger.sign(user_claims()), settings)


def test_token_with_an_unknown_key_id_is_refused(settings: Settings) -> None:
    with pytest.raises(InvalidToken, match="no published key"):
        verify_token(SigningKey.generate("ES256").sign(user_claims()), settings)


def test_asymmetric_anon_token_is_refused(settings: Settings, es256: SigningKey) -> None:
    with pytest.raises(InvalidToken, match="not a signed-in user"):
        verify_token(es256.sign(user_claims(role="anon")), settings)


def test_unreachable_jwks_is_not_an_invalid_token(es256: SigningKey, jwks: JwksServer) -> None:
    jwks.stop()
    settings = Settings(supabase_url=jwks.url, supabase_jwt_secret=SECRET)
    with pytest.raises(KeysUnavailable):
        verify_token(es256.sign(user_claims()), settings)
