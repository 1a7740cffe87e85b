"""`ObjectStore` for the local stack and the tests: what Supabase's Storage server does on an
upload, without it. The bytes go to a folder (one file per bucket/path); storage.objects gets
the row Storage writes (the service role's upload: no owner; metadata with size, mimetype, eTag,
cacheControl, lastModified, contentLength, httpStatusCode), upserted; the bucket's size and type
limits are enforced as Storage enforces them (413, 415/400). So the database's checks (a path
that must name an uploaded object) and the buckets' policies see what they see on Supabase."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

from functions.storage.port import StorageError


class LocalObjectStore:
    def __init__(self, database_url: str, root: str | Path):
        self._url = database_url
        self._root = Path(root)

    def upload(self, bucket: str, path: str, data: bytes, content_type: str) -> None:
        # Storage runs its queries in the role of the request's key: the service role here, whose
        # writes bypass RLS (the Lambda uploads with the service-role key).
        with psycopg.connect(self._url) as conn:
            conn.execute("set local role service_role")
            conn.execute("select set_config('request.jwt.claims', '{\"role\": \"service_role\"}', true)")
            found = conn.execute(
                "select file_size_limit, allowed_mime_types from storage.buckets where id = %s", (bucket,)
            ).fetchone()
            if found is None:
                raise StorageError(f"Bucket not found: {bucket}", status=404)
            size_limit, mime_types = found
            if size_limit is not None and len(data) > size_limit:
                raise StorageError("The object exceeded the maximum allowed size", status=413)
            if mime_types and content_type not in mime_types:
                raise StorageError(f"mime type {content_type} is not supported", status=415)
            target = self._root / bucket / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            metadata = {
                "eTag": f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"',
                "size": len(data),
                "mimetype": content_type,
                "cacheControl": "max-age=3600",
                "contentLength": len(data),
                "httpStatusCode": 200,
            }
            conn.execute(
                "insert into storage.objects (bucket_id, name, owner, owner_id, metadata)"
                " values (%s, %s, null, null, %s)"
                " on conflict (bucket_id, name) do update set metadata = excluded.metadata, updated_at = now()",
                (bucket, path, Jsonb({**metadata, "lastModified": datetime.now(UTC).isoformat()})),
            )

    def read(self, bucket: str, path: str) -> bytes:
        """The stored bytes (the local stack's stand-in for a signed URL's download)."""
        return (self._root / bucket / path).read_bytes()
