"""The one way the Lambdas write files: Supabase Storage's object upload.

Two adapters implement `ObjectStore`: Storage's HTTP API (production, supabase_storage.py) and a
local one for `marketbase dev` and the tests (devstack/local_storage.py), which keeps the bytes
on disk and writes storage.objects as the Storage server does, so that the database's checks and
the bucket's policies see exactly what they would see on Supabase.
"""

from __future__ import annotations

from typing import Protocol


class StorageError(Exception):
    """Storage refused the upload (a bucket's size or type limit, a missing bucket) or was unreachable."""

    def __init__(self, message: str, *, status: int = 500):
        super().__init__(message)
        self.status = status


class ObjectStore(Protocol):
    def upload(self, bucket: str, path: str, data: bytes, content_type: str) -> None:
        """Store `data` as `bucket/path`, replacing an object of that name (upsert)."""
        ...
