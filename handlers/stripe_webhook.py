"""Lambda entry point of the stripe-webhook function (POST /stripe/webhook)."""

from handlers import lambda_init

with lambda_init():
    from mangum import Mangum

    from functions.payments.stripe_webhook import app

    handler = Mangum(app, lifespan="off", api_gateway_base_path="/stripe")
