"""Run an action the way the action server does: a Tracker built from the latest message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

Run = Callable[..., tuple[CollectingDispatcher, list[dict[str, Any]]]]


def make_tracker(
    text: str,
    intent: str,
    confidence: float = 0.95,
    slots: dict[str, Any] | None = None,
    ranking: list[dict[str, Any]] | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
        "entities": [],
    }
    return Tracker(
        sender_id="test-session",
        slots=slots or {},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture
def run() -> Run:
    def _run(action: Action, text: str, intent: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        dispatcher = CollectingDispatcher()
        events = action.run(dispatcher, make_tracker(text, intent, **kwargs), {})
        return dispatcher, events

    return _run


def texts_of(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def cards_of(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [m["custom"]["card"] for m in dispatcher.messages if m.get("custom")]


def slot(events: list[dict[str, Any]], name: str) -> Any:
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    return values[-1] if values else None
