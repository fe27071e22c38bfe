"""Booking references: TJ + date + a per-date sequence number (TJ20261208-0003)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.capacity import insert_ignore
from booking.models import BookingCounter
from knowledge.text import clean_text

REFERENCE_RE = re.compile(r"(?i)(?<![A-Za-z0-9])TJ\s*-?\s*(\d{8})\s*-?\s*(\d{4})(?!\d)")


def parse_reference(text: str) -> str | None:
    match = REFERENCE_RE.search(clean_text(text))
    return f"TJ{match[1]}-{match[2]}" if match else None


def next_reference(session: Session, day: dt.date) -> str:
    insert_ignore(session, BookingCounter, {"date": day, "last": 0})
    counter = session.scalars(
        select(BookingCounter)
        .where(BookingCounter.date == day)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    counter.last += 1
    return f"TJ{day:%Y%m%d}-{counter.last:04d}"
