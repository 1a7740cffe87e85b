"""Benchmark of issue 5: an announcement to 100,000 users fanned out, and the dispatcher's throughput.

Starts a throwaway PostgreSQL cluster of its own (bench/bookings/run.py's helpers), applies the
platform stand-in and every migration, and generates about 100,000 clients with what the
notifications read (bench/notifications/generate.sql: locales, phones, settings with quiet hours
and digests, preferences, push tokens, suppressed addresses, earlier announcements). Then:

1. **Fan-out.** An admin calls `public.send_announcement` to the topic `all_clients` (through the
   Postgres adapter, impersonated as PostgREST does, with the claims of the real access token
   hook) and the dispatcher's expansion step (`functions.notifications.dispatcher.expand`, which
   calls `service.expand_notifications` as service_role until done) writes the inbox rows and the
   deliveries. Timed end to end; a warm-up run, then --runs runs, each with a fresh outbox row
   whose rows are deleted afterwards and the tables vacuumed. Against the one-by-one baseline:
   the same announcement expanded by a client that works one recipient at a time over one
   connection, in one transaction (per recipient: read the user's preferences, contact data and
   settings, insert the inbox row, insert each delivery, each a statement of its own, prepared
   after five uses; the recipient list and the templates per locale read once, set-based). The
   baseline runs on every recipient unless --baseline-sample says otherwise, in which case its
   time is extrapolated linearly (and RESULTS.md says so). Its rows are compared with the
   set-based run's. Then --fk-runs runs with the foreign keys the inbox and the deliveries do not
   have (added NOT VALID, dropped afterwards), and one more run under auto_explain for the
   EXPLAIN (ANALYZE, BUFFERS) of every statement inside the expansion.
2. **Dispatch.** --emails queued email deliveries (an announcement to users who get it by email
   now, expanded, its other channels cancelled) sent by the real dispatcher
   (`functions.notifications.dispatcher.dispatch` with the `SmtpEmail` adapter) to a real SMTP
   server in this process (aiosmtpd keeping only Message-IDs; `--sink tests` for
   tests/support/smtp_sink.py) by 1, 2 and 4 worker processes at once, each with its own database
   connection (logged in as authenticator, service_role claims) and SMTP connection, as separate
   Lambda invocations would be. Messages per second end to end, per-message latency from the
   claim to its record, CPU per message of the workers, the sink and Postgres, and afterwards:
   every message arrived exactly once at the sink (by Message-ID, which is the delivery id) and
   every delivery is 'sent'. The same for --sms SMS deliveries through `TwilioSms` and the fake
   Twilio (tests/support/fake_twilio.py, a real local HTTP server), on 1 and 4 workers. --rounds
   rounds, interleaved.

    python bench/notifications/run.py             # the full benchmark, about 8 minutes on 2 cores
    python bench/notifications/run.py --quick --no-write   # 10,000 clients, a quick look, printed
    python bench/notifications/run.py --keep      # leave the cluster running afterwards
    python bench/notifications/run.py --only dispatch --emails 2000   # one part, other sizes
    python bench/notifications/run.py --report-only       # write RESULTS.md again from the saved measurements
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bookings import run as bookings  # noqa: E402  (its cluster, schema and reporting helpers)
from devstack.claims import SERVICE_ROLE_CLAIMS, issue_claims  # noqa: E402
from devstack.cluster import SUPERUSER, Cluster  # noqa: E402
from devstack.impersonation import as_request  # noqa: E402
from functions.db.port import Caller  # noqa: E402

HERE = Path(__file__).resolve().parent
GENERATE_SQL = HERE / "generate.sql"
RESULTS_MD = HERE / "RESULTS.md"
PLOT_PNG = HERE / "timings.png"
DEFAULT_DIR = Path("/var/tmp/marketbase-bench/notifications")
RAW_JSON = Path("/var/tmp/marketbase-bench/notifications-measurements.json")  # outside the cluster's directory
DATABASE = bookings.DATABASE
log = bookings.log

CLIENTS = 100_000
PROVIDERS = 2_000
HISTORY = 2  # announcements already sent before the run
TOPIC = "all_clients"
TARGET_SECONDS = 5.0
TARGET_RATIO = 50.0
SENDER = "Marketbase <no-reply@marketbase.test>"
SITE_URL = "http://localhost:3000"
ANNOUNCEMENT = {
    "topic": TOPIC,
    "title": "New: book lab tests at home",
    "body": "Lab tests can now be booked with a home visit in ten more cities. No change to your bookings.",
    "action_url": "/news/home-lab-tests",
    "severity": "info",
}


# -- the data --------------------------------------------------------------------------------------


def generate(cluster: Cluster, clients: int, providers: int) -> list[tuple[str, float]]:
    """generate.sql step by step on one session, each step in its own transaction; then vacuum."""
    timings: list[tuple[str, float]] = []
    with psycopg.connect(cluster.url(SUPERUSER, DATABASE), autocommit=True) as conn:
        conn.execute(f"set bench.clients = {int(clients)}")
        conn.execute(f"set bench.providers = {int(providers)}")
        conn.execute(f"set bench.history = {HISTORY}")
        for name, body in bookings.sql_steps(GENERATE_SQL.read_text()):
            started = time.monotonic()
            try:
                with conn.transaction():
                    conn.execute(body)
            except psycopg.Error as error:
                raise SystemExit(f"notifications/generate.sql, step {name!r}: {error}") from None
            timings.append((name, time.monotonic() - started))
            log(f"generate: {name} {timings[-1][1]:.1f}s")
        started = time.monotonic()
        conn.execute("vacuum (analyze)")
        timings.append(("vacuum (analyze)", time.monotonic() - started))
    return timings


COUNTED = (
    "auth.users",
    "public.profiles",
    "public.profile_details",
    "public.user_roles",
    "public.notification_settings",
    "public.notification_preferences",
    "public.push_tokens",
    "private.email_suppressions",
    "private.notification_outbox",
    "public.notifications",
    "public.notification_deliveries",
)


def describe(conn: psycopg.Connection) -> dict[str, Any]:
    tables = []
    for name in COUNTED:
        (rows,) = conn.execute(f"select count(*) from {name}").fetchone()  # type: ignore[misc]
        (total,) = conn.execute("select pg_total_relation_size(%s::regclass)", (name,)).fetchone()  # type: ignore[misc]
        tables.append({"table": name, "rows": rows, "total": total})
    mix = conn.execute(
        """
        select
          (select count(*) from public.user_roles where role = 'client'),
          (select count(*) from public.profile_details d join public.user_roles r on r.user_id = d.user_id
            and r.role = 'client' where d.phone is not null),
          (select count(distinct user_id) from public.push_tokens),
          (select count(*) from public.notification_settings where quiet_hours_start is not null),
          (select count(*) from public.notification_settings where digest_enabled),
          (select count(*) from public.notification_preferences where category = 'announcements' and channel = 'email'
            and enabled),
          (select count(*) from public.notification_preferences where category = 'announcements' and channel = 'push'
            and enabled),
          (select count(*) from public.notification_preferences where category = 'announcements' and channel = 'sms'
            and enabled),
          (select count(*) from public.notification_preferences where category = 'announcements' and channel = 'in_app'
            and not enabled)
        """
    ).fetchone()
    locales = conn.execute(
        "select d.locale, count(*) from public.profile_details d join public.user_roles r on r.user_id = d.user_id"
        " and r.role = 'client' group by 1 order by 2 desc"
    ).fetchall()
    keys = ("clients", "phones", "push_users", "quiet_hours", "digest", "email_opt_in", "push_opt_in", "sms_opt_in")
    return {
        "tables": tables,
        "mix": dict(zip((*keys, "inbox_muted"), mix or (), strict=True)),
        "locales": [list(r) for r in locales],
        "database_size": conn.execute("select pg_database_size(current_database())").fetchone()[0],  # type: ignore[index]
    }


def cpu_times() -> list[int]:
    """The machine's CPU time counters (user, nice, system, idle, iowait, irq, softirq, steal)."""
    with open("/proc/stat") as stat:
        return [int(n) for n in stat.readline().split()[1:9]]


def steal_since(before: list[int]) -> float:
    spent = [b - a for a, b in zip(before, cpu_times(), strict=True)]
    return 100 * spent[7] / max(1, sum(spent))


# -- fan-out ---------------------------------------------------------------------------------------


@dataclass
class FanOut:
    """One announcement expanded, set-based (the real path) or one by one (the baseline)."""

    method: str  # 'set-based' | 'one-by-one'
    outbox_id: int
    recipients: int = 0
    send: float = 0.0  # seconds in send_announcement
    expand: float = 0.0  # seconds expanding
    statements: int = 0  # baseline: statements sent
    processed: int = 0  # baseline: recipients processed (fewer than recipients when sampled)
    rows: dict[str, int] = field(default_factory=dict)
    load: float = 0.0
    steal: float = 0.0
    cleanup: float = 0.0

    @property
    def total(self) -> float:
        return self.send + self.expand

    @property
    def extrapolated_expand(self) -> float:
        """The baseline's expansion time for every recipient (linear in the recipients)."""
        if not self.processed or self.processed == self.recipients:
            return self.expand
        return self.expand * self.recipients / self.processed


def database(url: str, pool_size: int = 1) -> Any:
    from devstack.postgres_adapter import PostgresDatabase

    return PostgresDatabase(url, pool_size=pool_size, timeout=600)


def admin_caller(conn: psycopg.Connection) -> Caller:
    (admin_id,) = conn.execute("select user_id from public.user_roles where role = 'admin' limit 1").fetchone()  # type: ignore[misc]
    return Caller(token="bench", claims=issue_claims(conn, str(admin_id)))


def announce(db: Any, admin: Caller) -> tuple[int, float]:
    started = time.perf_counter()
    outbox_id = db.rpc("send_announcement", ANNOUNCEMENT, caller=admin)
    return int(outbox_id), time.perf_counter() - started


def expand_set_based(db: Any) -> tuple[int, float]:
    """The dispatcher's expansion step: service.expand_notifications until done."""
    from functions.notifications.dispatcher import expand

    started = time.perf_counter()
    expanded = expand(db, float("inf"), time.monotonic)
    return expanded, time.perf_counter() - started


def count_rows(conn: psycopg.Connection, outbox_id: int) -> dict[str, int]:
    rows: dict[str, int] = {}
    (rows["inbox"],) = conn.execute(  # type: ignore[misc]
        "select count(*) from public.notifications where outbox_id = %s", (outbox_id,)
    ).fetchone()
    (rows["recipients"],) = conn.execute(  # type: ignore[misc]
        "select coalesce(recipient_count, 0) from private.notification_outbox where id = %s", (outbox_id,)
    ).fetchone()
    for channel, state, n in conn.execute(
        """
        select d.channel::text,
               case when d.status = 'skipped' then 'skipped (suppressed)'
                    when d.digest then 'digest'
                    when d.next_attempt_at > o.expanded_at then 'held (quiet hours)'
                    else 'due now' end,
               count(*)
        from public.notification_deliveries d join private.notification_outbox o on o.id = d.outbox_id
        where d.outbox_id = %s group by 1, 2
        """,
        (outbox_id,),
    ).fetchall():
        rows[f"{channel}: {state}"] = n
        rows[channel] = rows.get(channel, 0) + n
    rows["deliveries"] = sum(rows.get(c, 0) for c in ("email", "sms", "push"))
    return rows


def remove(conn: psycopg.Connection, outbox_ids: list[int]) -> float:
    """The outbox rows and what they became, then vacuum, so every run starts alike. (The inbox and
    the deliveries have no foreign key to the outbox: their rows are deleted here, explicitly.)"""
    started = time.perf_counter()
    with conn.transaction():
        conn.execute("delete from public.notifications where outbox_id = any(%s)", (outbox_ids,))
        conn.execute("delete from public.notification_deliveries where outbox_id = any(%s)", (outbox_ids,))
        conn.execute("delete from private.notification_outbox where id = any(%s)", (outbox_ids,))
    conn.execute("vacuum (analyze) public.notifications, public.notification_deliveries, private.notification_outbox")
    return time.perf_counter() - started


def run_set_based(db: Any, admin: Caller, owner: psycopg.Connection) -> FanOut:
    load, before = os.getloadavg()[0], cpu_times()
    outbox_id, send = announce(db, admin)
    expanded, expand = expand_set_based(db)
    if expanded < 1:
        raise SystemExit(f"expand_notifications expanded nothing (outbox {outbox_id})")
    run = FanOut("set-based", outbox_id, send=send, expand=expand, load=load, steal=steal_since(before))
    run.rows = count_rows(owner, outbox_id)
    run.recipients = run.processed = run.rows["recipients"]
    return run


# The foreign keys the inbox and deliveries migrations leave out (for speed, their headers
# says): added NOT VALID for a measurement of what they would cost, then dropped.
FOREIGN_KEYS = (
    ("public.notifications", "(user_id) references public.profiles (id) on delete cascade"),
    ("public.notifications", "(outbox_id) references private.notification_outbox (id) on delete cascade"),
    ("public.notification_deliveries", "(user_id) references public.profiles (id) on delete cascade"),
    ("public.notification_deliveries", "(outbox_id) references private.notification_outbox (id) on delete cascade"),
    ("public.notification_deliveries", "(push_token_id) references public.push_tokens (id) on delete set null"),
)


def run_with_foreign_keys(db: Any, admin: Caller, owner: psycopg.Connection, runs: int) -> list[FanOut]:
    """Fan-out runs with the foreign keys in place; none when the tables have foreign keys already."""
    (existing,) = owner.execute(  # type: ignore[misc]
        "select count(*) from pg_constraint where contype = 'f'"
        " and conrelid in ('public.notifications'::regclass, 'public.notification_deliveries'::regclass)"
    ).fetchone()
    if existing:
        return []
    for n, (table, definition) in enumerate(FOREIGN_KEYS):
        owner.execute(f"alter table {table} add constraint bench_fk_{n} foreign key {definition} not valid")
    measured = []
    try:
        for _ in range(runs):
            run = run_set_based(db, admin, owner)
            run.method = "set-based, with foreign keys"
            remove(owner, [run.outbox_id])
            measured.append(run)
    finally:
        for n, (table, _) in enumerate(FOREIGN_KEYS):
            owner.execute(f"alter table {table} drop constraint bench_fk_{n}")
    return measured


# The baseline: what a loop over recipients does, statement by statement.
BASELINE_JOB_SQL = """
select o.event_type, o.topic, o.recipient_ids, o.data, e.priority, c.key, c.critical,
       coalesce(o.data ->> 'severity', e.severity::text),
       e.priority <= coalesce((private.setting('notifications.digest_max_priority'))::smallint, 4)
         and not c.critical and c.key <> 'digest'
from private.notification_outbox o
join public.notification_event_types e on e.key = o.event_type
join public.notification_categories c on c.key = e.category
where o.id = %s and o.status = 'pending'
for update of o
"""
BASELINE_RECIPIENTS_SQL = """
select r from unnest(%(ids)s::uuid[]) r
union
select m from private.topic_members(%(topic)s) m where %(topic)s is not null
"""
BASELINE_TEMPLATES_SQL = """
select ch.channel::text,
       private.render_template(t.title, %(data)s, '{recipient_name}'),
       private.render_template(t.body, %(data)s, '{recipient_name}'),
       coalesce(private.render_template(t.action_url, %(data)s, '{recipient_name}'), %(data)s ->> 'action_url')
from unnest(enum_range(null::public.notification_channel)) ch (channel)
cross join lateral private.pick_template(%(event)s, ch.channel, %(locale)s) t
"""
BASELINE_PERSON_SQL = """
select p.display_name, coalesce(d.locale, 'en'), nullif(u.email, ''), d.phone,
       s.timezone, s.quiet_hours_start, s.quiet_hours_end, coalesce(s.digest_enabled, false), s.digest_hour,
       private.wants_notification(p.id, %(category)s, 'in_app'),
       private.wants_notification(p.id, %(category)s, 'email'),
       private.wants_notification(p.id, %(category)s, 'sms'),
       private.wants_notification(p.id, %(category)s, 'push'),
       (select es.reason from private.email_suppressions es where es.address = lower(u.email))
from public.profiles p
left join public.profile_details d on d.user_id = p.id
left join auth.users u on u.id = p.id
left join public.notification_settings s on s.user_id = p.id
where p.id = %(user_id)s
"""
BASELINE_INBOX_SQL = """
insert into public.notifications (
  user_id, outbox_id, event_type, category, title, body, action_url, data, severity, priority)
values (%(user_id)s, %(outbox_id)s, %(event)s, %(category)s, %(title)s, %(body)s, %(action_url)s, %(data)s,
        %(severity)s::public.notification_severity, %(priority)s)
"""
BASELINE_TOKENS_SQL = "select id, token from public.push_tokens where user_id = %s"
BASELINE_DELIVERY_SQL = """
insert into public.notification_deliveries (
  outbox_id, user_id, channel, destination, push_token_id, locale, priority, status, next_attempt_at, digest,
  last_error)
values (%(outbox_id)s, %(user_id)s, %(channel)s::public.notification_channel, %(destination)s, %(token_id)s,
        %(locale)s, %(priority)s,
        case when %(suppressed)s::text is null then 'queued' else 'skipped' end::public.notification_delivery_status,
        case when %(suppressed)s::text is not null then now()
             when %(digest)s then private.next_digest_at(now(), %(timezone)s, %(digest_hour)s::smallint)
             when %(critical)s or %(quiet_start)s::time is null then now()
             else private.after_quiet_hours(now(), %(timezone)s, %(quiet_start)s::time, %(quiet_end)s::time) end,
        %(digest)s and %(suppressed)s::text is null, 'suppressed: ' || %(suppressed)s::text)
"""


def run_one_by_one(
    url: str, admin: Caller, db: Any, owner: psycopg.Connection, sample: int | None, seed: int
) -> FanOut:
    """The baseline: the same announcement, expanded one recipient at a time over one connection."""
    load, before = os.getloadavg()[0], cpu_times()
    outbox_id, send = announce(db, admin)
    statements = 0
    with psycopg.connect(url, autocommit=True) as conn:  # prepare_threshold 5: psycopg prepares repeated statements
        started = time.perf_counter()
        with conn.transaction():
            job = conn.execute(BASELINE_JOB_SQL, (outbox_id,)).fetchone()
            assert job is not None, outbox_id
            event, topic, ids, data, priority, category, critical, severity, digestible = job
            recipients = [r[0] for r in conn.execute(BASELINE_RECIPIENTS_SQL, {"ids": ids, "topic": topic})]
            statements += 2
            chosen = recipients
            if sample is not None and sample < len(recipients):
                chosen = random.Random(seed).sample(recipients, sample)
            templates: dict[str, dict[str, tuple[str, str, str | None]]] = {}
            for user_id in chosen:
                person = conn.execute(BASELINE_PERSON_SQL, {"category": category, "user_id": user_id}).fetchone()
                statements += 1
                if person is None:
                    continue
                name, locale, email, phone, tz, quiet_start, quiet_end, digest_on, digest_hour = person[:9]
                wants_inbox, wants_email, wants_sms, wants_push, suppressed = person[9:]
                if locale not in templates:
                    rows = conn.execute(
                        BASELINE_TEMPLATES_SQL, {"data": Jsonb(data), "event": event, "locale": locale}
                    ).fetchall()
                    templates[locale] = {r[0]: (r[1], r[2], r[3]) for r in rows}
                    statements += 1
                texts = templates[locale]
                if wants_inbox and "in_app" in texts:
                    title, body, action_url = ((t or "").replace("{{recipient_name}}", name) for t in texts["in_app"])
                    conn.execute(
                        BASELINE_INBOX_SQL,
                        {
                            "user_id": user_id,
                            "outbox_id": outbox_id,
                            "event": event,
                            "category": category,
                            "title": title,
                            "body": body,
                            "action_url": action_url or None,
                            "data": Jsonb(data),
                            "severity": severity,
                            "priority": priority,
                        },
                    )
                    statements += 1
                common = {
                    "outbox_id": outbox_id,
                    "user_id": user_id,
                    "locale": locale,
                    "priority": priority,
                    "critical": critical,
                    "timezone": tz,
                    "quiet_start": quiet_start,
                    "quiet_end": quiet_end,
                    "digest_hour": digest_hour,
                }
                outgoing: list[dict[str, Any]] = []
                if wants_email and email and "email" in texts:
                    outgoing.append(
                        {
                            "channel": "email",
                            "destination": email,
                            "token_id": None,
                            "digest": bool(digestible and digest_on),
                            "suppressed": suppressed,
                        }
                    )
                if wants_sms and phone and "sms" in texts:
                    outgoing.append(
                        {"channel": "sms", "destination": phone, "token_id": None, "digest": False, "suppressed": None}
                    )
                if wants_push and "push" in texts:
                    tokens = conn.execute(BASELINE_TOKENS_SQL, (user_id,)).fetchall()
                    statements += 1
                    for token_id, token in tokens:
                        outgoing.append(
                            {
                                "channel": "push",
                                "destination": token,
                                "token_id": token_id,
                                "digest": False,
                                "suppressed": None,
                            }
                        )
                for delivery in outgoing:
                    conn.execute(BASELINE_DELIVERY_SQL, {**common, **delivery})
                    statements += 1
            conn.execute(
                "update private.notification_outbox set status = 'expanded', expanded_at = now(), recipient_count = %s"
                " where id = %s",
                (len(chosen), outbox_id),
            )
            statements += 1
        expand = time.perf_counter() - started
    run = FanOut(
        "one-by-one",
        outbox_id,
        recipients=len(recipients),
        send=send,
        expand=expand,
        statements=statements,
        processed=len(chosen),
        load=load,
        steal=steal_since(before),
    )
    run.rows = count_rows(owner, outbox_id)
    return run


COMPARE_SQL = """
with inbox_a as (
  select user_id, event_type, category, title, body, action_url, data - 'sent_by' as data, severity, priority
  from public.notifications where outbox_id = %(a)s and user_id in (select user_id from public.notifications
    where outbox_id = %(b)s union select user_id from public.notification_deliveries where outbox_id = %(b)s)
), inbox_b as (
  select user_id, event_type, category, title, body, action_url, data - 'sent_by' as data, severity, priority
  from public.notifications where outbox_id = %(b)s
), out_a as (
  select d.user_id, d.channel, d.destination, d.push_token_id, d.locale, d.priority, d.status, d.digest, d.last_error,
         case when d.next_attempt_at > o.expanded_at then d.next_attempt_at end as held_until
  from public.notification_deliveries d join private.notification_outbox o on o.id = d.outbox_id
  where d.outbox_id = %(a)s and d.user_id in (select user_id from public.notifications where outbox_id = %(b)s
    union select user_id from public.notification_deliveries where outbox_id = %(b)s)
), out_b as (
  select d.user_id, d.channel, d.destination, d.push_token_id, d.locale, d.priority, d.status, d.digest, d.last_error,
         case when d.next_attempt_at > o.expanded_at then d.next_attempt_at end as held_until
  from public.notification_deliveries d join private.notification_outbox o on o.id = d.outbox_id
  where d.outbox_id = %(b)s
)
select
  (select count(*) from inbox_b),
  (select count(*) from (select * from inbox_a except all select * from inbox_b) x)
    + (select count(*) from (select * from inbox_b except all select * from inbox_a) x),
  (select count(*) from out_b),
  (select count(*) from (select * from out_a except all select * from out_b) x)
    + (select count(*) from (select * from out_b except all select * from out_a) x),
  (select count(*) from (select user_id, channel, destination, status, digest from out_a
                         except all select user_id, channel, destination, status, digest from out_b) x)
    + (select count(*) from (select user_id, channel, destination, status, digest from out_b
                             except all select user_id, channel, destination, status, digest from out_a) x)
"""


def compare(conn: psycopg.Connection, set_based: int, one_by_one: int, sampled: bool) -> dict[str, Any]:
    """Whether the baseline wrote what the set-based expansion wrote, for the recipients it did.
    Users the baseline processed but wrote nothing for are not compared when sampled (the
    set-based run wrote nothing for them either, or their rows show as differences)."""
    row = conn.execute(COMPARE_SQL, {"a": set_based, "b": one_by_one}).fetchone()
    assert row is not None
    inbox, inbox_diff, deliveries, deliveries_diff, without_hold_diff = row
    return {
        "inbox_compared": inbox,
        "inbox_differences": inbox_diff,
        "deliveries_compared": deliveries,
        "deliveries_differences": deliveries_diff,
        "deliveries_differences_ignoring_hold_times": without_hold_diff,
        "sampled": sampled,
    }


# EXPLAIN (ANALYZE, BUFFERS) of what runs inside the expansion, through auto_explain.
AUTO_EXPLAIN = {
    "log_min_duration": "0",
    "log_analyze": "on",
    "log_buffers": "on",
    "log_timing": "on",
    "log_nested_statements": "on",
    "log_format": "text",
    "log_level": "notice",
}


def expansion_plans(cluster: Cluster, db: Any, admin: Caller) -> tuple[int, list[tuple[int, str, float]]]:
    """One more announcement, expanded in a superuser session impersonating service_role with
    auto_explain on. Identical plans (numbers aside) are grouped: (times, first plan, total ms)."""
    outbox_id, _ = announce(db, admin)
    notices: list[str] = []
    with psycopg.connect(cluster.url(SUPERUSER, DATABASE), autocommit=True) as conn:
        conn.execute("load 'auto_explain'")
        for key, value in AUTO_EXPLAIN.items():
            conn.execute(f"set auto_explain.{key} = {value}")
        conn.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
        with as_request(conn, SERVICE_ROLE_CLAIMS, schema="service") as c:
            c.execute("select service.expand_notifications(20)").fetchone()
        conn.execute("set auto_explain.log_min_duration = -1")
    groups: dict[str, list[Any]] = {}
    for notice in notices:
        if "set_config(" in notice or "plan:" not in notice:
            continue
        head, body = notice.split("plan:", 1)
        body = body.strip("\n")
        match = re.search(r"duration: ([\d.]+) ms", head)  # the whole statement, data-modifying CTEs included
        ms = float(match.group(1)) if match else 0.0
        shape = re.sub(r"\d+(\.\d+)?", "#", body)
        shape = re.sub(r"'[^']*'", "'…'", shape)
        if shape in groups:
            groups[shape][0] += 1
            groups[shape][2] += ms
        else:
            groups[shape] = [1, body, ms]
    return outbox_id, [(n, body, ms) for n, body, ms in groups.values()]


# -- dispatch --------------------------------------------------------------------------------------


@dataclass
class Pass:
    """One dispatch pass: `workers` processes draining `messages` deliveries of one channel."""

    channel: str
    workers: int
    messages: int
    variant: str = ""  # a variant of the channel's pass, shown beside its name (none at present)
    outbox_id: int = 0
    wall: float = 0.0
    load: float = 0.0
    steal: float = 0.0
    summaries: list[dict[str, Any]] = field(default_factory=list)
    # per message: [claim started, send started, send ended, record ended] (monotonic seconds)
    timings: dict[str, list[float]] = field(default_factory=dict)
    claims: list[list[float]] = field(default_factory=list)  # per claim call: [seconds, rows]
    check: dict[str, Any] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds during the pass: busy (all), sink, workers

    @property
    def rate(self) -> float:
        return self.messages / self.wall if self.wall else 0.0

    def latencies(self, which: str) -> list[float]:
        """ms per message: 'claim→record' (claim call started to its record returned, so waiting
        behind the batch's earlier messages included) or 'send→record' (its own send and record)."""
        start = 0 if which == "claim→record" else 1
        return [(t[3] - t[start]) * 1000 for t in self.timings.values()]

    def part(self, which: str) -> list[float]:
        """ms per message of one part: 'send' (render excluded) or 'record'."""
        if which == "send":
            return [(t[2] - t[1]) * 1000 for t in self.timings.values()]
        return [(t[3] - t[2]) * 1000 for t in self.timings.values()]


class TimedDatabase:
    """The worker's Database, noting when each delivery was claimed and recorded."""

    def __init__(self, inner: Any, timings: dict[str, list[float]], claims: list[list[float]]) -> None:
        self.inner = inner
        self.timings = timings
        self.claims = claims
        self.sending: dict[str, tuple[float, float]] = {}

    def rpc(
        self,
        function: str,
        params: Mapping[str, Any] | None = None,
        *,
        schema: str = "public",
        caller: Caller | None = None,
    ) -> Any:
        started = time.monotonic()
        result = self.inner.rpc(function, params, schema=schema, caller=caller)
        ended = time.monotonic()
        if function == "claim_deliveries":
            self.claims.append([ended - started, len(result or [])])
            for row in result or []:
                self.timings[str(row["delivery_id"])] = [started, 0.0, 0.0, 0.0]
        elif function == "record_delivery" and params is not None:
            times = self.timings[str(params["delivery_id"])]
            times[1], times[2] = self.sending.pop(str(params["delivery_id"]), (started, started))
            times[3] = ended
        return result


class TimedChannel:
    """An adapter, noting when each send started and ended."""

    def __init__(self, inner: Any, db: TimedDatabase) -> None:
        self.inner = inner
        self.provider = inner.provider
        self.db = db

    def send(self, message: Any) -> Any:
        started = time.monotonic()
        result = self.inner.send(message)
        self.db.sending[message.delivery_id] = (started, time.monotonic())
        return result


def worker_main(
    index: int, dsn: str, channel: str, adapter: dict[str, Any], batch_size: int, ready: Any, start: Any, results: Any
) -> None:
    """One dispatcher process (a Lambda invocation): its own database and provider connections."""
    from functions.notifications.dispatcher import dispatch

    db = database(dsn)
    db.rpc("expand_notifications", {"max_rows": 0}, schema="service")  # opens the connection
    if channel == "email":
        from functions.notifications.channels.smtp_email import SmtpEmail

        sender: Any = SmtpEmail(adapter["host"], adapter["port"], SENDER)
    else:
        from functions.notifications.channels.twilio_sms import TwilioSms

        sender = TwilioSms(
            adapter["account_sid"], adapter["auth_token"], from_number=adapter["from_number"], base_url=adapter["url"]
        )
    timings: dict[str, list[float]] = {}
    claims: list[list[float]] = []
    timed = TimedDatabase(db, timings, claims)
    ready.put(index)
    start.wait()
    cpu = time.process_time()
    summary = dispatch(
        timed,
        {channel: TimedChannel(sender, timed)},
        f"bench-worker-{index}",
        budget_seconds=900,
        batch_size=batch_size,
        lease_seconds=900,
        site_url=SITE_URL,
    )
    summary["ended"] = time.monotonic()
    summary["cpu"] = time.process_time() - cpu
    results.put({"summary": summary, "timings": timings, "claims": claims})
    if hasattr(sender, "close"):
        sender.close()
    db.close()


DISPATCH_RECIPIENTS_SQL = {
    # Users who get the announcement by email now: opted in, no quiet hours, no digest, not suppressed.
    "email": """
        select w.user_id
        from private.wanted_channels(
          'announcements', array(select user_id from public.user_roles where role = 'client')) w
        join auth.users u on u.id = w.user_id
        left join public.notification_settings s on s.user_id = w.user_id
        where w.channel = 'email' and s.quiet_hours_start is null and not coalesce(s.digest_enabled, false)
          and not exists (select 1 from private.email_suppressions es where es.address = lower(u.email))
        order by md5(w.user_id::text || %(seed)s) limit %(count)s
    """,
    # ... by SMS now: opted in, a phone, no quiet hours.
    "sms": """
        select w.user_id
        from private.wanted_channels(
          'announcements', array(select user_id from public.user_roles where role = 'client')) w
        join public.profile_details d on d.user_id = w.user_id and d.phone is not null
        left join public.notification_settings s on s.user_id = w.user_id
        where w.channel = 'sms' and s.quiet_hours_start is null
        order by md5(w.user_id::text || %(seed)s) limit %(count)s
    """,
}


def queue_deliveries(owner: psycopg.Connection, db: Any, channel: str, count: int, tag: str) -> tuple[int, int]:
    """An announcement to `count` users who get it on `channel` now, expanded, its deliveries on
    other channels cancelled: `count` queued deliveries of one channel. (outbox id, queued)."""
    users = [r[0] for r in owner.execute(DISPATCH_RECIPIENTS_SQL[channel], {"seed": tag, "count": count})]
    if len(users) < count:
        raise SystemExit(f"only {len(users)} users get announcements by {channel} now: lower the count")
    (outbox_id,) = owner.execute(  # type: ignore[misc]
        "select private.enqueue_notification('announcement', %s, %s, %s)",
        (f"bench:dispatch:{tag}", users, Jsonb({k: ANNOUNCEMENT[k] for k in ("title", "body", "action_url")})),
    ).fetchone()
    expand_set_based(db)
    owner.execute(
        "update public.notification_deliveries set status = 'cancelled' where outbox_id = %s and channel <> %s",
        (outbox_id, channel),
    )
    (queued,) = owner.execute(  # type: ignore[misc]
        "select count(*) from public.notification_deliveries where outbox_id = %s and status = 'queued'"
        " and not digest and next_attempt_at <= now()",
        (outbox_id,),
    ).fetchone()
    (others,) = owner.execute(  # type: ignore[misc]
        "select count(*) from public.notification_deliveries where status in ('queued', 'failed', 'sending')"
        " and not digest and outbox_id <> %s",
        (outbox_id,),
    ).fetchone()
    if queued != count or others:
        raise SystemExit(f"expected {count} queued {channel} deliveries and no others, found {queued} and {others}")
    return outbox_id, queued


def run_pass(
    measured: Pass, cluster: Cluster, dsn: str, adapter: dict[str, Any], batch_size: int, context: Any
) -> None:
    ready, results, start = context.Queue(), context.Queue(), context.Event()
    processes = [
        context.Process(
            target=worker_main,
            args=(i, dsn, measured.channel, adapter, batch_size, ready, start, results),
            name=f"bench-dispatch-{i}",
            daemon=True,  # never outlives the benchmark
        )
        for i in range(measured.workers)
    ]
    for process in processes:
        process.start()
    try:
        wait_for_all(ready, processes, 120, "start")
        time.sleep(0.2)
        measured.load, before = os.getloadavg()[0], cpu_times()
        own, database_cpu = process_cpu(), postgres_cpu(cluster)
        started = time.monotonic()
        start.set()
        outputs = wait_for_all(results, processes, 900, "finish")
        measured.wall = max(o["summary"]["ended"] for o in outputs) - started
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
    time.sleep(0.3)  # the workers' backends exit and are reaped: their CPU time moves to the postmaster's children
    measured.steal = steal_since(before)
    spent = [b - a for a, b in zip(before, cpu_times(), strict=True)]
    tick = os.sysconf("SC_CLK_TCK")
    measured.cpu = {
        "window": time.monotonic() - started,
        "busy": (sum(spent) - spent[3] - spent[4]) / tick,  # all but idle and iowait, every core
        "sink": process_cpu() - own,  # this process: the SMTP sink's or the fake Twilio's thread
        "workers": sum(o["summary"]["cpu"] for o in outputs),
        "postgres": postgres_cpu(cluster) - database_cpu,
    }
    for output in outputs:
        output["summary"].pop("ended")
        output["summary"].pop("cpu")
        measured.summaries.append(output["summary"])
        measured.timings.update(output["timings"])
        measured.claims.extend(output["claims"])


def postgres_cpu(cluster: Cluster) -> float:
    """CPU seconds of the cluster: the postmaster, its live children, and the children it reaped."""
    postmaster = int((cluster.data_dir / "postmaster.pid").read_text().split()[0])
    tick = os.sysconf("SC_CLK_TCK")

    def stat(pid: int | str) -> list[str]:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
        return text[text.rindex(")") + 2 :].split()  # from field 3 (state) on

    fields = stat(postmaster)
    total = sum(int(n) for n in fields[11:15])  # utime, stime, cutime, cstime
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = stat(entry)
        except OSError:
            continue
        if int(fields[1]) == postmaster:  # ppid
            total += int(fields[11]) + int(fields[12])
    return total / tick


def process_cpu() -> float:
    """CPU seconds this process has used, every thread."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def wait_for_all(queue: Any, processes: list[Any], timeout: float, what: str) -> list[Any]:
    """One item from each worker, failing fast when a worker dies instead (its traceback is on stderr)."""
    import queue as queues

    items: list[Any] = []
    deadline = time.monotonic() + timeout
    while len(items) < len(processes):
        try:
            items.append(queue.get(timeout=0.5))
        except queues.Empty:
            dead = [p.name for p in processes if p.exitcode not in (None, 0)]
            if dead:
                raise SystemExit(f"dispatch worker {', '.join(dead)} failed before it could {what}") from None
            if time.monotonic() > deadline:
                raise SystemExit(f"dispatch workers did not {what} within {timeout:.0f} s") from None
    return items


class LeanSink:
    """A real SMTP server (aiosmtpd's Controller, its own thread and event loop) that keeps only each
    message's Message-ID: none of tests/support/smtp_sink.py's parsing, so that the benchmark's
    CPU goes to the dispatcher rather than to the sink. `--sink tests` uses that one instead."""

    MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.I | re.M)

    def __init__(self) -> None:
        self.message_ids: list[str | None] = []
        self.host = "127.0.0.1"
        self.port = bookings.free_port()
        self.controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        raw = envelope.original_content or envelope.content
        found = self.MESSAGE_ID.search(raw if isinstance(raw, bytes) else str(raw).encode())
        self.message_ids.append(found.group(1).decode() if found else None)
        return "250 2.0.0 Ok: queued"

    def __enter__(self) -> LeanSink:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname=self.host, port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()

    def received(self) -> list[str | None]:
        return list(self.message_ids)

    def clear(self) -> None:
        self.message_ids.clear()


def received_ids(sink: Any) -> list[str | None]:
    """The Message-IDs a sink accepted, one per message (tests/support/smtp_sink.py's or LeanSink)."""
    return sink.received() if isinstance(sink, LeanSink) else [r.message_id for r in sink.receipts]


def check_email(owner: psycopg.Connection, measured: Pass, sink: Any) -> dict[str, Any]:
    """Every delivery 'sent', and its message at the sink exactly once (Message-ID = delivery id)."""
    ids = [
        str(r[0])
        for r in owner.execute(
            "select id from public.notification_deliveries where outbox_id = %s and channel = 'email'",
            (measured.outbox_id,),
        )
    ]
    statuses: dict[str, int] = dict(
        owner.execute(
            "select status::text, count(*) from public.notification_deliveries"
            " where outbox_id = %s and channel = 'email' group by 1",
            (measured.outbox_id,),
        ).fetchall()
    )
    domain = SENDER.rpartition("@")[2].rstrip(">")
    received = Counter(received_ids(sink))
    expected = {f"<{i}@{domain}>" for i in ids}
    return {
        "deliveries": len(ids),
        "statuses": statuses,
        "received": sum(received.values()),
        "exactly_once": sum(1 for m in expected if received.get(m) == 1),
        "missing": sum(1 for m in expected if m not in received),
        "duplicated": sum(1 for m in expected if received.get(m, 0) > 1),
        "unexpected": sum(n for m, n in received.items() if m not in expected),
        "claimed_by_workers": len({s["worker"] for s in measured.summaries if s["claimed"]}),
    }


def check_sms(owner: psycopg.Connection, measured: Pass, fake: Any) -> dict[str, Any]:
    """Every delivery 'sent' with the sid Twilio gave, each phone's message accepted exactly once."""
    rows = owner.execute(
        "select destination, provider_message_id from public.notification_deliveries"
        " where outbox_id = %s and channel = 'sms'",
        (measured.outbox_id,),
    ).fetchall()
    statuses: dict[str, int] = dict(
        owner.execute(
            "select status::text, count(*) from public.notification_deliveries where outbox_id = %s and channel = 'sms'"
            " group by 1",
            (measured.outbox_id,),
        ).fetchall()
    )
    received = Counter(m["to"] for m in fake.sent)
    sids = {m["sid"] for m in fake.sent}
    return {
        "deliveries": len(rows),
        "statuses": statuses,
        "received": sum(received.values()),
        "exactly_once": sum(1 for phone, _ in rows if received.get(phone) == 1),
        "missing": sum(1 for phone, _ in rows if phone not in received),
        "duplicated": sum(1 for phone, _ in rows if received.get(phone, 0) > 1),
        "unexpected": sum(n for phone, n in received.items() if phone not in {p for p, _ in rows}),
        "sid_recorded": sum(1 for _, sid in rows if sid in sids),
        "claimed_by_workers": len({s["worker"] for s in measured.summaries if s["claimed"]}),
    }


def dispatch_passes(
    cluster: Cluster,
    db: Any,
    owner: psycopg.Connection,
    plan: list[tuple[str, int, int, str]],
    batch_size: int,
    sink_kind: str,
) -> list[Pass]:
    from tests.support.fake_twilio import FakeTwilio
    from tests.support.smtp_sink import SmtpSink

    context = multiprocessing.get_context("spawn")
    dsn = cluster.url("authenticator", DATABASE)
    passes: list[Pass] = []
    with SmtpSink() if sink_kind == "tests" else LeanSink() as sink, FakeTwilio() as fake:
        adapters = {
            "email": {"host": sink.host, "port": sink.port},
            "sms": {
                "account_sid": fake.account_sid,
                "auth_token": fake.auth_token,
                "from_number": fake.from_number,
                "url": fake.url,
            },
        }
        for n, (channel, workers, messages, variant) in enumerate(plan):
            measured = Pass(channel, workers, messages, variant)
            measured.outbox_id, _ = queue_deliveries(owner, db, channel, messages, f"{n}")
            sink.clear()
            fake.sent.clear()
            run_pass(measured, cluster, dsn, adapters[channel], batch_size, context)
            measured.check = (check_email if channel == "email" else check_sms)(
                owner, measured, sink if channel == "email" else fake
            )
            passes.append(measured)
            lat = measured.latencies("claim→record")
            own = measured.latencies("send→record")
            log(
                f"dispatch {label(measured)} × {workers}: {messages} in {measured.wall:.2f} s,"
                f" {measured.rate:.0f}/s; claim→record p50 {percentile(lat, 0.5):.1f} ms"
                f" p95 {percentile(lat, 0.95):.1f} ms; send→record p50 {percentile(own, 0.5):.2f} ms"
                f" (send {percentile(measured.part('send'), 0.5):.2f},"
                f" record {percentile(measured.part('record'), 0.5):.2f}; load {measured.load:.2f})"
            )
            log(f"    check: {measured.check}")
            remove(owner, [measured.outbox_id])
    return passes


# -- reporting -------------------------------------------------------------------------------------


def label(p: Pass) -> str:
    return p.channel + (f" ({p.variant})" if p.variant else "")


def percentile(values: list[float], p: float) -> float:
    return bookings.percentile(values, p) if values else float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def save_raw(meta: dict[str, Any], fanouts: list[FanOut], baselines: list[FanOut], passes: list[Pass]) -> None:
    raw = {
        "meta": meta,
        "fanouts": [asdict(f) for f in fanouts],
        "baselines": [asdict(f) for f in baselines],
        "passes": [asdict(p) for p in passes],
    }
    RAW_JSON.parent.mkdir(parents=True, exist_ok=True)
    RAW_JSON.write_text(json.dumps(raw, default=str))


def load_raw() -> tuple[dict[str, Any], list[FanOut], list[FanOut], list[Pass]]:
    raw = json.loads(RAW_JSON.read_text())
    return (
        raw["meta"],
        [FanOut(**f) for f in raw["fanouts"]],
        [FanOut(**f) for f in raw["baselines"]],
        [Pass(**p) for p in raw["passes"]],
    )


def write_plot(fanouts: list[FanOut], baselines: list[FanOut], passes: list[Pass]) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    labels = [f"set-based {i + 1}" for i in range(len(fanouts))] + ["one-by-one" for _ in baselines]
    left.bar(labels, [f.total for f in fanouts] + [b.send + b.extrapolated_expand for b in baselines])
    left.axhline(TARGET_SECONDS, linestyle="--", linewidth=1)
    left.set_yscale("log")
    left.set_ylabel("seconds (log)")
    left.set_title("announcement to all clients")
    left.tick_params(axis="x", rotation=45)
    right.bar([f"{p.channel} × {p.workers}" for p in passes], [p.rate for p in passes])
    right.set_ylabel("messages / s")
    right.set_title("dispatch throughput")
    fig.tight_layout()
    fig.savefig(PLOT_PNG, dpi=110)
    return True


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def write_results(meta: dict[str, Any], fanouts: list[FanOut], baselines: list[FanOut], passes: list[Pass]) -> None:
    out: list[str] = []
    w = out.append
    w("# Benchmark: announcement fan-out and dispatch throughput (issue 5)")
    w("")
    w(f"Written by `python bench/notifications/run.py{meta['flags']}` on {meta['measured_at']}, commit {meta['git']}.")
    w("How it works: the docstring of [run.py](run.py); the data: [generate.sql](generate.sql).")
    w("")
    w("## Summary")
    w("")
    totals = [f.total for f in fanouts]
    rows = fanouts[0].rows if fanouts else {}
    if fanouts:
        verdict = "met" if median(totals) < TARGET_SECONDS else "**missed**"
        w(
            f"- **Fan-out: {median(totals):.2f} s** (median of {len(fanouts)} runs, {spread(totals)} s) "
            "from the admin's "
            f"`send_announcement` to the last row written, for {rows.get('recipients', 0):,} recipients: "
            f"{rows.get('inbox', 0):,} inbox rows and {rows.get('deliveries', 0):,} deliveries "
            f"({rows.get('email', 0):,} email, {rows.get('push', 0):,} push, {rows.get('sms', 0):,} SMS). "
            f"Target under {TARGET_SECONDS:.0f} s: {verdict}."
        )
    if fanouts and baselines:
        base = median([b.send + b.extrapolated_expand for b in baselines])
        ratio = base / median(totals)
        verdict = "met" if ratio >= TARGET_RATIO else "**missed**"
        how = (
            "on every recipient"
            if all(b.processed == b.recipients for b in baselines)
            else f"measured on a sample of {baselines[0].processed:,} recipients and **extrapolated linearly** to "
            f"{baselines[0].recipients:,}"
        )
        w(
            f"- **One by one: {base:.1f} s** ({how}; {len(baselines)} run{'s' if len(baselines) > 1 else ''}): "
            f"the set-based expansion is **{ratio:.0f}× faster** end to end "
            f"({median([b.extrapolated_expand for b in baselines]) / median([f.expand for f in fanouts]):.0f}× on the "
            f"expansion alone). Target at least {TARGET_RATIO:.0f}×: {verdict}."
        )
    for channel in ("email", "sms"):
        mine = [p for p in passes if p.channel == channel and not p.variant]
        if mine:
            parts = ", ".join(
                f"{p.workers} worker{'s' if p.workers > 1 else ''} **{p.rate:,.0f}/s**" for p in merge_passes(mine)
            )
            ok = all(
                p.check.get("exactly_once") == p.messages and p.check.get("statuses") == {"sent": p.messages}
                for p in mine
            )
            what = (
                "email through SmtpEmail to the aiosmtpd sink"
                if channel == "email"
                else "SMS through TwilioSms to the fake Twilio"
            )
            w(
                f"- **Dispatch, {what}**: {parts} (messages per second end to end, median of the rounds). "
                + (
                    "Every message arrived exactly once and every delivery is 'sent', in every pass."
                    if ok
                    else "**Not every message arrived exactly once / is 'sent': see the checks below.**"
                )
            )
    w(
        f"- Machine: {meta['machine']['nproc']} cores shared with the database, the benchmark and other work "
        f"(load average {meta['load_start']:.2f} at the start; each run's below)."
    )
    w("")
    if fanouts:
        fanout_section(w, meta, fanouts, baselines)
    if passes:
        dispatch_section(w, passes, meta)
    w("## Findings")
    w("")
    for line in findings(meta, fanouts, baselines, passes):
        w(line)
    w("")
    w("## Machine")
    w("")
    m = meta["machine"]
    w(f"- {m['nproc']} CPUs ({m['cpu']}), {m['ram']} RAM, {m['os']}, Python {m['python']}")
    w(f"- {meta['server_version']}, on the same machine (TCP over 127.0.0.1)")
    w(
        "- server settings: those of bench/bookings on top of the local stack's (fsync, synchronous_commit and "
        "full_page_writes off): `"
        + "`, `".join(f"{k} = {v.strip(chr(39))}" for k, v in bookings.SERVER_SETTINGS.items())
        + "`"
    )
    w("- the benchmark, its worker processes, the SMTP sink and Postgres share the cores")
    w("")
    w("## Data")
    w("")
    data = meta["data"]
    mix = data["mix"]
    clients = mix["clients"]

    def pct(n: int) -> str:
        return f"{n:,} ({100 * n / clients:.0f} %)"

    w(
        f"Generated by `bench/notifications/generate.sql` in **{meta['generation_seconds']:.0f} s** (the schema took "
        f"{meta['schema_seconds']:.0f} s before that); database size {bookings.size(data['database_size'])}. "
        f"{clients:,} clients: a phone {pct(mix['phones'])}, push tokens {pct(mix['push_users'])}, quiet hours "
        f"{pct(mix['quiet_hours'])}, the daily digest {pct(mix['digest'])}; announcements opted in by email "
        f"{pct(mix['email_opt_in'])}, push {pct(mix['push_opt_in'])}, SMS {pct(mix['sms_opt_in'])}, out of the "
        f"inbox {pct(mix['inbox_muted'])}. Locales: "
        + ", ".join(f"{loc} {n:,}" for loc, n in data["locales"])
        + " (announcement templates in en, pt-BR and es; pt falls back to en through its language, de and fr to en)."
    )
    w("")
    w("| step | seconds |")
    w("|---|---:|")
    for name, seconds in meta["generation_steps"]:
        w(f"| {name} | {seconds:.1f} |")
    w("")
    w("| table | rows before the runs | total size |")
    w("|---|---:|---:|")
    for t in data["tables"]:
        w(f"| {t['table']} | {t['rows']:,} | {bookings.size(t['total'])} |")
    if meta.get("plans"):
        plans_section(w, meta)
    if meta.get("plot"):
        w("")
        w(f"![timings]({PLOT_PNG.name})")
    RESULTS_MD.write_text("\n".join(out) + "\n")


def fanout_section(w: Any, meta: dict[str, Any], fanouts: list[FanOut], baselines: list[FanOut]) -> None:
    w("## Fan-out: one announcement to every client")
    w("")
    w("`public.send_announcement(topic => 'all_clients', ...)` as the admin (Postgres adapter, PostgREST's")
    w("impersonation, the access token hook's claims), then `service.expand_notifications(20)` as service_role")
    w("through the same adapter until it expands fewer rows than asked (`functions.notifications.dispatcher.expand`).")
    w(f"A warm-up run first (not counted: {meta['warmup_seconds']:.2f} s), then each run on a fresh outbox row;")
    w("between runs its rows are deleted (inbox, deliveries, outbox row) and the tables vacuumed and analyzed.")
    w("")
    w("| run | load avg | CPU steal | send_announcement | expansion | total | inbox rows | deliveries |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for i, f in enumerate(fanouts, 1):
        w(
            f"| {i} | {f.load:.2f} | {f.steal:.1f} % | {f.send * 1000:.1f} ms | {f.expand:.2f} s |"
            f" **{f.total:.2f} s** |"
            f" {f.rows['inbox']:,} | {f.rows['deliveries']:,} |"
        )
    sends, expands, totals = [f.send * 1000 for f in fanouts], [f.expand for f in fanouts], [f.total for f in fanouts]
    w(f"| **median** | | | {median(sends):.1f} ms | {median(expands):.2f} s | **{median(totals):.2f} s** | | |")
    keyed = [FanOut(**f) for f in meta.get("foreign_keys", [])]
    if keyed:
        with_keys = median([k.total for k in keyed])
        w("")
        w(
            f"With the foreign keys the inbox and deliveries migrations leave out (→ profiles and the outbox, "
            f"deliveries → push_tokens; added NOT VALID for {len(keyed)} more runs, then dropped): "
            + ", ".join(f"{k.total:.2f} s" for k in keyed)
            + f", median **{with_keys:.2f} s**, {with_keys / median(totals):.2f}× the time without them."
        )
    w("")
    rows = fanouts[0].rows
    w(f"What one run writes ({rows['recipients']:,} recipients; identical in every run):")
    w("")
    w("| rows | count |")
    w("|---|---:|")
    w(f"| inbox (`public.notifications`) | {rows['inbox']:,} |")
    for channel in ("email", "push", "sms"):
        states = sorted((k.split(": ", 1)[1], n) for k, n in rows.items() if k.startswith(f"{channel}: "))
        detail = ", ".join(f"{s} {n:,}" for s, n in states)
        w(f"| {channel} deliveries | {rows.get(channel, 0):,} ({detail}) |")
    w(f"| **rows written** | **{rows['inbox'] + rows['deliveries']:,}** |")
    w("")
    w(
        f"That is {(rows['inbox'] + rows['deliveries']) / median(expands):,.0f} rows per second of expansion. "
        "'held (quiet hours)': queued with next_attempt_at at the end of the user's quiet hours; 'digest': waiting "
        "for the user's daily digest; 'skipped (suppressed)': the address bounced before."
    )
    if not baselines:
        w("")
        return
    w("")
    w("### The one-by-one baseline")
    w("")
    b0 = baselines[0]
    sampled = b0.processed < b0.recipients
    w("The same announcement (sent the same way), expanded by a client loop over one connection, in one transaction,")
    w("as superuser: the outbox row and the recipient list (`private.topic_members`) read once, the templates read and")
    w("rendered once per locale; then per recipient: one select of the user's name, locale, address, phone, settings,")
    w("suppression and `private.wants_notification` for each channel; the inbox insert; a select of the push tokens")
    w("when push is wanted; one insert per delivery (quiet hours and digest times computed by the same SQL functions).")
    w("psycopg prepares each statement after five uses, as a careful client would. The SQL is in run.py")
    w("(`BASELINE_*_SQL`).")
    if sampled:
        w("")
        w(
            f"**Sampled:** each baseline run processed {b0.processed:,} recipients drawn at random out of "
            f"{b0.recipients:,}; its expansion time is extrapolated linearly (× {b0.recipients / b0.processed:.1f})."
        )
    w("")
    w(
        "| run | load avg | recipients processed | statements | measured | per recipient | for all recipients |"
        " + send | ratio to the set-based median |"
    )
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for i, b in enumerate(baselines, 1):
        full = b.send + b.extrapolated_expand
        w(
            f"| {i} | {b.load:.2f} | {b.processed:,} | {b.statements:,} | {b.expand:.1f} s |"
            f" {b.expand / b.processed * 1000:.3f} ms | {b.extrapolated_expand:.1f} s"
            f"{' (extrapolated)' if b.processed < b.recipients else ''} | {full:.1f} s |"
            f" **{full / median([f.total for f in fanouts]):.0f}×** |"
        )
    cmp = meta.get("comparison")
    if cmp:
        w("")
        scope = "the sampled recipients" if cmp["sampled"] else "every recipient"
        w(
            f"Same rows? The baseline's rows against the last set-based run's, for {scope}: "
            f"{cmp['inbox_compared']:,} inbox rows, **{cmp['inbox_differences']} different**; "
            f"{cmp['deliveries_compared']:,} deliveries, **{cmp['deliveries_differences']} different** "
            f"({cmp['deliveries_differences_ignoring_hold_times']} when the time a held delivery waits until is left "
            "out: quiet hours that began or ended between the two runs change it). Compared: user, texts, data "
            "(without sent_by), severity, priority; channel, destination, push token, locale, status, digest, error "
            "and the hold time."
        )
    w("")


def merge_passes(passes: list[Pass]) -> list[Pass]:
    """One Pass per (channel, workers), rounds pooled: rate = the median round's."""
    merged = []
    for key in dict.fromkeys((p.channel, p.workers, p.variant) for p in passes):
        rounds = [p for p in passes if (p.channel, p.workers, p.variant) == key]
        pooled = Pass(key[0], key[1], sum(p.messages for p in rounds), key[2])
        pooled.timings = {k: v for p in rounds for k, v in p.timings.items()}
        pooled.claims = [c for p in rounds for c in p.claims]
        pooled.load = max(p.load for p in rounds)
        pooled.steal = max(p.steal for p in rounds)
        rates = sorted(p.rate for p in rounds)
        pooled.wall = pooled.messages / median(rates)
        pooled.check = {"rates": rates}
        if all(p.cpu for p in rounds):
            pooled.cpu = {k: sum(p.cpu[k] for p in rounds) for k in rounds[0].cpu}
        merged.append(pooled)
    return merged


def dispatch_section(w: Any, passes: list[Pass], meta: dict[str, Any]) -> None:
    w("## Dispatch throughput")
    w("")
    w("Queued deliveries of one channel (an announcement to users who get it on that channel now, expanded, its")
    w("other channels cancelled; not timed), then worker processes started, each with its own database connection")
    w("(`PostgresDatabase`, pool of 1, logged in as authenticator with service_role claims) and its own adapter,")
    w("released at once; each runs `dispatch()` (expand, compose digests, then claim 50, render, send, record each")
    w("right after its send, until nothing is left to claim). Messages per second: the pass's messages over the time")
    w("from the release to the last worker's return. Latency per message: **claim→record** from the start of the")
    w("claim call that took it to the return of its record_delivery (it waits behind the earlier messages of its")
    w("batch); **send→record** from the adapter's send to the record's return. Rounds of the passes take turns.")
    sink = (
        "tests/support/smtp_sink.py's SmtpSink (aiosmtpd, every message parsed and kept)"
        if meta.get("sink") == "tests"
        else "aiosmtpd's Controller with a handler that keeps each message's Message-ID and nothing else"
        " (`LeanSink` in run.py: the tests' SmtpSink parses every message, which would put its CPU on the"
        " machine's two cores beside the dispatcher's)"
    )
    sizes = sorted({(p.channel, p.variant, p.messages) for p in passes})
    w(
        "Messages per pass: "
        + ", ".join(f"{label(Pass(c, 1, n, v))} {n:,}" for c, v, n in sizes)
        + f". The SMTP server: {sink}, in this process; the fake Twilio too."
    )
    w("")
    w(
        "| channel | workers | rounds (messages / s) | median | claim→record p50 | p95 | send→record p50 | p95 |"
        " send p50 | record p50 | claim call p50 | load avg | CPU steal |"
    )
    w("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    merged = merge_passes(passes)
    for p in merged:
        lat, own = p.latencies("claim→record"), p.latencies("send→record")
        claim_ms = [c[0] * 1000 for c in p.claims if c[1] >= 50] or [c[0] * 1000 for c in p.claims if c[1]]
        w(
            f"| {label(p)} | {p.workers} | {' / '.join(f'{r:,.0f}' for r in p.check['rates'])} |"
            f" **{p.rate:,.0f}/s** | {percentile(lat, 0.5):.1f} ms | {percentile(lat, 0.95):.1f} ms |"
            f" {percentile(own, 0.5):.2f} ms | {percentile(own, 0.95):.2f} ms |"
            f" {percentile(p.part('send'), 0.5):.2f} ms |"
            f" {percentile(p.part('record'), 0.5):.2f} ms | {percentile(claim_ms, 0.5):.1f} ms | {p.load:.2f} |"
            f" {p.steal:.1f} % |"
        )
    w("")
    w("'claim call': one `service.claim_deliveries(max_rows => 50)` through the adapter, for full batches. 'send':")
    w("`SmtpEmail.send` (composing the MIME message, the SMTP exchange) or `TwilioSms.send` (an HTTP POST);")
    w("'record': `service.record_delivery` through the adapter (its BEGIN, settings, call, reset and COMMIT).")
    w("")
    w(f"Where the CPU went during the passes (CPU milliseconds per message; the machine has {meta['machine']['nproc']}")
    w("cores): the workers (dispatcher, adapters, psycopg; from their release to their return), this process (the")
    w("SMTP sink's or the fake Twilio's thread: taking each message in), the cluster's Postgres")
    w("processes, and the rest of the machine (other helpers' tests ran beside the benchmark):")
    w("")
    w("| channel | workers | workers' CPU | sink / fake CPU | Postgres CPU | rest (other work) | machine busy |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    nproc = int(meta["machine"]["nproc"])
    for p in merged:
        cpu = p.cpu
        if not cpu:
            continue
        rest = cpu["busy"] - cpu["sink"] - cpu["workers"] - cpu["postgres"]
        w(
            f"| {label(p)} | {p.workers} | {cpu['workers'] / p.messages * 1000:.2f} ms |"
            f" {cpu['sink'] / p.messages * 1000:.2f} ms | {cpu['postgres'] / p.messages * 1000:.2f} ms |"
            f" {rest / p.messages * 1000:.2f} ms |"
            f" {100 * cpu['busy'] / (cpu['window'] * nproc):.0f} % |"
        )
    w("")
    w("Checks after each pass (deliveries of the pass's outbox row; messages the sink / the fake received):")
    w("")
    w(
        "| pass | channel | workers | deliveries | statuses | received | exactly once | missing | duplicated |"
        " unexpected | workers that claimed |"
    )
    w("|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for i, p in enumerate(passes, 1):
        c = p.check
        statuses = ", ".join(f"{status} {n:,}" for status, n in sorted(c["statuses"].items()))
        w(
            f"| {i} | {label(p)} | {p.workers} | {c['deliveries']:,} | {statuses} | {c['received']:,} |"
            f" {c['exactly_once']:,} | {c['missing']} | {c['duplicated']} | {c['unexpected']} |"
            f" {c['claimed_by_workers']} |"
        )
    w("")
    w("For SMS, 'exactly once' counts the phone numbers the fake Twilio accepted one message for (Twilio's API takes")
    w("no idempotency key); every recorded provider_message_id is a sid the fake issued.")
    w("")


def plans_section(w: Any, meta: dict[str, Any]) -> None:
    w("")
    w("## Plans of the expansion")
    w("")
    w("EXPLAIN (ANALYZE, BUFFERS) of every statement `service.expand_notifications(20)` ran for one more")
    w("announcement to all clients, captured with auto_explain (`log_nested_statements`, `log_analyze`,")
    w("`log_buffers`) in a superuser session impersonating service_role as PostgREST does. Identical plans are")
    w("shown once with how many times they ran. Timing every plan node slows the run down; the times are for")
    w("reading the plans, not the benchmark's.")
    for n, body, ms in meta["plans"]:
        w("")
        w(f"Ran {n} time{'s' if n > 1 else ''}, {ms:.1f} ms in all:")
        w("")
        w("```")
        w(body.rstrip())
        w("```")


def scaling(by_workers: dict[int, Pass]) -> str:
    """How the rate follows the number of workers, and what their own timings did meanwhile."""
    counts = sorted(by_workers)
    parts = []
    for n in counts:
        p = by_workers[n]
        send, record = percentile(p.part("send"), 0.5), percentile(p.part("record"), 0.5)
        parts.append(f"{n} worker{'s' if n > 1 else ''} {p.rate:,.0f}/s (send {send:.2f} ms, record {record:.2f} ms)")
    steps = ", ".join(parts)
    return (
        f"By workers: {steps}. Up to as many workers as cores the rate grows; beyond, the workers queue for the"
        " CPU and each one's send and record take longer. Against a real relay each worker would wait on the"
        " network instead, and workers on separate Lambdas have CPUs of their own."
    )


def findings(meta: dict[str, Any], fanouts: list[FanOut], baselines: list[FanOut], passes: list[Pass]) -> list[str]:
    """What the measured numbers say, computed from them."""
    lines: list[str] = []
    nproc = int(meta["machine"]["nproc"])
    if fanouts:
        expands = [f.expand for f in fanouts]
        sends = [f.send * 1000 for f in fanouts]
        rows = fanouts[0].rows
        lines.append(
            f"- The expansion writes {rows['inbox'] + rows['deliveries']:,} rows in {median(expands):.2f} s "
            f"(median); send_announcement itself takes {median(sends):.1f} ms (it only enqueues). Runs varied "
            f"{spread(expands)} s, with load averages {spread([f.load for f in fanouts])} before them."
        )
        statements = [(ms, body) for n, body, ms in meta.get("plans", []) if n == 1 and "Query Text: with" in body]
        if statements:
            ms, _ = max(statements)
            whole = max((ms for n, body, ms in meta["plans"] if "expand_notifications(" in body), default=0.0)
            lines.append(
                f"- In the plans (auto_explain, every node timed, so slower than the runs): the one statement that "
                f"resolves preferences and writes the inbox and the deliveries takes {ms:,.0f} ms of the "
                f"expansion's {whole:,.0f} ms; its inserts, with their index updates, are most of it (see the plan)."
            )
    keyed = [FanOut(**f) for f in meta.get("foreign_keys", [])]
    if keyed and fanouts:
        with_keys, without = median([k.total for k in keyed]), median([f.total for f in fanouts])
        lines.append(
            f"- Foreign keys on the inbox and the deliveries would cost {with_keys - without:.1f} s more per"
            f" announcement ({with_keys:.2f} s against {without:.2f} s): a"
            " check (and a KEY SHARE row lock) per inserted row and key. The migrations leave them out for that"
            " reason; this measures it."
        )
    if baselines and fanouts:
        b = baselines[0]
        lines.append(
            f"- The baseline spends {b.expand / b.statements * 1000:.3f} ms per statement, "
            f"{b.statements / max(1, b.processed):.1f} statements per recipient, on a local connection with "
            "prepared statements: round trips, the client's work between them and an index probe or insert each. "
            "Over a network each statement would add its round trip (a millisecond or more to a hosted database), "
            "which the set-based expansion pays a handful of times in all."
        )
    merged = merge_passes(passes) if passes else []
    email = {p.workers: p for p in merged if p.channel == "email" and not p.variant}
    if email:
        one = email.get(1) or next(iter(email.values()))
        most = email[max(email)]
        cpu = most.cpu
        if cpu:
            per = {k: cpu[k] / most.messages * 1000 for k in ("workers", "sink", "postgres", "busy")}
            per["rest"] = per["busy"] - per["workers"] - per["sink"] - per["postgres"]
            busy = 100 * cpu["busy"] / (cpu["window"] * nproc)
            lines.append(
                f"- Email: one worker sends {one.rate:,.0f} messages/s, one after another"
                f" ({percentile(one.part('send'), 0.5):.2f} ms to compose and send over SMTP,"
                f" {percentile(one.part('record'), 0.5):.2f} ms to record, p50). With "
                f"{most.workers} workers, {most.rate:,.0f}/s: the {nproc} cores are the limit, not the dispatcher's "
                f"claims: per message {per['workers']:.1f} ms of CPU in the workers, {per['sink']:.1f} ms in the "
                f"SMTP server and {per['postgres']:.1f} ms in Postgres, and {per['rest']:.1f} ms of other work on "
                f"the machine (other helpers' tests), with the machine {busy:.0f} % busy. " + scaling(email)
            )
    checked = [p for p in passes if p.check]
    if checked:
        exact = sum(p.check["exactly_once"] for p in checked)
        total = sum(p.messages for p in checked)
        lines.append(
            f"- Exactly once: {exact:,} of {total:,} messages over {len(checked)} passes reached the sink or the fake"
            " once, every delivery ended 'sent'; with several workers every worker claimed some ('workers that"
            " claimed'), none the same delivery."
        )
    return lines


# -- main ------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 clients, 2 runs, 500 emails, 200 SMS, 1 round")
    parser.add_argument("--clients", type=int, help=f"clients generated (default {CLIENTS:,})")
    parser.add_argument("--runs", type=int, help="measured fan-out runs (default 5)")
    parser.add_argument("--baseline-runs", type=int, help="one-by-one runs (default 2, --quick 1)")
    parser.add_argument(
        "--fk-runs", type=int, default=2, help="fan-out runs with the inbox's and deliveries' foreign keys (default 2)"
    )
    parser.add_argument(
        "--baseline-sample", type=int, help="recipients the one-by-one baseline processes (default: all); extrapolated"
    )
    parser.add_argument("--emails", type=int, help="email deliveries per dispatch pass (default 5,000)")
    parser.add_argument("--sms", type=int, help="SMS deliveries per dispatch pass (default 1,000; 0: none)")
    parser.add_argument("--workers", default="1,2,4", help="worker processes of the email passes (default 1,2,4)")
    parser.add_argument("--rounds", type=int, help="rounds of the dispatch passes, interleaved (default 3)")
    parser.add_argument("--batch-size", type=int, default=50, help="deliveries claimed at once (default 50)")
    parser.add_argument(
        "--sink",
        choices=("lean", "tests"),
        default="lean",
        help="SMTP server: aiosmtpd keeping Message-IDs only (default), or tests/support/smtp_sink.py",
    )
    parser.add_argument("--only", choices=("fanout", "dispatch"), help="run one part only")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"cluster directory (default {DEFAULT_DIR})")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running afterwards")
    parser.add_argument(
        "--no-write", action="store_true", help="print the results only (RESULTS.md and the saved measurements stay)"
    )
    parser.add_argument("--seed", type=int, default=5, help="seed of the samples")
    parser.add_argument("--report-only", action="store_true", help=f"write RESULTS.md again from {RAW_JSON}")
    args = parser.parse_args()
    if args.report_only:
        write_results(*load_raw())
        log(f"wrote {RESULTS_MD.relative_to(ROOT)} from {RAW_JSON}")
        return
    quick = args.quick
    clients = args.clients or (10_000 if quick else CLIENTS)
    runs = args.runs or (2 if quick else 5)
    emails = args.emails if args.emails is not None else (500 if quick else 5_000)
    sms = args.sms if args.sms is not None else (200 if quick else 1_000)
    rounds = args.rounds or (1 if quick else 3)
    workers = [int(n) for n in args.workers.split(",") if n.strip()]
    flags = " ".join(a for a in sys.argv[1:] if a not in ("--keep",))

    meta: dict[str, Any] = {"flags": f" {flags}" if flags else "", "load_start": os.getloadavg()[0], "notes": []}
    fanouts: list[FanOut] = []
    baselines: list[FanOut] = []
    passes: list[Pass] = []
    cluster, _ = bookings.start_cluster(args.dir, reuse=False)
    try:
        meta["schema_seconds"] = bookings.build_schema(cluster)
        steps = generate(cluster, clients, max(10, round(PROVIDERS * clients / CLIENTS)))
        meta["generation_steps"] = steps
        meta["generation_seconds"] = sum(s for _, s in steps)
        owner = psycopg.connect(cluster.url(SUPERUSER, DATABASE), autocommit=True)
        meta["data"] = describe(owner)
        meta["server_version"] = owner.execute("select version()").fetchone()[0]  # type: ignore[index]
        admin = admin_caller(owner)
        db = database(cluster.url("authenticator", DATABASE))

        if args.only in (None, "fanout"):
            warm = run_set_based(db, admin, owner)
            meta["warmup_seconds"] = warm.total
            log(f"fan-out warm-up: {warm.total:.2f} s, {warm.rows}")
            remove(owner, [warm.outbox_id])
            for i in range(runs):
                run = run_set_based(db, admin, owner)
                fanouts.append(run)
                log(
                    f"fan-out {i + 1}: send {run.send * 1000:.1f} ms + expand {run.expand:.2f} s = {run.total:.2f} s,"
                    f" {run.rows['inbox']:,} inbox + {run.rows['deliveries']:,} deliveries (load {run.load:.2f})"
                )
                if i < runs - 1:
                    run.cleanup = remove(owner, [run.outbox_id])
            for i in range(args.baseline_runs or (1 if quick else 2)):
                baseline = run_one_by_one(
                    cluster.url(SUPERUSER, DATABASE), admin, db, owner, args.baseline_sample, args.seed + i
                )
                baselines.append(baseline)
                log(
                    f"one-by-one {i + 1}: {baseline.processed:,} of {baseline.recipients:,} recipients,"
                    f" {baseline.statements:,} statements in {baseline.expand:.1f} s"
                    f" (all: {baseline.extrapolated_expand:.1f} s; load {baseline.load:.2f})"
                )
                if i == 0:
                    meta["comparison"] = compare(
                        owner, fanouts[-1].outbox_id, baseline.outbox_id, baseline.processed < baseline.recipients
                    )
                    log(f"    same rows? {meta['comparison']}")
                remove(owner, [baseline.outbox_id])
            remove(owner, [fanouts[-1].outbox_id])
            if args.fk_runs:
                with_keys = run_with_foreign_keys(db, admin, owner, args.fk_runs)
                meta["foreign_keys"] = [asdict(f) for f in with_keys]
                for run in with_keys:
                    log(f"fan-out with foreign keys: {run.total:.2f} s (load {run.load:.2f})")
            plan_outbox, meta["plans"] = expansion_plans(cluster, db, admin)
            remove(owner, [plan_outbox])
            log(f"plans: {len(meta['plans'])} distinct statements inside the expansion")

        if args.only in (None, "dispatch"):
            plan = []
            for _ in range(rounds):
                plan += [("email", n, emails, "") for n in workers]
                if sms:
                    plan += [("sms", n, sms, "") for n in (1, max(workers))]
            passes = dispatch_passes(cluster, db, owner, plan, args.batch_size, args.sink)
            meta["sink"] = args.sink

        db.close()
        owner.close()
        meta["measured_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        meta["machine"] = bookings.machine()
        meta["git"] = bookings.git_state()
        meta["plot"] = write_plot(fanouts, baselines, passes)
        if not args.no_write:
            save_raw(meta, fanouts, baselines, passes)
            write_results(meta, fanouts, baselines, passes)
            log(f"wrote {RESULTS_MD.relative_to(ROOT)}")
    finally:
        if args.keep:
            log(f"cluster kept: {cluster.url('postgres', DATABASE)} (data in {cluster.base_dir})")
        else:
            cluster.destroy()


if __name__ == "__main__":
    main()
