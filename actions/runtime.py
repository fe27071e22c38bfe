"""What the actions run with: the process's settings, database sessions and today's date.

The action server (`python -m rasa_sdk --actions actions`) imports this package itself, so
this module is its composition root: the settings are read once, here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from booking.rules import BookingRules
from core.config import Settings, get_settings
from core.db import session_scope


def settings() -> Settings:
    return get_settings()


@contextmanager
def db() -> Iterator[Session]:
    with session_scope(settings().database_url) as session:
        yield session


def booking_rules() -> BookingRules:
    return BookingRules.from_settings(settings())


def today() -> dt.date:
    return dt.date.today()
