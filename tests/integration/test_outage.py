"""When a part is down the user gets a clear Chinese message, and /healthz says which part."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import make_db
from wxbot.stack import model_ready, running_stack

pytestmark = pytest.mark.integration


def test_action_server_then_rasa_down(tmp_path: Path) -> None:
    if not model_ready():
        pytest.skip("no trained model for the current data: run `make test`")
    url = make_db(tmp_path / "app.db")
    with running_stack(tmp_path, url) as stack:
        chat = f"{stack.api_url}/api/chat"
        session_id = httpx.post(f"{stack.api_url}/api/sessions", timeout=30).json()["session_id"]
        body = {"session_id": session_id, "text": "狗证怎么办"}
        assert httpx.post(chat, json=body, timeout=60).status_code == 200

        stack.stop("actions")
        health = httpx.get(f"{stack.api_url}/healthz", timeout=30)
        assert health.status_code == 503 and health.json()["actions"] == "down"
        reply = httpx.post(chat, json=body, timeout=60)
        assert reply.status_code == 503
        assert "系统繁忙" in reply.json()["messages"][0]["text"]

        stack.stop("rasa")
        reply = httpx.post(chat, json=body, timeout=60)
        assert reply.status_code == 503 and "12345" in reply.json()["detail"]
        assert httpx.get(f"{stack.api_url}/healthz", timeout=30).json()["rasa"] == "down"
