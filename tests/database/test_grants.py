"""Every object in an exposed schema carries an explicit grant decision.

Supabase no longer grants new objects in `public` to the API roles by default (the stand-in
revokes postgres's default privileges as the platform does), so a table or function a
migration forgets to grant is unreachable on a new project and reachable on an old one. This
check fails on such an object: a relation no API role holds any privilege on (table or
column), a function with no EXECUTE grant for a caller, or one still executable by PUBLIC
(Postgres's own default for new functions; 20260101000000 revokes it for postgres's)."""

from __future__ import annotations

import psycopg
import pytest

from tests.database.test_access_coverage import exposed_schemas

API_ROLES = ["anon", "authenticated", "service_role"]
# Auth hooks are called by Supabase Auth's own role.
CALLERS = [*API_ROLES, "supabase_auth_admin"]

UNDECIDED = """
select format('%%s %%s', case c.relkind when 'S' then 'sequence' when 'v' then 'view' else 'table' end,
              c.oid::regclass), 'no privilege for any API role'
from pg_class c
where c.relnamespace::regnamespace::text = any (%(schemas)s)
  and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
  and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
  and not exists (
    select 1 from aclexplode(c.relacl) a
    where a.grantee in (select oid from pg_roles where rolname = any (%(roles)s)))
  and not exists (
    select 1 from pg_attribute att, aclexplode(att.attacl) a
    where att.attrelid = c.oid and a.grantee in (select oid from pg_roles where rolname = any (%(roles)s)))
union all
select format('function %%s', p.oid::regprocedure),
       case when p.proacl is null or exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0)
            then 'executable by PUBLIC: revoke it, then grant the callers'
            else 'no EXECUTE for any caller' end
from pg_proc p
where p.pronamespace::regnamespace::text = any (%(schemas)s)
  and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
  and (p.proacl is null
       or exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0)
       or not exists (
         select 1 from aclexplode(p.proacl) a
         where a.grantee in (select oid from pg_roles where rolname = any (%(callers)s))))
order by 1
"""


def undecided(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return conn.execute(UNDECIDED, {"schemas": exposed_schemas(), "roles": API_ROLES, "callers": CALLERS}).fetchall()


def test_every_table_and_function_in_an_exposed_schema_has_explicit_grants(db: psycopg.Connection) -> None:
    assert undecided(db) == []


def test_the_platform_grants_nothing_by_default(db: psycopg.Connection) -> None:
    """The stand-in behaves as Supabase does since 2026-10-30: nothing postgres creates in
    public reaches an API role without a grant (functions keep Postgres's PUBLIC default)."""
    db.execute("create table public.fresh (id int primary key)")
    rows = db.execute(
        "select r, has_table_privilege(r, 'public.fresh', 'select') from unnest(%s::text[]) r", (API_ROLES,)
    ).fetchall()
    assert rows == [(role, False) for role in API_ROLES]


VIOLATIONS = {
    "a table nobody was granted": "create table public.forgotten (id int primary key)",
    "a sequence nobody was granted": "create sequence public.forgotten_seq",
    "a function no caller was granted": (
        "create function public.f() returns int language sql set search_path = '' as 'select 1'"
    ),
    "a function opened to PUBLIC": """
        create function service.f() returns int language sql set search_path = '' as 'select 1';
        grant execute on function service.f() to public""",
}


@pytest.mark.parametrize("case", sorted(VIOLATIONS))
def test_an_object_without_a_grant_decision_is_caught(db: psycopg.Connection, case: str) -> None:
    db.execute(VIOLATIONS[case])
    assert undecided(db), case


def test_a_column_grant_is_a_decision(db: psycopg.Connection) -> None:
    db.execute("create table public.notes (id int primary key, body text); grant select (id) on public.notes to anon")
    assert undecided(db) == []
