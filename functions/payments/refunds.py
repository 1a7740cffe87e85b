"""The refunds Lambda: an admin refunds an invoice in full or in part, or decides a job's
dispute with a refund; a client (or the provider, or an admin) cancels a booking and gets back
what its cancellation policy does not keep. The database decides the amounts and queues the
refunds; this app submits them."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from ..deps import CallerDep, DatabaseDep, OptionalPayPalDep, StripeDep
from . import errors
from .submission import submit_refunds

app = errors.install(FastAPI(title="marketbase refunds", docs_url=None, redoc_url=None))


class RefundRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invoice_id: UUID
    amount: int | None = Field(default=None, gt=0, description="Minor units; omitted: everything left to refund.")
    reason: str | None = Field(default=None, max_length=500)


class Cancellation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    booking_id: UUID
    reason: str | None = Field(default=None, max_length=500)


@app.post("/requests", status_code=201)
def request_refund(
    request: RefundRequest, caller: CallerDep, db: DatabaseDep, stripe: StripeDep, paypal: OptionalPayPalDep
) -> dict[str, Any]:
    queued = db.rpc(
        "request_refund",
        {"invoice_id": str(request.invoice_id), "amount": request.amount, "reason": request.reason},
        caller=caller,
    )
    submitted = submit_refunds(db, stripe, paypal=paypal, invoice_id=str(request.invoice_id))
    return {"refunds": queued, "submitted": submitted}


@app.post("/cancellations")
def cancel_booking(
    request: Cancellation, caller: CallerDep, db: DatabaseDep, stripe: StripeDep, paypal: OptionalPayPalDep
) -> dict[str, Any]:
    booking = db.rpc(
        "transition_booking",
        {"booking_id": str(request.booking_id), "to_status": "cancelled", "reason": request.reason},
        caller=caller,
    )
    submitted = submit_refunds(db, stripe, paypal=paypal, booking_id=str(request.booking_id))
    return {
        "booking_id": booking["id"],
        "status": booking["status"],
        "cancellation_fee": booking["cancellation_fee"],
        "submitted": submitted,
    }


class DisputeDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["under_review", "resolved", "rejected"]
    resolution: str | None = Field(default=None, max_length=4000)
    outcome: Literal["full_refund", "partial_refund", "no_refund"] | None = None
    refund_amount: int | None = Field(default=None, gt=0, description="Minor units, for a partial refund.")
    admin_notes: str | None = Field(default=None, max_length=4000)


@app.post("/job-disputes/{dispute_id}/decision")
def decide_job_dispute(
    dispute_id: UUID,
    decision: DisputeDecision,
    caller: CallerDep,
    db: DatabaseDep,
    stripe: StripeDep,
    paypal: OptionalPayPalDep,
) -> dict[str, Any]:
    """An admin's decision on a job's dispute; a refund it orders is sent to Stripe at once."""
    dispute = db.rpc("review_job_dispute", {"dispute_id": str(dispute_id), **decision.model_dump()}, caller=caller)
    submitted = []
    if dispute["refund_amount"] and dispute["invoice_id"]:
        submitted = submit_refunds(db, stripe, paypal=paypal, invoice_id=dispute["invoice_id"])
    return {
        "dispute_id": dispute["id"],
        "status": dispute["status"],
        "outcome": dispute["outcome"],
        "refund_amount": dispute["refund_amount"],
        "submitted": submitted,
    }
