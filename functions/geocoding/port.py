"""What the geocode run needs from a geocoder, whichever service answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class AddressQuery:
    """An address as the client typed it (service.addresses_to_geocode's columns)."""

    line1: str
    city: str
    country_code: str
    line2: str | None = None
    region: str | None = None
    postal_code: str | None = None


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


class GeocoderError(RuntimeError):
    """The geocoder did not answer usefully; `retryable` when a later attempt may succeed."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class Geocoder(Protocol):
    name: str

    def locate(self, address: AddressQuery) -> Location | None:
        """Where the address is; None when the geocoder does not know it. Raises GeocoderError."""
        ...
