"""热点问题 and the service channels are console data: what staff set is what the chat offers,
in their order, at the next request; every hot question is an FAQ question the service
answers; a channel is offered only for what staff said it is for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.deps import get_rasa
from core.audit import AuditRecord
from core.config import Settings
from core.db import session_scope
from knowledge import repositories
from knowledge.answering import AnsweringService, FaqAnswer, Turn
from knowledge.models import HotQuestion, ServiceChannel
from knowledge.snapshot import snapshot
from tests.api.conftest import FakeRasa
from tests.api.console import add_staff, login, submit


@pytest.fixture
def console(fresh_db_url: str) -> Iterator[TestClient]:
    add_staff(fresh_db_url, "alice", "editor")
    app = create_app(Settings(database_url=fresh_db_url, secret_key="test-secret"))
    app.dependency_overrides[get_rasa] = FakeRasa
    with TestClient(app) as client:
        yield client


def _hot(client: TestClient) -> list[str]:
    response = client.get("/api/hot-questions")
    assert response.status_code == 200
    buttons = response.json()["questions"]
    assert all(b["title"] == b["payload"] for b in buttons)  # a tap asks it as written
    return [b["title"] for b in buttons]


def test_every_seeded_hot_question_gets_its_faq_answer(db_url: str) -> None:
    with session_scope(db_url) as session:
        questions = repositories.hot_questions(session)
        knowledge = snapshot(session)
        assert len(questions) >= 5
        faq_questions = {f.question for f in repositories.active_faqs(session)}
    for question in questions:
        assert question in faq_questions, question
        decision = AnsweringService(knowledge).answer(Turn(question, None, None))
        assert isinstance(decision, FaqAnswer) and decision.faq.question == question


def test_staff_reorder_add_and_hide_hot_questions(console: TestClient, fresh_db_url: str) -> None:
    seeded = _hot(console)
    assert seeded[0] == "什么是“首违不罚”？"
    login(console)
    with session_scope(fresh_db_url) as session:
        dog = session.scalar(select(HotQuestion).where(HotQuestion.question.contains("准养登记")))
        assert dog is not None
        dog_id, dog_question = dog.id, dog.question
    moved = submit(
        console,
        f"/admin/hot-question/edit/{dog_id}",
        {"question": dog_question, "position": "1", "active": "y"},
    )
    assert moved.status_code == 302, moved.text[:500]
    assert _hot(console)[0] == dog_question
    added = submit(
        console,
        "/admin/hot-question/create",
        {"question": "吴兴区有哪些镇街？", "position": "2", "active": "y"},
    )
    assert added.status_code == 302
    assert _hot(console)[:2] == [dog_question, "吴兴区有哪些镇街？"]
    hidden = submit(
        console,
        f"/admin/hot-question/edit/{dog_id}",
        {"question": dog_question, "position": "1"},  # 显示 unticked
    )
    assert hidden.status_code == 302
    assert dog_question not in _hot(console)
    with session_scope(fresh_db_url) as session:
        log = list(
            session.scalars(select(AuditRecord).where(AuditRecord.table_name == "hot_questions"))
        )
    assert [e.action for e in log] == ["update", "create", "update"]
    assert {e.actor for e in log} == {"staff:alice"}


def test_a_channel_is_offered_for_what_staff_set_it_for(
    console: TestClient, fresh_db_url: str
) -> None:
    with session_scope(fresh_db_url) as session:
        handoff = repositories.service_channels(session, "handoff")
        assert handoff[0].startswith("拨打12345政务服务热线")
        assert any("综合行政执法中队" in line for line in handoff)
    login(console)
    created = submit(
        console,
        "/admin/service-channel/create",
        {
            "key": "window-test",
            "text": "（测试渠道）到工作人员核实后录入的窗口办理",
            "purposes": ["report"],
            "position": "5",
            "source": "工作人员测试",
            "active": "y",
        },
    )
    assert created.status_code == 302, created.text[:500]
    with session_scope(fresh_db_url) as session:
        report = repositories.service_channels(session, "report")
        assert report[0] == "（测试渠道）到工作人员核实后录入的窗口办理"
        assert "（测试渠道）到工作人员核实后录入的窗口办理" not in repositories.service_channels(
            session, "handoff"
        )
        channel = session.scalar(select(ServiceChannel).where(ServiceChannel.key == "window-test"))
        assert channel is not None and channel.updated_by == "staff:alice"
    listing = console.get("/admin/service-channel/list").text
    assert "投诉举报" in listing and "转人工" in listing
