"""Who may frame which page: only /chat, and only by the sites in WIDGET_HOSTS (the widget opens
it in an iframe there); every other page of the API refuses to be framed (clickjacking). The
console sets its own, stricter headers (api/admin/security.py)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRAMEABLE = "/chat"


def chat_ancestors(widget_hosts: str) -> bytes:
    hosts = [h.strip().rstrip("/") for h in widget_hosts.split(",") if h.strip()]
    return " ".join(["frame-ancestors 'self'", *hosts]).encode("ascii")


class FramePolicy:
    def __init__(self, app: ASGIApp, widget_hosts: str = "") -> None:
        self.app = app
        self.chat_policy = chat_ancestors(widget_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path or path.startswith("/admin"):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                if path == FRAMEABLE:
                    headers.append((b"content-security-policy", self.chat_policy))
                else:
                    headers.append((b"x-frame-options", b"DENY"))
                    headers.append((b"content-security-policy", b"frame-ancestors 'none'"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
