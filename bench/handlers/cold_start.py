"""Benchmark of issue 4: cold start of each Lambda handler module against a bare FastAPI + Mangum app.

A Lambda cold start imports the handler module (which builds the app and its Mangum adapter),
then serves the first event. Each run here is a fresh interpreter that times, with perf_counter:

1. import + construct: importing the module, from the first line of our code to `handler` ready;
2. first request: one API Gateway HTTP API (payload 2.0) event through Mangum to the function's
   first route, without credentials, so the app refuses it (401/400/422) without reaching the
   database or Stripe: routing, validation, the error path, Mangum's translation both ways;
3. deferred imports: importing, in the same process afterwards, the heavy clients the module
   leaves to the first request that needs them (stripe, supabase/postgrest, jwt), so
   import + first request + deferred imports is what a first *real* request pays before any
   network. A refused request does not pull them in; a real one does.

The yardstick, bench/handlers/bare_app.py (one route, `Mangum(app, lifespan="off")`), runs in the
same rounds, interleaved with the handlers, so machine noise falls on all alike. The target: a
handler's import + construct median no more than 1.5 times the yardstick's. Interpreter start-up
(the same for all) is not counted.

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
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS_MD = HERE / "RESULTS.md"
BASELINE = "bare_app"
TARGET_RATIO = 1.5

# Handler module -> the heavy clients its first real request imports (issue 4's architecture:
# JWT verification for user-facing routes, the Supabase client for the database, Stripe).
HANDLERS: dict[str, tuple[str, ...]] = {
    "handlers.checkout": ("jwt", "supabase", "stripe"),
    "handlers.stripe_webhook": ("stripe", "supabase"),
    "handlers.connect": ("jwt", "supabase", "stripe"),
    "handlers.refunds": ("jwt", "supabase", "stripe"),
    "handlers.payments_sweeper": ("supabase", "stripe"),
    # The schedule and the nudge: the database, and FCM's OAuth token signed with jwt.
    "handlers.notify_dispatch": ("supabase", "jwt"),
}
HEAVY = ("stripe", "supabase", "postgrest", "psycopg", "jwt")

# What the functions read from their environment on Lambda; stand-ins, nothing is reached.
ENVIRONMENT = {
    "SUPABASE_URL": "http://127.0.0.1:9",
    "SUPABASE_SERVICE_ROLE_KEY": "bench-service-role-key",
    "SUPABASE_ANON_KEY": "bench-anon-key",
    "SUPABASE_JWT_SECRET": "bench-jwt-secret-bench-jwt-secret-bench",
    "STRIPE_SECRET_KEY": "sk_test_bench",
    "STRIPE_WEBHOOK_SECRET": "whsec_bench",
    "STRIPE_CONNECT_WEBHOOK_SECRET": "whsec_bench_connect",
    "SITE_URL": "http://127.0.0.1:3000",
    "NOTIFY_DISPATCH_SECRET": "bench-notify-dispatch-secret",
}

# Runs in each fresh interpreter. argv: module, deferred modules (comma-separated), heavy modules.
CHILD = r"""
import time

started = time.perf_counter()
import importlib, json, re, sys

module_name, deferred, heavy = sys.argv[1], [m for m in sys.argv[2].split(",") if m], sys.argv[3].split(",")
handler = importlib.import_module(module_name).handler
constructed = time.perf_counter()
at_import = sorted({name.split(".")[0] for name in sys.modules} & set(heavy))

class Context:
    function_name = module_name
    aws_request_id = "bench"
    def get_remaining_time_in_millis(self):
        return 30_000

request_ms, status = None, None
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
    before = time.perf_counter()
    status = handler(event, Context())["statusCode"]
    request_ms = (time.perf_counter() - before) * 1000
by_request = sorted({name.split(".")[0] for name in sys.modules} & set(heavy) - set(at_import))

left = [name for name in deferred if name not in sys.modules]
before = time.perf_counter()
for name in left:
    importlib.import_module(name)
deferred_ms = (time.perf_counter() - before) * 1000

print(json.dumps({
    "import_ms": (constructed - started) * 1000,
    "request_ms": request_ms,
    "status": status,
    "deferred_ms": deferred_ms,
    "heavy_at_import": at_import,
    "heavy_by_request": by_request,
    "deferred_left": left,
}))
"""


@dataclass
class Target:
    """One module measured: the yardstick or a handler."""

    module: str
    deferred: tuple[str, ...]
    import_ms: list[float] = field(default_factory=list)
    request_ms: list[float] = field(default_factory=list)
    deferred_ms: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)
    heavy_at_import: set[str] = field(default_factory=set)
    heavy_by_request: set[str] = field(default_factory=set)
    deferred_left: set[str] = field(default_factory=set)
    error: str | None = None


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def run_once(target: Target, python_path: list[Path], no_bytecode: Path | None) -> None:
    environment = {**os.environ, **ENVIRONMENT, "PYTHONPATH": os.pathsep.join(str(p) for p in python_path)}
    if no_bytecode is not None:
        # An empty cache prefix and nothing written: every module compiles, as on Lambda, whose
        # zip and layer carry no .pyc here and whose code directory is read-only.
        environment.update(PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=str(no_bytecode))
    result = subprocess.run(
        [sys.executable, "-P", "-c", CHILD, target.module, ",".join(target.deferred), ",".join(HEAVY)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        target.error = lines[-1] if lines else f"exit status {result.returncode}"
        return
    report = json.loads(result.stdout.strip().splitlines()[-1])
    target.import_ms.append(report["import_ms"])
    if report["request_ms"] is not None:
        target.request_ms.append(report["request_ms"])
        target.statuses.add(report["status"])
    target.deferred_ms.append(report["deferred_ms"])
    target.heavy_at_import.update(report["heavy_at_import"])
    target.heavy_by_request.update(report["heavy_by_request"])
    target.deferred_left.update(report["deferred_left"])


def measure(targets: list[Target], runs: int, python_path: list[Path], no_bytecode: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="marketbase-bench-pyc-") as empty:
        prefix = Path(empty) if no_bytecode else None
        if not no_bytecode:
            for target in targets:  # one unmeasured run each, so every .pyc exists before timing
                run_once(target, python_path, None)
                target.import_ms.clear()
                target.request_ms.clear()
                target.deferred_ms.clear()
        for round_ in range(runs):
            for target in targets:
                if target.error is None:
                    run_once(target, python_path, prefix)
            print(f"\rround {round_ + 1}/{runs}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


COLUMNS = [
    "module",
    "import + construct, median / p90",
    "ratio",
    f"target ≤ {TARGET_RATIO}×",
    "heavy at import",
    "first request, median / p90",
    "status",
    "loaded by the request",
    "deferred imports, median",
    "cold total (× yardstick)",
]
ALIGN = ["---", "---:", "---:", "---", "---", "---:", "---", "---", "---:", "---:"]


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def ms(value: float) -> str:
    return f"{value:.1f} ms"


def versions() -> str:
    names = ("fastapi", "starlette", "pydantic", "mangum", "stripe", "supabase", "pyjwt")
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


def report(targets: list[Target], runs: int, no_bytecode: bool, extra_path: list[Path]) -> tuple[str, bool]:
    baseline = targets[0]
    base_import = statistics.median(baseline.import_ms)
    base_request = statistics.median(baseline.request_ms)
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
        met = ratio <= TARGET_RATIO and not target.heavy_at_import
        met_all &= met or target is baseline
        if target.request_ms:
            request_median = statistics.median(target.request_ms)
            request = f"{ms(request_median)} / {ms(percentile(target.request_ms, 0.9))}"
            statuses = ", ".join(str(s) for s in sorted(target.statuses))
        else:
            request_median, request, statuses = 0.0, "n/a (schedule)", ""
        deferred_median = statistics.median(target.deferred_ms)
        left = [name for name in target.deferred if name in target.deferred_left]
        deferred = f"{ms(deferred_median)} ({', '.join(left)})" if left else "–"
        cold = import_median + request_median + deferred_median
        verdict = "–" if target is baseline else ("met" if met else "**missed**")
        cells = [
            name,
            f"{ms(import_median)} / {ms(percentile(target.import_ms, 0.9))}",
            f"{ratio:.2f}×",
            verdict,
            ", ".join(sorted(target.heavy_at_import)) or "none",
            request,
            statuses,
            ", ".join(sorted(target.heavy_by_request)) or "none",
            deferred,
            f"{ms(cold)} ({cold / (base_import + base_request):.1f}×)",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    mode = (
        "without cached byte code (`--no-bytecode`: every module compiled on import, as on Lambda when the zip "
        "and layer carry no .pyc)"
        if no_bytecode
        else "with byte code cached (a warm-up run first writes every .pyc)"
    )
    extra = f" Modules first looked up in: {', '.join(str(p) for p in extra_path)}." if extra_path else ""
    text = f"""# Benchmark: cold start of the Lambda handlers (issue 4)

Written by `python bench/handlers/cold_start.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {git_state()}.
How to run it: [bench/README.md](../README.md).

Machine: {machine()};
{versions()}. {runs} runs of each module, each in a fresh interpreter, {mode}; the modules take turns in
every round.{extra}

| {" | ".join(COLUMNS)} |
|{"|".join(ALIGN)}|
{chr(10).join(rows)}

- **import + construct**: `import <module>` in a fresh interpreter until `handler` is ready (the app and its
  Mangum adapter built). Interpreter start-up is not counted; it is the same for all. The ratio is to the
  yardstick's median; the target also requires that no heavy client ({", ".join(HEAVY)}) is imported here.
- **first request**: one API Gateway HTTP API event (payload 2.0) through Mangum to the app's first route,
  with an empty JSON body and no credentials, so the app refuses it (the status column) before any database
  or Stripe call. The sweeper is invoked by a schedule and calls the database at once: not measured.
- **loaded by the request**: heavy clients the refused request itself imported (a webhook checks the
  signature with stripe's own code before it refuses).
- **deferred imports**: the rest of the heavy clients the module's first real request imports, imported in
  the same process after the first request (the listed ones, with what they pull in, such as postgrest,
  httpx, cryptography). Lazy imports move this cost from every cold start to the first request that needs
  it; they do not remove it.
- **cold total**: import + first request + deferred imports, before any network time: a lower bound of what
  the first real request after a cold start costs, against the yardstick's import + first request.
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
    parser.add_argument("--no-write", action="store_true", help=f"print the results instead of writing {RESULTS_MD}")
    args = parser.parse_args()

    # Extra paths first, so stand-in modules there win over the repository's.
    extra_path = [p.resolve() for p in args.path]
    python_path = [*extra_path, ROOT, HERE]
    targets = [Target(BASELINE, ())]
    targets += [Target(module, HANDLERS.get(module, ("jwt", "supabase", "stripe"))) for module in args.modules]
    measure(targets, args.runs, python_path, args.no_bytecode)
    text, met_all = report(targets, args.runs, args.no_bytecode, extra_path)
    if args.no_write:
        print(text)
    else:
        RESULTS_MD.write_text(text)
        print(f"wrote {RESULTS_MD.relative_to(ROOT)}", file=sys.stderr)
    return 0 if met_all else 1


if __name__ == "__main__":
    sys.exit(main())
