"""Limits on what a client may send: request rates per client address (slowapi, counted in
Redis so every worker sees the same counts), and the size of a request body."""

from __future__ import annotations

import json

from slowapi import Limiter
from slowapi.util import get_remote_address
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import texts
from core.config import Settings


def make_limiter(settings: Settings) -> Limiter:
    # Keyed by endpoint (not URL): a booking lookup counts the same whatever reference it
    # tries. The client address is the one ProxyHeadersMiddleware (settings.trusted_proxies)
    # left in the request: a forwarded one only from a trusted proxy.
    return Limiter(
        key_func=get_remote_address,
        key_style="endpoint",
        storage_uri=settings.rate_limit_storage_url or settings.redis_url or "memory://",
        in_memory_fallback_enabled=True,
    )


class BodyLimit:
    """Refuses a request body over `max_bytes` with a 413 and a Chinese message: by its
    Content-Length, or (a body without one) after reading at most `max_bytes` + 1 of it, which
    is then handed on as it came. The console (/admin) keeps its own limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/admin"):
            await self.app(scope, receive, send)
            return
        length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if length is not None:
            if length.isdigit() and int(length) > self.max_bytes:
                await _too_large(send)
            else:
                await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await _too_large(send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Send) -> None:
    body = json.dumps({"detail": texts.TOO_LARGE}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class InFlight:
    """How many chat turns this worker is waiting on Rasa for, at most `limit`: past capacity
    a turn is refused at once (the user sees "busy" and can retry) instead of joining a
    queue in which every turn ends in a timeout. One event loop per worker: no lock needed."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0

    def enter(self) -> bool:
        if self.count >= self.limit:
            return False
        self.count += 1
        return True

    def leave(self) -> None:
        self.count -= 1
