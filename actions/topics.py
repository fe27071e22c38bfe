"""The topic actions: one per topic of the registry (knowledge/data/topics.yaml) that is
answered from the knowledge base — the best FAQ entry or item, else the topic overview."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import Asked, KnowledgeAction, is_answer, record, send_answer, send_overview
from knowledge.answering import Choices
from knowledge.topics import TopicSpec, registry


class TopicAction(KnowledgeAction, ABC):
    """Answers one topic from the knowledge base; `spec` says which."""

    spec: TopicSpec

    @abstractmethod
    def name(self) -> str: ...

    def respond(self, dispatcher: CollectingDispatcher, asked: Asked) -> list[EventType]:
        if isinstance(asked.decision, Choices):
            # Candidates only: worth a look by staff (a missing FAQ or phrasing).
            record(asked.session, asked.turn, "uncertain")
        if is_answer(asked.decision):
            return send_answer(dispatcher, asked.knowledge, asked.decision)
        topic = asked.knowledge.topic(self.spec.key)
        if topic is not None:
            send_overview(dispatcher, asked.knowledge, topic)
        if asked.turn.text:
            record(asked.session, asked.turn, "no_match")
        return [SlotSet("last_topic", self.spec.key)]


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
