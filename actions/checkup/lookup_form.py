"""Looking up or cancelling a booking (`booking_lookup_form`): reference and the phone it was
made with; after three wrong pairs the lookup stops (against guessing)."""

from __future__ import annotations

from typing import Any, TypedDict

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.checkup.common import LOOKUP_FORM, form_slots, reset, skip_none
from actions.checkup.texts import STAFF_NOTE
from actions.replies import latest_intent, user_text
from booking import dates
from booking import texts as BT
from booking.checks import InvalidInput, check_phone, find_phones
from booking.models import Booking
from booking.references import parse_reference
from booking.workflow import cancel_by_owner, find_booking
from core.security import mask_phone

# Wrong reference/phone pairs allowed in one lookup before it stops.
MAX_LOOKUP_FAILURES = 3
LOCKED_OUT = -1.0
CANCEL, QUERY = "cancel", "query"
YES = "yes"
STOP = "stop"


def lookup_slots(domain: DomainDict) -> list[str]:
    return ["lookup_purpose", *form_slots(domain, LOOKUP_FORM)]


class ActionLookupStart(Action):
    def name(self) -> str:
        return "action_lookup_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent, _ = latest_intent(tracker)
        text = user_text(tracker)
        phones = find_phones(text)
        return [
            *reset(lookup_slots(domain)),
            SlotSet("lookup_purpose", CANCEL if intent == "cancel_booking" else QUERY),
            SlotSet("lookup_reference", parse_reference(text)),
            SlotSet("lookup_phone", phones[-1] if phones else None),
        ]


class ValidateBookingLookupForm(FormValidationAction):
    def name(self) -> str:
        return "validate_booking_lookup_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("lookup_purpose") != CANCEL:
            return [s for s in domain_slots if s != "cancel_confirmed"]
        return domain_slots

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent, _ = latest_intent(tracker)
        if intent == STOP:
            return []  # nothing extracted: the form steps aside for the "stop" rule
        requested = tracker.get_slot("requested_slot")
        if requested == "cancel_confirmed" and intent not in ("affirm", "deny"):
            return reset(("cancel_confirmed",))  # neither yes nor no: ask again
        events = await super().run(dispatcher, tracker, domain)
        locked_out = SlotSet("lookup_failures", LOCKED_OUT) in events
        if locked_out:
            return [
                *reset(lookup_slots(domain)),
                SlotSet("lookup_failures", 0),
                SlotSet("requested_slot", None),
                ActiveLoop(None),
            ]
        return events

    @skip_none
    def validate_lookup_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reference = parse_reference(str(value))
        if reference is None:
            dispatcher.utter_message(response="utter_bad_reference")
            return {"lookup_reference": None}
        return self._verify(
            dispatcher, tracker, domain, reference, tracker.get_slot("lookup_phone")
        )

    @skip_none
    def validate_lookup_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            phone = check_phone(str(value))
        except InvalidInput as error:
            dispatcher.utter_message(text=error.message)
            return {"lookup_phone": None}
        reference = tracker.get_slot("lookup_reference")
        return self._verify(dispatcher, tracker, domain, reference, phone)

    def _verify(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        reference: str | None,
        phone: str | None,
    ) -> dict[str, Any]:
        if not (reference and phone):
            return {"lookup_reference": reference, "lookup_phone": phone}
        with runtime.db() as session:
            found = find_booking(session, reference, phone) is not None
        if found:
            return {"lookup_reference": reference, "lookup_phone": phone, "lookup_failures": 0}
        failures = int(tracker.get_slot("lookup_failures") or 0) + 1
        if failures >= MAX_LOOKUP_FAILURES:
            dispatcher.utter_message(response="utter_too_many_failures")
            return {"lookup_failures": LOCKED_OUT}  # run() ends the form
        dispatcher.utter_message(text=BT.NOT_FOUND)
        return {"lookup_reference": None, "lookup_phone": None, "lookup_failures": failures}

    @skip_none
    def validate_cancel_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Filled by intent (affirm → yes, deny → no, see the domain)."""
        return {"cancel_confirmed": value}


class BookingDetails(TypedDict):
    reference: str
    company: str
    town_name: str
    when: str
    masked_phone: str
    status: str
    note: str


def details(found: Booking) -> BookingDetails:
    """The fields of utter_booking_details (phone masked)."""
    return {
        "reference": found.reference,
        "company": found.company_name,
        "town_name": found.town.name,
        "when": dates.describe(found.date, found.half_day),
        "masked_phone": mask_phone(found.phone),
        "status": found.status_label,
        "note": STAFF_NOTE.format(note=found.staff_note) if found.staff_note else "",
    }


class ActionAskCancelConfirmed(Action):
    def name(self) -> str:
        return "action_ask_cancel_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with runtime.db() as session:
            found = find_booking(
                session,
                str(tracker.get_slot("lookup_reference")),
                str(tracker.get_slot("lookup_phone")),
            )
            if found is not None:
                dispatcher.utter_message(response="utter_booking_details", **details(found))
        dispatcher.utter_message(response="utter_cancel_question")
        return []


class ActionStopLookup(Action):
    """ "算了" (intent stop) inside the lookup: a rule runs this, then action_deactivate_loop."""

    def name(self) -> str:
        return "action_stop_lookup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_lookup_stopped")
        return reset(lookup_slots(domain))


class ActionBookingLookup(Action):
    def name(self) -> str:
        return "action_booking_lookup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reference, phone = tracker.get_slot("lookup_reference"), tracker.get_slot("lookup_phone")
        purpose = tracker.get_slot("lookup_purpose")
        if reference and phone:
            with runtime.db() as session:
                found = find_booking(session, reference, phone)
                if found is None:
                    dispatcher.utter_message(text=BT.NOT_FOUND)
                elif purpose == CANCEL and tracker.get_slot("cancel_confirmed") == YES:
                    try:
                        cancel_by_owner(session, found)
                        dispatcher.utter_message(
                            response="utter_booking_cancelled", reference=found.reference
                        )
                    except InvalidInput as error:
                        dispatcher.utter_message(text=error.message)
                elif purpose == CANCEL:
                    dispatcher.utter_message(response="utter_booking_kept")
                else:
                    dispatcher.utter_message(response="utter_booking_details", **details(found))
        return reset(lookup_slots(domain))
