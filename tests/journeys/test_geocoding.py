"""Seed 004, the job portal: Hana adds her office without coordinates, as people type an
address; the quote asks her to wait, the geocode Lambda locates it with Nominatim (faked at the
HTTP boundary), and Pat's leak repair there is priced with travel by distance band."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from functions.db.factory import get_database
from functions.settings import get_settings
from tests.journeys.conftest import Journey
from tests.support.actors import as_request
from tests.support.apigw import lambda_context
from tests.support.fake_nominatim import FakeNominatim

HANA = "homeowner@homeservices.local"
LEAK_REPAIR = "e0000000-0000-4000-8000-000000000005"


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    with FakeNominatim() as fake:
        fake.place("5801 S Ellis Ave", "60637", "us", 41.7886, -87.5987, "5801 South Ellis Avenue")
        yield fake


@pytest.fixture
def geocode_lambda(journey: Journey, nominatim: FakeNominatim, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """handlers/geocode.py as Lambda runs it, its settings from the environment."""
    monkeypatch.setenv("DATABASE_URL", journey.market.test_database.url(journey.market.name, user="authenticator"))
    monkeypatch.setenv("GEOCODER_URL", nominatim.url)
    monkeypatch.setenv("GEOCODER_USER_AGENT", "marketbase-test/1 (ops@market.example)")
    get_settings.cache_clear()
    get_database.cache_clear()
    from handlers import geocode

    yield geocode.handler
    get_database.cache_clear()
    get_settings.cache_clear()


def test_an_address_typed_without_coordinates_is_located_and_priced(
    journey: Journey, nominatim: FakeNominatim, geocode_lambda: object
) -> None:
    hana = journey.user(HANA)
    with journey.market.authenticator() as conn, as_request(conn, journey.claims(HANA)):
        conn.execute(
            "insert into public.addresses (user_id, label, line1, city, region, postal_code, country_code)"
            " values (%s, 'Office', '5801 S Ellis Ave', 'Chicago', 'IL', '60637', 'US')",
            (hana,),
        )
    (office,) = journey.select(
        HANA, "select id::text, geocode_status::text from public.addresses where label = 'Office'"
    )
    assert office["geocode_status"] == "pending"
    items = [{"offering_id": LEAK_REPAIR}]
    with pytest.raises(psycopg.Error) as waiting:
        journey.rpc(HANA, "quote_booking", items=items, address_id=office["id"])
    assert waiting.value.sqlstate == "PT409" and "being located" in str(waiting.value)

    summary = geocode_lambda(  # type: ignore[operator]
        {"source": "aws.events", "detail-type": "Scheduled Event"}, lambda_context("marketbase-test-geocode")
    )

    assert summary == {"located": 1, "not_found": 0, "failed": 0, "retry": 0}
    request = nominatim.last_request("GET", "/search")
    assert (request.query["street"], request.query["postalcode"], request.query["countrycodes"]) == (
        "5801 S Ellis Ave",
        "60637",
        "us",
    )
    (located,) = journey.select(
        HANA, "select geocode_status::text, latitude, longitude from public.addresses where label = 'Office'"
    )
    assert located == {"geocode_status": "located", "latitude": 41.7886, "longitude": -87.5987}
    quote = journey.rpc(HANA, "quote_booking", items=items, address_id=office["id"])
    # About 11.5 km from Pat's workshop: the 15 km band, 10 km beyond the free 5 at $2/km.
    assert (quote["subtotal"], quote["travel_fee"], quote["total"]) == (12000, 2000, 14000)
