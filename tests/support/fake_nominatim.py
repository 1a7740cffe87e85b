"""A fake of OpenStreetMap Nominatim's search API at the HTTP boundary: a real local HTTP server
that the Nominatim adapter talks to as it talks to nominatim.openstreetmap.org.

    GET /search?street=&city=&state=&postalcode=&countrycodes=&format=jsonv2&limit=1
      200 -> a JSON list of places, best first: {"place_id", "licence", "osm_type", "osm_id",
             "lat": "51.5145", "lon": "-0.0803" (strings, as Nominatim sends them), "category",
             "type", "place_rank", "importance", "addresstype", "name", "display_name",
             "boundingbox": [south, north, west, east] (strings)}; [] when nothing matches
      400 -> {"error": {"code": 400, "message": "..."}} for a bad format or no query
      403 -> an HTML page for a client without a User-Agent (the usage policy blocks them)

`place(street, postalcode, country, lat, lon)` adds what the fake knows; a query matches a place
by its postcode (normalised) and country, and by the street when the place names one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support.fake_http import FakeHttpServer, RecordedRequest, Reply

__all__ = ["FakeNominatim"]

LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"


@dataclass
class _Place:
    street: str
    postalcode: str
    country: str
    lat: float
    lon: float
    name: str


def _normalise(code: str | None) -> str:
    return "".join((code or "").split()).upper()


class FakeNominatim(FakeHttpServer):
    name = "fake-nominatim"

    def __init__(self) -> None:
        super().__init__()
        self.places: list[_Place] = []

    def place(self, street: str, postalcode: str, country: str, lat: float, lon: float, name: str = "") -> None:
        self.places.append(_Place(street.lower(), _normalise(postalcode), country.lower(), lat, lon, name or street))

    def _error_body(self, status: int) -> Any:
        return {"error": {"code": status, "message": "Injected failure"}}

    def _route(self, request: RecordedRequest) -> Reply:
        if request.method != "GET" or request.path != "/search":
            return 404, {"error": {"code": 404, "message": "Not found"}}, {}
        if not request.headers.get("user-agent") or request.headers["user-agent"].startswith("python-httpx"):
            return 403, "<html><body>Access blocked: see the usage policy</body></html>", {"Content-Type": "text/html"}
        query = request.query
        if query.get("format") != "jsonv2":
            return (
                400,
                {
                    "error": {
                        "code": 400,
                        "message": "Parameter 'format' must be one of: xml, json, jsonv2, geojson, geocodejson",
                    }
                },
                {},
            )
        if "q" in query and any(k in query for k in ("street", "city", "postalcode")):
            return (
                400,
                {
                    "error": {
                        "code": 400,
                        "message": "Structured query parameters(amenity, street, city, county, state,"
                        " postalcode, country) cannot be used together with 'q' parameter.",
                    }
                },
                {},
            )
        countries = set((query.get("countrycodes") or "").lower().split(",")) - {""}
        street = (query.get("street") or "").lower()
        found = [
            p
            for p in self.places
            if p.postalcode == _normalise(query.get("postalcode"))
            and (not countries or p.country in countries)
            and (not p.street or p.street.split(",")[0] in street)
        ]
        limit = int(query.get("limit") or 10)
        return 200, [self._result(i, p) for i, p in enumerate(found[:limit])], {}

    @staticmethod
    def _result(index: int, place: _Place) -> dict[str, Any]:
        return {
            "place_id": 100000 + index,
            "licence": LICENCE,
            "osm_type": "way",
            "osm_id": 4000000 + index,
            "lat": f"{place.lat:.7f}",
            "lon": f"{place.lon:.7f}",
            "category": "building",
            "type": "yes",
            "place_rank": 30,
            "importance": 0.00009999999999994,
            "addresstype": "building",
            "name": place.name,
            "display_name": f"{place.name}, {place.postalcode}, {place.country.upper()}",
            "boundingbox": [
                f"{place.lat - 0.0001:.7f}",
                f"{place.lat + 0.0001:.7f}",
                f"{place.lon - 0.0001:.7f}",
                f"{place.lon + 0.0001:.7f}",
            ],
        }
