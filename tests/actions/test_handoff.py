"""Fallback, out of scope, a human, and reports: polite, real channels (the ones staff keep),
logged for staff; the greeting with the hot questions staff chose."""

from __future__ import annotations

import re

from sqlalchemy import select

from actions.handoff import ActionFallback, ActionReportIssue, ActionRequestHuman
from actions.smalltalk import ActionGreet
from core.db import session_scope
from knowledge.models import HotQuestion, ServiceChannel, UnansweredQuestion
from tests.actions.conftest import Run, buttons_of, cards_of, texts_of


def _logged(url: str) -> list[tuple[str, str]]:
    with session_scope(url) as session:
        return [(q.text, q.reason) for q in session.scalars(select(UnansweredQuestion))]


def test_out_of_scope_points_to_12345_and_is_logged(fresh_db_url: str, run: Run) -> None:
    dispatcher, _ = run(ActionFallback(), "社保卡怎么补办", "out_of_scope", confidence=0.97)
    text = texts_of(dispatcher)
    assert "12345" in text and "首违不罚" in text
    assert bool(buttons_of(dispatcher))
    assert _logged(fresh_db_url) == [("社保卡怎么补办", "out_of_scope")]


def test_low_confidence_message_is_recorded(fresh_db_url: str, run: Run) -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "ask_credit_repair", "confidence": 0.3},
    ]
    dispatcher, _ = run(
        ActionFallback(), "呃呃呃那个啥", "nlu_fallback", confidence=0.45, ranking=ranking
    )
    assert "已经记录" in texts_of(dispatcher)
    assert _logged(fresh_db_url) == [("呃呃呃那个啥", "fallback")]


def test_low_confidence_but_clear_knowledge_match_is_answered(fresh_db_url: str, run: Run) -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "report_issue", "confidence": 0.4},
    ]
    dispatcher, _ = run(
        ActionFallback(), "电线杆上晾衣服", "nlu_fallback", confidence=0.45, ranking=ranking
    )
    assert cards_of(dispatcher)
    assert _logged(fresh_db_url) == [("电线杆上晾衣服", "rescued")]


def test_request_human_gives_real_channels_only(run: Run) -> None:
    dispatcher, _ = run(ActionRequestHuman(), "转人工", "request_human")
    text = texts_of(dispatcher)
    assert "12345" in text and "镇街" in text
    assert set(re.findall(r"\d{4,}", text)) == {"12345"}


def test_report_names_the_town_mentioned(run: Run) -> None:
    dispatcher, _ = run(ActionReportIssue(), "织里这边有人天天乱倒建筑垃圾", "report_issue")
    text = texts_of(dispatcher)
    assert "12345" in text and "织里镇" in text


def test_own_case_mistaken_for_a_report_gets_the_item(run: Run) -> None:
    dispatcher, _events = run(
        ActionReportIssue(), "我在小区门口电线杆上拉了根绳晒被子 会被罚款吗", "report_issue"
    )
    assert cards_of(dispatcher)
    assert "12345" not in texts_of(dispatcher)


def test_report_about_others_stays_a_report(run: Run) -> None:
    dispatcher, _ = run(ActionReportIssue(), "邻居在电线杆上拉绳晒被子 谁来管管", "report_issue")
    text = texts_of(dispatcher)
    # The channels come first; then what the rule says about the reported matter.
    assert text.index("12345") < text.index("涉及下面这条规定")
    (card,) = cards_of(dispatcher)
    assert "晾" in card["fields"][0]["value"]


def test_vague_report_gets_the_channels_only(run: Run) -> None:
    dispatcher, _ = run(ActionReportIssue(), "我要投诉 你们管不管", "report_issue")
    assert not cards_of(dispatcher) and "12345" in texts_of(dispatcher)


def test_out_of_scope_on_its_own_but_not_in_the_conversation(fresh_db_url: str, run: Run) -> None:
    """ "去哪里办" right after a dog-licence answer is about where to get the licence."""
    dispatcher, _ = run(
        ActionFallback(), "去哪里办", "out_of_scope", confidence=0.99, slots={"last_topic": "dog"}
    )
    text = texts_of(dispatcher)
    assert "准养登记" in text and "业务范围" not in text
    assert _logged(fresh_db_url) == [("去哪里办", "rescued")]


def test_truly_out_of_scope_stays_so_whatever_the_topic(run: Run) -> None:
    dispatcher, _ = run(
        ActionFallback(),
        "明天天气怎么样",
        "out_of_scope",
        confidence=0.99,
        slots={"last_topic": "dog"},
    )
    assert "12345" in texts_of(dispatcher)
    assert not cards_of(dispatcher)


def test_the_channels_are_the_ones_staff_keep(fresh_db_url: str, run: Run) -> None:
    with session_scope(fresh_db_url) as session:
        session.add(
            ServiceChannel(
                key="window-test",
                text="（测试渠道）工作人员录入的窗口",
                purposes=["handoff"],
                position=1,
                source="测试",
                updated_by="staff:alice",
            )
        )
        squad = session.scalar(select(ServiceChannel).where(ServiceChannel.key == "town-squad"))
        assert squad is not None
        squad.active = False
    human = texts_of(run(ActionRequestHuman(), "转人工", "request_human")[0])
    assert "1. （测试渠道）工作人员录入的窗口" in human and "2. 拨打12345" in human
    assert "综合行政执法中队" not in human
    report = texts_of(run(ActionReportIssue(), "我要投诉 你们管不管", "report_issue")[0])
    assert "（测试渠道）" not in report and "1. 拨打12345" in report  # not set for reports


def test_the_greeting_offers_the_hot_questions_in_order(fresh_db_url: str, run: Run) -> None:
    with session_scope(fresh_db_url) as session:
        hot = session.scalar(select(HotQuestion).where(HotQuestion.question.contains("准养登记")))
        assert hot is not None
        hot.position = 0
        question = hot.question
    dispatcher, _ = run(ActionGreet(), "你好", "greet")
    titles = [b["title"] for b in buttons_of(dispatcher)]
    assert "大家都在问" in texts_of(dispatcher)
    hot_titles = [t for t in titles if t.endswith(("？", "?"))]
    assert hot_titles[0] == question and len(hot_titles) >= 5
