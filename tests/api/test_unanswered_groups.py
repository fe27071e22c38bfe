"""Unanswered questions, grouped, become an FAQ in two clicks; the next chat turn finds it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.deps import get_rasa
from core.config import Settings
from core.db import session_scope
from knowledge import repositories
from knowledge.answering import AnsweringService, FaqAnswer, Turn
from knowledge.models import FaqEntry, UnansweredQuestion
from knowledge.snapshot import snapshot
from tests.api.conftest import FakeRasa
from tests.api.console import add_staff, login, post

ASKED = ["外摆要交钱吗", "狗证能不能代办", "狗证可以找人代办吗", "狗证让家里人代办行吗"]


@pytest.fixture
def console(fresh_db_url: str) -> Iterator[TestClient]:
    add_staff(fresh_db_url, "alice", "editor")
    with session_scope(fresh_db_url) as session:
        for text in ASKED:
            repositories.record_unanswered(
                session, text=text, intent="ask_pet_registration", confidence=0.4, reason="fallback"
            )
    app = create_app(Settings(database_url=fresh_db_url, secret_key="test-secret"))
    app.dependency_overrides[get_rasa] = FakeRasa
    with TestClient(app) as client:
        login(client)
        yield client


def _group_ids(page: str) -> list[str]:
    return re.findall(r'name="ids" value="([0-9,]+)"', page)


def test_the_most_asked_gap_comes_first_and_becomes_an_faq(
    console: TestClient, fresh_db_url: str
) -> None:
    page = console.get("/admin/unanswered-groups")
    assert page.status_code == 200
    # the three ways of asking about a proxy come first, as one group
    first = page.text.index("3 次")
    assert first < page.text.index("外摆要交钱吗")
    ids = _group_ids(page.text)[0]
    assert len(ids.split(",")) == 3
    # the likely topic is preselected from the NLU's guess
    assert re.search(r'<option value="dog" selected', page.text)
    answer = "请以养犬登记服务点的答复为准。"
    done = post(
        console,
        "/admin/unanswered-groups/new-faq",
        "/admin/unanswered-groups",
        {"ids": ids, "question": "狗证能代办吗", "topic": "dog", "answer": answer},
    )
    assert done.status_code == 200 and "已新建 FAQ" in done.text
    with session_scope(fresh_db_url) as session:
        entry = session.scalar(select(FaqEntry).where(FaqEntry.question == "狗证能代办吗"))
        assert entry is not None and entry.updated_by == "staff:alice"
        assert "狗证可以找人代办吗" in entry.alt_questions
        statuses = dict(
            session.execute(select(UnansweredQuestion.text, UnansweredQuestion.status)).all()
        )
        assert statuses["外摆要交钱吗"] == "new" and statuses["狗证可以找人代办吗"] == "handled"
        decision = AnsweringService(snapshot(session)).answer(
            Turn("狗证可以让别人代办吗", "ask_pet_registration", 0.9)
        )
    assert isinstance(decision, FaqAnswer) and decision.faq.question == "狗证能代办吗"
    assert "外摆要交钱吗" in console.get("/admin/unanswered-groups").text
    assert "狗证可以找人代办吗" not in console.get("/admin/unanswered-groups").text


def test_a_group_joins_an_existing_faq_or_is_ignored(
    console: TestClient, fresh_db_url: str
) -> None:
    page = console.get("/admin/unanswered-groups").text
    proxy, outdoor = _group_ids(page)[0], _group_ids(page)[-1]
    with session_scope(fresh_db_url) as session:
        target = repositories.active_faqs(session)[0].key
    post(
        console,
        "/admin/unanswered-groups/add-phrasings",
        "/admin/unanswered-groups",
        {"ids": proxy, "faq": target},
    )
    ignored = post(
        console, "/admin/unanswered-groups/ignore", "/admin/unanswered-groups", {"ids": outdoor}
    )
    assert "已忽略 1 个问题" in ignored.text
    with session_scope(fresh_db_url) as session:
        entry = repositories.get_faq(session, key=target)
        assert entry is not None and "狗证让家里人代办行吗" in entry.alt_questions
    assert "目前没有待处理的问题" in console.get("/admin/unanswered-groups").text


def test_the_grouped_view_needs_login(fresh_db_url: str) -> None:
    app = create_app(Settings(database_url=fresh_db_url, secret_key="test-secret"))
    with TestClient(app) as client:
        page = client.get("/admin/unanswered-groups", follow_redirects=False)
        assert page.status_code in (302, 303)
        refused = client.post(
            "/admin/unanswered-groups/ignore", data={"ids": "1"}, follow_redirects=False
        )
        assert refused.status_code in (302, 303, 403)
