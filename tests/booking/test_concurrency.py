"""Two people booking the last place at the same moment: exactly one gets it.

The slot row is locked (SELECT … FOR UPDATE on PostgreSQL; the write lock on SQLite) between
reading the count and writing the booking. A pause is injected right after the lock is
taken, so without the lock both bookings would read "one place left" and both succeed."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from booking import workflow
from booking.capacity import SlotFull
from booking.models import Booking, CheckupSlot
from booking.rules import BookingRules
from booking.workflow import BookingRequest
from core.db import session_scope
from knowledge.models import Town
from tests.services import temporary_postgres_database
from wxbot.migrate import create_seeded_database

TODAY = dt.date(2026, 11, 25)
DAY = dt.date(2026, 12, 8)


def _race(url: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    with session_scope(url) as session:
        town = session.scalar(select(Town).where(Town.name == "八里店镇"))
        assert town is not None
        town.checkup_capacity = 1
        town_id = town.id
        # The slot row already exists (e.g. after a cancellation), so only the row lock,
        # not the insert of a new row, can keep the two bookings apart.
        session.add(CheckupSlot(town_id=town_id, date=DAY, half_day="下午", booked=0))

    original = workflow.lock_slot

    def slow_lock(*args: Any, **kwargs: Any) -> CheckupSlot:
        slot = original(*args, **kwargs)
        time.sleep(0.5)  # the other booking arrives while this one holds the place
        return slot

    monkeypatch.setattr(workflow, "lock_slot", slow_lock)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(phone: str) -> None:
        barrier.wait()
        try:
            with session_scope(url) as session:
                made = workflow.create_booking(
                    session,
                    BookingRequest(
                        company_name="湖州并发测试有限公司",
                        uscc="91110000600037341L",
                        contact_name="测试",
                        phone=phone,
                        town_id=town_id,
                        industry="餐饮",
                        needs="",
                        date=DAY,
                        half_day="下午",
                    ),
                    today=TODAY,
                    rules=BookingRules(),
                )
                outcomes.append(made.reference)
        except SlotFull:
            outcomes.append("full")

    threads = [threading.Thread(target=book, args=(p,)) for p in ("13800000001", "13800000002")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with session_scope(url) as session:
        stored = session.scalar(select(func.count()).select_from(Booking))
    assert stored == 1
    return sorted(outcomes)


@pytest.mark.postgres
def test_last_slot_on_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    with temporary_postgres_database() as url:
        create_seeded_database(url)
        assert _race(url, monkeypatch) == ["TJ20261208-0001", "full"]


def test_last_slot_on_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'race.db'}"
    create_seeded_database(url)
    assert _race(url, monkeypatch) == ["TJ20261208-0001", "full"]
