"""The console's conversation review reads Rasa's tracker store: each user message with the
intent, confidence, actions and reply; personal data masked; filters for what needs a look."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.admin.conversation_log import EVENTS, MessageFilter, recent_messages
from api.app import create_app
from api.deps import get_rasa
from core.config import Settings
from core.db import get_engine, session_scope
from knowledge import conversations, repositories
from tests.api.conftest import FakeRasa
from tests.api.console import add_staff, login, post

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC).timestamp()


def _user(
    sender: str, text: str, intent: str, confidence: float, at: float, message_id: str = ""
) -> dict:
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence}}
    data = {"event": "user", "text": text, "parse_data": parse}
    if message_id:  # what the API sends Rasa as the message's metadata
        data["metadata"] = {"channel": "web", "message_id": message_id}
    return {
        "sender_id": sender,
        "type_name": "user",
        "timestamp": at,
        "intent_name": intent,
        "data": json.dumps(data, ensure_ascii=False),
    }


def _action(sender: str, name: str, at: float) -> dict:
    return {
        "sender_id": sender,
        "type_name": "action",
        "timestamp": at,
        "action_name": name,
        "data": json.dumps({"event": "action", "name": name}),
    }


def _bot(sender: str, text: str, at: float, response: str = "") -> dict:
    metadata = {"utter_action": response} if response else {}
    return {
        "sender_id": sender,
        "type_name": "bot",
        "timestamp": at,
        "data": json.dumps(
            {"event": "bot", "text": text, "metadata": metadata}, ensure_ascii=False
        ),
    }


@pytest.fixture
def tracker_url(tmp_path: Path) -> str:
    """A tracker store with the rows Rasa's SQLTrackerStore writes (same table and columns)."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = get_engine(url)
    EVENTS.metadata.create_all(engine)
    rows = [
        _action("web-a", "action_session_start", NOW),
        _user("web-a", "狗证怎么办 我电话13812345678", "ask_pet_registration", 0.97, NOW + 1),
        _action("web-a", "action_pet_registration", NOW + 2),
        _bot("web-a", "湖州实行准养登记：先打狂犬病疫苗……", NOW + 2),
        _action("web-a", "action_listen", NOW + 3),
        _user("web-b", "明天会下雨吗", "nlu_fallback", 0.31, NOW + 10),
        _action("web-b", "action_fallback", NOW + 11),
        _bot("web-b", "抱歉，这个问题我暂时还不会回答", NOW + 11, "utter_fallback"),
        _user("web-a", "要多久", "ask_detail", 0.55, NOW + 20, message_id="m-2"),
        _action("web-a", "action_follow_up", NOW + 21),
        _bot("web-a", "3个工作日内审核", NOW + 21),
    ]
    columns = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
    with engine.begin() as conn:
        conn.execute(EVENTS.insert(), [{c: r.get(c) for c in columns} for r in rows])
    return url


def test_messages_come_with_what_the_bot_did(tracker_url: str) -> None:
    messages = recent_messages(tracker_url, MessageFilter())
    assert [m.text[:3] for m in messages] == ["要多久", "明天会", "狗证怎"]  # newest first
    dog = messages[2]
    assert "138****5678" in dog.text and "13812345678" not in dog.text
    assert dog.intent == "ask_pet_registration" and dog.confidence == pytest.approx(0.97)
    assert dog.actions == ["action_pet_registration"]  # Rasa's bookkeeping left out
    assert dog.replies == ["湖州实行准养登记：先打狂犬病疫苗……"]
    assert messages[1].fallback and not dog.fallback


def test_filters_pick_the_messages_worth_a_look(tracker_url: str) -> None:
    low = recent_messages(tracker_url, MessageFilter(below_confidence=0.6))
    assert {m.text for m in low} == {"明天会下雨吗", "要多久"}
    fallback = recent_messages(tracker_url, MessageFilter(fallback_only=True))
    assert [m.text for m in fallback] == ["明天会下雨吗"]
    later = recent_messages(tracker_url, MessageFilter(since=dt.date(2026, 12, 2)))
    assert later == []


@pytest.fixture
def console(fresh_db_url: str, tracker_url: str) -> Iterator[TestClient]:
    add_staff(fresh_db_url, "alice", "editor")
    settings = Settings(
        database_url=fresh_db_url, tracker_store_url=tracker_url, secret_key="test-secret"
    )
    app = create_app(settings)
    app.dependency_overrides[get_rasa] = FakeRasa
    with TestClient(app) as client:
        yield client


def test_the_review_page_needs_login_and_shows_masked_messages(console: TestClient) -> None:
    page = console.get("/admin/conversations", follow_redirects=False)
    assert page.status_code in (302, 303)
    login(console)
    page = console.get("/admin/conversations")
    assert page.status_code == 200
    assert "狗证怎么办" in page.text and "138****5678" in page.text
    assert "13812345678" not in page.text
    assert "ask_pet_registration" in page.text and "0.97" in page.text
    only_fallback = console.get("/admin/conversations", params={"fallback": "1"})
    assert "明天会下雨吗" in only_fallback.text and "狗证怎么办" not in only_fallback.text
    dogs = console.get("/admin/conversations", params={"topic": "dog"}).text
    assert "狗证怎么办" in dogs and "明天会下雨吗" not in dogs and "要多久" not in dogs
    whole = console.get("/admin/conversations", params={"sender": "web-a"})
    assert "要多久" in whole.text and "明天会下雨吗" not in whole.text


def test_the_dashboard_counts_from_the_logs(
    console: TestClient, fresh_db_url: str, tracker_url: str
) -> None:
    with session_scope(fresh_db_url) as session:
        repositories.record_unanswered(
            session, text="明天会下雨吗", intent="nlu_fallback", confidence=0.3, reason="fallback"
        )
        repositories.record_unanswered(
            session, text="明天下雨不", intent="nlu_fallback", confidence=0.3, reason="fallback"
        )
    login(console)
    page = console.get("/admin/dashboard", params={"since": "2026-11-30", "until": "2026-12-01"})
    assert page.status_code == 200
    text = page.text
    assert "对话 <strong>2</strong> 次，用户消息 <strong>3</strong> 条" in text
    # two of three messages answered, one not: 67%
    assert "回答率 <strong>67%</strong>" in text
    assert "<th>12-01</th><td>2</td>" in text and "<th>11-30</th><td>0</td>" in text
    assert "<th>未能回答</th><td>1</td>" in text
    assert "<th>犬类管理</th><td>1</td>" in text
    assert re.search(r"<th>明天(会)?下雨(吗|不)</th><td>2</td>", text)  # one group of two
    empty = console.get("/admin/dashboard", params={"since": "2026-12-05", "until": "2026-12-06"})
    assert "对话 <strong>0</strong> 次" in empty.text and "这段时间没有数据" in empty.text


def test_a_message_is_taught_sent_for_an_answer_or_added_to_an_faq(
    console: TestClient, fresh_db_url: str, tracker_url: str
) -> None:
    login(console)
    events = {m.text: m.event_id for m in recent_messages(tracker_url, MessageFilter())}
    taught = post(
        console,
        "/admin/conversations/teach",
        "/admin/conversations",
        {"event": events["要多久"], "text": "要多久", "intent": "ask_detail"},
    )
    assert "已加入意图 ask_detail 的训练问法" in taught.text
    refused = post(
        console,
        "/admin/conversations/teach",
        "/admin/conversations",
        {"text": "要多久", "intent": "no_such_intent"},
    )
    assert "请选择一个意图" in refused.text
    queued = post(
        console,
        "/admin/conversations/needs-answer",
        "/admin/conversations",
        {"event": events["明天会下雨吗"], "text": "明天会下雨吗", "intent": "nlu_fallback"},
    )
    assert "明天会下雨吗" in queued.text and "转为新 FAQ" in queued.text  # the grouped view
    dog = next(t for t in events if t.startswith("狗证"))
    post(
        console,
        "/admin/conversations/as-phrasing",
        "/admin/conversations",
        {"event": events[dog], "text": dog, "faq": "dog-registration-how"},
    )
    page = console.get("/admin/conversations").text
    assert page.count("已处理") == 3
    with session_scope(fresh_db_url) as session:
        phrases = repositories.active_training_phrases(session)
        assert [(p.text, p.intent, p.updated_by) for p in phrases] == [
            ("要多久", "ask_detail", "staff:alice")
        ]
        faq = repositories.get_faq(session, key="dog-registration-how")
        assert faq is not None and dog in faq.alt_questions


def test_taught_phrases_go_into_the_next_training(fresh_session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from core.config import PROJECT_ROOT
    from knowledge.nlu_export import export_nlu

    bot = tmp_path / "bot"
    shutil.copytree(PROJECT_ROOT / "bot" / "data", bot / "data")
    repositories.teach_intent(
        fresh_session,
        text="我家旺财的牌子丢了咋整",
        intent="ask_pet_registration",
        source_event=None,
        actor="staff:alice",
    )
    export_nlu(fresh_session, bot)
    generated = (bot / "data" / "nlu" / "generated.yml").read_text(encoding="utf-8")
    block = generated.split("- intent: ask_pet_registration", 1)[1].split("- intent:", 1)[0]
    assert "我家旺财的牌子丢了咋整" in block


def test_thumbs_down_answers_are_shown_and_filtered(console: TestClient, fresh_db_url: str) -> None:
    with session_scope(fresh_db_url) as session:
        turn, _ = conversations.claim_turn(
            session, session_id="web-a", message_id="m-2", text="要多久"
        )
        conversations.finish_turn(
            session, turn.id, [{"type": "text", "text": "3个工作日内审核"}], ""
        )
        conversations.rate(
            session, session_id="web-a", message_id="m-2", rating="down", comment="没说从哪天算"
        )
    login(console)
    page = console.get("/admin/conversations").text
    assert page.count("👎") >= 2 and "没说从哪天算" in page  # the filter's label and the mark
    only_down = console.get("/admin/conversations", params={"down": "1"}).text
    assert (
        "要多久" in only_down and "明天会下雨吗" not in only_down and "狗证怎么办" not in only_down
    )
    dashboard = console.get("/admin/dashboard").text
    assert "👎 <strong>1</strong>" in dashboard and "满意 0%" in dashboard
