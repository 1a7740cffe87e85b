"""OpenStreetMap's Nominatim as the geocoder: GET /search with a structured query.

    GET {base}/search?street=&city=&state=&postalcode=&countrycodes=gb&format=jsonv2&limit=1
    200 -> [] (not found) or [{"place_id", "lat": "51.5145", "lon": "-0.0803", "display_name", ...}]

Nominatim's usage policy (https://operations.osmfoundation.org/policies/nominatim/) asks for an
application's own User-Agent and at most one request a second from one application; the public
server answers 429 (or 403 for a blocked client) beyond that. The adapter identifies itself,
waits between its own requests, and reports 429 / 5xx / timeouts as retryable. Any server with
Nominatim's API (a self-hosted one for volume) is used by changing GEOCODER_URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .port import AddressQuery, GeocoderError, Location

if TYPE_CHECKING:
    import httpx  # imported at the first lookup: the Lambda's cold start does not pay for it

DEFAULT_URL = "https://nominatim.openstreetmap.org"


class Nominatim:
    name = "nominatim"

    def __init__(
        self,
        user_agent: str,
        *,
        base_url: str = DEFAULT_URL,
        email: str | None = None,
        min_interval: float = 1.0,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.email = email
        self.min_interval = min_interval
        self.user_agent, self.timeout = user_agent, timeout
        self._client = client
        self.clock, self.sleep = clock, sleep
        self._last_request: float | None = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0)))
        return self._client

    def locate(self, address: AddressQuery) -> Location | None:
        import httpx

        self._wait_turn()
        try:
            response = self.client.get(
                f"{self.base_url}/search", params=self._params(address), headers={"User-Agent": self.user_agent}
            )
        except httpx.TimeoutException as error:
            raise GeocoderError(f"nominatim timed out: {error}", retryable=True) from error
        except httpx.HTTPError as error:
            raise GeocoderError(f"nominatim unreachable: {error}", retryable=True) from error
        if response.status_code == 429 or response.status_code >= 500:
            raise GeocoderError(f"nominatim answered {response.status_code}", retryable=True)
        if response.status_code != 200:
            raise GeocoderError(f"nominatim answered {response.status_code}: {response.text[:200]}", retryable=False)
        try:
            places: Any = response.json()
            if not places:
                return None
            return Location(latitude=float(places[0]["lat"]), longitude=float(places[0]["lon"]))
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise GeocoderError(f"nominatim answered something unreadable: {error}", retryable=True) from error

    def _params(self, address: AddressQuery) -> dict[str, str]:
        street = ", ".join(part for part in (address.line1, address.line2) if part)
        params = {
            "street": street,
            "city": address.city,
            "countrycodes": address.country_code.lower(),
            "format": "jsonv2",
            "limit": "1",
        }
        if address.region:
            params["state"] = address.region
        if address.postal_code:
            params["postalcode"] = address.postal_code
        if self.email:
            params["email"] = self.email
        return params

    def _wait_turn(self) -> None:
        """At most one request per min_interval from this process (the usage policy's 1/s)."""
        now = self.clock()
        if self._last_request is not None and now - self._last_request < self.min_interval:
            self.sleep(self.min_interval - (now - self._last_request))
            now = self.clock()
        self._last_request = now
