"""Which `ObjectStore` this process uses: the local one when DATABASE_URL is set (`marketbase
dev`, tests), otherwise Supabase Storage with the service-role key (production)."""

from __future__ import annotations

from functools import cache

from ..settings import Settings, get_settings
from .port import ObjectStore


def object_store_for(settings: Settings) -> ObjectStore:
    if settings.database_url:
        from devstack.local_storage import LocalObjectStore  # the local stack and tests only

        return LocalObjectStore(settings.database_url, settings.local_storage_dir)
    from .supabase_storage import SupabaseStorage

    return SupabaseStorage(settings.require("supabase_url"), settings.require("supabase_service_role_key"))


@cache
def get_object_store() -> ObjectStore:
    return object_store_for(get_settings())
