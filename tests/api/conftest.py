"""The API with a stand-in for Rasa, so these tests exercise our own HTTP layer only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_rasa
from api.rasa_client import RasaUnavailable
from core.config import Settings


class FakeRasa:
    def __init__(self) -> None:
        self.reply: list[dict[str, Any]] = [{"recipient_id": "s", "text": "您好"}]
        self.down = False
        self.sent: list[tuple[str, str]] = []

    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        if self.down:
            raise RasaUnavailable
        self.sent.append((sender, text))
        return self.reply

    async def status(self) -> dict[str, Any]:
        if self.down:
            raise RasaUnavailable
        return {"model_file": "wx.tar.gz"}

    async def close(self) -> None:
        return None


@pytest.fixture
def fake_rasa() -> FakeRasa:
    return FakeRasa()


def make_client(fake_rasa: FakeRasa, **settings: Any) -> TestClient:
    """A client of a new app (with its own rate limits) on these settings."""
    settings.setdefault("action_server_url", "http://127.0.0.1:9/webhook")
    app = create_app(Settings(**settings))
    app.dependency_overrides[get_rasa] = lambda: fake_rasa
    return TestClient(app)


def new_session(client: TestClient) -> str:
    """A conversation id issued by the server, as the chat page gets one."""
    response = client.post("/api/sessions")
    assert response.status_code == 201
    return str(response.json()["session_id"])


@pytest.fixture
def sid(client: TestClient) -> str:
    return new_session(client)


@pytest.fixture
def client(db_url: str, fake_rasa: FakeRasa) -> Iterator[TestClient]:
    with make_client(fake_rasa, database_url=db_url) as test_client:
        yield test_client
