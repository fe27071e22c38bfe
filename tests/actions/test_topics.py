"""Topic answers come from the knowledge base, cite their source and offer follow-ups."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import session_scope
from knowledge.models import FaqEntry, UnansweredQuestion
from tests.actions.conftest import Run, buttons_of, cards_of, slot, texts_of, topic_action


def test_described_violation_gets_the_item_card(run: Run) -> None:
    dispatcher, events = run(
        topic_action("no_penalty"), "我在路边电线杆上晾衣服会被罚吗", "ask_no_penalty"
    )
    (card,) = cards_of(dispatcher)
    fields = {f["label"]: f["value"] for f in card["fields"]}
    assert "晾" in fields["违法行为"]
    assert "第十四条" in fields["法律依据"]
    assert "可以不予行政处罚" in fields["不予处罚的条件"]
    # A reference item is never presented as being on Wuxing's list.
    assert card["origin"] == "reference"
    assert card["title"] == "相关法规条款（参考）"
    assert "不是吴兴区公布的不予处罚清单原文" in card["note"]
    buttons = [b["title"] for b in buttons_of(dispatcher)]
    assert "罚多少钱？" in buttons
    assert slot(events, "last_item_id") == str(card["item_id"])


def test_policy_question_gets_the_policy(run: Run) -> None:
    dispatcher, events = run(topic_action("no_penalty"), "首违不罚是什么意思", "ask_no_penalty")
    text = texts_of(dispatcher)
    assert "初次违法" in text
    assert "依据：" in text and "行政处罚法" in text
    assert not cards_of(dispatcher)
    assert slot(events, "last_faq_key")


def test_intent_button_shows_the_topic_overview(run: Run) -> None:
    dispatcher, _ = run(topic_action("dog"), "/ask_pet_registration", "ask_pet_registration")
    text = texts_of(dispatcher)
    assert "1.8米" in text and "依据：《湖州市养犬管理规定》" in text
    assert bool(buttons_of(dispatcher))


def test_dog_registration(run: Run) -> None:
    dispatcher, _ = run(topic_action("dog"), "狗证怎么办啊", "ask_pet_registration")
    text = texts_of(dispatcher)
    assert "3个工作日" in text or "三个工作日" in text
    assert "依据：" in text


def test_outdoor_tables(run: Run) -> None:
    dispatcher, _ = run(
        topic_action("outdoor_dining"), "我在店门口摆了两张桌子被说了", "ask_outdoor_dining"
    )
    everything = texts_of(dispatcher) + str(cards_of(dispatcher))
    assert "100—1000元" in everything
    assert "第十七条" in everything


def test_credit_repair_periods(run: Run) -> None:
    """Answered directly, or (when a close neighbour scores the same) offered first."""
    for question in ("被罚了以后信用中国上会公示多久", "被罚以后处罚信息在网上要挂几个月"):
        dispatcher, _ = run(topic_action("credit_repair"), question, "ask_credit_repair")
        text = texts_of(dispatcher)
        buttons = [b["title"] for b in buttons_of(dispatcher)]
        assert "依据：" in text
        assert "最长3个月" in text or buttons[:1] == ["行政处罚信息要公示多久？"]


def test_staff_edit_is_live_without_retraining(fresh_db_url: str, run: Run) -> None:
    with session_scope(fresh_db_url) as session:
        faq = session.scalar(select(FaqEntry).where(FaqEntry.key == "dog-leash"))
        assert faq is not None
        faq.answer = "更新后的牵引绳答复（测试）"
        faq.updated_by = "staff:tester"
    dispatcher, _ = run(topic_action("dog"), "遛狗的绳子要多长", "ask_pet_registration")
    assert "更新后的牵引绳答复（测试）" in texts_of(dispatcher)


def test_unmatched_topic_question_is_logged_for_staff(fresh_db_url: str, run: Run) -> None:
    dispatcher, _ = run(
        topic_action("dog"), "我家狗最近不爱吃东西怎么办", "ask_pet_registration", confidence=0.6
    )
    assert texts_of(dispatcher)  # still answers with the topic overview
    with session_scope(fresh_db_url) as session:
        logged = session.scalars(select(UnansweredQuestion)).all()
    # Not answered with a guess: the overview (and candidates at most), logged for staff.
    assert [q.text for q in logged] == ["我家狗最近不爱吃东西怎么办"]
    assert logged[0].reason in {"no_match", "uncertain"}


def test_no_answer_invents_a_phone_number(run: Run, session: Session) -> None:
    import re

    for action, text, intent in [
        (topic_action("dog"), "狗证在哪里办 电话多少", "ask_pet_registration"),
        (topic_action("outdoor_dining"), "外摆去哪申请", "ask_outdoor_dining"),
        (topic_action("credit_repair"), "信用修复窗口在哪", "ask_credit_repair"),
    ]:
        dispatcher, _ = run(action, text, intent)
        numbers = re.findall(r"\d{5,}", texts_of(dispatcher))
        assert set(numbers) <= {"12345"}, numbers


def test_short_question_is_read_in_the_conversation_topic(run: Run) -> None:
    """After a dog-licence answer, "要几天能下来" asks how long the licence takes, even when
    the classifier put it under another topic."""
    dispatcher, events = run(
        topic_action("no_penalty"), "要几天能下来", "ask_no_penalty", slots={"last_topic": "dog"}
    )
    assert "3个工作日" in texts_of(dispatcher)
    assert slot(events, "last_topic") == "dog"


def test_question_naming_its_own_topic_leaves_the_conversation_topic(run: Run) -> None:
    dispatcher, events = run(
        topic_action("credit_repair"),
        "信用修复要多久",
        "ask_credit_repair",
        slots={"last_topic": "dog"},
    )
    text = texts_of(dispatcher)
    assert "信用中国" in text and "犬" not in text and "狗" not in text
    assert slot(events, "last_topic") == "credit_repair"
