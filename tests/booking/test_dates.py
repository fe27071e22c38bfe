"""Dates as people type them, and working days by the official calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from booking.dates import describe, is_working_day, parse_date

TODAY = dt.date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "day", "half"),
    [
        ("下周三", dt.date(2026, 12, 2), None),
        ("12月8号", dt.date(2026, 12, 8), None),
        ("十二月八号下午", dt.date(2026, 12, 8), "下午"),
        ("明天上午", dt.date(2026, 11, 26), "上午"),
        ("后天 下午", dt.date(2026, 11, 27), "下午"),
        ("周五", dt.date(2026, 11, 27), None),
        ("星期一早上", dt.date(2026, 11, 30), "上午"),
        ("下下周一", dt.date(2026, 12, 7), None),
        ("2026-12-08", dt.date(2026, 12, 8), None),
        ("12.10", dt.date(2026, 12, 10), None),
        ("8号", dt.date(2026, 12, 8), None),
        ("1月5日", dt.date(2027, 1, 5), None),  # January has passed this year: next year
    ],
)
def test_parse(text: str, day: dt.date, half: str | None) -> None:
    parsed = parse_date(text, TODAY)
    assert (parsed.date, parsed.half_day) == (day, half)


def test_evening_is_flagged() -> None:
    assert parse_date("下周三晚上", TODAY).unsupported_time


def test_nonsense_has_no_date() -> None:
    assert parse_date("随便吧", TODAY).date is None


def test_official_calendar() -> None:
    assert is_working_day(dt.date(2026, 10, 1)) is False  # National Day
    assert is_working_day(dt.date(2026, 11, 28)) is False  # a Saturday
    assert is_working_day(dt.date(2026, 12, 8)) is True
    assert is_working_day(dt.date(2031, 6, 2)) is None  # not announced yet


def test_describe() -> None:
    assert describe(dt.date(2026, 12, 8), "上午") == "12月8日（周二）上午"
