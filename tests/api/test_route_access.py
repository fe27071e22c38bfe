"""Every route of the app is either on the public list below, with the reason it may be
public, or refuses a caller without credentials. A new route fails this test until it is
protected or added to the list (the console's own routes are walked one by one in
test_console_safety.py)."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from tests.api.conftest import FakeRasa, make_client

# (method, path) -> why a citizen's page, or an outside service, may call it unauthenticated.
PUBLIC = {
    ("GET", "/"): "the start page",
    ("GET", "/chat"): "the chat page",
    ("GET", "/selfcheck"): "the self-check page",
    ("GET", "/widget-demo"): "the widget's demo page",
    ("GET", "/widget.js"): "the widget script the bureau's site loads",
    ("GET", "/healthz"): "the load balancer's probe (says only up or down per part)",
    ("POST", "/api/sessions"): "issues a signed conversation id (rate-limited)",
    ("POST", "/api/chat"): "needs an id the server signed (401 otherwise)",
    ("GET", "/api/sessions/{session_id}/history"): "needs an id the server signed",
    ("POST", "/api/feedback"): "needs an id the server signed and one of its answers",
    ("GET", "/api/hot-questions"): "the 热点问题 the chat shows on open",
    ("GET", "/api/items"): "the public list of items (the self-check page)",
    ("GET", "/api/items/facets"): "the self-check page's filters",
    ("GET", "/api/items/{item_id}"): "one public item",
    ("GET", "/api/bookings/{reference}"): "only with the booking's phone (404 otherwise)",
    ("GET", "/wechat"): "WeChat's URL check: needs the token's signature",
    ("POST", "/wechat"): "WeChat's messages: need the token's signature",
    ("GET", "/openapi.json"): "development only (off in production)",
    ("GET", "/docs"): "development only (off in production)",
    ("GET", "/docs/oauth2-redirect"): "development only (off in production)",
    ("GET", "/redoc"): "development only (off in production)",
}
SAMPLE = {"item_id": "1", "faq_id": "1", "question_id": "1", "job_id": "1", "model_id": "1"}


def _routes(routes: list[object]) -> list[tuple[str, str]]:
    found = []
    for route in routes:
        if isinstance(route, Mount):  # /static files and the console (walked elsewhere)
            continue
        if isinstance(route, APIRoute | Route):
            found += [(m, route.path) for m in sorted(route.methods or ()) if m != "HEAD"]
        elif hasattr(route, "original_router"):  # FastAPI's record of an included router
            found += _routes(route.original_router.routes)
    return found


def test_every_route_is_public_by_intent_or_refuses_strangers(
    db_url: str, fake_rasa: FakeRasa
) -> None:
    with make_client(
        fake_rasa, database_url=db_url, wechat_token="t", rasa_token="rasa-token"
    ) as client:
        routes = _routes(client.app.routes)  # type: ignore[attr-defined]
        assert ("GET", "/api/admin/faqs") in routes and ("GET", "/api/models/live") in routes
        guarded = [r for r in routes if r not in PUBLIC]
        assert len(guarded) >= 15
        for method, path in guarded:
            url = re.sub(r"{([^}]+)}", lambda m: SAMPLE.get(m.group(1), "x"), path)
            response = client.request(method, url, json={})
            assert response.status_code == 401, (method, path, response.status_code)
            assert re.search(r"[\u4e00-\u9fff]", response.json()["detail"]), (method, path)
        # ... and a forged console cookie or a wrong token is no better than none.
        client.cookies.set("wxbot_console", "eyJmb3JnZWQiOiAxfQ==.forged.sig")
        assert client.get("/api/admin/faqs").status_code == 401
        wrong = {"authorization": "Bearer not-the-token"}
        assert client.get("/api/models/live", headers=wrong).status_code == 401


def test_the_wechat_endpoint_refuses_an_unsigned_caller(db_url: str, fake_rasa: FakeRasa) -> None:
    with make_client(fake_rasa, database_url=db_url, wechat_token="t") as client:
        assert client.get("/wechat", params={"echostr": "x"}).status_code == 403
        assert client.post("/wechat", content=b"<xml></xml>").status_code == 403
    assert fake_rasa.sent == []
