"""The refunds Lambda: an admin refunds an invoice in full or in part; a client (or the
provider, or an admin) cancels a booking and gets back what its cancellation policy does
not keep. The database decides the amounts and queues the refunds; this app submits them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from ..deps import CallerDep, DatabaseDep, StripeDep
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
def request_refund(request: RefundRequest, caller: CallerDep, db: DatabaseDep, stripe: StripeDep) -> dict[str, Any]:
    queued = db.rpc(
        "request_refund",
        {"invoice_id": str(request.invoice_id), "amount": request.amount, "reason": request.reason},
        caller=caller,
    )
    submitted = submit_refunds(db, stripe, invoice_id=str(request.invoice_id))
    return {"refunds": queued, "submitted": submitted}


@app.post("/cancellations")
def cancel_booking(request: Cancellation, caller: CallerDep, db: DatabaseDep, stripe: StripeDep) -> dict[str, Any]:
    booking = db.rpc(
        "transition_booking",
        {"booking_id": str(request.booking_id), "to_status": "cancelled", "reason": request.reason},
        caller=caller,
    )
    submitted = submit_refunds(db, stripe, booking_id=str(request.booking_id))
    return {
        "booking_id": booking["id"],
        "status": booking["status"],
        "cancellation_fee": booking["cancellation_fee"],
        "submitted": submitted,
    }
