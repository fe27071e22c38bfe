"""Unanswered questions grouped by what they ask, the most asked first."""

from __future__ import annotations

from knowledge.grouping import group_similar


def test_the_same_gap_asked_differently_is_one_group_and_comes_first() -> None:
    asked = [
        "外摆要多少钱",
        "狗证多少钱",
        "社保怎么交",
        "办狗证要多少钱",
        "明天会下雨吗",
        "我家狗证要花多少钱",
        "社保在哪交",
    ]
    groups = group_similar(asked, lambda q: q)
    assert groups[0].members == ["狗证多少钱", "办狗证要多少钱", "我家狗证要花多少钱"]
    assert groups[0].count == 3 and groups[0].lead == "狗证多少钱"
    assert ["社保怎么交", "社保在哪交"] in [g.members for g in groups]
    # a shared question word does not make two gaps one
    assert ["外摆要多少钱"] in [g.members for g in groups]


def test_nothing_to_group() -> None:
    assert group_similar([], lambda q: q) == []
