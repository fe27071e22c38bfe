"""How many checkups a half-day takes and how far ahead one can book (from the settings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.config import Settings


@dataclass(frozen=True)
class BookingRules:
    capacity: int = 2  # per half-day per town, unless the town overrides it
    window_days: int = 30
    min_days_ahead: int = 1

    @classmethod
    def from_settings(cls, settings: Settings) -> BookingRules:
        return cls(
            capacity=settings.checkup_capacity,
            window_days=settings.checkup_window_days,
            min_days_ahead=settings.checkup_min_days_ahead,
        )


@dataclass(frozen=True)
class Window:
    earliest: dt.date
    latest: dt.date


def booking_window(today: dt.date, rules: BookingRules) -> Window:
    return Window(
        today + dt.timedelta(days=rules.min_days_ahead),
        today + dt.timedelta(days=rules.window_days),
    )
