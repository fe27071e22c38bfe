"""The topic actions: one per topic of the registry (knowledge/data/topics.yaml) that is
answered from the knowledge base — the best FAQ entry or item, else the topic overview."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.replies import latest_intent, send_answer, send_overview, user_text
from knowledge import repositories
from knowledge.answering import context_topic, find_answer
from knowledge.topics import TopicSpec, registry


class TopicAction(Action, ABC):
    """Answers one topic from the knowledge base; `spec` says which."""

    spec: TopicSpec

    @abstractmethod
    def name(self) -> str: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = user_text(tracker)
        intent, confidence = latest_intent(tracker)
        topic_key = self.spec.key
        with runtime.db() as session:
            context = context_topic(session, text, tracker.get_slot("last_topic"))
            answer = find_answer(
                session, text, topic_key, with_items=self.spec.answers_items, context=context
            )
            if answer is not None:
                if answer.kind == "choices":
                    # Candidates only: worth a look by staff (a missing FAQ or phrasing).
                    repositories.record_unanswered(
                        session, text=text, intent=intent, confidence=confidence, reason="uncertain"
                    )
                return send_answer(dispatcher, session, answer)
            topic = repositories.get_topic(session, topic=topic_key)
            if topic is not None:
                send_overview(dispatcher, session, topic)
            if text:
                repositories.record_unanswered(
                    session, text=text, intent=intent, confidence=confidence, reason="no_match"
                )
        return [SlotSet("last_topic", topic_key)]


def _topic_action(spec: TopicSpec) -> type[TopicAction]:
    name = "Action_" + spec.key
    action_name = spec.action or ""
    attributes: dict[str, Any] = {
        "spec": spec,
        "name": lambda self: action_name,
        "__module__": __name__,
        "__qualname__": name,
    }
    cls = type(name, (TopicAction,), attributes)
    # A module-level name: rasa-sdk finds actions as subclasses, and worker processes
    # unpickle them by name.
    globals()[name] = cls
    return cls


TOPIC_ACTIONS = [_topic_action(spec) for spec in registry().answered_from_faq]
