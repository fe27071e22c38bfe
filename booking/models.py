"""Tables of the enterprise checkup bookings, and the one registry of their statuses."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin, utcnow
from knowledge.models import Town

SUBMITTED, CONFIRMED, COMPLETED, CANCELLED = "submitted", "confirmed", "completed", "cancelled"
STATUS_LABELS = {
    SUBMITTED: "已提交，待工作人员确认",
    CONFIRMED: "已确认",
    COMPLETED: "已完成",
    CANCELLED: "已取消",
}
# Which status a booking may move to next.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    SUBMITTED: (CONFIRMED, CANCELLED),
    CONFIRMED: (COMPLETED, CANCELLED),
    COMPLETED: (),
    CANCELLED: (),
}


class CheckupSlot(Base):
    """How many checkups are booked for a town on a half-day (the row that gets locked)."""

    __tablename__ = "checkup_slots"
    __table_args__ = (UniqueConstraint("town_id", "date", "half_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    half_day: Mapped[str] = mapped_column(String(4))
    booked: Mapped[int] = mapped_column(Integer, default=0)


class BookingCounter(Base):
    """Per-date sequence for booking references (TJ20261208-0003)."""

    __tablename__ = "booking_counters"

    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Booking(TimestampMixin, Base):
    """An enterprise checkup (企业体检) booking."""

    __tablename__ = "bookings"
    __table_args__ = (UniqueConstraint("reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(30))
    company_name: Mapped[str] = mapped_column(String(120))
    uscc: Mapped[str] = mapped_column(String(18))
    contact_name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(20))
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    industry: Mapped[str] = mapped_column(String(60), default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    half_day: Mapped[str] = mapped_column(String(4))  # 上午 / 下午
    status: Mapped[str] = mapped_column(String(20), default=SUBMITTED, index=True)
    staff_note: Mapped[str] = mapped_column(Text, default="")
    session_id: Mapped[str] = mapped_column(String(100), default="")

    town: Mapped[Town] = relationship()
    events: Mapped[list[BookingEvent]] = relationship(
        back_populates="booking", order_by="BookingEvent.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def __str__(self) -> str:
        return self.reference


class BookingEvent(Base):
    """A status change of a booking, with who made it and why."""

    __tablename__ = "booking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )

    booking: Mapped[Booking] = relationship(back_populates="events")
