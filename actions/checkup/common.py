"""What the checkup actions share: the form's slots (read from the domain), corrections,
digressions in the middle of a form, and the full-slot message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.replies import echo_buttons, latest_intent, send_answer, turn_of
from booking import dates
from booking.capacity import SlotFull, has_room, slot_full
from booking.checks import InvalidInput, check_town
from knowledge.answering import FOLLOW_UP_INTENTS, AnsweringService, Choices, NoAnswer
from knowledge.snapshot import snapshot
from knowledge.text import get_lexicon
from knowledge.topics import registry

CHECKUP_FORM = "checkup_form"
LOOKUP_FORM = "booking_lookup_form"
# A question about another topic in the middle of a form is answered when the intent
# classifier is at least this sure of it; the form then goes on.
DIGRESSION_CONFIDENCE = 0.8
# Corrections ("电话填错了") are short; a longer message is an answer, not a correction.
CORRECTION_MAX_CHARS = 24

Validator = Callable[[Any, Any, CollectingDispatcher, Tracker, DomainDict], dict[str, Any]]


def form_slots(domain: DomainDict, form: str) -> list[str]:
    """The form's required slots, as the domain declares them."""
    return list(domain.get("forms", {}).get(form, {}).get("required_slots", []))


def reset(slots: list[str] | tuple[str, ...]) -> list[EventType]:
    return [SlotSet(s, None) for s in slots]


def correction_target(text: str) -> str | None:
    """The field someone wants to change ("电话填错了" → phone), or None (the words are the
    lexicon's cue "correction" and its form_fields)."""
    lexicon = get_lexicon()
    if len(text) > CORRECTION_MAX_CHARS or not lexicon.has_cue("correction", text):
        return None
    for slot, words in lexicon.form_fields.items():
        if any(w in text for w in words):
            return slot
    return None


def skip_none(method: Validator) -> Validator:
    """rasa-sdk also hands validators the slots an action just cleared: nothing to check."""
    slot = method.__name__.removeprefix("validate_")

    @wraps(method)
    def wrapper(
        self: Any,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if value is None:
            return {slot: None}
        return method(self, value, dispatcher, tracker, domain)

    return wrapper


def digression(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A confident question in the middle of the form — about another topic, about the
    checkup itself ("你们帮多少家企业弄过了"), or a follow-up ("网上能约伐") — is answered,
    and the form goes on. Only the request to book is not a question."""
    intent, confidence = latest_intent(tracker)
    spec = registry().by_intent(intent)
    question = intent in FOLLOW_UP_INTENTS or (
        spec is not None and not (spec.form and intent == spec.intent)
    )
    if not question or (confidence or 0) < DIGRESSION_CONFIDENCE:
        return False
    with runtime.db() as session:
        knowledge = snapshot(session)
        answer = AnsweringService(knowledge).answer(turn_of(tracker))
        if isinstance(answer, Choices | NoAnswer):
            return False
        send_answer(dispatcher, knowledge, answer)
    dispatcher.utter_message(response="utter_resume_booking")
    return True


def reject(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    slot: str,
    error: InvalidInput,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Say what is wrong (or answer a digression) and ask again."""
    if not digression(dispatcher, tracker):
        dispatcher.utter_message(
            text=error.message, buttons=echo_buttons(error.options[:19]) or None
        )
    return {slot: None, **(extra or {})}


def say_slot_full(dispatcher: CollectingDispatcher, full: SlotFull) -> None:
    options = [dates.describe(d, h) for d, h in full.alternatives]
    dispatcher.utter_message(text=full.message, buttons=echo_buttons(options) or None)


def check_room(town_name: str | None, day_iso: str | None, half_day: str | None) -> None:
    """Raise SlotFull if the chosen half-day has no place left (checked again on submit)."""
    if not (town_name and day_iso and half_day):
        return
    day = dt.date.fromisoformat(day_iso)
    rules = runtime.booking_rules()
    with runtime.db() as session:
        town = check_town(session, town_name)
        if not has_room(session, town, day, half_day, rules):
            raise slot_full(session, town, day, half_day, runtime.today(), rules)
