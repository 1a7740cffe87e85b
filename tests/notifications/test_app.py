"""The notify-dispatch app (functions/notifications/app.py): the database's pg_net nudge runs a
dispatch when it carries the shared secret, and is refused before anything is built when not."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from fastapi.testclient import TestClient

from functions.db.factory import get_database
from functions.db.port import DatabaseUnavailable
from functions.notifications.app import SECRET_HEADER, app
from functions.notifications.senders import Senders, get_senders
from functions.settings import get_settings
from tests.notifications.conftest import DISPATCH_SECRET, Notify

NUDGE = {"content-type": "application/json", "user-agent": "pg_net/0.19.5"}


@pytest.fixture
def client(notify: Notify) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=True) as http:
        yield http


def nudge(client: TestClient, secret: str | None = DISPATCH_SECRET) -> Any:
    headers = dict(NUDGE)
    if secret is not None:
        headers[SECRET_HEADER] = secret
    return client.post("/dispatch", content=b"{}", headers=headers)


def test_a_nudge_with_the_secret_dispatches_what_is_due(notify: Notify, client: TestClient) -> None:
    user = notify.person("nudged", push_tokens=1)
    notify.enqueue("announcement", [user.id], {"title": "Hello", "body": "Welcome aboard.", "action_url": "/"})
    notify.execute(
        "insert into public.notification_preferences (user_id, category, channel, enabled)"
        " values (%s, 'announcements', 'email', true)",
        (user.id,),
    )

    response = nudge(client)

    assert response.status_code == 200
    summary = response.json()
    assert summary["expanded"] == 1 and summary["sent"] == 1, summary  # email; push is not wanted by default
    (mail,) = notify.sink.messages_to(user.email)
    assert mail["Subject"]
    assert [n["title"] for n in notify.inbox(user.id)] == ["Hello"]


@pytest.mark.parametrize(
    "secret",
    [None, "", "wrong", DISPATCH_SECRET[:-1], DISPATCH_SECRET + "x", DISPATCH_SECRET.upper()],
    ids=["missing", "empty", "wrong", "prefix", "longer", "other-case"],
)
def test_a_nudge_without_the_right_secret_is_refused_before_anything_is_built(
    notify: Notify, client: TestClient, secret: str | None
) -> None:
    built: list[str] = []

    def database() -> Any:
        built.append("database")
        raise AssertionError("the database must not be built for a refused nudge")

    def senders() -> Any:
        built.append("senders")
        raise AssertionError("the channels must not be built for a refused nudge")

    app.dependency_overrides[get_database] = database
    app.dependency_overrides[get_senders] = senders
    user = notify.person("not-nudged")
    notify.enqueue("announcement", [user.id], {"title": "Hello", "body": "Welcome.", "action_url": "/"})

    response = nudge(client, secret)

    assert response.status_code == 401
    assert response.json() == {"detail": "missing or wrong dispatch secret"}
    assert built == []
    assert notify.inbox(user.id) == [], "nothing was dispatched"


def test_without_a_configured_secret_every_nudge_is_refused(notify: Notify, client: TestClient) -> None:
    unset = notify.settings.model_copy(update={"notify_dispatch_secret": None})
    app.dependency_overrides[get_settings] = lambda: unset

    assert nudge(client).status_code == 503
    assert nudge(client, None).status_code == 503
    assert nudge(client, "").status_code == 503


def test_a_nudge_when_the_database_is_unreachable_answers_503(notify: Notify, client: TestClient) -> None:
    class Unreachable:
        def rpc(self, function: str, params: Mapping[str, Any] | None = None, **_: Any) -> Any:
            raise DatabaseUnavailable("connection refused")

    app.dependency_overrides[get_database] = Unreachable

    response = nudge(client)

    assert response.status_code == 503
    assert "schedule" in response.json()["message"]


def test_health_names_the_configured_channels(notify: Notify, client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "channels": ["email", "push", "sms"], "missing": []}
    email_only = Senders({"email": notify.senders.channels["email"]})
    app.dependency_overrides[get_senders] = lambda: email_only
    assert client.get("/health").json() == {"status": "ok", "channels": ["email"], "missing": ["sms", "push"]}
