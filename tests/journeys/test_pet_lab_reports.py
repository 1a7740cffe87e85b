"""Seed 001 after the booking: Pia books three tests for Biscuit with home collection and the
lab's coupon and pays by card; Colin collects on his route; Theo receives the samples and runs
them in batches; Ana enters the results (one critical: the lab is alerted at once) and reports;
the lab releases; the reports Lambda, nudged as the database nudges it, renders the PDFs into the
private `reports` bucket; Pia reads Biscuit's reports and their PDFs, nobody else does. Every
request as PostgREST or API Gateway makes it."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from devstack.local_storage import LocalObjectStore
from functions.db.factory import get_database
from functions.reports import app as reports_app
from functions.settings import get_settings
from functions.storage.factory import get_object_store
from tests.journeys.conftest import Journey
from tests.support.apigw import http_api_event, lambda_context, response_json

PIA = "petowner@petlab.local"
COLIN = "collector@petlab.local"
THEO = "tech@petlab.local"
ANA = "analyst@petlab.local"
LAB = "lab@petlab.local"
HANA = "homeowner@homeservices.local"
BLOOD_COUNT = "e0000000-0000-4000-8000-000000000001"
KIDNEY = "e0000000-0000-4000-8000-000000000002"
LIVER = "e0000000-0000-4000-8000-000000000008"
RENDER_SECRET = "journey-render-secret"
RESULTS = {
    BLOOD_COUNT: {"wbc": 55.2, "rbc": 6.9, "hct": 44.5, "plt": 310},
    KIDNEY: {"urea": 6.1, "creatinine": 98, "sdma": 11},
    LIVER: {"alt": 160, "alp": 120, "albumin": 31},
}


@pytest.fixture
def store(journey: Journey, tmp_path: Path) -> Iterator[LocalObjectStore]:
    """The reports Lambda wired to the journey's database and a local object store."""
    url = journey.market.test_database.url(journey.market.name, user="authenticator")
    local = LocalObjectStore(url, tmp_path / "storage")
    settings = journey.payments.settings.model_copy(update={"reports_render_secret": RENDER_SECRET})
    reports_app.app.dependency_overrides[get_settings] = lambda: settings
    reports_app.app.dependency_overrides[get_database] = lambda: journey.payments.database
    reports_app.app.dependency_overrides[get_object_store] = lambda: local
    yield local
    reports_app.app.dependency_overrides.clear()


def render_nudge(secret: str = RENDER_SECRET) -> tuple[int, Any]:
    """The database's pg_net nudge, POST /reports/render, through the Lambda's handler."""
    handler = importlib.import_module("handlers.render_reports").handler
    event = http_api_event("POST", "/reports/render", body={}, headers={"x-marketbase-render-secret": secret})
    result = handler(event, lambda_context("marketbase-test-reports"))
    return result["statusCode"], response_json(result)


def recipients(journey: Journey, event_type: str) -> list[set[str]]:
    rows = journey.market.query(
        "select array(select u.email from auth.users u where u.id = any (o.recipient_ids) order by 1)"
        " from private.notification_outbox o where o.event_type = %s order by o.id",
        (event_type,),
    )
    return [set(row[0]) for row in rows]


def pay(journey: Journey, email: str, invoice_id: str) -> None:
    session = journey.lambda_as(email, "checkout", "POST", "/checkout/sessions", {"invoice_id": invoice_id})
    assert session.status == 201, session.body
    delivered = journey.payments.deliver(journey.payments.stripe.complete_checkout(session.body["session_id"]))
    assert delivered.status == 200 and delivered.body["outcome"] == "paid", delivered.body


def test_biscuits_three_tests_go_from_the_collection_to_released_pdf_reports(
    journey: Journey, store: LocalObjectStore
) -> None:
    # Pia books the three tests for Biscuit at home, with the lab's coupon, and pays.
    (home,) = journey.select(PIA, "select id::text from public.addresses where is_default")
    (biscuit,) = journey.select(PIA, "select id::text from public.pets where name = 'Biscuit'")
    today = date.today()
    slots = journey.rpc(
        PIA, "free_slots", offering_id=BLOOD_COUNT, from_date=today + timedelta(days=1),
        to_date=today + timedelta(days=14), timezone="Europe/London",
    )  # fmt: skip
    items = [{"offering_id": test} for test in (BLOOD_COUNT, KIDNEY, LIVER)]
    booking = journey.rpc(
        PIA, "create_booking", items=items, starts_at=slots[0]["starts_at"], address_id=home["id"],
        pet_id=biscuit["id"], coupon_code="PAWS15",
    )  # fmt: skip
    (invoice,) = journey.select(
        PIA, "select discount_total, subtotal from invoices where id = %s", (booking["invoice_id"],)
    )
    assert invoice["discount_total"] == round((4500 + 6000 + 5500) * 0.15), "the coupon takes 15 % off the tests"
    pay(journey, PIA, booking["invoice_id"])
    samples = journey.select(
        PIA,
        "select s.booking_item_id::text as id, s.offering_id::text as test, s.status::text from lab_samples s"
        " where s.booking_id = %s order by s.offering_id",
        (booking["booking_id"],),
    )
    assert [s["status"] for s in samples] == ["booked"] * 3
    sample_of = {s["test"]: s["id"] for s in samples}

    # Colin's route of that day shows the three tubes to fill at Pia's; he collects them.
    day = journey.rpc(COLIN, "collector_route", day=slots[0]["starts_at"].astimezone().date())
    route = [r for r in day if str(r["booking_id"]) == booking["booking_id"]]
    assert {(r["pet_name"], r["city"]) for r in route} == {("Biscuit", "London")} and len(route) == 3
    for test, sample in sample_of.items():
        journey.rpc(COLIN, "transition_lab_sample", booking_item_id=sample, to_status="collected", tube_count=1,
                    note=f"Tube for {test[-1]}")  # fmt: skip
    assert recipients(journey, "sample.collected")[-3:] == [{PIA}] * 3
    (mine,) = journey.select(PIA, "select status::text from bookings where id = %s", (booking["booking_id"],))
    assert mine["status"] == "in_progress", "the visit is under way from the first tube"

    # Theo receives the three and runs each test's batch.
    queue = {str(row["booking_item_id"]) for row in journey.rpc(THEO, "lab_queue")}
    assert set(sample_of.values()) <= queue
    for test, sample in sample_of.items():
        journey.rpc(
            THEO,
            "transition_lab_sample",
            booking_item_id=sample,
            to_status="received",
            sample_condition="Good, chilled",
        )
        (batch,) = journey.rpc(
            THEO,
            "create_lab_batch",
            code=f"RUN-{test[-1]}",
            offering_id=test,
            booking_item_ids=f"{{{sample}}}",
            instrument="Analyser 2",
        )
        journey.rpc(THEO, "move_lab_batch", batch_id=batch["id"], to_status="running")

    # Ana enters the results: a critical white count alerts the lab's staff at once; she reports.
    to_report = {str(row["booking_item_id"]) for row in journey.rpc(ANA, "analyst_queue")}
    assert set(sample_of.values()) <= to_report
    for test, sample in sample_of.items():
        values = [{"analyte": code, "value": value} for code, value in RESULTS[test].items()]
        journey.rpc(ANA, "enter_lab_results", booking_item_id=sample, results=values)
        comment = "Very high white count: call the vet today." if test == BLOOD_COUNT else "Within range."
        journey.rpc(ANA, "transition_lab_sample", booking_item_id=sample, to_status="reported", note=comment)
    (critical,) = recipients(journey, "report.critical")
    assert {ANA, THEO, LAB, "admin@marketbase.local"} <= critical
    with pytest.raises(Exception, match="another analyst releases what you reported"):
        journey.rpc(ANA, "transition_lab_sample", booking_item_id=sample_of[BLOOD_COUNT], to_status="released")
    assert journey.select(PIA, "select id from lab_reports where booking_id = %s", (booking["booking_id"],)) == [], (
        "nothing is Pia's to read before release"
    )

    # The lab releases them; the booking is completed; the Lambda renders the PDFs.
    for sample in sample_of.values():
        journey.rpc(LAB, "transition_lab_sample", booking_item_id=sample, to_status="released")
    (done,) = journey.select(PIA, "select status::text from bookings where id = %s", (booking["booking_id"],))
    assert done["status"] == "completed"
    assert render_nudge("wrong")[0] == 401
    status, rendered = render_nudge()
    # Four: these three, and Miso's panel the seed released before any Lambda ran.
    assert status == 200 and rendered["rendered"] == 4 and rendered["failed"] == 0, rendered

    # Pia reads Biscuit's reports, newest first, with their flags, and their PDFs.
    reports = journey.select(
        PIA,
        "select r.booking_item_id::text as sample, r.version, r.is_current, r.pdf_path, r.results from lab_reports r"
        " where r.pet_id = %s order by r.released_at desc",
        (biscuit["id"],),
    )
    ours = [r for r in reports if r["sample"] in sample_of.values()]
    assert len(ours) == 3 and all(r["is_current"] and r["version"] == 1 for r in ours)
    blood = next(r for r in ours if r["sample"] == sample_of[BLOOD_COUNT])
    assert {row["code"]: row["flag"] for row in blood["results"]} == {
        "wbc": "critical", "rbc": "normal", "hct": "normal", "plt": "normal",
    }  # fmt: skip
    liver = next(r for r in ours if r["sample"] == sample_of[LIVER])
    assert {row["code"]: row["flag"] for row in liver["results"]}["alt"] == "high"
    pdfs = journey.select(
        PIA, "select name, metadata ->> 'mimetype' as type from storage.objects where bucket_id = 'reports'"
    )
    assert {p["name"] for p in pdfs} >= {r["pdf_path"] for r in ours}
    assert {p["type"] for p in pdfs} == {"application/pdf"}
    pdf = store.read("reports", blood["pdf_path"])
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1500
    assert recipients(journey, "report.ready")[-4:] == [{PIA}] * 4

    # Nobody else reads them: Hana sees no report and no PDF.
    assert journey.select(HANA, "select id from lab_reports") == []
    assert journey.select(HANA, "select name from storage.objects where bucket_id = 'reports'") == []
