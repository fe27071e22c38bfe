"""The API with a stand-in for Rasa, so these tests exercise our own HTTP layer only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.deps import get_rasa
from api.limits import limiter
from api.main import create_app
from api.rasa_client import RasaUnavailable
from knowledge.settings import Settings


class FakeRasa:
    def __init__(self) -> None:
        self.reply: list[dict[str, Any]] = [{"recipient_id": "s", "text": "您好"}]
        self.down = False
        self.sent: list[tuple[str, str]] = []

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
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


@pytest.fixture
def client(db_url: str, fake_rasa: FakeRasa) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=db_url, action_server_url="http://127.0.0.1:9/webhook"))
    app.dependency_overrides[get_rasa] = lambda: fake_rasa
    limiter.reset()
    with TestClient(app) as test_client:
        yield test_client
