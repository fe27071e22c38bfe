"""Database migrations (Alembic) and a migrated, seeded database for tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from core.db import normalise_url, session_scope
from knowledge.seed import load_seed

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def autogenerate(message: str, url: str) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)


def create_seeded_database(url: str) -> None:
    """Migrate the database at `url` to the latest schema and load the seed knowledge."""
    upgrade(url)
    with session_scope(url) as session:
        load_seed(session)
