"""Short follow-ups that lean on the conversation: "罚多少?", "依据是哪条?", "那第二次呢?"."""

from __future__ import annotations

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import Asked, KnowledgeAction, is_answer, send_answer


class ActionFollowUp(KnowledgeAction):
    def name(self) -> str:
        return "action_follow_up"

    def respond(self, dispatcher: CollectingDispatcher, asked: Asked) -> list[EventType]:
        if is_answer(asked.decision):
            return send_answer(dispatcher, asked.knowledge, asked.decision)
        dispatcher.utter_message(response="utter_no_context_follow_up")
        return []
