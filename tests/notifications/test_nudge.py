"""The pg_net nudge end to end: an event due now queues one POST in pg_net's queue
(net.http_request_queue, the stand-in's or the real extension's), and that request, sent as
pg_net's worker sends it, runs a dispatch in the notify-dispatch app. A database without
pg_net, or with a pg_net that fails, still enqueues: the schedule picks the event up."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.types.json import Jsonb

from devstack.cluster import SUPERUSER
from functions.notifications.app import app
from tests.notifications.conftest import DISPATCH_SECRET, Notify
from tests.support.database import TestDatabase

DISPATCH_URL = "https://api.example.com/notify/dispatch"


@pytest.fixture
def nudging(notify: Notify) -> Iterator[Notify]:
    notify.execute("update private.settings set value = to_jsonb(%s::text) where key = 'notifications.dispatch_url'",
                   (DISPATCH_URL,))
    notify.execute("update private.settings set value = to_jsonb(%s::text) where key = 'notifications.dispatch_secret'",
                   (DISPATCH_SECRET,))
    yield notify


def queued(notify: Notify) -> list[dict]:
    return notify.rows(
        "select method, url, headers, convert_from(body, 'UTF8') as body from net.http_request_queue order by id"
    )


def test_a_due_event_queues_a_request_that_runs_a_dispatch(nudging: Notify) -> None:
    user = nudging.person("nudged")
    nudging.execute(
        "insert into public.notification_preferences (user_id, category, channel, enabled)"
        " values (%s, 'announcements', 'email', true)",
        (user.id,),
    )
    nudging.enqueue("announcement", [user.id], {"title": "Hello", "body": "Welcome aboard.", "action_url": "/"})

    (request,) = queued(nudging)
    assert request["method"] == "POST" and request["url"] == DISPATCH_URL

    # pg_net's worker: the queued method, headers and body, to the queued URL (here, the app).
    with TestClient(app) as http:
        response = http.post(
            urlsplit(request["url"]).path.removeprefix("/notify"),
            content=request["body"].encode(),
            headers={**request["headers"], "user-agent": "pg_net/0.19.5"},
        )
    assert response.status_code == 200, response.text
    assert response.json()["sent"] == 1
    assert nudging.sink.messages_to(user.email)


def test_a_failing_pg_net_never_fails_the_change_that_enqueued(
    nudging: Notify, test_database: TestDatabase, fresh_db: str
) -> None:
    with psycopg.connect(test_database.url(fresh_db, SUPERUSER), autocommit=True) as conn:
        conn.execute("alter table net.http_request_queue add constraint refuse_all check (false) not valid")
    outbox_id = nudging.enqueue("announcement", [], {"title": "t", "body": "b"})
    assert outbox_id > 0
    assert queued(nudging) == []
    assert nudging.row("select count(*) from private.notification_outbox where id = %s", (outbox_id,))["count"] == 1


def test_without_pg_net_there_is_no_nudge_and_enqueueing_works(
    nudging: Notify, test_database: TestDatabase, fresh_db: str
) -> None:
    with psycopg.connect(test_database.url(fresh_db, SUPERUSER), autocommit=True) as conn:
        conn.execute("drop schema net cascade")
    assert nudging.row("select private.nudge_dispatcher() as nudged")["nudged"] is False
    outbox_id = nudging.enqueue("announcement", [], {"title": "t", "body": "b"})
    assert nudging.row("select count(*) from private.notification_outbox where id = %s", (outbox_id,))["count"] == 1


def test_one_transaction_nudges_once_however_many_events_it_writes(nudging: Notify) -> None:
    users = [nudging.person(f"twice{i}") for i in range(2)]
    with nudging.market.owner() as conn:  # one transaction, two due events
        for index, user in enumerate(users):
            conn.execute(
                "select private.enqueue_notification('announcement', %s, %s::uuid[], %s, now(), null, null)",
                (f"announcement:once-{index}", [user.id], Jsonb({"title": "Hi", "body": "Two", "action_url": "/"})),
            )
    written = nudging.rows(
        "select id from private.notification_outbox where dedup_key in ('announcement:once-0', 'announcement:once-1')"
    )
    assert len(written) == 2
    assert len(queued(nudging)) == 1, "a second request would start a dispatch the first already covers"
