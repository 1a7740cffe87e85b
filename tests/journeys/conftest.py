"""Journeys: a seed's people doing their job end to end on the demo marketplace.

Each journey runs on a database of its own holding every migration and `supabase/seed.sql`,
the demo data a frontend developer sees. People act as the frontends make them act: requests
impersonated exactly as PostgREST runs them (their role and access-token claims, issued by
the real access-token hook), and calls of the Lambdas through their handlers as API Gateway
delivers them, with Stripe faked at its HTTP boundary."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, LiteralString

import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from devstack import paths, schema
from tests.payments.conftest import Payments, wired
from tests.support.actors import ANON_CLAIMS, as_request, claims_for
from tests.support.database import TestDatabase
from tests.support.fake_paypal import FakePayPal
from tests.support.fake_stripe import FakeStripe
from tests.support.marketplace import Marketplace


@dataclass
class Journey:
    """The demo marketplace, its people by their seed e-mail, and the payments Lambdas."""

    payments: Payments

    @property
    def market(self) -> Marketplace:
        return self.payments.market

    def user(self, email: str) -> str:
        rows = self.market.query("select id::text from auth.users where email = %s", (email,))
        assert rows, f"{email} is not a demo user"
        return str(rows[0][0])

    def claims(self, email: str | None) -> dict[str, Any]:
        if email is None:
            return dict(ANON_CLAIMS)
        with self.market.owner() as conn:
            return claims_for(conn, self.user(email))

    def select(self, email: str | None, query: LiteralString, params: Any = ()) -> list[dict[str, Any]]:
        """A read as PostgREST runs it for `email` (None: anon), RLS deciding what is seen."""
        with (
            self.market.authenticator() as conn,
            as_request(conn, self.claims(email), method="GET") as c,
            c.cursor(row_factory=dict_row) as cur,
        ):
            return cur.execute(query, params).fetchall()

    def rpc(self, email: str | None, function: LiteralString, **arguments: Any) -> Any:
        """POST /rest/v1/rpc/<function> as `email`: named arguments, JSON ones as jsonb."""
        names = ", ".join(f"{name} => %({name})s" for name in arguments)
        values = {k: Jsonb(v) if isinstance(v, (dict, list)) else v for k, v in arguments.items()}
        with (
            self.market.authenticator() as conn,
            as_request(conn, self.claims(email)) as c,
            c.cursor(row_factory=dict_row) as cur,
        ):
            rows = cur.execute(f"select * from public.{function}({names})", values).fetchall()  # type: ignore[arg-type]
        if len(rows) == 1 and len(rows[0]) == 1 and function in rows[0]:
            return rows[0][function]
        return rows

    def lambda_as(self, email: str, function: str, method: str, path: str, body: Any = None) -> Any:
        return self.payments.invoke(function, method, path, body=body, as_user=self.user(email))


@pytest.fixture
def stripe_fake() -> Iterator[FakeStripe]:
    with FakeStripe(seed=7) as fake:
        yield fake


@pytest.fixture
def paypal_fake() -> Iterator[FakePayPal]:
    with FakePayPal() as fake:
        yield fake


@pytest.fixture
def journey(
    test_database: TestDatabase, fresh_db: str, stripe_fake: FakeStripe, paypal_fake: FakePayPal
) -> Iterator[Journey]:
    schema.apply_seed(test_database.url(fresh_db), paths.project_root())
    with wired(Marketplace(test_database, fresh_db), stripe_fake, paypal_fake) as payments:
        yield Journey(payments)
