"""Lambda entry point of the checkout function (API Gateway HTTP API, routes under /checkout)."""

from handlers import lambda_init

with lambda_init():
    from mangum import Mangum

    from functions.payments.checkout import app

    handler = Mangum(app, lifespan="off", api_gateway_base_path="/checkout")
