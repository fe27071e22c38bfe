"""Booking rules: what is accepted, what gets a specific Chinese message, capacity, lookup."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking import checks, references, workflow
from booking.capacity import SlotFull
from booking.checks import InvalidInput
from booking.models import Booking, CheckupSlot
from booking.rules import BookingRules
from booking.workflow import BookingRequest
from core.security import mask_phone
from knowledge.models import Town

TODAY = dt.date(2026, 11, 25)
VALID_USCC = "91110000600037341L"  # python-stdnum's documented example
RULES = BookingRules()


def test_valid_credit_code_passes_both_check_digits() -> None:
    assert checks.check_uscc(f"代码是 {VALID_USCC.lower()}") == VALID_USCC


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("9111000060003734", "18位，您输入的是16位"),
        ("A1110000600037341L", "前8位应为数字"),
        ("91110000600037341X", "校验位不对"),
    ],
)
def test_invalid_credit_codes_say_what_is_wrong(text: str, phrase: str) -> None:
    with pytest.raises(InvalidInput) as error:
        checks.check_uscc(text)
    assert phrase in error.value.message


def test_org_code_error_is_detected_even_when_the_last_digit_fits() -> None:
    from stdnum.cn import uscc

    body = "9111000060003734" + "2"  # wrong organisation-code check digit
    code = body + uscc.calc_check_digit(body)
    assert uscc.is_valid(code)  # python-stdnum alone would accept it
    with pytest.raises(InvalidInput, match="组织机构代码"):
        checks.check_uscc(code)


@pytest.mark.parametrize("text", ["138 1234 5678", "电话13812345678", "+86 138-1234-5678"])
def test_mobile_numbers(text: str) -> None:
    assert checks.check_phone(text) == "13812345678"


@pytest.mark.parametrize(("text", "phrase"), [("1234", "11位"), ("0572-2123456", "手机号")])
def test_bad_phone_numbers(text: str, phrase: str) -> None:
    with pytest.raises(InvalidInput) as error:
        checks.check_phone(text)
    assert phrase in error.value.message


def test_town_short_forms(session: Session) -> None:
    assert checks.check_town(session, "织里").name == "织里镇"
    assert checks.check_town(session, "在月河这边").name == "月河街道"
    with pytest.raises(InvalidInput) as error:
        checks.check_town(session, "西湖区")
    assert "八里店镇" in error.value.options


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("11月20号", "已经过去了"),
        ("今天下午", "至少要提前1天"),
        ("3月1号", "30天以内"),
        ("2027-01-20", "30天以内"),
        ("这周六", "休息日"),
        ("下下周六", "休息日"),
        ("乱七八糟", "没看懂"),
    ],
)
def test_dates_that_cannot_be_booked(text: str, phrase: str) -> None:
    with pytest.raises(InvalidInput) as error:
        checks.check_date(text, TODAY, RULES)
    assert phrase in error.value.message


def test_weekend_offers_working_days() -> None:
    with pytest.raises(InvalidInput) as error:
        checks.check_date("11月28号", TODAY, RULES)
    assert error.value.options and all(
        "周六" not in o and "周日" not in o for o in error.value.options
    )


def test_good_date_with_half_day() -> None:
    parsed = checks.check_date("下周三上午", TODAY, RULES)
    assert (parsed.date, parsed.half_day) == (dt.date(2026, 12, 2), "上午")


def _request(
    town: Town, day: dt.date = dt.date(2026, 12, 8), half: str = "上午", session_id: str = ""
) -> BookingRequest:
    """A request from a conversation of its own, unless `session_id` names one."""
    return BookingRequest(
        company_name="湖州测试服饰有限公司",
        uscc=VALID_USCC,
        contact_name="王建国",
        phone="13812345678",
        town_id=town.id,
        industry="童装加工",
        needs="消防和招牌",
        date=day,
        half_day=half,
        session_id=session_id or uuid.uuid4().hex,
    )


def _town(session: Session, name: str = "织里镇") -> Town:
    town = session.scalar(select(Town).where(Town.name == name))
    assert town is not None
    return town


def test_booking_gets_a_reference_and_fills_the_slot(fresh_session: Session) -> None:
    town = _town(fresh_session)
    first = workflow.create_booking(fresh_session, _request(town), today=TODAY, rules=RULES)
    second = workflow.create_booking(fresh_session, _request(town), today=TODAY, rules=RULES)
    assert (first.reference, second.reference) == ("TJ20261208-0001", "TJ20261208-0002")
    assert first.status == "submitted" and first.events[0].status == "submitted"
    with pytest.raises(SlotFull) as full:  # default capacity: 2 per half-day per town
        workflow.create_booking(fresh_session, _request(town), today=TODAY, rules=RULES)
    assert "已约满" in full.value.message
    assert full.value.alternatives
    assert (dt.date(2026, 12, 8), "上午") not in full.value.alternatives
    assert dt.date(2026, 12, 8) in {d for d, _ in full.value.alternatives}  # 下午 still free


def test_the_same_submission_twice_is_one_booking(fresh_session: Session) -> None:
    """A conversation's submission taken again (its Rasa worker was lost after the action ran)
    returns the booking it made, holding one place, not two."""
    town = _town(fresh_session)
    first = workflow.create_booking(
        fresh_session, _request(town, session_id="s1"), today=TODAY, rules=RULES
    )
    again = workflow.create_booking(
        fresh_session, _request(town, session_id="s1"), today=TODAY, rules=RULES
    )
    assert again.reference == first.reference
    assert fresh_session.scalar(select(func.count()).select_from(Booking)) == 1
    other_half = workflow.create_booking(
        fresh_session, _request(town, half="下午", session_id="s1"), today=TODAY, rules=RULES
    )
    assert other_half.reference != first.reference  # a different half-day is a new booking
    workflow.cancel_by_owner(fresh_session, first)
    rebooked = workflow.create_booking(
        fresh_session, _request(town, session_id="s1"), today=TODAY, rules=RULES
    )
    assert rebooked.reference not in (first.reference, other_half.reference)


def test_town_capacity_override(fresh_session: Session) -> None:
    town = _town(fresh_session, "妙西镇")
    town.checkup_capacity = 1
    workflow.create_booking(fresh_session, _request(town), today=TODAY, rules=RULES)
    with pytest.raises(SlotFull):
        workflow.create_booking(fresh_session, _request(town), today=TODAY, rules=RULES)


def test_lookup_needs_the_right_phone(fresh_session: Session) -> None:
    made = workflow.create_booking(
        fresh_session, _request(_town(fresh_session)), today=TODAY, rules=RULES
    )
    assert workflow.find_booking(fresh_session, made.reference.lower(), "138 1234 5678") is made
    assert workflow.find_booking(fresh_session, made.reference, "13900000000") is None
    assert workflow.find_booking(fresh_session, "TJ20261208-9999", "13812345678") is None


def test_cancelling_frees_the_slot(fresh_session: Session) -> None:
    town = _town(fresh_session)
    made = workflow.create_booking(fresh_session, _request(town), today=TODAY, rules=RULES)
    workflow.create_booking(fresh_session, _request(town), today=TODAY, rules=RULES)
    workflow.cancel_by_owner(fresh_session, made)
    assert made.status == "cancelled"
    slot = fresh_session.scalar(select(CheckupSlot).where(CheckupSlot.town_id == town.id))
    assert slot is not None and slot.booked == 1
    workflow.create_booking(
        fresh_session, _request(town), today=TODAY, rules=RULES
    )  # the place is free again
    with pytest.raises(InvalidInput, match="不能再取消"):
        workflow.cancel_by_owner(fresh_session, made)


def test_staff_workflow(fresh_session: Session) -> None:
    made = workflow.create_booking(
        fresh_session, _request(_town(fresh_session)), today=TODAY, rules=RULES
    )
    workflow.change_status(fresh_session, made, "confirmed", actor="staff:alice", note="已联系")
    workflow.change_status(fresh_session, made, "completed", actor="staff:alice", note="已上门")
    assert [e.status for e in made.events] == ["submitted", "confirmed", "completed"]
    assert made.staff_note == "已上门"
    with pytest.raises(InvalidInput, match="不能从"):
        workflow.change_status(fresh_session, made, "submitted", actor="staff:alice")


def test_references_and_masks() -> None:
    assert references.parse_reference("我的预约号是tj20261208-0003") == "TJ20261208-0003"
    assert references.parse_reference("TJ 20261208 0003") == "TJ20261208-0003"
    assert mask_phone("13812345678") == "138****5678"


def test_the_booking_domain_checks_its_input_itself() -> None:
    with pytest.raises(InvalidInput) as error:
        BookingRequest.parse(
            company_name="湖州测试服饰有限公司",
            uscc="12345",
            contact_name="王建国",
            phone="110",
            town_id=1,
            industry="餐饮",
            date="2026-12-08",
            half_day="晚上",
        )
    message = error.value.message
    assert "统一社会信用代码" in message and "手机号" in message and "上午或下午" in message
    assert "企业名称" not in message


@pytest.mark.parametrize(
    ("day", "phrase"), [(dt.date(2026, 11, 28), "休息日"), (dt.date(2027, 3, 1), "30天以内")]
)
def test_a_booking_outside_the_window_is_refused(
    fresh_session: Session, day: dt.date, phrase: str
) -> None:
    with pytest.raises(InvalidInput, match=phrase):
        workflow.create_booking(
            fresh_session, _request(_town(fresh_session), day), today=TODAY, rules=RULES
        )
