"""handlers.lambda_init: on Lambda a handler is built without the cyclic garbage collector running,
then frozen out of its view; anywhere else (tests, `marketbase dev`) the collector is left alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ["handlers.checkout", "handlers.stripe_webhook", "handlers.connect", "handlers.refunds",
            "handlers.payments_sweeper", "handlers.notify_dispatch"]  # fmt: skip


def build(module: str, *, on_lambda: bool) -> dict[str, object]:
    """Imports one handler in a fresh interpreter; what the collector did meanwhile."""
    # Collections are counted while the handler is built: inside lambda_init(), not while Python
    # compiles the handler module's source before running its first line.
    code = f"""
import contextlib, gc, json
import handlers

def collections():
    return sum(generation["collections"] for generation in gc.get_stats())

counted = {{}}
lambda_init = handlers.lambda_init

@contextlib.contextmanager
def counting():
    with lambda_init():
        before = collections()
        yield
        counted["collections"] = collections() - before

handlers.lambda_init = counting
import {module}
print(json.dumps({{**counted, "enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}}))
"""
    environment = {"PATH": "/usr/bin:/bin", "SUPABASE_URL": "http://127.0.0.1:9"}
    if on_lambda:
        environment["AWS_LAMBDA_FUNCTION_NAME"] = "marketbase-test"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=environment)
    assert result.returncode == 0, result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


@pytest.mark.parametrize("module", HANDLERS)
def test_on_lambda_a_handler_is_built_without_a_collection_then_frozen(module: str) -> None:
    report = build(module, on_lambda=True)
    assert report["collections"] == 0
    assert report["enabled"] is True
    assert isinstance(report["frozen"], int) and report["frozen"] > 10_000


def test_elsewhere_the_collector_is_left_alone() -> None:
    report = build("handlers.checkout", on_lambda=False)
    assert report["collections"] != 0
    assert report["enabled"] is True
    assert report["frozen"] == 0
