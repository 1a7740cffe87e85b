"""The Nominatim adapter against a fake Nominatim at the HTTP boundary: the request the usage
policy asks for, the answers it reads, and what it reports as worth a retry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from functions.geocoding.nominatim import Nominatim
from functions.geocoding.port import AddressQuery, GeocoderError, Location
from tests.support.fake_nominatim import FakeNominatim

AGENT = "marketbase-test/1 (ops@market.example)"
OFFICE = AddressQuery(line1="30 St Mary Axe", line2="Floor 3", city="London", postal_code="EC3A 8BF", country_code="GB")


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    with FakeNominatim() as fake:
        fake.place("30 St Mary Axe", "EC3A 8BF", "gb", 51.5144775, -0.0803022, "The Gherkin")
        yield fake


class Clock:
    def __init__(self) -> None:
        self.now, self.slept = 100.0, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_a_structured_query_with_the_applications_own_user_agent(nominatim: FakeNominatim) -> None:
    located = Nominatim(AGENT, base_url=nominatim.url, email="ops@market.example").locate(OFFICE)

    assert located == Location(51.5144775, -0.0803022)
    request = nominatim.last_request("GET", "/search")
    assert request.headers["user-agent"] == AGENT
    assert request.query == {
        "street": "30 St Mary Axe, Floor 3",
        "city": "London",
        "postalcode": "EC3A 8BF",
        "countrycodes": "gb",
        "format": "jsonv2",
        "limit": "1",
        "email": "ops@market.example",
    }


def test_an_address_nominatim_does_not_know_is_none(nominatim: FakeNominatim) -> None:
    unknown = AddressQuery(line1="1 Nowhere Lane", city="London", postal_code="ZZ1 1ZZ", country_code="GB")
    assert Nominatim(AGENT, base_url=nominatim.url).locate(unknown) is None


@pytest.mark.parametrize(("status", "retryable"), [(429, True), (503, True), (500, True), (400, False), (403, False)])
def test_refusals_say_whether_a_retry_may_help(nominatim: FakeNominatim, status: int, retryable: bool) -> None:
    nominatim.fail_next(status, method="GET", path="/search")
    with pytest.raises(GeocoderError) as refused:
        Nominatim(AGENT, base_url=nominatim.url).locate(OFFICE)
    assert refused.value.retryable is retryable


def test_a_dropped_connection_is_worth_a_retry(nominatim: FakeNominatim) -> None:
    nominatim.fail_next(None, method="GET", path="/search")
    with pytest.raises(GeocoderError) as refused:
        Nominatim(AGENT, base_url=nominatim.url).locate(OFFICE)
    assert refused.value.retryable


def test_requests_are_a_second_apart_as_the_usage_policy_asks(nominatim: FakeNominatim) -> None:
    clock = Clock()
    geocoder = Nominatim(AGENT, base_url=nominatim.url, clock=clock, sleep=clock.sleep)

    geocoder.locate(OFFICE)
    clock.now += 0.25
    geocoder.locate(OFFICE)
    clock.now += 3
    geocoder.locate(OFFICE)

    assert clock.slept == [0.75], "the second lookup waited out the second; the third had waited long enough"
    assert len(nominatim.requests_for("GET", "/search")) == 3
