"""Places per half-day per town, and the row lock that keeps two bookings from taking the
last one (SELECT … FOR UPDATE on PostgreSQL; SQLite's write lock does the same)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from booking import dates
from booking import texts as T
from booking.checks import working_days
from booking.models import CheckupSlot
from booking.rules import BookingRules, booking_window
from knowledge.models import Town


class SlotFull(Exception):
    def __init__(self, message: str, alternatives: list[tuple[dt.date, str]]) -> None:
        super().__init__(message)
        self.message = message
        self.alternatives = alternatives


def capacity_of(town: Town, rules: BookingRules) -> int:
    return town.checkup_capacity if town.checkup_capacity is not None else rules.capacity


def booked_counts(
    session: Session, town: Town, days: list[dt.date]
) -> dict[tuple[dt.date, str], int]:
    """Booked places per (day, half-day) of the town, in one query."""
    if not days:
        return {}
    rows = session.execute(
        select(CheckupSlot.date, CheckupSlot.half_day, CheckupSlot.booked).where(
            CheckupSlot.town_id == town.id, CheckupSlot.date.in_(days)
        )
    )
    return {(day, half): booked for day, half, booked in rows}


def has_room(
    session: Session, town: Town, day: dt.date, half_day: str, rules: BookingRules
) -> bool:
    return booked_counts(session, town, [day]).get((day, half_day), 0) < capacity_of(town, rules)


def nearest_free(
    session: Session,
    town: Town,
    around: dt.date,
    today: dt.date,
    rules: BookingRules,
    count: int = 3,
) -> list[tuple[dt.date, str]]:
    """Free half-days in the booking window, nearest to the wanted date first."""
    days = working_days(booking_window(today, rules))
    days.sort(key=lambda d: (abs((d - around).days), d))
    booked = booked_counts(session, town, days)
    capacity = capacity_of(town, rules)
    free = [
        (day, half)
        for day in days
        for half in dates.HALF_DAYS
        if booked.get((day, half), 0) < capacity
    ]
    return sorted(free[:count])


def slot_full(
    session: Session, town: Town, day: dt.date, half_day: str, today: dt.date, rules: BookingRules
) -> SlotFull:
    """The error for a full half-day, offering the nearest half-days with room."""
    alternatives = nearest_free(session, town, day, today, rules)
    template = T.SLOT_FULL if alternatives else T.SLOT_FULL_NONE
    return SlotFull(
        template.format(town=town.name, day=dates.describe(day, half_day)), alternatives
    )


def insert_ignore(session: Session, table: type[Any], values: dict[str, object]) -> None:
    """INSERT … ON CONFLICT DO NOTHING, so concurrent bookings share one row to lock."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing())


def lock_slot(session: Session, town: Town, day: dt.date, half_day: str) -> CheckupSlot:
    insert_ignore(
        session, CheckupSlot, {"town_id": town.id, "date": day, "half_day": half_day, "booked": 0}
    )
    # FOR UPDATE holds the row on PostgreSQL until commit; on SQLite the insert above has
    # already taken the database's write lock, which serialises bookings just the same.
    return session.scalars(
        select(CheckupSlot)
        .where(
            CheckupSlot.town_id == town.id,
            CheckupSlot.date == day,
            CheckupSlot.half_day == half_day,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
