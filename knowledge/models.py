"""Tables of the knowledge base and of the booking service (SQLAlchemy 2.0, typed)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ORIGIN_REFERENCE = "reference"
ORIGIN_OFFICIAL = "official_list"
ORIGINS = (ORIGIN_REFERENCE, ORIGIN_OFFICIAL)

TOPICS = ("no_penalty", "outdoor_dining", "dog", "credit_repair", "checkup", "general")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.now()
    )
    # Who last changed the record: "seed", "import:<file>" or "staff:<username>".
    updated_by: Mapped[str] = mapped_column(String(80), default="seed")


class NoPenaltyItem(TimestampMixin, Base):
    """One matter on which a minor violation may go unpunished."""

    __tablename__ = "no_penalty_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    origin: Mapped[str] = mapped_column(String(20), index=True)
    seq_no: Mapped[int | None] = mapped_column(Integer)  # 序号 on the official list
    domain: Mapped[str] = mapped_column(String(60), index=True)
    behavior: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    penalty_basis: Mapped[str] = mapped_column(Text, default="")
    penalty_range: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    correction_note: Mapped[str] = mapped_column(Text, default="")
    caution: Mapped[str] = mapped_column(Text, default="")
    enforcer: Mapped[str] = mapped_column(String(80), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    aliases: Mapped[list[str]] = mapped_column(default=list)
    business_types: Mapped[list[str]] = mapped_column(default=list)
    check_hint: Mapped[str] = mapped_column(Text, default="")
    fix_hint: Mapped[str] = mapped_column(Text, default="")
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)  # extra columns of an import
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return f"{self.code} {self.behavior[:30]}"


class FaqEntry(TimestampMixin, Base):
    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    topic: Mapped[str] = mapped_column(String(30), index=True)
    question: Mapped[str] = mapped_column(Text)
    alt_questions: Mapped[list[str]] = mapped_column(default=list)
    answer: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")
    source_ref: Mapped[str] = mapped_column(Text, default="")
    related: Mapped[list[str]] = mapped_column(default=list)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.question


class Topic(TimestampMixin, Base):
    """The facts the assistant states about a whole topic (overview, suggestions, gaps)."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(60))
    overview: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")
    source_ref: Mapped[str] = mapped_column(Text, default="")
    suggestions: Mapped[list[str]] = mapped_column(default=list)  # FAQ keys for 猜你想问
    unknowns: Mapped[list[str]] = mapped_column(default=list)  # details we do not have

    def __str__(self) -> str:
        return self.title


class Regulation(TimestampMixin, Base):
    """A law or regulation the knowledge base cites, with notes staff must check."""

    __tablename__ = "regulations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    version: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    version_warning: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return self.name


class Town(Base):
    """A 镇/街道/乡 of the district."""

    __tablename__ = "towns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    short_names: Mapped[list[str]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Checkups per half-day in this town; empty means the CHECKUP_CAPACITY setting.
    checkup_capacity: Mapped[int | None] = mapped_column(Integer)

    def __str__(self) -> str:
        return self.name


class UnansweredQuestion(Base):
    """A user message the assistant could not answer, kept for staff to review."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(60))
    confidence: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(40), default="fallback")
    status: Mapped[str] = mapped_column(String(20), default="new")  # new / handled / ignored
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )

    def __str__(self) -> str:
        return self.text[:40]


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="editor")  # admin / editor
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )

    def __str__(self) -> str:
        return self.username


BOOKING_STATUS_LABELS = {
    "submitted": "已提交，待工作人员确认",
    "confirmed": "已确认",
    "completed": "已完成",
    "cancelled": "已取消",
}
# Which status a booking may move to next.
BOOKING_TRANSITIONS = {
    "submitted": ("confirmed", "cancelled"),
    "confirmed": ("completed", "cancelled"),
    "completed": (),
    "cancelled": (),
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
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    staff_note: Mapped[str] = mapped_column(Text, default="")
    session_id: Mapped[str] = mapped_column(String(100), default="")

    town: Mapped[Town] = relationship()
    events: Mapped[list[BookingEvent]] = relationship(
        back_populates="booking", order_by="BookingEvent.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return BOOKING_STATUS_LABELS.get(self.status, self.status)

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
