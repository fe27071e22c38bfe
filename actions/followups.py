"""Short follow-ups that lean on the conversation: "罚多少?", "依据是哪条?", "那第二次呢?"."""

from __future__ import annotations

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import (
    Asked,
    KnowledgeAction,
    is_answer,
    send_answer,
    send_overview,
    topic_buttons,
)
from knowledge.answering import DETAIL_INTENT, NoAnswer


class ActionFollowUp(KnowledgeAction):
    def name(self) -> str:
        return "action_follow_up"

    def respond(self, dispatcher: CollectingDispatcher, asked: Asked) -> list[EventType]:
        if is_answer(asked.decision):
            return send_answer(dispatcher, asked.knowledge, asked.decision)
        decision = asked.decision
        topic = asked.knowledge.topic(decision.topic) if isinstance(decision, NoAnswer) else None
        if topic is not None and isinstance(decision, NoAnswer) and decision.reason == "no_match":
            send_overview(dispatcher, asked.knowledge, topic)  # a detail this topic lacks
        elif asked.turn.intent == DETAIL_INTENT:
            dispatcher.utter_message(response="utter_which_topic", buttons=topic_buttons())
        else:
            dispatcher.utter_message(response="utter_no_context_follow_up")
        return []
