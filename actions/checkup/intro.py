"""A checkup message: a booking request (intent book_checkup) starts the form, a question
about the service (intent ask_checkup) is answered, and a message about an existing booking
is clarified. The action sets the categorical slot `checkup_mode`; the rules
(bot/data/rules/booking.yml) run the form or not."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.checkup.common import CHECKUP_FORM, form_slots, reset
from actions.replies import latest_intent, send_answer, turn_of, user_text
from booking.references import parse_reference
from knowledge.answering import AnsweringService, Choices, NoAnswer
from knowledge.snapshot import snapshot
from knowledge.text import get_lexicon
from knowledge.topics import registry

CHECKUP = "checkup"
BOOK, INFO = "book", "info"


def about_existing_booking(text: str) -> bool:
    return parse_reference(text) is not None or get_lexicon().has_cue("existing_booking", text)


class ActionCheckupIntro(Action):
    def name(self) -> str:
        return "action_checkup_intro"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = user_text(tracker)
        if text and about_existing_booking(text):
            # "查一下我的体检预约" may be read as a new booking: ask rather than start a form.
            dispatcher.utter_message(response="utter_existing_or_new")
            return [SlotSet("checkup_mode", INFO)]
        intent, _ = latest_intent(tracker)
        spec = registry().get(CHECKUP)
        if spec is not None and intent == spec.question_intent != spec.intent:
            with runtime.db() as session:
                knowledge = snapshot(session)
                answer = AnsweringService(knowledge).answer(turn_of(tracker))
                if not isinstance(answer, Choices | NoAnswer):
                    events = send_answer(dispatcher, knowledge, answer)
                else:
                    topic = knowledge.topic(CHECKUP)
                    if topic is not None:
                        dispatcher.utter_message(text=topic.overview)
                    events = [SlotSet("last_topic", CHECKUP)]
            dispatcher.utter_message(response="utter_offer_booking")
            return [*events, SlotSet("checkup_mode", INFO)]
        # What the service is, in the bureau's words (staff keep it in the console), then
        # the form: someone who asks "派人来厂里查查 怎么搞的" learns both.
        with runtime.db() as session:
            topic = snapshot(session).topic(CHECKUP)
        if topic is not None and topic.overview:
            dispatcher.utter_message(text=topic.overview)
        dispatcher.utter_message(response="utter_start_booking")
        return [
            *reset(form_slots(domain, CHECKUP_FORM)),
            SlotSet("checkup_mode", BOOK),
            SlotSet("last_topic", CHECKUP),
        ]
