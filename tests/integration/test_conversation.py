"""End to end: the real Rasa server, action server and API hold a conversation per topic."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.db import session_scope
from knowledge import repositories
from knowledge.topics import registry
from wxbot.stack import Stack

pytestmark = pytest.mark.integration


class Chat:
    def __init__(self, stack: Stack) -> None:
        self.url = f"{stack.api_url}/api/chat"
        created = httpx.post(f"{stack.api_url}/api/sessions", timeout=30)
        assert created.status_code == 201, created.text
        self.session_id = created.json()["session_id"]

    def say(self, text: str) -> list[dict[str, Any]]:
        response = httpx.post(
            self.url, json={"session_id": self.session_id, "text": text}, timeout=60
        )
        assert response.status_code == 200, response.text
        return response.json()["messages"]


def flat(messages: list[dict[str, Any]]) -> str:
    parts = []
    for m in messages:
        parts.append(m.get("text", ""))
        parts += [b["title"] for b in m.get("buttons", [])]
        if m["type"] == "card":
            parts.append(m["card"]["title"])
            parts += [f"{f['label']}：{f['value']}" for f in m["card"]["fields"]]
            parts.append(m["card"].get("note", ""))
    return "\n".join(parts)


def test_greeting_offers_the_topics(stack: Stack) -> None:
    messages = Chat(stack).say("你好")
    text = flat(messages)
    assert "您好！我是" in text
    menu, hot = messages[0], messages[1]
    assert [b["title"] for b in menu["buttons"]] == [label for label, _ in registry().menu]
    assert hot["text"] == "大家都在问："
    with session_scope(stack.database_url) as session:
        assert [b["title"] for b in hot["buttons"]] == repositories.hot_questions(session)


def test_no_penalty_policy(stack: Stack) -> None:
    text = flat(Chat(stack).say("首违不罚是什么意思"))
    assert "初次违法" in text and "依据：" in text


def test_described_violation_then_follow_ups(stack: Stack) -> None:
    chat = Chat(stack)
    messages = chat.say("我在小区门口电线杆上拉了根绳晒被子 会被罚款吗")
    cards = [m["card"] for m in messages if m["type"] == "card"]
    assert cards and "晾" in cards[0]["fields"][0]["value"]
    assert "不是吴兴区公布的不予处罚清单原文" in cards[0]["note"]
    basis = flat(chat.say("依据是哪条"))
    assert "第十四条" in basis
    again = flat(chat.say("那第二次呢"))
    # The second-violation answer, then what the described item's fine would be.
    assert "只针对初次违法" in again
    assert "就「" in again and "晾" in again


def test_outdoor_dining(stack: Stack) -> None:
    text = flat(Chat(stack).say("我在店门口摆了两张桌子被说了"))
    assert "第十七条" in text and "店" in text


def test_dog_registration(stack: Stack) -> None:
    text = flat(Chat(stack).say("刚养了只小狗 狗证要去哪里办"))
    assert "准养登记" in text and "依据：" in text


def test_short_follow_ups_stay_on_the_conversation_topic(stack: Stack) -> None:
    """After a dog-licence answer, "去哪里办" and "多少钱" are about the licence."""
    chat = Chat(stack)
    chat.say("狗证怎么办")
    where = flat(chat.say("去哪里办"))
    assert "服务点" in where and "业务范围" not in where
    cost = flat(chat.say("多少钱"))
    assert "收费" in cost and "200—500元" not in cost


def test_credit_repair(stack: Stack) -> None:
    text = flat(Chat(stack).say("被罚款以后信用记录能修复吗"))
    assert "信用" in text and "依据：" in text


def test_small_talk_and_handoff(stack: Stack) -> None:
    chat = Chat(stack)
    assert "机器人" in flat(chat.say("你是机器人吗"))
    assert "人工坐席" in flat(chat.say("转人工"))
    thanks = flat(chat.say("谢谢啦"))
    assert "不客气" in thanks or "不用谢" in thanks


def test_out_of_scope_is_polite_and_points_elsewhere(stack: Stack) -> None:
    text = flat(Chat(stack).say("我的社保卡丢了怎么补办"))
    assert "不在综合行政执法的业务范围内" in text and "12345" in text


def test_sessions_are_separate(stack: Stack) -> None:
    first, second = Chat(stack), Chat(stack)
    first.say("遛狗不牵绳会被罚吗")
    assert "哪种行为" in flat(second.say("罚多少"))


def test_the_console_reads_what_rasa_stored(stack: Stack) -> None:
    """The review view's reader against Rasa's real tracker store, not a copy of its schema."""
    from api.admin.conversation_log import conversation

    chat = Chat(stack)
    chat.say("狗证怎么办 我手机13812345678")
    logged = conversation(stack.tracker_store_url, chat.session_id)
    assert len(logged) == 1
    message = logged[0]
    assert message.text == "狗证怎么办 我手机138****5678"
    # the same intent and confidence as Rasa's own tracker API reports for that message
    tracker = httpx.get(
        f"{stack.rasa_url}/conversations/{chat.session_id}/tracker",
        params={"token": stack.rasa_token},
        timeout=30,
    ).json()
    parsed = [e for e in tracker["events"] if e["event"] == "user"][-1]["parse_data"]["intent"]
    assert message.intent == parsed["name"]
    assert message.confidence == pytest.approx(parsed["confidence"])
    assert message.actions and message.replies
