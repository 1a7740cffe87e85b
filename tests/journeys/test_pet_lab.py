"""Seed 001, the pet lab: the clinic is the platform. Pia books a home blood test for her dog
from the lab's own catalog and pays by card; the collector sees the visit in his day."""

from __future__ import annotations

from datetime import date, timedelta

from tests.journeys.conftest import Journey

PIA = "petowner@petlab.local"
COLIN = "collector@petlab.local"
CLINIC = "lab@petlab.local"
BLOOD_COUNT = "e0000000-0000-4000-8000-000000000001"
SESSIONS = "/v1/checkout/sessions"


def test_a_pet_owner_books_a_home_blood_test_from_the_platform_and_pays_by_card(journey: Journey) -> None:
    # Anyone browses the lab's tests: the platform's own, with no provider.
    tests = journey.select(
        None,
        "select o.id::text, o.title, o.provider_id, o.price, d.tube_type from public.offerings o"
        " join public.lab_test_details d on d.offering_id = o.id where o.kind = 'lab_test' order by o.title",
    )
    assert [(t["title"], t["provider_id"]) for t in tests] == [
        ("Complete blood count", None),
        ("Kidney panel", None),
        ("Liver panel", None),
    ]

    # Pia picks Biscuit and her home, and the first free collection slot.
    (home,) = journey.select(PIA, "select id::text from public.addresses where is_default")
    biscuit = journey.select(PIA, "select id::text from public.pets where name = 'Biscuit' and archived_at is null")[0]
    today = date.today()
    slots = journey.rpc(
        PIA,
        "free_slots",
        offering_id=BLOOD_COUNT,
        from_date=today + timedelta(days=1),
        to_date=today + timedelta(days=14),
        timezone="Europe/London",
    )
    assert slots, "the collector has free visits in the next two weeks"
    items = [{"offering_id": BLOOD_COUNT}]

    quote = journey.rpc(PIA, "quote_booking", items=items, address_id=home["id"])
    assert quote["provider_id"] is None
    assert quote["commission"] == quote["total"] - quote["tax"], "the platform keeps all it sells of its own"
    assert quote["travel_fee"] > 0, "a home visit beyond the free 3 km costs travel (the platform's own policy)"

    booking = journey.rpc(
        PIA,
        "create_booking",
        items=items,
        starts_at=slots[0]["starts_at"],
        address_id=home["id"],
        pet_id=biscuit["id"],
    )
    assert booking["status"] == "held"
    assert booking["total"] == quote["total"]

    # She pays by card: a plain charge to the platform, no destination, no application fee.
    session = journey.lambda_as(PIA, "checkout", "POST", "/checkout/sessions", {"invoice_id": booking["invoice_id"]})
    assert session.status == 201, session.body
    sent = journey.payments.stripe.last_request("POST", SESSIONS)
    assert sent.params["line_items"][0]["price_data"]["unit_amount"] == str(booking["total"])
    assert sent.params["line_items"][0]["price_data"]["currency"] == "gbp"
    assert "transfer_data" not in sent.params.get("payment_intent_data", {})
    assert "application_fee_amount" not in sent.params.get("payment_intent_data", {})

    delivered = journey.payments.deliver(journey.payments.stripe.complete_checkout(session.body["session_id"]))
    assert delivered.status == 200 and delivered.body["outcome"] == "paid", delivered.body

    # Confirmed for Pia, with Biscuit on it; in Colin's day; in the clinic's books.
    (mine,) = journey.select(
        PIA,
        "select b.status::text, p.name as pet, i.status::text as invoice, i.total"
        " from public.bookings b join public.pets p on p.id = b.pet_id join public.invoices i on i.booking_id = b.id"
        " where b.id = %s",
        (booking["booking_id"],),
    )
    assert mine == {"status": "confirmed", "pet": "Biscuit", "invoice": "paid", "total": booking["total"]}
    colins = journey.select(COLIN, "select id::text, status::text from public.bookings where starts_at > now()")
    assert {"id": booking["booking_id"], "status": "confirmed"} in colins
    (paid,) = journey.select(
        CLINIC,
        "select p.status::text, p.amount from public.payments p where p.booking_id = %s",
        (booking["booking_id"],),
    )
    assert paid == {"status": "succeeded", "amount": booking["total"]}
