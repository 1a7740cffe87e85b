"""Every list a frontend shows can be read through RLS with an index, for every persona.

Frontends do not write the owner's filter (`from('bookings').select('*').limit(20)`): the
policy is the filter. A policy the planner cannot turn into an index condition makes Postgres
read the whole table for every such request, which a small test database never shows in its
timings. So this looks at the plans, with sequential scans priced out
(`enable_seqscan = off`): what remains is the best the policy allows.

- A signed-in user's list of an owned table (bookings, invoices, ...) must reach the table
  through an index condition that comes from the policy (plain index scans priced out too,
  so that reading a whole index in order does not pass for it).
- An admin's newest 20 must come from an index in the list's order: no Seq Scan, no Sort of
  the table.
- The catalog's active offerings, newest first, likewise for anon and signed-in users.

A new big table joins BIG_LISTS with its list's order and the way owners reach it.
bench/reads/ measures the same lists at 2,000,000 bookings.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg
import pytest

from devstack.impersonation import as_request

USER = {"sub": str(uuid.uuid4()), "role": "authenticated", "aud": "authenticated", "user_roles": ["client", "provider"],
        "staff_roles": []}  # fmt: skip
ADMIN = {**USER, "sub": str(uuid.uuid4()), "role": "marketbase_admin", "user_roles": ["admin"]}
ANON = {"role": "anon"}

# table -> the column its lists are ordered by (newest first)
OWNED_LISTS = {
    "bookings": "starts_at",
    "invoices": "issued_at",
    "payments": "created_at",
    "refunds": "created_at",
    "disputes": "created_at",
    "notifications": "created_at",
    "notification_deliveries": "created_at",
    "favorites": "created_at",
    "reactions": "created_at",
    "bookmarks": "created_at",
    "chat_rooms": "created_at",
    "chat_participants": "joined_at",
    "chat_messages": "created_at",
    "chat_templates": "created_at",
    "chat_message_reports": "created_at",
    "jobs": "created_at",
    "job_matches": "published_at",
    "bids": "created_at",
    "job_assignments": "assigned_at",
    "job_disputes": "created_at",
    "lab_samples": "scheduled_at",
    "lab_reports": "created_at",
    "purchases": "created_at",
    "match_cache": "computed_at",
    "provider_ledger": "occurred_at",
    "payment_methods": "created_at",
    "analytics_provider_days": "day",
}
# Admin-only tables (nobody else reads a row): table -> the column their lists are ordered by.
ADMIN_LISTS = {
    "audit_log": "occurred_at",
    "user_blocks": "blocked_at",
}
# Lists read under a parent's filter (PostgREST embeds and `?booking_id=eq.<id>`).
CHILD_LISTS = {
    "booking_items": "booking_id",
    "booking_status_changes": "booking_id",
    "booking_documents": "booking_id",
    "invoice_lines": "invoice_id",
    "comments": "post_id",
    "job_addons": "job_id",
    "job_files": "job_id",
    "job_status_changes": "job_id",
    "bids": "job_id",
    "lab_sample_status_changes": "booking_item_id",
    "lab_results": "booking_item_id",
    "product_files": "offering_id",
    "offering_categories": "offering_id",
}


def explain(conn: psycopg.Connection, claims: dict[str, Any], sql: str, **settings: str) -> dict[str, Any]:
    with as_request(conn, claims, method="GET"):
        for name, value in {"enable_seqscan": "off", **settings}.items():
            conn.execute(f"set local {name} = {value}")
        (rows,) = conn.execute(f"explain (format json) {sql}").fetchone()  # type: ignore[misc]
    return rows[0]["Plan"]


def nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan, *(n for child in plan.get("Plans", []) for n in nodes(child))]


def reaches_by_index_condition(plan: dict[str, Any], table: str) -> bool:
    """Whether the table is read only through index conditions (directly or in a bitmap)."""
    scans = [n for n in nodes(plan) if n.get("Relation Name") == table]
    if not scans:
        return False
    for scan in scans:
        conditions = [scan, *nodes(scan)] if scan["Node Type"] == "Bitmap Heap Scan" else [scan]
        if not any("Index Cond" in n for n in conditions):
            return False
    return True


def read_in_index_order(plan: dict[str, Any], table: str) -> bool:
    kinds = [n["Node Type"] for n in nodes(plan)]
    scans = [n for n in nodes(plan) if n.get("Relation Name") == table]
    in_order = all(n["Node Type"] in ("Index Scan", "Index Only Scan") for n in scans)
    return "Sort" not in kinds and bool(scans) and in_order


@pytest.mark.parametrize("table", sorted(OWNED_LISTS))
def test_a_users_list_is_reached_through_the_policy_by_index(db: psycopg.Connection, table: str) -> None:
    plan = explain(db, USER, f"select * from public.{table}", enable_indexscan="off")
    assert reaches_by_index_condition(plan, table), json.dumps(plan, indent=1)


@pytest.mark.parametrize("table", sorted(OWNED_LISTS))
def test_an_admins_newest_twenty_come_from_an_index_in_order(db: psycopg.Connection, table: str) -> None:
    plan = explain(db, ADMIN, f"select * from public.{table} order by {OWNED_LISTS[table]} desc limit 20")
    assert read_in_index_order(plan, table), json.dumps(plan, indent=1)


@pytest.mark.parametrize("table", sorted(ADMIN_LISTS))
def test_an_admin_only_lists_newest_twenty_come_from_an_index_in_order(db: psycopg.Connection, table: str) -> None:
    plan = explain(db, ADMIN, f"select * from public.{table} order by {ADMIN_LISTS[table]} desc limit 20")
    assert read_in_index_order(plan, table), json.dumps(plan, indent=1)


@pytest.mark.parametrize(("table", "parent"), sorted(CHILD_LISTS.items()))
@pytest.mark.parametrize("claims", [USER, ADMIN], ids=["user", "admin"])
def test_a_child_list_under_its_parent_is_reached_by_index(
    db: psycopg.Connection, table: str, parent: str, claims: dict[str, Any]
) -> None:
    plan = explain(db, claims, f"select * from public.{table} where {parent} = '{uuid.uuid4()}'")
    assert reaches_by_index_condition(plan, table), json.dumps(plan, indent=1)


# Public lists read under a filter: a provider's or an offering's page of reviews, newest first.
# The filter's index reaches the rows (a page is then sorted, or read in order: the planner's
# choice with real statistics); the policy must not turn it into a read of every visible row.
FILTERED_LISTS = {"reviews": ("provider_id", "offering_id")}
# Signed-in lists under a filter: a pet's reports, newest first (the owner's "reports of my pet").
USER_FILTERED_LISTS = {"lab_reports": ("pet_id", "released_at"), "lab_samples": ("pet_id", "scheduled_at")}


@pytest.mark.parametrize(("table", "column", "order"), [(t, c, o) for t, (c, o) in sorted(USER_FILTERED_LISTS.items())])
def test_a_users_list_under_its_filter_is_reached_by_its_index(
    db: psycopg.Connection, table: str, column: str, order: str
) -> None:
    query = f"select * from public.{table} where {column} = '{uuid.uuid4()}' order by {order} desc limit 20"
    plan = explain(db, USER, query)
    assert reaches_by_index_condition(plan, table), json.dumps(plan, indent=1)


@pytest.mark.parametrize(("table", "column"), [(t, c) for t, cs in sorted(FILTERED_LISTS.items()) for c in cs])
@pytest.mark.parametrize("claims", [ANON, USER, ADMIN], ids=["anon", "user", "admin"])
def test_a_public_list_under_its_filter_is_reached_by_its_index(
    db: psycopg.Connection, table: str, column: str, claims: dict[str, Any]
) -> None:
    query = f"select * from public.{table} where {column} = '{uuid.uuid4()}' order by created_at desc limit 20"
    plan = explain(db, claims, query)
    scans = [n for n in nodes(plan) if "Index Cond" in n]
    assert reaches_by_index_condition(plan, table), json.dumps(plan, indent=1)
    assert scans and all(column in n["Index Cond"] for n in scans), json.dumps(plan, indent=1)


@pytest.mark.parametrize("claims", [ANON, USER, ADMIN], ids=["anon", "user", "admin"])
def test_the_newest_published_posts_come_from_an_index(db: psycopg.Connection, claims: dict[str, Any]) -> None:
    newest = (
        "select * from public.posts where status = 'published' and hidden_at is null and deleted_at is null"
        " order by published_at desc limit 20"
    )
    plan = explain(db, claims, newest)
    assert read_in_index_order(plan, "posts") or reaches_by_index_condition(plan, "posts"), json.dumps(plan, indent=1)


@pytest.mark.parametrize("claims", [ANON, USER, ADMIN], ids=["anon", "user", "admin"])
def test_the_newest_active_offerings_come_from_an_index_in_order(
    db: psycopg.Connection, claims: dict[str, Any]
) -> None:
    newest = "select * from public.offerings where status = 'active' order by created_at desc limit 20"
    plan = explain(db, claims, newest)
    assert read_in_index_order(plan, "offerings"), json.dumps(plan, indent=1)


@pytest.mark.parametrize("claims", [USER, ADMIN], ids=["user", "admin"])
def test_the_latest_fifty_messages_of_a_room_come_from_an_index_in_order(
    db: psycopg.Connection, claims: dict[str, Any]
) -> None:
    latest = f"select * from public.chat_messages where room_id = '{uuid.uuid4()}' order by created_at desc limit 50"
    plan = explain(db, claims, latest)
    assert read_in_index_order(plan, "chat_messages"), json.dumps(plan, indent=1)
    scan = next(n for n in nodes(plan) if n.get("Relation Name") == "chat_messages")
    assert "room_id" in scan["Index Cond"], json.dumps(plan, indent=1)


def test_a_users_unread_counts_are_reached_by_index(db: psycopg.Connection) -> None:
    """The unread count is a column kept per participant: one row per room, read by index."""
    unread = (
        "select room_id, unread_count, muted_until from public.chat_participants where user_id = (select auth.uid())"
    )
    plan = explain(db, USER, unread, enable_indexscan="off")
    assert reaches_by_index_condition(plan, "chat_participants"), json.dumps(plan, indent=1)


def test_the_check_catches_a_policy_no_index_can_serve(db: psycopg.Connection) -> None:
    """The admin arm as it was: the planner cannot see through it and reads every row."""
    db.execute("""
        create policy "as it was" on public.invoices for select to authenticated
          using (client_id = (select auth.uid()) or (select private.is_admin()))""")
    plan = explain(db, USER, "select * from public.invoices", enable_indexscan="off")
    assert not reaches_by_index_condition(plan, "invoices")
