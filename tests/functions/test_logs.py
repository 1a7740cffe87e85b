"""functions/logs.py: JSON lines with `extra=` fields, the correlation id and bound ids, the
same lines readable for `marketbase dev`, and no personal data or secret in either."""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI
from fastapi.testclient import TestClient

from functions import logs
from tests.support import logs as captured_logs

log = logging.getLogger("marketbase.test")


def test_a_line_is_one_json_object_with_its_extra_fields_correlation_id_and_bound_ids() -> None:
    with captured_logs.captured() as lines, logs.correlated("req-1"), logs.bind(delivery_id="d-1"):
        log.info("notification sent", extra={"outcome": "sent", "attempt": 2})

    (record,) = lines.records()
    assert record["level"] == "INFO"
    assert record["logger"] == "marketbase.test"
    assert record["message"] == "notification sent"
    assert (record["correlation_id"], record["delivery_id"], record["outcome"], record["attempt"]) == (
        "req-1",
        "d-1",
        "sent",
        2,
    )
    assert record["timestamp"].endswith("Z")


def test_bound_ids_and_the_correlation_id_end_with_their_block() -> None:
    with captured_logs.captured() as lines:
        with logs.correlated(None) as generated, logs.bind(stripe_event_id="evt_1"):
            log.info("inside")
        log.info("outside")

    inside, outside = lines.records()
    assert inside["correlation_id"] == generated and inside["stripe_event_id"] == "evt_1"
    assert "correlation_id" not in outside and "stripe_event_id" not in outside


def test_personal_data_and_secrets_never_reach_a_line() -> None:
    leaky = (
        "smtp refused ana.silva@example.com, sms to +351912345678 and +1 (555) 010-0199, keys sk_test_51Habc"
        " whsec_abc123 re_123456789abc, Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
    )
    with captured_logs.captured() as lines:
        log.warning("notification not sent", extra={"error": leaky})
        log.warning(leaky)
        try:
            raise ValueError(leaky)
        except ValueError:
            log.exception("adapter raised")

    assert all("[redacted]" in line for line in lines.lines)
    for line in lines.lines:
        for kind, pattern in captured_logs.PERSONAL_OR_SECRET.items():
            assert not pattern.search(line), (kind, line)
    assert "example.com" not in "".join(lines.lines)
    assert "912345678" not in "".join(lines.lines)


def test_marketbase_dev_shows_the_same_fields_readable() -> None:
    record = logging.LogRecord("marketbase.notify", logging.INFO, __file__, 1, "notify dispatch", None, None)
    record.sent = 3
    with logs.correlated("run-7"):
        text = logs.ReadableFormatter().format(record)

    assert "INFO" in text and "marketbase.notify: notify dispatch" in text
    assert 'correlation_id="run-7"' in text and "sent=3" in text
    assert not text.lstrip().startswith("{")


def test_a_request_runs_with_the_api_gateway_request_id_else_its_header_else_a_new_one() -> None:
    app = FastAPI()
    app.add_middleware(logs.CorrelationMiddleware)

    @app.get("/")
    def where() -> dict[str, str | None]:
        log.info("handled")
        return {"correlation_id": logs.correlation_id.get()}

    client = TestClient(app)
    assert client.get("/", headers={"x-request-id": "abc"}).json() == {"correlation_id": "abc"}
    generated = client.get("/").json()["correlation_id"]
    assert generated and len(generated) == 32

    from mangum import Mangum

    from tests.support.apigw import http_api_event, lambda_context, response_json

    event = http_api_event("GET", "/")
    with captured_logs.captured() as lines:
        result = Mangum(app, lifespan="off")(event, lambda_context("test"))
    assert response_json(result) == {"correlation_id": event["requestContext"]["requestId"]}
    assert [json.loads(line)["correlation_id"] for line in lines.lines if "handled" in line] == [
        event["requestContext"]["requestId"]
    ]


def test_configure_sets_the_root_logger_to_info_with_json_lines() -> None:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    formatters = [handler.formatter for handler in handlers]
    try:
        logs.configure()
        assert root.level == logging.INFO
        assert root.handlers and all(isinstance(h.formatter, logs.JsonFormatter) for h in root.handlers)
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        for handler, formatter in zip(handlers, formatters, strict=True):
            handler.setFormatter(formatter)
        root.setLevel(level)
