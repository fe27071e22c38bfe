"""Enterprise checkup (企业体检) bookings: checking what people type, capacity, references,
lookup, cancellation and the staff workflow. Used by the chat actions, the API and the console.

Every message a user can get from here is in this module (Simplified Chinese).
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass

import phonenumbers
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

from knowledge import dates, repositories
from knowledge.models import (
    BOOKING_STATUS_LABELS,
    BOOKING_TRANSITIONS,
    Booking,
    BookingCounter,
    BookingEvent,
    CheckupSlot,
    Town,
)
from knowledge.settings import Settings, get_settings
from knowledge.text import clean_text

REFERENCE_RE = re.compile(r"(?i)(?<![A-Za-z0-9])TJ\s*-?\s*(\d{8})\s*-?\s*(\d{4})(?!\d)")
NONE_WORDS = ("没有", "无", "不用", "没", "暂无", "都行", "随便", "没啥", "没什么", "跳过")

MSG = {
    "company_short": "企业名称太短了，请填写营业执照上的全称，例如“湖州某某服饰有限公司”。",
    "company_long": "企业名称太长了（最多60字），请填写营业执照上的全称。",
    "company_digits": "这看起来不像企业名称，请填写营业执照上的全称。",
    "uscc_length": "统一社会信用代码应为18位，您输入的是{n}位，请对照营业执照核对。",
    "uscc_format": (
        "统一社会信用代码格式不对：前8位应为数字，其余为数字或大写字母"
        "（不含I、O、S、V、Z），请对照营业执照核对。"
    ),
    "uscc_checksum": "统一社会信用代码的校验位不对，可能有字符输错了，请对照营业执照逐位核对。",
    "uscc_org_checksum": (
        "统一社会信用代码第9至17位（组织机构代码）的校验不对，可能有字符输错了，请对照营业执照核对。"
    ),
    "name_invalid": "请告诉我联系人的称呼，例如“王建国”或“李女士”。",
    "phone_invalid": "手机号不正确：请输入11位中国大陆手机号，例如13812345678。",
    "phone_landline": "请留一个手机号（11位），方便工作人员联系和您之后查询预约。",
    "town_unknown": "没找到“{text}”这个镇街。请选择企业所在的镇（街道）：",
    "industry_invalid": "请简单说一下行业，例如“餐饮”“童装加工”“建筑施工”。",
    "needs_long": "需求说明太长了（最多200字），请简要说明想重点检查的方面。",
    "date_unparsed": "没看懂这个日期。可以说“下周三”“12月8号”或“明天上午”。",
    "date_past": "{day}已经过去了，请选一个以后的日期。",
    "date_too_soon": "上门体检至少要提前{n}天预约，最早可以约{earliest}。",
    "date_too_far": "只能预约{n}天以内的日期（{latest}之前）。",
    "date_not_workday": "{day}{why}，不安排上门体检。请选一个工作日：",
    "date_calendar_unknown": (
        "（{year}年的法定节假日安排尚未公布，如遇节假日调整，工作人员会联系您改期。）"
    ),
    "half_day_invalid": "请选择上午还是下午。",
    "unsupported_time": "上门体检只安排在工作日的上午或下午，请选择上午还是下午。",
    "slot_full": "{town}{day}的体检名额已约满。以下时段还有空位，您可以选一个：",
    "slot_full_none": (
        "{town}近期的体检名额都已约满，请拨打12345政务服务热线或联系当地镇街综合行政执法中队。"
    ),
    "bad_transition": "不能从“{old}”改为“{new}”。",
    "not_found": "没有找到与该预约号和手机号相符的预约，请核对后再试。",
    "cannot_cancel": "这个预约当前状态是“{status}”，不能再取消了。",
}


class InvalidInput(ValueError):
    """What the user typed is not acceptable; the message says why, in Chinese."""

    def __init__(self, message: str, options: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.options = options or []


class SlotFull(Exception):
    def __init__(self, message: str, alternatives: list[tuple[dt.date, str]]) -> None:
        super().__init__(message)
        self.message = message
        self.alternatives = alternatives


def slot_full(
    session: Session, town: Town, day: dt.date, half_day: str, today: dt.date
) -> SlotFull:
    """The error for a full half-day, offering the nearest half-days with room."""
    alternatives = nearest_free(session, town, day, today)
    key = "slot_full" if alternatives else "slot_full_none"
    message = MSG[key].format(town=town.name, day=dates.describe(day, half_day))
    return SlotFull(message, alternatives)


# --------------------------------------------------------------------------- checks
def check_company(text: str) -> str:
    value = clean_text(text)
    value = re.sub(
        r"^(我们?(公司|单位|企业|店)?(名字|名称)?(叫|是)|企业名称是?|公司名称?是?)", "", value
    )
    value = value.strip(" ：:，,。")
    if re.fullmatch(r"[\d\W_]+", value or "0"):
        raise InvalidInput(MSG["company_digits"])
    if len(value) < 4:
        raise InvalidInput(MSG["company_short"])
    if len(value) > 60:
        raise InvalidInput(MSG["company_long"])
    return value


def _org_code_check_digit(code8: str) -> str:
    """GB 11714 check digit of the 8-character organisation code body."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in code8]
    remainder = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def check_uscc(text: str) -> str:
    """Both check digits: the code's own (18th, python-stdnum) and the embedded organisation
    code's (17th, GB 11714)."""
    candidates = re.findall(r"[0-9A-Za-z][0-9A-Za-z\s-]{8,30}[0-9A-Za-z]", clean_text(text))
    raw = max(candidates, key=len) if candidates else clean_text(text)
    number = stdnum_uscc.compact(raw.replace(" ", ""))
    try:
        stdnum_uscc.validate(number)
    except InvalidLength as exc:
        raise InvalidInput(MSG["uscc_length"].format(n=len(number))) from exc
    except InvalidFormat as exc:
        raise InvalidInput(MSG["uscc_format"]) from exc
    except InvalidChecksum as exc:
        raise InvalidInput(MSG["uscc_checksum"]) from exc
    if _org_code_check_digit(number[8:16]) != number[16]:
        raise InvalidInput(MSG["uscc_org_checksum"])
    return number


def check_contact_name(text: str) -> str:
    value = clean_text(text)
    value = re.sub(r"^(联系人|我)?(是|叫|姓)?", "", value).strip(" ：:，,。")
    if not 1 <= len(value) <= 20 or not re.search(r"[\u4e00-\u9fffA-Za-z]", value):
        raise InvalidInput(MSG["name_invalid"])
    if len(value) == 1:  # "我姓李" → "李先生/女士" is fine, a bare surname is too
        value += "（先生/女士）"
    return value


def check_phone(text: str) -> str:
    digits = re.sub(r"[^\d+]", "", clean_text(text))
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(MSG["phone_invalid"]) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(MSG["phone_invalid"])
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE,):
        raise InvalidInput(MSG["phone_landline"])
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(
        " ", ""
    )


def check_town(session: Session, text: str) -> Town:
    town = repositories.find_town(session, text=clean_text(text))
    if town is None:
        names = [t.name for t in repositories.active_towns(session)]
        raise InvalidInput(MSG["town_unknown"].format(text=clean_text(text)[:20]), names)
    return town


def check_industry(text: str) -> str:
    value = clean_text(text).strip(" ：:，,。")
    if not 2 <= len(value) <= 30 or not re.search(r"[\u4e00-\u9fffA-Za-z]", value):
        raise InvalidInput(MSG["industry_invalid"])
    return value


def check_needs(text: str) -> str:
    value = clean_text(text).strip()
    if value in NONE_WORDS or value.rstrip("了的啊呀吧") in NONE_WORDS:
        return ""
    if len(value) > 200:
        raise InvalidInput(MSG["needs_long"])
    return value


@dataclass(frozen=True)
class Window:
    earliest: dt.date
    latest: dt.date


def booking_window(today: dt.date, settings: Settings | None = None) -> Window:
    settings = settings or get_settings()
    return Window(
        today + dt.timedelta(days=settings.checkup_min_days_ahead),
        today + dt.timedelta(days=settings.checkup_window_days),
    )


def is_booking_day(day: dt.date) -> bool:
    """A working day by the official calendar (Monday to Friday for a year it lacks)."""
    working = dates.is_working_day(day)
    return day.weekday() < 5 if working is None else working


def working_days(window: Window, limit: int = 60) -> list[dt.date]:
    day, found = window.earliest, []
    while day <= window.latest and len(found) < limit:
        if is_booking_day(day):
            found.append(day)
        day += dt.timedelta(days=1)
    return found


def check_date(text: str, today: dt.date, settings: Settings | None = None) -> dates.ParsedDate:
    """The date (and half-day, if said) of a checkup; InvalidInput says what is wrong."""
    settings = settings or get_settings()
    parsed = dates.parse_date(text, today)
    window = booking_window(today, settings)
    if parsed.date is None:
        raise InvalidInput(MSG["date_unparsed"])
    day = parsed.date
    label = dates.describe(day)
    if day < today:
        raise InvalidInput(MSG["date_past"].format(day=label))
    if day < window.earliest:
        raise InvalidInput(
            MSG["date_too_soon"].format(
                n=settings.checkup_min_days_ahead, earliest=dates.describe(window.earliest)
            )
        )
    if day > window.latest:
        raise InvalidInput(
            MSG["date_too_far"].format(
                n=settings.checkup_window_days, latest=dates.describe(window.latest)
            )
        )
    if not is_booking_day(day):
        holiday = dates.holiday_name(day)
        why = f"是{holiday}假期" if holiday else "是休息日"
        options = [dates.describe(d) for d in working_days(window)[:4]]
        raise InvalidInput(MSG["date_not_workday"].format(day=label, why=why), options)
    return parsed


def calendar_note(day: dt.date) -> str:
    if dates.is_working_day(day) is None:
        return MSG["date_calendar_unknown"].format(year=day.year)
    return ""


def check_half_day(text: str) -> str:
    half = dates.parse_half_day(clean_text(text))
    if half is None:
        unsupported = dates.parse_date(text, dt.date.today()).unsupported_time
        raise InvalidInput(
            MSG["unsupported_time"] if unsupported else MSG["half_day_invalid"],
            list(dates.HALF_DAYS),
        )
    return half


# --------------------------------------------------------------------------- capacity
def capacity_of(town: Town) -> int:
    if town.checkup_capacity is not None:
        return town.checkup_capacity
    return get_settings().checkup_capacity


def _booked(session: Session, town: Town, day: dt.date, half_day: str) -> int:
    slot = session.scalar(
        select(CheckupSlot).where(
            CheckupSlot.town_id == town.id,
            CheckupSlot.date == day,
            CheckupSlot.half_day == half_day,
        )
    )
    return slot.booked if slot else 0


def has_room(session: Session, town: Town, day: dt.date, half_day: str) -> bool:
    return _booked(session, town, day, half_day) < capacity_of(town)


def nearest_free(
    session: Session, town: Town, around: dt.date, today: dt.date, count: int = 3
) -> list[tuple[dt.date, str]]:
    """Free half-days in the booking window, nearest to the wanted date first."""
    days = working_days(booking_window(today))
    days.sort(key=lambda d: (abs((d - around).days), d))
    free: list[tuple[dt.date, str]] = []
    for day in days:
        for half in dates.HALF_DAYS:
            if has_room(session, town, day, half):
                free.append((day, half))
                if len(free) >= count:
                    return sorted(free)
    return sorted(free)


def _insert_ignore(session: Session, table: type, values: dict[str, object]) -> None:
    """INSERT … ON CONFLICT DO NOTHING, so concurrent bookings share one row to lock."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing())


def _lock_slot(session: Session, town: Town, day: dt.date, half_day: str) -> CheckupSlot:
    _insert_ignore(
        session, CheckupSlot, {"town_id": town.id, "date": day, "half_day": half_day, "booked": 0}
    )
    # FOR UPDATE holds the row on PostgreSQL until commit; on SQLite the insert above has
    # already taken the database's write lock, which serialises bookings just the same.
    return session.scalars(
        select(CheckupSlot)
        .where(
            CheckupSlot.town_id == town.id,
            CheckupSlot.date == day,
            CheckupSlot.half_day == half_day,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _next_reference(session: Session, day: dt.date) -> str:
    _insert_ignore(session, BookingCounter, {"date": day, "last": 0})
    counter = session.scalars(
        select(BookingCounter)
        .where(BookingCounter.date == day)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    counter.last += 1
    return f"TJ{day:%Y%m%d}-{counter.last:04d}"


@dataclass
class BookingRequest:
    company_name: str
    uscc: str
    contact_name: str
    phone: str
    town_id: int
    industry: str
    needs: str
    date: dt.date
    half_day: str
    session_id: str = ""


def create_booking(
    session: Session, request: BookingRequest, *, today: dt.date | None = None
) -> Booking:
    """Reserve the half-day and store the booking, in the caller's transaction.

    Raises SlotFull (with the nearest free half-days) when the last place has gone.
    """
    today = today or dt.date.today()
    town = session.get(Town, request.town_id)
    if town is None:
        raise InvalidInput(MSG["town_unknown"].format(text=""))
    slot = _lock_slot(session, town, request.date, request.half_day)
    if slot.booked >= capacity_of(town):
        raise slot_full(session, town, request.date, request.half_day, today)
    slot.booked += 1
    booking = Booking(
        reference=_next_reference(session, request.date),
        company_name=request.company_name,
        uscc=request.uscc,
        contact_name=request.contact_name,
        phone=request.phone,
        town_id=town.id,
        industry=request.industry,
        needs=request.needs,
        date=request.date,
        half_day=request.half_day,
        status="submitted",
        session_id=request.session_id,
        updated_by="citizen",
    )
    booking.events.append(BookingEvent(status="submitted", note="在线预约", actor="citizen"))
    session.add(booking)
    session.flush()
    return booking


# --------------------------------------------------------------------------- lookup
def parse_reference(text: str) -> str | None:
    match = REFERENCE_RE.search(clean_text(text))
    return f"TJ{match[1]}-{match[2]}" if match else None


def find_booking(session: Session, reference: str, phone: str) -> Booking | None:
    """The booking, only if the phone is the one it was made with (no hint otherwise)."""
    booking = session.scalar(select(Booking).where(Booking.reference == reference.upper()))
    try:
        phone = check_phone(phone)
    except InvalidInput:
        return None
    if booking is None or not hmac.compare_digest(booking.phone, phone):
        return None
    return booking


def change_status(
    session: Session, booking: Booking, status: str, *, actor: str, note: str = ""
) -> None:
    if status == booking.status:
        if note:
            booking.staff_note = note
        return
    if status not in BOOKING_TRANSITIONS.get(booking.status, ()):
        raise InvalidInput(
            MSG["bad_transition"].format(
                old=BOOKING_STATUS_LABELS[booking.status],
                new=BOOKING_STATUS_LABELS.get(status, status),
            )
        )
    if status == "cancelled":
        slot = _lock_slot(session, booking.town, booking.date, booking.half_day)
        slot.booked = max(0, slot.booked - 1)
    booking.status = status
    booking.updated_by = actor
    if note:
        booking.staff_note = note
    booking.events.append(BookingEvent(status=status, note=note, actor=actor))
    session.flush()


def cancel_by_owner(session: Session, booking: Booking) -> None:
    if "cancelled" not in BOOKING_TRANSITIONS.get(booking.status, ()):
        raise InvalidInput(MSG["cannot_cancel"].format(status=booking.status_label))
    change_status(session, booking, "cancelled", actor="citizen", note="预约人取消")


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def mask_uscc(code: str) -> str:
    return f"{code[:4]}{'*' * 10}{code[-4:]}" if len(code) == 18 else "****"
