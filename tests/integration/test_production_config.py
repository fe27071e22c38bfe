"""The production configuration: PostgreSQL app DB and tracker store, Redis lock store and
several Rasa workers. A conversation keeps its context whichever worker takes each turn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.integration.test_conversation import Chat, flat
from tests.services import require_redis, temporary_postgres_database
from wxbot.migrate import create_seeded_database
from wxbot.stack import Stack, model_ready, running_stack

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def production_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not model_ready():
        pytest.skip("no trained model for the current data: run `make test`")
    redis_url = require_redis()
    with temporary_postgres_database() as app_url, temporary_postgres_database() as tracker_url:
        create_seeded_database(app_url)
        workdir: Path = tmp_path_factory.mktemp("prod")
        with running_stack(
            workdir,
            app_url,
            tracker_store_url=tracker_url,
            redis_url=redis_url,
            rasa_workers=2,
        ) as stack:
            yield stack


def test_context_survives_across_workers(production_stack: Stack) -> None:
    # Rasa quietly falls back to one process when it cannot run several: the main process
    # and two workers must be there.
    assert len(production_stack.group_processes("rasa")) >= 3
    chat = Chat(production_stack)
    chat.say("我家狗出门没拴绳 会被罚吗")
    # Several follow-ups: with two workers, some turns land on the other one; the tracker
    # (PostgreSQL) and the lock (Redis) keep the context.
    for _ in range(3):
        assert "50—200元" in flat(chat.say("罚多少钱"))
    tracker = make_url(production_stack.tracker_store_url)
    conninfo = tracker.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as connection:
        count = connection.execute(
            "SELECT count(*) FROM events WHERE sender_id = %s", (chat.session_id,)
        ).fetchone()
    assert count and count[0] > 5


def test_items_api_on_postgres(production_stack: Stack) -> None:
    import httpx

    body = httpx.get(f"{production_stack.api_url}/api/items", params={"q": "电线杆上晾衣服"}).json()
    assert "晾" in body["items"][0]["behavior"]
