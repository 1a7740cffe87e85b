"""Seed 003, the workflow store: a visitor browses workflows by category, signs up, favourites
one, buys two from two sellers in one cart with a coupon, pays the platform's order by card
(Checkout and Stripe's webhook, faked at its HTTP boundary) and Flowsmith's by QR, which an
admin approves; downloads the files (the bucket's policy as Storage applies it before signing a
URL), reviews one; a third purchase paid by a transfer the admin rejects is refused its
download. Every request as PostgREST or API Gateway makes it."""

from __future__ import annotations

from typing import Any, LiteralString

import psycopg
import pytest
from psycopg.rows import dict_row

from devstack.impersonation import as_request
from tests.journeys.conftest import Journey
from tests.support.actors import sign_up

ADMIN = "admin@marketbase.local"
FLOWSMITH = "creator@workflows.local"
BEN = "buyer@workflows.local"
REMINDERS = "e5000000-0000-4000-8000-000000000001"
CHASER = "e5000000-0000-4000-8000-000000000002"
REVIEWS = "e5000000-0000-4000-8000-000000000003"
AUTOMATION = "d0000000-0000-4000-8000-000000000008"


def write(journey: Journey, email: str, query: LiteralString, params: Any = ()) -> list[dict[str, Any]]:
    with (
        journey.market.authenticator() as conn,
        as_request(conn, journey.claims(email), method="POST") as c,
        c.cursor(row_factory=dict_row) as cur,
    ):
        cur.execute(query, params)
        return cur.fetchall() if cur.description else []


def events(journey: Journey, event_type: str, email: str) -> list[dict[str, Any]]:
    rows = journey.market.query(
        "select o.data from private.notification_outbox o where o.event_type = %s and %s::uuid = any (o.recipient_ids)"
        " order by o.id",
        (event_type, journey.user(email)),
    )
    return [row[0] for row in rows]


def readable_files(journey: Journey, email: str) -> set[str]:
    """What Storage lets this user sign a URL for: the bucket's select policy, as Storage runs it."""
    rows = journey.select(email, "select name from storage.objects where bucket_id = 'product-files'")
    return {row["name"] for row in rows}


def test_a_visitor_buys_two_workflows_in_one_cart_pays_by_card_and_qr_and_downloads_them(journey: Journey) -> None:
    # A visitor browses the automation workflows (their own category or a second one).
    shelf = journey.select(
        None,
        "select o.id::text, o.title, o.price, o.features from offerings o where o.kind = 'digital'"
        " and (o.category_id = %s or exists (select 1 from offering_categories c where c.offering_id = o.id"
        " and c.category_id = %s)) order by o.title",
        (AUTOMATION, AUTOMATION),
    )
    assert [w["title"] for w in shelf] == ["Appointment reminders", "Invoice chaser", "Review requests"]
    assert journey.select(
        None, "select name from product_files where offering_id = %s order by version", (REMINDERS,)
    ) == [
        {"name": "reminders.json"},
        {"name": "reminders.json"},
    ]
    assert readable_files(journey, BEN) >= {f"{REMINDERS}/v2/reminders.json"}, "Ben bought the reminders"

    # She signs up and favourites the invoice chaser.
    with journey.market.owner() as conn:
        mia_id = sign_up(conn, "Mia")
    mia = journey.market.query("select email from auth.users where id = %s", (mia_id,))[0][0]
    write(journey, mia, "insert into favorites (user_id, offering_id) values (auth.uid(), %s)", (CHASER,))
    assert readable_files(journey, mia) == set(), "nothing to download before buying"

    # She buys the reminders (the platform's) and the chaser (Flowsmith's) in one cart, 20 % off.
    bought = journey.rpc(mia, "purchase_products", offering_ids=f"{{{REMINDERS},{CHASER}}}", coupon_code="FLOW20")
    orders = {str(o["seller_id"]): o for o in bought["orders"]}
    platform, flowsmith = orders["None"], orders[journey.user(FLOWSMITH)]
    assert (platform["total"], flowsmith["total"]) == (2900 - 580, 4900 - 980)
    with pytest.raises(psycopg.Error, match="already own or are paying for"):
        journey.rpc(mia, "purchase_products", offering_ids=f"{{{REMINDERS}}}")
    assert journey.select(mia, "select status::text from purchases order by title") == [{"status": "pending"}] * 2
    assert readable_files(journey, mia) == set(), "a pending purchase downloads nothing"

    # The platform's order by card: Checkout, then Stripe's webhook.
    session = journey.lambda_as(mia, "checkout", "POST", "/checkout/sessions", {"invoice_id": platform["invoice_id"]})
    assert session.status == 201, session.body
    delivered = journey.payments.deliver(journey.payments.stripe.complete_checkout(session.body["session_id"]))
    assert delivered.status == 200 and delivered.body["outcome"] == "paid", delivered.body

    # Flowsmith's by QR: she declares it, an admin approves.
    (declared,) = journey.rpc(
        mia, "declare_manual_payment", invoice_id=flowsmith["invoice_id"], method="qr", reference="QR-7781"
    )
    journey.rpc(ADMIN, "review_manual_payment", payment_id=declared["id"], approve=True, note="Received")
    library = journey.select(mia, "select title, status::text, version from purchases order by title")
    assert library == [
        {"title": "Appointment reminders", "status": "active", "version": 2},
        {"title": "Invoice chaser", "status": "active", "version": 1},
    ]
    assert [e["offering_title"] for e in events(journey, "purchase.completed", mia)] == [
        "Appointment reminders",
        "Invoice chaser",
    ]

    # Downloads: counted, then Storage signs a URL for what the policy lets her read: the versions
    # she bought and later ones, not the reminders' v1 from before her purchase.
    (latest,) = journey.select(
        mia, "select id::text from product_files where offering_id = %s and version = 2", (REMINDERS,)
    )
    ticket = journey.rpc(mia, "request_download", file_id=latest["id"])
    assert ticket["path"] == f"{REMINDERS}/v2/reminders.json" and ticket["downloads_today"] == 1
    assert readable_files(journey, mia) == {f"{REMINDERS}/v2/reminders.json", f"{CHASER}/v1/invoice-chaser.json"}
    (first,) = journey.select(
        mia, "select id::text from product_files where offering_id = %s and version = 1", (REMINDERS,)
    )
    with pytest.raises(psycopg.Error, match="came before your purchase"):
        journey.rpc(mia, "request_download", file_id=first["id"])
    (sales,) = journey.select(FLOWSMITH, "select count(*) as sold from my_sales() where buyer_id = %s", (mia_id,))
    assert sales["sold"] == 1, "Flowsmith sees his sale to her, not the platform's"

    # She reviews the chaser: its rating follows.
    chaser_purchase = journey.select(mia, "select id::text from purchases where offering_id = %s", (CHASER,))[0]["id"]
    journey.rpc(mia, "review_purchase", purchase_id=chaser_purchase, rating=4, body="Saved me an afternoon a week.")
    assert journey.select(None, "select rating, rating_count from offerings where id = %s", (CHASER,)) == [
        {"rating": 4, "rating_count": 1}
    ]

    # A third purchase, by bank transfer, is rejected: no access, the seed's REJECT and its error.
    third = journey.rpc(mia, "purchase_products", offering_ids=f"{{{REVIEWS}}}")["orders"][0]
    (transfer,) = journey.rpc(
        mia, "declare_manual_payment", invoice_id=third["invoice_id"], method="bank_transfer", reference="TRF-0042"
    )
    journey.rpc(
        ADMIN, "review_manual_payment", payment_id=transfer["id"], approve=False, note="No such transfer arrived"
    )
    (rejected,) = journey.select(
        mia, "select status::text, status_reason from purchases where offering_id = %s", (REVIEWS,)
    )
    assert rejected == {"status": "rejected", "status_reason": "No such transfer arrived"}
    (rejection,) = events(journey, "purchase.rejected", mia)
    assert rejection["offering_title"] == "Review requests"
    (file_,) = journey.select(mia, "select id::text from product_files where offering_id = %s", (REVIEWS,))
    with pytest.raises(psycopg.Error, match="buy Review requests to download it"):
        journey.rpc(mia, "request_download", file_id=file_["id"])
    assert f"{REVIEWS}/v1/review-requests.json" not in readable_files(journey, mia)

    # The admin's sales report: the purchases' invoices by day, apart from the bookings'.
    report = journey.select(
        ADMIN,
        "select invoices, paid from billing_records where period = 'day' and source = 'purchases'"
        " order by period_start desc",
    )
    assert report[0]["paid"] >= platform["total"] + flowsmith["total"]
