"""Lambda entry points: one module per function, `handler = Mangum(app, lifespan="off")`, built
inside `lambda_init()`. A scheduled run's log lines carry its Lambda request id."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def request_id(context: Any) -> str | None:
    """The Lambda request id of an invocation (the correlation id of a scheduled run)."""
    return getattr(context, "aws_request_id", None)


@contextmanager
def lambda_init() -> Iterator[None]:
    """Builds a handler (its imports, the app, Mangum) as a Lambda cold start wants it built.

    What is built here lives as long as the process, so on Lambda (AWS_LAMBDA_FUNCTION_NAME set)
    the cyclic garbage collector is kept out of it: no collection runs while it is being built
    (each would walk every object built so far, and find no garbage), and once it is built it is
    frozen out of the collector's view (`gc.freeze`), so that no later collection walks it again,
    the first request's included. bench/handlers/RESULTS.md measures what that saves. Elsewhere
    (tests, `marketbase dev`) the collector is left alone. On Lambda it also sets up the logs.
    """
    if not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        yield
        return
    from functions import logs

    logs.configure()  # JSON lines at INFO with their correlation id (functions/logs.py)
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
