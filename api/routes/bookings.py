"""GET /api/bookings/{reference}?phone=: a booking's status, for the phone it was made with.

Unknown reference and wrong phone get the same 404, so the endpoint cannot be used to find
out which references exist; it is also rate-limited per client."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from slowapi import Limiter

from api.deps import SessionDep
from api.errors import errors
from api.schemas import BookingOut
from booking import dates
from booking import texts as BT
from booking.references import parse_reference
from booking.workflow import find_booking
from core.config import Settings
from core.security import mask_phone


def build_router(limiter: Limiter, settings: Settings) -> APIRouter:
    router = APIRouter(tags=["bookings"])

    @router.get("/api/bookings/{reference}", response_model=BookingOut, responses=errors(404, 429))
    @limiter.limit(settings.lookup_rate_limit)
    def get_booking(
        request: Request,
        reference: str,
        session: SessionDep,
        phone: Annotated[str, Query(min_length=1, max_length=30)],
    ) -> BookingOut:
        parsed = parse_reference(reference)
        found = find_booking(session, parsed, phone) if parsed else None
        if found is None:
            raise HTTPException(status_code=404, detail=BT.NOT_FOUND)
        return BookingOut(
            reference=found.reference,
            company_name=found.company_name,
            town=found.town.name,
            date=found.date,
            half_day=found.half_day,
            when=dates.describe(found.date, found.half_day),
            status=found.status,
            status_label=found.status_label,
            staff_note=found.staff_note,
            phone=mask_phone(found.phone),
            history=[
                {"status": e.status, "at": e.created_at.isoformat(), "note": e.note}
                for e in found.events
            ],
        )

    return router
