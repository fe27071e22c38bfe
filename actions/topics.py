"""The shared shape of a topic answer: best FAQ entry or item, else the topic overview."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import context_topic, find_answer, send_answer, send_overview, user_text
from knowledge import repositories
from knowledge.db import session_scope


def latest_intent(tracker: Tracker) -> tuple[str | None, float | None]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), intent.get("confidence")


class TopicAction(Action, ABC):
    """Answers one topic from the knowledge base; subclasses name the topic."""

    topic: str
    with_items: bool = True

    @abstractmethod
    def name(self) -> str: ...

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = user_text(tracker.latest_message)
        intent, confidence = latest_intent(tracker)
        with session_scope() as session:
            context = context_topic(session, text, tracker.get_slot("last_topic"))
            answer = find_answer(
                session, text, self.topic, with_items=self.with_items, context=context
            )
            if answer is not None:
                if answer.kind == "choices":
                    # Candidates only: worth a look by staff (a missing FAQ or phrasing).
                    repositories.record_unanswered(
                        session, text=text, intent=intent, confidence=confidence, reason="uncertain"
                    )
                return send_answer(dispatcher, session, answer)
            topic = repositories.get_topic(session, topic=self.topic)
            if topic is not None:
                send_overview(dispatcher, session, topic)
            if text:
                repositories.record_unanswered(
                    session, text=text, intent=intent, confidence=confidence, reason="no_match"
                )
        return [SlotSet("last_topic", self.topic)]
