"""The protective headers of every response (api/headers.py): only /chat may be framed, and
only by the sites configured for the widget; no page may run inline script except the
console's own, by the request's nonce; HSTS over HTTPS; nothing personal cached."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.conftest import FakeRasa, make_client
from tests.api.console import add_staff, login


def policy(response: object) -> dict[str, str]:
    header = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    directives = (d.strip().split(" ", 1) for d in header.split(";") if d.strip())
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


def test_only_the_chat_may_be_framed_by_the_configured_sites(
    db_url: str, fake_rasa: FakeRasa
) -> None:
    hosts = "https://www.example.gov.cn, https://portal.example.gov.cn/"
    with make_client(fake_rasa, database_url=db_url, widget_hosts=hosts) as client:
        chat = client.get("/chat")
        assert policy(chat)["frame-ancestors"] == (
            "'self' https://www.example.gov.cn https://portal.example.gov.cn"
        )
        assert "x-frame-options" not in chat.headers
        for path in ("/selfcheck", "/widget-demo", "/api/items", "/healthz", "/widget.js"):
            response = client.get(path)
            assert response.headers["x-frame-options"] == "DENY", path
            assert policy(response)["frame-ancestors"] == "'none'", path
            assert response.headers["x-content-type-options"] == "nosniff"
        assert client.get("/admin/login").headers["x-frame-options"] == "DENY"


def test_without_configured_sites_only_the_assistant_itself_frames_the_chat(
    db_url: str, fake_rasa: FakeRasa
) -> None:
    with make_client(fake_rasa, database_url=db_url) as client:
        assert policy(client.get("/chat"))["frame-ancestors"] == "'self'"


def test_public_pages_run_only_scripts_from_this_server(db_url: str, fake_rasa: FakeRasa) -> None:
    with make_client(fake_rasa, database_url=db_url) as client:
        for path in ("/chat", "/selfcheck", "/widget-demo"):
            page = client.get(path)
            rules = policy(page)
            assert rules["script-src"] == "'self'" and rules["style-src"] == "'self'", path
            assert rules["object-src"] == "'none'" and rules["base-uri"] == "'none'"
            # the pages themselves need nothing more: no inline script, no handler attribute
            assert not re.search(r"<script(?![^>]*\bsrc=)", page.text), path
            assert not re.search(r"\son[a-z]+=", page.text), path


def test_the_consoles_inline_scripts_carry_this_responses_nonce(
    fresh_db_url: str, fake_rasa: FakeRasa
) -> None:
    add_staff(fresh_db_url, "alice", "editor")
    with make_client(fake_rasa, database_url=fresh_db_url) as client:
        login(client, "alice")
        first, second = client.get("/admin/faq-entry/list"), client.get("/admin/faq-entry/list")
        found = [
            re.fullmatch(r"'self' 'nonce-([\w-]+)'", policy(r)["script-src"])
            for r in (first, second)
        ]
        nonces = [m.group(1) for m in found if m]
        assert len(nonces) == 2 and nonces[0] != nonces[1]
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", first.text)
        assert inline and all(f'nonce="{nonces[0]}"' in tag for tag in inline)
        assert not re.search(r"\son(submit|click|load)=", first.text)


def test_hsts_over_https_only_and_answers_are_not_cached(db_url: str, fake_rasa: FakeRasa) -> None:
    with make_client(fake_rasa, database_url=db_url) as client:
        assert "strict-transport-security" not in client.get("/chat").headers
        assert client.get("/api/items").headers["cache-control"] == "no-store"
        assert "no-store" not in client.get("/static/chat.js").headers.get("cache-control", "")
    with make_client(fake_rasa, database_url=db_url) as plain:
        secure = TestClient(plain.app, base_url="https://testserver")
        hsts = secure.get("/chat").headers["strict-transport-security"]
        assert hsts.startswith("max-age=31536000")
