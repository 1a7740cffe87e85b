"""`current_caller` in a FastAPI app: the verified user, or 401 with a Bearer challenge."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from devstack.claims import base_claims, sign
from functions.auth.verify import jwks_client
from functions.deps import CallerDep
from functions.settings import Settings, get_settings
from tests.functions.jwks_server import SigningKey

SECRET = "test-jwt-secret-with-at-least-32-characters"
USER_ID = str(uuid.uuid4())


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()

    @app.get("/me")
    def me(caller: CallerDep) -> dict[str, Any]:
        return {"user_id": caller.user_id, "role": caller.role, "token_forwarded": bool(caller.token)}

    settings = Settings(supabase_url="http://127.0.0.1:9", supabase_jwt_secret=SECRET)
    app.dependency_overrides[get_settings] = lambda: settings
    return TestClient(app)


def token(**overrides: Any) -> str:
    return sign({**base_claims({"id": USER_ID}), **overrides}, SECRET)


def test_a_valid_token_yields_the_caller(client: TestClient) -> None:
    response = client.get("/me", headers={"Authorization": f"Bearer {token()}"})
    assert response.status_code == 200
    assert response.json() == {"user_id": USER_ID, "role": "authenticated", "token_forwarded": True}


def test_missing_token_is_401_with_a_bare_bearer_challenge(client: TestClient) -> None:
    response = client.get("/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "missing bearer token"}


def test_non_bearer_authorization_is_401(client: TestClient) -> None:
    response = client.get("/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_expired_token_is_401_invalid_token(client: TestClient) -> None:
    past = int(time.time()) - 7200
    response = client.get("/me", headers={"Authorization": f"Bearer {token(iat=past, exp=past + 60)}"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token", error_description="token expired"'
    assert response.json() == {"detail": "token expired"}


def test_anon_key_is_401(client: TestClient) -> None:
    response = client.get("/me", headers={"Authorization": f"Bearer {token(role='anon')}"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')


def test_unreachable_keys_are_503_not_401(client: TestClient) -> None:
    jwks_client.cache_clear()  # nothing listens on the discard port the settings name
    es256 = SigningKey.generate("ES256")
    response = client.get("/me", headers={"Authorization": f"Bearer {es256.sign(base_claims({'id': USER_ID}))}"})
    jwks_client.cache_clear()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
