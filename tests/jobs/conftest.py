"""The jobs module's Python tests run on the demo marketplace, as the journeys do."""

from tests.journeys.conftest import journey, paypal_fake, stripe_fake

__all__ = ["journey", "paypal_fake", "stripe_fake"]
