"""The greeting, with the topic menu from the registry and the 热点问题 staff chose."""

from __future__ import annotations

import asyncio

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.replies import topic_buttons
from knowledge import repositories


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_greet", buttons=topic_buttons())
        hot = await asyncio.to_thread(_hot_questions)
        if hot:
            buttons = [{"title": q, "payload": q} for q in hot]
            dispatcher.utter_message(response="utter_hot_questions", buttons=buttons)
        return []


def _hot_questions() -> list[str]:
    with runtime.db() as session:
        return repositories.hot_questions(session)
