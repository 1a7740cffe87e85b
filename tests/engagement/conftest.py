"""The engagement tests' marketplace: committed, in a database of its own (several connections)."""

from __future__ import annotations

import pytest

from tests.support.database import TestDatabase
from tests.support.marketplace import Marketplace, create_marketplace


@pytest.fixture
def market(test_database: TestDatabase, fresh_db: str) -> Marketplace:
    return create_marketplace(test_database, fresh_db)
