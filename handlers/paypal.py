"""Lambda entry point of the PayPal function (API Gateway HTTP API, routes under /paypal)."""

from handlers import lambda_init

with lambda_init():
    from mangum import Mangum

    from functions.payments.paypal import app

    handler = Mangum(app, lifespan="off", api_gateway_base_path="/paypal")
