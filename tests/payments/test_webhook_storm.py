"""A storm of Stripe webhooks: many bookings, each with its own story at Stripe (declined
cards, bank debits that clear or fail, two events in one second, sessions that expire or that
the sweeper ends, admin, dashboard and cancellation refunds that settle later or fail,
disputes, a payment that arrives after its slot was taken), every event delivered two to four
times in a shuffled order, half of them base64-encoded, then the refused ones again as Stripe
retries them; then the sweeper submits what the storm queued, and its events storm in too.

Delivered one at a time and by eight threads at once, the bookings, invoices, payments,
refunds, disputes and coupon uses must end exactly where the stories lead and agree with what
the fake Stripe holds, and the ledger must hold every event once: nothing counted twice,
nothing moved backwards.

The stories run side by side, one step per round, and the fake's clock moves a second
between rounds: each booking's events are in order in time, and the clock stays close
enough to the database's for Checkout Sessions (30 minutes at least) to be accepted.
"""

from __future__ import annotations

import asyncio
import os
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from unittest import mock

import pytest
from psycopg.types.json import Jsonb

from functions.payments import sweeper
from handlers import payments_sweeper
from tests.payments.conftest import Payments, Response
from tests.support.actors import as_request
from tests.support.apigw import lambda_context
from tests.support.marketplace import value

SEED = int(os.environ.get("STORM_SEED", "20260107"))  # printed with every failure; set it to replay another storm
THREADS = 8
MAX_ROUNDS = 8  # Stripe retries for three days; eight rounds are plenty once every payment is linked
COUPON = "STORM10"  # 10% off: a coupon booking costs 9000 instead of 10000
DAY_SLOTS = 24  # 10:00-21:30 UTC on the first day; the provider's next day opens 20 hours after 10:00

Expected = dict[str, Any]
Scenario = Callable[["Storm", "Story"], Iterator[None]]


@dataclass
class Story:
    """One booking and what happens to it at Stripe."""

    name: str
    scenario: Scenario | None
    coupon: bool = False
    client: str = ""
    slot: int = 0
    booking_id: str = ""
    invoice_id: str = ""
    total: int = 0
    sessions: list[str] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # what Stripe sent about it, in order
    delivered: int = 0  # how many of them were delivered while the story ran (before the storm)
    expected: Expected | None = None

    @property
    def session(self) -> str:
        return self.sessions[-1]


@dataclass
class Delivered:
    event_id: str
    event_type: str
    status: int
    outcome: str | None
    message: str | None


class Storm:
    """The stories of one test, the fake Stripe that tells them, and every delivery's answer."""

    def __init__(self, payments: Payments, seed: int) -> None:
        self.p = payments
        self.fake = payments.stripe
        self.seed = seed
        self.rng = random.Random(seed)
        self.stories: list[Story] = []
        self.log: list[Delivered] = []
        self.lock = threading.Lock()
        self.gateway = self.fake.gateway()
        self.mark = 0  # fake.events before the current step

    # --- setting up ---------------------------------------------------------------------------

    def add_coupon(self, uses: int) -> None:
        with self.p.market.owner() as conn:
            offer_id = value(conn, "insert into public.offers (name, percent_off) values ('Storm', 10) returning id")
            conn.execute(
                "insert into public.coupons (offer_id, code, max_redemptions, max_per_user) values (%s, %s, %s, 1)",
                (offer_id, COUPON, uses),
            )

    def add_story(
        self, name: str, scenario: Scenario | None, *, coupon: bool = False, slot: int | None = None
    ) -> Story:
        index = len(self.stories)
        story = Story(f"#{index:02d} {name}", scenario, coupon)
        story.client = self.p.client(index)
        story.slot = slot if slot is not None else (index if index < DAY_SLOTS else 40 + index - DAY_SLOTS)
        self.stories.append(story)
        return story

    def open(self, story: Story) -> None:
        """create_booking as the client (with the coupon if the story has one), then Checkout."""
        market = self.p.market
        with market.authenticator() as conn, as_request(conn, market.claims[story.client]):
            booking: dict[str, Any] = value(
                conn,
                "select public.create_booking(items => %s, starts_at => %s, coupon_code => %s)",
                (
                    Jsonb([{"offering_id": market.offering_id}]),
                    market.slot(story.slot),
                    COUPON if story.coupon else None,
                ),
            )
        story.booking_id, story.invoice_id, story.total = booking["booking_id"], booking["invoice_id"], booking["total"]
        assert story.total == (9000 if story.coupon else 10000), booking
        self.checkout(story)

    def checkout(self, story: Story) -> None:
        response = self.p.checkout(story.client, story.invoice_id)
        assert response.status == 201, (story.name, response.body)
        story.sessions.append(response.body["session_id"])

    def intent(self, story: Story) -> str:
        intent: str = self.fake.sessions[story.session]["payment_intent"]
        return intent

    def lapse_hold(self, story: Story) -> None:
        """The hold runs out (nothing has expired the booking yet: that happens lazily)."""
        with self.p.market.owner() as conn:
            conn.execute(
                "update public.bookings set hold_expires_at = now() - interval '1 second' where id = %s",
                (story.booking_id,),
            )

    def admin_refund(self, story: Story, amount: int | None, *, status: str = "succeeded") -> str:
        """An admin refunds through the refunds Lambda; Stripe answers with a refund in `status`.
        Returns Stripe's refund id."""
        self.fake.refund_status = status
        try:
            response = self.p.invoke(
                "refunds",
                "POST",
                "/refunds/requests",
                body={"invoice_id": story.invoice_id, "amount": amount, "reason": "storm"},
                as_user=self.p.admin_id,
            )
        finally:
            self.fake.refund_status = "succeeded"
        assert response.status == 201, (story.name, response.body)
        [submitted] = response.body["submitted"]
        assert submitted["outcome"] == f"refund_{status}", (story.name, response.body)
        return self.stripe_refund(submitted["refund_id"])

    def stripe_refund(self, refund_id: str) -> str:
        [found] = [r["id"] for r in self.fake.refunds.values() if r["metadata"].get("refund_id") == refund_id]
        return found

    def dashboard_refund(self, story: Story, amount: int | None, *, status: str) -> str:
        """A refund made in Stripe's dashboard: no metadata of ours."""
        self.fake.refund_status = status
        try:
            refund = self.gateway.create_refund(
                idempotency_key=f"dashboard-{story.session}",
                payment_intent=self.intent(story),
                amount=amount or story.total,
            )
        finally:
            self.fake.refund_status = "succeeded"
        refund_id: str = refund.id
        return refund_id

    def sweep(self) -> dict[str, Any]:
        """One run of the payments sweeper's Lambda, with this test's database and Stripe."""
        with (
            mock.patch.object(sweeper, "get_database", lambda: self.p.database),
            mock.patch.object(sweeper, "get_stripe", lambda: self.gateway),
        ):
            summary: dict[str, Any] = payments_sweeper.handler({"source": "aws.events"}, lambda_context("sweeper"))
        return summary

    # --- the stories --------------------------------------------------------------------------

    def tell(self) -> None:
        """Run every story one step per round, the fake's clock a second further each round,
        and give each story the events its steps made Stripe send."""
        running = [(story, story.scenario(self, story)) for story in self.stories if story.scenario]
        while running:
            still = []
            for story, steps in running:
                self.mark = len(self.fake.events)
                try:
                    next(steps)
                    still.append((story, steps))
                except StopIteration:
                    pass
                self.collect(story)
            self.fake.advance(1)
            running = still
        for story in self.stories:
            assert story.expected is not None, story.name

    def collect(self, story: Story) -> None:
        """The events sent since the story's step began are the story's."""
        story.events.extend(self.fake.events[self.mark :])
        self.mark = len(self.fake.events)

    def same_second(self, story: Story, count: int) -> None:
        """The story's last `count` events carry the same `created`, as Stripe's whole seconds
        can (the real clock may have ticked between the calls that made them)."""
        self.collect(story)
        for event in story.events[-count:]:
            event["created"] = story.events[-count]["created"]

    def deliver_now(self, story: Story) -> None:
        """Deliver the story's events so far, in order: what the app must know before the
        story can go on (an admin refunds only a paid invoice)."""
        self.collect(story)
        for event in story.events[story.delivered :]:
            response = self.deliver(event, base64_encoded=False)
            assert response.status == 200, (story.name, event["type"], response.body)
        story.delivered = len(story.events)

    # --- delivering ---------------------------------------------------------------------------

    def deliver(self, event: dict[str, Any], *, base64_encoded: bool) -> Response:
        response = self.p.deliver(event, base64_encoded=base64_encoded)
        body = response.body if isinstance(response.body, dict) else {}
        with self.lock:
            self.log.append(
                Delivered(event["id"], event["type"], response.status, body.get("outcome"), body.get("message"))
            )
        return response

    def plan(self, events: list[dict[str, Any]]) -> list[tuple[dict[str, Any], bool]]:
        """Every event, two to four times, shuffled; every other one base64."""
        copies = [event for event in events for _ in range(1 + self.rng.randint(1, 3))]
        self.rng.shuffle(copies)
        return [(event, index % 2 == 1) for index, event in enumerate(copies)]

    def storm(self, plan: list[tuple[dict[str, Any], bool]], threads: int) -> list[int]:
        """Deliver the plan, then what was refused again, as Stripe retries, until every event
        got a 2xx. Returns how many deliveries each round refused."""
        pending, refused_per_round = plan, []
        for _ in range(MAX_ROUNDS):
            responses = self.deliver_all(pending, threads)
            refused = [item for item, response in zip(pending, responses, strict=True) if response.status >= 300]
            odd = [(item[0]["type"], r.status, r.body) for item, r in zip(pending, responses, strict=True)]
            odd = [o for o in odd if not (200 <= o[1] < 300 or o[1] == 503)]
            assert not odd, f"seed {self.seed}: answers Stripe would not retry usefully: {odd[:5]}"
            refused_per_round.append(len(refused))
            if not refused:
                return refused_per_round
            pending = refused
        raise AssertionError(f"seed {self.seed}: still refused after {MAX_ROUNDS} rounds: {refused_per_round}")

    def deliver_all(self, items: list[tuple[dict[str, Any], bool]], threads: int) -> list[Response]:
        if threads == 1:
            return [self.deliver(event, base64_encoded=b64) for event, b64 in items]
        # Mangum runs the app on the thread's event loop, and a worker thread has none (on
        # Lambda the handler always runs on the main thread): each worker gets its own.
        loops: list[asyncio.AbstractEventLoop] = []

        def own_loop() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            with self.lock:
                loops.append(loop)

        try:
            with ThreadPoolExecutor(threads, initializer=own_loop) as pool:
                return list(pool.map(lambda item: self.deliver(item[0], base64_encoded=item[1]), items))
        finally:
            for loop in loops:
                loop.close()

    # --- what the stories should end as ---------------------------------------------------------

    def paid(
        self,
        story: Story,
        *,
        refunds: list[tuple[str, str, int]] | None = None,
        disputes: list[str] | None = None,
        booking: str = "confirmed",
        payments: list[tuple[str, bool, int]] | None = None,
    ) -> Expected:
        refunds = refunds or []
        refunded = sum(amount for _, status, amount in refunds if status == "succeeded")
        invoice = "paid" if refunded == 0 else "refunded" if refunded >= story.total else "partially_refunded"
        return {
            "booking": booking,
            "invoice": (invoice, story.total, refunded),
            "payments": payments or [("succeeded", True, refunded)],
            "refunds": sorted(refunds),
            "disputes": sorted(disputes or []),
            "redemption": "redeemed" if story.coupon else None,
        }

    def unpaid(self, story: Story, payment: str) -> Expected:
        return {
            "booking": "held",
            "invoice": ("open", 0, 0),
            "payments": [(payment, False, 0)],
            "refunds": [],
            "disputes": [],
            "redemption": "reserved" if story.coupon else None,
        }

    def actual(self, story: Story) -> Expected:
        p, ids = self.p, (story.invoice_id,)
        invoice = p.row("select status::text, amount_paid, amount_refunded from public.invoices where id = %s", ids)
        redemption = p.rows(
            "select status::text from public.coupon_redemptions where booking_id = %s", (story.booking_id,)
        )
        return {
            "booking": p.row("select status::text from public.bookings where id = %s", (story.booking_id,))["status"],
            "invoice": (invoice["status"], invoice["amount_paid"], invoice["amount_refunded"]),
            "payments": [
                (r["status"], r["applied"], r["amount_refunded"])
                for r in p.rows(
                    "select status::text, applied, amount_refunded from public.payments"
                    " where invoice_id = %s order by created_at",
                    ids,
                )
            ],
            "refunds": sorted(
                (r["kind"], r["status"], r["amount"])
                for r in p.rows(
                    "select kind::text, status::text, amount from public.refunds where invoice_id = %s", ids
                )
            ),
            "disputes": sorted(
                r["status"] for r in p.rows("select status from public.disputes where invoice_id = %s", ids)
            ),
            "redemption": redemption[0]["status"] if redemption else None,
        }


# --- scenarios: each a generator, one yield between the steps Stripe takes ------------------------


def card(storm: Storm, story: Story, *, declines: int = 0) -> Iterator[None]:
    storm.open(story)
    for _ in range(declines):
        yield
        storm.fake.fail_payment(story.session)
    yield
    storm.fake.complete_checkout(story.session)
    story.expected = storm.paid(story)


def bank_debit(storm: Storm, story: Story, *, clears: bool, declines: int = 0) -> Iterator[None]:
    storm.open(story)
    for _ in range(declines):
        yield
        storm.fake.fail_payment(story.session)
    yield
    storm.fake.complete_checkout(story.session, paid=False)
    yield
    storm.fake.settle_async_payment(story.session, succeeded=clears)
    story.expected = storm.paid(story) if clears else storm.unpaid(story, "failed")


def within_one_second(storm: Storm, story: Story, *, ends: str) -> Iterator[None]:
    """Two events of one session in the same second: the later stage of the session must win
    the tie, not the later delivery. `ends` failed: the bank debit starts and fails at once;
    processing: a card is declined and a bank debit starts."""
    storm.open(story)
    yield
    if ends == "failed":
        storm.fake.complete_checkout(story.session, paid=False)
        storm.fake.settle_async_payment(story.session, succeeded=False)
    else:
        storm.fake.fail_payment(story.session)
        storm.fake.complete_checkout(story.session, paid=False)
    storm.same_second(story, 2)
    story.expected = storm.unpaid(story, ends)


def session_expires(storm: Storm, story: Story, *, declines: int = 0) -> Iterator[None]:
    storm.open(story)
    for _ in range(declines):
        yield
        storm.fake.fail_payment(story.session)
    yield
    storm.fake.expire_session(story.session)
    story.expected = storm.unpaid(story, "cancelled")


def paid_by_card_after_bank_debit_failed(storm: Storm, story: Story) -> Iterator[None]:
    """The failure is known before the client tries again: a second payment, a new session."""
    storm.open(story)
    yield
    storm.fake.complete_checkout(story.session, paid=False)
    yield
    storm.fake.settle_async_payment(story.session, succeeded=False)
    storm.deliver_now(story)
    yield
    storm.checkout(story)
    assert len(set(story.sessions)) == 2, story.sessions
    yield
    storm.fake.complete_checkout(story.session)
    story.expected = storm.paid(story, payments=[("failed", False, 0), ("succeeded", True, 0)])


def swept_after_hold_lapsed(storm: Storm, story: Story) -> Iterator[None]:
    """The hold runs out unpaid: the sweeper expires the booking and ends its session at Stripe,
    whose checkout.session.expired then arrives (any number of times, in any order)."""
    storm.open(story)
    yield
    storm.lapse_hold(story)
    summary = storm.sweep()
    assert summary["expired_holds"] >= 1 and summary["expired_sessions"] >= 1, summary
    assert storm.fake.sessions[story.session]["status"] == "expired"
    story.expected = {
        "booking": "expired",
        "invoice": ("void", 0, 0),
        "payments": [("cancelled", False, 0)],
        "refunds": [],
        "disputes": [],
        "redemption": "released" if story.coupon else None,
    }


def paid_after_hold_lapsed(storm: Storm, story: Story) -> Iterator[None]:
    """Paid after the hold ran out, the slot still free: confirmed, its coupon use counted again."""
    storm.open(story)
    yield
    storm.lapse_hold(story)
    storm.fake.complete_checkout(story.session)
    story.expected = storm.paid(story)


def paid_after_slot_taken(storm: Storm, story: Story) -> Iterator[None]:
    """The hold ran out, another client booked the slot, then the first one paid: the money
    goes back in full (queued by the webhook, submitted by the sweeper after the storm) and
    the other client keeps the slot."""
    storm.open(story)
    yield
    storm.lapse_hold(story)
    taker = storm.add_story("took the lapsed slot", None, slot=story.slot)
    storm.open(taker)
    yield
    storm.fake.complete_checkout(story.session)
    storm.fake.complete_checkout(taker.session)
    story.expected = {
        "booking": "expired",
        "invoice": ("void", 0, 0),
        "payments": [("succeeded", False, story.total)],
        "refunds": [("unfulfillable", "succeeded", story.total)],
        "disputes": [],
        "redemption": None,
    }
    taker.expected = storm.paid(taker)


def admin_refunds(storm: Storm, story: Story, *, amounts: list[int | None], settle: str | None) -> Iterator[None]:
    """Paid, then an admin refunds: the first refund pending at Stripe and settling later as
    `settle` (None: succeeded at once), the others succeeded at once."""
    storm.open(story)
    yield
    storm.fake.complete_checkout(story.session)
    storm.deliver_now(story)
    expected = []
    for index, amount in enumerate(amounts):
        yield
        pending = index == 0 and settle is not None
        refund_id = storm.admin_refund(story, amount, status="pending" if pending else "succeeded")
        if pending:
            yield
            assert settle is not None
            storm.fake.settle_refund(refund_id, status=settle)
        expected.append(("admin", settle if pending else "succeeded", amount or story.total))
    story.expected = storm.paid(story, refunds=expected)


def dashboard_refund(storm: Storm, story: Story, *, amount: int | None, settle: str | None) -> Iterator[None]:
    """Paid, then refunded in Stripe's dashboard, pending and settling later as `settle` (None:
    succeeded at once): the app learns of it only from webhooks, which may come before the
    payment is linked (refused with 503 until it is)."""
    storm.open(story)
    yield
    storm.fake.complete_checkout(story.session)
    yield
    refund_id = storm.dashboard_refund(story, amount, status="succeeded" if settle is None else "pending")
    if settle is not None:
        yield
        storm.fake.settle_refund(refund_id, status=settle)
    story.expected = storm.paid(story, refunds=[("external", settle or "succeeded", amount or story.total)])


def cancelled_by_client(storm: Storm, story: Story) -> Iterator[None]:
    storm.open(story)
    yield
    storm.fake.complete_checkout(story.session)
    storm.deliver_now(story)
    yield
    storm.fake.refund_status = "pending"
    try:
        response = storm.p.invoke(
            "refunds", "POST", "/refunds/cancellations", body={"booking_id": story.booking_id}, as_user=story.client
        )
    finally:
        storm.fake.refund_status = "succeeded"
    assert response.status == 200, response.body
    fee = response.body["cancellation_fee"] or 0
    [submitted] = response.body["submitted"]
    refund_id = storm.stripe_refund(submitted["refund_id"])
    yield
    storm.fake.settle_refund(refund_id)
    story.expected = storm.paid(story, refunds=[("cancellation", "succeeded", story.total - fee)], booking="cancelled")


def disputed(storm: Storm, story: Story, *, closes: str, inquiry: bool = False) -> Iterator[None]:
    storm.open(story)
    yield
    storm.fake.complete_checkout(story.session)
    yield
    event = storm.fake.open_dispute(
        storm.intent(story), status="warning_needs_response" if inquiry else "needs_response"
    )
    dispute_id = event["data"]["object"]["id"]
    yield
    storm.fake.update_dispute(
        dispute_id, status="warning_under_review" if inquiry else "under_review", evidence="Delivered as booked."
    )
    yield
    storm.fake.close_dispute(dispute_id, status=closes)
    story.expected = storm.paid(story, disputes=[closes])


STORIES: list[tuple[str, Scenario, bool]] = [  # (name, scenario, books with the coupon)
    ("card", card, True),
    ("card", card, False),
    ("declined, then card", partial(card, declines=1), False),
    ("declined twice, then card", partial(card, declines=2), True),
    ("bank debit clears", partial(bank_debit, clears=True), False),
    ("bank debit clears", partial(bank_debit, clears=True), True),
    ("declined, then bank debit clears", partial(bank_debit, clears=True, declines=1), False),
    ("bank debit fails", partial(bank_debit, clears=False), True),
    ("bank debit fails", partial(bank_debit, clears=False), False),
    ("bank debit starts and fails in one second", partial(within_one_second, ends="failed"), False),
    ("declined, then a bank debit in one second", partial(within_one_second, ends="processing"), True),
    ("session expires", session_expires, True),
    ("declined, then session expires", partial(session_expires, declines=1), False),
    ("bank debit fails, then card in a new session", paid_by_card_after_bank_debit_failed, False),
    ("hold lapsed, the sweeper ended the session", swept_after_hold_lapsed, True),
    ("paid after the hold lapsed", paid_after_hold_lapsed, True),
    ("paid after the hold lapsed and the slot was taken", paid_after_slot_taken, False),
    ("admin refund, pending, succeeds", partial(admin_refunds, amounts=[None], settle="succeeded"), False),
    ("admin refund, pending, fails", partial(admin_refunds, amounts=[None], settle="failed"), False),
    ("two partial admin refunds", partial(admin_refunds, amounts=[2500, 4000], settle="succeeded"), True),
    ("dashboard refund 3000, pending, succeeds", partial(dashboard_refund, amount=3000, settle="succeeded"), False),
    ("dashboard refund 4000, pending, fails", partial(dashboard_refund, amount=4000, settle="failed"), False),
    ("full dashboard refund", partial(dashboard_refund, amount=None, settle=None), False),
    ("cancelled by the client, refund pending, succeeds", cancelled_by_client, False),
    ("dispute won", partial(disputed, closes="won"), False),
    ("dispute lost", partial(disputed, closes="lost"), True),
    ("inquiry closed", partial(disputed, closes="warning_closed", inquiry=True), False),
]


def run_storm(
    payments: Payments, threads: int, stories: list[tuple[str, Scenario, bool]] = STORIES, seed: int = SEED
) -> Storm:
    storm = Storm(payments, seed)
    if uses := sum(coupon for _, _, coupon in stories):
        storm.add_coupon(uses)
    for name, scenario, coupon in stories:
        storm.add_story(name, scenario, coupon=coupon)
    storm.tell()
    plan = storm.plan(storm.fake.events)
    refused = storm.storm(plan, threads)
    # Then the sweeper submits what the storm queued (the refund of the payment that came too
    # late for its slot), and Stripe's events about it arrive the same way.
    told = len(storm.fake.events)
    storm.sweep()
    after = storm.plan(storm.fake.events[told:])
    refused += storm.storm(after, threads)
    events = storm.fake.events
    deliveries = len(plan) + len(after)
    statuses = Counter((d.event_type, d.status) for d in storm.log if d.status != 200)
    print(
        f"\nstorm seed {seed}, {threads} thread(s): {len(storm.stories)} bookings, {len(events)} events, "
        f"{deliveries} deliveries in the storm ({deliveries - len(events)} duplicates), "
        f"refused per round {refused}, refusals {dict(statuses)}"
    )
    return storm


# --- the checks -----------------------------------------------------------------------------------


def check_final_states(storm: Storm) -> None:
    expected = {s.name: s.expected for s in storm.stories}
    actual = {s.name: storm.actual(s) for s in storm.stories}
    wrong = {
        name: {"expected": expected[name], "actual": actual[name]}
        for name in expected
        if actual[name] != expected[name]
    }
    assert not wrong, f"seed {storm.seed}: {len(wrong)} booking(s) ended wrong: {wrong}"


def check_refusals(storm: Storm, threads: int) -> None:
    """Only what a retry can fix was refused: a refund or dispute event before its payment was
    linked (and, under concurrency, a deadlock or serialization failure, if any)."""
    refused = [d for d in storm.log if d.status != 200]
    assert all(d.status == 503 and "retry" in (d.message or "") for d in refused), (storm.seed, refused)
    early = [d for d in refused if not d.event_type.startswith(("charge.refunded", "refund.", "charge.dispute."))]
    if threads == 1:
        assert not early, f"seed {storm.seed}: payment events refused: {early}"
    elif early:
        print(f"seed {storm.seed}: payment events refused once under concurrency: {early}")


def check_ledger(storm: Storm) -> None:
    """Every event is in the ledger once, applied by exactly one delivery, with that delivery's outcome."""
    sent = {e["id"]: e["type"] for e in storm.fake.events}
    ledger = storm.p.rows("select id, type, outcome from private.stripe_events")
    assert len(ledger) == len(sent), f"seed {storm.seed}: ledger {len(ledger)} rows for {len(sent)} events"
    assert {r["id"]: r["type"] for r in ledger} == sent, f"seed {storm.seed}"
    applied: dict[str, list[str | None]] = {event_id: [] for event_id in sent}
    for d in storm.log:
        if d.status == 200 and d.outcome != "duplicate":
            applied[d.event_id].append(d.outcome)
    twice = {event_id: outcomes for event_id, outcomes in applied.items() if len(outcomes) != 1}
    assert not twice, f"seed {storm.seed}: events applied other than once: {twice}"
    outcomes = {r["id"]: r["outcome"] for r in ledger}
    differ = {i: (applied[i][0], outcomes[i]) for i in sent if applied[i][0] != outcomes[i]}
    assert not differ, f"seed {storm.seed}: ledger outcomes differ from the answers: {differ}"
    unexpected = {o for o in outcomes.values() if o in (None, "unknown_payment", "ignored")}
    assert not unexpected, f"seed {storm.seed}: outcomes {unexpected}"


def check_against_stripe(storm: Storm) -> None:
    """The database agrees with what Stripe holds, and every sum is made of its parts."""
    fake, p, seed = storm.fake, storm.p, storm.seed
    for payment in p.rows(
        "select id, status::text, stripe_payment_intent_id, charge_amount_refunded, amount_refunded"
        " from public.payments where stripe_payment_intent_id is not null"
    ):
        intent = fake.payment_intents[payment["stripe_payment_intent_id"]]
        charge = fake.charges[intent["latest_charge"]]
        assert (payment["status"] == "succeeded") == (intent["status"] == "succeeded"), (
            seed,
            payment,
            intent["status"],
        )
        # Every refund has settled: what the refund rows add up to is what the charge says now.
        assert payment["amount_refunded"] == charge["amount_refunded"], (seed, payment["id"], charge["id"])
        # charge.refunded: the newest report wins (a failed refund lowers the charge without one).
        reports = [
            e for e in fake.events if e["type"] == "charge.refunded" and e["data"]["object"]["id"] == charge["id"]
        ]
        newest = max(reports, key=lambda e: e["created"])["data"]["object"]["amount_refunded"] if reports else 0
        assert payment["charge_amount_refunded"] == newest, (seed, payment["id"], charge["id"])
        succeeded = p.row(
            "select coalesce(sum(amount), 0)::bigint as total from public.refunds where payment_id = %s"
            " and status = 'succeeded'",
            (payment["id"],),
        )["total"]
        assert payment["amount_refunded"] == succeeded, (seed, payment["id"], payment["amount_refunded"], succeeded)
    for refund in p.rows(
        "select id, stripe_refund_id, status::text, amount from public.refunds where stripe_refund_id is not null"
    ):
        theirs = fake.refunds[refund["stripe_refund_id"]]
        assert (refund["status"], refund["amount"]) == (theirs["status"], theirs["amount"]), (seed, refund["id"])
    for dispute in p.rows("select id, stripe_dispute_id, status, amount from public.disputes"):
        theirs = fake.disputes[dispute["stripe_dispute_id"]]
        assert (dispute["status"], dispute["amount"]) == (theirs["status"], theirs["amount"]), (seed, dispute["id"])
    for invoice in p.rows(
        "select i.id, i.amount_refunded, coalesce(sum(p.amount_refunded) filter (where p.applied), 0)::bigint as parts"
        " from public.invoices i left join public.payments p on p.invoice_id = i.id group by i.id"
    ):
        assert invoice["amount_refunded"] == invoice["parts"], (seed, invoice)
    counts = Counter(r["status"] for r in p.rows("select status::text from public.coupon_redemptions"))
    coupons = [s for s in storm.stories if s.coupon]
    assert counts == Counter(s.expected["redemption"] for s in coupons if s.expected), (seed, counts)


@pytest.mark.parametrize("threads", [1, THREADS], ids=["one at a time", f"{THREADS} threads"])
def test_a_shuffled_storm_of_repeated_events_ends_every_booking_where_its_story_leads(
    payments: Payments, threads: int
) -> None:
    storm = run_storm(payments, threads)

    check_refusals(storm, threads)
    check_final_states(storm)
    check_ledger(storm)
    check_against_stripe(storm)


@pytest.mark.parametrize("failure_first", [True, False], ids=["failure delivered first", "in order"])
def test_a_bank_debit_that_fails_within_the_second_it_started_ends_failed(
    payments: Payments, failure_first: bool
) -> None:
    """Stripe's `created` counts whole seconds: a delayed payment can fail in the second its
    session completed. In either delivery order the payment ends failed and the client can pay
    again (a payment left processing would refuse every new checkout)."""
    client = payments.client(0)
    booking = payments.book(client)
    session = payments.checkout(client, booking["invoice_id"]).body["session_id"]
    completed = payments.stripe.complete_checkout(session, paid=False)
    failed = payments.stripe.settle_async_payment(session, succeeded=False)
    failed["created"] = completed["created"]  # the same second, whatever the clock did between the calls

    for event in [failed, completed] if failure_first else [completed, failed]:
        assert payments.deliver(event).status == 200

    payment = payments.row("select status::text from public.payments where invoice_id = %s", (booking["invoice_id"],))
    assert payment["status"] == "failed", payment
    assert payments.checkout(client, booking["invoice_id"]).status == 201
