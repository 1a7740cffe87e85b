"""Checks what `osls package` left in .serverless/, the way a deploy would use it, without AWS.

A deploy goes wrong silently in ways a unit test does not see: a module missing from the zip, a
route declared in serverless.yml that the app does not serve (API Gateway forwards it, the app
answers 404), a route the app serves that API Gateway never forwards, a heavy client imported at
cold start. So, from the CloudFormation template and the zip that would be uploaded:

- the zip holds our code only (functions/**, handlers/**, with no exception): never devstack/
  (the local stack), tests, bench;
- every function logs JSON at INFO (LoggingConfig), and its handler, imported as on Lambda, sets
  the root logger to INFO with functions/logs.py's JSON lines;
- every function runs Python 3.12 on arm64 with exactly the settings its code reads as environment
  variables (a secret reaches only the functions that use it);
- every handler imports from the extracted zip (dependencies from the running Python), in a
  fresh interpreter with the function's environment, without importing stripe, supabase,
  postgrest, psycopg, jwt, httpx, requests or cryptography (they belong to the first request that
  needs them);
- every HTTP route reaches a route of its function's app through Mangum's base path, and every
  route of an app is declared;
- a built layer (.serverless/pythonDeps.zip, when packaged with it) holds python/** only, and
  every function uses it.

Usage: python scripts/check_package.py [.serverless]
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RUNTIME = "python3.12"
ARCHITECTURES = ["arm64"]
# The environment of each function, exactly: what every function needs (the database through the
# Supabase API) and what its own code reads, nothing more, so that a secret reaches only the
# function that uses it (the Stripe webhook secrets their webhook, the JWT secret the functions
# that verify a user's token, the channel credentials the dispatcher, PayPal's the functions
# that create, capture or refund PayPal payments).
DATABASE = {"SUPABASE_URL", "SUPABASE_SERVICE_ROLE_KEY"}
PAYPAL = {"PAYPAL_CLIENT_ID", "PAYPAL_CLIENT_SECRET", "PAYPAL_BASE_URL"}
ENVIRONMENT = {
    "handlers/checkout.handler": DATABASE | {"SUPABASE_JWT_SECRET", "STRIPE_SECRET_KEY", "SITE_URL"},
    "handlers/stripe_webhook.handler": DATABASE | {"STRIPE_WEBHOOK_SECRET"},
    "handlers/connect.handler": DATABASE
    | {"SUPABASE_JWT_SECRET", "STRIPE_SECRET_KEY", "STRIPE_CONNECT_WEBHOOK_SECRET", "SITE_URL"},
    "handlers/paypal.handler": DATABASE | PAYPAL | {"SUPABASE_JWT_SECRET", "PAYPAL_WEBHOOK_ID", "SITE_URL"},
    "handlers/refunds.handler": DATABASE | PAYPAL | {"SUPABASE_JWT_SECRET", "STRIPE_SECRET_KEY"},
    "handlers/payments_sweeper.handler": DATABASE | PAYPAL | {"STRIPE_SECRET_KEY"},
    "handlers/geocode.handler": DATABASE | {"GEOCODER_URL", "GEOCODER_USER_AGENT", "GEOCODER_EMAIL"},
    "handlers/render_reports.handler": DATABASE | {"REPORTS_RENDER_SECRET"},
    "handlers/notify_dispatch.handler": DATABASE
    | {
        "SITE_URL",
        "NOTIFY_DISPATCH_SECRET",
        "NOTIFY_EMAIL_PROVIDER",
        "EMAIL_FROM",
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_USER",
        "SMTP_PASSWORD",
        "SMTP_STARTTLS",
        "RESEND_API_KEY",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_FROM_NUMBER",
        "TWILIO_MESSAGING_SERVICE_SID",
        "FCM_SERVICE_ACCOUNT_JSON",
        "FCM_PROJECT_ID",
    },
}
CODE_ROOTS = ("functions/", "handlers/")
LAYER_MUST_HOLD = ("python/fastapi/__init__.py", "python/mangum/__init__.py", "python/pydantic_core/__init__.py")

# Runs in a fresh interpreter: imports one handler from the extracted zip and describes it.
PROBE = r"""
import importlib, json, re, sys

root, module, attribute, heavy, declared = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(","), sys.argv[5]
sys.path.insert(0, root)
handler = getattr(importlib.import_module(module), attribute)
report = {
    "file": sys.modules[module].__file__,
    "functions_package": sys.modules["functions"].__file__,
    "callable": callable(handler),
    "heavy": sorted({name.split(".")[0] for name in sys.modules} & set(heavy)),
}
import logging
root = logging.getLogger()
report["log_level"] = logging.getLevelName(root.level)
formatters = {type(h.formatter) for h in root.handlers}
report["log_formatters"] = sorted(f"{kind.__module__}.{kind.__name__}" for kind in formatters)
app, config = getattr(handler, "app", None), getattr(handler, "config", None)
if app is not None and config is not None:
    from mangum.handlers.utils import strip_api_gateway_path
    from starlette.routing import Match

    base = config["api_gateway_base_path"]
    report["base_path"] = base
    report["app_routes"] = [
        [method, route.path]
        for route in app.routes
        if getattr(route, "include_in_schema", False) and getattr(route, "methods", None)
        for method in sorted(route.methods)
        if method != "HEAD"
    ]
    reached = {}
    for key in json.loads(declared):
        method, path = key.split(" ", 1)
        scope = {
            "type": "http",
            "method": method,
            "path": strip_api_gateway_path(re.sub(r"\{[^}]*\}", "x", path), api_gateway_base_path=base),
            "root_path": "",
        }
        reached[key] = any(route.matches(scope)[0] == Match.FULL for route in app.router.routes)
    report["reached"] = reached
print(json.dumps(report))
"""
HEAVY = ("stripe", "supabase", "postgrest", "psycopg", "jwt", "httpx", "requests", "cryptography")


@dataclass
class Function:
    """One AWS::Lambda::Function of the template, with what triggers it."""

    logical_id: str
    properties: dict[str, Any]
    routes: list[str] = field(default_factory=list)
    schedules: list[str] = field(default_factory=list)

    @property
    def handler(self) -> str:
        return str(self.properties["Handler"])

    @property
    def module_and_attribute(self) -> tuple[str, str]:
        path, _, attribute = self.handler.rpartition(".")
        return path.replace("/", "."), attribute

    @property
    def source(self) -> str:
        return self.handler.rpartition(".")[0] + ".py"


def read_functions(template: dict[str, Any]) -> dict[str, Function]:
    resources: dict[str, dict[str, Any]] = template["Resources"]
    functions = {
        logical_id: Function(logical_id, resource["Properties"])
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::Lambda::Function"
    }
    integrations = {
        logical_id: resource["Properties"]["IntegrationUri"]["Fn::GetAtt"][0]
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::ApiGatewayV2::Integration"
    }
    for resource in resources.values():
        if resource["Type"] == "AWS::ApiGatewayV2::Route":
            integration = resource["Properties"]["Target"]["Fn::Join"][1][1]["Ref"]
            functions[integrations[integration]].routes.append(resource["Properties"]["RouteKey"])
        elif resource["Type"] == "AWS::Events::Rule":
            for target in resource["Properties"]["Targets"]:
                functions[target["Arn"]["Fn::GetAtt"][0]].schedules.append(resource["Properties"]["ScheduleExpression"])
    return functions


def check_template(template: dict[str, Any], functions: dict[str, Function], layered: bool) -> list[str]:
    problems = []
    for function in functions.values():
        properties, name = function.properties, function.logical_id
        if properties.get("Runtime") != RUNTIME:
            problems.append(f"{name}: runtime {properties.get('Runtime')}, expected {RUNTIME}")
        if properties.get("Architectures") != ARCHITECTURES:
            problems.append(f"{name}: architectures {properties.get('Architectures')}, expected {ARCHITECTURES}")
        expected = ENVIRONMENT.get(function.handler)
        variables = set(properties.get("Environment", {}).get("Variables", {}))
        if expected is None:
            problems.append(f"{name}: {function.handler} has no expected environment in scripts/check_package.py")
        else:
            if expected - variables:
                problems.append(f"{name}: environment lacks {sorted(expected - variables)}")
            if variables - expected:
                problems.append(f"{name}: environment holds {sorted(variables - expected)}, unused by its code")
        if layered and not properties.get("Layers"):
            problems.append(f"{name}: packaged with the layer but does not use it")
        logging_config = properties.get("LoggingConfig", {})
        if logging_config.get("LogFormat") != "JSON" or logging_config.get("ApplicationLogLevel") != "INFO":
            problems.append(f"{name}: LoggingConfig {logging_config}, expected LogFormat JSON at INFO")
        if not function.routes and not function.schedules:
            problems.append(f"{name}: nothing invokes it (no route, no schedule)")
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::ApiGatewayV2::Integration":
            version = resource["Properties"].get("PayloadFormatVersion")
            if version != "2.0":
                problems.append(f"an HTTP API integration has payload format {version}, expected 2.0")
    return problems


def check_zip(names: list[str], functions: dict[str, Function]) -> list[str]:
    problems = []
    for name in names:
        if not name.startswith(CODE_ROOTS):
            problems.append(f"the zip holds {name}: only functions/** and handlers/** belong")
        elif "__pycache__/" in name or name.endswith((".pyc", ".pyo")):
            problems.append(f"the zip holds byte code: {name}")
    for required in ("functions/__init__.py", "handlers/__init__.py"):
        if required not in names:
            problems.append(f"the zip lacks {required}")
    for function in functions.values():
        if function.source not in names:
            problems.append(f"{function.logical_id}: the zip lacks its handler {function.source}")
    return problems


def check_layer(names: list[str]) -> list[str]:
    problems = [f"the layer holds {name} outside python/" for name in names if not name.startswith("python/")]
    problems += [f"the layer lacks {name}" for name in LAYER_MUST_HOLD if name not in names]
    return problems


def normalise(route_key: str) -> str:
    """Path parameters compared by position only: `{id}`, `{proxy+}` and `{path:path}` are alike."""
    return re.sub(r"\{[^}]*\}", "{}", route_key)


def probe_handler(function: Function, root: Path) -> list[str]:
    module, attribute = function.module_and_attribute
    environment = {
        **os.environ,
        **function.properties.get("Environment", {}).get("Variables", {}),
        "AWS_LAMBDA_FUNCTION_NAME": function.logical_id,  # as on Lambda: the handler sets up its logs
    }
    environment.pop("PYTHONPATH", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(root), module, attribute, ",".join(HEAVY), json.dumps(function.routes)],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    name = function.logical_id
    if result.returncode != 0:
        return [f"{name}: {function.handler} does not import from the zip:\n{result.stderr.strip()}"]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    problems = []
    for key in ("file", "functions_package"):
        if not str(report[key]).startswith(str(root)):
            problems.append(f"{name}: imported {report[key]} instead of the zip's copy")
    if report["log_level"] != "INFO" or report["log_formatters"] != ["functions.logs.JsonFormatter"]:
        problems.append(
            f"{name}: logs at {report['log_level']} through {report['log_formatters']}, expected INFO through"
            " functions.logs.JsonFormatter"
        )
    if not report["callable"]:
        problems.append(f"{name}: {function.handler} is not callable")
    if report["heavy"]:
        problems.append(f"{name}: importing {module} imports {', '.join(report['heavy'])} (cold start)")
    if function.routes and "reached" not in report:
        problems.append(f"{name}: has HTTP routes but {function.handler} is not a Mangum handler")
    if "reached" in report:
        base = report["base_path"].rstrip("/")
        for key, reached in report["reached"].items():
            if not reached:
                problems.append(f"{name}: route {key} reaches no route of the app (base path {report['base_path']!r})")
        declared = {normalise(key) for key in function.routes}
        for method, path in report["app_routes"]:
            key = f"{method} {base}{path}"
            if normalise(key) not in declared:
                problems.append(f"{name}: the app serves {key} but serverless.yml does not route it")
    return problems


def main(directory: Path) -> int:
    template = json.loads((directory / "cloudformation-template-update-stack.json").read_text())
    functions = read_functions(template)
    layer = directory / "pythonDeps.zip"
    with zipfile.ZipFile(directory / "marketbase.zip") as archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        problems = check_template(template, functions, layered=layer.exists())
        problems += check_zip(names, functions)
        if layer.exists():
            with zipfile.ZipFile(layer) as layer_archive:
                problems += check_layer([info.filename for info in layer_archive.infolist() if not info.is_dir()])
        with tempfile.TemporaryDirectory(prefix="marketbase-package-") as extracted:
            archive.extractall(extracted)
            root = Path(extracted).resolve()
            for function in functions.values():
                problems += probe_handler(function, root)
    for problem in problems:
        print(f"check-package: {problem}", file=sys.stderr)
    if problems:
        return 1
    routes = sum(len(function.routes) for function in functions.values())
    print(
        f"check-package: {len(functions)} functions, {routes} routes, {len(names)} files in the zip"
        + (", layer checked" if layer.exists() else ", no layer (packaged with layer=none)")
        + ": all good"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".serverless")))
