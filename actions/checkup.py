"""企业体检 ("企业吹哨，部门报到"): what the service is, and the booking flow."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import texts
from actions.answers import send_overview
from knowledge import repositories
from knowledge.db import session_scope


class ActionCheckupIntro(Action):
    def name(self) -> str:
        return "action_checkup_intro"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with session_scope() as session:
            topic = repositories.get_topic(session, topic="checkup")
            if topic is not None:
                send_overview(dispatcher, session, topic)
            else:
                dispatcher.utter_message(text=texts.CHECKUP_INTRO_FALLBACK)
        dispatcher.utter_message(
            text=texts.BOOKING_NOT_READY.format(hotline=texts.HOTLINE, squad=texts.LOCAL_SQUAD)
        )
        return [SlotSet("last_topic", "checkup")]


class ActionQueryBooking(Action):
    def name(self) -> str:
        return "action_query_booking"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(
            text=texts.BOOKING_NOT_READY.format(hotline=texts.HOTLINE, squad=texts.LOCAL_SQUAD)
        )
        return []


class ActionCancelBooking(ActionQueryBooking):
    def name(self) -> str:
        return "action_cancel_booking"
