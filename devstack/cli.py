"""The `marketbase` command: the local stack without Docker.

marketbase db start | stop | reset | url | status | migrate
marketbase dev [--host H] [--port P] [--reset]   (mail: MARKETBASE_SMTP_PORT, default 1025)
marketbase token EMAIL
marketbase as EMAIL|anon SQL                     (a request as PostgREST runs it for that user)
marketbase types [--local] [--check]

Settings come from the environment; a .env file in the project's root (copy .env.example) adds
to it without overriding what is already set, as python-dotenv reads it.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import types as frontend_types
from .cluster import ClusterError
from .paths import project_root
from .schema import SqlFileError
from .stack import Stack

# The Supabase CLI's local JWT secret: local tokens verify as they would against `supabase start`.
LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"


def _jwt_secret() -> str:
    return os.environ.get("SUPABASE_JWT_SECRET", LOCAL_JWT_SECRET)


def _ensure_database(stack: Stack) -> None:
    """Start the database; build it on the first run."""
    if stack.start():
        print(f"first run: building the database ({stack.reset():.1f}s)")


def demo_tokens(stack: Stack) -> list[tuple[str, str, str]]:
    """(email, roles, access token) for every user in the database."""
    import psycopg

    from .claims import ANON_CLAIMS, SERVICE_ROLE_CLAIMS, HookRefused, issue_claims, sign

    secret = _jwt_secret()
    rows = [
        ("anon key", "anon", sign(ANON_CLAIMS, secret)),
        ("service_role key", "service_role", sign(SERVICE_ROLE_CLAIMS, secret)),
    ]
    with psycopg.connect(stack.owner_url, autocommit=True) as conn:
        users = conn.execute("select id, email from auth.users order by email").fetchall()
        for user_id, email in users:
            try:
                claims = issue_claims(conn, user_id, ttl=7 * 24 * 3600)
            except HookRefused as refused:
                rows.append((email, "-", f"(no token: {refused.message})"))
                continue
            rows.append((email, ",".join(claims["user_roles"]), sign(claims, secret)))
    return rows


def cmd_db(stack: Stack, action: str) -> int:
    if action == "start":
        _ensure_database(stack)
        print(stack.status())
    elif action == "stop":
        stack.stop()
        print(stack.status())
    elif action == "reset":
        stack.start()
        seconds = stack.reset()
        print(f"database reset in {seconds:.1f}s: {stack.owner_url}")
    elif action == "migrate":
        stack.start()
        applied = stack.migrate()
        print("\n".join(applied) if applied else "no pending migrations")
    elif action == "url":
        print(stack.owner_url)
    elif action == "status":
        print(stack.status())
    return 0


def cmd_dev(stack: Stack, host: str, port: int, reset: bool) -> int:
    import uvicorn

    from .devserver import build_app, local_settings

    if reset:
        stack.start()
        print(f"database reset in {stack.reset():.1f}s")
    else:
        _ensure_database(stack)
        stack.migrate()
    print(f"database      {stack.owner_url}")
    print(f"lambda apps   http://{host}:{port}/<app>   (health: http://{host}:{port}/health)")
    mail_dir = stack.root / ".local" / "mail"
    smtp_port = int(os.environ.get("MARKETBASE_SMTP_PORT", 1025))
    settings, use_mailbox = local_settings(_jwt_secret(), smtp_port)
    if use_mailbox:
        print(f"mail          smtp://127.0.0.1:{smtp_port}, every message saved in {mail_dir}/")
    else:
        print(
            f"mail          {settings.notify_email_provider} as configured in the environment (not the local mailbox)"
        )
    secret = "$NOTIFY_DISPATCH_SECRET" if os.environ.get("NOTIFY_DISPATCH_SECRET") else settings.notify_dispatch_secret
    print(
        f"notifications dispatched every few seconds; now: curl -X POST http://{host}:{port}/notify/dispatch"
        f" -H 'x-marketbase-dispatch-secret: {secret}'"
    )
    print("\ndemo access tokens (HS256, local JWT secret; Authorization: Bearer <token>):")
    for email, roles, token in demo_tokens(stack):
        print(f"  {email:<32} {roles:<24} {token}")
    print()
    app = build_app(stack.owner_url, stack.api_url, _jwt_secret(), mail_dir=mail_dir, smtp_port=smtp_port)
    from functions import logs

    logs.configure(readable=True)  # the Lambdas' lines (functions/logs.py), as text
    uvicorn.run(app, host=host, port=port, log_level="info")
    return 0


def cmd_token(stack: Stack, email: str) -> int:
    for row_email, _roles, token in demo_tokens(stack):
        if row_email == email:
            print(token)
            return 0
    print(f"no user with email {email}", file=sys.stderr)
    return 1


def cmd_as(stack: Stack, who: str, query: str) -> int:
    """Run one SQL statement as PostgREST runs a request of `who` (a demo user's email, or anon):
    logged in as authenticator, the role and claims of their access token set for the
    transaction, RLS deciding what is seen. Prints the rows as a table."""
    import psycopg

    from .claims import ANON_CLAIMS, HookRefused, issue_claims
    from .impersonation import as_request

    _ensure_database(stack)
    with psycopg.connect(stack.owner_url, autocommit=True) as owner:
        if who == "anon":
            claims = dict(ANON_CLAIMS)
        else:
            row = owner.execute("select id from auth.users where email = %s", (who,)).fetchone()
            if row is None:
                print(f"marketbase: no user with email {who}", file=sys.stderr)
                return 1
            try:
                claims = issue_claims(owner, row[0])
            except HookRefused as refused:
                print(f"marketbase: no token for {who}: {refused.message}", file=sys.stderr)
                return 1
    try:
        with psycopg.connect(stack.api_url) as conn, as_request(conn, claims, method="GET") as request:
            cursor = request.execute(query.encode())
            names = [column.name for column in cursor.description or []]
            rows = [["" if v is None else str(v) for v in r] for r in cursor.fetchall()] if names else []
    except psycopg.Error as error:
        print(f"marketbase: {error.sqlstate}: {error}".rstrip(), file=sys.stderr)
        return 1
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    for line in [names, ["-" * w for w in widths], *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return 0


def cmd_types(stack: Stack, local: bool, check: bool) -> int:
    """Regenerate types/database.types.ts, or (--check) say whether it is stale."""
    if local:
        _ensure_database(stack)
    generated, seconds = frontend_types.regenerate(stack, local=local)
    name = frontend_types.TYPES_FILE
    target = stack.root / name
    diff = frontend_types.stale_diff(target, generated)
    source = "the local database" if local else "the migrations"
    if check:
        if diff is None:
            print(f"{name} is up to date with {source} ({seconds:.1f}s)")
            return 0
        print(diff, end="", file=sys.stderr)
        print(f"marketbase: {name} differs from the types of {source}: run `marketbase types`", file=sys.stderr)
        return 1
    if diff is None:
        print(f"{name} unchanged ({seconds:.1f}s)")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(generated)
    print(f"{name} written from {source} ({generated.count(chr(10))} lines, {seconds:.1f}s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="marketbase", description="marketbase's local stack, without Docker.")
    commands = parser.add_subparsers(dest="command", required=True)
    db = commands.add_parser("db", help="the local database")
    db.add_argument("action", choices=["start", "stop", "reset", "url", "status", "migrate"])
    dev = commands.add_parser("dev", help="database and Lambda apps on localhost")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=int(os.environ.get("MARKETBASE_PORT", 8000)))
    dev.add_argument("--reset", action="store_true", help="rebuild the database first")
    token = commands.add_parser("token", help="print an access token for a user")
    token.add_argument("email")
    as_user = commands.add_parser("as", help="run SQL as PostgREST would for a user (email) or anon")
    as_user.add_argument("who", help="a user's email, or anon")
    as_user.add_argument("sql")
    typegen = commands.add_parser("types", help="regenerate types/database.types.ts with Supabase's generator")
    typegen.add_argument(
        "--local", action="store_true", help="read the local database as it is, not a throwaway one from the migrations"
    )
    typegen.add_argument("--check", action="store_true", help="write nothing; exit 1 when the committed file differs")
    args = parser.parse_args(argv)

    from dotenv import load_dotenv

    load_dotenv(project_root() / ".env", override=False)
    stack = Stack(project_root())
    try:
        if args.command == "db":
            return cmd_db(stack, args.action)
        if args.command == "dev":
            return cmd_dev(stack, args.host, args.port, args.reset)
        if args.command == "types":
            return cmd_types(stack, args.local, args.check)
        if args.command == "as":
            return cmd_as(stack, args.who, args.sql)
        return cmd_token(stack, args.email)
    except (ClusterError, SqlFileError, frontend_types.TypesError) as error:
        print(f"marketbase: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
