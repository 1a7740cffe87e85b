"""The Lambdas' configuration: one typed class, read from the environment once per process.

Every field is optional so that each Lambda needs only what it uses (the webhook has no use
for the JWT secret); the code that needs a value asks for it with `Settings.require`, which
names the missing variable. A value still holding .env.example's placeholder is refused at
start-up rather than discovered as a failed signature later. Environment variable names are
the field names upper-cased (SUPABASE_URL, STRIPE_SECRET_KEY, ...).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_PREFIX = "replace-with"
LOCAL_SITE_URL = "http://127.0.0.1:3000"


class MissingSetting(RuntimeError):
    """A setting this code path needs is not configured."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", frozen=True)

    # Supabase: the project's API, its keys, and how its access tokens are signed.
    supabase_url: str | None = None
    supabase_service_role_key: str | None = Field(default=None, repr=False)
    supabase_anon_key: str | None = Field(default=None, repr=False)
    supabase_jwt_secret: str | None = Field(default=None, repr=False)  # HS256 (legacy JWT secret)
    supabase_jwks_url: str | None = None  # asymmetric keys; default: <supabase_url>/auth/v1/.well-known/jwks.json
    jwt_audience: str = "authenticated"

    # A direct Postgres connection (logged in as `authenticator`) instead of the Supabase API.
    database_url: str | None = Field(default=None, repr=False)
    database_pool_size: int = Field(default=4, ge=1)
    database_timeout_seconds: float = Field(default=10.0, gt=0)

    # Stripe.
    stripe_secret_key: str | None = Field(default=None, repr=False)
    stripe_webhook_secret: str | None = Field(default=None, repr=False)
    stripe_connect_webhook_secret: str | None = Field(default=None, repr=False)
    stripe_api_base: str | None = None  # a fake or stripe-mock; None: Stripe's API
    stripe_webhook_tolerance_seconds: int = Field(default=300, gt=0)

    # PayPal (functions/payments/paypal_gateway.py): the REST app's credentials, the id of the
    # webhook PayPal delivers events to (for verifying them), and the API (the sandbox unless set
    # to https://api-m.paypal.com; a fake in tests).
    paypal_client_id: str | None = None
    paypal_client_secret: str | None = Field(default=None, repr=False)
    paypal_webhook_id: str | None = None
    paypal_base_url: str = "https://api-m.sandbox.paypal.com"

    # The frontend, for Checkout's success/cancel URLs and Connect's return URLs.
    site_url: str = LOCAL_SITE_URL

    # Notifications (functions/notifications): a channel whose settings are unset is not
    # configured; its deliveries are retried, then dead, with last_error saying what to set.
    notify_email_provider: Literal["smtp", "resend"] = "smtp"
    email_from: str | None = None  # "Marketbase <no-reply@market.example>"; its domain names the Message-IDs
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_starttls: bool = True
    resend_api_key: str | None = Field(default=None, repr=False)
    resend_api_base: str | None = None  # a fake; None: https://api.resend.com
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = Field(default=None, repr=False)
    twilio_from_number: str | None = None  # E.164, or a Messaging Service instead:
    twilio_messaging_service_sid: str | None = None
    twilio_api_base: str | None = None  # a fake; None: https://api.twilio.com
    fcm_service_account_json: str | None = Field(default=None, repr=False)  # the key file's JSON, or its path
    fcm_project_id: str | None = None  # default: the service account's project_id
    fcm_api_base: str | None = None  # a fake; None: https://fcm.googleapis.com
    fcm_token_url: str | None = None  # a fake; None: the service account's token_uri
    # The shared secret of the database's pg_net nudge (header x-marketbase-dispatch-secret).
    notify_dispatch_secret: str | None = Field(default=None, repr=False)
    notify_batch_size: int = Field(default=50, ge=1, le=500)  # deliveries claimed at once
    notify_lease_seconds: int = Field(default=120, ge=10)  # a dead worker's claims are taken again after this

    # Geocoding (functions/geocoding): a Nominatim server, and how this application names itself
    # to it (Nominatim's usage policy: an identifying User-Agent, e.g. "marketbase/1 (ops@market.example)").
    geocoder_url: str = "https://nominatim.openstreetmap.org"
    geocoder_user_agent: str | None = None
    geocoder_email: str | None = None

    # Lab reports (functions/reports): the shared secret of the database's nudge (header
    # x-marketbase-render-secret), and where the local object store keeps its files (dev, tests).
    reports_render_secret: str | None = Field(default=None, repr=False)
    local_storage_dir: str = ".local/storage"

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any, info: Any) -> Any:
        """An empty variable (SUPABASE_URL=) means unset, as in a copied .env file."""
        if isinstance(value, str):
            value = value.strip()
            return value or cls.model_fields[info.field_name].default
        return value

    @field_validator("*")
    @classmethod
    def _no_placeholders(cls, value: Any, info: Any) -> Any:
        if isinstance(value, str) and value.startswith(PLACEHOLDER_PREFIX):
            name = info.field_name.upper()
            raise ValueError(f"{name} still holds the placeholder from .env.example; set the real value or unset it")
        return value

    @model_validator(mode="after")
    def _derived(self) -> Settings:
        # frozen: set through object.__setattr__ while the instance is being validated.
        if self.supabase_url:
            object.__setattr__(self, "supabase_url", self.supabase_url.rstrip("/"))
            if not self.supabase_jwks_url:
                object.__setattr__(self, "supabase_jwks_url", f"{self.supabase_url}/auth/v1/.well-known/jwks.json")
        object.__setattr__(self, "site_url", self.site_url.rstrip("/"))
        object.__setattr__(self, "paypal_base_url", self.paypal_base_url.rstrip("/"))
        return self

    def require(self, name: str) -> str:
        """The value of a setting this code path cannot do without."""
        value = getattr(self, name)
        if value in (None, ""):
            raise MissingSetting(f"{name.upper()} is not set")
        return str(value)


@cache
def get_settings() -> Settings:
    """The process's settings, read on first use (a FastAPI dependency; tests override it)."""
    return Settings()
