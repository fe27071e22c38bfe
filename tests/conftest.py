"""Shared fixtures: a migrated, seeded SQLite database per test session (and fresh ones on
demand), wired in through DATABASE_URL exactly as the real processes are."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking import workflow
from booking.models import Booking
from booking.rules import BookingRules
from core.config import get_settings
from core.db import session_scope
from knowledge.models import Town
from knowledge.snapshot import store
from wxbot.migrate import create_seeded_database


def make_db(path: Path) -> str:
    url = f"sqlite:///{path}"
    create_seeded_database(url)
    return url


def use_db(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    store.clear()


@pytest.fixture(scope="session")
def seeded_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_db(tmp_path_factory.mktemp("db") / "app.db")


@pytest.fixture(autouse=True)
def _default_db(request: pytest.FixtureRequest) -> None:
    """Point DATABASE_URL at the shared database unless the test asked for its own."""
    if "fresh_db_url" not in request.fixturenames:
        use_db(request.getfixturevalue("seeded_db_url"))


@pytest.fixture
def db_url(seeded_db_url: str) -> str:
    """The shared seeded database (read-only use)."""
    return seeded_db_url


@pytest.fixture
def fresh_db_url(tmp_path: Path) -> Iterator[str]:
    """A seeded database of this test's own, for tests that change data."""
    url = make_db(tmp_path / "app.db")
    use_db(url)
    yield url


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    with session_scope(db_url) as s:
        yield s


@pytest.fixture
def fresh_session(fresh_db_url: str) -> Iterator[Session]:
    with session_scope(fresh_db_url) as s:
        yield s


def add_booking(
    url: str,
    *,
    town: str = "织里镇",
    phone: str = "13812345678",
    day: dt.date = dt.date(2026, 12, 8),
    half_day: str = "上午",
    company: str = "湖州测试有限公司",
    today: dt.date = dt.date(2026, 11, 25),
) -> Booking:
    """Store a checkup booking the way the chat does (capacity and reference included)."""
    with session_scope(url) as session:
        found = session.scalar(select(Town).where(Town.name == town))
        assert found is not None
        return workflow.create_booking(
            session,
            workflow.BookingRequest(
                company_name=company,
                uscc="91110000600037341L",
                contact_name="王建国",
                phone=phone,
                town_id=found.id,
                industry="餐饮",
                needs="",
                date=day,
                half_day=half_day,
            ),
            today=today,
            rules=BookingRules(),
        )
