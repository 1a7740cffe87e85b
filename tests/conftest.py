from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tests.support import database
from tests.support.database import TestDatabase


@pytest.fixture(scope="session")
def test_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    db = database.start(tmp_path_factory.mktemp("postgres"))
    yield db
    if db.cluster:
        db.cluster.destroy()


@pytest.fixture(scope="session")
def shared_db_url(test_database: TestDatabase) -> Iterator[str]:
    """One clone of the template for the rolled-back tests of this run."""
    if test_database.external:
        yield test_database.owner_url
        return
    name = test_database.clone()
    yield test_database.url(name)
    test_database.drop(name)


@pytest.fixture
def db(shared_db_url: str) -> Iterator[psycopg.Connection]:
    """A connection as postgres inside a transaction that is rolled back afterwards."""
    with psycopg.connect(shared_db_url) as conn:
        yield conn
        conn.rollback()


@pytest.fixture
def fresh_db(test_database: TestDatabase) -> Iterator[str]:
    """The name of a database of its own, cloned from the template, dropped afterwards."""
    if test_database.external:
        pytest.skip("needs the throwaway cluster: a database of its own cannot be cloned from DATABASE_URL")
    name = test_database.clone()
    yield name
    test_database.drop(name)
