"""Run an action the way the action server does: a Tracker built from the latest message."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.topics import TOPIC_ACTIONS
from tests.domain import domain, render

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
        tracker = make_tracker(text, intent, **kwargs)
        events = asyncio.run(action.run(dispatcher, tracker, domain()))
        return dispatcher, events

    return _run


def messages_of(
    dispatcher: CollectingDispatcher, slots: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The messages as the user gets them: domain responses rendered."""
    return [render(m, slots) for m in dispatcher.messages]


def texts_of(dispatcher: CollectingDispatcher, slots: dict[str, Any] | None = None) -> str:
    """What the user reads: the texts, and the cards' titles, fields and notes."""
    parts: list[str] = []
    for m in messages_of(dispatcher, slots):
        parts.append(m.get("text") or "")
        card = (m.get("custom") or {}).get("card") or {}
        parts += [card.get("title", ""), card.get("note", "")]
        parts += [f"{f['label']}：{f['value']}" for f in card.get("fields", [])]
    return "\n".join(parts)


def buttons_of(dispatcher: CollectingDispatcher) -> list[dict[str, str]]:
    return [b for m in messages_of(dispatcher) for b in m.get("buttons") or []]


def cards_of(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [m["custom"]["card"] for m in messages_of(dispatcher) if m.get("custom")]


def topic_action(topic: str) -> Action:
    """The registry's action for a topic answered from the knowledge base."""
    return next(cls() for cls in TOPIC_ACTIONS if cls.spec.key == topic)


def slot(events: list[dict[str, Any]], name: str) -> Any:
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    return values[-1] if values else None
