"""Seed 004's job portal end to end: Hana posts a leak repair with two add-ons and a photo; Pat
and Rosa, whose areas cover her address, see it and bid; Milo in Milwaukee neither sees nor bids.
Hana talks with Rosa in the bid's room, accepts her revised bid, pays through Checkout (Stripe
faked at its HTTP boundary); Rosa starts and completes, Hana confirms and rates. A second job,
with Pat, ends in a dispute an admin resolves with a partial refund sent to Stripe by the
refunds Lambda. Every request as PostgREST or API Gateway makes it."""

from __future__ import annotations

from typing import Any, LiteralString

import psycopg
import pytest
from psycopg.rows import dict_row

from devstack.impersonation import as_request
from tests.journeys.conftest import Journey

HANA = "homeowner@homeservices.local"
PAT = "plumber@homeservices.local"
ROSA = "rooter@homeservices.local"
MILO = "milwaukee@homeservices.local"
ADMIN = "admin@marketbase.local"
PLUMBING = "d0000000-0000-4000-8000-000000000006"
INSULATION = "e1000000-0000-4000-8000-000000000011"
CAMERA = "e1000000-0000-4000-8000-000000000012"


def write(journey: Journey, email: str, query: LiteralString, params: Any = ()) -> list[dict[str, Any]]:
    """POST / PATCH on a table (or Storage's insert of an upload) as `email`, RLS deciding."""
    with (
        journey.market.authenticator() as conn,
        as_request(conn, journey.claims(email), method="POST") as c,
        c.cursor(row_factory=dict_row) as cur,
    ):
        cur.execute(query, params)
        return cur.fetchall() if cur.description else []


def outbox(journey: Journey, event_type: str, job_id: str) -> list[set[str]]:
    """Recipients (by e-mail) of each `event_type` about the job, oldest first."""
    rows = journey.market.query(
        "select array(select u.email from auth.users u where u.id = any (o.recipient_ids) order by 1)"
        " from private.notification_outbox o where o.event_type = %s and o.data ->> 'job_id' = %s order by o.id",
        (event_type, job_id),
    )
    return [set(row[0]) for row in rows]


def time_passes_until_start(journey: Journey, booking_id: str) -> None:
    """The day comes: the booking now starts in ten minutes (the clock moves, not the booking)."""
    with journey.market.owner() as conn:
        conn.execute(
            "update public.bookings set starts_at = now() + interval '10 minutes',"
            " ends_at = now() + interval '100 minutes',"
            " blocked_during = tstzrange(now() + interval '10 minutes', now() + interval '100 minutes') where id = %s",
            (booking_id,),
        )


def post_job(journey: Journey, title: str, days: int, addons: list[tuple[str, int]] = ()) -> str:  # type: ignore[assignment]
    (home,) = journey.select(HANA, "select id::text from addresses where is_default")
    (job,) = write(
        journey,
        HANA,
        "insert into jobs (title, description, category_id, address_id, service_date, service_time, timezone, urgency,"
        " budget_min, budget_max) values (%s, 'Water pools under the kitchen sink after every use.', %s, %s,"
        " current_date + %s, '10:00', 'America/Chicago', 'urgent', 10000, 30000) returning id::text, status::text",
        (title, PLUMBING, home["id"], days),
    )
    assert job["status"] == "draft"
    for addon, quantity in addons:
        write(
            journey,
            HANA,
            "insert into job_addons (job_id, addon_id, quantity) values (%s, %s, %s)",
            (job["id"], addon, quantity),
        )
    return str(job["id"])


def onboarded_at_stripe(journey: Journey, email: str) -> None:
    """The plumber's Connect account exists at (fake) Stripe: the seed's ids exist only in the demo."""
    account = journey.payments.stripe.add_account(email=email, provider_id=journey.user(email))
    with journey.market.owner() as conn:
        conn.execute(
            "update public.provider_payout_accounts set stripe_account_id = %s where provider_id = %s",
            (account, journey.user(email)),
        )


def pay(journey: Journey, email: str, invoice_id: str) -> None:
    session = journey.lambda_as(email, "checkout", "POST", "/checkout/sessions", {"invoice_id": invoice_id})
    assert session.status == 201, session.body
    delivered = journey.payments.deliver(journey.payments.stripe.complete_checkout(session.body["session_id"]))
    assert delivered.status == 200 and delivered.body["outcome"] == "paid", delivered.body


def test_hana_gets_her_leak_fixed_through_bids_and_a_second_job_ends_in_a_partial_refund(journey: Journey) -> None:
    for plumber in (PAT, ROSA):
        onboarded_at_stripe(journey, plumber)

    # Hana writes the job as a draft with two of the platform's plumbing add-ons and a photo.
    job_id = post_job(journey, "Leak under the kitchen sink", 3, [(INSULATION, 3), (CAMERA, 1)])
    photo = f"{job_id}/sink.jpg"
    write(
        journey,
        HANA,
        "insert into storage.objects (bucket_id, name, owner_id, metadata)"
        ' values (\'job-files\', %s, auth.uid()::text, \'{"size": 320111, "mimetype": "image/jpeg"}\')',
        (photo,),
    )
    write(
        journey,
        HANA,
        "insert into job_files (job_id, path, caption, is_primary) values (%s, %s, 'The trap', true)",
        (job_id, photo),
    )
    assert journey.select(PAT, "select id from jobs where id = %s", (job_id,)) == [], "a draft is the client's alone"

    # She publishes it: the plumbers whose areas cover her address are matched and told.
    (published,) = journey.rpc(HANA, "transition_job", job_id=job_id, to_status="published")
    assert (published["status"], published["city"], published["postal_code"]) == ("published", "Chicago", "60606")
    assert outbox(journey, "job.posted_nearby", job_id) == [{PAT, ROSA}]

    # Pat and Rosa find it in their feed, with its add-ons and photo but not the street.
    for plumber in (PAT, ROSA):
        feed = journey.select(
            plumber,
            "select m.distance_km, j.title, j.city from job_matches m join jobs j on j.id = m.job_id"
            " order by m.published_at desc limit 50",
        )
        assert {"title": "Leak under the kitchen sink", "city": "Chicago"}.items() <= feed[0].items()
        assert len(journey.select(plumber, "select 1 from job_addons where job_id = %s", (job_id,))) == 2
        assert journey.select(plumber, "select name from storage.objects where bucket_id = 'job-files'") == [
            {"name": photo}
        ]
    # Rosa, who never worked for Hana, does not get the street before she is assigned (Pat has: his
    # bookings at this address let him read it).
    assert journey.select(ROSA, "select line1 from addresses where id = %s", (published["address_id"],)) == []
    # Milo, in Milwaukee, sees nothing and cannot bid: to him the job does not exist (PT404).
    assert journey.select(MILO, "select id from jobs where id = %s", (job_id,)) == []
    assert journey.select(MILO, "select job_id from job_matches") == []
    with pytest.raises(psycopg.Error, match="not open to your bids") as refused:
        write(
            journey,
            MILO,
            "insert into bids (job_id, amount, description, estimated_minutes) values (%s, 12000, 'I can come', 90)",
            (job_id,),
        )
    assert refused.value.sqlstate == "PT404"

    # They bid; a bid below the category's floor is refused.
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="amount"):
        write(
            journey,
            PAT,
            "insert into bids (job_id, amount, description, estimated_minutes) values (%s, 900, 'Cheap', 60)",
            (job_id,),
        )
    (pats,) = write(
        journey,
        PAT,
        "insert into bids (job_id, amount, description, estimated_minutes, terms) values"
        " (%s, 18000, 'New trap and seals; insulation as asked.', 120, 'Parts included') returning id::text",
        (job_id,),
    )
    (rosas,) = write(
        journey,
        ROSA,
        "insert into bids (job_id, amount, description, estimated_minutes, is_negotiable) values"
        " (%s, 16000, 'Trap replacement and a camera check of the drain.', 90, true) returning id::text",
        (job_id,),
    )
    assert outbox(journey, "job.bid_received", job_id) == [{HANA}, {HANA}]
    bids = journey.select(
        HANA, "select provider_id::text, amount, status::text from bids where job_id = %s order by amount", (job_id,)
    )
    assert [(b["amount"], b["status"]) for b in bids] == [(16000, "pending"), (18000, "pending")]
    assert journey.select(PAT, "select id from bids where id = %s", (rosas["id"],)) == [], (
        "bidders do not see each other's bids"
    )

    # Each bid has its room: Hana and Rosa talk; Pat reads none of it.
    (room,) = journey.select(ROSA, "select id::text from chat_rooms where job_id = %s", (job_id,))
    write(
        journey,
        HANA,
        "insert into chat_messages (room_id, body) values (%s, 'Could you come at 10:00 sharp?')",
        (room["id"],),
    )
    write(
        journey,
        ROSA,
        "insert into chat_messages (room_id, body) values (%s, 'Yes, and I can do it for 155.')",
        (room["id"],),
    )
    assert journey.select(PAT, "select id from chat_messages where room_id = %s", (room["id"],)) == []
    assert len(journey.select(PAT, "select id from chat_rooms where job_id = %s", (job_id,))) == 1, (
        "Pat has his own room"
    )

    # Rosa revises her bid; Hana accepts what she read (revision 2).
    (revised,) = write(journey, ROSA, "update bids set amount = 15500 where id = %s returning revision", (rosas["id"],))
    assert revised["revision"] == 2
    with pytest.raises(psycopg.Error, match="revised"):
        journey.rpc(HANA, "accept_bid", bid_id=rosas["id"], revision=1)
    accepted = journey.rpc(HANA, "accept_bid", bid_id=rosas["id"], revision=2)
    assert accepted["status"] == "held"

    # The invoice is priced in SQL from the bid: the bid, the add-ons, Rosa's area's travel fee.
    lines = journey.select(
        HANA,
        "select kind::text, description, quantity, amount from invoice_lines"
        " where invoice_id = %s order by line_number",
        (accepted["invoice_id"],),
    )
    assert [(line["kind"], line["description"], line["quantity"], line["amount"]) for line in lines[:3]] == [
        ("item", "Leak under the kitchen sink", 1, 15500),
        ("addon", "Drain camera inspection", 1, 4500),
        ("addon", "Pipe insulation", 3, 2400),
    ]
    # Her area's flat fee, named by the distance band (measured from a centre kept a little secret).
    assert (lines[3]["kind"], lines[3]["amount"]) == ("travel_fee", 2500) and len(lines) == 4
    assert accepted["total"] == 15500 + 4500 + 2400 + 2500
    (invoice,) = journey.select(
        ROSA, "select commission, provider_id::text from invoices where id = %s", (accepted["invoice_id"],)
    )
    assert invoice["commission"] == round((15500 + 4500 + 2400) * 0.15)

    # Pat's bid is declined and he is told; Rosa is told hers won; the job is off every feed.
    assert journey.select(PAT, "select status::text from bids where id = %s", (pats["id"],)) == [{"status": "rejected"}]
    assert outbox(journey, "job.bid_rejected", job_id) == [{PAT}]
    assert outbox(journey, "job.bid_accepted", job_id) == [{ROSA}]
    assert journey.select(PAT, "select id from jobs where id = %s", (job_id,)) == []
    (mine,) = journey.select(ROSA, "select status::text, final_price from jobs where id = %s", (job_id,))
    assert mine == {"status": "assigned", "final_price": accepted["total"]}

    # Hana pays through Checkout: Rosa's booking is confirmed; the address is now hers to read.
    pay(journey, HANA, accepted["invoice_id"])
    (booking,) = journey.select(
        ROSA, "select status::text, address_id::text from bookings where job_id = %s", (job_id,)
    )
    assert booking == {"status": "confirmed", "address_id": str(published["address_id"])}
    assert journey.select(ROSA, "select city from addresses where id = %s", (published["address_id"],)) == [
        {"city": "Chicago"}
    ]

    # Rosa cannot start before the day; on the day she starts, notes progress and completes.
    with pytest.raises(psycopg.Error, match="cannot be in progress yet"):
        journey.rpc(ROSA, "transition_job", job_id=job_id, to_status="in_progress")
    time_passes_until_start(journey, accepted["booking_id"])
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        journey.rpc(HANA, "transition_job", job_id=job_id, to_status="in_progress")
    (started,) = journey.rpc(ROSA, "transition_job", job_id=job_id, to_status="in_progress", reason="On site")
    assert started["status"] == "in_progress"
    write(
        journey,
        ROSA,
        "update job_assignments set progress_notes = 'Old trap cracked; replacing it.' where job_id = %s",
        (job_id,),
    )
    (done,) = journey.rpc(ROSA, "transition_job", job_id=job_id, to_status="completed")
    assert done["status"] == "completed"
    history = journey.select(
        HANA, "select to_status::text, actor from job_status_changes where job_id = %s order by id", (job_id,)
    )
    assert [(h["to_status"], h["actor"]) for h in history] == [
        ("published", "client"),
        ("assigned", "client"),
        ("in_progress", "provider"),
        ("completed", "provider"),
    ]
    messages = journey.select(
        HANA,
        "select system_event from chat_messages where room_id = %s and system_event is not null order by id",
        (room["id"],),
    )
    assert [m["system_event"] for m in messages] == [
        "bid.accepted",
        "booking.confirmed",
        "booking.in_progress",
        "booking.completed",
    ]

    # Hana confirms and rates: the review of the booking; Rosa's rating follows.
    confirmed = journey.rpc(
        HANA, "confirm_job_completion", job_id=job_id, rating=5, review="Fast, tidy and explained everything."
    )
    assert confirmed[0]["client_confirmed_at"] is not None
    assert journey.select(
        None, "select rating, rating_count from provider_profiles where user_id = %s", (journey.user(ROSA),)
    ) == [{"rating": 5, "rating_count": 1}]
    assert outbox(journey, "job.started", job_id) == [{HANA}]
    assert outbox(journey, "job.completed", job_id) == [{HANA}]

    # A second job goes to Pat and ends in a dispute.
    second = post_job(journey, "Replace the water heater valve", 4)
    journey.rpc(HANA, "transition_job", job_id=second, to_status="published")
    (bid,) = write(
        journey,
        PAT,
        "insert into bids (job_id, amount, description, estimated_minutes) values (%s, 20000, 'New valve fitted.', 60)"
        " returning id::text",
        (second,),
    )
    won = journey.rpc(HANA, "accept_bid", bid_id=bid["id"])
    pay(journey, HANA, won["invoice_id"])
    # Pat finishes the repair he is on (the seed's booking under way), then the day comes.
    (current,) = journey.select(PAT, "select id::text from bookings where status = 'in_progress'")
    journey.rpc(PAT, "transition_booking", booking_id=current["id"], to_status="completed")
    time_passes_until_start(journey, won["booking_id"])
    journey.rpc(PAT, "transition_job", job_id=second, to_status="in_progress")
    journey.rpc(PAT, "transition_job", job_id=second, to_status="completed")

    (dispute,) = write(
        journey,
        HANA,
        "insert into job_disputes (job_id, kind, description)"
        " values (%s, 'quality', 'The valve still leaks after a day.')"
        " returning id::text, status::text, respondent_id::text",
        (second,),
    )
    assert (dispute["status"], dispute["respondent_id"]) == ("open", journey.user(PAT))
    evidence = f"{dispute['id']}/puddle.jpg"
    write(
        journey,
        HANA,
        "insert into storage.objects (bucket_id, name, owner_id, metadata)"
        ' values (\'dispute-evidence\', %s, auth.uid()::text, \'{"size": 210000, "mimetype": "image/jpeg"}\')',
        (evidence,),
    )
    assert journey.select(PAT, "select name from storage.objects where bucket_id = 'dispute-evidence'") == [
        {"name": evidence}
    ]
    assert journey.select(ROSA, "select name from storage.objects where bucket_id = 'dispute-evidence'") == []
    assert outbox(journey, "job.dispute_opened", second) == [{PAT, ADMIN, "lab@petlab.local"}]

    # The admin takes it under review (joining the job's chat), then resolves it: 50.00 back.
    taken = journey.lambda_as(
        ADMIN, "refunds", "POST", f"/refunds/job-disputes/{dispute['id']}/decision", {"status": "under_review"}
    )
    assert taken.status == 200, taken.body
    assert journey.select(
        ADMIN,
        "select role::text from chat_participants p join chat_rooms r on r.id = p.room_id"
        " where r.job_id = %s and p.user_id = auth.uid()",
        (second,),
    ) == [{"role": "admin"}]
    journey.payments.stripe.clear_requests()
    decided = journey.lambda_as(
        ADMIN,
        "refunds",
        "POST",
        f"/refunds/job-disputes/{dispute['id']}/decision",
        {
            "status": "resolved",
            "resolution": "The valve was faulty; half the labour back.",
            "outcome": "partial_refund",
            "refund_amount": 5000,
        },
    )
    assert decided.status == 200, decided.body
    assert (decided.body["outcome"], decided.body["refund_amount"]) == ("partial_refund", 5000)
    assert [s["outcome"] for s in decided.body["submitted"]] != []
    sent = journey.payments.stripe.last_request("POST", "/v1/refunds")
    assert sent.params["amount"] == "5000"
    (refund,) = journey.select(
        HANA, "select amount, status::text from refunds where invoice_id = %s", (won["invoice_id"],)
    )
    assert refund["amount"] == 5000
    assert outbox(journey, "job.dispute_resolved", second) == [{HANA, PAT}]
    with pytest.raises(psycopg.Error, match="resolved already"):
        journey.rpc(ADMIN, "review_job_dispute", dispute_id=dispute["id"], status="rejected")
