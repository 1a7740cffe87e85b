"""The FastAPI dependency aliases the apps share (`Annotated`): settings, the database (or its
factory, for the webhooks), the verified caller, the Stripe gateway and the notification
senders. Importing this module imports none of the clients: each factory builds its client on
first use.

Each factory is cached, so a warm Lambda builds its database client and settings once; tests
swap them through `app.dependency_overrides`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from .auth.dependencies import current_caller
from .db.factory import get_database
from .db.port import Caller, Database
from .notifications.senders import Senders, get_senders
from .payments.stripe_gateway import StripeGateway, get_stripe
from .settings import Settings, get_settings

SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
StripeDep = Annotated[StripeGateway, Depends(get_stripe)]
SendersDep = Annotated[Senders, Depends(get_senders)]
CallerDep = Annotated[Caller, Depends(current_caller)]


def lazy_database(request: Request) -> Callable[[], Database]:
    """The database factory itself, for the webhooks: a request with a bad signature is
    refused before any database client is built (overrides are honoured as Depends would)."""
    factory: Callable[[], Database] = request.app.dependency_overrides.get(get_database, get_database)
    return factory


LazyDatabaseDep = Annotated[Callable[[], Database], Depends(lazy_database)]
