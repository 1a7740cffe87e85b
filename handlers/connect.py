"""Lambda entry point of the connect function (API Gateway HTTP API, routes under /connect)."""

from mangum import Mangum

from functions.payments.connect import app

handler = Mangum(app, lifespan="off", api_gateway_base_path="/connect")
