"""Understanding the dates people type: "下周三", "12月8号", "明天上午", "周五下午", "2026-12-08".

Chinese numerals are turned into digits with cn2an first ("十二月八号" → "12月8号"). Working
days come from chinese-calendar, which knows the statutory holidays and the weekend days
worked in lieu (调休) for the years the State Council has announced.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import chinese_calendar
import cn2an

MORNING = "上午"
AFTERNOON = "下午"
HALF_DAYS = (MORNING, AFTERNOON)
WEEKDAY_NAMES = "一二三四五六日"

_MORNING_WORDS = ("上午", "早上", "早晨", "上半天", "早点", "一早", "am", "AM")
_AFTERNOON_WORDS = ("下午", "午后", "下半天", "pm", "PM")
_EVENING_WORDS = ("晚上", "傍晚", "夜里", "夜间", "凌晨", "中午")
_RELATIVE_DAYS = {"大后天": 3, "后天": 2, "明天": 1, "明日": 1, "今天": 0, "今日": 0}
_WEEKDAY = r"(?:周|星期|礼拜)([1-7日天])"


@dataclass(frozen=True)
class ParsedDate:
    date: dt.date | None
    half_day: str | None
    # The person asked for a time we never schedule (evening, noon).
    unsupported_time: bool = False


def _weekday_index(token: str) -> int:
    return 6 if token in "日天7" else int(token) - 1


def parse_half_day(text: str) -> str | None:
    if any(w in text for w in _MORNING_WORDS):
        return MORNING
    if any(w in text for w in _AFTERNOON_WORDS):
        return AFTERNOON
    return None


def _year_for(month: int, day: int, today: dt.date) -> dt.date | None:
    """A month and day without a year: the occurrence nearest to today ("1月5日" in late
    November is next January; "11月20日" on 25 November is five days ago)."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs((d - today).days), default=None)


def parse_date(text: str, today: dt.date) -> ParsedDate:
    raw = text.strip()
    try:
        text = cn2an.transform(raw, "cn2an")
    except (ValueError, KeyError):  # cn2an rejects some mixed strings; keep the original
        text = raw
    text = text.replace("号", "日").replace("．", ".").replace("／", "/")
    half_day = parse_half_day(text)
    unsupported = half_day is None and any(w in text for w in _EVENING_WORDS)
    return ParsedDate(_parse_day(text, today), half_day, unsupported)


def _parse_day(text: str, today: dt.date) -> dt.date | None:
    if m := re.search(r"(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", text):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    if m := re.search(r"(\d{1,2})\s*月\s*(\d{1,2})", text) or re.search(
        r"(?<!\d)(\d{1,2})[./-](\d{1,2})(?!\d)", text
    ):
        return _year_for(int(m[1]), int(m[2]), today)
    for word, offset in _RELATIVE_DAYS.items():
        if word in text:
            return today + dt.timedelta(days=offset)
    if m := re.search(r"(下下|下|这|本)?" + _WEEKDAY, text):
        target = _weekday_index(m[2])
        monday = today - dt.timedelta(days=today.weekday())
        if m[1] == "下下":
            return monday + dt.timedelta(days=14 + target)
        if m[1] == "下":
            return monday + dt.timedelta(days=7 + target)
        candidate = monday + dt.timedelta(days=target)
        # "周五" on a Saturday means the coming Friday; "这周五" is this week's.
        if candidate < today and not m[1]:
            candidate += dt.timedelta(days=7)
        return candidate
    if m := re.search(r"(?<![\d月])(\d{1,2})\s*日", text):
        day = int(m[1])
        for month_offset in (0, 1):
            month = (today.month - 1 + month_offset) % 12 + 1
            year = today.year + (today.month - 1 + month_offset) // 12
            try:
                candidate = dt.date(year, month, day)
            except ValueError:
                continue
            if candidate >= today:
                return candidate
    return None


def is_working_day(day: dt.date) -> bool | None:
    """True/False from the official calendar; None for a year it has no data for yet."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def describe(day: dt.date, half_day: str | None = None) -> str:
    """12月8日（周二）上午"""
    label = f"{day.month}月{day.day}日（周{WEEKDAY_NAMES[day.weekday()]}）"
    return label + (half_day or "")


def holiday_name(day: dt.date) -> str | None:
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    if not on_holiday or name is None:
        return None
    return chinese_calendar.Holiday(name).chinese
