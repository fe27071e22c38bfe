"""Every response's protective headers, chosen by path — one place for the whole app.

- Content-Security-Policy without inline script: the pages load their scripts and styles from
  this server only; the console's few inline scripts carry the request's nonce
  (`request.scope["csp_nonce"]`), and its templates' style attributes are allowed.
- Framing: only /chat may be framed, and only by the sites in WIDGET_HOSTS (the widget opens it
  in an iframe there); every other page refuses (`frame-ancestors 'none'`, X-Frame-Options).
- `nosniff` and a same-origin referrer everywhere; HSTS on requests that came over HTTPS (uvicorn
  sets the scheme from the trusted proxy's X-Forwarded-Proto); `no-store` for the console's pages
  and the API's answers (they may hold a phone number or a booking).
- The development-only API pages (/docs, /redoc) load FastAPI's Swagger/ReDoc from its CDN.
"""

from __future__ import annotations

import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRAMEABLE = "/chat"
NONCE_KEY = "csp_nonce"
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
NO_STORE = (b"cache-control", b"no-store")
_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
_BASE = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
_DOCS_CDN = "https://cdn.jsdelivr.net"


def _hosts(widget_hosts: str) -> list[str]:
    return [h.strip().rstrip("/") for h in widget_hosts.split(",") if h.strip()]


def content_policy(path: str, nonce: str, widget_hosts: str = "") -> str:
    if path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        return (
            f"{_BASE}; script-src 'self' 'unsafe-inline' {_DOCS_CDN}; "
            f"style-src 'self' 'unsafe-inline' {_DOCS_CDN}; img-src 'self' data: "
            "https://fastapi.tiangolo.com; frame-ancestors 'none'"
        )
    if path.startswith("/admin"):
        scripts = f"script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'"
    else:
        scripts = "script-src 'self'; style-src 'self'"
    ancestors = " ".join(["'self'", *_hosts(widget_hosts)]) if path == FRAMEABLE else "'none'"
    return f"{_BASE}; {scripts}; frame-ancestors {ancestors}"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, widget_hosts: str = "") -> None:
        self.app = app
        self.widget_hosts = widget_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        nonce = scope[NONCE_KEY] = secrets.token_urlsafe(16)
        policy = content_policy(path, nonce, self.widget_hosts).encode("ascii")
        static = path.startswith("/static/") or "/statics/" in path
        private = not static and (path.startswith("/admin") or path.startswith("/api/"))
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(_ALWAYS)
                headers.append((b"content-security-policy", policy))
                if path != FRAMEABLE:
                    headers.append((b"x-frame-options", b"DENY"))
                if https:
                    headers.append(HSTS)
                if private and not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
