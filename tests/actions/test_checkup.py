"""The booking conversation: each check answers in Chinese, stop and corrections work,
submission stores a booking, lookup and cancel need reference and phone."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import checkup
from knowledge.db import session_scope
from knowledge.models import Booking

TODAY = dt.date(2026, 11, 25)
DOMAIN_DIR = Path(__file__).resolve().parents[2] / "bot" / "domain"
USCC = "91110000600037341L"
FILLED = {
    "company_name": "湖州织里测试童装有限公司",
    "uscc": USCC,
    "contact_name": "王建国",
    "phone": "13812345678",
    "town": "织里镇",
    "industry": "童装加工",
    "needs": "消防通道",
    "preferred_date": "2026-12-08",
    "half_day": "上午",
}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkup, "_today", lambda: TODAY)


@pytest.fixture(scope="module")
def domain() -> dict[str, Any]:
    merged: dict[str, Any] = {"slots": {}, "forms": {}}
    for path in DOMAIN_DIR.glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        merged["slots"].update(data.get("slots") or {})
        merged["forms"].update(data.get("forms") or {})
    return merged


def form_tracker(
    text: str,
    requested: str | None,
    slots: dict[str, Any] | None = None,
    intent: str = "inform",
    confidence: float = 0.9,
    loop: str = "checkup_form",
) -> Tracker:
    """The tracker the validation action sees: the form put the text into the requested slot."""
    values = {**(slots or {}), "requested_slot": requested}
    events: list[dict[str, Any]] = [{"event": "user", "text": text}]
    if requested:
        values[requested] = text
        events.append({"event": "slot", "name": requested, "value": text})
    return Tracker(
        sender_id="form-test",
        slots=values,
        latest_message={"text": text, "intent": {"name": intent, "confidence": confidence}},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": loop},
        latest_action_name="action_listen",
    )


def validate(
    action: Any, tracker: Tracker, domain: dict[str, Any]
) -> tuple[CollectingDispatcher, dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher, slots, events


def said(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def buttons(dispatcher: CollectingDispatcher) -> list[str]:
    return [b["title"] for m in dispatcher.messages for b in m.get("buttons") or []]


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
def test_wrong_answers_get_specific_messages(
    domain: dict[str, Any], slot: str, text: str, phrase: str
) -> None:
    dispatcher, slots, _ = validate(checkup.ValidateCheckupForm(), form_tracker(text, slot), domain)
    assert phrase in said(dispatcher)
    assert slots[slot] is None


def test_weekend_offers_working_days_as_buttons(domain: dict[str, Any]) -> None:
    dispatcher, _, _ = validate(
        checkup.ValidateCheckupForm(), form_tracker("11月28号", "preferred_date"), domain
    )
    assert buttons(dispatcher) and all(
        "周六" not in b and "周日" not in b for b in buttons(dispatcher)
    )


def test_good_answers_are_normalised(domain: dict[str, Any]) -> None:
    form = checkup.ValidateCheckupForm()
    assert validate(form, form_tracker(USCC.lower(), "uscc"), domain)[1]["uscc"] == USCC
    assert (
        validate(form, form_tracker("138 1234 5678", "phone"), domain)[1]["phone"] == "13812345678"
    )
    assert validate(form, form_tracker("织里", "town"), domain)[1]["town"] == "织里镇"
    assert validate(form, form_tracker("没有", "needs"), domain)[1]["needs"] == "（未填）"
    _, slots, _ = validate(form, form_tracker("下周二下午", "preferred_date"), domain)
    assert (slots["preferred_date"], slots["half_day"]) == ("2026-12-01", "下午")


def test_stop_leaves_the_form(domain: dict[str, Any]) -> None:
    dispatcher, slots, events = validate(
        checkup.ValidateCheckupForm(), form_tracker("算了不约了", "uscc", intent="stop"), domain
    )
    assert "已退出预约" in said(dispatcher)
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    assert slots["requested_slot"] is None


def test_correcting_an_earlier_answer(domain: dict[str, Any]) -> None:
    dispatcher, slots, _ = validate(
        checkup.ValidateCheckupForm(),
        form_tracker("电话填错了", "industry", slots=FILLED | {"industry": None}),
        domain,
    )
    assert "手机号" in said(dispatcher)
    assert slots["phone"] is None and slots["industry"] is None


def test_confirmation(domain: dict[str, Any]) -> None:
    form = checkup.ValidateCheckupForm()
    assert (
        validate(form, form_tracker("确认", "booking_confirmed", FILLED, intent="affirm"), domain)[
            1
        ]["booking_confirmed"]
        == "yes"
    )
    dispatcher, slots, _ = validate(
        form, form_tracker("我要修改", "booking_confirmed", FILLED), domain
    )
    assert slots["booking_confirmed"] is None and "手机号" in buttons(dispatcher)


def run_action(
    action: Any, slots: dict[str, Any], text: str = "", intent: str = "affirm"
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    tracker = Tracker(
        sender_id="form-test",
        slots=slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.95}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="checkup_form",
    )
    return dispatcher, action.run(dispatcher, tracker, {})


def test_submission_stores_the_booking(fresh_db_url: str) -> None:
    dispatcher, events = run_action(
        checkup.ActionSubmitCheckup(), FILLED | {"booking_confirmed": "yes"}
    )
    text = said(dispatcher)
    assert "TJ20261208-0001" in text and "待工作人员确认" in text
    with session_scope(fresh_db_url) as session:
        stored = session.scalars(select(Booking)).one()
        assert (stored.company_name, stored.phone, stored.status) == (
            "湖州织里测试童装有限公司",
            "13812345678",
            "submitted",
        )
    assert all(e["value"] is None for e in events if e.get("event") == "slot")


def test_full_slot_at_submission_offers_other_times(fresh_db_url: str) -> None:
    for _ in range(2):  # the default capacity
        run_action(checkup.ActionSubmitCheckup(), FILLED | {"booking_confirmed": "yes"})
    dispatcher, events = run_action(
        checkup.ActionSubmitCheckup(), FILLED | {"booking_confirmed": "yes"}
    )
    assert "已约满" in said(dispatcher)
    assert buttons(dispatcher)
    assert {"event": "followup", "name": "checkup_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


def test_nothing_is_submitted_after_leaving_the_form(fresh_db_url: str) -> None:
    dispatcher, events = run_action(
        checkup.ActionSubmitCheckup(), {**FILLED, "booking_confirmed": None}
    )
    assert events == [] and dispatcher.messages == []


def test_question_about_the_service_is_answered_not_booked() -> None:
    dispatcher, events = run_action(
        checkup.ActionCheckupIntro(), {}, "企业体检要收费吗", "book_checkup"
    )
    assert "我要预约体检" in buttons(dispatcher)
    assert {"event": "slot", "name": "checkup_mode", "value": "info"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    dispatcher, events = run_action(
        checkup.ActionCheckupIntro(), {}, "我想预约上门体检", "book_checkup"
    )
    assert "帮您预约" in said(dispatcher)


def test_lookup_and_cancel(fresh_db_url: str, domain: dict[str, Any]) -> None:
    run_action(checkup.ActionSubmitCheckup(), FILLED | {"booking_confirmed": "yes"})
    lookup = checkup.ValidateBookingLookupForm()
    wrong = form_tracker(
        "13900000000",
        "lookup_phone",
        {"lookup_reference": "TJ20261208-0001"},
        loop="booking_lookup_form",
    )
    dispatcher, slots, _ = validate(lookup, wrong, domain)
    assert "没有找到" in said(dispatcher) and slots["lookup_reference"] is None

    right = {
        "lookup_reference": "TJ20261208-0001",
        "lookup_phone": "13812345678",
        "lookup_purpose": "query",
    }
    dispatcher, _ = run_action(checkup.ActionBookingLookup(), right)
    text = said(dispatcher)
    assert "待工作人员确认" in text and "138****5678" in text and "13812345678" not in text

    cancel = right | {"lookup_purpose": "cancel", "cancel_confirmed": "yes"}
    dispatcher, _ = run_action(checkup.ActionBookingLookup(), cancel)
    assert "已取消" in said(dispatcher)
    with session_scope(fresh_db_url) as session:
        assert session.scalars(select(Booking)).one().status == "cancelled"


def test_repeated_wrong_lookups_stop(domain: dict[str, Any], fresh_db_url: str) -> None:
    tracker = form_tracker(
        "13900000000",
        "lookup_phone",
        {"lookup_reference": "TJ20261208-0009", "lookup_failures": 2},
        loop="booking_lookup_form",
    )
    dispatcher, slots, _ = validate(checkup.ValidateBookingLookupForm(), tracker, domain)
    assert "12345" in said(dispatcher)
    assert slots["requested_slot"] is None


def test_query_needs_no_cancel_confirmation(domain: dict[str, Any]) -> None:
    form = checkup.ValidateBookingLookupForm()
    tracker = form_tracker("", None, {"lookup_purpose": "query"}, loop="booking_lookup_form")
    slots = asyncio.run(
        form.required_slots(
            ["lookup_reference", "lookup_phone", "cancel_confirmed"],
            CollectingDispatcher(),
            tracker,
            domain,
        )
    )
    assert slots == ["lookup_reference", "lookup_phone"]


def test_a_lookup_read_as_a_new_booking_is_clarified() -> None:
    dispatcher, events = run_action(
        checkup.ActionCheckupIntro(), {}, "帮我查一下体检预约的进度", "book_checkup"
    )
    assert "查询已有预约" in buttons(dispatcher)
    assert {"event": "slot", "name": "checkup_mode", "value": "info"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
