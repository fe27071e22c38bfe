"""The booking form: each check answers in Chinese, corrections work, "stop" leaves the
form to its rule, submission stores a booking (checked again by the booking domain)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from actions.checkup.booking_form import (
    ActionAskBookingConfirmed,
    ActionStopCheckup,
    ActionSubmitCheckup,
    ValidateCheckupForm,
)
from booking.models import Booking
from core.db import session_scope
from tests.actions.checkup.conftest import FILLED, form_tracker, run_action, validate
from tests.actions.conftest import buttons_of, texts_of


def titles(dispatcher: Any) -> list[str]:
    return [b["title"] for b in buttons_of(dispatcher)]


@pytest.mark.parametrize(
    ("slot", "text", "phrase"),
    [
        ("uscc", "91110000600037341X", "校验位不对"),
        ("uscc", "123456", "18位"),
        ("phone", "1381234", "11位"),
        ("preferred_date", "这周六上午", "休息日"),
        ("preferred_date", "11月1号", "已经过去了"),
        ("preferred_date", "下个月底吧", "没看懂"),
        ("half_day", "晚上", "上午或下午"),
        ("company_name", "123", "不像企业名称"),
    ],
)
def test_wrong_answers_get_specific_messages(slot: str, text: str, phrase: str) -> None:
    dispatcher, slots, _ = validate(ValidateCheckupForm(), form_tracker(text, slot))
    assert phrase in texts_of(dispatcher)
    assert slots[slot] is None


def test_weekend_offers_working_days_as_buttons() -> None:
    dispatcher, _, _ = validate(ValidateCheckupForm(), form_tracker("11月28号", "preferred_date"))
    offered = titles(dispatcher)
    assert offered and all("周六" not in b and "周日" not in b for b in offered)


def test_good_answers_are_normalised() -> None:
    form = ValidateCheckupForm()
    assert validate(form, form_tracker(FILLED["uscc"].lower(), "uscc"))[1]["uscc"] == FILLED["uscc"]
    assert validate(form, form_tracker("138 1234 5678", "phone"))[1]["phone"] == "13812345678"
    assert validate(form, form_tracker("织里", "town"))[1]["town"] == "织里镇"
    assert validate(form, form_tracker("没有", "needs"))[1]["needs"] == "（未填）"
    _, slots, _ = validate(form, form_tracker("下周二下午", "preferred_date"))
    assert (slots["preferred_date"], slots["half_day"]) == ("2026-12-01", "下午")


def test_stop_is_left_to_the_rule_which_clears_the_form() -> None:
    # "算了" extracts nothing (not_intent: stop), so the form rejects and the rule runs.
    _, _, events = validate(
        ValidateCheckupForm(), form_tracker("算了不约了", "uscc", intent="stop", value="")
    )
    assert events == []
    dispatcher, events = run_action(ActionStopCheckup(), FILLED, "算了不约了", "stop")
    assert "已退出预约" in texts_of(dispatcher)
    cleared = {e["name"] for e in events if e.get("event") == "slot" and e["value"] is None}
    assert {"company_name", "phone", "booking_confirmed"} <= cleared


def test_correcting_an_earlier_answer() -> None:
    dispatcher, slots, _ = validate(
        ValidateCheckupForm(),
        form_tracker("电话填错了", "industry", slots=FILLED | {"industry": None}),
    )
    assert "手机号" in texts_of(dispatcher)
    assert slots["phone"] is None and slots["industry"] is None


def test_confirmation_by_intent() -> None:
    form = ValidateCheckupForm()
    _, slots, _ = validate(
        form, form_tracker("确认", "booking_confirmed", FILLED, intent="affirm", value="yes")
    )
    assert slots["booking_confirmed"] == "yes"
    dispatcher, slots, _ = validate(
        form, form_tracker("不对", "booking_confirmed", FILLED, intent="deny", value="no")
    )
    assert slots["booking_confirmed"] is None and "手机号" in titles(dispatcher)


def test_an_unclear_confirmation_says_how_to_go_on() -> None:
    dispatcher, slots, _ = validate(
        ValidateCheckupForm(), form_tracker("嗯那个", "booking_confirmed", FILLED, value="")
    )
    assert "确认提交" in texts_of(dispatcher) and slots == {"booking_confirmed": None}


def test_summary_shows_every_field() -> None:
    dispatcher, _ = run_action(ActionAskBookingConfirmed(), FILLED)
    text = texts_of(dispatcher, FILLED)
    assert "湖州织里测试童装有限公司" in text and "12月8日（周二）上午" in text
    assert "确认提交" in titles(dispatcher)


def test_submission_stores_the_booking(fresh_db_url: str) -> None:
    dispatcher, events = run_action(ActionSubmitCheckup(), FILLED | {"booking_confirmed": "yes"})
    text = texts_of(dispatcher)
    assert "TJ20261208-0001" in text and "待工作人员确认" in text
    with session_scope(fresh_db_url) as session:
        stored = session.scalars(select(Booking)).one()
        assert (stored.company_name, stored.phone, stored.status) == (
            "湖州织里测试童装有限公司",
            "13812345678",
            "submitted",
        )
    assert all(e["value"] is None for e in events if e.get("event") == "slot")


def test_submission_refuses_slots_the_form_did_not_check(fresh_db_url: str) -> None:
    """A tracker posted straight to the action server cannot store an invalid booking."""
    forged = FILLED | {"booking_confirmed": "yes", "uscc": "12345", "phone": "110"}
    dispatcher, _ = run_action(ActionSubmitCheckup(), forged)
    text = texts_of(dispatcher)
    assert "统一社会信用代码" in text and "手机号" in text and "预约已提交" not in text
    with session_scope(fresh_db_url) as session:
        assert session.scalars(select(Booking)).first() is None


def test_full_slot_at_submission_offers_other_times(fresh_db_url: str) -> None:
    for other in ("company-a", "company-b"):  # the default capacity, taken by two others
        run_action(ActionSubmitCheckup(), FILLED | {"booking_confirmed": "yes"}, sender_id=other)
    dispatcher, events = run_action(ActionSubmitCheckup(), FILLED | {"booking_confirmed": "yes"})
    assert "已约满" in texts_of(dispatcher)
    assert titles(dispatcher)
    assert {"event": "followup", "name": "checkup_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


def test_nothing_is_submitted_after_leaving_the_form(fresh_db_url: str) -> None:
    dispatcher, events = run_action(ActionSubmitCheckup(), {**FILLED, "booking_confirmed": None})
    assert events == [] and dispatcher.messages == []


def test_a_question_in_the_form_is_answered_not_taken_as_the_answer() -> None:
    # "你们帮多少家企业弄过了" asked where the company name is expected: the bot answers
    # from the knowledge base, keeps the slot empty and the form asks again.
    dispatcher, slots, _ = validate(
        ValidateCheckupForm(),
        form_tracker(
            "你们帮多少家企业弄过了", "company_name", intent="ask_checkup", confidence=0.95
        ),
    )
    assert "378" in texts_of(dispatcher)
    assert slots == {"company_name": None}


def test_a_company_name_is_not_a_question() -> None:
    _, slots, _ = validate(
        ValidateCheckupForm(), form_tracker("湖州织里测试童装有限公司", "company_name")
    )
    assert slots["company_name"] == "湖州织里测试童装有限公司"
