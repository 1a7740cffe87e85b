"""Seed 000, the consulting site: Chris browses consultants and their services, reads the FAQs
and testimonials, books a strategy call with Carla and uploads his intake document, pays by
PayPal; a second call is paid with a card he saved; a third by bank transfer that an admin
approves; Carla completes them; he cancels a fourth too late and gets back the half the policy
returns, through PayPal; Carla's balance shows every movement; the outbox holds a notification
for each step. Every request as PostgREST or API Gateway makes it, PayPal and Stripe faked at
their HTTP boundaries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, LiteralString

from psycopg.rows import dict_row

from devstack.impersonation import as_request
from tests.journeys.conftest import Journey

CHRIS = "client@consulting.local"
CARLA = "consultant@consulting.local"
ADMIN = "admin@marketbase.local"
STRATEGY_CALL = "e0000000-0000-4000-8000-000000000009"


def write(journey: Journey, email: str, query: LiteralString, params: Any = ()) -> list[dict[str, Any]]:
    with (
        journey.market.authenticator() as conn,
        as_request(conn, journey.claims(email), method="POST") as c,
        c.cursor(row_factory=dict_row) as cur,
    ):
        cur.execute(query, params)
        return cur.fetchall() if cur.description else []


def book(journey: Journey, day: int) -> dict[str, Any]:
    today = date.today()
    slots = journey.rpc(
        CHRIS,
        "free_slots",
        offering_id=STRATEGY_CALL,
        from_date=today + timedelta(days=day),
        to_date=today + timedelta(days=day + 7),
        timezone="Europe/Paris",
    )
    assert slots, "Carla has open hours"
    booking: dict[str, Any] = journey.rpc(
        CHRIS, "create_booking", items=[{"offering_id": STRATEGY_CALL}], starts_at=slots[0]["starts_at"]
    )
    return booking


def pay_by_paypal(journey: Journey, invoice_id: str) -> dict[str, Any]:
    paypal = journey.payments.paypal
    assert paypal is not None
    order = journey.lambda_as(CHRIS, "paypal", "POST", "/paypal/orders", {"invoice_id": invoice_id})
    assert order.status == 201, order.body
    paypal.approve(order.body["order_id"])
    captured = journey.lambda_as(CHRIS, "paypal", "POST", f"/paypal/orders/{order.body['order_id']}/capture")
    assert captured.status == 200 and captured.body["outcome"] == "paid", captured.body
    return dict(captured.body)


def starts_now(journey: Journey, booking_id: str) -> None:
    """The day comes: the booking starts in ten minutes (the clock moves, not the booking)."""
    with journey.market.owner() as conn:
        conn.execute(
            "update public.bookings set starts_at = now() + interval '10 minutes',"
            " ends_at = now() + interval '70 minutes',"
            " blocked_during = tstzrange(now() + interval '10 minutes', now() + interval '70 minutes') where id = %s",
            (booking_id,),
        )


def outbox(journey: Journey, booking_id: str) -> list[str]:
    """The booking's events, once the dispatcher's run has built those of its changes."""
    journey.market.query("select private.apply_notification_changes()")
    rows = journey.market.query(
        "select event_type from private.notification_outbox where booking_id = %s order by id", (booking_id,)
    )
    return [row[0] for row in rows]


def test_chris_books_and_pays_carla_four_ways_and_her_balance_shows_every_movement(journey: Journey) -> None:
    # Chris browses the consultants, their services, the FAQs and the testimonials.
    consultants = journey.select(
        None,
        "select p.display_name, o.title, o.price, o.currency from provider_profiles pp"
        " join profiles p on p.id = pp.user_id join offerings o on o.provider_id = pp.user_id"
        " where pp.kind = 'consultant' and o.kind = 'service' order by o.price",
    )
    assert [(c["display_name"], c["title"]) for c in consultants] == [
        ("Carla Consults", "Strategy call"),
        ("Carla Consults", "Operations review"),
    ]
    assert journey.select(None, "select question from faqs where is_published order by sort_order")
    assert journey.select(None, "select quote from testimonials where is_approved")

    # An admin offers PayPal for euros.
    write(journey, ADMIN, "update payment_gateways set is_active = true where gateway = 'paypal'")
    (gateways,) = journey.select(None, "select array_agg(gateway::text order by gateway) as on from payment_gateways"
                                       " where is_active")  # fmt: skip
    assert "paypal" in gateways["on"]

    # 1. A call paid by PayPal, with his intake document.
    first = book(journey, 7)
    path = f"{first['booking_id']}/intake.pdf"
    write(
        journey,
        CHRIS,
        "insert into storage.objects (bucket_id, name, owner_id, metadata) values ('booking-documents', %s,"
        ' auth.uid()::text, \'{"size": 52000, "mimetype": "application/pdf"}\')',
        (path,),
    )
    write(
        journey,
        CHRIS,
        "insert into booking_documents (booking_id, kind, object_path, file_name) values (%s, 'intake_form', %s,"
        " 'intake.pdf')",
        (first["booking_id"], path),
    )
    documents = "select file_name from booking_documents where booking_id = %s"
    assert journey.select(CARLA, documents, (first["booking_id"],)), "Carla reads his intake document"
    pay_by_paypal(journey, first["invoice_id"])

    # 2. A call paid with a card he saved.
    account = journey.payments.stripe.add_account(email=CARLA, provider_id=journey.user(CARLA))
    with journey.market.owner() as conn:
        conn.execute(
            "update public.provider_payout_accounts set stripe_account_id = %s where provider_id = %s",
            (account, journey.user(CARLA)),
        )
    setup = journey.lambda_as(CHRIS, "checkout", "POST", "/checkout/setup-intents")
    assert setup.status == 201, setup.body
    stripe = journey.payments.stripe
    for event in stripe.save_card(setup.body["customer_id"], setup_intent_id=setup.body["setup_intent_id"]):
        assert journey.payments.deliver(event).status == 200
    (card,) = journey.select(CHRIS, "select id::text, brand, last4 from payment_methods where is_active")
    assert (card["brand"], card["last4"]) == ("visa", "4242")
    second = book(journey, 14)
    paid = journey.lambda_as(
        CHRIS,
        "checkout",
        "POST",
        "/checkout/saved-method-payments",
        {"invoice_id": second["invoice_id"], "payment_method_id": card["id"]},
    )
    assert paid.status == 201 and paid.body["outcome"] == "paid", paid.body

    # 3. A call paid by bank transfer, approved by an admin.
    third = book(journey, 21)
    (declared,) = journey.rpc(CHRIS, "declare_manual_payment", invoice_id=third["invoice_id"], method="bank_transfer",
                              reference="SEPA-2026-0042")  # fmt: skip
    journey.rpc(ADMIN, "review_manual_payment", payment_id=declared["id"], approve=True, note="received")
    statuses = journey.select(
        CHRIS,
        "select status::text from invoices where id = any(%s::uuid[]) order by number",
        ([first["invoice_id"], second["invoice_id"], third["invoice_id"]],),
    )
    assert [s["status"] for s in statuses] == ["paid", "paid", "paid"]

    # Carla holds the three calls.
    for booking in (first, second, third):
        starts_now(journey, booking["booking_id"])
        journey.rpc(CARLA, "transition_booking", booking_id=booking["booking_id"], to_status="in_progress")
        journey.rpc(CARLA, "transition_booking", booking_id=booking["booking_id"], to_status="completed")

    # 4. A fourth call paid by PayPal, cancelled too late: half of it comes back, through PayPal.
    fourth = book(journey, 28)
    pay_by_paypal(journey, fourth["invoice_id"])
    with journey.market.owner() as conn:  # the day before: inside the 24 hours
        conn.execute(
            "update public.bookings set starts_at = now() + interval '3 hours', ends_at = now() + interval '4 hours',"
            " blocked_during = tstzrange(now() + interval '3 hours', now() + interval '4 hours') where id = %s",
            (fourth["booking_id"],),
        )
    cancelled = journey.lambda_as(
        CHRIS, "refunds", "POST", "/refunds/cancellations", {"booking_id": fourth["booking_id"], "reason": "ill"}
    )
    assert cancelled.status == 200, cancelled.body
    assert cancelled.body["cancellation_fee"] == 7500
    assert [s["outcome"] for s in cancelled.body["submitted"]] == ["refund_succeeded"]
    paypal = journey.payments.paypal
    assert paypal is not None
    assert [r["amount"]["value"] for r in paypal.refunds.values()] == ["75.00"]

    # Carla's balance: four earnings less the 12 % fee, half of the fourth given back.
    invoices = [b["invoice_id"] for b in (first, second, third, fourth)]
    entries = journey.select(
        CARLA,
        "select l.kind::text, l.amount, l.held_by from provider_ledger l join payments p on p.id = l.payment_id"
        " where p.invoice_id = any(%s::uuid[]) order by l.id",
        (invoices,),
    )
    assert [(e["kind"], e["amount"], e["held_by"]) for e in entries] == [
        ("earning", 13200, "platform"),
        ("earning", 13200, "stripe"),
        ("earning", 13200, "platform"),
        ("earning", 13200, "platform"),
        ("refund", -6600, "platform"),
    ]
    (balance,) = journey.select(CARLA, "select balance, owed_by_platform from provider_balances where currency = 'EUR'")
    all_entries = journey.select(
        CARLA, "select coalesce(sum(amount), 0) as total from provider_ledger where currency = 'EUR'"
    )
    assert balance["balance"] == all_entries[0]["total"]
    assert journey.select(CHRIS, "select 1 from provider_ledger") == [], "clients read no ledger"

    # A notification for each step (reminders and the moves of the clock left aside). Those of the
    # booking's and the payment's changes are built after commit, by the dispatcher's next run, so
    # the outbox's order is not the steps' order: each booking's events are compared sorted.
    steps = {"booking.held", "booking.confirmed", "booking.completed", "booking.cancelled", "payment.succeeded",
             "payment.refunded", "invoice.approved"}  # fmt: skip
    told = [sorted(e for e in outbox(journey, b["booking_id"]) if e in steps) for b in (first, second, third, fourth)]
    assert told == [
        sorted(["booking.held", "payment.succeeded", "booking.confirmed", "booking.completed"]),
        sorted(["booking.held", "payment.succeeded", "booking.confirmed", "booking.completed"]),
        sorted(["booking.held", "booking.confirmed", "invoice.approved", "booking.completed"]),
        sorted(["booking.held", "payment.succeeded", "booking.confirmed", "booking.cancelled", "payment.refunded"]),
    ]
