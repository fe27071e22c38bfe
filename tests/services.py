"""Access to this machine's PostgreSQL and Redis for the production-configuration tests.

They run when the services answer (always in CI, where WXBOT_REQUIRE_SERVICES=1 turns an
unreachable service into a failure instead of a skip)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get(
    "WXBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("WXBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _unavailable(what: str, error: Exception) -> None:
    if os.environ.get("WXBOT_REQUIRE_SERVICES"):
        pytest.fail(f"{what} is required here but unreachable: {error}")
    pytest.skip(f"{what} not available: {error}")


def require_redis() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # any connection problem means: not available
        _unavailable("Redis", exc)
    return REDIS_URL


@contextmanager
def temporary_postgres_database() -> Iterator[str]:
    """A new, empty database on the test server; dropped afterwards. Yields its URL."""
    import psycopg

    admin = make_url(POSTGRES_URL)
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        connection = psycopg.connect(conninfo, autocommit=True, connect_timeout=3)
    except Exception as exc:
        _unavailable("PostgreSQL", exc)
    name = f"wxbot_{uuid.uuid4().hex[:10]}"
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
