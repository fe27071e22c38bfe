"""A business books, looks up and cancels an enterprise checkup in chat (real Rasa + actions)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import select

from booking import checks, references
from booking.rules import BookingRules, booking_window
from core.db import get_engine
from core.tracker_store import EVENTS, prune
from tests.conftest import add_booking
from tests.integration.test_conversation import Chat, flat
from wxbot.stack import Stack

pytestmark = pytest.mark.integration


def working_day(skip: int = 0) -> dt.date:
    """A bookable working day (the 1+skip-th after tomorrow), as the action server sees today."""
    days = checks.working_days(booking_window(dt.date.today(), BookingRules()))
    return days[skip + 1]


def typed(day: dt.date) -> str:
    return f"{day.month}月{day.day}号"


def fill_until_date(chat: Chat, town: str) -> None:
    assert "名称" in flat(chat.say("我们公司想预约一次上门企业体检"))
    assert "统一社会信用代码" in flat(chat.say("湖州织里测试童装有限公司"))
    assert "校验位不对" in flat(chat.say("91110000600037341X"))
    assert "联系人" in flat(chat.say("91110000600037341L"))
    assert "手机号" in flat(chat.say("王建国"))
    assert "11位" in flat(chat.say("1381234"))
    assert "镇（街道）" in flat(chat.say("13812345678"))
    assert "行业" in flat(chat.say(town))
    assert "重点检查" in flat(chat.say("童装加工"))
    assert "哪天" in flat(chat.say("没有"))


def test_book_look_up_and_cancel(stack: Stack) -> None:
    chat = Chat(stack)
    fill_until_date(chat, "织里")
    saturday = next(
        d
        for d in (dt.date.today() + dt.timedelta(days=n) for n in range(2, 9))
        if not checks.is_booking_day(d)
    )
    assert "不安排上门体检" in flat(chat.say(typed(saturday)))
    day = working_day()
    assert "上午还是下午" in flat(chat.say(typed(day)))
    reply = chat.say("上午")
    [card] = [m["card"] for m in reply if m["type"] == "card"]
    assert card["kind"] == "booking_summary" and card["title"] == "请核对预约信息"
    assert {"label": "所在镇街", "value": "织里镇"} in card["fields"]
    assert {"label": "信用代码", "value": "91110000600037341L"} in card["fields"]
    assert [b["title"] for b in reply[-1]["buttons"]] == ["确认提交", "修改信息", "不约了"]
    # Correct the phone at the summary, then confirm.
    assert "手机号" in flat(chat.say("电话填错了"))
    assert "请核对预约信息" in flat(chat.say("13912345678"))
    submitted = chat.say("确认")
    assert [m["card"]["kind"] for m in submitted if m["type"] == "card"] == ["booking_submitted"]
    done = flat(submitted)
    assert "预约已提交" in done and "待工作人员确认" in done
    reference = references.parse_reference(done)
    assert reference and reference.startswith(f"TJ{day:%Y%m%d}-")

    # Another session looks it up with reference and phone.
    other = Chat(stack)
    reply = other.say("帮我查一下体检预约")
    if "查询已有预约" in flat(reply):  # read as a booking request: the assistant asks which
        reply = other.say("/query_booking")
    assert "预约号" in flat(reply)
    assert "手机号" in flat(other.say(reference))
    status = flat(other.say("13912345678"))
    assert "待工作人员确认" in status and "139****5678" in status

    # The API gives it only to its owner.
    url = f"{stack.api_url}/api/bookings/{reference}"
    assert httpx.get(url, params={"phone": "13912345678"}).json()["status"] == "submitted"
    assert httpx.get(url, params={"phone": "13812345678"}).status_code == 404

    # Cancel in chat.
    assert "手机号" in flat(other.say(f"取消预约 {reference}"))
    assert "确认要取消" in flat(other.say("13912345678"))
    assert "已取消" in flat(other.say("确认"))
    assert httpx.get(url, params={"phone": "13912345678"}).json()["status"] == "cancelled"


def test_full_slot_offers_nearest_free_times(stack: Stack) -> None:
    day = working_day(2)
    for phone in ("13800000011", "13800000012"):  # the default two places
        add_booking(
            stack.database_url,
            town="八里店镇",
            phone=phone,
            day=day,
            half_day="下午",
            today=dt.date.today(),
        )
    chat = Chat(stack)
    fill_until_date(chat, "八里店")
    reply = chat.say(f"{typed(day)}下午")
    text = flat(reply)
    assert "已约满" in text
    options = [b["title"] for m in reply for b in m.get("buttons", [])]
    assert options and f"{day.month}月{day.day}日" in "".join(options)  # the same day's morning
    assert "请核对预约信息" in flat(chat.say(options[0]))


def test_a_new_rasa_session_does_not_keep_the_booking(stack: Stack) -> None:
    """The phone and credit code typed into the form are gone once the conversation's Rasa
    session ends (after an hour of silence Rasa starts a new one)."""
    chat = Chat(stack)
    fill_until_date(chat, "织里")
    tracker_url = f"{stack.rasa_url}/conversations/{chat.session_id}/tracker"
    token = {"token": stack.rasa_token}
    slots = httpx.get(tracker_url, params=token, timeout=30).json()["slots"]
    assert slots["phone"] == "13812345678" and slots["uscc"] == "91110000600037341L"
    # What Rasa runs when a session expires.
    execute = f"{stack.rasa_url}/conversations/{chat.session_id}/execute"
    started = httpx.post(execute, params=token, json={"name": "action_session_start"}, timeout=30)
    assert started.status_code == 200, started.text
    slots = httpx.get(tracker_url, params=token, timeout=30).json()["slots"]
    assert slots["phone"] is None and slots["uscc"] is None and slots["company_name"] is None
    # The retention command masks what Rasa stored (here: everything, as if a day had passed).
    with get_engine(stack.tracker_store_url).connect() as conn:
        stored = conn.execute(select(EVENTS.c.data).where(EVENTS.c.sender_id == chat.session_id))
        assert any("13812345678" in row.data for row in stored)
    assert prune(stack.tracker_store_url, mask_days=0, keep_days=180).masked_events > 0
    with get_engine(stack.tracker_store_url).connect() as conn:
        stored = conn.execute(select(EVENTS.c.data).where(EVENTS.c.sender_id == chat.session_id))
        data = "\n".join(row.data for row in stored)
    assert "13812345678" not in data and "91110000600037341L" not in data
    assert "138****5678" in data


def test_leaving_the_form(stack: Stack) -> None:
    chat = Chat(stack)
    assert "名称" in flat(chat.say("我要预约企业体检"))
    assert "已退出预约" in flat(chat.say("算了 不约了"))
    assert "首违不罚" in flat(chat.say("你好"))  # back to normal conversation


def test_logs_do_not_hold_phone_numbers_or_credit_codes(stack: Stack) -> None:
    chat = Chat(stack)
    chat.say("帮我查下预约 TJ20261208-0001 手机13700001234")
    httpx.get(
        f"{stack.api_url}/api/bookings/TJ20261208-0001", params={"phone": "13700001234"}, timeout=30
    )
    for name in stack.processes:
        log = (stack.logs / f"{name}.log").read_text(errors="replace")
        assert "13700001234" not in log, name
        assert "13912345678" not in log, name
        assert "91110000600037341L" not in log, name


def test_rasa_token_is_not_logged(stack: Stack) -> None:
    httpx.get(f"{stack.api_url}/healthz", timeout=30)
    assert "test-token" not in (stack.logs / "api.log").read_text(errors="replace")
