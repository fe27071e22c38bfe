"""What a client may send: rates per real client address (a forwarded one only from a trusted
proxy), counted in Redis across workers and still counted when Redis is down; the size of a
body; and no cross-origin reads of the API."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import FakeRasa, make_client
from tests.services import require_redis


def _address() -> str:
    """A client address no other run has used (counters in Redis outlive a test)."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _session_codes(client: TestClient, count: int, forwarded_for: str | None = None) -> list[int]:
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    return [client.post("/api/sessions", headers=headers).status_code for _ in range(count)]


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(
    db_url: str, fake_rasa: FakeRasa
) -> None:
    # TestClient connects as "testclient": not a trusted proxy by default.
    with make_client(fake_rasa, database_url=db_url, session_rate_limit="3/minute") as client:
        codes = [_session_codes(client, 1, _address())[0] for _ in range(4)]
    assert codes == [201, 201, 201, 429]  # a new X-Forwarded-For each time buys nothing


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(
    db_url: str, fake_rasa: FakeRasa
) -> None:
    with make_client(
        fake_rasa, database_url=db_url, session_rate_limit="2/minute", trusted_proxies="testclient"
    ) as client:
        first, second = _address(), _address()
        assert _session_codes(client, 3, first) == [201, 201, 429]
        assert _session_codes(client, 2, second) == [201, 201]
        assert "稍等" in client.post("/api/sessions", headers={"x-forwarded-for": first}).text


def test_workers_share_the_counts_in_redis(db_url: str, fake_rasa: FakeRasa) -> None:
    redis_url = require_redis()
    settings = {
        "database_url": db_url,
        "session_rate_limit": "3/minute",
        "trusted_proxies": "testclient",
        "rate_limit_storage_url": redis_url,
    }
    address = _address()
    with make_client(fake_rasa, **settings) as one, make_client(fake_rasa, **settings) as two:
        codes = [*_session_codes(one, 2, address), *_session_codes(two, 2, address)]
    assert codes == [201, 201, 201, 429]


def test_with_redis_down_the_limits_still_hold_in_memory(db_url: str, fake_rasa: FakeRasa) -> None:
    with make_client(
        fake_rasa,
        database_url=db_url,
        session_rate_limit="2/minute",
        rate_limit_storage_url="redis://127.0.0.1:9/0",  # nothing listens there
    ) as client:
        assert _session_codes(client, 3) == [201, 201, 429]


@pytest.fixture
def small(db_url: str, fake_rasa: FakeRasa) -> Iterator[TestClient]:
    with make_client(fake_rasa, database_url=db_url, max_body_bytes=1000) as client:
        yield client


def test_an_over_large_body_is_refused_in_chinese_before_it_is_read(
    small: TestClient, fake_rasa: FakeRasa
) -> None:
    sid = small.post("/api/sessions").json()["session_id"]
    big = {"session_id": sid, "text": "狗" * 2000}
    response = small.post("/api/chat", json=big)
    assert response.status_code == 413 and "内容太大" in response.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it streams in
        yield b'{"session_id": "' + sid.encode() + b'", "text": "'
        for _ in range(10):
            yield "狗".encode() * 100
        yield b'"}'

    streamed = small.post(
        "/api/chat", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413 and "内容太大" in streamed.json()["detail"]
    assert fake_rasa.sent == []
    assert small.post("/api/chat", json={"session_id": sid, "text": "狗证"}).status_code == 200


def test_other_sites_cannot_read_the_api(client: TestClient) -> None:
    origin = {"origin": "https://evil.example.com"}
    response = client.post("/api/sessions", headers=origin)
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/api/chat", headers={**origin, "access-control-request-method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert preflight.status_code in (400, 405)


class SlowRasa(FakeRasa):
    """A Rasa that answers only when the test lets it."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        await self.release.wait()
        return await super().send(sender, text, metadata)


def test_past_capacity_a_turn_is_busy_at_once_and_its_retry_is_answered(db_url: str) -> None:
    slow = SlowRasa()
    app = make_client(slow, database_url=db_url, chat_max_in_flight=1).app

    async def scenario() -> tuple[int, str, float, int, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            sid = (await client.post("/api/sessions")).json()["session_id"]

            def turn(message_id: str) -> Any:
                body = {"session_id": sid, "text": "狗证怎么办", "message_id": message_id}
                return client.post("/api/chat", json=body)

            first = asyncio.create_task(turn("m-first"))
            await asyncio.sleep(0.2)  # the first turn is now waiting on Rasa
            started = time.monotonic()
            shed = await asyncio.wait_for(turn("m-second"), timeout=5)  # never a queue
            took = time.monotonic() - started
            slow.release.set()
            answered = await first
            retried = await turn("m-second")
            return (
                shed.status_code,
                shed.json()["detail"],
                took,
                answered.status_code,
                (retried.status_code),
            )

    with TestClient(app):  # runs the app's lifespan
        status, detail, took, first_status, retry_status = asyncio.run(scenario())
    assert status == 503 and "系统繁忙" in detail
    assert took < 1.0  # refused at once, not after Rasa's timeout
    assert first_status == 200 and retry_status == 200
    assert [text for _, text in slow.sent] == ["狗证怎么办", "狗证怎么办"]  # one per message
