"""Every table in an exposed schema has RLS on and access tests for every persona and
command, written in the pgTAP suite as assertion descriptions tagged
`[table/persona/command]`. A new table without them fails here."""

from __future__ import annotations

import re
import tomllib
from itertools import product

import psycopg

from devstack import paths
from tests.support.database import ROOT

COMMANDS = ("select", "insert", "update", "delete")
TAG = re.compile(r"\[(\w+)/(anon|stranger|owner|admin)/(select|insert|update|delete)\]")


def exposed_schemas() -> list[str]:
    config = tomllib.loads((ROOT / "supabase" / "config.toml").read_text())
    return [s for s in config["api"]["schemas"] if s != "graphql_public"]


def tagged_tests() -> set[tuple[str, str, str]]:
    return {m.groups() for p in paths.pgtap_files(ROOT) for m in TAG.finditer(p.read_text())}


# Tables keyed by a user: auth.users, and tables whose primary key references one of them.
OWNED_TABLES = """
with recursive user_keyed (oid) as (
  select 'auth.users'::regclass::oid
  union
  select con.conrelid from pg_constraint con
  join pg_constraint pk on pk.conrelid = con.conrelid and pk.contype = 'p' and pk.conkey = con.conkey
  join user_keyed u on u.oid = con.confrelid
  where con.contype = 'f'
)
select c.relname, c.relrowsecurity,
       exists (select 1 from pg_constraint con join user_keyed u on u.oid = con.confrelid
               where con.conrelid = c.oid and con.contype = 'f') as owned
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%s) and c.relkind in ('r', 'p')
order by 1
"""


def test_every_exposed_table_has_rls_and_access_tests(db: psycopg.Connection) -> None:
    tables = db.execute(OWNED_TABLES, (exposed_schemas(),)).fetchall()
    assert len(tables) >= 9, tables
    tags = tagged_tests()
    missing = []
    for name, rls, owned in tables:
        if not rls:
            missing.append(f"{name}: RLS is off")
        personas = ("anon", "stranger", "owner", "admin") if owned else ("anon", "stranger", "admin")
        missing += [
            f"{name}: no [{name}/{p}/{c}] test" for p, c in product(personas, COMMANDS) if (name, p, c) not in tags
        ]
    assert not missing, "\n".join(missing)


def test_tags_name_real_tables(db: psycopg.Connection) -> None:
    """A tag for a table (or view) that does not exist (a typo) would hide a missing test."""
    names = {row[0] for row in db.execute(OWNED_TABLES, (exposed_schemas(),)).fetchall()}
    views = db.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = any(%s) and c.relkind = 'v'",
        (exposed_schemas(),),
    ).fetchall()
    assert {table for table, _, _ in tagged_tests()} <= names | {row[0] for row in views}
