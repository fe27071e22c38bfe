"""The migrations create exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import booking.models  # noqa: F401  (its tables join Base.metadata)
from core.db import Base, get_engine
from wxbot import migrate


def test_migrations_match_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    migrate.upgrade(url)
    # `alembic check` fails when autogenerate would write a new migration.
    command.check(migrate.alembic_config(url))


def test_the_comparison_sees_a_missing_migration(tmp_path: Path) -> None:
    """Against the first revision only, the booking tables show up as differences."""
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    migrate.upgrade(url, "0001")
    with get_engine(url).connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    added = {d[1].name for d in diffs if d[0] == "add_table"}
    assert {"booking_counters", "booking_events", "checkup_slots"} <= added
