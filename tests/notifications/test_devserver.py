"""`marketbase dev` delivers notifications locally: its own SMTP server (aiosmtpd) keeps each
email under .local/mail/ and prints a line, and the dispatcher runs every few seconds, as the
schedule runs it in AWS; POST /notify/dispatch works with the local secret."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.types.json import Jsonb

from devstack import devserver
from functions.settings import Settings
from tests.notifications.conftest import wait_until
from tests.support.actors import sign_up
from tests.support.database import TestDatabase, free_port


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The developer's shell configures nothing: the local defaults apply."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setattr(devserver, "NOTIFY_SECONDS", 0.2)
    yield monkeypatch


def announce(url: str, title: str) -> str:
    """A user who wants announcements by email, and an announcement to them; the user's address."""
    with psycopg.connect(url) as conn:
        user_id = sign_up(conn, "dev-reader")
        conn.execute(
            "insert into public.notification_preferences (user_id, category, channel, enabled)"
            " values (%s, 'announcements', 'email', true)",
            (user_id,),
        )
        conn.execute(
            "select private.enqueue_notification('announcement', %s, %s::uuid[], %s)",
            (f"announcement:{title}", [user_id], Jsonb({"title": title, "body": "Hello from dev.", "action_url": "/"})),
        )
        row = conn.execute("select email from auth.users where id = %s", (user_id,)).fetchone()
    assert row is not None
    return str(row[0])


def test_dev_server_delivers_email_to_its_local_mailbox(
    test_database: TestDatabase, fresh_db: str, tmp_path: Path
) -> None:
    lines: list[str] = []
    mail_dir = tmp_path / "mail"
    app = devserver.build_app(
        test_database.url(fresh_db),
        test_database.url(fresh_db, user="authenticator"),
        "x" * 32,
        mail_dir=mail_dir,
        smtp_port=free_port(),
        echo=lines.append,
    )
    address = announce(test_database.url(fresh_db), "Dev server is up")

    with TestClient(app):
        wait_until(lambda: any(mail_dir.glob("*.eml")), timeout=30)
        wait_until(lambda: any(line.startswith("notify ") for line in lines), timeout=10)

    (saved,) = mail_dir.glob("*.eml")
    mail = message_from_bytes(saved.read_bytes(), policy=policy.default)
    assert mail["To"] == address
    assert mail["From"] == devserver.LOCAL_EMAIL_FROM
    assert "Dev server is up" in str(mail["Subject"])
    assert any(line.startswith(f"mail   to {address}") and str(saved) in line for line in lines)
    assert "notify 1 expanded, 1 sent" in lines


def test_dev_server_takes_the_nudge_with_the_local_secret(
    test_database: TestDatabase, fresh_db: str, tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    env.setattr(devserver, "NOTIFY_SECONDS", 3600.0)  # only the nudge dispatches here
    mail_dir = tmp_path / "mail"
    app = devserver.build_app(
        test_database.url(fresh_db),
        test_database.url(fresh_db, user="authenticator"),
        "x" * 32,
        mail_dir=mail_dir,
        smtp_port=free_port(),
        echo=lambda _: None,
    )
    announce(test_database.url(fresh_db), "Nudged")

    with TestClient(app) as client:
        refused = client.post("/notify/dispatch", headers={"x-marketbase-dispatch-secret": "nope"})
        nudged = client.post("/notify/dispatch", headers={"x-marketbase-dispatch-secret": "local-dispatch-secret"})

    assert refused.status_code == 401
    assert nudged.status_code == 200 and nudged.json()["sent"] == 1
    assert len(list(mail_dir.glob("*.eml"))) == 1


def test_email_configured_in_the_environment_is_not_redirected(env: pytest.MonkeyPatch) -> None:
    env.setenv("SMTP_HOST", "smtp.market.example")
    env.setenv("EMAIL_FROM", "Marketbase <no-reply@market.example>")

    settings, use_mailbox = devserver.local_settings("x" * 32)

    assert not use_mailbox
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == ("smtp.market.example", 587, True)
    assert settings.email_from == "Marketbase <no-reply@market.example>"


def test_the_line_about_a_run_counts_undeliverable_messages() -> None:
    from functions.notifications.dispatcher import empty_summary

    summary = {**empty_summary(), "expanded": 1, "sent": 3, "undeliverable": 2, "dead": 2}
    assert devserver.describe(summary) == "notify 1 expanded, 3 sent, 2 undeliverable, 2 dead"
