"""The JSON admin API (/api/admin/…): the console's session and nothing else lets one in, a
change needs the session's CSRF token, changes are stamped and logged, an FAQ made here is
answered at the next turn, and a demoted or deactivated account loses access at once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.admin.models_view import ModelsView
from api.app import create_app
from api.deps import get_rasa
from core.accounts import StaffUser
from core.audit import AuditRecord
from core.config import Settings
from core.db import session_scope
from knowledge import bot_models
from knowledge.answering import AnsweringService, FaqAnswer, Turn
from knowledge.snapshot import snapshot
from tests.api.conftest import FakeRasa
from tests.api.console import add_staff, form_token, login

NEW_FAQ = {
    "key": "dog-lift-test",
    "topic": "dog",
    "question": "遛狗坐电梯要注意什么",
    "alt_questions": ["带狗乘电梯有啥规定", "狗能不能进电梯"],
    "answer": "（测试条目）带犬乘电梯的规定，以工作人员核实后录入的内容为准。",
    "source": "工作人员测试",
}


@pytest.fixture
def app_and_client(fresh_db_url: str) -> Iterator[tuple[object, TestClient]]:
    add_staff(fresh_db_url, "alice", "editor")
    app = create_app(Settings(database_url=fresh_db_url, secret_key="test-secret"))
    app.dependency_overrides[get_rasa] = FakeRasa
    with TestClient(app) as client:
        yield app, client


@pytest.fixture
def client(app_and_client: tuple[object, TestClient]) -> TestClient:
    return app_and_client[1]


def _signed_in(client: TestClient) -> dict[str, str]:
    """Log in at the console; the headers a change then needs."""
    login(client)
    return {"X-CSRFToken": form_token(client, "/admin/password")}


def _answer(url: str, text: str) -> object:
    with session_scope(url) as session:
        return AnsweringService(snapshot(session)).answer(Turn(text, "ask_pet_registration", 0.9))


def test_every_admin_route_needs_the_console_login(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    routes = [
        (method.upper(), re.sub(r"{[^}]+}", "1", path))
        for path, operations in paths.items()
        if path.startswith("/api/admin/")
        for method in operations
    ]
    assert len(routes) >= 12
    for method, path in routes:
        response = client.request(method, path, json={})
        assert response.status_code == 401, (method, path, response.status_code)
        assert "请先登录工作台" in response.json()["detail"]
    # a forged cookie is no login either
    client.cookies.set("wxbot_console", "eyJzdGFmZiI6ICJhbGljZSJ9.forged.sig")
    assert client.get("/api/admin/faqs").status_code == 401


def test_an_faq_made_through_the_api_is_answered_next_and_logged(
    client: TestClient, fresh_db_url: str
) -> None:
    headers = _signed_in(client)
    refused = client.post("/api/admin/faqs", json=NEW_FAQ)  # no CSRF token
    assert refused.status_code == 403 and "X-CSRFToken" in refused.json()["detail"]
    created = client.post("/api/admin/faqs", json=NEW_FAQ, headers=headers)
    assert created.status_code == 201, created.text
    faq = created.json()
    assert faq["updated_by"] == "staff:alice" and faq["active"]
    decision = _answer(fresh_db_url, "带狗乘电梯有什么规定")
    assert isinstance(decision, FaqAnswer) and decision.faq.key == "dog-lift-test"
    again = client.post("/api/admin/faqs", json=NEW_FAQ, headers=headers)
    assert again.status_code == 409 and "已被另一条 FAQ 使用" in again.json()["detail"]

    off = client.patch(f"/api/admin/faqs/{faq['id']}", json={"active": False}, headers=headers)
    assert off.status_code == 200 and not off.json()["active"]
    after = _answer(fresh_db_url, "带狗乘电梯有什么规定")
    assert not (isinstance(after, FaqAnswer) and after.faq.key == "dog-lift-test")
    listed = client.get("/api/admin/faqs", params={"q": "电梯", "active": "false"}).json()
    assert [f["key"] for f in listed["faqs"]] == ["dog-lift-test"]
    with session_scope(fresh_db_url) as session:
        log = list(session.scalars(select(AuditRecord).order_by(AuditRecord.id)))
    assert [(e.action, e.actor, e.changed[-1:]) for e in log][-1] == (
        "update",
        "staff:alice",
        ["active"],
    )
    assert log[0].action == "create" and log[0].after["question"] == "遛狗坐电梯要注意什么"


def test_bad_input_gets_a_chinese_answer(client: TestClient) -> None:
    headers = _signed_in(client)
    assert "没有这条 FAQ" in client.get("/api/admin/faqs/987654").json()["detail"]
    beyond = client.get(f"/api/admin/faqs/{2**70}")  # past the databases' 64-bit ids
    assert beyond.status_code == 422 and "请求内容不正确" in beyond.json()["detail"]
    bad = client.post("/api/admin/faqs", json={**NEW_FAQ, "key": "带 空格"}, headers=headers)
    assert bad.status_code == 422 and isinstance(bad.json()["detail"], str)
    status = client.patch("/api/admin/unanswered/1", json={"status": "蒸发"}, headers=headers)
    assert status.status_code == 422


def test_a_deactivated_or_demoted_account_loses_access_at_once(
    client: TestClient, fresh_db_url: str
) -> None:
    _signed_in(client)
    assert client.get("/api/admin/items", params={"q": "晾晒"}).json()["total"] >= 1
    with session_scope(fresh_db_url) as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == "alice"))
        assert user is not None
        user.active = False
    assert client.get("/api/admin/items").status_code == 401


def test_training_jobs_and_models_through_the_api(
    client: TestClient, fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Settings] = []
    monkeypatch.setattr(ModelsView, "launcher", staticmethod(started.append))
    headers = _signed_in(client)
    job = client.post("/api/admin/training-jobs", headers=headers)
    assert job.status_code == 202 and job.json()["state_label"] == "排队中"
    assert len(started) == 1
    assert client.get(f"/api/admin/training-jobs/{job.json()['id']}").json()["state"] == "queued"
    with session_scope(fresh_db_url) as session:
        ids = [
            bot_models.register_model(
                session,
                fingerprint=name,
                filename=f"wx-{name}.tar.gz",
                size=1,
                created_by="staff:alice",
                status=status,
                reason="留出集意图准确率低于线上模型" if status == "rejected" else "",
                training_seconds=90.0,
                accuracy=0.9,
                heldout_total=200,
            ).id
            for name, status in (("aaaa", "passed"), ("bbbb", "passed"), ("cccc", "rejected"))
        ]
    old, new, refused = ids
    assert client.post(f"/api/admin/models/{old}/publish", headers=headers).status_code == 200
    assert client.post(f"/api/admin/models/{new}/publish", headers=headers).json()["live"]
    no = client.post(f"/api/admin/models/{refused}/publish", headers=headers)
    assert no.status_code == 409 and "不能发布" in no.json()["detail"]
    assert client.get("/api/admin/models").json()["live"]["filename"] == "wx-bbbb.tar.gz"
    back = client.post("/api/admin/models/rollback", headers=headers)
    assert back.json()["filename"] == "wx-aaaa.tar.gz"
    assert client.get("/api/admin/models").json()["live"]["fingerprint"] == "aaaa"


def test_the_admin_api_is_in_the_openapi_page(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/admin/faqs", "/api/admin/models/rollback", "/api/admin/training-jobs"} <= set(
        paths
    )
