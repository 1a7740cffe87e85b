"""Locating addresses: the geocode Lambda's code (a port, its Nominatim adapter, the run)."""
