"""Settings: read from the environment once, derived defaults, placeholders refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from functions.settings import MissingSetting, Settings, get_settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The environment, already without any setting's variable (tests/functions/conftest.py)."""
    return monkeypatch


def test_settings_are_read_from_upper_case_variables(env: pytest.MonkeyPatch) -> None:
    env.setenv("SUPABASE_URL", "https://abc.supabase.co")
    env.setenv("SUPABASE_SERVICE_ROLE_KEY", "service-key")
    env.setenv("STRIPE_WEBHOOK_TOLERANCE_SECONDS", "120")
    env.setenv("DATABASE_URL", "postgresql://authenticator:postgres@127.0.0.1:54322/postgres")

    settings = Settings()

    assert settings.supabase_url == "https://abc.supabase.co"
    assert settings.supabase_service_role_key == "service-key"
    assert settings.stripe_webhook_tolerance_seconds == 120
    assert settings.database_url == "postgresql://authenticator:postgres@127.0.0.1:54322/postgres"


def test_defaults(env: pytest.MonkeyPatch) -> None:
    settings = Settings()
    assert settings.jwt_audience == "authenticated"
    assert settings.stripe_webhook_tolerance_seconds == 300
    assert settings.site_url == "http://127.0.0.1:3000"
    assert settings.database_url is None
    assert settings.supabase_jwks_url is None
    assert settings.stripe_api_base is None
    assert settings.paypal_base_url == "https://api-m.sandbox.paypal.com"
    assert settings.paypal_client_id is None


def test_jwks_url_defaults_to_the_projects_auth_path(env: pytest.MonkeyPatch) -> None:
    env.setenv("SUPABASE_URL", "https://abc.supabase.co/")
    settings = Settings()
    assert settings.supabase_url == "https://abc.supabase.co"
    assert settings.supabase_jwks_url == "https://abc.supabase.co/auth/v1/.well-known/jwks.json"


def test_an_explicit_jwks_url_wins(env: pytest.MonkeyPatch) -> None:
    env.setenv("SUPABASE_URL", "https://abc.supabase.co")
    env.setenv("SUPABASE_JWKS_URL", "https://keys.example/jwks.json")
    assert Settings().supabase_jwks_url == "https://keys.example/jwks.json"


def test_empty_variables_mean_unset(env: pytest.MonkeyPatch) -> None:
    env.setenv("DATABASE_URL", "")
    env.setenv("SITE_URL", "")
    env.setenv("STRIPE_WEBHOOK_TOLERANCE_SECONDS", " ")
    settings = Settings()
    assert settings.database_url is None
    assert settings.site_url == "http://127.0.0.1:3000"
    assert settings.stripe_webhook_tolerance_seconds == 300


@pytest.mark.parametrize(
    "name", ["SUPABASE_JWT_SECRET", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "PAYPAL_CLIENT_SECRET"]
)
def test_placeholder_secrets_are_refused_by_name(env: pytest.MonkeyPatch, name: str) -> None:
    env.setenv(name, "replace-with-your-real-value")
    with pytest.raises(ValidationError, match=f"{name} still holds the placeholder"):
        Settings()


def test_secrets_stay_out_of_repr(env: pytest.MonkeyPatch) -> None:
    env.setenv("SUPABASE_JWT_SECRET", "very-secret-value-of-the-project-0001")
    env.setenv("STRIPE_SECRET_KEY", "sk_test_very_secret")
    env.setenv("PAYPAL_CLIENT_SECRET", "EPaypalVerySecret")
    text = repr(Settings())
    assert "very-secret" not in text
    assert "sk_test" not in text
    assert "PaypalVerySecret" not in text


def test_require_names_the_missing_variable(env: pytest.MonkeyPatch) -> None:
    settings = Settings()
    with pytest.raises(MissingSetting, match="STRIPE_SECRET_KEY is not set"):
        settings.require("stripe_secret_key")
    assert Settings(stripe_secret_key="sk_test_1").require("stripe_secret_key") == "sk_test_1"


def test_get_settings_reads_the_environment_once(env: pytest.MonkeyPatch) -> None:
    env.setenv("SITE_URL", "https://first.example")
    first = get_settings()
    env.setenv("SITE_URL", "https://second.example")
    assert get_settings() is first
    assert first.site_url == "https://first.example"
