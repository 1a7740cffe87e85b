"""Benchmark of issue 4: cold start of each Lambda handler module against a bare FastAPI + Mangum app.

A Lambda cold start imports the handler module (which builds the app and its Mangum adapter),
then serves the first event. Each run here is a fresh interpreter that times, with perf_counter:

1. import + construct: importing the module, from the first line of our code to `handler` ready;
2. first request: one API Gateway HTTP API (payload 2.0) event through Mangum to the function's
   first route, without credentials, so the app refuses it (401/400/422) without reaching the
   database or Stripe: routing, validation, the error path, Mangum's translation both ways;
3. deferred imports: importing, in the same process afterwards, the modules that the function's
   first *real* request imports on top (the database client, Stripe's SDK, token verification,
   the notification channels), so import + first request + deferred imports is what a first real
   request pays before any network. A refused request does not pull them in; a real one does.

Which modules step 3 imports is not a list kept by hand: before measuring, one run per module
walks the code paths of a real first request (the `PROBES` each handler names in `HANDLERS`: our
own functions, called up to the network, against closed ports on 127.0.0.1) and records every
module they import; the measured runs import exactly those. So the figure follows the code: a
client the code stops importing drops out of it, and one it starts importing comes in.

Every run sees only what Lambda has: the modules of installed distributions that the layer does
not ship (requirements-layer.lock: the dev tools, such as click and pygments, which httpx imports
when they are there) are hidden from it.

The yardstick, bench/handlers/bare_app.py (one route, `Mangum(app, lifespan="off")`), runs in the
same rounds, interleaved with the handlers, so machine noise falls on all alike. The targets: a
handler's import + construct median no more than 1.5 times the yardstick's, and its cold total
no more than 1.5 times the yardstick's import + first request. Interpreter start-up (the same for
all) is not counted.

    python bench/handlers/cold_start.py                 # 30 runs each, writes bench/handlers/RESULTS.md
    python bench/handlers/cold_start.py --runs 5 --no-write
    python bench/handlers/cold_start.py --no-bytecode   # as on Lambda: no .pyc cached, every import compiles
    python bench/handlers/cold_start.py --path /tmp/stand-ins --modules handlers.checkout
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS_MD = HERE / "RESULTS.md"
LAYER_LOCK = ROOT / "requirements-layer.lock"
BASELINE = "bare_app"
TARGET_RATIO = 1.5

# Handler module -> what its first real request does before the network (PROBES): verify the
# caller's token (user-facing routes), a webhook's signature, call the database, call Stripe's
# API, send through the notification channels.
HANDLERS: dict[str, tuple[str, ...]] = {
    "handlers.checkout": ("token", "database", "stripe"),
    "handlers.stripe_webhook": ("signature", "database"),
    "handlers.connect": ("token", "database", "stripe"),
    "handlers.refunds": ("token", "database", "stripe"),
    # PayPal's routes: the caller's token (orders, captures) and PayPal's REST API (an OAuth token,
    # then the call); its webhook verifies with PayPal too.
    "handlers.paypal": ("token", "database", "paypal"),
    "handlers.payments_sweeper": ("database", "stripe"),
    # The schedule and the nudge: the database, an email over SMTP, a push through FCM (whose
    # OAuth token is a JWT signed with the service account's RSA key).
    "handlers.notify_dispatch": ("database", "email", "push"),
}
HEAVY = ("stripe", "supabase", "postgrest", "psycopg", "jwt", "httpx", "requests", "cryptography")

# Our own code paths, run (untimed) once per module to find what a real first request imports.
# Each stops at the network: every server is a closed port on 127.0.0.1, so each call fails at
# once the way a network failure does, after everything before the network has run.
_SEND = """
from functions.notifications.channels import Message
from functions.notifications.senders import get_senders

def send(channel, destination):
    adapter = get_senders().get(channel)
    assert adapter is not None, get_senders().why_missing(channel)
    message = Message("bench", "bench", channel, destination, "Bench", "Bench", "A bench message.", None, None, {}, 5,
                      "info")
    result = adapter.send(message)
    assert result.outcome == "retry", result
"""
PROBES: dict[str, str] = {
    # A signed-in user's access token (HS256 with the project's JWT secret), verified as the apps do.
    "token": """
from functions.auth.verify import verify_token
from functions.settings import get_settings
verify_token(os.environ["BENCH_ACCESS_TOKEN"], get_settings())
""",
    # A Stripe event and its Stripe-Signature header, checked as the webhook endpoints check them.
    "signature": """
from functions.payments.stripe_gateway import construct_event
from functions.settings import get_settings
secret = get_settings().require("stripe_webhook_secret")
construct_event(os.environ["BENCH_EVENT"].encode(), os.environ["BENCH_EVENT_SIGNATURE"], secret)
""",
    # One RPC through the process's database adapter (the Supabase API at SUPABASE_URL).
    "database": """
from functions.db.factory import get_database
from functions.db.port import DatabaseUnavailable
try:
    get_database().rpc("bench_probe")
except DatabaseUnavailable:
    pass
""",
    # One Stripe API call through the gateway, as get_stripe() builds it (without retries).
    "stripe": """
from functions.payments.stripe_gateway import StripeGateway, StripeUnavailable
from functions.settings import get_settings
settings = get_settings()
gateway = StripeGateway(settings.require("stripe_secret_key"), api_base=settings.stripe_api_base, max_network_retries=0)
try:
    gateway.retrieve_checkout_session("cs_bench")
except StripeUnavailable:
    pass
""",
    # One PayPal API call through the gateway, as get_paypal() builds it.
    "paypal": """
from functions.payments.paypal_gateway import PayPalUnavailable, get_paypal
try:
    get_paypal().get_order("BENCH")
except PayPalUnavailable:
    pass
""",
    "email": _SEND + 'send("email", "someone@marketbase.invalid")',
    "push": _SEND + 'send("push", "bench-device-token")',
}

# What the functions read from their environment on Lambda; stand-ins, nothing is reached
# (FCM_SERVICE_ACCOUNT_JSON and the BENCH_* values the probes use are made by `fixtures`).
CLOSED = "http://127.0.0.1:9"
ENVIRONMENT = {
    "AWS_LAMBDA_FUNCTION_NAME": "marketbase-bench",  # as Lambda sets it: handlers.lambda_init() reads it
    "SUPABASE_URL": CLOSED,
    "SUPABASE_SERVICE_ROLE_KEY": "bench-service-role-key",
    "SUPABASE_ANON_KEY": "bench-anon-key",
    "SUPABASE_JWT_SECRET": "bench-jwt-secret-bench-jwt-secret-bench",
    "STRIPE_SECRET_KEY": "sk_test_bench",
    "STRIPE_WEBHOOK_SECRET": "whsec_bench",
    "STRIPE_CONNECT_WEBHOOK_SECRET": "whsec_bench_connect",
    "STRIPE_API_BASE": CLOSED,
    "PAYPAL_CLIENT_ID": "bench-paypal-client-id",
    "PAYPAL_CLIENT_SECRET": "bench-paypal-client-secret",
    "PAYPAL_WEBHOOK_ID": "bench-paypal-webhook-id",
    "PAYPAL_BASE_URL": CLOSED,
    "SITE_URL": "http://127.0.0.1:3000",
    "NOTIFY_DISPATCH_SECRET": "bench-notify-dispatch-secret",
    "EMAIL_FROM": "Marketbase bench <bench@marketbase.invalid>",
    "SMTP_HOST": "127.0.0.1",
    "SMTP_PORT": "9",
    "FCM_API_BASE": CLOSED,
    "FCM_TOKEN_URL": f"{CLOSED}/token",
}

# Runs in each fresh interpreter. argv[1]: JSON with the module, the heavy names, the modules to
# hide, and either the probes to run (discovery) or the modules to import afterwards (measured).
CHILD = r"""
import json, sys

spec = json.loads(sys.argv[1])
for name in spec["hidden"]:
    sys.modules.setdefault(name, None)  # as on Lambda, where the layer does not ship it: ImportError

import time

started, started_cpu = time.perf_counter(), time.process_time()
import importlib, re

module_name, heavy = spec["module"], set(spec["heavy"])
handler = importlib.import_module(module_name).handler
constructed, constructed_cpu = time.perf_counter(), time.process_time()


def loaded():
    return {name for name, module in list(sys.modules.items()) if module is not None}


at_import = sorted({name.split(".")[0] for name in loaded()} & heavy)

class Context:
    function_name = module_name
    aws_request_id = "bench"
    def get_remaining_time_in_millis(self):
        return 30_000

request_ms, request_cpu_ms, status = None, None, None
app, config = getattr(handler, "app", None), getattr(handler, "config", None)
if app is not None and config is not None:
    route = next(r for r in app.routes if getattr(r, "include_in_schema", False) and getattr(r, "methods", None))
    method = sorted(route.methods)[0]
    base = config["api_gateway_base_path"].rstrip("/")
    path = base + re.sub(r"\{[^}]*\}", "x", route.path)
    event = {
        "version": "2.0",
        "routeKey": f"{method} {base}{route.path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": "bench.execute-api.eu-west-1.amazonaws.com",
                    "user-agent": "bench", "x-forwarded-for": "127.0.0.1", "x-forwarded-port": "443",
                    "x-forwarded-proto": "https"},
        "requestContext": {
            "accountId": "000000000000", "apiId": "bench", "domainName": "bench.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "bench", "requestId": "bench", "routeKey": f"{method} {base}{route.path}",
            "stage": "$default", "time": "22/Nov/2026:00:00:00 +0000", "timeEpoch": 1795305600000,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": "bench"},
        },
        "body": "{}",
        "isBase64Encoded": False,
    }
    before, before_cpu = time.perf_counter(), time.process_time()
    status = handler(event, Context())["statusCode"]
    request_ms = (time.perf_counter() - before) * 1000
    request_cpu_ms = (time.process_time() - before_cpu) * 1000
by_request = sorted({name.split(".")[0] for name in loaded()} & heavy - set(at_import))

report = {
    "import_ms": (constructed - started) * 1000,
    "import_cpu_ms": (constructed_cpu - started_cpu) * 1000,
    "request_ms": request_ms,
    "request_cpu_ms": request_cpu_ms,
    "status": status,
    "heavy_at_import": at_import,
    "heavy_by_request": by_request,
}
if spec["probes"] is not None:
    import os

    before_probes = loaded()
    for name, code in spec["probes"].items():
        try:
            exec(code, {"os": os, "__name__": "probe"})
        except BaseException as error:
            raise SystemExit(f"probe {name!r} failed: {type(error).__name__}: {error}")
    # Modules importable by their own name (not aliases, not extension modules made on the fly).
    found = [name for name, module in list(sys.modules.items()) if getattr(module, "__spec__", None) is not None
             and module.__spec__.name == name]
    report["modules"] = [name for name in found if name not in before_probes]
else:
    left = [name for name in spec["deferred"] if name not in sys.modules]
    failed = []
    before, before_cpu = time.perf_counter(), time.process_time()
    for name in left:
        if name not in sys.modules:
            try:
                importlib.import_module(name)
            except Exception:
                failed.append(name)
    report["deferred_ms"] = (time.perf_counter() - before) * 1000
    report["deferred_cpu_ms"] = (time.process_time() - before_cpu) * 1000
    report["deferred_failed"] = failed
print(json.dumps(report))
"""


@dataclass
class Target:
    """One module measured: the yardstick or a handler."""

    module: str
    probes: tuple[str, ...]
    deferred: list[str] = field(default_factory=list)  # found by the discovery run
    import_ms: list[float] = field(default_factory=list)
    request_ms: list[float] = field(default_factory=list)
    deferred_ms: list[float] = field(default_factory=list)
    cold_cpu_ms: list[float] = field(default_factory=list)  # import + first request + deferred, CPU time
    statuses: set[int] = field(default_factory=set)
    heavy_at_import: set[str] = field(default_factory=set)
    heavy_by_request: set[str] = field(default_factory=set)
    deferred_failed: set[str] = field(default_factory=set)
    error: str | None = None

    @property
    def deferred_heavy(self) -> list[str]:
        """The heavy clients among the deferred modules, in the order they were first imported."""
        found = dict.fromkeys(name.split(".")[0] for name in self.deferred)
        return [name for name in found if name in HEAVY]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def not_shipped(layer_lock: Path) -> list[str]:
    """Top-level modules of the installed distributions that the layer's lock file leaves out of
    the Lambda layer (the dev tools), to be hidden from every run; none without the lock."""
    if not layer_lock.exists():
        return []
    shipped = {canonical(m) for m in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", layer_lock.read_text(), re.M)}
    shipped.add("marketbase")
    return sorted(
        top
        for top, distributions in metadata.packages_distributions().items()
        if not any(canonical(d) in shipped for d in distributions)
    )


def fixtures() -> dict[str, str]:
    """Stand-in credentials the probes need, made for this run by the benchmark's own process."""
    import jwt
    import stripe
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    now = int(time.time())
    user = {"sub": "00000000-0000-4000-8000-000000000001", "role": "authenticated", "aud": "authenticated"}
    token = jwt.encode({**user, "iat": now, "exp": now + 86_400}, ENVIRONMENT["SUPABASE_JWT_SECRET"], "HS256")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    account = {
        "type": "service_account",
        "project_id": "marketbase-bench",
        "private_key_id": "bench",
        "private_key": pem,
        "client_email": "bench@marketbase-bench.iam.gserviceaccount.com",
        "token_uri": ENVIRONMENT["FCM_TOKEN_URL"],
    }
    event = json.dumps({"id": "evt_bench", "object": "event", "type": "charge.refunded", "data": {"object": {}}})
    signature = stripe.WebhookSignature.generate_signature_header(event, ENVIRONMENT["STRIPE_WEBHOOK_SECRET"])
    return {
        "FCM_SERVICE_ACCOUNT_JSON": json.dumps(account),
        "BENCH_ACCESS_TOKEN": token,
        "BENCH_EVENT": event,
        "BENCH_EVENT_SIGNATURE": signature,
    }


@dataclass
class Runner:
    python_path: list[Path]
    no_bytecode: Path | None
    hidden: list[str]
    stand_ins: dict[str, str]
    outside_lambda: bool = False

    def run(self, target: Target, *, discover: bool) -> dict[str, Any] | None:
        environment = {
            **os.environ,
            **ENVIRONMENT,
            **self.stand_ins,
            "PYTHONPATH": os.pathsep.join(str(p) for p in self.python_path),
        }
        if self.outside_lambda:
            del environment["AWS_LAMBDA_FUNCTION_NAME"]
        if self.no_bytecode is not None:
            # An empty cache prefix and nothing written: every module compiles, as on Lambda, whose
            # zip and layer carry no .pyc here and whose code directory is read-only.
            environment.update(PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=str(self.no_bytecode))
        else:
            # Byte code written by the first run and read by the others, whatever the shell says.
            environment.pop("PYTHONDONTWRITEBYTECODE", None)
            environment.pop("PYTHONPYCACHEPREFIX", None)
        spec = {
            "module": target.module,
            "heavy": HEAVY,
            "hidden": self.hidden,
            "probes": {name: PROBES[name] for name in target.probes} if discover else None,
            "deferred": target.deferred,
        }
        result = subprocess.run(
            [sys.executable, "-P", "-c", CHILD, json.dumps(spec)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            lines = result.stderr.strip().splitlines()
            target.error = lines[-1] if lines else f"exit status {result.returncode}"
            return None
        report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        return report


def record(target: Target, report: dict[str, Any]) -> None:
    target.import_ms.append(report["import_ms"])
    if report["request_ms"] is not None:
        target.request_ms.append(report["request_ms"])
        target.statuses.add(report["status"])
    target.deferred_ms.append(report["deferred_ms"])
    target.cold_cpu_ms.append(report["import_cpu_ms"] + (report["request_cpu_ms"] or 0.0) + report["deferred_cpu_ms"])
    target.heavy_at_import.update(report["heavy_at_import"])
    target.heavy_by_request.update(report["heavy_by_request"])
    target.deferred_failed.update(report["deferred_failed"])


def measure(targets: list[Target], runs: int, runner: Runner) -> None:
    # One unmeasured run each that walks the probes: it finds the modules the measured runs import
    # afterwards, and (with byte code) writes every .pyc they will read.
    for target in targets:
        report = runner.run(target, discover=True)
        if report is not None:
            target.deferred = report["modules"]
    for round_ in range(runs):
        for target in targets:
            if target.error is None and (report := runner.run(target, discover=False)) is not None:
                record(target, report)
        print(f"\rround {round_ + 1}/{runs}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


COLUMNS = [
    "module",
    "import + construct, median / p90",
    "ratio",
    "heavy at import",
    "first request, median / p90",
    "status",
    "loaded by the request",
    "deferred imports, median",
    "cold total (× yardstick)",
    "cold total, CPU time (× yardstick)",
    f"targets ≤ {TARGET_RATIO}×",
]
ALIGN = ["---", "---:", "---:", "---", "---:", "---", "---", "---:", "---:", "---:", "---"]


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def ms(value: float) -> str:
    return f"{value:.1f} ms"


def versions() -> str:
    names = ("fastapi", "starlette", "pydantic", "mangum", "postgrest", "httpx", "stripe", "pyjwt", "cryptography")
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def git_state() -> str:
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "functions", "handlers", "bench/handlers")
    changes = " with uncommitted changes in functions/, handlers/ or bench/handlers/" if dirty else ""
    return f"commit {commit}{changes}"


def report(
    targets: list[Target],
    runs: int,
    no_bytecode: bool,
    extra_path: list[Path],
    hidden: list[str],
    layer_lock: str,
    outside_lambda: bool,
) -> tuple[str, bool]:
    baseline = targets[0]
    base_import = statistics.median(baseline.import_ms)
    base_request = statistics.median(baseline.request_ms)
    base_total = base_import + base_request
    base_cpu = statistics.median(baseline.cold_cpu_ms)
    met_all = True
    rows = []
    for target in targets:
        name = "bare FastAPI + Mangum (yardstick)" if target is baseline else f"`{target.module}`"
        if target.error is not None:
            met_all = False
            rows.append(f"| {name} | failed: {target.error} |" + " |" * (len(COLUMNS) - 2))
            continue
        import_median = statistics.median(target.import_ms)
        ratio = import_median / base_import
        if target.request_ms:
            request_median = statistics.median(target.request_ms)
            request = f"{ms(request_median)} / {ms(percentile(target.request_ms, 0.9))}"
            statuses = ", ".join(str(s) for s in sorted(target.statuses))
        else:
            request_median, request, statuses = 0.0, "n/a (schedule)", ""
        deferred_median = statistics.median(target.deferred_ms)
        if target.deferred:
            what = ", ".join(target.deferred_heavy) or "no heavy client"
            deferred = f"{ms(deferred_median)} ({what}; {len(target.deferred)} modules)"
        else:
            deferred = "–"
        cold = import_median + request_median + deferred_median
        cold_ratio = cold / base_total
        cold_cpu = statistics.median(target.cold_cpu_ms)
        cold_cpu_ratio = cold_cpu / base_cpu
        missed = []
        if ratio > TARGET_RATIO or target.heavy_at_import:
            missed.append("import")
        if cold_ratio > TARGET_RATIO:
            missed.append("cold total")
        if target.deferred_failed:
            missed.append(f"could not import {', '.join(sorted(target.deferred_failed))}")
        if target is not baseline:
            met_all &= not missed
        verdict = "–" if target is baseline else ("met" if not missed else f"**missed**: {'; '.join(missed)}")
        cells = [
            name,
            f"{ms(import_median)} / {ms(percentile(target.import_ms, 0.9))}",
            f"{ratio:.2f}×",
            ", ".join(sorted(target.heavy_at_import)) or "none",
            request,
            statuses,
            ", ".join(sorted(target.heavy_by_request)) or "none",
            deferred,
            f"{ms(cold)} ({cold_ratio:.2f}×)",
            f"{ms(cold_cpu)} ({cold_cpu_ratio:.2f}×)",
            verdict,
        ]
        rows.append("| " + " | ".join(cells) + " |")
    mode = (
        "without cached byte code (`--no-bytecode`: every module compiled on import, as on Lambda when the zip "
        "and layer carry no .pyc)"
        if no_bytecode
        else "with byte code cached (a warm-up run first writes every .pyc)"
    )
    extra = f" Modules first looked up in: {', '.join(str(p) for p in extra_path)}." if extra_path else ""
    if hidden:
        shown = [name for name in hidden if not name.startswith("_")]
        hiding = (
            f"Hidden from every run, as the layer (`{layer_lock}`) does not ship them: the modules of "
            f"{len(hidden)} top-level names of installed dev tools ({', '.join(shown[:12])}"
            f"{', …' if len(shown) > 12 else ''})."
        )
    else:
        hiding = f"No `{layer_lock}`: every installed module was visible to the runs."
    if outside_lambda:
        hiding += (
            " Run with `--outside-lambda`: no AWS_LAMBDA_FUNCTION_NAME, so the handlers left the garbage collector"
            " alone (`handlers.lambda_init`)."
        )
    probes = "; ".join(f"`{t.module.removeprefix('handlers.')}`: {', '.join(t.probes)}" for t in targets[1:])
    text = f"""# Benchmark: cold start of the Lambda handlers (issue 4)

Written by `python bench/handlers/cold_start.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {git_state()}.
How to run it: [bench/README.md](../README.md).

Machine: {machine()};
{versions()}. {runs} runs of each module, each in a fresh interpreter, {mode}; the modules take turns in
every round.{extra} {hiding}

| {" | ".join(COLUMNS)} |
|{"|".join(ALIGN)}|
{chr(10).join(rows)}

- **import + construct**: `import <module>` in a fresh interpreter until `handler` is ready (the app and its
  Mangum adapter built). Interpreter start-up is not counted; it is the same for all. The ratio is to the
  yardstick's median; the target also requires that no heavy client ({", ".join(HEAVY)}) is imported here.
- **first request**: one API Gateway HTTP API event (payload 2.0) through Mangum to the app's first route,
  with an empty JSON body and no credentials, so the app refuses it (the status column) before any database
  or Stripe call. The sweeper is invoked by a schedule and calls the database at once: not measured.
- **loaded by the request**: heavy clients the refused request itself imported.
- **deferred imports**: the modules the module's first real request imports on top, imported in the same
  process after the first request; the heavy clients among them are named. They are found, not listed by
  hand: one run per module first walks the code of a real first request up to the network (servers at
  closed local ports) and records what it imports: {probes}. The token is HS256 (the project's JWT
  secret); the push is FCM's, whose OAuth assertion is signed with RS256. Lazy imports move this cost from
  every cold start to the first request that needs it; they do not remove it.
- **cold total**: import + first request + deferred imports, before any network time: a lower bound of what
  the first real request after a cold start costs, against the yardstick's import + first request. The
  targets: import + construct and cold total each at most {TARGET_RATIO}× the yardstick's.
- Lambda runs Python 3.12 on arm64 (Graviton) with the memory set in serverless.yml; absolute numbers there
  differ from this machine's, the ratios much less. Lambda cannot write byte code: the layer carries .pyc
  only when `scripts/build-layer` found a Python 3.12, and the function zip (our code) carries none. Without
  them every import compiles; `--no-bytecode` measures that case.
"""
    return text, met_all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30, help="fresh interpreters per module (default 30)")
    parser.add_argument("--modules", nargs="*", default=list(HANDLERS), help="handler modules to measure")
    parser.add_argument("--path", type=Path, action="append", default=[], help="extra directory on PYTHONPATH")
    parser.add_argument("--no-bytecode", action="store_true", help="no cached .pyc: every import compiles")
    parser.add_argument(
        "--layer-lock",
        type=Path,
        default=LAYER_LOCK,
        help="the lock file of the layer whose packages the runs see (default requirements-layer.lock)",
    )
    parser.add_argument("--no-write", action="store_true", help=f"print the results instead of writing {RESULTS_MD}")
    parser.add_argument(
        "--outside-lambda",
        action="store_true",
        help="no AWS_LAMBDA_FUNCTION_NAME: the handlers leave the garbage collector alone, as in tests",
    )
    args = parser.parse_args()

    # Extra paths first, so stand-in modules there win over the repository's.
    extra_path = [p.resolve() for p in args.path]
    python_path = [*extra_path, ROOT, HERE]
    targets = [Target(BASELINE, ())]
    targets += [Target(module, HANDLERS.get(module, ("token", "database", "stripe"))) for module in args.modules]
    hidden = not_shipped(args.layer_lock)
    with tempfile.TemporaryDirectory(prefix="marketbase-bench-pyc-") as empty:
        bytecode = Path(empty) if args.no_bytecode else None
        runner = Runner(python_path, bytecode, hidden, fixtures(), outside_lambda=args.outside_lambda)
        measure(targets, args.runs, runner)
    lock = args.layer_lock.resolve()
    layer_lock = str(lock.relative_to(ROOT) if lock.is_relative_to(ROOT) else lock)
    text, met_all = report(targets, args.runs, args.no_bytecode, extra_path, hidden, layer_lock, args.outside_lambda)
    if args.no_write:
        print(text)
    else:
        RESULTS_MD.write_text(text)
        print(f"wrote {RESULTS_MD.relative_to(ROOT)}", file=sys.stderr)
    return 0 if met_all else 1


if __name__ == "__main__":
    sys.exit(main())
