"""Checking what people type into the booking form; InvalidInput says what is wrong."""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from sqlalchemy.orm import Session
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

from booking import dates
from booking import texts as T
from booking.rules import BookingRules, Window, booking_window
from knowledge import repositories
from knowledge.models import Town
from knowledge.text import clean_text, get_lexicon


class InvalidInput(ValueError):
    """What the user typed is not acceptable; the message says why, in Chinese."""

    def __init__(self, message: str, options: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.options = options or []


def check_company(text: str) -> str:
    value = clean_text(text)
    value = re.sub(
        r"^(我们?(公司|单位|企业|店)?(名字|名称)?(叫|是)|企业名称是?|公司名称?是?)", "", value
    )
    value = value.strip(" ：:，,。")
    if re.fullmatch(r"[\d\W_]+", value or "0"):
        raise InvalidInput(T.COMPANY_DIGITS)
    if len(value) < 4:
        raise InvalidInput(T.COMPANY_SHORT)
    if len(value) > 60:
        raise InvalidInput(T.COMPANY_LONG)
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
        raise InvalidInput(T.USCC_LENGTH.format(n=len(number))) from exc
    except InvalidFormat as exc:
        raise InvalidInput(T.USCC_FORMAT) from exc
    except InvalidChecksum as exc:
        raise InvalidInput(T.USCC_CHECKSUM) from exc
    if _org_code_check_digit(number[8:16]) != number[16]:
        raise InvalidInput(T.USCC_ORG_CHECKSUM)
    return number


def check_contact_name(text: str) -> str:
    value = clean_text(text)
    value = re.sub(r"^(联系人|我)?(是|叫|姓)?", "", value).strip(" ：:，,。")
    if not 1 <= len(value) <= 20 or not re.search(r"[\u4e00-\u9fffA-Za-z]", value):
        raise InvalidInput(T.NAME_INVALID)
    if len(value) == 1:  # "我姓李" → "李先生/女士" is fine, a bare surname is too
        value += "（先生/女士）"
    return value


def check_phone(text: str) -> str:
    digits = re.sub(r"[^\d+]", "", clean_text(text))
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(T.PHONE_INVALID) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(T.PHONE_INVALID)
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise InvalidInput(T.PHONE_LANDLINE)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return national.replace(" ", "")


def find_phones(text: str) -> list[str]:
    """Every valid mobile number in a longer message ("查预约 13812345678")."""
    found: list[str] = []
    for candidate in re.findall(r"1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}", clean_text(text)):
        try:
            found.append(check_phone(candidate))
        except InvalidInput:
            continue
    return found


def check_town(session: Session, text: str) -> Town:
    town = repositories.find_town(session, text=clean_text(text))
    if town is None:
        names = [t.name for t in repositories.active_towns(session)]
        raise InvalidInput(T.TOWN_UNKNOWN.format(text=clean_text(text)[:20]), names)
    return town


def check_industry(text: str) -> str:
    value = clean_text(text).strip(" ：:，,。")
    if not 2 <= len(value) <= 30 or not re.search(r"[\u4e00-\u9fffA-Za-z]", value):
        raise InvalidInput(T.INDUSTRY_INVALID)
    return value


def check_needs(text: str) -> str:
    """What to look at in particular; "" for "没有" (the words are in the lexicon)."""
    value = clean_text(text).strip()
    none_answers = get_lexicon().cues["none_answers"]
    if value in none_answers or value.rstrip("了的啊呀吧") in none_answers:
        return ""
    if len(value) > 200:
        raise InvalidInput(T.NEEDS_LONG)
    return value


def is_booking_day(day: dt.date) -> bool:
    """A working day by the official calendar (Monday to Friday for a year it lacks)."""
    working = dates.is_working_day(day)
    return day.weekday() < 5 if working is None else working


def working_days(window: Window, limit: int = 60) -> list[dt.date]:
    day, found = window.earliest, list[dt.date]()
    while day <= window.latest and len(found) < limit:
        if is_booking_day(day):
            found.append(day)
        day += dt.timedelta(days=1)
    return found


def check_day(day: dt.date, today: dt.date, rules: BookingRules) -> dt.date:
    """A checkup day: not past, inside the booking window, a working day."""
    window = booking_window(today, rules)
    label = dates.describe(day)
    if day < today:
        raise InvalidInput(T.DATE_PAST.format(day=label))
    if day < window.earliest:
        earliest = dates.describe(window.earliest)
        raise InvalidInput(T.DATE_TOO_SOON.format(n=rules.min_days_ahead, earliest=earliest))
    if day > window.latest:
        latest = dates.describe(window.latest)
        raise InvalidInput(T.DATE_TOO_FAR.format(n=rules.window_days, latest=latest))
    if not is_booking_day(day):
        holiday = dates.holiday_name(day)
        why = T.DATE_HOLIDAY.format(holiday=holiday) if holiday else T.DATE_REST_DAY
        options = [dates.describe(d) for d in working_days(window)[:4]]
        raise InvalidInput(T.DATE_NOT_WORKDAY.format(day=label, why=why), options)
    return day


def check_date(text: str, today: dt.date, rules: BookingRules) -> dates.ParsedDate:
    """The date (and half-day, if said) of a checkup typed in words."""
    parsed = dates.parse_date(text, today)
    if parsed.date is None:
        raise InvalidInput(T.DATE_UNPARSED)
    check_day(parsed.date, today, rules)
    return parsed


def calendar_note(day: dt.date) -> str:
    if dates.is_working_day(day) is None:
        return T.DATE_CALENDAR_UNKNOWN.format(year=day.year)
    return ""


def check_half_day(text: str) -> str:
    half = dates.parse_half_day(clean_text(text))
    if half is None:
        unsupported = dates.parse_date(text, dt.date.today()).unsupported_time
        raise InvalidInput(
            T.UNSUPPORTED_TIME if unsupported else T.HALF_DAY_INVALID, list(dates.HALF_DAYS)
        )
    return half
