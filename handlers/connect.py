"""Lambda entry point of the connect function (API Gateway HTTP API, routes under /connect)."""

from handlers import lambda_init

with lambda_init():
    from mangum import Mangum

    from functions.payments.connect import app

    handler = Mangum(app, lifespan="off", api_gateway_base_path="/connect")
