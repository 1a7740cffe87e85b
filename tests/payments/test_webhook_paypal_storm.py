"""A storm of PayPal webhooks: many invoices paid with PayPal, each with its own story (paid and
left alone; paid then partly refunded from PayPal's dashboard; paid then reversed by a
chargeback; a capture declined, then paid with a second order), every event delivered two or
three times in a shuffled order, one at a time and by six threads at once.

The approval event makes the Lambda capture, as it would for a buyer who never came back: the
frontend's capture already happened at PayPal (its answer lost), so PayPal replays it under the
same PayPal-Request-Id. Payments, invoices, refunds and the event ledger must end exactly where
the stories lead: one capture per order, each event applied once, nothing moved backwards."""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.payments.conftest import Payments, Response
from tests.support.fake_paypal import FakePayPal

STORIES = ("paid", "refunded", "reversed", "declined_then_paid")
PER_STORY = 3


@dataclass
class Story:
    kind: str
    invoice_id: str
    events: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture(autouse=True)
def paypal_on(payments: Payments) -> None:
    with payments.market.owner() as conn:
        conn.execute("update public.payment_gateways set is_active = true where gateway = 'paypal'")


def live(payments: Payments, kind: str, slot: int) -> Story:
    """Plays one story at PayPal and returns its events, none delivered yet."""
    assert payments.paypal is not None
    paypal: FakePayPal = payments.paypal
    gateway = paypal.gateway()
    client = payments.client(slot % 3)
    booking = payments.book(client, slot)
    story = Story(kind, booking["invoice_id"])

    def order() -> dict[str, Any]:
        created = payments.invoke(
            "paypal", "POST", "/paypal/orders", body={"invoice_id": booking["invoice_id"]}, as_user=client
        )
        assert created.status in (200, 201), created.body
        return dict(created.body)

    first = order()
    story.events.append(paypal.approve(first["order_id"]))
    if kind == "declined_then_paid":
        paypal.decline_next_capture()
        declined = payments.invoke("paypal", "POST", f"/paypal/orders/{first['order_id']}/capture", as_user=client)
        assert declined.body["outcome"] == "failed", declined.body
        story.events += paypal.events_of_type("PAYMENT.CAPTURE.DENIED")[-1:]
        first = order()
        story.events.append(paypal.approve(first["order_id"]))
    # The frontend's capture reached PayPal; its answer never reached us.
    capture = gateway.capture_order(order_id=first["order_id"], request_id=f"capture-{first['payment_id']}")
    story.events.append(paypal.capture_event(capture.id))
    if kind == "refunded":
        refund = gateway.refund_capture(capture_id=capture.id, request_id=f"dash-{capture.id}", amount_minor=3000,
                                        currency="USD")  # fmt: skip
        story.events.append(paypal.refund_event(refund.id))
    if kind == "reversed":
        story.events.append(paypal.reverse_capture(capture.id))
    return story


def storm(payments: Payments, stories: list[Story], threads: int) -> list[Response]:
    deliveries = [event for story in stories for event in story.events for _ in range(random.choice((2, 3)))]
    random.Random(17).shuffle(deliveries)
    if threads == 1:
        return [payments.deliver_paypal(event) for event in deliveries]
    # Mangum runs the app on the thread's event loop, and a worker thread has none (on Lambda the
    # handler runs on the main thread): each worker gets its own.
    loops: list[asyncio.AbstractEventLoop] = []
    lock = threading.Lock()

    def own_loop() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with lock:
            loops.append(loop)

    try:
        with ThreadPoolExecutor(max_workers=threads, initializer=own_loop) as pool:
            return list(pool.map(payments.deliver_paypal, deliveries))
    finally:
        for loop in loops:
            loop.close()


@pytest.mark.parametrize("threads", [1, 6])
def test_a_paypal_webhook_storm_ends_where_each_story_leads(payments: Payments, threads: int) -> None:
    stories = [live(payments, kind, slot) for slot, kind in enumerate(STORIES * PER_STORY)]

    answers = storm(payments, stories, threads)

    assert [a.status for a in answers if a.status != 200] == [], [a.body for a in answers if a.status != 200]
    outcomes = Counter(a.body["outcome"] for a in answers)
    distinct = {event["id"] for story in stories for event in story.events}
    # A repeated approval of a payment not yet captured answers "processing" again (the Lambda
    # then asks PayPal, which replays the capture); every other repeat is a duplicate.
    repeats = len(answers) - len(distinct)
    assert outcomes["duplicate"] <= repeats <= outcomes["duplicate"] + outcomes["processing"], outcomes
    for story in stories:
        invoice = payments.row("select * from public.invoices where id = %s", (story.invoice_id,))
        paid = payments.rows(
            "select status::text, paypal_capture_id, amount_refunded from public.payments"
            " where invoice_id = %s and status = 'succeeded'",
            (story.invoice_id,),
        )
        refunds = payments.rows(
            "select kind::text, amount, status::text, reason from public.refunds where invoice_id = %s order by amount",
            (story.invoice_id,),
        )
        assert len(paid) == 1, (story.kind, paid)
        expected = {
            "paid": ("paid", 0, []),
            "declined_then_paid": ("paid", 0, []),
            "refunded": ("partially_refunded", 3000, [("external", 3000, "succeeded", "refunded at PayPal")]),
            "reversed": ("refunded", 10000, [("external", 10000, "succeeded", "reversed by PayPal")]),
        }[story.kind]
        got = (
            invoice["status"],
            invoice["amount_refunded"],
            [(r["kind"], r["amount"], r["status"], r["reason"]) for r in refunds],
        )
        assert got == expected, story.kind
    failed = payments.rows("select count(*) as n from public.payments where status = 'failed' and method = 'paypal'")
    assert failed[0]["n"] == PER_STORY, "each declined capture failed its own payment"
    assert payments.paypal is not None
    assert len(payments.paypal.captures) == len(stories) + PER_STORY, "one capture per order, declined ones included"
    ledger = payments.rows("select count(*) as n from private.paypal_events")
    assert ledger[0]["n"] == len(distinct), "every event recorded once"
