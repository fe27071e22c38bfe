"""Only /chat may be framed, and only by the sites configured for the widget."""

from __future__ import annotations

from tests.api.conftest import FakeRasa, make_client


def test_only_the_chat_may_be_framed_by_the_configured_sites(
    db_url: str, fake_rasa: FakeRasa
) -> None:
    hosts = "https://www.example.gov.cn, https://portal.example.gov.cn/"
    with make_client(fake_rasa, database_url=db_url, widget_hosts=hosts) as client:
        chat = client.get("/chat")
        assert chat.headers["content-security-policy"] == (
            "frame-ancestors 'self' https://www.example.gov.cn https://portal.example.gov.cn"
        )
        assert "x-frame-options" not in chat.headers
        for path in ("/selfcheck", "/widget-demo", "/api/items", "/healthz", "/widget.js"):
            response = client.get(path)
            assert response.headers["x-frame-options"] == "DENY", path
            assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
            assert response.headers["x-content-type-options"] == "nosniff"
        assert client.get("/admin/login").headers["x-frame-options"] == "DENY"


def test_without_configured_sites_only_the_assistant_itself_frames_the_chat(
    db_url: str, fake_rasa: FakeRasa
) -> None:
    with make_client(fake_rasa, database_url=db_url) as client:
        assert client.get("/chat").headers["content-security-policy"] == "frame-ancestors 'self'"
