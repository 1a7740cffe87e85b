"""Lambda entry point of the refunds function (API Gateway HTTP API, routes under /refunds)."""

from handlers import lambda_init

with lambda_init():
    from mangum import Mangum

    from functions.payments.refunds import app

    handler = Mangum(app, lifespan="off", api_gateway_base_path="/refunds")
