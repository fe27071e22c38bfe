"""GET /api/models/live speaks Rasa's model server protocol: the model with its ETag, 304 while
it is unchanged, a new ETag after a publication or a rollback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.db import session_scope
from knowledge import bot_models
from tests.api.conftest import FakeRasa, make_client

TOKEN = "model-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    return tmp_path / "models"


@pytest.fixture
def server(fresh_db_url: str, models_dir: Path) -> Iterator[TestClient]:
    with make_client(
        FakeRasa(), database_url=fresh_db_url, rasa_token=TOKEN, models_dir=models_dir
    ) as client:
        yield client


def _publish(url: str, models_dir: Path, name: str) -> None:
    models_dir.mkdir(exist_ok=True)
    (models_dir / f"wx-{name}.tar.gz").write_bytes(f"model {name}".encode())
    with session_scope(url) as session:
        model = bot_models.model_for(session, name) or bot_models.register_model(
            session, fingerprint=name, filename=f"wx-{name}.tar.gz", size=8, created_by="system"
        )
        bot_models.publish(session, model, by="staff:alice")


def test_no_model_before_the_first_publication(server: TestClient) -> None:
    assert server.get("/api/models/live", headers=AUTH).status_code == 404


def test_the_model_server_needs_the_token(
    server: TestClient, fresh_db_url: str, models_dir: Path
) -> None:
    _publish(fresh_db_url, models_dir, "aaa")
    assert server.get("/api/models/live").status_code == 401
    wrong = server.get("/api/models/live", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401 and b"model aaa" not in wrong.content
    assert server.get("/api/models/live", params={"token": "guess"}).status_code == 401


def test_etag_exchange_publication_and_rollback(
    server: TestClient, fresh_db_url: str, models_dir: Path
) -> None:
    _publish(fresh_db_url, models_dir, "aaa")
    first = server.get("/api/models/live", headers=AUTH)
    assert first.status_code == 200 and first.content == b"model aaa"
    assert first.headers["etag"] == '"wx-aaa"' and first.headers["filename"] == "wx-aaa.tar.gz"

    # Rasa sends back the ETag it got: nothing new
    unchanged = server.get("/api/models/live", headers={**AUTH, "If-None-Match": '"wx-aaa"'})
    assert unchanged.status_code == 304 and unchanged.content == b""

    _publish(fresh_db_url, models_dir, "bbb")
    newer = server.get("/api/models/live", headers={**AUTH, "If-None-Match": '"wx-aaa"'})
    assert newer.status_code == 200 and newer.content == b"model bbb"
    assert newer.headers["etag"] == '"wx-bbb"'
    etag = newer.headers["etag"]
    assert (
        server.get("/api/models/live", headers={**AUTH, "If-None-Match": etag}).status_code == 304
    )

    with session_scope(fresh_db_url) as session:
        bot_models.rollback(session, by="staff:alice")
    back = server.get("/api/models/live", headers={**AUTH, "If-None-Match": etag})
    assert back.status_code == 200 and back.content == b"model aaa"
    assert back.headers["etag"] == '"wx-aaa"'
