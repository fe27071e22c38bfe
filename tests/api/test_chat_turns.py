"""A message is answered once whatever the retries; a reload gets the conversation back; 👍/👎
is stored with the question, the answer and the model that gave it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.db import session_scope
from knowledge import bot_models, conversations
from knowledge.conversations import ChatTurn, Feedback
from tests.api.conftest import FakeRasa, make_client, new_session


@pytest.fixture
def client(fresh_db_url: str, fake_rasa: FakeRasa) -> Iterator[TestClient]:
    with make_client(fake_rasa, database_url=fresh_db_url) as test_client:
        yield test_client


@pytest.fixture
def a(client: TestClient) -> str:
    return new_session(client)


@pytest.fixture
def b(client: TestClient) -> str:
    return new_session(client)


def _say(client: TestClient, session_id: str, text: str, message_id: str) -> dict:
    response = client.post(
        "/api/chat", json={"session_id": session_id, "text": text, "message_id": message_id}
    )
    return {"status": response.status_code, **response.json()}


def test_a_retried_message_is_answered_once(
    a: str, b: str, client: TestClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.reply = [{"recipient_id": "web-a", "text": "第一次的回答"}]
    first = _say(client, a, "狗证怎么办", "m-1")
    fake_rasa.reply = [{"recipient_id": "web-a", "text": "第二次的回答"}]
    again = _say(client, a, "狗证怎么办", "m-1")
    assert first["status"] == again["status"] == 200
    assert (
        again["messages"]
        == first["messages"]
        == [{"type": "text", "text": "第一次的回答", "links": []}]
    )
    assert fake_rasa.sent == [(a, "狗证怎么办")]
    # another message, or the same id in another conversation, is a new turn
    assert "第二次的回答" in str(_say(client, a, "狗证怎么办", "m-2"))
    assert "第二次的回答" in str(_say(client, b, "狗证怎么办", "m-1"))
    assert len(fake_rasa.sent) == 3


def test_a_message_that_failed_is_answered_when_retried(
    a: str, client: TestClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.down = True
    failed = _say(client, a, "外摆要申请吗", "m-9")
    assert failed["status"] == 503 and "系统繁忙" in failed["detail"]
    fake_rasa.down = False
    fake_rasa.reply = [{"recipient_id": "web-a", "text": "外摆的回答"}]
    retried = _say(client, a, "外摆要申请吗", "m-9")
    assert retried["status"] == 200 and retried["messages"][0]["text"] == "外摆的回答"
    assert _say(client, a, "外摆要申请吗", "m-9")["messages"] == retried["messages"]
    assert fake_rasa.sent == [(a, "外摆要申请吗")]


def test_a_duplicate_of_a_turn_lost_mid_way_is_answered_afresh(fresh_db_url: str) -> None:
    with session_scope(fresh_db_url) as session:
        start = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
        first, fresh = conversations.claim_turn(
            session, session_id="s", message_id="m", text="你好", now=start
        )
        assert fresh
        _, twice = conversations.claim_turn(
            session, session_id="s", message_id="m", text="你好", now=start
        )
        assert not twice  # still being answered: wait for it
        later = start + dt.timedelta(seconds=conversations.STALE_SECONDS + 1)
        again, retaken = conversations.claim_turn(
            session, session_id="s", message_id="m", text="你好", now=later
        )
        assert retaken and again.id == first.id  # the worker died: answer it now


def test_a_reload_gets_the_conversation_masked(
    a: str, b: str, client: TestClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.reply = [
        {
            "recipient_id": "web-a",
            "text": "请确认",
            "buttons": [{"title": "是", "payload": "/affirm"}],
        }
    ]
    _say(client, a, "我的电话是13812345678", "m-1")
    fake_rasa.reply = [
        {"recipient_id": "web-a", "text": "请核对：手机 13812345678，信用代码 91330502MA2B3C4D5E"}
    ]
    _say(client, a, "是", "m-2")
    _say(client, b, "别人的对话", "m-3")
    history = client.get(f"/api/sessions/{a}/history").json()
    assert [t["message_id"] for t in history["turns"]] == ["m-1", "m-2"]
    assert history["turns"][0]["text"] == "我的电话是138****5678"
    assert history["turns"][0]["messages"][0]["buttons"] == [{"title": "是", "payload": "/affirm"}]
    summary = history["turns"][1]["messages"][0]["text"]  # stored masked, like the question
    assert "138****5678" in summary and "13812345678" not in summary
    assert "91330502MA2B3C4D5E" not in summary
    assert [t["text"] for t in client.get(f"/api/sessions/{b}/history").json()["turns"]] == [
        "别人的对话"
    ]
    assert client.get(f"/api/sessions/{new_session(client)}/history").json()["turns"] == []


def test_feedback_is_stored_with_the_question_answer_and_model(
    a: str, client: TestClient, fake_rasa: FakeRasa, fresh_db_url: str
) -> None:
    with session_scope(fresh_db_url) as session:
        model = bot_models.register_model(
            session, fingerprint="abcd", filename="wx-abcd.tar.gz", size=1, created_by="test"
        )
        bot_models.publish(session, model, by="test")
    fake_rasa.reply = [{"recipient_id": "web-a", "text": "狗证在……办理"}]
    _say(client, a, "狗证在哪办 电话13812345678", "m-1")
    up = client.post("/api/feedback", json={"session_id": a, "message_id": "m-1", "rating": "up"})
    assert up.status_code == 200 and up.json()["message"] == "感谢您的反馈！"
    down = client.post(
        "/api/feedback",
        json={
            "session_id": a,
            "message_id": "m-1",
            "rating": "down",
            "comment": "没说地址，我电话13812345678",
        },
    )
    assert down.status_code == 200
    with session_scope(fresh_db_url) as session:
        rows = list(session.scalars(select(Feedback)))
        assert len(rows) == 1  # a second click changes the rating
        row = rows[0]
        assert (row.rating, row.model) == ("down", "wx-abcd.tar.gz")
        assert row.question == "狗证在哪办 电话138****5678"
        assert row.answer == "狗证在……办理" and "13812345678" not in row.comment
    unknown = client.post(
        "/api/feedback", json={"session_id": a, "message_id": "nope", "rating": "up"}
    )
    assert unknown.status_code == 404 and "没有找到这条回答" in unknown.json()["detail"]
    bad = client.post("/api/feedback", json={"session_id": a, "message_id": "m-1", "rating": "meh"})
    assert bad.status_code == 422 and isinstance(bad.json()["detail"], str)


def test_a_message_without_an_id_gets_one(a: str, client: TestClient, fresh_db_url: str) -> None:
    response = client.post("/api/chat", json={"session_id": a, "text": "你好"}).json()
    assert response["message_id"]
    with session_scope(fresh_db_url) as session:
        turn = session.scalar(select(ChatTurn))
        assert turn is not None and turn.message_id == response["message_id"]
