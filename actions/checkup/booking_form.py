"""The checkup booking form (`checkup_form` in bot/domain/booking.yml): Rasa asks for each
slot (utter_ask_<slot>, or action_ask_<slot> where the question needs data), maps yes/no and
"算了" by intent; this module validates each answer and submits the booking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.checkup.common import (
    CHECKUP_FORM,
    check_room,
    correction_target,
    digression,
    form_slots,
    reject,
    reset,
    say_slot_full,
    skip_none,
)
from actions.checkup.texts import FIELD_LABELS, NONE_NEEDS
from actions.replies import echo_buttons, latest_intent, user_text
from booking import checks, dates
from booking.capacity import SlotFull
from booking.checks import InvalidInput
from booking.rules import booking_window
from booking.workflow import BookingRequest, create_booking
from knowledge import repositories

YES, NO = "yes", "no"
# Slots filled from free text, where any message would pass as a value (a company name):
# a question there is read as a question first.
FREE_TEXT_SLOTS = frozenset({"company_name", "contact_name", "industry", "needs"})
STOP = "stop"


def _field_validator(slot: str, check: Any) -> Any:
    """validate_<slot> for a field checked by one function of booking.checks: the cleaned
    value, or a specific message and the question again."""

    def validate(
        self: Any,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        try:
            return {slot: check(str(value))}
        except InvalidInput as error:
            return reject(dispatcher, tracker, slot, error)

    validate.__name__ = f"validate_{slot}"
    return skip_none(validate)


def _needs(text: str) -> str:
    return checks.check_needs(text) or NONE_NEEDS


def _when(tracker: Tracker) -> str:
    day = dt.date.fromisoformat(str(tracker.get_slot("preferred_date")))
    return dates.describe(day, tracker.get_slot("half_day"))


class ValidateCheckupForm(FormValidationAction):
    def name(self) -> str:
        return "validate_checkup_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if latest_intent(tracker)[0] == STOP:
            return []  # nothing extracted: the form steps aside for the "stop" rule
        text = user_text(tracker)
        requested: str | None = tracker.get_slot("requested_slot")
        field = correction_target(text) if requested and text else None
        if field and (field != requested or requested == "booking_confirmed"):
            # "电话填错了": clear that field (and what depends on it); the form asks again.
            dispatcher.utter_message(response="utter_correcting", field=FIELD_LABELS[field])
            cleared = {field, str(requested), "booking_confirmed"}
            if field == "preferred_date":
                cleared.add("half_day")
            return reset(tuple(sorted(cleared)))
        if requested in FREE_TEXT_SLOTS and text and digression(dispatcher, tracker):
            # A question, not the answer to the form's question: answered, then asked again.
            return reset((str(requested),))
        events = await super().run(dispatcher, tracker, domain)
        if requested == "booking_confirmed" and not events:
            # Neither yes nor no nor a correction: say how to go on; the summary follows.
            dispatcher.utter_message(response="utter_confirm_unclear")
            return reset(("booking_confirmed",))
        return events

    validate_company_name = _field_validator("company_name", checks.check_company)
    validate_uscc = _field_validator("uscc", checks.check_uscc)
    validate_contact_name = _field_validator("contact_name", checks.check_contact_name)
    validate_phone = _field_validator("phone", checks.check_phone)
    validate_industry = _field_validator("industry", checks.check_industry)
    validate_needs = _field_validator("needs", _needs)

    @skip_none
    def validate_town(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            with runtime.db() as session:
                town = checks.check_town(session, str(value)).name
        except InvalidInput as error:
            return reject(dispatcher, tracker, "town", error)
        try:
            check_room(town, tracker.get_slot("preferred_date"), tracker.get_slot("half_day"))
        except SlotFull as full:
            say_slot_full(dispatcher, full)
            return {"town": town, "preferred_date": None, "half_day": None}
        return {"town": town}

    @skip_none
    def validate_preferred_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            parsed = checks.check_date(str(value), runtime.today(), runtime.booking_rules())
        except InvalidInput as error:
            return reject(dispatcher, tracker, "preferred_date", error, {"half_day": None})
        assert parsed.date is not None
        slots: dict[str, Any] = {"preferred_date": parsed.date.isoformat()}
        if parsed.half_day:
            slots["half_day"] = parsed.half_day
        half = parsed.half_day or tracker.get_slot("half_day")
        try:
            check_room(tracker.get_slot("town"), slots["preferred_date"], half)
        except SlotFull as full:
            say_slot_full(dispatcher, full)
            return {"preferred_date": None, "half_day": None}
        return slots

    @skip_none
    def validate_half_day(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            half = checks.check_half_day(str(value))
        except InvalidInput as error:
            return reject(dispatcher, tracker, "half_day", error)
        # "12月9日上午" clicked from the full-slot alternatives carries a new date too.
        day = tracker.get_slot("preferred_date")
        if dates.parse_date(str(value), runtime.today()).date is not None:
            try:
                parsed = checks.check_date(str(value), runtime.today(), runtime.booking_rules())
            except InvalidInput as error:
                return reject(dispatcher, tracker, "half_day", error, {"preferred_date": None})
            assert parsed.date is not None
            day = parsed.date.isoformat()
        try:
            check_room(tracker.get_slot("town"), day, half)
        except SlotFull as full:
            say_slot_full(dispatcher, full)
            return {"preferred_date": None, "half_day": None}
        return {"half_day": half, "preferred_date": day}

    @skip_none
    def validate_booking_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Filled by intent (affirm → yes, deny → no, see the domain); "no" asks what to
        change."""
        if value == YES:
            return {"booking_confirmed": YES}
        dispatcher.utter_message(response="utter_which_field")
        return {"booking_confirmed": None}


class ActionAskTown(Action):
    def name(self) -> str:
        return "action_ask_town"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with runtime.db() as session:
            names = [t.name for t in repositories.active_towns(session)]
        dispatcher.utter_message(response="utter_town_question", buttons=echo_buttons(names))
        return []


class ActionAskPreferredDate(Action):
    def name(self) -> str:
        return "action_ask_preferred_date"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        window = booking_window(runtime.today(), runtime.booking_rules())
        days = [dates.describe(d) for d in checks.working_days(window)[:4]]
        dispatcher.utter_message(
            response="utter_date_question",
            earliest=dates.describe(window.earliest),
            latest=dates.describe(window.latest),
            buttons=echo_buttons(days),
        )
        return []


class ActionAskHalfDay(Action):
    def name(self) -> str:
        return "action_ask_half_day"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        day = tracker.get_slot("preferred_date")
        label = dates.describe(dt.date.fromisoformat(day)) if day else ""
        dispatcher.utter_message(response="utter_half_day_question", day=label)
        return []


class ActionAskBookingConfirmed(Action):
    def name(self) -> str:
        return "action_ask_booking_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        note = checks.calendar_note(dt.date.fromisoformat(str(tracker.get_slot("preferred_date"))))
        dispatcher.utter_message(
            response="utter_booking_summary",
            when=_when(tracker),
            note=note,
        )
        return []


class ActionStopCheckup(Action):
    """ "算了" (intent stop) inside the form: a rule runs this, then action_deactivate_loop."""

    def name(self) -> str:
        return "action_stop_checkup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_checkup_stopped")
        return reset(form_slots(domain, CHECKUP_FORM))


class ActionSubmitCheckup(Action):
    def name(self) -> str:
        return "action_submit_checkup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("booking_confirmed") != YES:
            return []  # the form was left; nothing to submit
        needs = tracker.get_slot("needs")
        try:
            with runtime.db() as session:
                town = checks.check_town(session, str(tracker.get_slot("town")))
                request = BookingRequest.parse(
                    company_name=tracker.get_slot("company_name"),
                    uscc=tracker.get_slot("uscc"),
                    contact_name=tracker.get_slot("contact_name"),
                    phone=tracker.get_slot("phone"),
                    town_id=town.id,
                    industry=tracker.get_slot("industry"),
                    needs="" if needs in (None, NONE_NEEDS) else needs,
                    date=tracker.get_slot("preferred_date"),
                    half_day=tracker.get_slot("half_day"),
                    session_id=tracker.sender_id,
                )
                made = create_booking(
                    session, request, today=runtime.today(), rules=runtime.booking_rules()
                )
                reference, town_name = made.reference, town.name
        except SlotFull as full:
            # Someone else took the last place while this form was being filled.
            say_slot_full(dispatcher, full)
            return [
                *reset(("preferred_date", "half_day", "booking_confirmed")),
                FollowupAction(CHECKUP_FORM),
            ]
        except InvalidInput as error:
            # Slots not filled by the form (e.g. a tracker posted to the action server).
            dispatcher.utter_message(text=error.message)
            return reset(form_slots(domain, CHECKUP_FORM))
        dispatcher.utter_message(
            response="utter_checkup_submitted",
            reference=reference,
            when=_when(tracker),
            town_name=town_name,
        )
        return reset(form_slots(domain, CHECKUP_FORM))
