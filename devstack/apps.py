"""The Lambda apps, by route prefix. `marketbase dev` serves each under /<prefix>, and
serverless.yml deploys each as its own function whose handler strips the same prefix
(`Mangum(app, api_gateway_base_path="/<prefix>")`)."""

from __future__ import annotations

# prefix -> "module:attribute" of a FastAPI app; imported only when served.
APPS: dict[str, str] = {
    "checkout": "functions.payments.checkout:app",
    "stripe": "functions.payments.stripe_webhook:app",
    "connect": "functions.payments.connect:app",
    "refunds": "functions.payments.refunds:app",
    "paypal": "functions.payments.paypal:app",
    "notify": "functions.notifications.app:app",
}
