"""Alembic environment: migrates the database named by DATABASE_URL (or the config's URL)."""

from __future__ import annotations

from alembic import context

import booking.models
import core.accounts
import core.audit
import knowledge.bot_models
import knowledge.conversations
import knowledge.models
from core.config import get_settings
from core.db import Base, get_engine, normalise_url

# Every table of every package, so autogenerate and `alembic check` see the whole schema.
MODELS = (
    core.accounts,
    core.audit,
    knowledge.models,
    knowledge.bot_models,
    knowledge.conversations,
    booking.models,
)

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return normalise_url(config.get_main_option("sqlalchemy.url") or get_settings().database_url)


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = get_engine(_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
