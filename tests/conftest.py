"""Shared fixtures: a migrated, seeded SQLite database per test session (and fresh ones on
demand), wired in through DATABASE_URL exactly as the real processes are."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from knowledge.db import session_scope
from knowledge.search import indexes
from knowledge.seed import create_seeded_database
from knowledge.settings import get_settings


def make_db(path: Path) -> str:
    url = f"sqlite:///{path}"
    create_seeded_database(url)
    return url


def use_db(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    indexes.clear()


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
