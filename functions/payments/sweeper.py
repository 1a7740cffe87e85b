"""The payments sweeper, run every minute by a schedule: expires lapsed holds, ends their
Checkout Sessions at Stripe, and submits refunds still queued."""

from __future__ import annotations

import logging
from typing import Any

from ..db.factory import get_database
from ..db.port import Database
from .paypal_gateway import PayPalGateway, get_paypal_if_configured
from .stripe_gateway import StripeGateway, get_stripe
from .submission import expire_lapsed_checkouts, submit_refunds

log = logging.getLogger("marketbase.sweeper")


def run(
    db: Database | None = None, stripe: StripeGateway | None = None, paypal: PayPalGateway | None = None
) -> dict[str, Any]:
    db, stripe, paypal = db or get_database(), stripe or get_stripe(), paypal or get_paypal_if_configured()
    expired_holds = db.rpc("expire_holds", schema="service")
    sessions = expire_lapsed_checkouts(db, stripe)
    refunds = submit_refunds(db, stripe, paypal=paypal)
    summary = {"expired_holds": expired_holds, "expired_sessions": len(sessions), "refunds": len(refunds)}
    log.info("sweep", extra=summary)
    return summary
