"""A booking's life: submitted → confirmed → completed, or cancelled (by staff or the owner).

`create_booking` checks its input itself (BookingRequest reuses the form's checks), so a
request that did not come through the chat form cannot store an invalid booking either.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking import checks, dates
from booking import texts as T
from booking.capacity import capacity_of, lock_slot, slot_full
from booking.checks import InvalidInput
from booking.models import CANCELLED, STATUS_LABELS, SUBMITTED, TRANSITIONS, Booking, BookingEvent
from booking.references import next_reference
from booking.rules import BookingRules
from knowledge.models import Town

CITIZEN = "citizen"
FIELD_LABELS = {
    "company_name": "企业名称",
    "uscc": "统一社会信用代码",
    "contact_name": "联系人",
    "phone": "手机号",
    "town_id": "所在镇街",
    "industry": "行业",
    "needs": "重点检查的方面",
    "date": "上门日期",
    "half_day": "上午或下午",
}


def _half_day(value: str) -> str:
    if value not in dates.HALF_DAYS:
        raise ValueError(T.HALF_DAY_INVALID)
    return value


class BookingRequest(BaseModel):
    """A checkup request, each field checked as the chat form checks it."""

    model_config = ConfigDict(frozen=True)

    company_name: Annotated[str, AfterValidator(checks.check_company)]
    uscc: Annotated[str, AfterValidator(checks.check_uscc)]
    contact_name: Annotated[str, AfterValidator(checks.check_contact_name)]
    phone: Annotated[str, AfterValidator(checks.check_phone)]
    town_id: int
    industry: Annotated[str, AfterValidator(checks.check_industry)]
    needs: Annotated[str, AfterValidator(checks.check_needs)] = ""
    date: dt.date
    half_day: Annotated[str, AfterValidator(_half_day)]
    session_id: str = ""

    @classmethod
    def parse(cls, **values: object) -> BookingRequest:
        """The checked request, or InvalidInput naming every field that is wrong."""
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            fields = sorted({str(e["loc"][0]) for e in exc.errors() if e.get("loc")})
            names = "、".join(FIELD_LABELS.get(f, f) for f in fields)
            raise InvalidInput(T.INCOMPLETE.format(fields=names)) from exc


def create_booking(
    session: Session, request: BookingRequest, *, today: dt.date, rules: BookingRules
) -> Booking:
    """Reserve the half-day and store the booking, in the caller's transaction.

    Raises InvalidInput for a day outside the window or an unknown town, and SlotFull (with
    the nearest free half-days) when the last place has gone.
    """
    checks.check_day(request.date, today, rules)
    town = session.get(Town, request.town_id)
    if town is None or not town.active:
        raise InvalidInput(T.TOWN_UNKNOWN.format(text=""))
    slot = lock_slot(session, town, request.date, request.half_day)
    # Under the slot's lock, so of two identical submissions the second sees the first.
    if (same := _already_submitted(session, request)) is not None:
        return same
    if slot.booked >= capacity_of(town, rules):
        raise slot_full(session, town, request.date, request.half_day, today, rules)
    slot.booked += 1
    booking = Booking(
        reference=next_reference(session, request.date),
        company_name=request.company_name,
        uscc=request.uscc,
        contact_name=request.contact_name,
        phone=request.phone,
        town_id=town.id,
        industry=request.industry,
        needs=request.needs,
        date=request.date,
        half_day=request.half_day,
        status=SUBMITTED,
        session_id=request.session_id,
        updated_by=CITIZEN,
    )
    booking.events.append(BookingEvent(status=SUBMITTED, note=T.ONLINE_BOOKING_NOTE, actor=CITIZEN))
    session.add(booking)
    session.flush()
    return booking


def _already_submitted(session: Session, request: BookingRequest) -> Booking | None:
    """The booking this conversation already made for the same company and half-day: a
    submission repeated (a Rasa worker lost after the action ran, so the turn was taken again;
    a tracker posted twice) returns it rather than booking twice."""
    if not request.session_id:
        return None
    return session.scalar(
        select(Booking).where(
            Booking.session_id == request.session_id,
            Booking.uscc == request.uscc,
            Booking.date == request.date,
            Booking.half_day == request.half_day,
            Booking.status != CANCELLED,
        )
    )


def find_booking(session: Session, reference: str, phone: str) -> Booking | None:
    """The booking, only if the phone is the one it was made with (no hint otherwise)."""
    booking = session.scalar(select(Booking).where(Booking.reference == reference.upper()))
    try:
        phone = checks.check_phone(phone)
    except InvalidInput:
        return None
    if booking is None or not hmac.compare_digest(booking.phone, phone):
        return None
    return booking


def change_status(
    session: Session, booking: Booking, status: str, *, actor: str, note: str = ""
) -> None:
    if status == booking.status:
        if note:
            booking.staff_note = note
        return
    if status not in TRANSITIONS.get(booking.status, ()):
        raise InvalidInput(
            T.BAD_TRANSITION.format(
                old=STATUS_LABELS[booking.status], new=STATUS_LABELS.get(status, status)
            )
        )
    if status == CANCELLED:
        slot = lock_slot(session, booking.town, booking.date, booking.half_day)
        slot.booked = max(0, slot.booked - 1)
    booking.status = status
    booking.updated_by = actor
    if note:
        booking.staff_note = note
    booking.events.append(BookingEvent(status=status, note=note, actor=actor))
    session.flush()


def cancel_by_owner(session: Session, booking: Booking) -> None:
    if CANCELLED not in TRANSITIONS.get(booking.status, ()):
        raise InvalidInput(T.CANNOT_CANCEL.format(status=booking.status_label))
    change_status(session, booking, CANCELLED, actor=CITIZEN, note=T.OWNER_CANCEL_NOTE)
