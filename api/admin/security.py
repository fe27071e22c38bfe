"""The console's protections below the views: CSRF tokens and the throttling of failed logins
(its framing, caching and content-policy headers are the app's, api/headers.py).

CSRF: a synchronizer token kept in the signed session. Every POST, PUT, PATCH and DELETE to
/admin must send it back, as the `csrftoken` form field or the `x-csrftoken` header
(sqladmin's delete requests), the login form included; templates read it as
`request.scope.csrftoken()`. (asgi-csrf, the library for this, breaks on the multipart forms
sqladmin sends with the python-multipart we pin, so the check is here, using Starlette's own
form parser.)
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.admin import texts
from core.config import Settings

CSRF_FIELD = "csrftoken"
CSRF_HEADER = "x-csrftoken"
_SESSION_KEY = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# A form body larger than this is refused before it is parsed (the list upload is 5 MB).
MAX_FORM_BYTES = 8 * 1024 * 1024


class CSRFProtection:
    """Runs inside the session middleware (it keeps its token in the session)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = scope["session"]

        def token() -> str:
            if _SESSION_KEY not in session:
                session[_SESSION_KEY] = secrets.token_urlsafe(32)
            return str(session[_SESSION_KEY])

        scope[CSRF_FIELD] = token
        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        expected = session.get(_SESSION_KEY)
        if not expected:
            await _refuse(send, 403, texts.CSRF_REFUSED_PAGE)
            return
        sent = Headers(scope=scope).get(CSRF_HEADER)
        if sent is None:
            body = await _read_body(receive)
            if body is None:
                await _refuse(send, 413, texts.FORM_TOO_LARGE_PAGE)
                return
            sent = await _form_token(scope, _replay(body, receive))
            receive = _replay(body, receive)
        if not sent or not secrets.compare_digest(sent, str(expected)):
            await _refuse(send, 403, texts.CSRF_REFUSED_PAGE)
            return
        await self.app(scope, receive, send)


async def _read_body(receive: Receive) -> list[Message] | None:
    """The request's body messages, or None when it is larger than MAX_FORM_BYTES."""
    messages: list[Message] = []
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return messages
        size += len(message.get("body", b""))
        if size > MAX_FORM_BYTES:
            return None
        messages.append(message)
        more = message.get("more_body", False)
    return messages


def _replay(messages: list[Message], receive: Receive) -> Callable[[], Awaitable[Message]]:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


async def _form_token(scope: Scope, receive: Receive) -> str | None:
    content_type = Headers(scope=scope).get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    form = await Request(scope, receive).form()
    try:
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    finally:
        await form.close()


async def _refuse(send: Send, status: int, page: str) -> None:
    body = page.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def inner_middlewares() -> list[Middleware]:
    """Inside the session middleware (the authentication backend adds them after it)."""
    return [Middleware(CSRFProtection)]


@dataclass
class LoginThrottle:
    """Failed logins, counted per username (known or not, so a lockout tells nothing about
    which accounts exist) and per client address, in a moving window. Kept in Redis when
    REDIS_URL is set, so every API worker sees the same counts."""

    max_failures: int
    max_failures_per_ip: int
    window_minutes: int
    storage_uri: str = "memory://"

    def __post_init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(self.storage_uri))
        self._per_name = parse(f"{self.max_failures} per {self.window_minutes} minutes")
        self._per_ip = parse(f"{self.max_failures_per_ip} per {self.window_minutes} minutes")

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginThrottle:
        return cls(
            max_failures=settings.login_max_failures,
            max_failures_per_ip=settings.login_max_failures_per_ip,
            window_minutes=settings.login_lockout_minutes,
            storage_uri=settings.redis_url or "memory://",
        )

    @staticmethod
    def _name(username: str) -> str:
        return username.strip().lower()[:80]

    def locked(self, username: str, address: str) -> bool:
        return not (
            self._limiter.test(self._per_name, "console-login", self._name(username))
            and self._limiter.test(self._per_ip, "console-login-ip", address)
        )

    def failed(self, username: str, address: str) -> None:
        self._limiter.hit(self._per_name, "console-login", self._name(username))
        self._limiter.hit(self._per_ip, "console-login-ip", address)

    def succeeded(self, username: str) -> None:
        self._limiter.clear(self._per_name, "console-login", self._name(username))
