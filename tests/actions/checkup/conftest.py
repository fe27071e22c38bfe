"""Trackers as the checkup forms see them, with today fixed to 2026-11-25."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from tests.domain import domain

TODAY = dt.date(2026, 11, 25)
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
    monkeypatch.setattr(runtime, "today", lambda: TODAY)


def form_tracker(
    text: str,
    requested: str | None,
    slots: dict[str, Any] | None = None,
    intent: str = "inform",
    confidence: float = 0.9,
    loop: str = "checkup_form",
    value: Any = None,
) -> Tracker:
    """The tracker the validation action sees: the form put what it extracted (the text, or
    `value` for a slot filled by intent) into the requested slot."""
    values = {**(slots or {}), "requested_slot": requested}
    events: list[dict[str, Any]] = [{"event": "user", "text": text}]
    extracted = text if value is None else value
    if requested and extracted is not None and extracted != "":
        values[requested] = extracted
        events.append({"event": "slot", "name": requested, "value": extracted})
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
    action: FormValidationAction, tracker: Tracker
) -> tuple[CollectingDispatcher, dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain()))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher, slots, events


def run_action(
    action: Action,
    slots: dict[str, Any],
    text: str = "",
    intent: str = "affirm",
    sender_id: str = "form-test",
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    tracker = Tracker(
        sender_id=sender_id,
        slots=slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.95}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="checkup_form",
    )
    return dispatcher, asyncio.run(action.run(dispatcher, tracker, domain()))
