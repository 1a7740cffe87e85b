"""`ObjectStore` through Supabase Storage's API: POST <url>/storage/v1/object/<bucket>/<path>
with the service-role key (`x-upsert: true` replaces an object of that name), as storage-js and
storage-py's `upload` do. One request; a small module rather than the storage3 client and its
dependencies for it."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from .port import StorageError

if TYPE_CHECKING:
    import httpx


class SupabaseStorage:
    def __init__(self, url: str, service_key: str, *, timeout: float = 20.0, http_client: httpx.Client | None = None):
        import httpx

        self._base = f"{url.rstrip('/')}/storage/v1/object"
        self._headers = {"apikey": service_key, "Authorization": f"Bearer {service_key}"}
        self._http = http_client or httpx.Client(timeout=httpx.Timeout(timeout))

    def upload(self, bucket: str, path: str, data: bytes, content_type: str) -> None:
        import httpx

        url = f"{self._base}/{quote(bucket)}/{quote(path)}"
        headers = {**self._headers, "Content-Type": content_type, "x-upsert": "true", "cache-control": "max-age=3600"}
        try:
            response = self._http.post(url, content=data, headers=headers)
        except httpx.HTTPError as exc:
            raise StorageError(f"storage unreachable: {exc}", status=503) from exc
        if response.status_code >= 400:
            raise StorageError(f"storage refused {bucket}/{path}: {response.status_code} {response.text[:300]}",
                               status=response.status_code)  # fmt: skip
