"""The FastAPI dependency aliases the apps share (`Annotated`): settings, the database, the
verified caller, the Stripe and PayPal gateways and the notification senders. Importing this module imports
none of the clients: each factory builds its client on first use.

Each factory is cached, so a warm Lambda builds its database client and settings once; tests
swap them through `app.dependency_overrides`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from .auth.dependencies import current_caller
from .db.factory import get_database
from .db.port import Caller, Database
from .notifications.senders import Senders, get_senders
from .payments.paypal_gateway import PayPalGateway, get_paypal, get_paypal_if_configured
from .payments.stripe_gateway import StripeGateway, get_stripe
from .settings import Settings, get_settings

SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
StripeDep = Annotated[StripeGateway, Depends(get_stripe)]
PayPalDep = Annotated[PayPalGateway, Depends(get_paypal)]
OptionalPayPalDep = Annotated[PayPalGateway | None, Depends(get_paypal_if_configured)]
SendersDep = Annotated[Senders, Depends(get_senders)]
CallerDep = Annotated[Caller, Depends(current_caller)]
